/*
 * zread.h - a streaming reader of files that may be compressed: gzip
 * (RFC 1952, any number of members, as pigz and concatenation write
 * them) and bzip2 (any number of streams, as pbzip2 writes them) are
 * told by their magic bytes, never by the file's name, and decompressed
 * on the fly; anything else is passed through as it is.
 *
 * Bytes are handed out where they lie in the reader's own buffer
 * (zread_fill()/zread_consume()), so a record reader needs no copy and
 * no system call per record, or copied out (zread_read()) for stdio
 * (fopencookie) and libpcap.
 *
 * A compressed stream that ends early (a download cut short) or is
 * corrupt is not a read error for what came before it: everything that
 * decompressed is handed out, then the end comes, and zread_error()
 * says what was lost, for the caller's one line and exit status.
 */
#ifndef ROVMON_ZREAD_H
#define ROVMON_ZREAD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct zread;

enum zread_kind {
	ZREAD_PLAIN,
	ZREAD_GZIP,
	ZREAD_BZIP2,
};

/*
 * Open path ("-" = standard input, read through a duplicate of its
 * descriptor) and tell its kind from its first bytes.  NULL with errno
 * set when it cannot be opened or read, or when out of memory.
 */
struct zread	*zread_open(const char *path);
/* The same over fd, which the reader owns from now on (closed by
 * zread_close(), also on failure). */
struct zread	*zread_fdopen(int fd);
void		 zread_close(struct zread *);	/* NULL ok */

enum zread_kind	 zread_kind(const struct zread *);
/* "gzip", "bzip2", or NULL for a plain file. */
const char	*zread_kind_name(const struct zread *);

/*
 * Make want decompressed bytes available at *p (the reader's buffer,
 * valid until the next call other than zread_consume()), reading on as
 * needed.  Returns how many are there: want, or fewer only at the end
 * of the data (0: nothing left); -1 when out of memory.  A read error
 * or a damaged stream ends the data early (zread_error() says why).
 */
ssize_t		 zread_fill(struct zread *, size_t want, const uint8_t **p);
/* n bytes of those zread_fill() made available are used. */
void		 zread_consume(struct zread *, size_t n);
/* Copy up to n bytes into buf: how many, 0 at the end, -1 when out of
 * memory. */
ssize_t		 zread_read(struct zread *, void *buf, size_t n);
/* Decompressed bytes handed out (consumed) so far. */
uint64_t	 zread_offset(const struct zread *);
/* Bytes read from the file so far, and its size (0 if not a regular
 * file): for a progress figure. */
uint64_t	 zread_raw_offset(const struct zread *);
uint64_t	 zread_raw_size(const struct zread *);

/*
 * Why the data ended before the file's: "gzip stream truncated",
 * "bzip2 stream corrupt (data error)", "read error: ...", or NULL when
 * it ended where the file did.  Meaningful once zread_fill() returned
 * less than wanted.
 */
const char	*zread_error(const struct zread *);

#endif /* ROVMON_ZREAD_H */
