/*
 * vrp_redis_read.c - the strict reader of Redis VRP generations: the
 * current/previous pointers, a generation's meta hash, its trust anchors
 * and chunks (pipelined, each 32-byte record checked like a VRP file
 * line), retried when a newer load replaces the generation meanwhile.
 * Owns vrp_redis_load_current, vrp_redis_current_meta and
 * vrp_redis_check_current; the watcher thread (vrp_redis_watch.c) reads
 * through vrp_redis_read_current().
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <hiredis/hiredis.h>

#include "base/cursor.h"
#include "base/log.h"
#include "rpki/vrp_redis.h"
#include "rpki/vrp_redis_internal.h"

#define READ_WINDOW	32	/* chunk reads in flight (read_chunks) */
#define LOAD_TRIES	3

static uint64_t
get_be(const uint8_t *p, int n)
{
	uint64_t v = 0;
	int i;

	for (i = 0; i < n; i++)
		v = v << 8 | p[i];
	return v;
}

/* Check one record as strictly as a VRP file line and add it. */
static int
unpack(struct rconn *k, const uint8_t *p, struct vrp_set *set,
    char *const *tas, size_t ntas, size_t idx)
{
	struct prefix pfx;
	const char *why = "?";
	size_t i;

	memset(&pfx, 0, sizeof(pfx));
	pfx.family = p[0];
	pfx.len = p[1];
	if (pfx.family != ADDR_V4 && pfx.family != ADDR_V6)
		why = "address family not 4 or 6";
	else if (pfx.len > addr_maxlen(pfx.family))
		why = "prefix length too long";
	else if (p[3] >= ntas)
		why = "trust anchor index out of range";
	else {
		for (i = pfx.family == ADDR_V4 ? 4 : 16; i < 16; i++)
			if (p[16 + i] != 0)
				break;
		memcpy(pfx.a, p + 16, 16);
		if (i < 16)
			why = "IPv4 record with bytes past the address";
		else if (prefix_mask(&pfx))
			why = "host bits set past the prefix length";
		else if (vrp_set_add(set, &pfx, p[2], get_be(p + 4, 4),
		    tas[p[3]], (int64_t)get_be(p + 8, 8), &why) == 0)
			return 0;
	}
	vrp_redis_conn_err(k, "record %zu: %s", idx, why);
	return -1;
}

/* ------------------------------------------------------------------ */
/* Reader */

/* NS vrp:current and NS vrp:previous; "no current generation" is -1. */
int
vrp_redis_read_ids(struct rconn *k, uint64_t *cur, uint64_t *prev)
{
	char kc[KEY_MAX], kp[KEY_MAX];
	const char *argv[3] = { "MGET", kc, kp };
	unsigned long long v[2] = { 0, 0 };
	redisReply *rep;
	size_t i;
	int rv = -1;

	vrp_redis_key_ns(k, kc, "vrp:current");
	vrp_redis_key_ns(k, kp, "vrp:previous");
	if (vrp_redis_conn_open(k) == -1 ||
	    (rep = vrp_redis_cmdv(k, 3, argv, NULL)) == NULL)
		return -1;
	if (rep->type != REDIS_REPLY_ARRAY || rep->elements != 2) {
		vrp_redis_conn_err(k, "MGET: unexpected reply");
		goto done;
	}
	for (i = 0; i < 2; i++) {
		const redisReply *e = rep->element[i];

		if (e->type == REDIS_REPLY_NIL)
			continue;
		if (e->type != REDIS_REPLY_STRING ||
		    vrp_redis_parse_num(e->str, e->len, UINT64_MAX, &v[i])
		    == -1) {
			vrp_redis_conn_err(k, "%s is not a generation number",
			    argv[i + 1]);
			goto done;
		}
	}
	if (v[0] == 0)
		vrp_redis_conn_err(k, "%s: no current generation (nothing "
		    "loaded yet)", k->r->desc);
	else {
		*cur = v[0];
		*prev = v[1];
		rv = 0;
	}
 done:
	freeReplyObject(rep);
	return rv;
}

const char *const vrp_redis_meta_names[M_ALL] = { "version", "complete",
    "count", "chunks", "chunk_records", "record_size", "ntas", "generated",
    "loaded", "checked", "oldest_expiry", "aspa_count", "aspa_bytes" };

static int
meta_field(struct rconn *k, const redisReply *n, const redisReply *v,
    unsigned long long *num, unsigned *seen, struct vrp_redis_meta *m)
{
	size_t i;

	for (i = 0; i < M_ALL; i++)
		if (n->len == strlen(vrp_redis_meta_names[i]) &&
		    memcmp(n->str, vrp_redis_meta_names[i], n->len) == 0) {
			if (vrp_redis_parse_num(v->str, v->len, INT64_MAX,
			    &num[i]) == 0) {
				*seen |= 1u << i;
				return 0;
			}
			vrp_redis_conn_err(k, "meta %s: not a number",
			    vrp_redis_meta_names[i]);
			return -1;
		}
	if (n->len == 6 && memcmp(n->str, "source", 6) == 0) {
		if (v->len >= sizeof(m->source))
			goto bad;
		memcpy(m->source, v->str, v->len);
	} else if (n->len == 6 && memcmp(n->str, "format", 6) == 0) {
		if (v->len >= sizeof(m->format))
			goto bad;
		memcpy(m->format, v->str, v->len);
	} else if (n->len == 6 && memcmp(n->str, "sha256", 6) == 0) {
		if (v->len != 64 || strspn(v->str, "0123456789abcdef") != 64)
			goto bad;
		memcpy(m->sha256, v->str, 64);
	}
	return 0;		/* unknown fields: newer writers may add some */
 bad:
	vrp_redis_conn_err(k, "meta %.*s: bad value", (int)n->len, n->str);
	return -1;
}

int
vrp_redis_read_meta(struct rconn *k, uint64_t id, struct vrp_redis_meta *m)
{
	unsigned long long num[M_ALL] = { 0 };
	char key[KEY_MAX];
	const char *argv[2] = { "HGETALL", key };
	const unsigned need = (1u << M_NUM) - 1, aspa = (1u << M_ALL) - 1 -
	    need;
	redisReply *rep;
	unsigned seen = 0;
	size_t i;
	int rv = -1;

	memset(m, 0, sizeof(*m));
	vrp_redis_key_gen(k, key, id, "meta");
	if (vrp_redis_conn_open(k) == -1 ||
	    (rep = vrp_redis_cmdv(k, 2, argv, NULL)) == NULL)
		return -1;
	if (rep->type != REDIS_REPLY_ARRAY || rep->elements % 2 != 0) {
		vrp_redis_conn_err(k, "%s: not a hash", key);
		goto done;
	}
	for (i = 0; i < rep->elements; i += 2) {
		if (rep->element[i]->type != REDIS_REPLY_STRING ||
		    rep->element[i + 1]->type != REDIS_REPLY_STRING) {
			vrp_redis_conn_err(k, "%s: non-string field", key);
			goto done;
		}
		if (meta_field(k, rep->element[i], rep->element[i + 1], num,
		    &seen, m) == -1)
			goto done;
	}
	if (rep->elements == 0)
		vrp_redis_conn_err(k, "%s: missing", key);
	else if ((seen & need) != need || m->sha256[0] == '\0')
		vrp_redis_conn_err(k, "%s: fields missing", key);
	else if ((seen & aspa) != 0 && (seen & aspa) != aspa)
		vrp_redis_conn_err(k, "%s: aspa_count without aspa_bytes or the "
		    "other way round", key);
	else if (num[M_ASPA_COUNT] > ASPA_MAX_RECORDS ||
	    num[M_ASPA_BYTES] > ASPA_BYTES_MAX ||
	    (num[M_ASPA_COUNT] == 0) != (num[M_ASPA_BYTES] == 0) ||
	    num[M_ASPA_BYTES] < num[M_ASPA_COUNT] * (ASPA_HDR_SIZE + 4))
		vrp_redis_conn_err(k, "%s: aspa_count or aspa_bytes out of range "
		    "or inconsistent", key);
	else if (num[M_VERSION] != 1 || num[M_RECSIZE] != REC_SIZE)
		vrp_redis_conn_err(k, "%s: unknown version or record size",
		    key);
	else if (num[M_COMPLETE] != 1)
		vrp_redis_conn_err(k, "generation %llu is not complete",
		    (unsigned long long)id);
	else if (num[M_CHUNKREC] == 0 || num[M_CHUNKREC] > CHUNK_MAX ||
	    num[M_COUNT] > VRP_MAX_COUNT || num[M_NTAS] > VRP_TA_MAX ||
	    num[M_CHUNKS] != (num[M_COUNT] + num[M_CHUNKREC] - 1) /
	    num[M_CHUNKREC])
		vrp_redis_conn_err(k, "%s: count, chunks or chunk_records out "
		    "of range or inconsistent", key);
	else {
		m->gen = id;
		m->count = num[M_COUNT];
		m->chunks = num[M_CHUNKS];
		m->chunk_records = num[M_CHUNKREC];
		m->generated = (int64_t)num[M_GENERATED];
		m->loaded = (int64_t)num[M_LOADED];
		m->checked = (int64_t)num[M_CHECKED];
		m->oldest_expiry = (int64_t)num[M_OLDEST];
		m->aspa_count = (size_t)num[M_ASPA_COUNT];
		m->aspa_bytes = (size_t)num[M_ASPA_BYTES];
		m->bytes = (size_t)num[M_NTAS];	/* ntas until chunks read */
		rv = 0;
	}
 done:
	freeReplyObject(rep);
	return rv;
}

/*
 * Fetch every chunk (GET, decoded into set) or just check their lengths
 * (STRLEN, set NULL), pipelined (enum vrp_redis_read).  On failure the
 * connection is closed since replies may still be pending on it.
 */
static enum vrp_redis_read
read_chunks(struct rconn *k, const struct vrp_redis_meta *m,
    struct vrp_set *set, char *const *tas, size_t ntas)
{
	char key[KEY_MAX];
	redisReply *rep = NULL;
	size_t i, j, want, sent = 0;
	enum vrp_redis_read rv;

	/*
	 * Pipelined, but at most READ_WINDOW requests ahead of the replies:
	 * a generation's meta may claim millions of tiny chunks, and queuing
	 * them all first would grow hiredis's output buffer without bound
	 * (found by fuzz_redis_reply, tests/fuzz/README.md).
	 */
	for (i = 0; i < m->chunks; i++) {
		for (; sent < m->chunks && sent < i + READ_WINDOW; sent++) {
			vrp_redis_key_chunk(k, key, m->gen, sent);
			if (redisAppendCommand(k->c, set ? "GET %s" :
			    "STRLEN %s", key) != REDIS_OK) {
				vrp_redis_conn_err(k, "out of memory");
				goto fail;
			}
		}
		want = m->count - i * m->chunk_records;
		if (want > m->chunk_records)
			want = m->chunk_records;
		if ((rep = vrp_redis_get_reply(k, "chunk")) == NULL)
			goto fail;
		if ((set != NULL && rep->type == REDIS_REPLY_NIL) ||
		    (set == NULL && rep->type == REDIS_REPLY_INTEGER &&
		    rep->integer == 0)) {
			vrp_redis_conn_err(k, "generation %llu: chunk %zu "
			    "missing (replaced while reading?)",
			    (unsigned long long)m->gen, i);
			goto fail;
		}
		if ((set != NULL && (rep->type != REDIS_REPLY_STRING ||
		    rep->len != want * REC_SIZE)) || (set == NULL &&
		    (rep->type != REDIS_REPLY_INTEGER ||
		    (size_t)rep->integer != want * REC_SIZE))) {
			vrp_redis_conn_err(k, "generation %llu: chunk %zu: "
			    "wrong type or length (want %zu records of %d "
			    "bytes)",
			    (unsigned long long)m->gen, i, want, REC_SIZE);
			goto fail;
		}
		for (j = 0; set != NULL && j < want; j++)
			if (unpack(k, (const uint8_t *)rep->str + j * REC_SIZE,
			    set, tas, ntas, i * m->chunk_records + j) == -1)
				goto fail;
		freeReplyObject(rep);
	}
	return VRP_REDIS_READ_OK;
 fail:
	freeReplyObject(rep);
	/* reply_take() closes the context when no reply came at all. */
	rv = k->c == NULL ? VRP_REDIS_READ_LOST : VRP_REDIS_READ_REFUSED;
	vrp_redis_conn_close(k);
	return rv;
}

/* One packed ASPA record (vrp_redis_internal.h), checked as strictly
 * as a record of a JSON file and added to set->aspa; 0 or -1. */
static int
unpack_aspa(struct rconn *k, struct cursor *c, struct vrp_set *set,
    size_t ntas, uint64_t gen, size_t idx, uint32_t *prov)
{
	uint32_t cust, n, hi, lo, pad, i;
	uint8_t ta;
	const char *why = NULL;

	if (cursor_get_u32(c, &cust) == -1 || cursor_get_u32(c, &n) == -1 ||
	    cursor_get_u32(c, &hi) == -1 || cursor_get_u32(c, &lo) == -1 ||
	    cursor_get_u8(c, &ta) == -1 || cursor_get_u24(c, &pad) == -1)
		why = "truncated";
	else if (pad != 0)
		why = "padding not zero";
	else if (ta >= ntas && ta != ASPA_TA_NONE)
		why = "trust anchor index out of range";
	else if (n > ASPA_MAX_PROVIDERS)
		why = "more than 16384 providers";
	else if (hi > INT32_MAX)
		why = "expires out of range";
	else if (cursor_get_u32_array(c, prov, n) == -1)
		why = "truncated in the providers";
	else {
		for (i = 0; i < n; i++)
			if (prov[i] == cust)
				why = "the customer is its own provider";
		if (why == NULL && aspa_list_add(&set->aspa, cust, prov, n,
		    (int64_t)((uint64_t)hi << 32 | lo), ta, &why) == 0)
			return 0;
	}
	vrp_redis_conn_err(k, "generation %llu: ASPA record %zu: %s",
	    (unsigned long long)gen, idx, why);
	return -1;
}

/*
 * The generation's ASPA string: fetched and every record checked (set)
 * or its length only (set NULL).  Nothing to do when the meta counts no
 * ASPA (and in generations written before there were any).
 */
static enum vrp_redis_read
read_aspa(struct rconn *k, const struct vrp_redis_meta *m,
    struct vrp_set *set, size_t ntas)
{
	char key[KEY_MAX];
	const char *argv[2] = { set != NULL ? "GET" : "STRLEN", key };
	redisReply *rep;
	struct cursor c;
	uint32_t *prov = NULL;
	size_t i;
	enum vrp_redis_read rv = VRP_REDIS_READ_REFUSED;

	if (m->aspa_count == 0)
		return VRP_REDIS_READ_OK;
	vrp_redis_key_gen(k, key, m->gen, "aspa");
	if ((rep = vrp_redis_cmdv(k, 2, argv, NULL)) == NULL)
		return k->c == NULL ? VRP_REDIS_READ_LOST :
		    VRP_REDIS_READ_REFUSED;
	if (rep->type == REDIS_REPLY_NIL || (rep->type ==
	    REDIS_REPLY_INTEGER && rep->integer == 0)) {
		vrp_redis_conn_err(k, "generation %llu: ASPA objects missing "
		    "(replaced while reading?)", (unsigned long long)m->gen);
		goto done;
	}
	if ((set != NULL && (rep->type != REDIS_REPLY_STRING ||
	    rep->len != m->aspa_bytes)) || (set == NULL &&
	    (rep->type != REDIS_REPLY_INTEGER ||
	    (unsigned long long)rep->integer != m->aspa_bytes))) {
		vrp_redis_conn_err(k, "generation %llu: ASPA objects: wrong "
		    "type or length (want %zu bytes)",
		    (unsigned long long)m->gen, m->aspa_bytes);
		goto done;
	}
	if (set == NULL) {
		rv = VRP_REDIS_READ_OK;
		goto done;
	}
	if ((prov = reallocarray(NULL, ASPA_MAX_PROVIDERS,
	    sizeof(*prov))) == NULL) {
		vrp_redis_conn_err(k, "out of memory");
		goto done;
	}
	cursor_init(&c, rep->str, rep->len);
	for (i = 0; i < m->aspa_count; i++)
		if (unpack_aspa(k, &c, set, ntas, m->gen, i, prov) == -1)
			goto done;
	if (!cursor_empty(&c)) {
		vrp_redis_conn_err(k, "generation %llu: %zu bytes after the "
		    "last ASPA record", (unsigned long long)m->gen,
		    cursor_left(&c));
		goto done;
	}
	set->aspa_records = m->aspa_count;
	rv = VRP_REDIS_READ_OK;
 done:
	free(prov);
	freeReplyObject(rep);
	return rv;
}

/*
 * The generation m describes: its trust-anchor list, then every chunk and
 * record.  VRP_REDIS_READ_OK and *out (the caller frees it); REFUSED
 * also when memory ran out; LOST when the connection failed; k->err says
 * why.
 */
static enum vrp_redis_read
load_gen(struct rconn *k, const struct vrp_redis_meta *m,
    struct vrp_set **out)
{
	char key[KEY_MAX], *tas[VRP_TA_MAX];
	const char *argv[4] = { "LRANGE", key, "0", "-1" };
	struct vrp_set *set = NULL;
	redisReply *rep;
	size_t i;
	enum vrp_redis_read rv = VRP_REDIS_READ_REFUSED;

	vrp_redis_key_gen(k, key, m->gen, "tas");
	if ((rep = vrp_redis_cmdv(k, 4, argv, NULL)) == NULL)
		return k->c == NULL ? VRP_REDIS_READ_LOST :
		    VRP_REDIS_READ_REFUSED;
	if (rep->type != REDIS_REPLY_ARRAY || rep->elements != m->bytes) {
		vrp_redis_conn_err(k, "%s: not a list of %zu names", key,
		    m->bytes);
		goto done;
	}
	for (i = 0; i < rep->elements; i++) {
		const redisReply *e = rep->element[i];

		if (e->type != REDIS_REPLY_STRING || e->len == 0 ||
		    e->len > 255 || strlen(e->str) != e->len) {
			vrp_redis_conn_err(k, "%s: element %zu is not a name",
			    key, i);
			goto done;
		}
		tas[i] = e->str;
	}
	if ((set = vrp_set_new()) == NULL)
		goto fail;
	if ((rv = read_chunks(k, m, set, tas, rep->elements)) !=
	    VRP_REDIS_READ_OK ||
	    (rv = read_aspa(k, m, set, rep->elements)) != VRP_REDIS_READ_OK)
		goto fail;
	rv = VRP_REDIS_READ_REFUSED;
	vrp_set_finish(set);
	if (set->n != m->count) {
		vrp_redis_conn_err(k, "generation %llu: %zu distinct VRPs, "
		    "meta says %zu", (unsigned long long)m->gen, set->n,
		    m->count);
		goto fail;
	}
	if ((set->source = strdup(m->source)) == NULL)
		goto fail;
	memcpy(set->format, m->format, sizeof(set->format));
	set->generated = m->generated;
	set->loaded = m->loaded;
	set->oldest_expiry = m->oldest_expiry;
	*out = set;
	rv = VRP_REDIS_READ_OK;
	goto done;
 fail:
	if (k->err[0] == '\0')
		vrp_redis_conn_err(k, "out of memory");
	vrp_set_free(set);
 done:
	freeReplyObject(rep);
	return rv;
}

/* The current generation (vrp_redis_internal.h). */
int
vrp_redis_read_current(struct rconn *k, struct vrp_redis_meta *m,
    struct vrp_set **out, uint64_t *refused)
{
	uint64_t cur, prev, now;
	enum vrp_redis_read rv;
	int i;

	*refused = 0;
	for (i = 0; i < LOAD_TRIES; i++) {
		k->err[0] = '\0';
		if (vrp_redis_read_ids(k, &cur, &prev) == -1)
			return -1;
		/* vrp_redis_read_meta() leaves the context open unless no
		 * reply came. */
		rv = VRP_REDIS_READ_OK;
		if (vrp_redis_read_meta(k, cur, m) == -1)
			rv = k->c == NULL ? VRP_REDIS_READ_LOST :
			    VRP_REDIS_READ_REFUSED;
		if (rv == VRP_REDIS_READ_OK)
			rv = out != NULL ? load_gen(k, m, out) :
			    read_chunks(k, m, NULL, NULL, 0);
		if (rv == VRP_REDIS_READ_OK && out == NULL)
			rv = read_aspa(k, m, NULL, 0);
		if (rv == VRP_REDIS_READ_OK) {
			m->previous = prev;
			m->bytes = m->count * REC_SIZE;
			return 0;
		}
		/* Still current: the generation itself is at fault. */
		if (vrp_redis_read_ids(k, &now, &prev) == -1)
			return -1;
		if (now == cur) {
			if (rv == VRP_REDIS_READ_REFUSED)
				*refused = cur;
			return -1;
		}
		log_debug("generation %llu replaced while reading; retrying",
		    (unsigned long long)cur);
	}
	return -1;
}

int
vrp_redis_load_current(struct vrp_redis *r, struct vrp_set **out,
    uint64_t *gen)
{
	struct vrp_redis_meta m;
	struct vrp_set *set = NULL;
	uint64_t refused;

	if (vrp_redis_read_current(&r->main, &m, &set, &refused) == -1) {
		/* Kept for the stats line: the watcher retries later. */
		vrp_redis_note_error(r, r->main.err, false);
		if (refused != 0)
			vrp_redis_note_refused(r, refused);
		return -1;
	}
	pthread_mutex_lock(&r->lock);
	r->st.last_error[0] = '\0';
	r->st.generation = m.gen;
	r->st.count = set->n;
	r->st.last_load = r->st.last_check = time(NULL);
	memcpy(r->last_sha, m.sha256, sizeof(r->last_sha));
	pthread_mutex_unlock(&r->lock);
	*out = set;
	*gen = m.gen;
	return 0;
}

int
vrp_redis_current_meta(struct vrp_redis *r, struct vrp_redis_meta *m)
{
	if (vrp_redis_check_current(r, m, NULL) == -1) {
		log_warnx("%s", r->main.err);
		return -1;
	}
	return 0;
}

int
vrp_redis_check_current(struct vrp_redis *r, struct vrp_redis_meta *m,
    struct vrp_set **out)
{
	struct vrp_set *set = NULL;
	uint64_t refused;

	memset(m, 0, sizeof(*m));
	if (vrp_redis_read_current(&r->main, m, out != NULL ? &set : NULL,
	    &refused) == -1) {
		m->gen = refused;
		return -1;
	}
	if (out != NULL)
		*out = set;
	return 0;
}
