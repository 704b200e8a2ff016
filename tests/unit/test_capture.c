/*
 * test_capture.c - the libpcap wrapper, and the decoder over the shared
 * public captures.
 *
 * Capture files are written here with libpcap's own dump API
 * (pcap_open_dead + pcap_dump) so that each test states its frames, or
 * byte by byte where the file format itself is under test (the records
 * capture_file.c reads without libpcap); the last test reads every
 * capture in $SHARED (or ../shared/data) through capture.c and
 * decode_packet() and prints what it found per file.
 */
#include <sys/stat.h>

#include <fcntl.h>
#include <glob.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include <pcap/pcap.h>

#include "capture/capture.h"
#include "capture/decode.h"
#include "capture/packet.h"
#include "base/stats.h"
#include "builders.h"

struct seen {
	uint64_t	 nums[16];
	uint32_t	 caplen[16], wirelen[16];
	uint16_t	 dport[16];
	int		 n, ok;
	struct capture	*stop_at_2;	/* breakloop after the 2nd frame */
};

static char tmpdir[] = "/tmp/test_capture.XXXXXX";
static char tpath[256];

/*
 * Ethernet, ntags VLAN tags (802.1ad outer, 802.1Q inner), IPv4, TCP to
 * dport with a 19-byte KEEPALIVE.
 */
static void
bgp_frame(struct buf *f, int ntags, unsigned dport)
{
	int i;

	f->n = 0;
	for (i = 0; i < 12; i++)
		b_u8(f, (unsigned)i);
	for (i = 0; i < ntags; i++) {
		b_u16(f, i == 0 && ntags > 1 ? 0x88a8 : 0x8100);
		b_u16(f, 100 + (unsigned)i);
	}
	b_u16(f, 0x0800);
	b_u32(f, 0x45000000 | (20 + 20 + 19));
	b_u32(f, 0x00004000);
	b_u32(f, 0x40060000);
	b_u32(f, 0xc0000201);
	b_u32(f, 0xc0000202);
	b_u16(f, 40000);
	b_u16(f, dport);
	b_u32(f, 1000);
	b_u32(f, 2000);
	b_u16(f, 0x5018);
	b_u16(f, 8192);
	b_u32(f, 0);
	for (i = 0; i < 16; i++)
		b_u8(f, 0xff);
	b_u16(f, 19);
	b_u8(f, 4);
}

/* Write frames to tpath; snap > 0 cuts the records at snap bytes. */
static void
write_pcap(int linktype, struct buf *frames, int n, uint32_t snap)
{
	struct pcap_pkthdr h;
	pcap_dumper_t *d;
	pcap_t *p;
	int i;

	snprintf(tpath, sizeof(tpath), "%s/t.pcap", tmpdir);
	assert_non_null(p = pcap_open_dead(linktype, 65535));
	assert_non_null(d = pcap_dump_open(p, tpath));
	for (i = 0; i < n; i++) {
		memset(&h, 0, sizeof(h));
		h.ts.tv_sec = 1700000000 + i;
		h.ts.tv_usec = i;
		h.len = (uint32_t)frames[i].n;
		h.caplen = snap > 0 && snap < h.len ? snap : h.len;
		pcap_dump((u_char *)d, &h, frames[i].b);
	}
	pcap_dump_close(d);
	pcap_close(p);
}

static void
seen_cb(void *arg, const struct packet *pkt)
{
	struct seen *s = arg;
	struct tcp_segment seg;

	assert_true(s->n < 16);
	s->nums[s->n] = pkt->num;
	s->caplen[s->n] = pkt->caplen;
	s->wirelen[s->n] = pkt->wirelen;
	assert_int_equal(pkt->ts.tv_sec, 1700000000 + (long)pkt->num - 1);
	if (decode_packet(pkt, &seg) == DECODE_OK) {
		s->ok++;
		s->dport[s->n] = seg.dport;
	}
	s->n++;
	if (s->n == 2 && s->stop_at_2 != NULL)
		capture_breakloop(s->stop_at_2);
}

static void
test_read_count(void **state)
{
	struct buf fr[5];
	struct seen s;
	struct capture *cap;
	uint64_t pk = stats.packets, by = stats.bytes;
	int i;

	(void)state;
	for (i = 0; i < 5; i++)
		bgp_frame(&fr[i], 0, 179);
	write_pcap(DLT_EN10MB, fr, 5, 0);
	assert_non_null(cap = capture_open_offline(tpath, ""));
	assert_int_equal(capture_linktype(cap), DLT_EN10MB);
	assert_string_equal(capture_name(cap), tpath);
	assert_string_equal(capture_filter(cap), "");
	memset(&s, 0, sizeof(s));
	assert_int_equal(capture_loop(cap, 2, seen_cb, &s), 0);
	assert_int_equal(s.n, 2);
	assert_int_equal(capture_loop(cap, 0, seen_cb, &s), 0);
	assert_int_equal(s.n, 5);
	assert_int_equal(s.ok, 5);
	for (i = 0; i < 5; i++) {
		assert_int_equal(s.nums[i], (uint64_t)i + 1);
		assert_int_equal(s.caplen[i], fr[i].n);
		assert_int_equal(s.wirelen[i], fr[i].n);
	}
	assert_int_equal(stats.packets - pk, 5);
	assert_int_equal(stats.bytes - by, 5 * fr[0].n);
	/* Offline: no pcap_stats, nothing changes. */
	assert_int_equal(capture_stats(cap), 0);
	capture_close(cap);
	capture_close(NULL);
	capture_breakloop(NULL);
}

static void
test_snaplen(void **state)
{
	struct buf fr[1];
	struct seen s;
	struct capture *cap;

	(void)state;
	bgp_frame(&fr[0], 0, 179);
	write_pcap(DLT_EN10MB, fr, 1, 60);
	assert_non_null(cap = capture_open_offline(tpath, NULL));
	memset(&s, 0, sizeof(s));
	assert_int_equal(capture_loop(cap, 0, seen_cb, &s), 0);
	assert_int_equal(s.n, 1);
	assert_int_equal(s.caplen[0], 60);
	assert_int_equal(s.wirelen[0], fr[0].n);
	assert_int_equal(s.ok, 1);
	capture_close(cap);
}

/* The default filter passes BGP behind 0, 1 and 2 tags, not port 80. */
static void
test_default_filter(void **state)
{
	struct buf fr[4];
	struct seen s;
	struct capture *cap;

	(void)state;
	bgp_frame(&fr[0], 0, 179);
	bgp_frame(&fr[1], 1, 179);
	bgp_frame(&fr[2], 2, 179);
	bgp_frame(&fr[3], 1, 80);
	write_pcap(DLT_EN10MB, fr, 4, 0);
	assert_non_null(cap = capture_open_offline(tpath, NULL));
	memset(&s, 0, sizeof(s));
	assert_int_equal(capture_loop(cap, 0, seen_cb, &s), 0);
	assert_int_equal(s.n, 3);
	assert_int_equal(s.ok, 3);
	assert_int_equal(s.nums[2], 3);
	capture_close(cap);
	/* An explicit filter is used as given. */
	assert_non_null(cap = capture_open_offline(tpath, "tcp port 80"));
	memset(&s, 0, sizeof(s));
	assert_int_equal(capture_loop(cap, 0, seen_cb, &s), 0);
	assert_int_equal(s.n, 0);		/* tagged: plain BPF misses it */
	capture_close(cap);
	assert_non_null(cap = capture_open_offline(tpath,
	    "vlan and tcp port 80"));
	memset(&s, 0, sizeof(s));
	assert_int_equal(capture_loop(cap, 0, seen_cb, &s), 0);
	assert_int_equal(s.n, 1);
	assert_int_equal(s.nums[0], 4);		/* the file's 4th record */
	assert_int_equal(s.dport[0], 80);
	capture_close(cap);
}

static void
test_breakloop(void **state)
{
	struct buf fr[5];
	struct seen s;
	struct capture *cap;
	int i;

	(void)state;
	for (i = 0; i < 5; i++)
		bgp_frame(&fr[i], 0, 179);
	write_pcap(DLT_EN10MB, fr, 5, 0);
	assert_non_null(cap = capture_open_offline(tpath, NULL));
	memset(&s, 0, sizeof(s));
	s.stop_at_2 = cap;
	assert_int_equal(capture_loop(cap, 0, seen_cb, &s), 0);
	assert_int_equal(s.n, 2);
	capture_close(cap);
}

/*
 * Classic pcap written byte by byte, to cover what capture_file.c reads
 * itself (little-endian on this host, version 2.4, micro- or
 * nanoseconds) and what it leaves to libpcap (the other byte order,
 * version 2.3): the frames must come out the same either way.
 */
struct rawpcap {
	bool		 be, nsec;
	uint16_t	 major, minor;
	uint32_t	 snaplen;
};

static void
raw32(FILE *fp, bool be, uint32_t v)
{
	uint8_t b[4];

	if (be) {
		b[0] = (uint8_t)(v >> 24);
		b[1] = (uint8_t)(v >> 16);
		b[2] = (uint8_t)(v >> 8);
		b[3] = (uint8_t)v;
	} else {
		b[0] = (uint8_t)v;
		b[1] = (uint8_t)(v >> 8);
		b[2] = (uint8_t)(v >> 16);
		b[3] = (uint8_t)(v >> 24);
	}
	assert_int_equal(fwrite(b, 1, 4, fp), 4);
}

static void
raw16(FILE *fp, bool be, uint16_t v)
{
	uint8_t b[2];

	b[0] = (uint8_t)(be ? v >> 8 : v);
	b[1] = (uint8_t)(be ? v : v >> 8);
	assert_int_equal(fwrite(b, 1, 2, fp), 2);
}

/* Frame i has time 1700000000 + i s and i * 1000 + 7 us (or ns * 1000);
 * caplen[i] overrides the record's caplen when non-zero. */
static void
write_raw(const struct rawpcap *rp, struct buf *fr, int n,
    const uint32_t *caplen, long cut)
{
	FILE *fp;
	int i;

	snprintf(tpath, sizeof(tpath), "%s/raw.pcap", tmpdir);
	assert_non_null(fp = fopen(tpath, "wb"));
	raw32(fp, rp->be, rp->nsec ? 0xa1b23c4d : 0xa1b2c3d4);
	raw16(fp, rp->be, rp->major);
	raw16(fp, rp->be, rp->minor);
	raw32(fp, rp->be, 0);
	raw32(fp, rp->be, 0);
	raw32(fp, rp->be, rp->snaplen);
	raw32(fp, rp->be, DLT_EN10MB);
	for (i = 0; i < n; i++) {
		uint32_t cl = caplen != NULL && caplen[i] != 0 ? caplen[i] :
		    (uint32_t)fr[i].n;

		raw32(fp, rp->be, 1700000000u + (uint32_t)i);
		raw32(fp, rp->be, ((uint32_t)i * 1000 + 7) *
		    (rp->nsec ? 1000 : 1));
		raw32(fp, rp->be, cl);
		raw32(fp, rp->be, (uint32_t)fr[i].n);
		assert_int_equal(fwrite(fr[i].b, 1, fr[i].n, fp), fr[i].n);
		if (cl > fr[i].n) {	/* pad the record to its caplen */
			uint32_t k;

			for (k = (uint32_t)fr[i].n; k < cl; k++)
				assert_int_equal(fputc(0, fp), 0);
		}
	}
	assert_int_equal(fclose(fp), 0);
	if (cut > 0) {
		struct stat st;

		assert_int_equal(stat(tpath, &st), 0);
		assert_int_equal(truncate(tpath, st.st_size - cut), 0);
	}
}

struct rawseen {
	int		 n, ok;
	uint32_t	 caplen[8], wirelen[8];
	long		 usec[8];
};

static void
rawseen_cb(void *arg, const struct packet *pkt)
{
	struct rawseen *s = arg;
	struct tcp_segment seg;

	assert_true(s->n < 8);
	assert_int_equal(pkt->num, (uint64_t)s->n + 1);
	assert_int_equal(pkt->ts.tv_sec, 1700000000 + (long)s->n);
	s->usec[s->n] = (long)pkt->ts.tv_usec;
	s->caplen[s->n] = pkt->caplen;
	s->wirelen[s->n] = pkt->wirelen;
	if (decode_packet(pkt, &seg) == DECODE_OK && seg.dport == 179)
		s->ok++;
	s->n++;
}

static int
read_raw(struct rawseen *s)
{
	struct capture *cap;
	int rc;

	memset(s, 0, sizeof(*s));
	assert_non_null(cap = capture_open_offline(tpath, NULL));
	rc = capture_loop(cap, 0, rawseen_cb, s);
	capture_close(cap);
	return rc;
}

static void
test_raw_formats(void **state)
{
	static const struct rawpcap fmts[] = {
		{ false, false, 2, 4, 65535 },	/* read by capture_file.c */
		{ false, true, 2, 4, 65535 },	/* capture_file.c, nanoseconds */
		{ true, false, 2, 4, 65535 },	/* libpcap: other byte order */
		{ true, true, 2, 4, 65535 },
		{ false, false, 2, 3, 65535 },	/* libpcap: old version */
		{ false, false, 2, 4, 0 },	/* no snaplen: the maximum */
	};
	struct buf fr[3];
	struct rawseen s;
	size_t f;
	int i;

	(void)state;
	for (i = 0; i < 3; i++)
		bgp_frame(&fr[i], i, 179);
	for (f = 0; f < sizeof(fmts) / sizeof(fmts[0]); f++) {
		write_raw(&fmts[f], fr, 3, NULL, 0);
		assert_int_equal(read_raw(&s), 0);
		assert_int_equal(s.n, 3);
		assert_int_equal(s.ok, 3);
		for (i = 0; i < 3; i++) {
			assert_int_equal(s.caplen[i], fr[i].n);
			assert_int_equal(s.wirelen[i], fr[i].n);
			assert_int_equal(s.usec[i], i * 1000 + 7);
		}
	}
}

/* What libpcap does with odd records, capture_file.c does too. */
static void
test_raw_records(void **state)
{
	struct rawpcap rp = { false, false, 2, 4, 65535 };
	uint32_t caplen[3] = { 0, 0, 0 };
	struct buf fr[3];
	struct rawseen s;
	int i;

	(void)state;
	for (i = 0; i < 3; i++)
		bgp_frame(&fr[i], 0, 179);
	/* Cut inside the third record's header, then inside its data. */
	write_raw(&rp, fr, 3, NULL, (long)fr[2].n + 6);
	assert_int_equal(read_raw(&s), -1);
	assert_int_equal(s.n, 2);
	write_raw(&rp, fr, 3, NULL, 5);
	assert_int_equal(read_raw(&s), -1);
	assert_int_equal(s.n, 2);
	/* Records longer than the file's snaplen are cut to it. */
	rp.snaplen = 60;
	write_raw(&rp, fr, 3, NULL, 0);
	assert_int_equal(read_raw(&s), 0);
	assert_int_equal(s.n, 3);
	for (i = 0; i < 3; i++) {
		assert_int_equal(s.caplen[i], 60);
		assert_int_equal(s.wirelen[i], fr[i].n);
	}
	/* ... and a cut file in the part beyond the snaplen is an error. */
	write_raw(&rp, fr, 3, NULL, 3);
	assert_int_equal(read_raw(&s), -1);
	assert_int_equal(s.n, 2);
	/* A record longer than its buffer's first size, within the limit. */
	rp.snaplen = 262144;
	caplen[1] = 200000;
	write_raw(&rp, fr, 3, caplen, 0);
	assert_int_equal(read_raw(&s), 0);
	assert_int_equal(s.n, 3);
	assert_int_equal(s.caplen[1], 200000);
	assert_int_equal(s.ok, 3);
	/* A caplen past libpcap's maximum ends the file with an error. */
	caplen[1] = 262145;
	write_raw(&rp, fr, 3, caplen, 0);
	assert_int_equal(read_raw(&s), -1);
	assert_int_equal(s.n, 1);
}

/* A file cut inside the third record: two frames, then -1. */
static void
test_truncated_file(void **state)
{
	struct buf fr[3];
	struct seen s;
	struct capture *cap;
	long size;
	FILE *fp;
	int i;

	(void)state;
	for (i = 0; i < 3; i++)
		bgp_frame(&fr[i], 0, 179);
	write_pcap(DLT_EN10MB, fr, 3, 0);
	assert_non_null(fp = fopen(tpath, "r+"));
	assert_int_equal(fseek(fp, 0, SEEK_END), 0);
	size = ftell(fp);
	fclose(fp);
	assert_int_equal(truncate(tpath, size - 10), 0);
	assert_non_null(cap = capture_open_offline(tpath, NULL));
	memset(&s, 0, sizeof(s));
	assert_int_equal(capture_loop(cap, 0, seen_cb, &s), -1);
	assert_int_equal(s.n, 2);
	capture_close(cap);
}

/* Counts records and checks each is the next one, whole and decodable. */
struct bulk {
	uint64_t	n, bad;
};

static void
bulk_cb(void *arg, const struct packet *pkt)
{
	struct bulk *b = arg;
	struct tcp_segment seg;

	if (pkt->num != b->n + 1 ||
	    pkt->ts.tv_sec != 1700000000 + (long)b->n ||
	    decode_packet(pkt, &seg) != DECODE_OK || seg.dport != 179)
		b->bad++;
	b->n++;
}

/*
 * Enough records to refill capture_file.c's file buffer several times,
 * read from the path and from stdin ("-"), which stays open afterwards.
 */
static void
test_big_file_and_stdin(void **state)
{
	enum { N = 3000 };
	struct buf *fr;
	struct bulk b;
	struct capture *cap;
	int i, fd, saved;

	(void)state;
	assert_non_null(fr = calloc(N, sizeof(*fr)));
	for (i = 0; i < N; i++)
		bgp_frame(&fr[i], 0, 179);
	write_pcap(DLT_EN10MB, fr, N, 0);
	free(fr);
	memset(&b, 0, sizeof(b));
	assert_non_null(cap = capture_open_offline(tpath, NULL));
	assert_int_equal(capture_loop(cap, 0, bulk_cb, &b), 0);
	assert_int_equal(b.n, N);
	assert_int_equal(b.bad, 0);
	capture_close(cap);

	assert_true((saved = dup(STDIN_FILENO)) != -1);
	assert_true((fd = open(tpath, O_RDONLY)) != -1);
	assert_int_equal(dup2(fd, STDIN_FILENO), STDIN_FILENO);
	close(fd);
	memset(&b, 0, sizeof(b));
	assert_non_null(cap = capture_open_offline("-", NULL));
	assert_string_equal(capture_name(cap), "<stdin>");
	assert_int_equal(capture_loop(cap, 0, bulk_cb, &b), 0);
	assert_int_equal(b.n, N);
	assert_int_equal(b.bad, 0);
	capture_close(cap);
	assert_true(fcntl(STDIN_FILENO, F_GETFD) != -1);
	assert_int_equal(dup2(saved, STDIN_FILENO), STDIN_FILENO);
	close(saved);
}

static void
test_open_errors(void **state)
{
	struct buf fr[1];
	FILE *fp;

	(void)state;
	snprintf(tpath, sizeof(tpath), "%s/missing.pcap", tmpdir);
	assert_null(capture_open_offline(tpath, NULL));
	/* Not a capture at all. */
	snprintf(tpath, sizeof(tpath), "%s/garbage.pcap", tmpdir);
	assert_non_null(fp = fopen(tpath, "w"));
	fputs("this is not a pcap file, not even close\n", fp);
	fclose(fp);
	assert_null(capture_open_offline(tpath, NULL));
	/* 802.11 radio frames: a link type the decoder refuses. */
	bgp_frame(&fr[0], 0, 179);
	write_pcap(DLT_IEEE802_11, fr, 1, 0);
	assert_null(capture_open_offline(tpath, NULL));
	/* A filter that does not compile. */
	write_pcap(DLT_EN10MB, fr, 1, 0);
	assert_null(capture_open_offline(tpath, "tcp port banana"));
	/* No such interface. */
	assert_null(capture_open_live("rovmon-no-such-if0", NULL, 0, -1));
}

/* ---- the shared public captures, through capture.c and decode.c ---- */

struct corpus_count {
	const char	*path;
	uint64_t	 frames, bgp, results[6];
	unsigned	 port, port2;
};

static void
corpus_cb(void *arg, const struct packet *pkt)
{
	struct corpus_count *cc = arg;
	struct tcp_segment seg;
	enum decode_result r;

	cc->frames++;
	r = decode_packet(pkt, &seg);
	assert_true(r >= DECODE_OK && r <= DECODE_UNSUPPORTED);
	cc->results[r]++;
	if (r == DECODE_OK && (seg.sport == cc->port || seg.dport == cc->port ||
	    seg.sport == cc->port2 || seg.dport == cc->port2))
		cc->bgp++;
}

static const char *
shared_dir(void)
{
	static const char *const cands[] = { "../shared/data",
	    "../../shared/data", "/work/shared/data" };
	const char *env = getenv("SHARED");
	char probe[1024];
	size_t i;

	if (env != NULL && *env != '\0')
		return env;
	for (i = 0; i < sizeof(cands) / sizeof(cands[0]); i++) {
		snprintf(probe, sizeof(probe), "%s/tcpdump-tests", cands[i]);
		if (access(probe, R_OK) == 0)
			return cands[i];
	}
	return NULL;
}

/* Link type of a file, or -1 if libpcap cannot open it. */
static int
file_linktype(const char *path)
{
	char errbuf[PCAP_ERRBUF_SIZE];
	pcap_t *p;
	int lt;

	if ((p = pcap_open_offline(path, errbuf)) == NULL)
		return -1;
	lt = pcap_datalink(p);
	pcap_close(p);
	return lt;
}

/* Returns the number of failed checks (reported), so globfree runs. */
static int
corpus_file(const char *path, int *nfiles, int *nunsup)
{
	struct corpus_count cc, cd;
	struct capture *cap;
	int lt;

	memset(&cc, 0, sizeof(cc));
	cc.path = path;
	/* bgp-rs's loopback sessions run on port 1179, the rest on 179. */
	cc.port = CAPTURE_DEFAULT_PORT;
	if (strstr(path, "bgp-rs-loopback") != NULL)
		cc.port2 = 1179;
	if ((lt = file_linktype(path)) < 0) {
		printf("FAIL %s: libpcap cannot open it\n", path);
		return 1;
	}
	if (!decode_link_supported(lt)) {
		printf("unsupported link type %s (%d): %s\n",
		    pcap_datalink_val_to_name(lt), lt, path);
		(*nunsup)++;
		if ((cap = capture_open_offline(path, NULL)) != NULL) {
			capture_close(cap);
			printf("FAIL %s: opened despite its link type\n", path);
			return 1;
		}
		return 0;
	}
	/* Every frame, no filter. */
	if ((cap = capture_open_offline(path, "")) == NULL) {
		printf("FAIL %s: capture_open_offline\n", path);
		return 1;
	}
	if (capture_linktype(cap) != lt ||
	    capture_loop(cap, 0, corpus_cb, &cc) != 0) {
		capture_close(cap);
		printf("FAIL %s: link type or read error\n", path);
		return 1;
	}
	capture_close(cap);
	printf("%-60s lt %3d frames %4llu bgp %4llu (ok %llu not-tcp %llu "
	    "frag %llu trunc %llu malf %llu unsup %llu)\n",
	    strrchr(path, '/') + 1, lt, (unsigned long long)cc.frames,
	    (unsigned long long)cc.bgp,
	    (unsigned long long)cc.results[DECODE_OK],
	    (unsigned long long)cc.results[DECODE_NOT_TCP],
	    (unsigned long long)cc.results[DECODE_FRAGMENT],
	    (unsigned long long)cc.results[DECODE_TRUNCATED],
	    (unsigned long long)cc.results[DECODE_MALFORMED],
	    (unsigned long long)cc.results[DECODE_UNSUPPORTED]);
	(*nfiles)++;
	/*
	 * Some of tcpdump's fuzzed captures hold only IPv4 fragments (MF
	 * set by the fuzzer): no TCP header may be taken from those.
	 */
	if (cc.bgp == 0 && cc.results[DECODE_FRAGMENT] == cc.frames) {
		printf("note %s: only IP fragments\n", path);
		return 0;
	}
	if (cc.bgp == 0) {
		printf("FAIL %s: no TCP segment on port %u\n", path, cc.port);
		return 1;
	}
	/* The default filter compiles for the link type and passes BGP. */
	if (cc.port2 != 0)
		return 0;
	memset(&cd, 0, sizeof(cd));
	cd.path = path;
	cd.port = CAPTURE_DEFAULT_PORT;
	if ((cap = capture_open_offline(path, NULL)) == NULL) {
		printf("FAIL %s: default filter\n", path);
		return 1;
	}
	if (capture_loop(cap, 0, corpus_cb, &cd) != 0 || cd.bgp != cc.bgp) {
		printf("FAIL %s: default filter \"%s\" passed %llu of %llu "
		    "BGP segments\n", path, capture_filter(cap),
		    (unsigned long long)cd.bgp, (unsigned long long)cc.bgp);
		capture_close(cap);
		return 1;
	}
	capture_close(cap);
	return 0;
}

static void
test_corpus(void **state)
{
	static const char *const pats[] = { "tcpdump-tests/*.pcap",
	    "tcpdump-tests/*.pcapng", "captures/*/*.pcap",
	    "captures/*/*.pcapng", "captures/*/*.cap" };
	const char *dir = shared_dir();
	char pat[1024];
	glob_t g;
	size_t i, j;
	int nfiles = 0, nunsup = 0, nfail = 0;

	(void)state;
	if (dir == NULL) {
		/* tests/run.sh counts this line as a skipped part. */
		printf("SKIP-PART: test_corpus: no shared captures "
		    "(set SHARED)\n");
		skip();
	}
	for (i = 0; i < sizeof(pats) / sizeof(pats[0]); i++) {
		snprintf(pat, sizeof(pat), "%s/%s", dir, pats[i]);
		if (glob(pat, 0, NULL, &g) != 0)
			continue;
		for (j = 0; j < g.gl_pathc; j++)
			nfail += corpus_file(g.gl_pathv[j], &nfiles,
			    &nunsup);
		globfree(&g);
	}
	printf("%d capture files decoded, %d with unsupported link types, "
	    "%d failures\n", nfiles, nunsup, nfail);
	assert_int_equal(nfail, 0);
	if (nfiles == 0) {
		printf("SKIP-PART: test_corpus: no captures in %s/"
		    "{tcpdump-tests,captures}\n", dir);
		skip();
	}
}

static int
setup_group(void **state)
{
	(void)state;
	return mkdtemp(tmpdir) == NULL ? -1 : 0;
}

static int
teardown_group(void **state)
{
	char p[300];

	(void)state;
	snprintf(p, sizeof(p), "%s/t.pcap", tmpdir);
	unlink(p);
	snprintf(p, sizeof(p), "%s/garbage.pcap", tmpdir);
	unlink(p);
	rmdir(tmpdir);
	return 0;
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_read_count),
		cmocka_unit_test(test_snaplen),
		cmocka_unit_test(test_default_filter),
		cmocka_unit_test(test_breakloop),
		cmocka_unit_test(test_truncated_file),
		cmocka_unit_test(test_raw_formats),
		cmocka_unit_test(test_raw_records),
		cmocka_unit_test(test_big_file_and_stdin),
		cmocka_unit_test(test_open_errors),
		cmocka_unit_test(test_corpus),
	};

	return cmocka_run_group_tests(tests, setup_group, teardown_group);
}
