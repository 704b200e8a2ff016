/*
 * thread.h - starting rovmon's helper threads (the network sinks'
 * workers, the VRP reloader, the Redis watcher).
 *
 * Signals (SIGHUP, SIGUSR1, SIGINT, SIGTERM) belong to the packet thread:
 * its handlers set flags that only it reads, and a helper thread caught
 * in a handler would have a slow call cut short (EINTR) for nothing.  So
 * every helper starts with all signals blocked, and the process's signals
 * are delivered to the packet thread.
 */
#ifndef ROVMON_THREAD_H
#define ROVMON_THREAD_H

#include <pthread.h>

/* pthread_create() with every signal blocked in the new thread: 0, or an
 * errno value (as pthread_create returns it). */
int	thread_start(pthread_t *, void *(*fn)(void *), void *arg);

#endif /* ROVMON_THREAD_H */
