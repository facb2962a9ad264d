/*
 * test_agent.c - agent.c's one-shot calls on real children: a probe or a
 * prepare that hangs (tests/fixtures/slow-python, which also starts a child
 * of its own, as a compiler would) ends at its timeout, or within a second
 * of a stop request (runner_stop_signal, set by SIGINT or SIGTERM), with
 * its whole process tree gone, with cgroups and without (OBJMEM_CGROUP=off);
 * a call made once stopped starts nothing; a real probe still answers; a
 * prepare() that raises a 1 MB message gives a reason cut with a mark.
 *
 * Every wait is bounded; files go under unit_tmpdir().
 */
#include <dirent.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "agent.h"
#include "cgroup.h"
#include "procmem.h"
#include "runner.h"
#include "unit.h"

struct world {
	char *tmp, *saved_src, *saved_cache, *saved_xdg;
	struct catalog cat;
	int loaded;
};

static char *saved(const char *name)
{
	const char *v = getenv(name);
	return v ? xstrdup(v) : NULL;
}

static void restore(const char *name, char *value)
{
	if (value)
		setenv(name, value, 1);
	else
		unsetenv(name);
	free(value);
}

static int world_enter(struct world *w)
{
	memset(w, 0, sizeof(*w));
	w->tmp = unit_tmpdir();
	w->saved_src = saved("OBJMEM_SRCDIR");
	w->saved_cache = saved("OBJMEM_CACHE");
	w->saved_xdg = saved("XDG_DATA_HOME");
	char real[PATH_MAX];
	if (!w->saved_src && realpath(".", real))
		setenv("OBJMEM_SRCDIR", real, 1);
	char *cache = xasprintf("%s/cache", w->tmp), *xdg = xasprintf("%s/xdg", w->tmp);
	setenv("OBJMEM_CACHE", cache, 1);
	setenv("XDG_DATA_HOME", xdg, 1);
	free(cache);
	free(xdg);
	unit_stderr_begin();
	int rc = catalog_load(&w->cat);
	free(unit_stderr_end());
	CU_ASSERT_EQUAL(rc, 0);
	w->loaded = !rc;
	return rc;
}

static void world_leave(struct world *w)
{
	if (w->loaded)
		catalog_release(&w->cat);
	restore("OBJMEM_SRCDIR", w->saved_src);
	restore("OBJMEM_CACHE", w->saved_cache);
	restore("XDG_DATA_HOME", w->saved_xdg);
	unit_rmtree(w->tmp);
	free(w->tmp);
}

/* pids whose command line starts with name (at most max). */
static int find_named(const char *name, pid_t *out, int max)
{
	DIR *d = opendir("/proc");
	int n = 0;
	struct dirent *e;
	while (d && (e = readdir(d)) && n < max) {
		char *end, path[64], text[256];
		long pid = strtol(e->d_name, &end, 10);
		if (*end || pid <= 0)
			continue;
		snprintf(path, sizeof(path), "/proc/%ld/cmdline", pid);
		if (procmem_read_text(path, text, sizeof(text)) > 0 && !strcmp(text, name))
			out[n++] = (pid_t)pid;
	}
	if (d)
		closedir(d);
	return n;
}

/* No slow-python-child is left, within two seconds (else it is killed and the test fails). */
static void check_tree_gone(const char *what)
{
	pid_t left[16];
	int n = 0;
	for (double end = now_s() + 2; now_s() < end; unit_sleep(0.01))
		if (!(n = find_named("slow-python-child", left, 16)))
			return;
	fprintf(stderr, "\n  %s: %d child(ren) of the agent left\n", what, n);
	CU_FAIL("the agent's own child outlived the call");
	for (int i = 0; i < n; i++)
		kill(left[i], SIGKILL);
}

struct stopper {
	double after, at;
};

static void *stop_later(void *arg)
{
	struct stopper *st = arg;
	unit_sleep(st->after);
	st->at = now_s();
	runner_stop_signal = SIGTERM;
	return NULL;
}

static const struct oneshot_case {
	const char *name;
	const char *slow_at;   /* the mode slow-python hangs in */
	int prepare;           /* agent_prepare; else agent_probe */
	double timeout_s;
	double stop_after;     /* seconds until the stop request; 0: none; < 0: made before */
	int rc;
	const char *why;       /* start of the reason; NULL: none */
	double max_s;          /* the call returns within this (after the stop, when one) */
} oneshot_cases[] = {
	{ "probe that hangs, 1 s timeout", "probe", 0, 1, 0, -1, "no answer within 1 s", 6 },
	{ "probe that hangs, stopped", "probe", 0, 600, 1.0, -1, "interrupted", 1 },
	{ "prepare that hangs, 1 s timeout", "prepare", 1, 1, 0, -1, "no answer within 1 s", 6 },
	{ "prepare that hangs, stopped: no reason to print", "prepare", 1, 600, 1.0, -1, NULL, 1 },
	{ "probe once stopped: nothing starts", "probe", 0, 600, -1, -1, "interrupted", 0.5 },
	{ "a probe that answers", "nothing", 0, 120, 0, 0, NULL, 120 },
};

static void run_oneshot(struct world *w, const struct oneshot_case *t, const char *mode)
{
	struct interp in;
	interp_init(&in);
	in.name = xstrdup("slow");
	strvec_push(&in.argv, unit_fixture("slow-python/slow-python"));
	char *slow_at = xasprintf("SLOW_AT=%s", t->slow_at);
	strvec_clear(&w->cat.env);   /* as run --env gives it */
	strvec_push(&w->cat.env, slow_at);
	free(slow_at);
	struct stopper st = { t->stop_after, 0 };
	pthread_t th;
	if (t->stop_after < 0)
		runner_stop_signal = SIGINT;
	int threaded = t->stop_after > 0 && pthread_create(&th, NULL, stop_later, &st) == 0;
	char *why = NULL;
	double t0 = now_s();
	int rc = t->prepare ? agent_prepare(&w->cat, &in, "slots", t->timeout_s, &why)
		: agent_probe(&w->cat, &in, t->timeout_s, &why);
	double took = now_s() - (threaded ? st.at : t0);
	if (threaded)
		pthread_join(th, NULL);
	runner_stop_signal = 0;
	int ok = rc == t->rc && (t->why ? why && !strncmp(why, t->why, strlen(t->why)) : !why) &&
		 took < t->max_s;
	if (!ok)
		fprintf(stderr, "\n  %s (OBJMEM_CGROUP=%s): rc %d, '%s', %.2f s\n", t->name, mode, rc,
			why ? why : "(no reason)", took);
	CU_ASSERT(ok);
	check_tree_gone(t->name);
	free(why);
	interp_release(&in);
	strvec_clear(&w->cat.env);
}

static void test_oneshot_table(void)
{
	static const char *const modes[] = { "auto", "off" };
	struct world w;
	if (!world_enter(&w))
		for (size_t m = 0; m < ARRAY_SIZE(modes); m++) {
			setenv("OBJMEM_CGROUP", modes[m], 1);
			cgroup_forget();
			for (size_t i = 0; i < ARRAY_SIZE(oneshot_cases); i++)
				run_oneshot(&w, &oneshot_cases[i], modes[m]);
		}
	unsetenv("OBJMEM_CGROUP");
	cgroup_forget();
	world_leave(&w);
}

/* A prepare() that raises a 1 MB message: the reason is cut, with a mark. */
static void test_prepare_long_reason(void)
{
	struct world w;
	if (world_enter(&w)) {
		world_leave(&w);
		return;
	}
	char *path = xasprintf("%s/objmem_unit_prep.py", w.tmp);
	FILE *f = fopen(path, "w");
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	fputs("DESCRIPTION = 'prepare raises a long message (test_agent)'\n"
	      "def prepare():\n    raise RuntimeError('p' * 1000000)\n"
	      "def setup():\n    return lambda i: object()\n", f);
	fclose(f);
	unit_stderr_begin();
	const struct workload_info *wi = catalog_add_workload_file(&w.cat, path);
	free(unit_stderr_end());
	CU_ASSERT_PTR_NOT_NULL_FATAL(wi);
	struct interp in;
	interp_init(&in);
	in.name = xstrdup("py");
	char *py = spawn_which("python3", getenv("PATH"));
	CU_ASSERT_PTR_NOT_NULL_FATAL(py);
	strvec_push(&in.argv, py);
	char *why = NULL;
	CU_ASSERT_EQUAL(agent_prepare(&w.cat, &in, workload_agent_arg(&w.cat, wi->name), 120, &why), -1);
	CU_ASSERT(why && !strncmp(why, "RuntimeError: pppp", 18));
	CU_ASSERT(why && strstr(why, "\xe2\x80\xa6 [truncated, 1000014 bytes]"));
	CU_ASSERT(why && strlen(why) < 8000);
	free(why);
	free(py);
	interp_release(&in);
	free(path);
	world_leave(&w);
}

static const struct unit_test oneshot_tests[] = {
	{ "probe and prepare: timeouts and stop requests", test_oneshot_table },
	{ "a long reason from prepare", test_prepare_long_reason },
};

int main(int argc, char **argv)
{
	(void)argc;
	const struct unit_suite suites[] = { UNIT_SUITE("agent one-shot calls", oneshot_tests) };
	return unit_main(argv[0], suites, ARRAY_SIZE(suites));
}
