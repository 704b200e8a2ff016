/*
 * feed_session.c - the BGP sessions of MRT and BMP input, found by their
 * key (feed_session.h): a chained hash table of struct bgp_session.
 *
 * An archive names few sessions (tens to hundreds of peers in a RIS or
 * RouteViews file) but a route server's BMP feed may name thousands, and
 * every record looks its session up: hence a hash table, grown by
 * doubling at a load of one.
 */
#include <stdlib.h>
#include <string.h>

#include "base/hash.h"
#include "base/log.h"
#include "bgp/bgp_session.h"
#include "capture/flow.h"
#include "feed/feed_session.h"

struct feed_entry {
	struct feed_entry *next;
	struct feed_key	 key;
	uint64_t	 hash;
	struct bgp_session *sess;
};

struct feed_table {
	const struct bgp_sink *sink;
	struct feed_entry **bucket;
	size_t		 nbucket;	/* a power of two */
	size_t		 count;
	/* The session the last lookup found: an archive's records come in
	 * runs from one peer (a RIB dump peer by peer, a full table after
	 * a session comes up), and comparing one key costs less than
	 * hashing it (mrtcheck18: hashing was 17% of an MRT full table's
	 * decoding).  Forgotten with its entry. */
	struct feed_entry *last;
};

#define FEED_BUCKETS_MIN	64

static uint64_t
addr_words(uint64_t h, const struct ipaddr *a)
{
	uint64_t w0, w1;

	memcpy(&w0, a->a, 8);
	memcpy(&w1, a->a + 8, 8);
	h = hash_word64(h, a->family);
	h = hash_word64(h, w0);
	return hash_word64(h, w1);
}

static uint64_t
key_hash(const struct feed_key *k)
{
	uint64_t h = 0;

	h = addr_words(h, &k->peer_addr);
	h = addr_words(h, &k->local_addr);
	h = hash_word64(h, ((uint64_t)k->peer_port << 16) | k->local_port);
	h = hash_word64(h, ((uint64_t)k->peer_as << 32) | k->local_as);
	h = hash_word64(h, k->scope);
	h = hash_word64(h, (uint64_t)k->view);
	return hash_fmix64(h);
}

/* Whole addresses: key_hash() hashes all 16 octets, so every key has
 * them zeroed past the family's; a fixed-size compare is inlined. */
static bool
addr_eq16(const struct ipaddr *x, const struct ipaddr *y)
{
	return x->family == y->family && memcmp(x->a, y->a, 16) == 0;
}

static bool
key_eq(const struct feed_key *a, const struct feed_key *b)
{
	return addr_eq16(&a->peer_addr, &b->peer_addr) &&
	    addr_eq16(&a->local_addr, &b->local_addr) &&
	    a->peer_port == b->peer_port && a->local_port == b->local_port &&
	    a->peer_as == b->peer_as && a->local_as == b->local_as &&
	    a->scope == b->scope && a->view == b->view;
}

struct feed_table *
feed_table_new(const struct bgp_sink *sink)
{
	struct feed_table *t;

	if ((t = calloc(1, sizeof(*t))) == NULL)
		return NULL;
	t->sink = sink;
	t->nbucket = FEED_BUCKETS_MIN;
	if ((t->bucket = calloc(t->nbucket, sizeof(*t->bucket))) == NULL) {
		free(t);
		return NULL;
	}
	return t;
}

static struct feed_entry **
slot(struct feed_table *t, const struct feed_key *k, uint64_t h)
{
	struct feed_entry **pp = &t->bucket[h & (t->nbucket - 1)];

	while (*pp != NULL && ((*pp)->hash != h || !key_eq(&(*pp)->key, k)))
		pp = &(*pp)->next;
	return pp;
}

/* Double the buckets; on no memory keep the longer chains. */
static void
grow(struct feed_table *t)
{
	struct feed_entry **nb, *e, *next;
	size_t n = t->nbucket * 2, i;

	if ((nb = calloc(n, sizeof(*nb))) == NULL)
		return;
	for (i = 0; i < t->nbucket; i++)
		for (e = t->bucket[i]; e != NULL; e = next) {
			next = e->next;
			e->next = nb[e->hash & (n - 1)];
			nb[e->hash & (n - 1)] = e;
		}
	free(t->bucket);
	t->bucket = nb;
	t->nbucket = n;
}

struct bgp_session *
feed_session_find(struct feed_table *t, const struct feed_key *k)
{
	struct feed_entry **pp;

	if (t == NULL)
		return NULL;
	pp = slot(t, k, key_hash(k));
	return *pp != NULL ? (*pp)->sess : NULL;
}

struct bgp_session *
feed_session(struct feed_table *t, const struct feed_key *k)
{
	struct flow_endpoint peer, local;
	struct feed_entry **pp, *e;
	uint64_t h;

	if (t == NULL)
		return NULL;
	if (t->last != NULL && key_eq(&t->last->key, k))
		return t->last->sess;
	h = key_hash(k);
	pp = slot(t, k, h);
	if (*pp != NULL) {
		t->last = *pp;
		return (*pp)->sess;
	}
	memset(&peer, 0, sizeof(peer));
	memset(&local, 0, sizeof(local));
	peer.addr = k->peer_addr;
	peer.port = k->peer_port;
	local.addr = k->local_addr;
	local.port = k->local_port;
	if ((e = calloc(1, sizeof(*e))) == NULL ||
	    (e->sess = bgp_session_new(&peer, &local, t->sink)) == NULL) {
		free(e);
		log_warnx("feed: no memory for a session");
		return NULL;
	}
	e->key = *k;
	e->hash = h;
	bgp_session_set_as(e->sess, FEED_PEER_TO_LOCAL, k->peer_as);
	bgp_session_set_as(e->sess, FEED_LOCAL_TO_PEER, k->local_as);
	if (k->view != BGP_VIEW_WIRE)
		bgp_session_set_view(e->sess, k->view);
	e->next = NULL;
	*pp = e;
	t->last = e;
	if (++t->count > t->nbucket)
		grow(t);
	return e->sess;
}

/* Take the entry of k out of the table (NULL: none); the caller ends
 * and frees it. */
static struct feed_entry *
forget(struct feed_table *t, const struct feed_key *k)
{
	struct feed_entry **pp, *e;

	if (t == NULL)
		return NULL;
	pp = slot(t, k, key_hash(k));
	if ((e = *pp) == NULL)
		return NULL;
	*pp = e->next;
	t->count--;
	if (t->last == e)
		t->last = NULL;
	return e;
}

void
feed_session_down(struct feed_table *t, const struct feed_key *k,
    const char *reason, const struct packet *pkt)
{
	struct feed_entry *e;

	if ((e = forget(t, k)) == NULL)
		return;
	bgp_session_down(e->sess, reason, pkt);
	bgp_session_free(e->sess);
	free(e);
}

void
feed_session_end(struct feed_table *t, const struct feed_key *k,
    const struct packet *pkt)
{
	struct feed_entry *e;

	if ((e = forget(t, k)) == NULL)
		return;
	bgp_session_close(e->sess, REASM_CLOSE_END, pkt);
	bgp_session_free(e->sess);
	free(e);
}

size_t
feed_table_count(const struct feed_table *t)
{
	return t != NULL ? t->count : 0;
}

void
feed_table_free(struct feed_table *t, const struct packet *pkt)
{
	struct feed_entry *e, *next;
	size_t i;

	if (t == NULL)
		return;
	for (i = 0; i < t->nbucket; i++)
		for (e = t->bucket[i]; e != NULL; e = next) {
			next = e->next;
			bgp_session_close(e->sess, REASM_CLOSE_END, pkt);
			bgp_session_free(e->sess);
			free(e);
		}
	free(t->bucket);
	free(t);
}
