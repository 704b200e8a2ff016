/*
 * capture.c - libpcap, offline and live, behind capture.h: the handle,
 * the BPF filter, live interfaces, the read loop and the accessors.
 * Opening files and stdin, and the reader of classic pcap records, are
 * in capture_file.c.
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
 */
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

#include "capture/capture.h"
#include "capture/capture_internal.h"
#include "capture/decode.h"
#include "base/log.h"
#include "capture/packet.h"
#include "base/stats.h"

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
	"%1$s or (vlan and %1$s) or (vlan and %1$s)",
	"%1$s or (mpls and %1$s) or (mpls and %1$s)",
	"%1$s",
};

/* capture_default_ports(): the ports besides 179 (RTR, --rtr-audit). */
static uint16_t	extra_ports[CAPTURE_MAX_PORTS];
static size_t	nextra_ports;

void
capture_default_ports(const uint16_t *ports, size_t n)
{
	size_t i;

	nextra_ports = 0;
	for (i = 0; i < n && nextra_ports < CAPTURE_MAX_PORTS; i++)
		if (ports[i] != CAPTURE_DEFAULT_PORT)
			extra_ports[nextra_ports++] = ports[i];
}

/* "tcp port 179", or "(tcp port 179 or tcp port 323 or ...)". */
static void
port_expr(char *buf, size_t len)
{
	size_t i, off;
	int n;

	if (nextra_ports == 0) {
		snprintf(buf, len, "tcp port %u",
		    (unsigned)CAPTURE_DEFAULT_PORT);
		return;
	}
	n = snprintf(buf, len, "(tcp port %u", (unsigned)CAPTURE_DEFAULT_PORT);
	off = n > 0 ? (size_t)n : 0;
	for (i = 0; i < nextra_ports && off < len; i++) {
		n = snprintf(buf + off, len - off, " or tcp port %u",
		    (unsigned)extra_ports[i]);
		off += n > 0 ? (size_t)n : 0;
	}
	if (off < len)
		snprintf(buf + off, len - off, ")");
}

struct capture *
capture_new(const char *name, bool live)
{
	struct capture *cap;

	if ((cap = calloc(1, sizeof(*cap))) == NULL) {
		log_warn("capture");
		return NULL;
	}
	cap->live = live;
	cap->fd = -1;
	cap->wakeup_fd = -1;
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
	char buf[2048], ports[320];
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
		port_expr(ports, sizeof(ports));
		snprintf(buf, sizeof(buf), default_filters[i], ports);
		if (capture_try_filter(cap, buf, &err) == 0)
			return 0;
	}
	log_warnx("%s: default filter \"%s\": %s", cap->name, buf, err);
	return -1;
}

/* What both kinds of open do once the handle is there. */
int
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
capture_open_live(const char *iface, const char *filter, size_t bufsize,
    int timeout_ms)
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
	 * A shorter block timeout (or immediate mode, which libpcap serves
	 * with TPACKET_V2) trades drops in bursts for latency on a quiet
	 * link: the operator's choice (--buffer-timeout, --immediate-mode).
	 */
	if (pcap_set_snaplen(cap->pcap, CAPTURE_SNAPLEN) != 0 ||
	    (strcmp(iface, "any") != 0 && pcap_set_promisc(cap->pcap, 1) != 0) ||
	    pcap_set_buffer_size(cap->pcap, bufsize > 0 && bufsize < INT_MAX ?
	    (int)bufsize : CAPTURE_BUFFER_SIZE) != 0 ||
	    pcap_set_immediate_mode(cap->pcap, timeout_ms == 0) != 0 ||
	    pcap_set_timeout(cap->pcap, timeout_ms > 0 ? timeout_ms :
	    CAPTURE_TIMEOUT_MS) != 0) {
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
			rc = capture_rd_next(cap, &h, &data);
		else
			rc = pcap_next_ex(cap->pcap, &h, &data);
		if (rc == 0) {			/* live: no frame ready */
			struct pollfd pfd[2] = {
				{ .fd = cap->fd, .events = POLLIN },
				{ .fd = cap->wakeup_fd, .events = POLLIN },
			};
			uint64_t v;

			if (cap->idle != NULL)
				cap->idle(cap->idle_arg);
			if (cap->fd != -1 && poll(pfd, cap->wakeup_fd != -1 ?
			    2 : 1, CAPTURE_TIMEOUT_MS) > 0 &&
			    (pfd[1].revents & POLLIN))
				(void)!read(cap->wakeup_fd, &v, sizeof(v));
			continue;
		}
		if (rc == PCAP_ERROR_BREAK && capture_stream_error(cap) != NULL) {
			/* a compressed stream cut where a record ended */
			log_warnx("%s: after packet %" PRIu64 ": %s", cap->name,
			    cap->num, capture_stream_error(cap));
			return -1;
		}
		if (rc == PCAP_ERROR_BREAK)
			return 0;		/* end of file, or breakloop */
		if (rc != 1) {
			log_warnx("%s: packet %" PRIu64 ": %s%s%s", cap->name,
			    cap->num + 1, cap->rd ? cap->rd_err :
			    pcap_geterr(cap->pcap), capture_stream_error(cap) !=
			    NULL ? ": " : "", capture_stream_error(cap) != NULL ?
			    capture_stream_error(cap) : "");
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
capture_set_wakeup(struct capture *cap, int fd)
{
	cap->wakeup_fd = fd;
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