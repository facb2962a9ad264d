/*
 * test_mdhtml.c - mdhtml.c and the Markdown escaping of textfmt.c it pairs
 * with: HTML and Markdown escaping (tables of cases), escaped Markdown
 * showing the original text once converted, the Markdown-to-HTML
 * conversion (headings, tables with alignment, lists, code, bold, escapes,
 * figures inline) and SVG made fit to inline.
 */
#include <stdlib.h>
#include <string.h>

#include "mdhtml.h"
#include "textfmt.h"
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
	{ "py<3>_x", "py&lt;3&gt;_x", "py\\<3\\>\\_x" },
	{ "~strike~ bell\a", "~strike~ bell\a", "\\~strike\\~ bell\\\\x07" },
};

static void test_escape_table(void)
{
	for (size_t i = 0; i < ARRAY_SIZE(esc_cases); i++) {
		const struct esc_case *t = &esc_cases[i];
		struct buf h = BUF_INIT, m = BUF_INIT;
		html_escape(&h, t->in, strlen(t->in));
		md_escape(&m, t->in);
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
		int control = 0;
		for (const char *q = in; *q; q++)
			control |= (unsigned char)*q < 0x20;
		if (control || !*in) /* shown as \xNN or a space: not the original */
			continue;
		struct buf md = BUF_INIT, html = BUF_INIT, want = BUF_INIT;
		md_escape(&md, in);
		md_to_html(md.p, ".", &html);
		buf_addstr(&want, "<p>");
		html_escape(&want, in, strlen(in));
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
	{ "a heading's anchor", "## Bytes per object {#bytes-per-object}\n",
	  "<h2 id=\"bytes-per-object\">Bytes per object</h2>\n" },
	{ "an anchor that is not one stays text", "## A {#Bad id}\n## B {#x\"y}\n",
	  "<h2>A {#Bad id}</h2>\n<h2>B {#x&quot;y}</h2>\n" },
	{ "a link within the page", "see [the **answer**](#answer) and [x](#a-1)\n",
	  "<p>see <a href=\"#answer\">the <strong>answer</strong></a> and <a href=\"#a-1\">x</a></p>\n" },
	{ "links that leave the page are text", "[x](https://example.org) [y](#UP) [z](javascript:f)\n",
	  "<p>[x](https://example.org) [y](#UP) [z](javascript:f)</p>\n" },
	{ "an escaped bracket is no link", "\\[x](#answer)\n", "<p>[x](#answer)</p>\n" },
	{ "an unclosed bracket", "a [b\n", "<p>a [b</p>\n" },
};

static void test_md_table(void)
{
	for (size_t i = 0; i < ARRAY_SIZE(md_cases); i++) {
		const struct md_case *t = &md_cases[i];
		struct buf html = BUF_INIT;
		md_to_html(t->md, "/nonexistent", &html);
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
	char *s = md_inline_svg(svg_doc, "f2-", "Memory <for> \"1M\"");
	CU_ASSERT_FATAL(s != NULL);
	/* no size forced on it: the page scales it to its width */
	static const char head[] = "<svg role=\"img\" aria-label=\"Memory &lt;for&gt; &quot;1M&quot;\" "
				   "width=\"10\"";
	CU_ASSERT(strncmp(s, head, strlen(head)) == 0);
	CU_ASSERT(strstr(s, "min-width") == NULL);
	CU_ASSERT(strstr(s, "<?xml") == NULL);
	CU_ASSERT(strstr(s, "id=\"f2-gnuplot_canvas\"") != NULL);
	CU_ASSERT(strstr(s, "id='f2-gpPt1'") != NULL);
	CU_ASSERT(strstr(s, "id='f2-gpPat1'") != NULL);
	CU_ASSERT(strstr(s, "xlink:href='#f2-gpPt1'") != NULL);
	CU_ASSERT(strstr(s, "url(#f2-gpPat1)") != NULL);
	CU_ASSERT(strstr(s, "<text>py&lt;b>&amp;</text>") != NULL);
	CU_ASSERT(strstr(s, "id='gp") == NULL && strstr(s, "#gp") == NULL);
	free(s);

	CU_ASSERT_PTR_NULL(md_inline_svg("<html>no svg</html>", "f1-", "x"));
	CU_ASSERT_PTR_NULL(md_inline_svg("<svg><script>alert(1)</script></svg>", "f1-", "x"));
	CU_ASSERT_PTR_NULL(md_inline_svg("<svg><SCRIPT src=x></SCRIPT></svg>", "f1-", "x"));
	CU_ASSERT_PTR_NULL(md_inline_svg("<svg><foreignObject/></svg>", "f1-", "x"));
}

static void test_md_figure(void)
{
	char *dir = unit_tmpdir();
	char *path = xasprintf("%s/fig.svg", dir);
	write_file_atomic(path, svg_doc, strlen(svg_doc));
	struct buf html = BUF_INIT;
	md_to_html("![a \\<b\\>](fig.svg)\n\n![again](fig.svg)\n", dir, &html);
	CU_ASSERT(strstr(html.p, "<figure>\n<svg role=\"img\" aria-label=\"a &lt;b&gt;\"") != NULL);
	/* two figures, two prefixes: ids stay unique in the page */
	CU_ASSERT(strstr(html.p, "id='f1-gpPt1'") != NULL);
	CU_ASSERT(strstr(html.p, "id='f2-gpPt1'") != NULL);
	buf_release(&html);
	free(path);
	unit_rmtree(dir);
	free(dir);
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

static const struct unit_suite suites[] = {
	UNIT_SUITE("escaping", escape_tests),
	UNIT_SUITE("markdown to html", html_tests),
};

int main(int argc, char **argv)
{
	(void)argc;
	return unit_main(argv[0], suites, ARRAY_SIZE(suites));
}
