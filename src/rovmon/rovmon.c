/*
 * rovmon.c - rovmon's main(): the stages set up in order, run, torn down.
 *
 *   capture -> decode -> reasm -> bgp_session -> bgp_update ->
 *   validator -> route log; alerting (rib -> rules -> alert -> sinks)
 *
 * Options are parsed in rovmon_options.c, the main loop and its callbacks
 * are rovmon_loop.c; this file owns the wiring: the VRP source, alerting,
 * the report, -T, the service start (pid file, -Z, releasing the -D
 * parent), the choice of reassembly engine, and the exit status.
 * Everything here is startup and teardown; per-packet work lives in the
 * stages.  Exit status: 0 success, 1 the capture had an error part way
 * (what was read is still processed and flushed), 2 usage (one line
 * naming the culprit, rovmon_options.c), 3 fatal setup (including a bad
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
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "alert/alerting.h"
#include "alert/sink.h"
#include "rpki/rtr_audit.h"
#include "bgp/bgp_session.h"
#include "capture/capture.h"
#include "capture/filetype.h"
#include "base/zread.h"
#include "feed/bmp_passive.h"
#include "feed/feed_session.h"
#include "feed/mrt_read.h"
#include "rovmon/bmp_station.h"
#include "rovmon/daemon.h"
#include "rovmon/metrics.h"
#include "rovmon/output.h"
#include "base/log.h"
#include "capture/reasm.h"
#include "state/route_log.h"
#include "feed/mrt_write.h"
#include "rovmon/control.h"
#include "rovmon/control_answer.h"
#include "rovmon/rovmon_loop.h"
#include "rovmon/rovmon_options.h"
#include "rovmon/rovmon_state.h"
#include "alert/rules.h"
#include "base/stats.h"
#include "rovmon/summary.h"
#include "rpki/rtr.h"
#include "rpki/validator.h"
#include "rpki/vrp.h"

/*
 * The control socket (docs/control.md): --control PATH, or with -D the
 * default path.  Made before -Z and --chroot (the directory may be
 * root's).  A socket asked for that cannot be made is a setup error; the
 * default one is not (another rovmon may hold it, or /run is not ours):
 * a warning, and the daemon runs without.
 */
static int
control_start(struct rovmon *rv)
{
	struct control_answerer ca;
	const char *path = rv->opt.control;

	if (path == NULL && !rv->opt.daemonize)
		return 0;
	control_answerer_init(&ca, rv);
	rv->control = control_open(path != NULL ? path : CONTROL_DEFAULT_PATH,
	    rv->opt.control_group, &ca);
	if (rv->control == NULL && path == NULL) {
		log_warnx("running without a control socket");
		return 0;
	}
	return rv->control != NULL ? 0 : -1;
}

/*
 * Started: the capture is open.  Write the pid file, drop privileges,
 * release the parent waiting in daemon_detach().  0 or -1 (reported).
 */
static int
service_started(struct rovmon *rv)
{
	if (rv->opt.pidfile != NULL) {
		if (daemon_pidfile_create(rv->opt.pidfile) == -1)
			return -1;
		rv->have_pidfile = true;
	}
	/* Before a chroot hides /dev/log. */
	if (rv->opt.daemonize)
		log_syslog_open();
	if (control_start(rv) == -1)
		return -1;
	if (rv->opt.user != NULL &&
	    daemon_drop_privileges(rv->opt.user, rv->opt.chroot_dir) == -1)
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
	/* the station describes itself (run_station()) */
	if (rv->cap != NULL)
		capture_describe(rv->cap, rv->start_line,
		    sizeof(rv->start_line));
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
	const struct rovmon_options *o = &rv->opt;
	struct summary_config sc;
	bool out_used = (o->routes != NULL && strcmp(o->routes, "-") == 0) ||
	    (o->stats_file != NULL && strcmp(o->stats_file, "-") == 0) ||
	    (o->write_mrt != NULL && strcmp(o->write_mrt, "-") == 0);
	size_t i;

	for (i = 0; i < o->nsinks; i++)
		out_used |= strcmp(o->sinks[i], "stdout") == 0 ||
		    strncmp(o->sinks[i], "stdout,", 7) == 0;
	if (o->summary || (!o->quiet && !o->daemonize && o->routes == NULL &&
	    o->nsinks == 0 && o->stats_file == NULL && isatty(STDOUT_FILENO)))
		rv->report_fp = out_used ? stderr : stdout;
	memset(&sc, 0, sizeof(sc));
	/* the control socket shows the sessions' counts too */
	sc.report = rv->report_fp != NULL || rv->opt.control != NULL ||
	    rv->opt.daemonize;
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
	run.source = rv->opt.bmp_listen != NULL ? rv->opt.bmp_listen :
	    rv->opt.read_file == NULL ? rv->opt.iface :
	    strcmp(rv->opt.read_file, "-") == 0 ? "standard input" :
	    rv->opt.read_file;
	run.live = rv->opt.iface != NULL || rv->opt.bmp_listen != NULL;
	run.validating = rv->validator != NULL;
	run.seconds = (double)(t1.tv_sec - rv->t0.tv_sec) +
	    (double)(t1.tv_nsec - rv->t0.tv_nsec) / 1e9;
	if (summary_print(rv->summary, rv->report_fp, &stats, &run) == -1) {
		log_warn("--summary: cannot write the report");
		return -1;
	}
	return 0;
}

/*
 * -r FILE of MRT records (feed/mrt_read.h): the records drive the
 * stages as packets do (rovmon_loop_file_record()), their messages fed to
 * the sessions of a feed table; -c counts records.  A BPF filter has
 * nothing to select among records: it is ignored, said once.  0 done,
 * 1 data was lost (a cut or damaged file: logged), 3 setup failed.
 */
static int
run_mrt(struct rovmon *rv, struct zread *z)
{
	const char *path = rv->opt.read_file;
	const char *name = strcmp(path, "-") == 0 ? "<stdin>" : path;
	const char *kind = zread_kind_name(z);
	struct feed_table *t;
	struct mrt_read *mr = NULL;
	struct mrt_file *f;
	struct mrt_record rec;
	long long n = 0;
	int rc = 0;

	if ((f = mrt_file_new(z, name)) == NULL ||
	    (t = feed_table_new(&rv->sink)) == NULL ||
	    (mr = mrt_read_new(t, name)) == NULL)
		fatal("MRT reader");
	if (rv->opt.filter != NULL)
		log_warnx("%s: MRT records: the BPF filter \"%s\" does not "
		    "apply and is ignored", name, rv->opt.filter);
	if (service_started(rv) == -1) {
		mrt_read_free(mr);
		feed_table_free(t, NULL);
		mrt_file_free(f);
		return 3;
	}
	/* tcpdump's words where they fit: the file, then what it holds */
	snprintf(rv->start_line, sizeof(rv->start_line), "reading from file "
	    "%s, MRT (RFC 6396)%s%s%s", strcmp(path, "-") == 0 ? "-" : path,
	    kind != NULL ? ", " : "", kind != NULL ? kind : "",
	    kind != NULL ? "-compressed" : "");
	if (!rv->opt.quiet) {
		if (log_get_dest() != LOG_TO_STDERR)
			log_info("%s", rv->start_line);
		else
			fprintf(stderr, "%s\n", rv->start_line);
	}
	rovmon_loop_begin(rv);
	while (!rovmon_loop_stop_requested() &&
	    (rv->opt.count <= 0 || n < rv->opt.count) &&
	    (rc = mrt_file_next(f, &rec)) == 1) {
		n++;
		rovmon_loop_file_record(rv, &rec.pkt);
		mrt_read_record(mr, &rec);
	}
	/* the end of the file ends the sessions still up, as a capture's */
	feed_table_free(t, rv->last.num != 0 ? &rv->last : NULL);
	rovmon_loop_end(rv);
	mrt_read_free(mr);
	mrt_file_free(f);
	return rc < 0 ? 1 : 0;
}

/*
 * -r FILE: its kind from its first (decompressed) bytes.  MRT is read
 * here (*mrt set); a capture gets rv->cap: a plain named file as
 * before (capture_file.c's fast reader), a compressed one or standard
 * input through the zread.  -1 when it cannot be opened (reported).
 */
static int
open_read_file(struct rovmon *rv, struct zread **mrt)
{
	const char *path = rv->opt.read_file;
	const uint8_t *head;
	struct zread *z;
	ssize_t n;

	*mrt = NULL;
	if ((z = zread_open(path)) == NULL) {
		/* libpcap's words for a file that cannot be opened */
		rv->cap = capture_open_offline(path, rv->opt.filter);
		return rv->cap != NULL ? 0 : -1;
	}
	/* four bytes tell a capture: a pipe is not waited on for more */
	if ((n = zread_fill(z, 4, &head)) < 4 || !filetype_is_capture(head,
	    (size_t)n)) {
		n = zread_fill(z, FILETYPE_HEAD, &head);
		if (n > 0 && filetype_is_mrt(head, (size_t)n)) {
			*mrt = z;
			return 0;
		}
	}
	/* reopened by name only where the bytes looked at can be read
	 * again: a regular file (a named pipe's are gone: the zread has
	 * them) */
	if (zread_kind(z) == ZREAD_PLAIN && strcmp(path, "-") != 0 &&
	    zread_raw_size(z) > 0) {
		zread_close(z);
		rv->cap = capture_open_offline(path, rv->opt.filter);
	} else
		rv->cap = capture_open_zread(z, path, rv->opt.filter);
	return rv->cap != NULL ? 0 : -1;
}

/* 0 done, 1 the capture failed part way, 3 setup failed. */
static int
run_own_engine(struct rovmon *rv)
{
	struct zread *mrt;
	int rc_loop;

	if (rv->opt.read_file != NULL) {
		if (open_read_file(rv, &mrt) == -1)
			return 3;
		if (mrt != NULL)
			return run_mrt(rv, mrt);
	} else
		rv->cap = capture_open_live(rv->opt.iface, rv->opt.filter,
		    (size_t)rv->opt.bufsize_kib * 1024, rv->opt.immediate ? 0 :
		    rv->opt.buffer_timeout_ms > 0 ?
		    (int)rv->opt.buffer_timeout_ms : -1);
	if (rv->cap == NULL)
		return 3;
	if (service_started(rv) == -1) {
		capture_close(rv->cap);
		rv->cap = NULL;
		return 3;
	}
	start_line(rv);
	rc_loop = rovmon_loop_run(rv);
	capture_close(rv->cap);
	rv->cap = NULL;
	return rc_loop < 0 ? 1 : 0;
}

/* --bmp-listen: bound before -Z, then the station's loop (bmp_station.h);
 * 0 done, 1 the station failed part way, 3 setup failed. */
static int
run_station(struct rovmon *rv)
{
	struct bmp_station *b;

	if ((b = bmp_station_open(rv->opt.bmp_listen)) == NULL)
		return 3;
	if (service_started(rv) == -1) {
		bmp_station_free(b);
		return 3;
	}
	bmp_station_describe(b, rv->start_line, sizeof(rv->start_line));
	start_line(rv);
	/* freed by finish(), after the last statistics line */
	return bmp_station_run(b, rv);
}

/* The reassembly engine chosen by --engine: the exit status. */
static int
run_engine(struct rovmon *rv)
{
	if (rv->opt.bmp_listen != NULL)
		return run_station(rv);
	if (strcmp(rv->opt.engine, "libnids") != 0)
		return run_own_engine(rv);
#ifdef HAVE_LIBNIDS
	if (service_started(rv) == -1)
		exit(3);
	rv->unbuffered = true;
	return reasm_nids_run(rv->opt.read_file, rv->opt.iface,
	    rv->opt.filter != NULL ? rv->opt.filter : "tcp port 179",
	    &bgp_session_reasm_ops, &rv->sink) == 0 ? 0 : 1;
#else
	log_warnx("--engine=libnids: built without libnids");
	return 3;
#endif
}

/*
 * --threads 2 or more: the output stage formats and writes the alerts and
 * the route log (rovmon/output.h).  The last thing before the capture:
 * what start-up emitted (a restored checkpoint's events) is written
 * already, in order.  Without an output there is nothing to move.
 */
static int
output_setup(struct rovmon *rv)
{
	struct sinks *ss = rv->alerting != NULL ?
	    alerting_sinks(rv->alerting) : NULL;

	if (ss != NULL && sinks_count(ss) == 0)
		ss = NULL;
	if (rv->opt.threads < 2 || (ss == NULL && rv->routes == NULL))
		return 0;
	if ((rv->output = output_start(ss, rv->routes)) == NULL)
		return -1;
	return 0;
}

/* Alerts need rules: --rules, or the default file (rovmon_options_parse()). */
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
	cfg.stale_time = rv->opt.stale_time;
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
	if (rv->opt.vrps != NULL && !rtr_is_url(rv->opt.vrps))
		return validator_load(rv->validator, rv->opt.vrps);
	if (rv->opt.vrps != NULL)
		rc = validator_rtr(rv->validator, rv->opt.vrps, required);
	else
		rc = validator_redis(rv->validator, rv->opt.redis,
		    rv->opt.redis_ns, required);
	if (rc == VALIDATOR_REDIS_NO_SET && !required) {
		log_warnx("%s: no VRP set yet; routes are logged without "
		    "validation until one is loaded", rv->opt.vrps != NULL ?
		    rv->opt.vrps : rv->opt.redis);
		return 0;
	}
	/* validator_redis() has said why */
	return rc == VALIDATOR_REDIS_OK ? 0 : -1;
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
 * configuration file and options (rovmon_options_parse() has), the rules, the
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
	rovmon_options_free(&rv->opt);
	return rc;
}

/*
 * The end of a run: alerts written or counted lost, outputs closed, the
 * report and the last stats line.  The exit status, from the run's.
 */
static int
finish(struct rovmon *rv, int status)
{
	char why[1024];
	uint64_t lost;

	/* Everything queued is written, and from here on the outputs are
	 * this thread's again (alerts of the last checkpoint included). */
	output_stop(rv->output);
	rv->output = NULL;
	/* No scrape reads a snapshot taken after this (none is). */
	rovmon_metrics_stop(rv);
	/* The last checkpoint, unless the start failed: nothing was seen,
	 * and a new one would claim a time the routes were not watched. */
	if (status != 3 && rovmon_state_finish(rv) != 0 && status == 0)
		status = 1;
	/* Route gauges before the RIB goes; sink counters are final once
	 * alerting_lost() has drained the queues. */
	if (rv->alerting != NULL)
		alerting_update_stats(rv->alerting);
	/* its walks go before the RIB does; its counts stay in the stats */
	rovmon_control_stop(rv);
	if ((lost = alerting_lost(rv->alerting, why, sizeof(why))) > 0) {
		log_warnx("%llu alert%s lost: %s", (unsigned long long)lost,
		    lost == 1 ? "" : "s", why);
		if (status == 0)
			status = 1;
	}
	alerting_free(rv->alerting);
	rv->alerting = NULL;
	if (route_log_close(rv->routes) != 0 && status == 0)
		status = 1;
	if (mrt_writer_close(rv->mrt) != 0 && status == 0)
		status = 1;
	rv->mrt = NULL;
	/* A start that failed (3) read nothing: no report. */
	if (status != 3 && report_print(rv) != 0 && status == 0)
		status = 1;
	/* The validator is still there: the last line has the VRP and Redis
	 * state too.  A start that failed (3) read nothing: on stderr, its
	 * one-line error stays alone.  A report replaces the default line on
	 * stderr. */
	if ((status != 3 || rv->opt.stats_file != NULL) &&
	    (rv->report_fp == NULL || rv->opt.stats_file != NULL) &&
	    (rovmon_stats_write(rv) != 0 || rv->stats_lost > 0) && status == 0)
		status = 1;
	bmp_station_free(rv->station);
	rv->station = NULL;
	summary_free(rv->summary);
	rtr_audit_free(rv->rtr_audit);
	rv->rtr_audit = NULL;
	bmp_passive_free(rv->bmp, NULL);	/* freed by the loop if it ran */
	rv->bmp = NULL;
	validator_free(rv->validator);
	rv->validator = NULL;
	if (rv->stats_fp != stderr && rv->stats_fp != stdout &&
	    fclose(rv->stats_fp) != 0 && status == 0)
		status = 1;
	if (rv->have_pidfile)
		daemon_pidfile_remove(rv->opt.pidfile);
	rovmon_options_free(&rv->opt);
	bgp_session_role_config_clear();
	return status;
}

/*
 * --rtr-audit: the RTR ports into the default filter, the audit raising
 * its events through alerting and judging the RIB's routes (both need
 * alert sinks: without them the audit reports in the statistics only).
 */
static int
setup_rtr_audit(struct rovmon *rv)
{
	struct rtr_audit_config cfg;
	struct reasm_consumer *c;
	size_t i;

	if (strcmp(rv->opt.engine, "libnids") == 0) {
		log_warnx("--rtr-audit needs --engine rovmon");
		return -1;
	}
	memset(&cfg, 0, sizeof(cfg));
	if (rv->opt.nrtr_ports == 0) {
		cfg.ports[cfg.nports++] = RTR_AUDIT_DEFAULT_PORT1;
		cfg.ports[cfg.nports++] = RTR_AUDIT_DEFAULT_PORT2;
	} else
		for (i = 0; i < rv->opt.nrtr_ports &&
		    cfg.nports < RTR_AUDIT_MAX_PORTS; i++)
			cfg.ports[cfg.nports++] = rv->opt.rtr_ports[i];
	cfg.stale_secs = (uint32_t)rv->opt.rtr_stale;
	if (rv->alerting != NULL) {
		cfg.event = alerting_event_fn;
		cfg.event_arg = rv->alerting;
		cfg.misjudge = alerting_misjudged_fn;
		cfg.misjudge_arg = rv->alerting;
	}
	if ((rv->rtr_audit = rtr_audit_new(&cfg)) == NULL) {
		log_warn("rtr audit");
		return -1;
	}
	c = &rv->dispatch.alt[rv->dispatch.nalt++];
	c->ops = &rtr_audit_reasm_ops;
	c->arg = rv->rtr_audit;
	for (i = 0; i < cfg.nports; i++)
		c->ports[c->nports++] = cfg.ports[i];
	return 0;
}

/*
 * Passive BMP (--bmp-ports, on by default): flows to a collector's port
 * go to BMP streams, unless an end is on 179 (a BGP speaker's ephemeral
 * port may be one of them: BGP keeps it).  Not with --engine libnids
 * (its own reassembly): said only when --bmp-ports was given.
 */
static int
setup_bmp(struct rovmon *rv)
{
	static const uint16_t dflt[] = BMP_DEFAULT_PORTS;
	const uint16_t *ports = rv->opt.bmp_ports;
	size_t n = rv->opt.nbmp_ports, i;
	struct reasm_consumer *c;

	if (rv->opt.bmp_off)
		return 0;
	if (strcmp(rv->opt.engine, "libnids") == 0) {
		if (n != 0) {
			log_warnx("--bmp-ports needs --engine rovmon");
			return -1;
		}
		return 0;
	}
	if (n == 0) {
		ports = dflt;
		n = sizeof(dflt) / sizeof(dflt[0]);
	}
	if ((rv->bmp = bmp_passive_new(&rv->sink, ports, n)) == NULL) {
		log_warn("bmp");
		return -1;
	}
	c = &rv->dispatch.alt[rv->dispatch.nalt++];
	c->ops = &bmp_passive_reasm_ops;
	c->arg = rv->bmp;
	c->yield_port = 179;
	for (i = 0; i < n; i++)
		c->ports[c->nports++] = ports[i];
	return 0;
}

/* The consumers' ports into the default filter, besides 179. */
static void
dispatch_filter_ports(const struct reasm_dispatch *d)
{
	uint16_t ports[CAPTURE_MAX_PORTS];
	size_t n = 0, i, j;

	for (i = 0; i < d->nalt; i++)
		for (j = 0; j < d->alt[i].nports && n < CAPTURE_MAX_PORTS; j++)
			ports[n++] = d->alt[i].ports[j];
	if (n != 0)
		capture_default_ports(ports, n);
}

int
main(int argc, char **argv)
{
	struct rovmon rv;
	size_t i;

	log_init("rovmon");
	memset(&rv, 0, sizeof(rv));
	rovmon_options_parse(argc, argv, &rv.opt);
	if (rv.opt.check_config)
		return check_config(&rv);
	/* --role: read by the packet thread's BGP sessions (docs/leaks.md). */
	for (i = 0; i < rv.opt.nroles; i++)
		if (bgp_session_role_config(&rv.opt.roles[i].addr,
		    rv.opt.roles[i].role) == -1)
			fatal("bgp_session_role_config");
	if (rv.opt.syslog)
		log_set_dest(LOG_TO_SYSLOG);
	/* Before any thread starts (VRP watchers, network sinks). */
	if (rv.opt.daemonize && daemon_detach() == -1)
		exit(3);

	if (rovmon_stats_open(&rv) == -1)
		exit(3);
	if (rv.opt.routes != NULL &&
	    (rv.routes = route_log_open(rv.opt.routes)) == NULL)
		exit(3);
	if (rv.opt.write_mrt != NULL &&
	    (rv.mrt = mrt_writer_open(rv.opt.write_mrt)) == NULL)
		exit(3);
	report_setup(&rv);
	rovmon_loop_sink(&rv);
	if (setup_vrps(&rv, rv.opt.read_file != NULL) == -1)
		exit(3);
	/* --control keeps the RIB (show routes) even with no alert sink */
	if ((rv.opt.nsinks > 0 || rv.opt.control != NULL) &&
	    setup_alerting(&rv) == -1)
		exit(3);
	/* The RTR client's expiry becomes an alert (rtr-expired). */
	if (rv.validator != NULL && rv.alerting != NULL)
		validator_set_events(rv.validator, alerting_event_fn,
		    rv.alerting);
	/* A broken rules file is news even when no alert is written. */
	if (rv.opt.nsinks == 0 && rv.opt.rules != NULL &&
	    check_rules(rv.opt.rules, NULL) == -1)
		exit(3);
	if (rv.opt.rtr_audit && setup_rtr_audit(&rv) == -1)
		exit(3);
	if (setup_bmp(&rv) == -1)
		exit(3);
	dispatch_filter_ports(&rv.dispatch);
	/* Bound before -Z (a port below 1024 may need root), with the
	 * stages it reads set up. */
	if (rovmon_metrics_start(&rv) == -1)
		exit(3);
	/* After alerting (the RIB) and the VRPs (restored routes judged). */
	if (rovmon_state_start(&rv) == -1)
		exit(3);
	rovmon_loop_signals();
	if (output_setup(&rv) == -1)
		exit(3);
	return finish(&rv, run_engine(&rv));
}
