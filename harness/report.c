/* report.c - report.md and report.html from a results document; see report.h. */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "explain.h"
#include "gnuplot.h"
#include "keymap.h"
#include "mdhtml.h"
#include "plot.h"
#include "probe.h"
#include "report.h"
#include "table.h"
#include "textfmt.h"

void report_opts_init(struct report_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->figures = 1;
	o->timeout_s = 60;
}

static void md_str(struct buf *out, const char *s)
{
	md_escape(out, s ? s : "");
}

/* ------------------------------------------------------ the Markdown */

/* What every section reads: the builds in version order and their labels. */
struct ctx {
	const struct results *r;
	const struct report_opts *o;
	struct summary sum;
	const char **order;     /* interpreter names, version order */
	char **labels;          /* per order entry */
	size_t n;
	uint64_t count;         /* the largest count with an ok cell */
	struct layout_doc doc;
};

/* A JSON value as table text (Markdown-escaped). */
static void md_json_value(struct buf *md, const char *key, const cJSON *v)
{
	if (!v || cJSON_IsNull(v)) {
		buf_addstr(md, "-");
	} else if (cJSON_IsString(v)) {
		md_str(md, v->valuestring);
	} else if (cJSON_IsBool(v)) {
		buf_addstr(md, cJSON_IsTrue(v) ? "yes" : "no");
	} else if (cJSON_IsNumber(v)) {
		double d = v->valuedouble;
		if (d == floor(d) && fabs(d) < 1e15)
			buf_addf(md, "%.0f", d);
		else
			buf_addf(md, "%g", d);
		if (key && (!strcmp(key, "mem_total") || strstr(key, "bytes")) && d >= 1e6)
			buf_addf(md, " (%.1f GB)", d / 1e9);
	} else {
		char *txt = cJSON_PrintUnformatted(v);
		md_str(md, txt ? txt : "");
		free(txt);
	}
}

/* The machine or the configuration as a two-column table, every recorded field. */
static void md_fields_table(struct buf *md, const void *obj, int present,
			    const struct field_desc *fields, size_t n, const cJSON *extra,
			    const char *what)
{
	if (!present) {
		buf_addf(md, "The results hold no %s.\n\n", what);
		return;
	}
	buf_addstr(md, "| field | value |\n|---|---|\n");
	for (size_t i = 0; i < n; i++) {
		char *v = field_text(obj, &fields[i]);
		buf_addstr(md, "| ");
		md_str(md, fields[i].key);
		buf_addstr(md, " | ");
		if (!v) {
			buf_addstr(md, "-");
		} else {
			md_str(md, v);
			/* memory in a form a reader takes in at a glance */
			if (fields[i].type == FIELD_I64 && !strcmp(fields[i].key, "mem_total")) {
				char h[32];
				format_bytes(strtod(v, NULL), h, sizeof(h));
				buf_addf(md, " (%s)", h);
			}
		}
		buf_addstr(md, " |\n");
		free(v);
	}
	for (const cJSON *it = extra ? extra->child : NULL; it; it = it->next) {
		buf_addstr(md, "| ");
		md_str(md, it->string ? it->string : "");
		buf_addstr(md, " | ");
		md_json_value(md, it->string, it);
		buf_addstr(md, " |\n");
	}
	buf_addstr(md, "\n");
}

static const cJSON *probe_get(const struct interp *in, const char *key)
{
	return in->probe ? cJSON_GetObjectItemCaseSensitive(in->probe, key) : NULL;
}

static void md_probe_cell(struct buf *md, const struct interp *in, const char *key)
{
	const cJSON *v = probe_get(in, key);
	if (cJSON_IsString(v) && !*v->valuestring)
		buf_addstr(md, "-");
	else
		md_json_value(md, NULL, v);
}

/* The probes' layout: what sys.getsizeof says about sample objects. */
static void md_layouts(struct buf *md, const struct results *r)
{
	struct strvec keys = STRVEC_INIT;
	for (size_t i = 0; i < r->n_interps; i++) {
		const cJSON *lay = probe_get(&r->interps[i], "layout");
		for (const cJSON *it = cJSON_IsObject(lay) ? lay->child : NULL; it; it = it->next)
			if (it->string && strvec_find(&keys, it->string) < 0)
				strvec_push(&keys, it->string);
	}
	if (keys.n) {
		buf_addstr(md, "**Object sizes the probes report** (bytes; sys.getsizeof or "
			       "`__basicsize__` of sample objects, - where the interpreter cannot tell)\n\n"
			       "| interpreter |");
		for (size_t k = 0; k < keys.n; k++) {
			buf_addstr(md, " ");
			md_str(md, keys.v[k]);
			buf_addstr(md, " |");
		}
		buf_addstr(md, "\n|---|");
		for (size_t k = 0; k < keys.n; k++)
			buf_addstr(md, "---:|");
		buf_addstr(md, "\n");
		for (size_t i = 0; i < r->n_interps; i++) {
			const cJSON *lay = probe_get(&r->interps[i], "layout");
			if (!cJSON_IsObject(lay))
				continue;
			buf_addstr(md, "| ");
			md_str(md, r->interps[i].name);
			buf_addstr(md, " |");
			for (size_t k = 0; k < keys.n; k++) {
				buf_addstr(md, " ");
				md_json_value(md, NULL, cJSON_GetObjectItemCaseSensitive(lay, keys.v[k]));
				buf_addstr(md, " |");
			}
			buf_addstr(md, "\n");
		}
		buf_addstr(md, "\n");
	}
	strvec_clear(&keys);
}

static void md_interpreters(struct buf *md, const struct results *r)
{
	buf_addstr(md, "## Interpreters {#interpreters}\n\n");
	if (!r->n_interps) {
		buf_addstr(md, "The results name no interpreter.\n\n");
		return;
	}
	buf_addstr(md, "What each interpreter's probe reported when the run started, in "
		       "version order; the definition is the name `objmem run -i` takes.\n\n"
		       "| interpreter | definition | implementation | version | pointer bits | debug "
		       "| allocator | free-threaded | compiler | command | status |\n"
		       "|---|---|---|---|---:|---|---|---|---|---|---|\n");
	const char **order = xcalloc(r->n_interps + 1, sizeof(*order));
	for (size_t i = 0; i < r->n_interps; i++)
		order[i] = r->interps[i].name;
	probe_sort_names(r, order, r->n_interps);
	char **labels = probe_labels(r, order, r->n_interps);
	for (size_t i = 0; i < r->n_interps; i++) {
		const struct interp *in = results_find_interp(r, order[i]);
		buf_addstr(md, "| ");
		md_str(md, labels[i]);
		buf_addstr(md, " | ");
		md_str(md, in->name);
		static const char *const keys[] = { "implementation", "version", "pointer_bits", "debug",
						    "allocator", "gil_disabled", "compiler" };
		for (size_t k = 0; k < ARRAY_SIZE(keys); k++) {
			buf_addstr(md, " | ");
			md_probe_cell(md, in, keys[k]);
		}
		buf_addstr(md, " | `");
		/* the command as one would type it: env, then argv */
		struct buf cmd = BUF_INIT;
		for (size_t e = 0; e < in->env.n; e++)
			buf_addf(&cmd, "%s ", in->env.v[e]);
		for (size_t a = 0; a < in->argv.n; a++)
			buf_addf(&cmd, "%s%s", a ? " " : "", in->argv.v[a]);
		/* inside a code span only ` and | need care */
		for (const char *p = cmd.p ? cmd.p : ""; *p; p++) {
			if (*p == '`' || *p == '\n')
				buf_add(md, *p == '`' ? "'" : " ", 1);
			else if (*p == '|')
				buf_add(md, "\\|", 2);
			else
				buf_add(md, p, 1);
		}
		buf_release(&cmd);
		buf_addstr(md, "` | ");
		if (in->skip_reason) {
			buf_addstr(md, "not run: ");
			md_str(md, in->skip_reason);
		} else {
			buf_addstr(md, "ran");
		}
		buf_addstr(md, " |\n");
	}
	buf_addstr(md, "\n");
	probe_labels_free(labels, r->n_interps);
	free(order);

	md_layouts(md, r);
}

static void md_probe_details(struct buf *md, const struct results *r)
{
	int any = 0;
	for (size_t i = 0; i < r->n_interps; i++) {
		const struct interp *in = &r->interps[i];
		if (!cJSON_IsObject(in->probe))
			continue;
		if (!any++)
			buf_addstr(md, "## Probe details {#probe-details}\n\nEvery field each probe "
				       "reported.\n\n");
		buf_addstr(md, "- **");
		md_str(md, in->name);
		buf_addstr(md, "**: ");
		int first = 1;
		for (const cJSON *it = in->probe->child; it; it = it->next) {
			if (!it->string || !strcmp(it->string, "layout"))
				continue;
			buf_addstr(md, first ? "" : "; ");
			first = 0;
			md_str(md, it->string);
			buf_addstr(md, " = ");
			md_json_value(md, NULL, it);
		}
		buf_addstr(md, "\n");
	}
	if (any)
		buf_addstr(md, "\n");
}

/* table.c's Markdown, cut into the parts the report places apart. */
struct table_parts {
	char *text;
	size_t detail_end;          /* [0, detail_end): the Count tables */
	size_t bpo, bpo_end;        /* bytes per object at each count */
	size_t fits, fits_end;      /* least-squares fits */
};

static size_t find_from(const char *text, const char *marker, size_t from, size_t none)
{
	const char *p = strstr(text + from, marker);
	return p ? (size_t)(p - text) : none;
}

static int table_parts_make(const struct results *r, struct table_parts *tp)
{
	size_t len = 0;
	memset(tp, 0, sizeof(*tp));
	FILE *f = open_memstream(&tp->text, &len);
	if (!f)
		return error("cannot open a memory stream: %s", strerror(errno));
	struct table_opts to = { TABLE_MARKDOWN, 1, 0, 1 };
	int rc = table_print(f, r, &to);
	if (fclose(f) || rc) {
		free(tp->text);
		tp->text = NULL;
		return error("cannot format the tables");
	}
	/* the order table.c writes: Count tables, bytes per object, fits, not measured */
	size_t end = len;
	size_t prob = find_from(tp->text, "\n**Not measured**", 0, end);
	tp->fits = find_from(tp->text, "\n**Least-squares", 0, prob);
	tp->fits_end = prob;
	tp->bpo = find_from(tp->text, "\n**Bytes per object", 0, tp->fits);
	tp->bpo_end = tp->fits;
	tp->detail_end = tp->bpo;
	return 0;
}

static void md_slice(struct buf *md, const struct table_parts *tp, size_t from, size_t to)
{
	if (to > from)
		buf_add(md, tp->text + from, to - from);
	buf_addstr(md, "\n\n");
}

/* Warnings and notes the cells carry (swap in use, a workload's remark), once each. */
static void md_cell_remarks(struct buf *md, const struct results *r)
{
	struct keymap seen = KEYMAP_INIT;
	for (size_t i = 0; i < r->n_cells; i++) {
		const struct cell *c = &r->cells[i];
		for (size_t w = 0; w <= c->warnings.n; w++) {
			const char *text = w < c->warnings.n ? c->warnings.v[w] : c->note;
			if (!text)
				continue;
			char *key = xasprintf("%s / %s: %s%s", c->interpreter, c->workload,
					      w < c->warnings.n ? "warning: " : "note: ", text);
			if (keymap_puts(&seen, key, 0)) {
				if (seen.n == 1)
					buf_addstr(md, "Warnings and notes on cells:\n\n");
				buf_addstr(md, "- ");
				md_str(md, key);
				buf_addstr(md, "\n");
			}
			free(key);
		}
	}
	if (seen.n)
		buf_addstr(md, "\n");
	keymap_release(&seen);
}

/* Failed, skipped and pending cells, one line per interpreter, workload, status and reason. */
static void md_not_measured(struct buf *md, const struct results *r)
{
	buf_addstr(md, "## Not measured {#not-measured}\n\n");
	size_t n = 0;
	for (size_t i = 0; i < r->n_interps; i++)
		if (r->interps[i].skip_reason)
			n++;
	if (n) {
		buf_addstr(md, "Interpreters that did not run at all:\n\n");
		for (size_t i = 0; i < r->n_interps; i++)
			if (r->interps[i].skip_reason) {
				buf_addstr(md, "- ");
				md_str(md, r->interps[i].name);
				buf_addstr(md, ": ");
				md_str(md, r->interps[i].skip_reason);
				buf_addstr(md, "\n");
			}
		buf_addstr(md, "\n");
	}
	/* one row per (interpreter, workload, status, reason), with its counts */
	struct keymap groups = KEYMAP_INIT;
	struct buf key = BUF_INIT;
	struct buf *counts = xcalloc(r->n_cells + 1, sizeof(*counts));
	size_t *first = xcalloc(r->n_cells + 1, sizeof(*first)), n_groups = 0;
	for (size_t i = 0; i < r->n_cells; i++) {
		const struct cell *c = &r->cells[i];
		if (c->status == CELL_OK)
			continue;
		keymap_key(&key, c->interpreter, c->workload, 0, (int)c->status);
		buf_addstr(&key, c->reason ? c->reason : "");
		size_t g;
		if (!keymap_get(&groups, key.p, key.len, &g)) {
			g = n_groups++;
			keymap_put(&groups, key.p, key.len, g);
			first[g] = i;
		}
		char cnt[32];
		format_count(c->count, cnt, sizeof(cnt));
		buf_addf(&counts[g], "%s%s #%d", counts[g].len ? ", " : "", cnt, c->repeat);
	}
	int header = n_groups > 0;
	if (header)
		buf_addstr(md, "Cells that failed, were skipped or never finished, with the "
			       "reason objmem recorded:\n\n"
			       "| interpreter | workload | status | counts (repeats) | reason |\n"
			       "|---|---|---|---|---|\n");
	for (size_t g = 0; g < n_groups; g++) {
		const struct cell *c = &r->cells[first[g]];
		buf_addstr(md, "| ");
		md_str(md, c->interpreter);
		buf_addstr(md, " | ");
		md_str(md, c->workload);
		buf_addf(md, " | %s | %s | ", cell_status_name(c->status), counts[g].p);
		md_str(md, c->reason ? c->reason : "(no reason recorded)");
		buf_addstr(md, " |\n");
		buf_release(&counts[g]);
	}
	free(counts);
	free(first);
	buf_release(&key);
	keymap_release(&groups);
	if (header)
		buf_addstr(md, "\n");
	else if (!n)
		buf_addstr(md, "Every cell was measured.\n\n");

	md_cell_remarks(md, r);
}

/* Is this a version chart (versions, versions-peak, versions-point3d, ...)? */
static int is_version_chart(const struct plot_figure *f)
{
	return !strncmp(f->name, "versions", 8) && (!f->name[8] || f->name[8] == '-');
}

/*
 * The headline charts: the first version chart of each metric (of all the
 * workloads, or of the first one when plot drew one per workload). Marks
 * them in headline[] (one flag per figure).
 */
static void pick_headlines(const struct plot_set *set, char *headline)
{
	static const char *const metrics[] = { "versions-peak", "versions-absolute", "versions" };
	int taken[ARRAY_SIZE(metrics)] = { 0 };
	for (size_t i = 0; i < set->n; i++) {
		if (!is_version_chart(&set->v[i]))
			continue;
		size_t m = 0;
		while (m + 1 < ARRAY_SIZE(metrics) && strncmp(set->v[i].name, metrics[m],
							       strlen(metrics[m])))
			m++;
		if (!taken[m]++)
			headline[i] = 1;
	}
}

static void md_figure(struct buf *md, const struct plot_figure *f)
{
	buf_addstr(md, "### ");
	md_str(md, f->title);
	buf_addstr(md, "\n\n");
	if (f->drawn & GP_SVG) {
		buf_addstr(md, "![");
		md_str(md, f->title);
		buf_addf(md, "](%s.svg)\n\n", f->name);
	} else {
		buf_addstr(md, "Not drawn (gnuplot failed; see the messages of objmem report).\n\n");
	}
	md_str(md, f->caption);
	buf_addf(md, " Data: `%s.dat`, script: `%s.gp`.\n\n", f->name, f->name);
}

/* The figures other than the headline charts (those open the report). */
static void md_figures(struct buf *md, const struct plot_set *set, const char *headline,
		       const char *why_none)
{
	buf_addstr(md, "## Figures {#figures}\n\n");
	if (why_none) {
		buf_addf(md, "%s\n\n", why_none);
		return;
	}
	buf_addstr(md, "Drawn with gnuplot. Next to each figure in this directory are its data "
		       "(`NAME.dat`) and a script that draws it again (`gnuplot NAME.gp`). A cell "
		       "that failed, was skipped or is missing is a gap that says so, never a "
		       "zero.\n\n");
	for (size_t i = 0; i < set->n; i++)
		if (!headline[i])
			md_figure(md, &set->v[i]);
	if (set->notes) {
		for (const char *p = set->notes; *p;) {
			const char *nl = strchr(p, '\n');
			size_t n = nl ? (size_t)(nl - p) : strlen(p);
			char *line = xstrndup(p, n);
			buf_addstr(md, "- ");
			md_str(md, line);
			buf_addstr(md, "\n");
			free(line);
			p += n + (nl ? 1 : 0);
		}
		buf_addstr(md, "\n");
	}
}

static void md_header(struct buf *md, const struct results *r, const char *source)
{
	buf_addstr(md, "# objmem report");
	if (r->label) {
		buf_addstr(md, ": ");
		md_str(md, r->label);
	}
	buf_addstr(md, "\n\nWhat one Python object costs in memory on each interpreter, measured by "
		       "objmem ");
	md_str(md, r->objmem_version ? r->objmem_version : "?");
	buf_addstr(md, " from the results file ");
	md_str(md, source ? source : "?");
	buf_addstr(md, ", created ");
	md_str(md, r->created ? r->created : "?");
	buf_addstr(md, ". Everything below is computed from that file alone. MB = 10^6 bytes.\n\n"
		       "**Contents:** [The answer](#answer) · [Bytes per object](#bytes-per-object) · "
		       "[Other counts](#other-counts) · [Figures](#figures) · "
		       "[Memory by count](#memory-by-count) · ");
	if (r->views)
		buf_addstr(md, "[Five views](#views) · ");
	buf_addstr(md, "[Not measured](#not-measured) · "
		       "[Machine and method](#machine) · [Interpreters](#interpreters) · "
		       "[Probe details](#probe-details)\n\n");
}

/* What each interpreter says one object costs, beside the kernel (show --explain). */
static void md_views(struct buf *md, const struct results *r)
{
	if (!r->views)
		return;
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	if (!f)
		return;
	int rc = explain_print(f, r, 0, 1);
	fclose(f);
	if (!rc && len) {
		buf_addstr(md, "## Five views of one object {#views}\n\nAt the largest count of each "
			       "row: what the interpreter says one object costs (shallow: "
			       "`sys.getsizeof`; deep: the object and what it owns; requested: what "
			       "the objects asked the allocator for, from `tracemalloc`), what this "
			       "build's allocator makes of those requests, and what the kernel "
			       "measured; the residual is kernel - allocator. Then, per row, the "
			       "steps between them and why a view is missing.\n\n");
		buf_add(md, text, len);
		buf_addstr(md, "\n");
	}
	free(text);
}

/* "from 48 B (PyPy 7.3.11 (3.9)) to 344 B (CPython 2.7.18)" for one workload. */
static void md_range(struct buf *md, const struct ctx *c, const char *wl)
{
	const struct summary_row *lo = NULL, *hi = NULL;
	size_t lo_i = 0, hi_i = 0;
	for (size_t i = 0; i < c->n; i++) {
		const struct summary_row *row = summary_find(&c->sum, c->order[i], wl, c->count);
		if (!row || !row->bytes_per_object.valid)
			continue;
		double v = row->bytes_per_object.median;
		if (!lo || v < lo->bytes_per_object.median)
			lo = row, lo_i = i;
		if (!hi || v > hi->bytes_per_object.median)
			hi = row, hi_i = i;
	}
	if (!lo)
		return;
	buf_addstr(md, "- **");
	md_str(md, wl);
	buf_addf(md, "**: from %.1f B per object (", lo->bytes_per_object.median);
	md_str(md, c->labels[lo_i]);
	buf_addf(md, ") to %.1f B (", hi->bytes_per_object.median);
	md_str(md, c->labels[hi_i]);
	buf_addstr(md, ")\n");
}

/* The answer first: the version charts and, per workload, the range. */
static void md_answer(struct buf *md, const struct ctx *c, const struct plot_set *set,
		      const char *headline)
{
	char cnt[32];
	format_count(c->count, cnt, sizeof(cnt));
	buf_addf(md, "## The answer {#answer}\n\nWhat %s objects cost on each interpreter, per "
		     "workload: the objects alone (the USS growth while the list was filled) and the "
		     "peak of the run (VmHWM less the RSS at start-up), in MB.\n\n", cnt);
	size_t shown = 0;
	for (size_t i = 0; i < set->n; i++)
		if (headline[i]) {
			md_figure(md, &set->v[i]);
			shown++;
		}
	if (!shown)
		buf_addstr(md, "(No chart: see [Figures](#figures).)\n\n");
	buf_addf(md, "Per object at %s:\n\n", cnt);
	for (size_t w = 0; w < c->r->config.workloads.n; w++)
		md_range(md, c, c->r->config.workloads.v[w]);
	struct keymap seen = KEYMAP_INIT;   /* then workloads not in the configuration */
	for (size_t w = 0; w < c->r->config.workloads.n; w++)
		keymap_puts(&seen, c->r->config.workloads.v[w], 0);
	for (size_t i = 0; i < c->sum.n_rows; i++)
		if (keymap_puts(&seen, c->sum.rows[i].workload, 0))
			md_range(md, c, c->sum.rows[i].workload);
	keymap_release(&seen);
	buf_addstr(md, "\n");
}

/* One workload's bytes per object at the largest count, each row with its why. */
static void md_bpo_workload(struct buf *md, const struct ctx *c, const char *wl)
{
	int any = 0;
	for (size_t i = 0; i < c->n; i++) {
		const struct summary_row *row = summary_find(&c->sum, c->order[i], wl, c->count);
		if (!row)
			continue;
		if (!any++) {
			buf_addstr(md, "### ");
			md_str(md, wl);
			buf_addstr(md, "\n\n| interpreter | bytes/object | min..max | sys.getsizeof | "
				       "why |\n|---|---:|---:|---:|---|\n");
		}
		const struct stat3 *b = &row->bytes_per_object;
		buf_addstr(md, "| ");
		md_str(md, c->labels[i]);
		if (b->valid)
			buf_addf(md, " | %.1f | %.1f..%.1f", b->median, b->min, b->max);
		else
			buf_addf(md, " | %s | -", row->n_skipped ? "skipped" : "failed");
		if (row->getsizeof.valid && row->getsizeof.median >= 0)
			buf_addf(md, " | %.0f | ", row->getsizeof.median);
		else
			buf_addstr(md, " | - | ");
		char *why = explain_row(&c->doc, results_find_interp(c->r, c->order[i]), row);
		for (char *p = why; *p; p++)   /* one table row: a line break would end it */
			if (*p == '\n')
				*p = ' ';
		buf_addstr(md, why);
		free(why);
		buf_addstr(md, " |\n");
	}
	if (any)
		buf_addstr(md, "\n");
}

static void md_bpo(struct buf *md, const struct ctx *c)
{
	char cnt[32];
	format_count(c->count, cnt, sizeof(cnt));
	buf_addf(md, "## Bytes per object at %s objects {#bytes-per-object}\n\nThe USS growth from "
		     "base to full divided by the count, in bytes (median, and the range over the "
		     "repetitions). *why*: which parts make the figure. ", cnt);
	if (c->doc.n)
		buf_addstr(md, "Where `docs/layout.md` accounts for the build and workload part by "
			       "part, its account is quoted with its predicted figure; elsewhere the "
			       "sentence is computed from the results.\n\n");
	else
		buf_addstr(md, "The sentences are computed from the results (`docs/layout.md`, the "
			       "account part by part, was not found).\n\n");
	struct keymap done = KEYMAP_INIT;
	for (size_t w = 0; w < c->r->config.workloads.n; w++)
		if (keymap_puts(&done, c->r->config.workloads.v[w], 0))
			md_bpo_workload(md, c, c->r->config.workloads.v[w]);
	for (size_t i = 0; i < c->sum.n_rows; i++)
		if (keymap_puts(&done, c->sum.rows[i].workload, 0))
			md_bpo_workload(md, c, c->sum.rows[i].workload);
	keymap_release(&done);
}

/* table.c's one table of bytes per object at each count but the largest. */
static int md_other_counts(struct buf *md, const struct ctx *c)
{
	buf_addstr(md, "## Other counts {#other-counts}\n\nBytes per object at the other counts: "
		       "interpreters down, workloads across. \"failed\" or \"skipped\": no "
		       "repetition ended ok (see [Not measured](#not-measured)); empty: not run.\n");
	size_t n = 0;
	for (size_t i = 0; i < c->r->config.n_counts; i++) {
		uint64_t count = c->r->config.counts[i];
		if (count == c->count)
			continue;
		char *text = NULL;
		size_t len = 0;
		FILE *f = open_memstream(&text, &len);
		if (!f)
			return error("cannot open a memory stream: %s", strerror(errno));
		struct table_opts to = { TABLE_MARKDOWN, 0, count, 1 };
		int rc = table_print(f, c->r, &to);
		if (fclose(f) || rc == -1) {
			free(text);
			return error("cannot format the table at %" PRIu64 " objects", count);
		}
		if (!rc && len) {
			buf_add(md, text, len);
			n++;
		}
		free(text);
	}
	buf_addstr(md, n ? "\n" : "\nNone: the run measured one count.\n\n");
	return 0;
}

static void md_machine(struct buf *md, const struct results *r)
{
	buf_addstr(md, "## Machine and method {#machine}\n\n**Machine**\n\n");
	md_fields_table(md, &r->machine, r->machine.present, machine_fields, n_machine_fields,
			r->machine.extra, "machine description");
	buf_addstr(md, "**Method.** Each cell (interpreter, workload, count, repetition) ran in a "
		       "fresh interpreter process. The child stopped at four phases and the driver "
		       "read its memory from /proc/PID/smaps_rollup at each one: `start` (right after "
		       "start-up), `base` (workload imported, one instance made and dropped, the list "
		       "`[None] * count` allocated, garbage collected), `full` (the list filled with "
		       "count instances, garbage collected) and `freed` (the list dropped). USS is "
		       "Private_Clean + Private_Dirty + Private_Hugetlb: the memory that is the "
		       "process's alone. Bytes per object = (USS at full - USS at base) / count, so "
		       "the list's own 8 bytes per slot are not counted. AbsoluteUsage = USS at full "
		       "- USS at start; Delta = USS at full - USS at base. These differences leave "
		       "out Private_Clean pages: a library's clean pages count as private only while "
		       "no other process maps the same file, which moved USS by megabytes between "
		       "repetitions. Each figure is the median over the repetitions that ended "
		       "ok.\n\n**Configuration of the run**\n\n");
	md_fields_table(md, &r->config, r->config.present, config_fields, n_config_fields,
			r->config.extra, "configuration");
}

static int md_report(struct buf *md, const struct ctx *c, const struct table_parts *tp,
		     const struct plot_set *set, const char *why_none)
{
	char *headline = xcalloc(set->n + 1, 1);
	pick_headlines(set, headline);
	md_header(md, c->r, c->o->source);
	md_answer(md, c, set, headline);
	md_bpo(md, c);
	if (md_other_counts(md, c)) {
		free(headline);
		return -1;
	}
	md_figures(md, set, headline, why_none);
	free(headline);

	buf_addstr(md, "## Memory by count {#memory-by-count}\n\nThe tables of the original "
		       "article, per interpreter and workload: Count, AbsoluteUsage (USS growth "
		       "since start-up) and Delta (USS growth from base to full) in MB, the Peak "
		       "(VmHWM - RSS at start-up), bytes per object and the number of ok "
		       "repetitions.\n");
	md_slice(md, tp, 0, tp->detail_end);
	if (tp->fits_end > tp->fits) {
		buf_addstr(md, "### Least-squares fits\n\nDelta against count over every ok cell: the "
			       "slope is the cost of one object, the intercept a fixed overhead.\n");
		md_slice(md, tp, tp->fits, tp->fits_end);
	}
	md_views(md, c->r);
	md_not_measured(md, c->r);
	md_machine(md, c->r);
	md_interpreters(md, c->r);
	md_probe_details(md, c->r);
	return 0;
}

/* Nothing wider than the window: figures scale down, wide tables scroll in
 * their own box, long words wrap; at 400 px the margins shrink. */
static const char html_style[] =
	"body{font:15px/1.45 \"DejaVu Sans\",system-ui,sans-serif;color:#222;background:#fff;margin:0}\n"
	"main{max-width:1100px;margin:0 auto;padding:12px 28px 48px}\n"
	"h1{font-size:1.7em;margin:.3em 0}\n"
	"h2{font-size:1.35em;border-bottom:2px solid #ddd;padding-bottom:.15em;margin-top:1.8em}\n"
	"h3{font-size:1.1em;margin-top:1.4em}\n"
	"h1,h2,h3,h4,p,li{overflow-wrap:anywhere}\n"
	"table{border-collapse:collapse;margin:.5em 0 1.1em;font-size:.9em}\n"
	"th,td{border:1px solid #ccc;padding:2px 8px;vertical-align:top}\n"
	"th{background:#f0f0f0;text-align:left}\n"
	"td{min-width:3em}\n"
	"tbody tr:nth-child(even){background:#fafafa}\n"
	".r{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}\n"
	".c{text-align:center}\n"
	"code{font-family:\"DejaVu Sans Mono\",monospace;font-size:.88em;background:#f4f4f4;"
	"padding:0 3px;overflow-wrap:anywhere}\n"
	".wide{overflow-x:auto;max-width:100%}\n"
	"figure{margin:.6em 0 .4em;max-width:100%}\n"
	"figure svg{max-width:100%;height:auto;display:block}\n"
	".cards{display:flex;flex-wrap:wrap;gap:0 28px}\n"
	".card{max-width:100%;min-width:0}\n"
	".card h4{margin:.9em 0 .1em;font-size:1em}\n"
	".card p{margin:.1em 0;font-size:.82em;color:#555}\n"
	".missing{color:#a00}\n"
	"li{margin:.15em 0}\n"
	"a{color:#0b5394}\n"
	"@media (max-width:600px){main{padding:8px 10px 32px}body{font-size:14px}"
	"th,td{padding:2px 4px}}\n";

static void html_page(struct buf *html, const struct results *r, const char *md, const char *figdir)
{
	buf_addstr(html, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
			 "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
			 "style-src 'unsafe-inline'; img-src data:\">\n"
			 "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
			 "<meta name=\"generator\" content=\"objmem report\">\n<title>objmem report");
	if (r->label) {
		buf_addstr(html, ": ");
		html_escape(html, r->label, strlen(r->label));
	}
	buf_addf(html, "</title>\n<style>\n%s</style>\n</head>\n<body>\n<main>\n", html_style);
	md_to_html(md, figdir, html);
	buf_addstr(html, "</main>\n</body>\n</html>\n");
}

/* The largest count with an ok cell, else the largest of all. */
static uint64_t headline_count(const struct results *r, const struct summary *s, uint64_t want)
{
	uint64_t count = want;
	for (size_t i = 0; i < s->n_rows && !want; i++)
		if (s->rows[i].n_ok && s->rows[i].count > count)
			count = s->rows[i].count;
	for (size_t i = 0; i < r->config.n_counts && !count; i++)
		count = r->config.counts[i] > count ? r->config.counts[i] : count;
	return count;
}

static int ctx_init(struct ctx *c, const struct results *r, const struct report_opts *o)
{
	memset(c, 0, sizeof(*c));
	c->r = r;
	c->o = o;
	if (o->count && results_require_count(r, o->count))
		return -1;
	if (layout_doc_load(&c->doc, o->layout_doc))
		return -1;
	summary_compute(r, &c->sum);
	c->count = headline_count(r, &c->sum, o->count);
	c->n = r->n_interps;
	c->order = xcalloc(c->n + 1, sizeof(*c->order));
	for (size_t i = 0; i < c->n; i++)
		c->order[i] = r->interps[i].name;
	probe_sort_names(r, c->order, c->n);
	c->labels = probe_labels(r, c->order, c->n);
	return 0;
}

static void ctx_release(struct ctx *c)
{
	probe_labels_free(c->labels, c->n);
	free(c->order);
	summary_release(&c->sum);
	layout_doc_release(&c->doc);
}

/* Draw the figures as SVG into o->outdir; 1 when one failed. */
static int report_figures(const struct ctx *c, struct plot_set *set, const char **why_none)
{
	const struct report_opts *o = c->o;
	memset(set, 0, sizeof(*set));
	*why_none = NULL;
	if (!o->figures) {
		*why_none = "Left out (objmem report --no-figures).";
		return 0;
	}
	if (!c->r->n_cells) {
		*why_none = "None: the results hold no cells.";
		return 0;
	}
	struct plot_opts po;
	plot_opts_init(&po);
	po.outdir = o->outdir;
	po.formats = GP_SVG;
	po.metrics = PLOT_DELTA | PLOT_PEAK;
	po.count = c->count;
	po.templates = o->templates;
	po.gnuplot = o->gnuplot;
	po.timeout_s = o->timeout_s;
	po.source = o->source;
	if (!plot_write_figures(c->r, &po, set))
		return 0;
	if (!set->n)
		*why_none = "Not drawn: gnuplot could not be run (see the messages of objmem report).";
	return 1;
}

int report_write(const struct results *r, const struct report_opts *o)
{
	if (mkdir_p(o->outdir))
		return -1;
	struct ctx c;
	struct table_parts tp;
	if (ctx_init(&c, r, o)) {
		ctx_release(&c);
		return -1;
	}
	if (table_parts_make(r, &tp)) {
		ctx_release(&c);
		return -1;
	}
	struct plot_set set;
	const char *why_none;
	int figures_failed = report_figures(&c, &set, &why_none);

	struct buf md = BUF_INIT, html = BUF_INIT;
	int rc = md_report(&md, &c, &tp, &set, why_none);
	if (!rc) {
		html_page(&html, r, md.p, o->outdir);
		char *md_path = xasprintf("%s/report.md", o->outdir);
		char *html_path = xasprintf("%s/report.html", o->outdir);
		rc = write_file_atomic(md_path, md.p, md.len);
		if (!rc)
			rc = write_file_atomic(html_path, html.p, html.len);
		free(md_path);
		free(html_path);
	}
	buf_release(&md);
	buf_release(&html);
	free(tp.text);
	plot_set_release(&set);
	ctx_release(&c);
	if (rc)
		return -1;
	return figures_failed ? 1 : 0;
}
