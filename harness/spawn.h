/*
 * spawn.h - child processes without a shell.
 *
 * Owns: fork/exec of one child with an explicit argv and environment, its
 * three pipes, the conditions it starts under (own process group, parent
 * death signal, transparent huge pages off, CPU pinning, address-space cap),
 * killing its whole process group, and reaping it.
 *
 * File descriptors: after child_start the caller owns c->in_fd (write end of
 * the child's stdin), c->out_fd and c->err_fd (read ends of its stdout and
 * stderr), all close-on-exec and non-blocking for reading; child_release
 * closes whichever are still open. The child gets nothing else: every fd
 * objmem opens is O_CLOEXEC.
 *
 * Steps: child_init, fill argv/env and options, child_start, talk, then
 * child_wait (or child_kill + child_wait), child_release.
 */
#ifndef OBJMEM_SPAWN_H
#define OBJMEM_SPAWN_H

#include <stdint.h>
#include <sys/types.h>

#include "util.h"

struct child {
	/* set by the caller */
	struct strvec argv;   /* argv[0] must be an absolute or relative path */
	struct strvec env;    /* the whole environment, "K=V" */
	int thp_disable;      /* prctl(PR_SET_THP_DISABLE) in the child */
	int cpu;              /* pin to this CPU, or -1 */
	uint64_t as_limit;    /* RLIMIT_AS in bytes, 0 for none */

	/* set by child_start */
	pid_t pid;
	int in_fd, out_fd, err_fd;
	int reaped;
	int wait_status;      /* raw waitpid status once reaped */
};

void child_init(struct child *c);
/*
 * Start the child. Returns 0, or -1 with a message in *why (malloc'ed) that
 * says what failed, e.g. "cannot run '/x/python': No such file or directory".
 * An exec failure is reported through a close-on-exec pipe, so it is seen
 * here, not as an odd exit status later.
 */
int child_start(struct child *c, char **why);
/* Send sig to the child's process group (the child and anything it forked). */
void child_signal_group(struct child *c, int sig);
/* SIGKILL the process group, then reap the child. */
void child_kill(struct child *c);
/*
 * Reap the child, waiting at most timeout_s seconds (negative: forever).
 * Returns 1 when reaped, 0 on timeout, -1 on error.
 */
int child_wait(struct child *c, double timeout_s);
/* "exited with status 3", "killed by signal 9 (Killed)" for a reaped child. */
char *child_describe_exit(const struct child *c);
/* Close the pipes, free argv/env. The child must have been reaped. */
void child_release(struct child *c);

/* Resolve a command name on PATH (or keep a path with a slash); NULL if none. */
char *spawn_which(const char *cmd, const char *path_env);

#endif
