/*
 * test_gnuplot.c - gnuplot.c: template substitution, the escaping that keeps
 * names data (quotes, %, @, newlines), data-file numbers, format names,
 * gp_run against stand-ins for gnuplot that record their arguments, fail
 * or hang, and gp_draw's files: the standalone script, stale images
 * removed, what was drawn checked.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "gnuplot.h"
#include "unit.h"

/* ---- gp_subst ---- */

static const struct subst_case {
	const char *name;
	const char *tmpl;
	const char *vars[4]; /* "KEY=VALUE" */
	const char *want;    /* NULL: an error is expected */
	const char *why;     /* part of the error */
} subst_cases[] = {
	{ "no placeholder", "plot x\n", { NULL }, "plot x\n", NULL },
	{ "empty template", "", { NULL }, "", NULL },
	{ "one placeholder", "set title '@TITLE@'", { "TITLE=Memory" }, "set title 'Memory'", NULL },
	{ "two, adjacent", "@A@@B@", { "A=1", "B=2" }, "12", NULL },
	{ "repeated", "@A@ and @A@", { "A=x" }, "x and x", NULL },
	{ "digits and underscores in the key", "@YMAX_2@", { "YMAX_2=9" }, "9", NULL },
	{ "value with '=' in it", "@E@", { "E=a=b" }, "a=b", NULL },
	{ "empty value", "[@E@]", { "E=" }, "[]", NULL },
	{ "a value is not scanned again", "@A@", { "A=@B@", "B=no" }, "@B@", NULL },
	{ "a gnuplot macro stays", "@MACRO and x", { NULL }, "@MACRO and x", NULL },
	{ "lower case is not a placeholder", "@title@", { NULL }, "@title@", NULL },
	{ "an address stays", "mail a@b.c", { NULL }, "mail a@b.c", NULL },
	{ "a lone @ at the end", "x @", { NULL }, "x @", NULL },
	{ "@@ stays", "@@", { NULL }, "@@", NULL },
	{ "unterminated key", "@ABC def", { "ABC=1" }, "@ABC def", NULL },
	{ "key then space is not a placeholder", "@A @", { "A=1" }, "@A @", NULL },
	{ "unknown placeholder, line 3", "a\nb\n@NOPE@\n", { "A=1" }, NULL,
	  "line 3: unknown placeholder @NOPE@" },
	{ "unknown after a known one", "@A@ @B@", { "A=1" }, NULL, "line 1: unknown placeholder @B@" },
};

static void test_subst_table(void)
{
	for (size_t i = 0; i < ARRAY_SIZE(subst_cases); i++) {
		const struct subst_case *t = &subst_cases[i];
		struct strvec vars = STRVEC_INIT;
		for (size_t k = 0; k < ARRAY_SIZE(t->vars) && t->vars[k]; k++)
			strvec_push(&vars, t->vars[k]);
		struct buf out = BUF_INIT;
		char *why = NULL;
		int rc = gp_subst(t->tmpl, &vars, &out, &why);
		int ok = t->want ? rc == 0 && !strcmp(out.p ? out.p : "", t->want)
				 : rc == -1 && why && strstr(why, t->why);
		if (!ok)
			fprintf(stderr, "\nsubst case '%s': rc %d out '%s' why '%s'\n", t->name, rc,
				out.p ? out.p : "(null)", why ? why : "(null)");
		CU_ASSERT(ok);
		free(why);
		buf_release(&out);
		strvec_clear(&vars);
	}
}

static void test_subst_appends(void)
{
	struct strvec vars = STRVEC_INIT;
	strvec_push(&vars, "A=1");
	struct buf out = BUF_INIT;
	buf_addstr(&out, "# header\n");
	char *why;
	CU_ASSERT_EQUAL(gp_subst("x=@A@", &vars, &out, &why), 0);
	CU_ASSERT_STRING_EQUAL(out.p, "# header\nx=1");
	buf_release(&out);
	strvec_clear(&vars);
}

/* ---- escaping, numbers, formats ---- */

static const struct esc_case {
	const char *in, *want;
} gp_cases[] = {
	{ "plain", "plain" },
	{ "", "" },
	{ "it's", "it''s" },
	{ "''", "''''" },
	{ "two\nlines", "two\\nlines" },
	{ "tab\there\r", "tab\\there\\r" },
	{ "bell\a", "bell\\x07" },
	{ "pct%d", "pct%d" },
	{ "bad \xff byte", "bad \\xff byte" },
	{ "back\\slash \"q\" @A@", "back\\slash \"q\" @A@" },
	{ "py<b>&'\"", "py<b>&''\"" },
	{ "10⁶ bytes", "10⁶ bytes" },
};

static void test_gp_escape(void)
{
	for (size_t i = 0; i < ARRAY_SIZE(gp_cases); i++) {
		struct buf b = BUF_INIT;
		gp_escape(&b, gp_cases[i].in);
		if (strcmp(b.p, gp_cases[i].want))
			fprintf(stderr, "\ngp escape '%s': got '%s'\n", gp_cases[i].in, b.p);
		CU_ASSERT_STRING_EQUAL(b.p, gp_cases[i].want);
		buf_release(&b);
	}
}

static void test_format_number(void)
{
	static const struct {
		double v;
		const char *want;
	} cases[] = {
		{ 1.5, "1.5" }, { 0, "0" }, { 1e6, "1000000" }, { 3512.345678, "3512.345678" },
		{ -4.096, "-4.096" }, { 1e12, "1000000000000" }, { 0.000123, "0.000123" },
	};
	char out[64];
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		gp_data_number(out, sizeof(out), cases[i].v);
		CU_ASSERT_STRING_EQUAL(out, cases[i].want);
	}
	gp_data_number(out, sizeof(out), NAN);
	CU_ASSERT_STRING_EQUAL(out, "NaN");
	gp_data_number(out, sizeof(out), INFINITY);
	CU_ASSERT_STRING_EQUAL(out, "NaN");
	gp_data_number(out, sizeof(out), -INFINITY);
	CU_ASSERT_STRING_EQUAL(out, "NaN");
}

static void test_format_names(void)
{
	CU_ASSERT_STRING_EQUAL(gp_format_name(GP_PNG), "png");
	CU_ASSERT_STRING_EQUAL(gp_format_name(GP_SVG), "svg");
	CU_ASSERT_STRING_EQUAL(gp_format_name(GP_PDF), "pdf");
	CU_ASSERT_STRING_EQUAL(gp_format_name(3), "?");
	/* bit i is gp_format_names[i]: cli_choice_set relies on it */
	for (unsigned i = 0; gp_format_names[i]; i++)
		CU_ASSERT_STRING_EQUAL(gp_format_name(1u << i), gp_format_names[i]);
}

/* ---- gp_run and gp_draw with stand-ins ---- */

static void put(const char *path, const char *text, int exec)
{
	CU_ASSERT_EQUAL(write_file_atomic(path, text, strlen(text)), 0);
	if (exec)
		chmod(path, 0755);
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

static const struct run_case {
	const char *name;
	const char *script;
	double timeout;
	int rc;
	const char *why;     /* part of the message, for a failure */
} run_cases[] = {
	{ "succeeds", "#!/bin/sh\nexit 0\n", 10, 0, NULL },
	{ "fails with its last words", "#!/bin/sh\necho 'line 7: undefined variable: XYZ' >&2\n"
	  "exit 1\n", 10, -1, "exited with status 1" },
	{ "its last words reach the message", "#!/bin/sh\necho a >&2; echo 'Bad format character' >&2\n"
	  "exit 3\n", 10, -1, "Bad format character" },
	{ "killed by a signal", "#!/bin/sh\nkill -SEGV $$\n", 10, -1, "signal" },
	{ "hangs: killed after the timeout", "#!/bin/sh\nexec sleep 30\n", 0.5, -1,
	  "did not finish" },
};

static void test_run_table(void)
{
	char *tmp = unit_tmpdir();
	char *fake = xasprintf("%s/fake-gnuplot", tmp);
	for (size_t i = 0; i < ARRAY_SIZE(run_cases); i++) {
		const struct run_case *t = &run_cases[i];
		put(fake, t->script, 1);
		char *why = NULL;
		double t0 = now_s();
		int rc = gp_run(fake, tmp, "x.gp", t->timeout, &why);
		int ok = rc == t->rc && (!t->why || (why && strstr(why, t->why))) &&
			 now_s() - t0 < 10;
		if (!ok)
			fprintf(stderr, "\nrun case '%s': rc %d why '%s'\n", t->name, rc,
				why ? why : "(null)");
		CU_ASSERT(ok);
		free(why);
	}
	/* a program that is not there */
	char *why = NULL;
	CU_ASSERT_EQUAL(gp_run("/nonexistent/gnuplot", tmp, "x.gp", 5, &why), -1);
	CU_ASSERT(why && strstr(why, "/nonexistent/gnuplot"));
	free(why);
	free(fake);
	unit_rmtree(tmp);
	free(tmp);
}

/* The stand-in gets -e "cd 'DIR'" SCRIPT, each one argument: no shell between. */
static void test_run_args(void)
{
	char *tmp = unit_tmpdir();
	char *dir = xasprintf("%s/it's a dir", tmp);
	mkdir(dir, 0755);
	char *fake = xasprintf("%s/fake-gnuplot", tmp);
	char *rec = xasprintf("#!/bin/sh\nfor a in \"$@\"; do echo \"[$a]\"; done > '%s/args'\n", tmp);
	put(fake, rec, 1);
	char *why = NULL;
	CU_ASSERT_EQUAL(gp_run(fake, dir, "a b;c.gp", 10, &why), 0);
	char *got = slurp(tmp, "args");
	char *want = xasprintf("[-e]\n[cd '%s/it''s a dir']\n[a b;c.gp]\n", tmp);
	if (!got || strcmp(got, want))
		fprintf(stderr, "\nargs: %s\n", got ? got : "(none)");
	CU_ASSERT(got && !strcmp(got, want));
	free(got);
	free(want);
	free(why);
	free(rec);
	free(fake);
	free(dir);
	unit_rmtree(tmp);
	free(tmp);
}

/* Templates in a directory of the test's own. */
static char *templates(const char *tmp)
{
	char *dir = xasprintf("%s/tmpl", tmp);
	mkdir(dir, 0755);
	char *p = xasprintf("%s/common.gp", dir);
	put(p, "# common\n", 0);
	free(p);
	p = xasprintf("%s/bars.gp", dir);
	put(p, "@COMMON@\nDATA = '@DATA@'\nNAME = '@NAME@'\nset title '@TITLE@'\n"
	    "do for [FMT in \"@FORMATS@\"] { print FMT }\n", 0);
	free(p);
	return dir;
}

static void test_draw(void)
{
	char *tmp = unit_tmpdir();
	char *tdir = templates(tmp);
	char *out = xasprintf("%s/out/figs", tmp);
	char *fake = xasprintf("%s/fake-gnuplot", tmp);
	/* draws the png only */
	char *script = xasprintf("#!/bin/sh\necho x > '%s/versions.png'\n", out);
	put(fake, script, 1);
	struct gp_env env;
	CU_ASSERT_EQUAL_FATAL(gp_env_init(&env, 1, fake, tdir, out, GP_PNG | GP_SVG, 10,
					  "objmem test"), 0);
	/* an image of an earlier run must not pass for a new one */
	char *stale = xasprintf("%s/versions.svg", out);
	put(stale, "old", 0);
	struct gp_figure f;
	gp_figure_init(&f, "versions", "versions", "bars");
	gp_set_text(&f, "TITLE", "py's\n100% @NAME@");
	buf_addstr(&f.data, "0 1\n");
	unit_stderr_begin();
	CU_ASSERT_EQUAL(gp_draw(&env, &f), 1);
	char *err = unit_stderr_end();
	CU_ASSERT(strstr(err, "did not write every figure") != NULL);
	CU_ASSERT_EQUAL(f.drawn, GP_PNG);
	CU_ASSERT(access(stale, F_OK) != 0);
	char *gp = slurp(out, "versions.gp"), *dat = slurp(out, "versions.dat");
	CU_ASSERT(gp && strstr(gp, "made by objmem test from the template"));
	CU_ASSERT(gp && strstr(gp, "# common\n"));
	CU_ASSERT(gp && strstr(gp, "set title 'py''s\\n100% @NAME@'"));
	CU_ASSERT(gp && strstr(gp, "DATA = 'versions.dat'"));
	CU_ASSERT(gp && strstr(gp, "do for [FMT in \"png svg\"]"));
	CU_ASSERT(dat && !strcmp(dat, "0 1\n"));
	free(gp);
	free(dat);
	free(err);
	gp_figure_release(&f);
	gp_env_release(&env);

	/* scripts only: no gnuplot needed, nothing drawn, 0 */
	CU_ASSERT_EQUAL_FATAL(gp_env_init(&env, 0, "/nonexistent/gnuplot", tdir, out, GP_PNG, 10,
					  "objmem test"), 0);
	gp_figure_init(&f, "bytes", "bytes", "bars");
	gp_set_text(&f, "TITLE", "t");
	CU_ASSERT_EQUAL(gp_draw(&env, &f), 0);
	CU_ASSERT_EQUAL(f.drawn, 0);
	gp_figure_release(&f);
	gp_env_release(&env);

	/* a missing gnuplot is said before anything is written */
	unit_stderr_begin();
	CU_ASSERT_EQUAL(gp_env_init(&env, 1, "/nonexistent/gnuplot", tdir, out, GP_PNG, 10, "t"), -1);
	err = unit_stderr_end();
	CU_ASSERT(strstr(err, "cannot run '/nonexistent/gnuplot'") != NULL);
	free(err);
	gp_env_release(&env);

	free(stale);
	free(script);
	free(fake);
	free(out);
	free(tdir);
	unit_rmtree(tmp);
	free(tmp);
}

static void test_arrays(void)
{
	static const char *const names[] = { "a", "it's", "pct%d", "two\nlines" };
	struct buf b = BUF_INIT;
	gp_array_strings(&b, "SERIES", names, 4);
	CU_ASSERT_STRING_EQUAL(b.p, "array SERIES[4] = ['a', 'it''s', 'pct%d', 'two\\nlines']\n");
	buf_reset(&b);
	const double v[] = { 1, 22.5, 1e-7, 333 };
	gp_array_numbers(&b, "YPOS", v, 4);
	CU_ASSERT_STRING_EQUAL(b.p, "array YPOS[4] = [1, 22.5, 1e-07, 333]\n");
	/* gnuplot has no empty arrays: one element, the count is kept elsewhere */
	buf_reset(&b);
	gp_array_numbers(&b, "GYPOS", v, 0);
	CU_ASSERT_STRING_EQUAL(b.p, "array GYPOS[1] = [0]\n");
	buf_reset(&b);
	gp_array_strings(&b, "GROUP", names, 0);
	CU_ASSERT_STRING_EQUAL(b.p, "array GROUP[1] = ['']\n");
	buf_release(&b);
}

static const struct unit_test text_tests[] = {
	{ "placeholders, from a table", test_subst_table },
	{ "substitution appends", test_subst_appends },
	{ "gnuplot string escaping", test_gp_escape },
	{ "arrays of names and numbers", test_arrays },
	{ "numbers in data files", test_format_number },
	{ "format names", test_format_names },
};

static const struct unit_test run_tests[] = {
	{ "gp_run: succeeding, failing, hanging, missing", test_run_table },
	{ "gp_run: the argv, no shell", test_run_args },
	{ "gp_draw: script, data, stale images, what was drawn", test_draw },
};

static const struct unit_suite suites[] = {
	UNIT_SUITE("gnuplot text", text_tests),
	UNIT_SUITE("gnuplot runs", run_tests),
};

int main(int argc, char **argv)
{
	(void)argc;
	return unit_main(argv[0], suites, ARRAY_SIZE(suites));
}
