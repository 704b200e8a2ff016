/*
 * fuzz_bmp.c - a BMP connection's bytes (feed/bmp_stream.h) in chunks,
 * with gaps: framing, resynchronisation, mid-stream pickup, every message
 * type decoded (feed/bmp.h), Peer Up OPENs replayed into views, Peer
 * Down, Termination, the routes through the BGP session and the route
 * log (fz_sink_init), the connection's end.
 *
 * Input: byte 0: chunk size (low 7 bits; 0 = the whole rest at once),
 * bit 7: a gap of 7 bytes after every third chunk; the rest is the
 * stream.  Checked (abort): bmp_decode() on the stream's first message,
 * when accepted, points only inside it and its fields are in range; the
 * stream's counters add up (bytes skipped never exceed those given).
 */
#include <stdlib.h>
#include <string.h>

#include "capture/packet.h"
#include "feed/bmp.h"
#include "feed/bmp_stream.h"
#include "feed/feed_session.h"
#include "fuzz_common.h"

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	fz_init();
	return 0;
}

static bool
inside(const struct bmp_bytes *b, const uint8_t *p, size_t n)
{
	return b->len == 0 || (b->p >= p && b->len <= n &&
	    (size_t)(b->p - p) <= n - b->len);
}

/* The first message alone: what an accepted decode promises. */
static void
check_decode(const uint8_t *p, size_t n)
{
	static struct bmp_msg m;

	if (n < BMP_HDR_LEN || bmp_header(p, n, &m) != NULL || m.len > n)
		return;
	n = m.len;
	if (bmp_decode(p, n, &m) != NULL) {
		if (m.why[0] == '\0')
			abort();	/* a refusal says why */
		return;
	}
	if (m.version != 3 || m.type > BMP_TYPE_MAX || m.len != n ||
	    !inside(&m.bgp, p, n) || !inside(&m.sent_open, p, n) ||
	    !inside(&m.recv_open, p, n) || !inside(&m.notification, p, n) ||
	    !inside(&m.tlvs, p, n) || !inside(&m.mirror, p, n) ||
	    !inside(&m.sys_name, p, n) || !inside(&m.sys_descr, p, n))
		abort();
	if (m.has_peer && (m.peer.type > BMP_PEER_LOC_RIB ||
	    m.peer.ts_usec > 999999))
		abort();
	if (m.type == BMP_ROUTE_MONITORING && m.bgp.len < 19)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fz_out out;
	struct bgp_sink sink;
	struct feed_table *t;
	struct bmp_stream *s;
	const struct bmp_stream_stats *st;
	struct ipaddr router;
	struct packet pkt;
	size_t off = 1, chunk, n, given = 0, k = 0;

	if (size < 1)
		return 0;
	check_decode(data + 1, size - 1);
	chunk = data[0] & 0x7f;
	fz_out_begin(&out, false);
	fz_sink_init(&sink, &out);
	if ((t = feed_table_new(&sink)) == NULL)
		abort();
	memset(&router, 0, sizeof(router));
	router.family = ADDR_V4;
	router.a[0] = 198;
	router.a[1] = 51;
	router.a[2] = 100;
	router.a[3] = 1;
	if ((s = bmp_stream_new(t, 1, &router)) == NULL)
		abort();
	memset(&pkt, 0, sizeof(pkt));
	pkt.ts.tv_sec = 1700000000;
	while (off < size) {
		n = chunk == 0 || chunk > size - off ? size - off : chunk;
		pkt.num++;
		bmp_stream_data(s, data + off, n, &pkt);
		given += n;
		off += n;
		if ((data[0] & 0x80) && ++k % 3 == 0)
			bmp_stream_gap(s, 7, &pkt);
	}
	bmp_stream_close(s, "fuzz end", &pkt);
	st = bmp_stream_stats(s);
	if (st->skipped + st->cut_at_end > given + st->gap_bytes)
		abort();
	bmp_stream_free(s);
	feed_table_free(t, &pkt);
	fz_out_end(&out, &pkt.ts);
	return 0;
}
