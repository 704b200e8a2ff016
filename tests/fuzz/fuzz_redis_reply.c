/*
 * fuzz_redis_reply.c - what rovmon does with Redis's replies: the strict
 * reader (vrp_redis_load_current, vrp_redis_current_meta:
 * vrp_redis_read_ids, vrp_redis_read_meta, load_gen, read_chunks, unpack)
 * and the writer (vrp_redis_store: INCR, HSET/EXPIRE, pipelined SETs,
 * RPUSH, the switch script's reply, SMEMBERS/SCAN garbage collection).
 *
 * No Redis and no src/ change: the handle's connection is a real hiredis
 * context made with redisConnectFd() on /dev/null, and the input, taken
 * as the server's side of the whole conversation (RESP), is put into
 * that context's reader before the first command.  hiredis takes each
 * reply from there; the commands rovmon writes go to /dev/null; when the
 * input runs out the next read sees end of file ("server closed the
 * connection"), which is one more fault to survive.
 * vrp_redis_conn_open() then tries to reconnect to a unix socket that does not exist, and fails.
 *
 * Input: byte 0 selects what runs (mod 4): 0 load_current, 1
 * current_meta, 2 store (a 5-VRP set in chunks of 2; with byte 0 & 8 the
 * same set with two ASPA objects, so that the writer also sends the ASPA
 * string and its meta fields), 3 hiredis's reader alone (every reply
 * type walked); the rest is the RESP stream.  The reader's ASPA shapes
 * (meta aspa_count/aspa_bytes, GET and STRLEN of NS vrp:gen:ID:aspa)
 * come with modes 0 and 1.
 *
 * With byte 0 & 16 (modes 0..2) the handle has a redis-sentinel:// URL
 * and the stream first answers what a Sentinel connect asks
 * (vrp_redis_sentinel.c): SENTINEL get-master-addr-by-name (the address
 * must come back checked: a host of the allowed characters, a port
 * 1..65535), then ROLE on the master; only when ROLE says master does the
 * mode run on, as it would on a verified master.  A reconnect then tries
 * the URL's sentinel, 127.0.0.1:1, and fails.
 *
 * hiredis 0.14 (Debian 12) callocs a multi-bulk reply's element array as
 * soon as it reads "*N", for any N: "*4000000000\r\n" asks for 32 GB.
 * That is hiredis's own limit to enforce (1.x has maxelements), not
 * rovmon's, so inputs announcing more than 1M elements are skipped.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <hiredis/hiredis.h>

#include "rpki/vrp_load.h"
#include "rpki/vrp_redis_internal.h"
#include "fuzz_common.h"

#define MAX_ELEMENTS	(1L << 20)

static const char set_csv[] =
"ASN,IP Prefix,Max Length,Trust Anchor,Expires\n"
"AS64500,192.0.2.0/24,24,ta-one,4102444800\n"
"AS64501,198.51.100.0/22,24,ta-two,4102444800\n"
"AS0,203.0.113.0/24,32,ta-one,4102444800\n"
"AS64502,2001:db8::/32,48,ta-two,4102444800\n"
"AS64503,10.0.0.0/8,8,ta-one,4102444800\n";

static struct vrp_set *store_set, *store_set_aspa;

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	fz_init();
	static const uint32_t p1[] = { 64510, 64511 }, p2[] = { 0 };

	if ((store_set = vrp_parse("fuzz-set", (const uint8_t *)set_csv,
	    sizeof(set_csv) - 1)) == NULL ||
	    (store_set_aspa = vrp_parse("fuzz-set", (const uint8_t *)set_csv,
	    sizeof(set_csv) - 1)) == NULL ||
	    aspa_list_add(&store_set_aspa->aspa, 64500, p1, 2, 4102444800,
	    0, NULL) == -1 ||
	    aspa_list_add(&store_set_aspa->aspa, 64501, p2, 1, 0,
	    ASPA_TA_NONE, NULL) == -1)
		abort();
	return 0;
}

/* True if some "*N" in the input has N beyond MAX_ELEMENTS. */
static bool
huge_multibulk(const uint8_t *p, size_t n)
{
	size_t i, j;
	long long v;

	for (i = 0; i + 1 < n; i++) {
		if (p[i] != '*')
			continue;
		for (j = i + 1, v = 0; j < n && p[j] >= '0' && p[j] <= '9'; j++)
			if ((v = v * 10 + (p[j] - '0')) > MAX_ELEMENTS)
				return true;
	}
	return false;
}

static void
walk(const redisReply *r, int depth)
{
	size_t i;

	switch (r->type) {
	case REDIS_REPLY_STRING:
	case REDIS_REPLY_STATUS:
	case REDIS_REPLY_ERROR:
		if (r->len > 0 && (r->str == NULL || r->str[r->len] != '\0'))
			abort();
		break;
	case REDIS_REPLY_ARRAY:
		for (i = 0; i < r->elements; i++)
			walk(r->element[i], depth + 1);
		break;
	default:
		break;
	}
}

static void
reader_only(const uint8_t *p, size_t n)
{
	redisReader *rd;
	void *rep;

	if ((rd = redisReaderCreate()) == NULL)
		abort();
	if (redisReaderFeed(rd, (const char *)p, n) == REDIS_OK)
		while (redisReaderGetReply(rd, &rep) == REDIS_OK &&
		    rep != NULL) {
			walk(rep, 0);
			freeReplyObject(rep);
		}
	redisReaderFree(rd);
}

/*
 * What a Sentinel connect reads: the master's address (checked here
 * again: what vrp_redis_sentinel_ask() accepts must be a usable host and
 * port), then ROLE.  True when the connection is a verified master.
 */
static bool
sentinel_steps(struct vrp_redis *r)
{
	char host[VRP_REDIS_HOST_MAX + 1];
	size_t i, n;
	int port = -1;

	if (vrp_redis_sentinel_ask(&r->main, host, sizeof(host), &port) == 0) {
		n = strlen(host);
		if (n == 0 || n > VRP_REDIS_HOST_MAX || port < 1 ||
		    port > 65535)
			abort();
		for (i = 0; i < n; i++)
			if (host[i] <= ' ' || host[i] > '~' ||
			    strchr("/@,[]", host[i]) != NULL)
				abort();
	} else if (port != -1)
		abort();	/* a refused answer leaves port alone */
	if (r->main.c == NULL)
		return false;	/* the stream ended or broke */
	return vrp_redis_role_master(&r->main) == 0 && r->main.c != NULL;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct vrp_redis *r;
	struct vrp_redis_meta m;
	struct vrp_set *set = NULL;
	uint64_t gen;
	int fd, mode;

	if (size < 1 || huge_multibulk(data + 1, size - 1))
		return 0;
	mode = data[0] % 4;
	if (mode == 3) {
		reader_only(data + 1, size - 1);
		return 0;
	}
	if ((r = vrp_redis_open((data[0] & 16) ?
	    "redis-sentinel://127.0.0.1:1/fz-master" :
	    "unix:///nonexistent/rovmon-fuzz.sock",
	    (data[0] & 4) ? "fz:" : NULL)) == NULL)
		abort();
	if ((fd = open("/dev/null", O_RDWR)) == -1 ||
	    (r->main.c = redisConnectFd(fd)) == NULL || r->main.c->err)
		abort();
	if (size > 1 && redisReaderFeed(r->main.c->reader,
	    (const char *)data + 1, size - 1) != REDIS_OK)
		abort();
	if ((data[0] & 16) && !sentinel_steps(r)) {
		vrp_redis_close(r);
		return 0;
	}
	switch (mode) {
	case 0:
		if (vrp_redis_load_current(r, &set, &gen) == 0) {
			if (set == NULL || set->n == 0 ||
			    set->aspa.n != set->aspa_records)
				abort();
			vrp_set_free(set);
		}
		break;
	case 1:
		(void)vrp_redis_current_meta(r, &m);
		break;
	default:
		(void)vrp_redis_store(r, (data[0] & 8) ? store_set_aspa :
		    store_set, 2, &gen);
		break;
	}
	(void)vrp_redis_error(r);
	vrp_redis_close(r);	/* frees the context, closes fd */
	return 0;
}
