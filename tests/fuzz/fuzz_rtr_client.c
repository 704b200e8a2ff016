/*
 * fuzz_rtr_client.c - the RTR client's state machine (rpki/rtr_session.c
 * and rtr_data.c behind rtr_receive()) fed what a hostile or broken cache
 * could send, in arbitrary chunks, over a socketpair in place of the TCP
 * connection: version negotiation and downgrade, Cache Response / Reset,
 * announcements and withdrawals collected and applied all or nothing at
 * End of Data, Error Reports, PDUs out of order, the Error Reports the
 * client sends back (drained, decoded: they must be well formed).
 *
 * Input: records "u8 op, u8 n, n bytes" of the cache's stream.  op bit 0:
 * after the chunk, an idle client sends its next query (the refresh timer
 * or a Serial Notify); bit 1: the connection drops before the chunk (the
 * loop's reconnect: a new connection and a new first query).
 *
 * Checked (abort): after every End of Data the data is sorted by
 * vrp_cmp() without duplicates, ASPAs by (customer, afi) one each, and
 * rtr_data_set() hands out exactly its VRPs; everything the client sends
 * decodes as one of the PDUs a router may send (Reset Query, Serial
 * Query, Error Report) at a version rovmon speaks.
 */
#include <sys/socket.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "rpki/rtr_internal.h"
#include "rpki/rtr_pdu.h"
#include "rpki/vrp.h"
#include "fuzz_common.h"

static int peer = -1;			/* the cache's end */

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	fz_init();
	return 0;
}

/* A fresh connection: what conn_open() does, on a socketpair. */
static void
connect_pair(struct rtr_client *c)
{
	int sv[2];

	if (c->fd != -1)
		close(c->fd);
	if (peer != -1)
		close(peer);
	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == -1)
		abort();
	(void)fcntl(sv[1], F_SETFL, O_NONBLOCK);
	c->fd = sv[0];
	peer = sv[1];
	c->blen = 0;
	c->state = RTR_ST_IDLE;
	if (rtr_send_query(c) == -1)
		abort();
}

/* What the client sent: only a router's PDUs, well formed. */
static void
check_sent(void)
{
	static uint8_t buf[1 << 16];
	static size_t len;
	struct rtr_pdu p;
	const char *why;
	size_t need, off = 0;
	ssize_t n;

	while ((n = read(peer, buf + len, sizeof(buf) - len)) > 0)
		len += (size_t)n;
	while (off < len) {
		enum rtr_decode d = rtr_pdu_decode(buf + off, len - off, &p,
		    &need, &why);

		if (d == RTR_DECODE_SHORT)
			break;
		if (d != RTR_DECODE_OK || p.version > 2 ||
		    (p.type != RTR_RESET_QUERY && p.type != RTR_SERIAL_QUERY &&
		    p.type != RTR_ERROR_REPORT))
			abort();
		off += p.length;
	}
	memmove(buf, buf + off, len - off);
	len -= off;
	if (len == sizeof(buf))
		len = 0;
}

/* The data after an End of Data: ordered, unique, handed out whole. */
static void
check_data(const struct rtr_client *c)
{
	const struct rtr_data *d = &c->data;
	struct vrp_set *s;
	size_t i;

	for (i = 1; i < d->n; i++)
		if (vrp_cmp(&d->v[i - 1], &d->v[i]) >= 0)
			abort();
	for (i = 1; i < d->na; i++)
		if (d->a[i - 1].customer > d->a[i].customer ||
		    (d->a[i - 1].customer == d->a[i].customer &&
		    d->a[i - 1].afi >= d->a[i].afi))
			abort();
	if ((s = rtr_data_set(d, c->url)) == NULL)
		return;		/* out of memory: allowed */
	if (s->n != d->n)
		abort();
	vrp_set_free(s);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct rtr_client *c;
	enum rtr_step st;
	size_t off = 0, n;
	ssize_t w;
	uint8_t op;

	if ((c = rtr_client_new("rtr://127.0.0.1:323")) == NULL)
		return 0;
	connect_pair(c);
	while (off + 2 <= size) {
		op = data[off];
		n = data[off + 1];
		off += 2;
		if (n > size - off)
			n = size - off;
		if (op & 2)
			connect_pair(c);
		if (n > 0) {
			if ((w = write(peer, data + off, n)) != (ssize_t)n)
				abort();
			off += n;
			st = rtr_receive(c);
			if (st == RTR_STEP_EOD)
				check_data(c);
			check_sent();
			if (st == RTR_STEP_CLOSE || st == RTR_STEP_AGAIN)
				connect_pair(c);
		}
		if ((op & 1) && c->state == RTR_ST_IDLE) {
			if (rtr_send_query(c) == -1)
				abort();
			check_sent();
		}
	}
	close(peer);
	peer = -1;
	rtr_client_free(c);
	return 0;
}
