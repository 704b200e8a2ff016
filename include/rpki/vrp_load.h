/*
 * vrp_load.h - loading VRP sets: the parsers for the formats operators
 * already produce (vrp_parse*.c), files and HTTP(S) sources (vrp_fetch.c).
 * Builds on the model (vrp.h) and decompression (vrp_decompress.h).
 *
 * Formats (detected from the content, not the file name):
 *   - rpki-client JSON (-j): {"metadata": {...}, "roas": [{"asn": 13335,
 *     "prefix": "1.0.0.0/24", "maxLength": 24, "ta": "apnic",
 *     "expires": 1753008369}, ...], ...}
 *   - Routinator / StayRTR / GoRTR JSON: the same array, "asn" as
 *     "AS13335" (mixed forms in one file are accepted)
 *   - CSV: "ASN,IP Prefix,Max Length,Trust Anchor[,Expires]" (Routinator
 *     csv, rpki-client -c), "AS13335" or "13335"
 *   - gzip or bzip2 compressed forms of any of these (by magic bytes)
 */
#ifndef ROVMON_VRP_LOAD_H
#define ROVMON_VRP_LOAD_H

#include <stdbool.h>

#include "rpki/vrp.h"

#define VRP_LOG_RECORDS	10		/* bad records logged per file */

/*
 * Parse a whole VRP document from memory (gzip or bzip2 compressed
 * documents are decompressed first).  `name` is used in messages
 * ("FILE: record N: reason") and copied into set->source.  Bad records
 * are skipped, counted and logged (the first VRP_LOG_RECORDS); the whole
 * document is refused (NULL, logged) when it is not a VRP document at
 * all, is malformed JSON, is empty, has no valid record, more than
 * VRP_MAX_COUNT records, or more than half of its records are bad.  The
 * caller keeps its previous set in that case.  The result is finished
 * (vrp_set_finish) and the caller frees it with vrp_set_free().
 */
struct vrp_set	*vrp_parse(const char *name, const uint8_t *buf, size_t len);
/* Read (and decompress) a file, then vrp_parse(), then warn if stale.
 * NULL on error (logged); the caller frees the result. */
struct vrp_set	*vrp_load_file(const char *path);

/*
 * HTTP(S) source with conditional GET.  The fetch state remembers the ETag
 * and Last-Modified of the last good response.
 */
struct vrp_fetch {
	char		*etag;		/* owned; freed by vrp_fetch_clear */
	char		*last_modified;	/* owned; freed by vrp_fetch_clear */
	long		 timeout;	/* total seconds; 0 = 60 */
};

#define VRP_FETCH_TIMEOUT	60	/* default total timeout, seconds */
#define VRP_CONNECT_TIMEOUT	10	/* seconds */
#define VRP_MAX_REDIRS		5

enum vrp_fetch_result {
	VRP_FETCH_NEW,		/* *out set to a new set */
	VRP_FETCH_UNCHANGED,	/* 304 Not Modified */
	VRP_FETCH_ERROR,	/* logged; keep the previous set */
};

/*
 * GET url (conditional when the state holds an ETag / Last-Modified; the
 * state may be NULL).  On VRP_FETCH_NEW *out is a new finished set the
 * caller frees, and the state is updated; otherwise *out is NULL and the
 * state is unchanged.  Errors are logged as one line naming the URL.
 */
enum vrp_fetch_result vrp_fetch_url(const char *url, struct vrp_fetch *,
		    struct vrp_set **out);
/* Free the strings in the state (not the state itself); NULL ok. */
void		 vrp_fetch_clear(struct vrp_fetch *);
/* A file path or an http(s) URL: load it (no conditional state).  NULL
 * on error (logged); the caller frees the result. */
struct vrp_set	*vrp_load(const char *source);
bool		 vrp_is_url(const char *source);

#endif /* ROVMON_VRP_LOAD_H */
