/*
 * fuzz_mrt.c - MRT archives (feed/mrt_read.h) and the compressed-file
 * reader under them (base/zread.h).
 *
 * Input: byte 0 = mode, the rest is the file.
 *   bit 0 clear: records cut from memory with mrt_record_cut() and fed
 *          with mrt_read_record() (BGP4MP, TABLE_DUMP_V2, TABLE_DUMP
 *          into feed sessions, their UPDATEs decoded, validated and
 *          logged as rovmon_loop.c does, fuzz_common.c); a cut that
 *          refuses a header or finds a partial record ends the input
 *   bit 0 set: the file through zread_open() (gzip, bzip2 or plain,
 *          told by magic) and mrt_file_next(), as `rovmon -r` reads it
 *   bit 1: the alerting stage on (RIB, rules)
 * Every decision a record makes (one session key per record, at most
 * one UPDATE per RIB entry) is checked by the sanitizers only: the
 * oracle for the decoded routes is mrtcheck18's bgpdump comparison.
 */
#include <stdlib.h>
#include <string.h>

#include "base/zread.h"
#include "feed/feed_session.h"
#include "feed/mrt_read.h"
#include "fuzz_common.h"

static struct fz_file file;

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	fz_init();
	fz_file_open(&file, "mrt");
	return 0;
}

static void
from_memory(struct mrt_read *r, const uint8_t *p, size_t len)
{
	struct mrt_record rec;
	const char *why;
	uint64_t num = 0;
	long n;

	while (len > 0) {
		why = NULL;
		if ((n = mrt_record_cut(p, len, ++num, &rec, &why)) <= 0) {
			/* refused headers say why; partial records do not */
			if ((n < 0) != (why != NULL))
				abort();
			break;
		}
		if ((size_t)n > len || rec.body < p || rec.body + rec.len >
		    p + n)
			abort();
		mrt_read_record(r, &rec);
		p += n;
		len -= (size_t)n;
	}
}

static void
from_file(struct mrt_read *r, const uint8_t *p, size_t len)
{
	struct mrt_record rec;
	struct mrt_file *f;
	struct zread *z;
	int rc;

	if ((z = zread_open(fz_file_set(&file, p, len))) == NULL)
		return;
	if ((f = mrt_file_new(z, "fuzz.mrt")) == NULL)
		abort();
	while ((rc = mrt_file_next(f, &rec)) == 1)
		mrt_read_record(r, &rec);
	/* the end is final: nothing more comes */
	if (mrt_file_next(f, &rec) != 0)
		abort();
	mrt_file_free(f);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct timeval now = { 1700000000, 0 };
	struct feed_table *t;
	struct mrt_read *r;
	struct bgp_sink sink;
	struct fz_out out;

	if (size < 1)
		return 0;
	fz_out_begin(&out, (data[0] & 2) != 0);
	fz_sink_init(&sink, &out);
	if ((t = feed_table_new(&sink)) == NULL ||
	    (r = mrt_read_new(t, "fuzz.mrt")) == NULL)
		abort();
	if (data[0] & 1)
		from_file(r, data + 1, size - 1);
	else
		from_memory(r, data + 1, size - 1);
	mrt_read_free(r);
	feed_table_free(t, NULL);
	fz_out_end(&out, &now);
	return 0;
}
