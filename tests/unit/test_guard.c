/*
 * test_guard.c - guard: nothing a run starts outlives objmem.
 *
 * The guard belongs to the process that started it, so each case forks a
 * "driver" that plays objmem: it starts the guard, starts long-running
 * process groups (plain fork + setpgid + exec sleep, registered with
 * guard_add; or child_start of a shell with a background sleep, registered
 * by spawn itself), reports their pids through a pipe, waits for the go
 * signal and then _exits without cleaning up, or is SIGKILLed by the test.
 * The test then checks, each wait bounded by WAIT_S, that the registered
 * groups are gone, that removed ones and unguarded ones are not, and that
 * the guard itself has exited.
 *
 * A plain sleep has no parent-death signal, so only the guard can kill it;
 * a shell started with child_start dies with the driver anyway, but its
 * background sleep does not: only the guard reaches it. The case without a
 * guard shows both.
 *
 * Processes registered by pid and start time are killed only while the pid
 * is still that process. A contained child's setsid grandchild is reached
 * through its cgroup (the guard kills the driver's cgroups and removes
 * them), or without cgroups through child_watch, which registers it by pid;
 * an uncontained child's setsid grandchild is out of every reach.
 *
 * The test process is a child subreaper: the orphans (guard, sleeps) become
 * its children and are reaped here. Forked code never asserts (it reports)
 * and ends with _exit().
 */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "cgroup.h"
#include "guard.h"
#include "spawn.h"
#include "unit.h"
#include "util.h"

/* The longest any single wait in these tests may take, in seconds. */
#define WAIT_S 5.0
#define MAX_VICTIMS 4

/* ---- helpers (the /proc reading is unit.c's) ---------------------- */


/* Reap every zombie child (orphans we inherited); never blocks. */
static void reap_strays(void)
{
	while (waitpid(-1, NULL, WNOHANG) > 0)
		;
}


/* Poll until pred(pid, arg) holds, at most timeout_s. 1 when it did. */
static int wait_for(int (*pred)(pid_t, const char *), pid_t pid, const char *arg, double timeout_s)
{
	double deadline = now_s() + timeout_s;
	for (;;) {
		if (pred(pid, arg))
			return 1;
		if (now_s() >= deadline)
			return 0;
		unit_sleep(0.01);
	}
}

static int no_path(pid_t pid, const char *path)
{
	struct stat st;
	(void)pid;
	return stat(path, &st) < 0 && errno == ENOENT;
}

static int has_comm(pid_t pid, const char *want)
{
	char path[64];
	struct buf b = BUF_INIT;
	snprintf(path, sizeof(path), "/proc/%d/comm", (int)pid);
	int ok = read_file(path, 4096, &b) == 0 && b.p && !strcmp(b.p, want);
	buf_release(&b);
	return ok;
}

/* SigIgn of /proc/PID/status has the bits of the signals in want ("2,15"). */
static int ignores(pid_t pid, const char *want)
{
	char path[64];
	struct buf b = BUF_INIT;
	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	unsigned long long mask = 0;
	int found = 0;
	if (read_file(path, 1 << 20, &b) == 0 && b.p) {
		const char *l = strstr(b.p, "\nSigIgn:");
		found = l && sscanf(l + 8, " %llx", &mask) == 1;
	}
	buf_release(&b);
	if (!found)
		return 0;
	for (const char *p = want; *p; ) {
		char *end;
		long sig = strtol(p, &end, 10);
		if (!(mask & (1ull << (sig - 1))))
			return 0;
		p = *end ? end + 1 : end;
	}
	return 1;
}

/* No descriptor of pid points at path. */
static int lacks_fd_to(pid_t pid, const char *path)
{
	char dir[64];
	snprintf(dir, sizeof(dir), "/proc/%d/fd", (int)pid);
	DIR *d = opendir(dir);
	if (!d)
		return 0;
	int found = 0;
	struct dirent *e;
	while ((e = readdir(d))) {
		char link[4096], target[4096];
		if (e->d_name[0] == '.')
			continue;
		snprintf(link, sizeof(link), "%s/%s", dir, e->d_name);
		ssize_t n = readlink(link, target, sizeof(target) - 1);
		if (n <= 0)
			continue;
		target[n] = '\0';
		if (!strcmp(target, path))
			found = 1;
	}
	closedir(d);
	return !found;
}

/* The pids whose parent is parent (at most max); returns how many there are. */
static int children_of(pid_t parent, pid_t *out, int max)
{
	DIR *d = opendir("/proc");
	int n = 0;
	if (!d)
		return -1;
	struct dirent *e;
	while ((e = readdir(d))) {
		char *end;
		long pid = strtol(e->d_name, &end, 10);
		struct unit_proc pi;
		if (*end || pid <= 0 || unit_proc_info((pid_t)pid, &pi) || pi.ppid != parent)
			continue;
		if (n < max)
			out[n] = (pid_t)pid;
		n++;
	}
	closedir(d);
	return n;
}

/* ---- the driver: a stand-in for objmem -------------------------------------- */

struct scenario {
	const char *name;
	int guard;          /* guard_start calls in the driver: 0, 1 or 2 */
	int victims;        /* plain process groups registered with guard_add */
	unsigned removed;   /* bit i: victim i is guard_removed again */
	int spawned;        /* also child_start a sh that forks a background sleep */
	int signal_guard;   /* SIGINT, SIGTERM, SIGHUP to the guard while the driver lives */
	int sigkill;        /* the driver is SIGKILLed instead of _exiting */
	int process;        /* victims registered by guard_add_process: 1 their start time, 2 a wrong one */
	int detach;         /* the background sleep calls setsid: no group kill reaches it */
	const char *contain; /* the spawned child is contained: OBJMEM_CGROUP "auto" or "off" */
};

static const struct scenario scenarios[] = {
	{ "driver exits: the registered group is killed", 1, 1, 0, 0, 0, 0, 0, 0, NULL },
	{ "driver SIGKILLed: the registered group is killed", 1, 1, 0, 0, 0, 1, 0, 0, NULL },
	{ "every registered group killed, removed one spared", 1, 3, 0x2, 0, 0, 0, 0, 0, NULL },
	{ "every group removed: guard exits, kills nothing", 1, 2, 0x3, 0, 0, 1, 0, 0, NULL },
	{ "spawned child's background job killed (pdeathsig misses it)", 1, 0, 0, 1, 0, 1, 0, 0,
	  NULL },
	{ "guard ignores SIGINT, SIGTERM and SIGHUP", 1, 1, 0, 1, 1, 0, 0, 0, NULL },
	{ "guard_start twice: one guard", 2, 1, 0, 0, 0, 0, 0, 0, NULL },
	{ "no guard: guard_add is a no-op, groups survive", 0, 1, 0, 1, 0, 0, 0, 0, NULL },
	{ "processes registered with their start time are killed", 1, 2, 0, 0, 0, 1, 1, 0, NULL },
	{ "a process registered with another start time is spared (a reused pid)", 1, 1, 0, 0, 0,
	  1, 2, 0, NULL },
	{ "setsid grandchild of a contained child: its cgroup killed and removed", 1, 0, 0, 1, 0, 1,
	  0, 1, "auto" },
	{ "setsid grandchild of a contained child without cgroup: killed by pid", 1, 0, 0, 1, 0, 1,
	  0, 1, "off" },
	{ "setsid grandchild of an uncontained child: out of reach", 1, 0, 0, 1, 0, 1, 0, 1, NULL },
};

/* The background sleep outlives the driver: a group the guard does not reach. */
static int bg_survives(const struct scenario *s)
{
	return !s->guard || (s->detach && !s->contain);
}

static void NORETURN driver_fail(int rep, const char *what)
{
	dprintf(rep, "error %s: %s\n", what, strerror(errno));
	_exit(1);
}

/* A sleep in a new process group, without a parent-death signal. */
static pid_t start_victim(void)
{
	pid_t pid = fork();
	if (pid == 0) {
		char a0[] = "sleep", a1[] = "60";
		char *argv[] = { a0, a1, NULL };
		char *envp[] = { NULL };
		int null = open("/dev/null", O_RDWR);
		setpgid(0, 0);
		if (null >= 0) {
			dup2(null, 0);
			dup2(null, 1);
		}
		execve("/bin/sleep", argv, envp);
		_exit(127);
	}
	if (pid > 0)
		setpgid(pid, pid); /* a leader before anyone signals it */
	return pid;
}

/*
 * In the driver: child_start a sh that forks a background sleep (detached
 * with setsid, or not; the child contained, or not), report "cgroup DIR"
 * and "shell P W". No child_release: it would unregister the group, and
 * objmem is to die with it running.
 */
static void driver_spawn(const struct scenario *s, int rep)
{
	const char *argv[] = { "/bin/sh", "-c", s->detach ? "setsid sleep 60 & echo $!; wait"
			       : "sleep 60 & echo $!; wait", NULL };
	struct child c;
	struct buf out = BUF_INIT;
	char *why = NULL;
	child_init(&c);
	for (size_t i = 0; argv[i]; i++)
		strvec_push(&c.argv, argv[i]);
	if (s->contain) {
		setenv("OBJMEM_CGROUP", s->contain, 1);
		cgroup_forget();
		c.contain = 1;
	}
	if (child_start(&c, &why)) {
		dprintf(rep, "error %s\n", why);
		free(why);
		_exit(1);
	}
	if (unit_read_until(c.out_fd, &out, "\n", WAIT_S))
		driver_fail(rep, "no pid from the shell");
	pid_t bg = (pid_t)atoi(out.p);
	struct unit_proc pi;
	for (double end = now_s() + WAIT_S; s->detach && now_s() < end; unit_sleep(0.005))
		if (unit_proc_info(bg, &pi) == 0 && pi.pgrp == bg)
			break;
	/* as the runner does while a cell runs: what left the group is told to the guard */
	child_watch(&c);
	if (cgroup_active(&c.cg))
		dprintf(rep, "cgroup %s\n", c.cg.dir ? c.cg.dir : c.cg.mem_dir);
	else if (s->contain && strcmp(s->contain, "off"))
		dprintf(rep, "skip: %s\n", c.no_cgroup ? c.no_cgroup : "no cgroup");
	dprintf(rep, "shell %d %d\n", (int)c.pid, (int)bg);
	buf_release(&out);
	/* free what valgrind would call lost */
	strvec_clear(&c.argv);
	strvec_clear(&c.env);
}

/*
 * The driver. Reports "guard G N", "victim V" lines, "shell P W", then
 * "ready"; waits for a byte on hold (or EOF) and _exits without cleanup.
 */
static void NORETURN driver(const struct scenario *s, int rep, int hold, const char *marker)
{
	prctl(PR_SET_PDEATHSIG, SIGKILL); /* never outlive the test */
	/* a descriptor of the driver's own (a results file) the guard must not hold */
	if (open(marker, O_RDONLY) < 0)
		driver_fail(rep, "open marker");
	pid_t guard = 0;
	int n_guards = 0;
	for (int i = 0; i < s->guard; i++)
		if (guard_start())
			driver_fail(rep, "guard_start");
	if (s->guard) {
		n_guards = children_of(getpid(), &guard, 1);
		if (n_guards < 1)
			driver_fail(rep, "no guard process");
	}
	dprintf(rep, "guard %d %d\n", (int)guard, n_guards);

	pid_t victims[MAX_VICTIMS];
	for (int i = 0; i < s->victims; i++) {
		victims[i] = start_victim();
		if (victims[i] < 0)
			driver_fail(rep, "fork");
		struct unit_proc pi;
		if (!s->process)
			guard_add(victims[i]);
		else if (unit_proc_info(victims[i], &pi) == 0)
			guard_add_process(victims[i], pi.start + (s->process == 2 ? 1 : 0));
		dprintf(rep, "victim %d\n", (int)victims[i]);
	}
	for (int i = 0; i < s->victims; i++)
		if (s->removed & (1u << i))
			guard_remove(victims[i]);

	if (s->spawned)
		driver_spawn(s, rep);
	dprintf(rep, "ready\n");
	char go;
	while (read(hold, &go, 1) < 0 && errno == EINTR)
		;
	_exit(0); /* no cleanup: as if objmem died here */
}

/* ---- the test side ------------------------------------------------------------ */

struct tracked {
	pid_t pid;
	unsigned long long start;
};

struct run {
	pid_t driver;
	int rep, hold;
	struct tracked guard, victims[MAX_VICTIMS], shell, bg;
	int n_guards, n_victims;
	char cgroup[4096];   /* the spawned child's cgroup, or "" */
	int skipped;         /* no cgroup on this machine */
};

static void track(struct tracked *t, pid_t pid)
{
	struct unit_proc pi;
	t->pid = pid;
	t->start = 0;
	if (pid > 1 && unit_proc_info(pid, &pi) == 0)
		t->start = pi.start;
}

/* Parse the driver's report. 0 when it said ready, -1 otherwise. */
static int parse_report(struct run *r, const char *text)
{
	int ready = 0;
	for (const char *line = text; *line; ) {
		const char *nl = strchr(line, '\n');
		int a = 0, b = 0;
		if (sscanf(line, "guard %d %d", &a, &b) == 2) {
			track(&r->guard, a);
			r->n_guards = b;
		} else if (sscanf(line, "victim %d", &a) == 1 && r->n_victims < MAX_VICTIMS) {
			track(&r->victims[r->n_victims++], a);
		} else if (sscanf(line, "shell %d %d", &a, &b) == 2) {
			track(&r->shell, a);
			track(&r->bg, b);
		} else if (!strncmp(line, "cgroup ", 7)) {
			snprintf(r->cgroup, sizeof(r->cgroup), "%.*s", nl ? (int)(nl - line - 7)
				 : (int)strlen(line + 7), line + 7);
		} else if (!strncmp(line, "skip: ", 6)) {
			r->skipped = 1;
			fprintf(stderr, "\n  %.*s", nl ? (int)(nl - line + 1) : (int)strlen(line), line);
		} else if (!strncmp(line, "ready", 5)) {
			ready = 1;
		} else {
			fprintf(stderr, "\n  driver: %.*s\n", nl ? (int)(nl - line) : (int)strlen(line), line);
		}
		if (!nl)
			break;
		line = nl + 1;
	}
	return ready ? 0 : -1;
}

/* Kill and reap whatever of the run is still there (only pids we recorded). */
static void run_cleanup(struct run *r)
{
	if (r->driver > 0 && waitpid(r->driver, NULL, WNOHANG) == 0) {
		kill(r->driver, SIGKILL);
		waitpid(r->driver, NULL, 0);
	}
	struct tracked *all[MAX_VICTIMS + 3];
	int n = 0;
	for (int i = 0; i < r->n_victims; i++)
		all[n++] = &r->victims[i];
	all[n++] = &r->shell;
	all[n++] = &r->bg;
	all[n++] = &r->guard;
	for (int i = 0; i < n; i++) {
		struct unit_proc pi;
		pid_t pid = all[i]->pid;
		if (!unit_is_alive(pid, all[i]->start))
			continue;
		/* a victim leads its group: end the group, else just the process */
		if (unit_proc_info(pid, &pi) == 0 && pi.pgrp == pid)
			kill(-pid, SIGKILL);
		else
			kill(pid, SIGKILL);
		unit_wait_gone(pid, all[i]->start, WAIT_S);
	}
	if (r->rep >= 0)
		close(r->rep);
	if (r->hold >= 0)
		close(r->hold);
	r->rep = r->hold = -1;
	reap_strays();
}

/* The driver dies (SIGKILL, or _exit when told); then what the guard must have killed is gone. */
static void driver_dies(const struct scenario *s, struct run *r)
{
	if (s->sigkill) {
		kill(r->driver, SIGKILL);
	} else {
		CU_ASSERT_EQUAL(write(r->hold, "x", 1), 1);
	}
	int st = 0;
	pid_t w = 0;
	double deadline = now_s() + WAIT_S;
	while ((w = waitpid(r->driver, &st, WNOHANG)) == 0 && now_s() < deadline)
		unit_sleep(0.01);
	CU_ASSERT_EQUAL(w, r->driver);
	if (w == r->driver) {
		r->driver = 0;
		int want_end = s->sigkill ? WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL
					  : WIFEXITED(st) && WEXITSTATUS(st) == 0;
		CU_ASSERT(want_end);
	}

	/* The guard ends once its pipe closes; after that nothing more is killed. */
	if (s->guard)
		CU_ASSERT(unit_wait_gone(r->guard.pid, r->guard.start, WAIT_S));
	for (int i = 0; i < r->n_victims; i++) {
		int killed = s->guard && !(s->removed & (1u << i)) && s->process != 2;
		CU_ASSERT(killed ? unit_wait_gone(r->victims[i].pid, r->victims[i].start, WAIT_S)
				 : unit_is_alive(r->victims[i].pid, r->victims[i].start));
	}
	if (s->spawned && !r->skipped) {
		/* the shell dies with the driver either way; its job only by the guard */
		CU_ASSERT(unit_wait_gone(r->shell.pid, r->shell.start, WAIT_S));
		CU_ASSERT(!bg_survives(s) ? unit_wait_gone(r->bg.pid, r->bg.start, WAIT_S)
					  : unit_is_alive(r->bg.pid, r->bg.start));
	}
	if (r->cgroup[0])   /* removed by the guard once empty */
		CU_ASSERT(wait_for(no_path, 0, r->cgroup, WAIT_S));
}

static void run_scenario(const struct scenario *s)
{
	char *dir = unit_tmpdir();
	/* on the stack: the forked driver exits without freeing anything */
	char marker[PATH_MAX];
	snprintf(marker, sizeof(marker), "%s/results.json", dir);
	int mfd = open(marker, O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
	CU_ASSERT_FATAL(mfd >= 0);
	close(mfd);

	struct run r;
	memset(&r, 0, sizeof(r));
	int rep[2], hold[2];
	CU_ASSERT_FATAL(pipe2(rep, O_CLOEXEC) == 0);
	CU_ASSERT_FATAL(pipe2(hold, O_CLOEXEC) == 0);
	fflush(NULL);
	r.driver = fork();
	CU_ASSERT_FATAL(r.driver >= 0);
	if (r.driver == 0) {
		close(rep[0]);
		close(hold[1]);
		driver(s, rep[1], hold[0], marker);
	}
	close(rep[1]);
	close(hold[0]);
	r.rep = rep[0];
	r.hold = hold[1];
	fcntl(r.rep, F_SETFL, O_NONBLOCK);

	struct buf report = BUF_INIT;
	int got = unit_read_until(r.rep, &report, "ready\n", 2 * WAIT_S);
	int parsed = report.p ? parse_report(&r, report.p) : -1;
	buf_release(&report);
	CU_ASSERT_EQUAL(got, 0);
	CU_ASSERT_EQUAL(parsed, 0);
	if (got || parsed) {
		run_cleanup(&r);
		goto out;
	}
	CU_ASSERT_EQUAL(r.n_victims, s->victims);

	/* While the driver lives: the guard is its one child, named, holding nothing of its own. */
	if (s->guard) {
		CU_ASSERT_EQUAL(r.n_guards, 1);
		CU_ASSERT(unit_is_alive(r.guard.pid, r.guard.start));
		CU_ASSERT(wait_for(has_comm, r.guard.pid, "objmem-guard\n", WAIT_S));
		CU_ASSERT(wait_for(lacks_fd_to, r.guard.pid, marker, WAIT_S));
		/* SIGINT, SIGTERM, SIGHUP */
		CU_ASSERT(wait_for(ignores, r.guard.pid, "1,2,15", WAIT_S));
	}
	if (s->signal_guard) {
		kill(r.guard.pid, SIGINT);
		kill(r.guard.pid, SIGTERM);
		kill(r.guard.pid, SIGHUP);
	}
	/* Nothing is killed while the driver lives. */
	unit_sleep(0.05);
	for (int i = 0; i < r.n_victims; i++)
		CU_ASSERT(unit_is_alive(r.victims[i].pid, r.victims[i].start));
	if (s->spawned) {
		CU_ASSERT(unit_is_alive(r.shell.pid, r.shell.start));
		CU_ASSERT(unit_is_alive(r.bg.pid, r.bg.start));
		struct unit_proc pi;
		CU_ASSERT(unit_proc_info(r.bg.pid, &pi) == 0 &&
			  pi.pgrp == (s->detach ? r.bg.pid : r.shell.pid));
	}
	if (s->guard)
		CU_ASSERT(unit_is_alive(r.guard.pid, r.guard.start));

	driver_dies(s, &r);
	run_cleanup(&r);
	for (int i = 0; i < r.n_victims; i++)
		CU_ASSERT_FALSE(unit_is_alive(r.victims[i].pid, r.victims[i].start));
	CU_ASSERT_FALSE(unit_is_alive(r.bg.pid, r.bg.start));
out:
	unit_rmtree(dir);
	free(dir);
}

static void test_scenarios(void)
{
	for (size_t i = 0; i < ARRAY_SIZE(scenarios); i++) {
		unsigned before = CU_get_number_of_failures();
		run_scenario(&scenarios[i]);
		if (CU_get_number_of_failures() != before)
			fprintf(stderr, "\n  scenario '%s' failed\n", scenarios[i].name);
	}
}

/*
 * In a process that never started a guard, guard_add and guard_remove do
 * nothing: no message, no descriptor, no signal (even for pgid 0 and 1).
 */
static void test_no_guard_noop(void)
{
	DIR *d = opendir("/proc/self/fd");
	CU_ASSERT_PTR_NOT_NULL_FATAL(d);
	int before = 0;
	while (readdir(d))
		before++;
	closedir(d);
	unit_stderr_begin();
	errno = 0;
	guard_add(getpid());
	guard_add(0);
	guard_add(1);
	guard_add(-1);
	guard_remove(getpid());
	guard_remove(1);
	guard_remove(12345);
	int e = errno;
	char *msg = unit_stderr_end();
	CU_ASSERT_STRING_EQUAL(msg, "");
	CU_ASSERT_EQUAL(e, 0);
	free(msg);
	d = opendir("/proc/self/fd");
	CU_ASSERT_PTR_NOT_NULL_FATAL(d);
	int after = 0;
	while (readdir(d))
		after++;
	closedir(d);
	CU_ASSERT_EQUAL(after, before);
}

static const struct unit_test guard_tests[] = {
	{ "guard_add and guard_remove without a guard", test_no_guard_noop },
	{ "a driver that dies: scenarios", test_scenarios },
};

int main(int argc, char **argv)
{
	(void)argc;
	const struct unit_suite suites[] = { UNIT_SUITE("guard", guard_tests) };
	/* orphans of a dead driver (its guard, its sleeps) are reaped here */
	prctl(PR_SET_CHILD_SUBREAPER, 1);
	signal(SIGPIPE, SIG_IGN);
	return unit_main(argv[0], suites, ARRAY_SIZE(suites));
}
