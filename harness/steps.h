/*
 * steps.h - change points in one series of bytes per object over time
 * (`objmem trend --detect` and `--check`).
 *
 * Owns: the step detector's definition (cost, weights, noise floor,
 * penalty, minimum segment length), the suspected step in the newest point
 * alone, and the gate rule on the newest step. Pure computation on arrays:
 * trend.c builds the series, prints the steps and draws them.
 *
 * The detector, after asv's step_detect.py (an L1 Potts fit, Friedrich et
 * al. 2008), on the points x_1..x_n of one line, oldest first (the median
 * over the repetitions of each file with an ok repetition):
 *
 *   noise_i = max(page_size / count, max_i - min_i)
 *             one page over the count (USS moves in whole pages, so less
 *             is resolution, not a change) or the spread of the point's
 *             repetitions, whichever is larger: a series whose repetitions
 *             never vary still has a noise floor, so a step in it is found
 *             (detectors that weigh by the variance alone go silent there)
 *   w_i     = 1 / noise_i: a residual counts in units of its own noise
 *   segments: runs of at least STEPS_MIN_SEGMENT (2) consecutive points;
 *             a segment's level is the weighted median of its points
 *             (asv's rule: the mean of the two middle values on a tie)
 *   cost    = sum over segments of sum_i w_i |x_i - level|
 *             + STEPS_PENALTY x (segments - 1)
 *
 * The segmentation of least cost is found exactly by dynamic programming
 * over the segment ends (O(n^3) time, O(n) memory: 1000 files in well
 * under a second). The penalty is 2, in units of one point one noise away
 * from its level: a newest segment of the minimum 2 points is split off
 * when it moved by more than its noise, the same as the floor below.
 * Then a step no larger than the noise of the segments on either side (the
 * larger of their median noise_i) is no step: the closest such pair of
 * segments is merged, again, until every step is beyond the floor. So a
 * wiggle within a page or within the repetitions' spread is never a step,
 * however long it lasts, and a single point up and back (a spike) is never
 * one either: it cannot make a segment of its own.
 *
 * The newest point alone cannot be confirmed (a segment needs 2 points):
 * when it differs from the level of the rest of its segment by more than
 * the larger of its noise and theirs, it is a suspected step.
 *
 * The gate (steps_gate): the newest segment is a step up from the segment
 * before by more than threshold x |level before| -> STEPS_GATE_LARGER;
 * else a suspected step up beyond that -> STEPS_GATE_SUSPECTED, which
 * fails only when strict. A step down, or an older step followed by a
 * newer one, never fails it: the gate looks at where the series is now.
 *
 * Steps: fill a steps_point array, steps_detect, read the fit,
 * steps_gate, steps_release.
 */
#ifndef OBJMEM_STEPS_H
#define OBJMEM_STEPS_H

#include <stddef.h>

#define STEPS_PENALTY 2.0
#define STEPS_MIN_SEGMENT 2

/* One point: a file's bytes per object over its ok repetitions. */
struct steps_point {
	double median, min, max;
	double quantum;          /* page_size / count: one page, in bytes per object */
};

struct steps_segment {
	size_t first, n;         /* points first .. first + n - 1 */
	double level;            /* weighted median */
	double noise;            /* median noise_i of its points */
};

struct steps_step {
	size_t at;               /* the first point of the new level */
	double before, after;    /* levels, bytes per object */
	double change;           /* after - before */
	double change_pct;       /* of |before|; NAN when before is 0 */
	size_t n_before, n_after; /* points in the segments on either side */
	int suspected;           /* the newest point alone: n_after is 1 */
};

struct steps_fit {
	struct steps_segment *segs;
	size_t n_segs;
	struct steps_step *steps;   /* between consecutive segments, oldest first */
	size_t n_steps;
	int has_suspect;
	struct steps_step suspect;  /* when has_suspect */
	double cost;                /* of the final segmentation, penalties included */
};

struct steps_opts {
	double penalty;          /* STEPS_PENALTY */
	size_t min_len;          /* STEPS_MIN_SEGMENT; at least 1 */
	int keep_small;          /* 1: no merging of steps within the noise (tests) */
};

/* The noise floor of one point: max(quantum, max - min), never 0. */
double steps_noise(const struct steps_point *p);

/*
 * The weighted median of x with weights w (n > 0, weights > 0), asv's
 * rule: the first value where the running weight passes half the total,
 * the mean of two values when it lands on half exactly. x and w are not
 * changed.
 */
double steps_weighted_median(const double *x, const double *w, size_t n);

/* The cost of points [first, first + n) as one segment; *level gets its level. */
double steps_segment_cost(const struct steps_point *p, size_t first, size_t n, double *level);

/*
 * Fit p[0..n) (o NULL: the defaults above). n may be 0 (no segment) or
 * below 2 x min_len (one segment). Release with steps_release.
 */
void steps_detect(const struct steps_point *p, size_t n, const struct steps_opts *o,
		  struct steps_fit *fit);
void steps_release(struct steps_fit *fit);

enum steps_gate {
	STEPS_GATE_PASS,
	STEPS_GATE_LARGER,      /* the newest segment is a step up beyond the threshold */
	STEPS_GATE_SUSPECTED,   /* the newest point alone is up beyond the threshold */
};

/*
 * The gate on a fit: threshold a fraction (0.01 for 1%). *which (may be
 * NULL) gets the step that decided, or NULL on a pass.
 */
enum steps_gate steps_gate(const struct steps_fit *fit, double threshold,
			   const struct steps_step **which);
/* Whether a gate verdict fails --check: LARGER always, SUSPECTED with --strict. */
int steps_gate_fails(enum steps_gate g, int strict);
/* "pass", "LARGER", "suspected" */
const char *steps_gate_name(enum steps_gate g);

#endif
