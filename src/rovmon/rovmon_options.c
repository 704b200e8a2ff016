/*
 * rovmon_options.c - rovmon's options (rovmon_options.h): the long
 * option table, which is also the vocabulary of the configuration file
 * (config.c); two getopt_long() passes, the file's arguments then the
 * command line's; the checks of what the options say together; --help;
 * usage errors (one line naming the culprit, exit 2).
 */
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bgp/bgp_role.h"
#include "rovmon/config.h"
#include "rovmon/control.h"
#include "base/log.h"
#include "rovmon/metrics.h"
#include "rovmon/paths.h"
#include "rovmon/rovmon_options.h"
#include "base/version.h"

/* Where `make install` puts the rules (Makefile SYSCONFDIR; paths.h). */
#ifndef ROVMON_SYSCONFDIR
#define ROVMON_SYSCONFDIR	"/etc/rovmon"
#endif

/* --help: the whole summary on standard output. */
static _Noreturn void
usage(void)
{
	printf(
"usage: rovmon [-C FILE] -r FILE | -i IFACE [options] [BPF filter]\n"
"       rovmon [-C FILE] --bmp-listen ADDR:PORT [options]   a BMP station\n"
"       rovmon -T [-C FILE] [options]    check the configuration and exit\n"
"  -C, --config FILE     read options from FILE first (one 'option value'\n"
"                        a line, long option names; docs/rovmon.conf.example)\n"
"  -r, --read FILE       read a pcap/pcapng capture or an MRT archive (RFC\n"
"                        6396), plain, gzip or bzip2 ('-' = stdin)\n"
"  -i, --interface IFACE capture live (promiscuous) on IFACE\n"
"      --bmp-listen ADDR:PORT  accept BMP (RFC 7854) connections from routers\n"
"                        instead of capturing (10.0.0.1:11019, [::1]:11019,\n"
"                        :11019 = every address; docs/deployment.md)\n"
"  -c, --count N         stop after N packets (MRT: records)\n"
"  -B, --buffer-size KiB kernel capture buffer for -i (default 65536 KiB;\n"
"                        a full-table burst must fit while rovmon catches up)\n"
"      --buffer-timeout MS  hand frames over at most MS ms after the first of\n"
"                        a kernel block (-i; 1-1000, default 100): lower it\n"
"                        for alerts within milliseconds on a quiet link\n"
"      --immediate-mode  hand every frame over at once (-i; as tcpdump's;\n"
"                        costs more drops in bursts, docs/performance.md)\n"
"      --vrps FILE|URL   validate routes against these VRPs (rpki-client,\n"
"                        Routinator, StayRTR JSON or CSV; file or http(s))\n"
"      --redis URL       validate against the VRP set in Redis, following\n"
"                        every new generation (redis://, unix://, or\n"
"                        redis-sentinel://HOST[:PORT][,...]/MASTER[/DB]\n"
"                        to follow a master across failovers)\n"
"      --redis-namespace NS  key prefix in Redis (default rovmon:)\n"
"      --no-validation   run without VRPs on purpose (no RPKI state; alerts\n"
"                        only from rules that need none); a VRP source\n"
"                        given as well is not used\n"
"      --routes FILE     write route events as JSON lines ('-' = stdout)\n"
"      --write-mrt FILE  archive every BGP message of the sessions, with\n"
"                        their state changes, as MRT BGP4MP_ET records\n"
"                        (appends; '-' = stdout; SIGHUP reopens;\n"
"                        rovmon -r and bgpdump read it back)\n"
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
"      --control PATH    the control socket rovctl talks to (show summary,\n"
"                        sessions, routes; reload; stats; docs/control.md);\n"
"                        with -D the default is " CONTROL_DEFAULT_PATH "\n"
"      --control-group GROUP  the socket's group (mode 0660)\n"
"      --engine NAME     TCP reassembly: 'rovmon' (default) or 'libnids' (IPv4)\n"
"      --threads N|auto  1: everything on the packet thread; 2 or more:\n"
"                        alerts and route log lines are formatted and\n"
"                        written by a second thread (the same bytes);\n"
"                        auto = the online CPUs (the default)\n"
"  -T, --check-config    read the configuration, options, rules and VRP\n"
"                        source (connecting to Redis), exit 0 or 3 with the\n"
"                        first error; no capture, no output file\n"
"      --role ADDR=ROLE  the RFC 9234 role of the speaker at ADDR towards the\n"
"                        other end of its sessions, for speakers that send no\n"
"                        Role capability (provider, customer, peer, rs,\n"
"                        rs-client; repeatable; the OPENs win; docs/leaks.md)\n"
"      --rtr-audit       decode the routers' RTR sessions on the mirror and\n"
"                        compare each router's VRP/ASPA set with the\n"
"                        reference (--vrps/--redis; docs/rtr.md, \"Audit\")\n"
"      --rtr-ports LIST  the caches' RTR ports (default 323,8282); the\n"
"                        default filter adds them, your own filter must\n"
"      --bmp-ports LIST  BMP collectors' ports (default 11019,1790,5000; none:\n"
"                        off): the routers' BMP connections on the mirror\n"
"                        are decoded (docs/deployment.md, \"BMP\"); the\n"
"                        default filter adds them\n"
"      --rtr-stale SECONDS  a router without End of Data for longer is\n"
"                        stale (default twice its refresh interval)\n"
"      --metrics ADDR:PORT  serve Prometheus metrics at http://ADDR:PORT/metrics\n"
"                        (127.0.0.1:9105, [::1]:9105, :9105 = every address;\n"
"                        docs/metrics.md)\n"
"      --metrics-sessions N  senders with their own route gauges (default 64,\n"
"                        0-4096); the others are summed under peer=\"other\"\n"
"      --state-dir DIR   keep a checkpoint of the sessions and their routes\n"
"                        in DIR (made 0700 if absent; one rovmon per DIR),\n"
"                        written at SIGTERM/SIGINT, at the end of a file and\n"
"                        every --checkpoint-interval; loaded at start, so\n"
"                        that alerts raised before a restart are resolved\n"
"                        after it and not raised twice (docs/state.md)\n"
"      --checkpoint-interval SECONDS  how often (default 60; 0 = only at\n"
"                        exit); a SIGKILL loses what came after the last\n"
"                        checkpoint (docs/state.md)\n"
"      --stale-time SECONDS  a BGP session that goes down keeps its routes\n"
"                        this long for a new session between the same\n"
"                        speakers, which gets as long for its End-of-RIB\n"
"                        (default 120; 0 = resolve at once; docs/alerts.md)\n"
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
add_sink(struct rovmon_options *o, const char *spec)
{
	if (o->nsinks == sizeof(o->sinks) / sizeof(o->sinks[0])) {
		usage_error("%s: too many alert sinks (at most %zu)", spec,
		    o->nsinks);
	}
	o->sinks[o->nsinks++] = spec;
}

/*
 * --bmp-ports 11019,1790,5000: 1..8 ports, 1..65535, not 179; "none":
 * no passive BMP.  The default: GoBGP's documented collector port
 * (11019), pmacct's bmp_daemon_port (1790) and OpenBMP's collector
 * (5000), docs/deployment.md "BMP".
 */
static void
parse_bmp_ports(struct rovmon_options *o, const char *arg)
{
	const char *p = arg;
	char *end;
	unsigned long v;

	o->nbmp_ports = 0;
	o->bmp_off = strcmp(arg, "none") == 0;
	if (o->bmp_off)
		return;
	for (;;) {
		errno = 0;
		v = strtoul(p, &end, 10);
		if (end == p || errno != 0 || v == 0 || v > 65535 || v == 179 ||
		    (*end != ',' && *end != '\0') ||
		    o->nbmp_ports == sizeof(o->bmp_ports) /
		    sizeof(o->bmp_ports[0]))
			usage_error("--bmp-ports \"%s\": expected up to 8 TCP "
			    "ports (1-65535, not 179) separated by commas, or "
			    "none", arg);
		o->bmp_ports[o->nbmp_ports++] = (uint16_t)v;
		if (*end == '\0')
			break;
		p = end + 1;
	}
}

enum { OPT_ROUTES = 256, OPT_STATS, OPT_ENGINE, OPT_VRPS, OPT_REDIS,
    OPT_REDIS_NS, OPT_ALERTS, OPT_SINK, OPT_RULES, OPT_SENSOR,
    OPT_MINPRIO, OPT_PIDFILE, OPT_CHROOT, OPT_STATS_INTERVAL, OPT_FILTER,
    OPT_SYSLOG, OPT_BUFSIZE, OPT_NO_VALIDATION, OPT_SUMMARY, OPT_ROLE,
    OPT_RTR_AUDIT, OPT_RTR_PORTS, OPT_RTR_STALE, OPT_METRICS,
    OPT_METRICS_SESSIONS, OPT_STATE_DIR, OPT_CKPT_INTERVAL, OPT_CONTROL,
    OPT_CONTROL_GROUP, OPT_STALE_TIME, OPT_BUF_TIMEOUT, OPT_IMMEDIATE,
    OPT_THREADS, OPT_WRITE_MRT, OPT_BMP_LISTEN, OPT_BMP_PORTS };

/* Also the vocabulary of the configuration file (config.c). */
static const struct option longopts[] = {
	{ "read", required_argument, NULL, 'r' },
	{ "interface", required_argument, NULL, 'i' },
	{ "bmp-listen", required_argument, NULL, OPT_BMP_LISTEN },
	{ "count", required_argument, NULL, 'c' },
	{ "buffer-size", required_argument, NULL, 'B' },
	{ "routes", required_argument, NULL, OPT_ROUTES },
	{ "write-mrt", required_argument, NULL, OPT_WRITE_MRT },
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
	{ "role", required_argument, NULL, OPT_ROLE },
	{ "rtr-audit", no_argument, NULL, OPT_RTR_AUDIT },
	{ "rtr-ports", required_argument, NULL, OPT_RTR_PORTS },
	{ "rtr-stale", required_argument, NULL, OPT_RTR_STALE },
	{ "bmp-ports", required_argument, NULL, OPT_BMP_PORTS },
	{ "metrics", required_argument, NULL, OPT_METRICS },
	{ "metrics-sessions", required_argument, NULL, OPT_METRICS_SESSIONS },
	{ "state-dir", required_argument, NULL, OPT_STATE_DIR },
	{ "checkpoint-interval", required_argument, NULL, OPT_CKPT_INTERVAL },
	{ "control", required_argument, NULL, OPT_CONTROL },
	{ "control-group", required_argument, NULL, OPT_CONTROL_GROUP },
	{ "stale-time", required_argument, NULL, OPT_STALE_TIME },
	{ "buffer-timeout", required_argument, NULL, OPT_BUF_TIMEOUT },
	{ "immediate-mode", no_argument, NULL, OPT_IMMEDIATE },
	{ "threads", required_argument, NULL, OPT_THREADS },
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
set_filter(struct rovmon_options *o, const char *expr)
{
	free(o->filter);
	if ((o->filter = strdup(expr)) == NULL)
		fatal("strdup");
}

/*
 * --role ADDR=ROLE (RFC 9234 roles for speakers that send no Role
 * capability): one entry per address, a later one replacing an earlier
 * one (the command line the file's).
 */
static void
add_role(struct rovmon_options *o, const char *arg)
{
	const char *eq = strrchr(arg, '=');
	struct rovmon_role r, *nr;
	char addr[IPADDR_STRLEN + 1];
	size_t i, n;

	if (eq == NULL || eq == arg || (n = (size_t)(eq - arg)) >= sizeof(addr))
		usage_error("--role: not ADDR=ROLE: %s", arg);
	memcpy(addr, arg, n);
	addr[n] = '\0';
	memset(&r, 0, sizeof(r));
	if (ipaddr_parse(addr, &r.addr) == -1)
		usage_error("--role %s: not an IPv4 or IPv6 address: %s", arg,
		    addr);
	if ((r.role = bgp_role_parse(eq + 1)) == BGP_ROLE_UNKNOWN)
		usage_error("--role %s: unknown role '%s' (provider, customer, "
		    "peer, rs, rs-client)", arg, eq + 1);
	for (i = 0; i < o->nroles; i++)
		if (ipaddr_cmp(&o->roles[i].addr, &r.addr) == 0) {
			o->roles[i] = r;
			return;
		}
	if ((nr = realloc(o->roles, (o->nroles + 1) * sizeof(*nr))) == NULL)
		fatal("realloc");
	o->roles = nr;
	o->roles[o->nroles++] = r;
}

/* --threads auto: the CPUs online, at least 1. */
static long
threads_auto(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);

	return n < 1 ? 1 : n > ROVMON_THREADS_MAX ? ROVMON_THREADS_MAX : n;
}

/*
 * The options whose value is checked or turned into something else: a
 * number in its range, --alerts FILE as a "file:" sink.
 */
static void
parse_value(struct rovmon_options *o, int ch)
{
	char *end;

	switch (ch) {
	case OPT_STATS_INTERVAL:
		o->stats_interval = strtol(optarg, &end, 10);
		if (*end != '\0' || o->stats_interval <= 0 ||
		    o->stats_interval > 86400 * 366) {
			usage_error("--stats-interval: not a number of "
			    "seconds from 1 to 31622400: %s", optarg);
		}
		return;
	case 'B':
		/* KiB, as tcpdump -B; libpcap takes an int */
		o->bufsize_kib = strtol(optarg, &end, 10);
		if (*end != '\0' || o->bufsize_kib < 1024 ||
		    o->bufsize_kib > 2097151) {
			usage_error("-B: not a buffer size in KiB from "
			    "1024 to 2097151: %s", optarg);
		}
		return;
	case OPT_BUF_TIMEOUT:
		o->buffer_timeout_ms = strtol(optarg, &end, 10);
		if (*end != '\0' || end == optarg || o->buffer_timeout_ms < 1 ||
		    o->buffer_timeout_ms > 1000) {
			usage_error("--buffer-timeout: not a number of "
			    "milliseconds from 1 to 1000: %s", optarg);
		}
		return;
	case OPT_THREADS:
		if (strcmp(optarg, "auto") == 0) {
			o->threads = threads_auto();
			return;
		}
		o->threads = strtol(optarg, &end, 10);
		if (*end != '\0' || end == optarg || o->threads < 1 ||
		    o->threads > ROVMON_THREADS_MAX) {
			usage_error("--threads: not auto or a number from 1 "
			    "to %d: %s", ROVMON_THREADS_MAX, optarg);
		}
		return;
	case OPT_STALE_TIME:
		o->stale_time = strtol(optarg, &end, 10);
		if (*end != '\0' || end == optarg || o->stale_time < 0 ||
		    o->stale_time > 86400) {
			usage_error("--stale-time: not a number of seconds "
			    "from 0 to 86400: %s", optarg);
		}
		return;
	case OPT_RTR_STALE:
		o->rtr_stale = strtol(optarg, &end, 10);
		if (*end != '\0' || o->rtr_stale <= 0 ||
		    o->rtr_stale > 86400 * 366) {
			usage_error("--rtr-stale: not a number of seconds "
			    "from 1 to 31622400: %s", optarg);
		}
		return;
	case OPT_METRICS_SESSIONS:
		o->metrics_sessions = strtol(optarg, &end, 10);
		if (optarg[0] < '0' || optarg[0] > '9' || *end != '\0' ||
		    o->metrics_sessions > METRICS_SESSIONS_MAX) {
			usage_error("--metrics-sessions: not a number from 0 "
			    "to %d: %s", METRICS_SESSIONS_MAX, optarg);
		}
		return;
	case 'c':
		o->count = strtol(optarg, &end, 10);
		if (*end != '\0' || o->count <= 0) {
			usage_error("-c: not a positive number: %s", optarg);
		}
		return;
	case OPT_MINPRIO:
		o->min_priority = (unsigned)strtoul(optarg, &end, 10);
		if (*end != '\0' || o->min_priority == 0) {
			usage_error("--alert-min-priority: not a "
			    "priority (1 or more): %s", optarg);
		}
		return;
	case OPT_ALERTS:
		if (strcmp(optarg, "-") == 0) {	/* as --routes - */
			add_sink(o, "stdout");
			return;
		}
		if (o->nowned == sizeof(o->owned) / sizeof(o->owned[0]))
			add_sink(o, optarg);	/* too many: usage */
		if (asprintf(&o->owned[o->nowned], "file:%s", optarg) == -1)
			fatal("asprintf");
		add_sink(o, o->owned[o->nowned++]);
		return;
	}
}

/* --rtr-ports 323,8282: 1..8 ports, 1..65535, not 179. */
static void
parse_rtr_ports(struct rovmon_options *o, const char *arg)
{
	const char *p = arg;
	char *end;
	unsigned long v;

	o->nrtr_ports = 0;
	for (;;) {
		errno = 0;
		v = strtoul(p, &end, 10);
		if (end == p || errno != 0 || v == 0 || v > 65535 || v == 179 ||
		    (*end != ',' && *end != '\0') ||
		    o->nrtr_ports == sizeof(o->rtr_ports) /
		    sizeof(o->rtr_ports[0]))
			usage_error("--rtr-ports \"%s\": expected up to 8 TCP "
			    "ports (1-65535, not 179) separated by commas",
			    arg);
		o->rtr_ports[o->nrtr_ports++] = (uint16_t)v;
		if (*end == '\0')
			break;
		p = end + 1;
	}
}

/* --metrics ADDR:PORT, checked now: a typo is a usage error. */
static void
parse_metrics(struct rovmon_options *o, const char *arg)
{
	struct sockaddr_storage ss;
	socklen_t sl;
	char err[128];

	if (metrics_parse_addr(arg, &ss, &sl, err, sizeof(err)) == -1)
		usage_error("--metrics %s: %s (ADDR:PORT, [ADDR6]:PORT or "
		    ":PORT)", arg, err);
	o->metrics = arg;
}

/* --bmp-listen: the address checked now, bound by bmp_station_open(). */
static void
parse_bmp_listen(struct rovmon_options *o, const char *arg)
{
	struct sockaddr_storage ss;
	socklen_t sl;
	char err[128];

	if (metrics_parse_addr(arg, &ss, &sl, err, sizeof(err)) == -1)
		usage_error("--bmp-listen %s: %s (ADDR:PORT, [ADDR6]:PORT or "
		    ":PORT)", arg, err);
	o->bmp_listen = arg;
}

/*
 * --bmp-listen is the only input of its run: the station has its own
 * poll(2) loop and a capture has libpcap's, and one process runs one of
 * them (run a second rovmon for -i, with its own --state-dir).  What
 * only a capture has (a filter, -c, the RTR audit of mirrored RTR
 * sessions, libnids) is refused rather than ignored.
 */
static void
check_bmp_listen(const struct rovmon_options *o)
{
	if (o->bmp_listen == NULL)
		return;
	if (o->read_file != NULL || o->iface != NULL)
		usage_error("--bmp-listen %s and %s %s: one input at a time "
		    "(run another rovmon for the capture)", o->bmp_listen,
		    o->read_file != NULL ? "-r" : "-i",
		    o->read_file != NULL ? o->read_file : o->iface);
	if (o->filter != NULL)
		usage_error("--bmp-listen: a BPF filter is for a capture "
		    "(-r, -i): '%s'", o->filter);
	if (o->count > 0)
		usage_error("--bmp-listen: -c counts captured packets");
	if (o->rtr_audit)
		usage_error("--bmp-listen: --rtr-audit reads RTR sessions "
		    "off a capture (-i)");
	if (strcmp(o->engine, "rovmon") != 0)
		usage_error("--bmp-listen: --engine is the capture's TCP "
		    "reassembly");
}

/* --checkpoint-interval: 0 (only at exit) to a year. */
static void
parse_state_interval(struct rovmon_options *o, const char *arg)
{
	char *end;

	o->checkpoint_interval = strtol(arg, &end, 10);
	if (*end != '\0' || end == arg || o->checkpoint_interval < 0 ||
	    o->checkpoint_interval > 86400 * 366)
		usage_error("--checkpoint-interval: not a number of seconds "
		    "from 0 to 31622400: %s", arg);
	o->checkpoint_interval_set = true;
}

/*
 * --state-dir: the RIB it keeps is alerting's, and the periodic
 * checkpoints are written from rovmon's own loop.  A relative DIR is
 * made absolute now, before -D changes the directory.
 */
static void
check_state_opts(struct rovmon_options *o)
{
	char cwd[PATH_MAX];

	if (o->state_dir == NULL) {
		if (o->checkpoint_interval_set)
			usage_error("--checkpoint-interval needs --state-dir");
		return;
	}
	if (!o->checkpoint_interval_set)
		o->checkpoint_interval = 60;
	if (o->nsinks == 0 && !o->check_config)
		usage_error("--state-dir keeps the routes alerts are raised "
		    "from: give --alerts FILE or --alert-sink SPEC");
	if (strcmp(o->engine, "rovmon") != 0)
		usage_error("--state-dir needs --engine rovmon");
	if (o->chroot_dir != NULL)
		usage_error("--state-dir and --chroot: not supported together");
	if (o->state_dir[0] == '\0')
		usage_error("--state-dir: empty directory name");
	if (o->state_dir[0] != '/') {
		if (getcwd(cwd, sizeof(cwd)) == NULL ||
		    (size_t)snprintf(o->state_dir_abs, sizeof(o->state_dir_abs),
		    "%s/%s", cwd, o->state_dir) >= sizeof(o->state_dir_abs))
			usage_error("--state-dir %s: path too long",
			    o->state_dir);
		o->state_dir = o->state_dir_abs;
	}
}

/*
 * --write-mrt -: binary records on standard output leave no room there
 * for the text outputs.
 */
static void
check_write_mrt(const struct rovmon_options *o)
{
	size_t i;

	if (o->write_mrt == NULL || strcmp(o->write_mrt, "-") != 0)
		return;
	if ((o->routes != NULL && strcmp(o->routes, "-") == 0) ||
	    (o->stats_file != NULL && strcmp(o->stats_file, "-") == 0))
		usage_error("--write-mrt -: standard output carries the MRT "
		    "records; give --routes and --stats a file");
	for (i = 0; i < o->nsinks; i++)
		if (strcmp(o->sinks[i], "stdout") == 0 ||
		    strncmp(o->sinks[i], "stdout,", 7) == 0)
			usage_error("--write-mrt -: standard output carries "
			    "the MRT records; give the alerts a file");
}

/*
 * The options of the service (daemon, syslog, privileges) and of the
 * route-leak and RTR-audit stages; false for an option that is none of
 * them.
 */
static bool
parse_service_opt(struct rovmon_options *o, int ch)
{
	switch (ch) {
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
	case OPT_CONTROL:
		o->control = optarg;
		break;
	case OPT_CONTROL_GROUP:
		o->control_group = optarg;
		break;
	case OPT_ROLE:
		add_role(o, optarg);
		break;
	case OPT_RTR_AUDIT:
		o->rtr_audit = true;
		break;
	case OPT_RTR_PORTS:
		parse_rtr_ports(o, optarg);
		break;
	case OPT_BMP_PORTS:
		parse_bmp_ports(o, optarg);
		break;
	case OPT_RTR_STALE:
	case OPT_METRICS_SESSIONS:
	case OPT_STALE_TIME:
	case OPT_BUF_TIMEOUT:
	case OPT_THREADS:
		parse_value(o, ch);
		break;
	case OPT_IMMEDIATE:
		o->immediate = true;
		break;
	case OPT_METRICS:
		parse_metrics(o, optarg);
		break;
	case OPT_STATE_DIR:
		o->state_dir = optarg;
		break;
	case OPT_CKPT_INTERVAL:
		parse_state_interval(o, optarg);
		break;
	default:
		return false;
	}
	return true;
}

/*
 * One pass of getopt_long() over argv: the configuration file's
 * arguments (cfg true), then the command line's.  A packet source, a VRP
 * source or a filter from the command line replaces the file's.
 */
static void
parse_pass(int argc, char **argv, struct rovmon_options *o, bool cfg)
{
	int ch;

	optind = 0;	/* GNU: a full re-initialisation for the second pass */
	opterr = 0;	/* bad_option() says it in one line */
	while ((ch = getopt_long(argc, argv, SHORTOPTS, longopts, NULL)) != -1) {
		if ((ch == 'r' || ch == 'i' || ch == OPT_BMP_LISTEN) && !cfg &&
		    o->cfg_source) {
			o->read_file = o->iface = o->bmp_listen = NULL;
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
		case OPT_BMP_LISTEN:
			parse_bmp_listen(o, optarg);
			o->cfg_source = cfg;
			break;
		case 'C':
			break;		/* read before parsing: find_config() */
		case OPT_FILTER:
			set_filter(o, optarg);
			break;
		case OPT_STATS_INTERVAL:
		case 'B':
		case 'c':
		case OPT_MINPRIO:
		case OPT_ALERTS:
			parse_value(o, ch);
			break;
		case OPT_ROUTES:
			o->routes = optarg;
			break;
		case OPT_WRITE_MRT:
			o->write_mrt = optarg;
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
		case OPT_SINK:
			add_sink(o, optarg);
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
			if (!parse_service_opt(o, ch))
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

void
rovmon_options_parse(int argc, char **argv, struct rovmon_options *o)
{
	struct config_args *ca = &o->cfg_args;
	char err[1024];
	char **av;
	int i;

	memset(o, 0, sizeof(*o));
	o->engine = "rovmon";
	o->metrics_sessions = -1;
	o->stale_time = ROVMON_STALE_TIME;
	o->threads = threads_auto();
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
	if (o->read_file == NULL && o->iface == NULL && o->bmp_listen == NULL &&
	    !o->check_config)
		usage_error("no packet source: give -r FILE or -i IFACE (or "
		    "--bmp-listen ADDR:PORT)");
	if (o->vrps != NULL && o->redis != NULL)
		usage_error("--vrps and --redis: choose one source of VRPs");
	if (strcmp(o->engine, "rovmon") != 0 && strcmp(o->engine, "libnids") != 0)
		usage_error("--engine: unknown engine '%s' (rovmon, libnids)",
		    o->engine);
	check_bmp_listen(o);
	if (o->user != NULL && strcmp(o->engine, "libnids") == 0)
		usage_error("-Z: not with --engine=libnids (it opens the "
		    "capture itself)");
	if (o->metrics != NULL && strcmp(o->engine, "libnids") == 0)
		usage_error("--metrics: not with --engine=libnids (its loop "
		    "has no place for the snapshots)");
	if (o->control_group != NULL && o->control == NULL && !o->daemonize)
		usage_error("--control-group needs --control PATH or -D");
	if (o->control != NULL && o->control[0] == '\0')
		usage_error("--control: an empty path");
	if (o->chroot_dir != NULL && o->user == NULL)
		usage_error("--chroot needs -Z USER");
	check_state_opts(o);
	check_write_mrt(o);
	if (o->no_validation)
		o->vrps = o->redis = NULL;	/* asked for: none is used */
	/* Without VRPs no route has an RPKI state: the default rules would
	 * alert nothing, and silently. */
	if (o->nsinks > 0 && o->vrps == NULL && o->redis == NULL &&
	    !o->no_validation)
		usage_error("alerts need a VRP source: give --vrps FILE|URL or "
		    "--redis URL (or --no-validation for rules that need no "
		    "RPKI state)");
	/* Found now, before -D changes the directory (paths.h).  --control
	 * keeps the RIB through the alerting stage, which reads them. */
	if (o->rules == NULL && (o->nsinks > 0 || o->check_config ||
	    o->control != NULL)) {
		if (paths_default_rules(ROVMON_SYSCONFDIR, argv[0],
		    o->rules_default, sizeof(o->rules_default), err,
		    sizeof(err)) == -1) {
			log_warnx("%s", err);
			exit(3);
		}
		o->rules = o->rules_default;
	}
}

void
rovmon_options_free(struct rovmon_options *o)
{
	while (o->nowned > 0)
		free(o->owned[--o->nowned]);
	free(o->filter);
	o->filter = NULL;
	free(o->roles);
	o->roles = NULL;
	o->nroles = 0;
	config_args_free(&o->cfg_args);
}
