/*
 * capture_file.c - capture files and standard input: opening them for
 * libpcap with a large buffer, saying what a refused file is, and the
 * reader of classic pcap records that takes over from libpcap.
 *
 * Files are opened here, not by pcap_open_offline(): libpcap reads them
 * with two fread()s per record through a stdio FILE, and glibc gives a
 * FILE a 4 KiB buffer (and ignores the size in setvbuf(fp, NULL, ...)),
 * so a 92 MB full-table capture took 22,600 read(2) calls.  Our own
 * CAPTURE_FILE_BUFFER-byte buffer cuts that 32-fold.  Larger buffers
 * measured slower: the buffer should stay in L2 while libpcap copies
 * records out of it.
 *
 * Classic pcap files (the common case, and what tcpdump -w writes) are
 * then read by this file itself: libpcap still opens the file, checks
 * its header and supplies the link type, snapshot length and filter
 * compiler, but the records are read with pread(2) into one buffer and
 * handed out where they lie, without libpcap's two fread() calls and
 * copy per record (see "Records of classic pcap files" below).
 */
#include <sys/stat.h>

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <pcap/pcap.h>

#include "capture/capture.h"
#include "capture/capture_internal.h"
#include "base/cursor.h"
#include "capture/filetype.h"
#include "base/log.h"
#include "base/zread.h"

#define CAPTURE_FILE_BUFFER	(128 * 1024)

/* Classic pcap file format (pcap-savefile(5)): 24-octet file header. */
#define PCAP_FILE_HDR_LEN	24
#define PCAP_REC_HDR_LEN	16
/*
 * libpcap's MAXIMUM_SNAPLEN: what max_snaplen_for_dlt() gives for every
 * link type decode_link_supported() accepts (only D-Bus, EBHSCR and
 * USBPcap differ, and capture_setup() refuses those).
 */
#define PCAP_MAX_CAPLEN		262144

/*
 * Records of classic pcap files.
 *
 * pcap-savefile(5): after the 24-octet file header, each record is
 *   ts_sec (4) | ts_usec or ts_nsec (4) | caplen (4) | len (4) | caplen octets
 * in the byte order of the file's magic number.
 *
 * This reader takes over from libpcap only where it gives exactly what
 * libpcap's pcap_next_ex() would (libpcap 1.10 sf-pcap.c
 * pcap_next_packet()), byte for byte, including the error messages:
 * a named regular file (not stdin: its offset is not ours to assume)
 * whose magic is the microsecond or nanosecond one, version 2.4 or
 * later (2.3 and older may have caplen and len swapped), not byte
 * swapped relative to this host (libpcap then rewrites some link-layer
 * pseudo-headers), with a positive snapshot length.  Everything else,
 * pcapng included, stays with libpcap.
 *
 * The records are read with pread(2) from the file offset right after
 * the header (libpcap's FILE has read ahead on the same descriptor, so
 * its offset is not used) into rd_buf, and handed out where they lie.
 * Every read of the buffer goes through a cursor.
 */

/* Called once libpcap has accepted the file; fp is libpcap's FILE. */
static void
rd_start(struct capture *cap, FILE *fp)
{
	uint8_t hdr[PCAP_FILE_HDR_LEN];
	struct cursor c;
	struct stat st;
	uint32_t magic;
	int fd = fileno(fp);

	if (fd == -1 || fstat(fd, &st) == -1 || !S_ISREG(st.st_mode) ||
	    pread(fd, hdr, sizeof(hdr), 0) != (ssize_t)sizeof(hdr) ||
	    pcap_is_swapped(cap->pcap) || pcap_major_version(cap->pcap) != 2 ||
	    pcap_minor_version(cap->pcap) < 4 || pcap_snapshot(cap->pcap) <= 0)
		return;
	cursor_init(&c, hdr, sizeof(hdr));
	(void)cursor_get_u32le(&c, &magic);
	switch (magic) {
	case 0xa1b2c3d4:		/* microseconds, little-endian */
	case 0xd4c3b2a1:		/* microseconds, big-endian */
		cap->rd_nsec = false;
		break;
	case 0xa1b23c4d:		/* nanoseconds, little-endian */
	case 0x4d3cb2a1:		/* nanoseconds, big-endian */
		cap->rd_nsec = true;
		break;
	default:			/* e.g. the patched "Kuznetzov" one */
		return;
	}
	if ((cap->rd_buf = malloc(CAPTURE_FILE_BUFFER)) == NULL)
		return;			/* libpcap reads it then */
	cap->rd_le = magic == 0xa1b2c3d4 || magic == 0xa1b23c4d;
	cap->rd_cap = CAPTURE_FILE_BUFFER;
	cap->rd_fd = fd;
	cap->rd_off = PCAP_FILE_HDR_LEN;
	cap->rd_snap = (uint32_t)pcap_snapshot(cap->pcap);
	cap->rd = true;
}

/*
 * Make want bytes from rd_pos on available in rd_buf, reading on from the
 * file; returns how many are there (less only at the end of the file),
 * -1 with errno set on a read error, -2 when the buffer cannot grow.
 */
static ssize_t
rd_fill(struct capture *cap, size_t want)
{
	size_t have = cap->rd_len - cap->rd_pos, cap2;
	uint8_t *nb;
	ssize_t n;

	if (have >= want)
		return (ssize_t)want;
	if (cap->rd_pos > 0) {
		memmove(cap->rd_buf, cap->rd_buf + cap->rd_pos, have);
		cap->rd_pos = 0;
		cap->rd_len = have;
	}
	if (want > cap->rd_cap) {
		/* A record longer than the buffer: at most the maximum. */
		for (cap2 = cap->rd_cap; cap2 < want; cap2 *= 2)
			;
		if ((nb = realloc(cap->rd_buf, cap2)) == NULL)
			return -2;
		cap->rd_buf = nb;
		cap->rd_cap = cap2;
	}
	while (cap->rd_len < want) {
		n = pread(cap->rd_fd, cap->rd_buf + cap->rd_len,
		    cap->rd_cap - cap->rd_len, cap->rd_off);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1)
			return -1;
		if (n == 0)
			break;		/* end of file */
		cap->rd_len += (size_t)n;
		cap->rd_off += n;
	}
	return (ssize_t)(cap->rd_len < want ? cap->rd_len : want);
}

static int
rd_u32(struct cursor *c, bool le, uint32_t *v)
{
	return le ? cursor_get_u32le(c, v) : cursor_get_u32(c, v);
}

/* pcap_next_ex()'s results: 1 a record, PCAP_ERROR_BREAK at the end,
 * PCAP_ERROR with the reason in rd_err. */
int
capture_rd_next(struct capture *cap, struct pcap_pkthdr **h,
    const u_char **data)
{
	struct pcap_pkthdr *ph = &cap->rd_hdr;
	struct cursor c;
	uint32_t sec = 0, frac = 0, caplen = 0, len = 0;
	ssize_t got;

	if ((got = rd_fill(cap, PCAP_REC_HDR_LEN)) == -1)
		goto readerr;
	if (got == 0)
		return PCAP_ERROR_BREAK;
	if (got < PCAP_REC_HDR_LEN) {
		snprintf(cap->rd_err, sizeof(cap->rd_err), "truncated dump file; "
		    "tried to read %d header bytes, only got %zd",
		    PCAP_REC_HDR_LEN, got);
		return PCAP_ERROR;
	}
	/* c holds the 16 octets of the record header: these cannot fail. */
	cursor_init(&c, cap->rd_buf + cap->rd_pos, PCAP_REC_HDR_LEN);
	(void)rd_u32(&c, cap->rd_le, &sec);
	(void)rd_u32(&c, cap->rd_le, &frac);
	(void)rd_u32(&c, cap->rd_le, &caplen);
	(void)rd_u32(&c, cap->rd_le, &len);
	/* As libpcap: 32-bit signed fields, nanoseconds scaled down. */
	ph->ts.tv_sec = (int32_t)sec;
	ph->ts.tv_usec = (int32_t)frac;
	if (cap->rd_nsec)
		ph->ts.tv_usec /= 1000;
	ph->len = len;
	if (caplen > PCAP_MAX_CAPLEN) {
		if (caplen > cap->rd_snap)
			snprintf(cap->rd_err, sizeof(cap->rd_err),
			    "invalid packet capture length %u, bigger than "
			    "snaplen of %d", caplen, (int)cap->rd_snap);
		else
			snprintf(cap->rd_err, sizeof(cap->rd_err),
			    "invalid packet capture length %u, bigger than "
			    "maximum of %u", caplen, (unsigned)PCAP_MAX_CAPLEN);
		return PCAP_ERROR;
	}
	if ((got = rd_fill(cap, PCAP_REC_HDR_LEN + (size_t)caplen)) == -2) {
		snprintf(cap->rd_err, sizeof(cap->rd_err), "out of memory");
		return PCAP_ERROR;	/* libpcap's words when it cannot grow */
	}
	if (got == -1)
		goto readerr;
	got -= PCAP_REC_HDR_LEN;
	if ((size_t)got < caplen) {
		/* libpcap reads up to the snapshot length first. */
		snprintf(cap->rd_err, sizeof(cap->rd_err), "truncated dump "
		    "file; tried to read %u captured bytes, only got %zd",
		    caplen > cap->rd_snap && (size_t)got < cap->rd_snap ?
		    cap->rd_snap : caplen, got);
		return PCAP_ERROR;
	}
	/* Longer than the snapshot length: cut, the rest is skipped. */
	ph->caplen = caplen > cap->rd_snap ? cap->rd_snap : caplen;
	*h = ph;
	*data = cap->rd_buf + cap->rd_pos + PCAP_REC_HDR_LEN;
	cap->rd_pos += PCAP_REC_HDR_LEN + (size_t)caplen;
	return 1;
readerr:
	snprintf(cap->rd_err, sizeof(cap->rd_err), "error reading dump file: %s",
	    strerror(errno));
	return PCAP_ERROR;
}

/* Keep the first bytes read (for explain(), if libpcap refuses them). */
static void
keep_head(struct stdin_src *in, const char *buf, size_t n)
{
	size_t keep;

	if (in->headlen >= sizeof(in->head))
		return;
	keep = sizeof(in->head) - in->headlen;
	if (keep > n)
		keep = n;
	memcpy(in->head + in->headlen, buf, keep);
	in->headlen += keep;
}

static ssize_t
stdin_read(void *cookie, char *buf, size_t size)
{
	struct stdin_src *in = cookie;
	ssize_t n;

	if ((n = read(in->fd, buf, size)) > 0)
		keep_head(in, buf, (size_t)n);
	return n;
}

static int
stdin_close(void *cookie)
{
	struct stdin_src *in = cookie;

	return close(in->fd);
}

/* The same over a zread (compressed files, and stdin once rovmon has
 * looked at its first bytes). */
static ssize_t
zsrc_read(void *cookie, char *buf, size_t size)
{
	struct stdin_src *in = cookie;
	ssize_t n;

	if ((n = zread_read(in->z, buf, size)) < 0) {
		errno = ENOMEM;
		return -1;
	}
	keep_head(in, buf, (size_t)n);
	return n;
}

static int
zsrc_close(void *cookie)
{
	struct stdin_src *in = cookie;

	zread_close(in->z);
	in->z = NULL;
	return 0;
}

/*
 * Open path ("-" = stdin) for libpcap with a large stdio buffer.  stdin is
 * read through a FILE of our own on a duplicate descriptor (struct
 * stdin_src), so that pcap_close() can fclose() it and the buffer can be
 * freed after it.  NULL with errno set on failure.
 */
static FILE *
capture_fopen(struct capture *cap, const char *path)
{
	static const cookie_io_functions_t io = { stdin_read, NULL, NULL,
	    stdin_close };
	FILE *fp;
	int saved;

	if (strcmp(path, "-") == 0) {
		if ((cap->in = calloc(1, sizeof(*cap->in))) == NULL)
			return NULL;
		if ((cap->in->fd = dup(STDIN_FILENO)) == -1)
			return NULL;
		if ((fp = fopencookie(cap->in, "rb", io)) == NULL) {
			saved = errno;
			close(cap->in->fd);
			errno = saved;
			return NULL;
		}
	} else if ((fp = fopen(path, "rb")) == NULL)
		return NULL;
	/* Without the buffer, stdio's own small one still works. */
	if ((cap->iobuf = malloc(CAPTURE_FILE_BUFFER)) != NULL &&
	    setvbuf(fp, cap->iobuf, _IOFBF, CAPTURE_FILE_BUFFER) != 0) {
		free(cap->iobuf);
		cap->iobuf = NULL;
	}
	return fp;
}

/*
 * libpcap refused fp: say what it is if filetype.h knows (NULL if not).
 * The first bytes come from the file itself, or for stdin from the copy
 * its cookie kept.
 */
static const char *
explain(struct capture *cap, FILE *fp, const char *path, char *buf,
    size_t len)
{
	uint8_t head[FILETYPE_HEAD];
	ssize_t n;

	if (cap->in != NULL)
		return filetype_explain(cap->in->head, cap->in->headlen,
		    strcmp(path, "-") == 0 ? "FILE" : path, buf, len);
	if ((n = pread(fileno(fp), head, sizeof(head), 0)) <= 0)
		return NULL;
	return filetype_explain(head, (size_t)n, path, buf, len);
}

/*
 * libpcap reads fp (pcap and pcapng alike; it fcloses fp from now on,
 * also when it refuses it, here): the rest of an open.
 */
static struct capture *
open_fp(struct capture *cap, FILE *fp, const char *path, const char *filter)
{
	char errbuf[PCAP_ERRBUF_SIZE], hint[512];
	const char *what;
	struct stat st;

	errbuf[0] = '\0';
	if (fileno(fp) != -1 && fstat(fileno(fp), &st) == 0 &&
	    S_ISREG(st.st_mode))
		cap->file_size = (uint64_t)st.st_size;
	if ((cap->pcap = pcap_fopen_offline(fp, errbuf)) == NULL) {
		what = explain(cap, fp, path, hint, sizeof(hint));
		fclose(fp);
		/* libpcap's message often names the file already. */
		if (what != NULL)
			log_warnx("%s: cannot read capture: %s", cap->name, what);
		else if (strstr(errbuf, path) != NULL)
			log_warnx("cannot read capture: %s", errbuf);
		else
			log_warnx("%s: cannot read capture: %s", cap->name,
			    errbuf);
		goto fail;
	}
	if (capture_setup(cap, filter) == -1)
		goto fail;
	if (strcmp(path, "-") != 0 && cap->in == NULL)
		rd_start(cap, fp);
	return cap;
fail:
	capture_close(cap);
	return NULL;
}

struct capture *
capture_open_offline(const char *path, const char *filter)
{
	struct capture *cap;
	FILE *fp;

	if ((cap = capture_new(path, false)) == NULL)
		return NULL;
	if ((fp = capture_fopen(cap, path)) == NULL) {
		/* The words libpcap's own fopen() failure gives. */
		log_warnx("cannot read capture: %s: %s", cap->name,
		    strerror(errno));
		capture_close(cap);
		return NULL;
	}
	return open_fp(cap, fp, path, filter);
}

struct capture *
capture_open_zread(struct zread *z, const char *path, const char *filter)
{
	static const cookie_io_functions_t io = { zsrc_read, NULL, NULL,
	    zsrc_close };
	struct capture *cap;
	FILE *fp;

	if ((cap = capture_new(path, false)) == NULL) {
		zread_close(z);
		return NULL;
	}
	if ((cap->in = calloc(1, sizeof(*cap->in))) == NULL ||
	    (fp = fopencookie(cap->in, "rb", io)) == NULL) {
		log_warnx("cannot read capture: %s: %s", cap->name,
		    strerror(errno));
		zread_close(z);
		capture_close(cap);
		return NULL;
	}
	cap->in->fd = -1;
	cap->in->z = z;
	if ((cap->iobuf = malloc(CAPTURE_FILE_BUFFER)) != NULL &&
	    setvbuf(fp, cap->iobuf, _IOFBF, CAPTURE_FILE_BUFFER) != 0) {
		free(cap->iobuf);
		cap->iobuf = NULL;
	}
	return open_fp(cap, fp, path, filter);
}

const char *
capture_stream_error(const struct capture *cap)
{
	return cap->in != NULL && cap->in->z != NULL ?
	    zread_error(cap->in->z) : NULL;
}
