/*
 * reasm.h - TCP stream reassembly for both directions of every session.
 *
 * Input: decoded TCP segments in capture order.  Output: for each
 * direction of each flow, the payload bytes in sequence order, with every
 * hole that will never be filled reported explicitly as a gap, so that the
 * BGP framer never joins bytes across a hole.
 *
 * A flow is the unordered pair of endpoints.  Direction 0 is a->b, where a
 * is the client when the SYN (or SYN-ACK) was seen, otherwise the sender
 * of the first segment with payload that rovmon saw.
 *
 * The engine works in 64-bit stream offsets anchored at the first
 * sequence number seen per direction (the ISN+1 when the SYN was seen);
 * raw 32-bit sequence numbers are only compared with wrap-safe helpers.
 * Policy and limits are documented in docs/reassembly.md.
 */
#ifndef ROVMON_REASM_H
#define ROVMON_REASM_H

#include <stddef.h>
#include <stdint.h>
#include <sys/time.h>

#include "capture/packet.h"

struct flow_endpoint {
	struct ipaddr	addr;
	uint16_t	port;
};

enum reasm_close {
	REASM_CLOSE_FIN,	/* both FINs seen (or FIN + final ACK) */
	REASM_CLOSE_RST,
	REASM_CLOSE_TIMEOUT,	/* idle longer than the timeout */
	REASM_CLOSE_EVICTED,	/* no payload yet, dropped for a new flow
				 * when the table was full */
	REASM_CLOSE_END,	/* end of capture */
	REASM_CLOSE_REUSED,	/* a new SYN replaced an old session */
};

/* "TCP FIN", "TCP RST", "idle timeout", ...: static text for logs and
 * session events (the words of BGP session events since issue 2). */
const char	*reasm_close_name(enum reasm_close);

/*
 * Callbacks into the next stage.  `sess` is what session_open returned.
 * For data, `pkt` is the frame that carried those bytes (for time stamps
 * and frame numbers), also when they were queued behind a hole: then it
 * holds that frame's num, ts, wirelen and linktype, but no data (NULL,
 * caplen 0).  For gap and session_close it is the frame being processed;
 * pkt may be NULL at end of capture and in reasm_tick().
 */
struct reasm_ops {
	void	*(*session_open)(void *arg, const struct flow_endpoint *a,
		    const struct flow_endpoint *b, const struct packet *pkt);
	void	 (*data)(void *sess, int dir, const uint8_t *p, size_t n,
		    const struct packet *pkt);
	void	 (*gap)(void *sess, int dir, uint64_t nbytes,
		    const struct packet *pkt);
	void	 (*session_close)(void *sess, enum reasm_close why,
		    const struct packet *pkt);
};

struct reasm_config {
	uint32_t	idle_timeout;	/* seconds; default 600 */
	uint32_t	gap_timeout;	/* seconds to wait for a hole; default 2 */
	size_t		flow_mem;	/* out-of-order bytes per direction; default 4 MiB */
	size_t		total_mem;	/* all buffered bytes; default 256 MiB */
	uint32_t	max_flows;	/* default 65536 */
	uint32_t	embryonic_timeout; /* seconds a flow that has carried
					 * no payload lives; default 30,
					 * 0 = idle_timeout only */
	/*
	 * Reorder window of a hole the peer has ACKed (a mirror port often
	 * delivers the ACK before the data): it becomes a gap once any of
	 * these is exceeded.  reorder_ms 0 skips such holes at once.
	 */
	uint32_t	reorder_pkts;	/* more segments of the flow; default 64 */
	size_t		reorder_bytes;	/* queued in the direction; default 1 MiB */
	uint32_t	reorder_ms;	/* capture time; default 500 */
};

struct reasm;

void		 reasm_config_default(struct reasm_config *);
/* NULL on allocation failure.  Free with reasm_free(). */
struct reasm	*reasm_new(const struct reasm_config *, const struct reasm_ops *,
		    void *arg);
/* Feed one segment (pkt time drives timeouts). */
void		 reasm_segment(struct reasm *, const struct tcp_segment *);
/*
 * Live capture with no packet for a while: let the clock (wall time, the
 * same clock as live packet time stamps) reach `now` and run the timeouts
 * (holes, reorder windows, idle flows) that a packet would have run.
 * Never for files: their clock is the capture's.
 */
void		 reasm_tick(struct reasm *, const struct timeval *now);
/* End of input: deliver what is buffered (gaps reported), close all. */
void		 reasm_finish(struct reasm *, const struct packet *last);
void		 reasm_free(struct reasm *);
/* Flows open now (closed flows lingering to absorb stragglers excluded). */
size_t		 reasm_flow_count(const struct reasm *);
/* Bytes (payload plus per-segment overhead) held out of order now. */
size_t		 reasm_mem(const struct reasm *);

/*
 * libnids engine (IPv4 only, needs the handshake): runs its own capture
 * loop over `file` or `iface` with `filter`, calling the same ops.
 * Returns 0, or -1 with an error logged.  Only built with HAVE_LIBNIDS.
 */
int		 reasm_nids_run(const char *file, const char *iface,
		    const char *filter, const struct reasm_ops *, void *arg);
/* Make a running reasm_nids_run() return (pcap_breakloop; signal-safe). */
void		 reasm_nids_stop(void);

#endif /* ROVMON_REASM_H */
