/*
 * test_report.c - report.c: a whole report from tests/fixtures/plot/gaps.json,
 * whose names and reasons hold markup that must come out as text, escaped
 * once (the conversion itself is test_mdhtml.c's).
 */
#include <stdlib.h>
#include <string.h>

#include "report.h"
#include "results.h"
#include "unit.h"

/* ---- a whole report ---- */

static void test_report_gaps(void)
{
	struct results r;
	results_init(&r);
	CU_ASSERT_FATAL(results_load(unit_fixture("plot/gaps.json"), &r) == 0);
	char *dir = unit_tmpdir();
	struct report_opts o;
	report_opts_init(&o);
	o.outdir = dir;
	o.source = "gaps<1>.json";
	o.figures = 0;
	char *layout = xstrdup(unit_fixture("report/layout.md"));   /* a static buffer */
	o.layout_doc = layout;
	CU_ASSERT_EQUAL_FATAL(report_write(&r, &o), 0);

	struct buf md = BUF_INIT, html = BUF_INIT;
	char *p = xasprintf("%s/report.md", dir);
	CU_ASSERT_FATAL(read_file(p, 1 << 24, &md) == 0);
	free(p);
	p = xasprintf("%s/report.html", dir);
	CU_ASSERT_FATAL(read_file(p, 1 << 24, &html) == 0);
	free(p);

	/* the sections, in order: the answer first, the machine and probes last */
	static const char *const sections[] = {
		"# objmem report: rev \\<i\\>42\\</i\\> \\& more",
		"**Contents:** [The answer](#answer)",
		"## The answer {#answer}", "## Bytes per object at 1M objects {#bytes-per-object}",
		"## Other counts {#other-counts}", "## Figures {#figures}",
		"## Memory by count {#memory-by-count}", "### Least-squares fits",
		"## Not measured {#not-measured}", "## Machine and method {#machine}",
		"## Interpreters {#interpreters}", "## Probe details {#probe-details}",
	};
	const char *at = md.p;
	for (size_t i = 0; i < ARRAY_SIZE(sections); i++) {
		const char *s = strstr(at, sections[i]);
		if (!s)
			fprintf(stderr, "\nreport.md lacks '%s' (after the previous section)\n", sections[i]);
		CU_ASSERT(s != NULL);
		if (s)
			at = s;
	}
	CU_ASSERT(strstr(md.p, "Left out (objmem report --no-figures).") != NULL);
	/* the answer: the range per workload at the largest count, builds by label */
	CU_ASSERT(strstr(md.p, "- **point3d**: from 104.0 B per object (CPython 3.12.3) to 120.0 B "
			       "(CPython 3.11.2 debug, without pymalloc)\n") != NULL);
	/* bytes per object at 1M with why: quoted where the account has the build
	 * and version, computed elsewhere, "not measured" for a gap */
	CU_ASSERT(strstr(md.p, "| CPython 3.12.3 | 104.0 | 104.0..104.0 | 56 | instance 16+GC 16+pre 16: "
			       "48→48 + values 40→48; pymalloc \\| 16 KiB pools; predicted 104.2 B "
			       "(docs/layout.md) |\n") != NULL);
	CU_ASSERT(strstr(md.p, "another version") == NULL);
	CU_ASSERT(strstr(md.p, "| CPython 3.12.3 | 48.0 | 48.0..48.0 | 56 | sys.getsizeof: 56 B, the "
			       "object with its GC header; the kernel saw 8 B less") != NULL);
	CU_ASSERT(strstr(md.p, "| PyPy 3.10.14 | 40.0 | 40.0..40.0 | - | sys.getsizeof cannot tell on "
			       "this interpreter; PyPy's collector") != NULL);
	CU_ASSERT(strstr(md.p, "| PyPy 3.10.14 | failed | - | - | not measured |") != NULL);
	CU_ASSERT(strstr(md.p, "| CPython 3.11.2 debug, without pymalloc | 88.0 | 88.0..88.0 | 56 | "
			       "sys.getsizeof: 56 B, the object with its GC header; the other 32 B") != NULL);
	/* the other counts: table.c's tables, by label; not the largest count again */
	CU_ASSERT(strstr(md.p, "**Bytes per object at 1k objects**") != NULL);
	CU_ASSERT(strstr(md.p, "**Bytes per object at 1M objects**") == NULL);
	CU_ASSERT(strstr(md.p, "| CPython 3.12.3 | 112.6 | 79.9 | 55.3 |") != NULL);
	CU_ASSERT(strstr(md.p, "#### CPython 3.12.3 / point3d") != NULL);
	/* the interpreters: by label, with the definition's name */
	CU_ASSERT(strstr(md.p, "| CPython 3.12.3 | cpython-3.12 | cpython | 3.12.3 |") != NULL);
	/* the cells not measured, with their counts and reasons */
	CU_ASSERT(strstr(md.p, "| pypy3.10 | point3d | failed | 1M #1, 1M #2 | ValueError: "
			       "\\<script\\>alert('x')\\</script\\> \\& \"quoted\" |") != NULL);
	CU_ASSERT(strstr(md.p, "| pypy3.10 | record | skipped | 1k #1, 1k #2, 100k #1, 100k #2, "
			       "1M #1, 1M #2 |") != NULL);
	CU_ASSERT(strstr(md.p, "- micropython: probe failed: AttributeError: \\<module\\> has no "
			       "'gc.collect'") != NULL);
	/* the page: anchors on the sections, links to them */
	CU_ASSERT(strstr(html.p, "<h2 id=\"answer\">The answer</h2>") != NULL);
	CU_ASSERT(strstr(html.p, "<a href=\"#not-measured\">Not measured</a>") != NULL);
	/* markup from the results is text in the HTML, never markup */
	CU_ASSERT(strstr(html.p, "<script") == NULL);
	CU_ASSERT(strstr(html.p, "<b>") == NULL && strstr(html.p, "<i>") == NULL);
	CU_ASSERT(strstr(html.p, "<title>objmem report: rev &lt;i&gt;42&lt;/i&gt; &amp; more</title>") != NULL);
	CU_ASSERT(strstr(html.p, "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;quoted&quot;") != NULL);
	CU_ASSERT(strstr(html.p, "<td>py&lt;b&gt;&amp;&#39;&quot;</td>") != NULL);
	CU_ASSERT(strstr(html.p, "<td>bench&lt;1&gt;</td>") != NULL);
	CU_ASSERT(strstr(html.p, "Content-Security-Policy") != NULL);
	/* escaped once: a table's name is not escaped again by the conversion */
	CU_ASSERT(strstr(html.p, "&amp;lt;") == NULL && strstr(html.p, "&amp;gt;") == NULL);
	CU_ASSERT(strstr(md.p, "&lt;") == NULL);
	/* values of the tables */
	CU_ASSERT(strstr(html.p, "<td class=\"r\">104.0</td>") != NULL);
	CU_ASSERT(strstr(html.p, "<td class=\"r\">113.20</td>") != NULL);
	buf_release(&md);
	buf_release(&html);

	/* an output directory that cannot be made */
	char *file = xasprintf("%s/report.md/sub", dir);
	o.outdir = file;
	unit_stderr_begin();
	CU_ASSERT_EQUAL(report_write(&r, &o), -1);
	char *err = unit_stderr_end();
	CU_ASSERT(strstr(err, "cannot create directory") != NULL);
	free(err);
	free(file);

	unit_rmtree(dir);
	free(dir);
	free(layout);
	results_release(&r);
}

static void test_report_empty(void)
{
	struct results r;
	results_init(&r);
	CU_ASSERT_FATAL(results_load(unit_fixture("results/minimal.json"), &r) == 0);
	char *dir = unit_tmpdir();
	struct report_opts o;
	report_opts_init(&o);
	o.outdir = dir;
	o.source = "minimal.json";
	o.templates = "/nonexistent";
	/* figures on, but minimal.json has too little to need gnuplot's help to fail */
	unit_stderr_begin();
	int rc = report_write(&r, &o);
	free(unit_stderr_end());
	CU_ASSERT(rc == 0 || rc == 1);
	char *p = xasprintf("%s/report.html", dir);
	struct buf html = BUF_INIT;
	CU_ASSERT(read_file(p, 1 << 24, &html) == 0);
	CU_ASSERT(html.p && strstr(html.p, "</html>") != NULL);
	buf_release(&html);
	free(p);
	unit_rmtree(dir);
	free(dir);
	results_release(&r);
}

static const struct unit_test report_tests[] = {
	{ "a report of a results file with gaps", test_report_gaps },
	{ "a report of a nearly empty results file", test_report_empty },
};

static const struct unit_suite suites[] = {
	UNIT_SUITE("report", report_tests),
};

int main(int argc, char **argv)
{
	(void)argc;
	return unit_main(argv[0], suites, ARRAY_SIZE(suites));
}
