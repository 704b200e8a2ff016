/* route_event.c - names for route event kinds (route_event.h). */
#include "state/route_event.h"

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
