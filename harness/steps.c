/* steps.c - change points in a series of bytes per object; see steps.h. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "stats.h"
#include "steps.h"
#include "util.h"

double steps_noise(const struct steps_point *p)
{
	double noise = p->max - p->min;
	if (!(noise >= p->quantum))
		noise = p->quantum;
	/* a weight must stay finite: no page size and no spread */
	double least = 1e-9 * fabs(p->median);
	if (!(noise > least))
		noise = least > 1e-12 ? least : 1e-12;
	return noise;
}

/* Values with their weights, kept sorted by value. */
struct wval {
	double x, w;
};

static int wval_cmp(const void *a, const void *b)
{
	double x = ((const struct wval *)a)->x, y = ((const struct wval *)b)->x;
	return x < y ? -1 : x > y;
}

/* asv's weighted_median on values sorted by x. */
static double sorted_wmedian(const struct wval *v, size_t n)
{
	double total = 0;
	for (size_t i = 0; i < n; i++)
		total += v[i].w;
	double mid = total / 2, eps = 1e-12 * total, sum = 0;
	for (size_t i = 0; i < n; i++) {
		sum += v[i].w;
		if (sum > mid + eps)
			return v[i].x;
		/* exactly half below: the mean of this value and the next */
		if (sum >= mid - eps)
			return i + 1 < n ? (v[i].x + v[i + 1].x) / 2 : v[i].x;
	}
	return v[n - 1].x;
}

/* sum w |x - m| of sorted values, with m their weighted median. */
static double sorted_cost(const struct wval *v, size_t n, double *level)
{
	double m = sorted_wmedian(v, n), cost = 0;
	for (size_t i = 0; i < n; i++)
		cost += v[i].w * fabs(v[i].x - m);
	if (level)
		*level = m;
	return cost;
}

double steps_weighted_median(const double *x, const double *w, size_t n)
{
	struct wval *v = xcalloc(n + 1, sizeof(*v));
	for (size_t i = 0; i < n; i++)
		v[i] = (struct wval){ x[i], w[i] };
	qsort(v, n, sizeof(*v), wval_cmp);
	double m = n ? sorted_wmedian(v, n) : NAN;
	free(v);
	return m;
}

double steps_segment_cost(const struct steps_point *p, size_t first, size_t n, double *level)
{
	struct wval *v = xcalloc(n + 1, sizeof(*v));
	for (size_t i = 0; i < n; i++)
		v[i] = (struct wval){ p[first + i].median, 1 / steps_noise(&p[first + i]) };
	qsort(v, n, sizeof(*v), wval_cmp);
	double cost = n ? sorted_cost(v, n, level) : 0;
	if (!n && level)
		*level = NAN;
	free(v);
	return cost;
}

/* The median noise of points [first, first + n). */
static double segment_noise(const struct steps_point *p, size_t first, size_t n)
{
	double *v = xcalloc(n + 1, sizeof(*v));
	for (size_t i = 0; i < n; i++)
		v[i] = steps_noise(&p[first + i]);
	struct stat3 s;
	stat3_compute(v, n, &s);
	free(v);
	return s.median;
}

static void set_segment(struct steps_segment *s, const struct steps_point *p, size_t first,
			size_t n)
{
	s->first = first;
	s->n = n;
	steps_segment_cost(p, first, n, &s->level);
	s->noise = segment_noise(p, first, n);
}

/*
 * The dynamic programme: best[k] is the least cost of points [0, k) cut
 * into segments of at least min_len, start[k] where its last segment
 * starts. The segment [l, r] is grown leftwards from r, its values kept
 * sorted, so its cost is one pass. Among equal costs (to rounding) the
 * latest start found first, the largest, is kept.
 */
static void partition(const struct steps_point *p, size_t n, double penalty, size_t min_len,
		      size_t *start)
{
	double *best = xcalloc(n + 1, sizeof(*best));
	double *w = xcalloc(n + 1, sizeof(*w));
	struct wval *v = xcalloc(n + 1, sizeof(*v));
	best[0] = -penalty;
	for (size_t k = 1; k <= n; k++)
		best[k] = INFINITY;
	for (size_t k = 0; k < n; k++)
		w[k] = 1 / steps_noise(&p[k]);
	for (size_t r = 0; r < n; r++) {
		double b = INFINITY;
		size_t arg = 0, len = 0;
		for (size_t l = r + 1; l-- > 0;) {
			struct wval in = { p[l].median, w[l] };
			size_t at = 0;  /* insert in order */
			while (at < len && v[at].x < in.x)
				at++;
			memmove(&v[at + 1], &v[at], (len - at) * sizeof(*v));
			v[at] = in;
			len++;
			if (len < min_len || isinf(best[l]))
				continue;
			double c = best[l] + penalty + sorted_cost(v, len, NULL);
			if (c < b - 1e-9 * (1 + fabs(b)) || isinf(b)) {
				b = c;
				arg = l;
			}
		}
		best[r + 1] = b;
		start[r + 1] = arg;
	}
	free(v);
	free(w);
	free(best);
}

/* Merge the closest pair of segments whose step is within their noise; 0 when none. */
static int merge_within_noise(struct steps_fit *fit, const struct steps_point *p)
{
	size_t pick = 0;
	double pick_ratio = INFINITY;
	for (size_t j = 1; j < fit->n_segs; j++) {
		const struct steps_segment *a = &fit->segs[j - 1], *b = &fit->segs[j];
		double noise = a->noise > b->noise ? a->noise : b->noise;
		double ratio = fabs(b->level - a->level) / noise;
		/* within the noise, to rounding: 266.24 - 262.144 is one page and a hair */
		if (ratio <= 1 + 1e-9 && ratio < pick_ratio) {
			pick = j;
			pick_ratio = ratio;
		}
	}
	if (!pick)
		return 0;
	struct steps_segment *a = &fit->segs[pick - 1];
	set_segment(a, p, a->first, a->n + fit->segs[pick].n);
	memmove(&fit->segs[pick], &fit->segs[pick + 1],
		(fit->n_segs - pick - 1) * sizeof(*fit->segs));
	fit->n_segs--;
	return 1;
}

static void fill_step(struct steps_step *s, size_t at, double before, double after,
		      size_t n_before, size_t n_after)
{
	s->at = at;
	s->before = before;
	s->after = after;
	s->change = after - before;
	s->change_pct = before != 0 ? s->change * 100 / fabs(before) : NAN;
	s->n_before = n_before;
	s->n_after = n_after;
}

/* The newest point against the rest of its segment. */
static void find_suspect(struct steps_fit *fit, const struct steps_point *p, size_t n)
{
	const struct steps_segment *last = &fit->segs[fit->n_segs - 1];
	if (last->n < 2)
		return;
	double level;
	steps_segment_cost(p, last->first, last->n - 1, &level);
	double noise = segment_noise(p, last->first, last->n - 1);
	double own = steps_noise(&p[n - 1]);
	if (own > noise)
		noise = own;
	if (!(fabs(p[n - 1].median - level) > noise * (1 + 1e-9)))
		return;
	fit->has_suspect = 1;
	fill_step(&fit->suspect, n - 1, level, p[n - 1].median, last->n - 1, 1);
	fit->suspect.suspected = 1;
}

void steps_detect(const struct steps_point *p, size_t n, const struct steps_opts *o,
		  struct steps_fit *fit)
{
	static const struct steps_opts defaults = { STEPS_PENALTY, STEPS_MIN_SEGMENT, 0 };
	if (!o)
		o = &defaults;
	size_t min_len = o->min_len ? o->min_len : 1;
	memset(fit, 0, sizeof(*fit));
	if (!n)
		return;
	fit->segs = xcalloc(n + 1, sizeof(*fit->segs));
	size_t *start = xcalloc(n + 1, sizeof(*start));
	if (n >= 2 * min_len)
		partition(p, n, o->penalty, min_len, start);
	/* start[n] is where the last segment starts, start[that] the one before */
	size_t m = 0;
	for (size_t k = n; k > 0; k = start[k])
		m++;
	for (size_t k = n, j = m; k > 0; k = start[k])
		set_segment(&fit->segs[--j], p, start[k], k - start[k]);
	fit->n_segs = m;
	free(start);
	while (!o->keep_small && merge_within_noise(fit, p))
		;
	fit->cost = o->penalty * (double)(fit->n_segs - 1);
	for (size_t j = 0; j < fit->n_segs; j++)
		fit->cost += steps_segment_cost(p, fit->segs[j].first, fit->segs[j].n, NULL);
	fit->steps = xcalloc(fit->n_segs, sizeof(*fit->steps));
	for (size_t j = 1; j < fit->n_segs; j++) {
		const struct steps_segment *a = &fit->segs[j - 1], *b = &fit->segs[j];
		fill_step(&fit->steps[fit->n_steps++], b->first, a->level, b->level, a->n, b->n);
	}
	find_suspect(fit, p, n);
}

void steps_release(struct steps_fit *fit)
{
	free(fit->segs);
	free(fit->steps);
	memset(fit, 0, sizeof(*fit));
}

enum steps_gate steps_gate(const struct steps_fit *fit, double threshold,
			   const struct steps_step **which)
{
	const struct steps_step *s = fit->n_steps ? &fit->steps[fit->n_steps - 1] : NULL;
	enum steps_gate g = STEPS_GATE_PASS;
	/* the newest segment: a step up beyond the threshold */
	if (s && s->change > threshold * fabs(s->before))
		g = STEPS_GATE_LARGER;
	else if (fit->has_suspect && fit->suspect.change > threshold * fabs(fit->suspect.before))
		g = STEPS_GATE_SUSPECTED, s = &fit->suspect;
	if (which)
		*which = g == STEPS_GATE_PASS ? NULL : s;
	return g;
}

int steps_gate_fails(enum steps_gate g, int strict)
{
	return g == STEPS_GATE_LARGER || (g == STEPS_GATE_SUSPECTED && strict);
}

const char *steps_gate_name(enum steps_gate g)
{
	switch (g) {
	case STEPS_GATE_PASS: return "pass";
	case STEPS_GATE_LARGER: return "LARGER";
	case STEPS_GATE_SUSPECTED: return "suspected";
	}
	return "?";
}
