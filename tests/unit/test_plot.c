/*
 * test_plot.c - plot.c: the data files (gaps written as NaN with their
 * status, never as 0), and whole figure sets written from the fixture
 * tests/fixtures/plot/gaps.json without running gnuplot; then figures
 * drawn by stand-ins for gnuplot that fail, are missing or hang. The text
 * rules are test_gnuplot.c's; drawing with the real gnuplot is
 * tests/e2e/plot-report.sh's job.
 */
#include <math.h>
#include <stddef.h>
#include <regex.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "gnuplot.h"
#include "plot.h"
#include "results.h"
#include "stats.h"
#include "unit.h"

/* ---- data files ---- */

static char *written(int (*fn)(FILE *, const void *), const void *arg)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	CU_ASSERT_FATAL(f != NULL);
	CU_ASSERT_EQUAL(fn(f, arg), 0);
	fclose(f);
	return text;
}

static int hbars_fn(FILE *f, const void *arg)
{
	return plot_hbars_write(f, arg);
}

static int lines_fn(FILE *f, const void *arg)
{
	return plot_lines_write(f, arg);
}

/* Gaps are NaN with their status, never 0; names are quoted once, in comments. */
static void test_hbars_gaps(void)
{
	struct plot_hbar rows[] = {
		{ "CPython 3.12.1", 1, 0, 1, 104.5, 104, 105, { NAN, NAN }, "ok" },
		{ "py\"q\" x", 2, 0.3, 2, 0, 0, 0, { NAN, NAN }, "failed" },
		{ "skipped one", 2, 0, 3.45, 5, 5, 5, { NAN, NAN }, "skipped" },
		{ "ok, no value", 3, 0, 4.45, NAN, NAN, NAN, { NAN, NAN }, "ok" },
		{ "behind", 4, 0, 5.45, 10, 9.5, 10.25, { 11, 12.5 }, "ok" },
	};
	struct plot_hbars h;
	memset(&h, 0, sizeof(h));
	h.rows = rows;
	h.n_rows = ARRAY_SIZE(rows);
	h.header = "line one\nline two";
	char *text = written(hbars_fn, &h);
	const char *want =
		"# line one\n"
		"# line two\n"
		"# columns: row ypos value min max status behind1 behind2 (NaN: not measured, "
		"see status)\n"
		"# row 1: \"CPython_3.12.1\"\n"
		"# row 2: \"py_q__x\"\n"
		"# row 3: \"skipped_one\"\n"
		"# row 4: \"ok,_no_value\"\n"
		"# row 5: \"behind\"\n"
		"1 1 104.5 104 105 ok NaN NaN\n"
		"2 2 NaN NaN NaN failed NaN NaN\n"
		"3 3.45 NaN NaN NaN skipped NaN NaN\n"
		"4 4.45 NaN NaN NaN no-data NaN NaN\n"
		"5 5.45 10 9.5 10.25 ok 11 12.5\n";
	if (strcmp(text, want))
		fprintf(stderr, "\nbars data:\n%s\n", text);
	CU_ASSERT_STRING_EQUAL(text, want);
	free(text);
}

static void test_lines_gaps(void)
{
	static const char *const series[] = { "a", "b" };
	const uint64_t x[] = { 1000, 100000, 1000000 };
	const double y1[] = { 1.31, 12.4, 999, 1.2, NAN, 0 };
	const double y2[] = { 0.11, 10.41, 999, 0.05, NAN, -0.004 };
	static const char *const status[] = { "ok", "ok", "failed", "ok", "missing", "ok" };
	struct plot_lines l = { 3, 2, x, series, y1, y2, status, NULL };
	char *text = written(lines_fn, &l);
	const char *want =
		"# columns: count absolute-MB delta-MB status\n"
		"# index 0: \"a\"\n"
		"1000 1.31 0.11 ok\n"
		"100000 12.4 10.41 ok\n"
		"1000000 NaN NaN failed\n"
		"\n\n"
		"# index 1: \"b\"\n"
		"1000 1.2 0.05 ok\n"
		"100000 NaN NaN missing\n"
		"1000000 0 -0.004 ok\n";
	if (strcmp(text, want))
		fprintf(stderr, "\nlines data:\n%s\n", text);
	CU_ASSERT_STRING_EQUAL(text, want);
	free(text);
}

/* ---- whole figure sets, scripts only ---- */

static void put(const char *path, const char *text)
{
	CU_ASSERT_EQUAL(write_file_atomic(path, text, strlen(text)), 0);
}

static char *templates_dir(void)
{
	return xstrdup(unit_fixture("../../plots"));
}

static char *slurp(const char *dir, const char *name)
{
	char *path = xasprintf("%s/%s", dir, name);
	struct buf b = BUF_INIT;
	int rc = read_file(path, 1 << 22, &b);
	free(path);
	if (rc) {
		buf_release(&b);
		return NULL;
	}
	return buf_detach(&b);
}

static int has_placeholder(const char *text)
{
	regex_t re;
	regcomp(&re, "@[A-Z][A-Z0-9_]*@", REG_EXTENDED | REG_NOSUB);
	int found = regexec(&re, text, 0, NULL, 0) == 0;
	regfree(&re);
	return found;
}

/* One bar of a written data file, with the label its comment gives it. */
struct dat_row {
	char label[160];
	double value, min, max, behind1, behind2;
	char status[16];
};

/* The bars of an hbars data file, in order; returns how many (at most max). */
static size_t dat_rows(const char *text, struct dat_row *rows, size_t max)
{
	size_t n = 0;
	for (const char *p = text; p && *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL) {
		unsigned k;
		char name[160];
		if (sscanf(p, "# row %u: \"%159[^\"]\"", &k, name) == 2 && k >= 1 && k <= max) {
			snprintf(rows[k - 1].label, sizeof(rows[k - 1].label), "%s", name);
			continue;
		}
		double ypos;
		struct dat_row r;
		if (*p != '#' && n < max &&
		    sscanf(p, "%u %lf %lf %lf %lf %15s %lf %lf", &k, &ypos, &r.value, &r.min, &r.max,
			   r.status, &r.behind1, &r.behind2) == 8 && k == n + 1) {
			memcpy(rows[n].status, r.status, sizeof(r.status));
			rows[n].value = r.value;
			rows[n].min = r.min;
			rows[n].max = r.max;
			rows[n].behind1 = r.behind1;
			rows[n].behind2 = r.behind2;
			n++;
		}
	}
	return n;
}

struct fig_env {
	struct results r;
	char *tmp, *out, *tdir;
	struct plot_opts o;
	struct strvec interps, workloads;
};

static void fig_env_init(struct fig_env *e, const char *fixture)
{
	memset(e, 0, sizeof(*e));
	results_init(&e->r);
	CU_ASSERT_FATAL(results_load(unit_fixture(fixture), &e->r) == 0);
	e->tmp = unit_tmpdir();
	e->out = xasprintf("%s/new/figures", e->tmp); /* made with its parent */
	e->tdir = templates_dir();
	plot_opts_init(&e->o);
	e->o.outdir = e->out;
	e->o.templates = e->tdir;
	e->o.render = 0;
	e->o.source = fixture;
	e->o.interpreters = &e->interps;
	e->o.workloads = &e->workloads;
}

static void fig_env_release(struct fig_env *e)
{
	strvec_clear(&e->interps);
	strvec_clear(&e->workloads);
	free(e->tdir);
	free(e->out);
	unit_rmtree(e->tmp);
	free(e->tmp);
	results_release(&e->r);
}

/* The names of the figures written, joined by spaces. */
static char *set_names(const struct plot_set *set)
{
	struct buf b = BUF_INIT;
	for (size_t i = 0; i < set->n; i++)
		buf_addf(&b, "%s%s", i ? " " : "", set->v[i].name);
	return b.p ? buf_detach(&b) : xstrdup("");
}

static void test_figures_from_gaps(void)
{
	struct fig_env e;
	fig_env_init(&e, "plot/gaps.json");
	struct plot_set set;
	CU_ASSERT_EQUAL_FATAL(plot_write_figures(&e.r, &e.o, &set), 0);

	static const char *const names[] = {
		"versions", "bytes-per-object", "scaling-point3d", "scaling-slots", "scaling-record",
		"memory-kinds-point3d", "memory-kinds-slots", "memory-kinds-record",
	};
	CU_ASSERT_EQUAL(set.n, ARRAY_SIZE(names));
	CU_ASSERT_EQUAL(set.count, 1000000);
	for (size_t i = 0; i < ARRAY_SIZE(names) && i < set.n; i++) {
		CU_ASSERT_STRING_EQUAL(set.v[i].name, names[i]);
		CU_ASSERT_EQUAL(set.v[i].drawn, 0);
		CU_ASSERT(set.v[i].title && *set.v[i].title && set.v[i].caption && *set.v[i].caption);
		char *gpname = xasprintf("%s.gp", names[i]);
		char *datname = xasprintf("%s.dat", names[i]);
		char *gp = slurp(e.out, gpname), *dat = slurp(e.out, datname);
		CU_ASSERT(gp && dat && *gp && *dat);
		if (gp) {
			CU_ASSERT(!has_placeholder(gp));
			/* the data beside the script, wherever gnuplot is started */
			char *want = xasprintf("DATA = HERE . '%s'", datname);
			CU_ASSERT(strstr(gp, want) != NULL);
			free(want);
			CU_ASSERT(strstr(gp, "set datafile missing") != NULL);
			/* sizes the script computes per format: 800 px, a 6.5-inch PDF */
			CU_ASSERT(strstr(gp, "PNGW = 800 ") != NULL);
			CU_ASSERT(strstr(gp, "PDFW = 6.5 ") != NULL);
			CU_ASSERT(strstr(gp, "eval size(FMT_OUT)") != NULL);
		}
		free(gp);
		free(dat);
		free(gpname);
		free(datname);
	}

	/* the version chart at 1M: builds in version order under each workload,
	 * named as people name them, every kind of gap and none of them a zero */
	char *v = slurp(e.out, "versions.dat");
	CU_ASSERT_FATAL(v != NULL);
	struct dat_row rows[16];
	size_t n = dat_rows(v, rows, ARRAY_SIZE(rows));
	static const struct {
		const char *label, *status;
		double mb;
	} want[] = {
		{ "CPython_3.11.2_debug,_without_pymalloc", "ok", 120 },
		{ "CPython_3.12.3", "ok", 104 },
		{ "PyPy_3.10.14", "failed", NAN },
		{ "micropython", "skipped", NAN },
		{ "CPython_3.11.2_debug,_without_pymalloc", "ok", 88 },
		{ "CPython_3.12.3", "missing", NAN },
		{ "PyPy_3.10.14", "ok", 40 },
		{ "micropython", "skipped", NAN },
		{ "CPython_3.11.2_debug,_without_pymalloc", "ok", 64 },
		{ "CPython_3.12.3", "ok", 48 },
		{ "PyPy_3.10.14", "skipped", NAN },
		{ "micropython", "skipped", NAN },
	};
	CU_ASSERT_EQUAL_FATAL(n, ARRAY_SIZE(want));
	for (size_t i = 0; i < n; i++) {
		int ok = !strcmp(rows[i].label, want[i].label) && !strcmp(rows[i].status, want[i].status) &&
			 (isnan(want[i].mb) ? isnan(rows[i].value)
			  : fabs(rows[i].value - want[i].mb) < 0.05) &&
			 isnan(rows[i].behind1);
		if (!ok)
			fprintf(stderr, "\nversions.dat row %zu: '%s' %s %g\n", i + 1, rows[i].label,
				rows[i].status, rows[i].value);
		CU_ASSERT(ok);
	}
	CU_ASSERT(strstr(v, " 0 ") == NULL); /* no value written as 0 */
	free(v);
	char *gp = slurp(e.out, "versions.gp");
	CU_ASSERT_FATAL(gp != NULL);
	CU_ASSERT(strstr(gp, "do for [FMT_OUT in \"png svg\"]") != NULL);
	CU_ASSERT(strstr(gp, "FMT = '%.0f'") != NULL);       /* one format, from 120 MB */
	CU_ASSERT(strstr(gp, "NG = 3 ") != NULL);
	CU_ASSERT(strstr(gp, "array GROUP[3] = ['point3d', 'slots', 'record']") != NULL);
	CU_ASSERT(strstr(gp, "median of 2 runs, bars: min..max") != NULL);
	free(gp);

	/* the scaling figure: the failed 1M of PyPy is NaN, the note says so */
	char *s = slurp(e.out, "scaling-point3d.dat");
	CU_ASSERT(s && strstr(s, "1000000 NaN NaN failed\n") != NULL);
	free(s);
	s = slurp(e.out, "scaling-point3d.gp");
	CU_ASSERT(s && strstr(s, "PyPy 3.10.14 at 1M (failed)") != NULL);
	CU_ASSERT(s && strstr(s, "micropython (skipped)") != NULL);
	free(s);

	/* memory kinds: one bar per build, PSS and RSS behind USS */
	s = slurp(e.out, "memory-kinds-point3d.dat");
	CU_ASSERT_FATAL(s != NULL);
	n = dat_rows(s, rows, ARRAY_SIZE(rows));
	CU_ASSERT_EQUAL(n, 4);
	for (size_t i = 0; i < n; i++)
		if (!strcmp(rows[i].status, "ok"))
			CU_ASSERT(rows[i].value <= rows[i].behind1 && rows[i].behind1 <= rows[i].behind2);
	CU_ASSERT(strstr(s, "# value: USS; behind1: PSS; behind2: RSS\n") != NULL);
	free(s);
	plot_set_release(&set);

	/* a count the results do not have */
	e.o.count = 5000;
	unit_stderr_begin();
	CU_ASSERT_EQUAL(plot_write_figures(&e.r, &e.o, &set), -1);
	char *err = unit_stderr_end();
	CU_ASSERT(strstr(err, "count 5k is not in the results; they have 1k, 100k, 1M") != NULL);
	free(err);
	plot_set_release(&set);

	/* an explicit count moves the bars */
	e.o.count = 1000;
	CU_ASSERT_EQUAL(plot_write_figures(&e.r, &e.o, &set), 0);
	CU_ASSERT_EQUAL(set.count, 1000);
	v = slurp(e.out, "versions.dat");
	CU_ASSERT(v && strstr(v, "at 1000 objects") != NULL);
	free(v);
	plot_set_release(&set);
	fig_env_release(&e);
}

/* The three metrics: each its own chart, its values those of the summary. */
static void test_metrics(void)
{
	struct fig_env e;
	fig_env_init(&e, "plot/gaps.json");
	e.o.metrics = PLOT_DELTA | PLOT_ABSOLUTE | PLOT_PEAK;
	struct plot_set set;
	CU_ASSERT_EQUAL_FATAL(plot_write_figures(&e.r, &e.o, &set), 0);
	char *names = set_names(&set);
	CU_ASSERT(!strncmp(names, "versions versions-absolute versions-peak bytes-per-object ", 58));
	free(names);
	struct summary sum;
	summary_compute(&e.r, &sum);
	static const struct {
		const char *file, *definition;
		size_t stat;   /* offset of the stat3 in summary_row */
	} charts[] = {
		{ "versions", "USS growth from base", offsetof(struct summary_row, delta_bytes) },
		{ "versions-absolute", "AbsoluteUsage", offsetof(struct summary_row, absolute_bytes) },
		{ "versions-peak", "VmHWM", offsetof(struct summary_row, peak_bytes) },
	};
	for (size_t c = 0; c < ARRAY_SIZE(charts); c++) {
		char *dat = xasprintf("%s.dat", charts[c].file), *gpn = xasprintf("%s.gp", charts[c].file);
		char *text = slurp(e.out, dat), *gp = slurp(e.out, gpn);
		CU_ASSERT_FATAL(text && gp);
		CU_ASSERT(strstr(gp, charts[c].definition) != NULL); /* said on the figure */
		struct dat_row rows[16];
		size_t n = dat_rows(text, rows, ARRAY_SIZE(rows));
		CU_ASSERT_EQUAL(n, 12);
		/* row 2: CPython 3.12.3, point3d, 1M */
		const struct summary_row *row = summary_find(&sum, "cpython-3.12", "point3d", 1000000);
		CU_ASSERT_FATAL(row != NULL);
		const struct stat3 *st = (const struct stat3 *)((const char *)row + charts[c].stat);
		CU_ASSERT(st->valid);
		CU_ASSERT_DOUBLE_EQUAL(rows[1].value, st->median / 1e6, 1e-9);
		CU_ASSERT_DOUBLE_EQUAL(rows[1].min, st->min / 1e6, 1e-9);
		CU_ASSERT_DOUBLE_EQUAL(rows[1].max, st->max / 1e6, 1e-9);
		free(text);
		free(gp);
		free(dat);
		free(gpn);
	}
	summary_release(&sum);
	plot_set_release(&set);
	fig_env_release(&e);
}

/* -i, -w and --sort choose the bars; names the results lack are errors. */
static void test_selection_and_sort(void)
{
	struct fig_env e;
	fig_env_init(&e, "plot/gaps.json");
	struct plot_set set;
	strvec_push(&e.interps, "pypy3.10");
	strvec_push(&e.interps, "cpython-3.12");
	strvec_push(&e.workloads, "slots");
	CU_ASSERT_EQUAL_FATAL(plot_write_figures(&e.r, &e.o, &set), 0);
	char *names = set_names(&set);
	CU_ASSERT_STRING_EQUAL(names, "versions bytes-per-object scaling-slots memory-kinds-slots");
	free(names);
	char *v = slurp(e.out, "versions.dat");
	struct dat_row rows[8];
	size_t n = dat_rows(v, rows, ARRAY_SIZE(rows));
	CU_ASSERT_EQUAL(n, 2);   /* in version order, whatever the order asked */
	CU_ASSERT(n == 2 && !strcmp(rows[0].label, "CPython_3.12.3") &&
		  !strcmp(rows[1].label, "PyPy_3.10.14"));
	free(v);
	plot_set_release(&set);
	strvec_clear(&e.interps);
	strvec_clear(&e.workloads);

	/* by value, largest first, gaps last; by name */
	static const struct {
		enum plot_sort sort;
		const char *first, *second, *last;
	} sorts[] = {
		{ PLOT_SORT_VALUE, "CPython_3.11.2_debug,_without_pymalloc", "PyPy_3.10.14",
		  "micropython" },
		{ PLOT_SORT_NAME, "CPython_3.11.2_debug,_without_pymalloc", "CPython_3.12.3",
		  "micropython" },
	};
	strvec_push(&e.workloads, "slots");
	for (size_t k = 0; k < ARRAY_SIZE(sorts); k++) {
		e.o.sort = sorts[k].sort;
		CU_ASSERT_EQUAL_FATAL(plot_write_figures(&e.r, &e.o, &set), 0);
		v = slurp(e.out, "versions.dat");
		n = dat_rows(v, rows, ARRAY_SIZE(rows));
		CU_ASSERT_EQUAL_FATAL(n, 4);
		CU_ASSERT_STRING_EQUAL(rows[0].label, sorts[k].first);
		CU_ASSERT_STRING_EQUAL(rows[3].label, sorts[k].last);
		CU_ASSERT_STRING_EQUAL(rows[1].label, sorts[k].second);
		/* by value: slots 88 (3.11 debug), 40 (PyPy), then the gaps in
		 * version order (a NaN compared as a value once broke that) */
		if (sorts[k].sort == PLOT_SORT_VALUE)
			CU_ASSERT(isnan(rows[2].value) && isnan(rows[3].value) &&
				  !strcmp(rows[2].label, "CPython_3.12.3"));
		free(v);
		plot_set_release(&set);
	}
	e.o.sort = PLOT_SORT_VERSION;

	/* names the results do not have: the error names what they have */
	static const struct {
		const char *interp, *workload, *msg;
	} bad[] = {
		{ "cpython-9", NULL, "the results have no interpreter 'cpython-9'; they have "
		  "cpython-3.12, pypy3.10, micropython, py<b>&'\"" },
		{ NULL, "dict", "the results have no workload 'dict'; they have point3d, slots, "
		  "record" },
	};
	for (size_t k = 0; k < ARRAY_SIZE(bad); k++) {
		strvec_clear(&e.interps);
		strvec_clear(&e.workloads);
		if (bad[k].interp)
			strvec_push(&e.interps, bad[k].interp);
		if (bad[k].workload)
			strvec_push(&e.workloads, bad[k].workload);
		unit_stderr_begin();
		CU_ASSERT_EQUAL(plot_write_figures(&e.r, &e.o, &set), -1);
		char *err = unit_stderr_end();
		if (!strstr(err, bad[k].msg))
			fprintf(stderr, "\nsaid: %s\n", err);
		CU_ASSERT(strstr(err, bad[k].msg) != NULL);
		free(err);
		plot_set_release(&set);
	}
	fig_env_release(&e);
}

/* Title and size land in the script, where gnuplot lays them out. */
static void test_title_and_size(void)
{
	struct fig_env e;
	fig_env_init(&e, "plot/gaps.json");
	e.o.title = "Point3D: 'ten' million";
	e.o.width = "6.5 * PXIN";
	e.o.height = "4 * PXIN";
	struct plot_set set;
	CU_ASSERT_EQUAL_FATAL(plot_write_figures(&e.r, &e.o, &set), 0);
	char *gp = slurp(e.out, "versions.gp");
	CU_ASSERT_FATAL(gp != NULL);
	CU_ASSERT(strstr(gp, "TITLE = 'Point3D: ''ten'' million'") != NULL);
	CU_ASSERT(strstr(gp, "PNGW = 6.5 * PXIN ") != NULL);
	CU_ASSERT(strstr(gp, "PNGH = 4 * PXIN ") != NULL);
	CU_ASSERT(strstr(gp, "PDFW = PNGW / PXIN ") != NULL);
	free(gp);
	/* the title is the version charts'; the others keep their own */
	gp = slurp(e.out, "bytes-per-object.gp");
	CU_ASSERT(gp && strstr(gp, "TITLE = 'Bytes per object at 1M objects, by interpreter'"));
	free(gp);
	plot_set_release(&set);
	fig_env_release(&e);
}

/* 23 builds x 5 workloads is too many bars for one chart: one per workload. */
static void test_split_by_workload(void)
{
	struct fig_env e;
	fig_env_init(&e, "plot/many.json");
	struct plot_set set;
	CU_ASSERT_EQUAL_FATAL(plot_write_figures(&e.r, &e.o, &set), 0);
	char *names = set_names(&set);
	CU_ASSERT(!strncmp(names, "versions-point3d versions-slots versions-namedtuple "
			   "versions-record versions-largeints bytes-per-object-point3d ", 112));
	free(names);
	char *gp = slurp(e.out, "versions-record.gp");
	CU_ASSERT(gp && strstr(gp, "TITLE = 'Memory for 10M record objects, by interpreter'"));
	CU_ASSERT(gp && strstr(gp, "NR = 23 ") && strstr(gp, "NG = 0 "));
	free(gp);
	/* the failed cell and the skipped ones are gaps */
	char *v = slurp(e.out, "versions-record.dat");
	CU_ASSERT(v && strstr(v, "failed NaN NaN") && strstr(v, "skipped NaN NaN"));
	free(v);
	plot_set_release(&set);
	strvec_push(&e.workloads, "point3d");
	CU_ASSERT_EQUAL_FATAL(plot_write_figures(&e.r, &e.o, &set), 0);
	CU_ASSERT(set.n > 0 && !strcmp(set.v[0].name, "versions"));
	plot_set_release(&set);
	fig_env_release(&e);
}

/* Without RSS/PSS that differ from USS there is no memory-kinds figure. */
static void test_no_memory_kinds(void)
{
	struct results r;
	results_init(&r);
	CU_ASSERT_FATAL(results_load(unit_fixture("plot/gaps.json"), &r) == 0);
	for (size_t i = 0; i < r.n_cells; i++)
		for (int p = 0; p < PHASE_COUNT; p++)
			r.cells[i].samples[p].rss = r.cells[i].samples[p].pss = r.cells[i].samples[p].uss;
	char *tmp = unit_tmpdir(), *tdir = templates_dir();
	struct plot_opts o;
	plot_opts_init(&o);
	o.outdir = tmp;
	o.templates = tdir;
	o.render = 0;
	struct plot_set set;
	CU_ASSERT_EQUAL(plot_write_figures(&r, &o, &set), 0);
	CU_ASSERT_EQUAL(set.n, 5);
	for (size_t i = 0; i < set.n; i++)
		CU_ASSERT(strncmp(set.v[i].name, "memory-kinds", 12) != 0);
	CU_ASSERT(set.notes && strstr(set.notes, "RSS and PSS equal USS") != NULL);
	plot_set_release(&set);
	free(tdir);
	unit_rmtree(tmp);
	free(tmp);
	results_release(&r);
}

static void test_errors(void)
{
	struct results r;
	results_init(&r);
	char *tmp = unit_tmpdir(), *tdir = templates_dir();
	struct plot_opts o;
	plot_opts_init(&o);
	o.outdir = tmp;
	o.templates = tdir;
	o.render = 0;
	struct plot_set set;

	/* no cells at all */
	unit_stderr_begin();
	CU_ASSERT_EQUAL(plot_write_figures(&r, &o, &set), -1);
	char *err = unit_stderr_end();
	CU_ASSERT(strstr(err, "nothing to plot") != NULL);
	free(err);
	plot_set_release(&set);

	CU_ASSERT_FATAL(results_load(unit_fixture("results/small.json"), &r) == 0);

	/* templates that are not there */
	o.templates = "/nonexistent/plots";
	unit_stderr_begin();
	CU_ASSERT_EQUAL(plot_write_figures(&r, &o, &set), -1);
	err = unit_stderr_end();
	CU_ASSERT(strstr(err, "cannot read the template '/nonexistent/plots/common.gp'") != NULL);
	free(err);
	plot_set_release(&set);

	/* a template with a placeholder objmem does not fill */
	char *bad = xasprintf("%s/tmpl", tmp);
	mkdir(bad, 0755);
	char *p = xasprintf("%s/common.gp", bad);
	put(p, "# common\n");
	free(p);
	p = xasprintf("%s/hbars.gp", bad);
	put(p, "@COMMON@\nset title '@TITEL@'\n");
	free(p);
	o.templates = bad;
	unit_stderr_begin();
	CU_ASSERT_EQUAL(plot_write_figures(&r, &o, &set), -1);
	err = unit_stderr_end();
	CU_ASSERT(strstr(err, "hbars.gp': line 2: unknown placeholder @TITEL@") != NULL);
	free(err);
	plot_set_release(&set);

	/* a figure's own template wins over the shared one */
	p = xasprintf("%s/versions.gp", bad);
	put(p, "# mine: @NAME@\n");
	free(p);
	p = xasprintf("%s/bytes-per-object.gp", bad);
	put(p, "# mine too\n");
	free(p);
	p = xasprintf("%s/scaling.gp", bad);
	put(p, "# scaling\n");
	free(p);
	p = xasprintf("%s/memory-kinds.gp", bad);
	put(p, "# kinds\n");
	free(p);
	char *out = xasprintf("%s/out", tmp);
	o.outdir = out;
	CU_ASSERT_EQUAL(plot_write_figures(&r, &o, &set), 0);
	char *gp = slurp(out, "versions.gp");
	CU_ASSERT(gp && strstr(gp, "# mine: versions\n") != NULL);
	free(gp);
	plot_set_release(&set);
	o.templates = tdir;

	/* an output directory that cannot be one */
	char *file = xasprintf("%s/plainfile", tmp);
	put(file, "x");
	char *under = xasprintf("%s/sub", file);
	o.outdir = file;
	unit_stderr_begin();
	CU_ASSERT_EQUAL(plot_write_figures(&r, &o, &set), -1);
	err = unit_stderr_end();
	CU_ASSERT(strstr(err, "not a directory") != NULL);
	free(err);
	plot_set_release(&set);
	o.outdir = under;
	unit_stderr_begin();
	CU_ASSERT_EQUAL(plot_write_figures(&r, &o, &set), -1);
	err = unit_stderr_end();
	CU_ASSERT(strstr(err, "cannot create directory") != NULL);
	free(err);
	plot_set_release(&set);
	o.outdir = tmp;

	free(file);
	free(under);
	free(out);
	free(bad);
	free(tdir);
	unit_rmtree(tmp);
	free(tmp);
	results_release(&r);
}

/* ---- the gnuplot runner, with stand-ins for gnuplot ---- */

static void test_runner(void)
{
	struct results r;
	results_init(&r);
	CU_ASSERT_FATAL(results_load(unit_fixture("results/small.json"), &r) == 0);
	char *tmp = unit_tmpdir(), *tdir = templates_dir();
	struct plot_opts o;
	plot_opts_init(&o);
	o.outdir = tmp;
	o.templates = tdir;
	struct plot_set set;

	/* a gnuplot that is not there: said before anything is written */
	o.gnuplot = "/nonexistent/gnuplot";
	unit_stderr_begin();
	CU_ASSERT_EQUAL(plot_write_figures(&r, &o, &set), -1);
	char *err = unit_stderr_end();
	CU_ASSERT(strstr(err, "cannot run '/nonexistent/gnuplot'") != NULL);
	free(err);
	CU_ASSERT_EQUAL(set.n, 0);
	plot_set_release(&set);

	/* one that fails: its status and last words are reported */
	char *fake = xasprintf("%s/fake-gnuplot", tmp);
	const char *fail_script = "#!/bin/sh\necho \"line 7: undefined variable: XYZ\" >&2\nexit 1\n";
	put(fake, fail_script);
	chmod(fake, 0755);
	o.gnuplot = fake;
	unit_stderr_begin();
	CU_ASSERT_EQUAL(plot_write_figures(&r, &o, &set), -1);
	err = unit_stderr_end();
	CU_ASSERT(strstr(err, "gnuplot exited with status 1") != NULL);
	CU_ASSERT(strstr(err, "undefined variable: XYZ") != NULL);
	free(err);
	plot_set_release(&set);

	/* one that succeeds but draws nothing */
	const char *ok_script = "#!/bin/sh\nexit 0\n";
	put(fake, ok_script);
	chmod(fake, 0755);
	unit_stderr_begin();
	CU_ASSERT_EQUAL(plot_write_figures(&r, &o, &set), -1);
	err = unit_stderr_end();
	CU_ASSERT(strstr(err, "did not write every figure") != NULL);
	free(err);
	plot_set_release(&set);

	/* one that hangs: killed after the timeout */
	const char *hang = "#!/bin/sh\nexec sleep 30\n";
	put(fake, hang);
	chmod(fake, 0755);
	o.timeout_s = 0.5;
	double t0 = now_s();
	unit_stderr_begin();
	CU_ASSERT_EQUAL(plot_write_figures(&r, &o, &set), -1);
	err = unit_stderr_end();
	CU_ASSERT(now_s() - t0 < 10);
	CU_ASSERT(strstr(err, "did not finish") != NULL);
	free(err);
	plot_set_release(&set);

	/* it gets: -e "cd 'DIR'" NAME.gp, and no shell in between */
	char *args = xasprintf("%s/args", tmp);
	char *rec = xasprintf("#!/bin/sh\nfor a in \"$@\"; do echo \"[$a]\"; done > '%s'\n"
			      "for f in png svg; do echo x > '%s'/versions.$f; done\nexit 0\n", args,
			      tmp);
	put(fake, rec);
	chmod(fake, 0755);
	o.timeout_s = 10;
	unit_stderr_begin();
	plot_write_figures(&r, &o, &set);
	err = unit_stderr_end();
	char *got = slurp(tmp, "args");
	if (!got)
		fprintf(stderr, "\nstderr: %s\n", err);
	free(err);
	/* every figure ran, though all but versions.gp (whose files the stand-in
	 * writes) failed; the record is of the last call */
	char *want = xasprintf("[-e]\n[cd '%s']\n[memory-kinds-slots.gp]\n", tmp);
	if (!got || strcmp(got, want))
		fprintf(stderr, "\nargs: %s\n", got ? got : "(none)");
	CU_ASSERT(got && !strcmp(got, want));
	CU_ASSERT_EQUAL(set.n, 6);
	CU_ASSERT_EQUAL(set.v[0].drawn, GP_PNG | GP_SVG);
	CU_ASSERT_EQUAL(set.v[1].drawn, 0);
	free(got);
	free(want);
	free(rec);
	free(args);
	plot_set_release(&set);

	free(fake);
	free(tdir);
	unit_rmtree(tmp);
	free(tmp);
	results_release(&r);
}

static const struct unit_test data_tests[] = {
	{ "bar data with gaps", test_hbars_gaps },
	{ "line data with gaps", test_lines_gaps },
};

/* 100 builds: no chart holds them all; parts, said in their titles. */
static void test_many_builds_parts(void)
{
	struct results r;
	results_init(&r);
	strvec_push(&r.config.workloads, "w");
	for (int i = 0; i < 100; i++) {
		struct interp *in = results_add_interp(&r);
		in->name = xasprintf("b%03d", i);
		struct cell *c = results_add_cell(&r);
		c->interpreter = xasprintf("b%03d", i);
		c->workload = xstrdup("w");
		c->count = 1000;
		c->repeat = 1;
		c->status = CELL_OK;
		for (int ph = 0; ph < PHASE_COUNT; ph++) {
			struct mem_sample *m = &c->samples[ph];
			m->valid = 1;
			m->uss = 8000000 + (ph >= PHASE_FULL ? 64000 + (uint64_t)i * 1000 : 0);
			m->rss = m->pss = m->uss;
		}
	}
	char *tmp = unit_tmpdir(), *tdir = templates_dir();
	struct plot_opts o;
	plot_opts_init(&o);
	o.outdir = tmp;
	o.templates = tdir;
	o.render = 0;
	struct plot_set set;
	CU_ASSERT_EQUAL_FATAL(plot_write_figures(&r, &o, &set), 0);
	char *names = set_names(&set);
	CU_ASSERT(!strncmp(names, "versions-w-part1 versions-w-part2 bytes-per-object-w-part1 "
			   "bytes-per-object-w-part2 scaling-w-part1 ", 99));
	free(names);
	CU_ASSERT(set.n >= 4 && strstr(set.v[1].title, "(builds 61-100 of 100)") != NULL);
	static const struct { const char *file; size_t rows; } parts[] = {
		{ "versions-w-part1.dat", 60 }, { "versions-w-part2.dat", 40 },
	};
	for (size_t k = 0; k < ARRAY_SIZE(parts); k++) {
		char *text = slurp(tmp, parts[k].file);
		struct dat_row rows[64];
		CU_ASSERT(text && dat_rows(text, rows, ARRAY_SIZE(rows)) == parts[k].rows);
		free(text);
	}
	plot_set_release(&set);
	free(tdir);
	unit_rmtree(tmp);
	free(tmp);
	results_release(&r);
}

static const struct unit_test figure_tests[] = {
	{ "100 builds: charts in parts", test_many_builds_parts },
	{ "figures from a results file with gaps", test_figures_from_gaps },
	{ "delta, absolute and peak charts", test_metrics },
	{ "-i, -w, --sort and unknown names", test_selection_and_sort },
	{ "--title and --size in the script", test_title_and_size },
	{ "many builds: one chart per workload", test_split_by_workload },
	{ "no memory-kinds figure when RSS = PSS = USS", test_no_memory_kinds },
	{ "errors: no cells, templates, directories", test_errors },
	{ "running gnuplot: missing, failing, hanging", test_runner },
};

static const struct unit_suite suites[] = {
	UNIT_SUITE("plot data", data_tests),
	UNIT_SUITE("plot figures", figure_tests),
};

int main(int argc, char **argv)
{
	(void)argc;
	return unit_main(argv[0], suites, ARRAY_SIZE(suites));
}
