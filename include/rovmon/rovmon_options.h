/*
 * rovmon_options.h - rovmon's options: the configuration file (-C,
 * config.c) first, then the command line, which overrides it; --help and
 * the one-line usage errors.  Owned by src/rovmon/rovmon_options.c; read by
 * rovmon.c (wiring) and rovmon_loop.c (the main loop).
 */
#ifndef ROVMON_ROVMON_OPTIONS_H
#define ROVMON_ROVMON_OPTIONS_H

#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <stddef.h>

#include "base/addr.h"
#include "bgp/bgp.h"
#include "rovmon/config.h"

/* --role ADDR=ROLE: the speaker at addr has role towards the other end
 * of its sessions (RFC 9234; docs/leaks.md). */
struct rovmon_role {
	struct ipaddr	 addr;
	enum bgp_role	 role;
};

/*
 * Strings not marked owned point into argv or into cfg_args (the
 * configuration file's arguments): valid until rovmon_options_free().
 */
struct rovmon_options {
	const char	*read_file;
	const char	*iface;
	const char	*bmp_listen;	/* --bmp-listen ADDR:PORT (bmp_station.h) */
	const char	*routes;
	const char	*write_mrt;	/* --write-mrt FILE */
	const char	*stats_file;
	const char	*engine;
	const char	*vrps;		/* --vrps FILE|URL */
	const char	*redis;		/* --redis URL */
	const char	*redis_ns;	/* --redis-namespace */
	const char	*rules;		/* --rules FILE, or rules_default */
	char		 rules_default[PATH_MAX];	/* paths.h */
	bool		 no_validation;	/* --no-validation */
	bool		 check_config;	/* -T, --check-config */
	const char	*sensor;	/* --sensor NAME */
	const char	*sinks[16];	/* --alerts FILE, --alert-sink SPEC */
	size_t		 nsinks;
	char		*owned[16];	/* owned: "file:" + --alerts */
	size_t		 nowned;
	unsigned	 min_priority;
	char		*filter;	/* owned */
	long		 count;
	long		 bufsize_kib;	/* -B: 0 = CAPTURE_BUFFER_SIZE */
	long		 buffer_timeout_ms; /* --buffer-timeout: 0 = default */
	bool		 immediate;	/* --immediate-mode */
	const char	*config;	/* -C, --config FILE */
	bool		 daemonize;	/* -D */
	bool		 syslog;	/* --syslog */
	const char	*pidfile;	/* --pidfile FILE */
	const char	*user;		/* -Z, --user USER */
	const char	*chroot_dir;	/* --chroot DIR */
	const char	*control;	/* --control PATH */
	const char	*control_group;	/* --control-group GROUP */
	long		 stats_interval; /* --stats-interval SECONDS */
	bool		 summary;	/* --summary */
	bool		 quiet;		/* -q: no start line, progress, report */
	struct rovmon_role *roles;	/* owned: --role, one per address
					 * (a later one replaces) */
	size_t		 nroles;
	bool		 rtr_audit;	/* --rtr-audit */
	uint16_t	 rtr_ports[8];	/* --rtr-ports (default 323,8282) */
	size_t		 nrtr_ports;
	long		 rtr_stale;	/* --rtr-stale SECONDS, 0 = auto */
	uint16_t	 bmp_ports[8];	/* --bmp-ports (0: the default) */
	size_t		 nbmp_ports;
	bool		 bmp_off;	/* --bmp-ports none */
	const char	*metrics;	/* --metrics ADDR:PORT */
	long		 metrics_sessions; /* --metrics-sessions N, -1 unset */
	const char	*state_dir;	/* --state-dir DIR (absolute) */
	char		 state_dir_abs[PATH_MAX];	/* when made so */
	long		 checkpoint_interval;	/* --checkpoint-interval,
						 * 0 = only at exit */
	bool		 checkpoint_interval_set;
	long		 stale_time;	/* --stale-time SECONDS: a session's
					 * routes held after it went down,
					 * and the End-of-RIB wait; 0 =
					 * resolve at once */
	long		 threads;	/* --threads N: 1 = everything on the
					 * packet thread; 2 or more: the
					 * output stage (rovmon/output.h) */
	/* Set by the configuration file, so the command line replaces them. */
	bool		 cfg_source, cfg_vrps;
	struct config_args cfg_args;	/* the file's arguments, owned */
};

/*
 * Fills *o from the configuration file and argv, checking what the
 * options say together.  Does not return on --help or --version (exit
 * 0), a usage error (one line on stderr, exit 2) or a configuration file
 * or default rules file that cannot be read (exit 3).
 */
/* --threads' most (more than 2 are taken as 2 for now: docs/performance.md,
 * "Threads"). */
#define ROVMON_THREADS_MAX	256

/* --stale-time's default: BIRD's and FRR's graceful restart time. */
#define ROVMON_STALE_TIME	120

void	rovmon_options_parse(int argc, char **argv, struct rovmon_options *o);
/* Frees what *o owns (the sink specs, the filter, the roles, the file's
 * arguments). */
void	rovmon_options_free(struct rovmon_options *o);

#endif /* ROVMON_ROVMON_OPTIONS_H */
