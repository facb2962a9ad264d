/* explain.c - why a bytes-per-object figure is what it is; see explain.h. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "explain.h"
#include "probe.h"
#include "textfmt.h"
#include "views.h"

/* The cells of a Markdown table row "| a | b \| c |", trimmed, escapes kept. */
static void row_cells(const char *line, struct strvec *cells)
{
	const char *p = strchr(line, '|');
	if (!p)
		return;
	p++;
	while (*p) {
		const char *q = p;
		while (*q && !(*q == '|' && (q == p || q[-1] != '\\')))
			q++;
		if (!*q)
			break;   /* text after the last bar is not a cell */
		const char *a = p, *b = q;
		while (a < b && *a == ' ')
			a++;
		while (b > a && b[-1] == ' ')
			b--;
		strvec_push_nodup(cells, xstrndup(a, (size_t)(b - a)));
		p = q + 1;
	}
}

/* "python3 (pyenv 3.11.7)": name "python3", hints "3.11.7". */
static void parse_name(const char *cell, struct layout_row *row)
{
	const char *paren = strstr(cell, " (");
	row->name = paren ? xstrndup(cell, (size_t)(paren - cell)) : xstrdup(cell);
	if (!paren)
		return;
	for (const char *p = paren + 2; *p && *p != ')';) {
		size_t n = strspn(p, "0123456789.");
		if (n >= 3 && strchr(p, '.') && memchr(p, '.', n)) {
			while (n && p[n - 1] == '.')
				n--;
			strvec_push_nodup(&row->hints, xstrndup(p, n));
			p += n;
		} else {
			p += n ? n : 1;
		}
	}
}

static void add_row(struct layout_doc *d, const char *workload, const struct strvec *cells)
{
	xgrow((void **)&d->rows, sizeof(*d->rows), d->n + 1, &d->alloc);
	struct layout_row *row = &d->rows[d->n++];
	memset(row, 0, sizeof(*row));
	row->workload = xstrdup(workload);
	parse_name(cells->v[0], row);
	row->predicted = xstrdup(cells->v[2]);
	row->how = xstrdup(cells->v[3]);
}

int layout_doc_load(struct layout_doc *d, const char *path)
{
	memset(d, 0, sizeof(*d));
	if (!path || (access(path, F_OK) && errno == ENOENT))
		return 0;   /* nothing to quote: every explanation is computed */
	struct buf text = BUF_INIT;
	if (read_file(path, 4u << 20, &text)) {
		buf_release(&text);
		return error("cannot read '%s' (the report's explanations quote it): is it a "
			     "readable file?", path);
	}
	d->path = xstrdup(path);
	char *workload = NULL;
	for (char *line = text.p, *next; line && *line; line = next) {
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		if (!strncmp(line, "## ", 3)) {
			free(workload);   /* a section of its own: no workload's table */
			workload = NULL;
		} else if (!strncmp(line, "### ", 4)) {
			free(workload);   /* "### point3d: plain class ..." */
			workload = xstrndup(line + 4, strcspn(line + 4, ": "));
		} else if (workload && line[0] == '|') {
			struct strvec cells = STRVEC_INIT;
			row_cells(line, &cells);
			/* interpreter | measured | predicted | how; not the header or rule */
			if (cells.n >= 4 && strcmp(cells.v[0], "interpreter") &&
			    strspn(cells.v[0], "-: ") != strlen(cells.v[0]))
				add_row(d, workload, &cells);
			strvec_clear(&cells);
		}
	}
	free(workload);
	buf_release(&text);
	return 0;
}

void layout_doc_release(struct layout_doc *d)
{
	for (size_t i = 0; i < d->n; i++) {
		free(d->rows[i].workload);
		free(d->rows[i].name);
		strvec_clear(&d->rows[i].hints);
		free(d->rows[i].predicted);
		free(d->rows[i].how);
	}
	free(d->rows);
	free(d->path);
	memset(d, 0, sizeof(*d));
}

/* Is hint one of the build's versions: "3.11.7", "3.11" of 3.11.7, or PyPy's "7.3.11"? */
static int version_matches(const cJSON *probe, const char *hint)
{
	const char *v[] = { probe_str(probe, "version"), probe_str(probe, "implementation_version") };
	for (size_t i = 0; i < ARRAY_SIZE(v); i++) {
		if (!v[i])
			continue;
		size_t n = strlen(hint);
		if (!strcmp(v[i], hint) || (!strncmp(v[i], hint, n) && v[i][n] == '.'))
			return 1;
	}
	return 0;
}

const struct layout_row *layout_doc_find(const struct layout_doc *d, const struct interp *in,
					 const char *workload)
{
	for (size_t i = 0; d && in && i < d->n; i++) {
		const struct layout_row *row = &d->rows[i];
		if (strcmp(row->workload, workload) || strcmp(row->name, in->name))
			continue;
		int all = 1;
		for (size_t h = 0; h < row->hints.n; h++)
			all &= in->probe && version_matches(in->probe, row->hints.v[h]);
		if (all)
			return row;
	}
	return NULL;
}

/* What the build's allocator does to a request, in a few words. */
static const char *allocator_words(const cJSON *probe)
{
	static const char *const words[][2] = {
		{ "pymalloc", "pymalloc rounds each request up to a 16-byte class" },
		{ "pymalloc-debug", "the debug allocator adds 24 guard bytes to each request, "
		  "then pymalloc rounds to 16" },
		{ "malloc", "glibc malloc adds an 8-byte chunk header and rounds to 16 (32 at least)" },
		{ "mimalloc", "mimalloc rounds each request up to its size bin" },
		{ "mimalloc-debug", "the debug allocator adds guard bytes, then mimalloc rounds to "
		  "its bin" },
		{ "pypy-gc", "PyPy's collector keeps objects in 8 KiB pages of equal-sized slots" },
	};
	const char *alloc = probe_str(probe, "allocator");
	if (alloc && !strcmp(alloc, "malloc") && probe_pointer_bits(probe) == 32)
		return "a 32-bit dlmalloc (emscripten's on wasm32) adds a 4-byte header and "
		       "rounds to 8 (16 at least)";
	for (size_t i = 0; alloc && i < ARRAY_SIZE(words); i++)
		if (!strcmp(alloc, words[i][0]))
			return words[i][1];
	if (probe_str(probe, "implementation") &&
	    !strcmp(probe_str(probe, "implementation"), "micropython"))
		return "MicroPython's heap hands out 32-byte blocks";
	return NULL;
}

char *explain_row(const struct layout_doc *d, const struct interp *in,
		  const struct summary_row *row)
{
	struct buf b = BUF_INIT;
	const struct layout_row *lr = layout_doc_find(d, in, row->workload);
	if (!row->bytes_per_object.valid) {
		buf_addstr(&b, "not measured");
		return buf_detach(&b);
	}
	if (lr) {
		/* quoted: the doc's own Markdown, its predicted figure and where it is from */
		buf_addf(&b, "%s; predicted %s B (docs/layout.md)", lr->how, lr->predicted);
		return buf_detach(&b);
	}
	const cJSON *probe = in ? in->probe : NULL;
	const char *alloc = allocator_words(probe);
	double measured = row->bytes_per_object.median;
	if (row->getsizeof.valid && row->getsizeof.median > 0 &&
	    measured < row->getsizeof.median - 0.5) {
		buf_addf(&b, "sys.getsizeof: %.0f B, the object with its GC header; the kernel saw "
			 "%.0f B less: the allocator reused memory the process held already",
			 row->getsizeof.median, row->getsizeof.median - measured);
	} else if (row->getsizeof.valid && row->getsizeof.median > 0) {
		double own = row->getsizeof.median;
		buf_addf(&b, "sys.getsizeof: %.0f B, the object with its GC header; the other "
			 "%.0f B are what it owns (a `__dict__` or values array, new ints) and "
			 "allocator overhead", own, measured - own);
	} else {
		buf_addstr(&b, "sys.getsizeof cannot tell on this interpreter");
	}
	if (alloc)
		buf_addf(&b, "; %s", alloc);
	buf_addstr(&b, " (computed from the results)");
	return buf_detach(&b);
}

/* ---- the views side by side (show --explain) ---- */

static double view_or_nan(const cJSON *view, const char *key, struct buf *lacks)
{
	double v;
	const char *why = NULL;
	if (!views_number(view, key, &v, &why))
		return v;
	if (why)
		buf_addf(lacks, "%s%s: %s", lacks->len ? "; " : "", key, why);
	return NAN;
}

/* One step between two views, in words, when both were had. */
static void step(struct buf *b, const char *name, double from, double to, const char *why)
{
	if (isnan(from) || isnan(to))
		return;
	buf_addf(b, "%s%s %+.1f (%s)", b->len ? "; " : "", name, to - from, why);
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

/* Per object from base to full, NAN where the cell does not have it. */
static double raw_uss_of(const struct cell *c)
{
	const struct mem_sample *b = &c->samples[PHASE_BASE], *f = &c->samples[PHASE_FULL];
	return b->valid && f->valid ? ((double)f->uss - (double)b->uss) / (double)c->count : NAN;
}

static double malloc_in_use_of(const struct cell *c)
{
	return c->malloc_base.valid && c->malloc_full.valid
	       ? (double)(c->malloc_full.in_use - c->malloc_base.in_use) / (double)c->count : NAN;
}

static double malloc_free_of(const struct cell *c)
{
	return c->malloc_base.valid && c->malloc_full.valid
	       ? (double)(c->malloc_full.free - c->malloc_base.free) / (double)c->count : NAN;
}

/* The median over the row's ok cells of per(cell), NAN where none has it. */
static double cells_median(const struct results *r, const struct summary_row *row,
			   double (*per)(const struct cell *))
{
	double v[64];
	size_t n = 0;
	for (int rep = 1; rep <= 64 && n < 64; rep++) {
		const struct cell *c = results_find_cell(r, row->interpreter, row->workload, row->count,
							 rep);
		if (!c || c->status != CELL_OK || !c->count)
			continue;
		double x = per(c);
		if (!isnan(x))
			v[n++] = x;
	}
	if (!n)
		return NAN;
	qsort(v, n, sizeof(*v), cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/*
 * Where the child counted its malloc (glibc, the objects from malloc): the
 * residual split into what malloc handed out beyond the model, what it keeps
 * free in its bins, and the pages past both.
 */
static void malloc_steps(struct buf *b, const struct explanation *e)
{
	if (isnan(e->malloc_in_use) || isnan(e->malloc_free) || isnan(e->kernel))
		return;
	double past = isnan(e->allocator) ? NAN : e->malloc_in_use - e->allocator;
	buf_addf(b, "%smalloc's own count (glibc's mallinfo2, base to full): %.1f in use",
		 b->len ? "; " : "", e->malloc_in_use);
	if (!isnan(past))
		buf_addf(b, " (%+.1f past the allocator figure%s)", past,
			 past >= 0.5 ? ": a free chunk up to 31 bytes larger than asked is handed out "
				       "whole when what would remain is under glibc's 32-byte minimum" : "");
	buf_addf(b, ", %+.1f free in its bins%s, %.1f together; the kernel %+.1f past that "
		 "(the pages of the heap's top, page rounding)", e->malloc_free,
		 e->malloc_free >= 0.5 ? " (blocks freed during the fill and kept: the tables of "
					 "dicts that grew, temporaries)"
		 : e->malloc_free <= -0.5 ? " (free chunks from before base reused)" : "",
		 e->malloc_in_use + e->malloc_free, e->kernel - e->malloc_in_use - e->malloc_free);
}

int explain_views(const struct results *r, const struct interp *in,
		  const struct summary_row *row, struct explanation *e)
{
	memset(e, 0, sizeof(*e));
	e->shallow = e->deep = e->requested = e->allocator = e->kernel = e->residual = NAN;
	e->raw = cells_median(r, row, raw_uss_of);
	e->malloc_in_use = cells_median(r, row, malloc_in_use_of);
	e->malloc_free = cells_median(r, row, malloc_free_of);
	const cJSON *view = views_find(r, row->interpreter, row->workload);
	if (!view)
		return -1;
	struct buf lacks = BUF_INIT, steps = BUF_INIT, how = BUF_INIT;
	e->shallow = view_or_nan(view, "shallow", &lacks);
	e->deep = view_or_nan(view, "deep", &lacks);
	e->requested = view_or_nan(view, "requested", &lacks);
	const cJSON *all = cJSON_GetObjectItemCaseSensitive(
		cJSON_GetObjectItemCaseSensitive(view, "lacks"), "views");
	if (cJSON_IsString(all))
		buf_addf(&lacks, "%sviews: %s", lacks.len ? "; " : "", all->valuestring);
	const char *why = NULL;
	if (!views_allocator(in ? in->probe : NULL, view, &e->allocator, &how, &why))
		e->allocator_how = buf_detach(&how);
	else
		buf_addf(&lacks, "%sallocator: %s", lacks.len ? "; " : "", why);
	buf_release(&how);
	if (row->bytes_per_object.valid)
		e->kernel = row->bytes_per_object.median;
	if (!isnan(e->kernel) && !isnan(e->allocator))
		e->residual = e->kernel - e->allocator;
	struct buf owned = BUF_INIT;
	buf_addstr(&owned, "the objects it owns: attribute values not shared");
	const cJSON *attrs = cJSON_GetObjectItemCaseSensitive(view, "deep_by_attribute"), *a;
	if (cJSON_IsObject(attrs) && attrs->child) {
		buf_addstr(&owned, "; by attribute:");
		cJSON_ArrayForEach(a, attrs)
			buf_addf(&owned, " %s %.0f", a->string, a->valuedouble);
	}
	step(&steps, "deep", e->shallow, e->deep, owned.p);
	buf_release(&owned);
	const cJSON *source = cJSON_GetObjectItemCaseSensitive(view, "requested_source");
	int from_sizes = cJSON_IsString(source) && !strcmp(source->valuestring, "sizes");
	step(&steps, "requested", isnan(e->deep) ? e->shallow : e->deep, e->requested,
	     from_sizes ? "no tracemalloc before 3.4: the requests derived from sys.getsizeof of "
			  "each object owned, a block each (two for a list, dict or set whose "
			  "table lies apart; one item more for a subclass of a variable-size "
			  "type; a 41st of a 992-byte block for a 2.7 int or float)"
			: "what sys.getsizeof does not see: values arrays, spare int digits, parents "
			  "shared by a few objects");
	step(&steps, "allocator", e->requested, e->allocator,
	     e->allocator_how ? e->allocator_how : "rounding");
	step(&steps, "kernel", e->allocator, e->kernel,
	     "the residual: pool and arena slack, the collector, pages the fill touched");
	malloc_steps(&steps, e);
	if (!isnan(e->raw) && !isnan(e->kernel) && fabs(e->raw - e->kernel) >= 0.05)
		step(&steps, "raw USS", e->kernel, e->raw,
		     "the article's method counts clean pages too: interpreter code paged in "
		     "during the fill, which objmem leaves out");
	const cJSON *op = cJSON_GetObjectItemCaseSensitive(view, "one_process");
	double n, raw, clean, dirty, after;
	if (!views_number(op, "objects", &n, NULL) && !views_number(op, "raw", &raw, NULL) &&
	    !views_number(op, "clean", &clean, NULL) && !views_number(op, "dirty", &dirty, NULL) &&
	    !views_number(op, "dirty_collected", &after, NULL))
		buf_addf(&steps, "%sthe article's method in one process (%.0f objects, USS before "
			 "and after): %.1f = %+.1f of clean pages (code paged in, or taken back by "
			 "the kernel) + %.1f written, %.1f written after a full collection",
			 steps.len ? "; " : "", n, raw, clean,
			 dirty, after);
	e->steps = steps.len ? buf_detach(&steps) : NULL;
	e->lacks = lacks.len ? buf_detach(&lacks) : NULL;
	buf_release(&steps);
	buf_release(&lacks);
	return 0;
}

void explanation_release(struct explanation *e)
{
	free(e->steps);
	free(e->lacks);
	free(e->allocator_how);
	memset(e, 0, sizeof(*e));
}

/* The row shown for (interpreter, workload): at count, else its largest. */
static const struct summary_row *row_at(const struct summary *s, size_t i, uint64_t count)
{
	const struct summary_row *row = &s->rows[i];
	if (count)
		return row->count == count ? row : NULL;
	/* rows of one (interpreter, workload) are consecutive, counts ascending */
	const struct summary_row *next = i + 1 < s->n_rows ? &s->rows[i + 1] : NULL;
	if (next && !strcmp(next->interpreter, row->interpreter) &&
	    !strcmp(next->workload, row->workload))
		return NULL;
	return row;
}

static void num_cell(struct tab *t, double v)
{
	if (isnan(v))
		tab_cell(t, "-");
	else
		tab_cellf(t, "%.1f", v);
}

static cJSON *json_num_or_null(double v)
{
	return isnan(v) ? cJSON_CreateNull() : cJSON_CreateNumber(round(v * 100) / 100);
}

static void csv_num(struct buf *b, double v)
{
	if (!isnan(v))
		csv_number(b, round(v * 100) / 100);
}

static void add_csv(struct buf *b, const struct summary_row *row, const struct explanation *e)
{
	csv_field(b, row->interpreter);
	buf_addstr(b, ",");
	csv_field(b, row->workload);
	buf_addf(b, ",%llu", (unsigned long long)row->count);
	const double v[] = { e->shallow, e->deep, e->requested, e->allocator, e->kernel, e->residual,
			     e->raw };
	for (size_t k = 0; k < ARRAY_SIZE(v); k++) {
		buf_addstr(b, ",");
		csv_num(b, v[k]);
	}
	buf_addstr(b, ",");
	csv_field(b, e->steps ? e->steps : "");
	buf_addstr(b, ",");
	csv_field(b, e->lacks ? e->lacks : "");
	buf_addstr(b, "\r\n");
}

static cJSON *json_row(const struct summary_row *row, const struct explanation *e)
{
	cJSON *o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "interpreter", row->interpreter);
	cJSON_AddStringToObject(o, "workload", row->workload);
	cJSON_AddNumberToObject(o, "count", (double)row->count);
	cJSON_AddItemToObject(o, "shallow", json_num_or_null(e->shallow));
	cJSON_AddItemToObject(o, "deep", json_num_or_null(e->deep));
	cJSON_AddItemToObject(o, "requested", json_num_or_null(e->requested));
	cJSON_AddItemToObject(o, "allocator", json_num_or_null(e->allocator));
	cJSON_AddItemToObject(o, "kernel", json_num_or_null(e->kernel));
	cJSON_AddItemToObject(o, "residual", json_num_or_null(e->residual));
	cJSON_AddItemToObject(o, "raw_uss", json_num_or_null(e->raw));
	cJSON_AddItemToObject(o, "malloc_in_use", json_num_or_null(e->malloc_in_use));
	cJSON_AddItemToObject(o, "malloc_free", json_num_or_null(e->malloc_free));
	cJSON_AddItemToObject(o, "allocator_how", e->allocator_how
			      ? cJSON_CreateString(e->allocator_how) : cJSON_CreateNull());
	cJSON_AddItemToObject(o, "steps", e->steps ? cJSON_CreateString(e->steps)
					    : cJSON_CreateNull());
	cJSON_AddItemToObject(o, "lacks", e->lacks ? cJSON_CreateString(e->lacks)
					    : cJSON_CreateNull());
	return o;
}

int explain_print(FILE *out, const struct results *r, uint64_t count, int format)
{
	if (!r->views)
		return error("the results file has no views (run without --no-views, objmem 0.2 or "
			     "newer): nothing to explain");
	if (count && results_require_count(r, count))
		return -2;
	struct summary s;
	summary_compute(r, &s);
	static const char *const heads[] = { "interpreter", "workload", "count", "shallow", "deep",
					     "requested", "allocator", "kernel", "residual",
					     "raw USS" };
	struct tab t;
	tab_init(&t, ARRAY_SIZE(heads), heads, "llrrrrrrrr");
	struct buf csv = BUF_INIT, notes = BUF_INIT;
	cJSON *arr = cJSON_CreateArray();
	buf_addstr(&csv, "interpreter,workload,count,shallow,deep,requested,allocator,kernel,"
		   "residual,raw_uss,steps,lacks\r\n");
	for (size_t i = 0; i < s.n_rows; i++) {
		const struct summary_row *row = row_at(&s, i, count);
		struct explanation e;
		if (!row || explain_views(r, results_find_interp(r, row->interpreter), row, &e))
			continue;
		char n[32];
		format_count(row->count, n, sizeof(n));
		tab_cell(&t, row->interpreter);
		tab_cell(&t, row->workload);
		tab_cell(&t, n);
		const double v[] = { e.shallow, e.deep, e.requested, e.allocator, e.kernel, e.residual,
				     e.raw };
		for (size_t k = 0; k < ARRAY_SIZE(v); k++)
			num_cell(&t, v[k]);
		buf_addf(&notes, "%s / %s: %s%s%s\n", row->interpreter, row->workload,
			 e.steps ? e.steps : "", e.steps && e.lacks ? "; " : "",
			 e.lacks ? "lacking " : "");
		if (e.lacks) {
			notes.len--;   /* the newline: the reasons go on the same line */
			buf_addf(&notes, "%s\n", e.lacks);
		}
		add_csv(&csv, row, &e);
		cJSON_AddItemToArray(arr, json_row(row, &e));
		explanation_release(&e);
	}
	if (format == 2) {
		fputs(csv.p, out);
	} else if (format == 3) {
		char *text = cJSON_Print(arr);
		fprintf(out, "%s\n", text);
		cJSON_free(text);
	} else {
		fprintf(out, "%sBytes per object, five views%s (kernel: the measured USS delta, "
			"clean pages left out; residual: kernel - allocator; raw USS: the delta with "
			"clean pages, the article's method)\n\n", format ? "**" : "", format ? "**" : "");
		tab_print(out, &t, format ? TAB_MARKDOWN : TAB_TEXT);
		fprintf(out, "\n");
		for (char *line = notes.p; line && *line;) {
			char *nl = strchr(line, '\n');
			*nl = '\0';
			if (format)
				fputs("- ", out), md_fputs(out, line), fputs("\n", out);
			else
				fputs("  ", out), term_fputs(out, line), fputs("\n", out);
			line = nl + 1;
		}
	}
	cJSON_Delete(arr);
	buf_release(&csv);
	buf_release(&notes);
	tab_release(&t);
	summary_release(&s);
	fflush(out);
	return ferror(out) ? -1 : 0;
}
