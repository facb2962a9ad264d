/*
 * test_report.c - report.c: HTML and Markdown escaping (tables of cases),
 * the Markdown-to-HTML conversion (headings, tables with alignment, lists,
 * code, bold, escapes, figures inline), SVG made fit to inline, and a whole
 * report from tests/fixtures/plot/gaps.json, whose names and reasons hold
 * markup that must come out as text.
 */
#include <stdlib.h>
#include <string.h>

#include "report.h"
#include "results.h"
#include "unit.h"

/* ---- escaping ---- */

static const struct esc_case {
	const char *in, *html, *md;
} esc_cases[] = {
	{ "plain", "plain", "plain" },
	{ "", "", "" },
	{ "a<b>c", "a&lt;b&gt;c", "a\\<b\\>c" },
	{ "&amp;", "&amp;amp;", "\\&amp;" },
	{ "\"q\" 'a'", "&quot;q&quot; &#39;a&#39;", "\"q\" 'a'" },
	{ "<script>alert(1)</script>", "&lt;script&gt;alert(1)&lt;/script&gt;",
	  "\\<script\\>alert(1)\\</script\\>" },
	{ "a|b", "a|b", "a\\|b" },
	{ "*x* _y_ `z` [l](u) #h !i \\", "*x* _y_ `z` [l](u) #h !i \\",
	  "\\*x\\* \\_y\\_ \\`z\\` \\[l\\](u) \\#h \\!i \\\\" },
	{ "two\nlines\tand\rtab", "two\nlines\tand\rtab", "two lines and tab" },
	{ "10⁶ bytes", "10⁶ bytes", "10⁶ bytes" },
};

static void test_escape_table(void)
{
	for (size_t i = 0; i < ARRAY_SIZE(esc_cases); i++) {
		const struct esc_case *t = &esc_cases[i];
		struct buf h = BUF_INIT, m = BUF_INIT;
		report_html_escape(&h, t->in, strlen(t->in));
		report_md_escape(&m, t->in);
		if (strcmp(h.p, t->html) || strcmp(m.p, t->md))
			fprintf(stderr, "\nescape '%s': html '%s' md '%s'\n", t->in, h.p, m.p);
		CU_ASSERT_STRING_EQUAL(h.p, t->html);
		CU_ASSERT_STRING_EQUAL(m.p, t->md);
		buf_release(&h);
		buf_release(&m);
	}
}

/* What md_escape writes, md_to_html shows as the original text. */
static void test_escape_round_trip(void)
{
	for (size_t i = 0; i < ARRAY_SIZE(esc_cases); i++) {
		const char *in = esc_cases[i].in;
		if (strpbrk(in, "\n\r\t") || !*in)
			continue;
		struct buf md = BUF_INIT, html = BUF_INIT, want = BUF_INIT;
		report_md_escape(&md, in);
		report_md_to_html(md.p, ".", &html);
		buf_addstr(&want, "<p>");
		report_html_escape(&want, in, strlen(in));
		buf_addstr(&want, "</p>\n");
		if (strcmp(html.p, want.p))
			fprintf(stderr, "\nround trip '%s': '%s'\n", in, html.p);
		CU_ASSERT_STRING_EQUAL(html.p, want.p);
		buf_release(&md);
		buf_release(&html);
		buf_release(&want);
	}
}

/* ---- Markdown to HTML ---- */

static const struct md_case {
	const char *name, *md, *html;
} md_cases[] = {
	{ "heading levels", "# One\n## Two\n### Three\n", "<h1>One</h1>\n<h2>Two</h2>\n<h3>Three</h3>\n" },
	{ "paragraph lines join", "a\nb\n\nc\n", "<p>a\nb</p>\n<p>c</p>\n" },
	{ "bold and code", "**B** and `x<y`\n", "<p><strong>B</strong> and <code>x&lt;y</code></p>\n" },
	{ "unclosed bold is closed", "**B\n", "<p><strong>B</strong></p>\n" },
	{ "raw HTML is text", "<b>x</b> & y\n", "<p>&lt;b&gt;x&lt;/b&gt; &amp; y</p>\n" },
	{ "list", "- a\n- b <c>\n\nafter\n", "<ul>\n<li>a</li>\n<li>b &lt;c&gt;</li>\n</ul>\n<p>after</p>\n" },
	{ "table with alignment",
	  "| name | n |\n|---|---:|\n| a\\|b | 1 |\n",
	  "<div class=\"wide\"><table>\n<thead><tr><th>name</th><th class=\"r\">n</th></tr></thead>\n"
	  "<tbody>\n<tr><td>a|b</td><td class=\"r\">1</td></tr>\n</tbody></table></div>\n" },
	{ "table.c's alignment row and an empty cell",
	  "| Count | Delta |\n|------:|------:|\n| 1000 |   |\n",
	  "<div class=\"wide\"><table>\n<thead><tr><th class=\"r\">Count</th><th class=\"r\">Delta</th>"
	  "</tr></thead>\n<tbody>\n<tr><td class=\"r\">1000</td><td class=\"r\"></td></tr>\n"
	  "</tbody></table></div>\n" },
	{ "#### sections become cards, closed by the next heading",
	  "#### a / b\n\nx\n\n#### c\n## next\n",
	  "<div class=\"cards\">\n<section class=\"card\">\n<h4>a / b</h4>\n<p>x</p>\n</section>\n"
	  "<section class=\"card\">\n<h4>c</h4>\n</section>\n</div>\n<h2>next</h2>\n" },
	{ "a figure that is not there", "![t](nothing.svg)\n",
	  "<p class=\"missing\">figure not available: nothing.svg</p>\n" },
	{ "a figure outside the directory is not read", "![t](../etc/passwd.svg)\n",
	  "<p class=\"missing\">figure not available: ../etc/passwd.svg</p>\n" },
	{ "hash without space is text", "#x\n", "<p>#x</p>\n" },
};

static void test_md_table(void)
{
	for (size_t i = 0; i < ARRAY_SIZE(md_cases); i++) {
		const struct md_case *t = &md_cases[i];
		struct buf html = BUF_INIT;
		report_md_to_html(t->md, "/nonexistent", &html);
		if (strcmp(html.p, t->html))
			fprintf(stderr, "\nmd case '%s':\n%s\n", t->name, html.p);
		CU_ASSERT_STRING_EQUAL(html.p, t->html);
		buf_release(&html);
	}
}

/* ---- inline SVG ---- */

static const char svg_doc[] =
	"<?xml version=\"1.0\" encoding=\"utf-8\"  standalone=\"no\"?>\n"
	"<svg width=\"10\" height=\"10\" viewBox=\"0 0 10 10\">\n"
	"<g id=\"gnuplot_canvas\"><defs><path id='gpPt1' d='M0,0'/>"
	"<pattern id='gpPat1'></pattern></defs>\n"
	"<use xlink:href='#gpPt1'/><polygon fill = 'url(#gpPat1)'/>"
	"<text>py&lt;b>&amp;</text></g></svg>\n";

static void test_inline_svg(void)
{
	char *s = report_inline_svg(svg_doc, "f2-", "Memory <for> \"1M\"");
	CU_ASSERT_FATAL(s != NULL);
	CU_ASSERT(strncmp(s, "<svg role=\"img\" aria-label=\"Memory &lt;for&gt; &quot;1M&quot;\" "
			  "style=\"min-width:7px\" width=\"10\"", 88) == 0);
	CU_ASSERT(strstr(s, "<?xml") == NULL);
	CU_ASSERT(strstr(s, "id=\"f2-gnuplot_canvas\"") != NULL);
	CU_ASSERT(strstr(s, "id='f2-gpPt1'") != NULL);
	CU_ASSERT(strstr(s, "id='f2-gpPat1'") != NULL);
	CU_ASSERT(strstr(s, "xlink:href='#f2-gpPt1'") != NULL);
	CU_ASSERT(strstr(s, "url(#f2-gpPat1)") != NULL);
	CU_ASSERT(strstr(s, "<text>py&lt;b>&amp;</text>") != NULL);
	CU_ASSERT(strstr(s, "id='gp") == NULL && strstr(s, "#gp") == NULL);
	free(s);

	CU_ASSERT_PTR_NULL(report_inline_svg("<html>no svg</html>", "f1-", "x"));
	CU_ASSERT_PTR_NULL(report_inline_svg("<svg><script>alert(1)</script></svg>", "f1-", "x"));
	CU_ASSERT_PTR_NULL(report_inline_svg("<svg><SCRIPT src=x></SCRIPT></svg>", "f1-", "x"));
	CU_ASSERT_PTR_NULL(report_inline_svg("<svg><foreignObject/></svg>", "f1-", "x"));
}

static void test_md_figure(void)
{
	char *dir = unit_tmpdir();
	char *path = xasprintf("%s/fig.svg", dir);
	write_file_atomic(path, svg_doc, strlen(svg_doc));
	struct buf html = BUF_INIT;
	report_md_to_html("![a \\<b\\>](fig.svg)\n\n![again](fig.svg)\n", dir, &html);
	CU_ASSERT(strstr(html.p, "<figure>\n<svg role=\"img\" aria-label=\"a &lt;b&gt;\"") != NULL);
	/* two figures, two prefixes: ids stay unique in the page */
	CU_ASSERT(strstr(html.p, "id='f1-gpPt1'") != NULL);
	CU_ASSERT(strstr(html.p, "id='f2-gpPt1'") != NULL);
	buf_release(&html);
	free(path);
	unit_rmtree(dir);
	free(dir);
}

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
	CU_ASSERT_EQUAL_FATAL(report_write(&r, &o), 0);

	struct buf md = BUF_INIT, html = BUF_INIT;
	char *p = xasprintf("%s/report.md", dir);
	CU_ASSERT_FATAL(read_file(p, 1 << 24, &md) == 0);
	free(p);
	p = xasprintf("%s/report.html", dir);
	CU_ASSERT_FATAL(read_file(p, 1 << 24, &html) == 0);
	free(p);

	/* the sections, in order */
	static const char *const sections[] = {
		"# objmem report: rev \\<i\\>42\\</i\\> \\& more", "## Machine and method",
		"## Interpreters", "## Bytes per object", "## Figures", "## Memory by count",
		"### Least-squares fits", "## Not measured", "## Probe details",
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
	/* table.c's tables are in it */
	CU_ASSERT(strstr(md.p, "**Bytes per object at 1M objects**") != NULL);
	CU_ASSERT(strstr(md.p, "| cpython-3.12 | 104.0 |   | 48.0 |") != NULL);
	CU_ASSERT(strstr(md.p, "#### cpython-3.12 / point3d") != NULL);
	/* the cells not measured, with their counts and reasons */
	CU_ASSERT(strstr(md.p, "| pypy3.10 | point3d | failed | 1M #1, 1M #2 | ValueError: "
			       "\\<script\\>alert('x')\\</script\\> \\& \"quoted\" |") != NULL);
	CU_ASSERT(strstr(md.p, "| pypy3.10 | record | skipped | 1k #1, 1k #2, 100k #1, 100k #2, "
			       "1M #1, 1M #2 |") != NULL);
	CU_ASSERT(strstr(md.p, "- micropython: probe failed: AttributeError: \\<module\\> has no "
			       "'gc.collect'") != NULL);
	/* markup from the results is text in the HTML, never markup */
	CU_ASSERT(strstr(html.p, "<script") == NULL);
	CU_ASSERT(strstr(html.p, "<b>") == NULL && strstr(html.p, "<i>") == NULL);
	CU_ASSERT(strstr(html.p, "<title>objmem report: rev &lt;i&gt;42&lt;/i&gt; &amp; more</title>") != NULL);
	CU_ASSERT(strstr(html.p, "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;quoted&quot;") != NULL);
	CU_ASSERT(strstr(html.p, "<td>py&lt;b&gt;&amp;&#39;&quot;</td>") != NULL);
	CU_ASSERT(strstr(html.p, "<td>bench&lt;1&gt;</td>") != NULL);
	CU_ASSERT(strstr(html.p, "Content-Security-Policy") != NULL);
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

static const struct unit_test escape_tests[] = {
	{ "HTML and Markdown escaping, from a table", test_escape_table },
	{ "escaped Markdown shows the original text", test_escape_round_trip },
};

static const struct unit_test html_tests[] = {
	{ "Markdown to HTML, from a table", test_md_table },
	{ "SVG fit to inline", test_inline_svg },
	{ "figures inline with unique ids", test_md_figure },
};

static const struct unit_test report_tests[] = {
	{ "a report of a results file with gaps", test_report_gaps },
	{ "a report of a nearly empty results file", test_report_empty },
};

static const struct unit_suite suites[] = {
	UNIT_SUITE("report escaping", escape_tests),
	UNIT_SUITE("report html", html_tests),
	UNIT_SUITE("report", report_tests),
};

int main(int argc, char **argv)
{
	(void)argc;
	return unit_main(argv[0], suites, ARRAY_SIZE(suites));
}
