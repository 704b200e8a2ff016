/* stats.c - the process-wide counters and their JSON form. */
#include <inttypes.h>
#include <string.h>

#include "stats.h"

struct rovmon_stats stats;

void
stats_reset(void)
{
	memset(&stats, 0, sizeof(stats));
}

void
stats_write_json(FILE *fp)
{
	const char *sep = "";

	fputc('{', fp);
#define ROVMON_STATS_PRINT(name)					\
	fprintf(fp, "%s\"%s\":%" PRIu64, sep, #name, stats.name);	\
	sep = ",";
	ROVMON_STATS(ROVMON_STATS_PRINT)
#undef ROVMON_STATS_PRINT
	fputs("}\n", fp);
	fflush(fp);
}
