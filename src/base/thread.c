/*
 * thread.c - helper threads start with every signal blocked (thread.h
 * says why).  The new thread inherits the creating thread's mask, so the
 * mask is set around pthread_create() and put back at once.
 */
#include <signal.h>

#include "base/thread.h"

int
thread_start(pthread_t *t, void *(*fn)(void *), void *arg)
{
	sigset_t all, old;
	int e;

	sigfillset(&all);
	if ((e = pthread_sigmask(SIG_SETMASK, &all, &old)) != 0)
		return e;
	e = pthread_create(t, NULL, fn, arg);
	(void)pthread_sigmask(SIG_SETMASK, &old, NULL);
	return e;
}
