/*
 * fuzz_packet.c - raw frames through the whole packet path:
 * decode_packet -> reasm -> bgp_session -> bgp_update -> validator ->
 * route log (and alerting: rib, rules, sinks), as src/rovmon/rovmon_loop.c wires it.
 *
 * Input:
 *   byte 0   bits 0-3: link type, an index into linktypes[] below
 *                      (every type decode_link_supported() accepts, and
 *                      one it does not)
 *            bit 4:    tiny reassembly limits (fz_pipe_begin small)
 *            bit 5:    alerting stage on
 *   then frames, each:
 *            u16 caplen (big-endian), u8 meta, caplen bytes (the last
 *            frame may be short: it gets what is left)
 *            meta bits 0-5: seconds since the previous frame
 *                 bit 6:    wirelen = caplen + 1000 (cut by snaplen)
 *                 bit 7:    a further 1000 s (idle timeouts)
 *
 * tests/fuzz/mkseeds.py turns pcaps into this format.
 */
#include <stdlib.h>
#include <string.h>

#include "fuzz_common.h"

static const int linktypes[16] = {
	1,	/* Ethernet (first: most seeds) */
	0,	/* BSD loopback */
	9,	/* PPP */
	12,	/* raw IP */
	14,	/* raw IP, OpenBSD */
	50,	/* PPP serial */
	101,	/* LINKTYPE_RAW */
	104,	/* Cisco HDLC */
	107,	/* Frame Relay */
	108,	/* OpenBSD loopback */
	113,	/* Linux SLL */
	178,	/* Juniper Ethernet */
	228,	/* IPv4 */
	229,	/* IPv6 */
	276,	/* Linux SLL2 */
	147,	/* USER0: not supported, must be refused cleanly */
};

#define MAX_FRAMES	4096

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	fz_init();
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fz_in in = { data, size };
	struct fz_pipe pipe;
	struct packet pkt;
	uint8_t flags, meta;
	uint16_t caplen;
	size_t got;
	uint8_t *copy;
	int n = 0;

	if (size < 1)
		return 0;
	flags = fz_u8(&in);
	fz_pipe_begin(&pipe, (flags & 0x10) != 0, (flags & 0x20) != 0);
	memset(&pkt, 0, sizeof(pkt));
	pkt.linktype = linktypes[flags & 0x0f];
	pkt.ts.tv_sec = 1700000000;
	while (in.len > 0 && n++ < MAX_FRAMES) {
		caplen = fz_u16(&in);
		meta = fz_u8(&in);
		const uint8_t *p = fz_take(&in, caplen, &got);
		/* An exact-size heap copy, so ASan sees any over-read. */
		if ((copy = malloc(got > 0 ? got : 1)) == NULL)
			abort();
		memcpy(copy, p, got);
		pkt.num++;
		pkt.ts.tv_sec += (meta & 0x3f) + ((meta & 0x80) ? 1000 : 0);
		pkt.ts.tv_usec = (pkt.ts.tv_usec + 1) % 1000000;
		pkt.data = copy;
		pkt.caplen = (uint32_t)got;
		pkt.wirelen = (uint32_t)got + ((meta & 0x40) ? 1000 : 0);
		fz_pipe_packet(&pipe, &pkt);
		free(copy);
	}
	fz_pipe_end(&pipe);
	return 0;
}
