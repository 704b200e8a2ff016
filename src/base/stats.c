/*
 * stats.c - the process-wide counters and their JSON form.
 *
 * The line is the counters in their X-macro order (field names never
 * change: dashboards and tests read them), then the values derived when
 * the line is written: the VRP set's ages and the Redis watcher's state.
 */
#include <inttypes.h>
#include <string.h>
#include <time.h>

#include "base/stats.h"

struct rovmon_stats stats;

void
stats_reset(void)
{
	memset(&stats, 0, sizeof(stats));
}

/*
 * A JSON string.  The text is an error message (hiredis, strerror): ASCII
 * in practice; anything else is written as '?' rather than risk invalid
 * UTF-8 in the line.
 */
static void
put_string(FILE *fp, const char *s)
{
	fputc('"', fp);
	for (; *s != '\0'; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			fprintf(fp, "\\%c", c);
		else if (c < 0x20)
			fprintf(fp, "\\u%04x", c);
		else if (c >= 0x7f)
			fputc('?', fp);
		else
			fputc(c, fp);
	}
	fputc('"', fp);
}

/* now - t in seconds (0 if t is in the future: clocks differ), or null
 * when t is 0 (unknown). */
static void
put_age(FILE *fp, const char *name, int64_t now, uint64_t t)
{
	fprintf(fp, ",\"%s\":", name);
	if (t == 0)
		fputs("null", fp);
	else if (now < 0 || (uint64_t)now <= t)
		fputc('0', fp);
	else
		fprintf(fp, "%" PRIu64, (uint64_t)now - t);
}

static void
put_redis(FILE *fp, const struct stats_redis *r)
{
	fprintf(fp, ",\"redis\":{\"connected\":%s,\"generation\":",
	    r->connected ? "true" : "false");
	if (r->generation != 0)
		fprintf(fp, "%" PRIu64, r->generation);
	else
		fputs("null", fp);
	fputs(",\"last_contact\":", fp);
	if (r->last_contact > 0)
		fprintf(fp, "%" PRId64, r->last_contact);
	else
		fputs("null", fp);
	fputs(",\"last_error\":", fp);
	if (r->last_error[0] != '\0')
		put_string(fp, r->last_error);
	else
		fputs("null", fp);
	fprintf(fp, ",\"retries\":%u", r->retries);
	if (r->master != NULL) {
		fputs(",\"master\":", fp);
		if (r->master[0] != '\0')
			put_string(fp, r->master);
		else
			fputs("null", fp);
		fprintf(fp, ",\"master_changes\":%" PRIu64, r->master_changes);
	}
	fputc('}', fp);
}

/*
 * When the line was written, wall clock (Suricata's stats events carry one
 * too): "time" for arithmetic, "timestamp" for people and Elasticsearch.
 */
static void
put_time(FILE *fp, int64_t now)
{
	time_t t = (time_t)now;
	struct tm tm;
	char buf[32];

	if (gmtime_r(&t, &tm) == NULL ||
	    strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		buf[0] = '\0';
	fprintf(fp, ",\"time\":%" PRId64 ",\"timestamp\":\"%s\"", now, buf);
}

void
stats_write_json(FILE *fp, const struct stats_live *live)
{
	const char *sep = "";
	int64_t now = live != NULL ? live->now : (int64_t)time(NULL);

	fputc('{', fp);
#define ROVMON_STATS_PRINT(name)					\
	fprintf(fp, "%s\"%s\":%" PRIu64, sep, #name, stats.name);	\
	sep = ",";
	ROVMON_STATS(ROVMON_STATS_PRINT)
#undef ROVMON_STATS_PRINT
	/* vrp_loaded is 0 until a set is in use. */
	put_age(fp, "vrp_age", now, stats.vrp_loaded);
	put_age(fp, "vrp_data_age", now,
	    stats.vrp_loaded != 0 ? stats.vrp_generated : 0);
	/* The ASPA objects come with the VRPs: the same times, null when
	 * the set in use has none. */
	put_age(fp, "aspa_age", now, stats.aspa_loaded);
	put_age(fp, "aspa_data_age", now,
	    stats.aspa_loaded != 0 ? stats.vrp_generated : 0);
	if (live != NULL && live->redis != NULL)
		put_redis(fp, live->redis);
	if (live != NULL && live->rtr_audit != NULL)
		fprintf(fp, ",\"rtr_audit\":%s", live->rtr_audit);
	if (live != NULL && live->bmp_station != NULL)
		fprintf(fp, ",\"bmp_station\":%s", live->bmp_station);
	put_time(fp, now);
	fputs("}\n", fp);
	fflush(fp);
}
