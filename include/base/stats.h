/*
 * stats.h - process-wide counters.
 *
 * One X-macro list so that the JSON printer, the reset and the struct
 * never drift apart.  Four kinds of failure are kept apart (STYLE.md
 * habit 3): truncated by capture, lost in reassembly, malformed per the
 * RFC, unsupported.  Each stage owns its section; add a line there.
 *
 * Threads: only the packet thread writes `stats` (plain integers, no
 * atomics).  A thread of its own keeps its counts in its own struct,
 * which the packet thread adds in before a statistics line is written
 * and at the end: the network sinks' workers (sinks_update_stats()) and
 * the VRP reloader and Redis watcher (validator_update_stats()).
 */
#ifndef ROVMON_STATS_H
#define ROVMON_STATS_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#define ROVMON_STATS(X)							\
	/* capture */							\
	X(packets)		/* frames read */			\
	X(bytes)		/* frame bytes on the wire */		\
	X(pcap_recv)		/* pcap_stats ps_recv (live) */		\
	X(pcap_drop)		/* pcap_stats ps_drop */		\
	X(pcap_ifdrop)		/* pcap_stats ps_ifdrop */		\
	/* decode_link / decode_ip / decode_tcp */			\
	X(decode_tcp)		/* TCP segments decoded */		\
	X(decode_ipv4)							\
	X(decode_ipv6)							\
	X(decode_vlan)		/* frames with >= 1 VLAN tag */		\
	X(decode_not_tcp)						\
	X(decode_fragments)	/* IPv4/IPv6 fragments seen */		\
	X(decode_truncated)	/* headers cut by snaplen */		\
	X(decode_payload_truncated) /* TCP payload cut by snaplen */	\
	X(decode_malformed)						\
	X(decode_unsupported)						\
	/* reasm */							\
	X(sessions)		/* TCP sessions opened */		\
	X(sessions_midstream)	/* picked up without a SYN */		\
	X(sessions_closed)						\
	X(sessions_timeout)						\
	X(sessions_evicted)						\
	X(reasm_bytes)		/* bytes delivered in order */		\
	X(reasm_retransmit)	/* segments entirely already seen */	\
	X(reasm_overlap)	/* segments partly already seen */	\
	X(reasm_overlap_diff)	/* overlaps whose bytes differed */	\
	X(reasm_ooo)		/* segments queued out of order */	\
	X(reasm_gaps)		/* holes skipped */			\
	X(reasm_gap_bytes)	/* bytes in those holes */		\
	X(reasm_flow_mem_limit)	/* per-flow cap forced a skip */	\
	X(reasm_total_mem_limit) /* global cap forced a skip */		\
	X(reasm_flow_limit)	/* flows refused, table full */		\
	X(reasm_before_anchor)	/* segments before the anchor, ignored */ \
	X(reasm_gap_timeout)	/* holes skipped after gap_timeout */	\
	X(reasm_gap_acked)	/* holes skipped: the peer acked past and \
				   the reorder window ran out */	\
	X(reasm_reorder_recovered) /* ACKed holes filled in the window */ \
	X(reasm_gap_late)	/* segments with bytes of a hole already \
				   skipped (the last of its direction) */ \
	X(reasm_trunc_gaps)	/* snaplen-cut payload given as a gap */ \
	X(reasm_trunc_bytes)	/* bytes in those */			\
	X(reasm_nomem)		/* segment copies that failed to allocate */ \
	/* bgp_session / framing */					\
	X(bgp_messages)							\
	X(bgp_open)							\
	X(bgp_update)							\
	X(bgp_notification)						\
	X(bgp_keepalive)						\
	X(bgp_route_refresh)						\
	X(bgp_unknown_type)						\
	X(bgp_resyncs)		/* marker searches after gap/garbage */	\
	X(bgp_resync_skipped)	/* bytes skipped while resyncing */	\
	X(bgp_bad_header)	/* marker/length/type not plausible */	\
	X(bgp_msg_across_gap)	/* partial messages dropped at gaps */	\
	X(bgp_inferred)		/* directions whose encoding was inferred */ \
	X(bgp_open_malformed)	/* OPENs whose optional params were bad */ \
	X(bgp_ext_unnegotiated)	/* > 4096 accepted, OPENs not seen */ \
	X(bgp_msg_cut_at_end)	/* messages cut short by the session's \
				   or the capture's end */ \
	/* bgp_session_role: RFC 9234 roles */				\
	X(bgp_role_mismatch)	/* sessions whose OPENs' roles do not \
				   correspond (4.2) */			\
	X(bgp_role_mismatch_notification) /* NOTIFICATIONs 2/11 Role \
				   Mismatch seen */			\
	X(bgp_role_config_disagree) /* sessions where --role disagrees \
				   with the OPENs (the OPENs win) */	\
	X(bgp_role_malformed)	/* OPENs with a Role capability of a \
				   length other than 1 or an unassigned \
				   value */				\
	/* bgp_update */						\
	X(bgp_announce)		/* routes announced */			\
	X(bgp_withdraw)		/* routes withdrawn */			\
	X(bgp_eor)							\
	X(bgp_malformed)	/* UPDATEs malformed (any action) */	\
	X(bgp_treat_as_withdraw)					\
	X(bgp_attr_discard)						\
	X(bgp_unknown_wellknown) /* UPDATEs with an unrecognised	\
				   well-known attribute (withdrawn) */ \
	X(bgp_session_reset)	/* UPDATEs a router would reset for */	\
	X(bgp_unsupported_afi)	/* MP NLRI of other AFI/SAFI skipped */	\
	/* MRT archives (feed/mrt_read.c; docs/deployment.md) */	\
	X(mrt_records)		/* MRT records read */			\
	X(mrt_skipped)		/* of those, of a type not read */	\
	X(mrt_malformed)	/* of those, whose MRT fields were bad */ \
	X(mrt_refused)		/* BGP messages bgp_session refused */	\
	X(mrt_rib_entries)	/* RIB entries (TABLE_DUMP, _V2) read */ \
	X(mrt_state_changes)	/* STATE_CHANGE records */		\
	X(mrt_attr_dropped)	/* optional attributes left out of an	\
				   entry larger than a BGP message */	\
	/* BMP streams, passive and station (feed/bmp_stream.c) */	\
	X(bmp_messages)		/* BMP messages decoded */		\
	X(bmp_refused)		/* BMP messages refused (logged) */	\
	X(bmp_old_version)	/* of those, BMP v1/v2 */		\
	X(bmp_bgp_refused)	/* BGP messages in them refused */	\
	X(bmp_resyncs)		/* boundaries found after a loss */	\
	X(bmp_skipped)		/* bytes skipped to find one */		\
	X(bmp_gap_bytes)	/* bytes the carrier lost */		\
	X(bmp_cut_at_end)	/* bytes of a message a close cut */	\
	X(bmp_peer_ups)		/* Peer Up messages */			\
	X(bmp_peer_downs)	/* Peer Down messages */		\
	/* validator */							\
	X(rpki_valid)		/* announcements judged VALID */	\
	X(rpki_invalid)							\
	X(rpki_not_found)						\
	X(vrp_count)		/* VRPs in the set in use */		\
	X(vrp_generation)	/* its generation */			\
	X(vrp_loaded)		/* when it was loaded (Unix time) */	\
	X(vrp_generated)	/* its data's build time, 0 unknown */	\
	X(vrp_swaps)		/* sets adopted */			\
	X(vrp_load_failed)	/* new sets refused (--vrps reload, URL, \
				   Redis generation): the old one stays */ \
	/* the RTR client (--vrps rtr://; 0 for other sources): state at \
	   the last statistics line */					\
	X(vrp_rtr_connected)	/* 1 while connected to the cache */	\
	X(vrp_rtr_version)	/* RTR version spoken (or tried) */	\
	X(vrp_rtr_session_id)	/* the cache's session id */		\
	X(vrp_rtr_serial)	/* serial of the data in use */		\
	X(vrp_rtr_refresh)	/* timers from the last End of Data (s) */ \
	X(vrp_rtr_retry)						\
	X(vrp_rtr_expire)						\
	X(vrp_rtr_last_update)	/* last End of Data applied (Unix time) */ \
	X(vrp_rtr_updates)	/* End of Data applied */		\
	X(vrp_rtr_resets)	/* Reset Queries sent */		\
	X(vrp_rtr_notifies)	/* Serial Notify received */		\
	X(vrp_rtr_errors)	/* sessions ended by an error */	\
	X(vrp_rtr_expired)	/* 1: no update within the expire	\
				   interval (the data is still used) */ \
	X(aspa_count)		/* ASPA objects in the set in use */	\
	X(aspa_customers)	/* distinct customer ASes among them */	\
	X(aspa_expired)		/* of those, expired (still used) at the \
				   last statistics line */		\
	X(aspa_loaded)		/* when loaded (Unix time), 0 none */	\
	X(aspa_valid)		/* paths verified ASPA valid */		\
	X(aspa_invalid)							\
	X(aspa_unknown)							\
	/* passive RTR audit (--rtr-audit; docs/rtr.md "Audit") */	\
	X(rtr_audit_sessions)	/* RTR sessions seen on the mirror */	\
	X(rtr_audit_pdus)	/* PDUs decoded from them */		\
	X(rtr_audit_malformed)	/* malformed PDUs (stream resynced) */	\
	X(rtr_audit_gaps)	/* holes in their streams */		\
	X(rtr_audit_resyncs)	/* streams synced past their start	\
				   (mid-stream pickup, after a gap) */	\
	X(rtr_audit_complete)	/* full sets completed (Reset Query	\
				   answered, End of Data) */		\
	X(rtr_audit_partial)	/* complete sets made partial (gap,	\
				   bad PDU, mid-stream) */		\
	X(rtr_audit_drift)	/* differences from the reference found */ \
	X(rtr_audit_stale)	/* routers without updates too long */	\
	/* rib */							\
	X(rib_new)		/* announcements of unstored routes */	\
	X(rib_changed)		/* origin or RPKI state changed */	\
	X(rib_path_changed)	/* only AS path / next hop changed */	\
	X(rib_same)		/* re-announced unchanged */		\
	X(rib_withdrawn)	/* stored routes withdrawn */		\
	X(rib_withdraw_absent)	/* withdrawals of unstored routes */	\
	X(rib_session_down)	/* routes dropped with their session */	\
	X(rib_revalidated)	/* state changes found by revalidation */ \
	X(rib_nomem)		/* routes not stored: no memory */	\
	/* session flaps (rib_hold.c; docs/alerts.md "Session flaps") */ \
	X(rib_held)		/* sessions held when they went down */ \
	X(rib_adopted)		/* held sessions a new session adopted */ \
	X(rib_resumed)		/* held sessions resumed (same 4-tuple) */ \
	X(rib_stale_resolved)	/* stale routes resolved (End-of-RIB	\
				   or its wait ran out) */		\
	X(rib_gone_resolved)	/* routes of held sessions that never	\
				   came back */				\
	X(rib_held_sessions)	/* gauge: sessions held now */		\
	X(rib_held_routes)	/* gauge: routes they hold */		\
	X(rib_stale_routes)	/* gauge: stale routes of adopted	\
				   sessions */				\
	X(routes_stored)	/* gauge: routes in the RIB now */	\
	X(routes_valid)		/* gauge: of those, VALID */		\
	X(routes_invalid)	/* gauge: INVALID */			\
	X(routes_not_found)	/* gauge: NOT_FOUND or not judged */	\
	X(rib_sessions)		/* gauge: sessions with routes */	\
	X(rib_bytes)		/* gauge: memory held by the RIB */	\
	/* the checkpoint (--state-dir; docs/state.md) */		\
	X(checkpoints)		/* checkpoints written */		\
	X(checkpoint_failed)	/* writes that failed (the last good	\
				   one stays) */			\
	X(checkpoint_skipped)	/* due while the last was still being	\
				   written */				\
	X(checkpoint_last)	/* when the last written was taken	\
				   (Unix time), 0 none */		\
	X(checkpoint_bytes)	/* its size */				\
	X(checkpoint_snapshot_us) /* the packet thread's part of it (the \
				   snapshot), microseconds */		\
	X(checkpoint_write_ms)	/* the writer thread's (checksum, write, \
				   fsyncs, rename), milliseconds */	\
	X(restored_sessions)	/* sessions loaded at start */		\
	X(restored_routes)	/* routes loaded at start */		\
	X(restore_gap_from)	/* the loaded checkpoint's time (Unix	\
				   time): from then until the start	\
				   nothing was seen; 0 none */		\
	X(restore_gap)		/* that gap in seconds */		\
	X(restore_refused)	/* 1: a checkpoint was refused at start	\
				   (set aside; started empty) */	\
	/* output */							\
	X(route_events)		/* lines written to the route log */	\
	X(route_reopens)	/* route log reopened (SIGHUP) */	\
	/* alert (sink*.c; totals over all sinks) */			\
	X(alerts)		/* alerts given to sinks_emit() */	\
	X(sensor_events)	/* sensor events raised (alerting_event(): \
				   rtr-drift, rtr-expired, ...) */	\
	X(alert_filtered)	/* sink skipped: above its min priority */ \
	X(alert_event_filtered)	/* rules.c: held back by a rule's	\
				   event_filter (never reached sinks) */ \
	X(alert_lines)		/* lines written by file/stdout sinks */ \
	X(alert_write_errors)	/* file lines lost (ENOSPC, EIO, ...) */ \
	X(alert_reopens)	/* files reopened (SIGHUP) */		\
	X(alert_syslog)		/* messages given to syslog(3) */	\
	X(alert_queued)		/* queued for a network sink */		\
	X(alert_queue_drops)	/* network queue full: dropped */	\
	X(alert_rate_drops)	/* over a sink's rate limit: dropped */	\
	X(alert_sent)		/* delivered by network sinks */	\
	X(alert_send_errors)	/* lost: endpoint error or timeout */ \
	/* control socket (docs/control.md) */				\
	X(control_clients)	/* connections accepted */		\
	X(control_requests)	/* requests parsed and answered */	\
	X(control_bad_requests)	/* requests refused with an error line */ \
	X(control_refused)	/* connections over the client limit */	\
	X(control_dropped)	/* clients dropped: too slow, or gone	\
				   mid-answer */

struct rovmon_stats {
#define ROVMON_STATS_FIELD(name) uint64_t name;
	ROVMON_STATS(ROVMON_STATS_FIELD)
#undef ROVMON_STATS_FIELD
};

extern struct rovmon_stats stats;

#define STAT_INC(name)		(stats.name++)
#define STAT_ADD(name, n)	(stats.name += (uint64_t)(n))

/*
 * What the statistics line carries besides the counters, known only when
 * it is written: the wall-clock time (for the VRP set's ages) and the
 * Redis watcher's state (filled by the caller from vrp_redis_status()).
 */
struct stats_redis {
	bool		 connected;	/* the watcher's subscription is up */
	char		 last_error[256];	/* "" when none yet */
	uint64_t	 generation;	/* the generation in use, 0 none */
	int64_t		 last_contact;	/* last successful read (Unix
					 * time), 0 never */
	unsigned	 retries;	/* failures since the last success */
	const char	*master;	/* Sentinel URL: "host:port" of the
					 * master in use ("" none yet); NULL
					 * otherwise (no "master" member) */
	uint64_t	 master_changes;	/* failovers followed */
};

struct stats_live {
	int64_t		 now;		/* Unix time */
	const struct stats_redis *redis;	/* NULL: no "redis" object
					 * (rovmon runs without --redis) */
	const char	*rtr_audit;	/* NULL: no "rtr_audit" member;
					 * else its JSON array, as is
					 * (rtr_audit_json(), --rtr-audit) */
	const char	*bmp_station;	/* NULL: no "bmp_station" member;
					 * else its JSON object, as is
					 * (bmp_station_json(), --bmp-listen) */
};

void	stats_reset(void);
/*
 * One JSON object on one line: every counter, then "vrp_age" and
 * "vrp_data_age" (seconds, null when unknown), then "redis" when
 * live->redis is set.  live NULL: now = time(NULL), no Redis.
 */
void	stats_write_json(FILE *, const struct stats_live *live);

#endif /* ROVMON_STATS_H */
