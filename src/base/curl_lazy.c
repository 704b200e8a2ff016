/*
 * curl_lazy.c - load libcurl on first use (see curl_lazy.h for why).
 */
#include <dlfcn.h>
#include <pthread.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "base/curl_lazy.h"

const struct curl_api *curl_fn;

static struct curl_api api;
static pthread_once_t once = PTHREAD_ONCE_INIT;
static char why_buf[256];
static int load_rc = -1;

/* Every function rovmon calls, and where its pointer goes. */
static const struct {
	const char	*name;
	size_t		 off;
} syms[] = {
	{ "curl_easy_init", offsetof(struct curl_api, easy_init) },
	{ "curl_easy_setopt", offsetof(struct curl_api, easy_setopt) },
	{ "curl_easy_perform", offsetof(struct curl_api, easy_perform) },
	{ "curl_easy_getinfo", offsetof(struct curl_api, easy_getinfo) },
	{ "curl_easy_reset", offsetof(struct curl_api, easy_reset) },
	{ "curl_easy_cleanup", offsetof(struct curl_api, easy_cleanup) },
	{ "curl_easy_strerror", offsetof(struct curl_api, easy_strerror) },
	{ "curl_slist_append", offsetof(struct curl_api, slist_append) },
	{ "curl_slist_free_all", offsetof(struct curl_api, slist_free_all) },
};

static void
load(void)
{
	CURLcode (*global_init)(long);
	const char *e;
	void *h, *p;
	size_t i;

	if ((h = dlopen(CURL_LAZY_SONAME, RTLD_NOW | RTLD_LOCAL)) == NULL) {
		e = dlerror();
		snprintf(why_buf, sizeof(why_buf), "cannot load libcurl: %s",
		    e != NULL ? e : CURL_LAZY_SONAME);
		return;
	}
	for (i = 0; i < sizeof(syms) / sizeof(syms[0]); i++) {
		if ((p = dlsym(h, syms[i].name)) == NULL) {
			snprintf(why_buf, sizeof(why_buf), "%s: no symbol %s",
			    CURL_LAZY_SONAME, syms[i].name);
			return;		/* h stays loaded: harmless */
		}
		/* POSIX: a data pointer from dlsym holds a function pointer */
		memcpy((char *)&api + syms[i].off, &p, sizeof(p));
	}
	if ((p = dlsym(h, "curl_global_init")) == NULL) {
		snprintf(why_buf, sizeof(why_buf), "%s: no symbol %s",
		    CURL_LAZY_SONAME, "curl_global_init");
		return;
	}
	memcpy(&global_init, &p, sizeof(p));
	if (global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
		snprintf(why_buf, sizeof(why_buf), "curl_global_init failed");
		return;
	}
	curl_fn = &api;
	load_rc = 0;
}

int
curl_load(const char **why)
{
	(void)pthread_once(&once, load);
	if (load_rc == -1 && why != NULL)
		*why = why_buf;
	return load_rc;
}
