/* plot.c - gnuplot figures from a results document; see plot.h. */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <math.h>
#include <poll.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "commands.h"
#include "config.h"
#include "plot.h"
#include "results.h"
#include "progress.h"
#include "spawn.h"
#include "stats.h"

extern char **environ;

static const char *const format_names[] = { "png", "svg", "pdf" };

const char *plot_format_name(unsigned format)
{
	for (size_t i = 0; i < ARRAY_SIZE(format_names); i++)
		if (format == 1u << i)
			return format_names[i];
	return "?";
}

int plot_formats_parse(const char *list, unsigned *out, char **bad)
{
	*out = 0;
	*bad = NULL;
	char *copy = xstrdup(list), *save = NULL;
	for (char *p = strtok_r(copy, ", ", &save); p; p = strtok_r(NULL, ", ", &save)) {
		size_t i;
		for (i = 0; i < ARRAY_SIZE(format_names) && strcmp(p, format_names[i]); i++)
			;
		if (i == ARRAY_SIZE(format_names)) {
			*bad = xstrdup(p);
			free(copy);
			return -1;
		}
		*out |= 1u << i;
	}
	free(copy);
	if (!*out) {
		*bad = xstrdup(list);
		return -1;
	}
	return 0;
}

void plot_opts_init(struct plot_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->formats = PLOT_PNG | PLOT_SVG;
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

/* ---------------------------------------------------------------- files */

int plot_prepare_dir(const char *dir)
{
	if (!*dir)
		return error("the output directory is an empty string");
	char *path = xstrdup(dir);
	for (char *p = path + 1;; p++) {
		if (*p != '/' && *p)
			continue;
		char c = *p;
		*p = '\0';
		if (mkdir(path, 0777) < 0 && errno != EEXIST) {
			int e = errno;
			error("cannot create directory '%s': %s", path, strerror(e));
			free(path);
			return -1;
		}
		*p = c;
		if (!c)
			break;
	}
	free(path);
	struct stat st;
	if (stat(dir, &st) < 0)
		return error("cannot use '%s': %s", dir, strerror(errno));
	if (!S_ISDIR(st.st_mode))
		return error("cannot write into '%s': not a directory", dir);
	if (access(dir, W_OK | X_OK) < 0)
		return error("cannot write into '%s': %s; pick another directory with -o",
			     dir, strerror(errno));
	return 0;
}

static int is_file(const char *p)
{
	struct stat st;
	return stat(p, &st) == 0 && S_ISREG(st.st_mode);
}

char *plot_find_templates(void)
{
	char *src = objmem_srcdir("plots/common.gp");
	if (!src)
		return NULL;
	char *dir = xasprintf("%s/plots", src);
	free(src);
	return dir;
}

/* ---------------------------------------------------- text and numbers */

static int is_key_start(char c)
{
	return c >= 'A' && c <= 'Z';
}

static int is_key_char(char c)
{
	return is_key_start(c) || (c >= '0' && c <= '9') || c == '_';
}

int plot_subst(const char *tmpl, const struct strvec *vars, struct buf *out, char **why)
{
	*why = NULL;
	const char *p = tmpl;
	unsigned line = 1;
	buf_add(out, "", 0);
	while (*p) {
		const char *at = p;
		while (*at && *at != '@') {
			if (*at == '\n')
				line++;
			at++;
		}
		buf_add(out, p, (size_t)(at - p));
		if (!*at)
			break;
		const char *k = at + 1, *e = k;
		if (is_key_start(*e))
			while (is_key_char(*e))
				e++;
		if (e == k || *e != '@') {
			/* not a placeholder: keep the @ */
			buf_add(out, "@", 1);
			p = at + 1;
			continue;
		}
		char *key = xstrndup(k, (size_t)(e - k));
		const char *val = strvec_getenv(vars, key);
		if (!val) {
			*why = xasprintf("line %u: unknown placeholder @%s@", line, key);
			free(key);
			return -1;
		}
		free(key);
		buf_addstr(out, val);
		p = e + 1;
	}
	return 0;
}

void plot_gp_escape(struct buf *out, const char *s)
{
	buf_add(out, "", 0);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c == '\'')
			buf_add(out, "''", 2);
		else if (c < 0x20 || c == 0x7f)
			buf_add(out, " ", 1);
		else
			buf_add(out, s, 1);
	}
}

static char *gp_escaped(const char *s)
{
	struct buf b = BUF_INIT;
	plot_gp_escape(&b, s);
	return buf_detach(&b);
}

void plot_format_number(char *out, size_t size, double v)
{
	if (!isfinite(v))
		snprintf(out, size, "NaN");
	else if (v == floor(v) && fabs(v) < 1e15)
		snprintf(out, size, "%.0f", v); /* whole numbers without an exponent */
	else
		snprintf(out, size, "%.10g", v);
}

/* A name as a data file column: double-quoted, no quotes or blanks inside. */
static void data_name(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		fputc(c == '"' || c <= ' ' || c == 0x7f ? '_' : c, f);
	}
	fputc('"', f);
}

static void header_comment(FILE *f, const char *header)
{
	if (!header)
		return;
	for (const char *p = header; *p;) {
		const char *nl = strchr(p, '\n');
		size_t n = nl ? (size_t)(nl - p) : strlen(p);
		fprintf(f, "# %.*s\n", (int)n, p);
		p += n + (nl ? 1 : 0);
	}
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
	header_comment(f, b->header);
	fprintf(f, "# columns: group-number group value label status\n");
	for (size_t s = 0; s < b->n_series; s++) {
		if (s)
			fputs("\n\n", f);
		fprintf(f, "# index %zu: ", s);
		data_name(f, b->series[s]);
		fputc('\n', f);
		for (size_t g = 0; g < b->n_groups; g++) {
			size_t k = s * b->n_groups + g;
			int ok = !strcmp(b->status[k], "ok") && isfinite(b->value[k]);
			char num[64], label[64] = "";
			plot_format_number(num, sizeof(num), ok ? b->value[k] : NAN);
			if (ok)
				bar_label(label, sizeof(label), b->value[k], b->small_decimals);
			fprintf(f, "%zu ", g);
			data_name(f, b->groups[g]);
			fprintf(f, " %s \"%s\" %s\n", num, label,
				ok ? "ok" : !strcmp(b->status[k], "ok") ? "no-data" : b->status[k]);
		}
	}
	fflush(f);
	return ferror(f) ? -1 : 0;
}

int plot_lines_write(FILE *f, const struct plot_lines *l)
{
	header_comment(f, l->header);
	fprintf(f, "# columns: count absolute-MB delta-MB status\n");
	for (size_t s = 0; s < l->n_series; s++) {
		if (s)
			fputs("\n\n", f);
		fprintf(f, "# index %zu: ", s);
		data_name(f, l->series[s]);
		fputc('\n', f);
		for (size_t k = 0; k < l->n_x; k++) {
			size_t i = s * l->n_x + k;
			int ok = !strcmp(l->status[i], "ok");
			char a[64], d[64];
			plot_format_number(a, sizeof(a), ok ? l->y1[i] : NAN);
			plot_format_number(d, sizeof(d), ok ? l->y2[i] : NAN);
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

static void sort_interps(const struct results *r, struct strvec *sv);

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
	const cJSON *w = r->config ? cJSON_GetObjectItemCaseSensitive(r->config, "workloads") : NULL;
	const cJSON *it;
	cJSON_ArrayForEach(it, w)
		if (cJSON_IsString(it) && strvec_find(&g->workloads, it->valuestring) < 0)
			strvec_push(&g->workloads, it->valuestring);
	const cJSON *c = r->config ? cJSON_GetObjectItemCaseSensitive(r->config, "counts") : NULL;
	cJSON_ArrayForEach(it, c)
		if (cJSON_IsNumber(it) && it->valuedouble >= 1 && it->valuedouble <= 1e12)
			grid_add_count(g, (uint64_t)it->valuedouble);
	sort_interps(r, &g->interps);
}

static const char *probe_str(const struct results *r, const char *interp, const char *key)
{
	for (size_t i = 0; i < r->n_interps; i++)
		if (!strcmp(r->interps[i].name, interp)) {
			const cJSON *v = cJSON_GetObjectItemCaseSensitive(r->interps[i].probe, key);
			return cJSON_IsString(v) ? v->valuestring : NULL;
		}
	return NULL;
}

static int impl_rank(const char *impl)
{
	if (!impl)
		return 3;
	return !strcmp(impl, "cpython") ? 0 : !strcmp(impl, "pypy") ? 1 : 2;
}

/* "3.10.13" against "3.9.18", numerically, part by part. */
static int version_cmp(const char *a, const char *b)
{
	if (!a || !b)
		return !a - !b;
	while (*a || *b) {
		char *ea, *eb;
		unsigned long x = strtoul(a, &ea, 10), y = strtoul(b, &eb, 10);
		if (ea == a || eb == b)
			return strcmp(a, b);
		if (x != y)
			return x < y ? -1 : 1;
		a = *ea == '.' ? ea + 1 : ea;
		b = *eb == '.' ? eb + 1 : eb;
		if (ea == a && eb == b) /* neither moved on: compare what is left */
			return strcmp(a, b);
	}
	return 0;
}

/*
 * Interpreters in the order a reader compares them: CPython, then PyPy, then
 * the rest, each by version; the run's order where there is no probe.
 */
static int interp_before(const struct results *r, const char *a, const char *b)
{
	int ra = impl_rank(probe_str(r, a, "implementation"));
	int rb = impl_rank(probe_str(r, b, "implementation"));
	if (ra != rb)
		return ra < rb;
	if (ra == 3)
		return 0;
	int v = version_cmp(probe_str(r, a, "version"), probe_str(r, b, "version"));
	if (v)
		return v < 0;
	return strcmp(a, b) < 0;
}

static void sort_interps(const struct results *r, struct strvec *sv)
{
	/* insertion sort: stable, and the lists are short */
	for (size_t i = 1; i < sv->n; i++)
		for (size_t j = i; j > 0 && interp_before(r, sv->v[j], sv->v[j - 1]); j--) {
			char *t = sv->v[j];
			sv->v[j] = sv->v[j - 1];
			sv->v[j - 1] = t;
		}
}

static void grid_release(struct grid *g)
{
	summary_release(&g->s);
	strvec_clear(&g->interps);
	strvec_clear(&g->workloads);
	free(g->counts);
}

static const struct interp *find_interp(const struct results *r, const char *name)
{
	for (size_t i = 0; i < r->n_interps; i++)
		if (!strcmp(r->interps[i].name, name))
			return &r->interps[i];
	return NULL;
}

/* "ok", "failed", "skipped" or "missing"; *row is the summary row or NULL. */
static const char *cell_state(const struct results *r, const struct grid *g, const char *interp,
			      const char *wl, uint64_t count, const struct summary_row **row)
{
	*row = summary_find(&g->s, interp, wl, count);
	if (!*row) {
		const struct interp *in = find_interp(r, interp);
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

static long config_repeat(const struct results *r)
{
	const cJSON *rep = r->config ? cJSON_GetObjectItemCaseSensitive(r->config, "repeat") : NULL;
	return cJSON_IsNumber(rep) ? (long)rep->valuedouble : 0;
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

/* One figure on its way: its template, placeholder values and data. */
struct job {
	char *name;
	const char *kind;        /* per-figure template plots/KIND.gp, if the user made one */
	const char *tmpl;        /* else this one: "bars" or "scaling" */
	struct strvec vars;
	struct buf data;
	char *title, *caption;
};

static void job_init(struct job *j, const char *name, const char *kind, const char *tmpl)
{
	memset(j, 0, sizeof(*j));
	j->name = xstrdup(name);
	j->kind = kind;
	j->tmpl = tmpl;
}

static void job_release(struct job *j)
{
	free(j->name);
	strvec_clear(&j->vars);
	buf_release(&j->data);
	free(j->title);
	free(j->caption);
	memset(j, 0, sizeof(*j));
}

/* Set a placeholder to text that goes inside a gnuplot '...' string. */
static void job_set_string(struct job *j, const char *key, const char *value)
{
	char *e = gp_escaped(value);
	strvec_setenv(&j->vars, key, e);
	free(e);
}

static void job_set_int(struct job *j, const char *key, long v)
{
	char num[32];
	snprintf(num, sizeof(num), "%ld", v);
	strvec_setenv(&j->vars, key, num);
}

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

static void defs_ints(struct buf *b, const char *var, const size_t *v, size_t n)
{
	buf_addf(b, "array %s[%zu] = [", var, n);
	for (size_t i = 0; i < n; i++)
		buf_addf(b, "%s%zu", i ? ", " : "", v[i]);
	buf_addstr(b, "]\n");
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
		plot_gp_escape(out, part);
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

static char *data_file(struct job *j)
{
	return xasprintf("%s.dat", j->name);
}

/* Placeholders every figure has. */
static void job_common_vars(struct job *j, const struct plot_opts *o, const char *title,
			    const char *ylabel, const char *xlabel)
{
	char *dat = data_file(j);
	job_set_string(j, "DATA", dat);
	free(dat);
	job_set_string(j, "NAME", j->name);
	job_set_string(j, "TITLE", title);
	job_set_string(j, "YLABEL", ylabel);
	job_set_string(j, "XLABEL", xlabel);
	job_set_string(j, "SOURCE", o->source ? o->source : "");
	struct buf f = BUF_INIT;
	for (unsigned bit = 1; bit <= PLOT_PDF; bit <<= 1)
		if (o->formats & bit)
			buf_addf(&f, "%s%s", f.len ? " " : "", plot_format_name(bit));
	if (!f.len)
		buf_addstr(&f, "png");
	strvec_setenv(&j->vars, "FORMATS", f.p);
	buf_release(&f);
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
	buf_add(&j->data, text, len);
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
	defs_names(&d, "SERIES", b->series, b->n_series);
	defs_names(&d, "GROUPS", b->groups, b->n_groups);
	defs_ints(&d, "STYLE", style, b->n_series);
	buf_addf(&d, "YMAX = %.6g    # top of the y axis: the largest value and room for its label\n", ymax);
	buf_addf(&d, "KEYW = %ld    # pixels the legend needs\n", keyw);
	buf_addf(&d, "XTICROT = %d    # 1: group names slanted\n", xticrot);
	buf_addf(&d, "UPRIGHT = %d    # 1: labels on the bars turned upright\n", upright);
	struct buf ne = BUF_INIT;
	size_t lines = note_expr(&ne, note, w);
	strvec_setenv(&j->vars, "NOTE", ne.p);
	buf_release(&ne);
	long xticpx = xticrot ? 4 * (long)max_len(b->groups, b->n_groups) : 0;
	buf_addf(&d, "NOTELINES = %zu\nBOTTOM = %ld    # pixels under the plot: tics, label, note\n",
		 lines, 64 + xticpx + 13 * (long)lines + 8);
	if (lines)
		h += 13 * (long)lines;
	strvec_setenv(&j->vars, "DEFS", d.p);
	buf_release(&d);
	job_set_int(j, "WIDTH", w);
	job_set_int(j, "HEIGHT", h);
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
	buf_add(&j->data, text, len);
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
	defs_names(&d, "SERIES", l->series, l->n_series);
	defs_ints(&d, "STYLE", style, l->n_series);
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
	defs_names(&d, "COUNTLABELS", labels, l->n_x);
	free(labels);
	free(lab);
	buf_addf(&d, "XMIN = %.6g\nXMAX = %.6g\n", (double)l->x[0] / 2, (double)l->x[l->n_x - 1] * 2);
	buf_addf(&d, "YMIN_ABS = %.6g\nYMAX_ABS = %.6g\nYMIN_DELTA = %.6g\nYMAX_DELTA = %.6g\n", alo,
		 ahi, dlo, dhi);
	buf_addf(&d, "KEYW = %ld    # pixels the legend needs\n", keyw);
	struct buf ne = BUF_INIT;
	size_t lines = note_expr(&ne, note, w);
	strvec_setenv(&j->vars, "NOTE", ne.p);
	buf_release(&ne);
	buf_addf(&d, "NOTELINES = %zu\nBOTTOM = %ld    # pixels under the plots: tics, label, note\n",
		 lines, 64 + 13 * (long)lines + 8);
	if (lines)
		h += 13 * (long)lines;
	strvec_setenv(&j->vars, "DEFS", d.p);
	buf_release(&d);
	job_set_int(j, "WIDTH", w);
	job_set_int(j, "HEIGHT", h);
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
	long rep = config_repeat(r);
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

/* ------------------------------------------------------------- gnuplot */

int plot_run_gnuplot(const char *gnuplot, const char *dir, const char *script, double timeout_s,
		     char **why)
{
	struct child c;
	child_init(&c);
	strvec_push(&c.argv, gnuplot);
	strvec_push(&c.argv, "-e");
	struct buf cd = BUF_INIT;
	buf_addstr(&cd, "cd '");
	plot_gp_escape(&cd, dir);
	buf_addstr(&cd, "'");
	strvec_push(&c.argv, cd.p);
	buf_release(&cd);
	strvec_push(&c.argv, script);
	for (char **e = environ; e && *e; e++)
		strvec_push(&c.env, *e);
	strvec_setenv(&c.env, "LC_NUMERIC", "C");
	if (child_start(&c, why)) {
		child_release(&c);
		return -1;
	}
	close(c.in_fd);
	c.in_fd = -1;

	struct buf err = BUF_INIT;
	double deadline = now_s() + timeout_s;
	int open_out = 1, open_err = 1, timed_out = 0;
	while (open_out || open_err) {
		double left = deadline - now_s();
		if (left <= 0) {
			timed_out = 1;
			break;
		}
		struct pollfd p[2] = { { c.out_fd, POLLIN, 0 }, { c.err_fd, POLLIN, 0 } };
		if (!open_out)
			p[0].fd = -1;
		if (!open_err)
			p[1].fd = -1;
		int n = poll(p, 2, (int)(left * 1000) + 1);
		if (n < 0 && errno != EINTR)
			break;
		char tmp[4096];
		for (int i = 0; i < 2; i++) {
			if (p[i].fd < 0 || !p[i].revents)
				continue;
			ssize_t got = read(p[i].fd, tmp, sizeof(tmp));
			if (got > 0) {
				if (err.len < 65536)
					buf_add(&err, tmp, (size_t)got);
			} else if (got == 0 || (errno != EAGAIN && errno != EINTR)) {
				*(i ? &open_err : &open_out) = 0;
			}
		}
	}
	int rc = 0;
	if (timed_out || child_wait(&c, deadline - now_s() > 1 ? deadline - now_s() : 1) != 1) {
		child_kill(&c);
		*why = xasprintf("gnuplot did not finish '%s' within %.0f s; killed it", script,
				 timeout_s);
		rc = -1;
	} else if (!WIFEXITED(c.wait_status) || WEXITSTATUS(c.wait_status)) {
		char *how = child_describe_exit(&c);
		/* the last few lines gnuplot wrote say what it did not like */
		const char *tail = err.p ? err.p : "";
		size_t lines = 0;
		for (const char *q = tail + strlen(tail); q > tail; q--)
			if (q[-1] == '\n' && q[0] && ++lines == 8) {
				tail = q;
				break;
			}
		*why = xasprintf("gnuplot %s on '%s/%s'%s%s", how, dir, script, *tail ? ":\n" : "", tail);
		free(how);
		rc = -1;
	}
	buf_release(&err);
	child_release(&c);
	return rc;
}

static int write_text(const char *dir, const char *name, const char *ext, const char *text,
		      size_t len)
{
	char *path = xasprintf("%s/%s.%s", dir, name, ext);
	int rc = write_file_atomic(path, text, len);
	free(path);
	return rc;
}

static int load_template(const char *dir, const char *name, struct buf *out)
{
	char *path = xasprintf("%s/%s.gp", dir, name);
	buf_reset(out);
	int rc;
	if (access(path, R_OK) < 0)
		rc = error("cannot read the template '%s': %s; give --templates the directory of "
			   "objmem's plots/", path, strerror(errno));
	else
		rc = read_file(path, 1 << 20, out); /* says what went wrong itself */
	free(path);
	return rc;
}

/* Write NAME.dat and NAME.gp of one job. */
static int job_write(struct job *j, const char *tdir, const char *common, const char *outdir)
{
	struct buf tmpl = BUF_INIT, gp = BUF_INIT;
	/* a template made for this figure kind wins over the shared one */
	char *own = xasprintf("%s/%s.gp", tdir, j->kind);
	const char *which = is_file(own) ? j->kind : j->tmpl;
	free(own);
	int rc = load_template(tdir, which, &tmpl);
	if (!rc) {
		strvec_setenv(&j->vars, "COMMON", common);
		buf_addf(&gp, "# %s.gp - made by objmem plot from the template %s/%s.gp.\n"
			 "# Run `gnuplot %s.gp` in this directory to draw the figure again\n"
			 "# from %s.dat; edit either (or the template) to change it.\n",
			 j->name, tdir, which, j->name, j->name);
		char *why;
		if (plot_subst(tmpl.p, &j->vars, &gp, &why)) {
			rc = error("template '%s/%s.gp': %s", tdir, which, why);
			free(why);
		}
	}
	if (!rc)
		rc = write_text(outdir, j->name, "dat", j->data.p ? j->data.p : "", j->data.len);
	if (!rc)
		rc = write_text(outdir, j->name, "gp", gp.p, gp.len);
	buf_release(&tmpl);
	buf_release(&gp);
	return rc;
}

/* Which of the asked formats exist, non-empty, after gnuplot ran. */
static unsigned check_outputs(const char *outdir, const char *name, unsigned formats)
{
	unsigned got = 0;
	for (unsigned bit = 1; bit <= PLOT_PDF; bit <<= 1) {
		if (!(formats & bit))
			continue;
		char *path = xasprintf("%s/%s.%s", outdir, name, plot_format_name(bit));
		struct stat st;
		if (stat(path, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0)
			got |= bit;
		free(path);
	}
	return got;
}

static void remove_outputs(const char *outdir, const char *name, unsigned formats)
{
	for (unsigned bit = 1; bit <= PLOT_PDF; bit <<= 1)
		if (formats & bit) {
			char *path = xasprintf("%s/%s.%s", outdir, name, plot_format_name(bit));
			unlink(path);
			free(path);
		}
}

int plot_write_figures(const struct results *r, const struct plot_opts *o, struct plot_set *out)
{
	memset(out, 0, sizeof(*out));
	char *gnuplot = NULL;
	if (o->render) {
		const char *prog = o->gnuplot ? o->gnuplot : "gnuplot";
		gnuplot = spawn_which(prog, getenv("PATH"));
		if (!gnuplot && strchr(prog, '/'))
			return error("cannot run '%s': no such executable file; give --gnuplot the "
				     "path of gnuplot", prog);
		if (!gnuplot)
			return error("cannot find '%s' on PATH; install it (Debian: apt-get install "
				     "gnuplot-nox) or give --gnuplot PATH", prog);
	}
	char *tdir = o->templates ? xstrdup(o->templates) : plot_find_templates();
	if (!tdir) {
		free(gnuplot);
		return error("cannot find objmem's gnuplot templates (plots/common.gp); set "
			     "OBJMEM_SRCDIR to the directory that holds plots/, or give --templates DIR");
	}
	struct buf common = BUF_INIT;
	if (load_template(tdir, "common", &common)) {
		free(tdir);
		free(gnuplot);
		return -1;
	}

	struct grid g;
	grid_init(&g, r);
	int rc = 0;
	if (!g.interps.n || !g.workloads.n || !g.n_counts) {
		rc = error("nothing to plot: '%s' has no cells", o->source ? o->source : "the results");
		goto out;
	}
	/* default: the largest count anything was measured at */
	uint64_t count = o->count;
	for (size_t i = 0; i < g.s.n_rows && !o->count; i++)
		if (g.s.rows[i].n_ok && g.s.rows[i].count > count)
			count = g.s.rows[i].count;
	if (!count)
		count = g.counts[g.n_counts - 1];
	size_t k;
	for (k = 0; k < g.n_counts && g.counts[k] != count; k++)
		;
	if (k == g.n_counts) {
		struct buf have = BUF_INIT;
		for (size_t i = 0; i < g.n_counts; i++) {
			char c[32];
			format_count(g.counts[i], c, sizeof(c));
			buf_addf(&have, "%s%s", i ? ", " : "", c);
		}
		char want[32];
		format_count(count, want, sizeof(want));
		rc = error("count %s is not in the results; they have %s", want, have.p);
		buf_release(&have);
		goto out;
	}
	out->count = count;
	if (plot_prepare_dir(o->outdir)) {
		rc = -1;
		goto out;
	}

	/* gather the jobs */
	size_t n_jobs = 0, max_jobs = 2 + 2 * g.workloads.n;
	struct job *jobs = xcalloc(max_jobs, sizeof(*jobs));
	struct buf notes = BUF_INIT;
	job_init(&jobs[0], "versions", "versions", "bars");
	job_init(&jobs[1], "bytes-per-object", "bytes-per-object", "bars");
	versions_jobs(r, &g, count, o, &jobs[0], &jobs[1]);
	n_jobs = 2;
	for (size_t w = 0; w < g.workloads.n; w++) {
		char *part = file_part(g.workloads.v[w]);
		char *name = xasprintf("scaling-%s", part);
		job_init(&jobs[n_jobs], name, "scaling", "scaling");
		if (scaling_job(r, &g, w, o, &jobs[n_jobs]))
			n_jobs++;
		else {
			job_release(&jobs[n_jobs]);
			buf_addf(&notes, "%s: no figure, nothing was measured for workload '%s'\n", name,
				 g.workloads.v[w]);
		}
		free(name);
		free(part);
	}
	if (has_memory_kinds(r)) {
		for (size_t w = 0; w < g.workloads.n; w++) {
			char *part = file_part(g.workloads.v[w]);
			char *name = xasprintf("memory-kinds-%s", part);
			job_init(&jobs[n_jobs], name, "memory-kinds", "bars");
			if (kinds_job(r, &g, w, count, o, &jobs[n_jobs]))
				n_jobs++;
			else
				job_release(&jobs[n_jobs]);
			free(name);
			free(part);
		}
	} else {
		buf_addf(&notes, "memory-kinds: no figure, RSS and PSS equal USS in every cell\n");
	}

	/* a figure gnuplot cannot draw does not stop the others; a write error does */
	for (size_t i = 0; i < n_jobs; i++) {
		struct job *j = &jobs[i];
		if (job_write(j, tdir, common.p, o->outdir)) {
			rc = -1;
			break;
		}
		xgrow((void **)&out->v, sizeof(*out->v), out->n + 1, &out->alloc);
		struct plot_figure *f = &out->v[out->n++];
		f->name = xstrdup(j->name);
		f->title = xstrdup(j->title ? j->title : j->name);
		f->caption = xstrdup(j->caption ? j->caption : "");
		f->drawn = 0;
		if (!o->render)
			continue;
		char *gpname = xasprintf("%s.gp", j->name), *why = NULL;
		/* stale outputs of an earlier run must not pass for new ones */
		remove_outputs(o->outdir, j->name, o->formats);
		if (plot_run_gnuplot(gnuplot, o->outdir, gpname, o->timeout_s, &why)) {
			rc = error("%s", why);
			free(why);
		} else {
			f->drawn = check_outputs(o->outdir, j->name, o->formats);
			if (f->drawn != o->formats)
				rc = error("gnuplot ran on '%s/%s' but did not write every figure it was "
					   "asked for", o->outdir, gpname);
		}
		free(gpname);
	}
	for (size_t i = 0; i < max_jobs; i++)
		if (jobs[i].name)
			job_release(&jobs[i]);
	free(jobs);
	out->notes = notes.len ? buf_detach(&notes) : NULL;
	buf_release(&notes);
out:
	grid_release(&g);
	buf_release(&common);
	free(tdir);
	free(gnuplot);
	return rc;
}

/* ------------------------------------------------------------ objmem plot */

static const char plot_usage[] =
	"usage: objmem plot RESULTS.json [-o DIR] [--format png,svg,pdf] [--count N]\n"
	"\n"
	"Draws, from a results file alone, with gnuplot:\n"
	"  versions            memory for N objects (MB = 10^6 bytes): one group of bars\n"
	"                      per workload, one bar per interpreter, values on the bars\n"
	"  bytes-per-object    bytes per object at N, the same grouping\n"
	"  scaling-WORKLOAD    absolute usage and delta against the count, log-log, one\n"
	"                      line per interpreter\n"
	"  memory-kinds-WORKLOAD  RSS, PSS and USS at full for N objects (when they differ)\n"
	"N is the largest count in the results unless --count says otherwise. A cell that\n"
	"failed, was skipped or is missing leaves a gap that says so, never a zero.\n"
	"Next to each figure NAME.png|svg|pdf: NAME.dat, its data, and NAME.gp, a\n"
	"standalone script: `gnuplot NAME.gp` in DIR draws it again. The scripts are made\n"
	"from the templates in plots/ (see plots/README.md): edit them to restyle.\n"
	"\n"
	"  -o, --output DIR     where to write (default: RESULTS without .json, plus\n"
	"                       -figures); made if missing\n"
	"  -f, --format LIST    png, svg, pdf, comma-separated (default png,svg)\n"
	"  -n, --count N        the count the bar charts show (e.g. 1M)\n"
	"      --templates DIR  the gnuplot templates (default: objmem's plots/)\n"
	"      --gnuplot PATH   the gnuplot to run (default: gnuplot on PATH)\n"
	"      --scripts-only   write data and scripts, do not run gnuplot\n"
	"  -t, --timeout SECONDS  longest gnuplot may take for one figure (default 60)\n"
	"  -q, --quiet          do not list the files written\n"
	"  -h, --help           this text\n"
	"\n"
	"example: objmem plot results/latest.json -o results/figures --format png,pdf\n"
	"\n"
	"exit status: 0 figures written, 2 bad usage, unreadable results, or gnuplot failed\n";

#define usage_plot(...) usage_error(plot_usage, __VA_ARGS__)

enum { OPT_TEMPLATES = 256, OPT_GNUPLOT, OPT_SCRIPTS_ONLY };

static const struct option plot_options[] = {
	{ "output", required_argument, NULL, 'o' },
	{ "format", required_argument, NULL, 'f' },
	{ "count", required_argument, NULL, 'n' },
	{ "templates", required_argument, NULL, OPT_TEMPLATES },
	{ "gnuplot", required_argument, NULL, OPT_GNUPLOT },
	{ "scripts-only", no_argument, NULL, OPT_SCRIPTS_ONLY },
	{ "timeout", required_argument, NULL, 't' },
	{ "quiet", no_argument, NULL, 'q' },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

/* "results/x.json" -> "results/x-SUFFIX" */
char *plot_default_dir(const char *results, const char *suffix)
{
	size_t n = strlen(results);
	if (n > 5 && !strcmp(results + n - 5, ".json"))
		n -= 5;
	return xasprintf("%.*s-%s", (int)n, results, suffix);
}

int cmd_plot(int argc, char **argv)
{
	struct plot_opts o;
	plot_opts_init(&o);
	const char *outdir = NULL, *why;
	int quiet = 0, opt;
	long tmo;
	optind = 1;
	opterr = 0;
	while ((opt = getopt_long(argc, argv, ":o:f:n:t:qh", plot_options, NULL)) != -1) {
		switch (opt) {
		case 'o': outdir = optarg; break;
		case 'f': {
			char *bad;
			if (plot_formats_parse(optarg, &o.formats, &bad)) {
				int rc = usage_plot("unknown format '%s' (png, svg, pdf)", bad);
				free(bad);
				return rc;
			}
			break;
		}
		case 'n':
			if (parse_count(optarg, &o.count, &why))
				return usage_plot("bad --count '%s': %s", optarg, why);
			break;
		case 't':
			if (parse_int_range(optarg, 1, 86400, &tmo))
				return usage_plot("bad --timeout '%s': give seconds, 1 to 86400",
						   optarg);
			o.timeout_s = (double)tmo;
			break;
		case OPT_TEMPLATES: o.templates = optarg; break;
		case OPT_GNUPLOT: o.gnuplot = optarg; break;
		case OPT_SCRIPTS_ONLY: o.render = 0; break;
		case 'q': quiet = 1; break;
		case 'h': return usage_plot(NULL);
		case ':': return usage_plot("option '%s' needs a value", argv[optind - 1]);
		default: return usage_plot("unknown option '%s'", argv[optind - 1]);
		}
	}
	if (optind != argc - 1)
		return usage_plot(optind >= argc ? "give one results file" :
				   "give one results file, not several");
	const char *path = argv[optind];
	struct results r;
	results_init(&r);
	if (results_load(path, &r)) {
		results_release(&r);
		return 2;
	}
	char *dir = outdir ? xstrdup(outdir) : plot_default_dir(path, "figures");
	o.outdir = dir;
	o.source = path;
	struct plot_set set;
	int rc = plot_write_figures(&r, &o, &set) ? 2 : 0;
	if (!quiet && set.n) {
		printf("%s %zu figure%s in %s (", o.render ? "drew" : "wrote the scripts of", set.n,
		       set.n == 1 ? "" : "s", dir);
		for (unsigned bit = 1, n = 0; bit <= PLOT_PDF && o.render; bit <<= 1)
			if (o.formats & bit)
				printf("%s%s", n++ ? ", " : "", plot_format_name(bit));
		printf("%sNAME.dat and NAME.gp):\n", o.render ? "; " : "");
		for (size_t i = 0; i < set.n; i++)
			printf("  %-24s %s%s\n", set.v[i].name, set.v[i].title,
			       o.render && set.v[i].drawn != o.formats ? " (not drawn)" : "");
		if (set.notes)
			fputs(set.notes, stdout);
	}
	plot_set_release(&set);
	free(dir);
	results_release(&r);
	return rc;
}
