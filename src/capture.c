/*
 * capture.c - libpcap, offline and live, behind capture.h.
 *
 * The loop uses pcap_next_ex() rather than pcap_loop() so that a read
 * error part way through a file can be reported with its packet number,
 * and so that capture_breakloop() also stops file reads (libpcap's own
 * break flag is only polled by live reads).
 *
 * Files are filtered here with pcap_offline_filter() rather than inside
 * libpcap, so that struct packet's num is the record's position in the
 * file, the frame number Wireshark and tcpdump -# show, even for frames
 * after ones the filter dropped.  Live captures filter in the kernel.
 *
 * Files are opened here, not by pcap_open_offline(): libpcap reads them
 * with two fread()s per record through a stdio FILE, and glibc gives a
 * FILE a 4 KiB buffer (and ignores the size in setvbuf(fp, NULL, ...)),
 * so a 92 MB full-table capture took 22,600 read(2) calls.  Our own
 * CAPTURE_FILE_BUFFER-byte buffer cuts that 32-fold.  Larger buffers
 * measured slower: the buffer should stay in L2 while libpcap copies
 * records out of it.
 *
 * Classic pcap files (the common case, and what tcpdump -w writes) are
 * then read by capture.c itself: libpcap still opens the file, checks
 * its header and supplies the link type, snapshot length and filter
 * compiler, but the records are read with pread(2) into one buffer and
 * handed out where they lie, without libpcap's two fread() calls and
 * copy per record (see "Records of classic pcap files" below).
 */
#include <sys/stat.h>

#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <pcap/pcap.h>

#include "capture.h"
#include "cursor.h"
#include "decode.h"
#include "filetype.h"
#include "log.h"
#include "packet.h"
#include "stats.h"

struct capture {
	pcap_t			*pcap;
	char			*name;		/* file or interface; owned */
	char			*filter;	/* in effect; owned */
	struct bpf_program	 prog;		/* offline filter */
	bool			 have_prog;
	int			 linktype;
	bool			 live;
	uint64_t		 num;		/* frames read so far */
	uint64_t		 file_size;	/* files: bytes, 0 if unknown */
	volatile sig_atomic_t	 stop;		/* set by capture_breakloop */
	int			 fd;		/* live: selectable fd, else -1 */
	void			(*idle)(void *);	/* see capture_set_idle */
	void			*idle_arg;
	void			*iobuf;		/* files: the FILE's buffer;
						 * owned, freed after pcap_close */
	/* Classic pcap records read here (rd_*); see rd_next(). */
	bool			 rd;		/* this reader, not libpcap's */
	bool			 rd_le;		/* file is little-endian */
	bool			 rd_nsec;	/* nanosecond time stamps */
	int			 rd_fd;		/* the FILE's descriptor; not
						 * owned (pcap_close closes it) */
	uint32_t		 rd_snap;	/* libpcap's snapshot length */
	uint8_t			*rd_buf;	/* owned */
	size_t			 rd_cap;	/* bytes allocated */
	size_t			 rd_pos;	/* next record in rd_buf */
	size_t			 rd_len;	/* bytes valid in rd_buf */
	off_t			 rd_off;	/* file offset of rd_buf[rd_len] */
	struct pcap_pkthdr	 rd_hdr;	/* the record handed out */
	char			 rd_err[PCAP_ERRBUF_SIZE];
	struct stdin_src	*in;		/* "-": the FILE's cookie; owned,
						 * freed after pcap_close */
};

/*
 * Standard input is read through a stdio cookie that keeps a copy of the
 * first bytes read: a pipe cannot be read twice, and when libpcap refuses
 * the stream they tell what it was (filetype.h).
 */
struct stdin_src {
	int		 fd;		/* owned: closed with the FILE */
	uint8_t		 head[FILETYPE_HEAD];
	size_t		 headlen;
};

#define CAPTURE_FILE_BUFFER	(128 * 1024)

/* Classic pcap file format (pcap-savefile(5)): 24-octet file header. */
#define PCAP_FILE_HDR_LEN	24
#define PCAP_REC_HDR_LEN	16
/*
 * libpcap's MAXIMUM_SNAPLEN: what max_snaplen_for_dlt() gives for every
 * link type decode_link_supported() accepts (only D-Bus, EBHSCR and
 * USBPcap differ, and capture_setup() refuses those).
 */
#define PCAP_MAX_CAPLEN		262144

/*
 * Default filters, most specific first; the first one the link type
 * compiles is used.  libpcap's "vlan" and "mpls" keywords shift the
 * offsets of everything after them, so the second "vlan" matches the
 * inner tag of QinQ, and "vlan" and "mpls" cannot share one expression:
 * Ethernet gets the VLAN form (MPLS over Ethernet needs an explicit
 * filter), PPP and Cisco HDLC the MPLS form.  The decoder copes with
 * either; the filter only decides what reaches it.  %1$u is the port.
 */
static const char *const default_filters[] = {
	"tcp port %1$u or (vlan and tcp port %1$u) or "
	    "(vlan and tcp port %1$u)",
	"tcp port %1$u or (mpls and tcp port %1$u) or "
	    "(mpls and tcp port %1$u)",
	"tcp port %1$u",
};

static struct capture *
capture_new(const char *name, bool live)
{
	struct capture *cap;

	if ((cap = calloc(1, sizeof(*cap))) == NULL) {
		log_warn("capture");
		return NULL;
	}
	cap->live = live;
	cap->fd = -1;
	if ((cap->name = strdup(strcmp(name, "-") == 0 ? "<stdin>" : name)) ==
	    NULL) {
		log_warn("capture");
		free(cap);
		return NULL;
	}
	return cap;
}

/* Compile and install one expression; 0, or -1 with *err set. */
static int
capture_try_filter(struct capture *cap, const char *expr, const char **err)
{
	struct bpf_program prog;
	bpf_u_int32 net = PCAP_NETMASK_UNKNOWN, mask;
	char errbuf[PCAP_ERRBUF_SIZE];

	/* The netmask only matters for "ip broadcast"; files have none. */
	if (cap->live && pcap_lookupnet(cap->name, &net, &mask, errbuf) == -1)
		net = PCAP_NETMASK_UNKNOWN;
	if (pcap_compile(cap->pcap, &prog, expr, 1, net) == -1) {
		*err = pcap_geterr(cap->pcap);
		return -1;
	}
	if ((cap->filter = strdup(expr)) == NULL) {
		*err = "out of memory";
		pcap_freecode(&prog);
		return -1;
	}
	if (!cap->live) {
		cap->prog = prog;	/* applied in capture_loop() */
		cap->have_prog = true;
		return 0;
	}
	if (pcap_setfilter(cap->pcap, &prog) == -1) {
		*err = pcap_geterr(cap->pcap);
		pcap_freecode(&prog);
		free(cap->filter);
		cap->filter = NULL;
		return -1;
	}
	pcap_freecode(&prog);
	return 0;
}

static int
capture_set_filter(struct capture *cap, const char *filter)
{
	char buf[256];
	const char *err = "";
	size_t i;

	if (filter != NULL && *filter == '\0') {
		if ((cap->filter = strdup("")) == NULL) {
			log_warn("capture");
			return -1;
		}
		return 0;
	}
	if (filter != NULL) {
		if (capture_try_filter(cap, filter, &err) == 0)
			return 0;
		log_warnx("%s: filter \"%s\": %s", cap->name, filter, err);
		return -1;
	}
	/*
	 * Where libpcap assumes one header layout the decoder does not, the
	 * filter would drop BGP: Juniper headers carry extensions of varying
	 * length (tcpdump's bgp-aigp.pcap, 16 bytes of them), and libpcap's
	 * Frame Relay code expects RFC 2427 NLPIDs while Cisco routers send
	 * bare EtherTypes (PacketLife's bgp_med.pcapng.cap).  Let the
	 * decoder see every frame there; both are offline-only link types.
	 */
	if (cap->linktype == DLT_JUNIPER_ETHER || cap->linktype == DLT_FRELAY)
		return capture_set_filter(cap, "");
	for (i = 0; i < sizeof(default_filters) / sizeof(default_filters[0]);
	    i++) {
		snprintf(buf, sizeof(buf), default_filters[i],
		    (unsigned)CAPTURE_DEFAULT_PORT);
		if (capture_try_filter(cap, buf, &err) == 0)
			return 0;
	}
	log_warnx("%s: default filter \"%s\": %s", cap->name, buf, err);
	return -1;
}

/* What both kinds of open do once the handle is there. */
static int
capture_setup(struct capture *cap, const char *filter)
{
	const char *ltname;

	cap->linktype = pcap_datalink(cap->pcap);
	if (!decode_link_supported(cap->linktype)) {
		ltname = pcap_datalink_val_to_name(cap->linktype);
		log_warnx("%s: link type %s (%d) is not supported", cap->name,
		    ltname != NULL ? ltname : "unknown", cap->linktype);
		return -1;
	}
	return capture_set_filter(cap, filter);
}

/*
 * Records of classic pcap files.
 *
 * pcap-savefile(5): after the 24-octet file header, each record is
 *   ts_sec (4) | ts_usec or ts_nsec (4) | caplen (4) | len (4) | caplen octets
 * in the byte order of the file's magic number.
 *
 * This reader takes over from libpcap only where it gives exactly what
 * libpcap's pcap_next_ex() would (libpcap 1.10 sf-pcap.c
 * pcap_next_packet()), byte for byte, including the error messages:
 * a named regular file (not stdin: its offset is not ours to assume)
 * whose magic is the microsecond or nanosecond one, version 2.4 or
 * later (2.3 and older may have caplen and len swapped), not byte
 * swapped relative to this host (libpcap then rewrites some link-layer
 * pseudo-headers), with a positive snapshot length.  Everything else,
 * pcapng included, stays with libpcap.
 *
 * The records are read with pread(2) from the file offset right after
 * the header (libpcap's FILE has read ahead on the same descriptor, so
 * its offset is not used) into rd_buf, and handed out where they lie.
 * Every read of the buffer goes through a cursor.
 */

/* Called once libpcap has accepted the file; fp is libpcap's FILE. */
static void
rd_start(struct capture *cap, FILE *fp)
{
	uint8_t hdr[PCAP_FILE_HDR_LEN];
	struct cursor c;
	struct stat st;
	uint32_t magic;
	int fd = fileno(fp);

	if (fd == -1 || fstat(fd, &st) == -1 || !S_ISREG(st.st_mode) ||
	    pread(fd, hdr, sizeof(hdr), 0) != (ssize_t)sizeof(hdr) ||
	    pcap_is_swapped(cap->pcap) || pcap_major_version(cap->pcap) != 2 ||
	    pcap_minor_version(cap->pcap) < 4 || pcap_snapshot(cap->pcap) <= 0)
		return;
	cursor_init(&c, hdr, sizeof(hdr));
	(void)cursor_get_u32le(&c, &magic);
	switch (magic) {
	case 0xa1b2c3d4:		/* microseconds, little-endian */
	case 0xd4c3b2a1:		/* microseconds, big-endian */
		cap->rd_nsec = false;
		break;
	case 0xa1b23c4d:		/* nanoseconds, little-endian */
	case 0x4d3cb2a1:		/* nanoseconds, big-endian */
		cap->rd_nsec = true;
		break;
	default:			/* e.g. the patched "Kuznetzov" one */
		return;
	}
	if ((cap->rd_buf = malloc(CAPTURE_FILE_BUFFER)) == NULL)
		return;			/* libpcap reads it then */
	cap->rd_le = magic == 0xa1b2c3d4 || magic == 0xa1b23c4d;
	cap->rd_cap = CAPTURE_FILE_BUFFER;
	cap->rd_fd = fd;
	cap->rd_off = PCAP_FILE_HDR_LEN;
	cap->rd_snap = (uint32_t)pcap_snapshot(cap->pcap);
	cap->rd = true;
}

/*
 * Make want bytes from rd_pos on available in rd_buf, reading on from the
 * file; returns how many are there (less only at the end of the file),
 * -1 with errno set on a read error, -2 when the buffer cannot grow.
 */
static ssize_t
rd_fill(struct capture *cap, size_t want)
{
	size_t have = cap->rd_len - cap->rd_pos, cap2;
	uint8_t *nb;
	ssize_t n;

	if (have >= want)
		return (ssize_t)want;
	if (cap->rd_pos > 0) {
		memmove(cap->rd_buf, cap->rd_buf + cap->rd_pos, have);
		cap->rd_pos = 0;
		cap->rd_len = have;
	}
	if (want > cap->rd_cap) {
		/* A record longer than the buffer: at most the maximum. */
		for (cap2 = cap->rd_cap; cap2 < want; cap2 *= 2)
			;
		if ((nb = realloc(cap->rd_buf, cap2)) == NULL)
			return -2;
		cap->rd_buf = nb;
		cap->rd_cap = cap2;
	}
	while (cap->rd_len < want) {
		n = pread(cap->rd_fd, cap->rd_buf + cap->rd_len,
		    cap->rd_cap - cap->rd_len, cap->rd_off);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1)
			return -1;
		if (n == 0)
			break;		/* end of file */
		cap->rd_len += (size_t)n;
		cap->rd_off += n;
	}
	return (ssize_t)(cap->rd_len < want ? cap->rd_len : want);
}

static int
rd_u32(struct cursor *c, bool le, uint32_t *v)
{
	return le ? cursor_get_u32le(c, v) : cursor_get_u32(c, v);
}

/* pcap_next_ex()'s results: 1 a record, PCAP_ERROR_BREAK at the end,
 * PCAP_ERROR with the reason in rd_err. */
static int
rd_next(struct capture *cap, struct pcap_pkthdr **h, const u_char **data)
{
	struct pcap_pkthdr *ph = &cap->rd_hdr;
	struct cursor c;
	uint32_t sec = 0, frac = 0, caplen = 0, len = 0;
	ssize_t got;

	if ((got = rd_fill(cap, PCAP_REC_HDR_LEN)) == -1)
		goto readerr;
	if (got == 0)
		return PCAP_ERROR_BREAK;
	if (got < PCAP_REC_HDR_LEN) {
		snprintf(cap->rd_err, sizeof(cap->rd_err), "truncated dump file; "
		    "tried to read %d header bytes, only got %zd",
		    PCAP_REC_HDR_LEN, got);
		return PCAP_ERROR;
	}
	/* c holds the 16 octets of the record header: these cannot fail. */
	cursor_init(&c, cap->rd_buf + cap->rd_pos, PCAP_REC_HDR_LEN);
	(void)rd_u32(&c, cap->rd_le, &sec);
	(void)rd_u32(&c, cap->rd_le, &frac);
	(void)rd_u32(&c, cap->rd_le, &caplen);
	(void)rd_u32(&c, cap->rd_le, &len);
	/* As libpcap: 32-bit signed fields, nanoseconds scaled down. */
	ph->ts.tv_sec = (int32_t)sec;
	ph->ts.tv_usec = (int32_t)frac;
	if (cap->rd_nsec)
		ph->ts.tv_usec /= 1000;
	ph->len = len;
	if (caplen > PCAP_MAX_CAPLEN) {
		if (caplen > cap->rd_snap)
			snprintf(cap->rd_err, sizeof(cap->rd_err),
			    "invalid packet capture length %u, bigger than "
			    "snaplen of %d", caplen, (int)cap->rd_snap);
		else
			snprintf(cap->rd_err, sizeof(cap->rd_err),
			    "invalid packet capture length %u, bigger than "
			    "maximum of %u", caplen, (unsigned)PCAP_MAX_CAPLEN);
		return PCAP_ERROR;
	}
	if ((got = rd_fill(cap, PCAP_REC_HDR_LEN + (size_t)caplen)) == -2) {
		snprintf(cap->rd_err, sizeof(cap->rd_err), "out of memory");
		return PCAP_ERROR;	/* libpcap's words when it cannot grow */
	}
	if (got == -1)
		goto readerr;
	got -= PCAP_REC_HDR_LEN;
	if ((size_t)got < caplen) {
		/* libpcap reads up to the snapshot length first. */
		snprintf(cap->rd_err, sizeof(cap->rd_err), "truncated dump "
		    "file; tried to read %u captured bytes, only got %zd",
		    caplen > cap->rd_snap && (size_t)got < cap->rd_snap ?
		    cap->rd_snap : caplen, got);
		return PCAP_ERROR;
	}
	/* Longer than the snapshot length: cut, the rest is skipped. */
	ph->caplen = caplen > cap->rd_snap ? cap->rd_snap : caplen;
	*h = ph;
	*data = cap->rd_buf + cap->rd_pos + PCAP_REC_HDR_LEN;
	cap->rd_pos += PCAP_REC_HDR_LEN + (size_t)caplen;
	return 1;
readerr:
	snprintf(cap->rd_err, sizeof(cap->rd_err), "error reading dump file: %s",
	    strerror(errno));
	return PCAP_ERROR;
}

static ssize_t
stdin_read(void *cookie, char *buf, size_t size)
{
	struct stdin_src *in = cookie;
	ssize_t n;
	size_t keep;

	if ((n = read(in->fd, buf, size)) > 0 &&
	    in->headlen < sizeof(in->head)) {
		keep = sizeof(in->head) - in->headlen;
		if (keep > (size_t)n)
			keep = (size_t)n;
		memcpy(in->head + in->headlen, buf, keep);
		in->headlen += keep;
	}
	return n;
}

static int
stdin_close(void *cookie)
{
	struct stdin_src *in = cookie;

	return close(in->fd);
}

/*
 * Open path ("-" = stdin) for libpcap with a large stdio buffer.  stdin is
 * read through a FILE of our own on a duplicate descriptor (struct
 * stdin_src), so that pcap_close() can fclose() it and the buffer can be
 * freed after it.  NULL with errno set on failure.
 */
static FILE *
capture_fopen(struct capture *cap, const char *path)
{
	static const cookie_io_functions_t io = { stdin_read, NULL, NULL,
	    stdin_close };
	FILE *fp;
	int saved;

	if (strcmp(path, "-") == 0) {
		if ((cap->in = calloc(1, sizeof(*cap->in))) == NULL)
			return NULL;
		if ((cap->in->fd = dup(STDIN_FILENO)) == -1)
			return NULL;
		if ((fp = fopencookie(cap->in, "rb", io)) == NULL) {
			saved = errno;
			close(cap->in->fd);
			errno = saved;
			return NULL;
		}
	} else if ((fp = fopen(path, "rb")) == NULL)
		return NULL;
	/* Without the buffer, stdio's own small one still works. */
	if ((cap->iobuf = malloc(CAPTURE_FILE_BUFFER)) != NULL &&
	    setvbuf(fp, cap->iobuf, _IOFBF, CAPTURE_FILE_BUFFER) != 0) {
		free(cap->iobuf);
		cap->iobuf = NULL;
	}
	return fp;
}

/*
 * libpcap refused fp: say what it is if filetype.h knows (NULL if not).
 * The first bytes come from the file itself, or for stdin from the copy
 * its cookie kept.
 */
static const char *
explain(struct capture *cap, FILE *fp, const char *path, char *buf,
    size_t len)
{
	uint8_t head[FILETYPE_HEAD];
	ssize_t n;

	if (cap->in != NULL)
		return filetype_explain(cap->in->head, cap->in->headlen,
		    "FILE", buf, len);
	if ((n = pread(fileno(fp), head, sizeof(head), 0)) <= 0)
		return NULL;
	return filetype_explain(head, (size_t)n, path, buf, len);
}

struct capture *
capture_open_offline(const char *path, const char *filter)
{
	char errbuf[PCAP_ERRBUF_SIZE], hint[512];
	struct capture *cap;
	const char *what;
	struct stat st;
	FILE *fp;

	if ((cap = capture_new(path, false)) == NULL)
		return NULL;
	errbuf[0] = '\0';
	if ((fp = capture_fopen(cap, path)) == NULL) {
		/* The words libpcap's own fopen() failure gives. */
		log_warnx("cannot read capture: %s: %s", cap->name,
		    strerror(errno));
		goto fail;
	}
	if (fstat(fileno(fp), &st) == 0 && S_ISREG(st.st_mode))
		cap->file_size = (uint64_t)st.st_size;
	/* libpcap reads pcap and pcapng alike; it fcloses fp from now on. */
	if ((cap->pcap = pcap_fopen_offline(fp, errbuf)) == NULL) {
		what = explain(cap, fp, path, hint, sizeof(hint));
		fclose(fp);
		/* libpcap's message often names the file already. */
		if (what != NULL)
			log_warnx("%s: cannot read capture: %s", cap->name, what);
		else if (strstr(errbuf, path) != NULL)
			log_warnx("cannot read capture: %s", errbuf);
		else
			log_warnx("%s: cannot read capture: %s", cap->name,
			    errbuf);
		goto fail;
	}
	if (capture_setup(cap, filter) == -1)
		goto fail;
	if (strcmp(path, "-") != 0)
		rd_start(cap, fp);
	return cap;
fail:
	capture_close(cap);
	return NULL;
}

/*
 * Time stamps come from the file and are as untrusted as its packets: a
 * corrupt record header can claim year 500,000.  Clamp them into 1970 ..
 * 9999 so that every later use (timeouts in microseconds, ISO 8601 text)
 * stays in range.
 */
#define TS_MAX_SEC	253402300799LL	/* 9999-12-31T23:59:59Z */

static void
sane_time(struct timeval *tv)
{
	if (tv->tv_sec < 0)
		tv->tv_sec = 0;
	else if ((long long)tv->tv_sec > TS_MAX_SEC)
		tv->tv_sec = (time_t)TS_MAX_SEC;
	if (tv->tv_usec < 0 || tv->tv_usec > 999999)
		tv->tv_usec = 0;
}

/* pcap_activate() results: <0 failed, >0 started with a warning. */
static int
capture_activate(struct capture *cap)
{
	const char *detail;
	int rc;

	rc = pcap_activate(cap->pcap);
	detail = pcap_geterr(cap->pcap);
	if (detail == NULL || strcmp(detail, pcap_statustostr(rc)) == 0)
		detail = "";
	if (rc < 0) {
		log_warnx("%s: cannot capture: %s%s%s%s", cap->name,
		    pcap_statustostr(rc), *detail != '\0' ? " (" : "", detail,
		    *detail != '\0' ? ")" : "");
		if (rc == PCAP_ERROR_PERM_DENIED ||
		    rc == PCAP_ERROR_PROMISC_PERM_DENIED)
			log_warnx("%s: live capture needs root or CAP_NET_RAW",
			    cap->name);
		return -1;
	}
	if (rc > 0)
		log_warnx("%s: warning: %s%s%s%s", cap->name,
		    pcap_statustostr(rc), *detail != '\0' ? " (" : "", detail,
		    *detail != '\0' ? ")" : "");
	return 0;
}

struct capture *
capture_open_live(const char *iface, const char *filter, size_t bufsize)
{
	char errbuf[PCAP_ERRBUF_SIZE];
	struct capture *cap;

	if ((cap = capture_new(iface, true)) == NULL)
		return NULL;
	errbuf[0] = '\0';
	if ((cap->pcap = pcap_create(iface, errbuf)) == NULL) {
		log_warnx("%s: cannot capture: %s", iface, errbuf);
		goto fail;
	}
	/*
	 * Immediate mode off with a short timeout: the kernel batches
	 * frames into the ring (cheap at high rates) and a quiet link still
	 * returns to the loop often enough to notice capture_breakloop().
	 */
	if (pcap_set_snaplen(cap->pcap, CAPTURE_SNAPLEN) != 0 ||
	    (strcmp(iface, "any") != 0 && pcap_set_promisc(cap->pcap, 1) != 0) ||
	    pcap_set_buffer_size(cap->pcap, bufsize > 0 && bufsize < INT_MAX ?
	    (int)bufsize : CAPTURE_BUFFER_SIZE) != 0 ||
	    pcap_set_immediate_mode(cap->pcap, 0) != 0 ||
	    pcap_set_timeout(cap->pcap, CAPTURE_TIMEOUT_MS) != 0) {
		log_warnx("%s: cannot set capture options", iface);
		goto fail;
	}
	if (capture_activate(cap) == -1 || capture_setup(cap, filter) == -1)
		goto fail;
	/*
	 * Non-blocking reads plus our own poll(): with TPACKET_V3 a quiet
	 * link can keep pcap_next_ex() blocked far past the buffer timeout,
	 * and the idle work (flushing logs, signals, VRP swaps) must run.
	 */
	if (pcap_setnonblock(cap->pcap, 1, errbuf) == -1 ||
	    (cap->fd = pcap_get_selectable_fd(cap->pcap)) == -1) {
		log_warnx("%s: cannot poll the capture: %s", iface, errbuf);
		goto fail;
	}
	return cap;
fail:
	capture_close(cap);
	return NULL;
}

int
capture_loop(struct capture *cap, long count,
    void (*cb)(void *, const struct packet *), void *arg)
{
	struct pcap_pkthdr *h;
	const u_char *data;
	struct packet pkt;
	long n = 0;
	int rc;

	while (!cap->stop && (count <= 0 || n < count)) {
		if (cap->rd)
			rc = rd_next(cap, &h, &data);
		else
			rc = pcap_next_ex(cap->pcap, &h, &data);
		if (rc == 0) {			/* live: no frame ready */
			struct pollfd pfd = { .fd = cap->fd, .events = POLLIN };

			if (cap->idle != NULL)
				cap->idle(cap->idle_arg);
			if (cap->fd != -1)
				(void)poll(&pfd, 1, CAPTURE_TIMEOUT_MS);
			continue;
		}
		if (rc == PCAP_ERROR_BREAK)
			return 0;		/* end of file, or breakloop */
		if (rc != 1) {
			log_warnx("%s: packet %" PRIu64 ": %s", cap->name,
			    cap->num + 1, cap->rd ? cap->rd_err :
			    pcap_geterr(cap->pcap));
			return -1;
		}
		cap->num++;
		if (cap->have_prog &&
		    pcap_offline_filter(&cap->prog, h, data) == 0)
			continue;
		n++;
		memset(&pkt, 0, sizeof(pkt));
		pkt.num = cap->num;
		pkt.ts = h->ts;
		sane_time(&pkt.ts);
		pkt.linktype = cap->linktype;
		pkt.data = data;
		pkt.caplen = h->caplen;
		pkt.wirelen = h->len;
		STAT_INC(packets);
		STAT_ADD(bytes, h->len);
		cb(arg, &pkt);
	}
	return 0;
}

void
capture_set_idle(struct capture *cap, void (*idle)(void *), void *arg)
{
	cap->idle = idle;
	cap->idle_arg = arg;
}

void
capture_breakloop(struct capture *cap)
{
	if (cap == NULL)
		return;
	cap->stop = 1;
	pcap_breakloop(cap->pcap);
}

int
capture_stats(struct capture *cap)
{
	struct pcap_stat ps;

	if (cap == NULL || !cap->live)
		return 0;
	if (pcap_stats(cap->pcap, &ps) == -1) {
		log_warnx("%s: pcap_stats: %s", cap->name,
		    pcap_geterr(cap->pcap));
		return -1;
	}
	/* Totals since open, so assign rather than add. */
	stats.pcap_recv = ps.ps_recv;
	stats.pcap_drop = ps.ps_drop;
	stats.pcap_ifdrop = ps.ps_ifdrop;
	return 0;
}

int
capture_linktype(const struct capture *cap)
{
	return cap->linktype;
}

const char *
capture_name(const struct capture *cap)
{
	return cap->name;
}

/*
 * tcpdump 4.99's words (tcpdump.c), so that a person who knows one knows
 * the other; the link-type names are libpcap's.
 */
void
capture_describe(const struct capture *cap, char *buf, size_t len)
{
	const char *name = pcap_datalink_val_to_name(cap->linktype);
	const char *desc = pcap_datalink_val_to_description(cap->linktype);
	char lt[128];

	if (name != NULL)
		snprintf(lt, sizeof(lt), "%s (%s)", name,
		    desc != NULL ? desc : "?");
	else
		snprintf(lt, sizeof(lt), "%d", cap->linktype);
	if (cap->live)
		snprintf(buf, len, "listening on %s, link-type %s, snapshot "
		    "length %d bytes", cap->name, lt, pcap_snapshot(cap->pcap));
	else	/* tcpdump -r - says "-" */
		snprintf(buf, len, "reading from file %s, link-type %s, "
		    "snapshot length %d", strcmp(cap->name, "<stdin>") == 0 ?
		    "-" : cap->name, lt, pcap_snapshot(cap->pcap));
}

int
capture_position(const struct capture *cap, uint64_t *pos, uint64_t *size)
{
	FILE *fp;
	long off;

	*pos = *size = 0;
	if (cap->live || cap->pcap == NULL)
		return -1;
	if (cap->rd)
		*pos = (uint64_t)cap->rd_off - (cap->rd_len - cap->rd_pos);
	else if ((fp = pcap_file(cap->pcap)) != NULL &&
	    (off = ftell(fp)) >= 0)
		*pos = (uint64_t)off;
	*size = cap->file_size;
	return 0;
}

const char *
capture_filter(const struct capture *cap)
{
	return cap->filter != NULL ? cap->filter : "";
}

void
capture_close(struct capture *cap)
{
	if (cap == NULL)
		return;
	if (cap->have_prog)
		pcap_freecode(&cap->prog);
	if (cap->pcap != NULL)
		pcap_close(cap->pcap);	/* fcloses a file before its buffer goes */
	free(cap->iobuf);
	free(cap->in);
	free(cap->rd_buf);
	free(cap->filter);
	free(cap->name);
	free(cap);
}
