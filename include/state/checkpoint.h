/*
 * checkpoint.h - the checkpoint file of --state-dir (docs/state.md): a
 * header (magic, version, when it was taken, the body's length and
 * CRC-32, the header's own CRC-32) and a body (state/rib_save.h), written
 * atomically, read and checked whole, and set aside when refused.
 *
 *   DIR/checkpoint            the last complete checkpoint
 *   DIR/checkpoint.tmp        one being written (renamed when complete)
 *   DIR/checkpoint.refused-YYYYmmddTHHMMSSZ[-N]  a refused one, kept
 *   DIR/lock                  flock(2): one rovmon per directory
 *
 * The writer thread takes a body the packet thread serialized (the
 * snapshot) and does the slow part: checksum, write, fsync, rename,
 * fsync of the directory.
 */
#ifndef ROVMON_CHECKPOINT_H
#define ROVMON_CHECKPOINT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/time.h>

#include "state/rib_save.h"

#define CHECKPOINT_MAGIC	"ROVMONCK"
#define CHECKPOINT_VERSION	1
#define CHECKPOINT_HDR_LEN	48
#define CHECKPOINT_NAME		"checkpoint"

/* A checkpoint's bytes, checked (checkpoint_parse()); body points into
 * the bytes it was parsed from. */
struct checkpoint_view {
	const uint8_t	*body;
	size_t		 body_len;
	struct timeval	 written;	/* when it was taken (wall time) */
};

/* The header of body (48 bytes at hdr), taken at *when. */
void	checkpoint_header(uint8_t *hdr, const uint8_t *body, size_t len,
	    const struct timeval *when);
/*
 * Check a whole file's bytes: 0 and *v, or -1 with why naming the
 * reason ("not a rovmon checkpoint", "version 2, this rovmon reads
 * version 1", "truncated: ...", "body checksum mismatch", ...).
 */
int	checkpoint_parse(const uint8_t *p, size_t len,
	    struct checkpoint_view *v, char *why, size_t whylen);

enum checkpoint_read {
	CHECKPOINT_READ_OK,
	CHECKPOINT_READ_ABSENT,		/* no DIR/checkpoint */
	CHECKPOINT_READ_REFUSED,	/* read, but not a good one: why */
	CHECKPOINT_READ_ERROR,		/* could not be read: why */
};

/*
 * Read DIR/checkpoint whole into *data (malloc'd, the caller frees; also
 * on REFUSED) and check it into *v.
 */
enum checkpoint_read checkpoint_read(const char *dir, uint8_t **data,
	    size_t *len, struct checkpoint_view *v, char *why, size_t whylen);
/*
 * Rename DIR/checkpoint to DIR/checkpoint.refused-TIME (with -N when
 * that exists: nothing is ever overwritten); the new path in newpath.
 * 0, or -1 (errno).
 */
int	checkpoint_set_aside(const char *dir, const struct timeval *now,
	    char *newpath, size_t len);
/* Make DIR (0700) if absent and lock DIR/lock: the descriptor, or -1
 * with why (another rovmon holds it, or an error). */
int	checkpoint_lock(const char *dir, char *why, size_t whylen);
/*
 * Write header + body to DIR/checkpoint.tmp, fsync, rename over
 * DIR/checkpoint, fsync DIR.  0, or -1 with why (errno's text).
 */
int	checkpoint_write(const char *dir, const uint8_t *body, size_t len,
	    const struct timeval *when, char *why, size_t whylen);

/*
 * The writer thread: one write at a time, off the packet thread.
 * Packet thread only calls these.
 */
struct checkpoint_writer;

struct checkpoint_done {
	int		 rc;		/* checkpoint_write()'s */
	char		 why[256];
	size_t		 bytes;		/* header + body */
	double		 seconds;	/* the write, fsyncs included */
	struct timeval	 when;		/* the snapshot's time */
	struct rib_blob	 body;		/* the body, given back: the
					 * caller frees or reuses it */
};

struct checkpoint_writer *checkpoint_writer_new(const char *dir);
/* Hand over body (the writer frees it; *body is zeroed): false (body
 * not taken) while the last write is still running or the thread cannot
 * start. */
bool	checkpoint_writer_start(struct checkpoint_writer *,
	    struct rib_blob *body, const struct timeval *when);
/* true once per finished write, with its outcome and the body. */
bool	checkpoint_writer_poll(struct checkpoint_writer *,
	    struct checkpoint_done *);
bool	checkpoint_writer_busy(const struct checkpoint_writer *);
/* Wait for a running write to finish (then poll for its outcome). */
void	checkpoint_writer_wait(struct checkpoint_writer *);
void	checkpoint_writer_free(struct checkpoint_writer *);	/* waits */

#endif /* ROVMON_CHECKPOINT_H */
