/*
 * flow.c - the session table (see flow.h).
 *
 * Chained hashing with a bucket array that doubles when the load factor
 * reaches one.  The hash mixes the key 8 octets at a time (multiply and
 * xor-shift per word, then murmur3's 64-bit finaliser) so that the low
 * bits used for the bucket index depend on every input bit; it runs for
 * every packet, so it is not a byte-at-a-time loop.  It is not keyed:
 * rovmon watches a handful of BGP sessions, and the worst an attacker on
 * the SPAN port can do by choosing colliding 4-tuples is lengthen a
 * chain; reasm's max_flows still bounds the table.  Nothing depends on
 * hash order (reasm closes flows oldest first).
 */
#include <stdlib.h>
#include <string.h>

#include "capture/flow.h"
#include "base/hash.h"

#define FLOW_TABLE_MIN	64

/* Native-order 8 octets of our own key struct (not packet memory). */
static inline uint64_t
load64(const uint8_t *p)
{
	uint64_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

static uint64_t
flow_hash(const struct flow_key *k)
{
	uint64_t h;

	h = hash_word64(0xcbf29ce484222325ULL, (uint64_t)k->family << 32 |
	    (uint64_t)k->port[0] << 16 | k->port[1]);
	h = hash_word64(h, load64(k->addr[0]));
	h = hash_word64(h, load64(k->addr[0] + 8));
	h = hash_word64(h, load64(k->addr[1]));
	h = hash_word64(h, load64(k->addr[1] + 8));
	return hash_fmix64(h);
}

/*
 * Order endpoints so both directions map to one key.  Any total order
 * will do, so addresses compare as two native 64-bit words (no memcmp
 * call per packet), then ports.
 */
static int
endpoint_cmp(const struct ipaddr *a, uint16_t ap, const struct ipaddr *b,
    uint16_t bp)
{
	uint64_t x, y;

	x = load64(a->a);
	y = load64(b->a);
	if (x == y) {
		x = load64(a->a + 8);
		y = load64(b->a + 8);
	}
	if (x != y)
		return x < y ? -1 : 1;
	return ap < bp ? -1 : ap > bp;
}

uint64_t
flow_key_make(struct flow_key *k, const struct ipaddr *src, uint16_t sport,
    const struct ipaddr *dst, uint16_t dport)
{
	memset(k, 0, sizeof(*k));
	k->family = src->family;
	if (endpoint_cmp(src, sport, dst, dport) <= 0) {
		memcpy(k->addr[0], src->a, sizeof(k->addr[0]));
		memcpy(k->addr[1], dst->a, sizeof(k->addr[1]));
		k->port[0] = sport;
		k->port[1] = dport;
	} else {
		memcpy(k->addr[0], dst->a, sizeof(k->addr[0]));
		memcpy(k->addr[1], src->a, sizeof(k->addr[1]));
		k->port[0] = dport;
		k->port[1] = sport;
	}
	return flow_hash(k);
}

int
flow_table_init(struct flow_table *t)
{
	t->bucket = calloc(FLOW_TABLE_MIN, sizeof(*t->bucket));
	if (t->bucket == NULL)
		return -1;
	t->nbucket = FLOW_TABLE_MIN;
	t->count = 0;
	return 0;
}

void
flow_table_destroy(struct flow_table *t)
{
	free(t->bucket);
	t->bucket = NULL;
	t->nbucket = t->count = 0;
}

struct flow_node *
flow_table_find(const struct flow_table *t, const struct flow_key *k,
    uint64_t hash)
{
	struct flow_node *n;

	for (n = t->bucket[hash & (t->nbucket - 1)]; n != NULL; n = n->hnext)
		if (n->hash == hash && memcmp(&n->key, k, sizeof(*k)) == 0)
			return n;
	return NULL;
}

/* Double the bucket array; on allocation failure keep the old one. */
static void
flow_table_grow(struct flow_table *t)
{
	struct flow_node **nb, *n, *next;
	size_t i, size = t->nbucket * 2;

	if (size < t->nbucket || (nb = calloc(size, sizeof(*nb))) == NULL)
		return;
	for (i = 0; i < t->nbucket; i++) {
		for (n = t->bucket[i]; n != NULL; n = next) {
			next = n->hnext;
			n->hnext = nb[n->hash & (size - 1)];
			nb[n->hash & (size - 1)] = n;
		}
	}
	free(t->bucket);
	t->bucket = nb;
	t->nbucket = size;
}

void
flow_table_insert(struct flow_table *t, struct flow_node *n)
{
	struct flow_node **b;

	if (t->count >= t->nbucket)
		flow_table_grow(t);
	b = &t->bucket[n->hash & (t->nbucket - 1)];
	n->hnext = *b;
	*b = n;
	t->count++;
}

void
flow_table_remove(struct flow_table *t, struct flow_node *n)
{
	struct flow_node **pp;

	for (pp = &t->bucket[n->hash & (t->nbucket - 1)]; *pp != NULL;
	    pp = &(*pp)->hnext) {
		if (*pp == n) {
			*pp = n->hnext;
			n->hnext = NULL;
			t->count--;
			return;
		}
	}
}
