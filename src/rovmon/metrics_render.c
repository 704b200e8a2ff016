/*
 * metrics_render.c - a struct metrics_snapshot as Prometheus text
 * (exposition format 0.0.4): per family one "# HELP", one "# TYPE",
 * then its samples; counters end in _total, units are base units
 * (_seconds, _bytes).  Every family and label is listed in
 * docs/metrics.md; a new one goes there too.
 *
 * Most families are a field of the statistics (stats.h), so they are a
 * table: name, type, help, and one field per label value.  The rest
 * (RIB tallies, senders, sinks, ages) are written by hand below.
 * Label values are addresses, numbers and names of ours; they are
 * escaped anyway (backslash, quote, newline), as the format asks.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/version.h"
#include "bgp/bgp_role.h"
#include "rovmon/metrics.h"
#include "rpki/aspa.h"
#include "rpki/rov.h"

#define SF(f)	offsetof(struct rovmon_stats, f)

/* One sample of a table family: its label value (NULL: no label). */
struct mfield {
	const char	*value;
	size_t		 off;		/* in struct rovmon_stats */
};

#define MF_MAXF		7

struct mfamily {
	const char	*name;
	const char	*type;		/* "counter", "gauge" */
	const char	*help;
	const char	*label;		/* the label's name, NULL: none */
	struct mfield	 f[MF_MAXF];	/* no label: f[0]; else until
					 * value == NULL */
	unsigned	 when;		/* MF_* */
};

#define MF_ALWAYS	0
#define MF_RTR		1		/* only with an RTR source */

static const struct mfamily families[] = {
	{ "rovmon_packets_total", "counter",
	    "Frames read from the capture.", NULL,
	    { { NULL, SF(packets) } }, MF_ALWAYS },
	{ "rovmon_capture_bytes_total", "counter",
	    "Bytes of the frames read, as on the wire.", NULL,
	    { { NULL, SF(bytes) } }, MF_ALWAYS },
	{ "rovmon_pcap_received_packets_total", "counter",
	    "Packets the kernel passed to the capture (pcap_stats ps_recv; "
	    "live capture).", NULL,
	    { { NULL, SF(pcap_recv) } }, MF_ALWAYS },
	{ "rovmon_pcap_dropped_packets_total", "counter",
	    "Packets the kernel dropped for want of capture buffer "
	    "(pcap_stats ps_drop; live capture).", NULL,
	    { { NULL, SF(pcap_drop) } }, MF_ALWAYS },
	{ "rovmon_pcap_interface_dropped_packets_total", "counter",
	    "Packets the interface or its driver dropped (pcap_stats "
	    "ps_ifdrop; live capture).", NULL,
	    { { NULL, SF(pcap_ifdrop) } }, MF_ALWAYS },
	{ "rovmon_decode_truncated_total", "counter",
	    "Frames whose headers the snap length cut.", NULL,
	    { { NULL, SF(decode_truncated) } }, MF_ALWAYS },
	{ "rovmon_tcp_sessions_opened_total", "counter",
	    "TCP sessions picked up, with or without their handshake.", NULL,
	    { { NULL, SF(sessions) } }, MF_ALWAYS },
	{ "rovmon_reasm_gaps_total", "counter",
	    "Holes in TCP streams that reassembly skipped (data lost).",
	    NULL, { { NULL, SF(reasm_gaps) } }, MF_ALWAYS },
	{ "rovmon_reasm_gap_bytes_total", "counter",
	    "Bytes in the holes reassembly skipped.", NULL,
	    { { NULL, SF(reasm_gap_bytes) } }, MF_ALWAYS },
	{ "rovmon_bgp_messages_total", "counter",
	    "BGP messages decoded, by type.", "type",
	    { { "open", SF(bgp_open) }, { "update", SF(bgp_update) },
	    { "notification", SF(bgp_notification) },
	    { "keepalive", SF(bgp_keepalive) },
	    { "route_refresh", SF(bgp_route_refresh) },
	    { "unknown", SF(bgp_unknown_type) } }, MF_ALWAYS },
	{ "rovmon_bgp_malformed_updates_total", "counter",
	    "UPDATEs malformed per RFC 7606 (any action).", NULL,
	    { { NULL, SF(bgp_malformed) } }, MF_ALWAYS },
	{ "rovmon_bgp_routes_announced_total", "counter",
	    "Routes announced in UPDATEs.", NULL,
	    { { NULL, SF(bgp_announce) } }, MF_ALWAYS },
	{ "rovmon_bgp_routes_withdrawn_total", "counter",
	    "Routes withdrawn in UPDATEs.", NULL,
	    { { NULL, SF(bgp_withdraw) } }, MF_ALWAYS },
	{ "rovmon_rpki_verdicts_total", "counter",
	    "Announcements judged, by RFC 6811 state.", "rpki_state",
	    { { "valid", SF(rpki_valid) }, { "invalid", SF(rpki_invalid) },
	    { "not-found", SF(rpki_not_found) } }, MF_ALWAYS },
	{ "rovmon_aspa_verdicts_total", "counter",
	    "AS paths verified with ASPA, by verdict.", "aspa_state",
	    { { "valid", SF(aspa_valid) }, { "invalid", SF(aspa_invalid) },
	    { "unknown", SF(aspa_unknown) } }, MF_ALWAYS },
	{ "rovmon_rib_nomem_total", "counter",
	    "Routes not stored for want of memory.", NULL,
	    { { NULL, SF(rib_nomem) } }, MF_ALWAYS },
	{ "rovmon_rib_sessions_held_total", "counter",
	    "Sessions whose routes were held when they went down (a flap "
	    "handled like graceful restart).", NULL,
	    { { NULL, SF(rib_held) } }, MF_ALWAYS },
	{ "rovmon_rib_sessions_adopted_total", "counter",
	    "Held sessions a new session between the same speakers took "
	    "over.", NULL,
	    { { NULL, SF(rib_adopted) } }, MF_ALWAYS },
	{ "rovmon_rib_stale_resolved_total", "counter",
	    "Stale routes resolved (End-of-RIB, or its wait ran out).", NULL,
	    { { NULL, SF(rib_stale_resolved) } }, MF_ALWAYS },
	{ "rovmon_rib_gone_resolved_total", "counter",
	    "Routes of held sessions that never came back, resolved.", NULL,
	    { { NULL, SF(rib_gone_resolved) } }, MF_ALWAYS },
	/* --state-dir (docs/state.md); 0 without */
	{ "rovmon_checkpoints_total", "counter",
	    "Checkpoints of the sessions and routes written (--state-dir).",
	    NULL, { { NULL, SF(checkpoints) } }, MF_ALWAYS },
	{ "rovmon_checkpoint_failures_total", "counter",
	    "Checkpoints that could not be written; the last good one "
	    "stays.", NULL, { { NULL, SF(checkpoint_failed) } }, MF_ALWAYS },
	{ "rovmon_checkpoint_last_timestamp_seconds", "gauge",
	    "When the last checkpoint written was taken (Unix time, 0: "
	    "none).", NULL, { { NULL, SF(checkpoint_last) } }, MF_ALWAYS },
	{ "rovmon_checkpoint_bytes", "gauge",
	    "Size of the last checkpoint written.", NULL,
	    { { NULL, SF(checkpoint_bytes) } }, MF_ALWAYS },
	{ "rovmon_restored_routes", "gauge",
	    "Routes restored from the checkpoint at start.", NULL,
	    { { NULL, SF(restored_routes) } }, MF_ALWAYS },
	{ "rovmon_restore_gap_seconds", "gauge",
	    "Seconds from the restored checkpoint to the start: changes "
	    "then were not seen.", NULL,
	    { { NULL, SF(restore_gap) } }, MF_ALWAYS },
	{ "rovmon_route_events_total", "counter",
	    "Lines written to the route log.", NULL,
	    { { NULL, SF(route_events) } }, MF_ALWAYS },
	{ "rovmon_alerts_total", "counter",
	    "Alerts given to the sinks.", NULL,
	    { { NULL, SF(alerts) } }, MF_ALWAYS },
	{ "rovmon_sensor_events_total", "counter",
	    "Sensor events raised (rtr-drift, rtr-expired, ...).", NULL,
	    { { NULL, SF(sensor_events) } }, MF_ALWAYS },
	{ "rovmon_vrp_swaps_total", "counter",
	    "VRP sets adopted (loads, reloads, Redis generations, RTR "
	    "updates).", NULL,
	    { { NULL, SF(vrp_swaps) } }, MF_ALWAYS },
	{ "rovmon_vrp_load_failures_total", "counter",
	    "New VRP sets refused; the one in use stays.", NULL,
	    { { NULL, SF(vrp_load_failed) } }, MF_ALWAYS },
	{ "rovmon_vrp_generation", "gauge",
	    "Generation of the VRP set in use (0: none).", NULL,
	    { { NULL, SF(vrp_generation) } }, MF_ALWAYS },
	{ "rovmon_vrps", "gauge",
	    "VRPs in the set in use.", NULL,
	    { { NULL, SF(vrp_count) } }, MF_ALWAYS },
	{ "rovmon_aspa_objects", "gauge",
	    "ASPA objects in the set in use.", NULL,
	    { { NULL, SF(aspa_count) } }, MF_ALWAYS },
	{ "rovmon_rtr_updates_total", "counter",
	    "RTR End of Data applied.", NULL,
	    { { NULL, SF(vrp_rtr_updates) } }, MF_RTR },
	{ "rovmon_rtr_errors_total", "counter",
	    "RTR sessions ended by an error.", NULL,
	    { { NULL, SF(vrp_rtr_errors) } }, MF_RTR },
	{ "rovmon_rtr_resets_total", "counter",
	    "RTR Reset Queries sent.", NULL,
	    { { NULL, SF(vrp_rtr_resets) } }, MF_RTR },
	{ "rovmon_rtr_connected", "gauge",
	    "1 while connected to the RTR cache.", NULL,
	    { { NULL, SF(vrp_rtr_connected) } }, MF_RTR },
	{ "rovmon_rtr_expired", "gauge",
	    "1 when no RTR update came within the expire interval (the "
	    "data is still used).", NULL,
	    { { NULL, SF(vrp_rtr_expired) } }, MF_RTR },
	{ "rovmon_rtr_serial", "gauge",
	    "Serial of the RTR data in use.", NULL,
	    { { NULL, SF(vrp_rtr_serial) } }, MF_RTR },
};

static void
head(FILE *fp, const char *name, const char *type, const char *help)
{
	fprintf(fp, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

/* A label value, escaped as the format asks. */
static void
put_value(FILE *fp, const char *s)
{
	for (; *s != '\0'; s++) {
		if (*s == '\\' || *s == '"')
			fprintf(fp, "\\%c", *s);
		else if (*s == '\n')
			fputs("\\n", fp);
		else
			fputc(*s, fp);
	}
}

static uint64_t
field(const struct rovmon_stats *st, size_t off)
{
	uint64_t v;

	memcpy(&v, (const char *)st + off, sizeof(v));
	return v;
}

static void
put_family(FILE *fp, const struct mfamily *m, const struct rovmon_stats *st)
{
	const struct mfield *f;

	head(fp, m->name, m->type, m->help);
	if (m->label == NULL) {
		fprintf(fp, "%s %" PRIu64 "\n", m->name, field(st, m->f[0].off));
		return;
	}
	for (f = m->f; f < m->f + MF_MAXF && f->value != NULL; f++)
		fprintf(fp, "%s{%s=\"%s\"} %" PRIu64 "\n", m->name, m->label,
		    f->value, field(st, f->off));
}

/* The RIB's gauges: by RPKI state, ASPA verdict, leak. */
static void
put_rib(FILE *fp, const struct metrics_snapshot *ms)
{
	static const enum rov_state rs[] = { ROV_VALID, ROV_INVALID,
	    ROV_NOT_FOUND };
	static const enum aspa_state as[] = { ASPA_VALID, ASPA_INVALID,
	    ASPA_UNKNOWN };
	static const enum bgp_leak lk[] = { BGP_LEAK_OTC_FROM_CUSTOMER,
	    BGP_LEAK_OTC_FROM_RS_CLIENT, BGP_LEAK_OTC_FROM_PEER };
	const struct rib_counts *c = &ms->rib;
	size_t i;

	head(fp, "rovmon_routes", "gauge", "Routes stored now (Adj-RIB-In "
	    "of every session), by RPKI state; stored without VRPs: "
	    "not-found.");
	for (i = 0; i < 3; i++)
		fprintf(fp, "rovmon_routes{rpki_state=\"%s\"} %zu\n",
		    rov_state_name(rs[i]), c->rpki[rs[i]]);
	head(fp, "rovmon_routes_aspa", "gauge", "Routes stored now, by ASPA "
	    "verdict (none: not verified).");
	for (i = 0; i < 3; i++)
		fprintf(fp, "rovmon_routes_aspa{aspa_state=\"%s\"} %zu\n",
		    aspa_state_name(as[i]), c->aspa[as[i]]);
	fprintf(fp, "rovmon_routes_aspa{aspa_state=\"none\"} %zu\n",
	    c->aspa_none);
	head(fp, "rovmon_routes_leak", "gauge", "Routes stored now that are "
	    "RFC 9234 route leaks, by kind.");
	for (i = 0; i < 3; i++)
		fprintf(fp, "rovmon_routes_leak{leak=\"%s\"} %zu\n",
		    bgp_leak_name(lk[i]), c->leak[lk[i]]);
	head(fp, "rovmon_rib_sessions", "gauge",
	    "BGP sessions with routes stored.");
	fprintf(fp, "rovmon_rib_sessions %zu\n", c->sessions);
	head(fp, "rovmon_rib_held_sessions", "gauge", "Sessions down whose "
	    "routes are held, waiting for the session to come back.");
	fprintf(fp, "rovmon_rib_held_sessions %" PRIu64 "\n", ms->held_sessions);
	head(fp, "rovmon_rib_held_routes", "gauge",
	    "Routes the held sessions hold (counted in rovmon_routes).");
	fprintf(fp, "rovmon_rib_held_routes %" PRIu64 "\n", ms->held_routes);
	head(fp, "rovmon_rib_stale_routes", "gauge", "Routes of sessions "
	    "that came back, not yet re-announced (counted in "
	    "rovmon_routes).");
	fprintf(fp, "rovmon_rib_stale_routes %" PRIu64 "\n", ms->stale_routes);
	head(fp, "rovmon_rib_memory_bytes", "gauge",
	    "Memory the stored routes take.");
	fprintf(fp, "rovmon_rib_memory_bytes %zu\n", c->bytes);
}

static void
put_session(FILE *fp, const struct metrics_session *s, bool other)
{
	static const enum rov_state rs[] = { ROV_VALID, ROV_INVALID,
	    ROV_NOT_FOUND };
	char peer[IPADDR_STRLEN], local[IPADDR_STRLEN];
	size_t i;

	if (!other) {
		ipaddr_fmt(&s->peer, peer, sizeof(peer));
		ipaddr_fmt(&s->local, local, sizeof(local));
	}
	for (i = 0; i < 3; i++) {
		fputs("rovmon_session_routes{", fp);
		if (other)
			fputs("peer=\"other\"", fp);
		else {
			fputs("peer=\"", fp);
			put_value(fp, peer);
			fprintf(fp, "\",peer_as=\"%" PRIu32 "\",local=\"",
			    s->peer_as);
			put_value(fp, local);
			fputc('"', fp);
		}
		fprintf(fp, ",rpki_state=\"%s\"} %" PRIu64 "\n",
		    rov_state_name(rs[i]), s->rpki[rs[i]]);
	}
}

static void
put_sessions(FILE *fp, const struct metrics_snapshot *ms)
{
	size_t i;

	head(fp, "rovmon_session_routes", "gauge", "Routes stored now per "
	    "sender (peer: its address, peer_as: its AS, 0 unknown; local: "
	    "the receiver), by RPKI state; senders beyond --metrics-sessions "
	    "summed under peer=\"other\".");
	for (i = 0; i < ms->nsess; i++)
		put_session(fp, &ms->sess[i], false);
	if (ms->nother > 0)
		put_session(fp, &ms->other, true);
	head(fp, "rovmon_session_routes_folded", "gauge", "Senders summed "
	    "under peer=\"other\" in rovmon_session_routes.");
	fprintf(fp, "rovmon_session_routes_folded %zu\n", ms->nother);
}

static void
put_sink_family(FILE *fp, const struct metrics_snapshot *ms, const char *name,
    const char *type, const char *help, size_t off, bool net_only)
{
	const struct metrics_sink *k;
	uint64_t v;
	size_t i;

	head(fp, name, type, help);
	for (i = 0; i < ms->nsinks; i++) {
		k = &ms->sinks[i];
		if (net_only && !k->network)
			continue;
		memcpy(&v, (const char *)&k->c + off, sizeof(v));
		fprintf(fp, "%s{sink=\"%zu\",type=\"", name, i);
		put_value(fp, k->type);
		fprintf(fp, "\"} %" PRIu64 "\n", v);
	}
}

#define CF(f)	offsetof(struct sink_counters, f)

static void
put_sinks(FILE *fp, const struct metrics_snapshot *ms)
{
	static const struct {
		const char *reason;
		size_t off;
	} drops[] = { { "queue_full", CF(queue_drops) },
	    { "rate_limit", CF(rate_drops) },
	    { "send_error", CF(send_errors) },
	    { "write_error", CF(write_errors) } };
	const struct metrics_sink *k;
	uint64_t v;
	size_t i, j;

	put_sink_family(fp, ms, "rovmon_sink_alerts_offered_total", "counter",
	    "Alerts offered to the sink (sink: its position among the "
	    "sinks, from 0).", CF(emitted), false);
	put_sink_family(fp, ms, "rovmon_sink_alerts_filtered_total", "counter",
	    "Alerts the sink skipped: above its min_priority.", CF(filtered),
	    false);
	head(fp, "rovmon_sink_alerts_delivered_total", "counter", "Alerts "
	    "the sink delivered (lines written, messages logged, requests "
	    "accepted).");
	for (i = 0; i < ms->nsinks; i++) {
		k = &ms->sinks[i];
		fprintf(fp, "rovmon_sink_alerts_delivered_total{sink=\"%zu\","
		    "type=\"", i);
		put_value(fp, k->type);
		fprintf(fp, "\"} %" PRIu64 "\n", k->c.written + k->c.sent);
	}
	head(fp, "rovmon_sink_alerts_dropped_total", "counter", "Alerts the "
	    "sink lost, by reason.");
	for (i = 0; i < ms->nsinks; i++)
		for (j = 0; j < sizeof(drops) / sizeof(drops[0]); j++) {
			k = &ms->sinks[i];
			memcpy(&v, (const char *)&k->c + drops[j].off,
			    sizeof(v));
			fprintf(fp, "rovmon_sink_alerts_dropped_total{sink="
			    "\"%zu\",type=\"", i);
			put_value(fp, k->type);
			fprintf(fp, "\",reason=\"%s\"} %" PRIu64 "\n",
			    drops[j].reason, v);
		}
	put_sink_family(fp, ms, "rovmon_sink_queue_length", "gauge",
	    "Alerts waiting in a network sink's queue.", CF(queue_len), true);
	put_sink_family(fp, ms, "rovmon_sink_queue_capacity", "gauge",
	    "Length of a network sink's queue (queue=).", CF(queue_cap), true);
}

/* The VRP set's times and age: absent while no set is in use. */
static void
put_vrp_age(FILE *fp, const struct metrics_snapshot *ms)
{
	const struct rovmon_stats *st = &ms->st;
	uint64_t t, age;

	if (st->vrp_loaded == 0)
		return;
	head(fp, "rovmon_vrp_loaded_timestamp_seconds", "gauge",
	    "When the VRP set in use was adopted (Unix time).");
	fprintf(fp, "rovmon_vrp_loaded_timestamp_seconds %" PRIu64 "\n",
	    st->vrp_loaded);
	if (st->vrp_generated != 0) {
		head(fp, "rovmon_vrp_generated_timestamp_seconds", "gauge",
		    "When the relying party built the VRP set in use (Unix "
		    "time; absent when the source does not say).");
		fprintf(fp, "rovmon_vrp_generated_timestamp_seconds %"
		    PRIu64 "\n", st->vrp_generated);
	}
	t = st->vrp_generated != 0 ? st->vrp_generated : st->vrp_loaded;
	age = ms->now > 0 && (uint64_t)ms->now > t ? (uint64_t)ms->now - t : 0;
	head(fp, "rovmon_vrp_set_age_seconds", "gauge", "Age of the VRP set "
	    "in use: since it was built when the source says, else since it "
	    "was adopted.");
	fprintf(fp, "rovmon_vrp_set_age_seconds %" PRIu64 "\n", age);
}

static void
put_process(FILE *fp, const struct metrics_snapshot *ms)
{
	head(fp, "rovmon_build_info", "gauge", "rovmon's version; always 1.");
	fputs("rovmon_build_info{version=\"", fp);
	put_value(fp, ROVMON_VERSION);
	fputs("\"} 1\n", fp);
	head(fp, "rovmon_start_time_seconds", "gauge",
	    "When rovmon started (Unix time).");
	fprintf(fp, "rovmon_start_time_seconds %" PRId64 "\n", ms->start);
	head(fp, "rovmon_snapshot_timestamp_seconds", "gauge", "When the "
	    "packet thread took this snapshot (Unix time; one a second: "
	    "older means the packet thread is stuck).");
	fprintf(fp, "rovmon_snapshot_timestamp_seconds %" PRId64 "\n", ms->now);
	head(fp, "rovmon_snapshot_duration_seconds", "gauge", "What the "
	    "previous snapshot cost the packet thread (collecting, "
	    "rendering, publishing).");
	fprintf(fp, "rovmon_snapshot_duration_seconds %.6f\n",
	    ms->snapshot_seconds);
	head(fp, "rovmon_tcp_sessions", "gauge",
	    "TCP sessions tracked now (BGP; RTR too with --rtr-audit).");
	fprintf(fp, "rovmon_tcp_sessions %" PRIu64 "\n", ms->tcp_sessions);
}

char *
metrics_render(const struct metrics_snapshot *ms, size_t *len)
{
	char *buf = NULL;
	size_t i;
	FILE *fp;

	*len = 0;
	if ((fp = open_memstream(&buf, len)) == NULL)
		return NULL;
	put_process(fp, ms);
	for (i = 0; i < sizeof(families) / sizeof(families[0]); i++)
		if (families[i].when == MF_ALWAYS || ms->rtr)
			put_family(fp, &families[i], &ms->st);
	put_vrp_age(fp, ms);
	if (ms->has_rib) {
		put_rib(fp, ms);
		put_sessions(fp, ms);
	}
	put_sinks(fp, ms);
	if (ferror(fp)) {
		fclose(fp);
		free(buf);
		return NULL;
	}
	if (fclose(fp) != 0) {
		free(buf);
		return NULL;
	}
	return buf;
}

/* By labels: peer, local, peer_as. */
static int
cmp_labels(const void *a, const void *b)
{
	const struct metrics_session *x = a, *y = b;
	int c;

	if ((c = ipaddr_cmp(&x->peer, &y->peer)) != 0)
		return c;
	if ((c = ipaddr_cmp(&x->local, &y->local)) != 0)
		return c;
	return x->peer_as < y->peer_as ? -1 : x->peer_as > y->peer_as;
}

/* Most routes first; ties by labels, so the choice is stable. */
static int
cmp_routes(const void *a, const void *b)
{
	const struct metrics_session *x = a, *y = b;

	if (x->routes != y->routes)
		return x->routes > y->routes ? -1 : 1;
	return cmp_labels(a, b);
}

static void
add_to(struct metrics_session *to, const struct metrics_session *s)
{
	to->routes += s->routes;
	to->rpki[0] += s->rpki[0];
	to->rpki[1] += s->rpki[1];
	to->rpki[2] += s->rpki[2];
}

size_t
metrics_fold_sessions(struct metrics_session *s, size_t n, size_t max,
    struct metrics_session *other, size_t *nother)
{
	size_t i, m = 0;

	memset(other, 0, sizeof(*other));
	*nother = 0;
	if (n == 0)
		return 0;
	/* the same labels twice (two sessions between the same two
	 * addresses): one series */
	qsort(s, n, sizeof(*s), cmp_labels);
	for (i = 1; i < n; i++) {
		if (cmp_labels(&s[m], &s[i]) == 0)
			add_to(&s[m], &s[i]);
		else
			s[++m] = s[i];
	}
	n = m + 1;
	if (n <= max)
		return n;
	qsort(s, n, sizeof(*s), cmp_routes);
	for (i = max; i < n; i++)
		add_to(other, &s[i]);
	*nother = n - max;
	qsort(s, max, sizeof(*s), cmp_labels);
	return max;
}
