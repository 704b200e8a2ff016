/*
 * rovmon.c - options, wiring and the main loop.
 *
 *   capture -> decode -> reasm -> bgp_session -> bgp_update ->
 *   validator -> route log; alerting (rib -> rules -> alert -> sinks)
 *
 * Everything here is startup and teardown; per-packet work lives in the
 * stages.  Exit status: 0 success, 1 the capture had an error part way
 * (what was read is still processed and flushed), 2 usage, 3 fatal setup.
 */
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "alerting.h"
#include "bgp_session.h"
#include "capture.h"
#include "decode.h"
#include "log.h"
#include "reasm.h"
#include "route_log.h"
#include "stats.h"
#include "validator.h"

#define ROVMON_VERSION	"0.1.0"

struct options {
	const char	*read_file;
	const char	*iface;
	const char	*routes;
	const char	*stats_file;
	const char	*engine;
	const char	*vrps;		/* --vrps FILE|URL */
	const char	*redis;		/* --redis URL */
	const char	*redis_ns;	/* --redis-namespace */
	const char	*rules;		/* --rules FILE */
	const char	*sensor;	/* --sensor NAME */
	const char	*sinks[16];	/* --alerts FILE, --alert-sink SPEC */
	size_t		 nsinks;
	char		*alerts_spec;	/* owned: "file:" + --alerts */
	unsigned	 min_priority;
	char		*filter;	/* owned */
	long		 count;
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
};

static struct capture *volatile running_cap;
static volatile sig_atomic_t got_hup;

static _Noreturn void
usage(int status)
{
	FILE *fp = status == 0 ? stdout : stderr;

	fprintf(fp,
"usage: rovmon -r FILE | -i IFACE [options] [BPF filter]\n"
"  -r, --read FILE       read packets from a pcap/pcapng file ('-' = stdin)\n"
"  -i, --interface IFACE capture live (promiscuous) on IFACE\n"
"  -c, --count N         stop after N packets\n"
"      --vrps FILE|URL   validate routes against these VRPs (rpki-client,\n"
"                        Routinator, StayRTR JSON or CSV; file or http(s))\n"
"      --redis URL       validate against the VRP set in Redis, following\n"
"                        every new generation (redis://, unix://)\n"
"      --redis-namespace NS  key prefix in Redis (default rovmon:)\n"
"      --routes FILE     write route events as JSON lines ('-' = stdout)\n"
"      --alerts FILE     write Snort-style JSON alerts to FILE (appends)\n"
"      --alert-sink SPEC another alert sink: stdout, syslog[:FACILITY],\n"
"                        webhook:URL, smtp://..., elasticsearch:URL (docs/alerts.md)\n"
"      --alert-min-priority N  only alerts of priority <= N (1 = most severe)\n"
"      --rules FILE      alert rules (default rules/rovmon.rules)\n"
"      --sensor NAME     sensor name in alerts (default: host name)\n"
"      --stats FILE      write the final statistics as JSON (default stderr)\n"
"      --engine NAME     TCP reassembly: 'rovmon' (default) or 'libnids' (IPv4)\n"
"  -v, --verbose         more diagnostics (repeat for debug)\n"
"  -V, --version         print the version\n"
"  -h, --help            this text\n"
"The BPF filter defaults to 'tcp port 179'.\n");
	exit(status);
}

static char *
join_args(int argc, char **argv)
{
	size_t len = 1;
	char *s;
	int i;

	for (i = 0; i < argc; i++)
		len += strlen(argv[i]) + 1;
	if ((s = calloc(1, len)) == NULL)
		fatal("calloc");
	for (i = 0; i < argc; i++) {
		if (i > 0)
			strcat(s, " ");
		strcat(s, argv[i]);
	}
	return s;
}

static void
add_sink(struct options *o, const char *spec)
{
	if (o->nsinks == sizeof(o->sinks) / sizeof(o->sinks[0])) {
		log_warnx("too many alert sinks (at most %zu)", o->nsinks);
		usage(2);
	}
	o->sinks[o->nsinks++] = spec;
}

static void
parse_options(int argc, char **argv, struct options *o)
{
	enum { OPT_ROUTES = 256, OPT_STATS, OPT_ENGINE, OPT_VRPS, OPT_REDIS,
	    OPT_REDIS_NS, OPT_ALERTS, OPT_SINK, OPT_RULES, OPT_SENSOR,
	    OPT_MINPRIO };
	static const struct option longopts[] = {
		{ "read", required_argument, NULL, 'r' },
		{ "interface", required_argument, NULL, 'i' },
		{ "count", required_argument, NULL, 'c' },
		{ "routes", required_argument, NULL, OPT_ROUTES },
		{ "stats", required_argument, NULL, OPT_STATS },
		{ "engine", required_argument, NULL, OPT_ENGINE },
		{ "vrps", required_argument, NULL, OPT_VRPS },
		{ "redis", required_argument, NULL, OPT_REDIS },
		{ "redis-namespace", required_argument, NULL, OPT_REDIS_NS },
		{ "alerts", required_argument, NULL, OPT_ALERTS },
		{ "alert-sink", required_argument, NULL, OPT_SINK },
		{ "alert-min-priority", required_argument, NULL, OPT_MINPRIO },
		{ "rules", required_argument, NULL, OPT_RULES },
		{ "sensor", required_argument, NULL, OPT_SENSOR },
		{ "verbose", no_argument, NULL, 'v' },
		{ "version", no_argument, NULL, 'V' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	char *end;
	int ch;

	memset(o, 0, sizeof(*o));
	o->engine = "rovmon";
	while ((ch = getopt_long(argc, argv, "r:i:c:vVh", longopts, NULL)) != -1) {
		switch (ch) {
		case 'r':
			o->read_file = optarg;
			break;
		case 'i':
			o->iface = optarg;
			break;
		case 'c':
			o->count = strtol(optarg, &end, 10);
			if (*end != '\0' || o->count <= 0) {
				log_warnx("-c: not a positive number: %s", optarg);
				usage(2);
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
			break;
		case OPT_REDIS:
			o->redis = optarg;
			break;
		case OPT_REDIS_NS:
			o->redis_ns = optarg;
			break;
		case OPT_ALERTS:
			free(o->alerts_spec);
			if (asprintf(&o->alerts_spec, "file:%s", optarg) == -1)
				fatal("asprintf");
			add_sink(o, o->alerts_spec);
			break;
		case OPT_SINK:
			add_sink(o, optarg);
			break;
		case OPT_MINPRIO:
			o->min_priority = (unsigned)strtoul(optarg, &end, 10);
			if (*end != '\0' || o->min_priority == 0) {
				log_warnx("--alert-min-priority: not a priority: "
				    "%s", optarg);
				usage(2);
			}
			break;
		case OPT_RULES:
			o->rules = optarg;
			break;
		case OPT_SENSOR:
			o->sensor = optarg;
			break;
		case 'v':
			log_verbose++;
			break;
		case 'V':
			printf("rovmon %s\n", ROVMON_VERSION);
			exit(0);
		case 'h':
			usage(0);
		default:
			usage(2);
		}
	}
	if ((o->read_file == NULL) == (o->iface == NULL)) {
		log_warnx("exactly one of -r FILE or -i IFACE is required");
		usage(2);
	}
	if (o->vrps != NULL && o->redis != NULL) {
		log_warnx("--vrps and --redis: choose one source of VRPs");
		usage(2);
	}
	if (strcmp(o->engine, "rovmon") != 0 && strcmp(o->engine, "libnids") != 0) {
		log_warnx("--engine: unknown engine '%s' (rovmon, libnids)",
		    o->engine);
		usage(2);
	}
	/* NULL selects capture.c's default: tcp port 179, also behind VLAN
	 * tags, with link-specific forms where BPF needs them. */
	o->filter = optind < argc ? join_args(argc - optind, argv + optind) :
	    NULL;
}

static void
on_signal(int sig)
{
	if (sig == SIGHUP) {
		got_hup = 1;
		return;
	}
	if (running_cap != NULL)
		capture_breakloop(running_cap);
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
	gettimeofday(&now, NULL);
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
	if (rv->routes != NULL)
		route_log_write(rv->routes, ctx, at, r, rp,
		    rp != NULL ? validator_generation(rv->validator) : 0);
	if (rv->alerting != NULL)
		alerting_route(rv->alerting, ctx, at, r, rp,
		    rp != NULL ? validator_generation(rv->validator) : 0);
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

	if ((si->event == BGP_SESS_DOWN || si->event == BGP_SESS_NOTIFICATION) &&
	    rv->alerting != NULL)
		alerting_session_down(rv->alerting, ctx);
}

static int
write_stats(const char *path)
{
	FILE *fp = stderr;

	if (path != NULL && (fp = fopen(path, "w")) == NULL) {
		log_warn("%s: cannot write statistics", path);
		return -1;
	}
	stats_write_json(fp);
	if (fp != stderr && fclose(fp) != 0) {
		log_warn("%s: cannot write statistics", path);
		return -1;
	}
	return 0;
}

static int
run_own_engine(struct rovmon *rv)
{
	struct reasm_config rc;
	int rc_loop;

	if (rv->opt.read_file != NULL)
		rv->cap = capture_open_offline(rv->opt.read_file, rv->opt.filter);
	else
		rv->cap = capture_open_live(rv->opt.iface, rv->opt.filter);
	if (rv->cap == NULL)
		return -1;
	reasm_config_default(&rc);
	if ((rv->reasm = reasm_new(&rc, &bgp_session_reasm_ops, &rv->sink)) == NULL)
		fatal("reasm_new");
	running_cap = rv->cap;
	capture_set_idle(rv->cap, on_idle, rv);
	rc_loop = capture_loop(rv->cap, rv->opt.count, on_packet, rv);
	running_cap = NULL;
	capture_stats(rv->cap);
	reasm_finish(rv->reasm, rv->last.num != 0 ? &rv->last : NULL);
	reasm_free(rv->reasm);
	capture_close(rv->cap);
	return rc_loop < 0 ? 1 : 0;
}

/* Alerts need rules: --rules, or the default set beside the sources. */
static int
setup_alerting(struct rovmon *rv)
{
	struct alerting_config cfg;

	memset(&cfg, 0, sizeof(cfg));
	cfg.rules = rv->opt.rules != NULL ? rv->opt.rules : "rules/rovmon.rules";
	if (rv->opt.sensor != NULL)
		cfg.sensor = rv->opt.sensor;
	else if (gethostname(rv->hostname, sizeof(rv->hostname) - 1) == 0)
		cfg.sensor = rv->hostname;
	cfg.sinks = rv->opt.sinks;
	cfg.nsinks = rv->opt.nsinks;
	cfg.min_priority = rv->opt.min_priority;
	if ((rv->alerting = alerting_new(&cfg)) == NULL)
		return -1;
	return 0;
}

int
main(int argc, char **argv)
{
	struct rovmon rv;
	struct sigaction sa;
	int status;

	log_init("rovmon");
	memset(&rv, 0, sizeof(rv));
	parse_options(argc, argv, &rv.opt);

	if (rv.opt.routes != NULL &&
	    (rv.routes = route_log_open(rv.opt.routes)) == NULL)
		exit(3);
	rv.sink.route = on_route;
	rv.sink.session = on_session;
	rv.sink.arg = &rv;
	if (rv.opt.vrps != NULL || rv.opt.redis != NULL) {
		if ((rv.validator = validator_new()) == NULL)
			fatal("validator_new");
		/* Explicit VRPs that cannot be read are a setup error. */
		if (rv.opt.vrps != NULL &&
		    validator_load(rv.validator, rv.opt.vrps) == -1)
			exit(3);
		/* Redis may come later: the watcher retries with backoff. */
		if (rv.opt.redis != NULL && (status = validator_redis(
		    rv.validator, rv.opt.redis, rv.opt.redis_ns)) == -2)
			exit(3);
		if (rv.opt.redis != NULL && status == -1)
			log_warnx("%s: no VRP set yet; routes are logged without "
			    "validation until one is loaded", rv.opt.redis);
	}

	if (rv.opt.nsinks > 0 && setup_alerting(&rv) == -1)
		exit(3);

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	/* hiredis may write to a socket Redis has closed: an error, not death. */
	sa.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &sa, NULL);

	if (strcmp(rv.opt.engine, "libnids") == 0) {
#ifdef HAVE_LIBNIDS
		status = reasm_nids_run(rv.opt.read_file, rv.opt.iface,
		    rv.opt.filter != NULL ? rv.opt.filter : "tcp port 179",
		    &bgp_session_reasm_ops, &rv.sink) == 0 ? 0 : 1;
#else
		log_warnx("--engine=libnids: built without libnids");
		status = 3;
#endif
	} else {
		status = run_own_engine(&rv);
		if (rv.cap == NULL && status != 0)
			status = 3;
	}

	alerting_free(rv.alerting);
	validator_free(rv.validator);
	free(rv.opt.alerts_spec);
	if (route_log_close(rv.routes) != 0 && status == 0)
		status = 1;
	if (write_stats(rv.opt.stats_file) != 0 && status == 0)
		status = 1;
	free(rv.opt.filter);
	return status;
}
