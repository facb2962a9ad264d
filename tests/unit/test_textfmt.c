/*
 * test_textfmt.c - textfmt.c: the Markdown escaper, the CSV writer (RFC 4180
 * quoting, numbers that read back exactly), the terminal writer, exact
 * numbers, the human forms of counts, durations and sizes, and tables
 * rendered as text and Markdown, all from tables of cases.
 */
#include <locale.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "textfmt.h"
#include "unit.h"

static const struct str_case {
	const char *in, *want;
} csv_cases[] = {
	{ "plain", "plain" },
	{ "", "" },
	{ "a,b", "\"a,b\"" },
	{ "say \"hi\"", "\"say \"\"hi\"\"\"" },
	{ "two\nlines", "\"two\nlines\"" },
	{ "cr\r", "\"cr\r\"" },
	{ " lead", "\" lead\"" },
	{ "trail ", "\"trail \"" },
	{ "in side", "in side" },
	{ "py<3>_x", "py<3>_x" },
};

static void test_csv_fields(void)
{
	for (size_t i = 0; i < ARRAY_SIZE(csv_cases); i++) {
		struct buf b = BUF_INIT;
		csv_field(&b, csv_cases[i].in);
		CU_ASSERT_STRING_EQUAL(b.p, csv_cases[i].want);
		buf_release(&b);
	}
}

static const struct num_case {
	double v;
	const char *want;
} num_cases[] = {
	{ 6201344, "6201344" },          /* not 6.20134e+06 */
	{ 0, "0" },
	{ -0.0, "0" },
	{ 1e15, "1000000000000000" },    /* not 1e+15 */
	{ 64.125, "64.125" },
	{ 0.1, "0.1" },
	{ 0.30000000000000004, "0.30000000000000004" },
	{ 1.0 / 3, "0.3333333333333333" },
	{ -2.5, "-2.5" },
	{ 1e-7, "1e-07" },
	{ 1e300, "1e+300" },
};

static void test_numbers(void)
{
	for (size_t i = 0; i < ARRAY_SIZE(num_cases); i++) {
		char out[64];
		CU_ASSERT_EQUAL(fmt_number_exact(out, sizeof(out), num_cases[i].v), 0);
		if (strcmp(out, num_cases[i].want))
			fprintf(stderr, "\nnumber %.17g: '%s'\n", num_cases[i].v, out);
		CU_ASSERT_STRING_EQUAL(out, num_cases[i].want);
		/* reads back as the same double */
		CU_ASSERT(strtod(out, NULL) == num_cases[i].v);
		struct buf b = BUF_INIT;
		csv_number(&b, num_cases[i].v);
		CU_ASSERT_STRING_EQUAL(b.p, out);
		buf_release(&b);
	}
	char out[64];
	CU_ASSERT_EQUAL(fmt_number_exact(out, sizeof(out), NAN), -1);
	CU_ASSERT_STRING_EQUAL(out, "null");
	struct buf b = BUF_INIT;
	csv_number(&b, INFINITY);
	CU_ASSERT_STRING_EQUAL(b.p, "");
	buf_release(&b);
	/* a locale with a decimal comma still writes a point */
	if (setlocale(LC_NUMERIC, "de_DE.UTF-8")) {
		fmt_number_exact(out, sizeof(out), 64.125);
		CU_ASSERT_STRING_EQUAL(out, "64.125");
		setlocale(LC_NUMERIC, "C");
	}
}

static const struct str_case term_cases[] = {
	{ "plain", "plain" },
	{ "two\nlines", "two\\nlines" },
	{ "tab\tcr\r", "tab\\tcr\\r" },
	{ "\033[31mred", "\\x1b[31mred" },
	{ "del\x7f", "del\\x7f" },
	{ "c1 \xc2\x9b", "c1 \\xc2\\x9b" },
	{ "bad \xff utf-8", "bad \\xff utf-8" },
	{ "cut \xe2\x82", "cut \\xe2\\x82" },
	{ "10⁶ bytes", "10⁶ bytes" },
	{ "back\\slash", "back\\slash" },
};

static void test_terminal(void)
{
	for (size_t i = 0; i < ARRAY_SIZE(term_cases); i++) {
		struct buf b = BUF_INIT;
		term_escape(&b, term_cases[i].in);
		if (strcmp(b.p, term_cases[i].want))
			fprintf(stderr, "\nterm '%s': '%s'\n", term_cases[i].in, b.p);
		CU_ASSERT_STRING_EQUAL(b.p, term_cases[i].want);
		buf_release(&b);
	}
	CU_ASSERT_EQUAL(term_width("10⁶ bytes"), 9);
	CU_ASSERT_EQUAL(term_width(""), 0);
}

static const struct str_case md_cases[] = {
	{ "plain", "plain" },
	{ "a|b", "a\\|b" },
	{ "py<3>_x", "py\\<3\\>\\_x" },
	{ "*x* `y` [z] #h !i & ~", "\\*x\\* \\`y\\` \\[z\\] \\#h \\!i \\& \\~" },
	{ "line\nbreak", "line break" },
	{ "esc\x1b", "esc\\\\x1b" },
};

static void test_markdown(void)
{
	for (size_t i = 0; i < ARRAY_SIZE(md_cases); i++) {
		struct buf b = BUF_INIT;
		md_escape(&b, md_cases[i].in);
		CU_ASSERT_STRING_EQUAL(b.p, md_cases[i].want);
		CU_ASSERT(strstr(b.p, "&lt;") == NULL); /* never an entity */
		buf_release(&b);
	}
}

static void test_human(void)
{
	static const struct { uint64_t n; const char *s; } counts[] = {
		{ 100, "100" }, { 1000, "1k" }, { 1500, "1500" }, { 10000000, "10M" },
		{ 2000000000, "2G" }, { 1, "1" },
	};
	char buf[32];
	for (size_t i = 0; i < ARRAY_SIZE(counts); i++) {
		format_count(counts[i].n, buf, sizeof(buf));
		CU_ASSERT_STRING_EQUAL(buf, counts[i].s);
	}
	static const struct { double s; const char *want; } durations[] = {
		{ 3725, "1:02:05" }, { 65, "1:05" }, { 0, "0:00" }, { -3, "0:00" }, { 59.6, "1:00" },
	};
	for (size_t i = 0; i < ARRAY_SIZE(durations); i++) {
		format_duration(durations[i].s, buf, sizeof(buf));
		CU_ASSERT_STRING_EQUAL(buf, durations[i].want);
	}
	static const struct { double b; const char *want; } sizes[] = {
		{ 512, "512 B" }, { 64100, "64.1 kB" }, { 3577000000.0, "3.58 GB" },
		{ 964000000, "964 MB" }, { 999, "999 B" }, { 1000, "1.00 kB" },
	};
	for (size_t i = 0; i < ARRAY_SIZE(sizes); i++) {
		format_bytes(sizes[i].b, buf, sizeof(buf));
		if (strcmp(buf, sizes[i].want))
			fprintf(stderr, "\nbytes %g: '%s'\n", sizes[i].b, buf);
		CU_ASSERT_STRING_EQUAL(buf, sizes[i].want);
	}
}

static char *printed(const struct tab *t, enum tab_format f)
{
	char *text = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&text, &len);
	tab_print(out, t, f);
	fclose(out);
	return text;
}

static void test_tables(void)
{
	static const char *const head[] = { "interpreter", "dataclass-slots", "n" };
	struct tab t;
	tab_init(&t, 3, head, "lrr");
	tab_cell(&t, "py\nthon");
	tab_cellf(&t, "%.1f", 64.25);
	tab_cell(&t, "3");
	tab_cell(&t, "a|b");
	tab_cell_strong(&t, "LARGER");
	tab_cell(&t, "");
	CU_ASSERT_EQUAL(tab_rows(&t), 2);
	char *text = printed(&t, TAB_TEXT);
	/* no header cut, names escaped, numbers right-aligned, no trailing blanks */
	const char *want_text =
		"interpreter  dataclass-slots  n\n"
		"py\\nthon                64.2  3\n"
		"a|b                   LARGER\n";
	if (strcmp(text, want_text))
		fprintf(stderr, "\ntext table:\n%s\n", text);
	CU_ASSERT_STRING_EQUAL(text, want_text);
	free(text);
	text = printed(&t, TAB_MARKDOWN);
	const char *want_md =
		"| interpreter | dataclass-slots | n |\n"
		"|---|---:|---:|\n"
		"| py thon | 64.2 | 3 |\n"
		"| a\\|b | **LARGER** |  |\n";
	if (strcmp(text, want_md))
		fprintf(stderr, "\nmarkdown table:\n%s\n", text);
	CU_ASSERT_STRING_EQUAL(text, want_md);
	free(text);
	tab_release(&t);
}

/* fmt_fixed writes what snprintf writes: ties, signs, zeros, the edges, then many at random. */
static void test_fixed(void)
{
	static const double special[] = {
		0, -0.0, 0.05, 0.25, 0.35, 1.15, 2.675, -0.04, -0.05, 9.95, 99.95, 0.5, 1.5,
		2.5, -2.5, 0.125, 0.375, 123456.45, 99999999.95, 999999999.5, 1e9, 1e15, 1e300,
		-1e300, 4.9e-324, NAN, INFINITY, -INFINITY, 56.0, 64.04999999999999,
	};
	char fast[64], slow[64];
	size_t bad = 0;
	unsigned seed = 1;
	for (size_t k = 0; k < 200000; k++) {
		double v;
		if (k < ARRAY_SIZE(special)) {
			v = special[k];
		} else {
			seed = seed * 1103515245u + 12345u;
			double m = (seed >> 8) / 16777216.0 - 0.3;
			v = m * pow(10, (double)(k % 8));
			if (k % 3 == 0)
				v = round(v * 100) / 100; /* ties of the next digit, as decimals are */
			if (k % 5 == 0)
				v = round(v * 20) / 20;
		}
		for (int prec = 0; prec <= 3; prec++)
			for (int plus = 0; plus < 2; plus++) {
				size_t len = fmt_fixed(fast, sizeof(fast), v, prec, plus);
				snprintf(slow, sizeof(slow), plus ? "%+.*f" : "%.*f", prec, v);
				if (strcmp(fast, slow) || len != strlen(slow)) {
					if (bad++ < 5)
						fprintf(stderr, "\nfmt_fixed(%.17g, %d, %d) = '%s', printf '%s'",
							v, prec, plus, fast, slow);
				}
			}
	}
	CU_ASSERT_EQUAL(bad, 0);
	/* cut short as snprintf cuts, never past n */
	memset(fast, 'x', sizeof(fast));
	CU_ASSERT_EQUAL(fmt_fixed(fast, 4, 1234.5, 1, 0), 3);
	CU_ASSERT_STRING_EQUAL(fast, "123");
	CU_ASSERT_EQUAL(fast[4], 'x');
	CU_ASSERT_EQUAL(fmt_fixed(fast, 4, 1e300, 1, 0), 3);
	CU_ASSERT_STRING_EQUAL(fast, "100");
	CU_ASSERT_EQUAL(fmt_fixed(fast, 0, 1.5, 1, 0), 0);
}

static const struct unit_test tests[] = {
	{ "fmt_fixed is printf's %.Nf", test_fixed },
	{ "CSV fields (RFC 4180)", test_csv_fields },
	{ "numbers that read back exactly", test_numbers },
	{ "the terminal writer", test_terminal },
	{ "the Markdown escaper", test_markdown },
	{ "counts, durations, sizes", test_human },
	{ "tables as text and Markdown", test_tables },
};

int main(int argc, char **argv)
{
	(void)argc;
	const struct unit_suite suites[] = { UNIT_SUITE("textfmt", tests) };
	return unit_main(argv[0], suites, 1);
}
