/*
 * stats.c - median/min/max over repetitions, least-squares fits, and the
 * summary table derived from a results document; see stats.h.
 *
 * A statistic that could not be computed (no value, fewer than two distinct
 * counts, a zero median) has valid == 0 or is NAN, so writers print null.
 */
#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "stats.h"

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

void stat3_compute(const double *v, size_t n, struct stat3 *out)
{
	memset(out, 0, sizeof(*out));
	out->n = n;
	if (!n) {
		out->median = out->min = out->max = NAN;
		return;
	}
	double *s = xmalloc(n * sizeof(*s));
	memcpy(s, v, n * sizeof(*s));
	qsort(s, n, sizeof(*s), cmp_double);
	out->valid = 1;
	out->min = s[0];
	out->max = s[n - 1];
	/* a / 2 + b / 2 cannot overflow where (a + b) / 2 could */
	out->median = n % 2 ? s[n / 2] : s[n / 2 - 1] / 2 + s[n / 2] / 2;
	free(s);
	if (n > 1) {
		double mean = 0, ss = 0;
		for (size_t i = 0; i < n; i++)
			mean += v[i] / (double)n;
		for (size_t i = 0; i < n; i++)
			ss += (v[i] - mean) * (v[i] - mean);
		out->sd = sqrt(ss / (double)(n - 1));
	}
}

void linear_fit(const double *x, const double *y, size_t n, struct fit *out)
{
	memset(out, 0, sizeof(*out));
	out->n = n;
	out->slope = out->intercept = out->r2 = NAN;

	int distinct = 0, y_constant = 1;
	for (size_t i = 1; i < n; i++) {
		if (x[i] != x[0])
			distinct = 1;
		if (y[i] != y[0])
			y_constant = 0;
	}
	if (!distinct)
		return;

	/* Centre first: counts reach 1e12, and raw sums of squares would
	 * cancel catastrophically. */
	double mx = 0, my = 0;
	for (size_t i = 0; i < n; i++) {
		mx += x[i];
		my += y[i];
	}
	mx /= (double)n;
	my /= (double)n;
	double sxx = 0, sxy = 0, syy = 0;
	for (size_t i = 0; i < n; i++) {
		double dx = x[i] - mx, dy = y[i] - my;
		sxx += dx * dx;
		sxy += dx * dy;
		syy += dy * dy;
	}
	if (sxx == 0) /* distinct x whose spread underflowed: no line */
		return;
	out->valid = 1;
	if (y_constant) {
		/* Every point on one horizontal line: an exact fit, not 0/0. */
		out->slope = 0;
		out->intercept = y[0];
		out->r2 = 1;
		return;
	}
	out->slope = sxy / sxx;
	out->intercept = my - out->slope * mx;

	double ssres = 0;
	for (size_t i = 0; i < n; i++) {
		double r = y[i] - (out->slope * x[i] + out->intercept);
		ssres += r * r;
	}
	if (ssres == 0 || syy == 0)
		out->r2 = 1;
	else
		out->r2 = 1 - ssres / syy;
	/* Rounding can push R^2 a hair outside [0, 1]. */
	if (out->r2 > 1)
		out->r2 = 1;
	if (out->r2 < 0)
		out->r2 = 0;
}

/* Values of one statistic, gathered over a group's ok cells. */
struct values {
	double *v;
	size_t n;
};

static void values_push(struct values *vs, double v)
{
	vs->v[vs->n++] = v;
}

static void row_compute(const struct results *r, const struct cell_place *k, size_t n,
			struct summary_row *row, double *scratch)
{
	/* One scratch area of n doubles per statistic. */
	struct values bpo = { scratch, 0 }, delta = { scratch + n, 0 },
		absolute = { scratch + 2 * n, 0 }, full = { scratch + 3 * n, 0 },
		hwm = { scratch + 4 * n, 0 }, gso = { scratch + 5 * n, 0 },
		peak = { scratch + 6 * n, 0 };

	row->container_bytes = -1;
	for (size_t i = 0; i < n; i++) {
		const struct cell *c = &r->cells[k[i].cell];
		switch (c->status) {
		case CELL_OK: row->n_ok++; break;
		case CELL_FAILED: row->n_failed++; continue;
		case CELL_SKIPPED: row->n_skipped++; continue;
		default: continue;
		}
		const struct mem_sample *start = &c->samples[PHASE_START];
		const struct mem_sample *base = &c->samples[PHASE_BASE];
		const struct mem_sample *fs = &c->samples[PHASE_FULL];
		double per;
		if (!cell_bytes_per_object(c, &per))
			values_push(&bpo, per);
		if (base->valid && fs->valid)
			values_push(&delta, (double)mem_sample_owned(fs) - (double)mem_sample_owned(base));
		if (start->valid && fs->valid)
			values_push(&absolute, (double)mem_sample_owned(fs) - (double)mem_sample_owned(start));
		if (fs->valid)
			values_push(&full, (double)fs->uss);
		if (c->peak.valid)
			values_push(&hwm, (double)c->peak.vm_hwm);
		if (c->peak.valid && start->valid && c->peak.vm_hwm >= start->rss)
			values_push(&peak, (double)(c->peak.vm_hwm - start->rss));
		if (c->getsizeof >= 0)
			values_push(&gso, (double)c->getsizeof);
		if (row->container_bytes < 0 && c->container_bytes >= 0)
			row->container_bytes = c->container_bytes;
	}
	stat3_compute(bpo.v, bpo.n, &row->bytes_per_object);
	stat3_compute(delta.v, delta.n, &row->delta_bytes);
	stat3_compute(absolute.v, absolute.n, &row->absolute_bytes);
	stat3_compute(full.v, full.n, &row->full_uss);
	stat3_compute(hwm.v, hwm.n, &row->peak_hwm);
	stat3_compute(peak.v, peak.n, &row->peak_bytes);
	stat3_compute(gso.v, gso.n, &row->getsizeof);

	/* One count per row, so the spread of bytes per object is that of the
	 * deltas, which are whole numbers: no rounding before the division. */
	const struct stat3 *d = &row->delta_bytes;
	row->spread_pct = NAN;
	if (d->valid && d->median != 0)
		row->spread_pct = (d->max - d->min) * 100 / fabs(d->median);
}

static void fit_compute(const struct results *r, const struct cell_place *k, size_t n,
			struct fit *out, double *scratch)
{
	double *x = scratch, *y = scratch + n;
	size_t m = 0;
	for (size_t i = 0; i < n; i++) {
		const struct cell *c = &r->cells[k[i].cell];
		const struct mem_sample *base = &c->samples[PHASE_BASE];
		const struct mem_sample *fs = &c->samples[PHASE_FULL];
		if (c->status != CELL_OK || !base->valid || !fs->valid)
			continue;
		x[m] = (double)c->count;
		y[m] = (double)mem_sample_owned(fs) - (double)mem_sample_owned(base);
		m++;
	}
	linear_fit(x, y, m, out);
}

/* One row per run of k[j .. e) with one count, then the line's fit (s's arrays have room). */
static void line_compute(const struct results *r, const struct cell_place *k, size_t n,
			 struct summary *s, double *scratch)
{
	struct buf key = BUF_INIT;
	for (size_t j = 0; j < n;) {
		size_t e = j;
		const struct cell *first = &r->cells[k[j].cell];
		while (e < n && r->cells[k[e].cell].count == first->count)
			e++;
		struct summary_row *row = &s->rows[s->n_rows];
		memset(row, 0, sizeof(*row));
		row->interpreter = first->interpreter;
		row->workload = first->workload;
		row->count = first->count;
		row_compute(r, k + j, e - j, row, scratch);
		keymap_key(&key, row->interpreter, row->workload, row->count, 0);
		keymap_put(&s->index, key.p, key.len, s->n_rows++);
		j = e;
	}
	buf_release(&key);
	struct summary_fit *sf = &s->fits[s->n_fits++];
	sf->interpreter = r->cells[k[0].cell].interpreter;
	sf->workload = r->cells[k[0].cell].workload;
	fit_compute(r, k, n, &sf->fit, scratch);
}

/* Where the line (interpreter, workload) that starts at k[i] ends. */
static size_t line_end(const struct results *r, const struct cell_place *k, size_t i)
{
	size_t f = i;
	while (f < r->n_cells && k[f].interp == k[i].interp && k[f].workload == k[i].workload)
		f++;
	return f;
}

void summary_compute(const struct results *r, struct summary *s)
{
	memset(s, 0, sizeof(*s));
	if (!r->n_cells)
		return;
	/* the cells in the document's one order: a row's cells are next to each other */
	struct cell_place *k = results_cell_order(r);
	/*
	 * rows, fits and the longest line counted first: each array made once
	 * at its size (fresh memory is dear: grown by doubling, the rows were
	 * copied and touched twice), and scratch for a line, not for all cells
	 */
	size_t rows = 0, lines = 0, longest = 0;
	for (size_t i = 0, f; i < r->n_cells; i = f) {
		f = line_end(r, k, i);
		lines++;
		longest = f - i > longest ? f - i : longest;
		for (size_t j = i; j < f; j++)
			rows += j == i || r->cells[k[j].cell].count != r->cells[k[j - 1].cell].count;
	}
	s->rows = xmalloc(rows * sizeof(*s->rows));
	s->fits = xmalloc(lines * sizeof(*s->fits));
	keymap_reserve(&s->index, rows);
	double *scratch = xcalloc(7 * longest, sizeof(*scratch));
	for (size_t i = 0, f; i < r->n_cells; i = f) {
		f = line_end(r, k, i);   /* k[i .. f) share (interpreter, workload) */
		line_compute(r, k + i, f - i, s, scratch);
	}
	free(scratch);
	free(k);
}

static void *summary_job_run(void *arg)
{
	struct summary_job *j = arg;
	summary_compute(j->r, j->s);
	return NULL;
}

void summary_compute_begin(struct summary_job *j, const struct results *r, struct summary *s)
{
	*j = (struct summary_job){ r, s, 0, 0 };
	j->threaded = !pthread_create(&j->tid, NULL, summary_job_run, j);
	if (!j->threaded)
		summary_compute(r, s); /* no thread to be had: here, now */
}

void summary_compute_end(struct summary_job *j)
{
	if (j->threaded)
		pthread_join(j->tid, NULL);
	j->threaded = 0;
}

void summary_compute_pair(const struct results *a, struct summary *sa,
			  const struct results *b, struct summary *sb)
{
	struct summary_job jb;
	summary_compute_begin(&jb, b, sb);
	summary_compute(a, sa);
	summary_compute_end(&jb);
}

void summary_release(struct summary *s)
{
	free(s->rows);
	free(s->fits);
	keymap_release(&s->index);
	memset(s, 0, sizeof(*s));
}

const struct summary_row *summary_find(const struct summary *s, const char *interp,
				       const char *workload, uint64_t count)
{
	struct buf key = BUF_INIT;
	size_t i;
	keymap_key(&key, interp, workload, count, 0);
	int found = keymap_get(&s->index, key.p, key.len, &i);
	buf_release(&key);
	return found ? &s->rows[i] : NULL;
}
