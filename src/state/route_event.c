/* route_event.c - names for route event kinds, and the verdict of an
 * announcement before ROV and ASPA (route_event.h). */
#include <string.h>

#include "state/route_event.h"

void
route_verdict_init(struct route_verdict *v, const struct bgp_msg_ctx *ctx,
    const struct bgp_attrs *at)
{
	memset(v, 0, sizeof(*v));
	if (at != NULL)
		v->leak = bgp_otc_check(ctx->sender_role, at->has_otc, at->otc,
		    ctx->peer_as);
}

const char *
route_event_kind_name(enum route_event_kind k)
{
	switch (k) {
	case RTEV_ANNOUNCE:
		return "announce";
	case RTEV_WITHDRAW:
		return "withdraw";
	case RTEV_REVALIDATE:
		return "revalidate";
	case RTEV_RESOLVED:
		return "resolved";
	}
	return "unknown";
}
