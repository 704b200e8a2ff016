/*
 * vrp.h - Validated ROA Payloads: the model, checks on ingest, and the
 * parsers for the formats operators already produce.
 *
 * A VRP is (prefix, maxLength, origin ASN) plus where it came from (trust
 * anchor) and until when it is valid (expires, 0 when the format has
 * none).  Checks on ingest (RFC 6482 / rpki-client roa.c spirit):
 * prefix length <= maxLength <= 32/128, ASN in 0..4294967295, prefixes
 * with host bits set are normalised (and warned about), AS0 is accepted
 * (RFC 6483 section 4 / RFC 7607: it makes covered routes INVALID).
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
#ifndef ROVMON_VRP_H
#define ROVMON_VRP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "addr.h"

struct vrp {
	struct prefix	prefix;
	uint8_t		maxlen;
	uint8_t		ta;		/* index into vrp_set.ta[] */
	uint32_t	asn;
	int64_t		expires;	/* Unix time; 0 = not given */
};

#define VRP_TA_MAX	64		/* distinct trust anchor names kept */
#define VRP_TA_NAMELEN	64		/* longest trust anchor name */
#define VRP_MAX_COUNT	(16u * 1024 * 1024)	/* entry cap per set */
#define VRP_MAX_BYTES	((size_t)512 * 1024 * 1024) /* file, body and
					 * decompressed size cap */
#define VRP_LOG_RECORDS	10		/* bad records logged per file */

/* One complete, checked set.  Owns everything it points to. */
struct vrp_set {
	struct vrp	*v;		/* sorted by family, prefix, len,
					 * maxlen, asn; duplicates removed */
	size_t		 n, cap;
	char		*ta[VRP_TA_MAX];	/* trust anchor names */
	unsigned	 nta;
	char		*source;	/* file path or URL it came from */
	char		 format[16];	/* "rpki-client", "json", "csv" */
	int64_t		 generated;	/* build time in the file, 0 unknown */
	int64_t		 loaded;	/* when rovmon loaded it */
	int64_t		 oldest_expiry;	/* min(expires), 0 unknown */
	size_t		 records;	/* records seen in the document */
	size_t		 rejected;	/* bad records skipped */
	size_t		 normalised;	/* prefixes with host bits cleared */
	size_t		 duplicates;	/* collapsed by vrp_set_finish() */
	size_t		 nv4, nv6;	/* per family, set by finish */
	unsigned	 ta_last;	/* lookup cache for vrp_set_add() */
};

struct vrp_set	*vrp_set_new(void);
void		 vrp_set_free(struct vrp_set *);		/* NULL ok */
/* Append one VRP after the checks above; -1 and *why set when refused. */
int		 vrp_set_add(struct vrp_set *, const struct prefix *,
		    unsigned maxlen, uint64_t asn, const char *ta,
		    int64_t expires, const char **why);
/* Room for n entries (capped at VRP_MAX_COUNT); 0 or -1.  Optional. */
int		 vrp_set_reserve(struct vrp_set *, size_t n);
/*
 * Sort and collapse duplicate (prefix, maxlen, asn) entries into the one
 * with the latest expiry; sets nv4, nv6, duplicates and oldest_expiry.
 * Call once after the last add.
 */
void		 vrp_set_finish(struct vrp_set *);
/* The sort order: family (IPv4 first), address, length, maxlen, asn. */
int		 vrp_cmp(const struct vrp *, const struct vrp *);
/*
 * Expired VRPs are kept (docs/vrps.md, "Stale VRP sets"); these count
 * them (expires != 0 && expires < now) and log one warning line when
 * there are any.
 */
size_t		 vrp_set_expired(const struct vrp_set *, int64_t now);
void		 vrp_set_warn_stale(const struct vrp_set *, int64_t now);
/* Only a hint: transparent huge pages for a big buffer about to be filled. */
void		 vrp_mem_hint(void *p, size_t len);

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
/*
 * If buf is gzip or bzip2 (by magic bytes), decompress it into *out
 * (malloc'd, the caller frees) and return 1; 0 and *out NULL when it is
 * not compressed; -1 (logged, naming `name`) when corrupt, truncated or
 * larger than VRP_MAX_BYTES decompressed.
 */
int		 vrp_decompress(const char *name, const uint8_t *buf,
		    size_t len, uint8_t **out, size_t *outlen);
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

#endif /* ROVMON_VRP_H */
