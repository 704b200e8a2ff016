/*
 * rovmon.c - options, wiring and the main loop.
 *
 *   capture -> decode -> reasm -> bgp_session -> bgp_update -> sinks
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

#include "bgp_session.h"
#include "capture.h"
#include "decode.h"
#include "log.h"
#include "reasm.h"
#include "route_log.h"
#include "stats.h"

#define ROVMON_VERSION	"0.1.0"

struct options {
	const char	*read_file;
	const char	*iface;
	const char	*routes;
	const char	*stats_file;
	const char	*engine;
	char		*filter;	/* owned */
	long		 count;
};

struct rovmon {
	struct options	 opt;
	struct capture	*cap;
	struct reasm	*reasm;
	struct route_log *routes;
	struct bgp_sink	 sink;
	struct packet	 last;		/* the last frame, for end-of-capture */
};

static struct capture *volatile running_cap;

static _Noreturn void
usage(int status)
{
	FILE *fp = status == 0 ? stdout : stderr;

	fprintf(fp,
"usage: rovmon -r FILE | -i IFACE [options] [BPF filter]\n"
"  -r, --read FILE       read packets from a pcap/pcapng file ('-' = stdin)\n"
"  -i, --interface IFACE capture live (promiscuous) on IFACE\n"
"  -c, --count N         stop after N packets\n"
"      --routes FILE     write route events as JSON lines ('-' = stdout)\n"
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
parse_options(int argc, char **argv, struct options *o)
{
	enum { OPT_ROUTES = 256, OPT_STATS, OPT_ENGINE };
	static const struct option longopts[] = {
		{ "read", required_argument, NULL, 'r' },
		{ "interface", required_argument, NULL, 'i' },
		{ "count", required_argument, NULL, 'c' },
		{ "routes", required_argument, NULL, OPT_ROUTES },
		{ "stats", required_argument, NULL, OPT_STATS },
		{ "engine", required_argument, NULL, OPT_ENGINE },
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
	(void)sig;
	if (running_cap != NULL)
		capture_breakloop(running_cap);
}

static void
on_packet(void *arg, const struct packet *pkt)
{
	struct rovmon *rv = arg;
	struct tcp_segment seg;

	rv->last = *pkt;
	rv->last.data = NULL;
	rv->last.caplen = 0;
	if (decode_packet(pkt, &seg) != DECODE_OK)
		return;
	reasm_segment(rv->reasm, &seg);
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
	rc_loop = capture_loop(rv->cap, rv->opt.count, on_packet, rv);
	running_cap = NULL;
	capture_stats(rv->cap);
	reasm_finish(rv->reasm, rv->last.num != 0 ? &rv->last : NULL);
	reasm_free(rv->reasm);
	capture_close(rv->cap);
	return rc_loop < 0 ? 1 : 0;
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

	if (rv.opt.routes != NULL) {
		if ((rv.routes = route_log_open(rv.opt.routes)) == NULL)
			exit(3);
		rv.sink.route = route_log_route;
		rv.sink.arg = rv.routes;
	}

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);

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

	if (route_log_close(rv.routes) != 0 && status == 0)
		status = 1;
	if (write_stats(rv.opt.stats_file) != 0 && status == 0)
		status = 1;
	free(rv.opt.filter);
	return status;
}
