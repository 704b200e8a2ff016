/*
 * vrp_parse_internal.h - the seam between the VRP parsers: vrp_parse.c
 * tells the format and judges the whole document, vrp_parse_json.c and
 * vrp_parse_csv.c find each record's members, vrp_parse_record.c checks
 * a record and adds it to the set, vrp_parse_aspa.c reads the ASPA
 * objects of a JSON document.  Only these five files include it.
 */
#ifndef ROVMON_VRP_PARSE_INTERNAL_H
#define ROVMON_VRP_PARSE_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/log.h"
#include "rpki/vrp_load.h"

/* One record's members as found, before any check. */
enum vrp_ftype { VRP_F_NONE, VRP_F_INT, VRP_F_STR, VRP_F_OTHER };

struct vrp_field {
	enum vrp_ftype	 t;
	int64_t		 i;
	const char	*s;		/* not NUL-terminated; not owned */
	size_t		 len;
};

struct vrp_rec {
	struct vrp_field asn, prefix, maxlen, ta, expires;
};

/* One document being parsed. */
struct vrp_parser {
	const char	*name;
	struct vrp_set	*set;		/* being filled; owned by vrp_parse() */
	const char	*doc;		/* start, for line numbers */
	size_t		 line;		/* CSV line of the record, or 0 */
	size_t		 warned;	/* host-bit warnings logged */
	bool		 have_roas;
	bool		 have_meta;
	bool		 have_aspas;	/* "aspas" seen */
	bool		 have_pa;	/* "provider_authorizations" seen */
	char		 aspa_where[40];	/* the ASPA array being read */
	size_t		 aspa_index;	/* its record, from 1 */
};

/* vrp_parse_record.c */
/* Skip one bad record: counted always, logged the first few times. */
void	vrp_rec_bad(struct vrp_parser *, const char *, ...) ROVMON_PRINTF(2, 3);
/* Check one record and add it to the set; bad ones are counted. */
void	vrp_rec_add(struct vrp_parser *, const struct vrp_rec *);
/* "AS65000", "as65000" or "65000": 1..10 digits, at most 4294967295;
 * 0 or -1. */
int	vrp_asn_parse(const char *s, size_t len, uint64_t *asn);
/* Copy a string field into buf as a C string; -1 if too long or NUL. */
int	vrp_field_str(const struct vrp_field *, char *buf, size_t size);

/* vrp_parse_json.c: a document starting with '{' or '['; 0 or -1. */
int	vrp_json_doc(struct vrp_parser *, const char *s, const char *end);
/* Past JSON white space (RFC 8259 ws). */
const char *vrp_json_ws(const char *s, const char *end);

/* vrp_parse_aspa.c: the value of the top-level member "aspas" or
 * "provider_authorizations" (docs/vrps.md); records go to set->aspa,
 * bad ones are counted in set->aspa.rejected and logged. */
struct json_t;
void	vrp_aspa_json(struct vrp_parser *, const char *member,
	    struct json_t *);

/* vrp_parse_csv.c: a CSV document, with or without a header; 0 or -1. */
int	vrp_csv_doc(struct vrp_parser *, const char *s, const char *end);

#endif /* ROVMON_VRP_PARSE_INTERNAL_H */
