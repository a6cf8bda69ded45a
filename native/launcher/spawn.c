/*
 * spawn_process: see spawn.h. The child shares the launcher's memory until it execs, so it only
 * makes system calls (no malloc, no stdio, no glibc wrappers that keep state: the identity calls
 * go straight to the kernel), and tells a failure through the shared `result`.
 */
#define _GNU_SOURCE
#include "spawn.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

/* The child's stack: the launcher is one thread and CLONE_VFORK holds it until the exec. */
static char child_stack[64 * 1024] __attribute__((aligned(16)));

struct child_args {
	const struct spawn_spec *spec;
	struct spawn_result *result;
	/* "/bin/sh", the file, then argv[1..]: made before the clone (the child cannot malloc). */
	char **shell_argv;
};

static int fail(struct spawn_result *result, enum spawn_stage stage)
{
	result->stage = stage;
	result->error = errno;
	_exit(127);
}

static void write_number(int fd, long n)
{
	char digits[24];
	int at = (int)sizeof digits;
	do {
		digits[--at] = (char)('0' + n % 10);
		n /= 10;
	} while (n > 0);
	ssize_t ignored = write(fd, digits + at, sizeof digits - (size_t)at);
	(void)ignored;
}

static int join_cgroups(const struct spawn_spec *spec, struct spawn_result *result)
{
	long self = syscall(SYS_getpid);
	for (int i = 0; i < spec->cgroup_count; i++) {
		int fd = open(spec->cgroup_procs[i], O_WRONLY | O_CLOEXEC);
		if (fd < 0)
			return result->cgroup = i, -1;
		errno = 0;
		write_number(fd, self);
		int error = errno;
		close(fd);
		if (error)
			return errno = error, result->cgroup = i, -1;
	}
	return 0;
}

/*
 * execve, and as execvp (and Node's spawn) does for a file the kernel cannot run (ENOEXEC, a
 * script without #!): run it with /bin/sh instead, as a shell would.
 */
static void exec_file(const char *file, const struct child_args *args)
{
	execve(file, args->spec->argv, args->spec->envp);
	if (errno != ENOEXEC || !args->shell_argv)
		return;
	args->shell_argv[1] = (char *)file;
	execve("/bin/sh", args->shell_argv, args->spec->envp);
	errno = ENOEXEC;
}

/* execvp with the child's own PATH: the first that runs; EACCES if any was found unrunnable. */
static void exec_command(const struct child_args *args)
{
	const struct spawn_spec *spec = args->spec;
	const char *file = spec->argv[0];
	if (strchr(file, '/')) {
		exec_file(file, args);
		return;
	}
	const char *path = spec->path ? spec->path : "/bin:/usr/bin";
	int denied = 0;
	char candidate[4096];
	for (const char *dir = path;; dir++) {
		const char *end = strchrnul(dir, ':');
		size_t dir_len = (size_t)(end - dir);
		size_t file_len = strlen(file);
		if (dir_len + file_len + 2 <= sizeof candidate) {
			memcpy(candidate, dir_len ? dir : ".", dir_len ? dir_len : 1);
			size_t at = dir_len ? dir_len : 1;
			candidate[at++] = '/';
			memcpy(candidate + at, file, file_len + 1);
			exec_file(candidate, args);
			if (errno == EACCES)
				denied = 1;
		}
		if (*end == '\0')
			break;
		dir = end;
	}
	errno = denied ? EACCES : ENOENT;
}

static int child_main(void *opaque)
{
	struct child_args *args = opaque;
	const struct spawn_spec *spec = args->spec;
	struct spawn_result *result = args->result;
	sigset_t none;
	sigemptyset(&none);
	syscall(SYS_rt_sigprocmask, SIG_SETMASK, &none, NULL, _NSIG / 8);
	if (syscall(SYS_setsid) < 0)
		fail(result, SPAWN_SETUP);
	if (join_cgroups(spec, result) != 0)
		fail(result, SPAWN_CGROUP);
	for (int fd = 0; fd < 3; fd++)
		if (dup2(spec->stdio[fd], fd) < 0)
			fail(result, SPAWN_SETUP);
	if (chdir(spec->cwd) != 0)
		fail(result, SPAWN_SETUP);
	if (spec->switch_ids) {
		if (syscall(SYS_setgroups, 0, NULL) != 0)
			fail(result, SPAWN_SETUP);
		if (syscall(SYS_setresgid, spec->gid, spec->gid, spec->gid) != 0)
			fail(result, SPAWN_SETUP);
		if (syscall(SYS_setresuid, spec->uid, spec->uid, spec->uid) != 0)
			fail(result, SPAWN_SETUP);
	}
	exec_command(args);
	return fail(result, SPAWN_EXEC);
}

/* The argv of the /bin/sh fallback, or NULL without memory (then ENOEXEC stays a failure). */
static char **make_shell_argv(char *const *argv)
{
	size_t count = 0;
	while (argv[count])
		count++;
	char **shell_argv = calloc(count + 2, sizeof *shell_argv);
	if (!shell_argv)
		return NULL;
	shell_argv[0] = "/bin/sh";
	for (size_t i = 1; i < count; i++)
		shell_argv[i + 1] = argv[i];
	return shell_argv;
}

struct spawn_result spawn_process(const struct spawn_spec *spec)
{
	struct spawn_result result = {.pid = -1, .stage = SPAWN_OK};
	struct child_args args = {spec, &result, make_shell_argv(spec->argv)};
	pid_t pid = clone(child_main, child_stack + sizeof child_stack,
			  CLONE_VM | CLONE_VFORK | SIGCHLD, &args);
	free(args.shell_argv);
	if (pid < 0) {
		result.stage = SPAWN_FORK;
		result.error = errno;
		return result;
	}
	if (result.stage != SPAWN_OK) {
		// The child has exited: reap it here, it never ran the command.
		while (waitpid(pid, NULL, 0) < 0 && errno == EINTR) {
		}
		return result;
	}
	result.pid = pid;
	return result;
}
