/*
 * fuzz_common.h - what the libFuzzer targets share: quiet set-up, a
 * fixed VRP set, and the packet pipeline wired as src/rovmon/rovmon_loop.c wires it
 * (decode_packet -> reasm -> bgp_session -> bgp_update -> validator ->
 * route log and alerting), with every output going to /dev/null.
 *
 * Nothing here is used by rovmon itself; see tests/fuzz/README.md.
 */
#ifndef ROVMON_FUZZ_COMMON_H
#define ROVMON_FUZZ_COMMON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bgp/bgp.h"
#include "capture/packet.h"
#include "capture/reasm.h"

#ifndef FUZZ_TOPDIR
#define FUZZ_TOPDIR	"."
#endif

/* libFuzzer's entry points (C linkage; defined by each target). */
int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);
int	LLVMFuzzerInitialize(int *, char ***);

/*
 * Once per process: diagnostics at debug level (FUZZ_VERBOSE=0..2
 * overrides; run.sh discards them with -close_fd_mask=3), SIGPIPE
 * ignored, the validator loaded with a small fixed VRP set (VALID,
 * INVALID by AS, by length and AS0 all reachable, IPv4 and IPv6), a
 * second index for revalidation, the route log on /dev/null.
 */
void	fz_init(void);

/*
 * The bgp_sink rovmon_loop.c builds (on_route/on_session), optionally with
 * the alerting stage.  Building that stage (rules file, sinks, RIB)
 * costs more than most inputs, so one instance lives for the process;
 * fz_out_end() empties its RIB again: revalidation against the second
 * index, then session-down for every session the input created (or a
 * fresh instance when there were too many to track).
 */
#define FZ_MAX_SIDS	64
struct fz_out {
	struct alerting	*alerting;	/* NULL: route log only */
	uint64_t	 sids[FZ_MAX_SIDS];	/* sessions seen */
	size_t		 nsids;
	bool		 sids_overflow;
};
void	fz_out_begin(struct fz_out *, bool alerting);
void	fz_out_end(struct fz_out *, const struct timeval *now);
void	fz_sink_init(struct bgp_sink *, struct fz_out *);

/* The whole packet path for one input. */
struct fz_pipe {
	struct reasm	*reasm;
	struct fz_out	 out;
	struct bgp_sink	 sink;
	struct packet	 last;		/* as rovmon_loop.c: for reasm_finish */
};
/* small: tiny reassembly limits (4 flows, 4 KiB per flow, 16 KiB in
 * all, 1 s gap timeout) so eviction and cap paths run; alerting: the
 * rules/rovmon.rules alerting stage with a file sink on /dev/null. */
void	fz_pipe_begin(struct fz_pipe *, bool small, bool alerting);
void	fz_pipe_packet(struct fz_pipe *, const struct packet *);
/* reasm_finish, then (alerting) a revalidation against the second
 * index, then everything freed. */
void	fz_pipe_end(struct fz_pipe *);

/*
 * An in-memory file with a path, for APIs that take a path
 * (capture_open_offline, rules_load, validator_load): the contents are
 * replaced by data[0..len) and "/proc/self/fd/N" is returned (static).
 */
struct fz_file {
	int	fd;
	char	path[64];
};
void	 fz_file_open(struct fz_file *, const char *name);
const char *fz_file_set(struct fz_file *, const void *data, size_t len);

/* Big-endian reads of fuzz input that never fail (0 past the end). */
struct fz_in {
	const uint8_t	*p;
	size_t		 len;
};
uint8_t	 fz_u8(struct fz_in *);
uint16_t fz_u16(struct fz_in *);
/* Up to n bytes; *got is how many. */
const uint8_t *fz_take(struct fz_in *, size_t n, size_t *got);

#endif /* ROVMON_FUZZ_COMMON_H */
