/*
 * A direct task's stdout and stderr (direct-outputs.ts, the same rules): never a file opened with
 * the launcher's rights where the owner could write: made here in a new directory (0700, the
 * launcher's), created O_EXCL|O_NOFOLLOW and given to the owner, then the directory is given too.
 */
#ifndef JOBPROXY_OUTPUTS_H
#define JOBPROXY_OUTPUTS_H

#include <stddef.h>
#include <sys/types.h>

struct output_owner {
	int given;
	uid_t uid;
	gid_t gid;
};

struct task_outputs {
	int stdout_fd;
	int stderr_fd; /* the same as stdout_fd when both name one file */
};

enum outputs_result { OUTPUTS_OPEN, OUTPUTS_USE_SUPERVISOR, OUTPUTS_FAILED };

/* Makes the directory and the outputs; on OUTPUTS_FAILED `problem` says why. */
enum outputs_result open_outputs(const char *task_dir, const char *stdout_path,
				 const char *stderr_path, const struct output_owner *owner,
				 struct task_outputs *outputs, char *problem, size_t size);

void close_outputs(struct task_outputs *outputs);

#endif
