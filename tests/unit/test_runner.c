/*
 * test_runner.c - runner.c: runner_in_shard (every cell of a matrix in
 * exactly one of N slices, the same on every call, n <= 1 is everything);
 * runner_run_cell on real cells with the system python3 (found on PATH):
 * the "slots" workload measured at all four phases (at 1000 objects, and
 * at 100000 for a bytes-per-object figure between 30 and 200), and
 * workload files written here that raise, skip, or hang in setup (failed
 * by the timeout within a bounded time, the child gone); runner_run over a
 * 2 x 2 x 1 matrix written to a results file that reads back in the one
 * order of cells, then resumed with nothing left to do; and an output that
 * cannot be written stopping the run before any cell.
 *
 * Every file goes under unit_tmpdir(), removed at the end; every child is
 * waited for by the runner (the tests check that its pid is gone).
 */
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "runner.h"
#include "spawn.h"
#include "unit.h"

/* ---- runner_in_shard ---- */

static const char *const shard_interps[] = { "a", "b", "cpython-3.12", "py<b>&'\"", "pypy3.10" };
static const char *const shard_workloads[] = { "point3d", "slots", "w", "dataclass-slots" };
static const uint64_t shard_counts[] = { 100, 1000, 100000, 1000000, 10000000 };
enum { SHARD_REPEATS = 3 };

static void test_shards(void)
{
	static const int ns[] = { 2, 3, 4, 7, 16 };
	for (size_t t = 0; t < ARRAY_SIZE(ns); t++) {
		int n = ns[t];
		size_t per_shard[16] = { 0 }, cells = 0, bad = 0;
		for (size_t i = 0; i < ARRAY_SIZE(shard_interps); i++)
			for (size_t w = 0; w < ARRAY_SIZE(shard_workloads); w++)
				for (size_t c = 0; c < ARRAY_SIZE(shard_counts); c++)
					for (int r = 1; r <= SHARD_REPEATS; r++) {
						int in = 0, where = -1;
						for (int k = 1; k <= n; k++)
							if (runner_in_shard(shard_interps[i], shard_workloads[w],
									    shard_counts[c], r, k, n)) {
								in++;
								where = k;
							}
						cells++;
						if (in != 1) {
							bad++;
							continue;
						}
						per_shard[where - 1]++;
						/* the same answer on every call */
						if (!runner_in_shard(shard_interps[i], shard_workloads[w],
								     shard_counts[c], r, where, n))
							bad++;
						/* a k outside 1..n holds nothing */
						if (runner_in_shard(shard_interps[i], shard_workloads[w],
								    shard_counts[c], r, 0, n) ||
						    runner_in_shard(shard_interps[i], shard_workloads[w],
								    shard_counts[c], r, n + 1, n))
							bad++;
					}
		if (bad)
			fprintf(stderr, "\n%d shards: %zu of %zu cells not in exactly one\n", n, bad, cells);
		CU_ASSERT_EQUAL(bad, 0);
		/* 300 cells spread over every slice */
		size_t total = 0;
		for (int k = 0; k < n; k++) {
			CU_ASSERT(per_shard[k] > 0);
			total += per_shard[k];
		}
		CU_ASSERT_EQUAL(total, cells);
	}
	/* n <= 1: the whole matrix, whatever k */
	static const int whole[][2] = { { 0, 0 }, { 1, 0 }, { 1, 1 }, { 5, 1 }, { 0, -1 }, { 3, 0 } };
	for (size_t i = 0; i < ARRAY_SIZE(whole); i++)
		for (size_t c = 0; c < ARRAY_SIZE(shard_counts); c++)
			CU_ASSERT_EQUAL(runner_in_shard("a", "w", shard_counts[c], 1, whole[i][0],
							whole[i][1]), 1);
	/* a long name is a name like any other */
	char longname[2000];
	memset(longname, 'x', sizeof(longname) - 1);
	longname[sizeof(longname) - 1] = '\0';
	int in = 0;
	for (int k = 1; k <= 3; k++)
		in += runner_in_shard(longname, "w", 1000, 1, k, 3);
	CU_ASSERT_EQUAL(in, 1);
}

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
	  2, CELL_FAILED, "timeout: no 'base' line within 2 s", 0 },
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
	struct run_config rc = { &r.config, out, 1 };
	size_t done = 99, total = 99;
	double t0 = now_s();
	unit_stderr_begin();
	int status = runner_run(&w.cat, &r, &rc, &done, &total);
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
	done = total = 99;
	unit_stderr_begin();
	status = runner_run(&w.cat, &r, &rc, &done, &total);
	err = unit_stderr_end();
	free(err);
	CU_ASSERT_EQUAL(status, 0);
	CU_ASSERT_EQUAL(done, 0);
	CU_ASSERT_EQUAL(total, 0);
	CU_ASSERT_EQUAL(r.n_cells, 4);

	/* an output that cannot be written stops the run before any cell */
	struct results r2;
	results_init(&r2);
	r2.objmem_version = xstrdup("unit");
	r2.created = xstrdup(ts);
	interp_copy(results_add_interp(&r2), &w.in);
	config_copy(&r2.config, &w.cfg);
	char *bad = xasprintf("%s/no-such-dir/results.json", w.tmp);
	struct run_config rc2 = { &r2.config, bad, 1 };
	unit_stderr_begin();
	status = runner_run(&w.cat, &r2, &rc2, &done, &total);
	err = unit_stderr_end();
	CU_ASSERT_EQUAL(status, -1);
	CU_ASSERT_EQUAL(done, 0);
	CU_ASSERT_EQUAL(r2.n_cells, 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "error: "));
	free(err);
	free(bad);
	results_release(&r2);

	free(out);
	results_release(&r);
	world_leave(&w);
}

static const struct unit_test shard_tests[] = {
	{ "every cell in exactly one shard", test_shards },
};

static const struct unit_test cell_tests[] = {
	{ "slots at 1000 and 100000 objects", test_ok_cell },
	{ "raises, skips, hangs, dies", test_faults },
	{ "a 2 x 2 x 1 matrix to a file, resumed", test_matrix },
};

int main(int argc, char **argv)
{
	(void)argc;
	const struct unit_suite suites[] = {
		UNIT_SUITE("runner_in_shard", shard_tests),
		UNIT_SUITE("cells", cell_tests),
	};
	return unit_main(argv[0], suites, ARRAY_SIZE(suites));
}
