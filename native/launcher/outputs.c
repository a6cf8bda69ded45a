/* open_outputs: see outputs.h. */
#define _GNU_SOURCE
#include "outputs.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* True when `path` names a file directly in `dir`: dir + "/" + a name with no '/'. */
static int directly_in(const char *dir, const char *path)
{
	size_t n = strlen(dir);
	if (strncmp(path, dir, n) != 0 || path[n] != '/')
		return 0;
	const char *name = path + n + 1;
	return *name && !strchr(name, '/') && strcmp(name, ".") != 0 && strcmp(name, "..") != 0;
}

static int create_one(const char *path, const struct output_owner *owner)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
	if (fd >= 0 && owner->given && fchown(fd, owner->uid, owner->gid) != 0) {
		int error = errno;
		close(fd);
		errno = error;
		return -1;
	}
	return fd;
}

static enum outputs_result failed(char *problem, size_t size, const char *what, const char *path)
{
	snprintf(problem, size, "%s %s: %s", what, path, strerror(errno));
	return OUTPUTS_FAILED;
}

enum outputs_result open_outputs(const char *task_dir, const char *stdout_path,
				 const char *stderr_path, const struct output_owner *owner,
				 struct task_outputs *outputs, char *problem, size_t size)
{
	if (!directly_in(task_dir, stdout_path) || !directly_in(task_dir, stderr_path))
		return OUTPUTS_USE_SUPERVISOR;
	if (mkdir(task_dir, 0700) != 0) {
		if (errno == EEXIST)
			return OUTPUTS_USE_SUPERVISOR; // A relaunch or staged inputs: the supervisor's.
		return failed(problem, size, "mkdir", task_dir);
	}
	outputs->stdout_fd = create_one(stdout_path, owner);
	if (outputs->stdout_fd < 0)
		return failed(problem, size, "open", stdout_path);
	int same = strcmp(stdout_path, stderr_path) == 0;
	outputs->stderr_fd = same ? outputs->stdout_fd : create_one(stderr_path, owner);
	if (outputs->stderr_fd < 0) {
		enum outputs_result result = failed(problem, size, "open", stderr_path);
		close(outputs->stdout_fd);
		return result;
	}
	// Given away only now: until here no one but the launcher could have touched the files.
	if ((owner->given && lchown(task_dir, owner->uid, owner->gid) != 0) ||
	    chmod(task_dir, 0700) != 0) {
		enum outputs_result result = failed(problem, size, "give", task_dir);
		close_outputs(outputs);
		return result;
	}
	return OUTPUTS_OPEN;
}

void close_outputs(struct task_outputs *outputs)
{
	if (outputs->stderr_fd != outputs->stdout_fd)
		close(outputs->stderr_fd);
	close(outputs->stdout_fd);
}
