/*
 * control.h - the control socket (rovmon --control PATH; docs/control.md):
 * a Unix stream socket where rovctl asks a running sensor questions
 * (show summary, sessions, routes; reload; stats), like bgpctl and birdc.
 *
 *   control thread: accept, read one request (capped, with a deadline),
 *       parse it (control_req.c), write the replies out of each client's
 *       bounded ring, non-blocking; drop a client that stops reading
 *   packet thread:  control_work() between packets: answers each request
 *       in slices (the answerer's step, a bounded budget of routes a
 *       call) into the client's ring, pausing while the ring is full
 *
 * So a slow or vanished client costs the packet thread nothing but a
 * paused walk, and a query over a full table is spread over many
 * packets.  The packet thread owns the RIB and everything an answer
 * reads; the control thread never touches them.  Each client's ring has
 * one writer at a time (the state says whose turn it is) and one reader,
 * the control thread.
 */
#ifndef ROVMON_CONTROL_H
#define ROVMON_CONTROL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "rovmon/control_req.h"

#define CONTROL_DEFAULT_DIR	"/run/rovmon"
#define CONTROL_DEFAULT_PATH	CONTROL_DEFAULT_DIR "/rovmon.sock"
#define CONTROL_MAX_CLIENTS	16	/* more are refused with a line */
#define CONTROL_RING		(256 * 1024)	/* reply bytes buffered per
					 * client */
#define CONTROL_FRAME_MAX	(64 * 1024)	/* the longest frame */
#define CONTROL_READ_MS		5000	/* to send the whole request */
#define CONTROL_STALL_MS	10000	/* replies pending, none read: the
					 * client is dropped */

/* Where an answer's frames go: room is what the ring has free now. */
struct control_out;
size_t		 control_out_room(const struct control_out *);
/* Append n bytes (whole frames, each one JSON line): true, or false and
 * nothing written when they do not fit. */
bool		 control_out_put(struct control_out *, const char *, size_t n);

enum control_step {
	CONTROL_STEP_MORE,	/* budget used: call again soon */
	CONTROL_STEP_PAUSED,	/* no room: call again when the client
				 * has read */
	CONTROL_STEP_DONE,	/* the final frame is written */
};

/* The packet thread's side: rovmon's answers (control_answer.c). */
struct control_answerer {
	/* A parsed request: its state in *state; 0, or -1 with one line
	 * in err (sent as the error frame). */
	int		(*begin)(void *arg, const struct control_req *,
			    void **state, char *err, size_t errlen);
	/* More of the answer, within budget routes walked. */
	enum control_step (*step)(void *arg, void *state,
			    struct control_out *, size_t budget);
	/* The answer is done or its client gone: free state. */
	void		(*end)(void *arg, void *state);
	void		*arg;
};

/* The counts the control thread keeps (stats.h control_*). */
struct control_counts {
	uint64_t	 clients;	/* connections accepted */
	uint64_t	 requests;	/* requests parsed and answered */
	uint64_t	 bad;		/* requests refused (error line) */
	uint64_t	 refused;	/* connections over CONTROL_MAX_CLIENTS */
	uint64_t	 dropped;	/* clients dropped: too slow to send
					 * or to read, or gone mid-answer */
};

struct control;

/*
 * Create the socket at path (a stale socket there is replaced; a live
 * one, where a connect succeeds, is an error), mode 0660, group when
 * not NULL (a name or number), its directory created (0755) when it is
 * CONTROL_DEFAULT_DIR; start the control thread.  NULL (reported) on
 * failure.  The answerer is called by control_work() only.
 */
struct control	*control_open(const char *path, const char *group,
		    const struct control_answerer *);
/* An eventfd that becomes readable when the packet thread has work (a
 * request queued, room made); capture_set_wakeup() polls it. */
int		 control_wakeup_fd(const struct control *);
/*
 * Packet thread, between packets and when idle: start queued requests,
 * run one step of each answer (budget routes shared), end those done or
 * whose client went away.  Cheap when there is nothing to do (one
 * atomic load).  NULL ok.
 */
void		 control_work(struct control *, size_t budget);
void		 control_counts(const struct control *, struct control_counts *);
/* Stop the thread, end every answer, close and remove the socket.
 * Packet thread, before the RIB is freed.  NULL ok. */
void		 control_close(struct control *);

#endif /* ROVMON_CONTROL_H */
