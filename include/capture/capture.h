/*
 * capture.h - a thin libpcap wrapper: files (pcap, pcapng, "-" = stdin)
 * and live interfaces, one BPF filter, frames handed out as struct packet.
 *
 * Ownership: capture_open_*() return a struct capture owned by the caller
 * and freed with capture_close() (NULL-safe).  The struct packet and the
 * bytes it points to belong to libpcap and live only for one callback.
 *
 * Errors are reported here, once, as one line on stderr naming the file
 * or interface (and the packet number for errors part way through a
 * file); callers only look at the return value.
 */
#ifndef ROVMON_CAPTURE_H
#define ROVMON_CAPTURE_H

#include <stddef.h>
#include <stdint.h>

#include "capture/packet.h"

struct capture;

/* BGP's well-known TCP port (RFC 4271), used by the default filter. */
#define CAPTURE_DEFAULT_PORT	179
/* Live captures: 64 KiB BGP messages (RFC 8654) plus headers must fit. */
#define CAPTURE_SNAPLEN		262144
/* The kernel ring's default size (-B): a full-table burst at line rate
 * must fit while rovmon catches up (docs/performance.md). */
#define CAPTURE_BUFFER_SIZE	(64 * 1024 * 1024)
#define CAPTURE_TIMEOUT_MS	100

/*
 * filter is a BPF expression ("" = every frame).  NULL selects TCP port
 * 179 including, where the link type allows, frames behind one or two
 * VLAN tags (Ethernet) or MPLS labels (PPP, Cisco HDLC), which a plain
 * "tcp port 179" does not match in files.  The link type is checked
 * against decode_link_supported() at open.  NULL on error (reported).
 */
struct capture	*capture_open_offline(const char *path, const char *filter);
/*
 * The same over z (base/zread.h: a compressed file, or standard input
 * whose first bytes were looked at), which the capture takes (also on
 * failure).  path names it ("-" standard input).  Records are read by
 * libpcap through a stdio cookie.
 */
struct zread;
struct capture	*capture_open_zread(struct zread *z, const char *path,
		    const char *filter);
/* Why a compressed stream ended before its file did (zread_error()),
 * or NULL. */
const char	*capture_stream_error(const struct capture *);
/*
 * More TCP ports for the default filter (NULL filter), besides 179:
 * --rtr-audit's RTR ports.  Process-wide, set before opening; at most
 * CAPTURE_MAX_PORTS.  A filter given explicitly is used as it is: it
 * must pass those ports itself (docs/rtr.md, "Audit").
 */
#define CAPTURE_MAX_PORTS	16
void		 capture_default_ports(const uint16_t *ports, size_t n);
/*
 * Promiscuous, CAPTURE_SNAPLEN, a kernel buffer of bufsize bytes (0:
 * CAPTURE_BUFFER_SIZE).  timeout_ms: how long the kernel may hold frames
 * in a block before handing it over (-1: CAPTURE_TIMEOUT_MS; 0:
 * immediate mode, each frame at once).  On a quiet link this is the
 * latency from a frame to rovmon (docs/performance.md, "Time to alert");
 * the idle poll stays at CAPTURE_TIMEOUT_MS.  NULL on error.
 */
struct capture	*capture_open_live(const char *iface, const char *filter,
		    size_t bufsize, int timeout_ms);

/*
 * Read frames and call cb for each one the filter passes, until end of
 * file, count such frames (count <= 0: no limit), or capture_breakloop().
 * In files, pkt->num is the record's 1-based position in the file (as
 * tcpdump -# and Wireshark number it), filtered records included; live,
 * it counts the frames the kernel filter passed.  Counts stats.packets
 * and stats.bytes for the frames handed to cb.  0 on a clean end, -1 on a
 * read error (reported with the packet number; the frames before it were
 * delivered).  May be called again to continue.
 */
int		 capture_loop(struct capture *, long count,
		    void (*cb)(void *arg, const struct packet *), void *arg);
/*
 * Live captures: call idle(arg) from capture_loop() whenever a read timed
 * out with no frame (every CAPTURE_TIMEOUT_MS on a quiet link), so work
 * that must not wait for traffic (signals, VRP swaps) still happens.
 */
void		 capture_set_idle(struct capture *, void (*idle)(void *),
		    void *arg);
/*
 * Live captures: also wake up when fd (an eventfd, read here) becomes
 * readable, and call idle(arg) then, so that work another thread hands
 * over (the control socket's requests) waits for no frame and no
 * CAPTURE_TIMEOUT_MS.  -1: none.
 */
void		 capture_set_wakeup(struct capture *, int fd);
/* Make capture_loop() return soon.  Async-signal-safe; NULL-safe. */
void		 capture_breakloop(struct capture *);
/* Live: copy pcap_stats() into stats.pcap_*.  Files: no-op.  0 or -1. */
int		 capture_stats(struct capture *);
/* The link type (pcap DLT_*) and the name given at open. */
int		 capture_linktype(const struct capture *);
const char	*capture_name(const struct capture *);
/*
 * The line tcpdump starts with, without a newline: "reading from file F,
 * link-type EN10MB (Ethernet), snapshot length 262144" or "listening on
 * IFACE, link-type EN10MB (Ethernet), snapshot length 262144 bytes".
 */
void		 capture_describe(const struct capture *, char *buf,
		    size_t len);
/*
 * Files: the offset of the next record and the file's size (0 when not
 * a regular file, e.g. a pipe), for progress.  -1 for live captures.
 */
int		 capture_position(const struct capture *, uint64_t *pos,
		    uint64_t *size);
/* The filter in effect ("" when none); valid until capture_close(). */
const char	*capture_filter(const struct capture *);
void		 capture_close(struct capture *);

#endif /* ROVMON_CAPTURE_H */
