/*
 * rovctl - the operator's tool for rovmon's VRP data: load VRP files or
 * URLs into Redis generations, look at what is loaded, validate a route
 * by hand, and watch generations change.  See usage() and docs/redis.md.
 *
 * This file: the options, the command dispatch and the helpers the
 * commands share (rovctl.h); the commands are in rovctl_query.c
 * (validate, vrp show) and rovctl_gen.c (vrp load, status, watch).
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "base/log.h"
#include "rovctl/rovctl.h"
#include "rovmon/control.h"
#include "base/version.h"
#include "rpki/vrp_redis.h"

volatile sig_atomic_t rovctl_stop;

static void
usage(FILE *f)
{
	fprintf(f,
"usage: rovctl vrp load --from FILE|URL [--redis URL] [--interval SECONDS]\n"
"       rovctl vrp status [--redis URL] [--quick] [--json]\n"
"       rovctl vrp status --from rtr://HOST:PORT [--json]\n"
"       rovctl vrp show --prefix PREFIX | --asn ASN [--vrps FILE|URL |\n"
"                       --redis URL] [--json]\n"
"       rovctl vrp watch [--redis URL] [--count N]\n"
"       rovctl validate PREFIX ASN [--vrps FILE|URL | --redis URL] [--json]\n"
"       rovctl aspa show ASN [--from FILE|URL | --redis URL] [--json]\n"
"       rovctl validate-path [PATH | -] --role customer|peer|provider|rs|\n"
"                       rs-client [--neighbor ASN] [--from FILE|URL |\n"
"                       --redis URL] [--json]\n"
"       rovctl show summary|sessions [--control PATH] [--json]\n"
"       rovctl show routes [--state invalid|not-found|valid] [--prefix P\n"
"                       [--longer]] [--origin ASN] [--peer ADDR] [--limit N]\n"
"                       [--control PATH] [--json]\n"
"       rovctl reload|stats [--control PATH]\n"
"show, reload and stats ask a running rovmon on its control socket\n"
"  (--control, else $ROVMON_CONTROL, else " CONTROL_DEFAULT_PATH ");\n"
"  exit 4 when it cannot be reached, 3 when rovmon refuses the request.\n"
"status loads the current generation as a sensor does (every record\n"
"  checked); --quick reads only its meta hash and chunk lengths.\n"
"common: --namespace NS (default %s), -v (more log output)\n"
"Redis URLs: redis://[[user]:password@]host[:port][/db],\n"
"  unix:///path/to/socket[?db=N&password=P] (or redis+unix://),\n"
"  redis-sentinel://[[user]:password@]HOST[:PORT][,HOST[:PORT]...]/MASTER[/db]\n"
"  (the master the sentinels name, checked with ROLE; default port 26379).\n"
"FILE|URL: a path, http(s)://, or an RTR cache: rtr://HOST:PORT,\n"
"  rtr+unix:///path (one full exchange; TCP only, no SSH/TLS).\n"
"Without --vrps or --redis: $ROVMON_REDIS, else %s\n"
"  (validate and show say which on stderr).\n"
"ASN: 13335, AS13335, asdot 1.10 (= 65546).  --version: the version.\n"
"exit codes: 0 valid / success, 1 invalid, 2 usage error, 3 other error,\n"
"  4 VRP source or Redis unavailable or refused (nothing loaded,\n"
"  unreachable, bad data; status: a generation a sensor would refuse),\n"
"  5 not found (validate), no VRP matched (show), no ASPA (aspa show).\n"
"validate-path: PATH like \"64500 64501 {64502,64503}\", most recent AS\n"
"  first; - or none: one path per line from standard input, one result\n"
"  line each (docs/aspa.md); exit 0 valid, 1 invalid, 5 unknown (one\n"
"  path), 0 or 2 if a line could not be read (standard input).\n",
	    VRP_REDIS_DEFAULT_NS, VRP_REDIS_DEFAULT_URL);
}

/* A usage error: one line naming the culprit and where help is. */
int
rovctl_usage_error(const char *fmt, ...)
{
	va_list ap;

	fputs("rovctl: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputs("; try 'rovctl --help'\n", stderr);
	return EX_USAGE;
}

static void
on_signal(int sig)
{
	(void)sig;
	rovctl_stop = 1;
}

const char *
rovctl_redis_url(const struct rovctl_opts *o)
{
	const char *env = getenv("ROVMON_REDIS");

	if (o->redis != NULL)
		return o->redis;
	return env != NULL && *env != '\0' ? env : VRP_REDIS_DEFAULT_URL;
}

const char *
rovctl_fmt_time(int64_t t, char *buf, size_t len)
{
	struct tm tm;
	time_t tt = (time_t)t;

	if (t <= 0 || gmtime_r(&tt, &tm) == NULL)
		snprintf(buf, len, "unknown");
	else
		strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm);
	return buf;
}

void
rovctl_json_out(json_t *j)
{
	if (j == NULL) {
		log_warnx("building JSON output failed");
		return;
	}
	json_dumpf(j, stdout, JSON_COMPACT | JSON_PRESERVE_ORDER);
	fputc('\n', stdout);
	json_decref(j);
}

/* The option getopt_long() refused (opterr is 0), for rovctl_usage_error(). */
static int
bad_option(char **argv, int ch, const struct option *lo)
{
	const char *arg = optind > 0 ? argv[optind - 1] : "";
	int n = (int)strcspn(arg, "=");

	if (strncmp(arg, "--", 2) == 0 && arg[2] != '\0') {
		for (; optopt != 0 && lo->name != NULL; lo++)
			if (lo->val == optopt)
				break;
		if (ch == ':')
			return rovctl_usage_error("%.*s: needs a value", n,
			    arg);
		return rovctl_usage_error(optopt == 0 ? "%.*s: unknown option" :
		    "%.*s: takes no value", n, arg);
	}
	if (ch == ':')
		return rovctl_usage_error("-%c: needs a value", optopt);
	if (optopt > 0x20 && optopt < 0x7f)
		return rovctl_usage_error("-%c: unknown option", optopt);
	return rovctl_usage_error("%s: unknown option", arg);
}

/* 0, or EX_USAGE (said); --help and --version exit here. */
static int
parse_opts(int argc, char **argv, struct rovctl_opts *o)
{
	static const struct option lo[] = {
		{ "from", required_argument, NULL, 'f' },
		{ "redis", required_argument, NULL, 'r' },
		{ "namespace", required_argument, NULL, 'n' },
		{ "vrps", required_argument, NULL, 'R' },
		{ "prefix", required_argument, NULL, 'p' },
		{ "asn", required_argument, NULL, 'a' },
		{ "role", required_argument, NULL, 'o' },
		{ "neighbor", required_argument, NULL, 'N' },
		{ "interval", required_argument, NULL, 'i' },
		{ "count", required_argument, NULL, 'c' },
		{ "chunk-records", required_argument, NULL, 'C' },
		{ "json", no_argument, NULL, 'j' },
		{ "control", required_argument, NULL, 'K' },
		{ "state", required_argument, NULL, 'S' },
		{ "origin", required_argument, NULL, 'O' },
		{ "peer", required_argument, NULL, 'P' },
		{ "limit", required_argument, NULL, 'L' },
		{ "longer", no_argument, NULL, 'g' },
		{ "quick", no_argument, NULL, 'q' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	unsigned long *num;
	char *end;
	int ch, idx;

	opterr = 0;
	while ((ch = getopt_long(argc, argv, "+:vhV", lo, &idx)) != -1) {
		num = NULL;
		switch (ch) {
		case 'f': o->from = optarg; break;
		case 'r': o->redis = optarg; break;
		case 'n': o->ns = optarg; break;
		case 'R': o->vrps = optarg; break;
		case 'p': o->prefix = optarg; break;
		case 'a': o->asn = optarg; break;
		case 'o': o->role = optarg; break;
		case 'N': o->neighbor = optarg; break;
		case 'i': num = &o->interval; break;
		case 'c': num = &o->count; break;
		case 'C': num = &o->chunk; break;
		case 'j': o->json = 1; break;
		case 'K': o->control = optarg; break;
		case 'S': o->state = optarg; break;
		case 'O': o->origin = optarg; break;
		case 'P': o->peer = optarg; break;
		case 'L': num = &o->limit; o->limit_set = 1; break;
		case 'g': o->longer = 1; break;
		case 'q': o->quick = 1; break;
		case 'v': log_verbose++; break;
		case 'h': usage(stdout); exit(0);
		case 'V': printf("rovctl %s\n", ROVMON_VERSION); exit(0);
		default: return bad_option(argv, ch, lo);
		}
		if (num != NULL) {
			errno = 0;
			*num = strtoul(optarg, &end, 10);
			if (errno != 0 || *end != '\0' || optarg[0] < '0' ||
			    optarg[0] > '9' || *num > 100000000)
				return rovctl_usage_error("--%s: not a number "
				    "from 0 to 100000000: %s", lo[idx].name,
				    optarg);
		}
	}
	return 0;
}

int
main(int argc, char **argv)
{
	static const char cmds[] = "vrp load|status|show|watch, validate, "
	    "aspa show, validate-path, show summary|sessions|routes, reload, "
	    "stats";
	struct rovctl_opts o;
	struct sigaction sa;
	const char *cmd, *sub = NULL;
	int first, n, rv;
	char *pos[256];

	log_init("rovctl");
	memset(&o, 0, sizeof(o));
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);	/* a dead Redis gives EPIPE */
	if (argc < 2)
		return rovctl_usage_error("no command (%s)", cmds);
	cmd = argv[1];
	first = 2;
	if (cmd[0] == '-') {	/* rovctl --help, --version, -v ... */
		first = 1;
		cmd = "";
	} else if ((strcmp(cmd, "vrp") == 0 || strcmp(cmd, "aspa") == 0 ||
	    strcmp(cmd, "show") == 0) && argc > 2 && argv[2][0] != '-')
		sub = argv[first++];
	/* Options and (for validate) two positionals, in any order;
	 * validate-path takes the words of a path. */
	optind = first;
	n = 0;
	while (optind < argc) {
		if ((rv = parse_opts(argc, argv, &o)) != 0)
			return rv;
		if (optind < argc) {
			if (strcmp(cmd, "validate-path") != 0 && (n == 2 ||
			    (strcmp(cmd, "validate") != 0 &&
			    strcmp(cmd, "aspa") != 0)))
				return rovctl_usage_error("%s: unexpected "
				    "argument", argv[optind]);
			if (n == (int)(sizeof(pos) / sizeof(pos[0])))
				return rovctl_usage_error("%s: more than %zu "
				    "words (give long paths on standard "
				    "input)", argv[optind],
				    sizeof(pos) / sizeof(pos[0]));
			pos[n++] = argv[optind++];
		}
	}
	if (strcmp(cmd, "validate") == 0)
		return rovctl_cmd_validate(&o, n, pos);
	if (strcmp(cmd, "aspa") == 0) {
		if (sub == NULL || strcmp(sub, "show") != 0)
			return rovctl_usage_error("aspa: needs show ASN");
		return rovctl_cmd_aspa_show(&o, n, pos);
	}
	if (strcmp(cmd, "validate-path") == 0)
		return rovctl_cmd_validate_path(&o, n, pos);
	if (strcmp(cmd, "show") == 0 || strcmp(cmd, "reload") == 0 ||
	    strcmp(cmd, "stats") == 0) {
		if (strcmp(cmd, "show") != 0 && sub != NULL)
			return rovctl_usage_error("%s: unexpected argument",
			    sub);
		return rovctl_cmd_control(&o, cmd, sub);
	}
	if (strcmp(cmd, "vrp") != 0)
		return rovctl_usage_error(*cmd == '\0' ? "no command (%s)" :
		    "%s: unknown command (%s)", *cmd == '\0' ? cmds : cmd,
		    cmds);
	if (sub == NULL)
		return rovctl_usage_error("vrp: needs load, status, show or "
		    "watch");
	if (strcmp(sub, "load") == 0)
		return rovctl_cmd_load(&o);
	if (strcmp(sub, "status") == 0)
		return rovctl_cmd_status(&o);
	if (strcmp(sub, "show") == 0)
		return rovctl_cmd_show(&o);
	if (strcmp(sub, "watch") == 0)
		return rovctl_cmd_watch(&o);
	return rovctl_usage_error("vrp %s: unknown command (%s)", sub, cmds);
}
