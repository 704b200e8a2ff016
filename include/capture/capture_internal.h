/*
 * capture_internal.h - the seam between capture.c (the handle, filters,
 * live interfaces, the read loop) and capture_file.c (opening files and
 * stdin, and the reader of classic pcap records).  Private to those two
 * files: the public contract is capture.h.
 */
#ifndef ROVMON_CAPTURE_INTERNAL_H
#define ROVMON_CAPTURE_INTERNAL_H

#include <sys/types.h>

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <pcap/pcap.h>

#include "capture/capture.h"
#include "capture/filetype.h"

/*
 * Standard input is read through a stdio cookie that keeps a copy of the
 * first bytes read: a pipe cannot be read twice, and when libpcap refuses
 * the stream they tell what it was (filetype.h).
 */
struct stdin_src {
	int		 fd;		/* owned: closed with the FILE */
	struct zread	*z;		/* or this (capture_open_zread());
					 * owned, closed with the FILE */
	uint8_t		 head[FILETYPE_HEAD];
	size_t		 headlen;
};

struct capture {
	pcap_t			*pcap;
	char			*name;		/* file or interface; owned */
	char			*filter;	/* in effect; owned */
	struct bpf_program	 prog;		/* offline filter */
	bool			 have_prog;
	int			 linktype;
	bool			 live;
	uint64_t		 num;		/* frames read so far */
	uint64_t		 file_size;	/* files: bytes, 0 if unknown */
	volatile sig_atomic_t	 stop;		/* set by capture_breakloop */
	int			 fd;		/* live: selectable fd, else -1 */
	void			(*idle)(void *);	/* see capture_set_idle */
	void			*idle_arg;
	int			 wakeup_fd;	/* see capture_set_wakeup, -1 */
	void			*iobuf;		/* files: the FILE's buffer;
						 * owned, freed after pcap_close */
	/* Classic pcap records read here (rd_*); see capture_rd_next(). */
	bool			 rd;		/* this reader, not libpcap's */
	bool			 rd_le;		/* file is little-endian */
	bool			 rd_nsec;	/* nanosecond time stamps */
	int			 rd_fd;		/* the FILE's descriptor; not
						 * owned (pcap_close closes it) */
	uint32_t		 rd_snap;	/* libpcap's snapshot length */
	uint8_t			*rd_buf;	/* owned */
	size_t			 rd_cap;	/* bytes allocated */
	size_t			 rd_pos;	/* next record in rd_buf */
	size_t			 rd_len;	/* bytes valid in rd_buf */
	off_t			 rd_off;	/* file offset of rd_buf[rd_len] */
	struct pcap_pkthdr	 rd_hdr;	/* the record handed out */
	char			 rd_err[PCAP_ERRBUF_SIZE];
	struct stdin_src	*in;		/* "-": the FILE's cookie; owned,
						 * freed after pcap_close */
};

/* capture.c */
/* A handle named name (a copy is kept), not yet opened.  NULL when out
 * of memory. */
struct capture	*capture_new(const char *name, bool live);
/* What both kinds of open do once the handle is there: check the link
 * type, set the filter.  0, or -1 with the reason logged. */
int		 capture_setup(struct capture *, const char *filter);

/* capture_file.c */
/*
 * The next classic pcap record read by capture_file.c itself (cap->rd),
 * as pcap_next_ex() returns it: 1 with *h and *data set, PCAP_ERROR_BREAK
 * at the end of the file, PCAP_ERROR with the reason in cap->rd_err.
 */
int		 capture_rd_next(struct capture *, struct pcap_pkthdr **h,
		    const u_char **data);

#endif /* ROVMON_CAPTURE_INTERNAL_H */
