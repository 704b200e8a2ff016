/*
 * fuzz_pcap.c - a whole capture file through capture.c (libpcap's pcap
 * and pcapng readers, rovmon's record clamping) and on through the
 * packet path of fuzz_packet.c.
 *
 * Input: the file's bytes, given to capture_open_offline() as
 * /proc/self/fd/N of a memfd.  Inputs of even length read every frame
 * (filter ""); odd ones use the default filter (NULL: tcp port 179, with
 * the VLAN/MPLS forms capture.c builds per link type).  Alerting is on
 * when the length is a multiple of 3 (it costs time).
 */
#include <string.h>

#include "capture/capture.h"
#include "fuzz_common.h"

static struct fz_file file;

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	fz_init();
	fz_file_open(&file, "pcap");
	return 0;
}

static void
on_packet(void *arg, const struct packet *pkt)
{
	fz_pipe_packet(arg, pkt);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct capture *cap;
	struct fz_pipe pipe;
	const char *path;

	path = fz_file_set(&file, data, size);
	if ((cap = capture_open_offline(path, size % 2 == 0 ? "" : NULL)) ==
	    NULL)
		return 0;
	(void)capture_linktype(cap);
	(void)capture_filter(cap);
	fz_pipe_begin(&pipe, false, size % 3 == 0);
	(void)capture_loop(cap, 0, on_packet, &pipe);
	(void)capture_stats(cap);
	fz_pipe_end(&pipe);
	capture_close(cap);
	return 0;
}
