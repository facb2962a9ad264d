/*
 * test_stats.c - stat3_compute, linear_fit and summary_compute, driven from
 * tables. Expected fits were computed independently (exact rational
 * arithmetic in Python's fractions module), not with stats.c.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "stats.h"
#include "unit.h"

#define MAXV 16

/* |a - b| within a relative (or, near 0, absolute) tolerance */
static int close_to(double a, double b, double tol)
{
	double scale = fabs(b) > 1 ? fabs(b) : 1;
	return fabs(a - b) <= tol * scale;
}

/* ---- stat3 ---- */

static const struct stat3_case {
	const char *name;
	size_t n;
	double v[MAXV];
	int valid;
	double median, min, max;
} stat3_cases[] = {
	{ "empty", 0, { 0 }, 0, 0, 0, 0 },
	{ "one value", 1, { 42 }, 1, 42, 42, 42 },
	{ "odd n, unsorted", 3, { 3, 1, 2 }, 1, 2, 1, 3 },
	{ "odd n, five", 5, { 9, -1, 4, 4, 100 }, 1, 4, -1, 100 },
	{ "even n: mean of the middle two", 4, { 4, 1, 3, 2 }, 1, 2.5, 1, 4 },
	{ "even n, two values", 2, { 10, 11 }, 1, 10.5, 10, 11 },
	{ "negative values", 4, { -5, -1, -3, -2 }, 1, -2.5, -5, -1 },
	{ "mixed signs, bytes per object", 3, { -40.96, 0, 12.288 }, 1, 0, -40.96, 12.288 },
	{ "all equal", 4, { 7, 7, 7, 7 }, 1, 7, 7, 7 },
	{ "large byte counts", 2, { 1e12, 1e12 + 1 }, 1, 1e12 + 0.5, 1e12, 1e12 + 1 },
	{ "near DBL_MAX: no overflow in the mean", 2, { 1.5e308, 1.7e308 }, 1, 1.6e308,
	  1.5e308, 1.7e308 },
};

static void test_stat3_table(void)
{
	for (size_t i = 0; i < ARRAY_SIZE(stat3_cases); i++) {
		const struct stat3_case *t = &stat3_cases[i];
		double copy[MAXV];
		memcpy(copy, t->v, sizeof(copy));
		struct stat3 s;
		stat3_compute(copy, t->n, &s);
		int ok = s.valid == t->valid && s.n == t->n;
		if (t->valid)
			ok = ok && close_to(s.median, t->median, 1e-12) &&
			     s.min == t->min && s.max == t->max;
		/* the input is left as it was */
		ok = ok && !memcmp(copy, t->v, sizeof(copy));
		if (!ok)
			fprintf(stderr, "\nstat3 case '%s': valid %d n %zu median %.17g min %g max %g\n",
				t->name, s.valid, s.n, s.median, s.min, s.max);
		CU_ASSERT(ok);
	}
}

/* ---- linear_fit ---- */

static const struct fit_case {
	const char *name;
	size_t n;
	double x[MAXV], y[MAXV];
	int valid;
	double slope, intercept, r2;
	double tol;
} fit_cases[] = {
	{ "exact line", 4, { 1, 2, 3, 4 }, { 5, 7, 9, 11 }, 1, 2, 3, 1, 1e-12 },
	{ "exact line, negative slope", 3, { 0, 10, 20 }, { 10, -20, -50 }, 1, -3, 10, 1, 1e-12 },
	{ "exact line, object counts", 6, { 1000, 1000, 100000, 100000, 1e7, 1e7 },
	  { 100096, 100096, 9604096, 9604096, 960004096, 960004096 }, 1, 96, 4096, 1, 1e-9 },
	{ "textbook noisy fit", 5, { 1, 2, 3, 4, 5 }, { 2, 4, 5, 4, 5 }, 1, 0.6, 2.2, 0.6, 1e-12 },
	{ "repetitions, page-granular deltas", 8,
	  { 1000, 1000, 1000, 10000, 10000, 10000, 100000, 100000 },
	  { 98304, 94208, 106496, 962560, 970752, 958464, 9601024, 9613312 },
	  1, 96.03560349563047, 3603.0481897627965, 0.9999981382693433, 1e-9 },
	{ "negative deltas", 6, { 100, 100, 1000, 1000, 1000000, 1000000 },
	  { -4096, 8192, -12288, 4096, -90112, -102400 },
	  1, -0.09528850023772628, -970.2274706707395, 0.9740707737000444, 1e-9 },
	{ "constant y: exact, R^2 1 not 0/0", 3, { 1, 2, 3 }, { 7, 7, 7 }, 1, 0, 7, 1, 0 },
	{ "constant y of zeros", 4, { 10, 10, 20, 20 }, { 0, 0, 0, 0 }, 1, 0, 0, 1, 0 },
	{ "zero variance in x", 3, { 5, 5, 5 }, { 1, 2, 3 }, 0, 0, 0, 0, 0 },
	{ "one point", 1, { 1000 }, { 96000 }, 0, 0, 0, 0, 0 },
	{ "no points", 0, { 0 }, { 0 }, 0, 0, 0, 0, 0 },
	{ "two points", 2, { 1000, 3000 }, { 10, 30 }, 1, 0.01, 0, 1, 1e-12 },
};

static const struct sd_case {
	const char *name;
	size_t n;
	double v[4];
	double want;
} sd_cases[] = {
	{ "none", 0, { 0 }, 0 },
	{ "one value", 1, { 42 }, 0 },
	{ "two values", 2, { 1, 3 }, 1.4142135623730951 },
	{ "sample, not population", 4, { 2, 4, 4, 6 }, 1.6329931618554521 },
	{ "equal values", 3, { 7, 7, 7 }, 0 },
	{ "bytes per object", 3, { 94.208, 106.496, 102.4 }, 6.256743348846373 },
};

static void test_std_dev_table(void)
{
	for (size_t i = 0; i < ARRAY_SIZE(sd_cases); i++) {
		const struct sd_case *t = &sd_cases[i];
		struct stat3 st;
		stat3_compute(t->v, t->n, &st);
		double got = st.sd;
		if (fabs(got - t->want) > 1e-12)
			fprintf(stderr, "\nstd_dev case '%s': %.17g\n", t->name, got);
		CU_ASSERT_DOUBLE_EQUAL(got, t->want, 1e-12);
	}
}

static void test_fit_table(void)
{
	for (size_t i = 0; i < ARRAY_SIZE(fit_cases); i++) {
		const struct fit_case *t = &fit_cases[i];
		struct fit f;
		linear_fit(t->x, t->y, t->n, &f);
		int ok = f.valid == t->valid && f.n == t->n;
		if (t->valid)
			ok = ok && close_to(f.slope, t->slope, t->tol) &&
			     close_to(f.intercept, t->intercept, t->tol) &&
			     close_to(f.r2, t->r2, t->tol) && f.r2 >= 0 && f.r2 <= 1;
		if (!ok)
			fprintf(stderr, "\nfit case '%s': valid %d n %zu slope %.17g intercept %.17g r2 %.17g\n",
				t->name, f.valid, f.n, f.slope, f.intercept, f.r2);
		CU_ASSERT(ok);
	}
}

/* ---- summary ---- */

static void add_interp(struct results *r, const char *name)
{
	struct interp *in = results_add_interp(r);
	in->name = xstrdup(name);
	strvec_push(&in->argv, "python3");
}

static void set_sample(struct mem_sample *s, uint64_t uss)
{
	s->valid = 1;
	s->uss = uss;
	s->rss = uss + 1000;
	s->pss = uss + 500;
	s->anon = uss;
}

/* One cell as the table gives it: statuses, and USS at start/base/full. */
struct cell_spec {
	const char *interp, *workload;
	uint64_t count;
	int repeat;
	enum cell_status status;
	uint64_t start, base, full; /* 0: not sampled */
	int64_t getsizeof, container_bytes;
	uint64_t hwm;               /* 0: no peak */
};

static const struct cell_spec summary_cells[] = {
	/* first seen: interpreter "c" (not in interps), workload "w2" */
	{ "c", "w2", 10, 1, CELL_OK, 100, 200, 300, -1, -1, 0 },
	{ "a", "w1", 1000, 1, CELL_OK, 1000, 2000, 98000, 56, 8056, 99000 },
	{ "a", "w1", 1000, 2, CELL_OK, 1000, 2000, 102000, 56, 8056, 103000 },
	{ "a", "w1", 1000, 3, CELL_FAILED, 1000, 2000, 0, -1, -1, 0 },
	{ "a", "w1", 10, 1, CELL_OK, 1000, 2000, 2960, 56, 136, 4000 },
	{ "a", "w1", 10, 2, CELL_SKIPPED, 0, 0, 0, -1, -1, 0 },
	{ "b", "w2", 100, 1, CELL_OK, 500, 9000, 4904, -1, -1, 0 },   /* shrank */
	{ "b", "w2", 100, 2, CELL_OK, 500, 9000, 5000, -1, 856, 0 },
	{ "b", "w2", 100, 3, CELL_PENDING, 0, 0, 0, -1, -1, 0 },
	{ "a", "w2", 100, 1, CELL_FAILED, 0, 0, 0, -1, -1, 0 },
	{ "b", "w1", 100, 1, CELL_OK, 500, 600, 700, 0, 856, 0 },
	{ "b", "w1", 100, 1, CELL_OK, 500, 600, 700, 0, 856, 0 },
	/* ok but without the full sample: counted, yet no statistics */
	{ "b", "w1", 1000, 1, CELL_OK, 500, 600, 0, -1, -1, 0 },
};

static void build_summary_results(struct results *r)
{
	results_init(r);
	add_interp(r, "b");
	add_interp(r, "a");
	for (size_t i = 0; i < ARRAY_SIZE(summary_cells); i++) {
		const struct cell_spec *t = &summary_cells[i];
		struct cell *c = results_add_cell(r);
		c->interpreter = xstrdup(t->interp);
		c->workload = xstrdup(t->workload);
		c->count = t->count;
		c->repeat = t->repeat;
		c->status = t->status;
		if (t->start)
			set_sample(&c->samples[PHASE_START], t->start);
		if (t->base)
			set_sample(&c->samples[PHASE_BASE], t->base);
		if (t->full)
			set_sample(&c->samples[PHASE_FULL], t->full);
		c->getsizeof = t->getsizeof;
		c->container_bytes = t->container_bytes;
		if (t->hwm) {
			c->peak.valid = 1;
			c->peak.vm_hwm = t->hwm;
		}
	}
}

/* Expected rows, in order: interpreters b, a (r->interps), then c. */
static const struct row_expect {
	const char *interp, *workload;
	uint64_t count;
	size_t n_ok, n_failed, n_skipped;
	size_t n_bpo;
	double bpo_median, bpo_min, bpo_max;
	double delta_median, abs_median, full_median;
	size_t n_hwm, n_gso;
	int64_t container_bytes;
	double spread_pct; /* NAN: null */
} row_expects[] = {
	/* workloads in first-seen order: w2 before w1 */
	{ "b", "w2", 100, 2, 0, 0, 2, -40.48, -40.96, -40, -4048, 4452, 4952, 0, 0, 856,
	  0.96 / 40.48 * 100 },
	{ "b", "w1", 100, 2, 0, 0, 2, 1, 1, 1, 100, 200, 700, 0, 2, 856, 0 },
	{ "b", "w1", 1000, 1, 0, 0, 0, NAN, NAN, NAN, NAN, NAN, NAN, 0, 0, -1, NAN },
	{ "a", "w2", 100, 0, 1, 0, 0, NAN, NAN, NAN, NAN, NAN, NAN, 0, 0, -1, NAN },
	/* counts ascending although 1000 was seen first */
	{ "a", "w1", 10, 1, 0, 1, 1, 96, 96, 96, 960, 1960, 2960, 1, 1, 136, 0 },
	{ "a", "w1", 1000, 2, 1, 0, 2, 98, 96, 100, 98000, 99000, 100000, 2, 2, 8056,
	  4.0 / 98 * 100 },
	{ "c", "w2", 10, 1, 0, 0, 1, 10, 10, 10, 100, 200, 300, 0, 0, -1, 0 },
};

static int stat_is(const struct stat3 *s, size_t n, double median)
{
	if (!n)
		return !s->valid && s->n == 0;
	return s->valid && s->n == n && close_to(s->median, median, 1e-12);
}

static void test_summary_rows(void)
{
	struct results r;
	struct summary s;
	build_summary_results(&r);
	summary_compute(&r, &s);
	CU_ASSERT_EQUAL_FATAL(s.n_rows, ARRAY_SIZE(row_expects));
	for (size_t i = 0; i < s.n_rows; i++) {
		const struct summary_row *row = &s.rows[i];
		const struct row_expect *e = &row_expects[i];
		int ok = !strcmp(row->interpreter, e->interp) && !strcmp(row->workload, e->workload) &&
			 row->count == e->count && row->n_ok == e->n_ok &&
			 row->n_failed == e->n_failed && row->n_skipped == e->n_skipped &&
			 stat_is(&row->bytes_per_object, e->n_bpo, e->bpo_median) &&
			 stat_is(&row->delta_bytes, e->n_bpo, e->delta_median) &&
			 stat_is(&row->absolute_bytes, e->n_bpo, e->abs_median) &&
			 stat_is(&row->full_uss, e->n_bpo, e->full_median) &&
			 row->peak_hwm.n == e->n_hwm && row->getsizeof.n == e->n_gso &&
			 row->container_bytes == e->container_bytes;
		if (e->n_bpo)
			ok = ok && close_to(row->bytes_per_object.min, e->bpo_min, 1e-12) &&
			     close_to(row->bytes_per_object.max, e->bpo_max, 1e-12);
		if (isnan(e->spread_pct))
			ok = ok && isnan(row->spread_pct);
		else
			ok = ok && close_to(row->spread_pct, e->spread_pct, 1e-12);
		if (!ok)
			fprintf(stderr, "\nsummary row %zu: got %s/%s/%llu ok %zu failed %zu skipped %zu "
				"bpo n %zu median %.17g spread %.17g container %lld\n", i,
				row->interpreter, row->workload, (unsigned long long)row->count,
				row->n_ok, row->n_failed, row->n_skipped, row->bytes_per_object.n,
				row->bytes_per_object.median, row->spread_pct,
				(long long)row->container_bytes);
		CU_ASSERT(ok);
	}
	/* a getsizeof of 0 is a value, not "none" */
	const struct summary_row *row = summary_find(&s, "b", "w1", 100);
	CU_ASSERT_PTR_NOT_NULL_FATAL(row);
	CU_ASSERT(row->getsizeof.valid && row->getsizeof.median == 0);
	row = summary_find(&s, "a", "w1", 1000);
	CU_ASSERT_PTR_NOT_NULL_FATAL(row);
	CU_ASSERT(row->peak_hwm.valid && row->peak_hwm.min == 99000 && row->peak_hwm.max == 103000);
	summary_release(&s);
	results_release(&r);
}

static const struct fit_expect {
	const char *interp, *workload;
	int valid;
	size_t n;
	double slope, intercept;
} fit_expects[] = {
	{ "b", "w2", 0, 2, 0, 0 },           /* one count: no line */
	{ "b", "w1", 0, 2, 0, 0 },           /* 1000 has no full sample */
	{ "a", "w2", 0, 0, 0, 0 },
	/* (10, 960), (1000, 96000), (1000, 100000) */
	{ "a", "w1", 1, 3, 98.02020202020202, -20.2020202020202 },
	{ "c", "w2", 0, 1, 0, 0 },
};

static void test_summary_fits(void)
{
	struct results r;
	struct summary s;
	build_summary_results(&r);
	summary_compute(&r, &s);
	CU_ASSERT_EQUAL_FATAL(s.n_fits, ARRAY_SIZE(fit_expects));
	for (size_t i = 0; i < s.n_fits; i++) {
		const struct summary_fit *f = &s.fits[i];
		const struct fit_expect *e = &fit_expects[i];
		int ok = !strcmp(f->interpreter, e->interp) && !strcmp(f->workload, e->workload) &&
			 f->fit.valid == e->valid && f->fit.n == e->n;
		if (e->valid)
			ok = ok && close_to(f->fit.slope, e->slope, 1e-9) &&
			     close_to(f->fit.intercept, e->intercept, 1e-9);
		if (!ok)
			fprintf(stderr, "\nfit %zu: got %s/%s valid %d n %zu slope %.17g intercept %.17g\n",
				i, f->interpreter, f->workload, f->fit.valid, f->fit.n,
				f->fit.slope, f->fit.intercept);
		CU_ASSERT(ok);
	}
	summary_release(&s);
	results_release(&r);
}

static const struct find_case {
	const char *interp, *workload;
	uint64_t count;
	int found;
} find_cases[] = {
	{ "a", "w1", 10, 1 },
	{ "a", "w1", 100, 0 },
	{ "a", "w3", 10, 0 },
	{ "z", "w1", 10, 0 },
	{ "c", "w2", 10, 1 },
};

static void test_summary_find(void)
{
	struct results r;
	struct summary s;
	build_summary_results(&r);
	summary_compute(&r, &s);
	for (size_t i = 0; i < ARRAY_SIZE(find_cases); i++) {
		const struct find_case *t = &find_cases[i];
		const struct summary_row *row = summary_find(&s, t->interp, t->workload, t->count);
		CU_ASSERT_EQUAL(row != NULL, t->found);
		if (row)
			CU_ASSERT(row->count == t->count && !strcmp(row->interpreter, t->interp) &&
				  !strcmp(row->workload, t->workload));
	}
	summary_release(&s);
	results_release(&r);
}

static void test_summary_empty(void)
{
	struct results r;
	struct summary s;
	results_init(&r);
	add_interp(&r, "a");
	summary_compute(&r, &s);
	CU_ASSERT_EQUAL(s.n_rows, 0);
	CU_ASSERT_EQUAL(s.n_fits, 0);
	CU_ASSERT_PTR_NULL(summary_find(&s, "a", "w", 1));
	summary_release(&s);
	summary_release(&s); /* twice is harmless */
	results_release(&r);
}

static const struct unit_test stats_tests[] = {
	{ "standard deviation (table)", test_std_dev_table },
	{ "stat3 table", test_stat3_table },
	{ "linear_fit table", test_fit_table },
	{ "summary rows: grouping, order, counts", test_summary_rows },
	{ "summary fits", test_summary_fits },
	{ "summary_find", test_summary_find },
	{ "summary of no cells", test_summary_empty },
};

static const struct unit_suite suites[] = {
	UNIT_SUITE("stats", stats_tests),
};

int main(int argc, char **argv)
{
	(void)argc;
	return unit_main(argv[0], suites, ARRAY_SIZE(suites));
}
