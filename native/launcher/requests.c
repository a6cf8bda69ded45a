/*
 * The launcher's requests: a direct start or a supervisor script per line, each answered with
 * events (requests.h). The rules of a direct start are direct-start.ts's and direct-outputs.ts's,
 * in the same order: outputs, claim, spawn, pid, then the exit code told and the marker written.
 */
#define _GNU_SOURCE
#include "requests.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "json.h"
#include "outputs.h"
#include "spawn.h"

extern char **environ;

/* A request's fields, read from its JSON; the strings point into the request's line. */
struct request {
	struct json_value *values;
	int root;
	long long id;
};

void send_event(struct launcher *l, const char *json)
{
	if (l->channel < 0)
		return;
	size_t length = strlen(json);
	char *line = malloc(length + 1);
	if (!line)
		return;
	memcpy(line, json, length);
	line[length] = '\n';
	for (size_t sent = 0; sent <= length;) {
		ssize_t n = send(l->channel, line + sent, length + 1 - sent, MSG_NOSIGNAL);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			break; // The server is gone: its successor reads the markers.
		sent += (size_t)n;
	}
	free(line);
}

static void send_error(struct launcher *l, long long id, const char *format, ...)
{
	char message[2048], quoted[4200], event[4300];
	va_list args;
	va_start(args, format);
	vsnprintf(message, sizeof message, format, args);
	va_end(args);
	if (json_quote(message, quoted, sizeof quoted) < 0)
		strcpy(quoted, "\"(message too long)\"");
	snprintf(event, sizeof event, "{\"id\":%lld,\"type\":\"error\",\"message\":%s}", id, quoted);
	send_event(l, event);
}

static void send_started(struct launcher *l, long long id, pid_t pid)
{
	char event[128];
	snprintf(event, sizeof event,
		 "{\"id\":%lld,\"type\":\"started\",\"pid\":%d,\"launcher\":%d,\"launcherStart\":%llu}",
		 id, (int)pid, (int)getpid(), l->start_time);
	send_event(l, event);
}

/*
 * A task's exit. `next` (-1: none) is the successor this launcher starts in its place at once:
 * the server then need not release it.
 */
static void send_exit(struct launcher *l, long long id, pid_t pid, int code, const char *complaint,
		      long long next)
{
	char quoted[4200], event[4400], tail[48] = "}";
	if (next >= 0)
		snprintf(tail, sizeof tail, ",\"next\":%lld}", next);
	if (code < 0) {
		snprintf(event, sizeof event, "{\"id\":%lld,\"type\":\"exit\",\"pid\":%d%s", id, (int)pid,
			 tail);
	} else if (complaint && json_quote(complaint, quoted, sizeof quoted) > 0) {
		snprintf(event, sizeof event,
			 "{\"id\":%lld,\"type\":\"exit\",\"pid\":%d,\"code\":%d,\"complaint\":%s%s", id,
			 (int)pid, code, quoted, tail);
	} else {
		snprintf(event, sizeof event, "{\"id\":%lld,\"type\":\"exit\",\"pid\":%d,\"code\":%d%s",
			 id, (int)pid, code, tail);
	}
	send_event(l, event);
}

static const char *string_field(const struct request *r, const char *key)
{
	const struct json_value *v = json_get(r->values, r->root, key);
	return v && v->type == JSON_STRING ? v->string : NULL;
}

/* A JSON array of strings as a NULL-terminated array (malloc'd; the strings are the line's). */
static char **string_list(const struct request *r, const char *key, const char *suffix)
{
	const struct json_value *v = json_get(r->values, r->root, key);
	if (!v || v->type != JSON_ARRAY)
		return NULL;
	char **list = calloc((size_t)v->count + 1, sizeof *list);
	int n = 0;
	for (int i = v->first; list && i >= 0; i = r->values[i].next) {
		if (r->values[i].type != JSON_STRING)
			return free(list), NULL;
		if (suffix) {
			if (asprintf(&list[n], "%s%s", r->values[i].string, suffix) < 0)
				return free(list), NULL;
		} else {
			list[n] = (char *)r->values[i].string;
		}
		n++;
	}
	return list;
}

static void free_list(char **list, int owned)
{
	for (int i = 0; owned && list && list[i]; i++)
		free(list[i]);
	free(list);
}

static int has_name(char **env, size_t count, const char *entry)
{
	size_t length = strcspn(entry, "=");
	for (size_t i = 0; i < count; i++)
		if (strncmp(env[i], entry, length) == 0 && env[i][length] == '=')
			return 1;
	return 0;
}

/*
 * The environment `key` of the request gives, as NAME=value strings (malloc'd), after those of
 * `inherited` it does not name. NULL for a malformed one.
 */
static char **environment(const struct request *r, const char *key, char **inherited)
{
	const struct json_value *v = json_get(r->values, r->root, key);
	if (!v || v->type != JSON_OBJECT)
		return NULL;
	size_t own = (size_t)v->count, count = 0, base = 0;
	while (inherited && inherited[base])
		base++;
	char **env = calloc(own + base + 1, sizeof *env);
	for (int i = v->first; env && i >= 0; i = r->values[i].next) {
		const struct json_value *value = &r->values[i];
		if (value->type != JSON_STRING || strchr(value->key, '=') || !*value->key)
			return free_list(env, 1), NULL;
		if (asprintf(&env[count++], "%s=%s", value->key, value->string) < 0)
			return free_list(env, 1), NULL;
	}
	for (size_t i = 0; env && i < base; i++)
		if (!has_name(env, own, inherited[i]) && !(env[count++] = strdup(inherited[i])))
			return free_list(env, 1), NULL;
	return env;
}

static const char *path_of(char **env)
{
	for (size_t i = 0; env[i]; i++)
		if (strncmp(env[i], "PATH=", 5) == 0)
			return env[i] + 5;
	return NULL;
}

static void remember(struct launcher *l, pid_t pid, long long id, const char *markers_dir)
{
	if (l->child_count == l->child_capacity) {
		size_t capacity = l->child_capacity ? l->child_capacity * 2 : 16;
		struct child *grown = realloc(l->children, capacity * sizeof *grown);
		if (!grown)
			abort(); // Not knowing a child's end would leave its task RUNNING for good.
		l->children = grown;
		l->child_capacity = capacity;
	}
	struct child *child = &l->children[l->child_count++];
	child->pid = pid;
	child->id = id;
	child->direct = markers_dir != NULL;
	child->markers_dir = markers_dir ? strdup(markers_dir) : NULL;
	if (child->direct)
		l->direct_running++;
	else
		l->scripts_running++;
}

/* Makes a rename in `dir` durable (its entry on disk). */
static void sync_directory(const char *dir)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd >= 0) {
		fdatasync(fd);
		close(fd);
	}
}

/*
 * Writes the `exit` marker (and a complaint) whole through a rename, as direct-start.ts. With the
 * server gone (`durable`) the marker is the only record of the end: it is synced to the disk, so
 * a power cut after it cannot lose the code. With the server there, the server's store holds it
 * (told with the exit event), and the marker only serves a crash of the server alone.
 */
static void record_exit(const char *markers_dir, int code, const char *complaint, int durable)
{
	char path[4096], temporary[4096], text[32];
	if (complaint) {
		snprintf(path, sizeof path, "%s/supervisor.err", markers_dir);
		FILE *file = fopen(path, "we");
		if (file) {
			fprintf(file, "%s\n", complaint);
			fclose(file);
		}
	}
	snprintf(temporary, sizeof temporary, "%s/exit.tmp", markers_dir);
	snprintf(path, sizeof path, "%s/exit", markers_dir);
	int fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
	if (fd < 0)
		return; // A full disk: the server reads what is there (it was told the code).
	int length = snprintf(text, sizeof text, "%d\n", code);
	int written = (int)write(fd, text, (size_t)length) == length;
	if (durable && written)
		written = fdatasync(fd) == 0;
	if (close(fd) == 0 && written && rename(temporary, path) == 0 && durable)
		sync_directory(markers_dir);
}

static void handle_line(struct launcher *l, char *line, size_t length, int now);

void forget_successor(struct launcher *l)
{
	free(l->successor);
	l->successor = NULL;
}

/* Starts the successor now, if there is one (and `id` is its id, unless -1). */
static void start_successor(struct launcher *l, long long id)
{
	if (!l->successor || (id >= 0 && id != l->successor_id))
		return;
	char *line = l->successor;
	l->successor = NULL;
	handle_line(l, line, l->successor_length, 1);
	free(line);
}

void child_ended(struct launcher *l, pid_t pid, int code)
{
	for (size_t i = 0; i < l->child_count; i++) {
		struct child *child = &l->children[i];
		if (child->pid != pid)
			continue;
		if (child->direct) {
			send_exit(l, child->id, pid, code, NULL, l->successor ? l->successor_id : -1);
			record_exit(child->markers_dir, code, NULL, l->channel < 0);
			l->direct_running--;
		} else {
			send_exit(l, child->id, pid, -1, NULL, -1);
			l->scripts_running--;
		}
		int direct = child->direct;
		free(child->markers_dir);
		*child = l->children[--l->child_count];
		if (direct)
			start_successor(l, -1); // In the place of the task that just ended.
		return;
	}
}

/* Creates claim.N exclusively, holding "launcher <pid> <start time>": its fd, or -1. */
static int claim(const struct launcher *l, const char *markers_dir, long long launch, char *path,
		 size_t size)
{
	snprintf(path, size, "%s/claim.%lld", markers_dir, launch);
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
	// A first launch: the markers directory (the server's, private) is made here, not ahead.
	if (fd < 0 && errno == ENOENT && (mkdir(markers_dir, 0700) == 0 || errno == EEXIST))
		fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
	if (fd < 0)
		return -1;
	char text[64];
	int length = snprintf(text, sizeof text, "launcher %d %llu\n", (int)getpid(), l->start_time);
	if (write(fd, text, (size_t)length) != length) {
		int error = errno;
		close(fd);
		errno = error;
		return -1;
	}
	return fd;
}

/* The start did not run the command (setup or exec failed): told and recorded as a shell would. */
static void start_failed(struct launcher *l, long long id, const char *markers_dir,
			 const char *command, int error)
{
	const char *name = strerrorname_np(error);
	char complaint[4200];
	snprintf(complaint, sizeof complaint, "%s: spawn %s %s", command, command,
		 name ? name : "EUNKNOWN");
	int code = error == ENOENT ? 127 : 126;
	send_started(l, id, -1);
	send_exit(l, id, -1, code, complaint, -1);
	record_exit(markers_dir, code, complaint, l->channel < 0);
}

struct direct_fields {
	const char *task_dir, *markers_dir, *stdout_path, *stderr_path;
	long long launch;
	int has_owner, inherit_env;
	uid_t uid;
	gid_t gid;
};

static const char *read_direct(const struct request *r, struct direct_fields *f)
{
	const struct json_value *launch = json_get(r->values, r->root, "launch");
	const struct json_value *uid = json_get(r->values, r->root, "uid");
	const struct json_value *gid = json_get(r->values, r->root, "gid");
	const struct json_value *inherit = json_get(r->values, r->root, "inheritEnv");
	if (!(f->task_dir = string_field(r, "taskDir")))
		return "taskDir";
	if (!(f->markers_dir = string_field(r, "markersDir")))
		return "markersDir";
	if (!(f->stdout_path = string_field(r, "stdout")))
		return "stdout";
	if (!(f->stderr_path = string_field(r, "stderr")))
		return "stderr";
	if (!launch || launch->type != JSON_NUMBER)
		return "launch";
	f->launch = (long long)launch->number;
	f->has_owner = uid && uid->type == JSON_NUMBER;
	if (f->has_owner && (!gid || gid->type != JSON_NUMBER))
		return "gid";
	f->uid = f->has_owner ? (uid_t)uid->number : 0;
	f->gid = f->has_owner ? (gid_t)gid->number : 0;
	// The server never runs a task as root by a uid; one that says so is a bug: refused.
	if (f->has_owner && (f->uid == 0 || uid->number != (double)f->uid || gid->number < 0))
		return "uid";
	f->inherit_env = inherit && inherit->type == JSON_BOOL && inherit->boolean;
	// The server's environment is for a task run as the server only: never another user's.
	if (f->inherit_env && f->has_owner)
		return "inheritEnv";
	return NULL;
}

static void start_direct(struct launcher *l, const struct request *r)
{
	struct direct_fields f;
	const char *missing = read_direct(r, &f);
	char **command = string_list(r, "command", NULL);
	char **cgroups = string_list(r, "cgroupDirs", "/cgroup.procs");
	// The server's own environment is this launcher's: sent as a flag, not with every request.
	char **env = environment(r, "env", !missing && f.inherit_env ? environ : NULL);
	if (!missing && (!command || !command[0]))
		missing = "command";
	if (!missing && !cgroups)
		missing = "cgroupDirs";
	if (!missing && !env)
		missing = "env";
	if (missing) {
		send_error(l, r->id, "bad request: %s", missing);
		goto done;
	}
	struct task_outputs outputs;
	struct output_owner owner = {f.has_owner, f.uid, f.gid};
	char problem[4200];
	enum outputs_result opened = open_outputs(f.task_dir, f.stdout_path, f.stderr_path, &owner,
						  &outputs, problem, sizeof problem);
	if (opened == OUTPUTS_USE_SUPERVISOR) {
		char event[64];
		snprintf(event, sizeof event, "{\"id\":%lld,\"type\":\"supervisor\"}", r->id);
		send_event(l, event);
		goto done;
	}
	if (opened == OUTPUTS_FAILED) {
		send_error(l, r->id, "%s", problem);
		goto done;
	}
	char claim_path[4200];
	int claim_fd = claim(l, f.markers_dir, f.launch, claim_path, sizeof claim_path);
	if (claim_fd < 0) {
		if (errno == EEXIST)
			send_error(l, r->id, "launch claimed by recovery (%s)", claim_path);
		else
			send_error(l, r->id, "cannot write %s: %s", claim_path, strerror(errno));
		close_outputs(&outputs);
		goto done;
	}
	int count = 0;
	while (cgroups[count])
		count++;
	struct spawn_spec spec = {
		.argv = command,
		.envp = env,
		.path = path_of(env),
		.cwd = f.task_dir,
		.stdio = {l->dev_null, outputs.stdout_fd, outputs.stderr_fd},
		.switch_ids = f.has_owner,
		.uid = f.uid,
		.gid = f.gid,
		.cgroup_procs = cgroups,
		.cgroup_count = count,
	};
	struct spawn_result started = spawn_process(&spec);
	close_outputs(&outputs);
	if (started.stage == SPAWN_CGROUP || started.stage == SPAWN_FORK) {
		const char *what = started.stage == SPAWN_FORK ? "clone" : cgroups[started.cgroup];
		send_error(l, r->id, "cannot start (%s): %s", what, strerror(started.error));
	} else if (started.stage != SPAWN_OK) {
		start_failed(l, r->id, f.markers_dir, command[0], started.error);
	} else {
		// The executor's pid, for a later server to kill its group; the cgroup holds it anyway.
		dprintf(claim_fd, "%d\n", (int)started.pid);
		send_started(l, r->id, started.pid);
		remember(l, started.pid, r->id, f.markers_dir);
	}
	close(claim_fd);
done:
	free_list(command, 0);
	free_list(cgroups, 1);
	free_list(env, 1);
}

static void start_script(struct launcher *l, const struct request *r)
{
	const char *script = string_field(r, "script");
	const char *marker = string_field(r, "marker");
	const char *cwd = string_field(r, "cwd");
	char **env = environment(r, "env", environ);
	if (!script || !marker || !cwd || !env) {
		send_error(l, r->id, "bad request: script, marker, cwd and env are needed");
		free_list(env, 1);
		return;
	}
	char *argv[] = {"/bin/sh", "-c", (char *)script, (char *)marker, NULL};
	struct spawn_spec spec = {
		.argv = argv,
		.envp = env,
		.cwd = cwd,
		.stdio = {l->dev_null, l->dev_null, l->dev_null},
	};
	struct spawn_result started = spawn_process(&spec);
	free_list(env, 1);
	if (started.stage != SPAWN_OK) {
		send_error(l, r->id, "spawn /bin/sh: %s", strerror(started.error));
		return;
	}
	send_started(l, r->id, started.pid);
	remember(l, started.pid, r->id, NULL);
}

/* Keeps a direct start handed over ahead, to start later (start_successor). */
static void keep_successor(struct launcher *l, long long id, const char *original, size_t length)
{
	if (l->successor) {
		send_error(l, id, "a successor is waiting already");
		return;
	}
	l->successor = strndup(original, length);
	l->successor_length = length;
	l->successor_id = id;
}

static void drop_successor(struct launcher *l, long long id)
{
	if (!l->successor || l->successor_id != id)
		return; // Started already: its events tell the server.
	forget_successor(l);
	send_error(l, id, "dropped before its start");
}

static int is_kind(const struct json_value *kind, const char *name)
{
	return kind && kind->type == JSON_STRING && strcmp(kind->string, name) == 0;
}

/*
 * One request line. `now`: start it even if it was handed over as a successor (it is one whose
 * time came).
 */
static void handle_line(struct launcher *l, char *line, size_t length, int now)
{
	// A successor is kept as it came: the parse below decodes the line in place.
	char *original = !now && strstr(line, "\"after\":true") ? strndup(line, length) : NULL;
	struct json_value *values = calloc(length + 2, sizeof *values);
	if (!values) {
		free(original);
		return;
	}
	int saw_nul;
	struct request r = {values, json_parse(line, values, (int)length + 2, &saw_nul), 0};
	const struct json_value *id = json_get(values, r.root, "id");
	const struct json_value *kind = json_get(values, r.root, "kind");
	// Node's own messages (handles, cluster) are not ours; a line we cannot read names no id.
	if (id && id->type == JSON_NUMBER) {
		r.id = (long long)id->number;
		const struct json_value *after = json_get(values, r.root, "after");
		int successor = after && after->type == JSON_BOOL && after->boolean;
		if (saw_nul)
			send_error(l, r.id, "bad request: a string holds a NUL character");
		else if (is_kind(kind, "release"))
			start_successor(l, r.id);
		else if (is_kind(kind, "drop"))
			drop_successor(l, r.id);
		else if (is_kind(kind, "direct") && successor && !now && original)
			keep_successor(l, r.id, original, length);
		else if (is_kind(kind, "direct"))
			start_direct(l, &r);
		else
			start_script(l, &r);
	}
	free(original);
	free(values);
}

void buffer_requests(struct launcher *l, const char *bytes, size_t length)
{
	char *grown = realloc(l->pending, l->pending_length + length + 1);
	if (!grown)
		abort();
	l->pending = grown;
	memcpy(l->pending + l->pending_length, bytes, length);
	l->pending_length += length;
	l->pending[l->pending_length] = '\0';
	size_t start = 0;
	for (char *newline; (newline = memchr(l->pending + start, '\n', l->pending_length - start));) {
		*newline = '\0';
		handle_line(l, l->pending + start, (size_t)(newline - (l->pending + start)), 0);
		start = (size_t)(newline - l->pending) + 1;
	}
	memmove(l->pending, l->pending + start, l->pending_length - start);
	l->pending_length -= start;
}

unsigned long long own_start_time(void)
{
	char text[1024];
	FILE *file = fopen("/proc/self/stat", "re");
	if (!file)
		return 0;
	size_t n = fread(text, 1, sizeof text - 1, file);
	fclose(file);
	text[n] = '\0';
	char *at = strrchr(text, ')');
	unsigned long long start = 0;
	// Fields after the command: state is field 3; the start time is field 22.
	for (int field = 2; at && field < 22; field++)
		at = strchr(at + 1, ' ');
	if (at)
		start = strtoull(at + 1, NULL, 10);
	return start;
}
