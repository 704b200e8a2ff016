/*
 * curl_lazy.h - libcurl, loaded the first time it is needed.
 *
 * Only VRP URLs (vrp_fetch.c) and the network alert sinks (sink_net.c)
 * speak HTTP or SMTP, but linking libcurl made every rovmon and rovctl
 * run load it and the ~35 libraries behind it (TLS, HTTP/2, LDAP, SSH,
 * Kerberos, IDN): ~15 ms of start-up, more than decoding a 10k-route
 * capture takes.  So it is dlopen()ed on first use instead, and a
 * machine without libcurl still runs everything else, with a clear
 * error where a URL or a network sink is asked for.
 *
 * curl_load() loads the library, resolves the functions below and calls
 * curl_global_init() once per process (pthread_once: safe from any
 * thread, but call it from the main thread before starting workers, as
 * libcurl asks).  After a successful curl_load(), curl_fn is set.
 */
#ifndef ROVMON_CURL_LAZY_H
#define ROVMON_CURL_LAZY_H

#include <curl/curl.h>

/* The soname of Debian's libcurl4 (and every libcurl since 7.16). */
#define CURL_LAZY_SONAME	"libcurl.so.4"

struct curl_api {
	CURL		*(*easy_init)(void);
	CURLcode	 (*easy_setopt)(CURL *, CURLoption, ...);
	CURLcode	 (*easy_perform)(CURL *);
	CURLcode	 (*easy_getinfo)(CURL *, CURLINFO, ...);
	void		 (*easy_reset)(CURL *);
	void		 (*easy_cleanup)(CURL *);
	const char	*(*easy_strerror)(CURLcode);
	struct curl_slist *(*slist_append)(struct curl_slist *, const char *);
	void		 (*slist_free_all)(struct curl_slist *);
};

extern const struct curl_api *curl_fn;

/* 0, or -1 with the reason (dlopen/dlsym/curl_global_init) in *why. */
int		 curl_load(const char **why);

#endif /* ROVMON_CURL_LAZY_H */
