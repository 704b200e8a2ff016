/*
 * decode_link.c - link layers: from a pcap frame to its IPv4/IPv6 header.
 *
 * Every link type ends in one of three ways: an EtherType (Ethernet, Linux
 * cooked v1/v2, Cisco HDLC, Cisco Frame Relay, SNAP), a PPP protocol
 * number (PPP, PPP in HDLC framing, PPPoE) or nothing at all (raw IP).
 * EtherTypes and PPP protocols each have one dispatcher, so VLAN tags,
 * MPLS label stacks and PPPoE work under every link type that can carry
 * them.  Stacks are bounded (MAX_VLAN_TAGS, MAX_MPLS_LABELS): a frame of
 * 2,000 tags is "unsupported", not a long loop.
 *
 * Link-type numbers are the LINKTYPE_* values of the pcap file formats
 * (https://www.tcpdump.org/linktypes.html), spelled out here because
 * <pcap/dlt.h> gives DLT_RAW and DLT_LOOP different values on OpenBSD;
 * decoding must not depend on the platform that reads the file.
 */
#include <stdbool.h>
#include <stdint.h>

#include "base/cursor.h"
#include "capture/decode.h"
#include "capture/decode_internal.h"
#include "base/stats.h"

#define LT_NULL			0	/* BSD loopback, host-order AF_ */
#define LT_EN10MB		1	/* Ethernet */
#define LT_PPP			9	/* PPP, optional HDLC address */
#define LT_RAW			12	/* DLT_RAW on most systems */
#define LT_RAW_OPENBSD		14	/* DLT_RAW on OpenBSD */
#define LT_PPP_SERIAL		50	/* PPP in HDLC-like framing */
#define LT_RAW_FILE		101	/* LINKTYPE_RAW in files */
#define LT_C_HDLC		104	/* Cisco HDLC */
#define LT_FRELAY		107	/* Frame Relay, RFC 2427 or Cisco */
#define LT_LOOP			108	/* OpenBSD loopback, network-order AF_ */
#define LT_LINUX_SLL		113	/* Linux cooked v1 */
#define LT_JUNIPER_ETHER	178	/* Juniper PCAP header + Ethernet */
#define LT_IPV4			228
#define LT_IPV6			229
#define LT_LINUX_SLL2		276	/* Linux cooked v2 */

#define ETHERTYPE_IPV4		0x0800
#define ETHERTYPE_IPV6		0x86dd
#define ETHERTYPE_VLAN		0x8100	/* IEEE 802.1Q C-tag */
#define ETHERTYPE_QINQ		0x88a8	/* IEEE 802.1ad S-tag */
#define ETHERTYPE_QINQ_OLD	0x9100	/* pre-standard S-tag */
#define ETHERTYPE_MPLS		0x8847	/* RFC 3032 unicast */
#define ETHERTYPE_MPLS_MC	0x8848	/* RFC 5332 multicast */
#define ETHERTYPE_PPPOE		0x8864	/* RFC 2516 session stage */
#define ETHERTYPE_MIN		0x0600	/* below: an IEEE 802.3 length */

#define PPP_IPV4		0x0021	/* RFC 1332 */
#define PPP_IPV6		0x0057	/* RFC 5072 */
#define PPP_MPLS		0x0281	/* RFC 3032 section 4 */
#define PPP_MPLS_MC		0x0283

#define AF_NULL_INET		2	/* AF_INET on every BSD */
#define AF_NULL_INET6_BSD	24	/* NetBSD, OpenBSD, BSD/OS */
#define AF_NULL_INET6_FREEBSD	28	/* FreeBSD, DragonFly */
#define AF_NULL_INET6_DARWIN	30	/* macOS */

#define MAX_VLAN_TAGS		8
#define MAX_MPLS_LABELS		16

static enum decode_result	link_ethertype(uint16_t, struct cursor *,
				    enum decode_net *);
static enum decode_result	link_ppp_proto(uint16_t, struct cursor *,
				    enum decode_net *);

int
decode_link_supported(int linktype)
{
	switch (linktype) {
	case LT_NULL:
	case LT_EN10MB:
	case LT_PPP:
	case LT_RAW:
	case LT_RAW_OPENBSD:
	case LT_PPP_SERIAL:
	case LT_RAW_FILE:
	case LT_C_HDLC:
	case LT_FRELAY:
	case LT_LOOP:
	case LT_LINUX_SLL:
	case LT_JUNIPER_ETHER:
	case LT_IPV4:
	case LT_IPV6:
	case LT_LINUX_SLL2:
		return 1;
	default:
		return 0;
	}
}

/*
 * The payload of an MPLS stack or of raw IP carries no protocol field:
 * the IP version nibble decides.  RFC 4928 keeps pseudowire control words
 * from starting with 4 or 6, so anything else is not IP to us.
 */
static enum decode_result
link_guess_ip(const struct cursor *c, enum decode_net *net)
{
	uint8_t b;

	if (cursor_peek_u8(c, 0, &b) == -1)
		return DECODE_TRUNCATED;
	switch (b >> 4) {
	case 4:
		*net = NET_IPV4;
		return DECODE_OK;
	case 6:
		*net = NET_IPV6;
		return DECODE_OK;
	default:
		return DECODE_UNSUPPORTED;
	}
}

/*
 * RFC 3032 section 2.1: 4-byte label stack entries
 *   Label (20) | TC (3) | S (1) | TTL (8)
 * until the one with S (bottom of stack) set.
 */
static enum decode_result
link_mpls(struct cursor *c, enum decode_net *net)
{
	uint32_t lse;
	int n;

	for (n = 0; n < MAX_MPLS_LABELS; n++) {
		if (cursor_get_u32(c, &lse) == -1)
			return DECODE_TRUNCATED;
		if (lse & 0x100)
			return link_guess_ip(c, net);
	}
	return DECODE_UNSUPPORTED;
}

/*
 * RFC 2516 section 4: PPPoE session header
 *   VER (4) | TYPE (4) | CODE (8) | SESSION_ID (16) | LENGTH (16)
 * followed by a PPP protocol field (no address/control bytes).
 */
static enum decode_result
link_pppoe(struct cursor *c, enum decode_net *net)
{
	uint16_t proto;

	if (cursor_skip(c, 6) == -1 || cursor_get_u16(c, &proto) == -1)
		return DECODE_TRUNCATED;
	return link_ppp_proto(proto, c, net);
}

/* EtherType dispatch for every link type that ends in one. */
static enum decode_result
link_ethertype(uint16_t type, struct cursor *c, enum decode_net *net)
{
	int tags;

	/*
	 * IEEE 802.1Q/802.1ad tags: TCI (2) then the next EtherType.  Any
	 * mix and order is accepted; span ports see QinQ as often as not.
	 */
	for (tags = 0; type == ETHERTYPE_VLAN || type == ETHERTYPE_QINQ ||
	    type == ETHERTYPE_QINQ_OLD; tags++) {
		if (tags == MAX_VLAN_TAGS)
			return DECODE_UNSUPPORTED;
		if (cursor_skip(c, 2) == -1 || cursor_get_u16(c, &type) == -1)
			return DECODE_TRUNCATED;
	}
	if (tags > 0)
		STAT_INC(decode_vlan);

	switch (type) {
	case ETHERTYPE_IPV4:
		*net = NET_IPV4;
		return DECODE_OK;
	case ETHERTYPE_IPV6:
		*net = NET_IPV6;
		return DECODE_OK;
	case ETHERTYPE_MPLS:
	case ETHERTYPE_MPLS_MC:
		return link_mpls(c, net);
	case ETHERTYPE_PPPOE:
		return link_pppoe(c, net);
	default:
		return DECODE_NOT_TCP;
	}
}

/*
 * RFC 1042 / IEEE 802 SNAP: DSAP 0xaa, SSAP 0xaa, control 0x03, OUI (3),
 * then an EtherType when the OUI is 0.  Any other LLC payload is not IP.
 */
static enum decode_result
link_snap(struct cursor *c, enum decode_net *net)
{
	uint8_t dsap, ssap, ctl;
	uint32_t oui;
	uint16_t type;

	if (cursor_get_u8(c, &dsap) == -1 || cursor_get_u8(c, &ssap) == -1 ||
	    cursor_get_u8(c, &ctl) == -1)
		return DECODE_TRUNCATED;
	if (dsap != 0xaa || ssap != 0xaa || ctl != 0x03)
		return DECODE_NOT_TCP;
	if (cursor_get_u24(c, &oui) == -1 || cursor_get_u16(c, &type) == -1)
		return DECODE_TRUNCATED;
	if (oui != 0)
		return DECODE_NOT_TCP;
	return link_ethertype(type, c, net);
}

/*
 * Ethernet II: destination (6) | source (6) | EtherType (2).  A value
 * below 0x0600 is an IEEE 802.3 length and an LLC header follows.  Frames
 * padded to 60 bytes are fine: the IP layer trusts its own length.
 */
static enum decode_result
link_ether(struct cursor *c, enum decode_net *net)
{
	uint16_t type;

	if (cursor_skip(c, 12) == -1 || cursor_get_u16(c, &type) == -1)
		return DECODE_TRUNCATED;
	if (type < ETHERTYPE_MIN)
		return link_snap(c, net);
	return link_ethertype(type, c, net);
}

/*
 * Linux cooked v1 (LINKTYPE_LINUX_SLL), 16 bytes:
 *   packet type (2) | ARPHRD type (2) | address length (2) |
 *   address (8) | protocol (2, an EtherType for IP)
 */
static enum decode_result
link_sll(struct cursor *c, enum decode_net *net)
{
	uint16_t proto;

	if (cursor_skip(c, 14) == -1 || cursor_get_u16(c, &proto) == -1)
		return DECODE_TRUNCATED;
	return link_ethertype(proto, c, net);
}

/*
 * Linux cooked v2 (LINKTYPE_LINUX_SLL2), 20 bytes:
 *   protocol (2) | reserved (2) | interface index (4) | ARPHRD type (2) |
 *   packet type (1) | address length (1) | address (8)
 */
static enum decode_result
link_sll2(struct cursor *c, enum decode_net *net)
{
	uint16_t proto;

	if (cursor_get_u16(c, &proto) == -1 || cursor_skip(c, 18) == -1)
		return DECODE_TRUNCATED;
	return link_ethertype(proto, c, net);
}

/*
 * BSD loopback: a 4-byte address family.  DLT_NULL stores it in the
 * capturing host's byte order, which the file does not record: a value
 * with its low 16 bits clear was written big-endian.  DLT_LOOP is always
 * network order.  AF_INET6 differs between the BSDs, so accept all three.
 */
static enum decode_result
link_loopback(struct cursor *c, bool host_order, enum decode_net *net)
{
	uint32_t af;

	if (host_order) {
		if (cursor_get_u32le(c, &af) == -1)
			return DECODE_TRUNCATED;
		if ((af & 0xffff) == 0)
			af = af >> 24 | (af >> 8 & 0xff00);
	} else if (cursor_get_u32(c, &af) == -1)
		return DECODE_TRUNCATED;

	switch (af) {
	case AF_NULL_INET:
		*net = NET_IPV4;
		return DECODE_OK;
	case AF_NULL_INET6_BSD:
	case AF_NULL_INET6_FREEBSD:
	case AF_NULL_INET6_DARWIN:
		*net = NET_IPV6;
		return DECODE_OK;
	default:
		return DECODE_NOT_TCP;
	}
}

static enum decode_result
link_ppp_proto(uint16_t proto, struct cursor *c, enum decode_net *net)
{
	switch (proto) {
	case PPP_IPV4:
		*net = NET_IPV4;
		return DECODE_OK;
	case PPP_IPV6:
		*net = NET_IPV6;
		return DECODE_OK;
	case PPP_MPLS:
	case PPP_MPLS_MC:
		return link_mpls(c, net);
	default:
		return DECODE_NOT_TCP;
	}
}

/*
 * PPP (RFC 1661 section 2), possibly in HDLC-like framing (RFC 1662
 * section 3.1): address 0xff and control 0x03, unless Address-and-Control
 * Field Compression dropped them (RFC 1661 section 6.6).  The protocol
 * field is one byte when its value is odd, i.e. Protocol-Field-Compressed
 * (RFC 1661 section 6.5); otherwise two.
 */
static enum decode_result
link_ppp(struct cursor *c, enum decode_net *net)
{
	uint8_t b, b2;
	uint16_t proto;

	if (cursor_peek_u8(c, 0, &b) == -1)
		return DECODE_TRUNCATED;
	if (b == 0xff) {
		if (cursor_skip(c, 1) == -1 || cursor_get_u8(c, &b2) == -1)
			return DECODE_TRUNCATED;
		if (b2 != 0x03)
			return DECODE_MALFORMED;	/* RFC 1662 3.1 */
	}
	if (cursor_get_u8(c, &b) == -1)
		return DECODE_TRUNCATED;
	if (b & 1)
		proto = b;
	else {
		if (cursor_get_u8(c, &b2) == -1)
			return DECODE_TRUNCATED;
		proto = (uint16_t)(b << 8 | b2);
	}
	return link_ppp_proto(proto, c, net);
}

/*
 * Cisco HDLC: address (1: 0x0f unicast, 0x8f broadcast) | control (1) |
 * protocol (2, an EtherType).  Keepalives (SLARP 0x8035) are not IP.
 */
static enum decode_result
link_chdlc(struct cursor *c, enum decode_net *net)
{
	uint16_t proto;

	if (cursor_skip(c, 2) == -1 || cursor_get_u16(c, &proto) == -1)
		return DECODE_TRUNCATED;
	return link_ethertype(proto, c, net);
}

/* LINKTYPE_PPP_SERIAL may hold Cisco HDLC frames too (as tcpdump does). */
static enum decode_result
link_ppp_serial(struct cursor *c, enum decode_net *net)
{
	uint8_t b;

	if (cursor_peek_u8(c, 0, &b) == -1)
		return DECODE_TRUNCATED;
	if (b == 0x0f || b == 0x8f)
		return link_chdlc(c, net);
	return link_ppp(c, net);
}

/*
 * Frame Relay: a Q.922 address of 2 to 4 bytes, the last one with the EA
 * bit (bit 0) set.  Then either RFC 2427 multiprotocol encapsulation,
 *   control 0x03 (UI) | [pad 0x00] | NLPID (0xcc IPv4, 0x8e IPv6,
 *   0x80 SNAP: OUI (3) | EtherType (2))
 * or Cisco's encapsulation, a bare EtherType.  A 0x03 can tell them
 * apart: no EtherType starts with it.
 */
static enum decode_result
link_frelay(struct cursor *c, enum decode_net *net)
{
	uint8_t b;
	uint16_t type;
	uint32_t oui;
	int n;

	for (n = 0;; n++) {
		if (cursor_get_u8(c, &b) == -1)
			return DECODE_TRUNCATED;
		if (b & 1)
			break;
		if (n == 3)
			return DECODE_MALFORMED;	/* Q.922: <= 4 bytes */
	}
	if (n == 0)
		return DECODE_MALFORMED;		/* Q.922: >= 2 bytes */
	if (cursor_peek_u8(c, 0, &b) == -1)
		return DECODE_TRUNCATED;
	if (b != 0x03) {
		if (cursor_get_u16(c, &type) == -1)
			return DECODE_TRUNCATED;
		return link_ethertype(type, c, net);
	}
	if (cursor_skip(c, 1) == -1 || cursor_get_u8(c, &b) == -1)
		return DECODE_TRUNCATED;
	if (b == 0x00 && cursor_get_u8(c, &b) == -1)
		return DECODE_TRUNCATED;
	switch (b) {
	case 0xcc:
		*net = NET_IPV4;
		return DECODE_OK;
	case 0x8e:
		*net = NET_IPV6;
		return DECODE_OK;
	case 0x80:
		if (cursor_get_u24(c, &oui) == -1 ||
		    cursor_get_u16(c, &type) == -1)
			return DECODE_TRUNCATED;
		return oui == 0 ? link_ethertype(type, c, net) :
		    DECODE_NOT_TCP;
	default:
		return DECODE_NOT_TCP;
	}
}

/*
 * Juniper PCAP header (no RFC; layout as in tcpdump's print-juniper.c):
 *   magic "MGC" (3) | flags (1) |
 *   [flags & 0x80: extension length (2) | extension TLVs (that many)]
 * then the Ethernet frame, unless flags & 0x01 (no L2 header): then a
 * 4-byte cookie precedes the bare IP packet.
 */
#define JUNIPER_MAGIC		0x4d4743
#define JUNIPER_FLAG_EXT	0x80
#define JUNIPER_FLAG_NO_L2	0x01

static enum decode_result
link_juniper_ether(struct cursor *c, enum decode_net *net)
{
	uint32_t magic;
	uint16_t extlen;
	uint8_t flags;

	if (cursor_get_u24(c, &magic) == -1 || cursor_get_u8(c, &flags) == -1)
		return DECODE_TRUNCATED;
	if (magic != JUNIPER_MAGIC)
		return DECODE_MALFORMED;
	if (flags & JUNIPER_FLAG_EXT) {
		if (cursor_get_u16(c, &extlen) == -1 ||
		    cursor_skip(c, extlen) == -1)
			return DECODE_TRUNCATED;
	}
	if (flags & JUNIPER_FLAG_NO_L2) {
		if (cursor_skip(c, 4) == -1)
			return DECODE_TRUNCATED;
		*net = NET_ANY;
		return DECODE_OK;
	}
	return link_ether(c, net);
}

enum decode_result
decode_link(int linktype, struct cursor *c, enum decode_net *net)
{
	switch (linktype) {
	case LT_EN10MB:
		return link_ether(c, net);
	case LT_LINUX_SLL:
		return link_sll(c, net);
	case LT_LINUX_SLL2:
		return link_sll2(c, net);
	case LT_RAW:
	case LT_RAW_OPENBSD:
	case LT_RAW_FILE:
		*net = NET_ANY;
		return DECODE_OK;
	case LT_IPV4:
		*net = NET_IPV4;
		return DECODE_OK;
	case LT_IPV6:
		*net = NET_IPV6;
		return DECODE_OK;
	case LT_NULL:
		return link_loopback(c, true, net);
	case LT_LOOP:
		return link_loopback(c, false, net);
	case LT_PPP:
		return link_ppp(c, net);
	case LT_PPP_SERIAL:
		return link_ppp_serial(c, net);
	case LT_C_HDLC:
		return link_chdlc(c, net);
	case LT_FRELAY:
		return link_frelay(c, net);
	case LT_JUNIPER_ETHER:
		return link_juniper_ether(c, net);
	default:
		return DECODE_UNSUPPORTED;
	}
}
