/* plot.c - which figures there are and what each shows; see plot.h. gnuplot.c draws them. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "gnuplot.h"
#include "plot.h"
#include "probe.h"
#include "stats.h"
#include "textfmt.h"

const char *const plot_metric_names[] = { "delta", "absolute", "peak", NULL };
const char *const plot_sort_names[] = { "version", "value", "name", NULL };

void plot_opts_init(struct plot_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->formats = GP_PNG | GP_SVG;
	o->metrics = PLOT_DELTA;
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

/* ---------------------------------------------------------- data files */

int plot_hbars_write(FILE *f, const struct plot_hbars *h)
{
	gp_data_header(f, h->header);
	fprintf(f, "# columns: row ypos value min max status behind1 behind2 (NaN: not measured, "
		"see status)\n");
	if (h->kinds[0])
		fprintf(f, "# value: %s; behind1: %s; behind2: %s\n", h->kinds[0], h->kinds[1],
			h->kinds[2]);
	for (size_t i = 0; i < h->n_rows; i++) {
		fprintf(f, "# row %zu: ", i + 1);
		gp_data_name(f, h->rows[i].label);
		fputc('\n', f);
	}
	for (size_t i = 0; i < h->n_rows; i++) {
		const struct plot_hbar *b = &h->rows[i];
		int ok = !strcmp(b->status, "ok") && isfinite(b->value);
		char v[64], lo[64], hi[64], b1[64], b2[64];
		gp_data_number(v, sizeof(v), ok ? b->value : NAN);
		gp_data_number(lo, sizeof(lo), ok ? b->min : NAN);
		gp_data_number(hi, sizeof(hi), ok ? b->max : NAN);
		gp_data_number(b1, sizeof(b1), ok ? b->behind[0] : NAN);
		gp_data_number(b2, sizeof(b2), ok ? b->behind[1] : NAN);
		fprintf(f, "%zu %g %s %s %s %s %s %s\n", i + 1, b->ypos, v, lo, hi,
			ok ? "ok" : !strcmp(b->status, "ok") ? "no-data" : b->status, b1, b2);
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

/* The builds, workloads and counts a set of figures shows. */
struct grid {
	struct summary s;
	struct strvec interps, workloads; /* interps in version order */
	char **labels;                    /* as people name the builds */
	int *family;
	double *shade;
	uint64_t *counts;
	size_t n_counts, alloc_counts;
};

static void grid_add_count(struct grid *g, uint64_t n)
{
	size_t at = 0;
	while (at < g->n_counts && g->counts[at] < n)
		at++;
	if (at < g->n_counts && g->counts[at] == n)
		return;
	xgrow((void **)&g->counts, sizeof(*g->counts), g->n_counts + 1, &g->alloc_counts);
	memmove(g->counts + at + 1, g->counts + at, (g->n_counts - at) * sizeof(*g->counts));
	g->counts[at] = n;
	g->n_counts++;
}

static int wanted(const struct strvec *only, const char *name)
{
	return !only || !only->n || strvec_find(only, name) >= 0;
}

/* Every name of only is one the results have; else an error naming what they have. */
static int check_names(const struct strvec *only, const struct strvec *have, const char *what)
{
	for (size_t i = 0; only && i < only->n; i++) {
		if (strvec_find(have, only->v[i]) >= 0)
			continue;
		struct buf b = BUF_INIT;
		for (size_t k = 0; k < have->n; k++)
			buf_addf(&b, "%s%s", k ? ", " : "", have->v[k]);
		int rc = error("the results have no %s '%s'; they have %s", what, only->v[i],
			       b.p ? b.p : "none");
		buf_release(&b);
		return rc;
	}
	return 0;
}

/* Shades within each family: the newest build full colour, older ones lighter. */
static void grid_shades(struct grid *g, const struct results *r)
{
	size_t n = g->interps.n;
	g->family = xcalloc(n + 1, sizeof(*g->family));
	g->shade = xcalloc(n + 1, sizeof(*g->shade));
	for (size_t i = 0; i < n; i++) {
		const struct interp *in = results_find_interp(r, g->interps.v[i]);
		g->family[i] = probe_family(in ? in->probe : NULL);
	}
	for (size_t i = 0; i < n; i++) {
		size_t rank = 0, members = 0;
		for (size_t k = 0; k < n; k++)
			if (g->family[k] == g->family[i]) {
				members++;
				rank += k < i;
			}
		g->shade[i] = members > 1 ? 0.6 * (double)(members - 1 - rank) / (double)(members - 1)
					  : 0;
	}
}

static int grid_init(struct grid *g, const struct results *r, const struct plot_opts *o)
{
	memset(g, 0, sizeof(*g));
	summary_compute(r, &g->s);
	struct strvec all_i = STRVEC_INIT, all_w = STRVEC_INIT;
	for (size_t i = 0; i < r->n_interps; i++)
		if (strvec_find(&all_i, r->interps[i].name) < 0)
			strvec_push(&all_i, r->interps[i].name);
	/* what the run meant to measure: workloads and counts with no cell yet */
	for (size_t i = 0; i < r->config.workloads.n; i++)
		if (strvec_find(&all_w, r->config.workloads.v[i]) < 0)
			strvec_push(&all_w, r->config.workloads.v[i]);
	for (size_t i = 0; i < r->config.n_counts; i++)
		grid_add_count(g, r->config.counts[i]);
	for (size_t i = 0; i < g->s.n_rows; i++) {
		const struct summary_row *row = &g->s.rows[i];
		if (strvec_find(&all_i, row->interpreter) < 0)
			strvec_push(&all_i, row->interpreter);
		if (strvec_find(&all_w, row->workload) < 0)
			strvec_push(&all_w, row->workload);
		grid_add_count(g, row->count);
	}
	int rc = check_names(o->interpreters, &all_i, "interpreter") ||
		 check_names(o->workloads, &all_w, "workload") ? -1 : 0;
	for (size_t i = 0; i < all_i.n; i++)
		if (wanted(o->interpreters, all_i.v[i]))
			strvec_push(&g->interps, all_i.v[i]);
	for (size_t i = 0; i < all_w.n; i++)
		if (wanted(o->workloads, all_w.v[i]))
			strvec_push(&g->workloads, all_w.v[i]);
	strvec_clear(&all_i);
	strvec_clear(&all_w);
	probe_sort_names(r, (const char **)g->interps.v, g->interps.n);
	g->labels = probe_labels(r, (const char *const *)g->interps.v, g->interps.n);
	grid_shades(g, r);
	return rc;
}

static void grid_release(struct grid *g)
{
	summary_release(&g->s);
	probe_labels_free(g->labels, g->interps.n);
	strvec_clear(&g->interps);
	strvec_clear(&g->workloads);
	free(g->family);
	free(g->shade);
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

/* --------------------------------------------------- horizontal bars */

static void hbars_group(struct plot_hbars *h, const char *label)
{
	xgrow((void **)&h->groups, sizeof(*h->groups), h->n_groups + 1, &h->alloc_groups);
	h->next_y += h->n_groups ? 1.45 : 0.9;
	h->groups[h->n_groups++] = (struct plot_hgroup){ label, h->next_y };
}

/* A bar of the statistic st (scaled by 1/scale) with status. */
static void hbars_row(struct plot_hbars *h, const char *label, int family, double shade,
		      const struct stat3 *st, double scale, const char *status)
{
	xgrow((void **)&h->rows, sizeof(*h->rows), h->n_rows + 1, &h->alloc_rows);
	int ok = !strcmp(status, "ok") && st && st->valid;
	h->next_y += 1;
	h->rows[h->n_rows++] = (struct plot_hbar){
		label, family, shade, h->next_y, ok ? st->median / scale : NAN,
		ok ? st->min / scale : NAN, ok ? st->max / scale : NAN, { NAN, NAN },
		ok ? "ok" : !strcmp(status, "ok") ? "no-data" : status,
	};
}

static void hbars_release(struct plot_hbars *h)
{
	free(h->rows);
	free(h->groups);
	memset(h, 0, sizeof(*h));
}

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

/* The placeholders every figure has: size, title, axis label, note. */
static void job_vars(struct job *j, const struct plot_opts *o, const char *title,
		     const char *xlabel, const char *note, struct buf *defs)
{
	buf_addstr(defs, "NOTE = '");
	gp_escape(defs, note ? note : "");
	buf_addstr(defs, "'    # under the title, wrapped to the width\n");
	gp_set_code(&j->fig, "DEFS", defs->p);
	/* one size for every format when asked for; else 800 pixels and a column */
	gp_set_code(&j->fig, "WIDTH", o->width ? o->width : "800");
	gp_set_code(&j->fig, "HEIGHT", o->height ? o->height : "0");
	gp_set_code(&j->fig, "PDFWIDTH", o->width ? "PNGW / PXIN" : "6.5");
	gp_set_code(&j->fig, "PDFHEIGHT", o->width ? "PNGH / PXIN" : "0");
	gp_set_text(&j->fig, "TITLE", title);
	gp_set_text(&j->fig, "XLABEL", xlabel);
	j->title = xstrdup(title);
}

/* Data and placeholders of a horizontal bar chart. */
static void hbars_job(struct job *j, const struct plot_opts *o, const struct plot_hbars *h,
		      const char *title, const char *xlabel, const char *note)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	if (!f)
		die("out of memory");
	plot_hbars_write(f, h);
	fclose(f);
	buf_add(&j->fig.data, text, len);
	free(text);

	/* one number format for the whole figure, from its largest value */
	double maxv = 0;
	size_t longest = 1, n = h->n_rows, ng = h->n_groups;
	for (size_t i = 0; i < n; i++) {
		const struct plot_hbar *b = &h->rows[i];
		const double v[] = { b->value, b->max, b->behind[0], b->behind[1] };
		for (size_t k = 0; k < ARRAY_SIZE(v); k++)
			if (isfinite(v[k]) && v[k] > maxv)
				maxv = v[k];
		if (term_width(b->label) > longest)
			longest = term_width(b->label);
	}
	int decimals = maxv >= 100 ? 0 : maxv >= 10 ? 1 : 2;
	char widest[64];
	snprintf(widest, sizeof(widest), "%.*f", decimals, maxv);
	size_t value_chars = strlen(widest) * (h->kinds[0] ? 3 : 1) + (h->kinds[0] ? 6 : 0);

	struct buf d = BUF_INIT;
	const char **labels = xcalloc(n + ng + 1, sizeof(*labels));
	double *num = xcalloc(n + ng + 1, sizeof(*num));
	buf_addf(&d, "NR = %zu    # bars, top to bottom\n", n);
	for (size_t i = 0; i < n; i++)
		labels[i] = h->rows[i].label;
	gp_array_strings(&d, "LABEL", labels, n);
	for (size_t i = 0; i < n; i++)
		num[i] = h->rows[i].ypos;
	gp_array_numbers(&d, "YPOS", num, n);
	for (size_t i = 0; i < n; i++)
		num[i] = h->rows[i].family;
	gp_array_numbers(&d, "FAMILY", num, n);
	for (size_t i = 0; i < n; i++)
		num[i] = h->rows[i].shade;
	gp_array_numbers(&d, "SHADE", num, n);
	buf_addf(&d, "NG = %zu    # headings\n", ng);
	for (size_t g = 0; g < ng; g++) {
		labels[g] = h->groups[g].label;
		num[g] = h->groups[g].ypos;
	}
	gp_array_strings(&d, "GROUP", labels, ng);
	gp_array_numbers(&d, "GYPOS", num, ng);
	/* the values drawn behind the bars, and the legend that names them */
	buf_addf(&d, "NBEHIND = %d    # 2: lighter bars behind each bar (behind1, behind2)\n",
		 h->kinds[0] ? 2 : 0);
	gp_array_strings(&d, "KIND", h->kinds, h->kinds[0] ? 3 : 0);
	buf_addf(&d, "YMAX = %g    # the last row\nMAXV = %.6g    # the largest value "
		 "or max\nLABELCHARS = %zu    # the longest label\nVALUECHARS = %zu\n"
		 "FMT = '%%.%df'    # the values' one format\n", h->next_y, maxv, longest,
		 value_chars, decimals);
	free(labels);
	free(num);
	job_vars(j, o, title, xlabel, note, &d);
	buf_release(&d);
}

/* "median of 3 runs, bars: min..max" as the run was made. */
static void runs_text(const struct results *r, char *out, size_t n)
{
	if (r->config.repeat_min > 0)
		snprintf(out, n, "median of %d to %d runs (until two agreed), bars: min..max",
			 r->config.repeat_min, r->config.repeat);
	else if (r->config.repeat > 1)
		snprintf(out, n, "median of %d runs, bars: min..max", r->config.repeat);
	else if (r->config.repeat == 1)
		snprintf(out, n, "one run each");
	else
		snprintf(out, n, "median over the runs, bars: min..max");
}

/* What a version chart shows, per metric. */
struct metric_view {
	unsigned metric;
	const char *name;          /* figure name */
	const char *title;         /* with %s: the count */
	const char *note;          /* the definition, on the figure */
	const char *caption;
};

static const struct metric_view metric_views[] = {
	{ PLOT_DELTA, "versions", "Memory for %s objects, by interpreter",
	  "the objects alone: USS growth from base (list allocated) to full (list filled)",
	  "Memory that the objects of each workload take on each interpreter: the median USS "
	  "growth from the base phase to the full phase, in MB (10^6 bytes)." },
	{ PLOT_ABSOLUTE, "versions-absolute", "Memory growth since start-up, %s objects",
	  "the article's AbsoluteUsage: USS growth from start-up to full",
	  "How much the interpreter's private memory grew from start-up until the list was "
	  "full, in MB (10^6 bytes)." },
	{ PLOT_PEAK, "versions-peak", "Peak memory for %s objects, by interpreter",
	  "peak: the highest RSS of the run (VmHWM, read when the list is full) minus RSS at "
	  "start-up",
	  "The peak of the process's resident memory over the run, less what it used at start-up, "
	  "in MB (10^6 bytes): the article's measure." },
};

static const struct stat3 *metric_stat(const struct summary_row *row, unsigned metric)
{
	return metric == PLOT_PEAK ? &row->peak_bytes
		: metric == PLOT_ABSOLUTE ? &row->absolute_bytes : &row->delta_bytes;
}

struct order_item {
	size_t interp;
	double value;
	const char *label;
};

static int cmp_value(const void *a, const void *b)
{
	const struct order_item *x = a, *y = b;
	int nx = isnan(x->value), ny = isnan(y->value);
	if (nx != ny)
		return nx - ny;   /* gaps last */
	if (!nx && x->value != y->value)
		return x->value > y->value ? -1 : 1;
	return x->interp < y->interp ? -1 : x->interp > y->interp;
}

static int cmp_label(const void *a, const void *b)
{
	const struct order_item *x = a, *y = b;
	int c = strcmp(x->label, y->label);
	return c ? c : (x->interp < y->interp ? -1 : x->interp > y->interp);
}

/* The rows of one workload: a bar per build, in the order asked for. */
static void workload_rows(const struct results *r, const struct grid *g, const char *wl,
			  uint64_t count, const struct plot_opts *o, unsigned metric, double scale,
			  size_t from, size_t to, struct plot_hbars *h)
{
	size_t n = to - from;
	struct order_item *items = xcalloc(n + 1, sizeof(*items));
	for (size_t k = 0; k < n; k++) {
		size_t i = from + k;
		const struct summary_row *row;
		const char *st = cell_state(r, g, g->interps.v[i], wl, count, &row);
		const struct stat3 *v = row ? (metric ? metric_stat(row, metric)
					       : &row->bytes_per_object) : NULL;
		items[k] = (struct order_item){ i, !strcmp(st, "ok") && v && v->valid ? v->median
						: NAN, g->labels[i] };
	}
	if (o->sort == PLOT_SORT_VALUE)
		qsort(items, n, sizeof(*items), cmp_value);
	else if (o->sort == PLOT_SORT_NAME)
		qsort(items, n, sizeof(*items), cmp_label);
	for (size_t k = 0; k < n; k++) {
		size_t i = items[k].interp;
		const struct summary_row *row;
		const char *st = cell_state(r, g, g->interps.v[i], wl, count, &row);
		const struct stat3 *v = row ? (metric ? metric_stat(row, metric)
					       : &row->bytes_per_object) : NULL;
		hbars_row(h, g->labels[i], g->family[i], g->shade[i], v, scale, st);
	}
	free(items);
}

/* tmpl with its "%s" replaced by the count. */
static char *with_count(const char *tmpl, const char *cnt)
{
	const char *at = strstr(tmpl, "%s");
	return at ? xasprintf("%.*s%s%s", (int)(at - tmpl), tmpl, cnt, at + 2) : xstrdup(tmpl);
}

/* A version chart (metric) or the bytes-per-object chart (metric 0). */
/* What one bar chart shows: one workload or all, the builds [from, to) of how many. */
struct slice {
	const char *only;
	size_t from, to;
};

static void versions_job(const struct results *r, const struct grid *g, uint64_t count,
			 const struct plot_opts *o, const struct metric_view *mv,
			 const struct slice *sl, struct job *j)
{
	const char *only = sl->only;
	char cnt[32], runs[96];
	format_count(count, cnt, sizeof(cnt));
	runs_text(r, runs, sizeof(runs));
	struct plot_hbars h;
	memset(&h, 0, sizeof(h));
	for (size_t w = 0; w < g->workloads.n; w++) {
		if (only && strcmp(only, g->workloads.v[w]))
			continue;
		if (!only)   /* else the title names it */
			hbars_group(&h, g->workloads.v[w]);
		workload_rows(r, g, g->workloads.v[w], count, o, mv ? mv->metric : 0, mv ? 1e6 : 1,
			      sl->from, sl->to, &h);
	}
	/* "10M objects", or "10M point3d objects" in a chart of one workload */
	char *what = only ? xasprintf("%s %s", cnt, only) : xstrdup(cnt);
	char *title = o->title && mv ? xstrdup(o->title)
		: with_count(mv ? mv->title : "Bytes per object at %s objects, by interpreter", what);
	free(what);
	if (sl->to - sl->from < g->interps.n) {   /* one part of many: said in the title */
		char *t = xasprintf("%s (builds %zu-%zu of %zu)", title, sl->from + 1, sl->to,
				    g->interps.n);
		free(title);
		title = t;
	}
	char *note = xasprintf("%s; %s", mv ? mv->note : "(USS at full - USS at base) / count, "
			       "clean pages left out, the list's own 8 bytes per slot excluded",
			       runs);
	char *header = xasprintf("objmem figure '%s': %s\n%s\nvalue: %s at %llu objects\n"
				 "source: %s", j->fig.name, title, note,
				 mv ? "MB (10^6 bytes), median" : "bytes per object, median",
				 (unsigned long long)count, o->source ? o->source : "");
	h.header = header;
	hbars_job(j, o, &h, title, mv ? "MB (10⁶ bytes)" : "bytes per object", note);
	j->caption = mv ? xstrdup(mv->caption)
		: xasprintf("What one object costs at %s objects: the USS growth divided by the "
			    "count, in bytes.", cnt);
	free(header);
	free(note);
	free(title);
	hbars_release(&h);
}

/* RSS, PSS and USS at full of one build and workload: medians over its ok cells. */
static void kinds_of(const struct results *r, const char *interp, const char *wl,
		     uint64_t count, struct stat3 out[3])
{
	size_t n = 0;
	uint64_t *v[3];
	for (int k = 0; k < 3; k++)
		v[k] = xcalloc(r->n_cells + 1, sizeof(uint64_t));
	for (int rep = 1;; rep++) {
		const struct cell *c = results_find_cell(r, interp, wl, count, rep);
		if (!c)
			break;
		const struct mem_sample *m = &c->samples[PHASE_FULL];
		if (c->status != CELL_OK || !m->valid)
			continue;
		v[0][n] = m->rss;
		v[1][n] = m->pss;
		v[2][n] = m->uss;
		n++;
	}
	for (int k = 0; k < 3; k++) {
		double *d = xcalloc(n + 1, sizeof(double));
		qsort(v[k], n, sizeof(uint64_t), cmp_u64);
		for (size_t i = 0; i < n; i++)
			d[i] = (double)v[k][i];
		stat3_compute(d, n, &out[k]);
		free(d);
		free(v[k]);
	}
}

/* RSS, PSS and USS at full for one workload; 0 if nothing was measured. */
static int kinds_job(const struct results *r, const struct grid *g, size_t w, uint64_t count,
		     const struct plot_opts *o, const struct slice *sl, struct job *j)
{
	const char *wl = g->workloads.v[w];
	struct plot_hbars h;
	memset(&h, 0, sizeof(h));
	h.kinds[0] = "USS";
	h.kinds[1] = "PSS";
	h.kinds[2] = "RSS";
	size_t any = 0;
	for (size_t i = sl->from; i < sl->to; i++) {
		const struct summary_row *row;
		const char *st = cell_state(r, g, g->interps.v[i], wl, count, &row);
		struct stat3 k3[3];   /* RSS, PSS, USS */
		kinds_of(r, g->interps.v[i], wl, count, k3);
		hbars_row(&h, g->labels[i], g->family[i], g->shade[i], &k3[2], 1e6,
			  k3[2].valid ? "ok" : !strcmp(st, "ok") ? "no-data" : st);
		struct plot_hbar *b = &h.rows[h.n_rows - 1];
		b->behind[0] = k3[2].valid && k3[1].valid ? k3[1].median / 1e6 : NAN;
		b->behind[1] = k3[2].valid && k3[0].valid ? k3[0].median / 1e6 : NAN;
		any += k3[2].valid;
	}
	if (any) {
		char cnt[32];
		format_count(count, cnt, sizeof(cnt));
		char *title = sl->to - sl->from < g->interps.n
			? xasprintf("Process memory at full, %s %s objects: USS, PSS and RSS (builds "
				    "%zu-%zu of %zu)", cnt, wl, sl->from + 1, sl->to, g->interps.n)
			: xasprintf("Process memory at full, %s %s objects: USS, PSS and RSS", cnt, wl);
		const char *note = "USS: the pages only this process maps; PSS adds its share of "
				   "shared pages; RSS counts shared pages in full. Medians; values "
				   "USS / PSS / RSS";
		char *header = xasprintf("objmem figure 'memory-kinds-%s': %s\nvalue: MB (10^6 bytes), "
					 "median over ok cells of the full sample\nsource: %s", wl,
					 title, o->source ? o->source : "");
		h.header = header;
		hbars_job(j, o, &h, title, "process memory at full (MB = 10⁶ bytes)", note);
		j->caption = xasprintf("The whole process's memory at the full phase for %s %s "
				       "objects, read three ways: USS (dark), PSS and RSS (lighter, "
				       "behind).", cnt, wl);
		free(header);
		free(title);
	}
	hbars_release(&h);
	return any > 0;
}

/* ------------------------------------------------------------ scaling */

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
			mn = v[i] < mn ? v[i] : mn;
			mx = v[i] > mx ? v[i] : mx;
		}
	if (mx <= 0)
		return 0;
	*lo = pow10_floor(mn);
	*hi = pow10_ceil(mx * 1.0001);
	if (*hi <= *lo)
		*hi = *lo * 10;
	return 1;
}

/* Append "what" to a note, up to a few. */
static void note_gap(struct buf *note, size_t *n_gaps, const char *what)
{
	if (*n_gaps < 4)
		buf_addf(note, "%s%s", *n_gaps ? "; " : "not measured: ", what);
	(*n_gaps)++;
}

/* One line per build against the count. */
struct lines_fig {
	struct plot_lines l;
	struct strvec series;
	int *family;
	double *shade;
	double *y1, *y2;
	const char **st;
	struct buf note;
	size_t n_gaps;
};

static void lines_job(struct job *j, const struct plot_opts *o, struct lines_fig *lf,
		      const char *title)
{
	const struct plot_lines *l = &lf->l;
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	if (!f)
		die("out of memory");
	plot_lines_write(f, l);
	fclose(f);
	buf_add(&j->fig.data, text, len);
	free(text);

	size_t n = l->n_series * l->n_x, longest = 1;
	double alo = 0.01, ahi = 1, dlo = 0.01, dhi = 1;
	log_range(l->y1, l->status, n, &alo, &ahi);
	log_range(l->y2, l->status, n, &dlo, &dhi);
	for (size_t s = 0; s < l->n_series; s++)
		if (term_width(l->series[s]) > longest)
			longest = term_width(l->series[s]);
	struct buf d = BUF_INIT;
	buf_addf(&d, "NS = %zu    # series: one line each\n", l->n_series);
	gp_array_strings(&d, "SERIES", l->series, l->n_series);
	buf_addf(&d, "array FAMILY[%zu] = [", l->n_series);
	for (size_t s = 0; s < l->n_series; s++)
		buf_addf(&d, "%s%d", s ? ", " : "", lf->family[s]);
	buf_addf(&d, "]\narray SHADE[%zu] = [", l->n_series);
	for (size_t s = 0; s < l->n_series; s++)
		buf_addf(&d, "%s%.3f", s ? ", " : "", lf->shade[s]);
	buf_addf(&d, "]\nNX = %zu    # object counts\narray COUNTS[%zu] = [", l->n_x, l->n_x);
	for (size_t k = 0; k < l->n_x; k++)
		buf_addf(&d, "%s%llu", k ? ", " : "", (unsigned long long)l->x[k]);
	buf_addstr(&d, "]\n");
	const char **labels = xcalloc(l->n_x + 1, sizeof(*labels));
	char (*lab)[32] = xcalloc(l->n_x + 1, sizeof(*lab));
	for (size_t k = 0; k < l->n_x; k++) {
		format_count(l->x[k], lab[k], sizeof(lab[k]));
		labels[k] = lab[k];
	}
	gp_array_strings(&d, "COUNTLABELS", labels, l->n_x);
	free(labels);
	free(lab);
	buf_addf(&d, "XMIN = %.6g\nXMAX = %.6g\n", (double)l->x[0] / 2, (double)l->x[l->n_x - 1] * 2);
	buf_addf(&d, "YMIN_ABS = %.6g\nYMAX_ABS = %.6g\nYMIN_DELTA = %.6g\nYMAX_DELTA = %.6g\n",
		 alo, ahi, dlo, dhi);
	buf_addf(&d, "LABELCHARS = %zu    # the longest series name\n", longest);
	job_vars(j, o, title, "objects in the list (count)", lf->note.p ? lf->note.p : "", &d);
	buf_release(&d);
}

/* Gather one build's line; 0 when it has no point at all (said in the note). */
static int scaling_series(const struct results *r, const struct grid *g, size_t i,
			  const char *wl, struct lines_fig *lf)
{
	size_t nx = g->n_counts, at = lf->series.n, n_ok = 0;
	const char *why = NULL;
	for (size_t k = 0; k < nx; k++) {
		const struct summary_row *row;
		const char *state = cell_state(r, g, g->interps.v[i], wl, g->counts[k], &row);
		size_t p = at * nx + k;
		lf->st[p] = state;
		lf->y1[p] = lf->y2[p] = NAN;
		if (!strcmp(state, "ok") && row->absolute_bytes.valid && row->delta_bytes.valid) {
			lf->y1[p] = row->absolute_bytes.median / 1e6;
			lf->y2[p] = row->delta_bytes.median / 1e6;
			n_ok++;
		} else {
			lf->st[p] = !strcmp(state, "ok") ? "no-data" : state;
			why = why ? why : lf->st[p];
		}
	}
	if (!n_ok) {
		char *what = xasprintf("%s (%s)", g->labels[i], why ? why : "missing");
		note_gap(&lf->note, &lf->n_gaps, what);
		free(what);
		return 0;
	}
	for (size_t k = 0; k < nx; k++)
		if (strcmp(lf->st[at * nx + k], "ok")) {
			char cnt[32];
			format_count(g->counts[k], cnt, sizeof(cnt));
			char *what = xasprintf("%s at %s (%s)", g->labels[i], cnt, lf->st[at * nx + k]);
			note_gap(&lf->note, &lf->n_gaps, what);
			free(what);
		}
	lf->family[at] = g->family[i];
	lf->shade[at] = g->shade[i];
	strvec_push(&lf->series, g->labels[i]);
	return 1;
}

/* Memory against the count for one workload; 0 when nothing was measured for it. */
static int scaling_job(const struct results *r, const struct grid *g, size_t w,
		       const struct plot_opts *o, const struct slice *sl, struct job *j)
{
	const char *wl = g->workloads.v[w];
	size_t nx = g->n_counts, ni = g->interps.n + 1;
	struct lines_fig lf;
	memset(&lf, 0, sizeof(lf));
	lf.family = xcalloc(ni, sizeof(*lf.family));
	lf.shade = xcalloc(ni, sizeof(*lf.shade));
	lf.y1 = xcalloc(ni * nx, sizeof(double));
	lf.y2 = xcalloc(ni * nx, sizeof(double));
	lf.st = xcalloc(ni * nx, sizeof(char *));
	for (size_t i = sl->from; i < sl->to; i++)
		scaling_series(r, g, i, wl, &lf);
	if (lf.n_gaps > 4)
		buf_addf(&lf.note, "; and %zu more (see the report or objmem show)", lf.n_gaps - 4);
	int made = lf.series.n > 0;
	if (made) {
		lf.l = (struct plot_lines){ nx, lf.series.n, g->counts, (const char *const *)lf.series.v,
					    lf.y1, lf.y2, lf.st, NULL };
		char *title = sl->to - sl->from < g->interps.n
			? xasprintf("%s: memory against object count (log-log), builds %zu-%zu of %zu",
				    wl, sl->from + 1, sl->to, g->interps.n)
			: xasprintf("%s: memory against object count (log-log)", wl);
		char *header = xasprintf("objmem figure 'scaling-%s': %s\nabsolute: median USS growth "
					 "since start-up (full - start), MB (10^6 bytes)\ndelta: median "
					 "USS growth from base to full, MB\nsource: %s", wl, title,
					 o->source ? o->source : "");
		lf.l.header = header;
		lines_job(j, o, &lf, title);
		j->caption = xasprintf("%s on each interpreter: above, the absolute usage (USS growth "
				       "since the interpreter started); below, the delta (USS growth "
				       "while the objects were made), against the count; a missing "
				       "count breaks its line.", wl);
		free(header);
		free(title);
	}
	strvec_clear(&lf.series);
	free(lf.family);
	free(lf.shade);
	free(lf.y1);
	free(lf.y2);
	free(lf.st);
	buf_release(&lf.note);
	return made;
}

/* ------------------------------------------------------------- drawing */

/* The count the bar charts show: o->count, else the largest with an ok cell. */
static int pick_count(const struct results *r, const struct grid *g, uint64_t want,
		      uint64_t *out)
{
	uint64_t count = want;
	for (size_t i = 0; i < g->s.n_rows && !want; i++)
		if (g->s.rows[i].n_ok && g->s.rows[i].count > count)
			count = g->s.rows[i].count;
	if (!count)
		count = g->counts[g->n_counts - 1];
	*out = count;
	return results_require_count(r, count);
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

/*
 * A bar chart of every workload would be taller than a page (ROWS_MAX bars,
 * about nine inches): one chart per workload instead; and one workload's
 * chart holds BUILDS_MAX builds at most: more make parts, named -part1...
 */
#define ROWS_MAX 40
#define BUILDS_MAX 60
static int split_by_workload(const struct grid *g)
{
	return g->workloads.n > 1 && g->interps.n * g->workloads.n > ROWS_MAX;
}

static size_t n_parts(const struct grid *g)
{
	return (g->interps.n + BUILDS_MAX - 1) / BUILDS_MAX;
}

/* How many figures gather_jobs can make at most. */
static size_t max_jobs(const struct grid *g)
{
	size_t scaling_parts = (g->interps.n + 23) / 24 + 1;
	return (ARRAY_SIZE(metric_views) + 1 + 1) * g->workloads.n * n_parts(g) +
	       g->workloads.n * scaling_parts;
}

/* The bar charts of one metric (mv NULL: bytes per object); the number made. */
static size_t version_jobs(const struct results *r, const struct grid *g, uint64_t count,
			   const struct plot_opts *o, const struct metric_view *mv, struct job *jobs)
{
	const char *name = mv ? mv->name : "bytes-per-object";
	size_t n = 0, parts = n_parts(g);
	if (!split_by_workload(g) && parts == 1) {
		struct slice all = { NULL, 0, g->interps.n };
		job_init(&jobs[n], name, mv ? "versions" : name, "hbars");
		versions_job(r, g, count, o, mv, &all, &jobs[n++]);
		return n;
	}
	for (size_t w = 0; w < g->workloads.n; w++)
		for (size_t p = 0; p < parts; p++) {
			char *wl = file_part(g->workloads.v[w]);
			char *part = parts > 1 ? xasprintf("-part%zu", p + 1) : xstrdup("");
			char *fname = xasprintf("%s-%s%s", name, wl, part);
			size_t to = (p + 1) * BUILDS_MAX < g->interps.n ? (p + 1) * BUILDS_MAX
								       : g->interps.n;
			struct slice sl = { g->workloads.v[w], p * BUILDS_MAX, to };
			job_init(&jobs[n], fname, mv ? "versions" : name, "hbars");
			versions_job(r, g, count, o, mv, &sl, &jobs[n++]);
			free(fname);
			free(part);
			free(wl);
		}
	return n;
}

/*
 * The scaling figures (kinds 0: SCALING_MAX lines each) or the memory-kinds
 * figures (kinds 1: BUILDS_MAX bars each) of workload w, in parts when the
 * builds are more; the number made.
 */
#define SCALING_MAX 24
static size_t per_workload_jobs(const struct results *r, const struct grid *g, uint64_t count,
				const struct plot_opts *o, size_t w, int kinds, struct job *jobs,
				struct buf *notes)
{
	size_t per = kinds ? BUILDS_MAX : SCALING_MAX, n = 0;
	size_t parts = (g->interps.n + per - 1) / per;
	for (size_t p = 0; p < parts; p++) {
		char *wl = file_part(g->workloads.v[w]);
		char *name = parts > 1 ? xasprintf("%s-%s-part%zu", kinds ? "memory-kinds" : "scaling",
						   wl, p + 1)
				       : xasprintf("%s-%s", kinds ? "memory-kinds" : "scaling", wl);
		struct slice sl = { g->workloads.v[w], p * per,
				    (p + 1) * per < g->interps.n ? (p + 1) * per : g->interps.n };
		job_init(&jobs[n], name, kinds ? "memory-kinds" : "scaling", kinds ? "hbars" : "scaling");
		int made = kinds ? kinds_job(r, g, w, count, o, &sl, &jobs[n])
				 : scaling_job(r, g, w, o, &sl, &jobs[n]);
		if (made)
			n++;
		else
			job_release(&jobs[n]);
		if (!made && !kinds && parts == 1)
			buf_addf(notes, "%s: no figure, nothing was measured for workload '%s'\n", name,
				 g->workloads.v[w]);
		free(name);
		free(wl);
	}
	return n;
}

/* Every figure's job, in the order they are drawn; notes say what was left out. */
static size_t gather_jobs(const struct results *r, const struct grid *g, uint64_t count,
			  const struct plot_opts *o, struct job *jobs, struct buf *notes)
{
	size_t n = 0;
	for (size_t m = 0; m <= ARRAY_SIZE(metric_views); m++) {
		const struct metric_view *mv = m < ARRAY_SIZE(metric_views) ? &metric_views[m] : NULL;
		if (mv && !((o->metrics ? o->metrics : PLOT_DELTA) & mv->metric))
			continue;
		n += version_jobs(r, g, count, o, mv, jobs + n);
	}
	for (size_t w = 0; w < g->workloads.n; w++)
		n += per_workload_jobs(r, g, count, o, w, 0, jobs + n, notes);
	if (!has_memory_kinds(r)) {
		buf_addf(notes, "memory-kinds: no figure, RSS and PSS equal USS in every cell\n");
		return n;
	}
	for (size_t w = 0; w < g->workloads.n; w++)
		n += per_workload_jobs(r, g, count, o, w, 1, jobs + n, notes);
	return n;
}

/* Draw the jobs; a figure gnuplot cannot draw does not stop the others, a write error does. */
static int draw_jobs(const struct gp_env *env, struct job *jobs, size_t n, struct plot_set *out)
{
	int rc = 0;
	for (size_t i = 0; i < n; i++) {
		struct job *j = &jobs[i];
		int drc = gp_draw(env, &j->fig);
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
	return rc;
}

int plot_write_figures(const struct results *r, const struct plot_opts *o, struct plot_set *out)
{
	memset(out, 0, sizeof(*out));
	struct gp_env env;
	memset(&env, 0, sizeof(env));
	struct grid g;
	int rc = grid_init(&g, r, o);
	if (!rc && (!g.interps.n || !g.workloads.n || !g.n_counts))
		rc = error("nothing to plot: '%s' has no cells%s", o->source ? o->source : "the results",
			   o->interpreters || o->workloads ? " for the interpreters and workloads "
			   "asked for" : "");
	uint64_t count = 0;
	if (rc || pick_count(r, &g, o->count, &count) ||
	    gp_env_init(&env, o->render, o->gnuplot, o->templates, o->outdir, o->formats,
			o->timeout_s, "objmem plot")) {
		gp_env_release(&env);
		grid_release(&g);
		return -1;
	}
	out->count = count;
	struct job *jobs = xcalloc(max_jobs(&g), sizeof(*jobs));
	struct buf notes = BUF_INIT;
	size_t n_jobs = gather_jobs(r, &g, count, o, jobs, &notes);
	rc = draw_jobs(&env, jobs, n_jobs, out);
	for (size_t i = 0; i < n_jobs; i++)
		job_release(&jobs[i]);
	free(jobs);
	out->notes = notes.len ? buf_detach(&notes) : NULL;
	buf_release(&notes);
	gp_env_release(&env);
	grid_release(&g);
	return rc;
}
