/*
 * test_runner.c - runner.c's runner_run_cell on real cells with the system python3 (found on PATH):
 * the "slots" workload measured at all four phases (at 1000 objects, and
 * at 100000 for a bytes-per-object figure between 30 and 200), and
 * workload files written here that raise, skip, or hang in setup (failed
 * by the timeout within a bounded time, the child gone); and matrix.c's
 * matrix_run over a 2 x 2 x 1 matrix written to a results file that reads
 * back in the one order of cells, then resumed with nothing left to do;
 * and an output that cannot be written failing the run with nothing
 * written (the shards are test_matrix.c's).
 *
 * Every file goes under unit_tmpdir(), removed at the end; every child is
 * waited for by the runner (the tests check that its pid is gone).
 */
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cgroup.h"
#include "matrix.h"
#include "procmem.h"
#include "runner.h"
#include "spawn.h"
#include "unit.h"

/* ---- real cells ---- */

struct world {
	char *tmp;
	char *python;
	char *saved_xdg, *saved_cache, *saved_src;
	struct catalog cat;
	int cat_loaded;
	struct interp in;
	struct config cfg;
	struct run_config rc;
};

static void restore(const char *name, char *saved)
{
	if (saved)
		setenv(name, saved, 1);
	else
		unsetenv(name);
	free(saved);
}

static char *saved_env(const char *name)
{
	const char *v = getenv(name);
	return v ? xstrdup(v) : NULL;
}

/*
 * The catalog of the repository (OBJMEM_SRCDIR, else the current
 * directory, as unit_fixture takes it), without the user's
 * definitions or cache; python3 from PATH; one count, one repetition.
 */
static int world_enter(struct world *w)
{
	memset(w, 0, sizeof(*w));
	interp_init(&w->in);
	config_init(&w->cfg);
	w->python = spawn_which("python3", getenv("PATH"));
	if (!w->python) {
		CU_FAIL("no python3 on PATH");
		return -1;
	}
	w->tmp = unit_tmpdir();
	w->saved_src = saved_env("OBJMEM_SRCDIR");
	char real[PATH_MAX];
	if (!w->saved_src && realpath(".", real))
		setenv("OBJMEM_SRCDIR", real, 1); /* as unit_fixture: the current directory */
	w->saved_xdg = saved_env("XDG_DATA_HOME");
	w->saved_cache = saved_env("OBJMEM_CACHE");
	char *xdg = xasprintf("%s/xdg", w->tmp), *cache = xasprintf("%s/cache", w->tmp);
	setenv("XDG_DATA_HOME", xdg, 1);
	setenv("OBJMEM_CACHE", cache, 1);
	free(xdg);
	free(cache);
	unit_stderr_begin();
	int rc = catalog_load(&w->cat);
	char *err = unit_stderr_end();
	if (rc)
		fprintf(stderr, "\ncatalog_load: %s\n", err);
	free(err);
	CU_ASSERT_EQUAL(rc, 0);
	if (rc)
		return -1;
	w->cat_loaded = 1;
	w->in.name = xstrdup("py");
	strvec_push(&w->in.argv, w->python);
	w->in.origin = xstrdup("PATH");
	w->cfg.present = 1;
	w->cfg.counts = xcalloc(1, sizeof(*w->cfg.counts));
	w->cfg.counts[0] = 1000;
	w->cfg.n_counts = 1;
	w->cfg.repeat = 1;
	w->cfg.jobs = 1;
	w->cfg.timeout_s = 60;
	w->cfg.poll_s = 0.01;
	strvec_push(&w->cfg.workloads, "slots");
	w->rc.rec = &w->cfg;
	w->rc.output = NULL;
	w->rc.quiet = 1;
	return 0;
}

static void world_leave(struct world *w)
{
	if (w->cat_loaded)
		catalog_release(&w->cat);
	interp_release(&w->in);
	config_release(&w->cfg);
	restore("XDG_DATA_HOME", w->saved_xdg);
	restore("OBJMEM_CACHE", w->saved_cache);
	restore("OBJMEM_SRCDIR", w->saved_src);
	if (w->tmp)
		unit_rmtree(w->tmp);
	free(w->tmp);
	free(w->python);
}

/* A workload file TMP/NAME.py added to the catalog; returns its name. */
static const char *add_workload(struct world *w, const char *name, const char *source)
{
	char *path = xasprintf("%s/%s.py", w->tmp, name);
	FILE *f = fopen(path, "w");
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	fputs(source, f);
	CU_ASSERT_EQUAL(fclose(f), 0);
	unit_stderr_begin();
	const struct workload_info *wi = catalog_add_workload_file(&w->cat, path);
	char *err = unit_stderr_end();
	free(err);
	free(path);
	CU_ASSERT_PTR_NOT_NULL_FATAL(wi);
	CU_ASSERT(wi->external);
	return wi->name;
}

static void run_cell(struct world *w, const char *workload, uint64_t count, struct cell *c)
{
	cell_init(c);
	c->interpreter = xstrdup(w->in.name);
	c->workload = xstrdup(workload);
	c->count = count;
	c->repeat = 1;
	runner_run_cell(&w->cat, &w->in, &w->rc, c);
}

/* The runner waited for its child: the pid is gone. */
static void check_child_gone(const struct cell *c)
{
	CU_ASSERT(c->pid > 0);
	if (c->pid > 0) {
		errno = 0;
		CU_ASSERT(kill(c->pid, 0) == -1 && errno == ESRCH);
	}
}

static void check_ok_cell(const struct cell *c, double lo, double hi)
{
	if (c->status != CELL_OK)
		fprintf(stderr, "\nslots cell: %s: %s\n%s\n", cell_status_name(c->status),
			c->reason ? c->reason : "", c->stderr_tail ? c->stderr_tail : "");
	CU_ASSERT_EQUAL_FATAL(c->status, CELL_OK);
	CU_ASSERT_PTR_NULL(c->reason);
	for (int p = 0; p < PHASE_COUNT; p++) {
		CU_ASSERT(c->samples[p].valid);
		CU_ASSERT(c->samples[p].uss > 0);
		CU_ASSERT(c->samples[p].rss >= c->samples[p].uss);
	}
	CU_ASSERT(c->getsizeof > 0);
	CU_ASSERT(c->container_bytes >= 8 * (int64_t)c->count);
	double bpo = -1;
	CU_ASSERT_EQUAL(cell_bytes_per_object(c, &bpo), 0);
	if (bpo < lo || bpo > hi)
		fprintf(stderr, "\nslots at %llu objects: %.1f bytes per object\n",
			(unsigned long long)c->count, bpo);
	CU_ASSERT(bpo >= lo && bpo <= hi);
	CU_ASSERT(c->peak.valid && c->peak.vm_hwm >= c->samples[PHASE_FULL].uss);
	CU_ASSERT(c->wall_s > 0 && c->wall_s < 60);
	check_child_gone(c);
}

static void test_ok_cell(void)
{
	struct world w;
	if (!world_enter(&w)) {
		/*
		 * 1000 objects (64 kB) can fit in pages the interpreter had
		 * already touched and freed before 'base': CPython 3.11 shows
		 * 0 bytes per object there, in `objmem run` too. A real figure
		 * needs more objects.
		 */
		struct cell c;
		run_cell(&w, "slots", 1000, &c);
		check_ok_cell(&c, 0, 200);
		cell_release(&c);
		/* 100k objects, read from smaps instead of smaps_rollup */
		w.cfg.memory_source = xstrdup("smaps");
		CU_ASSERT(run_config_smaps(&w.rc));
		run_cell(&w, "slots", 100000, &c);
		check_ok_cell(&c, 30, 200);
		cell_release(&c);
	}
	world_leave(&w);
}

static const struct fault_case {
	const char *name;       /* the workload file's stem */
	const char *source;
	double timeout_s;
	enum cell_status status;
	const char *reason;     /* the start of the reason */
	int base_sampled;
} fault_cases[] = {
	{ "objmem_unit_raises",
	  "DESCRIPTION = 'raises in setup (test_runner)'\n\n"
	  "def setup():\n"
	  "    raise ValueError('broken on purpose 42')\n",
	  60, CELL_FAILED, "the workload raised: ValueError: broken on purpose 42", 0 },
	{ "objmem_unit_skips",
	  "from _objmem import Skip\n\n"
	  "DESCRIPTION = 'skips in setup (test_runner)'\n\n"
	  "def setup():\n"
	  "    raise Skip('needs a feature this interpreter lacks')\n",
	  60, CELL_SKIPPED, "needs a feature this interpreter lacks", 0 },
	{ "objmem_unit_hangs",
	  "import time\n\n"
	  "DESCRIPTION = 'hangs in setup (test_runner)'\n\n"
	  "def setup():\n"
	  "    time.sleep(3600)\n",
	  5, CELL_FAILED, "timeout: no 'base' line within 5 s", 0 },
	{ "objmem_unit_dies",
	  "import os\n\n"
	  "DESCRIPTION = 'exits in the factory (test_runner)'\n\n"
	  "def setup():\n"
	  "    def make(i):\n"
	  "        if i == 100:\n"
	  "            os._exit(3)\n"
	  "        return object()\n"
	  "    return make\n",
	  60, CELL_FAILED, "the child exited with status 3 before 'full'", 1 },
};

static void test_faults(void)
{
	struct world w;
	if (!world_enter(&w)) {
		for (size_t i = 0; i < ARRAY_SIZE(fault_cases); i++) {
			const struct fault_case *t = &fault_cases[i];
			const char *name = add_workload(&w, t->name, t->source);
			w.cfg.timeout_s = t->timeout_s;
			struct cell c;
			double t0 = now_s();
			run_cell(&w, name, 1000, &c);
			double took = now_s() - t0;
			int ok = c.status == t->status && c.reason &&
				 !strncmp(c.reason, t->reason, strlen(t->reason));
			if (!ok)
				fprintf(stderr, "\n%s: %s: '%s'\n", t->name, cell_status_name(c.status),
					c.reason ? c.reason : "(no reason)");
			CU_ASSERT(ok);
			/* the start was sampled; what came after depends on the fault */
			CU_ASSERT(c.samples[PHASE_START].valid);
			CU_ASSERT_EQUAL(c.samples[PHASE_BASE].valid, t->base_sampled);
			CU_ASSERT(!c.samples[PHASE_FULL].valid);
			CU_ASSERT_EQUAL(cell_bytes_per_object(&c, &(double){ 0 }), -1);
			/* a bounded wait: the timeout and the kill, not the hour of sleep */
			CU_ASSERT(took < t->timeout_s + 15);
			if (t->timeout_s < 60)
				CU_ASSERT(took >= t->timeout_s);
			if (c.status == CELL_FAILED && !strncmp(t->reason, "the workload raised", 19))
				CU_ASSERT(c.stderr_tail && strstr(c.stderr_tail, "broken on purpose 42"));
			check_child_gone(&c);
			cell_release(&c);
		}
	}
	world_leave(&w);
}

/* ---- what a cell may not do: outlive itself, pass --max-memory, break lines ---- */

/* Cgroups as the machine has them ("auto"), or none ("off"): discovered afresh. */
static void use_cgroups(const char *mode)
{
	if (mode)
		setenv("OBJMEM_CGROUP", mode, 1);
	else
		unsetenv("OBJMEM_CGROUP");
	cgroup_forget();
}

static const char *const cgroup_modes[] = { "auto", "off" };

/* A process that is still there with marker in its command line. */
static int alive_with(pid_t pid, const char *marker)
{
	char path[64], text[4096];
	snprintf(path, sizeof(path), "/proc/%d/cmdline", (int)pid);
	ssize_t n = procmem_read_text(path, text, sizeof(text));
	return n > 0 && memmem(text, (size_t)n, marker, strlen(marker)) != NULL;
}

static const char detach_source[] =
	"import os, time\n"
	"DESCRIPTION = 'leaves a setsid grandchild and a daemon (test_runner)'\n"
	"def _linger(how, out):\n"
	"    os.setsid()\n"
	"    if how == 'daemon' and os.fork():\n"
	"        os._exit(0)\n"
	"    f = open(out, 'a'); f.write('%d\\n' % os.getpid()); f.close()\n"
	"    os.execv('/bin/sleep', ['objmem-unit-detached', '300'])\n"
	"def setup():\n"
	"    out = os.environ['DETACH_PIDS']\n"
	"    for how in ('setsid', 'daemon'):\n"
	"        pid = os.fork()\n"
	"        if pid == 0:\n"
	"            try:\n"
	"                _linger(how, out)\n"
	"            finally:\n"
	"                os._exit(0)\n"
	"        if how == 'daemon':\n"
	"            os.waitpid(pid, 0)\n"
	"    while True:\n"
	"        try:\n"
	"            if len(open(out).read().split()) >= 2:\n"
	"                break\n"
	"        except FileNotFoundError:\n"
	"            pass  # neither has written yet\n"
	"        time.sleep(0.01)\n"
	"    if os.environ.get('DETACH_HANG'):\n"
	"        return lambda i: time.sleep(3600)\n"
	"    return lambda i: object()\n";

/* The processes whose pids the workload wrote to path are gone (2 of them). */
static void check_detached_gone(const char *path, const char *mode)
{
	struct buf b = BUF_INIT;
	CU_ASSERT_EQUAL(read_file(path, 4096, &b), 0);
	int n = 0;
	for (char *p = b.p, *end; p && *p; p = end, n++) {
		pid_t pid = (pid_t)strtol(p, &end, 10);
		if (end == p)
			break;
		double deadline = now_s() + 2;
		while (alive_with(pid, "objmem-unit-detached") && now_s() < deadline)
			unit_sleep(0.01);
		if (alive_with(pid, "objmem-unit-detached")) {
			fprintf(stderr, "\n%s: pid %d outlived its cell\n", mode, pid);
			CU_FAIL("a detached process outlived its cell");
			kill(pid, SIGKILL);
		}
	}
	CU_ASSERT_EQUAL(n, 2);
	buf_release(&b);
}

/* A setsid grandchild and a double-forked daemon are gone when their cell ends. */
static void test_detached_gone(void)
{
	struct world w;
	if (!world_enter(&w)) {
		const char *name = add_workload(&w, "objmem_unit_detaches", detach_source);
		for (size_t m = 0; m < ARRAY_SIZE(cgroup_modes); m++) {
			use_cgroups(cgroup_modes[m]);
			char *pids = xasprintf("%s/pids-%s", w.tmp, cgroup_modes[m]);
			strvec_setenv(&w.cat.env, "DETACH_PIDS", pids);   /* run --env */
			struct cell c;
			run_cell(&w, name, 1000, &c);
			if (c.status != CELL_OK)
				fprintf(stderr, "\n%s: %s\n%s\n", cgroup_modes[m], c.reason ? c.reason : "",
					c.stderr_tail ? c.stderr_tail : "");
			CU_ASSERT_EQUAL(c.status, CELL_OK);
			check_detached_gone(pids, cgroup_modes[m]);
			cell_release(&c);
			free(pids);
		}
		strvec_clear(&w.cat.env);
		use_cgroups(NULL);
	}
	world_leave(&w);
}

/*
 * 2 GB in setup() under --max-memory 200M: the kernel kills it where a
 * cgroup holds the limit, the RSS check before 'base' otherwise; the config
 * says which.
 */
static void test_max_memory_in_setup(void)
{
	struct world w;
	if (world_enter(&w)) {
		world_leave(&w);
		return;
	}
	const char *name = add_workload(&w, "objmem_unit_hog",
					"DESCRIPTION = '2 GB in setup (test_runner)'\n"
					"def setup():\n"
					"    hog = b'\\x01' * (2 << 30)\n"
					"    return lambda i: (hog, i)\n");
	for (size_t m = 0; m < ARRAY_SIZE(cgroup_modes); m++) {
		use_cgroups(cgroup_modes[m]);
		const char *kernel = cgroup_memory_name(cgroup_memory_available());
		free(w.cfg.memory_limit);
		w.cfg.memory_limit = NULL;
		w.cfg.max_memory = 200u << 20;
		struct cell c;
		double t0 = now_s();
		run_cell(&w, name, 1000, &c);
		const char *want = kernel ? "killed by the kernel's OOM killer at --max-memory 200 MiB"
			: "exceeded --max-memory (200 MiB) ";
		int ok = c.status == CELL_FAILED && c.reason && !strncmp(c.reason, want, strlen(want));
		if (!ok)
			fprintf(stderr, "\n%s: %s: '%s'\n", cgroup_modes[m], cell_status_name(c.status),
				c.reason ? c.reason : "");
		CU_ASSERT(ok);
		CU_ASSERT_STRING_EQUAL(w.cfg.memory_limit ? w.cfg.memory_limit : "(null)",
				       kernel ? kernel : "rss checks");
		CU_ASSERT(now_s() - t0 < 60);
		check_child_gone(&c);
		cell_release(&c);
	}
	w.cfg.max_memory = 0;
	use_cgroups(NULL);
	world_leave(&w);
}

/* Texts of any length reach the results, cut with a mark (the agent cuts them). */
static const struct long_case {
	const char *name, *source;
	enum cell_status status;
	const char *start;      /* the reason (or the note, for ok) starts so */
} long_cases[] = {
	{ "objmem_unit_long_raise",
	  "def setup():\n    raise ValueError('x' * 1000000)\n",
	  CELL_FAILED, "the workload raised: ValueError: xxxx" },
	{ "objmem_unit_long_skip",
	  "from _objmem import Skip\ndef setup():\n    raise Skip('y' * 300000)\n",
	  CELL_SKIPPED, "yyyy" },
	{ "objmem_unit_long_note",
	  "def setup():\n    return (lambda i: object()), 'z' * 200000\n",
	  CELL_OK, "zzzz" },
};

static void test_long_texts(void)
{
	struct world w;
	if (world_enter(&w)) {
		world_leave(&w);
		return;
	}
	for (size_t i = 0; i < ARRAY_SIZE(long_cases); i++) {
		const struct long_case *t = &long_cases[i];
		struct cell c;
		run_cell(&w, add_workload(&w, t->name, t->source), 1000, &c);
		const char *text = t->status == CELL_OK ? c.note : c.reason;
		int ok = c.status == t->status && text && !strncmp(text, t->start, strlen(t->start)) &&
			 strstr(text, "\xe2\x80\xa6 [truncated, ") && strlen(text) < 8000;
		if (!ok)
			fprintf(stderr, "\n%s: %s: '%.200s'\n", t->name, cell_status_name(c.status),
				text ? text : "(none)");
		CU_ASSERT(ok);
		cell_release(&c);
	}
	world_leave(&w);
}

/*
 * Lines longer than PROTO_MAX_LINE from a child that does not cut them (a
 * shell playing the agent): a long reason or note is kept, cut and marked,
 * and the conversation goes on after a long note; a flood is an error.
 */
static const struct overlong_case {
	const char *name, *script;
	enum cell_status status;
	const char *want;   /* start of the reason (or of the note, for ok) */
} overlong_cases[] = {
	{ "a 200 kB error line",
	  "echo 'OBJMEM/1 phase {\"phase\":\"start\"}'; read go; "
	  "printf 'OBJMEM/1 error {\"reason\":\"E: '; head -c 200000 /dev/zero | tr '\\0' e; "
	  "printf '\"}\\n'; sleep 5",
	  CELL_FAILED, "the workload raised: E: eeee" },
	{ "a 100 kB note, then the rest of the cell",
	  "echo 'OBJMEM/1 phase {\"phase\":\"start\"}'; read go; "
	  "printf 'OBJMEM/1 phase {\"phase\":\"base\",\"getsizeof\":8,\"note\":\"'; "
	  "head -c 100000 /dev/zero | tr '\\0' n; printf '\"}\\n'; read go; "
	  "echo 'OBJMEM/1 phase {\"phase\":\"full\"}'; read go; "
	  "echo 'OBJMEM/1 phase {\"phase\":\"freed\"}'; read go; echo 'OBJMEM/1 done {}'",
	  CELL_OK, "nnnn" },
	{ "a flood without newline",
	  "echo 'OBJMEM/1 phase {\"phase\":\"start\"}'; read go; head -c 300000 /dev/zero | tr '\\0' f; "
	  "sleep 5",
	  CELL_FAILED, "protocol error: a stdout line longer than 65536 bytes" },
};

/* A new slots cell of count objects, repetition 1, of interpreter name. */
static void slots_cell(struct cell *c, const char *name, uint64_t count)
{
	cell_init(c);
	c->interpreter = xstrdup(name);
	c->workload = xstrdup("slots");
	c->count = count;
	c->repeat = 1;
}

static void test_overlong_lines(void)
{
	struct world w;
	if (world_enter(&w)) {
		world_leave(&w);
		return;
	}
	for (size_t i = 0; i < ARRAY_SIZE(overlong_cases); i++) {
		const struct overlong_case *t = &overlong_cases[i];
		struct interp sh;
		interp_init(&sh);
		sh.name = xstrdup("sh");
		strvec_push(&sh.argv, "/bin/sh");
		strvec_push(&sh.argv, "-c");
		strvec_push(&sh.argv, t->script);
		strvec_push(&sh.argv, "sh");
		struct cell c;
		slots_cell(&c, "sh", 1);
		double t0 = now_s();
		runner_run_cell(&w.cat, &sh, &w.rc, &c);
		const char *text = t->status == CELL_OK ? c.note : c.reason;
		int ok = c.status == t->status && text && !strncmp(text, t->want, strlen(t->want));
		if (t->status != CELL_OK || strncmp(t->want, "protocol", 8))
			ok = ok && (!strncmp(t->want, "protocol", 8) ||
				    strstr(text, "[truncated: the line is longer than 65536 bytes]"));
		if (!ok)
			fprintf(stderr, "\n%s: %s: '%.120s'\n", t->name, cell_status_name(c.status),
				text ? text : "(none)");
		CU_ASSERT(ok);
		CU_ASSERT(now_s() - t0 < 4);   /* killed, not waited for */
		cell_release(&c);
		interp_release(&sh);
	}
	world_leave(&w);
}

/* Sets runner_stop_signal once the workload has written its two pids (at most 60 s). */
struct stopper {
	const char *pids;
	double at;          /* when it did */
};

static void *stop_later(void *arg)
{
	struct stopper *st = arg;
	for (double end = now_s() + 60; now_s() < end; unit_sleep(0.01)) {
		char text[256];
		if (procmem_read_text(st->pids, text, sizeof(text)) > 0 && strchr(text, '\n') &&
		    strchr(text, '\n') != strrchr(text, '\n'))
			break;
	}
	unit_sleep(0.2);   /* in the fill by now */
	st->at = now_s();
	runner_stop_signal = SIGINT;
	return NULL;
}

/*
 * A stop request ends a cell hanging in its fill within a second, with
 * what it detached (with cgroups and without), and no cell starts after.
 */
static void test_stop_in_cell(void)
{
	struct world w;
	if (world_enter(&w)) {
		world_leave(&w);
		return;
	}
	const char *name = add_workload(&w, "objmem_unit_stop", detach_source);
	strvec_setenv(&w.cat.env, "DETACH_HANG", "1");
	w.cfg.timeout_s = 600;
	for (size_t m = 0; m < ARRAY_SIZE(cgroup_modes); m++) {
		use_cgroups(cgroup_modes[m]);
		char *pids = xasprintf("%s/pids-stop-%s", w.tmp, cgroup_modes[m]);
		strvec_setenv(&w.cat.env, "DETACH_PIDS", pids);   /* run --env */
		struct stopper st = { pids, 0 };
		pthread_t th;
		CU_ASSERT_FATAL(pthread_create(&th, NULL, stop_later, &st) == 0);
		struct cell c;
		run_cell(&w, name, 1000, &c);
		double ended = now_s();
		pthread_join(th, NULL);
		CU_ASSERT_EQUAL(c.status, CELL_FAILED);
		CU_ASSERT_STRING_EQUAL(c.reason ? c.reason : "", "interrupted");
		CU_ASSERT(ended - st.at < 1.0);
		check_child_gone(&c);
		check_detached_gone(pids, cgroup_modes[m]);
		cell_release(&c);
		/* stopped: the next cell ends at once */
		run_cell(&w, name, 1000, &c);
		CU_ASSERT(now_s() - ended < 1.0);
		CU_ASSERT_STRING_EQUAL(c.reason ? c.reason : "", "interrupted");
		cell_release(&c);
		runner_stop_signal = 0;
		free(pids);
	}
	strvec_clear(&w.cat.env);
	use_cgroups(NULL);
	world_leave(&w);
}

/* ---- a child started ahead of its turn ---- */

static void on_full_count(void *arg, int phase)
{
	if (phase == PHASE_FULL)
		(*(int *)arg)++;
}

/*
 * Started, left waiting 0.3 s, then finished: the same cell as one run at
 * once, its wall counted from its turn, the hook called once after 'full';
 * a child started and dropped is gone, and its cell has no result.
 */
static void test_ahead(void)
{
	struct world w;
	if (world_enter(&w)) {
		world_leave(&w);
		return;
	}
	struct cell c;
	slots_cell(&c, w.in.name, 100000);
	struct cell_run *cr = runner_cell_start(&w.cat, &w.in, &w.rc, &c, 1);
	CU_ASSERT_PTR_NOT_NULL_FATAL(cr);
	CU_ASSERT(c.pid > 0);
	usleep(300 * 1000);
	int fulls = 0;
	struct runner_hook hook = { on_full_count, &fulls };
	double t0 = now_s();
	runner_cell_finish(cr, &hook);
	double took = now_s() - t0;
	check_ok_cell(&c, 30, 200);
	CU_ASSERT_EQUAL(fulls, 1);
	CU_ASSERT(c.wall_s <= took + 0.001);
	cell_release(&c);

	slots_cell(&c, w.in.name, 1000);
	cr = runner_cell_start(&w.cat, &w.in, &w.rc, &c, 1);
	CU_ASSERT_PTR_NOT_NULL_FATAL(cr);
	int pid = c.pid;
	usleep(100 * 1000);
	runner_cell_drop(cr);
	CU_ASSERT(pid > 0);
	errno = 0;
	CU_ASSERT(kill(pid, 0) == -1 && errno == ESRCH);
	CU_ASSERT_EQUAL(c.status, CELL_PENDING);
	CU_ASSERT(!c.samples[PHASE_START].valid);
	cell_release(&c);
	world_leave(&w);
}

/*
 * A cell run to 'full' and held: its child frees on its own and stays
 * (it cannot end before its 'freed' is answered), even after a wait; then
 * finish samples 'freed' and ends it, an ok cell, its wall_s the time it
 * held its caller (the wait left out). A held cell finished after a stop
 * request is interrupted, and its child gone.
 */
static void test_held(void)
{
	struct world w;
	if (world_enter(&w)) {
		world_leave(&w);
		return;
	}
	for (int stop = 0; stop <= 1; stop++) {
		struct cell c;
		slots_cell(&c, w.in.name, 100000);
		int fulls = 0;
		struct runner_hook hook = { on_full_count, &fulls };
		double t0 = now_s();
		struct cell_run *cr = runner_cell_to_full(runner_cell_start(&w.cat, &w.in, &w.rc, &c, 0),
							  &hook);
		double to_full = now_s() - t0;
		CU_ASSERT_PTR_NOT_NULL_FATAL(cr);
		CU_ASSERT_EQUAL(fulls, 1);
		CU_ASSERT(c.samples[PHASE_FULL].valid);
		CU_ASSERT(!c.samples[PHASE_FREED].valid);
		usleep(300 * 1000);
		CU_ASSERT(kill(c.pid, 0) == 0);   /* held: waiting for its answer to 'freed' */
		int pid = c.pid;
		if (stop)
			runner_stop_signal = 1;
		t0 = now_s();
		runner_cell_finish(cr, NULL);
		double finish = now_s() - t0;
		runner_stop_signal = 0;
		errno = 0;
		CU_ASSERT(kill(pid, 0) == -1 && errno == ESRCH);
		if (stop) {
			CU_ASSERT_EQUAL(c.status, CELL_FAILED);
			CU_ASSERT_STRING_EQUAL(c.reason ? c.reason : "", "interrupted");
		} else {
			check_ok_cell(&c, 30, 200);
			CU_ASSERT(c.samples[PHASE_FREED].valid);
			CU_ASSERT(c.wall_s <= to_full + finish + 0.001);
			CU_ASSERT(c.wall_s < to_full + finish + 0.25);   /* not the 0.3 s wait */
		}
		cell_release(&c);
	}
	world_leave(&w);
}

/* ---- the matrix ---- */

static void test_matrix(void)
{
	struct world w;
	if (world_enter(&w)) {
		world_leave(&w);
		return;
	}
	/* the workloads in an order that is not the alphabet's: the file keeps it */
	strvec_clear(&w.cfg.workloads);
	strvec_push(&w.cfg.workloads, "tuple");
	strvec_push(&w.cfg.workloads, "slots");
	free(w.cfg.counts);
	w.cfg.counts = xcalloc(2, sizeof(*w.cfg.counts));
	w.cfg.counts[0] = 100;
	w.cfg.counts[1] = 1000;
	w.cfg.n_counts = 2;
	w.cfg.jobs = 2;

	struct results r;
	results_init(&r);
	r.objmem_version = xstrdup("unit");
	char ts[32];
	utc_timestamp(ts, sizeof(ts));
	r.created = xstrdup(ts);
	interp_copy(results_add_interp(&r), &w.in);
	config_copy(&r.config, &w.cfg);
	char *out = xasprintf("%s/results.json", w.tmp);
	struct matrix_opts mo = { .cell = { &r.config, out, 1 } };
	struct matrix_outcome mout;
	double t0 = now_s();
	unit_stderr_begin();
	int status = matrix_run(&w.cat, &r, &mo, &mout);
	size_t done = mout.done, total = mout.total;
	matrix_outcome_release(&mout);
	char *err = unit_stderr_end();
	CU_ASSERT_EQUAL(status, 0);
	CU_ASSERT_EQUAL(done, 4);
	CU_ASSERT_EQUAL(total, 4);
	CU_ASSERT(now_s() - t0 < 120);
	CU_ASSERT_STRING_EQUAL(err, ""); /* quiet */
	free(err);
	CU_ASSERT_EQUAL(r.n_cells, 4);
	for (size_t i = 0; i < r.n_cells; i++) {
		if (r.cells[i].status != CELL_OK)
			fprintf(stderr, "\nmatrix cell %s %llu: %s\n", r.cells[i].workload,
				(unsigned long long)r.cells[i].count,
				r.cells[i].reason ? r.cells[i].reason : "");
		CU_ASSERT_EQUAL(r.cells[i].status, CELL_OK);
		check_child_gone(&r.cells[i]);
	}

	struct stat st;
	CU_ASSERT_EQUAL_FATAL(stat(out, &st), 0);
	struct results back;
	results_init(&back);
	CU_ASSERT_EQUAL_FATAL(results_load(out, &back), 0);
	static const struct { const char *workload; uint64_t count; } order[] = {
		{ "tuple", 100 }, { "tuple", 1000 }, { "slots", 100 }, { "slots", 1000 },
	};
	CU_ASSERT_EQUAL_FATAL(back.n_cells, ARRAY_SIZE(order));
	for (size_t i = 0; i < ARRAY_SIZE(order); i++) {
		const struct cell *c = &back.cells[i];
		CU_ASSERT_STRING_EQUAL(c->interpreter, "py");
		CU_ASSERT_STRING_EQUAL(c->workload, order[i].workload);
		CU_ASSERT_EQUAL(c->count, order[i].count);
		CU_ASSERT_EQUAL(c->repeat, 1);
		CU_ASSERT_EQUAL(c->status, CELL_OK);
		/* the file holds what the run measured */
		const struct cell *m = results_find_cell(&r, "py", order[i].workload, order[i].count, 1);
		CU_ASSERT_PTR_NOT_NULL_FATAL(m);
		CU_ASSERT_EQUAL(c->samples[PHASE_FULL].uss, m->samples[PHASE_FULL].uss);
		CU_ASSERT_EQUAL(c->pid, m->pid);
	}
	/* the one order: sorting again changes nothing */
	results_sort_cells(&back);
	for (size_t i = 0; i < ARRAY_SIZE(order); i++)
		CU_ASSERT(!strcmp(back.cells[i].workload, order[i].workload) &&
			  back.cells[i].count == order[i].count);
	results_release(&back);

	/* resumed: every cell is there, nothing runs */
	mo.resume = 1;
	unit_stderr_begin();
	status = matrix_run(&w.cat, &r, &mo, &mout);
	err = unit_stderr_end();
	free(err);
	done = mout.done;
	total = mout.total;
	matrix_outcome_release(&mout);
	CU_ASSERT_EQUAL(status, 0);
	CU_ASSERT_EQUAL(done, 0);
	CU_ASSERT_EQUAL(total, 0);
	CU_ASSERT_EQUAL(r.n_cells, 4);

	/* an output that cannot be written: the run says so and fails, nothing is written */
	struct results r2;
	results_init(&r2);
	r2.objmem_version = xstrdup("unit");
	r2.created = xstrdup(ts);
	interp_copy(results_add_interp(&r2), &w.in);
	config_copy(&r2.config, &w.cfg);
	char *bad = xasprintf("%s/no-such-dir/results.json", w.tmp);
	struct matrix_opts mo2 = { .cell = { &r2.config, bad, 1 } };
	unit_stderr_begin();
	status = matrix_run(&w.cat, &r2, &mo2, &mout);
	err = unit_stderr_end();
	CU_ASSERT_EQUAL(status, -1);
	CU_ASSERT_EQUAL(mout.wrote, 0);
	matrix_outcome_release(&mout);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "error: "));
	CU_ASSERT_NOT_EQUAL(stat(bad, &st), 0);
	free(err);
	free(bad);
	results_release(&r2);

	free(out);
	results_release(&r);
	world_leave(&w);
}

static const struct unit_test cell_tests[] = {
	{ "slots at 1000 and 100000 objects", test_ok_cell },
	{ "raises, skips, hangs, dies", test_faults },
	{ "a setsid grandchild and a daemon die with their cell", test_detached_gone },
	{ "2 GB in setup under --max-memory 200M", test_max_memory_in_setup },
	{ "a reason, skip or note of any length, cut and marked", test_long_texts },
	{ "overlong lines from a child that does not cut them", test_overlong_lines },
	{ "a stop request ends a hanging cell", test_stop_in_cell },
	{ "a 2 x 2 x 1 matrix to a file, resumed", test_matrix },
	{ "a child started ahead: finished after a wait, or dropped", test_ahead },
	{ "a cell held after 'full': finished after a wait, or interrupted", test_held },
};

int main(int argc, char **argv)
{
	(void)argc;
	const struct unit_suite suites[] = {
		UNIT_SUITE("cells", cell_tests),
	};
	return unit_main(argv[0], suites, ARRAY_SIZE(suites));
}
