/*
 * rovmon_state.h - --state-dir (docs/state.md): the checkpoint restored
 * at start (or refused and set aside), written every
 * --checkpoint-interval from the main loop (the snapshot on the packet
 * thread, the write on a thread of its own) and at the end, with their
 * statistics and sensor events (checkpoint-refused, -restored, -failed).
 */
#ifndef ROVMON_ROVMON_STATE_H
#define ROVMON_ROVMON_STATE_H

#include <sys/time.h>

struct rovmon;

/*
 * With --state-dir: lock the directory and restore its checkpoint into
 * rv->alerting's RIB (alerting and the validator set up).  0 (restored,
 * none, or refused and set aside: rovmon starts empty), or -1 with one
 * line said (the directory cannot be made or is locked, the checkpoint
 * cannot be read): a setup error.
 */
int	rovmon_state_start(struct rovmon *rv);
/* Between packets: the last write's outcome, and a checkpoint when one
 * is due (now: capture time with -r, wall time with -i). */
void	rovmon_state_tick(struct rovmon *rv, const struct timeval *now);
/* The end of the run (SIGTERM, SIGINT, the end of a file): wait for a
 * write in progress, write the last checkpoint, release the directory.
 * 0, or -1 when it could not be written (said). */
int	rovmon_state_finish(struct rovmon *rv);

#endif /* ROVMON_ROVMON_STATE_H */
