/*
 * jobproxy-launcher: the local framework's resident launcher, native. It speaks the same IPC as
 * the Node launcher (src/backends/local/launcher-process.ts: one JSON object per line on the fd
 * in NODE_CHANNEL_FD) and keeps every rule of it: direct starts make the task's directory and
 * outputs, claim claim.N exclusively, start the executor in its cgroups as its owner,
 * tell the exit code, then write the `exit` marker whole through a rename; supervisors are
 * `sh -c <script> <marker>`. Once the server is gone it stays until its direct tasks have ended,
 * then exits. Why native: a Node process's fork() cost 2–3 ms of CPU per task here; this
 * process starts a task with one clone(CLONE_VM|CLONE_VFORK) (spawn.c) and is 1 MiB, not 45.
 *
 *   jobproxy-launcher jobproxy-launcher     (argv[1] is the marker a restarted server looks for)
 */
#define _GNU_SOURCE
#include "requests.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static long long now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* A task's process ended: tell the server, record it, forget it. */
static void reap_children(struct launcher *l)
{
	for (;;) {
		int status;
		pid_t pid = waitpid(-1, &status, WNOHANG);
		if (pid <= 0)
			return;
		int code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
		child_ended(l, pid, code);
	}
}

static void read_requests(struct launcher *l)
{
	char chunk[65536];
	ssize_t n = read(l->channel, chunk, sizeof chunk);
	if (n < 0 && (errno == EINTR || errno == EAGAIN))
		return;
	if (n <= 0) {
		// The server is gone (or let us go): supervisors run on by themselves; direct tasks need us.
		close(l->channel);
		l->channel = -1;
		forget_successor(l);
		return;
	}
	buffer_requests(l, chunk, (size_t)n);
}

static int open_child_signals(void)
{
	sigset_t mask;
	sigemptyset(&mask);
	sigaddset(&mask, SIGCHLD);
	sigprocmask(SIG_BLOCK, &mask, NULL);
	return signalfd(-1, &mask, SFD_CLOEXEC | SFD_NONBLOCK);
}

static int idle_ms(void)
{
	const char *text = getenv("JOBPROXY_LAUNCHER_IDLE_MS");
	long value = text ? strtol(text, NULL, 10) : 0;
	return value > 0 ? (int)value : 30000;
}

static int setup(struct launcher *l)
{
	const char *fd_text = getenv("NODE_CHANNEL_FD");
	if (!fd_text) {
		fprintf(stderr, "jobproxy-launcher: no IPC channel (NODE_CHANNEL_FD)\n");
		return -1;
	}
	l->channel = atoi(fd_text);
	fcntl(l->channel, F_SETFD, FD_CLOEXEC);
	fcntl(l->channel, F_SETFL, fcntl(l->channel, F_GETFL) & ~O_NONBLOCK);
	// Children get only what the server sends them, never our channel.
	unsetenv("NODE_CHANNEL_FD");
	unsetenv("NODE_CHANNEL_SERIALIZATION_MODE");
	l->dev_null = open("/dev/null", O_RDWR | O_CLOEXEC);
	l->child_signals = open_child_signals();
	l->start_time = own_start_time();
	l->idle_ms = idle_ms();
	if (l->dev_null < 0 || l->child_signals < 0) {
		perror("jobproxy-launcher");
		return -1;
	}
	return 0;
}

int main(void)
{
	struct launcher l = {.channel = -1};
	if (setup(&l) != 0)
		return 70;
	long long quiet_since = now_ms();
	for (;;) {
		int running = l.direct_running + l.scripts_running;
		if (l.channel < 0 && l.direct_running == 0) {
			free(l.children);
			free(l.pending);
			return 0;
		}
		struct pollfd fds[2] = {{l.child_signals, POLLIN, 0}, {l.channel, POLLIN, 0}};
		int timeout = -1;
		if (running == 0 && l.channel >= 0) {
			long long left = quiet_since + l.idle_ms - now_ms();
			timeout = left > 0 ? (int)left : 0;
		}
		int ready = poll(fds, l.channel >= 0 ? 2 : 1, timeout);
		if (ready < 0 && errno != EINTR)
			return 71;
		if (ready == 0) {
			send_event(&l, "{\"id\":0,\"type\":\"idle\"}");
			quiet_since = now_ms();
			continue;
		}
		if (fds[0].revents) {
			struct signalfd_siginfo info;
			while (read(l.child_signals, &info, sizeof info) > 0) {
			}
			reap_children(&l);
		}
		if (l.channel >= 0 && fds[1].revents) {
			read_requests(&l);
			quiet_since = now_ms();
		}
		if (running > 0)
			quiet_since = now_ms();
	}
}
