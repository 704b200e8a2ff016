/*
 * control.c - the control socket (control.h, docs/control.md): the
 * control thread's socket work and the packet thread's control_work().
 *
 * Each client is a slot with a state that says who owns it:
 *
 *   FREE -> READING (control thread: reading the request)
 *        -> QUEUED (parsed; the packet thread picks it up)
 *        -> ANSWERING (packet thread: writing frames into the ring)
 *        -> DONE (the packet thread let go: the final frame is in the
 *           ring, or the answer was abandoned)
 *        -> FREE (control thread: ring written out, or client gone)
 *   READING -> FLUSH (control thread: a refusal line) -> FREE
 *
 * The ring is single-producer single-consumer: wr and rd only grow,
 * the producer (the packet thread while QUEUED..DONE, else the control
 * thread) advances wr after copying, the control thread advances rd
 * after writing to the socket.  A client that hangs up, or stops
 * reading for CONTROL_STALL_MS while replies wait, is dropped: the
 * control thread closes it and sets `abort'; the packet thread ends the
 * answer at its next call (the RIB walk is freed there, in its thread).
 *
 * Wake-ups: the control thread writes the packet thread's eventfd
 * (polled by capture_loop()) when it queues a request or makes room;
 * the packet thread writes the control thread's eventfd when it adds to
 * an empty ring or finishes.  An eventfd's count does not lose wake-ups.
 */
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "base/log.h"
#include "base/thread.h"
#include "rovmon/control.h"

enum cstate { C_FREE, C_READING, C_QUEUED, C_ANSWERING, C_DONE, C_FLUSH };

struct control_out {
	char		*buf;		/* CONTROL_RING bytes */
	_Atomic uint64_t wr, rd;	/* bytes ever written, ever sent */
};

struct client {
	_Atomic int	 state;		/* enum cstate */
	_Atomic bool	 abort;		/* control thread: client gone */
	_Atomic bool	 abort_count;	/* count it if the answer was not
					 * complete (see client_drop()) */
	int		 fd;		/* control thread's; -1 closed */
	char		 req[CONTROL_REQ_MAX + 1];
	size_t		 reqlen;
	int64_t		 deadline;	/* ms, CLOCK_MONOTONIC */
	struct control_req parsed;	/* QUEUED: for the packet thread */
	void		*ans;		/* packet thread: answer state */
	struct control_out out;
};

struct control {
	char		*path;
	int		 lfd;		/* listening socket */
	int		 wake_pkt;	/* eventfd: the packet thread's */
	int		 wake_ctl;	/* eventfd: the control thread's */
	_Atomic bool	 stop;
	_Atomic int	 pending;	/* clients QUEUED or ANSWERING */
	pthread_t	 thr;
	bool		 started;
	struct control_answerer ans;
	struct client	 c[CONTROL_MAX_CLIENTS];
	/* the control thread's counts, read by control_counts() */
	_Atomic uint64_t n_clients, n_requests, n_bad, n_refused, n_dropped;
};

static int64_t
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void
wake(int fd)
{
	uint64_t one = 1;

	/* EAGAIN: the count is at its maximum, already readable */
	(void)!write(fd, &one, sizeof(one));
}

static void
drain(int fd)
{
	uint64_t v;

	(void)!read(fd, &v, sizeof(v));
}

/* ---- the ring ------------------------------------------------------ */

size_t
control_out_room(const struct control_out *o)
{
	return CONTROL_RING - (size_t)(atomic_load(&o->wr) -
	    atomic_load(&o->rd));
}

bool
control_out_put(struct control_out *o, const char *s, size_t n)
{
	uint64_t wr = atomic_load(&o->wr);
	size_t at = (size_t)(wr % CONTROL_RING), first;

	if (n > control_out_room(o))
		return false;
	first = n < CONTROL_RING - at ? n : CONTROL_RING - at;
	memcpy(o->buf + at, s, first);
	memcpy(o->buf, s + first, n - first);
	atomic_store(&o->wr, wr + n);
	return true;
}

static bool
out_empty(const struct control_out *o)
{
	return atomic_load(&o->wr) == atomic_load(&o->rd);
}

/* The error frame: {"end":"error","error":"..."} with err escaped. */
static void
put_error(struct control_out *o, const char *err)
{
	char line[600];
	size_t n = 0;
	const char *p;

	n += (size_t)snprintf(line, sizeof(line),
	    "{\"end\":\"error\",\"error\":\"");
	for (p = err; *p != '\0' && n < sizeof(line) - 8; p++) {
		if (*p == '"' || *p == '\\')
			line[n++] = '\\';
		if ((unsigned char)*p < 0x20)
			continue;
		line[n++] = *p;
	}
	line[n++] = '"';
	line[n++] = '}';
	line[n++] = '\n';
	(void)control_out_put(o, line, n);
}

/* ---- the control thread ------------------------------------------- */

/*
 * Close a client's socket.  Bytes it sent that were never read (a
 * request over the cap, words after the newline) are read and dropped
 * first, up to a bound: closing a Unix socket with unread data resets
 * the peer, which would lose the reply it has not read yet.
 */
static void
client_close(int fd)
{
	char junk[4096];
	size_t n = 0;
	ssize_t r;

	while (n < 16 * sizeof(junk) &&
	    (r = read(fd, junk, sizeof(junk))) > 0)
		n += (size_t)r;
	close(fd);
}

static void
client_free(struct client *c)
{
	if (c->fd != -1)
		client_close(c->fd);
	c->fd = -1;
	c->reqlen = 0;
	atomic_store(&c->out.wr, 0);
	atomic_store(&c->out.rd, 0);
	atomic_store(&c->abort, false);
	atomic_store(&c->abort_count, false);
	atomic_store(&c->state, C_FREE);
}

/*
 * The client is gone or too slow.  While the packet thread owns the
 * answer, only close the socket and flag it; the slot is freed when the
 * packet thread says DONE.  count: a drop for sure (counted here); else
 * (a hang-up with nothing left to send) the packet thread counts it only
 * if the answer was still running: a client that read the end frame and
 * hung up before the packet thread said DONE is not a drop.
 */
static void
client_drop(struct control *ctl, struct client *c, bool count)
{
	int st = atomic_load(&c->state);

	if (st == C_QUEUED || st == C_ANSWERING) {
		if (count)
			atomic_fetch_add(&ctl->n_dropped, 1);
		else
			atomic_store(&c->abort_count, true);
		if (c->fd != -1)
			client_close(c->fd);
		c->fd = -1;
		atomic_store(&c->abort, true);
		wake(ctl->wake_pkt);
		return;
	}
	if (count)
		atomic_fetch_add(&ctl->n_dropped, 1);
	client_free(c);
}

static void
on_accept(struct control *ctl)
{
	static const char full[] = "{\"end\":\"error\",\"error\":\"too many "
	    "clients, try again\"}\n";
	struct client *c = NULL;
	size_t i;
	int fd;

	if ((fd = accept4(ctl->lfd, NULL, NULL, SOCK_NONBLOCK |
	    SOCK_CLOEXEC)) == -1)
		return;
	for (i = 0; i < CONTROL_MAX_CLIENTS; i++)
		if (atomic_load(&ctl->c[i].state) == C_FREE) {
			c = &ctl->c[i];
			break;
		}
	if (c == NULL) {
		atomic_fetch_add(&ctl->n_refused, 1);
		(void)!write(fd, full, sizeof(full) - 1);	/* best effort */
		close(fd);
		return;
	}
	atomic_fetch_add(&ctl->n_clients, 1);
	c->fd = fd;
	c->reqlen = 0;
	c->deadline = now_ms() + CONTROL_READ_MS;
	atomic_store(&c->state, C_READING);
}

/* The request read so far (n bytes) is complete: parse and queue it. */
static void
on_request(struct control *ctl, struct client *c, size_t n)
{
	char err[512];

	if (control_req_parse(c->req, n, &c->parsed, err, sizeof(err)) == -1) {
		atomic_fetch_add(&ctl->n_bad, 1);
		put_error(&c->out, err);
		c->deadline = now_ms() + CONTROL_STALL_MS;
		atomic_store(&c->state, C_FLUSH);
		return;
	}
	atomic_fetch_add(&ctl->n_requests, 1);
	c->deadline = now_ms() + CONTROL_STALL_MS;
	atomic_fetch_add(&ctl->pending, 1);
	atomic_store(&c->state, C_QUEUED);
	wake(ctl->wake_pkt);
}

static void
on_readable(struct control *ctl, struct client *c)
{
	ssize_t n;
	char *nl;

	n = read(c->fd, c->req + c->reqlen, sizeof(c->req) - c->reqlen);
	if (n < 0) {
		if (errno != EAGAIN && errno != EINTR)
			client_free(c);
		return;
	}
	if (n == 0) {		/* EOF ends a request without a newline */
		if (c->reqlen == 0)
			client_free(c);
		else
			on_request(ctl, c, c->reqlen);
		return;
	}
	nl = memchr(c->req + c->reqlen, '\n', (size_t)n);
	c->reqlen += (size_t)n;
	if (nl != NULL)		/* one request a connection: the rest is
				 * ignored */
		on_request(ctl, c, (size_t)(nl - c->req) + 1);
	else if (c->reqlen > CONTROL_REQ_MAX)
		on_request(ctl, c, c->reqlen);	/* refused: too long */
}

/* Write what the ring holds; false when the client is gone. */
static bool
on_writable(struct control *ctl, struct client *c)
{
	struct control_out *o = &c->out;
	uint64_t rd, wr;
	size_t at, n;
	ssize_t w;
	bool wrote = false;

	for (;;) {
		rd = atomic_load(&o->rd);
		wr = atomic_load(&o->wr);
		if (rd == wr)
			break;
		at = (size_t)(rd % CONTROL_RING);
		n = (size_t)(wr - rd);
		if (n > CONTROL_RING - at)
			n = CONTROL_RING - at;
		if ((w = send(c->fd, o->buf + at, n, MSG_NOSIGNAL)) < 0) {
			if (errno == EAGAIN || errno == EINTR)
				break;
			return false;
		}
		atomic_store(&o->rd, rd + (uint64_t)w);
		wrote = true;
	}
	if (wrote) {
		c->deadline = now_ms() + CONTROL_STALL_MS;
		if (atomic_load(&c->state) == C_ANSWERING)
			wake(ctl->wake_pkt);	/* room for a paused walk */
	}
	return true;
}

/* One client after poll: revents for its socket. */
static void
client_service(struct control *ctl, struct client *c, short revents,
    int64_t now)
{
	int st = atomic_load(&c->state);

	if (c->fd == -1) {	/* dropped: wait for the packet thread */
		if (st == C_DONE)
			client_free(c);
		return;
	}
	if (st == C_READING) {
		if (revents & (POLLIN | POLLHUP | POLLERR))
			on_readable(ctl, c);
		else if (now >= c->deadline)
			client_drop(ctl, c, true);	/* too slow to ask */
		return;
	}
	if ((revents & POLLOUT) && !on_writable(ctl, c)) {
		client_drop(ctl, c, true);
		return;
	}
	if (revents & (POLLHUP | POLLERR)) {
		/* replies it did not get: a drop; none left: see
		 * client_drop() */
		client_drop(ctl, c, !out_empty(&c->out));
		return;
	}
	st = atomic_load(&c->state);
	if (out_empty(&c->out)) {
		if (st == C_DONE || st == C_FLUSH)
			client_free(c);		/* answered */
		else
			c->deadline = now + CONTROL_STALL_MS;	/* not its fault */
		return;
	}
	if (now >= c->deadline)
		client_drop(ctl, c, true);	/* stopped reading */
}

static void *
control_thread(void *arg)
{
	struct control *ctl = arg;
	struct pollfd pfd[CONTROL_MAX_CLIENTS + 2];
	int map[CONTROL_MAX_CLIENTS + 2];
	struct client *c;
	int64_t now, wait;
	size_t i, n;
	int st;

	while (!atomic_load(&ctl->stop)) {
		now = now_ms();
		wait = 1000;
		pfd[0].fd = ctl->wake_ctl;
		pfd[0].events = POLLIN;
		pfd[1].fd = ctl->lfd;
		pfd[1].events = POLLIN;
		n = 2;
		for (i = 0; i < CONTROL_MAX_CLIENTS; i++) {
			c = &ctl->c[i];
			st = atomic_load(&c->state);
			if (st == C_FREE)
				continue;
			if (c->fd == -1) {
				if (st == C_DONE)
					client_free(c);
				continue;
			}
			pfd[n].fd = c->fd;
			pfd[n].events = st == C_READING ? POLLIN :
			    out_empty(&c->out) ? 0 : POLLOUT;
			map[n++] = (int)i;
			if (c->deadline - now < wait)
				wait = c->deadline - now;
		}
		if (poll(pfd, (nfds_t)n, wait < 0 ? 0 : (int)wait) < 0 &&
		    errno != EINTR)
			break;
		if (pfd[0].revents & POLLIN)
			drain(ctl->wake_ctl);
		now = now_ms();
		for (i = 2; i < n; i++)
			client_service(ctl, &ctl->c[map[i]], pfd[i].revents,
			    now);
		/* states the packet thread changed meanwhile (DONE) */
		for (i = 0; i < CONTROL_MAX_CLIENTS; i++) {
			c = &ctl->c[i];
			if (atomic_load(&c->state) == C_DONE && c->fd == -1)
				client_free(c);
		}
		if (pfd[1].revents & POLLIN)
			on_accept(ctl);
	}
	return NULL;
}

/* ---- the socket ---------------------------------------------------- */

/* A socket left at path: replaced when nobody answers there. */
static int
clear_path(const char *path, const struct sockaddr_un *sun)
{
	struct stat st;
	int fd, rc;

	if (lstat(path, &st) == -1)
		return errno == ENOENT ? 0 : -1;
	if (!S_ISSOCK(st.st_mode)) {
		errno = EEXIST;
		return -1;
	}
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1)
		return -1;
	rc = connect(fd, (const struct sockaddr *)sun, sizeof(*sun));
	close(fd);
	if (rc == 0) {
		errno = EADDRINUSE;
		return -1;
	}
	return unlink(path);
}

static int
set_group(const char *path, const char *group)
{
	struct group *gr;
	char *end;
	unsigned long g;

	if (group == NULL)
		return 0;
	errno = 0;
	g = strtoul(group, &end, 10);
	if (*group < '0' || *group > '9' || *end != '\0' || errno != 0) {
		if ((gr = getgrnam(group)) == NULL) {
			log_warnx("--control-group %s: no such group", group);
			return -1;
		}
		g = gr->gr_gid;
	}
	if (chown(path, (uid_t)-1, (gid_t)g) == -1) {
		log_warn("%s: cannot give it to group %s", path, group);
		return -1;
	}
	return 0;
}

static int
listen_at(struct control *ctl, const char *path, const char *group)
{
	struct sockaddr_un sun;
	mode_t old;

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	if (strlen(path) >= sizeof(sun.sun_path)) {
		log_warnx("--control %s: path longer than %zu bytes", path,
		    sizeof(sun.sun_path) - 1);
		return -1;
	}
	memcpy(sun.sun_path, path, strlen(path));
	if (strncmp(path, CONTROL_DEFAULT_DIR "/",
	    sizeof(CONTROL_DEFAULT_DIR)) == 0 &&
	    mkdir(CONTROL_DEFAULT_DIR, 0755) == -1 && errno != EEXIST) {
		log_warn("%s", CONTROL_DEFAULT_DIR);
		return -1;
	}
	if (clear_path(path, &sun) == -1) {
		log_warn("--control %s", path);
		return -1;
	}
	if ((ctl->lfd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK |
	    SOCK_CLOEXEC, 0)) == -1) {
		log_warn("control socket");
		return -1;
	}
	old = umask(0117);	/* born 0660, never wider */
	if (bind(ctl->lfd, (struct sockaddr *)&sun, sizeof(sun)) == -1) {
		umask(old);
		log_warn("--control %s", path);
		return -1;
	}
	umask(old);
	/* from here on control_close() removes it */
	if ((ctl->path = strdup(path)) == NULL || chmod(path, 0660) == -1) {
		log_warn("--control %s", path);
		return -1;
	}
	if (set_group(path, group) == -1)
		return -1;	/* said */
	if (listen(ctl->lfd, 16) == -1) {
		log_warn("--control %s", path);
		return -1;
	}
	return 0;
}

struct control *
control_open(const char *path, const char *group,
    const struct control_answerer *ans)
{
	struct control *ctl;
	size_t i;
	int rc;

	if ((ctl = calloc(1, sizeof(*ctl))) == NULL)
		return NULL;
	ctl->lfd = ctl->wake_pkt = ctl->wake_ctl = -1;
	ctl->ans = *ans;
	for (i = 0; i < CONTROL_MAX_CLIENTS; i++) {
		ctl->c[i].fd = -1;
		if ((ctl->c[i].out.buf = malloc(CONTROL_RING)) == NULL)
			goto fail;
	}
	if ((ctl->wake_pkt = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC)) == -1 ||
	    (ctl->wake_ctl = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC)) == -1) {
		log_warn("eventfd");
		goto fail;
	}
	if (listen_at(ctl, path, group) == -1)
		goto fail;
	if ((rc = thread_start(&ctl->thr, control_thread, ctl)) != 0) {
		errno = rc;
		log_warn("control thread");
		goto fail;
	}
	ctl->started = true;
	return ctl;
 fail:
	control_close(ctl);
	return NULL;
}

int
control_wakeup_fd(const struct control *ctl)
{
	return ctl->wake_pkt;
}

/* ---- the packet thread -------------------------------------------- */

/* The packet thread lets go of c (its answer ended or never began). */
static void
answer_done(struct control *ctl, struct client *c)
{
	if (c->ans != NULL)
		ctl->ans.end(ctl->ans.arg, c->ans);
	c->ans = NULL;
	atomic_fetch_sub(&ctl->pending, 1);
	atomic_store(&c->state, C_DONE);
	wake(ctl->wake_ctl);
}

void
control_work(struct control *ctl, size_t budget)
{
	struct client *c;
	char err[512];
	size_t i, nact, share;
	uint64_t wr0;
	enum control_step r;
	bool more = false;
	int st;

	if (ctl == NULL || atomic_load(&ctl->pending) == 0)
		return;
	nact = (size_t)atomic_load(&ctl->pending);
	share = budget / (nact > 0 ? nact : 1);
	if (share < 64)
		share = 64;
	for (i = 0; i < CONTROL_MAX_CLIENTS; i++) {
		c = &ctl->c[i];
		st = atomic_load(&c->state);
		if (st != C_QUEUED && st != C_ANSWERING)
			continue;
		if (atomic_load(&c->abort)) {
			/* gone before the answer was complete */
			if (atomic_load(&c->abort_count))
				atomic_fetch_add(&ctl->n_dropped, 1);
			answer_done(ctl, c);
			continue;
		}
		if (st == C_QUEUED) {
			c->ans = NULL;
			if (ctl->ans.begin(ctl->ans.arg, &c->parsed, &c->ans,
			    err, sizeof(err)) == -1) {
				put_error(&c->out, err);
				answer_done(ctl, c);
				continue;
			}
			atomic_store(&c->state, C_ANSWERING);
		}
		wr0 = atomic_load(&c->out.wr);
		r = ctl->ans.step(ctl->ans.arg, c->ans, &c->out, share);
		if (r == CONTROL_STEP_DONE)
			answer_done(ctl, c);
		else if (atomic_load(&c->out.wr) != wr0)
			wake(ctl->wake_ctl);
		if (r == CONTROL_STEP_MORE)
			more = true;
	}
	/* an idle link: come back at once rather than at the poll timeout */
	if (more)
		wake(ctl->wake_pkt);
}

void
control_counts(const struct control *ctl, struct control_counts *n)
{
	memset(n, 0, sizeof(*n));
	if (ctl == NULL)
		return;
	n->clients = atomic_load(&ctl->n_clients);
	n->requests = atomic_load(&ctl->n_requests);
	n->bad = atomic_load(&ctl->n_bad);
	n->refused = atomic_load(&ctl->n_refused);
	n->dropped = atomic_load(&ctl->n_dropped);
}

void
control_close(struct control *ctl)
{
	struct client *c;
	size_t i;

	if (ctl == NULL)
		return;
	if (ctl->started) {
		atomic_store(&ctl->stop, true);
		wake(ctl->wake_ctl);
		pthread_join(ctl->thr, NULL);
	}
	for (i = 0; i < CONTROL_MAX_CLIENTS; i++) {
		c = &ctl->c[i];
		if (c->ans != NULL)
			ctl->ans.end(ctl->ans.arg, c->ans);
		if (c->fd != -1)
			close(c->fd);
		free(c->out.buf);
	}
	if (ctl->lfd != -1)
		close(ctl->lfd);
	if (ctl->path != NULL)
		unlink(ctl->path);
	if (ctl->wake_pkt != -1)
		close(ctl->wake_pkt);
	if (ctl->wake_ctl != -1)
		close(ctl->wake_ctl);
	free(ctl->path);
	free(ctl);
}
