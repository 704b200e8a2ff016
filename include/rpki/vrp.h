/*
 * vrp.h - Validated ROA Payloads: the model and its checks on ingest.
 * Loading (the parsers, files, HTTP) is vrp_load.h, above this.
 *
 * A VRP is (prefix, maxLength, origin ASN) plus where it came from (trust
 * anchor) and until when it is valid (expires, 0 when the format has
 * none).  Checks on ingest (RFC 6482 / rpki-client roa.c spirit):
 * prefix length <= maxLength <= 32/128, ASN in 0..4294967295, prefixes
 * with host bits set are normalised (and warned about), AS0 is accepted
 * (RFC 6483 section 4 / RFC 7607: it makes covered routes INVALID).
 */
#ifndef ROVMON_VRP_H
#define ROVMON_VRP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "base/addr.h"
#include "rpki/aspa.h"

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
	/* ASPA objects from the same source (empty when it had none:
	 * CSV, older files); their ta indexes share ta[] above. */
	struct aspa_list aspa;
	size_t		 aspa_records;	/* ASPA records seen (good + bad) */
};

struct vrp_set	*vrp_set_new(void);
void		 vrp_set_free(struct vrp_set *);		/* NULL ok */
/* Append one VRP after the checks above; -1 and *why set when refused. */
int		 vrp_set_add(struct vrp_set *, const struct prefix *,
		    unsigned maxlen, uint64_t asn, const char *ta,
		    int64_t expires, const char **why);
/* Index of a trust anchor name in set->ta[], added when new; -1 and
 * *why set when the name is too long or the table full. */
int		 vrp_set_ta(struct vrp_set *, const char *ta, const char **why);
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
 * there are any, and one more for expired ASPA objects (kept too).
 */
size_t		 vrp_set_expired(const struct vrp_set *, int64_t now);
void		 vrp_set_warn_stale(const struct vrp_set *, int64_t now);
/* Only a hint: transparent huge pages for a big buffer about to be filled. */
void		 vrp_mem_hint(void *p, size_t len);

#endif /* ROVMON_VRP_H */
