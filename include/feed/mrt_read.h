/*
 * mrt_read.h - MRT archives in (RFC 6396, RFC 8050 ADD-PATH): records
 * cut from a (possibly compressed) stream, and each record's BGP
 * messages fed to the sessions of a feed_table.
 *
 * BGP4MP and BGP4MP_ET: MESSAGE, MESSAGE_AS4, their LOCAL and ADDPATH
 * variants are whole BGP messages of a session keyed by (peer address,
 * peer AS, local address, local AS), ports 0; the LOCAL ones go local
 * -> peer, the rest peer -> local; the subtype states the encodings
 * (4-octet AS, ADD-PATH).  STATE_CHANGE(_AS4) out of Established, or
 * into Idle, Connect or Active, ends the key's session (feed_session_
 * down(), "MRT state change: Established -> Idle"); into OpenSent or
 * OpenConfirm on the way up, or into Established, changes nothing.  TABLE_DUMP_V2 RIB entries and legacy TABLE_DUMP
 * entries each become one UPDATE announcing the entry's prefix with its
 * attributes (IPv6: the abbreviated MP_REACH_NLRI of RFC 6396 4.3.4
 * made a full one), from the peer the entry names to a local end of
 * the unspecified address and AS 0, at the entry's originated time.
 * Other types and subtypes are counted and skipped, one log line a kind.
 *
 * Every route event's pkt_num is the record's 1-based number in the
 * file (every record counted, skipped ones too); its time the record's
 * (with the microseconds of the _ET types), or the RIB entry's.
 */
#ifndef ROVMON_MRT_READ_H
#define ROVMON_MRT_READ_H

#include <stddef.h>
#include <stdint.h>

#include "capture/packet.h"

struct feed_table;
struct mrt_read;
struct mrt_file;
struct zread;

/* One record as cut from the stream; body points into the input. */
struct mrt_record {
	struct packet	 pkt;		/* num, ts (+ usec of _ET); data NULL */
	uint16_t	 type, subtype;
	const uint8_t	*body;		/* after the common header (and the
					 * _ET microseconds) */
	size_t		 len;
};

/*
 * Cut one record from buf[0..len) (the common header and its message),
 * numbered num: the bytes it takes (12 + its length), 0 when buf holds
 * less than a whole record, or -1 (with why) when the header is not a
 * plausible MRT header (its length over MRT_READ_MAX, an _ET record too
 * short for its microseconds).
 */
long		 mrt_record_cut(const uint8_t *buf, size_t len, uint64_t num,
		    struct mrt_record *rec, const char **why);

/* Records longer than this are refused (a table's largest entry is a
 * few hundred KiB; RFC 8654 messages at most 64 KiB). */
#define MRT_READ_MAX	(16u * 1024 * 1024)

/*
 * The decoder of records into sessions of t (not owned; outlives it).
 * name (copied) names the file in log lines.  NULL when out of memory.
 */
struct mrt_read	*mrt_read_new(struct feed_table *t, const char *name);
void		 mrt_read_free(struct mrt_read *);	/* NULL ok */
/*
 * Feed one record's messages to their sessions.  A malformed record or
 * a refused message is logged (name, record number, why) and counted;
 * the next record is read as usual.
 */
void		 mrt_read_record(struct mrt_read *, const struct mrt_record *);

/*
 * Records from a stream.  The file takes z (freed by mrt_file_free()).
 * name (copied) for the log lines.  NULL when out of memory.
 */
struct mrt_file	*mrt_file_new(struct zread *z, const char *name);
/*
 * The next record into *rec (valid until the next call): 1; 0 at the
 * end of the file; -1 when data was lost: a cut or damaged stream, a
 * truncated last record or an implausible header.  Logged in one line
 * naming the file and the record number; what came before was handed
 * out.
 */
int		 mrt_file_next(struct mrt_file *, struct mrt_record *rec);
/* Records cut so far. */
uint64_t	 mrt_file_records(const struct mrt_file *);
void		 mrt_file_free(struct mrt_file *);	/* NULL ok */

#endif /* ROVMON_MRT_READ_H */
