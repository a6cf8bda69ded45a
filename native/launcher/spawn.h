/*
 * Starting one process the way a shell cannot make cheap: clone(CLONE_VM|CLONE_VFORK), so the
 * launcher's memory is never copied (fork() of even a small process cost 2–3 ms of CPU per child
 * on the machines we measured, this 0.5 ms), and the child sets itself up before it execs: a
 * session of its own, the task's cgroups joined by the child itself, its stdio, its working
 * directory, then the owner's identity with no supplementary groups, then the command.
 */
#ifndef JOBPROXY_SPAWN_H
#define JOBPROXY_SPAWN_H

#include <sys/types.h>

struct spawn_spec {
	char *const *argv;   /* argv[0] is the command, found on PATH when it has no '/' */
	char *const *envp;
	const char *path;    /* the PATH to search (the child's own), or NULL */
	const char *cwd;
	int stdio[3];
	int switch_ids;      /* run as uid/gid, with no supplementary groups */
	uid_t uid;
	gid_t gid;
	char *const *cgroup_procs; /* cgroup.procs files the child writes itself into */
	int cgroup_count;
};

enum spawn_stage { SPAWN_OK, SPAWN_FORK, SPAWN_CGROUP, SPAWN_SETUP, SPAWN_EXEC };

struct spawn_result {
	pid_t pid;            /* the child, or -1 when it never ran the command */
	enum spawn_stage stage;
	int error;            /* errno of the stage that failed */
	int cgroup;           /* which cgroup.procs, when stage is SPAWN_CGROUP */
};

/* Starts the command; on a failure the child has been reaped already. */
struct spawn_result spawn_process(const struct spawn_spec *spec);

#endif
