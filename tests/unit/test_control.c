/*
 * test_control.c - the control socket's machinery (rovmon/control.h)
 * with a fake answerer: the main thread plays the packet thread
 * (control_work() in a loop, woken by the eventfd), client threads talk
 * to the socket.  An answer of 20,000 frames (far more than the ring
 * holds) arrives whole and in order through a client that reads slowly;
 * a refused request is one error line; a client that hangs up mid-answer
 * gets its answer ended (end() called once, the slot free again); the
 * 17th client is turned away; the socket is mode 0660; a stale socket is
 * replaced and a live one refused; the counts add up.
 * tsan: yes (the control thread against the packet thread's answers)
 */
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include "base/log.h"
#include "rovmon/control.h"

#define NFRAMES	20000

/* The fake answers: "show routes" gives NFRAMES numbered frames, at most
 * 50 a step, "show summary" 2,000,000 (never read whole); anything else
 * one frame. */
struct fake {
	uint64_t	 next;		/* frame to write */
	enum control_verb verb;
};
static atomic_int begins, ends;
static char sock_path[64];

static int
f_begin(void *arg, const struct control_req *req, void **state, char *err,
    size_t errlen)
{
	struct fake *f;

	(void)arg;
	if (req->verb == CONTROL_STATS) {
		snprintf(err, errlen, "stats: not here");
		return -1;
	}
	assert_non_null(f = calloc(1, sizeof(*f)));
	f->verb = req->verb;
	*state = f;
	atomic_fetch_add(&begins, 1);
	return 0;
}

static enum control_step
f_step(void *arg, void *state, struct control_out *out, size_t budget)
{
	struct fake *f = state;
	uint64_t n = f->verb == CONTROL_SHOW_ROUTES ? NFRAMES :
	    f->verb == CONTROL_SHOW_SUMMARY ? 2000000 : 1;
	char line[64];
	unsigned k;
	int len;

	(void)arg;
	(void)budget;
	for (k = 0; k < 50 && f->next < n; k++) {
		len = snprintf(line, sizeof(line), "{\"route\":%llu}\n",
		    (unsigned long long)f->next);
		if (!control_out_put(out, line, (size_t)len))
			return CONTROL_STEP_PAUSED;
		f->next++;
	}
	if (f->next < n)
		return CONTROL_STEP_MORE;
	len = snprintf(line, sizeof(line), "{\"end\":\"ok\",\"count\":%llu}\n",
	    (unsigned long long)n);
	if (!control_out_put(out, line, (size_t)len))
		return CONTROL_STEP_PAUSED;
	return CONTROL_STEP_DONE;
}

static void
f_end(void *arg, void *state)
{
	(void)arg;
	free(state);
	atomic_fetch_add(&ends, 1);
}

static const struct control_answerer fake = { f_begin, f_step, f_end, NULL };

/* ---- the packet thread's side -------------------------------------- */

static struct control *ctl;
static atomic_bool done;

/* Run control_work() until done, as between_packets() would. */
static void
pump(void)
{
	struct pollfd p = { .fd = control_wakeup_fd(ctl), .events = POLLIN };
	uint64_t v;

	while (!atomic_load(&done)) {
		control_work(ctl, 2048);
		if (poll(&p, 1, 20) > 0)
			(void)!read(p.fd, &v, sizeof(v));
	}
}

/* ---- clients -------------------------------------------------------- */

static int
connect_ctl(void)
{
	struct sockaddr_un sun;
	int fd;

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	snprintf(sun.sun_path, sizeof(sun.sun_path), "%s", sock_path);
	fd = socket(AF_UNIX, SOCK_STREAM, 0);
	if (fd == -1 || connect(fd, (struct sockaddr *)&sun,
	    sizeof(sun)) == -1)
		return -1;
	return fd;
}

/* Send req, read the whole reply into buf (NUL-terminated); its length,
 * or -1.  slow: read a little at a time. */
static ssize_t
ask(const char *req, char *buf, size_t cap, bool slow)
{
	size_t len = 0;
	ssize_t n;
	int fd;

	if ((fd = connect_ctl()) == -1)
		return -1;
	if (write(fd, req, strlen(req)) != (ssize_t)strlen(req)) {
		close(fd);
		return -1;
	}
	while (len + 1 < cap && (n = read(fd, buf + len, slow ? 997 :
	    cap - 1 - len)) > 0)
		len += (size_t)n;
	buf[len] = '\0';
	close(fd);
	return (ssize_t)len;
}

struct job {
	void	(*fn)(void);
};

static void *
client_main(void *arg)
{
	struct job *j = arg;

	j->fn();
	atomic_store(&done, true);
	return NULL;
}

/* Run fn in a client thread while this thread pumps answers. */
static void
with_clients(void (*fn)(void))
{
	pthread_t t;
	struct job j = { fn };

	atomic_store(&done, false);
	assert_int_equal(pthread_create(&t, NULL, client_main, &j), 0);
	pump();
	pthread_join(t, NULL);
}

/* ---- the cases ----------------------------------------------------- */

static char big[4 << 20];

static void
c_whole(void)
{
	char want[64], *p = big;
	ssize_t n;
	unsigned i;

	n = ask("show routes\n", big, sizeof(big), true);
	assert_true(n > 0);
	for (i = 0; i < NFRAMES; i++) {
		snprintf(want, sizeof(want), "{\"route\":%u}\n", i);
		if (strncmp(p, want, strlen(want)) != 0)
			fail_msg("frame %u: %.40s", i, p);
		p += strlen(want);
	}
	assert_string_equal(p, "{\"end\":\"ok\",\"count\":20000}\n");
	/* a second request on a fresh connection, a refused one */
	assert_true(ask("show sessions\n", big, sizeof(big), false) > 0);
	assert_string_equal(big, "{\"route\":0}\n{\"end\":\"ok\",\"count\":1}\n");
	assert_true(ask("stats\n", big, sizeof(big), false) > 0);
	assert_string_equal(big, "{\"end\":\"error\",\"error\":\"stats: not "
	    "here\"}\n");
	assert_true(ask("show \"me\"\n", big, sizeof(big), false) > 0);
	assert_string_equal(big, "{\"end\":\"error\",\"error\":\"show \\\"me\\\": "
	    "unknown (summary, sessions, routes)\"}\n");
}

static void
test_answers(void **state)
{
	struct control_counts n;
	struct stat st;

	(void)state;
	assert_int_equal(stat(sock_path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0660);
	atomic_store(&begins, 0);
	atomic_store(&ends, 0);
	with_clients(c_whole);
	assert_int_equal(atomic_load(&begins), 2);	/* not the refused */
	assert_int_equal(atomic_load(&ends), 2);
	control_counts(ctl, &n);
	assert_int_equal(n.requests, 3);
	assert_int_equal(n.bad, 1);
	assert_int_equal(n.dropped, 0);
}

static void
c_hangup(void)
{
	char buf[256];
	struct timespec ts = { 0, 20 * 1000 * 1000 };
	int fd, i;

	assert_true((fd = connect_ctl()) != -1);
	assert_int_equal(write(fd, "show summary\n", 13), 13);
	assert_true(read(fd, buf, sizeof(buf)) > 0);	/* it started */
	close(fd);					/* and we go */
	/* the answer is ended by the packet thread, the slot freed */
	for (i = 0; i < 500 && atomic_load(&ends) == 0; i++)
		nanosleep(&ts, NULL);
	assert_int_equal(atomic_load(&ends), 1);
}

static void
test_hangup(void **state)
{
	struct control_counts n0, n;

	(void)state;
	atomic_store(&begins, 0);
	atomic_store(&ends, 0);
	control_counts(ctl, &n0);
	with_clients(c_hangup);
	control_counts(ctl, &n);
	assert_int_equal(n.dropped - n0.dropped, 1);
}

static void
c_full(void)
{
	int fds[CONTROL_MAX_CLIENTS], fd, i;
	char buf[256];
	ssize_t r;

	for (i = 0; i < CONTROL_MAX_CLIENTS; i++)
		assert_true((fds[i] = connect_ctl()) != -1);
	assert_true((fd = connect_ctl()) != -1);
	r = read(fd, buf, sizeof(buf) - 1);
	assert_true(r > 0);
	buf[r] = '\0';
	assert_string_equal(buf, "{\"end\":\"error\",\"error\":\"too many "
	    "clients, try again\"}\n");
	close(fd);
	for (i = 0; i < CONTROL_MAX_CLIENTS; i++)
		close(fds[i]);
	/* the slots are free again: a request is answered */
	for (i = 0; i < 100; i++)
		if (ask("reload\n", buf, sizeof(buf), false) > 0 &&
		    strstr(buf, "\"end\":\"ok\"") != NULL)
			return;
	fail_msg("no slot freed: %s", buf);
}

static void
test_full(void **state)
{
	struct control_counts n;

	(void)state;
	with_clients(c_full);
	control_counts(ctl, &n);
	assert_int_equal(n.refused, 1);
}

static void
test_socket_file(void **state)
{
	const struct control_answerer *a = &fake;
	char other[80];
	struct control *c2;
	int fd;

	(void)state;
	/* a live rovmon answers at the path: refused */
	assert_null(control_open(sock_path, NULL, a));
	/* a stale socket (nobody listens) is replaced */
	snprintf(other, sizeof(other), "%s.stale", sock_path);
	{
		struct sockaddr_un sun;

		memset(&sun, 0, sizeof(sun));
		sun.sun_family = AF_UNIX;
		snprintf(sun.sun_path, sizeof(sun.sun_path), "%s", other);
		assert_true((fd = socket(AF_UNIX, SOCK_STREAM, 0)) != -1);
		assert_int_equal(bind(fd, (struct sockaddr *)&sun, sizeof(sun)),
		    0);
		close(fd);	/* the file stays, nobody listens */
	}
	assert_non_null(c2 = control_open(other, NULL, a));
	control_close(c2);
	assert_int_equal(access(other, F_OK), -1);	/* removed at close */
}

static int
setup(void **state)
{
	(void)state;
	log_init("test_control");
	snprintf(sock_path, sizeof(sock_path), "/tmp/test_control.%d.sock",
	    (int)getpid());
	unlink(sock_path);
	ctl = control_open(sock_path, NULL, &fake);
	return ctl != NULL ? 0 : -1;
}

static int
teardown(void **state)
{
	(void)state;
	control_close(ctl);
	return access(sock_path, F_OK) == -1 ? 0 : -1;
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_answers),
		cmocka_unit_test(test_hangup),
		cmocka_unit_test(test_full),
		cmocka_unit_test(test_socket_file),
	};

	signal(SIGPIPE, SIG_IGN);
	return cmocka_run_group_tests(tests, setup, teardown);
}
