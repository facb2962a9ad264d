/*
 * test_compare.c - the verdict rule (a data table),
 * interpreter matching (by name, --pair, the only interpreter of each
 * file), rows only in one file, machine warnings and the exit status.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "compare.h"
#include "unit.h"

/* ---- the verdict rule ---- */

#define S(med, lo, hi) { 1, 3, med, lo, hi, 0 }
#define S1(v) { 1, 1, v, v, v, 0 }
#define NONE { 0, 0, NAN, NAN, NAN, 0 }

static const struct verdict_case {
	const char *name;
	struct stat3 base, cur;
	double threshold, quantum;
	enum verdict want;
} verdict_cases[] = {
	{ "identical", S(100, 99, 101), S(100, 99, 101), 0.01, 0, VERDICT_SAME },
	{ "5% larger, ranges apart", S(100, 99.5, 100.5), S(105, 104.5, 105.5), 0.01, 0, VERDICT_LARGER },
	{ "5% larger median, but the ranges overlap: noise", S(100, 95, 106), S(105, 104, 108),
	  0.01, 0, VERDICT_SAME },
	{ "new min equals base max: still overlapping", S(100, 99, 104), S(105, 104, 106), 0.01, 0,
	  VERDICT_SAME },
	{ "apart but below the threshold", S(100, 99.9, 100.1), S(100.5, 100.4, 100.6), 0.01, 0,
	  VERDICT_SAME },
	{ "exactly the threshold is not beyond it", S1(100), S1(101), 0.01, 0, VERDICT_SAME },
	{ "just beyond the threshold, one repetition each", S1(100), S1(101.01), 0.01, 0,
	  VERDICT_LARGER },
	{ "5% smaller, ranges apart", S(100, 99.5, 100.5), S(95, 94.5, 95.5), 0.01, 0, VERDICT_SMALLER },
	{ "5% smaller, ranges overlap", S(100, 96, 101), S(95, 94, 97), 0.01, 0, VERDICT_SAME },
	{ "a higher threshold absorbs 5%", S(100, 99.5, 100.5), S(105, 104.5, 105.5), 0.10, 0,
	  VERDICT_SAME },
	{ "threshold 0: any clean increase", S(100, 99.9, 100.1), S(100.2, 100.15, 100.3), 0, 0,
	  VERDICT_LARGER },
	{ "one page at 1k objects is resolution, not growth", S(8.192, 8.192, 8.192),
	  S(12.288, 12.288, 12.288), 0.01, 4.096, VERDICT_SAME },
	{ "two pages at 1k objects is growth", S(8.192, 8.192, 8.192), S(16.384, 16.384, 16.384),
	  0.01, 4.096, VERDICT_LARGER },
	{ "zero base median: the quantum is the limit", S(0, 0, 0), S(8.2, 8.2, 8.2), 0.01, 4.096,
	  VERDICT_LARGER },
	{ "zero base median, inside the quantum", S(0, -4, 4), S(4, 4, 4), 0.01, 4.096, VERDICT_SAME },
	{ "negative base (freed more than it took)", S(-10, -11, -9), S(-5, -6, -4), 0.01, 0,
	  VERDICT_LARGER },
	{ "large counts: tiny quantum, tight ranges", S(96.00, 95.99, 96.01), S(97.5, 97.49, 97.51),
	  0.01, 4096.0 / 1e7, VERDICT_LARGER },
	{ "no data in base", NONE, S(100, 99, 101), 0.01, 0, VERDICT_NO_DATA },
	{ "no data in new", S(100, 99, 101), NONE, 0.01, 0, VERDICT_NO_DATA },
};

static void test_verdict_table(void)
{
	for (size_t i = 0; i < ARRAY_SIZE(verdict_cases); i++) {
		const struct verdict_case *t = &verdict_cases[i];
		enum verdict got = compare_verdict(&t->base, &t->cur, t->threshold, t->quantum);
		if (got != t->want)
			fprintf(stderr, "\nverdict case '%s': got %s, want %s\n", t->name,
				verdict_name(got), verdict_name(t->want));
		CU_ASSERT_EQUAL(got, t->want);
	}
}

static void test_verdict_names(void)
{
	CU_ASSERT_STRING_EQUAL(verdict_name(VERDICT_SAME), "same");
	CU_ASSERT_STRING_EQUAL(verdict_name(VERDICT_SMALLER), "smaller");
	CU_ASSERT_STRING_EQUAL(verdict_name(VERDICT_LARGER), "LARGER");
	CU_ASSERT_STRING_EQUAL(verdict_name(VERDICT_ONLY_BASE), "only-base");
	CU_ASSERT_STRING_EQUAL(verdict_name(VERDICT_ONLY_NEW), "only-new");
	CU_ASSERT_STRING_EQUAL(verdict_name((enum verdict)99), "?");
}

/* ---- documents built in memory ---- */

/* One ok repetition: base.uss = 10 MB, full.uss = base + bpo * count. */
static void add_cell(struct results *r, const char *interp, const char *workload, uint64_t count,
		     int repeat, double bpo)
{
	struct cell *c = results_add_cell(r);
	c->interpreter = xstrdup(interp);
	c->workload = xstrdup(workload);
	c->count = count;
	c->repeat = repeat;
	c->status = CELL_OK;
	c->samples[PHASE_BASE].valid = 1;
	c->samples[PHASE_BASE].uss = 10000000;
	c->samples[PHASE_FULL].valid = 1;
	c->samples[PHASE_FULL].uss = 10000000 + (uint64_t)llround(bpo * (double)count);
}

static void add_failed(struct results *r, const char *interp, const char *workload, uint64_t count,
		       int repeat)
{
	struct cell *c = results_add_cell(r);
	c->interpreter = xstrdup(interp);
	c->workload = xstrdup(workload);
	c->count = count;
	c->repeat = repeat;
	c->status = CELL_FAILED;
	c->reason = xstrdup("timeout");
}

static void add_interp(struct results *r, const char *name)
{
	struct interp *in = results_add_interp(r);
	in->name = xstrdup(name);
}

static void set_machine(struct results *r, const char *host, const char *kernel)
{
	machine_release(&r->machine);
	r->machine.present = 1;
	r->machine.hostname = xstrdup(host);
	r->machine.kernel = xstrdup(kernel);
	r->machine.page_size = 4096;
}

/* Three repetitions around bpo (spread +-0.1%). */
static void add_row(struct results *r, const char *interp, const char *workload, uint64_t count,
		    double bpo)
{
	add_cell(r, interp, workload, count, 1, bpo * 0.999);
	add_cell(r, interp, workload, count, 2, bpo);
	add_cell(r, interp, workload, count, 3, bpo * 1.001);
}

static const struct compare_row *find_row(const struct comparison *c, const char *bi,
					  const char *ni, const char *w, uint64_t count)
{
	for (size_t i = 0; i < c->n_rows; i++) {
		const struct compare_row *row = &c->rows[i];
		if (row->count != count || strcmp(row->workload, w))
			continue;
		if ((bi ? row->base_interp && !strcmp(row->base_interp, bi) : !row->base_interp) &&
		    (ni ? row->new_interp && !strcmp(row->new_interp, ni) : !row->new_interp))
			return row;
	}
	return NULL;
}

static int has_text(const struct strvec *sv, const char *needle)
{
	for (size_t i = 0; i < sv->n; i++)
		if (strstr(sv->v[i], needle))
			return 1;
	return 0;
}

static void test_identical(void)
{
	struct results a, b;
	results_init(&a);
	results_init(&b);
	add_interp(&a, "py");
	add_interp(&b, "py");
	add_row(&a, "py", "point3d", 100000, 104);
	add_row(&b, "py", "point3d", 100000, 104);
	add_row(&a, "py", "slots", 100000, 64);
	add_row(&b, "py", "slots", 100000, 64);
	struct compare_opts o = { 0.01, NULL, 0 };
	struct comparison c;
	CU_ASSERT_EQUAL_FATAL(compare_results(&a, &b, &o, &c), 0);
	CU_ASSERT_EQUAL(c.n_rows, 2);
	CU_ASSERT_EQUAL(c.n_verdict[VERDICT_SAME], 2);
	CU_ASSERT_EQUAL(compare_exit_status(&c, 1), 0);
	CU_ASSERT_EQUAL(c.notes.n, 0);
	const struct compare_row *row = find_row(&c, "py", "py", "point3d", 100000);
	CU_ASSERT_PTR_NOT_NULL_FATAL(row);
	CU_ASSERT_DOUBLE_EQUAL(row->change, 0, 1e-9);
	CU_ASSERT_DOUBLE_EQUAL(row->change_pct, 0, 1e-9);
	CU_ASSERT_DOUBLE_EQUAL(row->quantum, 4096.0 / 100000, 1e-12);
	comparison_release(&c);
	results_release(&a);
	results_release(&b);
}

static void test_match_by_name(void)
{
	struct results a, b;
	results_init(&a);
	results_init(&b);
	add_interp(&a, "cpython-3.12");
	add_interp(&a, "pypy");
	add_interp(&b, "cpython-3.12");
	add_interp(&b, "cpython-3.13");
	add_row(&a, "cpython-3.12", "point3d", 1000000, 104);
	add_row(&a, "pypy", "point3d", 1000000, 48);
	add_row(&b, "cpython-3.12", "point3d", 1000000, 109.2); /* +5% */
	add_row(&b, "cpython-3.13", "point3d", 1000000, 96);
	add_row(&b, "cpython-3.12", "slots", 1000000, 64);      /* a new workload */
	struct compare_opts o = { 0.01, NULL, 0 };
	struct comparison c;
	CU_ASSERT_EQUAL_FATAL(compare_results(&a, &b, &o, &c), 0);
	CU_ASSERT_EQUAL(c.n_rows, 4);
	const struct compare_row *r1 = find_row(&c, "cpython-3.12", "cpython-3.12", "point3d", 1000000);
	CU_ASSERT_PTR_NOT_NULL_FATAL(r1);
	CU_ASSERT_EQUAL(r1->verdict, VERDICT_LARGER);
	CU_ASSERT_DOUBLE_EQUAL(r1->change_pct, 5, 1e-6);
	const struct compare_row *r2 = find_row(&c, "pypy", NULL, "point3d", 1000000);
	CU_ASSERT_PTR_NOT_NULL(r2);
	CU_ASSERT(r2 && r2->verdict == VERDICT_MISSING);   /* measured in base, gone from new */
	const struct compare_row *r3 = find_row(&c, NULL, "cpython-3.13", "point3d", 1000000);
	CU_ASSERT(r3 && r3->verdict == VERDICT_ONLY_NEW);
	const struct compare_row *r4 = find_row(&c, NULL, "cpython-3.12", "slots", 1000000);
	CU_ASSERT(r4 && r4->verdict == VERDICT_ONLY_NEW);
	/* the base's rows first, in its order, then the new file's extra rows */
	CU_ASSERT_EQUAL(c.rows[0].verdict, VERDICT_LARGER);
	CU_ASSERT_EQUAL(c.rows[1].verdict, VERDICT_MISSING);
	CU_ASSERT_EQUAL(c.n_verdict[VERDICT_LARGER], 1);
	CU_ASSERT_EQUAL(c.n_verdict[VERDICT_MISSING], 1);
	CU_ASSERT_EQUAL(c.n_verdict[VERDICT_ONLY_NEW], 2);
	CU_ASSERT_EQUAL(compare_exit_status(&c, 0), 1);
	comparison_release(&c);
	results_release(&a);
	results_release(&b);
}

static void test_pair(void)
{
	struct results a, b;
	results_init(&a);
	results_init(&b);
	add_interp(&a, "nightly-20261121");
	add_interp(&a, "pypy");
	add_interp(&b, "nightly-20261122");
	add_interp(&b, "pypy");
	add_row(&a, "nightly-20261121", "point3d", 100000, 104);
	add_row(&a, "pypy", "point3d", 100000, 48);
	add_row(&b, "nightly-20261122", "point3d", 100000, 98); /* smaller */
	add_row(&b, "pypy", "point3d", 100000, 48);
	struct compare_pair pairs[] = { { "nightly-20261121", "nightly-20261122" } };
	struct compare_opts o = { 0.01, pairs, 1 };
	struct comparison c;
	CU_ASSERT_EQUAL_FATAL(compare_results(&a, &b, &o, &c), 0);
	CU_ASSERT_EQUAL(c.n_rows, 2);
	const struct compare_row *r1 = find_row(&c, "nightly-20261121", "nightly-20261122", "point3d",
						100000);
	CU_ASSERT(r1 && r1->verdict == VERDICT_SMALLER);
	const struct compare_row *r2 = find_row(&c, "pypy", "pypy", "point3d", 100000);
	CU_ASSERT(r2 && r2->verdict == VERDICT_SAME);
	CU_ASSERT_EQUAL(c.pairs.n, 2);
	CU_ASSERT(has_text(&c.pairs, "nightly-20261121=nightly-20261122"));
	CU_ASSERT(has_text(&c.pairs, "pypy=pypy"));
	CU_ASSERT_EQUAL(compare_exit_status(&c, 1), 0);
	comparison_release(&c);

	/* a pair takes the new name: the new file's own row of that name is left alone */
	add_row(&b, "nightly-20261121", "point3d", 100000, 104);
	CU_ASSERT_EQUAL_FATAL(compare_results(&a, &b, &o, &c), 0);
	CU_ASSERT_PTR_NOT_NULL(find_row(&c, NULL, "nightly-20261121", "point3d", 100000));
	CU_ASSERT_EQUAL(c.n_verdict[VERDICT_ONLY_NEW], 1);
	comparison_release(&c);
	results_release(&a);
	results_release(&b);
}

static void test_pair_errors(void)
{
	struct results a, b;
	results_init(&a);
	results_init(&b);
	add_interp(&a, "x");
	add_interp(&b, "y");
	add_row(&a, "x", "point3d", 1000, 100);
	add_row(&b, "y", "point3d", 1000, 100);
	static const struct compare_pair bad[][2] = {
		{ { "nope", "y" }, { NULL, NULL } },
		{ { "x", "nope" }, { NULL, NULL } },
		{ { "x", "y" }, { "x", "y" } },
	};
	static const size_t n_bad[] = { 1, 1, 2 };
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		struct compare_opts o = { 0.01, bad[i], n_bad[i] };
		struct comparison c;
		CU_ASSERT_EQUAL(compare_results(&a, &b, &o, &c), -1);
	}
	results_release(&a);
	results_release(&b);
}

static void test_single_interpreters_pair_themselves(void)
{
	struct results a, b;
	results_init(&a);
	results_init(&b);
	add_interp(&a, "last-night");
	add_interp(&b, "tonight");
	add_row(&a, "last-night", "slots", 100000, 64);
	add_row(&b, "tonight", "slots", 100000, 67.2); /* +5% */
	struct compare_opts o = { 0.01, NULL, 0 };
	struct comparison c;
	CU_ASSERT_EQUAL_FATAL(compare_results(&a, &b, &o, &c), 0);
	CU_ASSERT_EQUAL(c.n_rows, 1);
	CU_ASSERT_EQUAL(c.rows[0].verdict, VERDICT_LARGER);
	CU_ASSERT(has_text(&c.notes, "only interpreter of each"));
	comparison_release(&c);

	/* two on one side: no guessing, every row is listed apart */
	add_interp(&b, "other");
	add_row(&b, "other", "slots", 100000, 64);
	CU_ASSERT_EQUAL_FATAL(compare_results(&a, &b, &o, &c), 0);
	CU_ASSERT_EQUAL(c.n_rows, 3);
	CU_ASSERT_EQUAL(c.n_verdict[VERDICT_MISSING], 1);
	CU_ASSERT_EQUAL(c.n_verdict[VERDICT_ONLY_NEW], 2);
	CU_ASSERT(has_text(&c.notes, "--pair"));
	comparison_release(&c);
	results_release(&a);
	results_release(&b);
}

static void test_no_data_and_strict(void)
{
	struct results a, b;
	results_init(&a);
	results_init(&b);
	add_interp(&a, "py");
	add_interp(&b, "py");
	add_row(&a, "py", "point3d", 1000000, 104);
	add_row(&a, "py", "slots", 1000000, 64);
	add_row(&b, "py", "point3d", 1000000, 104);
	add_failed(&b, "py", "slots", 1000000, 1);
	add_failed(&b, "py", "slots", 1000000, 2);
	struct compare_opts o = { 0.01, NULL, 0 };
	struct comparison c;
	CU_ASSERT_EQUAL_FATAL(compare_results(&a, &b, &o, &c), 0);
	const struct compare_row *row = find_row(&c, "py", "py", "slots", 1000000);
	CU_ASSERT_PTR_NOT_NULL_FATAL(row);
	/* measured in the base, no ok repetition in the new file: MISSING, the gate fails */
	CU_ASSERT_EQUAL(row->verdict, VERDICT_MISSING);
	CU_ASSERT_EQUAL(row->new_failed, 2);
	CU_ASSERT(isnan(row->change));
	CU_ASSERT_EQUAL(compare_exit_status(&c, 0), 1);
	CU_ASSERT_EQUAL(compare_exit_status(&c, 1), 0);   /* --allow-missing */
	comparison_release(&c);

	/* the other way round: no data in the base is no-data, never a failure */
	CU_ASSERT_EQUAL_FATAL(compare_results(&b, &a, &o, &c), 0);
	row = find_row(&c, "py", "py", "slots", 1000000);
	CU_ASSERT(row && row->verdict == VERDICT_NO_DATA);
	CU_ASSERT_EQUAL(compare_exit_status(&c, 0), 0);
	comparison_release(&c);

	/* a row missing from the new file: MISSING too */
	struct results d;
	results_init(&d);
	add_interp(&d, "py");
	add_row(&d, "py", "point3d", 1000000, 104);
	CU_ASSERT_EQUAL_FATAL(compare_results(&a, &d, &o, &c), 0);
	CU_ASSERT_EQUAL(c.n_verdict[VERDICT_MISSING], 1);
	CU_ASSERT_EQUAL(c.n_verdict[VERDICT_ONLY_BASE], 0);
	CU_ASSERT_EQUAL(compare_exit_status(&c, 0), 1);
	CU_ASSERT_EQUAL(compare_exit_status(&c, 1), 0);
	CU_ASSERT_STRING_EQUAL(verdict_name(VERDICT_MISSING), "MISSING");
	comparison_release(&c);

	/* a base row without data that is gone from the new file: only in base */
	results_release(&d);
	results_init(&d);
	add_interp(&d, "py");
	CU_ASSERT_EQUAL_FATAL(compare_results(&b, &d, &o, &c), 0);
	CU_ASSERT(c.n_verdict[VERDICT_ONLY_BASE] == 1 && c.n_verdict[VERDICT_MISSING] == 1);
	comparison_release(&c);
	results_release(&a);
	results_release(&b);
	results_release(&d);
}

static void test_machine_warnings(void)
{
	struct results a, b;
	results_init(&a);
	results_init(&b);
	add_interp(&a, "py");
	add_interp(&b, "py");
	add_row(&a, "py", "point3d", 1000, 100);
	add_row(&b, "py", "point3d", 1000, 100);
	set_machine(&a, "bench1", "6.1.0-18-amd64");
	set_machine(&b, "bench1", "6.1.0-18-amd64");
	struct compare_opts o = { 0.01, NULL, 0 };
	struct comparison c;
	CU_ASSERT_EQUAL_FATAL(compare_results(&a, &b, &o, &c), 0);
	CU_ASSERT_EQUAL(c.warnings.n, 0);
	comparison_release(&c);

	set_machine(&b, "bench2", "6.8.0-1-amd64");
	CU_ASSERT_EQUAL_FATAL(compare_results(&a, &b, &o, &c), 0);
	CU_ASSERT_EQUAL(c.warnings.n, 2);
	CU_ASSERT(has_text(&c.warnings, "different machine (hostname): base 'bench1', new 'bench2'"));
	CU_ASSERT(has_text(&c.warnings, "different kernel: base '6.1.0-18-amd64', new '6.8.0-1-amd64'"));
	/* a warning, not a verdict */
	CU_ASSERT_EQUAL(compare_exit_status(&c, 1), 0);
	comparison_release(&c);

	machine_release(&b.machine);
	CU_ASSERT_EQUAL_FATAL(compare_results(&a, &b, &o, &c), 0);
	CU_ASSERT(has_text(&c.warnings, "new file records no machine"));
	comparison_release(&c);
	results_release(&a);
	results_release(&b);
}

static void test_print_formats(void)
{
	struct results a, b;
	results_init(&a);
	results_init(&b);
	add_interp(&a, "py|1");
	add_interp(&b, "py|1");
	add_row(&a, "py|1", "point3d", 100000, 100);
	add_row(&b, "py|1", "point3d", 100000, 105);
	struct compare_opts o = { 0.01, NULL, 0 };
	struct comparison c;
	CU_ASSERT_EQUAL_FATAL(compare_results(&a, &b, &o, &c), 0);
	struct compare_source bs = { "base.json", &a }, ns = { "new.json", &b };
	for (int f = COMPARE_TEXT; f <= COMPARE_JSON; f++) {
		char *text = NULL;
		size_t len = 0;
		FILE *out = open_memstream(&text, &len);
		CU_ASSERT_EQUAL(compare_print(out, &c, (enum compare_format)f, &bs, &ns), 0);
		fclose(out);
		CU_ASSERT_PTR_NOT_NULL(strstr(text, "LARGER"));
		CU_ASSERT_PTR_NOT_NULL(strstr(text, "point3d"));
		if (f == COMPARE_MARKDOWN)
			CU_ASSERT_PTR_NOT_NULL(strstr(text, "py\\|1")); /* a '|' cannot end the cell */
		if (f == COMPARE_JSON) {
			cJSON *doc = cJSON_Parse(text);
			CU_ASSERT_PTR_NOT_NULL_FATAL(doc);
			CU_ASSERT(cJSON_IsTrue(cJSON_GetObjectItem(doc, "regressed")));
			cJSON *rows = cJSON_GetObjectItem(doc, "rows");
			CU_ASSERT_EQUAL(cJSON_GetArraySize(rows), 1);
			cJSON *v = cJSON_GetObjectItem(cJSON_GetArrayItem(rows, 0), "verdict");
			CU_ASSERT(cJSON_IsString(v) && !strcmp(v->valuestring, "LARGER"));
			cJSON_Delete(doc);
		}
		free(text);
	}
	comparison_release(&c);
	results_release(&a);
	results_release(&b);
}

static const struct unit_test verdict_tests[] = {
	{ "verdict table", test_verdict_table },
	{ "verdict names", test_verdict_names },
};

static const struct unit_test match_tests[] = {
	{ "identical documents", test_identical },
	{ "match by name, rows only in one file", test_match_by_name },
	{ "--pair OLD=NEW", test_pair },
	{ "--pair errors", test_pair_errors },
	{ "one interpreter each", test_single_interpreters_pair_themselves },
	{ "no data and MISSING, --allow-missing", test_no_data_and_strict },
	{ "machine warnings", test_machine_warnings },
	{ "output formats", test_print_formats },
};

static const struct unit_suite suites[] = {
	UNIT_SUITE("verdict", verdict_tests),
	UNIT_SUITE("matching", match_tests),
};

int main(int argc, char **argv)
{
	(void)argc;
	return unit_main(argv[0], suites, ARRAY_SIZE(suites));
}
