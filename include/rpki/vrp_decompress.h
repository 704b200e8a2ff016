/*
 * vrp_decompress.h - gzip and bzip2 VRP documents, told by their magic
 * bytes (never by the file name), decompressed into memory under the
 * VRP_MAX_BYTES cap.  Below the parsers and the fetcher, above nothing
 * but the VRP model (vrp.h, for the cap and the memory hint).
 */
#ifndef ROVMON_VRP_DECOMPRESS_H
#define ROVMON_VRP_DECOMPRESS_H

#include <stddef.h>
#include <stdint.h>

enum vrp_decompress_result {
	VRP_DECOMPRESS_PLAIN,	/* not compressed: *out NULL, use buf */
	VRP_DECOMPRESS_DONE,	/* *out holds the decompressed bytes */
	VRP_DECOMPRESS_ERROR,	/* corrupt, truncated or over the cap;
				 * logged, naming `name` */
};

/*
 * If buf is gzip (RFC 1952) or bzip2 (several members or streams each,
 * as pigz and pbzip2 write them), decompress it into *out (malloc'd, the
 * caller frees it) and *outlen.  *out is NULL unless the result is
 * VRP_DECOMPRESS_DONE.
 */
enum vrp_decompress_result vrp_decompress(const char *name,
		    const uint8_t *buf, size_t len, uint8_t **out,
		    size_t *outlen);

#endif /* ROVMON_VRP_DECOMPRESS_H */
