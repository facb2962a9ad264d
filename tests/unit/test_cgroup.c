/*
 * test_cgroup.c - cgroup.c: where objmem's own cgroup is, from texts of
 * /proc/self/cgroup and /proc/self/mountinfo (hybrid, unified, v1 only,
 * a container's bind mount, escapes, optional fields); the "name value"
 * counter files a cgroup and /proc/vmstat have (procmem_parse_counter);
 * /proc/PID/stat (procmem_parse_stat); and, where this machine lets objmem
 * make cgroups, real groups: a child that joins one and forks a setsid
 * grandchild loses both to cgroup_kill, a child over a 64 MiB limit is
 * killed by the kernel with the OOM kill counted, OBJMEM_CGROUP=off turns
 * it all off, and the empty groups of a dead objmem are swept.
 *
 * The live cases say "skip" on stderr where the machine has no cgroup
 * objmem can make (a container with a read-only cgroupfs): that is the
 * fallback, tested by test_spawn and test_runner with OBJMEM_CGROUP=off.
 */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cgroup.h"
#include "procmem.h"
#include "spawn.h"
#include "unit.h"
#include "util.h"

#define WAIT_S 10.0

/* ---- cgroup_own_dir ---- */

static const char hybrid_mounts[] =
	"30 22 0:27 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755\n"
	"31 30 0:28 / /sys/fs/cgroup/cpu rw,relatime - cgroup cgroup rw,cpu\n"
	"34 30 0:31 / /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory\n"
	"39 30 0:36 / /sys/fs/cgroup/systemd rw,relatime - cgroup cgroup rw,name=systemd\n"
	"40 30 0:37 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw";
static const char hybrid_self[] =
	"9:name=systemd:/\n4:memory:/process_api/0eb9\n1:cpu:/\n0::/\n";
static const char unified_mounts[] =
	"22 1 0:21 / /proc rw,nosuid - proc proc rw\n"
	"26 1 0:23 / /sys/fs/cgroup rw,nosuid,nodev,noexec,relatime shared:4 - cgroup2 cgroup2 "
	"rw,nsdelegate,memory_recursiveprot\n";
static const char docker_mounts[] =
	"500 400 0:30 /docker/abc /sys/fs/cgroup ro,nosuid shared:1 master:2 - cgroup2 cgroup2 rw\n";

static const struct own_case {
	const char *name, *self, *mounts, *controller, *want;
} own_cases[] = {
	{ "hybrid: v2", hybrid_self, hybrid_mounts, NULL, "/sys/fs/cgroup/unified" },
	{ "hybrid: v1 memory", hybrid_self, hybrid_mounts, "memory",
	  "/sys/fs/cgroup/memory/process_api/0eb9" },
	{ "hybrid: a controller with no line", hybrid_self, hybrid_mounts, "pids", NULL },
	{ "unified: a session", "0::/user.slice/user-1000.slice/session-3.scope\n", unified_mounts,
	  NULL, "/sys/fs/cgroup/user.slice/user-1000.slice/session-3.scope" },
	{ "unified: no v1 memory", "0::/a\n", unified_mounts, "memory", NULL },
	{ "unified: the option memory_recursiveprot is no controller", "4:memory:/a\n",
	  unified_mounts, "memory", NULL },
	{ "v1 only: no v2", "4:memory:/a\n1:cpu:/\n", hybrid_mounts, NULL, NULL },
	{ "container: below the mount's root", "0::/docker/abc/sub\n", docker_mounts, NULL,
	  "/sys/fs/cgroup/sub" },
	{ "container: the mount's root itself", "0::/docker/abc\n", docker_mounts, NULL,
	  "/sys/fs/cgroup" },
	{ "container: outside the mount", "0::/other\n", docker_mounts, NULL, NULL },
	{ "container: a sibling with the root as prefix", "0::/docker/abcdef\n", docker_mounts,
	  NULL, NULL },
	{ "an escaped space in the mount point", "0::/a b\n",
	  "40 30 0:37 / /mnt/cg\\040root rw - cgroup2 none rw\n", NULL, "/mnt/cg root/a b" },
	{ "combined v1 controllers", "5:cpu,memory:/x\n",
	  "35 30 0:32 / /sys/fs/cgroup/cpu,memory rw - cgroup cgroup rw,cpu,memory\n", "memory",
	  "/sys/fs/cgroup/cpu,memory/x" },
	{ "v1: no mount has the controller", "4:memory:/x\n",
	  "31 30 0:28 / /sys/fs/cgroup/cpu rw - cgroup cgroup rw,cpu\n", "memory", NULL },
	{ "no cgroup2 mount", "0::/x\n", "22 1 0:21 / /proc rw - proc proc rw\n", NULL, NULL },
	{ "a relative path", "0::x\n", unified_mounts, NULL, NULL },
	{ "garbage", "nothing here\n::\n0:\n", "garbage\n- - -\n", NULL, NULL },
	{ "empty", "", "", NULL, NULL },
};

static void test_own_dir_table(void)
{
	for (size_t i = 0; i < ARRAY_SIZE(own_cases); i++) {
		const struct own_case *t = &own_cases[i];
		char *got = cgroup_own_dir(t->self, t->mounts, t->controller);
		int ok = t->want ? got && !strcmp(got, t->want) : !got;
		if (!ok)
			fprintf(stderr, "\n  %s: got '%s', want '%s'\n", t->name, got ? got : "(null)",
				t->want ? t->want : "(null)");
		CU_ASSERT(ok);
		free(got);
	}
}

/* ---- counter files and stat ---- */

static const struct counter_case {
	const char *text, *key;
	int ok;
	unsigned long long want;
} counter_cases[] = {
	{ "low 0\nhigh 0\nmax 12\noom 3\noom_kill 2\noom_group_kill 0\n", "oom_kill", 1, 2 },
	{ "oom_kill_disable 0\nunder_oom 0\noom_kill 5\n", "oom_kill", 1, 5 },
	{ "nr_free_pages 100\noom_kill 18446744073709551615\n", "oom_kill", 1, 18446744073709551615ull },
	{ "oom_kill 18446744073709551616\n", "oom_kill", 0, 0 },
	{ "oom_kill_disable 1\n", "oom_kill", 0, 0 },
	{ "oom_kill x\n", "oom_kill", 0, 0 },
	{ "oom_kill 5 6\n", "oom_kill", 0, 0 },
	{ "oom_kill\n", "oom_kill", 0, 0 },
	{ "oom_kill 7", "oom_kill", 1, 7 },
	{ "", "oom_kill", 0, 0 },
};

static void test_counter_table(void)
{
	for (size_t i = 0; i < ARRAY_SIZE(counter_cases); i++) {
		const struct counter_case *t = &counter_cases[i];
		uint64_t v = 0;
		int rc = procmem_parse_counter(t->text, strlen(t->text), t->key, &v);
		CU_ASSERT_EQUAL(rc, t->ok ? 0 : -1);
		if (t->ok)
			CU_ASSERT_EQUAL(v, t->want);
	}
	/* this machine's own: a number, or -1 on a kernel without it */
	CU_ASSERT(procmem_oom_kills() >= -1);
}

static const struct stat_case {
	const char *text;
	int ok;
	char state;
	int ppid, pgrp, session;
	unsigned long long start;
} stat_cases[] = {
	{ "1234 (python3) S 1 1234 1234 0 -1 4194560 100 0 0 0 1 2 0 0 20 0 1 0 98765 1000 200",
	  1, 'S', 1, 1234, 1234, 98765 },
	/* a name with spaces and parentheses: the fields follow the last ')' */
	{ "77 (a) b) (c) Z 5 6 7 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 42 0 0", 1, 'Z', 5, 6, 7, 42 },
	{ "77 (short) S 5 6 7", 0, 0, 0, 0, 0, 0 },
	{ "77 no parens S 5 6 7 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 42", 0, 0, 0, 0, 0, 0 },
	{ "", 0, 0, 0, 0, 0, 0 },
};

static void test_stat_table(void)
{
	for (size_t i = 0; i < ARRAY_SIZE(stat_cases); i++) {
		const struct stat_case *t = &stat_cases[i];
		struct proc_stat st;
		const char *why = NULL;
		int rc = procmem_parse_stat(t->text, strlen(t->text), &st, &why);
		CU_ASSERT_EQUAL(rc, t->ok ? 0 : -1);
		if (!t->ok) {
			CU_ASSERT_PTR_NOT_NULL(why);
			continue;
		}
		CU_ASSERT_EQUAL(st.state, t->state);
		CU_ASSERT_EQUAL(st.ppid, t->ppid);
		CU_ASSERT_EQUAL(st.pgrp, t->pgrp);
		CU_ASSERT_EQUAL(st.session, t->session);
		CU_ASSERT_EQUAL(st.start_ticks, t->start);
	}
	struct proc_stat self;
	CU_ASSERT_EQUAL(procmem_stat(getpid(), &self), 0);
	CU_ASSERT_EQUAL(self.ppid, getppid());
	CU_ASSERT(strchr("RS", self.state) != NULL);
	errno = 0;
	CU_ASSERT_EQUAL(procmem_stat(0x7ffffff0, &self), -1);
}

/* ---- real groups ---- */

/* A group, or a "skip" line when this machine has none objmem can make. */
static int make_or_skip(struct cgroup *g, uint64_t limit, const char *what)
{
	char *why = NULL;
	if (cgroup_create(g, limit, &why)) {
		fprintf(stderr, "\n  skip: %s: %s\n", what, why);
		free(why);
		return -1;
	}
	return 0;
}

/* Fork a child that joins g and execs argv; its pid. */
static pid_t start_in(struct cgroup *g, char *const argv[])
{
	fflush(NULL);
	pid_t pid = fork();
	if (pid == 0) {
		int null = open("/dev/null", O_RDWR);
		dup2(null, 0);
		dup2(null, 1);
		if (cgroup_join(g))
			_exit(126);
		execv(argv[0], argv);
		_exit(127);
	}
	cgroup_joined(g);
	return pid;
}

static int proc_in_group(pid_t pid, const char *dir)
{
	char path[64], text[4096];
	snprintf(path, sizeof(path), "/proc/%d/cgroup", (int)pid);
	const char *leaf = strrchr(dir, '/');
	return procmem_read_text(path, text, sizeof(text)) > 0 && leaf && strstr(text, leaf);
}

/* A child and its setsid grandchild in a group: cgroup_kill ends both, remove the dir. */
static void test_live_kill(void)
{
	struct cgroup g;
	if (make_or_skip(&g, 0, "no cgroup"))
		return;
	CU_ASSERT(cgroup_active(&g));
	char *dir = xstrdup(g.dir ? g.dir : g.mem_dir);
	struct stat st;
	CU_ASSERT(stat(dir, &st) == 0 && S_ISDIR(st.st_mode));
	char *const argv[] = { (char *)"/bin/sh", (char *)"-c",
			       (char *)"setsid sleep 60 & echo $!; exec sleep 60", NULL };
	int p[2];
	CU_ASSERT_FATAL(pipe(p) == 0);
	fflush(NULL);
	pid_t child = fork();
	if (child == 0) {
		close(p[0]);
		dup2(p[1], 1);
		if (cgroup_join(&g))
			_exit(126);
		execv(argv[0], argv);
		_exit(127);
	}
	cgroup_joined(&g);
	close(p[1]);
	struct buf b = BUF_INIT;
	fcntl(p[0], F_SETFL, O_NONBLOCK);
	CU_ASSERT_EQUAL(unit_read_until(p[0], &b, "\n", WAIT_S), 0);
	close(p[0]);
	pid_t grandchild = b.p ? (pid_t)atoi(b.p) : 0;
	buf_release(&b);
	struct unit_proc gi;
	CU_ASSERT_FATAL(grandchild > 0 && unit_proc_info(grandchild, &gi) == 0);
	CU_ASSERT(proc_in_group(child, dir));
	CU_ASSERT(proc_in_group(grandchild, dir));
	CU_ASSERT_EQUAL(cgroup_kill(&g, WAIT_S), 0);
	int status = 0;
	CU_ASSERT_EQUAL(waitpid(child, &status, 0), child);
	CU_ASSERT(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
	CU_ASSERT(unit_wait_gone(grandchild, gi.start, WAIT_S));
	cgroup_remove(&g);
	CU_ASSERT(!cgroup_active(&g));
	errno = 0;
	CU_ASSERT(stat(dir, &st) < 0 && errno == ENOENT);
	free(dir);
}

/* Over a 64 MiB limit: SIGKILLed by the kernel, the OOM kill counted. */
static void test_live_limit(void)
{
	enum cgroup_memory m = cgroup_memory_available();
	if (m == CGROUP_MEMORY_NONE) {
		fprintf(stderr, "\n  skip: no memory limit objmem can set here\n");
		return;
	}
	char *python = spawn_which("python3", getenv("PATH"));
	CU_ASSERT_PTR_NOT_NULL_FATAL(python);
	struct cgroup g;
	if (make_or_skip(&g, 64u << 20, "no cgroup")) {
		free(python);
		return;
	}
	CU_ASSERT_EQUAL(g.memory, m);
	CU_ASSERT_EQUAL(g.limit, 64u << 20);
	CU_ASSERT_PTR_NOT_NULL(cgroup_memory_name(g.memory));
	CU_ASSERT_EQUAL(cgroup_oom_kills(&g), 0);
	char *const argv[] = { python, (char *)"-c", (char *)"b = b'x' * (512 << 20)", NULL };
	pid_t child = start_in(&g, argv);
	int status = 0;
	CU_ASSERT_EQUAL(waitpid(child, &status, 0), child);
	CU_ASSERT(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
	CU_ASSERT(cgroup_oom_kills(&g) >= 1);
	cgroup_remove(&g);
	free(python);
}

/* OBJMEM_CGROUP=off: no group, said why; no limit. */
static void test_off(void)
{
	setenv("OBJMEM_CGROUP", "off", 1);
	cgroup_forget();
	struct cgroup g;
	char *why = NULL;
	CU_ASSERT_EQUAL(cgroup_create(&g, 1u << 30, &why), -1);
	CU_ASSERT(why && strstr(why, "OBJMEM_CGROUP=off"));
	CU_ASSERT(!cgroup_active(&g));
	CU_ASSERT_EQUAL(cgroup_memory_available(), CGROUP_MEMORY_NONE);
	CU_ASSERT_PTR_NULL(cgroup_memory_name(CGROUP_MEMORY_NONE));
	free(why);
	unsetenv("OBJMEM_CGROUP");
	cgroup_forget();
}

/* The empty groups of an objmem that died are removed when the next one looks. */
static void test_stale_swept(void)
{
	/* a pid that is surely dead: forked before anything is allocated here,
	 * so the child's exit leaks nothing under valgrind */
	pid_t dead = fork();
	if (dead == 0)
		_exit(0);
	waitpid(dead, NULL, 0);
	struct cgroup g;
	if (make_or_skip(&g, 0, "no cgroup"))
		return;
	char *dir = xstrdup(g.dir ? g.dir : g.mem_dir);
	cgroup_remove(&g);
	char *base = xstrdup(dirname(dir));
	char *stale = xasprintf("%s/objmem-%d-7", base, (int)dead);
	char *alive = xasprintf("%s/objmem-%d-7", base, (int)getppid());
	CU_ASSERT_EQUAL(mkdir(stale, 0755), 0);
	CU_ASSERT_EQUAL(mkdir(alive, 0755), 0);
	cgroup_forget();
	CU_ASSERT_EQUAL(cgroup_create(&g, 0, &(char *){ NULL }), 0);
	cgroup_remove(&g);
	struct stat st;
	CU_ASSERT(stat(stale, &st) < 0);
	CU_ASSERT(stat(alive, &st) == 0);   /* its objmem still lives */
	rmdir(stale);
	rmdir(alive);
	free(stale);
	free(alive);
	free(base);
	free(dir);
}

static const struct unit_test parse_tests[] = {
	{ "objmem's own cgroup directory", test_own_dir_table },
	{ "counter files (memory.events, oom_control, vmstat)", test_counter_table },
	{ "/proc/PID/stat", test_stat_table },
};

static const struct unit_test live_tests[] = {
	{ "a child and its setsid grandchild killed with the group", test_live_kill },
	{ "a child over its limit killed by the kernel, counted", test_live_limit },
	{ "OBJMEM_CGROUP=off", test_off },
	{ "the empty groups of a dead objmem are swept", test_stale_swept },
};

int main(int argc, char **argv)
{
	(void)argc;
	const struct unit_suite suites[] = {
		UNIT_SUITE("cgroup texts", parse_tests),
		UNIT_SUITE("cgroup live", live_tests),
	};
	return unit_main(argv[0], suites, ARRAY_SIZE(suites));
}
