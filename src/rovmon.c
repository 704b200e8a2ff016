/*
 * rovmon.c - options, wiring and the main loop.
 *
 *   capture -> decode -> reasm -> bgp_session -> bgp_update ->
 *   validator -> route log; alerting (rib -> rules -> alert -> sinks)
 *
 * Everything here is startup and teardown; per-packet work lives in the
 * stages.  Exit status: 0 success, 1 the capture had an error part way
 * (what was read is still processed and flushed), 2 usage (one line
 * naming the culprit, usage_error()), 3 fatal setup (including a bad
 * configuration file, rules file or VRP source; -T stops there).
 *
 * Options come from the configuration file (-C, config.c) first, then
 * the command line, which overrides it.  Service start-up order: detach
 * (-D) before any thread exists; open outputs, VRPs, alert sinks, the
 * capture; then the pid file, dropping privileges (-Z) and releasing the
 * waiting parent (daemon.c).
 *
 * Diagnostics: stderr; with --syslog, syslog(3) from the start; with -D,
 * syslog(3) from the moment the parent is released and stderr becomes
 * /dev/null (start-up errors reach the invoking terminal).  The syslog
 * connection is opened before -Z/--chroot, which may hide /dev/log.
 */
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "alerting.h"
#include "bgp_session.h"
#include "capture.h"
#include "config.h"
#include "daemon.h"
#include "decode.h"
#include "log.h"
#include "paths.h"
#include "reasm.h"
#include "route_log.h"
#include "rules.h"
#include "stats.h"
#include "summary.h"
#include "validator.h"
#include "version.h"
#include "vrp.h"
#include "vrp_redis.h"

/* Where `make install` puts the rules (Makefile SYSCONFDIR; paths.h). */
#ifndef ROVMON_SYSCONFDIR
#define ROVMON_SYSCONFDIR	"/etc/rovmon"
#endif

struct options {
	const char	*read_file;
	const char	*iface;
	const char	*routes;
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
	const char	*config;	/* -C, --config FILE */
	bool		 daemonize;	/* -D */
	bool		 syslog;	/* --syslog */
	const char	*pidfile;	/* --pidfile FILE */
	const char	*user;		/* -Z, --user USER */
	const char	*chroot_dir;	/* --chroot DIR */
	long		 stats_interval; /* --stats-interval SECONDS */
	bool		 summary;	/* --summary */
	bool		 quiet;		/* -q: no start line, progress, report */
	/* Set by the configuration file, so the command line replaces them. */
	bool		 cfg_source, cfg_vrps;
	struct config_args cfg_args;	/* the file's arguments, owned */
};

struct rovmon {
	struct options	 opt;
	struct capture	*cap;
	struct reasm	*reasm;
	struct route_log *routes;
	struct validator *validator;
	struct alerting	*alerting;
	struct bgp_sink	 sink;
	char		 hostname[256];
	struct packet	 last;		/* the last frame, for end-of-capture */
	FILE		*stats_fp;	/* --stats (appending) or stderr */
	time_t		 next_stats;	/* --stats-interval: next line due */
	time_t		 drained;	/* alerts last written (packet time) */
	unsigned	 stats_lost;	/* --stats lines not written */
	bool		 unbuffered;	/* libnids: no idle hook: write at once */
	bool		 have_pidfile;
	struct summary	*summary;	/* -v events, progress, the report */
	FILE		*report_fp;	/* NULL: no report */
	char		 start_line[512];	/* capture_describe() */
	struct timespec	 t0;
};

static struct capture *volatile running_cap;
static volatile sig_atomic_t got_hup, got_usr1;

/* --help: the whole summary on standard output. */
static _Noreturn void
usage(void)
{
	printf(
"usage: rovmon [-C FILE] -r FILE | -i IFACE [options] [BPF filter]\n"
"       rovmon -T [-C FILE] [options]    check the configuration and exit\n"
"  -C, --config FILE     read options from FILE first (one 'option value'\n"
"                        a line, long option names; docs/rovmon.conf.example)\n"
"  -r, --read FILE       read packets from a pcap/pcapng file ('-' = stdin)\n"
"  -i, --interface IFACE capture live (promiscuous) on IFACE\n"
"  -c, --count N         stop after N packets\n"
"  -B, --buffer-size KiB kernel capture buffer for -i (default 65536 KiB;\n"
"                        a full-table burst must fit while rovmon catches up)\n"
"      --vrps FILE|URL   validate routes against these VRPs (rpki-client,\n"
"                        Routinator, StayRTR JSON or CSV; file or http(s))\n"
"      --redis URL       validate against the VRP set in Redis, following\n"
"                        every new generation (redis://, unix://)\n"
"      --redis-namespace NS  key prefix in Redis (default rovmon:)\n"
"      --no-validation   run without VRPs on purpose (no RPKI state; alerts\n"
"                        only from rules that need none); a VRP source\n"
"                        given as well is not used\n"
"      --routes FILE     write route events as JSON lines ('-' = stdout)\n"
"      --alerts FILE     write Snort-style JSON alerts to FILE (appends;\n"
"                        '-' = stdout); needs --vrps, --redis or\n"
"                        --no-validation\n"
"      --alert-sink SPEC another alert sink: stdout, syslog[:FACILITY],\n"
"                        webhook:URL, smtp://..., elasticsearch:URL (docs/alerts.md)\n"
"      --alert-min-priority N  only alerts of priority <= N (1 = most severe)\n"
"      --rules FILE      alert rules (default " ROVMON_SYSCONFDIR "/"
			    PATHS_RULES_NAME ",\n"
"                        else ../rules/" PATHS_RULES_NAME " beside the executable)\n"
"      --sensor NAME     sensor name in alerts (default: host name)\n"
"      --stats FILE      append statistics as JSON lines: at exit, on SIGUSR1\n"
"                        and every --stats-interval (default stderr; '-' = stdout)\n"
"      --stats-interval SECONDS  also write them periodically (capture\n"
"                        time with -r, wall time with -i)\n"
"      --filter EXPR     the BPF filter (as the trailing arguments)\n"
"  -D, --daemon          detach once started (default: foreground);\n"
"                        diagnostics then go to syslog (daemon facility)\n"
"      --syslog          diagnostics to syslog also in the foreground\n"
"      --pidfile FILE    write the pid to FILE once started; removed at exit\n"
"  -Z, --user USER       run as USER once the capture and outputs are open\n"
"      --chroot DIR      with -Z: chroot to DIR before changing user\n"
"      --engine NAME     TCP reassembly: 'rovmon' (default) or 'libnids' (IPv4)\n"
"  -T, --check-config    read the configuration, options, rules and VRP\n"
"                        source (connecting to Redis), exit 0 or 3 with the\n"
"                        first error; no capture, no output file\n"
"      --summary         print a report at the end (sessions, routes by RPKI\n"
"                        state, INVALID routes, gaps); the default on a\n"
"                        terminal when no output option is given\n"
"  -q, --quiet           no start line, progress line or default report\n"
"  -v, --verbose         session events as they happen (repeat for debug)\n"
"  -V, --version         print the version\n"
"  -h, --help            this text\n"
"The BPF filter defaults to 'tcp port 179'.\n"
"Exit status: 0 ok, 1 data lost part way, 2 usage, 3 setup failed.\n");
	exit(0);
}

/*
 * A usage error: one line naming the culprit and where help is, exit 2.
 * Always on stderr, also with --syslog: the person typing needs it.
 */
static _Noreturn void __attribute__((format(printf, 1, 2)))
usage_error(const char *fmt, ...)
{
	va_list ap;

	fputs("rovmon: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputs("; try 'rovmon --help'\n", stderr);
	exit(2);
}

static char *
join_args(int argc, char **argv)
{
	size_t len = 1, off = 0, n;
	char *s;
	int i;

	for (i = 0; i < argc; i++)
		len += strlen(argv[i]) + 1;
	if ((s = malloc(len)) == NULL)
		fatal("malloc");
	/* len counts every argument and separator: each copy fits. */
	for (i = 0; i < argc; i++) {
		if (i > 0)
			s[off++] = ' ';
		n = strlen(argv[i]);
		memcpy(s + off, argv[i], n);
		off += n;
	}
	s[off] = '\0';
	return s;
}

static void
add_sink(struct options *o, const char *spec)
{
	if (o->nsinks == sizeof(o->sinks) / sizeof(o->sinks[0])) {
		usage_error("%s: too many alert sinks (at most %zu)", spec,
		    o->nsinks);
	}
	o->sinks[o->nsinks++] = spec;
}

enum { OPT_ROUTES = 256, OPT_STATS, OPT_ENGINE, OPT_VRPS, OPT_REDIS,
    OPT_REDIS_NS, OPT_ALERTS, OPT_SINK, OPT_RULES, OPT_SENSOR,
    OPT_MINPRIO, OPT_PIDFILE, OPT_CHROOT, OPT_STATS_INTERVAL, OPT_FILTER,
    OPT_SYSLOG, OPT_BUFSIZE, OPT_NO_VALIDATION, OPT_SUMMARY };

/* Also the vocabulary of the configuration file (config.c). */
static const struct option longopts[] = {
	{ "read", required_argument, NULL, 'r' },
	{ "interface", required_argument, NULL, 'i' },
	{ "count", required_argument, NULL, 'c' },
	{ "buffer-size", required_argument, NULL, 'B' },
	{ "routes", required_argument, NULL, OPT_ROUTES },
	{ "stats", required_argument, NULL, OPT_STATS },
	{ "stats-interval", required_argument, NULL, OPT_STATS_INTERVAL },
	{ "engine", required_argument, NULL, OPT_ENGINE },
	{ "vrps", required_argument, NULL, OPT_VRPS },
	{ "redis", required_argument, NULL, OPT_REDIS },
	{ "redis-namespace", required_argument, NULL, OPT_REDIS_NS },
	{ "no-validation", no_argument, NULL, OPT_NO_VALIDATION },
	{ "alerts", required_argument, NULL, OPT_ALERTS },
	{ "alert-sink", required_argument, NULL, OPT_SINK },
	{ "alert-min-priority", required_argument, NULL, OPT_MINPRIO },
	{ "rules", required_argument, NULL, OPT_RULES },
	{ "sensor", required_argument, NULL, OPT_SENSOR },
	{ "filter", required_argument, NULL, OPT_FILTER },
	{ "config", required_argument, NULL, 'C' },
	{ "daemon", no_argument, NULL, 'D' },
	{ "syslog", no_argument, NULL, OPT_SYSLOG },
	{ "pidfile", required_argument, NULL, OPT_PIDFILE },
	{ "user", required_argument, NULL, 'Z' },
	{ "chroot", required_argument, NULL, OPT_CHROOT },
	{ "check-config", no_argument, NULL, 'T' },
	{ "summary", no_argument, NULL, OPT_SUMMARY },
	{ "quiet", no_argument, NULL, 'q' },
	{ "verbose", no_argument, NULL, 'v' },
	{ "version", no_argument, NULL, 'V' },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 }
};
/* The leading ':' tells a missing argument from an unknown option. */
#define SHORTOPTS	":r:i:c:B:C:DZ:TqvVh"
/* Not in a configuration file. */
static const char *const config_deny[] = { "config", "help", "version",
    "check-config", NULL };

/* -C FILE / --config FILE on the command line, found before parsing. */
static const char *
find_config(int argc, char **argv)
{
	int i;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--") == 0)
			break;
		if ((strcmp(argv[i], "-C") == 0 ||
		    strcmp(argv[i], "--config") == 0) && i + 1 < argc)
			return argv[i + 1];
		if (strncmp(argv[i], "--config=", 9) == 0)
			return argv[i] + 9;
		if (strncmp(argv[i], "-C", 2) == 0 && argv[i][2] != '\0')
			return argv[i] + 2;
	}
	return NULL;
}

/*
 * getopt_long() refused argv[optind - 1] or a letter of it (opterr is 0:
 * its own two-line message would be followed by ours).  Name the
 * option: a long one as written (without "=value"), else the letter.
 */
static _Noreturn void
bad_option(char **argv, int ch)
{
	const char *arg = optind > 0 ? argv[optind - 1] : "";
	const struct option *lo;
	size_t n;

	if (strncmp(arg, "--", 2) == 0 && arg[2] != '\0') {
		n = strcspn(arg, "=");
		/* optopt is the long option's value, or 0 when unknown. */
		for (lo = longopts; optopt != 0 && lo->name != NULL; lo++)
			if (lo->val == optopt)
				break;
		if (optopt == 0 || lo->name != NULL) {
			if (ch == ':')
				usage_error("%.*s: needs a value", (int)n, arg);
			if (optopt == 0)
				usage_error("%.*s: unknown option", (int)n, arg);
			usage_error("%.*s: takes no value", (int)n, arg);
		}
	}
	if (ch == ':')
		usage_error("-%c: needs a value", optopt);
	if (optopt > 0x20 && optopt < 0x7f)
		usage_error("-%c: unknown option", optopt);
	usage_error("%s: unknown option", arg);
}

static void
set_filter(struct options *o, const char *expr)
{
	free(o->filter);
	if ((o->filter = strdup(expr)) == NULL)
		fatal("strdup");
}

/*
 * One pass of getopt_long() over argv: the configuration file's
 * arguments (cfg true), then the command line's.  A packet source, a VRP
 * source or a filter from the command line replaces the file's.
 */
static void
parse_pass(int argc, char **argv, struct options *o, bool cfg)
{
	char *end;
	int ch;

	optind = 0;	/* GNU: a full re-initialisation for the second pass */
	opterr = 0;	/* bad_option() says it in one line */
	while ((ch = getopt_long(argc, argv, SHORTOPTS, longopts, NULL)) != -1) {
		if ((ch == 'r' || ch == 'i') && !cfg && o->cfg_source) {
			o->read_file = o->iface = NULL;
			o->cfg_source = false;
		}
		if ((ch == OPT_VRPS || ch == OPT_REDIS) && !cfg && o->cfg_vrps) {
			o->vrps = o->redis = NULL;
			o->cfg_vrps = false;
		}
		switch (ch) {
		case 'r':
			o->read_file = optarg;
			o->cfg_source = cfg;
			break;
		case 'i':
			o->iface = optarg;
			o->cfg_source = cfg;
			break;
		case 'C':
			break;		/* read before parsing: find_config() */
		case 'D':
			o->daemonize = true;
			break;
		case OPT_SYSLOG:
			o->syslog = true;
			break;
		case 'Z':
			o->user = optarg;
			break;
		case OPT_PIDFILE:
			o->pidfile = optarg;
			break;
		case OPT_CHROOT:
			o->chroot_dir = optarg;
			break;
		case OPT_FILTER:
			set_filter(o, optarg);
			break;
		case OPT_STATS_INTERVAL:
			o->stats_interval = strtol(optarg, &end, 10);
			if (*end != '\0' || o->stats_interval <= 0 ||
			    o->stats_interval > 86400 * 366) {
				usage_error("--stats-interval: not a number of "
				    "seconds from 1 to 31622400: %s", optarg);
			}
			break;
		case 'B':
			/* KiB, as tcpdump -B; libpcap takes an int */
			o->bufsize_kib = strtol(optarg, &end, 10);
			if (*end != '\0' || o->bufsize_kib < 1024 ||
			    o->bufsize_kib > 2097151) {
				usage_error("-B: not a buffer size in KiB from "
				    "1024 to 2097151: %s", optarg);
			}
			break;
		case 'c':
			o->count = strtol(optarg, &end, 10);
			if (*end != '\0' || o->count <= 0) {
				usage_error("-c: not a positive number: %s",
				    optarg);
			}
			break;
		case OPT_ROUTES:
			o->routes = optarg;
			break;
		case OPT_STATS:
			o->stats_file = optarg;
			break;
		case OPT_ENGINE:
			o->engine = optarg;
			break;
		case OPT_VRPS:
			o->vrps = optarg;
			o->cfg_vrps = cfg;
			break;
		case OPT_REDIS:
			o->redis = optarg;
			o->cfg_vrps = cfg;
			break;
		case OPT_REDIS_NS:
			o->redis_ns = optarg;
			break;
		case OPT_ALERTS:
			if (strcmp(optarg, "-") == 0) {	/* as --routes - */
				add_sink(o, "stdout");
				break;
			}
			if (o->nowned == sizeof(o->owned) / sizeof(o->owned[0]))
				add_sink(o, optarg);	/* too many: usage */
			if (asprintf(&o->owned[o->nowned], "file:%s", optarg) == -1)
				fatal("asprintf");
			add_sink(o, o->owned[o->nowned++]);
			break;
		case OPT_SINK:
			add_sink(o, optarg);
			break;
		case OPT_MINPRIO:
			o->min_priority = (unsigned)strtoul(optarg, &end, 10);
			if (*end != '\0' || o->min_priority == 0) {
				usage_error("--alert-min-priority: not a "
				    "priority (1 or more): %s", optarg);
			}
			break;
		case OPT_RULES:
			o->rules = optarg;
			break;
		case OPT_SENSOR:
			o->sensor = optarg;
			break;
		case OPT_NO_VALIDATION:
			o->no_validation = true;
			break;
		case 'T':
			o->check_config = true;
			break;
		case OPT_SUMMARY:
			o->summary = true;
			break;
		case 'q':
			o->quiet = true;
			break;
		case 'v':
			log_verbose++;
			break;
		case 'V':
			printf("rovmon %s\n", ROVMON_VERSION);
			exit(0);
		case 'h':
			usage();
		default:	/* '?' unknown, ':' without its value */
			bad_option(argv, ch);
		}
	}
	/* Trailing arguments: the BPF filter (NULL selects capture.c's
	 * default: tcp port 179, also behind VLAN tags, with link-specific
	 * forms where BPF needs them). */
	if (!cfg && optind < argc) {
		free(o->filter);
		o->filter = join_args(argc - optind, argv + optind);
	}
}

static void
parse_options(int argc, char **argv, struct options *o)
{
	struct config_args *ca = &o->cfg_args;
	char err[1024];
	char **av;
	int i;

	memset(o, 0, sizeof(*o));
	o->engine = "rovmon";
	if ((o->config = find_config(argc, argv)) != NULL) {
		/* argv[0], then the file's arguments. */
		if (config_load(o->config, longopts, config_deny, ca, err,
		    sizeof(err)) == -1) {
			log_warnx("%s", err);
			exit(3);
		}
		if ((av = calloc((size_t)ca->argc + 2, sizeof(*av))) == NULL)
			fatal("calloc");
		av[0] = argv[0];
		for (i = 0; i < ca->argc; i++)
			av[i + 1] = ca->argv[i];
		/* The options point into ca, freed at exit. */
		parse_pass(ca->argc + 1, av, o, true);
		free(av);
	}
	parse_pass(argc, argv, o, false);
	if (o->read_file != NULL && o->iface != NULL)
		usage_error("-r %s and -i %s: give one packet source",
		    o->read_file, o->iface);
	/* -T checks everything but the capture, which it does not open. */
	if (o->read_file == NULL && o->iface == NULL && !o->check_config)
		usage_error("no packet source: give -r FILE or -i IFACE");
	if (o->vrps != NULL && o->redis != NULL)
		usage_error("--vrps and --redis: choose one source of VRPs");
	if (strcmp(o->engine, "rovmon") != 0 && strcmp(o->engine, "libnids") != 0)
		usage_error("--engine: unknown engine '%s' (rovmon, libnids)",
		    o->engine);
	if (o->user != NULL && strcmp(o->engine, "libnids") == 0)
		usage_error("-Z: not with --engine=libnids (it opens the "
		    "capture itself)");
	if (o->chroot_dir != NULL && o->user == NULL)
		usage_error("--chroot needs -Z USER");
	if (o->no_validation)
		o->vrps = o->redis = NULL;	/* asked for: none is used */
	/* Without VRPs no route has an RPKI state: the default rules would
	 * alert nothing, and silently. */
	if (o->nsinks > 0 && o->vrps == NULL && o->redis == NULL &&
	    !o->no_validation)
		usage_error("alerts need a VRP source: give --vrps FILE|URL or "
		    "--redis URL (or --no-validation for rules that need no "
		    "RPKI state)");
	/* Found now, before -D changes the directory (paths.h). */
	if (o->rules == NULL && (o->nsinks > 0 || o->check_config)) {
		if (paths_default_rules(ROVMON_SYSCONFDIR, argv[0],
		    o->rules_default, sizeof(o->rules_default), err,
		    sizeof(err)) == -1) {
			log_warnx("%s", err);
			exit(3);
		}
		o->rules = o->rules_default;
	}
}

static void
on_signal(int sig)
{
	if (sig == SIGHUP) {
		got_hup = 1;
		return;
	}
	if (sig == SIGUSR1) {
		got_usr1 = 1;
		return;
	}
	if (running_cap != NULL)
		capture_breakloop(running_cap);
}

/*
 * --stats: one JSON object a line, appended, so that SIGUSR1 and
 * --stats-interval lines and the final one accumulate (Suricata's stats
 * events).  The file is opened at start, before -Z, and reopened on
 * SIGHUP for log rotation.
 */
static int
stats_open(struct rovmon *rv)
{
	FILE *fp;

	if (rv->opt.stats_file == NULL) {
		rv->stats_fp = stderr;
		return 0;
	}
	if (strcmp(rv->opt.stats_file, "-") == 0) {	/* as --routes - */
		rv->stats_fp = stdout;
		return 0;
	}
	if ((fp = fopen(rv->opt.stats_file, "a")) == NULL) {
		log_warn("%s: cannot write statistics", rv->opt.stats_file);
		return -1;
	}
	if (rv->stats_fp != NULL && rv->stats_fp != stderr &&
	    rv->stats_fp != stdout)
		fclose(rv->stats_fp);
	rv->stats_fp = fp;
	return 0;
}

static int
write_stats(struct rovmon *rv)
{
	struct stats_live live;
	struct stats_redis sr;
	struct vrp_redis_status st;

	if (rv->stats_fp == NULL)
		return -1;
	if (rv->cap != NULL)
		capture_stats(rv->cap);	/* live: the pcap_* counters now */
	if (rv->alerting != NULL) {
		alerting_drain(rv->alerting);	/* so alert_lines adds up */
		alerting_update_stats(rv->alerting);
	}
	if (rv->validator != NULL)
		validator_update_stats(rv->validator);	/* vrp_load_failed */
	memset(&live, 0, sizeof(live));
	live.now = (int64_t)time(NULL);
	if (rv->validator != NULL &&
	    validator_redis_status(rv->validator, &st)) {
		memset(&sr, 0, sizeof(sr));
		sr.connected = st.connected;
		snprintf(sr.last_error, sizeof(sr.last_error), "%s",
		    st.last_error);
		sr.generation = validator_generation(rv->validator);
		sr.last_contact = st.last_check;
		sr.retries = st.retries;
		live.redis = &sr;
	}
	stats_write_json(rv->stats_fp, &live);
	if (fflush(rv->stats_fp) != 0 || ferror(rv->stats_fp)) {
		/* once: --stats-interval on a full disk is not a flood */
		if (rv->stats_lost++ == 0)
			log_warn("%s: cannot write statistics", rv->opt.stats_file ?
			    rv->opt.stats_file : "stderr");
		clearerr(rv->stats_fp);
		return -1;
	}
	return 0;
}

/* --stats-interval, on capture time (-r) or wall time (-i). */
static void
stats_tick(struct rovmon *rv, const struct timeval *now)
{
	if (rv->opt.stats_interval <= 0)
		return;
	if (rv->next_stats == 0) {
		rv->next_stats = now->tv_sec + rv->opt.stats_interval;
		return;
	}
	if (now->tv_sec < rv->next_stats)
		return;
	write_stats(rv);
	rv->next_stats += rv->opt.stats_interval;
	/* A long silence (or a jump in a file's time): one line, not many. */
	if (rv->next_stats <= now->tv_sec)
		rv->next_stats = now->tv_sec + rv->opt.stats_interval;
}

/*
 * Work that happens between packets (and on a quiet link, from the idle
 * hook): SIGHUP, and adopting a new VRP set, which re-validates every
 * stored route.
 */
static void
between_packets(struct rovmon *rv, const struct timeval *now)
{
	if (got_hup) {
		got_hup = 0;
		log_info("SIGHUP: reloading rules%s, reopening outputs",
		    rv->opt.vrps != NULL ? " and VRPs" : "");
		if (rv->alerting != NULL)
			alerting_reload(rv->alerting);
		if (rv->validator != NULL && rv->opt.vrps != NULL)
			validator_reload(rv->validator, rv->opt.vrps);
		if (rv->opt.stats_file != NULL)
			stats_open(rv);	/* on failure the old file stays */
		route_log_reopen(rv->routes);	/* likewise */
	}
	if (got_usr1) {
		got_usr1 = 0;
		write_stats(rv);
	}
	stats_tick(rv, now);
	/* A link that never goes quiet still sees its alerts within ~1 s. */
	if (now->tv_sec != rv->drained && rv->alerting != NULL) {
		alerting_drain(rv->alerting);
		rv->drained = now->tv_sec;
	}
	if (rv->validator != NULL && validator_poll(rv->validator) &&
	    rv->alerting != NULL)
		alerting_revalidate(rv->alerting,
		    validator_index(rv->validator),
		    validator_generation(rv->validator), now);
}

static void
on_idle(void *arg)
{
	struct rovmon *rv = arg;
	struct timeval now;

	/* A quiet link: make what was logged visible to tail -f, Filebeat. */
	route_log_flush(rv->routes);
	if (rv->alerting != NULL)
		alerting_drain(rv->alerting);
	gettimeofday(&now, NULL);
	/* Holes and timeouts expire on a quiet link too (live only). */
	if (rv->reasm != NULL && rv->opt.read_file == NULL)
		reasm_tick(rv->reasm, &now);
	between_packets(rv, &now);
}

static void
on_packet(void *arg, const struct packet *pkt)
{
	struct rovmon *rv = arg;
	struct tcp_segment seg;

	rv->last = *pkt;
	rv->last.data = NULL;
	rv->last.caplen = 0;
	/* A new VRP generation is adopted between packets, never inside. */
	between_packets(rv, &pkt->ts);
	summary_progress(rv->summary, rv->cap);
	if (decode_packet(pkt, &seg) != DECODE_OK)
		return;
	reasm_segment(rv->reasm, &seg);
}

/* bgp_sink.route: validate announcements, then log. */
static void
on_route(void *arg, const struct bgp_msg_ctx *ctx, const struct bgp_attrs *at,
    const struct bgp_route *r)
{
	struct rovmon *rv = arg;
	struct rov_result res;
	const struct rov_result *rp = NULL;

	if (r->event == BGP_ROUTE_ANNOUNCE && rv->validator != NULL &&
	    validator_check(rv->validator, at, r, &res))
		rp = &res;
	summary_route(rv->summary, ctx, at, r, rp);
	if (rv->routes != NULL)
		route_log_write(rv->routes, ctx, at, r, rp,
		    rp != NULL ? validator_generation(rv->validator) : 0);
	if (rv->alerting != NULL) {
		alerting_route(rv->alerting, ctx, at, r, rp,
		    rp != NULL ? validator_generation(rv->validator) : 0);
		if (rv->unbuffered)
			alerting_drain(rv->alerting);
	}
}

/*
 * bgp_sink.session: a session that went down resolves its alerts.  A
 * NOTIFICATION ends the BGP session at once (RFC 4271 6), before TCP
 * closes; the TCP close that follows then finds nothing left.
 */
static void
on_session(void *arg, const struct bgp_msg_ctx *ctx,
    const struct bgp_session_info *si)
{
	struct rovmon *rv = arg;

	summary_session(rv->summary, ctx, si);
	if ((si->event == BGP_SESS_DOWN || si->event == BGP_SESS_NOTIFICATION) &&
	    rv->alerting != NULL) {
		alerting_session_down(rv->alerting, ctx);
		if (rv->unbuffered)
			alerting_drain(rv->alerting);
	}
}

/*
 * Started: the capture is open.  Write the pid file, drop privileges,
 * release the parent waiting in daemon_detach().  0 or -1 (reported).
 */
static int
service_started(struct rovmon *rv)
{
	if (rv->opt.pidfile != NULL) {
		if (pidfile_create(rv->opt.pidfile) == -1)
			return -1;
		rv->have_pidfile = true;
	}
	/* Before a chroot hides /dev/log. */
	if (rv->opt.daemonize)
		log_syslog_open();
	if (rv->opt.user != NULL &&
	    drop_privileges(rv->opt.user, rv->opt.chroot_dir) == -1)
		return -1;
	if (rv->opt.user != NULL)
		log_info("running as %s", rv->opt.user);
	daemon_ready();
	/* stderr is /dev/null from here on. */
	if (rv->opt.daemonize)
		log_set_dest(LOG_TO_SYSLOG);
	return 0;
}

/*
 * tcpdump's first line (docs/rovmon.8): on stderr, unless -q; in syslog
 * with -v when diagnostics go there (-D, --syslog).
 */
static void
start_line(struct rovmon *rv)
{
	capture_describe(rv->cap, rv->start_line, sizeof(rv->start_line));
	if (rv->opt.quiet)
		return;
	if (log_get_dest() != LOG_TO_STDERR)
		log_info("%s", rv->start_line);
	else	/* as tcpdump 4.99: no program name */
		fprintf(stderr, "%s\n", rv->start_line);
}

/*
 * The report goes to stdout with --summary, or by default when a person
 * at a terminal gave no output option; to stderr when stdout carries
 * route events or alerts.  The progress line needs a terminal on stderr
 * and no -v lines to collide with.
 */
static void
report_setup(struct rovmon *rv)
{
	const struct options *o = &rv->opt;
	struct summary_config sc;
	bool out_used = (o->routes != NULL && strcmp(o->routes, "-") == 0) ||
	    (o->stats_file != NULL && strcmp(o->stats_file, "-") == 0);
	size_t i;

	for (i = 0; i < o->nsinks; i++)
		out_used |= strcmp(o->sinks[i], "stdout") == 0 ||
		    strncmp(o->sinks[i], "stdout,", 7) == 0;
	if (o->summary || (!o->quiet && !o->daemonize && o->routes == NULL &&
	    o->nsinks == 0 && o->stats_file == NULL && isatty(STDOUT_FILENO)))
		rv->report_fp = out_used ? stderr : stdout;
	memset(&sc, 0, sizeof(sc));
	sc.report = rv->report_fp != NULL;
	sc.progress = !o->quiet && !o->daemonize && !o->syslog &&
	    log_verbose == 0 && o->read_file != NULL && isatty(STDERR_FILENO);
	if ((rv->summary = summary_new(&sc)) == NULL)
		fatal("summary_new");
	clock_gettime(CLOCK_MONOTONIC, &rv->t0);
}

/* 0, or -1 when the report could not be written (reported). */
static int
report_print(struct rovmon *rv)
{
	struct summary_run run;
	struct timespec t1;

	if (rv->report_fp == NULL)
		return 0;
	clock_gettime(CLOCK_MONOTONIC, &t1);
	memset(&run, 0, sizeof(run));
	run.source = rv->opt.read_file == NULL ? rv->opt.iface :
	    strcmp(rv->opt.read_file, "-") == 0 ? "standard input" :
	    rv->opt.read_file;
	run.live = rv->opt.iface != NULL;
	run.validating = rv->validator != NULL;
	run.seconds = (double)(t1.tv_sec - rv->t0.tv_sec) +
	    (double)(t1.tv_nsec - rv->t0.tv_nsec) / 1e9;
	if (summary_print(rv->summary, rv->report_fp, &stats, &run) == -1) {
		log_warn("--summary: cannot write the report");
		return -1;
	}
	return 0;
}

/* 0 done, 1 the capture failed part way, 3 setup failed. */
static int
run_own_engine(struct rovmon *rv)
{
	struct reasm_config rc;
	int rc_loop;

	if (rv->opt.read_file != NULL)
		rv->cap = capture_open_offline(rv->opt.read_file, rv->opt.filter);
	else
		rv->cap = capture_open_live(rv->opt.iface, rv->opt.filter,
		    (size_t)rv->opt.bufsize_kib * 1024);
	if (rv->cap == NULL)
		return 3;
	if (service_started(rv) == -1) {
		capture_close(rv->cap);
		rv->cap = NULL;
		return 3;
	}
	start_line(rv);
	reasm_config_default(&rc);
	if ((rv->reasm = reasm_new(&rc, &bgp_session_reasm_ops, &rv->sink)) == NULL)
		fatal("reasm_new");
	running_cap = rv->cap;
	capture_set_idle(rv->cap, on_idle, rv);
	rc_loop = capture_loop(rv->cap, rv->opt.count, on_packet, rv);
	running_cap = NULL;
	summary_progress_done(rv->summary);
	capture_stats(rv->cap);
	reasm_finish(rv->reasm, rv->last.num != 0 ? &rv->last : NULL);
	reasm_free(rv->reasm);
	capture_close(rv->cap);
	rv->cap = NULL;
	return rc_loop < 0 ? 1 : 0;
}

/* Alerts need rules: --rules, or the default file (parse_options()). */
static int
setup_alerting(struct rovmon *rv)
{
	struct alerting_config cfg;

	memset(&cfg, 0, sizeof(cfg));
	cfg.rules = rv->opt.rules;
	if (rv->opt.sensor != NULL)
		cfg.sensor = rv->opt.sensor;
	else if (gethostname(rv->hostname, sizeof(rv->hostname) - 1) == 0)
		cfg.sensor = rv->hostname;
	cfg.sinks = rv->opt.sinks;
	cfg.nsinks = rv->opt.nsinks;
	cfg.min_priority = rv->opt.min_priority;
	cfg.offline = rv->opt.read_file != NULL;
	if ((rv->alerting = alerting_new(&cfg)) == NULL)
		return -1;
	return 0;
}

/*
 * The VRP source.  A file or URL that cannot be read is a setup error, and
 * so is Redis when `required` (a file is read once: its routes would all
 * go unjudged; --no-validation is how to ask for that).  A live sensor
 * starts without a set and the watcher retries with backoff.  0 or -1
 * (reported in one line).
 */
static int
setup_vrps(struct rovmon *rv, bool required)
{
	int rc;

	if (rv->opt.vrps == NULL && rv->opt.redis == NULL)
		return 0;
	if ((rv->validator = validator_new()) == NULL)
		fatal("validator_new");
	if (rv->opt.vrps != NULL)
		return validator_load(rv->validator, rv->opt.vrps);
	rc = validator_redis(rv->validator, rv->opt.redis, rv->opt.redis_ns,
	    required);
	if (rc == -1 && !required) {
		log_warnx("%s: no VRP set yet; routes are logged without "
		    "validation until one is loaded", rv->opt.redis);
		return 0;
	}
	return rc == 0 ? 0 : -1;	/* validator_redis() has said why */
}

/* Parse a rules file; 0, or -1 with the error logged.  *n: the count. */
static int
check_rules(const char *path, unsigned *n)
{
	struct ruleset *rs;

	if ((rs = rules_load(path, NULL)) == NULL)
		return -1;
	if (n != NULL)
		*n = rules_count(rs);
	rules_free(rs);
	return 0;
}

/*
 * -T: what a start would read, short of the capture and the outputs: the
 * configuration file and options (parse_options() has), the rules, the
 * VRP source (Redis: connect and load the current generation).  0, or 3
 * with the first error on stderr.
 */
static int
check_config(struct rovmon *rv)
{
	const struct rov_index *idx;
	unsigned nrules = 0;
	int rc = 3;

	if (check_rules(rv->opt.rules, &nrules) == -1 ||
	    setup_vrps(rv, true) == -1)
		goto done;
	printf("rovmon: configuration OK: %u rules from %s", nrules,
	    rv->opt.rules);
	if (rv->validator != NULL &&
	    (idx = validator_index(rv->validator)) != NULL)
		printf(", %zu VRPs from %s", rov_index_set(idx)->n,
		    rv->opt.vrps != NULL ? rv->opt.vrps : rv->opt.redis);
	else
		printf(", no VRPs (%s)", rv->opt.no_validation ?
		    "--no-validation" : "routes will not be validated");
	putchar('\n');
	rc = fflush(stdout) == 0 ? 0 : 3;
 done:
	validator_free(rv->validator);
	rv->validator = NULL;
	while (rv->opt.nowned > 0)
		free(rv->opt.owned[--rv->opt.nowned]);
	free(rv->opt.filter);
	config_args_free(&rv->opt.cfg_args);
	return rc;
}

int
main(int argc, char **argv)
{
	struct rovmon rv;
	struct sigaction sa;
	char why[1024];
	uint64_t lost;
	int status;

	log_init("rovmon");
	memset(&rv, 0, sizeof(rv));
	parse_options(argc, argv, &rv.opt);
	if (rv.opt.check_config)
		return check_config(&rv);
	if (rv.opt.syslog)
		log_set_dest(LOG_TO_SYSLOG);
	/* Before any thread starts (VRP watchers, network sinks). */
	if (rv.opt.daemonize && daemon_detach() == -1)
		exit(3);

	if (stats_open(&rv) == -1)
		exit(3);
	if (rv.opt.routes != NULL &&
	    (rv.routes = route_log_open(rv.opt.routes)) == NULL)
		exit(3);
	report_setup(&rv);
	rv.sink.route = on_route;
	rv.sink.session = on_session;
	rv.sink.arg = &rv;
	if (setup_vrps(&rv, rv.opt.read_file != NULL) == -1)
		exit(3);
	if (rv.opt.nsinks > 0 && setup_alerting(&rv) == -1)
		exit(3);
	/* A broken rules file is news even when no alert is written. */
	if (rv.opt.nsinks == 0 && rv.opt.rules != NULL &&
	    check_rules(rv.opt.rules, NULL) == -1)
		exit(3);

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	/*
	 * HUP and USR1 only raise a flag: restart the read they interrupt,
	 * or a logrotate SIGHUP would end `tcpdump -w - | rovmon -r -`
	 * with EINTR.  INT and TERM interrupt on purpose.
	 */
	sa.sa_flags = SA_RESTART;
	sigaction(SIGHUP, &sa, NULL);
	sigaction(SIGUSR1, &sa, NULL);
	sa.sa_flags = 0;
	/* hiredis may write to a socket Redis has closed: an error, not death. */
	sa.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &sa, NULL);

	if (strcmp(rv.opt.engine, "libnids") == 0) {
#ifdef HAVE_LIBNIDS
		if (service_started(&rv) == -1)
			exit(3);
		rv.unbuffered = true;
		status = reasm_nids_run(rv.opt.read_file, rv.opt.iface,
		    rv.opt.filter != NULL ? rv.opt.filter : "tcp port 179",
		    &bgp_session_reasm_ops, &rv.sink) == 0 ? 0 : 1;
#else
		log_warnx("--engine=libnids: built without libnids");
		status = 3;
#endif
	} else {
		status = run_own_engine(&rv);
	}

	/* Route gauges before the RIB goes; sink counters are final once
	 * alerting_lost() has drained the queues. */
	if (rv.alerting != NULL)
		alerting_update_stats(rv.alerting);
	if ((lost = alerting_lost(rv.alerting, why, sizeof(why))) > 0) {
		log_warnx("%llu alert%s lost: %s", (unsigned long long)lost,
		    lost == 1 ? "" : "s", why);
		if (status == 0)
			status = 1;
	}
	alerting_free(rv.alerting);
	rv.alerting = NULL;
	while (rv.opt.nowned > 0)
		free(rv.opt.owned[--rv.opt.nowned]);
	if (route_log_close(rv.routes) != 0 && status == 0)
		status = 1;
	/* A start that failed (3) read nothing: no report. */
	if (status != 3 && report_print(&rv) != 0 && status == 0)
		status = 1;
	/* The validator is still there: the last line has the VRP and Redis
	 * state too.  A start that failed (3) read nothing: on stderr, its
	 * one-line error stays alone.  A report replaces the default line on
	 * stderr. */
	if ((status != 3 || rv.opt.stats_file != NULL) &&
	    (rv.report_fp == NULL || rv.opt.stats_file != NULL) &&
	    (write_stats(&rv) != 0 || rv.stats_lost > 0) && status == 0)
		status = 1;
	summary_free(rv.summary);
	validator_free(rv.validator);
	rv.validator = NULL;
	if (rv.stats_fp != stderr && rv.stats_fp != stdout &&
	    fclose(rv.stats_fp) != 0 && status == 0)
		status = 1;
	if (rv.have_pidfile)
		pidfile_remove(rv.opt.pidfile);
	free(rv.opt.filter);
	config_args_free(&rv.opt.cfg_args);
	return status;
}
