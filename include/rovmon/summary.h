/*
 * summary.h - what a person reads: the end-of-run report, the progress
 * line on a terminal, and the session events -v logs as they happen.
 *
 *   bgp_session (session events + view) --+
 *   bgp_update -> validator (routes) -----+--> summary --> report, log
 *   stats (totals) -----------------------+
 *
 * Fed from rovmon_loop.c's bgp_sink callbacks.  It keeps per session only
 * what the framer does not (the endpoints' OPENs and message counts come
 * with each event's view); totals come from struct rovmon_stats.  Memory
 * is bounded: at most SUMMARY_MAX_SESSIONS sessions, SUMMARY_MAX_INVALID
 * INVALID announcements and SUMMARY_MAX_NOTIF NOTIFICATIONs are kept,
 * the rest only counted.  The format is in rovmon(8), REPORT.
 */
#ifndef ROVMON_SUMMARY_H
#define ROVMON_SUMMARY_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "base/addr.h"
#include "bgp/bgp.h"
#include "rpki/rov.h"
#include "base/stats.h"

#define SUMMARY_MAX_SESSIONS	1000
#define SUMMARY_MAX_INVALID	20	/* listed, "and K more" */
#define SUMMARY_MAX_NOTIF	20

struct summary;
struct capture;

struct summary_config {
	bool		 report;	/* keep what the report needs (routes
					 * per session, INVALID list); without
					 * it only the -v events are logged */
	bool		 progress;	/* a progress line on stderr (the
					 * caller checked it is a terminal) */
};

/* What the report says about the run itself. */
struct summary_run {
	const char	*source;	/* file or interface, or NULL */
	bool		 live;		/* pcap drops are worth a line */
	bool		 validating;	/* a VRP source was given */
	double		 seconds;	/* wall time of the run, < 0 unknown */
};

/* NULL on allocation failure.  Free with summary_free() (NULL ok). */
struct summary	*summary_new(const struct summary_config *);
void		 summary_free(struct summary *);

/* bgp_sink.route, after validation: res NULL when not judged. */
void		 summary_route(struct summary *, const struct bgp_msg_ctx *,
		    const struct bgp_attrs *, const struct bgp_route *,
		    const struct rov_result *res);
/* bgp_sink.session: logs the event (-v) and records it. */
void		 summary_session(struct summary *, const struct bgp_msg_ctx *,
		    const struct bgp_session_info *);

/*
 * Once per packet: redraw the progress line when due (at most four
 * times a second, from one second into the run; reads the clock once
 * every 1024 calls).  Does nothing unless config.progress.
 */
void		 summary_progress(struct summary *, const struct capture *);
/* Erase the progress line, if one is shown. */
void		 summary_progress_done(struct summary *);

/*
 * One session as the control socket shows it (rovctl show sessions):
 * speaker i's endpoint, AS (0: its OPEN not seen), role text, what its
 * OPEN advertised (text), messages by type as of the session's last
 * event (OPEN, NOTIFICATION, End-of-RIB, down: the framer hands its
 * counts with each event), and announcements by state and withdrawals
 * as they happen.  Filled by summary_session_at(); false past the end.
 */
struct summary_speaker_info {
	struct ipaddr	 addr;
	uint16_t	 port;
	uint32_t	 as;
	bool		 open_seen;
	bool		 inferred;	/* encodings inferred (no OPEN) */
	char		 role[32];
	char		 caps[512];
	uint64_t	 msgs[BGP_ROUTE_REFRESH + 1];
	uint64_t	 ann_valid, ann_invalid, ann_not_found, ann_unverified;
	uint64_t	 withdrawn;
};
struct summary_session_info {
	uint64_t	 id;
	const char	*state;		/* "up", "opening", "mid-stream",
					 * "down", "capture-end" */
	bool		 midstream;	/* picked up without its OPENs */
	int64_t		 first_seen, up_since;	/* Unix time, 0 unknown */
	const char	*why;		/* how it ended, NULL */
	bool		 notified;	/* a NOTIFICATION ended it */
	int		 notif_from;
	uint8_t		 code, subcode;
	struct summary_speaker_info sp[2];
};
size_t		 summary_session_count(const struct summary *);
bool		 summary_session_at(const struct summary *, size_t i,
		    struct summary_session_info *);

/* The report, totals from st.  0, or -1 when fp had a write error. */
int		 summary_print(const struct summary *, FILE *fp,
		    const struct rovmon_stats *st, const struct summary_run *);

#endif /* ROVMON_SUMMARY_H */
