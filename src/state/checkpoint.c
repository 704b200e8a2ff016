/*
 * checkpoint.c - the checkpoint file (checkpoint.h, docs/state.md): its
 * header, reading and checking it whole, setting a refused one aside,
 * the atomic write and the thread that does it off the packet path.
 *
 * The header, big-endian, 48 bytes:
 *
 *    0  magic "ROVMONCK"          8
 *    8  version (1)               4
 *   12  flags (0)                 4
 *   16  taken at: Unix seconds    8
 *   24  and microseconds          4
 *   28  CRC-32 of the body        4   (zlib's crc32, ISO-HDLC)
 *   32  body length               8
 *   40  CRC-32 of bytes 0..39     4
 *   44  reserved (0)              4
 *
 * The magic and version are checked first, so that another file or
 * another version is named as such and not as corruption; the header's
 * own checksum then vouches for the length before the body's is
 * computed.  Atomicity: the temporary file is fsync'ed before the rename
 * and the directory after it, so that after a crash DIR/checkpoint is
 * the old one or the new one, whole (rename(2) on one filesystem).
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>
#include <zlib.h>

#include "base/cursor.h"
#include "base/thread.h"
#include "state/checkpoint.h"

/* zlib's crc32 takes a uInt length: feed it in pieces. */
static uint32_t
crc_of(uint32_t crc, const uint8_t *p, size_t len)
{
	uLong c = crc;
	size_t n;

	while (len > 0) {
		n = len > (1u << 30) ? (1u << 30) : len;
		c = crc32(c, p, (uInt)n);
		p += n;
		len -= n;
	}
	return (uint32_t)c;
}

static void
be32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

static void
be64(uint8_t *p, uint64_t v)
{
	be32(p, (uint32_t)(v >> 32));
	be32(p + 4, (uint32_t)v);
}

/* CHECKPOINT_MAGIC's bytes, without the string's NUL. */
static const uint8_t magic[8] = { 'R', 'O', 'V', 'M', 'O', 'N', 'C', 'K' };

void
checkpoint_header(uint8_t *hdr, const uint8_t *body, size_t len,
    const struct timeval *when)
{
	memset(hdr, 0, CHECKPOINT_HDR_LEN);
	memcpy(hdr, magic, sizeof(magic));
	be32(hdr + 8, CHECKPOINT_VERSION);
	be64(hdr + 16, (uint64_t)when->tv_sec);
	be32(hdr + 24, (uint32_t)when->tv_usec);
	be32(hdr + 28, crc_of(0, body, len));
	be64(hdr + 32, len);
	be32(hdr + 40, crc_of(0, hdr, 40));
}

static int
bad(char *why, size_t whylen, const char *text)
{
	snprintf(why, whylen, "%s", text);
	return -1;
}

int
checkpoint_parse(const uint8_t *p, size_t len, struct checkpoint_view *v,
    char *why, size_t whylen)
{
	struct cursor c;
	uint32_t version, flags, usec, bcrc, hcrc, reserved, hi, lo;
	uint64_t sec, blen;

	memset(v, 0, sizeof(*v));
	cursor_init(&c, p, len);
	if (len < 8 || !cursor_match(&c, magic, sizeof(magic))) {
		if (len < 8 && len > 0 && memcmp(p, magic, len) == 0)
			return bad(why, whylen, "truncated: shorter than its "
			    "header");
		return bad(why, whylen, len == 0 ? "empty file" :
		    "not a rovmon checkpoint (no ROVMONCK magic)");
	}
	if (cursor_get_u32(&c, &version) == -1)
		return bad(why, whylen, "truncated: shorter than its header");
	if (version != CHECKPOINT_VERSION) {
		snprintf(why, whylen, "version %u, this rovmon reads version "
		    "%u", version, (unsigned)CHECKPOINT_VERSION);
		return -1;
	}
	if (cursor_get_u32(&c, &flags) == -1 ||
	    cursor_get_u32(&c, &hi) == -1 || cursor_get_u32(&c, &lo) == -1 ||
	    cursor_get_u32(&c, &usec) == -1 ||
	    cursor_get_u32(&c, &bcrc) == -1)
		return bad(why, whylen, "truncated: shorter than its header");
	sec = (uint64_t)hi << 32 | lo;
	if (cursor_get_u32(&c, &hi) == -1 || cursor_get_u32(&c, &lo) == -1 ||
	    cursor_get_u32(&c, &hcrc) == -1 ||
	    cursor_get_u32(&c, &reserved) == -1)
		return bad(why, whylen, "truncated: shorter than its header");
	blen = (uint64_t)hi << 32 | lo;
	if (crc_of(0, p, 40) != hcrc)
		return bad(why, whylen, "header checksum mismatch");
	if (flags != 0 || reserved != 0 || usec >= 1000000 ||
	    sec > INT64_MAX)
		return bad(why, whylen, "header fields out of range");
	if (blen > cursor_left(&c)) {
		snprintf(why, whylen, "truncated: body of %llu bytes, %zu "
		    "present", (unsigned long long)blen, cursor_left(&c));
		return -1;
	}
	if (blen < cursor_left(&c)) {
		snprintf(why, whylen, "%llu bytes after the body",
		    (unsigned long long)(cursor_left(&c) - blen));
		return -1;
	}
	if (crc_of(0, cursor_ptr(&c), blen) != bcrc)
		return bad(why, whylen, "body checksum mismatch");
	v->body = cursor_ptr(&c);
	v->body_len = blen;
	v->written.tv_sec = (time_t)sec;
	v->written.tv_usec = (suseconds_t)usec;
	return 0;
}

static void
path_in(char *buf, size_t len, const char *dir, const char *name)
{
	snprintf(buf, len, "%s/%s", dir, name);
}

enum checkpoint_read
checkpoint_read(const char *dir, uint8_t **data, size_t *len,
    struct checkpoint_view *v, char *why, size_t whylen)
{
	char path[4096];
	struct stat st;
	uint8_t *buf = NULL;
	size_t got = 0;
	ssize_t n;
	int fd;

	*data = NULL;
	*len = 0;
	path_in(path, sizeof(path), dir, CHECKPOINT_NAME);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1) {
		if (errno == ENOENT)
			return CHECKPOINT_READ_ABSENT;
		snprintf(why, whylen, "%s", strerror(errno));
		return CHECKPOINT_READ_ERROR;
	}
	if (fstat(fd, &st) == -1 || !S_ISREG(st.st_mode)) {
		snprintf(why, whylen, "%s", S_ISREG(st.st_mode) ?
		    strerror(errno) : "not a regular file");
		close(fd);
		return CHECKPOINT_READ_ERROR;
	}
	if ((buf = malloc((size_t)st.st_size + 1)) == NULL) {
		snprintf(why, whylen, "no memory for %lld bytes",
		    (long long)st.st_size);
		close(fd);
		return CHECKPOINT_READ_ERROR;
	}
	/* read to the end, not to st_size: the size is the file's word */
	while (got < (size_t)st.st_size + 1 &&
	    (n = read(fd, buf + got, (size_t)st.st_size + 1 - got)) != 0) {
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1) {
			snprintf(why, whylen, "%s", strerror(errno));
			free(buf);
			close(fd);
			return CHECKPOINT_READ_ERROR;
		}
		got += (size_t)n;
	}
	close(fd);
	*data = buf;
	*len = got;
	if (checkpoint_parse(buf, got, v, why, whylen) == -1)
		return CHECKPOINT_READ_REFUSED;
	return CHECKPOINT_READ_OK;
}

int
checkpoint_set_aside(const char *dir, const struct timeval *now,
    char *newpath, size_t len)
{
	char from[4096], stamp[32];
	struct tm tm;
	time_t t = now->tv_sec;
	int i;

	path_in(from, sizeof(from), dir, CHECKPOINT_NAME);
	gmtime_r(&t, &tm);
	strftime(stamp, sizeof(stamp), "%Y%m%dT%H%M%SZ", &tm);
	/* link() fails on an existing name, where rename() would replace */
	for (i = 0; i < 1000; i++) {
		if (i == 0)
			snprintf(newpath, len, "%s/%s.refused-%s", dir,
			    CHECKPOINT_NAME, stamp);
		else
			snprintf(newpath, len, "%s/%s.refused-%s-%d", dir,
			    CHECKPOINT_NAME, stamp, i);
		if (link(from, newpath) == 0)
			return unlink(from);
		if (errno != EEXIST)
			return -1;
	}
	errno = EEXIST;
	return -1;
}

int
checkpoint_lock(const char *dir, char *why, size_t whylen)
{
	char path[4096];
	int fd;

	if (mkdir(dir, 0700) == -1 && errno != EEXIST) {
		snprintf(why, whylen, "cannot make it: %s", strerror(errno));
		return -1;
	}
	path_in(path, sizeof(path), dir, "lock");
	if ((fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600)) == -1) {
		snprintf(why, whylen, "%s: %s", path, strerror(errno));
		return -1;
	}
	if (flock(fd, LOCK_EX | LOCK_NB) == -1) {
		snprintf(why, whylen, "%s", errno == EWOULDBLOCK ?
		    "in use by another rovmon (lock held)" : strerror(errno));
		close(fd);
		return -1;
	}
	return fd;
}

static int
write_all(int fd, const uint8_t *hdr, const uint8_t *body, size_t len)
{
	struct iovec iov[2];
	size_t done = 0, total = CHECKPOINT_HDR_LEN + len, skip;
	ssize_t n;
	int k;

	while (done < total) {
		k = 0;
		if (done < CHECKPOINT_HDR_LEN) {
			iov[k].iov_base = (void *)(uintptr_t)(hdr + done);
			iov[k++].iov_len = CHECKPOINT_HDR_LEN - done;
		}
		skip = done > CHECKPOINT_HDR_LEN ? done - CHECKPOINT_HDR_LEN : 0;
		if (len > skip) {
			iov[k].iov_base = (void *)(uintptr_t)(body + skip);
			iov[k++].iov_len = len - skip;
		}
		if ((n = writev(fd, iov, k)) == -1) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		done += (size_t)n;
	}
	return 0;
}

int
checkpoint_write(const char *dir, const uint8_t *body, size_t len,
    const struct timeval *when, char *why, size_t whylen)
{
	char tmp[4096], path[4096];
	uint8_t hdr[CHECKPOINT_HDR_LEN];
	const char *step;
	int fd = -1, dfd = -1, e;

	checkpoint_header(hdr, body, len, when);
	path_in(tmp, sizeof(tmp), dir, CHECKPOINT_NAME ".tmp");
	path_in(path, sizeof(path), dir, CHECKPOINT_NAME);
	step = "open";
	if ((fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
	    0600)) == -1)
		goto fail;
	step = "write";
	if (write_all(fd, hdr, body, len) == -1)
		goto fail;
	step = "fsync";
	if (fsync(fd) == -1)
		goto fail;
	step = "close";
	e = close(fd);
	fd = -1;
	if (e == -1)
		goto fail;
	step = "rename";
	if (rename(tmp, path) == -1)
		goto fail;
	step = "fsync of the directory";
	if ((dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1 ||
	    fsync(dfd) == -1)
		goto fail;
	close(dfd);
	return 0;
 fail:
	e = errno;
	snprintf(why, whylen, "%s: %s", step, strerror(e));
	if (fd != -1) {
		close(fd);
		unlink(tmp);
	}
	if (dfd != -1)
		close(dfd);
	errno = e;
	return -1;
}

/* ---- the writer thread ------------------------------------------------ */

struct checkpoint_writer {
	char		*dir;
	pthread_t	 t;
	bool		 running;	/* a write handed over, not polled */
	bool		 joined;	/* its thread joined (wait) */
	atomic_bool	 finished;
	struct rib_blob	 body;
	struct checkpoint_done done;	/* written by the thread until
					 * finished, then by the caller */
};

static void *
writer_main(void *arg)
{
	struct checkpoint_writer *w = arg;
	struct timespec t0, t1;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	w->done.rc = checkpoint_write(w->dir, w->body.p, w->body.len,
	    &w->done.when, w->done.why, sizeof(w->done.why));
	clock_gettime(CLOCK_MONOTONIC, &t1);
	w->done.seconds = (double)(t1.tv_sec - t0.tv_sec) +
	    (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	w->done.bytes = CHECKPOINT_HDR_LEN + w->body.len;
	atomic_store(&w->finished, true);
	return NULL;
}

struct checkpoint_writer *
checkpoint_writer_new(const char *dir)
{
	struct checkpoint_writer *w;

	if ((w = calloc(1, sizeof(*w))) == NULL)
		return NULL;
	if ((w->dir = strdup(dir)) == NULL) {
		free(w);
		return NULL;
	}
	atomic_init(&w->finished, false);
	return w;
}

bool
checkpoint_writer_busy(const struct checkpoint_writer *w)
{
	return w->running;
}

bool
checkpoint_writer_start(struct checkpoint_writer *w, struct rib_blob *body,
    const struct timeval *when)
{
	if (w->running)
		return false;
	memset(&w->done, 0, sizeof(w->done));
	w->done.when = *when;
	w->body = *body;
	atomic_store(&w->finished, false);
	if (thread_start(&w->t, writer_main, w) != 0) {
		memset(&w->body, 0, sizeof(w->body));
		return false;
	}
	memset(body, 0, sizeof(*body));
	w->running = true;
	return true;
}

bool
checkpoint_writer_poll(struct checkpoint_writer *w,
    struct checkpoint_done *out)
{
	if (!w->running)
		return false;
	if (!w->joined) {
		if (!atomic_load(&w->finished))
			return false;
		pthread_join(w->t, NULL);
	}
	w->running = false;
	w->joined = false;
	*out = w->done;
	out->body = w->body;	/* given back, for the next snapshot */
	memset(&w->body, 0, sizeof(w->body));
	return true;
}

void
checkpoint_writer_wait(struct checkpoint_writer *w)
{
	if (!w->running || w->joined)
		return;
	pthread_join(w->t, NULL);
	w->joined = true;
}

void
checkpoint_writer_free(struct checkpoint_writer *w)
{
	if (w == NULL)
		return;
	if (w->running && !w->joined)
		pthread_join(w->t, NULL);
	rib_blob_free(&w->body);
	free(w->dir);
	free(w);
}
