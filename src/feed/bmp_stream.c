/*
 * bmp_stream.c - a BMP connection's bytes -> feed sessions
 * (feed/bmp_stream.h).  First version: the API only; every byte is
 * counted as skipped until the decoder lands.
 */
#include <stdlib.h>

#include "feed/bmp_stream.h"
#include "feed/feed_session.h"

struct bmp_stream {
	struct feed_table	*table;
	uint64_t		 scope;
	struct ipaddr		 router;
	struct bmp_stream_stats	 st;
	int			 closed;
};

struct bmp_stream *
bmp_stream_new(struct feed_table *t, uint64_t scope,
    const struct ipaddr *router)
{
	struct bmp_stream *s;

	if ((s = calloc(1, sizeof(*s))) == NULL)
		return NULL;
	s->table = t;
	s->scope = scope;
	if (router != NULL)
		s->router = *router;
	return s;
}

void
bmp_stream_data(struct bmp_stream *s, const uint8_t *p, size_t n,
    const struct packet *pkt)
{
	(void)p;
	(void)pkt;
	if (s != NULL)
		s->st.skipped += n;
}

void
bmp_stream_gap(struct bmp_stream *s, uint64_t nbytes,
    const struct packet *pkt)
{
	(void)pkt;
	if (s != NULL)
		s->st.gap_bytes += nbytes;
}

void
bmp_stream_close(struct bmp_stream *s, const char *reason,
    const struct packet *pkt)
{
	(void)reason;
	(void)pkt;
	if (s != NULL)
		s->closed = 1;
}

const struct bmp_stream_stats *
bmp_stream_stats(const struct bmp_stream *s)
{
	return &s->st;
}

void
bmp_stream_free(struct bmp_stream *s)
{
	free(s);
}
