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

/* --detect on one line: the fit over its points with data, and the gate. */
static void detect_line(struct trend *t, struct trend_line *l)
{
	struct steps_point *sp = xcalloc(l->n_points + 1, sizeof(*sp));
	l->series = xcalloc(l->n_points + 1, sizeof(*l->series));
	size_t n = 0;
	for (size_t j = 0; j < l->n_points; j++) {
		const struct trend_point *p = &l->points[j];
		if (!p->bpo.valid)
			continue;
		sp[n] = (struct steps_point){ p->bpo.median, p->bpo.min, p->bpo.max, p->quantum };
		l->series[n++] = j;
	}
	steps_detect(sp, n, NULL, &l->fit);
	free(sp);
	for (size_t s = 0; s < l->fit.n_segs; s++) {
		const struct steps_segment *seg = &l->fit.segs[s];
		for (size_t i = seg->first; i < seg->first + seg->n; i++)
			l->points[l->series[i]].level = seg->level;
	}
	t->n_steps += l->fit.n_steps;
	t->n_suspected += l->fit.has_suspect;
	l->gate = steps_gate(&l->fit, t->threshold, &l->gate_step);
	if (t->check && steps_gate_fails(l->gate, t->strict))
		t->n_failed++;
}

size_t trend_step_file(const struct trend_line *l, const struct steps_step *s)
{
	return l->points[l->series[s->at]].file;
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
			p->quantum = results_page_size(&rs[order[k]]) / (double)row->count;
			p->level = NAN;
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
	t->detect = o->detect || o->check;
	t->check = o->check;
	t->strict = o->strict;
	if (t->detect)
		for (size_t i = 0; i < t->n_lines; i++)
			detect_line(t, &t->lines[i]);
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
		free(t->lines[i].series);
		steps_release(&t->lines[i].fit);
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

/* ---- steps (--detect) and the gate (--check) ---- */

/* The i-th step of a line: its steps oldest first, then its suspected one. */
static const struct steps_step *line_step(const struct trend_line *l, size_t i)
{
	if (i < l->fit.n_steps)
		return &l->fit.steps[i];
	return i == l->fit.n_steps && l->fit.has_suspect ? &l->fit.suspect : NULL;
}

/* Decimals that show a step: one, or three for a change under 0.1 bytes. */
static int step_decimals(const struct steps_step *s)
{
	return fabs(s->change) >= 0.1 ? 1 : 3;
}

static const char *step_kind(const struct steps_step *s)
{
	return s->suspected ? "suspected" : "step";
}

/* #, begins at, before, after, change, change %, files before/after, kind */
static void step_cells(struct tab *tb, const struct trend *t, const struct trend_line *l,
		       const struct steps_step *s)
{
	int d = step_decimals(s);
	size_t file = trend_step_file(l, s);
	tab_cellf(tb, "%zu", file + 1);
	tab_cell(tb, t->files[file].x_label);
	tab_cellf(tb, "%.*f", d, s->before);
	tab_cellf(tb, "%.*f", d, s->after);
	tab_cellf(tb, "%+.*f", d, s->change);
	if (isnan(s->change_pct))
		tab_cell(tb, "");
	else
		tab_cellf(tb, "%+.2f%%", s->change_pct);
	tab_cellf(tb, "%zu/%zu", s->n_before, s->n_after);
	if (!s->suspected && s->change > 0)  /* a step up: in bold, as compare's LARGER */
		tab_cell_strong(tb, step_kind(s));
	else
		tab_cell(tb, step_kind(s));
}

static const char *const step_head[] = { "#", "begins at", "before", "after", "change",
					 "change %", "files before/after", "kind" };

/* A line's steps as text, under its table of points. */
static void text_steps(FILE *out, const struct trend *t, const struct trend_line *l)
{
	if (!l->fit.n_segs)
		return;
	if (!l->fit.n_steps && !l->fit.has_suspect) {
		fprintf(out, "no step: one level, %.1f bytes per object, over the %zu file%s with "
			"data\n", l->fit.segs[0].level, l->fit.segs[0].n,
			l->fit.segs[0].n == 1 ? "" : "s");
		return;
	}
	fprintf(out, "steps (levels fitted over the %zu files with data):\n",
		l->fit.segs[l->fit.n_segs - 1].first + l->fit.segs[l->fit.n_segs - 1].n);
	struct tab tb;
	tab_init(&tb, 8, step_head, "rlrrrrrl");
	for (size_t i = 0; line_step(l, i); i++)
		step_cells(&tb, t, l, line_step(l, i));
	tab_print(out, &tb, TAB_TEXT);
	tab_release(&tb);
}

/* Every line's steps in one Markdown table. */
static void markdown_steps(FILE *out, const struct trend *t)
{
	static const char *const head[] = { "interpreter", "workload", "count", "#", "begins at",
					    "before", "after", "change", "change %",
					    "files before/after", "kind" };
	fprintf(out, "\n### Steps\n\nLevels fitted over each line's files with data (`objmem "
		"trend --detect`): a step needs two files on each side; the newest file alone, "
		"when it is off its level, is *suspected*.\n\n");
	if (!t->n_steps && !t->n_suspected) {
		fprintf(out, "No step in any line.\n");
		return;
	}
	struct tab tb;
	tab_init(&tb, 11, head, "llrrlrrrrrl");
	for (size_t i = 0; i < t->n_lines; i++) {
		const struct trend_line *l = &t->lines[i];
		char cnt[32];
		format_count(l->count, cnt, sizeof(cnt));
		for (size_t k = 0; line_step(l, k); k++) {
			tab_cell(&tb, l->interpreter);
			tab_cell(&tb, l->workload);
			tab_cell(&tb, cnt);
			step_cells(&tb, t, l, line_step(l, k));
		}
	}
	tab_print(out, &tb, TAB_MARKDOWN);
	tab_release(&tb);
}

/* The step (or suspected step) that begins at points[j] of line l, or NULL. */
static const struct steps_step *point_step(const struct trend_line *l, size_t j)
{
	for (size_t i = 0; line_step(l, i); i++)
		if (l->series[line_step(l, i)->at] == j)
			return line_step(l, i);
	return NULL;
}

/* What decided a line's gate, as a sentence (names as they are). */
static char *gate_sentence(const struct trend *t, const struct trend_line *l)
{
	const struct steps_step *s = l->gate_step;
	size_t file = trend_step_file(l, s);
	char cnt[32], pct[32] = "";
	int d = step_decimals(s);
	format_count(l->count, cnt, sizeof(cnt));
	if (!isnan(s->change_pct))
		snprintf(pct, sizeof(pct), "%+.2f%%, ", s->change_pct);
	struct buf b = BUF_INIT;
	buf_addf(&b, "%s %s %s: ", l->interpreter, l->workload, cnt);
	if (l->gate == STEPS_GATE_LARGER)
		buf_addf(&b, "the newest level, since #%zu %s (%zu file%s), is a step up from %.*f "
			 "to %.*f bytes per object (%sthreshold %g%%)", file + 1,
			 t->files[file].x_label, s->n_after, s->n_after == 1 ? "" : "s", d, s->before,
			 d, s->after, pct, t->threshold * 100);
	else
		buf_addf(&b, "the newest file, #%zu %s, alone is up from %.*f to %.*f bytes per "
			 "object (%sthreshold %g%%); one file cannot confirm a step: %s", file + 1,
			 t->files[file].x_label, d, s->before, d, s->after, pct, t->threshold * 100,
			 t->strict ? "--strict fails the gate on it" : "it fails the gate only with "
			 "--strict");
	return buf_detach(&b);
}

void trend_print_gate(FILE *out, const struct trend *t, int markdown)
{
	size_t suspected = 0, listed = 0;
	fputs(markdown ? "\n### Check\n\n" : "\n", out);
	for (size_t i = 0; i < t->n_lines; i++) {
		const struct trend_line *l = &t->lines[i];
		if (l->gate == STEPS_GATE_PASS)
			continue;
		suspected += l->gate == STEPS_GATE_SUSPECTED;
		listed++;
		char *text = gate_sentence(t, l);
		const char *tag = l->gate == STEPS_GATE_LARGER ? "LARGER" : "suspected";
		if (markdown) {
			fprintf(out, steps_gate_fails(l->gate, t->strict) ? "- **%s**: " : "- %s: ", tag);
			md_fputs(out, text);
		} else {
			fprintf(out, "%s: ", tag);
			term_fputs(out, text);
		}
		fputc('\n', out);
		free(text);
	}
	const char *verdict = t->n_failed ? "FAILED" : "passed";
	if (markdown)
		fprintf(out, "%s**check: %s**", listed ? "\n" : "", verdict);
	else
		fprintf(out, "check: %s", verdict);
	fprintf(out, ": %zu of %zu line%s fail%s the gate (the newest level a step up beyond "
		"%g%%%s)", t->n_failed, t->n_lines, t->n_lines == 1 ? "" : "s",
		t->n_failed == 1 ? "s" : "", t->threshold * 100,
		t->strict ? ", or the newest file alone" : "");
	if (suspected && !t->strict)
		fprintf(out, "; %zu suspected, not gated (--strict gates on them)", suspected);
	fputc('\n', out);
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
		if (t->detect)
			text_steps(out, t, l);
	}
	fprintf(out, "\n%zu line%s, %zu point%s LARGER than the point before, %zu smaller\n",
		t->n_lines, t->n_lines == 1 ? "" : "s", t->n_larger, t->n_larger == 1 ? "" : "s",
		t->n_smaller);
	if (t->detect)
		fprintf(out, "%zu step%s found, %zu suspected (the newest file alone)\n", t->n_steps,
			t->n_steps == 1 ? "" : "s", t->n_suspected);
	if (t->check)
		trend_print_gate(out, t, 0);
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
	if (t->detect)
		markdown_steps(out, t);
	if (t->check)
		trend_print_gate(out, t, 1);
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
	if (t->detect) {
		const struct steps_step *s = point_step(l, (size_t)(p - l->points));
		buf_addstr(b, ",");
		csv_number(b, p->level);
		buf_addstr(b, ",");
		csv_field(b, s ? step_kind(s) : "");
	}
	buf_addstr(b, "\n");
}

static void print_csv(FILE *out, const struct trend *t)
{
	struct buf b = BUF_INIT;
	buf_addstr(&b, "interpreter,workload,count,file_index,x_label,created,label,source,median,"
		   "min,max,n,change_pct,verdict");
	buf_addstr(&b, t->detect ? ",level,step\n" : "\n");
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

static cJSON *point_json(const struct trend *t, const struct trend_point *p)
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
	if (t->detect)
		cJSON_AddItemToObject(po, "level", num_or_null(1, p->level));
	return po;
}

/* A line's identity, first in each of its objects. */
static cJSON *line_json(const struct trend_line *l)
{
	cJSON *lo = cJSON_CreateObject();
	cJSON_AddStringToObject(lo, "interpreter", l->interpreter);
	cJSON_AddStringToObject(lo, "workload", l->workload);
	cJSON_AddItemToObject(lo, "count", json_u64(l->count));
	return lo;
}

static cJSON *step_json(const struct trend *t, const struct trend_line *l,
			const struct steps_step *s)
{
	cJSON *so = line_json(l);
	size_t file = trend_step_file(l, s);
	cJSON_AddStringToObject(so, "kind", step_kind(s));
	cJSON_AddNumberToObject(so, "file", (double)file);
	cJSON_AddStringToObject(so, "x_label", t->files[file].x_label);
	cJSON_AddStringToObject(so, "source", t->files[file].source);
	cJSON_AddNumberToObject(so, "before", s->before);
	cJSON_AddNumberToObject(so, "after", s->after);
	cJSON_AddNumberToObject(so, "change_bytes", s->change);
	cJSON_AddItemToObject(so, "change_pct", num_or_null(1, s->change_pct));
	cJSON_AddNumberToObject(so, "files_before", (double)s->n_before);
	cJSON_AddNumberToObject(so, "files_after", (double)s->n_after);
	return so;
}

/* The segments of a line: the levels fitted, with the files they span. */
static cJSON *segments_json(const struct trend_line *l)
{
	cJSON *segs = cJSON_CreateArray();
	for (size_t k = 0; k < l->fit.n_segs; k++) {
		const struct steps_segment *sg = &l->fit.segs[k];
		cJSON *so = cJSON_CreateObject();
		cJSON_AddNumberToObject(so, "first_file", (double)l->points[l->series[sg->first]].file);
		cJSON_AddNumberToObject(so, "last_file",
					(double)l->points[l->series[sg->first + sg->n - 1]].file);
		cJSON_AddNumberToObject(so, "files", (double)sg->n);
		cJSON_AddNumberToObject(so, "level", sg->level);
		cJSON_AddNumberToObject(so, "noise", sg->noise);
		cJSON_AddItemToArray(segs, so);
	}
	return segs;
}

/* "detect": the detector's parameters and every step of every line. */
static void detect_json(cJSON *doc, const struct trend *t)
{
	cJSON *d = cJSON_AddObjectToObject(doc, "detect");
	cJSON_AddStringToObject(d, "schema", "objmem-trend-steps/1");
	cJSON_AddNumberToObject(d, "penalty", STEPS_PENALTY);
	cJSON_AddNumberToObject(d, "min_segment", STEPS_MIN_SEGMENT);
	cJSON_AddStringToObject(d, "noise_floor", "max(page_size / count, max - min) per point");
	cJSON_AddNumberToObject(d, "n_steps", (double)t->n_steps);
	cJSON_AddNumberToObject(d, "n_suspected", (double)t->n_suspected);
	cJSON *steps = cJSON_AddArrayToObject(d, "steps");
	for (size_t i = 0; i < t->n_lines; i++)
		for (size_t k = 0; line_step(&t->lines[i], k); k++)
			cJSON_AddItemToArray(steps, step_json(t, &t->lines[i],
							      line_step(&t->lines[i], k)));
}

/* "gate": --check's verdict, and each line that did not pass. */
static void gate_json(cJSON *doc, const struct trend *t)
{
	cJSON *g = cJSON_AddObjectToObject(doc, "gate");
	cJSON_AddNumberToObject(g, "threshold_pct", t->threshold * 100);
	cJSON_AddBoolToObject(g, "strict", t->strict);
	cJSON_AddBoolToObject(g, "failed", t->n_failed > 0);
	cJSON_AddNumberToObject(g, "n_failed", (double)t->n_failed);
	cJSON *lines = cJSON_AddArrayToObject(g, "lines");
	for (size_t i = 0; i < t->n_lines; i++) {
		const struct trend_line *l = &t->lines[i];
		if (l->gate == STEPS_GATE_PASS)
			continue;
		cJSON *lo = line_json(l);
		cJSON_AddStringToObject(lo, "verdict", steps_gate_name(l->gate));
		cJSON_AddBoolToObject(lo, "fails", steps_gate_fails(l->gate, t->strict));
		cJSON_AddItemToObject(lo, "step", step_json(t, l, l->gate_step));
		cJSON_AddItemToArray(lines, lo);
	}
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
		cJSON *lo = line_json(l);
		cJSON *pts = cJSON_AddArrayToObject(lo, "points");
		for (size_t j = 0; j < l->n_points; j++)
			cJSON_AddItemToArray(pts, point_json(t, &l->points[j]));
		if (t->detect)
			cJSON_AddItemToObject(lo, "segments", segments_json(l));
		if (t->check)
			cJSON_AddStringToObject(lo, "gate", steps_gate_name(l->gate));
		cJSON_AddItemToArray(lines, lo);
	}
	cJSON_AddNumberToObject(doc, "larger", (double)t->n_larger);
	cJSON_AddNumberToObject(doc, "smaller", (double)t->n_smaller);
	if (t->detect)
		detect_json(doc, t);
	if (t->check)
		gate_json(doc, t);
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
 * x median min max level status mark change (see plots/trend.gp).
 */
int trend_write_data(const struct trend *t, FILE *f)
{
	fprintf(f, "# objmem trend: bytes per object over %zu results files, oldest first\n"
		"# one block per line (gnuplot index i-1), one row per results file:\n"
		"# x median min max level status mark change\n"
		"# level: the level fitted by --detect (NaN without it)\n"
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
				fprintf(f, "%zu NaN NaN NaN NaN %s 0 \"-\"\n", x, p ? "no-data" : "missing");
				continue;
			}
			char med[32], lo[32], hi[32], level[32], change[32] = "-";
			gp_data_number(med, sizeof(med), p->bpo.median);
			gp_data_number(lo, sizeof(lo), p->bpo.min);
			gp_data_number(hi, sizeof(hi), p->bpo.max);
			gp_data_number(level, sizeof(level), p->level);
			if (!isnan(p->change_pct))
				snprintf(change, sizeof(change), "%+.1f%%", p->change_pct);
			fprintf(f, "%zu %s %s %s %s ok %d \"%s\"\n", x, med, lo, hi, level,
				p->verdict == VERDICT_LARGER ? 1 : p->verdict == VERDICT_SMALLER ? -1 : 0,
				change);
		}
	}
	return fflush(f) || ferror(f) ? -1 : 0;
}

/*
 * A tic label: at most 18 characters (UTF-8 code points); a longer one
 * keeps its first 8 and last 9 around a "…", since revisions differ at the
 * end ("cpython-…0123456789ab"). *chars gets its length.
 */
static char *tic_text(const char *s, size_t *chars)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t n = 0, i = 0;
	size_t *at = xcalloc(strlen(s) + 1, sizeof(*at));  /* byte offset of each character */
	while (u[i]) {
		size_t len = utf8_len(u + i);
		at[n++] = i;
		i += len ? len : 1;
	}
	char *out = n <= 18 ? xstrdup(s)
		: xasprintf("%.*s\u2026%s", (int)at[8], s, s + at[n - 9]);
	*chars = n <= 18 ? n : 18;
	free(at);
	return out;
}

/* A label on the figure: where (x, the line), its text, its kind. */
struct fig_label {
	double x, y;
	size_t line;
	int kind;       /* rings: 1 LARGER, -1 smaller; steps: 1 suspected, 0 not */
	char *text;
};

static int fig_label_cmp(const void *a, const void *b)
{
	const struct fig_label *p = a, *q = b;
	if (p->x != q->x)
		return p->x < q->x ? -1 : 1;
	return p->line < q->line ? -1 : p->line > q->line;
}

/*
 * The labels in order of x, as gnuplot arrays: names[0] x, names[1] y (or,
 * by_line, the 1-based line), names[2] the texts, names[3] the kinds; count
 * the number of labels. Frees the texts.
 */
static void fig_labels_defs(struct buf *d, struct fig_label *v, size_t n, const char *count,
			    const char *const names[4], int by_line)
{
	qsort(v, n, sizeof(*v), fig_label_cmp);
	double *x = xcalloc(n + 1, sizeof(*x)), *y = xcalloc(n + 1, sizeof(*y));
	double *kind = xcalloc(n + 1, sizeof(*kind));
	const char **text = xcalloc(n + 1, sizeof(*text));
	for (size_t i = 0; i < n; i++) {
		x[i] = v[i].x;
		y[i] = by_line ? (double)v[i].line + 1 : v[i].y;
		kind[i] = v[i].kind;
		text[i] = v[i].text;
	}
	buf_addf(d, "%s = %zu\n", count, n);
	gp_array_numbers(d, names[0], x, n);
	gp_array_numbers(d, names[1], y, n);
	gp_array_strings(d, names[2], text, n);
	gp_array_numbers(d, names[3], kind, n);
	for (size_t i = 0; i < n; i++)
		free(v[i].text);
	free(x);
	free(y);
	free(kind);
	free(text);
}

/* Without --detect: the rings' changes, MARK*. */
static void defs_marks(struct buf *d, const struct trend *t)
{
	struct fig_label *v = xcalloc(t->n_larger + t->n_smaller + 1, sizeof(*v));
	size_t n = 0;
	for (size_t i = 0; i < t->n_lines && !t->detect; i++) {
		for (size_t j = 0; j < t->lines[i].n_points; j++) {
			const struct trend_point *p = &t->lines[i].points[j];
			int dir = p->verdict == VERDICT_LARGER ? 1 : p->verdict == VERDICT_SMALLER ? -1 : 0;
			if (!p->bpo.valid || !dir || isnan(p->change_pct))
				continue;
			v[n++] = (struct fig_label){ (double)p->file, p->bpo.median, i, dir,
						     xasprintf("%+.1f%%", p->change_pct) };
		}
	}
	static const char *const names[4] = { "MARKX", "MARKY", "MARKTEXT", "MARKDIR" };
	buf_addstr(d, "# the rings' changes: x, y, text, 1 above (LARGER) or -1 below (smaller)\n");
	fig_labels_defs(d, v, n, "NMARKS", names, 0);
	free(v);
}

/* With --detect: every step, STEP*: x between the files, its line, its label. */
static void defs_steps(struct buf *d, const struct trend *t)
{
	struct fig_label *v = xcalloc(t->n_steps + t->n_suspected + 1, sizeof(*v));
	size_t n = 0;
	for (size_t i = 0; i < t->n_lines; i++) {
		const struct trend_line *l = &t->lines[i];
		for (size_t k = 0; line_step(l, k); k++) {
			const struct steps_step *s = line_step(l, k);
			int dd = step_decimals(s);
			char *text = isnan(s->change_pct)
				? xasprintf("%.*f (%+.*f B)%s", dd, s->after, dd, s->change,
					    s->suspected ? "?" : "")
				: xasprintf("%.*f (%+.1f%%)%s", dd, s->after, s->change_pct,
					    s->suspected ? "?" : "");
			v[n++] = (struct fig_label){ (double)trend_step_file(l, s) - 0.5, s->after, i,
						     s->suspected, text };
		}
	}
	static const char *const names[4] = { "STEPX", "STEPLINE", "STEPTEXT", "STEPSUSP" };
	buf_addstr(d, "# the steps: x (between two files), line, label, 1 when suspected\n");
	fig_labels_defs(d, v, n, "NSTEPS", names, 1);
	buf_addf(d, "NSUSPECT = %zu\n", t->n_suspected);
	free(v);
}

/* The lines' names, the files' tic labels, and the range of the data. */
static void defs_axes(struct buf *d, const struct trend *t)
{
	const char **series = xcalloc(t->n_lines + 1, sizeof(*series));
	char **xl = xcalloc(t->n_files + 1, sizeof(*xl));
	size_t longest = 32, longest_x = 1; /* at least the legend's marks */
	double lo = INFINITY, hi = -INFINITY;
	for (size_t i = 0; i < t->n_lines; i++) {
		char cnt[32];
		format_count(t->lines[i].count, cnt, sizeof(cnt));
		series[i] = xasprintf("%s %s %s", t->lines[i].interpreter, t->lines[i].workload, cnt);
		if (term_width(series[i]) > longest)
			longest = term_width(series[i]);
		for (size_t j = 0; j < t->lines[i].n_points; j++) {
			const struct stat3 *b = &t->lines[i].points[j].bpo;
			lo = b->valid && b->min < lo ? b->min : lo;
			hi = b->valid && b->max > hi ? b->max : hi;
		}
	}
	for (size_t k = 0; k < t->n_files; k++) {
		size_t chars;
		xl[k] = tic_text(t->files[k].x_label, &chars);
		longest_x = chars > longest_x ? chars : longest_x;
	}
	buf_addf(d, "NL = %zu    # lines: one per interpreter, workload and count\n", t->n_lines);
	gp_array_strings(d, "SERIES", series, t->n_lines);
	buf_addf(d, "LABELCHARS = %zu    # the legend's longest entry\n", longest);
	buf_addf(d, "NX = %zu    # results files, oldest first, at x = 0 .. NX-1\n", t->n_files);
	gp_array_strings(d, "XLABELS", (const char *const *)xl, t->n_files);
	buf_addf(d, "XLABELCHARS = %zu    # the longest tic label\n", longest_x);
	if (lo <= hi)
		buf_addf(d, "YDMIN = %.17g; YDMAX = %.17g    # the data, min..max\n", lo, hi);
	else
		buf_addstr(d, "YDMIN = NaN; YDMAX = NaN    # no data\n");
	for (size_t i = 0; i < t->n_lines; i++)
		free((char *)series[i]);
	for (size_t k = 0; k < t->n_files; k++)
		free(xl[k]);
	free(series);
	free(xl);
}

/* Placeholders of plots/trend.gp for this series. */
static void trend_vars(const struct trend *t, const struct trend_figure *fig, struct gp_figure *g)
{
	struct buf d = BUF_INIT;
	defs_axes(&d, t);
	buf_addf(&d, "DETECT = %d    # 1: steps drawn (--detect); 0: rings\n", t->detect);
	buf_addf(&d, "NLARGER = %zu    # points LARGER than the point before\n", t->n_larger);
	buf_addf(&d, "NSMALLER = %zu    # points smaller than the point before\n", t->n_smaller);
	defs_marks(&d, t);
	defs_steps(&d, t);
	char *note = t->detect
		? xstrdup("Median over the repetitions, bars: their min..max. Thin: the levels "
			  "fitted over the history (objmem trend --detect); dashed: a step, labelled "
			  "with its new level and change; dotted: the newest file alone, off its "
			  "level (suspected).")
		: xasprintf("Median over the repetitions, bars: their min..max. Ringed: LARGER (red) "
			    "or smaller (green) than the point before on its line, by the rule of "
			    "objmem compare (threshold %g%%).", t->threshold * 100);
	buf_addstr(&d, "NOTE = '");
	gp_escape(&d, note);
	buf_addstr(&d, "'    # under the title, wrapped to the width\n");
	free(note);
	gp_set_code(g, "DEFS", d.p);
	buf_release(&d);
	/* one size for every format when asked for; else 800 pixels and a column */
	gp_set_code(g, "WIDTH", fig->width ? fig->width : "800");
	gp_set_code(g, "HEIGHT", fig->height ? fig->height : "0");
	gp_set_code(g, "PDFWIDTH", fig->width ? "PNGW / PXIN" : "6.5");
	gp_set_code(g, "PDFHEIGHT", fig->width ? "PNGH / PXIN" : "0");
	gp_set_text(g, "TITLE", fig->title);
	gp_set_text(g, "YLABEL", "bytes per object");
	gp_set_text(g, "XLABEL", "results file: revision label or date, oldest left");
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
