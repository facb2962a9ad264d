/* trend.c - bytes per object over a series of results files, and `objmem trend`; see trend.h. */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "commands.h"
#include "fetch.h"
#include "jsonutil.h"
#include "plot.h"
#include "progress.h"
#include "spawn.h"
#include "trend.h"

extern char **environ;

#define DEFAULT_PAGE_SIZE 4096.0
#define GNUPLOT_TIMEOUT_S 120

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

static double page_size(const struct results *r)
{
	const cJSON *ps = r->machine ? cJSON_GetObjectItemCaseSensitive(r->machine, "page_size") : NULL;
	return cJSON_IsNumber(ps) && ps->valuedouble > 0 ? ps->valuedouble : DEFAULT_PAGE_SIZE;
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
		double page = page_size(&rs[order[k]]);
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
			p->verdict = VERDICT_SAME;
			p->change_pct = NAN;
			/* against the latest earlier point with data */
			for (size_t j = l->n_points - 1; j-- > 0;) {
				const struct trend_point *prev = &l->points[j];
				if (!prev->bpo.valid)
					continue;
				p->compared = 1;
				if (!p->bpo.valid) {
					p->verdict = VERDICT_NO_DATA;
					break;
				}
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

static void print_text(FILE *out, const struct trend *t)
{
	fprintf(out, "Bytes per object over %zu results file%s (median over the repetitions; each "
		"point is compared with the one before it on its line, threshold %g%%)\n\n",
		t->n_files, t->n_files == 1 ? "" : "s", t->threshold * 100);
	fprintf(out, "%3s  %-20s  %-20s  %s\n", "#", "created", "label", "file");
	for (size_t i = 0; i < t->n_files; i++)
		fprintf(out, "%3zu  %-20s  %-20s  %s\n", i + 1,
			t->files[i].created ? t->files[i].created : "-",
			t->files[i].label ? t->files[i].label : "-", t->files[i].source);
	for (size_t i = 0; i < t->n_lines; i++) {
		const struct trend_line *l = &t->lines[i];
		char cnt[32];
		format_count(l->count, cnt, sizeof(cnt));
		fprintf(out, "\n%s / %s / %s objects\n", l->interpreter, l->workload, cnt);
		fprintf(out, "%3s  %-20s  %9s  %-17s  %9s  %s\n", "#", "x", "B/object", "min..max",
			"change", "verdict");
		for (size_t j = 0; j < l->n_points; j++) {
			const struct trend_point *p = &l->points[j];
			char med[32] = "-", range[64] = "-", pct[32] = "";
			if (p->bpo.valid) {
				snprintf(med, sizeof(med), "%.1f", p->bpo.median);
				snprintf(range, sizeof(range), "%.1f..%.1f", p->bpo.min, p->bpo.max);
			}
			if (!isnan(p->change_pct))
				snprintf(pct, sizeof(pct), "%+.2f%%", p->change_pct);
			char row[512];
			snprintf(row, sizeof(row), "%3zu  %-20s  %9s  %-17s  %9s  %s", p->file + 1,
				 t->files[p->file].x_label, med, range, pct, point_verdict(p));
			size_t n = strlen(row);
			while (n && row[n - 1] == ' ')
				row[--n] = '\0';
			fprintf(out, "%s\n", row);
		}
	}
	fprintf(out, "\n%zu line%s, %zu point%s LARGER than the point before, %zu smaller\n",
		t->n_lines, t->n_lines == 1 ? "" : "s", t->n_larger, t->n_larger == 1 ? "" : "s",
		t->n_smaller);
}

static void md_text(FILE *out, const char *s)
{
	for (; *s; s++) {
		if (*s == '|' || *s == '\\' || *s == '*' || *s == '_' || *s == '`')
			fputc('\\', out);
		fputc(*s == '\n' ? ' ' : *s, out);
	}
}

static void print_markdown(FILE *out, const struct trend *t)
{
	fprintf(out, "## Bytes per object over time\n\nMedian over the repetitions; each point is "
		"compared with the one before it on its line (threshold %g%%, the rule of "
		"`objmem compare`).\n\n| # | created | label | file |\n|---:|---|---|---|\n",
		t->threshold * 100);
	for (size_t i = 0; i < t->n_files; i++) {
		fprintf(out, "| %zu | %s | ", i + 1, t->files[i].created ? t->files[i].created : "-");
		md_text(out, t->files[i].label ? t->files[i].label : "-");
		fputs(" | ", out);
		md_text(out, t->files[i].source);
		fputs(" |\n", out);
	}
	fprintf(out, "\n| interpreter | workload | count | # | x | B/object | min | max | change | verdict |\n"
		"|---|---|---:|---:|---|---:|---:|---:|---:|---|\n");
	for (size_t i = 0; i < t->n_lines; i++) {
		const struct trend_line *l = &t->lines[i];
		char cnt[32];
		format_count(l->count, cnt, sizeof(cnt));
		for (size_t j = 0; j < l->n_points; j++) {
			const struct trend_point *p = &l->points[j];
			fputs("| ", out);
			md_text(out, l->interpreter);
			fputs(" | ", out);
			md_text(out, l->workload);
			fprintf(out, " | %s | %zu | ", cnt, p->file + 1);
			md_text(out, t->files[p->file].x_label);
			if (p->bpo.valid)
				fprintf(out, " | %.1f | %.1f | %.1f", p->bpo.median, p->bpo.min, p->bpo.max);
			else
				fputs(" | - | - | -", out);
			if (!isnan(p->change_pct))
				fprintf(out, " | %+.2f%%", p->change_pct);
			else
				fputs(" | ", out);
			const char *v = point_verdict(p);
			fprintf(out, p->verdict == VERDICT_LARGER ? " | **%s** |\n" : " | %s |\n", v);
		}
	}
	fprintf(out, "\n%zu point%s LARGER than the point before, %zu smaller.\n", t->n_larger,
		t->n_larger == 1 ? "" : "s", t->n_smaller);
}

static void csv_field(FILE *out, const char *s)
{
	if (!strpbrk(s, ",\"\n\r")) {
		fputs(s, out);
		return;
	}
	fputc('"', out);
	for (; *s; s++) {
		if (*s == '"')
			fputc('"', out);
		fputc(*s, out);
	}
	fputc('"', out);
}

static void print_csv(FILE *out, const struct trend *t)
{
	fputs("interpreter,workload,count,file_index,x_label,created,label,source,median,min,max,n,"
	      "change_pct,verdict\n", out);
	for (size_t i = 0; i < t->n_lines; i++) {
		const struct trend_line *l = &t->lines[i];
		for (size_t j = 0; j < l->n_points; j++) {
			const struct trend_point *p = &l->points[j];
			const struct trend_file *f = &t->files[p->file];
			csv_field(out, l->interpreter);
			fputc(',', out);
			csv_field(out, l->workload);
			fprintf(out, ",%llu,%zu,", (unsigned long long)l->count, p->file + 1);
			csv_field(out, f->x_label);
			fputc(',', out);
			csv_field(out, f->created ? f->created : "");
			fputc(',', out);
			csv_field(out, f->label ? f->label : "");
			fputc(',', out);
			csv_field(out, f->source);
			if (p->bpo.valid)
				fprintf(out, ",%.17g,%.17g,%.17g,%zu", p->bpo.median, p->bpo.min, p->bpo.max,
					p->bpo.n);
			else
				fprintf(out, ",,,,0");
			if (!isnan(p->change_pct))
				fprintf(out, ",%.6f", p->change_pct);
			else
				fputc(',', out);
			fprintf(out, ",%s\n", point_verdict(p));
		}
	}
}

static cJSON *str_or_null(const char *s)
{
	return s ? cJSON_CreateString(s) : cJSON_CreateNull();
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
		for (size_t j = 0; j < l->n_points; j++) {
			const struct trend_point *p = &l->points[j];
			cJSON *po = cJSON_CreateObject();
			cJSON_AddNumberToObject(po, "file", (double)p->file);
			if (p->bpo.valid) {
				cJSON_AddNumberToObject(po, "median", p->bpo.median);
				cJSON_AddNumberToObject(po, "min", p->bpo.min);
				cJSON_AddNumberToObject(po, "max", p->bpo.max);
			} else {
				cJSON_AddNullToObject(po, "median");
				cJSON_AddNullToObject(po, "min");
				cJSON_AddNullToObject(po, "max");
			}
			cJSON_AddNumberToObject(po, "n", (double)p->bpo.n);
			cJSON_AddItemToObject(po, "change_pct", isnan(p->change_pct) ? cJSON_CreateNull()
					      : cJSON_CreateNumber(p->change_pct));
			const char *v = point_verdict(p);
			cJSON_AddItemToObject(po, "verdict", *v ? cJSON_CreateString(v) : cJSON_CreateNull());
			cJSON_AddItemToArray(pts, po);
		}
		cJSON_AddItemToArray(lines, lo);
	}
	cJSON_AddNumberToObject(doc, "larger", (double)t->n_larger);
	cJSON_AddNumberToObject(doc, "smaller", (double)t->n_smaller);
	char *text = cJSON_Print(doc);
	if (!text)
		die("out of memory printing the trend");
	fprintf(out, "%s\n", text);
	cJSON_free(text);
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
		fprintf(f, "%s# %s %s %s\n", i ? "\n\n" : "", l->interpreter, l->workload, cnt);
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
			plot_format_number(med, sizeof(med), p->bpo.median);
			plot_format_number(lo, sizeof(lo), p->bpo.min);
			plot_format_number(hi, sizeof(hi), p->bpo.max);
			if (!isnan(p->change_pct))
				snprintf(change, sizeof(change), "%+.1f%%", p->change_pct);
			fprintf(f, "%zu %s %s %s ok %d \"%s\"\n", x, med, lo, hi,
				p->verdict == VERDICT_LARGER ? 1 : p->verdict == VERDICT_SMALLER ? -1 : 0,
				change);
		}
	}
	return fflush(f) || ferror(f) ? -1 : 0;
}

/* An array of names for the script's @DEFS@, each in a gnuplot '...' string. */
static void defs_names(struct buf *b, const char *var, const char *const *names, size_t n)
{
	buf_addf(b, "array %s[%zu] = [", var, n);
	for (size_t i = 0; i < n; i++) {
		buf_addstr(b, i ? ", '" : "'");
		plot_gp_escape(b, names[i]);
		buf_addstr(b, "'");
	}
	buf_addstr(b, "]\n");
}

static void set_string(struct strvec *vars, const char *key, const char *value)
{
	struct buf b = BUF_INIT;
	plot_gp_escape(&b, value);
	strvec_setenv(vars, key, b.p);
	buf_release(&b);
}

int trend_script_vars(const struct trend *t, const struct trend_figure *fig, struct strvec *vars)
{
	const char **series = xcalloc(t->n_lines + 1, sizeof(*series));
	const char **xl = xcalloc(t->n_files + 1, sizeof(*xl));
	size_t longest = 0, longest_x = 0;
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
	/* the legend's text: the longest series name or the marks' explanation */
	if (longest < 28)
		longest = 28;
	long keyw = 52 + 8 * (long)longest + 30;
	long per_x = 8 * (long)longest_x + 16;
	int xticrot = t->n_files > 1 && per_x > 90;
	long plot_w = (long)t->n_files * (xticrot ? 48 : per_x);
	if (plot_w < 760)
		plot_w = 760;
	if (plot_w > 2400)
		plot_w = 2400;
	long w = 120 + plot_w + keyw;
	long bottom = 70 + (xticrot ? (long)(5.5 * (double)longest_x) : 0);
	long h = 520 + bottom;

	struct buf d = BUF_INIT;
	buf_addf(&d, "NL = %zu    # lines: one per interpreter, workload and count\n", t->n_lines);
	defs_names(&d, "SERIES", series, t->n_lines);
	buf_addf(&d, "NX = %zu    # results files, oldest first, at x = 0 .. NX-1\n", t->n_files);
	defs_names(&d, "XLABELS", xl, t->n_files);
	buf_addf(&d, "NLARGER = %zu    # points LARGER than the point before\n", t->n_larger);
	buf_addf(&d, "NSMALLER = %zu    # points smaller than the point before\n", t->n_smaller);
	buf_addf(&d, "KEYW = %ld    # pixels the legend needs\n", keyw);
	buf_addf(&d, "XTICROT = %d    # 1: file labels slanted\n", xticrot);
	buf_addf(&d, "BOTTOM = %ld    # pixels under the plot: tics and label\n", bottom);
	strvec_setenv(vars, "DEFS", d.p);
	buf_release(&d);
	char num[32];
	snprintf(num, sizeof(num), "%ld", w);
	strvec_setenv(vars, "WIDTH", num);
	snprintf(num, sizeof(num), "%ld", h);
	strvec_setenv(vars, "HEIGHT", num);
	set_string(vars, "DATA", "trend.dat");
	set_string(vars, "NAME", "trend");
	set_string(vars, "TITLE", fig->title);
	set_string(vars, "YLABEL", "bytes per object (median; bars: min..max of the repetitions)");
	set_string(vars, "XLABEL", "results file: revision label or date, oldest left");
	struct buf f = BUF_INIT;
	for (unsigned bit = 1; bit <= PLOT_PDF; bit <<= 1)
		if (fig->formats & bit)
			buf_addf(&f, "%s%s", f.len ? " " : "", plot_format_name(bit));
	if (!f.len)
		buf_addstr(&f, "png");
	strvec_setenv(vars, "FORMATS", f.p);
	buf_release(&f);
	for (size_t i = 0; i < t->n_lines; i++)
		free((char *)series[i]);
	free(series);
	free(xl);
	return 0;
}

/* Read the child's stdout and stderr until both close or the deadline passes. */
/* gnuplot on dir/script: 0, or -1 with what went wrong printed. */
static int run_gnuplot(const char *gnuplot, const char *dir, const char *script, double timeout_s)
{
	char *why = NULL;
	if (!plot_run_gnuplot(gnuplot, dir, script, timeout_s, &why))
		return 0;
	int rc = error("cannot draw '%s/%s': %s", dir, script, why ? why : "gnuplot failed");
	free(why);
	return rc;
}

static int write_trend_file(const char *dir, const char *name, const char *text, size_t len)
{
	char *path = xasprintf("%s/%s", dir, name);
	int rc = write_file_atomic(path, text, len);
	free(path);
	return rc;
}

/* Which of the formats gnuplot made, non-empty. */
static unsigned drawn_formats(const char *dir, unsigned formats)
{
	unsigned got = 0;
	for (unsigned bit = 1; bit <= PLOT_PDF; bit <<= 1) {
		if (!(formats & bit))
			continue;
		char *path = xasprintf("%s/trend.%s", dir, plot_format_name(bit));
		struct stat st;
		if (stat(path, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0)
			got |= bit;
		free(path);
	}
	return got;
}

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

static int load_template(const char *dir, const char *name, struct buf *out)
{
	char *path = xasprintf("%s/%s", dir, name);
	int rc = read_file(path, 1 << 20, out);
	free(path);
	return rc;
}

int trend_figure_write(const struct trend *t, const struct trend_figure *fig)
{
	if (plot_prepare_dir(fig->dir))
		return -1;
	char *gnuplot = NULL;
	if (fig->render) {
		const char *prog = fig->gnuplot ? fig->gnuplot : "gnuplot";
		gnuplot = spawn_which(prog, getenv("PATH"));
		if (!gnuplot)
			return error("cannot find '%s'%s; install it (Debian: apt-get install gnuplot-nox), "
				     "give --gnuplot PATH, or write the script alone with --scripts-only",
				     prog, strchr(prog, '/') ? "" : " on PATH");
	}
	char *tdir = fig->templates ? xstrdup(fig->templates) : plot_find_templates();
	if (!tdir) {
		free(gnuplot);
		return error("cannot find objmem's gnuplot templates (plots/trend.gp); set "
			     "OBJMEM_SRCDIR to the directory that holds plots/, or give --templates DIR");
	}
	struct buf common = BUF_INIT, tmpl = BUF_INIT, gp = BUF_INIT;
	struct strvec vars = STRVEC_INIT;
	char *data = NULL, *md = NULL, *why = NULL;
	size_t data_len = 0, md_len = 0;
	int rc = -1;
	if (load_template(tdir, "common.gp", &common) || load_template(tdir, "trend.gp", &tmpl))
		goto out;
	trend_script_vars(t, fig, &vars);
	strvec_setenv(&vars, "COMMON", common.p);
	buf_addf(&gp, "# trend.gp - made by objmem trend from the template %s/trend.gp.\n"
		 "# Run `gnuplot trend.gp` in this directory to draw the figure again\n"
		 "# from trend.dat; edit either (or the template) to change it.\n", tdir);
	if (plot_subst(tmpl.p, &vars, &gp, &why)) {
		error("template '%s/trend.gp': %s", tdir, why);
		goto out;
	}
	data = memstream_text(t, 1, &data_len);
	md = memstream_text(t, 0, &md_len);
	if (write_trend_file(fig->dir, "trend.dat", data, data_len) ||
	    write_trend_file(fig->dir, "trend.gp", gp.p, gp.len) ||
	    write_trend_file(fig->dir, "trend.md", md, md_len))
		goto out;
	if (!fig->render || !t->n_lines) {
		if (!fig->quiet)
			fprintf(stderr, "wrote %s/trend.dat, trend.gp and trend.md%s\n", fig->dir,
				t->n_lines ? "" : " (no line to draw)");
		rc = 0;
		goto out;
	}
	if (run_gnuplot(gnuplot, fig->dir, "trend.gp", fig->timeout_s))
		goto out;
	unsigned got = drawn_formats(fig->dir, fig->formats ? fig->formats : PLOT_PNG);
	if (!got) {
		error("gnuplot ran but made no image in '%s'; run 'gnuplot trend.gp' there to see why",
		      fig->dir);
		goto out;
	}
	if (!fig->quiet) {
		fprintf(stderr, "wrote %s/trend.dat, trend.gp, trend.md", fig->dir);
		for (unsigned bit = 1; bit <= PLOT_PDF; bit <<= 1)
			if (got & bit)
				fprintf(stderr, ", trend.%s", plot_format_name(bit));
		fputc('\n', stderr);
	}
	rc = 0;
out:
	free(why);
	free(data);
	free(md);
	strvec_clear(&vars);
	buf_release(&common);
	buf_release(&tmpl);
	buf_release(&gp);
	free(tdir);
	free(gnuplot);
	return rc;
}

/* ------------------------------------------------------------------ */
/* objmem trend                                                       */
/* ------------------------------------------------------------------ */

static const char trend_usage[] =
	"usage: objmem trend FILES... [-o DIR] [--count N|all] [--format text|markdown|csv|json]\n"
	"\n"
	"Bytes per object over a series of results files (nightly runs, revisions):\n"
	"one line per interpreter and workload (matched by name across the files), the\n"
	"files in the order of their dates (oldest first), each labelled with the\n"
	"revision given to 'objmem run --label', else its date. Each point is compared\n"
	"with the point before it on its line by the rule of 'objmem compare'; the\n"
	"LARGER ones are marked. Prints the series as a table; with -o, also draws it.\n"
	"FILES may be http:// or https:// URLs.\n"
	"\n"
	"  -o, --output DIR        write DIR/trend.png (and the other --image formats),\n"
	"                          its data DIR/trend.dat, the standalone gnuplot script\n"
	"                          DIR/trend.gp and the table DIR/trend.md\n"
	"  -n, --count N|all       the object count to follow (default: the largest count\n"
	"                          of the newest file); all: a line per count\n"
	"  -i, --interpreter NAME  only these interpreters (repeat or commas)\n"
	"  -w, --workload NAME     only these workloads (repeat or commas)\n"
	"  -t, --threshold PCT     as in compare (default 1%)\n"
	"  -f, --format F          the table on stdout: text (default), markdown, csv, json\n"
	"      --image LIST        the figure's formats: png, svg, pdf (default png)\n"
	"      --title TEXT        the figure's title\n"
	"      --templates DIR     the gnuplot templates (default: objmem's plots/)\n"
	"      --gnuplot PATH      the gnuplot to run (default: gnuplot on PATH)\n"
	"      --scripts-only      write data, script and table, do not run gnuplot\n"
	"      --keep-order        the files in the order given, not by date\n"
	"      --timeout SECONDS   for URL inputs (default 30)\n"
	"      --insecure          for https URL inputs: do not verify the TLS certificate\n"
	"  -q, --quiet             do not list the files written\n"
	"  -h, --help              this text\n"
	"\n"
	"example:\n"
	"  objmem trend history/*.json -o results/trend --count 1M -w point3d,slots\n"
	"\n"
	"exit status: 0 done (a regression is shown, not an error: 'objmem compare' is\n"
	"the gate), 2 bad usage, an input that cannot be read, or gnuplot failed.\n";

#define usage(...) usage_error(trend_usage, __VA_ARGS__)

enum { OPT_IMAGE = 256, OPT_TITLE, OPT_TEMPLATES, OPT_GNUPLOT, OPT_SCRIPTS_ONLY, OPT_KEEP_ORDER,
       OPT_TIMEOUT, OPT_INSECURE };

static const struct option trend_options[] = {
	{ "output", required_argument, NULL, 'o' },
	{ "count", required_argument, NULL, 'n' },
	{ "interpreter", required_argument, NULL, 'i' },
	{ "workload", required_argument, NULL, 'w' },
	{ "threshold", required_argument, NULL, 't' },
	{ "format", required_argument, NULL, 'f' },
	{ "image", required_argument, NULL, OPT_IMAGE },
	{ "title", required_argument, NULL, OPT_TITLE },
	{ "templates", required_argument, NULL, OPT_TEMPLATES },
	{ "gnuplot", required_argument, NULL, OPT_GNUPLOT },
	{ "scripts-only", no_argument, NULL, OPT_SCRIPTS_ONLY },
	{ "keep-order", no_argument, NULL, OPT_KEEP_ORDER },
	{ "timeout", required_argument, NULL, OPT_TIMEOUT },
	{ "insecure", no_argument, NULL, OPT_INSECURE },
	{ "quiet", no_argument, NULL, 'q' },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

static void split_push(struct strvec *sv, const char *arg)
{
	char *copy = xstrdup(arg), *save = NULL;
	for (char *p = strtok_r(copy, ",", &save); p; p = strtok_r(NULL, ",", &save))
		if (*p && strvec_find(sv, p) < 0)
			strvec_push(sv, p);
	free(copy);
}

int cmd_trend(int argc, char **argv)
{
	struct strvec interps = STRVEC_INIT, workloads = STRVEC_INIT;
	struct trend_opts to = { 0.01, 0, 0, 0, &interps, &workloads };
	struct trend_figure fig = { NULL, PLOT_PNG, NULL, NULL, NULL, 60, 1, 0 };
	enum trend_format fmt = TREND_TEXT;
	struct http_opts ho;
	http_opts_init(&ho);
	int rc = 2, opt;
	const char *why;

	optind = 1;
	opterr = 0;
	while ((opt = getopt_long(argc, argv, ":o:n:i:w:t:f:qh", trend_options, NULL)) != -1) {
		switch (opt) {
		case 'o': fig.dir = optarg; break;
		case 'n':
			if (!strcmp(optarg, "all")) {
				to.all_counts = 1;
			} else if (parse_count(optarg, &to.count, &why)) {
				rc = usage("bad --count '%s': %s (or 'all')", optarg, why);
				goto out;
			}
			break;
		case 'i': split_push(&interps, optarg); break;
		case 'w': split_push(&workloads, optarg); break;
		case 't':
			if (compare_parse_threshold(optarg, &to.threshold)) {
				rc = usage("--threshold takes a percentage from 0 to 1000 like 1%% or 0.5, "
					   "not '%s'", optarg);
				goto out;
			}
			break;
		case 'f':
			if (!strcmp(optarg, "text"))
				fmt = TREND_TEXT;
			else if (!strcmp(optarg, "markdown") || !strcmp(optarg, "md"))
				fmt = TREND_MARKDOWN;
			else if (!strcmp(optarg, "csv"))
				fmt = TREND_CSV;
			else if (!strcmp(optarg, "json"))
				fmt = TREND_JSON;
			else {
				rc = usage("unknown format '%s' (text, markdown, csv, json; the figure's "
					   "formats go to --image)", optarg);
				goto out;
			}
			break;
		case OPT_IMAGE: {
			char *bad = NULL;
			if (plot_formats_parse(optarg, &fig.formats, &bad)) {
				rc = usage("unknown image format '%s' (png, svg, pdf)", bad);
				free(bad);
				goto out;
			}
			break;
		}
		case OPT_TITLE: fig.title = optarg; break;
		case OPT_TEMPLATES: fig.templates = optarg; break;
		case OPT_GNUPLOT: fig.gnuplot = optarg; break;
		case OPT_SCRIPTS_ONLY: fig.render = 0; break;
		case OPT_KEEP_ORDER: to.keep_order = 1; break;
		case OPT_TIMEOUT: {
			char *end;
			double v = strtod(optarg, &end);
			if (end == optarg || *end || !(v > 0 && v <= 86400)) {
				rc = usage("--timeout takes seconds between 0 and 86400, not '%s'", optarg);
				goto out;
			}
			ho.timeout_s = v;
			if (ho.connect_timeout_s > v)
				ho.connect_timeout_s = v;
			break;
		}
		case OPT_INSECURE: ho.insecure = 1; break;
		case 'q': fig.quiet = 1; break;
		case 'h': rc = usage(NULL); goto out;
		case ':': rc = usage("option '%s' needs a value", argv[optind - 1]); goto out;
		default: rc = usage("unknown option '%s'", argv[optind - 1]); goto out;
		}
	}
	if (optind >= argc) {
		rc = usage("give the results files of the series");
		goto out;
	}
	size_t n = (size_t)(argc - optind);
	struct results *rs = xcalloc(n, sizeof(*rs));
	char **names = xcalloc(n, sizeof(*names));
	size_t loaded = 0;
	for (; loaded < n; loaded++) {
		results_init(&rs[loaded]);
		names[loaded] = url_redact(argv[optind + (int)loaded]);
		if (fetch_results(argv[optind + (int)loaded], &ho, &rs[loaded])) {
			loaded++;
			goto out_results;
		}
	}
	struct trend t;
	trend_build(rs, (const char *const *)names, n, &to, &t);
	if (!t.n_lines)
		warning("no results file has a row for the interpreters, workloads and count asked "
			"for (see: objmem show FILE)");
	if (trend_print(stdout, &t, fmt)) {
		trend_release(&t);
		goto out_results;
	}
	rc = 0;
	if (fig.dir) {
		char title[256];
		if (!fig.title) {
			if (to.all_counts || !t.n_lines) {
				snprintf(title, sizeof(title), "Bytes per object over time");
			} else {
				char cnt[32];
				format_count(t.lines[0].count, cnt, sizeof(cnt));
				snprintf(title, sizeof(title), "Bytes per object over time, %s objects", cnt);
			}
			fig.title = title;
		}
		if (trend_figure_write(&t, &fig))
			rc = 2;
	}
	trend_release(&t);
out_results:
	for (size_t i = 0; i < loaded; i++) {
		results_release(&rs[i]);
		free(names[i]);
	}
	free(rs);
	free(names);
out:
	strvec_clear(&interps);
	strvec_clear(&workloads);
	return rc;
}
