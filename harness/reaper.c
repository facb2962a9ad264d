/* reaper.c - the orphans of children that have no cgroup; see reaper.h. */
#include <dirent.h>
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "guard.h"
#include "procmem.h"
#include "reaper.h"
#include "util.h"

#define TREE_MAX 1024
#define NOTED_MAX 512

/* A process known by its pid and start time (a reused pid is another process). */
struct known {
	pid_t pid;
	unsigned long long start;
};

static pthread_mutex_t reaper_mutex = PTHREAD_MUTEX_INITIALIZER;
static int subreaper;
static struct known *kids;          /* the registered children */
static size_t n_kids, alloc_kids;
static struct known noted[NOTED_MAX]; /* processes registered with the guard */
static size_t n_noted;

static void sleep_s(double s)
{
	struct timespec ts = { 0, (long)(s * 1e9) };
	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

int reaper_enable(void)
{
	pthread_mutex_lock(&reaper_mutex);
	if (!subreaper && prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) == 0)
		__atomic_store_n(&subreaper, 1, __ATOMIC_RELEASE);
	int rc = subreaper ? 0 : -1;
	pthread_mutex_unlock(&reaper_mutex);
	return rc;
}

int reaper_enabled(void)
{
	return __atomic_load_n(&subreaper, __ATOMIC_ACQUIRE);
}

void reaper_lock(void)
{
	pthread_mutex_lock(&reaper_mutex);
}

void reaper_unlock(void)
{
	pthread_mutex_unlock(&reaper_mutex);
}

static unsigned long long start_of(pid_t pid)
{
	struct proc_stat st;
	return procmem_stat(pid, &st) == 0 ? st.start_ticks : 0;
}

void reaper_add(pid_t pid)
{
	xgrow((void **)&kids, sizeof(*kids), n_kids + 1, &alloc_kids);
	kids[n_kids].pid = pid;
	/* unknown: 0, the oldest possible, so that it may be anyone's ancestor */
	kids[n_kids++].start = start_of(pid);
}

void reaper_remove(pid_t pid)
{
	pthread_mutex_lock(&reaper_mutex);
	for (size_t i = 0; i < n_kids; i++)
		if (kids[i].pid == pid) {
			kids[i] = kids[--n_kids];
			break;
		}
	pthread_mutex_unlock(&reaper_mutex);
}

/* The children of pid by a walk of /proc (a kernel without task/TID/children). */
static size_t children_by_walk(pid_t parent, pid_t *out, size_t max)
{
	size_t n = 0;
	DIR *d = opendir("/proc");
	struct dirent *e;
	while (d && (e = readdir(d)) && n < max) {
		char *end;
		long pid = strtol(e->d_name, &end, 10);
		struct proc_stat st;
		if (!*end && pid > 0 && procmem_stat((pid_t)pid, &st) == 0 && st.ppid == parent)
			out[n++] = (pid_t)pid;
	}
	if (d)
		closedir(d);
	return n;
}

/* The children of pid (of every thread of it), at most max: how many. */
static size_t children_of(pid_t parent, pid_t *out, size_t max)
{
	char path[64], text[8192];
	snprintf(path, sizeof(path), "/proc/%ld/task", (long)parent);
	DIR *d = opendir(path);
	if (!d)
		return 0;
	size_t n = 0;
	int have = 0;
	struct dirent *e;
	while ((e = readdir(d)) && n < max) {
		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "/proc/%ld/task/%.20s/children", (long)parent, e->d_name);
		if (procmem_read_text(path, text, sizeof(text)) < 0)
			continue;
		have = 1;
		for (char *p = text, *end; n < max; p = end) {
			long pid = strtol(p, &end, 10);
			if (end == p)
				break;
			out[n++] = (pid_t)pid;
		}
	}
	closedir(d);
	return have ? n : children_by_walk(parent, out, max);
}

static int in_list(const pid_t *v, size_t n, pid_t pid)
{
	for (size_t i = 0; i < n; i++)
		if (v[i] == pid)
			return 1;
	return 0;
}

/* Wait a little for a SIGSTOPped process to stop (or end), so it forks no more. */
static void wait_stopped(pid_t pid)
{
	for (int i = 0; i < 20; i++) {
		struct proc_stat st;
		if (procmem_stat(pid, &st) || strchr("TtZX", st.state))
			return;
		sleep_s(0.001);
	}
}

int reaper_kill_tree(pid_t top)
{
	pid_t tree[TREE_MAX];
	size_t n = 0;
	if (top <= 1 || kill(top, SIGSTOP) < 0)
		return 0;
	tree[n++] = top;
	for (size_t i = 0; i < n; i++) {
		pid_t kids_of[256];
		wait_stopped(tree[i]);
		size_t k = children_of(tree[i], kids_of, ARRAY_SIZE(kids_of));
		for (size_t j = 0; j < k && n < TREE_MAX; j++)
			if (!in_list(tree, n, kids_of[j]) && kill(kids_of[j], SIGSTOP) == 0)
				tree[n++] = kids_of[j];
	}
	for (size_t i = 0; i < n; i++)
		kill(tree[i], SIGKILL);
	return (int)n;
}

/* ---- what the guard is told ---- */

static int is_noted(pid_t pid)
{
	for (size_t i = 0; i < n_noted; i++)
		if (noted[i].pid == pid)
			return 1;
	return 0;
}

static void note(pid_t pid, unsigned long long start)
{
	if (is_noted(pid) || n_noted >= NOTED_MAX || !start)
		return;
	guard_add_process(pid, start);
	noted[n_noted].pid = pid;
	noted[n_noted++].start = start;
}

/* Forget, here and in the guard, the noted processes that have ended. */
static void prune_noted(void)
{
	for (size_t i = 0; i < n_noted; ) {
		struct proc_stat st;
		if (procmem_stat(noted[i].pid, &st) == 0 && st.start_ticks == noted[i].start &&
		    !strchr("ZX", st.state)) {
			i++;
			continue;
		}
		guard_remove(noted[i].pid);
		noted[i] = noted[--n_noted];
	}
}

/* ---- orphans ---- */

/* Reap an orphan, waiting at most timeout_s for it to die. */
static void reap(pid_t pid, double timeout_s)
{
	double deadline = now_s() + timeout_s;
	for (;;) {
		pid_t r = waitpid(pid, NULL, WNOHANG);
		if (r == pid || (r < 0 && errno != EINTR) || now_s() >= deadline)
			return;
		sleep_s(0.001);
	}
}

static int registered(pid_t pid)
{
	for (size_t i = 0; i < n_kids; i++)
		if (kids[i].pid == pid)
			return 1;
	return 0;
}

/* A registered child started no later than start: it may be the orphan's ancestor. */
static int has_elder(unsigned long long start)
{
	for (size_t i = 0; i < n_kids; i++)
		if (kids[i].start <= start)
			return 1;
	return 0;
}

void reaper_scan(int kill_all)
{
	if (!reaper_enabled())
		return;
	pthread_mutex_lock(&reaper_mutex);
	pid_t ours[1024];
	size_t n = children_of(getpid(), ours, ARRAY_SIZE(ours));
	for (size_t i = 0; i < n; i++) {
		struct proc_stat st;
		pid_t pid = ours[i];
		if (pid == guard_pid() || registered(pid) || procmem_stat(pid, &st))
			continue;
		if (st.state == 'Z' || st.state == 'X') {
			reap(pid, 0);
		} else if (kill_all || !has_elder(st.start_ticks)) {
			reaper_kill_tree(pid);
			reap(pid, 1.0);
		} else {
			note(pid, st.start_ticks);
		}
	}
	prune_noted();
	pthread_mutex_unlock(&reaper_mutex);
}

void reaper_watch(pid_t child)
{
	if (!reaper_enabled() || child <= 1)
		return;
	pthread_mutex_lock(&reaper_mutex);
	/* descendants that left the child's process group: a group kill misses them */
	pid_t tree[TREE_MAX];
	size_t n = 1;
	tree[0] = child;
	for (size_t i = 0; i < n; i++) {
		pid_t k[256];
		size_t nk = children_of(tree[i], k, ARRAY_SIZE(k));
		for (size_t j = 0; j < nk && n < TREE_MAX; j++) {
			struct proc_stat st;
			if (in_list(tree, n, k[j]) || procmem_stat(k[j], &st))
				continue;
			tree[n++] = k[j];
			if (st.pgrp != child)
				note(k[j], st.start_ticks);
		}
	}
	pthread_mutex_unlock(&reaper_mutex);
	reaper_scan(0);
}
