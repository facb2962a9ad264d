/* trend.c - bytes per object over a series of results files; see trend.h. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gnuplot.h"
#include "jsonutil.h"
#include "textfmt.h"
#include "trend.h"

/* ------------------------------------------------------------------ */
/* Building the series                                                */
/* ------------------------------------------------------------------ */

static char *make_x_label(const struct results *r, const char *source)
{
	if (r->label && *r->label)
		return xstrdup(r->label);
	if (r->created && strlen(r->created) >= 16) {
		/* "2026-11-22T03:04:05Z" -> "2026-11-22 03:04" */
		char *s = xstrndup(r->created, 16);
		if (s[10] == 'T')
			s[10] = ' ';
		return s;
	}
	const char *base = strrchr(source, '/');
	return xstrdup(base && base[1] ? base + 1 : source);
}

static int selected(const struct strvec *sv, const char *name)
{
	return !sv || !sv->n || strvec_find(sv, name) >= 0;
}

static struct trend_line *find_line(struct trend *t, const char *interp, const char *workload,
				    uint64_t count)
{
	for (size_t i = 0; i < t->n_lines; i++) {
		struct trend_line *l = &t->lines[i];
		if (l->count == count && !strcmp(l->interpreter, interp) && !strcmp(l->workload, workload))
			return l;
	}
	xgrow((void **)&t->lines, sizeof(*t->lines), t->n_lines + 1, &t->alloc_lines);
	struct trend_line *l = &t->lines[t->n_lines++];
	memset(l, 0, sizeof(*l));
	l->interpreter = xstrdup(interp);
	l->workload = xstrdup(workload);
	l->count = count;
	return l;
}

/* Stable order of the files: by created (those without a date last), or as given. */
static size_t *file_order(const struct results *rs, size_t n, int keep_order)
{
	size_t *idx = xcalloc(n + 1, sizeof(*idx));
	for (size_t i = 0; i < n; i++)
		idx[i] = i;
	if (keep_order)
		return idx;
	for (size_t i = 1; i < n; i++) {
		for (size_t j = i; j > 0; j--) {
			const char *a = rs[idx[j - 1]].created, *b = rs[idx[j]].created;
			int after = a && (!b ? 0 : strcmp(a, b) > 0);
			if (!a && b)
				after = 1;
			if (!after)
				break;
			size_t tmp = idx[j];
			idx[j] = idx[j - 1];
			idx[j - 1] = tmp;
		}
	}
	return idx;
}

/* The largest count of the newest file with a selected row. */
static uint64_t default_count(const struct summary *sums, size_t n, const struct trend_opts *o)
{
	for (size_t k = n; k-- > 0;) {
		uint64_t best = 0;
		for (size_t i = 0; i < sums[k].n_rows; i++) {
			const struct summary_row *row = &sums[k].rows[i];
			if (selected(o->interpreters, row->interpreter) &&
			    selected(o->workloads, row->workload) && row->count > best)
				best = row->count;
		}
		if (best)
			return best;
	}
	return 0;
}

int trend_build(const struct results *rs, const char *const *sources, size_t n,
		const struct trend_opts *o, struct trend *t)
{
	memset(t, 0, sizeof(*t));
	t->threshold = o->threshold;
	size_t *order = file_order(rs, n, o->keep_order);
	struct summary *sums = xcalloc(n + 1, sizeof(*sums));
	t->files = xcalloc(n + 1, sizeof(*t->files));
	t->n_files = n;
	for (size_t k = 0; k < n; k++) {
		const struct results *r = &rs[order[k]];
		struct trend_file *f = &t->files[k];
		f->source = xstrdup(sources[order[k]]);
		f->created = r->created ? xstrdup(r->created) : NULL;
		f->label = r->label ? xstrdup(r->label) : NULL;
		f->x_label = make_x_label(r, sources[order[k]]);
		summary_compute(r, &sums[k]);
	}
	uint64_t count = o->count;
	if (!count && !o->all_counts)
		count = default_count(sums, n, o);

	for (size_t k = 0; k < n; k++) {
		for (size_t i = 0; i < sums[k].n_rows; i++) {
			const struct summary_row *row = &sums[k].rows[i];
			if (!selected(o->interpreters, row->interpreter) ||
			    !selected(o->workloads, row->workload) ||
			    (!o->all_counts && row->count != count))
				continue;
			struct trend_line *l = find_line(t, row->interpreter, row->workload, row->count);
			xgrow((void **)&l->points, sizeof(*l->points), l->n_points + 1, &l->alloc_points);
			struct trend_point *p = &l->points[l->n_points++];
			memset(p, 0, sizeof(*p));
			p->file = k;
			p->bpo = row->bytes_per_object;
			p->verdict = p->bpo.valid ? VERDICT_SAME : VERDICT_NO_DATA;
			p->change_pct = NAN;
			/* against the latest earlier point with data, at that file's page size */
			for (size_t j = l->n_points - 1; j-- > 0;) {
				const struct trend_point *prev = &l->points[j];
				if (!prev->bpo.valid)
					continue;
				double page = results_pair_page_size(&rs[order[prev->file]],
								     &rs[order[k]]);
				p->compared = 1;
				if (!p->bpo.valid)
					break;
				p->verdict = compare_verdict(&prev->bpo, &p->bpo, o->threshold,
							     page / (double)row->count);
				if (prev->bpo.median != 0)
					p->change_pct = (p->bpo.median - prev->bpo.median) * 100 /
						fabs(prev->bpo.median);
				break;
			}
			if (p->verdict == VERDICT_LARGER)
				t->n_larger++;
			else if (p->verdict == VERDICT_SMALLER)
				t->n_smaller++;
		}
	}
	for (size_t k = 0; k < n; k++)
		summary_release(&sums[k]);
	free(sums);
	free(order);
	return 0;
}

void trend_release(struct trend *t)
{
	for (size_t i = 0; i < t->n_files; i++) {
		free(t->files[i].source);
		free(t->files[i].created);
		free(t->files[i].label);
		free(t->files[i].x_label);
	}
	free(t->files);
	for (size_t i = 0; i < t->n_lines; i++) {
		free(t->lines[i].interpreter);
		free(t->lines[i].workload);
		free(t->lines[i].points);
	}
	free(t->lines);
	memset(t, 0, sizeof(*t));
}

/* ------------------------------------------------------------------ */
/* Tables                                                             */
/* ------------------------------------------------------------------ */

/* The verdict column: empty for a point with nothing before it to compare with. */
static const char *point_verdict(const struct trend_point *p)
{
	if (!p->bpo.valid)
		return "no-data";
	return p->compared ? verdict_name(p->verdict) : "";
}

static char *line_title(const struct trend_line *l)
{
	char cnt[32];
	format_count(l->count, cnt, sizeof(cnt));
	return xasprintf("%s / %s / %s objects", l->interpreter, l->workload, cnt);
}

/* The files of the series: #, created, label, file. */
static void files_table(FILE *out, const struct trend *t, enum tab_format f)
{
	static const char *const head[] = { "#", "created", "label", "file" };
	struct tab tb;
	tab_init(&tb, 4, head, "rlll");
	for (size_t i = 0; i < t->n_files; i++) {
		tab_cellf(&tb, "%zu", i + 1);
		tab_cell(&tb, t->files[i].created ? t->files[i].created : "-");
		tab_cell(&tb, t->files[i].label ? t->files[i].label : "-");
		tab_cell(&tb, t->files[i].source);
	}
	tab_print(out, &tb, f);
	tab_release(&tb);
}

/* One point's cells: #, x, B/object, min..max (or min, max), change, verdict. */
static void point_cells(struct tab *tb, const struct trend *t, const struct trend_point *p,
			int split_range)
{
	tab_cellf(tb, "%zu", p->file + 1);
	tab_cell(tb, t->files[p->file].x_label);
	if (p->bpo.valid) {
		tab_cellf(tb, "%.1f", p->bpo.median);
		if (split_range) {
			tab_cellf(tb, "%.1f", p->bpo.min);
			tab_cellf(tb, "%.1f", p->bpo.max);
		} else {
			tab_cellf(tb, "%.1f..%.1f", p->bpo.min, p->bpo.max);
		}
	} else {
		tab_cell(tb, "-");
		tab_cell(tb, "-");
		if (split_range)
			tab_cell(tb, "-");
	}
	if (isnan(p->change_pct))
		tab_cell(tb, "");
	else
		tab_cellf(tb, "%+.2f%%", p->change_pct);
	if (p->verdict == VERDICT_LARGER && p->bpo.valid)
		tab_cell_strong(tb, point_verdict(p));
	else
		tab_cell(tb, point_verdict(p));
}

static void print_text(FILE *out, const struct trend *t)
{
	static const char *const head[] = { "#", "x", "B/object", "min..max", "change",
					    "verdict" };
	fprintf(out, "Bytes per object over %zu results file%s (median over the repetitions; each "
		"point is compared with the one before it on its line, threshold %g%%)\n\n",
		t->n_files, t->n_files == 1 ? "" : "s", t->threshold * 100);
	files_table(out, t, TAB_TEXT);
	for (size_t i = 0; i < t->n_lines; i++) {
		const struct trend_line *l = &t->lines[i];
		char *title = line_title(l);
		fputc('\n', out);
		term_fputs(out, title);
		fputc('\n', out);
		free(title);
		struct tab tb;
		tab_init(&tb, 6, head, "rlrlrl");
		for (size_t j = 0; j < l->n_points; j++)
			point_cells(&tb, t, &l->points[j], 0);
		tab_print(out, &tb, TAB_TEXT);
		tab_release(&tb);
	}
	fprintf(out, "\n%zu line%s, %zu point%s LARGER than the point before, %zu smaller\n",
		t->n_lines, t->n_lines == 1 ? "" : "s", t->n_larger, t->n_larger == 1 ? "" : "s",
		t->n_smaller);
}

static void print_markdown(FILE *out, const struct trend *t)
{
	static const char *const head[] = { "interpreter", "workload", "count", "#", "x",
					    "B/object", "min", "max", "change", "verdict" };
	fprintf(out, "## Bytes per object over time\n\nMedian over the repetitions; each point is "
		"compared with the one before it on its line (threshold %g%%, the rule of "
		"`objmem compare`).\n\n", t->threshold * 100);
	files_table(out, t, TAB_MARKDOWN);
	fputc('\n', out);
	struct tab tb;
	tab_init(&tb, 10, head, "llrrlrrrrl");
	for (size_t i = 0; i < t->n_lines; i++) {
		const struct trend_line *l = &t->lines[i];
		char cnt[32];
		format_count(l->count, cnt, sizeof(cnt));
		for (size_t j = 0; j < l->n_points; j++) {
			tab_cell(&tb, l->interpreter);
			tab_cell(&tb, l->workload);
			tab_cell(&tb, cnt);
			point_cells(&tb, t, &l->points[j], 1);
		}
	}
	tab_print(out, &tb, TAB_MARKDOWN);
	tab_release(&tb);
	fprintf(out, "\n%zu point%s LARGER than the point before, %zu smaller.\n", t->n_larger,
		t->n_larger == 1 ? "" : "s", t->n_smaller);
}

static void csv_point(struct buf *b, const struct trend *t, const struct trend_line *l,
		      const struct trend_point *p)
{
	const struct trend_file *f = &t->files[p->file];
	const char *texts[] = { l->interpreter, l->workload };
	for (size_t k = 0; k < 2; k++) {
		csv_field(b, texts[k]);
		buf_addstr(b, ",");
	}
	buf_addf(b, "%llu,%zu,", (unsigned long long)l->count, p->file + 1);
	const char *more[] = { f->x_label, f->created ? f->created : "",
			       f->label ? f->label : "", f->source };
	for (size_t k = 0; k < 4; k++) {
		csv_field(b, more[k]);
		buf_addstr(b, ",");
	}
	double nums[] = { p->bpo.valid ? p->bpo.median : NAN, p->bpo.valid ? p->bpo.min : NAN,
			  p->bpo.valid ? p->bpo.max : NAN };
	for (size_t k = 0; k < 3; k++) {
		csv_number(b, nums[k]);
		buf_addstr(b, ",");
	}
	buf_addf(b, "%zu,", p->bpo.n);
	csv_number(b, p->change_pct);
	buf_addstr(b, ",");
	csv_field(b, point_verdict(p));
	buf_addstr(b, "\n");
}

static void print_csv(FILE *out, const struct trend *t)
{
	struct buf b = BUF_INIT;
	buf_addstr(&b, "interpreter,workload,count,file_index,x_label,created,label,source,median,"
		   "min,max,n,change_pct,verdict\n");
	for (size_t i = 0; i < t->n_lines; i++)
		for (size_t j = 0; j < t->lines[i].n_points; j++)
			csv_point(&b, t, &t->lines[i], &t->lines[i].points[j]);
	fputs(b.p, out);
	buf_release(&b);
}

static cJSON *str_or_null(const char *s)
{
	return s ? cJSON_CreateString(s) : cJSON_CreateNull();
}

static cJSON *num_or_null(int valid, double v)
{
	return valid && isfinite(v) ? cJSON_CreateNumber(v) : cJSON_CreateNull();
}

static cJSON *point_json(const struct trend_point *p)
{
	cJSON *po = cJSON_CreateObject();
	cJSON_AddNumberToObject(po, "file", (double)p->file);
	cJSON_AddItemToObject(po, "median", num_or_null(p->bpo.valid, p->bpo.median));
	cJSON_AddItemToObject(po, "min", num_or_null(p->bpo.valid, p->bpo.min));
	cJSON_AddItemToObject(po, "max", num_or_null(p->bpo.valid, p->bpo.max));
	cJSON_AddNumberToObject(po, "n", (double)p->bpo.n);
	cJSON_AddItemToObject(po, "change_pct", num_or_null(1, p->change_pct));
	const char *v = point_verdict(p);
	cJSON_AddItemToObject(po, "verdict", *v ? cJSON_CreateString(v) : cJSON_CreateNull());
	return po;
}

static void print_json(FILE *out, const struct trend *t)
{
	cJSON *doc = cJSON_CreateObject();
	cJSON_AddStringToObject(doc, "schema", "objmem-trend/1");
	cJSON_AddNumberToObject(doc, "threshold_pct", t->threshold * 100);
	cJSON *files = cJSON_AddArrayToObject(doc, "files");
	for (size_t i = 0; i < t->n_files; i++) {
		cJSON *f = cJSON_CreateObject();
		cJSON_AddStringToObject(f, "source", t->files[i].source);
		cJSON_AddItemToObject(f, "created", str_or_null(t->files[i].created));
		cJSON_AddItemToObject(f, "label", str_or_null(t->files[i].label));
		cJSON_AddStringToObject(f, "x_label", t->files[i].x_label);
		cJSON_AddItemToArray(files, f);
	}
	cJSON *lines = cJSON_AddArrayToObject(doc, "lines");
	for (size_t i = 0; i < t->n_lines; i++) {
		const struct trend_line *l = &t->lines[i];
		cJSON *lo = cJSON_CreateObject();
		cJSON_AddStringToObject(lo, "interpreter", l->interpreter);
		cJSON_AddStringToObject(lo, "workload", l->workload);
		cJSON_AddItemToObject(lo, "count", json_u64(l->count));
		cJSON *pts = cJSON_AddArrayToObject(lo, "points");
		for (size_t j = 0; j < l->n_points; j++)
			cJSON_AddItemToArray(pts, point_json(&l->points[j]));
		cJSON_AddItemToArray(lines, lo);
	}
	cJSON_AddNumberToObject(doc, "larger", (double)t->n_larger);
	cJSON_AddNumberToObject(doc, "smaller", (double)t->n_smaller);
	char *text = json_print_exact(doc, 1);
	fputs(text, out);
	free(text);
	cJSON_Delete(doc);
}

int trend_print(FILE *out, const struct trend *t, enum trend_format f)
{
	switch (f) {
	case TREND_TEXT: print_text(out, t); break;
	case TREND_MARKDOWN: print_markdown(out, t); break;
	case TREND_CSV: print_csv(out, t); break;
	case TREND_JSON: print_json(out, t); break;
	}
	return fflush(out) || ferror(out) ? -1 : 0;
}

/* ------------------------------------------------------------------ */
/* The figure                                                         */
/* ------------------------------------------------------------------ */

/*
 * The data file: one block per line, one row per results file:
 * x median min max status mark change (see plots/trend.gp).
 */
int trend_write_data(const struct trend *t, FILE *f)
{
	fprintf(f, "# objmem trend: bytes per object over %zu results files, oldest first\n"
		"# one block per line (gnuplot index i-1), one row per results file:\n"
		"# x median min max status mark change\n"
		"# status: ok, no-data (no ok repetition), missing (not in that file)\n"
		"# mark: 1 LARGER than the point before, -1 smaller, 0 neither\n", t->n_files);
	for (size_t i = 0; i < t->n_lines; i++) {
		const struct trend_line *l = &t->lines[i];
		char cnt[32];
		format_count(l->count, cnt, sizeof(cnt));
		char *title = xasprintf("%s %s %s", l->interpreter, l->workload, cnt);
		fputs(i ? "\n\n" : "", f);
		gp_data_header(f, title); /* comments every line of a name */
		free(title);
		size_t j = 0;
		for (size_t x = 0; x < t->n_files; x++) {
			while (j < l->n_points && l->points[j].file < x)
				j++;
			const struct trend_point *p = j < l->n_points && l->points[j].file == x
				? &l->points[j] : NULL;
			if (!p || !p->bpo.valid) {
				fprintf(f, "%zu NaN NaN NaN %s 0 \"-\"\n", x, p ? "no-data" : "missing");
				continue;
			}
			char med[32], lo[32], hi[32], change[32] = "-";
			gp_data_number(med, sizeof(med), p->bpo.median);
			gp_data_number(lo, sizeof(lo), p->bpo.min);
			gp_data_number(hi, sizeof(hi), p->bpo.max);
			if (!isnan(p->change_pct))
				snprintf(change, sizeof(change), "%+.1f%%", p->change_pct);
			fprintf(f, "%zu %s %s %s ok %d \"%s\"\n", x, med, lo, hi,
				p->verdict == VERDICT_LARGER ? 1 : p->verdict == VERDICT_SMALLER ? -1 : 0,
				change);
		}
	}
	return fflush(f) || ferror(f) ? -1 : 0;
}

/* Placeholders of plots/trend.gp for this series. */
static void trend_vars(const struct trend *t, const struct trend_figure *fig, struct gp_figure *g)
{
	const char **series = xcalloc(t->n_lines + 1, sizeof(*series));
	const char **xl = xcalloc(t->n_files + 1, sizeof(*xl));
	size_t longest = 28, longest_x = 0; /* at least the marks' explanation */
	for (size_t i = 0; i < t->n_lines; i++) {
		char cnt[32];
		format_count(t->lines[i].count, cnt, sizeof(cnt));
		series[i] = xasprintf("%s %s %s", t->lines[i].interpreter, t->lines[i].workload, cnt);
		if (strlen(series[i]) > longest)
			longest = strlen(series[i]);
	}
	for (size_t k = 0; k < t->n_files; k++) {
		xl[k] = t->files[k].x_label;
		if (strlen(xl[k]) > longest_x)
			longest_x = strlen(xl[k]);
	}
	long keyw = 52 + 8 * (long)longest + 30;
	long per_x = 8 * (long)longest_x + 16;
	int xticrot = t->n_files > 1 && per_x > 90;
	long plot_w = (long)t->n_files * (xticrot ? 48 : per_x);
	plot_w = plot_w < 760 ? 760 : plot_w > 2400 ? 2400 : plot_w;
	long bottom = 70 + (xticrot ? (long)(5.5 * (double)longest_x) : 0);

	struct buf d = BUF_INIT;
	buf_addf(&d, "NL = %zu    # lines: one per interpreter, workload and count\n", t->n_lines);
	gp_array_strings(&d, "SERIES", series, t->n_lines);
	buf_addf(&d, "NX = %zu    # results files, oldest first, at x = 0 .. NX-1\n", t->n_files);
	gp_array_strings(&d, "XLABELS", xl, t->n_files);
	buf_addf(&d, "NLARGER = %zu    # points LARGER than the point before\n", t->n_larger);
	buf_addf(&d, "NSMALLER = %zu    # points smaller than the point before\n", t->n_smaller);
	buf_addf(&d, "KEYW = %ld    # pixels the legend needs\n", keyw);
	buf_addf(&d, "XTICROT = %d    # 1: file labels slanted\n", xticrot);
	buf_addf(&d, "BOTTOM = %ld    # pixels under the plot: tics and label\n", bottom);
	gp_set_code(g, "DEFS", d.p);
	buf_release(&d);
	gp_set_long(g, "WIDTH", 120 + plot_w + keyw);
	gp_set_long(g, "HEIGHT", 520 + bottom);
	gp_set_text(g, "TITLE", fig->title);
	gp_set_text(g, "YLABEL", "bytes per object (median; bars: min..max of the repetitions)");
	gp_set_text(g, "XLABEL", "results file: revision label or date, oldest left");
	for (size_t i = 0; i < t->n_lines; i++)
		free((char *)series[i]);
	free(series);
	free(xl);
}

/* What a stream function writes, as text. */
static char *memstream_text(const struct trend *t, int data, size_t *len)
{
	char *text = NULL;
	FILE *f = open_memstream(&text, len);
	if (!f)
		die("out of memory");
	if (data)
		trend_write_data(t, f);
	else
		trend_print(f, t, TREND_MARKDOWN);
	fclose(f);
	return text;
}

static void say_written(const struct trend_figure *fig, unsigned drawn, int lines)
{
	if (fig->quiet)
		return;
	fprintf(stderr, "wrote %s/trend.dat, trend.gp, trend.md", fig->dir);
	for (unsigned bit = 1; bit <= GP_PDF; bit <<= 1)
		if (drawn & bit)
			fprintf(stderr, ", trend.%s", gp_format_name(bit));
	fprintf(stderr, "%s\n", lines ? "" : " (no line to draw)");
}

int trend_figure_write(const struct trend *t, const struct trend_figure *fig)
{
	struct gp_env env;
	struct gp_figure g;
	gp_figure_init(&g, "trend", "trend", "trend");
	int rc = gp_env_init(&env, fig->render && t->n_lines, fig->gnuplot, fig->templates,
			     fig->dir, fig->formats, fig->timeout_s, "objmem trend");
	if (!rc) {
		trend_vars(t, fig, &g);
		size_t len, md_len;
		char *data = memstream_text(t, 1, &len);
		char *md = memstream_text(t, 0, &md_len);
		buf_add(&g.data, data, len);
		char *path = xasprintf("%s/trend.md", fig->dir);
		rc = write_file_atomic(path, md, md_len);
		free(path);
		free(data);
		free(md);
	}
	if (!rc)
		rc = gp_draw(&env, &g) ? -1 : 0;
	if (!rc)
		say_written(fig, g.drawn, t->n_lines > 0);
	gp_figure_release(&g);
	gp_env_release(&env);
	return rc;
}
