/*
 * bmp_station.h - rovmon --bmp-listen ADDR:PORT: a BMP station (RFC 7854
 * section 3.2: the monitored router connects to the station) that
 * accepts connections from routers and hands each one's bytes, as they
 * arrive, to a BMP stream of its own (feed/bmp_stream.h); the stream's
 * sessions feed the same route log, validation, RIB and alerts as a
 * capture does (rovmon_loop_begin/record/record_done/end).
 *
 * Route events of a station: ts = the per-peer header's time stamp, or
 * when it is 0 the time the bytes were received (gettimeofday); pkt_num =
 * the station's running count of reads (every read(2) that returned data,
 * over all connections, from 1): the place of an event in what the
 * station received, as a frame number is for a capture.
 *
 * Hostile or broken routers: at most BMP_STATION_MAX_CONN connections at
 * once (more are accepted and closed at once, counted and logged, so the
 * router retries later instead of waiting in the backlog); at most
 * BMP_STATION_READ bytes read from one connection per round of poll(2),
 * so one busy router cannot starve the others; a connection that sends
 * no BMP message within BMP_STATION_FIRST_SECS of being accepted is
 * closed (a router sends its Initiation at once; a socket that idles
 * holds a slot).  What one connection may hold in memory is its stream's
 * partial message, which the decoder bounds (bmp_stream.h).  Nothing is
 * ever written to a router.
 */
#ifndef ROVMON_BMP_STATION_H
#define ROVMON_BMP_STATION_H

#include <stddef.h>
#include <stdint.h>

#define BMP_STATION_MAX_CONN	64
#define BMP_STATION_READ	65536
#define BMP_STATION_FIRST_SECS	60

struct bmp_station;
struct rovmon;

struct bmp_station_stats {
	uint64_t	accepted;	/* connections taken */
	uint64_t	refused;	/* over BMP_STATION_MAX_CONN */
	uint64_t	closed;		/* by the router (FIN) */
	uint64_t	errors;		/* read errors (RST, ...) */
	uint64_t	silent;		/* closed: no message in time */
	uint64_t	reads;		/* reads that returned data */
	uint64_t	bytes;
};

/*
 * Binds and listens on spec (ADDR:PORT, [ADDR6]:PORT, :PORT; as
 * --metrics).  Before -Z (a port below 1024).  NULL: reported.
 */
struct bmp_station *bmp_station_open(const char *spec);
/* "listening for BMP on SPEC": the start line. */
void		 bmp_station_describe(const struct bmp_station *, char *buf,
		    size_t len);
/*
 * Accepts and reads until SIGINT or SIGTERM; then every connection is
 * closed (bmp_stream_close(): its sessions end as at the end of a
 * capture) and the stages are ended.  0, or 1 when the station failed
 * part way (poll or accept failing for good; reported).
 */
int		 bmp_station_run(struct bmp_station *, struct rovmon *);
const struct bmp_station_stats *bmp_station_stats(const struct bmp_station *);
/* The --stats line's "bmp_station" object: the counts above and "open",
 * the connections open now. */
void		 bmp_station_json(const struct bmp_station *, char *buf,
		    size_t len);
/* Frees the station (its listening socket closed). NULL ok. */
void		 bmp_station_free(struct bmp_station *);

#endif /* ROVMON_BMP_STATION_H */
