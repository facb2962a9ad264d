/*
 * test_explain.c - explain.c: docs/layout.md's rows as the report finds
 * them (tests/fixtures/report/layout.md), the versions in a row's
 * parentheses, from a table; and the computed sentence where no row fits.
 */
#include <stdlib.h>
#include <string.h>

#include "explain.h"
#include "unit.h"

static struct interp make_interp(const char *name, const char *probe)
{
	struct interp in;
	memset(&in, 0, sizeof(in));
	in.name = xstrdup(name);
	in.probe = probe ? cJSON_Parse(probe) : NULL;
	return in;
}

static void free_interp(struct interp *in)
{
	free(in->name);
	cJSON_Delete(in->probe);
}

static const struct find_case {
	const char *name, *probe, *workload;
	const char *predicted;   /* NULL: no row */
} find_cases[] = {
	{ "cpython-3.12", "{\"version\":\"3.12.3\"}", "point3d", "104.2" },
	{ "cpython-3.12", "{\"version\":\"3.11.0\"}", "point3d", "1.0" },
	{ "cpython-3.12", "{\"version\":\"3.12.4\"}", "point3d", NULL },   /* no row of that version */
	{ "cpython-3.12", NULL, "point3d", NULL },                          /* unprobed: cannot tell */
	{ "cpython-3.12", "{\"version\":\"3.12.3\"}", "slots", NULL },
	{ "pypy3.10", "{\"version\":\"3.10.14\"}", "point3d", "48.5" },     /* no version asked */
	{ "someone-else", "{}", "slots", "64.3" },
	{ "cpython-3.12", "{\"version\":\"3.12.3\"}", "workload", NULL },  /* "## Surprising rows" */
};

static void test_find(void)
{
	struct layout_doc d;
	CU_ASSERT_EQUAL_FATAL(layout_doc_load(&d, unit_fixture("report/layout.md")), 0);
	CU_ASSERT_EQUAL(d.n, 4);
	for (size_t i = 0; i < ARRAY_SIZE(find_cases); i++) {
		const struct find_case *c = &find_cases[i];
		struct interp in = make_interp(c->name, c->probe);
		const struct layout_row *row = layout_doc_find(&d, &in, c->workload);
		int ok = c->predicted ? row && !strcmp(row->predicted, c->predicted) : !row;
		if (!ok)
			fprintf(stderr, "\nfind %s %s %s: %s\n", c->name, c->probe ? c->probe : "-",
				c->workload, row ? row->predicted : "no row");
		CU_ASSERT(ok);
		free_interp(&in);
	}
	/* the escaped bar stays in the quoted Markdown */
	struct interp in = make_interp("cpython-3.12", "{\"version\":\"3.12.3\"}");
	const struct layout_row *row = layout_doc_find(&d, &in, "point3d");
	CU_ASSERT(row && strstr(row->how, "pymalloc \\| 16 KiB pools") != NULL);
	free_interp(&in);
	layout_doc_release(&d);

	/* no file: nothing to quote, no error */
	CU_ASSERT_EQUAL(layout_doc_load(&d, "/nonexistent/layout.md"), 0);
	CU_ASSERT_EQUAL(d.n, 0);
	layout_doc_release(&d);
}

static const struct hint_case {
	const char *cell, *name, *hints;   /* hints joined by spaces */
} hint_cases[] = {
	{ "python3 (pyenv 3.11.7)", "python3", "3.11.7" },
	{ "pypy3 (7.3.11, 3.9)", "pypy3", "7.3.11 3.9" },
	{ "cpython-3.13-ft (3.13t)", "cpython-3.13-ft", "3.13" },
	{ "debian-python3-dbg (3.11.2d)", "debian-python3-dbg", "3.11.2" },
	{ "cpython-2.7.18", "cpython-2.7.18", "" },
};

static void test_hints(void)
{
	for (size_t i = 0; i < ARRAY_SIZE(hint_cases); i++) {
		const struct hint_case *c = &hint_cases[i];
		char *dir = unit_tmpdir();
		char *path = xasprintf("%s/layout.md", dir);
		char *text = xasprintf("### point3d: x\n\n| interpreter | m | p | how |\n|---|---|---|---|\n"
				       "| %s | 1 | 2 | h |\n", c->cell);
		CU_ASSERT_EQUAL_FATAL(write_file_atomic(path, text, strlen(text)), 0);
		struct layout_doc d;
		CU_ASSERT_EQUAL_FATAL(layout_doc_load(&d, path), 0);
		CU_ASSERT_EQUAL_FATAL(d.n, 1);
		struct buf joined = BUF_INIT;
		buf_add(&joined, "", 0);
		for (size_t h = 0; h < d.rows[0].hints.n; h++)
			buf_addf(&joined, "%s%s", h ? " " : "", d.rows[0].hints.v[h]);
		CU_ASSERT_STRING_EQUAL(d.rows[0].name, c->name);
		if (strcmp(joined.p, c->hints))
			fprintf(stderr, "\nhints of '%s': '%s'\n", c->cell, joined.p);
		CU_ASSERT_STRING_EQUAL(joined.p, c->hints);
		buf_release(&joined);
		layout_doc_release(&d);
		unit_rmtree(dir);
		free(dir);
		free(text);
		free(path);
	}
}

/* Without a row: computed from getsizeof, the measure and the allocator. */
static void test_computed(void)
{
	struct interp in = make_interp("x", "{\"implementation\":\"cpython\",\"allocator\":\"pymalloc\"}");
	struct summary_row row;
	memset(&row, 0, sizeof(row));
	row.workload = "slots";
	row.bytes_per_object = (struct stat3){ 1, 1, 64, 64, 64, 0 };
	row.getsizeof = (struct stat3){ 1, 1, 56, 56, 56, 0 };
	char *s = explain_row(NULL, &in, &row);
	CU_ASSERT(strstr(s, "sys.getsizeof: 56 B") && strstr(s, "the other 8 B") &&
		  strstr(s, "pymalloc rounds") && strstr(s, "(computed from the results)"));
	free(s);
	row.bytes_per_object.valid = 0;
	s = explain_row(NULL, &in, &row);
	CU_ASSERT_STRING_EQUAL(s, "not measured");
	free(s);
	free_interp(&in);
}

static const struct unit_test tests[] = {
	{ "rows by name, version and workload", test_find },
	{ "the versions in a row's parentheses", test_hints },
	{ "the sentence computed from the results", test_computed },
};

int main(int argc, char **argv)
{
	(void)argc;
	const struct unit_suite suites[] = { UNIT_SUITE("explain", tests) };
	return unit_main(argv[0], suites, ARRAY_SIZE(suites));
}
