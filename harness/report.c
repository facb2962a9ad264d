/* report.c - report.md and report.html from a results document; see report.h. */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "gnuplot.h"
#include "mdhtml.h"
#include "plot.h"
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
	buf_addstr(md, "## Interpreters\n\n");
	if (!r->n_interps) {
		buf_addstr(md, "The results name no interpreter.\n\n");
		return;
	}
	buf_addstr(md, "What each interpreter's probe reported when the run started.\n\n"
		       "| interpreter | implementation | version | pointer bits | debug | allocator | "
		       "free-threaded | compiler | command | status |\n"
		       "|---|---|---|---:|---|---|---|---|---|---|\n");
	for (size_t i = 0; i < r->n_interps; i++) {
		const struct interp *in = &r->interps[i];
		buf_addstr(md, "| ");
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
			buf_addstr(md, "## Probe details\n\nEvery field each probe reported.\n\n");
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
	struct table_opts to = { TABLE_MARKDOWN, 1, 0 };
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
	struct strvec seen = STRVEC_INIT;
	for (size_t i = 0; i < r->n_cells; i++) {
		const struct cell *c = &r->cells[i];
		for (size_t w = 0; w <= c->warnings.n; w++) {
			const char *text = w < c->warnings.n ? c->warnings.v[w] : c->note;
			if (!text)
				continue;
			char *key = xasprintf("%s / %s: %s%s", c->interpreter, c->workload,
					      w < c->warnings.n ? "warning: " : "note: ", text);
			if (strvec_find(&seen, key) < 0) {
				if (!seen.n)
					buf_addstr(md, "Warnings and notes on cells:\n\n");
				strvec_push(&seen, key);
				buf_addstr(md, "- ");
				md_str(md, key);
				buf_addstr(md, "\n");
			}
			free(key);
		}
	}
	if (seen.n)
		buf_addstr(md, "\n");
	strvec_clear(&seen);
}

/* Failed, skipped and pending cells, one line per interpreter, workload, status and reason. */
static void md_not_measured(struct buf *md, const struct results *r)
{
	buf_addstr(md, "## Not measured\n\n");
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
	int header = 0;
	char *done = xcalloc(r->n_cells + 1, 1);
	for (size_t i = 0; i < r->n_cells; i++) {
		const struct cell *c = &r->cells[i];
		if (c->status == CELL_OK || done[i])
			continue;
		if (!header++)
			buf_addstr(md, "Cells that failed, were skipped or never finished, with the "
				       "reason objmem recorded:\n\n"
				       "| interpreter | workload | status | counts (repeats) | reason |\n"
				       "|---|---|---|---|---|\n");
		struct buf counts = BUF_INIT;
		for (size_t j = i; j < r->n_cells; j++) {
			const struct cell *d = &r->cells[j];
			if (done[j] || d->status != c->status || strcmp(d->interpreter, c->interpreter) ||
			    strcmp(d->workload, c->workload) ||
			    strcmp(d->reason ? d->reason : "", c->reason ? c->reason : ""))
				continue;
			done[j] = 1;
			char cnt[32];
			format_count(d->count, cnt, sizeof(cnt));
			buf_addf(&counts, "%s%s #%d", counts.len ? ", " : "", cnt, d->repeat);
		}
		buf_addstr(md, "| ");
		md_str(md, c->interpreter);
		buf_addstr(md, " | ");
		md_str(md, c->workload);
		buf_addf(md, " | %s | %s | ", cell_status_name(c->status), counts.p);
		md_str(md, c->reason ? c->reason : "(no reason recorded)");
		buf_addstr(md, " |\n");
		buf_release(&counts);
	}
	free(done);
	if (header)
		buf_addstr(md, "\n");
	else if (!n)
		buf_addstr(md, "Every cell was measured.\n\n");

	md_cell_remarks(md, r);
}

static void md_figures(struct buf *md, const struct plot_set *set, const char *why_none)
{
	buf_addstr(md, "## Figures\n\n");
	if (why_none) {
		buf_addf(md, "%s\n\n", why_none);
		return;
	}
	char cnt[32];
	format_count(set->count, cnt, sizeof(cnt));
	buf_addf(md, "Drawn with gnuplot. The bar charts show %s objects. Next to each figure in "
		     "this directory are its data (`NAME.dat`) and a script that draws it again "
		     "(`gnuplot NAME.gp`). A cell that failed, was skipped or is missing is a gap "
		     "that says so, never a zero.\n\n", cnt);
	for (size_t i = 0; i < set->n; i++) {
		const struct plot_figure *f = &set->v[i];
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
	buf_addstr(md, ". Everything below is computed from that file alone. MB = 10^6 bytes.\n\n");
}

static void md_machine(struct buf *md, const struct results *r)
{
	buf_addstr(md, "## Machine and method\n\n**Machine**\n\n");
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

static void md_report(struct buf *md, const struct results *r, const struct report_opts *o,
		      const struct table_parts *tp, const struct plot_set *set, const char *why_none)
{
	md_header(md, r, o->source);
	md_machine(md, r);
	md_interpreters(md, r);

	buf_addstr(md, "## Bytes per object\n\nThe USS growth from base to full divided by the "
		       "count, in bytes: interpreters down, workloads across, one table per count. "
		       "\"failed\" or \"skipped\": no repetition ended ok (see Not measured); empty: "
		       "not run.\n");
	md_slice(md, tp, tp->bpo, tp->bpo_end);

	md_figures(md, set, why_none);

	buf_addstr(md, "## Memory by count\n\nThe tables of the original article, per interpreter "
		       "and workload: Count, AbsoluteUsage (USS growth since start-up) and Delta (USS "
		       "growth from base to full) in MB, with bytes per object and the number of ok "
		       "repetitions.\n");
	md_slice(md, tp, 0, tp->detail_end);
	if (tp->fits_end > tp->fits) {
		buf_addstr(md, "### Least-squares fits\n\nDelta against count over every ok cell: the "
			       "slope is the cost of one object, the intercept a fixed overhead.\n");
		md_slice(md, tp, tp->fits, tp->fits_end);
	}
	md_not_measured(md, r);
	md_probe_details(md, r);
}

static const char html_style[] =
	"body{font:15px/1.45 \"DejaVu Sans\",system-ui,sans-serif;color:#222;background:#fff;margin:0}\n"
	"main{max-width:1500px;margin:0 auto;padding:12px 28px 48px}\n"
	"h1{font-size:1.7em;margin:.3em 0}\n"
	"h2{font-size:1.35em;border-bottom:2px solid #ddd;padding-bottom:.15em;margin-top:1.8em}\n"
	"h3{font-size:1.1em;margin-top:1.4em}\n"
	"table{border-collapse:collapse;margin:.5em 0 1.1em;font-size:.9em}\n"
	"th,td{border:1px solid #ccc;padding:2px 8px;vertical-align:top}\n"
	"th{background:#f0f0f0;text-align:left}\n"
	"tbody tr:nth-child(even){background:#fafafa}\n"
	".r{text-align:right;font-variant-numeric:tabular-nums}\n"
	".c{text-align:center}\n"
	"code{font-family:\"DejaVu Sans Mono\",monospace;font-size:.88em;background:#f4f4f4;padding:0 3px}\n"
	".wide{overflow-x:auto}\n"
	"figure{margin:.6em 0 .4em;overflow-x:auto}\n"
	"figure svg{max-width:100%;height:auto;display:block}\n"
	".cards{display:flex;flex-wrap:wrap;gap:0 28px}\n"
	".card h4{margin:.9em 0 .1em;font-size:1em}\n"
	".card p{margin:.1em 0;font-size:.82em;color:#555}\n"
	".missing{color:#a00}\n"
	"li{margin:.15em 0}\n";

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

int report_write(const struct results *r, const struct report_opts *o)
{
	if (mkdir_p(o->outdir))
		return -1;
	struct table_parts tp;
	if (table_parts_make(r, &tp))
		return -1;

	struct plot_set set;
	memset(&set, 0, sizeof(set));
	const char *why_none = NULL;
	int figures_failed = 0;
	if (!o->figures) {
		why_none = "Left out (objmem report --no-figures).";
	} else if (!r->n_cells) {
		why_none = "None: the results hold no cells.";
	} else {
		struct plot_opts po;
		plot_opts_init(&po);
		po.outdir = o->outdir;
		po.formats = GP_SVG;
		po.count = o->count;
		po.templates = o->templates;
		po.gnuplot = o->gnuplot;
		po.timeout_s = o->timeout_s;
		po.source = o->source;
		if (plot_write_figures(r, &po, &set)) {
			figures_failed = 1;
			if (!set.n)
				why_none = "Not drawn: gnuplot could not be run (see the messages of "
					   "objmem report).";
		}
	}

	struct buf md = BUF_INIT, html = BUF_INIT;
	md_report(&md, r, o, &tp, &set, why_none);
	html_page(&html, r, md.p, o->outdir);
	char *md_path = xasprintf("%s/report.md", o->outdir);
	char *html_path = xasprintf("%s/report.html", o->outdir);
	int rc = write_file_atomic(md_path, md.p, md.len);
	if (!rc)
		rc = write_file_atomic(html_path, html.p, html.len);
	free(md_path);
	free(html_path);
	buf_release(&md);
	buf_release(&html);
	free(tp.text);
	plot_set_release(&set);
	if (rc)
		return -1;
	return figures_failed ? 1 : 0;
}

