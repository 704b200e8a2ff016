/*
 * hash.h - the 64-bit hash mixers shared by the hash tables (flow.c's
 * session table, the rib's session, tuple and route tables).  Not keyed: see
 * flow.c for why that is acceptable on a SPAN port.
 */
#ifndef ROVMON_HASH_H
#define ROVMON_HASH_H

#include <stdint.h>

/*
 * murmur3's 64-bit finaliser (fmix64): every input bit reaches the low
 * bits, which the tables use as the bucket index.
 */
static inline uint64_t
hash_fmix64(uint64_t h)
{
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdULL;
	h ^= h >> 33;
	h *= 0xc4ceb9fe1a85ec53ULL;
	h ^= h >> 33;
	return h;
}

/* Fold one 64-bit word into a running hash (multiply and xor-shift);
 * finish with hash_fmix64(). */
static inline uint64_t
hash_word64(uint64_t h, uint64_t w)
{
	h = (h ^ w) * 0x9e3779b97f4a7c15ULL;
	return h ^ (h >> 29);
}

#endif /* ROVMON_HASH_H */
