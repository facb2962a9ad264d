/*
 * test_spawn.c - spawn: real children (/bin/sh, /usr/bin/env, /bin/cat,
 * /bin/sleep) started with an explicit argv and environment. What each one
 * saw (its environment, its descriptors, its /proc/self/status, its ulimit)
 * is read back through its pipes or from /proc/PID, and compared with what
 * was asked for.
 *
 * Every wait is bounded (WAIT_S); every process a test starts is killed and
 * reaped before the test returns. The test process is a child subreaper, so
 * a grandchild orphaned by a kill is reaped here rather than left to init.
 * Forked helpers that do not exec end with _exit() and report through a
 * pipe: a CUnit assertion in them would count nowhere.
 *
 * Two cases failed before their fixes (a closed stdin in the parent, a
 * trailing ':' in PATH) and guard against their return. The containment
 * cases (a setsid grandchild, a double-forked daemon) run in a helper per
 * mode, with cgroups and with OBJMEM_CGROUP=off, so that each mode finds
 * its cgroups and its subreaper afresh.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/prctl.h>
#include <sys/personality.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/wait.h>

#include "cgroup.h"
#include "spawn.h"
#include "unit.h"
#include "util.h"

/* The longest any single wait in these tests may take, in seconds. */
#define WAIT_S 5.0
#define MIB (1024ull * 1024)

/* ---- helpers -------------------------------------------------------------- */


/* Kill a process we recorded, if it is still that process, and reap it. */
static void kill_recorded(pid_t pid, unsigned long long start)
{
	if (pid > 1 && unit_is_alive(pid, start)) {
		kill(pid, SIGKILL);
		unit_wait_gone(pid, start, WAIT_S);
	}
}

static int count_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	int n = 0;
	if (!d)
		return -1;
	while (readdir(d))
		n++;
	closedir(d);
	return n;
}

static void child_args(struct child *c, const char *const *argv, const char *const *env)
{
	for (; *argv; argv++)
		strvec_push(&c->argv, *argv);
	for (; env && *env; env++)
		strvec_push(&c->env, *env);
}


/* Read both output pipes to EOF, at most timeout_s. Returns 0 or -1. */
static int drain(struct child *c, struct buf *out, struct buf *err, double timeout_s)
{
	double deadline = now_s() + timeout_s;
	int fds[2] = { c->out_fd, c->err_fd };
	struct buf *bufs[2] = { out, err };
	int open_n = 2;
	while (open_n) {
		double left = deadline - now_s();
		if (left <= 0)
			return -1;
		struct pollfd p[2] = { { fds[0], POLLIN, 0 }, { fds[1], POLLIN, 0 } };
		int r = poll(p, 2, (int)(left * 1000) + 1);
		if (r < 0 && errno != EINTR)
			return -1;
		for (int i = 0; r > 0 && i < 2; i++) {
			if (fds[i] < 0 || !p[i].revents)
				continue;
			char tmp[4096];
			ssize_t n = read(fds[i], tmp, sizeof(tmp));
			if (n > 0) {
				buf_add(bufs[i], tmp, (size_t)n);
			} else if (n == 0 || (errno != EINTR && errno != EAGAIN)) {
				fds[i] = -1;
				open_n--;
			}
		}
	}
	return 0;
}

/* Start c, close its stdin, read its output to EOF and reap it. 0 or -1. */
static int run_to_end(struct child *c, struct buf *out, struct buf *err)
{
	char *why = NULL;
	if (child_start(c, &why)) {
		fprintf(stderr, "\n  cannot start %s: %s\n", c->argv.v[0], why);
		free(why);
		return -1;
	}
	close(c->in_fd);
	c->in_fd = -1;
	int rc = drain(c, out, err, WAIT_S);
	if (child_wait(c, WAIT_S) != 1) {
		child_kill(c);
		rc = -1;
	}
	return rc;
}

static const char *text_of(const struct buf *b)
{
	return b->p ? b->p : "";
}

/* ---- argv, env and the three pipes ---------------------------------------- */

static void test_argv(void)
{
	static const char *const argv[] = {
		"/bin/sh", "-c", "printf '%s|' \"$0\" \"$@\"", "arg0", "a b", "", "c*", "$HOME", "'q'", NULL
	};
	struct child c;
	struct buf out = BUF_INIT, err = BUF_INIT;
	child_init(&c);
	child_args(&c, argv, NULL);
	CU_ASSERT_EQUAL_FATAL(run_to_end(&c, &out, &err), 0);
	CU_ASSERT_STRING_EQUAL(text_of(&out), "arg0|a b||c*|$HOME|'q'|");
	CU_ASSERT_STRING_EQUAL(text_of(&err), "");
	CU_ASSERT(WIFEXITED(c.wait_status) && WEXITSTATUS(c.wait_status) == 0);
	child_release(&c);
	buf_release(&out);
	buf_release(&err);
}

/* /usr/bin/env prints its environment one entry a line, in order. */
static const struct {
	const char *env[6];
	const char *want;
} env_cases[] = {
	{ { NULL }, "" },
	{ { "FOO=bar", NULL }, "FOO=bar\n" },
	{ { "FOO=bar baz", "EMPTY=", "X=1=2", "PATH=/nowhere", NULL },
	  "FOO=bar baz\nEMPTY=\nX=1=2\nPATH=/nowhere\n" },
	{ { "Z=last", "A=first", "LC_ALL=C", NULL }, "Z=last\nA=first\nLC_ALL=C\n" },
};

static void test_env_exact(void)
{
	/* Nothing of the test's own environment may reach the child. */
	setenv("OBJMEM_SPAWN_TEST_LEAK", "1", 1);
	for (size_t i = 0; i < ARRAY_SIZE(env_cases); i++) {
		static const char *const argv[] = { "/usr/bin/env", NULL };
		struct child c;
		struct buf out = BUF_INIT, err = BUF_INIT;
		child_init(&c);
		child_args(&c, argv, env_cases[i].env);
		CU_ASSERT_EQUAL(run_to_end(&c, &out, &err), 0);
		CU_ASSERT_STRING_EQUAL(text_of(&out), env_cases[i].want);
		CU_ASSERT_STRING_EQUAL(text_of(&err), "");
		CU_ASSERT(WIFEXITED(c.wait_status) && WEXITSTATUS(c.wait_status) == 0);
		if (strcmp(text_of(&out), env_cases[i].want))
			fprintf(stderr, "\n  env case %zu: got '%s'\n", i, text_of(&out));
		child_release(&c);
		buf_release(&out);
		buf_release(&err);
	}
	unsetenv("OBJMEM_SPAWN_TEST_LEAK");
}

static void test_pipes(void)
{
	static const char *const argv[] = {
		"/bin/sh", "-c", "read x; echo \"out:$x\"; echo \"err:$x\" >&2; exit 3", NULL
	};
	struct child c;
	struct buf out = BUF_INIT, err = BUF_INIT;
	char *why = NULL;
	child_init(&c);
	child_args(&c, argv, NULL);
	CU_ASSERT_EQUAL_FATAL(child_start(&c, &why), 0);
	CU_ASSERT_PTR_NULL(why);
	CU_ASSERT(c.pid > 0);
	CU_ASSERT_EQUAL(c.reaped, 0);
	/* the caller's ends: close-on-exec, the read ends non-blocking */
	CU_ASSERT(fcntl(c.in_fd, F_GETFD) & FD_CLOEXEC);
	CU_ASSERT(fcntl(c.out_fd, F_GETFD) & FD_CLOEXEC);
	CU_ASSERT(fcntl(c.err_fd, F_GETFD) & FD_CLOEXEC);
	CU_ASSERT(fcntl(c.out_fd, F_GETFL) & O_NONBLOCK);
	CU_ASSERT(fcntl(c.err_fd, F_GETFL) & O_NONBLOCK);
	CU_ASSERT_EQUAL(write(c.in_fd, "hello\n", 6), 6);
	close(c.in_fd);
	c.in_fd = -1;
	CU_ASSERT_EQUAL(drain(&c, &out, &err, WAIT_S), 0);
	CU_ASSERT_EQUAL(child_wait(&c, WAIT_S), 1);
	CU_ASSERT_STRING_EQUAL(text_of(&out), "out:hello\n");
	CU_ASSERT_STRING_EQUAL(text_of(&err), "err:hello\n");
	char *d = child_describe_exit(&c);
	CU_ASSERT_STRING_EQUAL(d, "exited with status 3");
	free(d);
	child_release(&c);
	CU_ASSERT_EQUAL(c.in_fd, -1);
	CU_ASSERT_EQUAL(c.out_fd, -1);
	CU_ASSERT_EQUAL(c.err_fd, -1);
	buf_release(&out);
	buf_release(&err);
}

static void test_empty_argv(void)
{
	struct child c;
	char *why = NULL;
	child_init(&c);
	CU_ASSERT_EQUAL(child_start(&c, &why), -1);
	CU_ASSERT_PTR_NOT_NULL_FATAL(why);
	CU_ASSERT_STRING_EQUAL(why, "empty argv");
	CU_ASSERT_EQUAL(c.pid, -1);
	free(why);
	child_release(&c);
}

/* ---- exec failure ---------------------------------------------------------- */

/* "@" in prog and want is the test's temporary directory. */
static const struct {
	const char *prog;
	int cpu;
	const char *want;
} exec_fail_cases[] = {
	{ "/nonexistent/objmem-no-such-program", -1,
	  "cannot run '/nonexistent/objmem-no-such-program': No such file or directory" },
	/* no PATH search: a bare name is a path relative to the working directory */
	{ "objmem-no-such-program", -1, "cannot run 'objmem-no-such-program': No such file or directory" },
	{ "@/not-executable", -1, "cannot run '@/not-executable': Permission denied" },
	{ "@", -1, "cannot run '@': Permission denied" },
	/* no shell fallback for a script without "#!" */
	{ "@/no-shebang", -1, "cannot run '@/no-shebang': Exec format error" },
	{ "@/not-executable/x", -1, "cannot run '@/not-executable/x': Not a directory" },
	/* a step before execve fails: named, with the program */
	{ "/bin/true", 1000, "cannot start '/bin/true': sched_setaffinity failed: Invalid argument" },
	{ "/bin/true", 100000, "cannot start '/bin/true': sched_setaffinity failed: Invalid argument" },
};

/* tmpl with every '@' replaced by dir (malloc'ed; NULL stays NULL). */
static char *expand(const char *tmpl, const char *dir)
{
	if (!tmpl)
		return NULL;
	struct buf b = BUF_INIT;
	for (const char *p = tmpl; *p; p++) {
		if (*p == '@')
			buf_addstr(&b, dir);
		else
			buf_add(&b, p, 1);
	}
	return buf_detach(&b);
}

static void put_file(const char *dir, const char *name, const char *text, mode_t mode)
{
	char *path = xasprintf("%s/%s", dir, name);
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	CU_ASSERT_FATAL(fd >= 0);
	CU_ASSERT_EQUAL(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	CU_ASSERT_EQUAL(chmod(path, mode), 0);
	free(path);
}

static void test_exec_failure(void)
{
	char *dir = unit_tmpdir();
	put_file(dir, "not-executable", "#!/bin/sh\nexit 0\n", 0644);
	put_file(dir, "no-shebang", "echo hi\n", 0755);
	for (size_t i = 0; i < ARRAY_SIZE(exec_fail_cases); i++) {
		char *prog = expand(exec_fail_cases[i].prog, dir);
		char *want = expand(exec_fail_cases[i].want, dir);
		struct child c;
		char *why = NULL;
		int fds_before = count_fds();
		child_init(&c);
		strvec_push(&c.argv, prog);
		c.cpu = exec_fail_cases[i].cpu;
		CU_ASSERT_EQUAL(child_start(&c, &why), -1);
		CU_ASSERT_PTR_NOT_NULL(why);
		CU_ASSERT_STRING_EQUAL(why ? why : "", want);
		if (!why || strcmp(why, want))
			fprintf(stderr, "\n  exec case %zu: got '%s'\n", i, why ? why : "(null)");
		/* reported here, the child already reaped, nothing left open */
		CU_ASSERT(c.pid > 0);
		CU_ASSERT_EQUAL(c.reaped, 1);
		errno = 0;
		CU_ASSERT_EQUAL(waitpid(c.pid, NULL, WNOHANG), -1);
		CU_ASSERT_EQUAL(errno, ECHILD);
		CU_ASSERT_EQUAL(c.in_fd, -1);
		CU_ASSERT_EQUAL(c.out_fd, -1);
		CU_ASSERT_EQUAL(c.err_fd, -1);
		CU_ASSERT_EQUAL(count_fds(), fds_before);
		child_release(&c);
		free(why);
		free(prog);
		free(want);
	}
	unit_rmtree(dir);
	free(dir);
}

/* ---- what the child inherits ---------------------------------------------- */

static ino_t fd_inode(int fd)
{
	struct stat st;
	return fstat(fd, &st) == 0 ? st.st_ino : 0;
}

/* The pipe inode behind /proc/PID/fd/N ("pipe:[123]"), or 0. */
static ino_t child_fd_pipe(pid_t pid, const char *name)
{
	char path[128], link[256];
	snprintf(path, sizeof(path), "/proc/%d/fd/%s", (int)pid, name);
	ssize_t n = readlink(path, link, sizeof(link) - 1);
	if (n <= 0)
		return 0;
	link[n] = '\0';
	unsigned long long ino;
	return sscanf(link, "pipe:[%llu]", &ino) == 1 ? (ino_t)ino : 0;
}

/* The descriptors of pid, "0,1,2" (malloc'ed, in fd order). */
static char *fd_list(pid_t pid)
{
	char path[64];
	struct buf seen = BUF_INIT;
	snprintf(path, sizeof(path), "/proc/%d/fd", (int)pid);
	DIR *d = opendir(path);
	struct dirent *e;
	while (d && (e = readdir(d))) {
		if (e->d_name[0] != '.')
			buf_addf(&seen, "%s%s", seen.len ? "," : "", e->d_name);
	}
	if (d)
		closedir(d);
	return buf_detach(&seen);
}

/*
 * Descriptors the test holds without close-on-exec, low and above 1024,
 * must not reach the child: it has exactly 0, 1 and 2, and they are its
 * pipes to us. Read from /proc/PID/fd while the child sleeps. Right after
 * exec the dynamic loader has a file open for a moment, so the list is
 * polled until it is 0,1,2; a leaked descriptor never leaves it.
 */
static void test_only_stdio(void)
{
	static const char *const argv[] = { "/bin/sleep", "30", NULL };
	int leak_lo = open("/dev/null", O_RDONLY); /* no O_CLOEXEC on purpose */
	CU_ASSERT_FATAL(leak_lo >= 0);
	int leak_hi = dup2(leak_lo, 1500);
	CU_ASSERT(leak_hi == 1500);
	CU_ASSERT_FALSE(fcntl(leak_lo, F_GETFD) & FD_CLOEXEC);

	struct child c;
	char *why = NULL;
	child_init(&c);
	child_args(&c, argv, NULL);
	CU_ASSERT_EQUAL_FATAL(child_start(&c, &why), 0);
	char *seen = NULL;
	double deadline = now_s() + WAIT_S;
	for (;;) {
		free(seen);
		seen = fd_list(c.pid);
		if (!strcmp(seen, "0,1,2") || now_s() >= deadline)
			break;
		unit_sleep(0.01);
	}
	CU_ASSERT_STRING_EQUAL(seen, "0,1,2");
	if (strcmp(seen, "0,1,2"))
		fprintf(stderr, "\n  child fds: %s\n", seen);
	free(seen);
	CU_ASSERT_EQUAL(child_fd_pipe(c.pid, "0"), fd_inode(c.in_fd));
	CU_ASSERT_EQUAL(child_fd_pipe(c.pid, "1"), fd_inode(c.out_fd));
	CU_ASSERT_EQUAL(child_fd_pipe(c.pid, "2"), fd_inode(c.err_fd));
	CU_ASSERT(child_fd_pipe(c.pid, "0") != 0);
	child_kill(&c);
	CU_ASSERT_EQUAL(c.reaped, 1);
	child_release(&c);
	close(leak_lo);
	if (leak_hi >= 0)
		close(leak_hi);
}

static void test_own_group(void)
{
	static const char *const argv[] = { "/bin/sleep", "30", NULL };
	struct child c;
	char *why = NULL;
	child_init(&c);
	child_args(&c, argv, NULL);
	CU_ASSERT_EQUAL_FATAL(child_start(&c, &why), 0);
	/* a leader from the moment child_start returns, not in our group */
	CU_ASSERT_EQUAL(getpgid(c.pid), c.pid);
	CU_ASSERT(getpgrp() != c.pid);
	struct unit_proc pi;
	CU_ASSERT_EQUAL(unit_proc_info(c.pid, &pi), 0);
	CU_ASSERT_EQUAL(pi.ppid, getpid());
	CU_ASSERT_EQUAL(pi.pgrp, c.pid);
	child_kill(&c);
	child_release(&c);
}

/*
 * Conditions the child starts under, as it sees them: its ulimit -v, then
 * its own /proc/self/status (the shell execs cat, so the status is the
 * child's own).
 */
enum pick { PICK_NONE, PICK_FIRST, PICK_LAST, PICK_BAD };

static const struct {
	const char *name;
	int thp_disable;
	enum pick cpu;
	uint64_t as_limit;
	int fixed_layout;
} cond_cases[] = {
	{ "nothing asked", 0, PICK_NONE, 0, 0 },
	{ "thp off", 1, PICK_NONE, 0, 0 },
	{ "first allowed cpu", 0, PICK_FIRST, 0, 0 },
	{ "last allowed cpu", 0, PICK_LAST, 0, 0 },
	{ "512 MiB", 0, PICK_NONE, 512 * MIB, 0 },
	{ "512 MiB and 100 bytes", 0, PICK_NONE, 512 * MIB + 100, 0 },
	{ "1 TiB", 0, PICK_NONE, 1024ull * 1024 * MIB, 0 },
	{ "addresses not randomized", 0, PICK_NONE, 0, 1 },
	{ "all four", 1, PICK_LAST, 768 * MIB, 1 },
};

/* The value of "Key:" in a status text, without its tabs (malloc'ed), or NULL. */
static char *status_field(const char *text, const char *key)
{
	size_t klen = strlen(key);
	for (const char *line = text; line && *line; ) {
		const char *nl = strchr(line, '\n');
		size_t len = nl ? (size_t)(nl - line) : strlen(line);
		if (len > klen && !strncmp(line, key, klen) && line[klen] == ':') {
			const char *v = line + klen + 1;
			while (*v == '\t' || *v == ' ')
				v++;
			return xstrndup(v, (size_t)(line + len - v));
		}
		line = nl ? nl + 1 : NULL;
	}
	return NULL;
}

static void test_start_conditions(void)
{
	static const char *const argv[] = {
		"/bin/sh", "-c", "ulimit -v; /bin/cat /proc/self/personality; "
		"exec /bin/cat /proc/self/status", NULL
	};
	struct buf self = BUF_INIT;
	CU_ASSERT_EQUAL_FATAL(read_file("/proc/self/status", 1 << 20, &self), 0);
	char *own_cpus = status_field(self.p, "Cpus_allowed_list");
	char *own_thp = status_field(self.p, "THP_enabled");
	CU_ASSERT_PTR_NOT_NULL_FATAL(own_cpus);
	CU_ASSERT_PTR_NOT_NULL_FATAL(own_thp); /* kernels since 5.0 */
	cpu_set_t set;
	CU_ASSERT_EQUAL_FATAL(sched_getaffinity(0, sizeof(set), &set), 0);
	int first = -1, last = -1;
	for (int i = 0; i < CPU_SETSIZE; i++)
		if (CPU_ISSET(i, &set)) {
			if (first < 0)
				first = i;
			last = i;
		}
	CU_ASSERT_FATAL(first >= 0);
	struct rlimit rl;
	CU_ASSERT_EQUAL_FATAL(getrlimit(RLIMIT_AS, &rl), 0);
	int own_persona = personality(0xffffffff);
	CU_ASSERT_FATAL(own_persona >= 0 && !(own_persona & ADDR_NO_RANDOMIZE));
	char *own_ulimit = rl.rlim_cur == RLIM_INFINITY ? xstrdup("unlimited")
		: xasprintf("%llu", (unsigned long long)rl.rlim_cur / 1024);

	for (size_t i = 0; i < ARRAY_SIZE(cond_cases); i++) {
		struct child c;
		struct buf out = BUF_INIT, err = BUF_INIT;
		child_init(&c);
		child_args(&c, argv, NULL);
		c.thp_disable = cond_cases[i].thp_disable;
		c.cpu = cond_cases[i].cpu == PICK_FIRST ? first : cond_cases[i].cpu == PICK_LAST ? last : -1;
		c.as_limit = cond_cases[i].as_limit;
		c.fixed_layout = cond_cases[i].fixed_layout;
		CU_ASSERT_EQUAL(run_to_end(&c, &out, &err), 0);
		CU_ASSERT(WIFEXITED(c.wait_status) && WEXITSTATUS(c.wait_status) == 0);
		CU_ASSERT_STRING_EQUAL(text_of(&err), "");

		const char *text = text_of(&out);
		const char *nl = strchr(text, '\n');
		char *ulimit = xstrndup(text, nl ? (size_t)(nl - text) : 0);
		/* the persona, in hex: ADDR_NO_RANDOMIZE added to objmem's own, or not */
		unsigned long persona = nl ? strtoul(nl + 1, NULL, 16) : ~0UL;
		unsigned long want_persona = (unsigned long)own_persona |
					     (c.fixed_layout ? ADDR_NO_RANDOMIZE : 0);
		CU_ASSERT_EQUAL(persona, want_persona);
		if (persona != want_persona)
			fprintf(stderr, "\n  case '%s': persona %08lx, want %08lx\n", cond_cases[i].name,
				persona, want_persona);
		char *thp = status_field(text, "THP_enabled");
		char *cpus = status_field(text, "Cpus_allowed_list");
		char *want_ulimit = c.as_limit ? xasprintf("%llu", (unsigned long long)c.as_limit / 1024)
			: xstrdup(own_ulimit);
		char *want_cpus = c.cpu >= 0 ? xasprintf("%d", c.cpu) : xstrdup(own_cpus);
		const char *want_thp = c.thp_disable ? "0" : own_thp;

		CU_ASSERT_STRING_EQUAL(ulimit, want_ulimit);
		CU_ASSERT_STRING_EQUAL(thp ? thp : "(none)", want_thp);
		CU_ASSERT_STRING_EQUAL(cpus ? cpus : "(none)", want_cpus);
		if (strcmp(ulimit, want_ulimit) || !thp || strcmp(thp, want_thp) || !cpus ||
		    strcmp(cpus, want_cpus))
			fprintf(stderr, "\n  case '%s': ulimit -v %s (want %s), THP_enabled %s (want %s), "
				"Cpus_allowed_list %s (want %s)\n", cond_cases[i].name, ulimit, want_ulimit,
				thp ? thp : "(none)", want_thp, cpus ? cpus : "(none)", want_cpus);
		free(ulimit);
		free(thp);
		free(cpus);
		free(want_ulimit);
		free(want_cpus);
		child_release(&c);
		buf_release(&out);
		buf_release(&err);
	}
	/* "nothing asked" really differs from "thp off": THP is on for us */
	CU_ASSERT_STRING_EQUAL(own_thp, "1");
	free(own_ulimit);
	free(own_cpus);
	free(own_thp);
	buf_release(&self);
}

/*
 * A child whose parent dies is killed with it (PR_SET_PDEATHSIG), even
 * without a guard: a forked helper starts it, reports its pid and _exits.
 */
static void test_dies_with_parent(void)
{
	int rep[2];
	CU_ASSERT_FATAL(pipe2(rep, O_CLOEXEC) == 0);
	fflush(NULL);
	pid_t helper = fork();
	CU_ASSERT_FATAL(helper >= 0);
	if (helper == 0) {
		static const char *const argv[] = { "/bin/sleep", "60", NULL };
		struct child c;
		char *why = NULL;
		close(rep[0]);
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		child_init(&c);
		child_args(&c, argv, NULL);
		pid_t pid = child_start(&c, &why) == 0 ? c.pid : 0;
		dprintf(rep[1], "%d\n", (int)pid);
		/* no child_release: the child must outlive us; free for valgrind's leak check */
		strvec_clear(&c.argv);
		strvec_clear(&c.env);
		free(why);
		_exit(0);
	}
	close(rep[1]);
	fcntl(rep[0], F_SETFL, O_NONBLOCK);
	struct buf b = BUF_INIT;
	int got = unit_read_until(rep[0], &b, "\n", WAIT_S);
	close(rep[0]);
	int st = 0;
	CU_ASSERT_EQUAL(waitpid(helper, &st, 0), helper);
	CU_ASSERT(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	CU_ASSERT_EQUAL_FATAL(got, 0);
	pid_t pid = (pid_t)atoi(b.p);
	buf_release(&b);
	CU_ASSERT_FATAL(pid > 1);
	struct unit_proc pi;
	if (unit_proc_info(pid, &pi) == 0) {
		CU_ASSERT(unit_wait_gone(pid, pi.start, WAIT_S));
		kill_recorded(pid, pi.start);
	}
}

/* ---- waiting and killing ---------------------------------------------------- */

static void test_wait_in_time(void)
{
	static const char *const argv[] = { "/bin/sh", "-c", "sleep 0.2; exit 7", NULL };
	struct child c;
	char *why = NULL;
	child_init(&c);
	child_args(&c, argv, NULL);
	double t0 = now_s();
	CU_ASSERT_EQUAL_FATAL(child_start(&c, &why), 0);
	CU_ASSERT_EQUAL(child_wait(&c, WAIT_S), 1);
	double took = now_s() - t0;
	CU_ASSERT(took >= 0.15);
	CU_ASSERT(took < WAIT_S);
	CU_ASSERT_EQUAL(c.reaped, 1);
	CU_ASSERT(WIFEXITED(c.wait_status) && WEXITSTATUS(c.wait_status) == 7);
	/* reaped once: waiting again answers at once */
	CU_ASSERT_EQUAL(child_wait(&c, 0), 1);
	CU_ASSERT_EQUAL(child_wait(&c, -1), 1);
	child_release(&c);
}

static void test_wait_timeout_then_kill(void)
{
	static const char *const argv[] = { "/bin/sleep", "30", NULL };
	struct child c;
	char *why = NULL;
	child_init(&c);
	child_args(&c, argv, NULL);
	CU_ASSERT_EQUAL_FATAL(child_start(&c, &why), 0);
	struct unit_proc pi;
	CU_ASSERT_EQUAL_FATAL(unit_proc_info(c.pid, &pi), 0);

	double t0 = now_s();
	CU_ASSERT_EQUAL(child_wait(&c, 0), 0);
	CU_ASSERT(now_s() - t0 < 1.0);
	t0 = now_s();
	CU_ASSERT_EQUAL(child_wait(&c, 0.3), 0);
	double took = now_s() - t0;
	CU_ASSERT(took >= 0.3);
	CU_ASSERT(took < 3.0);
	CU_ASSERT_EQUAL(c.reaped, 0);
	CU_ASSERT(unit_is_alive(c.pid, pi.start));
	char *d = child_describe_exit(&c);
	CU_ASSERT_STRING_EQUAL(d, "still running");
	free(d);

	child_kill(&c);
	CU_ASSERT_EQUAL(c.reaped, 1);
	CU_ASSERT(WIFSIGNALED(c.wait_status) && WTERMSIG(c.wait_status) == SIGKILL);
	d = child_describe_exit(&c);
	CU_ASSERT_STRING_EQUAL(d, "killed by signal 9 (Killed)");
	free(d);
	CU_ASSERT_FALSE(unit_is_alive(c.pid, pi.start));
	errno = 0;
	CU_ASSERT_EQUAL(waitpid(c.pid, NULL, WNOHANG), -1);
	CU_ASSERT_EQUAL(errno, ECHILD);
	CU_ASSERT_EQUAL(child_wait(&c, WAIT_S), 1);
	child_release(&c);
}

/* A process that is not our child cannot be waited for: -1, at once. */
static void test_wait_not_ours(void)
{
	struct child c;
	child_init(&c);
	c.pid = getpid();
	double t0 = now_s();
	CU_ASSERT_EQUAL(child_wait(&c, 1.0), -1);
	CU_ASSERT_EQUAL(child_wait(&c, -1), -1);
	CU_ASSERT(now_s() - t0 < 0.9);
	CU_ASSERT_EQUAL(c.reaped, 0);
	c.pid = -1; /* nothing for child_release to unregister */
	child_release(&c);
	/* a never-started child: nothing to wait for, nothing to kill */
	child_init(&c);
	CU_ASSERT_EQUAL(child_wait(&c, 0), 1);
	child_kill(&c);
	child_release(&c);
}

/*
 * sh starts a background sleep in its own (the child's) process group and
 * prints its pid; signalling the group must end the sleep too.
 */
static void grandchild_case(int sig, int use_kill)
{
	static const char *const argv[] = { "/bin/sh", "-c", "sleep 60 & echo $!; wait", NULL };
	struct child c;
	struct buf out = BUF_INIT;
	char *why = NULL;
	child_init(&c);
	child_args(&c, argv, NULL);
	CU_ASSERT_EQUAL_FATAL(child_start(&c, &why), 0);
	int got = unit_read_until(c.out_fd, &out, "\n", WAIT_S);
	CU_ASSERT_EQUAL(got, 0);
	pid_t gpid = got == 0 ? (pid_t)atoi(out.p) : 0;
	struct unit_proc gi;
	CU_ASSERT(gpid > 1);
	int have = gpid > 1 && unit_proc_info(gpid, &gi) == 0;
	CU_ASSERT(have);
	if (have) {
		CU_ASSERT_EQUAL(gi.pgrp, c.pid);
		CU_ASSERT_EQUAL(gi.ppid, c.pid);
	}
	if (use_kill) {
		child_kill(&c);
	} else {
		child_signal_group(&c, sig);
		CU_ASSERT_EQUAL(child_wait(&c, WAIT_S), 1);
	}
	if (!c.reaped)
		child_kill(&c);
	CU_ASSERT(WIFSIGNALED(c.wait_status) && WTERMSIG(c.wait_status) == sig);
	if (have) {
		CU_ASSERT(unit_wait_gone(gpid, gi.start, WAIT_S));
		kill_recorded(gpid, gi.start);
	}
	child_release(&c);
	buf_release(&out);
}

static void test_kill_reaches_grandchild(void)
{
	grandchild_case(SIGKILL, 1);
}

static void test_signal_group_reaches_grandchild(void)
{
	grandchild_case(SIGTERM, 0);
}

/* ---- containment: what a contained child started dies with it ------------- */

/*
 * sh prints the pid of a process it leaves behind, detached in one of the
 * ways a workload may (a setsid grandchild, a double-forked daemon, a
 * plain background job), then goes on sleeping (the child is killed) or
 * exits (the child ends by itself and child_release cleans up). With a
 * cgroup the group kill reaches everything; without one (OBJMEM_CGROUP=off)
 * the tree walk of child_kill and the subreaper's orphan scan do.
 */
static const struct contain_case {
	const char *name;
	const char *script;
	int kill;       /* child_kill while it runs; else it exits and is waited for */
	int detached;   /* the process left behind leads a session of its own */
} contain_cases[] = {
	{ "setsid grandchild, child killed", "setsid sleep 60 & echo $!; exec sleep 60", 1, 1 },
	{ "setsid grandchild, child exits", "setsid sleep 60 & echo $!; exit 0", 0, 1 },
	{ "double-forked daemon, child killed", "(setsid sleep 60 & echo $!); exec sleep 60", 1, 1 },
	{ "double-forked daemon, child exits", "(setsid sleep 60 & echo $!); exit 0", 0, 1 },
	{ "background job in the group, child exits", "sleep 60 & echo $!; exit 0", 0, 0 },
};

/* Wait until pid has called setsid (it leads its own group), at most WAIT_S. */
static int wait_detached(pid_t pid)
{
	double deadline = now_s() + WAIT_S;
	struct unit_proc pi;
	while (unit_proc_info(pid, &pi) == 0 && pi.pgrp != pid && now_s() < deadline)
		unit_sleep(0.005);
	return unit_proc_info(pid, &pi) == 0 && pi.pgrp == pid;
}

/* One case in a helper process: "ok", or what went wrong, on rep. */
static void contain_one(const struct contain_case *t, int want_cgroup, int rep)
{
	const char *argv[] = { "/bin/sh", "-c", t->script, NULL };
	struct child c;
	struct buf out = BUF_INIT;
	char *why = NULL;
	child_init(&c);
	child_args(&c, argv, NULL);
	c.contain = 1;
	if (child_start(&c, &why)) {
		dprintf(rep, "%s: start failed: %s\n", t->name, why);
		_exit(1);
	}
	if (cgroup_active(&c.cg) != want_cgroup) {
		dprintf(rep, "%s: cgroup %s: %s\n", t->name, want_cgroup ? "missing" : "made",
			c.no_cgroup ? c.no_cgroup : "");
		_exit(1);
	}
	char *dir = c.cg.dir ? xstrdup(c.cg.dir) : NULL;
	struct unit_proc gi;
	pid_t g = unit_read_until(c.out_fd, &out, "\n", WAIT_S) == 0 ? (pid_t)atoi(out.p) : 0;
	if (g <= 1 || unit_proc_info(g, &gi) || (t->detached && !wait_detached(g))) {
		dprintf(rep, "%s: no process left behind to check\n", t->name);
		_exit(1);
	}
	if (t->kill)
		child_kill(&c);
	else if (child_wait(&c, WAIT_S) != 1)
		dprintf(rep, "%s: the child did not exit\n", t->name);
	child_release(&c);
	struct stat st;
	if (!unit_wait_gone(g, gi.start, WAIT_S))
		dprintf(rep, "%s: pid %d outlived its child\n", t->name, (int)g);
	else if (dir && stat(dir, &st) == 0)
		dprintf(rep, "%s: cgroup '%s' was not removed\n", t->name, dir);
	else
		dprintf(rep, "ok\n");
	if (unit_is_alive(g, gi.start))
		kill(g, SIGKILL);
	free(dir);
	buf_release(&out);
}

/* Every case, with cgroups (if this machine has them) or without. */
static void contain_cases_in(const char *mode)
{
	int rep[2];
	CU_ASSERT_FATAL(pipe2(rep, O_CLOEXEC) == 0);
	fflush(NULL);
	pid_t helper = fork();
	CU_ASSERT_FATAL(helper >= 0);
	if (helper == 0) {
		close(rep[0]);
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		setenv("OBJMEM_CGROUP", mode, 1);
		cgroup_forget();
		struct cgroup probe;
		char *why = NULL;
		int want = strcmp(mode, "off") && cgroup_create(&probe, 0, &why) == 0;
		if (want)
			cgroup_remove(&probe);
		else if (strcmp(mode, "off"))
			dprintf(rep[1], "skip: %s\n", why);
		for (size_t i = 0; i < ARRAY_SIZE(contain_cases); i++)
			contain_one(&contain_cases[i], want, rep[1]);
		free(why);
		_exit(0);
	}
	close(rep[1]);
	fcntl(rep[0], F_SETFL, O_NONBLOCK);
	struct buf b = BUF_INIT;
	CU_ASSERT_EQUAL(unit_read_until(rep[0], &b, NULL, 20 * WAIT_S), 0);
	close(rep[0]);
	int st = 0;
	CU_ASSERT_EQUAL(waitpid(helper, &st, 0), helper);
	CU_ASSERT(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	size_t oks = 0;
	for (const char *p = b.p ? b.p : ""; (p = strstr(p, "ok\n")); p += 3)
		oks++;
	CU_ASSERT_EQUAL(oks, ARRAY_SIZE(contain_cases));
	if (oks != ARRAY_SIZE(contain_cases) || (b.p && strstr(b.p, "skip")))
		fprintf(stderr, "\n  OBJMEM_CGROUP=%s:\n%s", mode, b.p ? b.p : "(nothing)\n");
	buf_release(&b);
}

static void test_contain_cgroup(void)
{
	contain_cases_in("auto");
}

static void test_contain_no_cgroup(void)
{
	contain_cases_in("off");
}

/* child_wait_or_stop returns as soon as the flag is set, and waits as long as told otherwise. */
static volatile sig_atomic_t alarm_stop;

static void on_alarm_stop(int sig)
{
	(void)sig;
	alarm_stop = 1;
}

static void wait_or_stop_cases(void)
{
	static const char *const argv[] = { "/bin/sleep", "30", NULL };
	struct child c;
	char *why = NULL;
	volatile sig_atomic_t stop = 1;
	child_init(&c);
	child_args(&c, argv, NULL);
	CU_ASSERT_EQUAL_FATAL(child_start(&c, &why), 0);
	double t0 = now_s();
	CU_ASSERT_EQUAL(child_wait_or_stop(&c, 60, &stop), 0);
	CU_ASSERT_EQUAL(child_wait_or_stop(&c, -1, &stop), 0);
	CU_ASSERT(now_s() - t0 < 0.5);
	stop = 0;
	t0 = now_s();
	CU_ASSERT_EQUAL(child_wait_or_stop(&c, 0.2, &stop), 0);
	CU_ASSERT(now_s() - t0 >= 0.2);
	/* set by a signal handler while it waits (on a pidfd, or asleep): seen in time */
	alarm_stop = 0;
	struct sigaction sa = { .sa_handler = on_alarm_stop }, old;
	sigaction(SIGALRM, &sa, &old);
	struct itimerval it = { .it_value = { 0, 150 * 1000 } };
	setitimer(ITIMER_REAL, &it, NULL);
	t0 = now_s();
	CU_ASSERT_EQUAL(child_wait_or_stop(&c, 60, &alarm_stop), 0);
	double took = now_s() - t0;
	CU_ASSERT(took >= 0.1);
	CU_ASSERT(took < 2.0);
	CU_ASSERT_EQUAL(alarm_stop, 1);
	sigaction(SIGALRM, &old, NULL);
	/* never past the deadline: 6.5 ms is 0.1 + ... + 3.2 ms slept, then 0.2
	 * ms, not another 6.4; best of five against a noisy machine */
	double best = 1e9;
	for (int i = 0; i < 5; i++) {
		t0 = now_s();
		CU_ASSERT_EQUAL(child_wait_or_stop(&c, 0.0065, &stop), 0);
		took = now_s() - t0;
		CU_ASSERT(took >= 0.0065);
		best = took < best ? took : best;
	}
	CU_ASSERT(best < 0.0065 + 0.003);
	if (best >= 0.0095)
		fprintf(stderr, "wait (no_pidfd %d) of 6.5 ms took %.2f ms at best\n",
			child_wait_no_pidfd, best * 1000);
	child_kill(&c);
	CU_ASSERT_EQUAL(child_wait_or_stop(&c, 0, &stop), 1);
	child_release(&c);
}

/* Both ways of waiting: on a pidfd, and by sleeping (no pidfd_open). */
static void test_wait_or_stop(void)
{
	for (int no_pidfd = 0; no_pidfd <= 1; no_pidfd++) {
		child_wait_no_pidfd = no_pidfd;
		wait_or_stop_cases();
		/* and a child that exits is seen at once, either way */
		static const char *const quick[] = { "/bin/true", NULL };
		struct child c;
		char *why = NULL;
		volatile sig_atomic_t stop = 0;
		child_init(&c);
		child_args(&c, quick, NULL);
		CU_ASSERT_EQUAL_FATAL(child_start(&c, &why), 0);
		double t0 = now_s();
		CU_ASSERT_EQUAL(child_wait_or_stop(&c, 10, &stop), 1);
		CU_ASSERT(now_s() - t0 < 1.0);
		CU_ASSERT(WIFEXITED(c.wait_status) && WEXITSTATUS(c.wait_status) == 0);
		child_release(&c);
	}
	child_wait_no_pidfd = 0;
}

/* ---- exit wording ------------------------------------------------------------ */

static const struct {
	int reaped;
	int status;
	const char *want;
} describe_cases[] = {
	{ 1, W_EXITCODE(0, 0), "exited with status 0" },
	{ 1, W_EXITCODE(3, 0), "exited with status 3" },
	{ 1, W_EXITCODE(255, 0), "exited with status 255" },
	{ 1, W_EXITCODE(0, SIGKILL), "killed by signal 9 (Killed)" },
	{ 1, W_EXITCODE(0, SIGTERM), "killed by signal 15 (Terminated)" },
	{ 1, W_EXITCODE(0, SIGSEGV) | WCOREFLAG, "killed by signal 11 (Segmentation fault), core dumped" },
	{ 1, W_EXITCODE(0, SIGABRT) | WCOREFLAG, "killed by signal 6 (Aborted), core dumped" },
	{ 1, W_STOPCODE(SIGSTOP), "ended with wait status 0x137f" },
	{ 1, 0xffff, "ended with wait status 0xffff" }, /* continued */
	{ 0, 0, "still running" },
	{ 0, W_EXITCODE(0, SIGKILL), "still running" },
};

static void test_describe_table(void)
{
	for (size_t i = 0; i < ARRAY_SIZE(describe_cases); i++) {
		struct child c;
		child_init(&c);
		c.pid = 12345;
		c.reaped = describe_cases[i].reaped;
		c.wait_status = describe_cases[i].status;
		char *d = child_describe_exit(&c);
		CU_ASSERT_STRING_EQUAL(d, describe_cases[i].want);
		if (strcmp(d, describe_cases[i].want))
			fprintf(stderr, "\n  status 0x%x: got '%s'\n", describe_cases[i].status, d);
		free(d);
	}
}

/*
 * Real exits and deaths. The test ignores or blocks the signals first: the
 * child must start with default dispositions and an empty mask anyway (a
 * non-interactive sh keeps a signal ignored on entry ignored, and would
 * exit 0 instead of dying).
 */
static const struct {
	const char *script;
	const char *want;
} live_exit_cases[] = {
	{ "exit 0", "exited with status 0" },
	{ "exit 3", "exited with status 3" },
	{ "exit 255", "exited with status 255" },
	{ "kill -TERM $$; exit 0", "killed by signal 15 (Terminated)" },
	{ "kill -USR1 $$; exit 0", "killed by signal 10 (User defined signal 1)" },
	{ "kill -HUP $$; exit 0", "killed by signal 1 (Hangup)" },
	{ "kill -INT $$; exit 0", "killed by signal 2 (Interrupt)" },
	{ "kill -PIPE $$; exit 0", "killed by signal 13 (Broken pipe)" },
	{ "kill -KILL $$; exit 0", "killed by signal 9 (Killed)" },
};

static void test_describe_live(void)
{
	struct sigaction ign, old_hup, old_int, old_pipe;
	memset(&ign, 0, sizeof(ign));
	ign.sa_handler = SIG_IGN;
	sigemptyset(&ign.sa_mask);
	sigaction(SIGHUP, &ign, &old_hup);
	sigaction(SIGINT, &ign, &old_int);
	sigaction(SIGPIPE, &ign, &old_pipe);
	sigset_t block, old_mask;
	sigemptyset(&block);
	sigaddset(&block, SIGTERM);
	sigaddset(&block, SIGUSR1);
	sigprocmask(SIG_BLOCK, &block, &old_mask);

	for (size_t i = 0; i < ARRAY_SIZE(live_exit_cases); i++) {
		const char *argv[] = { "/bin/sh", "-c", live_exit_cases[i].script, NULL };
		struct child c;
		struct buf out = BUF_INIT, err = BUF_INIT;
		child_init(&c);
		child_args(&c, argv, NULL);
		CU_ASSERT_EQUAL(run_to_end(&c, &out, &err), 0);
		char *d = child_describe_exit(&c);
		CU_ASSERT_STRING_EQUAL(d, live_exit_cases[i].want);
		if (strcmp(d, live_exit_cases[i].want))
			fprintf(stderr, "\n  '%s': got '%s'\n", live_exit_cases[i].script, d);
		free(d);
		child_release(&c);
		buf_release(&out);
		buf_release(&err);
	}

	sigprocmask(SIG_SETMASK, &old_mask, NULL);
	sigaction(SIGHUP, &old_hup, NULL);
	sigaction(SIGINT, &old_int, NULL);
	sigaction(SIGPIPE, &old_pipe, NULL);
}

/* ---- spawn_which -------------------------------------------------------------- */

/*
 * In a temporary directory "@": a/foo, b/foo, b/onlyb, cwd/here executable;
 * a/plain not executable, b/plain executable; a/dir a directory. The cases
 * run with the working directory @/cwd. want NULL: not found.
 */
static const struct {
	const char *cmd;
	const char *path;
	const char *want;
} which_cases[] = {
	{ "foo", "@/a:@/b", "@/a/foo" },
	{ "foo", "@/b:@/a", "@/b/foo" },
	{ "plain", "@/a:@/b", "@/b/plain" },
	{ "plain", "@/a", NULL },
	{ "dir", "@/a", NULL },
	{ "onlyb", "@/missing:@/a:@/b", "@/b/onlyb" },
	{ "foo", "@/a/foo:@/b", "@/b/foo" }, /* a PATH entry that is a file */
	{ "missing", "@/a:@/b", NULL },
	{ "missing", "", NULL },
	{ "", "@/a", NULL },
	{ NULL, "@/a", NULL },
	/* a path with a slash is kept as it is, if it can be run */
	{ "@/a/foo", "@/b", "@/a/foo" },
	{ "@/a/foo", NULL, "@/a/foo" },
	{ "./here", "@/a", "./here" },
	{ "@/a/plain", "@/a:@/b", NULL },
	{ "@/a/nothere", "@/a", NULL },
	{ "./foo", "@/a", NULL },
	/* an empty PATH entry is the working directory */
	{ "here", "@/a::@/b", "./here" },
	{ "here", ":@/a", "./here" },
	{ "here", "@/a:@/b", NULL },
	{ "foo", "::@/a", "@/a/foo" },
};

static void which_tree(const char *dir)
{
	static const char *const dirs[] = { "a", "b", "cwd", "a/dir" };
	for (size_t i = 0; i < ARRAY_SIZE(dirs); i++) {
		char *p = xasprintf("%s/%s", dir, dirs[i]);
		CU_ASSERT_EQUAL(mkdir(p, 0755), 0);
		free(p);
	}
	put_file(dir, "a/foo", "#!/bin/sh\n", 0755);
	put_file(dir, "b/foo", "#!/bin/sh\n", 0755);
	put_file(dir, "b/onlyb", "#!/bin/sh\n", 0755);
	put_file(dir, "cwd/here", "#!/bin/sh\n", 0755);
	put_file(dir, "a/plain", "#!/bin/sh\n", 0644);
	put_file(dir, "b/plain", "#!/bin/sh\n", 0755);
}

static void test_which_table(void)
{
	char *dir = unit_tmpdir();
	which_tree(dir);
	int here = open(".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	CU_ASSERT_FATAL(here >= 0);
	char *cwd = xasprintf("%s/cwd", dir);
	CU_ASSERT_EQUAL_FATAL(chdir(cwd), 0);
	for (size_t i = 0; i < ARRAY_SIZE(which_cases); i++) {
		char *cmd = expand(which_cases[i].cmd, dir);
		char *path = expand(which_cases[i].path, dir);
		char *want = expand(which_cases[i].want, dir);
		char *got = spawn_which(cmd, path);
		if (want) {
			CU_ASSERT_PTR_NOT_NULL(got);
			CU_ASSERT_STRING_EQUAL(got ? got : "(null)", want);
		} else {
			CU_ASSERT_PTR_NULL(got);
		}
		if ((!got) != (!want) || (got && strcmp(got, want)))
			fprintf(stderr, "\n  which '%s' on '%s': got '%s'\n", cmd ? cmd : "(null)",
				path ? path : "(null)", got ? got : "(null)");
		free(got);
		free(cmd);
		free(path);
		free(want);
	}
	CU_ASSERT_EQUAL(fchdir(here), 0);
	close(here);
	free(cwd);
	unit_rmtree(dir);
	free(dir);
}

/* Without a PATH string: /usr/local/bin, /usr/bin, /bin. */
static void test_which_default_path(void)
{
	char *sh = spawn_which("sh", NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(sh);
	CU_ASSERT(!strcmp(sh, "/usr/local/bin/sh") || !strcmp(sh, "/usr/bin/sh") || !strcmp(sh, "/bin/sh"));
	CU_ASSERT_EQUAL(access(sh, X_OK), 0);
	free(sh);
	CU_ASSERT_PTR_NULL(spawn_which("objmem-no-such-program", NULL));
}

/* ---- a parent with closed standard descriptors------------------ */

/*
 * The parent's standard descriptors closed (a daemon, `objmem run <&-`):
 * the pipes may then be created as fds 0-2, and the child must still get
 * them as its stdin, stdout and stderr. A forked helper closes them, starts
 * sh, feeds it a line, and reports what came back.
 */
static const struct {
	int closed; /* bit n: fd n closed in the parent */
	int known_bug;
} stdio_cases[] = {
	{ 0, 0 }, { 2, 0 }, { 4, 0 }, { 6, 0 },
	/* fd 0 closed: the stdin pipe's read end is fd 0, dup2(0, 0) keeps it close-on-exec */
	{ 1, 1 }, { 3, 1 }, { 5, 1 }, { 7, 1 },
};

static void stdio_closed_helper(int closed, int rep)
{
	static const char *const argv[] = {
		"/bin/sh", "-c", "read x; echo \"out:$x\"; echo \"err:$x\" >&2", NULL
	};
	struct child c;
	struct buf out = BUF_INIT, err = BUF_INIT;
	char *why = NULL;
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	signal(SIGPIPE, SIG_IGN);
	for (int fd = 0; fd < 3; fd++)
		if (closed & (1 << fd))
			close(fd);
	child_init(&c);
	child_args(&c, argv, NULL);
	if (child_start(&c, &why)) {
		dprintf(rep, "start failed: %s", why);
		free(why);
		child_release(&c);
		_exit(1);
	}
	if (write(c.in_fd, "hello\n", 6) != 6)
		dprintf(rep, "write failed; ");
	close(c.in_fd);
	c.in_fd = -1;
	int drained = drain(&c, &out, &err, WAIT_S);
	if (child_wait(&c, WAIT_S) != 1)
		child_kill(&c);
	char *d = child_describe_exit(&c);
	dprintf(rep, "%sout=%s|err=%s|%s", drained ? "timeout; " : "", text_of(&out), text_of(&err), d);
	free(d);
	buf_release(&out);
	buf_release(&err);
	child_release(&c);
	_exit(0);
}

static void stdio_closed_cases(int known_bug)
{
	for (size_t i = 0; i < ARRAY_SIZE(stdio_cases); i++) {
		if (stdio_cases[i].known_bug != known_bug)
			continue;
		int rep[2];
		CU_ASSERT_FATAL(pipe2(rep, O_CLOEXEC) == 0);
		/* above 2, so closing 0-2 in the helper leaves it */
		int rep_w = fcntl(rep[1], F_DUPFD_CLOEXEC, 10);
		close(rep[1]);
		fflush(NULL);
		pid_t helper = fork();
		CU_ASSERT_FATAL(helper >= 0);
		if (helper == 0) {
			close(rep[0]);
			stdio_closed_helper(stdio_cases[i].closed, rep_w);
		}
		close(rep_w);
		fcntl(rep[0], F_SETFL, O_NONBLOCK);
		struct buf b = BUF_INIT;
		CU_ASSERT_EQUAL(unit_read_until(rep[0], &b, NULL, 2 * WAIT_S + 1), 0);
		close(rep[0]);
		if (waitpid(helper, NULL, WNOHANG) != helper) {
			kill(helper, SIGKILL);
			waitpid(helper, NULL, 0);
		}
		const char *want = "out=out:hello\n|err=err:hello\n|exited with status 0";
		CU_ASSERT_STRING_EQUAL(text_of(&b), want);
		if (strcmp(text_of(&b), want))
			fprintf(stderr, "\n  parent fds closed mask %d: got '%s'\n", stdio_cases[i].closed,
				text_of(&b));
		buf_release(&b);
	}
}

static void test_stdio_closed(void)
{
	stdio_closed_cases(0);
}

static void test_stdin_closed(void)
{
	stdio_closed_cases(1);
}

/* POSIX: a trailing ':' in PATH is the working directory, as "::" and a leading ':' are. */
static void test_which_trailing_colon(void)
{
	char *dir = unit_tmpdir();
	which_tree(dir);
	int here = open(".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	char *cwd = xasprintf("%s/cwd", dir);
	char *path = xasprintf("%s/a:", dir);
	CU_ASSERT_EQUAL_FATAL(chdir(cwd), 0);
	char *got = spawn_which("here", path);
	CU_ASSERT_STRING_EQUAL(got ? got : "(null)", "./here");
	free(got);
	CU_ASSERT_EQUAL(fchdir(here), 0);
	close(here);
	free(path);
	free(cwd);
	unit_rmtree(dir);
	free(dir);
}

static const struct unit_test start_tests[] = {
	{ "argv reaches the child unchanged", test_argv },
	{ "the child sees exactly the given environment", test_env_exact },
	{ "stdin, stdout and stderr are pipes to the caller", test_pipes },
	{ "empty argv is refused", test_empty_argv },
	{ "exec and setup failures reported by child_start", test_exec_failure },
	{ "the child gets only fds 0, 1 and 2", test_only_stdio },
	{ "parent's closed stdout/stderr do not disturb the child", test_stdio_closed },
	{ "the child leads its own process group", test_own_group },
	{ "thp, cpu pinning and address-space cap as the child sees them", test_start_conditions },
	{ "the child dies with its parent", test_dies_with_parent },
};

static const struct unit_test wait_tests[] = {
	{ "child_wait reaps within the timeout", test_wait_in_time },
	{ "child_wait times out, child_kill reaps", test_wait_timeout_then_kill },
	{ "child_wait on what is not our child", test_wait_not_ours },
	{ "child_kill reaches a grandchild", test_kill_reaches_grandchild },
	{ "child_signal_group reaches a grandchild", test_signal_group_reaches_grandchild },
};

static const struct unit_test contain_tests[] = {
	{ "detached descendants die with a contained child (cgroup)", test_contain_cgroup },
	{ "detached descendants die with a contained child (no cgroup)", test_contain_no_cgroup },
	{ "child_wait_or_stop", test_wait_or_stop },
};

static const struct unit_test describe_tests[] = {
	{ "wait statuses", test_describe_table },
	{ "real exits and signals, ignored and blocked ones reset", test_describe_live },
};

static const struct unit_test which_tests[] = {
	{ "spawn_which table", test_which_table },
	{ "spawn_which default PATH", test_which_default_path },
	{ "spawn_which: trailing ':' in PATH", test_which_trailing_colon },
};

static const struct unit_test closed_tests[] = {
	{ "parent's stdin closed: the child still gets its stdin", test_stdin_closed },
};

int main(int argc, char **argv)
{
	(void)argc;
	const struct unit_suite suites[] = {
		UNIT_SUITE("spawn start", start_tests),
		UNIT_SUITE("spawn wait and kill", wait_tests),
		UNIT_SUITE("spawn containment", contain_tests),
		UNIT_SUITE("spawn exit wording", describe_tests),
		UNIT_SUITE("spawn_which", which_tests),
		UNIT_SUITE("spawn with closed standard descriptors", closed_tests),
	};
	/* orphaned grandchildren come to us to be reaped, not to init */
	prctl(PR_SET_CHILD_SUBREAPER, 1);
	signal(SIGPIPE, SIG_IGN);
	return unit_main(argv[0], suites, ARRAY_SIZE(suites));
}
