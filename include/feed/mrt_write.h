/*
 * mrt_write.h - rovmon --write-mrt FILE: every BGP message of the
 * captured sessions, with their state changes, as MRT BGP4MP_ET records
 * (RFC 6396 sections 3 and 4.4, RFC 8050 section 3 for ADD-PATH), so a
 * capture can be archived, read by bgpdump and the like, and read back
 * by `rovmon -r FILE` with the same route events (docs/deployment.md,
 * "Archiving captures as MRT").
 *
 * Fed by the bgp_sink's message tap (every whole message, with the
 * encodings it is decoded with) and its session events, on the packet
 * thread.  Each captured session (bgp_msg_ctx.session_id) becomes one
 * MRT session key (peer address and AS, local address and AS): its
 * "peer" is the session's endpoint 0 (the sender of its direction 0, as
 * the session event after its first message names it), its "local" end
 * the other, whose messages get the *_LOCAL subtypes, so that a re-read
 * has the same directions.  A session's first records are held until its
 * ASes are known (both OPENs, or the first message that is not an OPEN),
 * so that every record of it carries the same key; records are written
 * in the order they came.
 */
#ifndef ROVMON_MRT_WRITE_H
#define ROVMON_MRT_WRITE_H

#include "bgp/bgp.h"

struct mrt_writer;

/*
 * Open path for appending ("-" = standard output), created 0640 less
 * the umask and never truncated, as --routes: an MRT file is a sequence
 * of records, so runs appended to one file read as one.  NULL with the
 * error logged.  mrt_writer_close() frees.
 */
struct mrt_writer *mrt_writer_open(const char *path);
/* bgp_sink.message: one whole message (ctx->msg, header included) of
 * the session ctx->session_id, decoded with the encodings enc
 * (BGP_ENC_*). */
void	mrt_writer_message(struct mrt_writer *, const struct bgp_msg_ctx *,
	    unsigned enc);
/* bgp_sink.session: BGP_SESS_DOWN writes Established -> Idle and forgets
 * the session; BGP_SESS_CAPTURE_END forgets it (no record: a re-read
 * ends the same way); other events write nothing. */
void	mrt_writer_session(struct mrt_writer *, const struct bgp_msg_ctx *,
	    const struct bgp_session_info *);
/* Write out what is buffered (a quiet link).  NULL ok. */
void	mrt_writer_flush(struct mrt_writer *);
/*
 * SIGHUP: open the path again and switch to it after writing what is
 * buffered into the old file.  On failure keep the old file, warn once
 * (until a reopen works), -1.  0 when reopened, for "-" and for NULL.
 */
int	mrt_writer_reopen(struct mrt_writer *);
/*
 * Write everything held and buffered, close, free.  0, or -1 when a
 * record could not be written (the first failure was logged with the
 * file name when it happened; the count of lost records is logged
 * here).  NULL ok.
 */
int	mrt_writer_close(struct mrt_writer *);

#endif /* ROVMON_MRT_WRITE_H */
