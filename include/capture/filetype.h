/*
 * filetype.h - what a file that is not a packet capture is, so that
 * `rovmon -r` can say so instead of libpcap's "unknown file format".
 *
 * Recognised from the first bytes (never from the name): compressed
 * files (gzip, bzip2, xz, zstd; for gzip also what it holds, by
 * inflating the start) and MRT files (RFC 6396), by their header layout:
 *
 *   timestamp (4) | type (2) | subtype (2) | length (4) | message
 *
 * with type 5 (the deprecated BGP of 1999-2000), 12 TABLE_DUMP, 13 TABLE_DUMP_V2, 16 BGP4MP, 17 BGP4MP_ET,
 * 32/33 ISIS(_ET) or 48/49 OSPFv3(_ET), a small subtype and a length
 * that fits; when the head holds a second record, it must be one too.
 */
#ifndef ROVMON_FILETYPE_H
#define ROVMON_FILETYPE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* How many leading bytes filetype_explain() wants to see. */
#define FILETYPE_HEAD	4096

/*
 * Explain head (len bytes, the start of the file named name in the
 * advice) in one phrase for "NAME: cannot read capture: <phrase>" into
 * buf (buflen bytes): what the file is and what to do.  Returns buf, or
 * NULL when the bytes are none of the above.
 */
const char	*filetype_explain(const uint8_t *head, size_t len,
		    const char *name, char *buf, size_t buflen);

/*
 * head (len bytes) starts like an MRT file, as above (rovmon -r reads
 * those itself: feed/mrt_read.h), or like a pcap or pcapng file.
 */
bool		 filetype_is_mrt(const uint8_t *head, size_t len);
bool		 filetype_is_capture(const uint8_t *head, size_t len);

#endif /* ROVMON_FILETYPE_H */
