/*
 * The launcher's requests and events (the same as launcher-process.ts): a request per line from
 * the server, started/exit/error/supervisor/idle events back, and the children it reaps.
 */
#ifndef JOBPROXY_REQUESTS_H
#define JOBPROXY_REQUESTS_H

#include <stddef.h>
#include <sys/types.h>

struct child {
	pid_t pid;
	long long id;
	int direct;
	char *markers_dir; /* direct only: where its exit marker goes */
};

struct launcher {
	int channel; /* the IPC socket; -1 once the server is gone */
	int dev_null;
	int child_signals;
	int idle_ms;
	unsigned long long start_time;
	int direct_running;
	int scripts_running;
	struct child *children;
	size_t child_count;
	size_t child_capacity;
	char *pending; /* a request line not yet whole */
	size_t pending_length;
	/*
	 * A successor: a direct start the server handed over ahead ("after": true), started here the
	 * moment a direct task ends (the server sends it only when it fits in the place of any of
	 * them), or when the server releases it; dropped if the server drops it or goes away.
	 */
	char *successor;
	size_t successor_length;
	long long successor_id;
};

/* The server is gone: a successor it handed over never starts (the next server decides). */
void forget_successor(struct launcher *l);

/* Takes bytes read from the channel: handles every whole line. */
void buffer_requests(struct launcher *l, const char *bytes, size_t length);

/* A child was reaped with `code`: tells the server and, for a direct task, writes its marker. */
void child_ended(struct launcher *l, pid_t pid, int code);

/* Writes one event line (without the newline) to the server, if it is still there. */
void send_event(struct launcher *l, const char *json);

/* Field 22 of /proc/self/stat: with the pid, names this launcher for good. */
unsigned long long own_start_time(void);

#endif
