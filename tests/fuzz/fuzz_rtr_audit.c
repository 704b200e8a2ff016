/*
 * fuzz_rtr_audit.c - the passive RTR audit (rpki/rtr_audit.h) fed a
 * session's two directions in arbitrary chunks, with gaps: framing and
 * resync without a marker, mid-stream pickup, announce/withdraw into the
 * router's set, comparison with a small reference, events, the JSON.
 *
 * Input: records "u8 op, u8 n, n bytes": op bit 0 the direction (0 the
 * router's, 1 the cache's), bit 1 a gap of n bytes instead of data, bit 2
 * the clock moves a minute (stale checks).  Checked (abort): the stats
 * JSON is one array, bracketed, within its buffer; every event has a
 * known type.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/sensor_event.h"
#include "capture/packet.h"
#include "rpki/rov.h"
#include "rpki/rtr_audit.h"
#include "rpki/vrp.h"
#include "fuzz_common.h"

static struct rov_index *ref;
static char json[1 << 20];

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	struct vrp_set *set;
	struct prefix p;

	(void)argc;
	(void)argv;
	fz_init();
	if ((set = vrp_set_new()) == NULL)
		abort();
	memset(&p, 0, sizeof(p));
	p.family = ADDR_V4;
	p.len = 24;
	p.a[0] = 192;
	p.a[2] = 2;
	(void)vrp_set_add(set, &p, 24, 65001, "fuzz", 0, NULL);
	p.a[0] = 10;
	p.len = 8;
	(void)vrp_set_add(set, &p, 16, 65002, "fuzz", 0, NULL);
	if ((ref = rov_index_build(set)) == NULL)
		abort();
	return 0;
}

static void
on_event(void *arg, const struct sensor_event *ev)
{
	(void)arg;
	if (sensor_event_type_name(ev->type) == NULL ||
	    ev->nfields > SENSOR_EVENT_MAX_FIELDS)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct rtr_audit_config cfg;
	struct rtr_audit *au;
	struct flow_endpoint a, b;
	struct packet pkt;
	void *s;
	size_t off = 0, n, len;
	uint8_t op;

	memset(&cfg, 0, sizeof(cfg));
	cfg.ports[cfg.nports++] = 323;
	cfg.event = on_event;
	if ((au = rtr_audit_new(&cfg)) == NULL)
		return 0;
	memset(&pkt, 0, sizeof(pkt));
	pkt.ts.tv_sec = 1700000000;
	rtr_audit_reference(au, ref, NULL, &pkt.ts);
	memset(&a, 0, sizeof(a));
	memset(&b, 0, sizeof(b));
	a.addr.family = b.addr.family = ADDR_V4;
	a.addr.a[0] = b.addr.a[0] = 10;
	a.addr.a[3] = 2;
	a.port = 40000;
	b.addr.a[3] = 1;
	b.port = 323;
	s = rtr_audit_reasm_ops.session_open(au, &a, &b, &pkt);
	while (s != NULL && off + 2 <= size) {
		op = data[off];
		n = data[off + 1];
		off += 2;
		len = n <= size - off ? n : size - off;
		pkt.num++;
		if (op & 4) {
			pkt.ts.tv_sec += 60;
			rtr_audit_tick(au, &pkt.ts);
		}
		if (op & 2)
			rtr_audit_reasm_ops.gap(s, op & 1, n, &pkt);
		else
			rtr_audit_reasm_ops.data(s, op & 1, data + off, len,
			    &pkt);
		if (!(op & 2))
			off += len;
	}
	if (s != NULL)
		rtr_audit_reasm_ops.session_close(s, REASM_CLOSE_END, &pkt);
	rtr_audit_reference(au, ref, NULL, &pkt.ts);
	len = rtr_audit_json(au, pkt.ts.tv_sec, json, sizeof(json));
	if (len >= sizeof(json) || json[0] != '[' ||
	    (len > 0 && json[len - 1] != ']'))
		abort();
	rtr_audit_free(au);
	return 0;
}
