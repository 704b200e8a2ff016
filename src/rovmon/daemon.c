/*
 * daemon.c - detaching, the pid file, dropping privileges.
 *
 * The readiness pipe: the original process forks and then blocks reading
 * a pipe; the daemon (the grandchild) writes one byte when start-up has
 * succeeded.  End of file without that byte means the daemon died during
 * start-up; the parent then reports exit 3 (fatal setup), the daemon's
 * own messages having gone to the still-shared stderr.
 */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "rovmon/daemon.h"
#include "base/log.h"

static int ready_fd = -1;	/* write end of the readiness pipe */
static pid_t pidfile_pid;	/* the pid we wrote, 0 if none */

static int
devnull(int fd)
{
	int nfd;

	if ((nfd = open("/dev/null", O_RDWR)) == -1)
		return -1;
	if (nfd != fd && (dup2(nfd, fd) == -1 || close(nfd) == -1))
		return -1;
	return 0;
}

int
daemon_detach(void)
{
	int fds[2];
	pid_t pid;
	char c;
	ssize_t n;

	if (pipe(fds) == -1) {
		log_warn("-D: pipe");
		return -1;
	}
	fflush(NULL);
	if ((pid = fork()) == -1) {
		log_warn("-D: fork");
		return -1;
	}
	if (pid > 0) {
		/* The original process: wait for readiness, then go. */
		close(fds[1]);
		while ((n = read(fds[0], &c, 1)) == -1 && errno == EINTR)
			;
		waitpid(pid, NULL, 0);	/* the intermediate child */
		_exit(n == 1 ? 0 : 3);
	}
	close(fds[0]);
	if (setsid() == -1)
		fatal("-D: setsid");
	/* The session leader forks again so that the daemon can never
	 * acquire a controlling terminal. */
	if ((pid = fork()) == -1)
		fatal("-D: fork");
	if (pid > 0)
		_exit(0);
	umask(022);
	if (chdir("/") == -1)
		fatal("-D: chdir /");
	if (devnull(STDIN_FILENO) == -1 || devnull(STDOUT_FILENO) == -1)
		fatal("-D: /dev/null");
	ready_fd = fds[1];
	return 0;
}

void
daemon_ready(void)
{
	char c = 1;

	if (ready_fd == -1)
		return;
	fflush(stderr);
	if (devnull(STDERR_FILENO) == -1)
		log_warn("-D: /dev/null");
	while (write(ready_fd, &c, 1) == -1 && errno == EINTR)
		;
	close(ready_fd);
	ready_fd = -1;
}

/* The pid in an existing pid file if that process still runs, else 0. */
static pid_t
pidfile_live(const char *path)
{
	char buf[32];
	FILE *fp;
	long pid;
	char *end;

	if ((fp = fopen(path, "r")) == NULL)
		return 0;
	if (fgets(buf, sizeof(buf), fp) == NULL)
		buf[0] = '\0';
	fclose(fp);
	pid = strtol(buf, &end, 10);
	if (end == buf || pid <= 0 || (*end != '\n' && *end != '\0'))
		return 0;
	if (kill((pid_t)pid, 0) == 0 || errno == EPERM)
		return (pid_t)pid;
	return 0;
}

int
daemon_pidfile_create(const char *path)
{
	char buf[32];
	int fd, tries, len;
	pid_t other;

	for (tries = 0; tries < 2; tries++) {
		fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
		if (fd != -1)
			break;
		if (errno != EEXIST) {
			log_warn("%s: cannot create the pid file", path);
			return -1;
		}
		if ((other = pidfile_live(path)) != 0) {
			log_warnx("%s: rovmon is already running as pid %ld",
			    path, (long)other);
			return -1;
		}
		/* Stale: its process is gone. */
		if (unlink(path) == -1 && errno != ENOENT) {
			log_warn("%s: cannot remove the stale pid file", path);
			return -1;
		}
	}
	if (fd == -1) {
		log_warnx("%s: pid file keeps reappearing", path);
		return -1;
	}
	len = snprintf(buf, sizeof(buf), "%ld\n", (long)getpid());
	if (write(fd, buf, (size_t)len) != len || close(fd) == -1) {
		log_warn("%s: cannot write the pid file", path);
		unlink(path);
		return -1;
	}
	pidfile_pid = getpid();
	return 0;
}

void
daemon_pidfile_remove(const char *path)
{
	if (path == NULL || pidfile_pid == 0 || pidfile_pid != getpid())
		return;
	if (pidfile_live(path) != pidfile_pid)
		return;
	/* After -Z the directory may no longer be writable for us. */
	if (unlink(path) == -1)
		log_warn("%s: cannot remove the pid file", path);
	pidfile_pid = 0;
}

int
daemon_drop_privileges(const char *user, const char *chroot_dir)
{
	struct passwd *pw;
	uid_t uid;
	gid_t gid;

	errno = 0;
	if ((pw = getpwnam(user)) == NULL) {
		if (errno != 0)
			log_warn("-Z %s", user);
		else
			log_warnx("-Z %s: no such user", user);
		return -1;
	}
	uid = pw->pw_uid;
	gid = pw->pw_gid;
	if (initgroups(pw->pw_name, gid) == -1) {
		log_warn("-Z %s: initgroups", user);
		return -1;
	}
	if (chroot_dir != NULL && (chroot(chroot_dir) == -1 ||
	    chdir("/") == -1)) {
		log_warn("--chroot %s", chroot_dir);
		return -1;
	}
	if (setgid(gid) == -1 || setuid(uid) == -1) {
		log_warn("-Z %s: setgid/setuid", user);
		return -1;
	}
	/* Check that it stuck, and that root cannot come back. */
	if (getuid() != uid || geteuid() != uid || getgid() != gid ||
	    getegid() != gid || (uid != 0 && setuid(0) != -1)) {
		log_warnx("-Z %s: privileges were not dropped", user);
		return -1;
	}
	return 0;
}
