/*
 * vrp_redis_store.c - the writer of VRP generations in Redis: the SHA-256
 * of the content, packing records, vrp_redis_store(), the Lua switch
 * script and the cleanup of old generations.  See vrp_redis.h for the
 * contract, vrp_redis_internal.h for the invariants and the record
 * layout, and docs/redis.md for the key layout.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <hiredis/hiredis.h>

#include "base/log.h"
#include "rpki/vrp_redis.h"
#include "rpki/vrp_redis_internal.h"

#define WRITE_WINDOW	8	/* chunks in flight while writing */

/* ------------------------------------------------------------------ */
/* SHA-256 (FIPS 180-4) of the canonical content; small and local so the
 * build needs no crypto library for one digest per load. */

struct sha256 {
	uint32_t	h[8];
	uint8_t		buf[64];
	uint64_t	len;
};

static const uint32_t sha_k[64] = {
	0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1,
	0x923f82a4, 0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3,
	0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786,
	0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
	0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147,
	0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13,
	0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b,
	0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
	0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a,
	0x5b9cca4f, 0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208,
	0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
};

#define ROR(x, n)	(((x) >> (n)) | ((x) << (32 - (n))))

static void
sha_block(struct sha256 *s, const uint8_t *p)
{
	uint32_t w[64], v[8], t1, t2;
	int i;

	for (i = 0; i < 16; i++)
		w[i] = (uint32_t)p[4 * i] << 24 | (uint32_t)p[4 * i + 1] << 16 |
		    (uint32_t)p[4 * i + 2] << 8 | p[4 * i + 3];
	for (; i < 64; i++)
		w[i] = w[i - 16] + w[i - 7] + (ROR(w[i - 15], 7) ^
		    ROR(w[i - 15], 18) ^ (w[i - 15] >> 3)) + (ROR(w[i - 2], 17) ^
		    ROR(w[i - 2], 19) ^ (w[i - 2] >> 10));
	memcpy(v, s->h, sizeof(v));
	for (i = 0; i < 64; i++) {
		t1 = v[7] + (ROR(v[4], 6) ^ ROR(v[4], 11) ^ ROR(v[4], 25)) +
		    ((v[4] & v[5]) ^ (~v[4] & v[6])) + sha_k[i] + w[i];
		t2 = (ROR(v[0], 2) ^ ROR(v[0], 13) ^ ROR(v[0], 22)) +
		    ((v[0] & v[1]) ^ (v[0] & v[2]) ^ (v[1] & v[2]));
		memmove(v + 1, v, 7 * sizeof(v[0]));
		v[4] += t1;
		v[0] = t1 + t2;
	}
	for (i = 0; i < 8; i++)
		s->h[i] += v[i];
}

static void
sha_init(struct sha256 *s)
{
	static const uint32_t h0[8] = { 0x6a09e667, 0xbb67ae85, 0x3c6ef372,
	    0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19 };

	memcpy(s->h, h0, sizeof(h0));
	s->len = 0;
}

static void
sha_update(struct sha256 *s, const void *data, size_t n)
{
	const uint8_t *p = data;
	size_t have = s->len % 64, take;

	s->len += n;
	while (n > 0) {
		take = 64 - have < n ? 64 - have : n;
		memcpy(s->buf + have, p, take);
		p += take;
		n -= take;
		if ((have += take) == 64) {
			sha_block(s, s->buf);
			have = 0;
		}
	}
}

static void
sha_final(struct sha256 *s, char hex[65])
{
	uint8_t pad[72] = { 0x80 };
	uint64_t bits = s->len * 8;
	size_t padlen = 64 - (s->len + 8) % 64;
	int i;

	if (padlen == 0)
		padlen = 64;
	for (i = 0; i < 8; i++)
		pad[padlen + (size_t)i] = (uint8_t)(bits >> (56 - 8 * i));
	sha_update(s, pad, padlen + 8);
	for (i = 0; i < 32; i++)
		snprintf(hex + 2 * i, 3, "%02x",
		    (unsigned)(s->h[i / 4] >> (24 - 8 * (i % 4))) & 0xff);
}

/* ------------------------------------------------------------------ */
/* Records */

static void
put_be(uint8_t *p, uint64_t v, int n)
{
	while (n-- > 0) {
		p[n] = (uint8_t)v;
		v >>= 8;
	}
}

static void
pack(const struct vrp *v, uint8_t *p)
{
	memset(p, 0, REC_SIZE);
	p[0] = v->prefix.family;
	p[1] = v->prefix.len;
	p[2] = v->maxlen;
	p[3] = v->ta;
	put_be(p + 4, v->asn, 4);
	put_be(p + 8, (uint64_t)v->expires, 8);
	memcpy(p + 16, v->prefix.a, v->prefix.family == ADDR_V6 ? 16 : 4);
}

/* Bytes of the packed ASPA records (vrp_redis_internal.h). */
static size_t
aspa_size(const struct aspa_list *l)
{
	return l->n * ASPA_HDR_SIZE + l->npool * 4;
}

/* Pack the ASPA records into buf (aspa_size() bytes). */
static void
pack_aspa(const struct aspa_list *l, uint8_t *p)
{
	const struct aspa_record *r;
	size_t i, j;

	for (i = 0; i < l->n; i++) {
		r = &l->r[i];
		memset(p, 0, ASPA_HDR_SIZE);
		put_be(p, r->customer, 4);
		put_be(p + 4, r->nproviders, 4);
		put_be(p + 8, (uint64_t)r->expires, 8);
		p[16] = r->ta;
		p += ASPA_HDR_SIZE;
		for (j = 0; j < r->nproviders; j++, p += 4)
			put_be(p, l->pool[r->first + j], 4);
	}
}

/*
 * The ASPA objects are hashed after the VRPs, and only when there are
 * some: a set without ASPAs hashes as it did before they existed, so
 * that reloading the same file is still "unchanged".
 */
static void
content_hash(const struct vrp_set *set, const uint8_t *aspa, char hex[65])
{
	struct sha256 s;
	uint8_t rec[REC_SIZE];
	size_t i;

	sha_init(&s);
	for (i = 0; i < set->nta; i++)
		sha_update(&s, set->ta[i], strlen(set->ta[i]) + 1);
	for (i = 0; i < set->n; i++) {
		pack(&set->v[i], rec);
		sha_update(&s, rec, REC_SIZE);
	}
	if (set->aspa.n > 0) {
		sha_update(&s, "aspa", 5);
		sha_update(&s, aspa, aspa_size(&set->aspa));
	}
	sha_final(&s, hex);
}

/* ------------------------------------------------------------------ */
/* Writer */

/*
 * Make generation ARGV[1] current if it is complete (its chunks and, when
 * its meta counts some, its ASPA string exist) and newer than the
 * current one; PERSIST its keys (written with a TTL so that a killed
 * loader's leftovers expire), remember the old one as previous, publish.
 * KEYS: current, previous, the new meta.  ARGV: id, channel, key prefix.
 */
static const char switch_lua[] =
"local m = redis.call('HMGET', KEYS[3], 'complete', 'chunks', "
"'aspa_count')\n"
"if m[1] ~= '1' then return redis.error_reply("
"'generation ' .. ARGV[1] .. ' is not complete') end\n"
"local cur = redis.call('GET', KEYS[1])\n"
"if cur and tonumber(cur) >= tonumber(ARGV[1]) then return "
"redis.error_reply('generation ' .. cur .. ' is current and newer') end\n"
"for i = 0, tonumber(m[2]) - 1 do\n"
"  local d = ARGV[3] .. 'data:' .. i\n"
"  if redis.call('EXISTS', d) == 0 then return redis.error_reply("
"'generation ' .. ARGV[1] .. ': chunk ' .. i .. ' missing') end\n"
"  redis.call('PERSIST', d)\n"
"end\n"
"if m[3] and m[3] ~= '0' then\n"
"  if redis.call('EXISTS', ARGV[3] .. 'aspa') == 0 then return "
"redis.error_reply('generation ' .. ARGV[1] .. ': ASPA objects missing') end\n"
"  redis.call('PERSIST', ARGV[3] .. 'aspa')\n"
"end\n"
"redis.call('PERSIST', KEYS[3])\n"
"redis.call('PERSIST', ARGV[3] .. 'tas')\n"
"redis.call('SET', KEYS[1], ARGV[1])\n"
"if cur then redis.call('SET', KEYS[2], cur) end\n"
"redis.call('PUBLISH', ARGV[2], ARGV[1])\n"
"return tonumber(cur or '0')\n";

static int
write_meta(struct rconn *k, uint64_t id, const struct vrp_set *set,
    size_t cr, const char *sha)
{
	char key[KEY_MAX], num[M_NUM][24], ttl[16];
	const char *argv[2 + 2 * (M_ALL + 3)];
	char anum[2][24];
	unsigned long long v[M_NUM];
	int i, argc = 2;

	v[M_VERSION] = 1;
	v[M_COMPLETE] = 0;		/* set to 1 after the last chunk */
	v[M_COUNT] = set->n;
	v[M_CHUNKS] = (set->n + cr - 1) / cr;
	v[M_CHUNKREC] = cr;
	v[M_RECSIZE] = REC_SIZE;
	v[M_NTAS] = set->nta;
	v[M_GENERATED] = set->generated > 0 ? (uint64_t)set->generated : 0;
	v[M_LOADED] = set->loaded > 0 ? (uint64_t)set->loaded :
	    (uint64_t)time(NULL);
	v[M_CHECKED] = v[M_LOADED];
	v[M_OLDEST] = set->oldest_expiry > 0 ?
	    (uint64_t)set->oldest_expiry : 0;
	vrp_redis_key_gen(k, key, id, "meta");
	argv[0] = "HSET";
	argv[1] = key;
	for (i = 0; i < M_NUM; i++) {
		snprintf(num[i], sizeof(num[i]), "%llu", v[i]);
		argv[argc++] = vrp_redis_meta_names[i];
		argv[argc++] = num[i];
	}
	argv[argc++] = "source";
	argv[argc++] = set->source != NULL ? set->source : "";
	argv[argc++] = "format";
	argv[argc++] = set->format;
	argv[argc++] = "sha256";
	argv[argc++] = sha;
	if (set->aspa.n > 0) {
		snprintf(anum[0], sizeof(anum[0]), "%zu", set->aspa.n);
		snprintf(anum[1], sizeof(anum[1]), "%zu",
		    aspa_size(&set->aspa));
		argv[argc++] = vrp_redis_meta_names[M_ASPA_COUNT];
		argv[argc++] = anum[0];
		argv[argc++] = vrp_redis_meta_names[M_ASPA_BYTES];
		argv[argc++] = anum[1];
	}
	if (set->source != NULL && strlen(set->source) >=
	    sizeof(((struct vrp_redis_meta *)0)->source)) {
		vrp_redis_conn_err(k, "source name longer than %d bytes", 511);
		return -1;
	}
	snprintf(ttl, sizeof(ttl), "%d", VRP_REDIS_PARTIAL_TTL);
	if (vrp_redis_expect_ok(k, vrp_redis_cmdv(k, argc, argv, NULL)) == -1)
		return -1;
	argv[0] = "EXPIRE";
	argv[2] = ttl;
	return vrp_redis_expect_ok(k, vrp_redis_cmdv(k, 3, argv, NULL));
}

static int
write_chunks(struct rconn *k, uint64_t id, const struct vrp_set *set,
    size_t cr)
{
	char key[KEY_MAX], ttl[16];
	const char *argv[5] = { "SET", key, NULL, "EX", ttl };
	size_t lens[5] = { 3, 0, 0, 2, 0 };
	size_t chunks = (set->n + cr - 1) / cr, i, j, n, inflight = 0;
	uint8_t *buf;
	int rv = -1;

	if ((buf = malloc(cr * REC_SIZE)) == NULL) {
		vrp_redis_conn_err(k, "out of memory");
		return -1;
	}
	lens[4] = (size_t)snprintf(ttl, sizeof(ttl), "%d",
	    VRP_REDIS_PARTIAL_TTL);
	argv[2] = (const char *)buf;
	for (i = 0; i < chunks; i++) {
		n = set->n - i * cr < cr ? set->n - i * cr : cr;
		for (j = 0; j < n; j++)
			pack(&set->v[i * cr + j], buf + j * REC_SIZE);
		vrp_redis_key_chunk(k, key, id, i);
		lens[1] = strlen(key);
		lens[2] = n * REC_SIZE;
		if (redisAppendCommandArgv(k->c, 5, argv, lens) != REDIS_OK) {
			vrp_redis_conn_err(k, "out of memory");
			goto done;
		}
		/* A window of chunks in flight: pipelined, bounded memory. */
		if (++inflight == WRITE_WINDOW || i + 1 == chunks)
			for (; inflight > 0; inflight--)
				if (vrp_redis_expect_ok(k,
				    vrp_redis_get_reply(k, "SET")) == -1)
					goto done;
	}
	rv = 0;
 done:
	if (rv == -1)
		vrp_redis_conn_close(k);	/* replies may be pending */
	free(buf);
	return rv;
}

static int
write_tas(struct rconn *k, uint64_t id, const struct vrp_set *set)
{
	char key[KEY_MAX], ttl[16];
	const char *argv[2 + VRP_TA_MAX];
	unsigned i;

	if (set->nta == 0)
		return 0;
	vrp_redis_key_gen(k, key, id, "tas");
	argv[0] = "RPUSH";
	argv[1] = key;
	for (i = 0; i < set->nta && i < VRP_TA_MAX; i++)
		argv[2 + i] = set->ta[i];
	if (vrp_redis_expect_ok(k, vrp_redis_cmdv(k, 2 + (int)i, argv,
	    NULL)) == -1)
		return -1;
	snprintf(ttl, sizeof(ttl), "%d", VRP_REDIS_PARTIAL_TTL);
	argv[0] = "EXPIRE";
	argv[2] = ttl;
	return vrp_redis_expect_ok(k, vrp_redis_cmdv(k, 3, argv, NULL));
}

/* The ASPA objects, one string; none when the set has none. */
static int
write_aspa(struct rconn *k, uint64_t id, const struct vrp_set *set,
    const uint8_t *aspa)
{
	char key[KEY_MAX], ttl[16];
	const char *argv[5] = { "SET", key, (const char *)aspa, "EX", ttl };
	size_t lens[5] = { 3, 0, 0, 2, 0 };

	if (set->aspa.n == 0)
		return 0;
	vrp_redis_key_gen(k, key, id, "aspa");
	lens[1] = strlen(key);
	lens[2] = aspa_size(&set->aspa);
	lens[4] = (size_t)snprintf(ttl, sizeof(ttl), "%d",
	    VRP_REDIS_PARTIAL_TTL);
	return vrp_redis_expect_ok(k, vrp_redis_cmdv(k, 5, argv, lens));
}

static int
del_key(struct rconn *k, const char *key)
{
	const char *argv[2] = { "DEL", key };

	return vrp_redis_expect_ok(k, vrp_redis_cmdv(k, 2, argv, NULL));
}

/* Delete one generation: the keys its meta names, else whatever SCAN
 * finds under its prefix (a loader died before or without meta). */
static int
drop_gen(struct rconn *k, uint64_t id)
{
	char key[KEY_MAX], pat[KEY_MAX], cursor[24] = "0";
	const char *argv[6] = { "SCAN", cursor, "MATCH", pat, "COUNT", "1000" };
	redisReply *rep;
	size_t i;

	vrp_redis_key_gen(k, pat, id, "*");
	do {
		if ((rep = vrp_redis_cmdv(k, 6, argv, NULL)) == NULL)
			return -1;
		if (rep->type != REDIS_REPLY_ARRAY || rep->elements != 2 ||
		    rep->element[0]->type != REDIS_REPLY_STRING ||
		    rep->element[0]->len >= sizeof(cursor) ||
		    rep->element[1]->type != REDIS_REPLY_ARRAY) {
			vrp_redis_conn_err(k, "SCAN: unexpected reply");
			freeReplyObject(rep);
			return -1;
		}
		memcpy(cursor, rep->element[0]->str, rep->element[0]->len);
		cursor[rep->element[0]->len] = '\0';
		for (i = 0; i < rep->element[1]->elements; i++)
			if (rep->element[1]->element[i]->type ==
			    REDIS_REPLY_STRING && del_key(k,
			    rep->element[1]->element[i]->str) == -1) {
				freeReplyObject(rep);
				return -1;
			}
		freeReplyObject(rep);
	} while (strcmp(cursor, "0") != 0);
	vrp_redis_key_ns(k, key, "vrp:gens");
	argv[0] = "SREM";
	argv[1] = key;
	snprintf(cursor, sizeof(cursor), "%llu", (unsigned long long)id);
	argv[2] = cursor;
	return vrp_redis_expect_ok(k, vrp_redis_cmdv(k, 3, argv, NULL));
}

/* Keep the current and previous generations and any newer one (another
 * loader may be writing it); delete the rest. */
static void
gc(struct rconn *k, uint64_t cur, uint64_t prev)
{
	char key[KEY_MAX];
	const char *argv[2] = { "SMEMBERS", key };
	unsigned long long id;
	redisReply *rep;
	size_t i;

	vrp_redis_key_ns(k, key, "vrp:gens");
	if ((rep = vrp_redis_cmdv(k, 2, argv, NULL)) == NULL)
		goto fail;
	for (i = 0; rep->type == REDIS_REPLY_ARRAY && i < rep->elements; i++)
		if (rep->element[i]->type == REDIS_REPLY_STRING &&
		    vrp_redis_parse_num(rep->element[i]->str,
		    rep->element[i]->len, UINT64_MAX, &id) == 0 && id < cur && id != prev &&
		    drop_gen(k, id) == -1) {
			freeReplyObject(rep);
			goto fail;
		}
	freeReplyObject(rep);
	return;
 fail:
	log_warnx("cleaning old generations: %s (retried next load)", k->err);
}

static int
write_gen(struct rconn *k, uint64_t id, const struct vrp_set *set,
    size_t cr, const char *sha, const uint8_t *aspa)
{
	char key[KEY_MAX], ids[24];
	const char *argv[4] = { "SADD", key, ids, NULL };

	vrp_redis_key_ns(k, key, "vrp:gens");
	snprintf(ids, sizeof(ids), "%llu", (unsigned long long)id);
	if (vrp_redis_expect_ok(k, vrp_redis_cmdv(k, 3, argv, NULL)) == -1 ||
	    write_meta(k, id, set, cr, sha) == -1 ||
	    write_chunks(k, id, set, cr) == -1 ||
	    write_tas(k, id, set) == -1 ||
	    write_aspa(k, id, set, aspa) == -1)
		return -1;
	/* Last: only now is the generation complete. */
	vrp_redis_key_gen(k, key, id, "meta");
	argv[0] = "HSET";
	argv[2] = "complete";
	argv[3] = "1";
	return vrp_redis_expect_ok(k, vrp_redis_cmdv(k, 4, argv, NULL));
}

static int
switch_gen(struct rconn *k, uint64_t id, uint64_t *prev)
{
	char kc[KEY_MAX], kp[KEY_MAX], km[KEY_MAX], ch[KEY_MAX], pre[KEY_MAX];
	char ids[24];
	const char *argv[9] = { "EVAL", switch_lua, "3", kc, kp, km, ids, ch,
	    pre };
	redisReply *rep;

	vrp_redis_key_ns(k, kc, "vrp:current");
	vrp_redis_key_ns(k, kp, "vrp:previous");
	vrp_redis_key_gen(k, km, id, "meta");
	vrp_redis_key_ns(k, ch, "vrp:updates");
	vrp_redis_key_gen(k, pre, id, "");
	snprintf(ids, sizeof(ids), "%llu", (unsigned long long)id);
	if ((rep = vrp_redis_cmdv(k, 9, argv, NULL)) == NULL)
		return -1;
	if (rep->type != REDIS_REPLY_INTEGER || rep->integer < 0) {
		vrp_redis_conn_err(k, "switch: unexpected reply");
		freeReplyObject(rep);
		return -1;
	}
	*prev = (uint64_t)rep->integer;
	freeReplyObject(rep);
	return 0;
}

enum vrp_redis_store
vrp_redis_store(struct vrp_redis *r, const struct vrp_set *set,
    size_t cr, uint64_t *gen)
{
	struct rconn *k = &r->main;
	struct vrp_redis_meta m;
	char sha[65], key[KEY_MAX], now[24];
	const char *argv[4] = { "HSET", key, "checked", now };
	const char *argv1[2] = { "INCR", key };
	uint64_t cur, prev;
	redisReply *rep;
	uint8_t *aspa = NULL;
	enum vrp_redis_store rv = VRP_REDIS_STORE_FAILED;

	k->err[0] = '\0';
	if (cr == 0)
		cr = VRP_REDIS_CHUNK;
	if (set->n == 0 || set->n > VRP_MAX_COUNT || cr > CHUNK_MAX) {
		vrp_redis_conn_err(k, "refusing to store %zu VRPs in chunks "
		    "of %zu", set->n, cr);
		goto fail;
	}
	if (aspa_size(&set->aspa) > ASPA_BYTES_MAX) {
		vrp_redis_conn_err(k, "refusing to store %zu ASPA objects "
		    "(%zu bytes)", set->aspa.n, aspa_size(&set->aspa));
		goto fail;
	}
	if ((aspa = malloc(aspa_size(&set->aspa) + 1)) == NULL) {
		vrp_redis_conn_err(k, "out of memory");
		goto fail;
	}
	pack_aspa(&set->aspa, aspa);
	content_hash(set, aspa, sha);
	if (vrp_redis_read_ids(k, &cur, &prev) == 0 &&
	    vrp_redis_read_meta(k, cur, &m) == 0 &&
	    strcmp(m.sha256, sha) == 0) {
		vrp_redis_key_gen(k, key, cur, "meta");
		snprintf(now, sizeof(now), "%lld", (long long)time(NULL));
		if (vrp_redis_expect_ok(k, vrp_redis_cmdv(k, 4, argv, NULL))
		    == -1)
			goto fail;
		*gen = cur;
		free(aspa);
		return VRP_REDIS_STORE_UNCHANGED;
	}
	if (vrp_redis_conn_open(k) == -1)
		goto fail;
	vrp_redis_key_ns(k, key, "vrp:seq");
	if ((rep = vrp_redis_cmdv(k, 2, argv1, NULL)) == NULL)
		goto fail;
	if (rep->type != REDIS_REPLY_INTEGER || rep->integer <= 0) {
		vrp_redis_conn_err(k, "INCR %s: unexpected reply", key);
		freeReplyObject(rep);
		goto fail;
	}
	*gen = (uint64_t)rep->integer;
	freeReplyObject(rep);
	if (write_gen(k, *gen, set, cr, sha, aspa) == -1 ||
	    switch_gen(k, *gen, &prev) == -1)
		goto fail;
	gc(k, *gen, prev);
	rv = VRP_REDIS_STORE_NEW;
	goto done;
 fail:
	log_warnx("%s: storing VRPs: %s", r->desc, k->err);
 done:
	free(aspa);
	return rv;
}
