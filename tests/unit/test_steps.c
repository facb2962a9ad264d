/*
 * test_steps.c - the step detector (steps.c) on synthetic histories, each
 * with the answer it must give: the segments (where each level begins, how
 * many points, the level), the suspected newest point, and the gate at 1%.
 * Then asv's weighted median, the noise floor, the dynamic programme
 * against a brute force over every segmentation, the merging of steps
 * within the noise, and the gate's table.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "steps.h"
#include "unit.h"
#include "util.h"

enum { MAXP = 64, MAXSEG = 8 };

/* One page over the count: 4096 / 1000 and 4096 / 100000 bytes per object. */
#define Q1K 4.096
#define Q100K 0.04096

struct seg_want {
	size_t first, n;
	double level;
};

static const struct history_case {
	const char *name;
	double x[MAXP];          /* medians, oldest first */
	size_t n;
	double spread;           /* max - min of every point, around its median */
	double quantum;
	size_t n_segs;
	struct seg_want segs[MAXSEG];
	int suspect;             /* a suspected step at the newest point */
	double suspect_before;
	enum steps_gate gate;    /* at 1% */
} history_cases[] = {
	{ "one step", { 100, 100, 100, 100, 100, 110, 110, 110, 110, 110 }, 10, 0, Q100K,
	  2, { { 0, 5, 100 }, { 5, 5, 110 } }, 0, 0, STEPS_GATE_LARGER },
	{ "two steps", { 100, 100, 100, 100, 110, 110, 110, 110, 120, 120, 120, 120 }, 12, 0,
	  Q100K, 3, { { 0, 4, 100 }, { 4, 4, 110 }, { 8, 4, 120 } }, 0, 0, STEPS_GATE_LARGER },
	/* one point up and back: it cannot make a segment of its own */
	{ "a spike", { 100, 100, 100, 100, 130, 100, 100, 100, 100, 100 }, 10, 0, Q100K,
	  1, { { 0, 10, 100 } }, 0, 0, STEPS_GATE_PASS },
	/* +0.3 a file within a spread of 0.5: a staircase of three-file levels,
	 * each 0.9 (0.9%, under the 1% gate) above the one before */
	{ "a slow creep", { 100, 100.3, 100.6, 100.9, 101.2, 101.5, 101.8, 102.1, 102.4, 102.7,
			    103, 103.3 }, 12, 0.5, Q100K,
	  4, { { 0, 3, 100.3 }, { 3, 3, 101.2 }, { 6, 3, 102.1 }, { 9, 3, 103 } }, 0, 0,
	  STEPS_GATE_PASS },
	/* repetitions that never differ, 1k objects: 64 pages, then 65.5 */
	{ "flat, zero variance, a step of one and a half pages",
	  { 262.144, 262.144, 262.144, 262.144, 262.144, 262.144, 268.288, 268.288, 268.288,
	    268.288 }, 10, 0, Q1K, 2, { { 0, 6, 262.144 }, { 6, 4, 268.288 } }, 0, 0,
	  STEPS_GATE_LARGER },
	{ "flat, zero variance, a step of exactly one page",
	  { 262.144, 262.144, 262.144, 262.144, 262.144, 262.144, 266.24, 266.24, 266.24,
	    266.24 }, 10, 0, Q1K, 1, { { 0, 10, 262.144 } }, 0, 0, STEPS_GATE_PASS },
	{ "flat, zero variance, a wiggle under a page",
	  { 262.144, 264.2, 262.144, 265.1, 263, 262.144, 266, 262.5, 264, 262.144, 265.5,
	    263.1 }, 12, 0, Q1K, 1, { { 0, 12, 263.05 } }, 0, 0, STEPS_GATE_PASS },
	{ "a step up, then back down", { 100, 100, 100, 100, 112, 112, 112, 112, 100, 100, 100,
					 100 }, 12, 0, Q100K,
	  3, { { 0, 4, 100 }, { 4, 4, 112 }, { 8, 4, 100 } }, 0, 0, STEPS_GATE_PASS },
	{ "the newest file alone", { 100, 100, 100, 100, 100, 100, 100, 100, 100, 110 }, 10, 0,
	  Q100K, 1, { { 0, 10, 100 } }, 1, 100, STEPS_GATE_SUSPECTED },
	{ "the newest two files: a step", { 100, 100, 100, 100, 100, 100, 100, 100, 110, 110 },
	  10, 0, Q100K, 2, { { 0, 8, 100 }, { 8, 2, 110 } }, 0, 0, STEPS_GATE_LARGER },
	{ "the newest two files down", { 100, 100, 100, 100, 100, 100, 100, 100, 90, 90 }, 10, 0,
	  Q100K, 2, { { 0, 8, 100 }, { 8, 2, 90 } }, 0, 0, STEPS_GATE_PASS },
	{ "a step within the repetitions' spread", { 100, 100, 100, 100, 100, 101, 101, 101, 101,
						     101 }, 10, 2, Q100K,
	  1, { { 0, 10, 100.5 } }, 0, 0, STEPS_GATE_PASS },
	{ "the same step, a tight spread", { 100, 100, 100, 100, 100, 101.5, 101.5, 101.5,
					     101.5, 101.5 }, 10, 0.2, Q100K,
	  2, { { 0, 5, 100 }, { 5, 5, 101.5 } }, 0, 0, STEPS_GATE_LARGER },
	{ "a step under the threshold", { 100, 100, 100, 100, 100, 100.5, 100.5, 100.5, 100.5,
					  100.5 }, 10, 0, Q100K,
	  2, { { 0, 5, 100 }, { 5, 5, 100.5 } }, 0, 0, STEPS_GATE_PASS },
	{ "two files", { 100, 110 }, 2, 0, Q100K, 1, { { 0, 2, 105 } }, 1, 100,
	  STEPS_GATE_SUSPECTED },
	{ "one file", { 100 }, 1, 0, Q100K, 1, { { 0, 1, 100 } }, 0, 0, STEPS_GATE_PASS },
	{ "no file", { 0 }, 0, 0, Q100K, 0, { { 0, 0, 0 } }, 0, 0, STEPS_GATE_PASS },
};

static void points_of(const struct history_case *hc, struct steps_point *p)
{
	for (size_t i = 0; i < hc->n; i++)
		p[i] = (struct steps_point){ hc->x[i], hc->x[i] - hc->spread / 2,
					     hc->x[i] + hc->spread / 2, hc->quantum };
}

static void print_fit(const char *name, const struct steps_fit *f)
{
	fprintf(stderr, "\n%s: %zu segments:", name, f->n_segs);
	for (size_t j = 0; j < f->n_segs; j++)
		fprintf(stderr, " [%zu +%zu: %.6g]", f->segs[j].first, f->segs[j].n, f->segs[j].level);
	if (f->has_suspect)
		fprintf(stderr, " suspected at %zu: %.6g -> %.6g", f->suspect.at, f->suspect.before,
			f->suspect.after);
	fputc('\n', stderr);
}

static int fit_matches(const struct history_case *hc, const struct steps_fit *f)
{
	if (f->n_segs != hc->n_segs || f->n_steps != (hc->n_segs ? hc->n_segs - 1 : 0))
		return 0;
	for (size_t j = 0; j < f->n_segs; j++) {
		const struct steps_segment *s = &f->segs[j];
		if (s->first != hc->segs[j].first || s->n != hc->segs[j].n ||
		    fabs(s->level - hc->segs[j].level) > 1e-9)
			return 0;
	}
	/* a step between each two segments, with their levels and lengths */
	for (size_t j = 1; j < f->n_segs; j++) {
		const struct steps_step *st = &f->steps[j - 1];
		if (st->at != f->segs[j].first || st->before != f->segs[j - 1].level ||
		    st->after != f->segs[j].level || st->n_before != f->segs[j - 1].n ||
		    st->n_after != f->segs[j].n || st->suspected ||
		    fabs(st->change - (st->after - st->before)) > 1e-12 ||
		    fabs(st->change_pct - st->change * 100 / fabs(st->before)) > 1e-9)
			return 0;
	}
	if (f->has_suspect != hc->suspect)
		return 0;
	if (hc->suspect && (f->suspect.at != hc->n - 1 || !f->suspect.suspected ||
			    f->suspect.n_after != 1 || f->suspect.after != hc->x[hc->n - 1] ||
			    fabs(f->suspect.before - hc->suspect_before) > 1e-9))
		return 0;
	return 1;
}

static void test_histories(void)
{
	for (size_t i = 0; i < ARRAY_SIZE(history_cases); i++) {
		const struct history_case *hc = &history_cases[i];
		struct steps_point p[MAXP];
		points_of(hc, p);
		struct steps_fit f;
		steps_detect(p, hc->n, NULL, &f);
		const struct steps_step *which = NULL;
		enum steps_gate g = steps_gate(&f, 0.01, &which);
		int ok = fit_matches(hc, &f) && g == hc->gate &&
			 (g == STEPS_GATE_PASS ? !which
			  : g == STEPS_GATE_LARGER ? which == &f.steps[f.n_steps - 1]
			  : which == &f.suspect);
		if (!ok) {
			print_fit(hc->name, &f);
			fprintf(stderr, "  gate %s, want %s\n", steps_gate_name(g),
				steps_gate_name(hc->gate));
		}
		CU_ASSERT(ok);
		steps_release(&f);
		CU_ASSERT_EQUAL(f.n_segs, 0);
	}
}

/* ---- asv's weighted median ---- */

static const struct wmedian_case {
	const char *name;
	double x[6], w[6];
	size_t n;
	double want;
} wmedian_cases[] = {
	{ "one value", { 7 }, { 1 }, 1, 7 },
	{ "odd, equal weights", { 3, 1, 2 }, { 1, 1, 1 }, 3, 2 },
	{ "even, equal weights: the mean of the middle two", { 4, 1, 3, 2 }, { 1, 1, 1, 1 }, 4, 2.5 },
	{ "a heavy value wins", { 1, 2, 100 }, { 1, 1, 5 }, 3, 100 },
	{ "exactly half below: the mean with the next", { 1, 2, 3 }, { 2, 1, 1 }, 3, 1.5 },
	{ "weights that do not sum exactly", { 10, 20, 30, 40 }, { 0.1, 0.1, 0.1, 0.1 }, 4, 25 },
	{ "unsorted input", { 9, 8, 7, 6, 5 }, { 1, 1, 1, 1, 1 }, 5, 7 },
};

static void test_weighted_median(void)
{
	for (size_t i = 0; i < ARRAY_SIZE(wmedian_cases); i++) {
		const struct wmedian_case *c = &wmedian_cases[i];
		double got = steps_weighted_median(c->x, c->w, c->n);
		if (fabs(got - c->want) > 1e-12)
			fprintf(stderr, "\nweighted median '%s': %g, want %g\n", c->name, got, c->want);
		CU_ASSERT_DOUBLE_EQUAL(got, c->want, 1e-12);
	}
}

/* ---- the noise floor ---- */

static const struct noise_case {
	const char *name;
	struct steps_point p;
	double want;
} noise_cases[] = {
	{ "no spread: one page", { 100, 100, 100, Q1K }, Q1K },
	{ "a spread under a page: one page", { 100, 99, 101, Q1K }, Q1K },
	{ "a spread over a page: the spread", { 100, 95, 105, Q1K }, 10 },
	{ "no page size, no spread: never 0", { 100, 100, 100, 0 }, 1e-7 },
	{ "a zero median, nothing else: the least", { 0, 0, 0, 0 }, 1e-12 },
};

static void test_noise(void)
{
	for (size_t i = 0; i < ARRAY_SIZE(noise_cases); i++) {
		double got = steps_noise(&noise_cases[i].p);
		if (fabs(got - noise_cases[i].want) > 1e-15)
			fprintf(stderr, "\nnoise '%s': %g\n", noise_cases[i].name, got);
		CU_ASSERT_DOUBLE_EQUAL(got, noise_cases[i].want, 1e-15);
	}
}

/* ---- the dynamic programme is exact ---- */

static unsigned long lcg = 12345;

static double rnd(void)
{
	lcg = lcg * 6364136223846793005UL + 1442695040888963407UL;
	return (double)(lcg >> 11) / (double)(1UL << 53);
}

/*
 * The least cost over every segmentation of n points into runs of at least
 * min_len: each bit of cuts says whether a segment starts at that point.
 */
static double brute_force(const struct steps_point *p, size_t n, size_t min_len, double penalty)
{
	double best = INFINITY;
	for (unsigned long cuts = 0; cuts < 1UL << (n - 1); cuts++) {
		double cost = 0;
		size_t start = 0, segs = 0;
		int ok = 1;
		for (size_t i = 1; i <= n && ok; i++) {
			if (i < n && !(cuts & (1UL << (i - 1))))
				continue;
			ok = i - start >= min_len;
			cost += steps_segment_cost(p, start, i - start, NULL);
			segs++;
			start = i;
		}
		cost += penalty * (double)(segs - 1);
		if (ok && cost < best)
			best = cost;
	}
	return best;
}

static void test_exact_fit(void)
{
	const struct steps_opts o = { STEPS_PENALTY, STEPS_MIN_SEGMENT, 1 };
	for (int trial = 0; trial < 300; trial++) {
		size_t n = 1 + (size_t)(rnd() * 11);   /* 1 .. 11 points */
		struct steps_point p[12];
		double level = 100;
		for (size_t i = 0; i < n; i++) {
			if (rnd() < 0.3)
				level += (rnd() - 0.5) * 20;
			double x = level + (rnd() - 0.5) * 3, spread = rnd() * 2;
			p[i] = (struct steps_point){ x, x - spread * rnd(), x + spread * rnd(),
						     rnd() < 0.5 ? Q1K : Q100K };
		}
		struct steps_fit f;
		steps_detect(p, n, &o, &f);
		double want = brute_force(p, n, STEPS_MIN_SEGMENT, STEPS_PENALTY);
		if (fabs(f.cost - want) > 1e-9 * (1 + want))
			fprintf(stderr, "\ntrial %d (%zu points): cost %.12g, brute force %.12g\n", trial,
				n, f.cost, want);
		CU_ASSERT_DOUBLE_EQUAL(f.cost, want, 1e-9 * (1 + want));
		/* segments tile the points, each at least 2 long when there are 2 x 2 */
		size_t next = 0;
		for (size_t j = 0; j < f.n_segs; j++) {
			CU_ASSERT_EQUAL(f.segs[j].first, next);
			CU_ASSERT(n < 2 * STEPS_MIN_SEGMENT || f.segs[j].n >= STEPS_MIN_SEGMENT);
			next += f.segs[j].n;
		}
		CU_ASSERT_EQUAL(next, n);
		steps_release(&f);
	}
}

/* After merging, every step is beyond the noise of the segments on either side. */
static void test_steps_beyond_noise(void)
{
	for (int trial = 0; trial < 200; trial++) {
		size_t n = 4 + (size_t)(rnd() * 40);
		struct steps_point p[44];
		double level = 100;
		for (size_t i = 0; i < n; i++) {
			if (rnd() < 0.2)
				level += (rnd() - 0.5) * 6;
			double x = level + (rnd() - 0.5), spread = rnd() * 1.5;
			p[i] = (struct steps_point){ x, x - spread / 2, x + spread / 2, Q100K };
		}
		struct steps_fit kept, all;
		steps_detect(p, n, NULL, &all);
		const struct steps_opts o = { STEPS_PENALTY, STEPS_MIN_SEGMENT, 1 };
		steps_detect(p, n, &o, &kept);
		CU_ASSERT(all.n_segs <= kept.n_segs);
		for (size_t j = 1; j < all.n_segs; j++) {
			double noise = fmax(all.segs[j - 1].noise, all.segs[j].noise);
			CU_ASSERT(fabs(all.segs[j].level - all.segs[j - 1].level) > noise);
		}
		steps_release(&all);
		steps_release(&kept);
	}
}

/* A long history (1000 files, 2 steps): found, in one piece. */
static void test_long_history(void)
{
	enum { N = 1000 };
	struct steps_point *p = calloc(N, sizeof(*p));
	for (size_t i = 0; i < N; i++) {
		double x = 64 + (i >= 400 ? 2 : 0) + (i >= 900 ? 1 : 0) + (rnd() - 0.5) * 0.2;
		p[i] = (struct steps_point){ x, x - 0.15, x + 0.15, 0.004096 };
	}
	struct steps_fit f;
	steps_detect(p, N, NULL, &f);
	if (f.n_segs != 3)
		print_fit("1000 files", &f);
	CU_ASSERT_EQUAL_FATAL(f.n_segs, 3);
	CU_ASSERT_EQUAL(f.steps[0].at, 400);
	CU_ASSERT_EQUAL(f.steps[1].at, 900);
	CU_ASSERT_DOUBLE_EQUAL(f.steps[0].change, 2, 0.1);
	CU_ASSERT_DOUBLE_EQUAL(f.steps[1].change, 1, 0.1);
	steps_release(&f);
	free(p);
}

/* ---- the gate ---- */

static const struct gate_case {
	const char *name;
	double before, after;      /* the newest step; NAN: none */
	double s_before, s_after;  /* the suspected one; NAN: none */
	double threshold;
	enum steps_gate want;
	int fails, fails_strict;
} gate_cases[] = {
	{ "no step", NAN, NAN, NAN, NAN, 0.01, STEPS_GATE_PASS, 0, 0 },
	{ "up 5%", 100, 105, NAN, NAN, 0.01, STEPS_GATE_LARGER, 1, 1 },
	{ "up 5%, threshold 10%", 100, 105, NAN, NAN, 0.10, STEPS_GATE_PASS, 0, 0 },
	{ "up exactly the threshold", 100, 101, NAN, NAN, 0.01, STEPS_GATE_PASS, 0, 0 },
	{ "down 5%", 100, 95, NAN, NAN, 0.01, STEPS_GATE_PASS, 0, 0 },
	{ "suspected up 5%", NAN, NAN, 100, 105, 0.01, STEPS_GATE_SUSPECTED, 0, 1 },
	{ "suspected down", NAN, NAN, 100, 95, 0.01, STEPS_GATE_PASS, 0, 0 },
	{ "a step down, then a suspected up", 110, 100, 100, 105, 0.01, STEPS_GATE_SUSPECTED, 0, 1 },
	{ "a step up and a suspected up: the step", 100, 105, 105, 110, 0.01, STEPS_GATE_LARGER,
	  1, 1 },
	{ "from zero", 0, 8, NAN, NAN, 0.01, STEPS_GATE_LARGER, 1, 1 },
	{ "negative levels, up", -10, -5, NAN, NAN, 0.01, STEPS_GATE_LARGER, 1, 1 },
};

static void test_gate(void)
{
	for (size_t i = 0; i < ARRAY_SIZE(gate_cases); i++) {
		const struct gate_case *gc = &gate_cases[i];
		struct steps_step step = { 5, gc->before, gc->after, gc->after - gc->before, NAN, 5, 5,
					   0 };
		struct steps_step susp = { 9, gc->s_before, gc->s_after, gc->s_after - gc->s_before,
					   NAN, 4, 1, 1 };
		struct steps_fit f;
		memset(&f, 0, sizeof(f));
		if (!isnan(gc->before)) {
			f.steps = &step;
			f.n_steps = 1;
		}
		if (!isnan(gc->s_before)) {
			f.has_suspect = 1;
			f.suspect = susp;
		}
		const struct steps_step *which;
		enum steps_gate g = steps_gate(&f, gc->threshold, &which);
		int ok = g == gc->want && steps_gate_fails(g, 0) == gc->fails &&
			 steps_gate_fails(g, 1) == gc->fails_strict &&
			 (g == STEPS_GATE_PASS) == (which == NULL);
		if (!ok)
			fprintf(stderr, "\ngate '%s': %s\n", gc->name, steps_gate_name(g));
		CU_ASSERT(ok);
	}
	CU_ASSERT_STRING_EQUAL(steps_gate_name(STEPS_GATE_LARGER), "LARGER");
	CU_ASSERT_STRING_EQUAL(steps_gate_name(STEPS_GATE_SUSPECTED), "suspected");
	CU_ASSERT_STRING_EQUAL(steps_gate_name(STEPS_GATE_PASS), "pass");
}

static const struct unit_test detect_tests[] = {
	{ "histories and their answers, from a table", test_histories },
	{ "a long history", test_long_history },
};

static const struct unit_test parts_tests[] = {
	{ "asv's weighted median", test_weighted_median },
	{ "the noise floor", test_noise },
	{ "the fit is the least cost (brute force)", test_exact_fit },
	{ "every step is beyond the noise", test_steps_beyond_noise },
	{ "the gate, from a table", test_gate },
};

int main(int argc, char **argv)
{
	(void)argc;
	const struct unit_suite suites[] = {
		UNIT_SUITE("detect", detect_tests),
		UNIT_SUITE("parts", parts_tests),
	};
	return unit_main(argv[0], suites, ARRAY_SIZE(suites));
}
