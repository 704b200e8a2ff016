/*
 * fuzz_common.c - set-up shared by the fuzz targets (fuzz_common.h).
 *
 * The packet pipeline mirrors src/rovmon/rovmon_loop.c: on_packet() = decode_packet()
 * then reasm_segment(); on_route() = validator_check() for announcements,
 * then route_log_write() and alerting_route(); on_session() resolves a
 * session's alerts on DOWN and NOTIFICATION.  rovmon_loop.c's callbacks are
 * static, so they are restated here; keep the two in step.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "alert/alerting.h"
#include "bgp/bgp_session.h"
#include "capture/decode.h"
#include "base/log.h"
#include "rpki/rov.h"
#include "base/stats.h"
#include "state/route_log.h"
#include "rpki/validator.h"
#include "rpki/vrp_load.h"

#include "fuzz_common.h"

/*
 * Index A, the validator's: real VRPs that cover routes of pcaps/ (so
 * seeds from them reach VALID), plus wide ones that make most other
 * prefixes INVALID by length or AS, and AS0.
 */
static const char vrps_a[] =
"{\"metadata\":{\"buildtime\":\"2025-07-20T09:31:33Z\"},\"roas\":[\n"
"{\"asn\":4773,\"prefix\":\"202.65.242.0/23\",\"maxLength\":32,\"ta\":\"apnic\",\"expires\":4102444800},\n"
"{\"asn\":24086,\"prefix\":\"116.101.0.0/16\",\"maxLength\":24,\"ta\":\"apnic\",\"expires\":4102444800},\n"
"{\"asn\":9874,\"prefix\":\"27.54.0.0/18\",\"maxLength\":24,\"ta\":\"apnic\",\"expires\":4102444800},\n"
"{\"asn\":\"AS2500\",\"prefix\":\"2001:200::/32\",\"maxLength\":32,\"ta\":\"apnic\",\"expires\":4102444800},\n"
"{\"asn\":9367,\"prefix\":\"2001:200:136::/48\",\"maxLength\":48,\"ta\":\"apnic\",\"expires\":4102444800},\n"
"{\"asn\":64500,\"prefix\":\"0.0.0.0/1\",\"maxLength\":8,\"ta\":\"test\",\"expires\":4102444800},\n"
"{\"asn\":0,\"prefix\":\"128.0.0.0/2\",\"maxLength\":32,\"ta\":\"test\",\"expires\":4102444800},\n"
"{\"asn\":4200000001,\"prefix\":\"192.0.0.0/3\",\"maxLength\":24,\"ta\":\"test\",\"expires\":4102444800},\n"
"{\"asn\":65001,\"prefix\":\"10.0.0.0/8\",\"maxLength\":32,\"ta\":\"test\",\"expires\":4102444800},\n"
"{\"asn\":65002,\"prefix\":\"10.0.0.0/8\",\"maxLength\":32,\"ta\":\"test\",\"expires\":4102444800},\n"
"{\"asn\":65001,\"prefix\":\"2000::/3\",\"maxLength\":48,\"ta\":\"test\",\"expires\":4102444800},\n"
"{\"asn\":0,\"prefix\":\"fc00::/7\",\"maxLength\":128,\"ta\":\"test\",\"expires\":4102444800}\n"
"]}\n";

/* Index B, swapped in at the end of an input to revalidate the RIB. */
static const char vrps_b[] =
"ASN,IP Prefix,Max Length,Trust Anchor\n"
"AS4773,0.0.0.0/0,32,test\n"
"AS2500,::/0,128,test\n"
"AS24086,116.101.0.0/16,16,test\n";

/* Used when the checkout's rules/rovmon.rules cannot be found. */
static const char fallback_rules[] =
"alert bgp (msg:\"invalid as\"; event:announce; rpki:invalid,as; sid:1; classtype:rpki-invalid; priority:1;)\n"
"alert bgp (msg:\"invalid len\"; rpki:invalid,length; sid:2;)\n"
"alert bgp (msg:\"nf\"; rpki:not-found; event_filter:track by_peer, type limit, count 5, seconds 60; sid:5;)\n"
"alert bgp (msg:\"reval\"; event:revalidate; rpki:invalid; sid:6;)\n"
"alert bgp (msg:\"resolved\"; event:resolved; sid:7;)\n";

static struct validator	*validator;
static struct route_log	*routes;
static struct rov_index	*index_b;
static struct fz_file	 rules_file;
static const char	*rules_path;
static const char	*sink_specs[] = { "file:/dev/null" };

void
fz_file_open(struct fz_file *f, const char *name)
{
	if ((f->fd = memfd_create(name, 0)) == -1) {
		perror("memfd_create");
		abort();
	}
	snprintf(f->path, sizeof(f->path), "/proc/self/fd/%d", f->fd);
}

const char *
fz_file_set(struct fz_file *f, const void *data, size_t len)
{
	const uint8_t *p = data;
	ssize_t n;

	if (ftruncate(f->fd, 0) == -1) {
		perror("ftruncate");
		abort();
	}
	while (len > 0) {
		if ((n = pwrite(f->fd, p, len, (off_t)(p - (const uint8_t *)data)))
		    <= 0) {
			if (n == -1 && errno == EINTR)
				continue;
			perror("pwrite");
			abort();
		}
		p += n;
		len -= (size_t)n;
	}
	return f->path;
}

uint8_t
fz_u8(struct fz_in *in)
{
	uint8_t v;

	if (in->len == 0)
		return 0;
	v = in->p[0];
	in->p++;
	in->len--;
	return v;
}

uint16_t
fz_u16(struct fz_in *in)
{
	uint16_t hi = fz_u8(in);

	return (uint16_t)(hi << 8 | fz_u8(in));
}

const uint8_t *
fz_take(struct fz_in *in, size_t n, size_t *got)
{
	const uint8_t *p = in->p;

	if (n > in->len)
		n = in->len;
	in->p += n;
	in->len -= n;
	*got = n;
	return p;
}

/* FUZZ_DEBUG: the counters at exit, to see how deep the seeds reach. */
static void
print_stats(void)
{
	stats_write_json(stderr, NULL);
}

void
fz_init(void)
{
	static bool done;
	struct fz_file f;
	struct vrp_set *set;
	const char *env;
	FILE *fp;

	if (done)
		return;
	done = true;
	log_init("fuzz");
	log_verbose = 2;
	if ((env = getenv("FUZZ_VERBOSE")) != NULL)
		log_verbose = atoi(env);
	signal(SIGPIPE, SIG_IGN);
	if (getenv("FUZZ_DEBUG") != NULL)
		atexit(print_stats);

	fz_file_open(&f, "vrps");
	if ((validator = validator_new()) == NULL ||
	    validator_load(validator, fz_file_set(&f, vrps_a,
	    sizeof(vrps_a) - 1)) == -1) {
		fprintf(stderr, "fuzz: cannot load the fixed VRP set\n");
		abort();
	}
	close(f.fd);
	if ((set = vrp_parse("vrps-b", (const uint8_t *)vrps_b,
	    sizeof(vrps_b) - 1)) == NULL ||
	    (index_b = rov_index_build(set)) == NULL) {
		fprintf(stderr, "fuzz: cannot build the second VRP index\n");
		abort();
	}
	if ((routes = route_log_open("/dev/null")) == NULL)
		abort();

	rules_path = FUZZ_TOPDIR "/rules/rovmon.rules";
	if ((fp = fopen(rules_path, "r")) != NULL)
		fclose(fp);
	else {
		fz_file_open(&rules_file, "rules");
		rules_path = fz_file_set(&rules_file, fallback_rules,
		    sizeof(fallback_rules) - 1);
	}
}

static void
note_session(struct fz_out *o, uint64_t sid)
{
	size_t i;

	if (o->alerting == NULL)
		return;
	for (i = 0; i < o->nsids; i++)
		if (o->sids[i] == sid)
			return;
	if (o->nsids == FZ_MAX_SIDS)
		o->sids_overflow = true;
	else
		o->sids[o->nsids++] = sid;
}

/* rovmon_loop.c on_route(). */
static void
on_route(void *arg, const struct bgp_msg_ctx *ctx, const struct bgp_attrs *at,
    const struct bgp_route *r)
{
	struct fz_out *o = arg;
	struct rov_result res;
	struct route_verdict v;

	note_session(o, ctx->session_id);
	route_verdict_init(&v, ctx, r->event == BGP_ROUTE_ANNOUNCE ? at : NULL);
	if (r->event == BGP_ROUTE_ANNOUNCE && validator != NULL &&
	    validator_check(validator, at, r, &res)) {
		v.rpki = &res;
		v.generation = validator_generation(validator);
	}
	route_log_write(routes, ctx, at, r, &v);
	if (o->alerting != NULL)
		alerting_route(o->alerting, ctx, at, r, &v);
}

/* rovmon_loop.c on_session(). */
static void
on_session(void *arg, const struct bgp_msg_ctx *ctx,
    const struct bgp_session_info *si)
{
	struct fz_out *o = arg;

	note_session(o, ctx->session_id);
	/* held sessions, adoption at an OPEN, End-of-RIB sweeps: the
	 * session flap path (--stale-time > 0, alerting_config below) */
	if (si->event != BGP_SESS_CAPTURE_END && o->alerting != NULL)
		alerting_session(o->alerting, ctx, si);
}

void
fz_sink_init(struct bgp_sink *sink, struct fz_out *o)
{
	sink->route = on_route;
	sink->session = on_session;
	sink->arg = o;
	sink->message = NULL;	/* no --write-mrt tap */
}

static struct alerting *the_alerting;

static struct alerting *
alerting_get(void)
{
	struct alerting_config ac;

	if (the_alerting != NULL)
		return the_alerting;
	memset(&ac, 0, sizeof(ac));
	ac.rules = rules_path;
	ac.sensor = "fuzz";
	ac.sinks = sink_specs;
	ac.nsinks = 1;
	ac.stale_time = 120;	/* rovmon's default: flaps are held */
	if ((the_alerting = alerting_new(&ac)) == NULL) {
		fprintf(stderr, "fuzz: alerting_new failed\n");
		abort();
	}
	return the_alerting;
}

void
fz_out_begin(struct fz_out *o, bool alerting)
{
	memset(o, 0, sizeof(*o));
	fz_init();
	if (alerting)
		o->alerting = alerting_get();
}

void
fz_out_end(struct fz_out *o, const struct timeval *now)
{
	struct bgp_msg_ctx ctx;
	struct packet pkt;
	size_t i;

	route_log_flush(routes);
	if (o->alerting == NULL)
		return;
	alerting_revalidate(o->alerting, index_b, NULL, 2, now);
	memset(&pkt, 0, sizeof(pkt));
	pkt.ts = *now;
	memset(&ctx, 0, sizeof(ctx));
	ctx.pkt = &pkt;
	/* the end of a read: held sessions gone, stale routes resolved,
	 * nothing pending; then whatever is left goes as before */
	alerting_finish(o->alerting, now);
	for (i = 0; i < o->nsids; i++) {
		ctx.session_id = o->sids[i];
		alerting_session_down(o->alerting, &ctx);
	}
	alerting_update_stats(o->alerting);
	if (o->sids_overflow) {
		alerting_free(the_alerting);
		the_alerting = NULL;
	}
	o->alerting = NULL;
}

void
fz_pipe_begin(struct fz_pipe *p, bool small, bool alerting)
{
	struct reasm_config rc;

	memset(p, 0, sizeof(*p));
	fz_out_begin(&p->out, alerting);
	fz_sink_init(&p->sink, &p->out);
	reasm_config_default(&rc);
	if (small) {
		rc.max_flows = 4;
		rc.flow_mem = 4096;
		rc.total_mem = 16384;
		rc.gap_timeout = 1;
		rc.idle_timeout = 30;
	}
	if ((p->reasm = reasm_new(&rc, &bgp_session_reasm_ops, &p->sink)) ==
	    NULL)
		abort();
}

/* rovmon_loop.c on_packet(), less the signal and stats work. */
void
fz_pipe_packet(struct fz_pipe *p, const struct packet *pkt)
{
	struct tcp_segment seg;

	p->last = *pkt;
	p->last.data = NULL;
	p->last.caplen = 0;
	(void)validator_poll(validator);
	if (decode_packet(pkt, &seg) != DECODE_OK)
		return;
	reasm_segment(p->reasm, &seg);
}

void
fz_pipe_end(struct fz_pipe *p)
{
	reasm_finish(p->reasm, p->last.num != 0 ? &p->last : NULL);
	reasm_free(p->reasm);
	fz_out_end(&p->out, &p->last.ts);
	memset(p, 0, sizeof(*p));
}
