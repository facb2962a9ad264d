/* trend.c - bytes per object over a series of results files, and `objmem trend`; see trend.h. */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "commands.h"
#include "fetch.h"
#include "jsonutil.h"
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
			p->file = k;
			p->bpo = row->bytes_per_object;
			p->verdict = VERDICT_SAME;
			p->change_pct = NAN;
			/* against the latest earlier point with data */
			for (size_t j = l->n_points - 1; j-- > 0;) {
				const struct trend_point *prev = &l->points[j];
				if (!prev->bpo.valid)
					continue;
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

static const char *point_verdict(const struct trend_point *p, size_t index_in_line)
{
	if (!p->bpo.valid)
		return "no-data";
	if (!index_in_line || isnan(p->change_pct)) {
		/* the first point, or one after only points without data */
		return p->verdict == VERDICT_SAME && !index_in_line ? "" : verdict_name(p->verdict);
	}
	return verdict_name(p->verdict);
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
			fprintf(out, "%3zu  %-20s  %9s  %-17s  %9s  %s\n", p->file + 1,
				t->files[p->file].x_label, med, range, pct, point_verdict(p, j));
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
			const char *v = point_verdict(p, j);
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
			fprintf(out, ",%s\n", point_verdict(p, j));
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
			const char *v = point_verdict(p, j);
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

/* A title for a gnuplot data file: in double quotes, so no '"' and no control bytes. */
static void add_data_title(struct buf *b, const char *s)
{
	buf_addstr(b, "\"");
	for (; *s; s++) {
		char c = *s;
		if (c == '"')
			c = '\'';
		else if ((unsigned char)c < 0x20)
			c = ' ';
		buf_add(b, &c, 1);
	}
	buf_addstr(b, "\"");
}

int trend_write_data(const struct trend *t, const char *path)
{
	struct buf b = BUF_INIT;
	buf_addstr(&b, "# objmem trend: bytes per object over a series of results files\n"
		   "# one block per line: a header row (title median min max), then\n"
		   "# position median min max; then the LARGER and the smaller points\n");
	for (size_t i = 0; i < t->n_lines; i++) {
		const struct trend_line *l = &t->lines[i];
		char cnt[32];
		format_count(l->count, cnt, sizeof(cnt));
		char *title = xasprintf("%s %s %s", l->interpreter, l->workload, cnt);
		add_data_title(&b, title);
		free(title);
		buf_addstr(&b, "\tmedian\tmin\tmax\n");
		for (size_t j = 0; j < l->n_points; j++) {
			const struct trend_point *p = &l->points[j];
			if (p->bpo.valid)
				buf_addf(&b, "%zu\t%.17g\t%.17g\t%.17g\n", p->file, p->bpo.median,
					 p->bpo.min, p->bpo.max);
		}
		buf_addstr(&b, "\n\n");
	}
	for (int pass = 0; pass < 2; pass++) {
		enum verdict want = pass ? VERDICT_SMALLER : VERDICT_LARGER;
		buf_addstr(&b, pass ? "\"smaller\"\ty\tlabel\n" : "\"LARGER\"\ty\tlabel\n");
		for (size_t i = 0; i < t->n_lines; i++)
			for (size_t j = 0; j < t->lines[i].n_points; j++) {
				const struct trend_point *p = &t->lines[i].points[j];
				if (p->verdict != want || !p->bpo.valid)
					continue;
				char pct[32] = "";
				if (!isnan(p->change_pct))
					snprintf(pct, sizeof(pct), "%+.1f%%", p->change_pct);
				buf_addf(&b, "%zu\t%.17g\t\"%s\"\n", p->file, p->bpo.median, pct);
			}
		buf_addstr(&b, "\n\n");
	}
	int rc = write_file_atomic(path, b.p, b.len);
	buf_release(&b);
	return rc;
}

/* s inside a single-quoted gnuplot string: '' is a quote, no newline. */
static void add_single_quoted(struct buf *b, const char *s)
{
	for (; *s; s++) {
		if (*s == '\'')
			buf_addstr(b, "''");
		else if (*s == '\n' || *s == '\r')
			buf_addstr(b, " ");
		else
			buf_add(b, s, 1);
	}
}

/* s as a double-quoted gnuplot string, with its quotes. */
static void add_double_quoted(struct buf *b, const char *s)
{
	buf_addstr(b, "\"");
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			buf_addf(b, "\\%c", *s);
		else if (*s == '\n' || *s == '\r')
			buf_addstr(b, " ");
		else
			buf_add(b, s, 1);
	}
	buf_addstr(b, "\"");
}

char *trend_fill_template(const char *tmpl, const struct trend *t, const struct trend_plot_vars *v)
{
	struct buf b = BUF_INIT;
	const char *p = tmpl;
	while (*p) {
		const char *at = strchr(p, '@');
		if (!at) {
			buf_addstr(&b, p);
			break;
		}
		buf_add(&b, p, (size_t)(at - p));
		const char *end = strchr(at + 1, '@');
		size_t len = end ? (size_t)(end - at - 1) : 0;
		char name[32] = "";
		if (end && len > 0 && len < sizeof(name) && strspn(at + 1, "ABCDEFGHIJKLMNOPQRSTUVWXYZ_") == len)
			memcpy(name, at + 1, len);
		if (!strcmp(name, "TERMINAL")) {
			buf_addstr(&b, v->terminal); /* trusted: chosen by objmem */
		} else if (!strcmp(name, "OUTPUT")) {
			add_single_quoted(&b, v->output);
		} else if (!strcmp(name, "DATA")) {
			add_single_quoted(&b, v->data);
		} else if (!strcmp(name, "TITLE")) {
			add_single_quoted(&b, v->title);
		} else if (!strcmp(name, "XTICS")) {
			for (size_t i = 0; i < t->n_files; i++) {
				if (i)
					buf_addstr(&b, ", ");
				add_double_quoted(&b, t->files[i].x_label);
				buf_addf(&b, " %zu", i);
			}
		} else if (!strcmp(name, "XMAX")) {
			buf_addf(&b, "%zu", t->n_files ? t->n_files - 1 : 0);
		} else if (!strcmp(name, "LINES")) {
			buf_addf(&b, "%zu", t->n_lines);
		} else {
			buf_addstr(&b, "@"); /* not a field: keep the text */
			p = at + 1;
			continue;
		}
		p = end + 1;
	}
	return buf_detach(&b);
}

/* Read the child's stdout and stderr until both close or the deadline passes. */
static int drain_child(struct child *c, struct buf *err, double deadline)
{
	struct pollfd fds[2] = { { c->out_fd, POLLIN, 0 }, { c->err_fd, POLLIN, 0 } };
	int open_fds = 2;
	while (open_fds) {
		double left = deadline - now_s();
		if (left <= 0)
			return -1;
		int n = poll(fds, 2, (int)(left * 1000) + 1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		for (int i = 0; i < 2; i++) {
			if (fds[i].fd < 0 || !(fds[i].revents & (POLLIN | POLLHUP | POLLERR)))
				continue;
			char tmp[4096];
			ssize_t got = read(fds[i].fd, tmp, sizeof(tmp));
			if (got > 0) {
				if (i == 1 && err->len < 65536)
					buf_add(err, tmp, (size_t)got);
			} else if (got == 0 || (errno != EAGAIN && errno != EINTR)) {
				fds[i].fd = -1;
				open_fds--;
			}
		}
	}
	return 0;
}

/* The lines of gnuplot's stderr worth showing: not its "no valid points" warnings. */
static void print_gnuplot_stderr(const struct buf *err)
{
	if (!err->len)
		return;
	char *copy = xstrndup(err->p, err->len), *save = NULL;
	for (char *line = strtok_r(copy, "\n", &save); line; line = strtok_r(NULL, "\n", &save))
		if (!strstr(line, "Skipping data file with no valid points") && *line)
			fprintf(stderr, "  gnuplot: %s\n", line);
	free(copy);
}

/* gnuplot -e "cd 'DIR'" SCRIPT, with an argv; 0, -1 (message printed), 1 (no gnuplot). */
static int run_gnuplot(const char *dir, const char *script)
{
	char *exe = spawn_which("gnuplot", getenv("PATH"));
	if (!exe)
		return 1;
	struct child c;
	child_init(&c);
	strvec_push(&c.argv, exe);
	strvec_push(&c.argv, "-e");
	struct buf cd = BUF_INIT;
	buf_addstr(&cd, "cd '");
	add_single_quoted(&cd, dir);
	buf_addstr(&cd, "'");
	strvec_push(&c.argv, cd.p);
	buf_release(&cd);
	strvec_push(&c.argv, script);
	for (char **e = environ; e && *e; e++)
		strvec_push(&c.env, *e);
	free(exe);

	char *why = NULL;
	if (child_start(&c, &why)) {
		int rc = error("cannot run gnuplot: %s", why);
		free(why);
		child_release(&c);
		return rc;
	}
	close(c.in_fd);
	c.in_fd = -1;
	struct buf err = BUF_INIT;
	int rc = 0;
	if (drain_child(&c, &err, now_s() + GNUPLOT_TIMEOUT_S) || child_wait(&c, 5) != 1) {
		child_kill(&c);
		rc = error("gnuplot did not finish '%s/%s' within %d s; it was stopped", dir, script,
			   GNUPLOT_TIMEOUT_S);
	} else if (!WIFEXITED(c.wait_status) || WEXITSTATUS(c.wait_status)) {
		char *how = child_describe_exit(&c);
		rc = error("gnuplot failed on '%s/%s' (%s); its messages:", dir, script, how);
		free(how);
		print_gnuplot_stderr(&err);
	}
	buf_release(&err);
	child_release(&c);
	return rc;
}

static int is_file(const char *p)
{
	struct stat st;
	return stat(p, &st) == 0 && S_ISREG(st.st_mode);
}

/* plots/trend.gp: from OBJMEM_SRCDIR, beside the executable, or installed. */
static char *find_template(void)
{
	const char *src = getenv("OBJMEM_SRCDIR");
	if (src && *src) {
		char *p = xasprintf("%s/plots/trend.gp", src);
		if (is_file(p))
			return p;
		free(p);
	}
	char *self = self_dir();
	static const char *const rel[] = { "/plots", "/../plots", "/../../plots", "/../share/objmem/plots" };
	for (size_t i = 0; self && i < ARRAY_SIZE(rel); i++) {
		char *p = xasprintf("%s%s/trend.gp", self, rel[i]);
		if (is_file(p)) {
			free(self);
			return p;
		}
		free(p);
	}
	free(self);
	return NULL;
}

static int make_dir(const char *dir)
{
	char *d = xstrdup(dir);
	for (char *p = d + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		mkdir(d, 0755);
		*p = '/';
	}
	int rc = 0;
	struct stat st;
	if (mkdir(d, 0755) && errno != EEXIST)
		rc = error("cannot create directory '%s': %s", d, strerror(errno));
	else if (stat(d, &st) || !S_ISDIR(st.st_mode))
		rc = error("'%s' is not a directory: give -o a directory for the figure and its data", d);
	free(d);
	return rc;
}

struct plot_request {
	const char *dir, *template_path, *image, *title;
	int no_plot;
};

static int trend_plot(const struct trend *t, const struct plot_request *pr)
{
	if (make_dir(pr->dir))
		return -1;
	char *tmpl_path = pr->template_path ? xstrdup(pr->template_path) : find_template();
	if (!tmpl_path)
		return error("cannot find the template plots/trend.gp: set OBJMEM_SRCDIR to the objmem "
			     "source directory, or give one with --template FILE");
	struct buf tmpl = BUF_INIT;
	if (read_file(tmpl_path, 1 << 20, &tmpl)) {
		free(tmpl_path);
		buf_release(&tmpl);
		return -1;
	}
	free(tmpl_path);

	int svg = !strcmp(pr->image, "svg");
	char *image = xasprintf("trend.%s", svg ? "svg" : "png");
	struct trend_plot_vars v = {
		svg ? "svg size 1200,700 dynamic font 'sans,11' background rgb 'white'"
		    : "pngcairo size 1200,700 font 'sans,10'",
		image, "trend.dat", pr->title,
	};
	char *script = trend_fill_template(tmpl.p, t, &v);
	buf_release(&tmpl);
	char *dat = xasprintf("%s/trend.dat", pr->dir);
	char *gp = xasprintf("%s/trend.gp", pr->dir);
	char *md = xasprintf("%s/trend.md", pr->dir);
	int rc = -1;
	if (trend_write_data(t, dat) || write_file_atomic(gp, script, strlen(script)))
		goto out;
	FILE *f = fopen(md, "w");
	if (!f) {
		error("cannot write '%s': %s", md, strerror(errno));
		goto out;
	}
	trend_print(f, t, TREND_MARKDOWN);
	if (fclose(f)) {
		error("cannot write '%s': %s", md, strerror(errno));
		goto out;
	}
	if (pr->no_plot || !t->n_lines) {
		if (!t->n_lines)
			warning("no line to draw: no results file has a row for the interpreters, "
				"workloads and count asked for");
		fprintf(stderr, "wrote '%s', '%s' and '%s'\n", dat, gp, md);
		rc = 0;
		goto out;
	}
	int g = run_gnuplot(pr->dir, "trend.gp");
	if (g == 1) {
		warning("gnuplot is not installed: wrote '%s' and '%s' but no image; install it "
			"(apt-get install gnuplot-nox) and run: cd '%s' && gnuplot trend.gp", dat, gp,
			pr->dir);
		rc = 0;
	} else if (g == 0) {
		fprintf(stderr, "wrote '%s/%s' (data '%s', script '%s', table '%s')\n", pr->dir, image,
			dat, gp, md);
		rc = 0;
	}
out:
	free(script);
	free(image);
	free(dat);
	free(gp);
	free(md);
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
	"  -o, --output DIR        write DIR/trend.png (or .svg), its data DIR/trend.dat,\n"
	"                          the standalone script DIR/trend.gp and DIR/trend.md\n"
	"  -n, --count N|all       the object count to follow (default: the largest count\n"
	"                          of the newest file); all: a line per count\n"
	"  -i, --interpreter NAME  only these interpreters (repeat or commas)\n"
	"  -w, --workload NAME     only these workloads (repeat or commas)\n"
	"  -t, --threshold PCT     as in compare (default 1%)\n"
	"  -f, --format F          the table on stdout: text (default), markdown, csv, json\n"
	"      --image png|svg     the figure's format (default png)\n"
	"      --title TEXT        the figure's title\n"
	"      --template FILE     a gnuplot template instead of plots/trend.gp\n"
	"      --no-plot           write the data and the script, do not run gnuplot\n"
	"      --keep-order        the files in the order given, not by date\n"
	"      --timeout SECONDS   for URL inputs (default 30)\n"
	"      --insecure          for https URL inputs: do not verify the TLS certificate\n"
	"  -h, --help              this text\n"
	"\n"
	"example:\n"
	"  objmem trend history/*.json -o results/trend --count 1M -w point3d,slots\n"
	"\n"
	"exit status: 0 done (regressions are shown, not an error: use 'objmem compare'\n"
	"to gate), 2 bad usage, an input that cannot be read, or a figure that failed.\n";

enum { OPT_IMAGE = 256, OPT_TITLE, OPT_TEMPLATE, OPT_NO_PLOT, OPT_KEEP_ORDER, OPT_TIMEOUT,
       OPT_INSECURE };

static const struct option trend_options[] = {
	{ "output", required_argument, NULL, 'o' },
	{ "count", required_argument, NULL, 'n' },
	{ "interpreter", required_argument, NULL, 'i' },
	{ "workload", required_argument, NULL, 'w' },
	{ "threshold", required_argument, NULL, 't' },
	{ "format", required_argument, NULL, 'f' },
	{ "image", required_argument, NULL, OPT_IMAGE },
	{ "title", required_argument, NULL, OPT_TITLE },
	{ "template", required_argument, NULL, OPT_TEMPLATE },
	{ "no-plot", no_argument, NULL, OPT_NO_PLOT },
	{ "keep-order", no_argument, NULL, OPT_KEEP_ORDER },
	{ "timeout", required_argument, NULL, OPT_TIMEOUT },
	{ "insecure", no_argument, NULL, OPT_INSECURE },
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
	struct plot_request pr = { NULL, NULL, "png", NULL, 0 };
	enum trend_format fmt = TREND_TEXT;
	struct http_opts ho;
	http_opts_init(&ho);
	int rc = 2, opt;
	const char *why;

	optind = 1;
	opterr = 0;
	while ((opt = getopt_long(argc, argv, ":o:n:i:w:t:f:h", trend_options, NULL)) != -1) {
		switch (opt) {
		case 'o': pr.dir = optarg; break;
		case 'n':
			if (!strcmp(optarg, "all")) {
				to.all_counts = 1;
			} else if (parse_count(optarg, &to.count, &why)) {
				rc = usage_error(trend_usage, "bad --count '%s': %s (or 'all')", optarg, why);
				goto out;
			}
			break;
		case 'i': split_push(&interps, optarg); break;
		case 'w': split_push(&workloads, optarg); break;
		case 't':
			if (compare_parse_threshold(optarg, &to.threshold)) {
				rc = usage_error(trend_usage, "--threshold takes a percentage from 0 to 1000 "
						 "like 1%% or 0.5, not '%s'", optarg);
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
				rc = usage_error(trend_usage, "unknown format '%s' (text, markdown, csv, json)",
						 optarg);
				goto out;
			}
			break;
		case OPT_IMAGE:
			if (strcmp(optarg, "png") && strcmp(optarg, "svg")) {
				rc = usage_error(trend_usage, "--image takes png or svg, not '%s'", optarg);
				goto out;
			}
			pr.image = optarg;
			break;
		case OPT_TITLE: pr.title = optarg; break;
		case OPT_TEMPLATE: pr.template_path = optarg; break;
		case OPT_NO_PLOT: pr.no_plot = 1; break;
		case OPT_KEEP_ORDER: to.keep_order = 1; break;
		case OPT_TIMEOUT: {
			char *end;
			double v = strtod(optarg, &end);
			if (end == optarg || *end || !(v > 0 && v <= 86400)) {
				rc = usage_error(trend_usage, "--timeout takes seconds between 0 and 86400, "
						 "not '%s'", optarg);
				goto out;
			}
			ho.timeout_s = v;
			if (ho.connect_timeout_s > v)
				ho.connect_timeout_s = v;
			break;
		}
		case OPT_INSECURE: ho.insecure = 1; break;
		case 'h': rc = usage_error(trend_usage, NULL); goto out;
		case ':':
			rc = usage_error(trend_usage, "option '%s' needs a value", argv[optind - 1]);
			goto out;
		default:
			rc = usage_error(trend_usage, "unknown option '%s'", argv[optind - 1]);
			goto out;
		}
	}
	if (optind >= argc) {
		rc = usage_error(trend_usage, "give the results files of the series");
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
	if (pr.dir) {
		char title[256];
		if (!pr.title) {
			if (to.all_counts || !t.n_lines)
				snprintf(title, sizeof(title), "Bytes per object over time");
			else {
				char cnt[32];
				format_count(t.lines[0].count, cnt, sizeof(cnt));
				snprintf(title, sizeof(title), "Bytes per object over time, %s objects", cnt);
			}
			pr.title = title;
		}
		if (trend_plot(&t, &pr))
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
