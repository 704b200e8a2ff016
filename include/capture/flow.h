/*
 * flow.h - the session table: an intrusive hash table of flows keyed by
 * the unordered pair of TCP endpoints.
 *
 * The table never allocates per packet: the caller embeds a struct
 * flow_node in its own flow structure, so a lookup is one hash and a short
 * chain walk, and an insert only allocates when the bucket array doubles.
 * The table does not own the nodes; whoever inserted a node frees it
 * after flow_table_remove().
 */
#ifndef ROVMON_FLOW_H
#define ROVMON_FLOW_H

#include <stddef.h>
#include <stdint.h>

#include "base/addr.h"

/*
 * Both endpoints in canonical order (lower address/port first), so that
 * a->b and b->a give the same key.  Padding is zeroed by flow_key_make so
 * keys can be compared and hashed as bytes.
 */
struct flow_key {
	uint8_t		family;
	uint8_t		pad;
	uint16_t	port[2];
	uint8_t		addr[2][16];
};

struct flow_node {
	struct flow_node *hnext;	/* bucket chain */
	uint64_t	 hash;
	struct flow_key	 key;
};

struct flow_table {
	struct flow_node **bucket;
	size_t		 nbucket;	/* power of two */
	size_t		 count;
};

/* Fill *k from one segment's endpoints; returns its hash. */
uint64_t	 flow_key_make(struct flow_key *k, const struct ipaddr *src,
		    uint16_t sport, const struct ipaddr *dst, uint16_t dport);
/* 0, or -1 on allocation failure.  Free with flow_table_destroy(). */
int		 flow_table_init(struct flow_table *);
/* Frees the bucket array only; the nodes belong to the caller. */
void		 flow_table_destroy(struct flow_table *);
struct flow_node *flow_table_find(const struct flow_table *,
		    const struct flow_key *, uint64_t hash);
/* Never fails: if growing the bucket array fails, chains get longer. */
void		 flow_table_insert(struct flow_table *, struct flow_node *);
void		 flow_table_remove(struct flow_table *, struct flow_node *);

#endif /* ROVMON_FLOW_H */
