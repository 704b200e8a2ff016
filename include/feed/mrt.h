/*
 * mrt.h - the MRT routing information export format (RFC 6396, with the
 * ADD-PATH subtypes of RFC 8050): the constants the reader
 * (mrt_read.c) and the writer (mrt_write.c) share.
 *
 * Every record: timestamp (4) | type (2) | subtype (2) | length (4) |
 * message (length octets); the _ET types put a microsecond field (4)
 * first in the message, counted in length (RFC 6396 section 3).
 */
#ifndef ROVMON_MRT_H
#define ROVMON_MRT_H

#define MRT_HEADER_LEN		12
#define MRT_ET_LEN		4	/* microseconds of the _ET types */

/* Types (RFC 6396 section 4; 5 is the deprecated "BGP" of older files). */
#define MRT_BGP_OLD		5
#define MRT_TABLE_DUMP		12
#define MRT_TABLE_DUMP_V2	13
#define MRT_BGP4MP		16
#define MRT_BGP4MP_ET		17

/* Subtypes of the deprecated BGP type (5) that carry messages. */
#define MRT_BGP_OLD_UPDATE		1
#define MRT_BGP_OLD_STATE_CHANGE	3
#define MRT_BGP_OLD_OPEN		5
#define MRT_BGP_OLD_NOTIFY		6
#define MRT_BGP_OLD_KEEPALIVE		7

/* TABLE_DUMP subtypes: the AFI (RFC 6396 4.2). */
#define MRT_TD_AFI_IPV4		1
#define MRT_TD_AFI_IPV6		2

/* TABLE_DUMP_V2 subtypes (RFC 6396 4.3, RFC 8050 section 4). */
#define MRT_TD2_PEER_INDEX_TABLE	1
#define MRT_TD2_RIB_IPV4_UNICAST	2
#define MRT_TD2_RIB_IPV4_MULTICAST	3
#define MRT_TD2_RIB_IPV6_UNICAST	4
#define MRT_TD2_RIB_IPV6_MULTICAST	5
#define MRT_TD2_RIB_GENERIC		6
#define MRT_TD2_RIB_IPV4_UNICAST_ADDPATH	8
#define MRT_TD2_RIB_IPV4_MULTICAST_ADDPATH	9
#define MRT_TD2_RIB_IPV6_UNICAST_ADDPATH	10
#define MRT_TD2_RIB_IPV6_MULTICAST_ADDPATH	11
#define MRT_TD2_RIB_GENERIC_ADDPATH	12

/* BGP4MP and BGP4MP_ET subtypes (RFC 6396 4.4, RFC 8050 section 3). */
#define MRT_BGP4MP_STATE_CHANGE		0
#define MRT_BGP4MP_MESSAGE		1
#define MRT_BGP4MP_MESSAGE_AS4		4
#define MRT_BGP4MP_STATE_CHANGE_AS4	5
#define MRT_BGP4MP_MESSAGE_LOCAL	6
#define MRT_BGP4MP_MESSAGE_AS4_LOCAL	7
#define MRT_BGP4MP_MESSAGE_ADDPATH	8
#define MRT_BGP4MP_MESSAGE_AS4_ADDPATH	9
#define MRT_BGP4MP_MESSAGE_LOCAL_ADDPATH	10
#define MRT_BGP4MP_MESSAGE_AS4_LOCAL_ADDPATH	11

/* BGP FSM states of STATE_CHANGE (RFC 6396 4.4.1). */
#define MRT_STATE_IDLE		1
#define MRT_STATE_CONNECT	2
#define MRT_STATE_ACTIVE	3
#define MRT_STATE_OPENSENT	4
#define MRT_STATE_OPENCONFIRM	5
#define MRT_STATE_ESTABLISHED	6

/* The address family field of BGP4MP and PEER_INDEX_TABLE entries. */
#define MRT_AFI_IPV4		1
#define MRT_AFI_IPV6		2

#endif /* ROVMON_MRT_H */
