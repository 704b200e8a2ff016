/*
 * vrp_parse.c - a VRP document from memory: decompressed when gzip or
 * bzip2, its format told from the content (never the name), handed to
 * the JSON or CSV reader, and judged whole once its records are in.
 * rpki-client, Routinator, StayRTR and GoRTR JSON, a bare JSON array of
 * VRP objects, Routinator and rpki-client CSV (docs/vrps.md).
 *
 * VRP files are treated like the wire (STYLE.md habit 8): every record is
 * type-checked, every value range-checked by vrp_set_add(), and a
 * document that is malformed JSON, or mostly bad, is refused whole so
 * that the caller keeps its previous set.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "rpki/vrp_decompress.h"
#include "rpki/vrp_parse_internal.h"


static int
parse_doc(struct vrp_parser *p, const char *s, const char *end)
{
	/* A UTF-8 byte order mark, as some tools put before CSV. */
	if (end - s >= 3 && memcmp(s, "\xef\xbb\xbf", 3) == 0)
		s += 3;
	s = vrp_json_ws(s, end);
	if (s == end) {
		log_warnx("%s: empty", p->name);
		return -1;
	}
	/* One allocation for a typical file: rpki-client JSON spends ~100
	 * bytes per VRP, CSV ~44; a wrong guess only costs a realloc. */
	if (*s == '{' || *s == '[') {
		(void)vrp_set_reserve(p->set, (size_t)(end - s) / 96);
		return vrp_json_doc(p, s, end);
	}
	(void)vrp_set_reserve(p->set, (size_t)(end - s) / 40);
	return vrp_csv_doc(p, s, end);
}

/* The whole-document verdict after the records are in. */
static int
parse_verdict(struct vrp_parser *p)
{
	struct vrp_set *set = p->set;

	if (set->records == 0) {
		log_warnx("%s: no VRP records", p->name);
		return -1;
	}
	if (set->rejected > VRP_LOG_RECORDS)
		log_warnx("%s: %zu records rejected (the first %d logged)",
		    p->name, set->rejected, VRP_LOG_RECORDS);
	if (set->n == 0) {
		log_warnx("%s: no valid VRP record (%zu rejected)", p->name,
		    set->rejected);
		return -1;
	}
	if (set->rejected > set->records / 2) {
		log_warnx("%s: %zu of %zu records bad, refusing the file",
		    p->name, set->rejected, set->records);
		return -1;
	}
	if (set->aspa.rejected > VRP_LOG_RECORDS)
		log_warnx("%s: %zu ASPA records rejected (the first %d logged)",
		    p->name, set->aspa.rejected, VRP_LOG_RECORDS);
	if (set->normalised > VRP_LOG_RECORDS)
		log_warnx("%s: %zu prefixes had host bits set (the first %d "
		    "logged)", p->name, set->normalised, VRP_LOG_RECORDS);
	return 0;
}

struct vrp_set *
vrp_parse(const char *name, const uint8_t *buf, size_t len)
{
	struct vrp_parser p;
	uint8_t *dec = NULL;
	size_t declen;
	enum vrp_decompress_result dr;
	int rc;

	memset(&p, 0, sizeof(p));
	p.name = name;
	if ((dr = vrp_decompress(name, buf, len, &dec, &declen)) ==
	    VRP_DECOMPRESS_ERROR)
		return NULL;
	if (dr == VRP_DECOMPRESS_DONE) {
		buf = dec;
		len = declen;
	}
	if ((p.set = vrp_set_new()) == NULL ||
	    (p.set->source = strdup(name)) == NULL) {
		log_warn("%s", name);
		vrp_set_free(p.set);
		free(dec);
		return NULL;
	}
	p.doc = (const char *)buf;
	rc = parse_doc(&p, p.doc, p.doc + len);
	free(dec);
	if (rc == -1 || parse_verdict(&p) == -1) {
		vrp_set_free(p.set);
		return NULL;
	}
	vrp_set_finish(p.set);
	p.set->loaded = (int64_t)time(NULL);
	log_info("%s: %zu VRPs (%zu IPv4, %zu IPv6), format %s, %zu "
	    "rejected, %zu duplicates", name, p.set->n, p.set->nv4,
	    p.set->nv6, p.set->format, p.set->rejected, p.set->duplicates);
	if (p.set->aspa_records > 0)
		log_info("%s: %zu ASPA objects (%zu customers), %zu rejected",
		    name, p.set->aspa.n, aspa_list_customers(&p.set->aspa),
		    p.set->aspa.rejected);
	return p.set;
}
