/* spawn.c - child processes without a shell; see spawn.h. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <linux/close_range.h>
#include <sys/personality.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cgroup.h"
#include "guard.h"
#include "reaper.h"
#include "spawn.h"

#ifndef PR_SET_THP_DISABLE
#define PR_SET_THP_DISABLE 41
#endif

void child_init(struct child *c)
{
	memset(c, 0, sizeof(*c));
	strvec_init(&c->argv);
	strvec_init(&c->env);
	c->cpu = -1;
	c->pid = -1;
	c->in_fd = c->out_fd = c->err_fd = -1;
	cgroup_init(&c->cg);
}

static void close_fd(int *fd)
{
	if (*fd >= 0) {
		close(*fd);
		*fd = -1;
	}
}

/* In the child: report "step\0errno" to the parent (best effort) and end. */
static void NORETURN child_fail(int report_w, const char *step, int e)
{
	char msg[64];
	size_t n = 0;
	for (const char *s = step; *s && n < sizeof(msg) - 12; s++)
		msg[n++] = *s;
	msg[n++] = '\0';
	memcpy(msg + n, &e, sizeof(e));
	n += sizeof(e);
	ssize_t w = write(report_w, msg, n);
	(void)w;
	_exit(127);
}

/* Only async-signal-safe calls from here to execve or _exit. */
static void NORETURN child_exec(struct child *c, int in_r, int out_w, int err_w,
				int report_w, pid_t parent)
{
	const char *step;

	/* first: everything from here on, exec included, is in the cgroup and counted */
	step = "joining its cgroup";
	if (cgroup_join(&c->cg) < 0)
		goto fail;
	step = "setpgid";
	if (setpgid(0, 0) < 0)
		goto fail;
	step = "prctl(PR_SET_PDEATHSIG)";
	if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0)
		goto fail;
	if (getppid() != parent)
		_exit(127); /* the parent died before the prctl took hold */
	if (c->thp_disable) {
		step = "prctl(PR_SET_THP_DISABLE)";
		if (prctl(PR_SET_THP_DISABLE, 1, 0, 0, 0) < 0)
			goto fail;
	}
	if (c->fixed_layout) {
		/* the personality is read, not assumed: keep what objmem's own has */
		int persona = personality(0xffffffff);
		step = "personality(ADDR_NO_RANDOMIZE)";
		if (persona < 0 || personality((unsigned long)persona | ADDR_NO_RANDOMIZE) < 0)
			goto fail;
	}
	if (c->cpu >= 0) {
		cpu_set_t set;
		CPU_ZERO(&set);
		CPU_SET(c->cpu, &set);
		step = "sched_setaffinity";
		if (sched_setaffinity(0, sizeof(set), &set) < 0)
			goto fail;
	}
	if (c->as_limit) {
		struct rlimit rl = { c->as_limit, c->as_limit };
		step = "setrlimit(RLIMIT_AS)";
		if (setrlimit(RLIMIT_AS, &rl) < 0)
			goto fail;
	}
	step = "dup2";
	if (dup2(in_r, 0) < 0 || dup2(out_w, 1) < 0 || dup2(err_w, 2) < 0)
		goto fail;
	/* dup2 onto itself (a pipe that got fd 0 because objmem's was closed) keeps
	 * close-on-exec: clear it, or exec would close the child's stdin */
	for (int fd = 0; fd < 3; fd++)
		if (fcntl(fd, F_SETFD, 0) < 0)
			goto fail;
	/*
	 * Nothing but 0, 1 and 2 reaches the child, not even descriptors
	 * objmem inherited from its own parent: mark the rest close-on-exec
	 * (closing them now would also close the exec-error pipe).
	 */
	if (syscall(SYS_close_range, 3U, ~0U, CLOSE_RANGE_CLOEXEC) < 0) {
		long max = sysconf(_SC_OPEN_MAX);
		for (long fd = 3; fd < (max > 0 ? max : 65536); fd++)
			if (fd != report_w)
				close((int)fd);
	}
	/* Default dispositions and an empty mask, as a fresh process has. */
	for (int sig = 1; sig < NSIG; sig++)
		if (sig != SIGKILL && sig != SIGSTOP)
			signal(sig, SIG_DFL);
	sigset_t none;
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	step = "execve";
	execve(c->argv.v[0], c->argv.v, c->env.v);
fail:
	child_fail(report_w, step, errno);
}

/*
 * What the child reported before exec failed, read from the report pipe
 * (which closes at a successful exec): the reason, or NULL when it started.
 */
static char *exec_report(const struct child *c, int report_r)
{
	char msg[64];
	ssize_t n;
	do
		n = read(report_r, msg, sizeof(msg));
	while (n < 0 && errno == EINTR);
	if (n <= 0)
		return NULL;
	int e = 0;
	size_t slen = strnlen(msg, (size_t)n);
	if (slen + 1 + sizeof(e) <= (size_t)n)
		memcpy(&e, msg + slen + 1, sizeof(e));
	msg[slen < sizeof(msg) ? slen : sizeof(msg) - 1] = '\0';
	if (!strcmp(msg, "execve"))
		return xasprintf("cannot run '%s': %s", c->argv.v[0], strerror(e));
	return xasprintf("cannot start '%s': %s failed: %s", c->argv.v[0], msg, strerror(e));
}

/* A contained child's cgroup, or the reasons and the subreaper that stand in for one. */
static void contain_setup(struct child *c)
{
	if (!c->contain || cgroup_active(&c->cg))
		return;
	free(c->no_cgroup);
	c->no_cgroup = NULL;
	if (cgroup_create(&c->cg, c->mem_limit, &c->no_cgroup))
		reaper_enable();
}

int child_start(struct child *c, char **why)
{
	int in[2] = { -1, -1 }, out[2] = { -1, -1 }, err[2] = { -1, -1 }, rep[2] = { -1, -1 };
	*why = NULL;
	if (!c->argv.n) {
		*why = xstrdup("empty argv");
		return -1;
	}
	if (pipe2(in, O_CLOEXEC) || pipe2(out, O_CLOEXEC) || pipe2(err, O_CLOEXEC) ||
	    pipe2(rep, O_CLOEXEC)) {
		*why = xasprintf("cannot create pipes: %s", strerror(errno));
		goto fail_fds;
	}
	if (!c->env.v)
		strvec_push_nodup(&c->env, NULL), c->env.n = 0;
	contain_setup(c);

	sigset_t all, old;
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	pid_t parent = getpid();
	reaper_lock(); /* no orphan scan may see the child before it is registered */
	pid_t pid = fork();
	if (pid == 0) {
		close(in[1]);
		close(out[0]);
		close(err[0]);
		close(rep[0]);
		child_exec(c, in[0], out[1], err[1], rep[1], parent);
	}
	int fork_errno = errno;
	if (pid > 0)
		reaper_add(pid);
	reaper_unlock();
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	cgroup_joined(&c->cg);
	close_fd(&in[0]);
	close_fd(&out[1]);
	close_fd(&err[1]);
	close_fd(&rep[1]);
	if (pid < 0) {
		*why = xasprintf("cannot fork: %s", strerror(fork_errno));
		cgroup_remove(&c->cg);
		goto fail_fds;
	}
	c->pid = pid;
	c->reaped = 0;
	/* Also set the group from here, so a kill right after start finds it. */
	setpgid(pid, pid);
	guard_add(pid);

	*why = exec_report(c, rep[0]);
	close_fd(&rep[0]);
	if (*why) {
		child_wait(c, -1);
		close_fd(&in[1]);
		close_fd(&out[0]);
		close_fd(&err[0]);
		return -1;
	}
	c->in_fd = in[1];
	c->out_fd = out[0];
	c->err_fd = err[0];
	fcntl(c->out_fd, F_SETFL, fcntl(c->out_fd, F_GETFL) | O_NONBLOCK);
	fcntl(c->err_fd, F_SETFL, fcntl(c->err_fd, F_GETFL) | O_NONBLOCK);
	return 0;

fail_fds:
	close_fd(&in[0]); close_fd(&in[1]);
	close_fd(&out[0]); close_fd(&out[1]);
	close_fd(&err[0]); close_fd(&err[1]);
	close_fd(&rep[0]); close_fd(&rep[1]);
	return -1;
}

void child_watch(struct child *c)
{
	if (!c->contain || cgroup_active(&c->cg) || c->reaped || c->pid <= 0)
		return;
	double now = now_s();
	if (now - c->watched_at < 0.25)
		return;
	c->watched_at = now;
	reaper_watch(c->pid);
}

void child_signal_group(struct child *c, int sig)
{
	if (c->pid <= 0)
		return;
	if (kill(-c->pid, sig) < 0 && !c->reaped)
		kill(c->pid, sig);
}

void child_kill(struct child *c)
{
	if (c->pid <= 0)
		return;
	if (cgroup_active(&c->cg)) {
		cgroup_kill(&c->cg, 2.0);
	} else {
		/* a descendant that left the group is still in the tree while its parent lives */
		if (c->contain && !c->reaped)
			reaper_kill_tree(c->pid);
		child_signal_group(c, SIGKILL);
	}
	child_wait(c, -1);
	/* Anything left in the group (a grandchild that changed nothing) too. */
	kill(-c->pid, SIGKILL);
}

int child_wait(struct child *c, double timeout_s)
{
	return child_wait_or_stop(c, timeout_s, NULL);
}

int child_wait_no_pidfd;

/* A descriptor that polls readable when PID exits (Linux 5.3), else -1. */
static int exit_fd(pid_t pid)
{
	if (child_wait_no_pidfd)
		return -1;
#ifdef SYS_pidfd_open
	return (int)syscall(SYS_pidfd_open, pid, 0);
#else
	(void)pid;
	errno = ENOSYS;
	return -1;
#endif
}

/*
 * Until PID exits, the deadline passes or *stop is set: poll(2) on a pidfd
 * wakes as the child exits (a child exits some milliseconds after 'done',
 * once per cell); without one, sleeps from 0.1 ms doubling to 5 ms.
 */
static void wait_a_while(int fd, double deadline, int *sleep_us)
{
	double left = deadline - now_s();
	if (fd >= 0) {
		int ms = left < 0.1 ? (int)(left * 1000) + 1 : 100;  /* back to check *stop */
		struct pollfd p = { .fd = fd, .events = POLLIN };
		poll(&p, 1, ms > 0 ? ms : 1);
		return;
	}
	long us = *sleep_us;
	if (left < us / 1e6)   /* never past the deadline */
		us = left > 0 ? (long)(left * 1e6) + 1 : 1;
	struct timespec ts = { us / 1000000, (us % 1000000) * 1000 };
	nanosleep(&ts, NULL);
	*sleep_us = *sleep_us * 2 > 5000 ? 5000 : *sleep_us * 2;
}

int child_wait_or_stop(struct child *c, double timeout_s, const volatile sig_atomic_t *stop)
{
	if (c->pid <= 0 || c->reaped)
		return 1;
	int blocking = timeout_s < 0 && !stop;
	double deadline = timeout_s < 0 ? now_s() + 1e9 : now_s() + timeout_s;
	int fd = -1, asked_fd = 0, sleep_us = 100, rc;
	for (;;) {
		int st;
		pid_t r = waitpid(c->pid, &st, blocking ? 0 : WNOHANG);
		if (r == c->pid) {
			c->reaped = 1;
			c->wait_status = st;
			rc = 1;
			break;
		}
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			rc = -1;
			break;
		}
		if (now_s() >= deadline || (stop && *stop)) {
			rc = 0;
			break;
		}
		if (!asked_fd) {
			fd = exit_fd(c->pid);
			asked_fd = 1;
		}
		wait_a_while(fd, deadline, &sleep_us);   /* without a pidfd, sleep_us grows */
	}
	if (fd >= 0)
		close(fd);
	return rc;
}

char *child_describe_exit(const struct child *c)
{
	if (!c->reaped)
		return xstrdup("still running");
	int st = c->wait_status;
	if (WIFEXITED(st))
		return xasprintf("exited with status %d", WEXITSTATUS(st));
	if (WIFSIGNALED(st))
		return xasprintf("killed by signal %d (%s)%s", WTERMSIG(st),
				 strsignal(WTERMSIG(st)), WCOREDUMP(st) ? ", core dumped" : "");
	return xasprintf("ended with wait status 0x%x", st);
}

void child_release(struct child *c)
{
	/* what the child left behind: its cgroup, or orphans that can only be its */
	if (cgroup_active(&c->cg))
		cgroup_remove(&c->cg);
	if (c->pid > 0) {
		reaper_remove(c->pid);
		guard_remove(c->pid);
		if (c->contain)
			reaper_scan(0);
	}
	free(c->no_cgroup);
	c->no_cgroup = NULL;
	close_fd(&c->in_fd);
	close_fd(&c->out_fd);
	close_fd(&c->err_fd);
	strvec_clear(&c->argv);
	strvec_clear(&c->env);
}

int spawn_fixed_layout_ok(char **why)
{
	/* tried on objmem itself and put back: a persona only matters at exec */
	int persona = personality(0xffffffff);
	if (persona >= 0 && personality((unsigned long)persona | ADDR_NO_RANDOMIZE) >= 0) {
		personality((unsigned long)persona);
		return 1;
	}
	*why = xasprintf("personality(ADDR_NO_RANDOMIZE): %s", strerror(errno));
	return 0;
}

char *spawn_which(const char *cmd, const char *path_env)
{
	if (!cmd || !*cmd)
		return NULL;
	if (strchr(cmd, '/'))
		return access(cmd, X_OK) == 0 ? xstrdup(cmd) : NULL;
	const char *p = path_env ? path_env : "/usr/local/bin:/usr/bin:/bin";
	if (!*p)
		return NULL;
	for (;;) {
		/* an empty entry (leading, "::" or trailing) is the current directory */
		const char *colon = strchr(p, ':');
		size_t len = colon ? (size_t)(colon - p) : strlen(p);
		char *full = len ? xasprintf("%.*s/%s", (int)len, p, cmd) : xasprintf("./%s", cmd);
		struct stat st;
		if (stat(full, &st) == 0 && S_ISREG(st.st_mode) && access(full, X_OK) == 0)
			return full;
		free(full);
		if (!colon)
			break;
		p = colon + 1;
	}
	return NULL;
}
