/*
 * daemon.h - running as a service: detaching (-D), the pid file
 * (--pidfile) and dropping privileges (-Z USER, --chroot DIR).
 *
 * Detaching happens early, before any thread starts (the VRP watchers
 * and network sinks run threads, which fork() would lose), but the
 * parent waits: it exits only when the daemon calls daemon_ready() after
 * a successful start (exit 0), or with the daemon's own exit status if
 * start-up failed.  Until then the daemon's stderr is still the caller's
 * terminal, so start-up errors are seen; after daemon_ready() stdin,
 * stdout and stderr are /dev/null, and the caller sends its diagnostics
 * to syslog instead (log_set_dest(), log.h; connected with
 * log_syslog_open() before any chroot).  Use foreground mode under
 * systemd (its journal keeps stderr).
 */
#ifndef ROVMON_DAEMON_H
#define ROVMON_DAEMON_H

/*
 * Fork twice with setsid() between, chdir("/"), stdin and stdout to
 * /dev/null.  Returns in the daemon only (0), or -1 before forking
 * (reported).  The original process exits from here.
 */
int	daemon_detach(void);
/* Start-up succeeded: release the waiting parent, stderr to /dev/null.
 * A no-op when not detached. */
void	daemon_ready(void);

/*
 * Create path exclusively (O_EXCL) holding our pid.  A pid file left by
 * a process that no longer exists is replaced; one of a live process is
 * an error.  0 or -1 (reported).
 */
int	daemon_pidfile_create(const char *path);
/* Remove it if daemon_pidfile_create() made it and it still holds our pid. */
void	daemon_pidfile_remove(const char *path);

/*
 * Become user (supplementary groups from the group database, then gid,
 * then uid), after chroot(dir) when dir is not NULL; check that root
 * cannot be regained.  0 or -1 (reported).
 */
int	daemon_drop_privileges(const char *user, const char *chroot_dir);

#endif /* ROVMON_DAEMON_H */
