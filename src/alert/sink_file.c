/*
 * sink_file.c - the file and stdout sinks: NDJSON lines, gathered in a
 * buffer and written whole.  Packet thread only.
 *
 * File sink invariants:
 *   - opened O_APPEND|O_CREAT, never truncated;
 *   - whole lines only: lines are gathered in a 64 KiB buffer and
 *     written with one write(2) per buffer (one per line cost a fifth of
 *     a full-table run), which O_APPEND places at the end as a unit, so
 *     lines from several writers never interleave (a short write, which
 *     only a full disk causes, is finished with further writes);
 *   - the buffer is written when full, when the capture goes quiet, at
 *     least once a second of packet time (rovmon_loop.c), before a stats
 *     line (so its counters add up), on reopen and on close; with
 *     fsync=1 every line is written and made durable at once;
 *   - reopen (SIGHUP, logrotate) happens between two emits on the same
 *     thread: the line being written finishes on the old descriptor, the
 *     next goes to the new file, none is lost or written twice.  The new
 *     file is opened before the old descriptor is closed; if it cannot
 *     be opened, writing continues to the old one;
 *   - a failed write (ENOSPC, EIO) loses the lines that did not reach
 *     the file (a line cut in half is cut off again): they are counted,
 *     and (live) logged once when the sink starts failing and once when
 *     it recovers; capture goes on; the end of the run reports the loss
 *     (sinks_lost(); reading a file, that line is the only one);
 *   - no fsync by default (a crash of rovmon loses at most the lines
 *     gathered in the last second; a crash of the host may lose what the
 *     page cache held): fsync=1 makes each line durable (fdatasync) at
 *     once, at a cost per alert.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/log.h"
#include "alert/sink.h"
#include "base/stats.h"

#define FILE_SINK_BUF	(64 * 1024)

struct file_sink {
	char		*path;		/* NULL for stdout */
	int		 fd;
	bool		 failing;	/* last write failed (logged once) */
	char		*buf;		/* whole lines not yet written */
	size_t		 len;
};

static int
file_open_fd(const char *path)
{
	return open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640);
}

static int
file_open(struct sink *s, const char *arg)
{
	struct file_sink *f;

	if (*arg == '\0') {
		log_warnx("alert sink \"%s\": file: needs a path", s->spec);
		return -1;
	}
	if ((f = calloc(1, sizeof(*f))) == NULL ||
	    (f->path = strdup(arg)) == NULL ||
	    (f->buf = malloc(FILE_SINK_BUF)) == NULL) {
		log_warn("alert sink \"%s\"", s->spec);
		if (f != NULL)
			free(f->path);
		free(f);
		return -1;
	}
	if ((f->fd = file_open_fd(arg)) == -1) {
		log_warn("alert sink \"%s\": %s", s->spec, arg);
		free(f->buf);
		free(f->path);
		free(f);
		return -1;
	}
	s->priv = f;
	return 0;
}

static int
stdout_open(struct sink *s, const char *arg)
{
	struct file_sink *f;

	(void)arg;
	if ((f = calloc(1, sizeof(*f))) == NULL ||
	    (f->buf = malloc(FILE_SINK_BUF)) == NULL) {
		log_warn("alert sink \"%s\"", s->spec);
		free(f);
		return -1;
	}
	f->fd = STDOUT_FILENO;
	s->priv = f;
	return 0;
}

/* Write all of p; 0, or -1 with errno set and *done the bytes written. */
static int
write_all(int fd, const char *p, size_t n, size_t *done)
{
	ssize_t w;

	*done = 0;
	while (n > 0) {
		if ((w = write(fd, p, n)) == -1) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		if (w == 0) {
			errno = ENOSPC;
			return -1;
		}
		p += w;
		n -= (size_t)w;
		*done += (size_t)w;
	}
	return 0;
}

/*
 * A line cut short (ENOSPC half way) would glue the next alert onto its
 * fragment: cut the fragment off again, so every line in the file stays
 * one whole JSON object.  The file is O_APPEND and this sink its only
 * writer, so the fragment is the file's tail.
 */
static void
drop_fragment(int fd, size_t frag)
{
	off_t end;
	int saved = errno;

	if (frag > 0 && (end = lseek(fd, 0, SEEK_END)) != -1 &&
	    end >= (off_t)frag)
		(void)ftruncate(fd, end - (off_t)frag);
	errno = saved;
}

static uint64_t
count_lines(const char *p, size_t n)
{
	uint64_t c = 0;
	const char *e = p + n;

	while (p < e && (p = memchr(p, '\n', (size_t)(e - p))) != NULL) {
		c++;
		p++;
	}
	return c;
}

/* Write p (whole lines) to the sink's descriptor, and count them. */
static void
file_write_lines(struct sink *s, const char *p, size_t n)
{
	struct file_sink *f = s->priv;
	uint64_t kept, nlines = count_lines(p, n);
	size_t done, whole;

	if (write_all(f->fd, p, n, &done) == -1) {
		snprintf(s->why, sizeof(s->why), "%s", strerror(errno));
		/* The lines that made it stay; a line cut short goes. */
		whole = done;
		while (whole > 0 && p[whole - 1] != '\n')
			whole--;
		if (f->path != NULL)	/* our file, not stdout */
			drop_fragment(f->fd, done - whole);
		kept = count_lines(p, whole);
		s->c.written += kept;
		STAT_ADD(alert_lines, kept);
		s->c.write_errors += nlines - kept;
		STAT_ADD(alert_write_errors, nlines - kept);
		/* a run that reads a file says it once, at the end */
		if (!f->failing && s->opts.block != 1)
			log_warn("alert sink \"%s\": write failed, alerts are "
			    "lost until it recovers", s->spec);
		f->failing = true;
		return;
	}
	if (f->failing) {
		if (s->opts.block != 1)
			log_warnx("alert sink \"%s\": writing again (%llu "
			    "lines lost)", s->spec,
			    (unsigned long long)s->c.write_errors);
		f->failing = false;
	}
	if (s->opts.fsync)
		(void)fdatasync(f->fd);
	s->c.written += nlines;
	STAT_ADD(alert_lines, nlines);
}

/* Write out the buffered lines. */
void
sink_file_drain(struct sink *s)
{
	struct file_sink *f = s->priv;

	if (f == NULL || f->len == 0)
		return;
	file_write_lines(s, f->buf, f->len);
	f->len = 0;
}

static void
file_emit(struct sink *s, const struct sink_alert *sa)
{
	struct file_sink *f = s->priv;

	if (s->opts.fsync || sa->json_len > FILE_SINK_BUF) {
		sink_file_drain(s);
		file_write_lines(s, sa->json, sa->json_len);
		return;
	}
	if (FILE_SINK_BUF - f->len < sa->json_len)
		sink_file_drain(s);
	memcpy(f->buf + f->len, sa->json, sa->json_len);
	f->len += sa->json_len;
}

static void
file_flush(struct sink *s)
{
	struct file_sink *f = s->priv;

	sink_file_drain(s);
	if (s->opts.fsync && f->path != NULL)
		(void)fdatasync(f->fd);
}

static void
file_close(struct sink *s)
{
	struct file_sink *f = s->priv;

	if (f == NULL)
		return;
	file_flush(s);
	if (f->path != NULL)
		close(f->fd);
	free(f->buf);
	free(f->path);
	free(f);
	s->priv = NULL;
}

static void
file_reopen(struct sink *s)
{
	struct file_sink *f = s->priv;
	int fd;

	if ((fd = file_open_fd(f->path)) == -1) {
		log_warn("alert sink \"%s\": reopen failed, still writing to "
		    "the old file", s->spec);
		return;
	}
	/* What was gathered before the reopen belongs to the old file. */
	file_flush(s);
	close(f->fd);
	f->fd = fd;
	STAT_INC(alert_reopens);
}

const struct sink_type sink_file = {
	"file", file_open, file_emit, file_flush, file_close, file_reopen
};

const struct sink_type sink_stdout = {
	"stdout", stdout_open, file_emit, file_flush, file_close, NULL
};
