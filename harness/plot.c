/* plot.c - which figures there are and what each shows; see plot.h. gnuplot.c draws them. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "gnuplot.h"
#include "plot.h"
#include "probe.h"
#include "stats.h"
#include "textfmt.h"

void plot_opts_init(struct plot_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->formats = GP_PNG | GP_SVG;
	o->timeout_s = 60;
	o->render = 1;
}

void plot_set_release(struct plot_set *set)
{
	for (size_t i = 0; i < set->n; i++) {
		free(set->v[i].name);
		free(set->v[i].title);
		free(set->v[i].caption);
	}
	free(set->v);
	free(set->notes);
	memset(set, 0, sizeof(*set));
}

/* The text written on a bar: 3 significant digits or so, no exponent. */
static void bar_label(char *out, size_t size, double v, int small_decimals)
{
	double a = fabs(v);
	int dec = a >= 100 ? 0 : a >= 10 ? 1 : small_decimals;
	snprintf(out, size, "%.*f", dec, v);
}

int plot_bars_write(FILE *f, const struct plot_bars *b)
{
	gp_data_header(f, b->header);
	fprintf(f, "# columns: group-number group value label status\n");
	for (size_t s = 0; s < b->n_series; s++) {
		if (s)
			fputs("\n\n", f);
		fprintf(f, "# index %zu: ", s);
		gp_data_name(f, b->series[s]);
		fputc('\n', f);
		for (size_t g = 0; g < b->n_groups; g++) {
			size_t k = s * b->n_groups + g;
			int ok = !strcmp(b->status[k], "ok") && isfinite(b->value[k]);
			char num[64], label[64] = "";
			gp_data_number(num, sizeof(num), ok ? b->value[k] : NAN);
			if (ok)
				bar_label(label, sizeof(label), b->value[k], b->small_decimals);
			fprintf(f, "%zu ", g);
			gp_data_name(f, b->groups[g]);
			fprintf(f, " %s \"%s\" %s\n", num, label,
				ok ? "ok" : !strcmp(b->status[k], "ok") ? "no-data" : b->status[k]);
		}
	}
	fflush(f);
	return ferror(f) ? -1 : 0;
}

int plot_lines_write(FILE *f, const struct plot_lines *l)
{
	gp_data_header(f, l->header);
	fprintf(f, "# columns: count absolute-MB delta-MB status\n");
	for (size_t s = 0; s < l->n_series; s++) {
		if (s)
			fputs("\n\n", f);
		fprintf(f, "# index %zu: ", s);
		gp_data_name(f, l->series[s]);
		fputc('\n', f);
		for (size_t k = 0; k < l->n_x; k++) {
			size_t i = s * l->n_x + k;
			int ok = !strcmp(l->status[i], "ok");
			char a[64], d[64];
			gp_data_number(a, sizeof(a), ok ? l->y1[i] : NAN);
			gp_data_number(d, sizeof(d), ok ? l->y2[i] : NAN);
			fprintf(f, "%llu %s %s %s\n", (unsigned long long)l->x[k], a, d, l->status[i]);
		}
	}
	fflush(f);
	return ferror(f) ? -1 : 0;
}

/* ------------------------------------------------- what the results hold */

struct grid {
	struct summary s;
	struct strvec interps, workloads;
	uint64_t *counts;
	size_t n_counts, alloc_counts;
};

static void grid_add_count(struct grid *g, uint64_t n)
{
	size_t k;
	for (k = 0; k < g->n_counts && g->counts[k] != n; k++)
		;
	if (k < g->n_counts)
		return;
	xgrow((void **)&g->counts, sizeof(*g->counts), g->n_counts + 1, &g->alloc_counts);
	size_t at = g->n_counts++;
	while (at > 0 && g->counts[at - 1] > n) {
		g->counts[at] = g->counts[at - 1];
		at--;
	}
	g->counts[at] = n;
}

static void grid_init(struct grid *g, const struct results *r)
{
	memset(g, 0, sizeof(*g));
	summary_compute(r, &g->s);
	for (size_t i = 0; i < r->n_interps; i++)
		if (strvec_find(&g->interps, r->interps[i].name) < 0)
			strvec_push(&g->interps, r->interps[i].name);
	for (size_t i = 0; i < g->s.n_rows; i++) {
		const struct summary_row *row = &g->s.rows[i];
		if (strvec_find(&g->interps, row->interpreter) < 0)
			strvec_push(&g->interps, row->interpreter);
		if (strvec_find(&g->workloads, row->workload) < 0)
			strvec_push(&g->workloads, row->workload);
		grid_add_count(g, row->count);
	}
	/* what the run meant to measure: workloads and counts with no cell yet */
	for (size_t i = 0; i < r->config.workloads.n; i++)
		if (strvec_find(&g->workloads, r->config.workloads.v[i]) < 0)
			strvec_push(&g->workloads, r->config.workloads.v[i]);
	for (size_t i = 0; i < r->config.n_counts; i++)
		grid_add_count(g, r->config.counts[i]);
	probe_sort_names(r, (const char **)g->interps.v, g->interps.n);
}

static void grid_release(struct grid *g)
{
	summary_release(&g->s);
	strvec_clear(&g->interps);
	strvec_clear(&g->workloads);
	free(g->counts);
}

/* "ok", "failed", "skipped" or "missing"; *row is the summary row or NULL. */
static const char *cell_state(const struct results *r, const struct grid *g, const char *interp,
			      const char *wl, uint64_t count, const struct summary_row **row)
{
	*row = summary_find(&g->s, interp, wl, count);
	if (!*row) {
		const struct interp *in = results_find_interp(r, interp);
		return in && in->skip_reason ? "skipped" : "missing";
	}
	if ((*row)->n_ok)
		return "ok";
	if ((*row)->n_skipped)
		return "skipped";
	if ((*row)->n_failed)
		return "failed";
	return "missing";
}

/* Any ok cell whose RSS or PSS at full differs from its USS. */
static int has_memory_kinds(const struct results *r)
{
	for (size_t i = 0; i < r->n_cells; i++) {
		const struct cell *c = &r->cells[i];
		const struct mem_sample *m = &c->samples[PHASE_FULL];
		if (c->status == CELL_OK && m->valid && (m->rss != m->uss || m->pss != m->uss))
			return 1;
	}
	return 0;
}

/* ------------------------------------------------------------- figures */

/* One figure on its way: what gnuplot.c draws, and what the report says of it. */
struct job {
	struct gp_figure fig;
	char *title, *caption;
};

static void job_init(struct job *j, const char *name, const char *kind, const char *fallback)
{
	memset(j, 0, sizeof(*j));
	gp_figure_init(&j->fig, name, kind, fallback);
}

static void job_release(struct job *j)
{
	gp_figure_release(&j->fig);
	free(j->title);
	free(j->caption);
	memset(j, 0, sizeof(*j));
}

/*
 * The note under a figure as a gnuplot string expression: words wrapped to
 * lines that fit width_px at the 9-point label font, joined with "\n".
 * Returns the number of lines (0 for no note: the expression is '').
 */
static size_t note_expr(struct buf *out, const char *note, long width_px)
{
	size_t per_line = width_px > 200 ? (size_t)(width_px - 16) * 10 / 63 : 30;
	size_t lines = 0;
	const char *p = note ? note : "";
	while (*p == ' ')
		p++;
	buf_add(out, "", 0);
	while (*p) {
		size_t n = strlen(p);
		if (n > per_line) {
			/* break at the last blank that fits, else hard */
			n = per_line;
			while (n > per_line / 2 && p[n] != ' ')
				n--;
			if (p[n] != ' ')
				n = per_line;
			/* never inside a UTF-8 sequence */
			while (n > 1 && ((unsigned char)p[n] & 0xC0) == 0x80)
				n--;
		}
		char *part = xstrndup(p, n);
		buf_addstr(out, lines ? " . \"\\n\" . '" : "'");
		gp_escape(out, part);
		buf_addstr(out, "'");
		free(part);
		lines++;
		p += n;
		while (*p == ' ')
			p++;
	}
	if (!lines)
		buf_addstr(out, "''");
	return lines;
}

static size_t max_len(const char *const *names, size_t n)
{
	size_t m = 0;
	for (size_t i = 0; i < n; i++)
		if (strlen(names[i]) > m)
			m = strlen(names[i]);
	return m;
}

/* Legend width in pixels for these names at the template's 11-point font. */
static long key_width(const char *const *names, size_t n)
{
	return 52 + 8 * (long)max_len(names, n);
}

/* Placeholders every figure has. */
static void job_common_vars(struct job *j, const struct plot_opts *o, const char *title,
			    const char *ylabel, const char *xlabel)
{
	gp_set_text(&j->fig, "TITLE", title);
	gp_set_text(&j->fig, "YLABEL", ylabel);
	gp_set_text(&j->fig, "XLABEL", xlabel);
	gp_set_text(&j->fig, "SOURCE", o->source ? o->source : "");
	j->title = xstrdup(title);
}

static void bars_job(struct job *j, const struct plot_opts *o, const struct plot_bars *b,
		     const char *title, const char *ylabel, const char *xlabel, const char *note,
		     const size_t *style, int xticrot)
{
	/* data */
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	if (!f)
		die("out of memory");
	plot_bars_write(f, b);
	fclose(f);
	buf_add(&j->fig.data, text, len);
	free(text);

	/*
	 * Sizes: bars 15 to 44 pixels wide, the figure at most about 2000
	 * pixels unless that makes them narrower; labels turned upright when
	 * they would not fit across a bar.
	 */
	long keyw = key_width(b->series, b->n_series);
	long bar = ((2000 - 150 - keyw) / (long)b->n_groups - 36) / (long)b->n_series;
	bar = bar > 44 ? 44 : bar < 15 ? 15 : bar;
	size_t longest = 0;
	for (size_t i = 0; i < b->n_groups * b->n_series; i++) {
		char lab[64];
		if (!strcmp(b->status[i], "ok") && isfinite(b->value[i])) {
			bar_label(lab, sizeof(lab), b->value[i], b->small_decimals);
			if (strlen(lab) > longest)
				longest = strlen(lab);
		}
	}
	int upright = bar < 7 * (long)longest + 8;
	long groupw = (long)b->n_series * bar + 36;
	long w = 110 + (long)b->n_groups * groupw + keyw + 40;
	long h = 56 + (long)b->n_series * 22 + 150;
	if (h < 560)
		h = 560;
	if (xticrot)
		h += 20 + 4 * (long)max_len(b->groups, b->n_groups);
	if (w < 760)
		w = 760;
	/* not too flat: at least 0.38 of the width, up to 820 pixels */
	if (h < w * 38 / 100)
		h = w * 38 / 100 < 820 ? w * 38 / 100 : 820;

	double ymax = 0;
	for (size_t i = 0; i < b->n_groups * b->n_series; i++)
		if (!strcmp(b->status[i], "ok") && isfinite(b->value[i]) && b->value[i] > ymax)
			ymax = b->value[i];
	ymax = ymax > 0 ? ymax * (upright ? 1.03 + 0.035 * (double)longest : 1.08) : 1;

	struct buf d = BUF_INIT;
	buf_addf(&d, "NS = %zu    # series: bars in a group\nNG = %zu    # groups\n", b->n_series,
		 b->n_groups);
	gp_array_strings(&d, "SERIES", b->series, b->n_series);
	gp_array_strings(&d, "GROUPS", b->groups, b->n_groups);
	gp_array_sizes(&d, "STYLE", style, b->n_series);
	buf_addf(&d, "YMAX = %.6g    # top of the y axis: the largest value and room for its label\n", ymax);
	buf_addf(&d, "KEYW = %ld    # pixels the legend needs\n", keyw);
	buf_addf(&d, "XTICROT = %d    # 1: group names slanted\n", xticrot);
	buf_addf(&d, "UPRIGHT = %d    # 1: labels on the bars turned upright\n", upright);
	struct buf ne = BUF_INIT;
	size_t lines = note_expr(&ne, note, w);
	gp_set_code(&j->fig, "NOTE", ne.p);
	buf_release(&ne);
	long xticpx = xticrot ? 4 * (long)max_len(b->groups, b->n_groups) : 0;
	buf_addf(&d, "NOTELINES = %zu\nBOTTOM = %ld    # pixels under the plot: tics, label, note\n",
		 lines, 64 + xticpx + 13 * (long)lines + 8);
	if (lines)
		h += 13 * (long)lines;
	gp_set_code(&j->fig, "DEFS", d.p);
	buf_release(&d);
	gp_set_long(&j->fig, "WIDTH", w);
	gp_set_long(&j->fig, "HEIGHT", h);
	job_common_vars(j, o, title, ylabel, xlabel);
}

static double pow10_floor(double v)
{
	return pow(10, floor(log10(v)));
}

static double pow10_ceil(double v)
{
	return pow(10, ceil(log10(v)));
}

/* Log axis range around the positive values; 0 if there are none. */
static int log_range(const double *v, const char *const *status, size_t n, double *lo, double *hi)
{
	double mn = INFINITY, mx = 0;
	for (size_t i = 0; i < n; i++)
		if (!strcmp(status[i], "ok") && isfinite(v[i]) && v[i] > 0) {
			if (v[i] < mn)
				mn = v[i];
			if (v[i] > mx)
				mx = v[i];
		}
	if (mx <= 0)
		return 0;
	*lo = pow10_floor(mn);
	*hi = pow10_ceil(mx * 1.0001);
	if (*hi <= *lo)
		*hi = *lo * 10;
	return 1;
}

static void lines_job(struct job *j, const struct plot_opts *o, const struct plot_lines *l,
		      const char *title, const char *ylabel, const char *xlabel, const char *note,
		      const size_t *style)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	if (!f)
		die("out of memory");
	plot_lines_write(f, l);
	fclose(f);
	buf_add(&j->fig.data, text, len);
	free(text);

	long keyw = key_width(l->series, l->n_series) + 30;
	long w = 1140 + keyw;
	long h = 140 + (long)l->n_series * 20 + 80;
	if (h < 600)
		h = 600;

	size_t n = l->n_series * l->n_x;
	double alo = 0.01, ahi = 1, dlo = 0.01, dhi = 1;
	log_range(l->y1, l->status, n, &alo, &ahi);
	log_range(l->y2, l->status, n, &dlo, &dhi);

	struct buf d = BUF_INIT;
	buf_addf(&d, "NS = %zu    # series: one line each\n", l->n_series);
	gp_array_strings(&d, "SERIES", l->series, l->n_series);
	gp_array_sizes(&d, "STYLE", style, l->n_series);
	buf_addf(&d, "NX = %zu    # object counts\narray COUNTS[%zu] = [", l->n_x, l->n_x);
	for (size_t k = 0; k < l->n_x; k++)
		buf_addf(&d, "%s%llu", k ? ", " : "", (unsigned long long)l->x[k]);
	buf_addstr(&d, "]\n");
	const char **labels = xcalloc(l->n_x, sizeof(*labels));
	char (*lab)[32] = xcalloc(l->n_x, sizeof(*lab));
	for (size_t k = 0; k < l->n_x; k++) {
		format_count(l->x[k], lab[k], sizeof(lab[k]));
		labels[k] = lab[k];
	}
	gp_array_strings(&d, "COUNTLABELS", labels, l->n_x);
	free(labels);
	free(lab);
	buf_addf(&d, "XMIN = %.6g\nXMAX = %.6g\n", (double)l->x[0] / 2, (double)l->x[l->n_x - 1] * 2);
	buf_addf(&d, "YMIN_ABS = %.6g\nYMAX_ABS = %.6g\nYMIN_DELTA = %.6g\nYMAX_DELTA = %.6g\n", alo,
		 ahi, dlo, dhi);
	buf_addf(&d, "KEYW = %ld    # pixels the legend needs\n", keyw);
	struct buf ne = BUF_INIT;
	size_t lines = note_expr(&ne, note, w);
	gp_set_code(&j->fig, "NOTE", ne.p);
	buf_release(&ne);
	buf_addf(&d, "NOTELINES = %zu\nBOTTOM = %ld    # pixels under the plots: tics, label, note\n",
		 lines, 64 + 13 * (long)lines + 8);
	if (lines)
		h += 13 * (long)lines;
	gp_set_code(&j->fig, "DEFS", d.p);
	buf_release(&d);
	gp_set_long(&j->fig, "WIDTH", w);
	gp_set_long(&j->fig, "HEIGHT", h);
	job_common_vars(j, o, title, ylabel, xlabel);
}

/* Figures 1 and 2: one group per workload, one bar per interpreter at count. */
static void versions_jobs(const struct results *r, const struct grid *g, uint64_t count,
			  const struct plot_opts *o, struct job *jv, struct job *jb)
{
	size_t ns = g->interps.n, ng = g->workloads.n;
	double *mb = xcalloc(ns * ng, sizeof(double));
	double *bpo = xcalloc(ns * ng, sizeof(double));
	const char **st = xcalloc(ns * ng, sizeof(char *));
	const char **st_b = xcalloc(ns * ng, sizeof(char *));
	size_t *style = xcalloc(ns, sizeof(size_t));
	for (size_t s = 0; s < ns; s++) {
		style[s] = s + 1;
		for (size_t w = 0; w < ng; w++) {
			const struct summary_row *row;
			size_t k = s * ng + w;
			st[k] = st_b[k] = cell_state(r, g, g->interps.v[s], g->workloads.v[w], count, &row);
			mb[k] = bpo[k] = NAN;
			if (!strcmp(st[k], "ok")) {
				if (row->delta_bytes.valid)
					mb[k] = row->delta_bytes.median / 1e6;
				else
					st[k] = "no-data";
				if (row->bytes_per_object.valid)
					bpo[k] = row->bytes_per_object.median;
				else
					st_b[k] = "no-data";
			}
		}
	}
	char cnt[32];
	format_count(count, cnt, sizeof(cnt));
	long rep = r->config.repeat;
	char med[64] = "median over the repetitions";
	if (rep > 1)
		snprintf(med, sizeof(med), "median of %ld runs", rep);
	else if (rep == 1)
		snprintf(med, sizeof(med), "one run each");

	struct plot_bars b = { ng, ns, (const char *const *)g->workloads.v,
			       (const char *const *)g->interps.v, mb, st, 2, NULL };
	char *title = xasprintf("Memory for %s objects, by interpreter", cnt);
	char *ylabel = xasprintf("memory for %s objects (MB = 10⁶ bytes)", cnt);
	char *note = xasprintf("USS growth (clean pages left out) from base, the list allocated, to "
			       "full, the list filled: the objects alone; %s. Source: %s", med,
			       o->source ? o->source : "results");
	b.header = xasprintf("objmem figure 'versions': %s\nvalue: MB (10^6 bytes), median USS delta "
			     "(full - base) at %llu objects\nsource: %s\nNaN: not measured, see status",
			     title, (unsigned long long)count, o->source ? o->source : "");
	bars_job(jv, o, &b, title, ylabel, "workload", note, style, 0);
	jv->caption = xasprintf("Memory that %s objects of each workload take on each interpreter: "
				"the median USS growth from the base phase to the full phase, in MB "
				"(10^6 bytes), written on each bar. Empty slots say why they are empty.",
				cnt);
	free((char *)b.header);
	free(title);
	free(ylabel);
	free(note);

	b.value = bpo;
	b.status = st_b;
	b.small_decimals = 1;
	title = xasprintf("Bytes per object at %s objects, by interpreter", cnt);
	ylabel = xasprintf("bytes per object (USS growth / %s)", cnt);
	note = xasprintf("(USS at full - USS at base) / count, clean pages left out, the list's own "
			 "8 bytes per slot excluded; %s. Source: %s", med,
			 o->source ? o->source : "results");
	b.header = xasprintf("objmem figure 'bytes-per-object': %s\nvalue: bytes per object, median "
			     "of (full.uss - base.uss) / count at %llu objects\nsource: %s\n"
			     "NaN: not measured, see status",
			     title, (unsigned long long)count, o->source ? o->source : "");
	bars_job(jb, o, &b, title, ylabel, "workload", note, style, 0);
	jb->caption = xasprintf("What one object costs at %s objects: the USS growth divided by "
				"the count, in bytes.", cnt);
	free((char *)b.header);
	free(title);
	free(ylabel);
	free(note);

	free(mb);
	free(bpo);
	free(st);
	free(st_b);
	free(style);
}

/* Append "name at count (status)" to a note, up to a few. */
static void note_gap(struct buf *note, size_t *n_gaps, const char *what)
{
	if (*n_gaps < 4)
		buf_addf(note, "%s%s", *n_gaps ? "; " : "not measured: ", what);
	(*n_gaps)++;
}

static void note_gaps_end(struct buf *note, size_t n_gaps)
{
	if (n_gaps > 4)
		buf_addf(note, "; and %zu more (see the report or objmem show)", n_gaps - 4);
}

/* A file name part from a workload name. */
static char *file_part(const char *s)
{
	char *out = xstrdup(s);
	for (char *p = out; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		      (*p >= '0' && *p <= '9') || *p == '-' || *p == '_' || *p == '.'))
			*p = '_';
	return out;
}

/* Figure 3 for one workload; 0 when nothing was measured for it. */
static int scaling_job(const struct results *r, const struct grid *g, size_t w,
		       const struct plot_opts *o, struct job *j)
{
	const char *wl = g->workloads.v[w];
	size_t nx = g->n_counts;
	struct strvec series = STRVEC_INIT;
	size_t *style = xcalloc(g->interps.n, sizeof(size_t));
	double *y1 = xcalloc(g->interps.n * nx, sizeof(double));
	double *y2 = xcalloc(g->interps.n * nx, sizeof(double));
	const char **st = xcalloc(g->interps.n * nx, sizeof(char *));
	struct buf note = BUF_INIT;
	size_t n_gaps = 0;
	for (size_t s = 0; s < g->interps.n; s++) {
		const char *in = g->interps.v[s];
		size_t at = series.n, n_ok = 0;
		const char *why = NULL;
		for (size_t k = 0; k < nx; k++) {
			const struct summary_row *row;
			const char *state = cell_state(r, g, in, wl, g->counts[k], &row);
			size_t i = at * nx + k;
			st[i] = state;
			y1[i] = y2[i] = NAN;
			if (!strcmp(state, "ok") && row->absolute_bytes.valid && row->delta_bytes.valid) {
				y1[i] = row->absolute_bytes.median / 1e6;
				y2[i] = row->delta_bytes.median / 1e6;
				n_ok++;
			} else {
				if (!strcmp(state, "ok"))
					st[i] = "no-data";
				why = why ? why : st[i];
			}
		}
		if (!n_ok) {
			/* no line at all: say so once instead of drawing an empty entry */
			char *what = xasprintf("%s (%s)", in, why ? why : "missing");
			note_gap(&note, &n_gaps, what);
			free(what);
			continue;
		}
		for (size_t k = 0; k < nx; k++) {
			const char *state = st[at * nx + k];
			if (strcmp(state, "ok")) {
				char cnt[32];
				format_count(g->counts[k], cnt, sizeof(cnt));
				char *what = xasprintf("%s at %s (%s)", in, cnt, state);
				note_gap(&note, &n_gaps, what);
				free(what);
			}
		}
		style[series.n] = s + 1;
		strvec_push(&series, in);
	}
	note_gaps_end(&note, n_gaps);
	size_t n_nonpos = 0;
	for (size_t i = 0; i < series.n * nx; i++)
		if (!strcmp(st[i], "ok") && (!(y1[i] > 0) || !(y2[i] > 0)))
			n_nonpos++;
	if (n_nonpos)
		buf_addf(&note, "%s%zu point%s of 0 MB or less left out: a log axis cannot show "
			 "them (USS moves in 4 kB pages)", note.len ? ". " : "", n_nonpos,
			 n_nonpos == 1 ? "" : "s");
	int made = series.n > 0;
	if (made) {
		struct plot_lines l = { nx, series.n, g->counts, (const char *const *)series.v, y1, y2,
					st, NULL };
		char *title = xasprintf("%s: memory against object count (log-log)", wl);
		l.header = xasprintf("objmem figure 'scaling-%s': %s\nabsolute: median USS growth "
				     "since start-up (full - start), MB (10^6 bytes)\ndelta: median "
				     "USS growth from base to full, MB\nsource: %s\n"
				     "NaN: not measured, see status",
				     wl, title, o->source ? o->source : "");
		lines_job(j, o, &l, title, "memory (MB = 10⁶ bytes)", "objects in the list (count)",
			  note.len ? note.p : "", style);
		j->caption = xasprintf("%s on each interpreter: on the left the absolute usage (USS "
				       "growth since the interpreter started), on the right the delta "
				       "(USS growth while the objects were made), against the count; "
				       "a missing count breaks its line.", wl);
		free((char *)l.header);
		free(title);
	}
	strvec_clear(&series);
	free(style);
	free(y1);
	free(y2);
	free(st);
	buf_release(&note);
	return made;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}

static double median_u64(uint64_t *v, size_t n)
{
	qsort(v, n, sizeof(*v), cmp_u64);
	return n % 2 ? (double)v[n / 2] : ((double)v[n / 2 - 1] + (double)v[n / 2]) / 2;
}

/* Figure 4 for one workload: RSS, PSS, USS at full; 0 if nothing measured. */
static int kinds_job(const struct results *r, const struct grid *g, size_t w, uint64_t count,
		     const struct plot_opts *o, struct job *j)
{
	static const char *const kinds[] = { "RSS", "PSS", "USS" };
	const char *wl = g->workloads.v[w];
	size_t ng = g->interps.n;
	double *v = xcalloc(3 * ng, sizeof(double));
	const char **st = xcalloc(3 * ng, sizeof(char *));
	uint64_t *vals[3];
	for (int k = 0; k < 3; k++)
		vals[k] = xcalloc(r->n_cells + 1, sizeof(uint64_t));
	size_t any = 0;
	for (size_t gi = 0; gi < ng; gi++) {
		const struct summary_row *row;
		const char *state = cell_state(r, g, g->interps.v[gi], wl, count, &row);
		size_t n = 0;
		for (size_t c = 0; c < r->n_cells; c++) {
			const struct cell *cl = &r->cells[c];
			const struct mem_sample *m = &cl->samples[PHASE_FULL];
			if (cl->status != CELL_OK || !m->valid || cl->count != count ||
			    strcmp(cl->interpreter, g->interps.v[gi]) || strcmp(cl->workload, wl))
				continue;
			vals[0][n] = m->rss;
			vals[1][n] = m->pss;
			vals[2][n] = m->uss;
			n++;
		}
		for (int k = 0; k < 3; k++) {
			size_t i = (size_t)k * ng + gi;
			st[i] = n ? "ok" : !strcmp(state, "ok") ? "no-data" : state;
			v[i] = n ? median_u64(vals[k], n) / 1e6 : NAN;
		}
		any += n;
	}
	if (any) {
		char cnt[32];
		format_count(count, cnt, sizeof(cnt));
		size_t style[3] = { 1, 2, 3 };
		struct plot_bars b = { ng, 3, (const char *const *)g->interps.v, kinds, v, st, 1, NULL };
		char *title = xasprintf("%s: RSS, PSS and USS of the process at full, %s objects", wl, cnt);
		char *note = xasprintf("RSS counts shared pages in full, PSS a share of them, USS only "
				       "the pages no other process maps; medians. Source: %s",
				       o->source ? o->source : "results");
		b.header = xasprintf("objmem figure 'memory-kinds-%s': %s\nvalue: MB (10^6 bytes), "
				     "median over ok cells of the full sample\nsource: %s\n"
				     "NaN: not measured, see status",
				     wl, title, o->source ? o->source : "");
		bars_job(j, o, &b, title, "process memory at full (MB = 10⁶ bytes)", "interpreter",
			 note, style, 1);
		j->caption = xasprintf("The whole process's memory at the full phase for %s %s "
				       "objects, read three ways: RSS, PSS and USS.", cnt, wl);
		free((char *)b.header);
		free(title);
		free(note);
	}
	for (int k = 0; k < 3; k++)
		free(vals[k]);
	free(v);
	free(st);
	return any > 0;
}

/* ------------------------------------------------------------- drawing */

/* The count the bar charts show: o->count, else the largest with an ok cell. */
static int pick_count(const struct grid *g, uint64_t want, uint64_t *out)
{
	uint64_t count = want;
	for (size_t i = 0; i < g->s.n_rows && !want; i++)
		if (g->s.rows[i].n_ok && g->s.rows[i].count > count)
			count = g->s.rows[i].count;
	if (!count)
		count = g->counts[g->n_counts - 1];
	for (size_t k = 0; k < g->n_counts; k++)
		if (g->counts[k] == count) {
			*out = count;
			return 0;
		}
	struct buf have = BUF_INIT;
	for (size_t i = 0; i < g->n_counts; i++) {
		char c[32];
		format_count(g->counts[i], c, sizeof(c));
		buf_addf(&have, "%s%s", i ? ", " : "", c);
	}
	char w[32];
	format_count(count, w, sizeof(w));
	int rc = error("count %s is not in the results; they have %s", w, have.p);
	buf_release(&have);
	return rc;
}

/* Every figure's job, in the order they are drawn; notes say what was left out. */
static size_t gather_jobs(const struct results *r, const struct grid *g, uint64_t count,
			  const struct plot_opts *o, struct job *jobs, struct buf *notes)
{
	job_init(&jobs[0], "versions", "versions", "bars");
	job_init(&jobs[1], "bytes-per-object", "bytes-per-object", "bars");
	versions_jobs(r, g, count, o, &jobs[0], &jobs[1]);
	size_t n = 2;
	for (size_t w = 0; w < g->workloads.n; w++) {
		char *part = file_part(g->workloads.v[w]);
		char *name = xasprintf("scaling-%s", part);
		job_init(&jobs[n], name, "scaling", "scaling");
		if (scaling_job(r, g, w, o, &jobs[n])) {
			n++;
		} else {
			job_release(&jobs[n]);
			buf_addf(notes, "%s: no figure, nothing was measured for workload '%s'\n", name,
				 g->workloads.v[w]);
		}
		free(name);
		free(part);
	}
	if (!has_memory_kinds(r)) {
		buf_addf(notes, "memory-kinds: no figure, RSS and PSS equal USS in every cell\n");
		return n;
	}
	for (size_t w = 0; w < g->workloads.n; w++) {
		char *part = file_part(g->workloads.v[w]);
		char *name = xasprintf("memory-kinds-%s", part);
		job_init(&jobs[n], name, "memory-kinds", "bars");
		if (kinds_job(r, g, w, count, o, &jobs[n]))
			n++;
		else
			job_release(&jobs[n]);
		free(name);
		free(part);
	}
	return n;
}

int plot_write_figures(const struct results *r, const struct plot_opts *o, struct plot_set *out)
{
	memset(out, 0, sizeof(*out));
	struct gp_env env;
	memset(&env, 0, sizeof(env));
	struct grid g;
	grid_init(&g, r);
	int rc = 0;
	if (!g.interps.n || !g.workloads.n || !g.n_counts) {
		rc = error("nothing to plot: '%s' has no cells", o->source ? o->source : "the results");
		grid_release(&g);
		return rc;
	}
	uint64_t count = 0;
	if (pick_count(&g, o->count, &count) ||
	    gp_env_init(&env, o->render, o->gnuplot, o->templates, o->outdir, o->formats,
			o->timeout_s, "objmem plot")) {
		gp_env_release(&env);
		grid_release(&g);
		return -1;
	}
	out->count = count;
	struct job *jobs = xcalloc(2 + 2 * g.workloads.n, sizeof(*jobs));
	struct buf notes = BUF_INIT;
	size_t n_jobs = gather_jobs(r, &g, count, o, jobs, &notes);
	/* a figure gnuplot cannot draw does not stop the others; a write error does */
	for (size_t i = 0; i < n_jobs; i++) {
		struct job *j = &jobs[i];
		int drc = gp_draw(&env, &j->fig);
		if (drc)
			rc = -1;
		if (drc < 0)
			break;
		xgrow((void **)&out->v, sizeof(*out->v), out->n + 1, &out->alloc);
		struct plot_figure *f = &out->v[out->n++];
		f->name = xstrdup(j->fig.name);
		f->title = xstrdup(j->title ? j->title : j->fig.name);
		f->caption = xstrdup(j->caption ? j->caption : "");
		f->drawn = j->fig.drawn;
	}
	for (size_t i = 0; i < n_jobs; i++)
		job_release(&jobs[i]);
	free(jobs);
	out->notes = notes.len ? buf_detach(&notes) : NULL;
	buf_release(&notes);
	gp_env_release(&env);
	grid_release(&g);
	return rc;
}
