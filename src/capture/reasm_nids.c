/*
 * reasm_nids.c - the libnids reference engine (--engine=libnids).
 *
 * libnids emulates the Linux 2.0 TCP stack of the receiver, so what it
 * hands over is what the endpoints' TCP delivered: it is the oracle for
 * the differential test against rovmon's own engine.  Its limits are the
 * reason it is not the default: IPv4 only, only sessions whose three-way
 * handshake was captured (no mid-stream pickup), no gap reporting (a hole
 * that never fills stalls the direction), and one global state, so only
 * one run at a time.
 *
 * We open the capture ourselves and feed libnids frame by frame through
 * nids_pcap_handler(), which lets us count frames: struct packet's num is
 * then the same 1-based frame number the native engine reports.
 *
 * Mapping (libnids names the halves by receiver): direction 0 is
 * client->server, i.e. the bytes arriving in the server half;
 * NIDS_CLOSE -> REASM_CLOSE_FIN, NIDS_RESET -> RST, NIDS_TIMED_OUT ->
 * TIMEOUT, NIDS_EXITING (end of input) -> END.
 */
#ifdef HAVE_LIBNIDS

#include <sys/types.h>
#include <netinet/in.h>

#include <nids.h>
#include <pcap.h>
#include <stdint.h>
#include <string.h>

#include "base/log.h"
#include "capture/reasm.h"
#include "base/stats.h"

/* libnids is one global state machine; so is this adapter. */
static struct {
	const struct reasm_ops *ops;
	void		*arg;
	pcap_t		*pcap;
	int		 linktype;
	uint64_t	 frames;
	struct pcap_pkthdr hdr;		/* nids_last_pcap_header points here */
	struct packet	 pkt;
} nr;

/* Captures often carry offloaded (wrong) checksums: verify none. */
static struct nids_chksum_ctl nr_nochksum[] = {
	{ 0, 0, NIDS_DONT_CHKSUM, 0 },
};

/* The frame libnids is processing, for time stamps and frame numbers. */
static const struct packet *
nr_packet(void)
{
	const struct pcap_pkthdr *hdr = nids_last_pcap_header;

	memset(&nr.pkt, 0, sizeof(nr.pkt));
	nr.pkt.num = nr.frames;
	nr.pkt.linktype = nr.linktype;
	if (hdr != NULL) {
		nr.pkt.ts = hdr->ts;
		nr.pkt.caplen = hdr->caplen;
		nr.pkt.wirelen = hdr->len;
		nr.pkt.data = nids_last_pcap_data;
	}
	return &nr.pkt;
}

static void
nr_endpoint(struct flow_endpoint *ep, u_int addr, u_short port)
{
	memset(ep, 0, sizeof(*ep));
	ep->addr.family = ADDR_V4;
	memcpy(ep->addr.a, &addr, 4);	/* tuple4 keeps network order */
	ep->port = port;
}

static void
nr_close(struct tcp_stream *ts, enum reasm_close why,
    const struct packet *pkt)
{
	nr.ops->session_close(ts->user, why, pkt);
	ts->user = NULL;
	STAT_INC(sessions_closed);
	if (why == REASM_CLOSE_TIMEOUT)
		STAT_INC(sessions_timeout);
}

static void
nr_data(struct tcp_stream *ts, struct half_stream *hs, int dir,
    const struct packet *pkt)
{
	if (hs->count_new <= 0)
		return;
	nr.ops->data(ts->user, dir, (const uint8_t *)hs->data,
	    (size_t)hs->count_new, pkt);
	STAT_ADD(reasm_bytes, hs->count_new);
}

static void
nr_tcp(struct tcp_stream *ts, void **unused)
{
	const struct packet *pkt;
	struct flow_endpoint a, b;

	(void)unused;
	/* At exit no frame is being processed: pkt is NULL, as reasm.h
	 * allows at end of capture. */
	pkt = ts->nids_state == NIDS_EXITING ? NULL : nr_packet();
	switch (ts->nids_state) {
	case NIDS_JUST_EST:
		ts->client.collect++;
		ts->server.collect++;
		nr_endpoint(&a, ts->addr.saddr, ts->addr.source);
		nr_endpoint(&b, ts->addr.daddr, ts->addr.dest);
		ts->user = nr.ops->session_open(nr.arg, &a, &b, pkt);
		STAT_INC(sessions);
		break;
	case NIDS_DATA:
		nr_data(ts, &ts->server, 0, pkt);
		nr_data(ts, &ts->client, 1, pkt);
		break;
	case NIDS_CLOSE:
		nr_close(ts, REASM_CLOSE_FIN, pkt);
		break;
	case NIDS_RESET:
		nr_close(ts, REASM_CLOSE_RST, pkt);
		break;
	case NIDS_TIMED_OUT:
		nr_close(ts, REASM_CLOSE_TIMEOUT, pkt);
		break;
	case NIDS_EXITING:
		nr_close(ts, REASM_CLOSE_END, NULL);
		break;
	default:
		break;
	}
}

/* libnids' warnings (bad flags, oversized packets) are debug chatter. */
static void
nr_syslog(int type, int err, struct ip *iph, void *data)
{
	(void)iph;
	(void)data;
	log_debug("libnids: warning type %d: %s", type,
	    err >= 0 && err <= NIDS_WARN_TCP_BADFLAGS ?
	    nids_warnings[err] : "?");
}

static void
nr_frame(u_char *user, const struct pcap_pkthdr *hdr, const u_char *data)
{
	nr.frames++;
	nr.hdr = *hdr;
	/* libnids' handler is not const-correct; it does not write. */
	nids_pcap_handler(user, &nr.hdr, (u_char *)(uintptr_t)data);
}

static pcap_t *
nr_open(const char *file, const char *iface)
{
	char errbuf[PCAP_ERRBUF_SIZE];
	pcap_t *p;

	errbuf[0] = '\0';
	if (file != NULL)
		p = pcap_open_offline(file, errbuf);
	else if (iface != NULL)
		p = pcap_open_live(iface, 65535, 1, 1000, errbuf);
	else {
		log_warnx("libnids engine: no file or interface");
		return NULL;
	}
	if (p == NULL)
		log_warnx("libnids engine: %s: %s",
		    file != NULL ? file : iface, errbuf);
	return p;
}

int
reasm_nids_run(const char *file, const char *iface, const char *filter,
    const struct reasm_ops *ops, void *arg)
{
	struct bpf_program prog;
	int rc = 0;

	memset(&nr, 0, sizeof(nr));
	nr.ops = ops;
	nr.arg = arg;
	if ((nr.pcap = nr_open(file, iface)) == NULL)
		return -1;
	nr.linktype = pcap_datalink(nr.pcap);
	nids_params.pcap_desc = nr.pcap;
	nids_params.filename = NULL;
	nids_params.device = NULL;
	/*
	 * The filter is ours to set, not nids_params.pcap_filter's: nids_init()
	 * compiles that one and never frees the program (a leak on every run,
	 * which LeakSanitizer reports).  On our pcap_t it filters the same.
	 */
	nids_params.pcap_filter = NULL;
	if (filter != NULL) {
		if (pcap_compile(nr.pcap, &prog, filter, 1,
		    PCAP_NETMASK_UNKNOWN) == -1)
			rc = -1;
		else {
			rc = pcap_setfilter(nr.pcap, &prog);
			pcap_freecode(&prog);
		}
		if (rc == -1) {
			log_warnx("libnids engine: filter \"%s\": %s", filter,
			    pcap_geterr(nr.pcap));
			pcap_close(nr.pcap);
			return -1;
		}
	}
	nids_params.scan_num_hosts = 0;		/* no port-scan detector */
	nids_params.n_tcp_streams = 1 << 16;
	nids_params.syslog = nr_syslog;
	nids_register_chksum_ctl(nr_nochksum, 1);
	if (!nids_init()) {
		log_warnx("libnids engine: nids_init: %s", nids_errbuf);
		pcap_close(nr.pcap);
		nids_params.pcap_desc = NULL;
		return -1;
	}
	nids_register_tcp((void *)nr_tcp);
	if (pcap_loop(nr.pcap, -1, nr_frame, NULL) == -1) {
		log_warnx("libnids engine: %s", pcap_geterr(nr.pcap));
		rc = -1;
	}
	/* Closes every stream still open with NIDS_EXITING. */
	nids_exit();
	pcap_close(nr.pcap);
	nids_params.pcap_desc = NULL;
	nr.pcap = NULL;
	return rc;
}

void
reasm_nids_stop(void)
{
	if (nr.pcap != NULL)
		pcap_breakloop(nr.pcap);
}

#endif /* HAVE_LIBNIDS */
