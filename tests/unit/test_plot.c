/*
 * test_plot.c - plot.c: the data files (gaps written as NaN with their
 * status, never as 0), and whole figure sets written from the fixture
 * tests/fixtures/plot/gaps.json without running gnuplot; then figures
 * drawn by stand-ins for gnuplot that fail, are missing or hang. The text
 * rules are test_gnuplot.c's; drawing with the real gnuplot is
 * tests/e2e/plot-report.sh's job.
 */
#include <math.h>
#include <regex.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "gnuplot.h"
#include "plot.h"
#include "results.h"
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

static int bars_fn(FILE *f, const void *arg)
{
	return plot_bars_write(f, arg);
}

static int lines_fn(FILE *f, const void *arg)
{
	return plot_lines_write(f, arg);
}

static void test_bars_gaps(void)
{
	static const char *const groups[] = { "point3d", "slots x" };
	static const char *const series[] = { "cpython-3.12", "py\"q\"" };
	/* series 0: ok, failed; series 1: skipped, ok but value NaN (no data) */
	const double value[] = { 104.0, 0.0, 5.0, NAN };
	static const char *const status[] = { "ok", "failed", "skipped", "ok" };
	struct plot_bars b = { 2, 2, groups, series, value, status, 2, "line one\nline two" };
	char *text = written(bars_fn, &b);
	const char *want =
		"# line one\n"
		"# line two\n"
		"# columns: group-number group value label status\n"
		"# index 0: \"cpython-3.12\"\n"
		"0 \"point3d\" 104 \"104\" ok\n"
		"1 \"slots_x\" NaN \"\" failed\n"
		"\n\n"
		"# index 1: \"py_q_\"\n"
		"0 \"point3d\" NaN \"\" skipped\n"
		"1 \"slots_x\" NaN \"\" no-data\n";
	if (strcmp(text, want))
		fprintf(stderr, "\nbars data:\n%s\n", text);
	CU_ASSERT_STRING_EQUAL(text, want);
	free(text);
}

static void test_bar_labels(void)
{
	static const char *const groups[] = { "a", "b", "c", "d", "e" };
	static const char *const series[] = { "s" };
	const double value[] = { 3512.4, 64.25, 9.6, 0.0123, -40.96 };
	static const char *const status[] = { "ok", "ok", "ok", "ok", "ok" };
	struct plot_bars b = { 5, 1, groups, series, value, status, 2, NULL };
	char *text = written(bars_fn, &b);
	CU_ASSERT(strstr(text, "0 \"a\" 3512.4 \"3512\" ok\n") != NULL);
	CU_ASSERT(strstr(text, "1 \"b\" 64.25 \"64.2\" ok\n") != NULL);
	CU_ASSERT(strstr(text, "2 \"c\" 9.6 \"9.60\" ok\n") != NULL);
	CU_ASSERT(strstr(text, "3 \"d\" 0.0123 \"0.01\" ok\n") != NULL);
	CU_ASSERT(strstr(text, "4 \"e\" -40.96 \"-41.0\" ok\n") != NULL);
	free(text);
	b.small_decimals = 1;
	text = written(bars_fn, &b);
	CU_ASSERT(strstr(text, "\"9.6\" ok") != NULL);
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

static void test_figures_from_gaps(void)
{
	struct results r;
	results_init(&r);
	CU_ASSERT_FATAL(results_load(unit_fixture("plot/gaps.json"), &r) == 0);
	char *tmp = unit_tmpdir();
	char *out = xasprintf("%s/new/figures", tmp); /* made with its parent */
	char *tdir = templates_dir();
	struct plot_opts o;
	plot_opts_init(&o);
	o.outdir = out;
	o.templates = tdir;
	o.render = 0;
	o.source = "gaps.json";
	struct plot_set set;
	CU_ASSERT_EQUAL_FATAL(plot_write_figures(&r, &o, &set), 0);

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
		char *gp = slurp(out, gpname), *dat = slurp(out, datname);
		CU_ASSERT(gp && dat && *gp && *dat);
		if (gp) {
			CU_ASSERT(!has_placeholder(gp));
			/* the data file is named, relative, so the script runs where it is */
			char *want = xasprintf("DATA = '%s'", datname);
			CU_ASSERT(strstr(gp, want) != NULL);
			free(want);
			CU_ASSERT(strstr(gp, "set datafile missing") != NULL);
		}
		free(gp);
		free(dat);
		free(gpname);
		free(datname);
	}

	/* the version chart at 1M: every kind of gap, none of them a zero */
	char *v = slurp(out, "versions.dat");
	CU_ASSERT_FATAL(v != NULL);
	CU_ASSERT(strstr(v, "# index 0: \"py<b>&'_\"\n") != NULL); /* sorted by version */
	CU_ASSERT(strstr(v, "# index 1: \"cpython-3.12\"\n") != NULL);
	CU_ASSERT(strstr(v, "1 \"slots\" NaN \"\" missing\n") != NULL);
	CU_ASSERT(strstr(v, "0 \"point3d\" NaN \"\" failed\n") != NULL);
	CU_ASSERT(strstr(v, "2 \"record\" NaN \"\" skipped\n") != NULL);
	CU_ASSERT(strstr(v, "# index 3: \"micropython\"\n0 \"point3d\" NaN \"\" skipped\n") != NULL);
	CU_ASSERT(strstr(v, " 0 \"") == NULL); /* no value written as 0 */
	free(v);
	char *gp = slurp(out, "versions.gp");
	CU_ASSERT(gp && strstr(gp, "array SERIES[4] = ['py<b>&''\"', 'cpython-3.12', 'pypy3.10', "
			       "'micropython']") != NULL);
	CU_ASSERT(gp && strstr(gp, "do for [FMT in \"png svg\"]") != NULL);
	free(gp);

	/* the scaling figure: the failed 1M of pypy3.10 is NaN, the note says so */
	char *s = slurp(out, "scaling-point3d.dat");
	CU_ASSERT(s && strstr(s, "1000000 NaN NaN failed\n") != NULL);
	free(s);
	s = slurp(out, "scaling-point3d.gp");
	CU_ASSERT(s && strstr(s, "pypy3.10 at 1M (failed)") != NULL);
	CU_ASSERT(s && strstr(s, "micropython (skipped)") != NULL);
	free(s);
	plot_set_release(&set);

	/* a count the results do not have */
	o.count = 5000;
	unit_stderr_begin();
	CU_ASSERT_EQUAL(plot_write_figures(&r, &o, &set), -1);
	char *err = unit_stderr_end();
	CU_ASSERT(strstr(err, "count 5k is not in the results; they have 1k, 100k, 1M") != NULL);
	free(err);
	plot_set_release(&set);

	/* an explicit count moves the bars */
	o.count = 1000;
	CU_ASSERT_EQUAL(plot_write_figures(&r, &o, &set), 0);
	CU_ASSERT_EQUAL(set.count, 1000);
	v = slurp(out, "versions.dat");
	CU_ASSERT(v && strstr(v, "objects (USS") == NULL && strstr(v, "at 1000 objects") != NULL);
	free(v);
	plot_set_release(&set);

	free(tdir);
	free(out);
	unit_rmtree(tmp);
	free(tmp);
	results_release(&r);
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
	p = xasprintf("%s/bars.gp", bad);
	put(p, "@COMMON@\nset title '@TITEL@'\n");
	free(p);
	o.templates = bad;
	unit_stderr_begin();
	CU_ASSERT_EQUAL(plot_write_figures(&r, &o, &set), -1);
	err = unit_stderr_end();
	CU_ASSERT(strstr(err, "bars.gp': line 2: unknown placeholder @TITEL@") != NULL);
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
	{ "bar data with gaps", test_bars_gaps },
	{ "labels on bars", test_bar_labels },
	{ "line data with gaps", test_lines_gaps },
};

static const struct unit_test figure_tests[] = {
	{ "figures from a results file with gaps", test_figures_from_gaps },
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
