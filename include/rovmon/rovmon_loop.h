/*
 * rovmon_loop.h - the running rovmon: its state (struct rovmon, set up
 * by rovmon.c) and the main loop of src/rovmon/rovmon_loop.c: signals, the
 * packet and idle callbacks, the bgp_sink callbacks that feed the route
 * log, the report and alerting, and the --stats lines.
 */
#ifndef ROVMON_ROVMON_LOOP_H
#define ROVMON_ROVMON_LOOP_H

#include <stdbool.h>
#include <stdio.h>
#include <time.h>

#include "bgp/bgp.h"
#include "capture/packet.h"
#include "capture/reasm_dispatch.h"
#include "rpki/aspa.h"
#include "rovmon/rovmon_options.h"

struct capture;
struct reasm;
struct route_log;
struct validator;
struct alerting;
struct summary;
struct rovmon_metrics;
struct rovmon_state;
struct control;
struct route_batch;
struct bmp_station;
struct mrt_writer;

/* One per process; the stages it points to are owned here. */
/*
 * The last ASPA verdict the route callback computed, with what it
 * depends on: the prefixes of one UPDATE share their path and sender,
 * and a table often sends one path in consecutive UPDATEs, so the
 * verdict is reused when all of it is equal (exactly: the path is
 * compared, not hashed).  Paths longer than the arrays are not kept.
 */
#define ASPA_MEMO_SEG	8
#define ASPA_MEMO_ASN	64
struct aspa_memo {
	bool		 valid;
	bool		 has;		/* validator_aspa() said true */
	uint64_t	 gen;		/* validator_generation() */
	uint32_t	 neighbor;
	enum bgp_role	 role;
	struct aspa_result res;
	uint32_t	 nseg, nasn;
	struct bgp_as_segment seg[ASPA_MEMO_SEG];
	uint32_t	 asns[ASPA_MEMO_ASN];
};

/*
 * The last answer of alerting_sender() for a sender read mid-stream
 * (--state-dir), and for which session direction: a full table comes
 * ~16 routes to a packet, one RIB lookup each without it (callgrind:
 * 106,726 -> 7,366 calls on a resumed full table).  The RIB's answer
 * for a session direction changes only by session events and the work
 * between packets, which both forget it (valid false), or by the
 * routes stored with this very answer, which store what it says.
 */
struct sender_memo {
	bool		 valid;
	bool		 changed;	/* alerting_sender() said true */
	uint64_t	 session_id;	/* the session direction: */
	struct ipaddr	 src_addr;
	uint16_t	 src_port;
	uint32_t	 to_peer_as, to_local_as;	/* what it said */
	enum bgp_role	 to_role;
	enum bgp_role_source to_role_source;
};

struct rovmon {
	struct rovmon_options opt;
	struct capture	*cap;
	struct reasm	*reasm;
	struct route_log *routes;
	struct validator *validator;
	struct alerting	*alerting;
	struct bgp_sink	 sink;		/* rovmon_loop_sink() */
	char		 hostname[256];
	struct packet	 last;		/* the last frame, for end-of-capture */
	FILE		*stats_fp;	/* --stats (appending) or stderr */
	time_t		 next_stats;	/* --stats-interval: next line due */
	time_t		 drained;	/* alerts last written (packet time) */
	unsigned	 stats_lost;	/* --stats lines not written */
	bool		 unbuffered;	/* libnids: no idle hook: write at once */
	bool		 have_pidfile;
	struct summary	*summary;	/* -v events, progress, the report */
	FILE		*report_fp;	/* NULL: no report */
	char		 start_line[512];	/* capture_describe() */
	struct timespec	 t0;
	struct aspa_memo aspa_memo;	/* rovmon_loop.c */
	struct sender_memo sender_memo;	/* rovmon_loop.c */
	struct rtr_audit *rtr_audit;	/* --rtr-audit, else NULL */
	struct reasm_dispatch dispatch;	/* RTR flows to the audit, BMP
					 * flows to bmp */
	struct bmp_passive *bmp;	/* passive BMP (--bmp-ports), else
					 * NULL */
	struct rovmon_metrics *metrics;	/* --metrics (metrics.c), else NULL */
	struct rovmon_state *state;	/* --state-dir, else NULL */
	struct control	*control;	/* --control, else NULL */
	struct output	*output;	/* --threads 2+ (output.h), else NULL */
	struct route_batch *batch;	/* routes not yet judged, while
					 * rovmon_loop_run() runs */
	struct bmp_station *station;	/* --bmp-listen, while it runs */
	time_t		 file_sec;	/* rovmon_loop_file_record(): the */
	unsigned	 file_left;	/* second and records left before
					 * the work between packets */
	struct mrt_writer *mrt;		/* --write-mrt, else NULL */
};

/* Work for the control socket per call of between_packets(): stored
 * routes walked (control_work(); docs/control.md). */
#define CONTROL_SLICE_ROUTES	2048

/*
 * SIGINT and SIGTERM end the capture loop; SIGHUP (reload rules and
 * VRPs, reopen outputs) and SIGUSR1 (a stats line) are acted on between
 * packets; SIGPIPE is ignored.
 */
void	rovmon_loop_signals(void);

/* rv->sink: routes and session events into rv's stages. */
void	rovmon_loop_sink(struct rovmon *rv);

/*
 * rv->cap is open: reassemble and decode every packet of it until its
 * end, -c, or a signal, then finish the flows still open.  What
 * capture_loop() returned: < 0 the capture failed part way.
 */
int	rovmon_loop_run(struct rovmon *rv);

/*
 * Inputs that are not a capture (feed/: MRT records, BMP messages; issue
 * 18) drive the same stages as rovmon_loop_run() does: begin once; for
 * each record (a packet with its time and number, data NULL), record()
 * before its messages are fed (the work between packets: signals, VRP
 * swaps, --stats, the control socket) and record_done() after (its
 * routes judged); end once, after the last session was closed (a file's
 * end resolves the sessions still held).
 */
void	rovmon_loop_begin(struct rovmon *rv);
void	rovmon_loop_record(struct rovmon *rv, const struct packet *pkt);
void	rovmon_loop_record_done(struct rovmon *rv);
/*
 * A file of many small records (MRT): instead of record() and
 * record_done(), the work between packets when the record's second
 * differs from the last time it ran or every few hundred records, and
 * routes judged in batches across records (rovmon_loop.c says why it
 * does the same).
 */
void	rovmon_loop_file_record(struct rovmon *rv, const struct packet *pkt);
void	rovmon_loop_end(struct rovmon *rv);
/* SIGINT or SIGTERM came: such an input stops before its next record. */
bool	rovmon_loop_stop_requested(void);
/*
 * For a feed input's own loop (the BMP station): the idle work of a quiet
 * live capture (logs flushed, alerts drained, then the work between
 * packets on the wall clock).
 */
void	rovmon_loop_idle(struct rovmon *rv);

/* --stats: open (or reopen) the file; 0, or -1 (reported). */
int	rovmon_stats_open(struct rovmon *rv);
/* One statistics line now; 0, or -1 when it could not be written. */
int	rovmon_stats_write(struct rovmon *rv);
/* The statistics line (counters brought up to date first) into fp. */
void	rovmon_stats_json(struct rovmon *rv, FILE *fp);
/* Close the control socket (its counts kept in the stats); NULL ok.
 * Before the RIB is freed. */
void	rovmon_control_stop(struct rovmon *rv);
/* `rovctl reload': as SIGHUP, done by the next between-packets work. */
void	rovmon_loop_request_reload(void);

#endif /* ROVMON_ROVMON_LOOP_H */
