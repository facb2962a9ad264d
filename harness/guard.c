/* guard.c - kill what a run started when objmem dies; see guard.h. */
#include <errno.h>
#include <limits.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "cgroup.h"
#include "guard.h"
#include "procmem.h"
#include "util.h"

static int guard_fd = -1;
static pid_t guard_child = -1;

#define GUARD_MAX_GROUPS 4096
#define GUARD_MAX_BASES 8

/* What the guard holds: process groups, lone processes, cgroup bases. */
struct guard_state {
	pid_t groups[GUARD_MAX_GROUPS];
	unsigned long long starts[GUARD_MAX_GROUPS]; /* 0: a group; else a process's start time */
	size_t n;
	char *bases[GUARD_MAX_BASES];
	size_t n_bases;
};

static void guard_line(struct guard_state *g, const char *line)
{
	if (line[0] == 'C') {
		/* forked before any thread: malloc is safe here */
		if (line[1] == '/' && g->n_bases < GUARD_MAX_BASES)
			g->bases[g->n_bases++] = strdup(line + 1);
		return;
	}
	char *end;
	long pg = strtol(line + 1, &end, 10);
	if (pg <= 1)
		return;
	if (line[0] == '+' && g->n < GUARD_MAX_GROUPS) {
		g->starts[g->n] = *end == '@' ? strtoull(end + 1, NULL, 10) : 0;
		g->groups[g->n++] = (pid_t)pg;
	} else if (line[0] == '-') {
		for (size_t k = 0; k < g->n; k++)
			if (g->groups[k] == (pid_t)pg) {
				g->groups[k] = g->groups[--g->n];
				g->starts[k] = g->starts[g->n];
				break;
			}
	}
}

/* A process registered by pid and start time: killed, with the group it leads, if still it. */
static void guard_kill_process(pid_t pid, unsigned long long start)
{
	struct proc_stat st;
	if (procmem_stat(pid, &st) || st.start_ticks != start)
		return;
	if (st.pgrp == pid)
		kill(-pid, SIGKILL);
	kill(pid, SIGKILL);
}

static void NORETURN guard_main(int rfd)
{
	static struct guard_state g;
	static char line[PATH_MAX + 8];
	char buf[4096];
	size_t ll = 0;
	pid_t driver = getppid();
	/* outlive the driver's signals; the pipe's end is our only cue */
	signal(SIGINT, SIG_IGN);
	signal(SIGTERM, SIG_IGN);
	signal(SIGHUP, SIG_IGN);
	prctl(PR_SET_NAME, "objmem-guard", 0, 0, 0);
	for (;;) {
		ssize_t got = read(rfd, buf, sizeof(buf));
		if (got < 0 && errno == EINTR)
			continue;
		if (got <= 0)
			break;
		for (ssize_t i = 0; i < got; i++) {
			if (buf[i] != '\n') {
				if (ll < sizeof(line) - 1)
					line[ll++] = buf[i];
				continue;
			}
			line[ll] = '\0';
			ll = 0;
			guard_line(&g, line);
		}
	}
	for (size_t k = 0; k < g.n; k++)
		if (g.starts[k])
			guard_kill_process(g.groups[k], g.starts[k]);
		else
			kill(-g.groups[k], SIGKILL);
	/* every cgroup the driver made, whatever its processes did to leave their group */
	for (size_t k = 0; k < g.n_bases; k++)
		cgroup_remove_owned(g.bases[k], (long)driver);
	_exit(0);
}

int guard_start(void)
{
	int p[2];
	if (guard_fd >= 0)
		return 0;
	if (pipe2(p, O_CLOEXEC)) {
		warning("cannot start the process guard: %s; children may outlive a killed objmem",
			strerror(errno));
		return -1;
	}
	pid_t pid = fork();
	if (pid < 0) {
		warning("cannot start the process guard: %s; children may outlive a killed objmem",
			strerror(errno));
		close(p[0]);
		close(p[1]);
		return -1;
	}
	if (pid == 0) {
		close(p[1]);
		/*
		 * Hold no other descriptor of the driver's (results files, locks),
		 * and not its output either: a pipe reading objmem's stdout must
		 * see the end when objmem ends, not when the guard does.
		 */
		int null = open("/dev/null", O_RDWR | O_CLOEXEC);
		for (int fd = 0; fd < 3 && null >= 0; fd++)
			dup2(null, fd);
		int keep = dup2(p[0], 3) == 3 ? 3 : p[0];
		if (keep != 3 || syscall(SYS_close_range, 4U, ~0U, 0U) < 0) {
			long max = sysconf(_SC_OPEN_MAX);
			for (long fd = 3; fd < (max > 0 ? max : 65536); fd++)
				if (fd != keep)
					close((int)fd);
		}
		guard_main(keep);
	}
	close(p[0]);
	guard_fd = p[1];
	guard_child = pid;
	return 0;
}

static void guard_send(char sign, pid_t pgid)
{
	if (guard_fd < 0 || pgid <= 1)
		return;
	char msg[32];
	int n = snprintf(msg, sizeof(msg), "%c%ld\n", sign, (long)pgid);
	ssize_t w;
	do
		w = write(guard_fd, msg, (size_t)n);
	while (w < 0 && errno == EINTR);
}

void guard_add(pid_t pgid)
{
	guard_send('+', pgid);
}

void guard_remove(pid_t pgid)
{
	guard_send('-', pgid);
}

void guard_add_process(pid_t pid, unsigned long long start_ticks)
{
	if (guard_fd < 0 || pid <= 1 || !start_ticks)
		return;
	char msg[64];
	int n = snprintf(msg, sizeof(msg), "+%ld@%llu\n", (long)pid, start_ticks);
	ssize_t w;
	do
		w = write(guard_fd, msg, (size_t)n);
	while (w < 0 && errno == EINTR);
}

void guard_add_cgroups(const char *base)
{
	if (guard_fd < 0 || !base || base[0] != '/')
		return;
	size_t len = strlen(base);
	/* one write of at most PIPE_BUF bytes reaches the pipe whole, among the threads' lines */
	if (len + 2 > PIPE_BUF) {
		warning("cgroup path '%.60s...' is too long for the process guard: its groups "
			"are not killed if objmem is", base);
		return;
	}
	char *msg = xasprintf("C%s\n", base);
	ssize_t w;
	do
		w = write(guard_fd, msg, len + 2);
	while (w < 0 && errno == EINTR);
	free(msg);
}

pid_t guard_pid(void)
{
	return guard_child;
}
