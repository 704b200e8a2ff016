/*
 * test_checkpoint.c - the checkpoint file (checkpoint.c): the header and
 * every refusal reason of the file, the atomic write and reading it back,
 * setting a refused file aside without ever overwriting, the directory
 * lock, and the writer thread (the body is test_rib_save.c's).
 * tsan: yes
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>
#include <cmocka.h>

#include "base/addr.h"
#include "bgp/bgp.h"
#include "state/checkpoint.h"
#include "state/rib.h"
#include "state/rib_save.h"
#include "state/route_event.h"
#include "builders.h"

#define NSPECS	2

/* A RIB of one session: an IPv4 and an IPv6 route, one INVALID and
 * alerted. */
static struct rib *
fixture(void)
{
	static const uint32_t asns[] = { 65001, 64500 };
	static const char *const pfx[NSPECS] = { "192.0.2.0/24",
	    "2001:db8::/32" };
	struct rib *rib;
	struct bgp_msg_ctx ctx;
	struct bgp_attrs at;
	struct path_fix pf;
	struct bgp_route r;
	struct route_verdict v;
	struct rov_result res;
	struct route_event ev;
	struct rib_route *rt;
	int i;

	assert_non_null(rib = rib_new());
	memset(&ctx, 0, sizeof(ctx));
	ctx.session_id = 4;
	assert_int_equal(ipaddr_parse("10.9.0.1", &ctx.src_addr), 0);
	assert_int_equal(ipaddr_parse("10.9.0.2", &ctx.dst_addr), 0);
	ctx.src_port = 179;
	ctx.dst_port = 40000;
	ctx.peer_as = 65001;
	memset(&at, 0, sizeof(at));
	b_path(&pf, asns, 2, NULL, 0);
	at.aspath = pf.path;
	at.origin_kind = ORIGIN_AS_SEQ;
	at.origin_as = 64500;
	assert_int_equal(ipaddr_parse("10.9.0.1", &at.next_hop), 0);
	for (i = 0; i < NSPECS; i++) {
		memset(&r, 0, sizeof(r));
		r.prefix = b_prefix(pfx[i]);
		memset(&res, 0, sizeof(res));
		res.state = i == 0 ? ROV_INVALID : ROV_VALID;
		res.reason = i == 0 ? ROV_REASON_AS : ROV_REASON_NONE;
		memset(&v, 0, sizeof(v));
		v.rpki = &res;
		assert_int_equal(rib_announce(rib, &ctx, &at, &r, &v, &ev, &rt),
		    RIB_NEW);
		rib_set_alerted(rib, rt, i == 0);
	}
	return rib;
}

static void
save(const struct rib *rib, struct rib_blob *b)
{
	assert_int_equal(rib_save(rib, b), 0);
}

/* ---- the file --------------------------------------------------------- */

static void
file_of(const struct rib_blob *s, uint8_t **p, size_t *len)
{
	struct timeval when = { 1700000000, 250000 };

	*len = CHECKPOINT_HDR_LEN + s->len;
	assert_non_null(*p = malloc(*len));
	checkpoint_header(*p, s->p, s->len, &when);
	memcpy(*p + CHECKPOINT_HDR_LEN, s->p, s->len);
}

static void
expect_file_refused(const uint8_t *p, size_t len, const char *want)
{
	struct checkpoint_view v;
	char why[256] = "";

	if (checkpoint_parse(p, len, &v, why, sizeof(why)) == 0)
		fail_msg("accepted, expected \"%s\"", want);
	if (strcmp(why, want) != 0)
		fail_msg("refused with \"%s\", expected \"%s\"", why, want);
}

static void
test_file_refusals(void **state)
{
	struct rib *a;
	struct rib_blob s;
	struct checkpoint_view v;
	uint8_t *p, *q;
	size_t len;
	char why[256];

	(void)state;
	a = fixture();
	save(a, &s);
	file_of(&s, &p, &len);
	assert_int_equal(checkpoint_parse(p, len, &v, why, sizeof(why)), 0);
	assert_int_equal(v.written.tv_sec, 1700000000);
	assert_int_equal(v.written.tv_usec, 250000);
	assert_int_equal(v.body_len, s.len);
	assert_memory_equal(v.body, s.p, s.len);
	assert_non_null(q = malloc(len + 1));

	expect_file_refused(p, 0, "empty file");
	expect_file_refused(p, 5, "truncated: shorter than its header");
	expect_file_refused(p, 30, "truncated: shorter than its header");
	expect_file_refused((const uint8_t *)"{\"roas\": [] }", 13,
	    "not a rovmon checkpoint (no ROVMONCK magic)");
	memcpy(q, p, len);
	q[11] = 2;
	expect_file_refused(q, len, "version 2, this rovmon reads version 1");
	memcpy(q, p, len);
	q[33] ^= 1;		/* the body length */
	expect_file_refused(q, len, "header checksum mismatch");
	/* flags set, its header checksum made to hold */
	memcpy(q, p, len);
	q[15] = 1;
	{
		uint32_t c = (uint32_t)crc32(0, q, 40);

		q[40] = (uint8_t)(c >> 24);
		q[41] = (uint8_t)(c >> 16);
		q[42] = (uint8_t)(c >> 8);
		q[43] = (uint8_t)c;
	}
	expect_file_refused(q, len, "header fields out of range");
	{
		char want[96];

		snprintf(want, sizeof(want), "truncated: body of %zu bytes, "
		    "%zu present", s.len, s.len - 10);
		expect_file_refused(p, len - 10, want);
	}
	memcpy(q, p, len);
	q[len] = 0;
	expect_file_refused(q, len + 1, "1 bytes after the body");
	memcpy(q, p, len);
	q[len - 1] ^= 0x40;
	expect_file_refused(q, len, "body checksum mismatch");
	free(q);
	free(p);
	rib_blob_free(&s);
	rib_free(a);
}

static void
make_dir(char *dir, size_t len)
{
	snprintf(dir, len, "/tmp/test_rib_save.XXXXXX");
	assert_non_null(mkdtemp(dir));
}

static void
remove_dir(const char *dir)
{
	char cmd[512];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
}

static void
test_file_io(void **state)
{
	struct rib *a, *b;
	struct rib_blob s;
	struct checkpoint_view v;
	struct timeval when = { 1700000100, 0 };
	char dir[64], why[256] = "", aside[4096], aside2[4096], path[4200];
	uint8_t *data;
	size_t len;
	struct stat st;
	int fd, fd2;

	(void)state;
	make_dir(dir, sizeof(dir));
	assert_int_equal(checkpoint_read(dir, &data, &len, &v, why,
	    sizeof(why)), CHECKPOINT_READ_ABSENT);
	a = fixture();
	save(a, &s);
	assert_int_equal(checkpoint_write(dir, s.p, s.len, &when, why,
	    sizeof(why)), 0);
	snprintf(path, sizeof(path), "%s/checkpoint.tmp", dir);
	assert_int_equal(stat(path, &st), -1);	/* renamed */
	snprintf(path, sizeof(path), "%s/checkpoint", dir);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	assert_int_equal(checkpoint_read(dir, &data, &len, &v, why,
	    sizeof(why)), CHECKPOINT_READ_OK);
	assert_int_equal(v.written.tv_sec, 1700000100);
	assert_non_null(b = rib_new());
	assert_int_equal(rib_load(b, v.body, v.body_len, why, sizeof(why)),
	    0);
	assert_int_equal(rib_count(b), NSPECS);
	free(data);
	rib_free(b);

	/* refused, set aside twice in one second: two names, none lost */
	assert_int_equal(checkpoint_set_aside(dir, &when, aside,
	    sizeof(aside)), 0);
	assert_non_null(strstr(aside, "/checkpoint.refused-20231114T221500Z"));
	assert_int_equal(stat(aside, &st), 0);
	assert_int_equal((size_t)st.st_size, CHECKPOINT_HDR_LEN + s.len);
	assert_int_equal(checkpoint_write(dir, s.p, 3, &when, why,
	    sizeof(why)), 0);
	assert_int_equal(checkpoint_set_aside(dir, &when, aside2,
	    sizeof(aside2)), 0);
	assert_string_not_equal(aside, aside2);
	assert_non_null(strstr(aside2, "-1"));
	assert_int_equal(stat(aside, &st), 0);
	assert_int_equal((size_t)st.st_size, CHECKPOINT_HDR_LEN + s.len);
	assert_int_equal(stat(path, &st), -1);

	/* one rovmon per directory */
	assert_true((fd = checkpoint_lock(dir, why, sizeof(why))) >= 0);
	assert_int_equal(fd2 = checkpoint_lock(dir, why, sizeof(why)), -1);
	assert_string_equal(why, "in use by another rovmon (lock held)");
	close(fd);
	assert_true((fd2 = checkpoint_lock(dir, why, sizeof(why))) >= 0);
	close(fd2);

	/* a directory that cannot be written */
	snprintf(path, sizeof(path), "%s/no/such", dir);
	assert_int_equal(checkpoint_write(path, s.p, s.len, &when, why,
	    sizeof(why)), -1);
	assert_non_null(strstr(why, "open: "));
	rib_blob_free(&s);
	rib_free(a);
	remove_dir(dir);
}

static void
test_writer(void **state)
{
	struct checkpoint_writer *w;
	struct checkpoint_done d;
	struct checkpoint_view v;
	struct rib *a;
	struct rib_blob s, s2;
	struct timeval when = { 1700000200, 7 };
	char dir[64], why[256];
	uint8_t *data;
	size_t len, blen;

	(void)state;
	make_dir(dir, sizeof(dir));
	a = fixture();
	save(a, &s);
	save(a, &s2);
	blen = s.len;
	assert_non_null(w = checkpoint_writer_new(dir));
	assert_false(checkpoint_writer_poll(w, &d));
	assert_true(checkpoint_writer_start(w, &s, &when));
	assert_null(s.p);	/* taken */
	/* one at a time: a second is not taken while the first runs */
	if (checkpoint_writer_busy(w)) {
		assert_false(checkpoint_writer_start(w, &s2, &when));
		assert_non_null(s2.p);
	}
	checkpoint_writer_wait(w);
	assert_true(checkpoint_writer_poll(w, &d));
	assert_false(checkpoint_writer_busy(w));
	assert_int_equal(d.rc, 0);
	assert_int_equal(d.bytes, CHECKPOINT_HDR_LEN + blen);
	assert_int_equal(d.when.tv_sec, 1700000200);
	/* the body comes back, and a save can write over it */
	assert_non_null(d.body.p);
	assert_int_equal(d.body.len, blen);
	{
		struct rib_saver *sv;

		assert_non_null(sv = rib_saver_new());
		d.body.len = 0;
		assert_int_equal(rib_save_with(sv, a, &d.body), 0);
		assert_int_equal(d.body.len, blen);
		assert_int_equal(rib_save_with(sv, a, &d.body), 0);
		assert_int_equal(d.body.len, blen);
		rib_saver_free(sv);
		rib_blob_free(&d.body);
	}
	assert_int_equal(checkpoint_read(dir, &data, &len, &v, why,
	    sizeof(why)), CHECKPOINT_READ_OK);
	assert_int_equal(v.body_len, blen);
	assert_int_equal(v.written.tv_usec, 7);
	free(data);
	/* and the next write is taken; free waits for it */
	assert_true(checkpoint_writer_start(w, &s2, &when));
	checkpoint_writer_free(w);
	rib_free(a);
	remove_dir(dir);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_file_refusals),
		cmocka_unit_test(test_file_io),
		cmocka_unit_test(test_writer),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
