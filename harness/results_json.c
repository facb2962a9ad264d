/*
 * results_json.c - a results document as JSON (schema objmem-results/1):
 * building it from a struct results, printing it so that every number
 * reads back exactly, and validating a document field by field, naming the
 * JSON path of anything wrong; see results.h.
 */
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <pthread.h>

#include "cellscan.h"
#include "journal.h"
#include "jsonutil.h"
#include "results.h"
#include "stats.h"
#include "textfmt.h"
#include "views.h"

/* A results file larger than this is not one objmem wrote. */
#define RESULTS_MAX_BYTES (1024UL * 1024 * 1024)

/* ------------------------------------------------------------------ */
/* Writing                                                            */
/* ------------------------------------------------------------------ */

/*
 * A JSON string node for s. Text from a child (stderr_tail above all, which
 * may start in the middle of a character) need not be UTF-8; JSON must be,
 * so each invalid byte becomes U+FFFD.
 */
/* s into b with each byte that is not UTF-8 made U+FFFD. */
static void utf8_sanitize(struct buf *b, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	buf_add(b, "", 0);
	while (*p) {
		size_t n = utf8_len(p);
		if (n) {
			buf_add(b, p, n);
			p += n;
		} else {
			buf_addstr(b, "\xEF\xBF\xBD");
			p++;
		}
	}
}

static cJSON *json_string(const char *s)
{
	if (utf8_valid(s))
		return cJSON_CreateString(s);
	struct buf b = BUF_INIT;
	utf8_sanitize(&b, s);
	cJSON *item = cJSON_CreateString(b.p);
	buf_release(&b);
	return item;
}

static cJSON *json_str_or_null(const char *s)
{
	return s ? json_string(s) : cJSON_CreateNull();
}

static cJSON *json_num(double v)
{
	return isfinite(v) ? cJSON_CreateNumber(v) : cJSON_CreateNull();
}

static cJSON *json_strvec(const struct strvec *sv)
{
	cJSON *a = cJSON_CreateArray();
	for (size_t i = 0; i < sv->n; i++)
		cJSON_AddItemToArray(a, json_string(sv->v[i]));
	return a;
}

/* "KEY=VALUE" entries as {"KEY": "VALUE"}. */
static cJSON *json_env(const struct strvec *env)
{
	cJSON *o = cJSON_CreateObject();
	for (size_t i = 0; i < env->n; i++) {
		const char *kv = env->v[i];
		const char *eq = strchr(kv, '=');
		char *key = eq ? xstrndup(kv, (size_t)(eq - kv)) : xstrdup(kv);
		cJSON_AddItemToObject(o, key, json_string(eq ? eq + 1 : ""));
		free(key);
	}
	return o;
}

/* ------------------------------------------------ machine and config */

static cJSON *json_merged(const struct config *c)
{
	cJSON *a = cJSON_CreateArray();
	for (size_t i = 0; i < c->n_merged; i++) {
		const struct merged_from *m = &c->merged[i];
		cJSON *o = cJSON_CreateObject();
		cJSON_AddItemToObject(o, "source", json_str_or_null(m->source));
		cJSON_AddItemToObject(o, "created", json_str_or_null(m->created));
		cJSON_AddItemToObject(o, "label", json_str_or_null(m->label));
		cJSON_AddItemToObject(o, "shard", json_str_or_null(m->shard));
		cJSON_AddItemToObject(o, "cells", json_u64(m->cells));
		cJSON_AddItemToArray(a, o);
	}
	return a;
}

/* One field's JSON value, or NULL when the field is left out of the object. */
static cJSON *json_field(const void *obj, const struct field_desc *f)
{
	const char *base = (const char *)obj + f->offset;
	const struct config *c = obj;
	switch (f->type) {
	case FIELD_STR:
		return json_str_or_null(*(char *const *)base);
	case FIELD_INT: {
		int v = *(const int *)base;
		int unset = !strcmp(f->key, "cpu") ? v < 0 : v <= 0;
		return unset ? cJSON_CreateNull() : cJSON_CreateNumber(v);
	}
	case FIELD_I64:
		return *(const int64_t *)base < 0 ? NULL : cJSON_CreateNumber((double)*(const int64_t *)base);
	case FIELD_U64:
		return *(const uint64_t *)base ? json_u64(*(const uint64_t *)base) : cJSON_CreateNull();
	case FIELD_DOUBLE:
		return *(const double *)base > 0 ? json_num(*(const double *)base) : cJSON_CreateNull();
	case FIELD_BOOL:
		return *(const int *)base < 0 ? NULL : cJSON_CreateBool(*(const int *)base);
	case FIELD_STRVEC:
		if ((f->flags & FIELD_OMIT_EMPTY) && !((const struct strvec *)base)->n)
			return NULL;
		return json_strvec((const struct strvec *)base);
	case FIELD_COUNTS: {
		cJSON *a = cJSON_CreateArray();
		for (size_t i = 0; i < c->n_counts; i++)
			cJSON_AddItemToArray(a, json_u64(c->counts[i]));
		return a;
	}
	case FIELD_SHARD: {
		if (!c->shard_n)
			return NULL;
		char s[48];
		snprintf(s, sizeof(s), "%d/%d", c->shard_k, c->shard_n);
		return cJSON_CreateString(s);
	}
	case FIELD_MERGED:
		return c->is_merged ? json_merged(c) : NULL;
	}
	return NULL;
}

/* A machine or config object: the known fields in table order, then the others. */
static cJSON *json_fields(const void *obj, const struct field_desc *fields, size_t n,
			  const cJSON *extra)
{
	cJSON *o = cJSON_CreateObject();
	for (size_t i = 0; i < n; i++) {
		cJSON *v = json_field(obj, &fields[i]);
		if (v)
			cJSON_AddItemToObject(o, fields[i].key, v);
	}
	for (const cJSON *e = extra ? extra->child : NULL; e; e = e->next)
		cJSON_AddItemToObject(o, e->string, cJSON_Duplicate(e, 1));
	return o;
}

static cJSON *json_interp(const struct interp *in)
{
	cJSON *o = cJSON_CreateObject();
	cJSON_AddItemToObject(o, "name", json_str_or_null(in->name));
	cJSON_AddItemToObject(o, "argv", json_strvec(&in->argv));
	cJSON_AddItemToObject(o, "env", json_env(&in->env));
	cJSON_AddItemToObject(o, "tags", json_strvec(&in->tags));
	cJSON_AddItemToObject(o, "origin", json_str_or_null(in->origin));
	cJSON_AddItemToObject(o, "skipped", json_str_or_null(in->skip_reason));
	cJSON_AddItemToObject(o, "probe",
			      in->probe ? cJSON_Duplicate(in->probe, 1) : cJSON_CreateNull());
	return o;
}

/* "malloc": {"base": {"in_use", "free"}, "full": {...}}, both counted. */
/* ------------------------------------------------ a cell, as text */

/*
 * A cell is written straight as text, one line of compact JSON, the way
 * cJSON prints (the journal, results_write and merge write millions of
 * them; a tree per cell cost more than all the rest): strings made UTF-8
 * as json_string makes them and escaped as cJSON escapes them ("\u00XX"
 * for the other control characters), numbers exact (fmt_number_exact).
 */
static void text_string(struct buf *b, const char *s)
{
	struct buf clean = BUF_INIT;
	if (!utf8_valid(s)) {
		utf8_sanitize(&clean, s);
		s = clean.p;
	}
	buf_add(b, "\"", 1);
	for (const unsigned char *p = (const unsigned char *)s; *p;) {
		const unsigned char *q = p;
		while (json_plain_byte[*q])
			q++;
		buf_add(b, p, (size_t)(q - p));
		if (!*q)
			break;
		static const char from[] = "\"\\\b\f\n\r\t", to[] = "\"\\bfnrt";
		const char *e = memchr(from, *q, sizeof(from) - 1);
		char esc[8];
		if (e)
			snprintf(esc, sizeof(esc), "\\%c", to[e - from]);
		else
			snprintf(esc, sizeof(esc), "\\u%04x", *q);
		buf_addstr(b, esc);
		p = q + 1;
	}
	buf_add(b, "\"", 1);
	buf_release(&clean);
}

static inline void text_key(struct buf *b, const char *key, int first)
{
	buf_add(b, first ? "\"" : ",\"", first ? 1 : 2);
	buf_addstr(b, key);
	buf_add(b, "\":", 2);
}

static void text_number(struct buf *b, double v)
{
	char n[64];
	if (v >= 0 && v < 1e15 && v == (double)(uint64_t)v) {
		/* a whole number, most of them: the digits fmt_number_exact writes, here */
		char *d = n + sizeof(n);
		uint64_t u = (uint64_t)v;
		do
			*--d = (char)('0' + u % 10);
		while (u /= 10);
		buf_add(b, d, (size_t)(n + sizeof(n) - d));
		return;
	}
	fmt_number_exact(n, sizeof(n), v);   /* "null" where not finite */
	buf_addstr(b, n);
}

static void text_str_or_null(struct buf *b, const char *s)
{
	if (s)
		text_string(b, s);
	else
		buf_add(b, "null", 4);
}

/* An object of numbers: keys[i] = v[i]. */
static void text_numbers(struct buf *b, const char *const *keys, const double *v, size_t n)
{
	buf_add(b, "{", 1);
	for (size_t i = 0; i < n; i++) {
		text_key(b, keys[i], !i);
		text_number(b, v[i]);
	}
	buf_add(b, "}", 1);
}

static void text_sample(struct buf *b, const struct mem_sample *s)
{
	static const char *const keys[] = { "rss", "pss", "uss", "anon", "swap", "private_clean" };
	if (!s->valid) {
		buf_add(b, "null", 4);
		return;
	}
	double v[] = { (double)s->rss, (double)s->pss, (double)s->uss, (double)s->anon,
		       (double)s->swap, (double)s->private_clean };
	text_numbers(b, keys, v, ARRAY_SIZE(keys));
}

static void text_malloc(struct buf *b, const struct cell *c)
{
	static const char *const keys[] = { "in_use", "free" };
	const struct malloc_count *m[2] = { &c->malloc_base, &c->malloc_full };
	static const char *const names[2] = { "base", "full" };
	buf_add(b, "{", 1);
	for (int i = 0; i < 2; i++) {
		double v[] = { (double)m[i]->in_use, (double)m[i]->free };
		text_key(b, names[i], !i);
		text_numbers(b, keys, v, ARRAY_SIZE(keys));
	}
	buf_add(b, "}", 1);
}

static void text_peak(struct buf *b, const struct mem_peak *p)
{
	static const char *const keys[] = { "vm_hwm", "rss_anon_max", "polls" };
	if (!p->valid) {
		buf_add(b, "null", 4);
		return;
	}
	double v[] = { (double)p->vm_hwm, (double)p->rss_anon_max, (double)p->polls };
	text_numbers(b, keys, v, ARRAY_SIZE(keys));
}

void results_cell_text(struct buf *b, const struct cell *c)
{
	buf_add(b, "{", 1);
	text_key(b, "interpreter", 1);
	text_str_or_null(b, c->interpreter);
	text_key(b, "workload", 0);
	text_str_or_null(b, c->workload);
	text_key(b, "count", 0);
	text_number(b, (double)c->count);
	text_key(b, "repeat", 0);
	text_number(b, c->repeat);
	text_key(b, "status", 0);
	text_string(b, cell_status_name(c->status));
	text_key(b, "reason", 0);
	text_str_or_null(b, c->reason);
	/* -1 is "the interpreter has none" or "not measured": both null */
	text_key(b, "getsizeof", 0);
	text_number(b, c->getsizeof >= 0 ? (double)c->getsizeof : NAN);
	text_key(b, "container_bytes", 0);
	text_number(b, c->container_bytes >= 0 ? (double)c->container_bytes : NAN);
	text_key(b, "samples", 0);
	buf_add(b, "{", 1);
	for (int p = 0; p < PHASE_COUNT; p++) {
		text_key(b, phase_name(p), !p);
		text_sample(b, &c->samples[p]);
	}
	buf_add(b, "}", 1);
	text_key(b, "malloc", 0);
	if (c->malloc_base.valid && c->malloc_full.valid)
		text_malloc(b, c);
	else
		buf_add(b, "null", 4);
	text_key(b, "peak", 0);
	text_peak(b, &c->peak);
	/* a cell that never ran has no time and no pid */
	text_key(b, "wall_s", 0);
	text_number(b, c->wall_s > 0 ? c->wall_s : NAN);
	text_key(b, "pid", 0);
	text_number(b, c->pid > 0 ? (double)c->pid : NAN); /* NAN is a float: the int would become one */
	text_key(b, "warnings", 0);
	buf_add(b, "[", 1);
	for (size_t i = 0; i < c->warnings.n; i++) {
		if (i)
			buf_add(b, ",", 1);
		text_string(b, c->warnings.v[i]);
	}
	buf_add(b, "]", 1);
	text_key(b, "stderr_tail", 0);
	text_str_or_null(b, c->stderr_tail);
	text_key(b, "note", 0);
	text_str_or_null(b, c->note);
	buf_add(b, "}", 1);
}

/* The cell as a tree: its text, parsed (for the document as one tree). */
/* What a text writer wrote, as a tree (results_to_json: one home for each shape). */
static cJSON *json_of_text(void (*text)(struct buf *, const void *), const void *item)
{
	struct buf b = BUF_INIT;
	text(&b, item);
	cJSON *o = cJSON_ParseWithLength(b.p, b.len);
	if (!o)
		BUG("the text written does not parse: %s", b.p);
	buf_release(&b);
	return o;
}

static void cell_text(struct buf *b, const void *c)
{
	results_cell_text(b, c);
}

static void text_stat3(struct buf *b, const struct stat3 *s)
{
	static const char *const keys[] = { "median", "min", "max", "n" };
	if (!s->valid) {
		buf_add(b, "null", 4);
		return;
	}
	double v[] = { s->median, s->min, s->max, (double)s->n };
	text_numbers(b, keys, v, ARRAY_SIZE(keys));
}

/* A summary row as one line of compact JSON, written as a cell is. */
static void summary_row_text(struct buf *b, const void *arg)
{
	const struct summary_row *row = arg;
	/* names as the cells write them: a byte that is not UTF-8 becomes U+FFFD */
	buf_add(b, "{", 1);
	text_key(b, "interpreter", 1);
	text_str_or_null(b, row->interpreter);
	text_key(b, "workload", 0);
	text_str_or_null(b, row->workload);
	static const char *const counts[] = { "count", "n_ok", "n_failed", "n_skipped" };
	double n[] = { (double)row->count, (double)row->n_ok, (double)row->n_failed,
		       (double)row->n_skipped };
	for (size_t i = 0; i < ARRAY_SIZE(counts); i++) {
		text_key(b, counts[i], 0);
		text_number(b, n[i]);
	}
	const struct {
		const char *key;
		const struct stat3 *s;
	} stats[] = {
		{ "bytes_per_object", &row->bytes_per_object }, { "delta_bytes", &row->delta_bytes },
		{ "absolute_bytes", &row->absolute_bytes },     { "full_uss", &row->full_uss },
		{ "peak_hwm", &row->peak_hwm },                 { "peak_bytes", &row->peak_bytes },
		{ "getsizeof", &row->getsizeof },
	};
	for (size_t i = 0; i < ARRAY_SIZE(stats); i++) {
		text_key(b, stats[i].key, 0);
		text_stat3(b, stats[i].s);
	}
	text_key(b, "container_bytes", 0);
	text_number(b, row->container_bytes >= 0 ? (double)row->container_bytes : NAN);
	text_key(b, "spread_pct", 0);
	text_number(b, row->spread_pct);   /* null where not finite */
	buf_add(b, "}", 1);
}

static void fit_text(struct buf *b, const void *arg)
{
	const struct summary_fit *sf = arg;
	const struct fit *f = &sf->fit;
	buf_add(b, "{", 1);
	text_key(b, "interpreter", 1);
	text_str_or_null(b, sf->interpreter);
	text_key(b, "workload", 0);
	text_str_or_null(b, sf->workload);
	static const char *const keys[] = { "slope", "intercept", "r2" };
	double v[] = { f->slope, f->intercept, f->r2 };
	for (size_t i = 0; i < ARRAY_SIZE(keys); i++) {
		text_key(b, keys[i], 0);
		text_number(b, f->valid ? v[i] : NAN);
	}
	text_key(b, "n", 0);
	text_number(b, (double)f->n);
	buf_add(b, "}", 1);
}

cJSON *results_to_json(const struct results *r)
{
	cJSON *doc = cJSON_CreateObject();
	if (!doc)
		die("out of memory building the results document");
	cJSON_AddStringToObject(doc, "schema", RESULTS_SCHEMA);
	cJSON_AddItemToObject(doc, "objmem_version", json_str_or_null(r->objmem_version));
	cJSON_AddItemToObject(doc, "created", json_str_or_null(r->created));
	cJSON_AddItemToObject(doc, "label", json_str_or_null(r->label));
	cJSON_AddItemToObject(doc, "machine", r->machine.present
			      ? json_fields(&r->machine, machine_fields, n_machine_fields,
					    r->machine.extra) : cJSON_CreateNull());
	cJSON_AddItemToObject(doc, "config", r->config.present
			      ? json_fields(&r->config, config_fields, n_config_fields,
					    r->config.extra) : cJSON_CreateNull());

	cJSON *interps = cJSON_AddArrayToObject(doc, "interpreters");
	for (size_t i = 0; i < r->n_interps; i++)
		cJSON_AddItemToArray(interps, json_interp(&r->interps[i]));
	if (r->views)
		cJSON_AddItemToObject(doc, "views", cJSON_Duplicate(r->views, 1));
	cJSON *cells = cJSON_AddArrayToObject(doc, "cells");
	for (size_t i = 0; i < r->n_cells; i++)
		cJSON_AddItemToArray(cells, json_of_text(cell_text, &r->cells[i]));

	struct summary s;
	summary_compute(r, &s);
	cJSON *rows = cJSON_AddArrayToObject(doc, "summary");
	for (size_t i = 0; i < s.n_rows; i++)
		cJSON_AddItemToArray(rows, json_of_text(summary_row_text, &s.rows[i]));
	cJSON *fits = cJSON_AddArrayToObject(doc, "fits");
	for (size_t i = 0; i < s.n_fits; i++)
		cJSON_AddItemToArray(fits, json_of_text(fit_text, &s.fits[i]));
	summary_release(&s);
	return doc;
}


/*
 * How many threads share n items of work: one per PER_PART items begun, at
 * most the cores and PARTS_MAX (on two cores, reading a file of 10k cells
 * takes about half the time it takes one thread: bench/scale.py).
 */
enum { PARTS_MAX = 4, PER_PART = 2000 };

static size_t parts_for(size_t n)
{
	size_t k = (n + PER_PART - 1) / PER_PART, most = worker_threads(PARTS_MAX);
	return k < 1 ? 1 : k > most ? most : k;
}

/* fn on each of k parts (size bytes apart): part 0 here, the rest on threads, all joined. */
static void run_parts(void *(*fn)(void *), void *parts, size_t size, size_t k)
{
	pthread_t tid[PARTS_MAX];
	for (size_t t = 1; t < k; t++)
		if (pthread_create(&tid[t], NULL, fn, (char *)parts + t * size))
			tid[t] = 0, fn((char *)parts + t * size); /* no thread to be had: here */
	fn(parts);
	for (size_t t = 1; t < k; t++)
		if (tid[t])
			pthread_join(tid[t], NULL);
}

/*
 * The document's text is made in blocks and handed on in order as it is
 * made: the head, then the cells, summary rows and fits, BLOCK_LINES lines
 * to a block. A large document is made by threads while the caller's
 * thread hands each block on (to the file: its write overlaps the making
 * of what follows) and makes blocks itself when the next one is not ready;
 * the summary is computed beside the cells' lines, by a helper where
 * there is one (were it the caller's thread, the helpers would fill the
 * window and wait while nothing was handed on). At most WINDOW blocks are
 * made ahead of the one handed on, in buffers used again: the text is
 * never all in memory, and a block's pages are warm, not fresh (a fault
 * per fresh page is dear in a VM).
 */
enum { BLOCK_LINES = 256, WINDOW = 8 };

struct doc_make {
	const struct results *r;
	struct summary s;
	pthread_mutex_t mu;
	pthread_cond_t cv;            /* a block made or handed on, the summary ready */
	int summary_taken, summary_ready;
	size_t helpers;               /* threads making blocks besides the caller's */
	size_t cell_blocks, row_blocks, total; /* total: known once the summary is */
	size_t next, emitted;         /* the next block to make; blocks handed on */
	struct buf text[WINDOW];      /* block i is made in text[i % WINDOW] */
	size_t holds[WINDOW];         /* 1 + the block text[k] holds made, or 0 */
};

static size_t blocks_of(size_t lines)
{
	return (lines + BLOCK_LINES - 1) / BLOCK_LINES;
}

static void cell_item(struct buf *out, const void *arg, size_t i)
{
	results_cell_text(out, &((const struct results *)arg)->cells[i]);
}

static void row_item(struct buf *out, const void *arg, size_t i)
{
	summary_row_text(out, &((const struct summary *)arg)->rows[i]);
}

static void fit_item(struct buf *out, const void *arg, size_t i)
{
	fit_text(out, &((const struct summary *)arg)->fits[i]);
}

/* Block i's lines into out: a stretch of the cells, the summary rows or the fits. */
static void make_block(const struct doc_make *d, size_t i, struct buf *out)
{
	void (*item)(struct buf *, const void *, size_t) = cell_item;
	const void *arg = d->r;
	size_t n = d->r->n_cells;
	if (i >= d->cell_blocks) {
		i -= d->cell_blocks;
		item = i < d->row_blocks ? row_item : fit_item;
		arg = &d->s;
		n = i < d->row_blocks ? d->s.n_rows : d->s.n_fits;
		if (i >= d->row_blocks)
			i -= d->row_blocks;
	}
	size_t to = (i + 1) * BLOCK_LINES < n ? (i + 1) * BLOCK_LINES : n;
	buf_reset(out);
	for (size_t j = i * BLOCK_LINES; j < to; j++) {
		buf_addstr(out, j ? ",\n\t\t" : "\n\t\t");
		item(out, arg, j);
	}
}

/*
 * One piece of work, taken with d->mu held (and let go while it is done):
 * 1 when done, 0 when none can be taken now, -1 when none is left. The
 * summary is taken only by a thread that may (a helper, or the caller's
 * where there is no helper).
 */
static int make_next(struct doc_make *d, int may_summarize)
{
	if (!d->summary_taken && may_summarize) {
		d->summary_taken = 1;
		pthread_mutex_unlock(&d->mu);
		summary_compute(d->r, &d->s);
		pthread_mutex_lock(&d->mu);
		d->row_blocks = blocks_of(d->s.n_rows);
		d->total = d->cell_blocks + d->row_blocks + blocks_of(d->s.n_fits);
		d->summary_ready = 1;
		pthread_cond_broadcast(&d->cv);
		return 1;
	}
	if (d->summary_ready && d->next >= d->total)
		return -1;
	if ((!d->summary_ready && d->next >= d->cell_blocks) || d->next >= d->emitted + WINDOW)
		return 0;
	size_t i = d->next++, k = i % WINDOW;
	/* made in a buf of this thread's own: those of d share cache lines */
	struct buf out = d->text[k];
	d->text[k] = (struct buf)BUF_INIT;
	pthread_mutex_unlock(&d->mu);
	make_block(d, i, &out);
	pthread_mutex_lock(&d->mu);
	d->text[k] = out;
	d->holds[k] = i + 1;
	pthread_cond_broadcast(&d->cv);
	return 1;
}

static void *make_run(void *arg)
{
	struct doc_make *d = arg;
	pthread_mutex_lock(&d->mu);
	for (int rc; (rc = make_next(d, 1)) >= 0;)
		if (!rc)
			pthread_cond_wait(&d->cv, &d->mu);
	pthread_mutex_unlock(&d->mu);
	return NULL;
}

/* With d->mu held: wait (making blocks meanwhile) until ready() holds. */
static void wait_for(struct doc_make *d, int (*ready)(const struct doc_make *, size_t), size_t i)
{
	while (!ready(d, i))
		if (make_next(d, !d->helpers) <= 0 && !ready(d, i))
			pthread_cond_wait(&d->cv, &d->mu);
}

static int summary_is_ready(const struct doc_make *d, size_t i)
{
	(void)i;
	return d->summary_ready;
}

static int block_is_made(const struct doc_make *d, size_t i)
{
	return d->holds[i % WINDOW] == i + 1;
}

typedef void emit_fn(void *sink, const char *p, size_t n);

/* Hand on the section key (its n lines in the blocks from d->emitted), then its blocks. */
static void emit_section(struct doc_make *d, const char *open, size_t n, int last,
			 emit_fn *emit, void *sink)
{
	emit(sink, open, strlen(open));
	for (size_t b = blocks_of(n); b; b--) {
		size_t i = d->emitted, k = i % WINDOW;
		pthread_mutex_lock(&d->mu);
		wait_for(d, block_is_made, i);
		pthread_mutex_unlock(&d->mu);
		emit(sink, d->text[k].p, d->text[k].len);
		pthread_mutex_lock(&d->mu);
		d->holds[k] = 0;
		d->emitted = i + 1;
		pthread_cond_broadcast(&d->cv);
		pthread_mutex_unlock(&d->mu);
	}
	const char *close = !n ? (last ? "]\n" : "],\n") : last ? "\n\t]\n" : "\n\t],\n";
	emit(sink, close, strlen(close));
}

/* The text of r, handed to emit in order, piece by piece. */
static void format_doc(const struct results *r, emit_fn *emit, void *sink)
{
	/* the head as one small tree, then cells, summary and fits line by line */
	struct results head = *r;
	head.n_cells = 0;
	cJSON *doc = results_to_json(&head);
	cJSON_DeleteItemFromObjectCaseSensitive(doc, "cells");
	cJSON_DeleteItemFromObjectCaseSensitive(doc, "summary");
	cJSON_DeleteItemFromObjectCaseSensitive(doc, "fits");
	char *text = json_print_exact(doc, 1);   /* "{\n...\n}\n" */
	cJSON_Delete(doc);
	emit(sink, text, (size_t)(strrchr(text, '}') - text));
	free(text);
	emit(sink, ",\n", 2);

	struct doc_make d;
	memset(&d, 0, sizeof(d));
	d.r = r;
	d.cell_blocks = blocks_of(r->n_cells);
	pthread_mutex_init(&d.mu, NULL);
	pthread_cond_init(&d.cv, NULL);
	pthread_t tid[PARTS_MAX];
	size_t k = r->n_cells >= PER_PART ? worker_threads(PARTS_MAX) : 0, started = 0;
	while (started < k && !pthread_create(&tid[started], NULL, make_run, &d))
		started++;   /* fewer (none) where no thread can be had: this one makes them */
	d.helpers = started;   /* read by this thread only */
	emit_section(&d, "\t\"cells\": [", r->n_cells, 0, emit, sink);
	pthread_mutex_lock(&d.mu);
	wait_for(&d, summary_is_ready, 0);
	pthread_mutex_unlock(&d.mu);
	emit_section(&d, "\t\"summary\": [", d.s.n_rows, 0, emit, sink);
	emit_section(&d, "\t\"fits\": [", d.s.n_fits, 1, emit, sink);
	emit(sink, "}\n", 2);
	for (size_t t = 0; t < started; t++)
		pthread_join(tid[t], NULL);
	pthread_cond_destroy(&d.cv);
	pthread_mutex_destroy(&d.mu);
	for (size_t w = 0; w < WINDOW; w++)
		buf_release(&d.text[w]);
	summary_release(&d.s);
}

static void emit_to_buf(void *sink, const char *p, size_t n)
{
	buf_add(sink, p, n);
}

char *results_format(const struct results *r, size_t *len)
{
	struct buf b = BUF_INIT;
	format_doc(r, emit_to_buf, &b);
	*len = b.len;
	return buf_detach(&b);
}

static void emit_to_file(void *sink, const char *p, size_t n)
{
	file_replace_write(sink, p, n);
}

int results_write(const struct results *r, const char *path)
{
	struct file_replace f;
	if (file_replace_open(&f, path))
		return -1;
	format_doc(r, emit_to_file, &f);
	return file_replace_commit(&f);
}

/* ------------------------------------------------------------------ */
/* Reading                                                            */
/* ------------------------------------------------------------------ */

/*
 * Field readers take the source name (what), the JSON path of the object
 * (e.g. "cells[3].samples.full") and a key; they print
 * "error: WHAT: PATH.KEY: ..." and return -1 when the field is wrong.
 */
enum {
	F_REQUIRED = 1, /* the key must be present */
	F_NULLABLE = 2, /* null is "not measured" */
};

static const char *json_type_name(const cJSON *v)
{
	if (!v)
		return "nothing";
	if (cJSON_IsNull(v))
		return "null";
	if (cJSON_IsBool(v))
		return "a boolean";
	if (cJSON_IsNumber(v))
		return "a number";
	if (cJSON_IsString(v))
		return "a string";
	if (cJSON_IsArray(v))
		return "an array";
	if (cJSON_IsObject(v))
		return "an object";
	return "something else";
}

static int field_error(const char *what, const char *path, const char *key, const char *msg)
{
	return error("%s: %s%s%s: %s", what, path, *path && key ? "." : "", key ? key : "", msg);
}

static int type_error(const char *what, const char *path, const char *key,
		      const char *expected, const cJSON *got)
{
	char *msg = xasprintf("expected %s, got %s", expected, json_type_name(got));
	field_error(what, path, key, msg);
	free(msg);
	return -1;
}

/*
 * Where a field is, for messages: PATH.KEY or PATH[I] in buf (cut short,
 * never overrun, past PATH_TEXT bytes). Built on the stack: a path is made
 * for every object read and used only when something is wrong.
 */
enum { PATH_TEXT = 192 };

static const char *path_join(char *buf, const char *path, const char *sep, const char *tail)
{
	size_t n = 0;
	for (const char *part[] = { path, sep, tail }, **q = part; q < part + 3; q++) {
		size_t len = strlen(*q);
		if (len > PATH_TEXT - 1 - n)
			len = PATH_TEXT - 1 - n;
		memcpy(buf + n, *q, len);
		n += len;
	}
	buf[n] = 0;
	return buf;
}

static const char *path_key(char *buf, const char *path, const char *key)
{
	return path_join(buf, path, *path ? "." : "", key);
}

static const char *path_index(char *buf, const char *path, size_t i)
{
	char digits[24];
	char *d = digits + sizeof(digits);
	*--d = 0;
	*--d = ']';
	do
		*--d = (char)('0' + i % 10);
	while (i /= 10);
	*--d = '[';
	return path_join(buf, path, "", d);
}

/*
 * Find key in obj. Returns 1 with *out set, 0 when the key is absent or
 * null and that is allowed, -1 after an error.
 */
static int lookup(const char *what, const cJSON *obj, const char *path, const char *key,
		  unsigned flags, const char *expected, const cJSON **out)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
	*out = NULL;
	if (!v)
		return (flags & F_REQUIRED)
			? field_error(what, path, key, "required field missing") : 0;
	if (cJSON_IsNull(v))
		return (flags & F_NULLABLE) ? 0 : type_error(what, path, key, expected, v);
	*out = v;
	return 1;
}

static int read_string(const char *what, const cJSON *obj, const char *path,
		       const char *key, unsigned flags, char **out)
{
	const cJSON *v;
	*out = NULL;
	int rc = lookup(what, obj, path, key, flags, "a string", &v);
	if (rc <= 0)
		return rc;
	if (!cJSON_IsString(v))
		return type_error(what, path, key, "a string", v);
	*out = xstrdup(v->valuestring);
	return 0;
}

/*
 * A string that names something: present, a string, not empty, UTF-8.
 * A name is a key (cells are unique by names, count and repeat), and the
 * writer turns a byte that is not UTF-8 into U+FFFD: two names that
 * differ only there would become one, and the file written would not read.
 */
static int read_name(const char *what, const cJSON *obj, const char *path,
		     const char *key, char **out)
{
	if (read_string(what, obj, path, key, F_REQUIRED, out))
		return -1;
	const char *msg = !**out ? "expected a non-empty string"
		: !utf8_valid(*out) ? "expected UTF-8 text (a byte here is not UTF-8)" : NULL;
	if (msg) {
		free(*out);
		*out = NULL;
		return field_error(what, path, key, msg);
	}
	return 0;
}

/*
 * d as a message shows it: exact, or what became of a number no double
 * holds (cJSON reads 1e400 as infinity; a tree built in memory may hold NaN).
 */
static void number_text(char *out, size_t n, double d)
{
	if (isnan(d))
		snprintf(out, n, "NaN (not a number)");
	else if (isinf(d))
		snprintf(out, n, "a number too large to read (beyond %s1.8e308)", d < 0 ? "-" : "");
	else
		fmt_number_exact(out, n, d);
}

/*
 * v (not NULL) as a whole number in [min, max]; 0, or -1 after an error.
 * Every number that becomes an integer comes through here (json_whole), so
 * no double out of an integer's range is ever cast.
 */
static int check_whole(const char *what, const char *path, const char *key, const cJSON *v,
		       double min, double max, double *out)
{
	if (!cJSON_IsNumber(v))
		return type_error(what, path, key, "a number", v);
	if (json_whole(v, min, max, out)) {
		char got[96], lo[64], hi[64];
		number_text(got, sizeof(got), v->valuedouble);
		fmt_number_exact(lo, sizeof(lo), min);
		fmt_number_exact(hi, sizeof(hi), max);
		char *msg = xasprintf("expected a whole number from %s to %s, got %s", lo, hi, got);
		field_error(what, path, key, msg);
		free(msg);
		return -1;
	}
	return 0;
}

/* v (not NULL) as a finite number >= 0 (seconds); 0, or -1 after an error. */
static int check_nonneg(const char *what, const char *path, const char *key, const cJSON *v,
			double *out)
{
	if (!cJSON_IsNumber(v))
		return type_error(what, path, key, "a number >= 0", v);
	double d = v->valuedouble;
	if (!(isfinite(d) && d >= 0)) {
		char got[96];
		number_text(got, sizeof(got), d);
		char *msg = xasprintf("expected a number >= 0, got %s", got);
		field_error(what, path, key, msg);
		free(msg);
		return -1;
	}
	*out = d;
	return 0;
}

/*
 * A whole number in [min, max]. Returns 1 when read, 0 when absent or
 * null where allowed, -1 after an error.
 */
static int read_whole(const char *what, const cJSON *obj, const char *path,
		      const char *key, unsigned flags, double min, double max, double *out)
{
	const cJSON *v;
	int rc = lookup(what, obj, path, key, flags, "a number", &v);
	if (rc <= 0)
		return rc;
	return check_whole(what, path, key, v, min, max, out) ? -1 : 1;
}

static int read_u64(const char *what, const cJSON *obj, const char *path,
		    const char *key, unsigned flags, uint64_t *out)
{
	double d;
	int rc = read_whole(what, obj, path, key, flags, 0, JSON_INT_MAX, &d);
	if (rc > 0)
		*out = (uint64_t)d;
	return rc;
}

/* v (not NULL) as an array of strings appended to out; 0 or -1. */
static int read_string_array(const char *what, const cJSON *v, const char *path,
			     struct strvec *out)
{
	if (!cJSON_IsArray(v))
		return type_error(what, path, NULL, "an array of strings", v);
	size_t i = 0;
	const cJSON *e;
	cJSON_ArrayForEach(e, v) {
		if (!cJSON_IsString(e)) {
			char k_buf[PATH_TEXT];
			const char *k = path_index(k_buf, path, i);
			type_error(what, k, NULL, "a string", e);
			return -1;
		}
		strvec_push(out, e->valuestring);
		i++;
	}
	return 0;
}

static int read_strvec(const char *what, const cJSON *obj, const char *path,
		       const char *key, unsigned flags, struct strvec *out)
{
	const cJSON *v;
	int rc = lookup(what, obj, path, key, flags, "an array of strings", &v);
	if (rc <= 0)
		return rc;
	char p_buf[PATH_TEXT];
	const char *p = path_key(p_buf, path, key);
	rc = read_string_array(what, v, p, out);
	return rc;
}

/* {"KEY": "VALUE", ...} into "KEY=VALUE" entries. */
static int read_env(const char *what, const cJSON *obj, const char *path,
		    const char *key, struct strvec *out)
{
	const cJSON *v;
	int rc = lookup(what, obj, path, key, F_NULLABLE, "an object of strings", &v);
	if (rc <= 0)
		return rc;
	if (!cJSON_IsObject(v))
		return type_error(what, path, key, "an object of strings", v);
	const cJSON *e;
	cJSON_ArrayForEach(e, v) {
		char p_buf[PATH_TEXT];
		const char *p = path_key(p_buf, path, key);
		rc = 0;
		if (!*e->string || strchr(e->string, '='))
			rc = field_error(what, p, e->string,
					 "not a variable name (empty or with '=')");
		else if (!cJSON_IsString(e))
			rc = type_error(what, p, e->string, "a string", e);
		if (rc)
			return -1;
		strvec_setenv(out, e->string, e->valuestring);
	}
	return 0;
}

/* An object kept as it is (probe, machine, config): a copy, or NULL. */
static int read_object(const char *what, const cJSON *obj, const char *path,
		       const char *key, cJSON **out)
{
	const cJSON *v;
	*out = NULL;
	int rc = lookup(what, obj, path, key, F_NULLABLE, "an object", &v);
	if (rc <= 0)
		return rc;
	if (!cJSON_IsObject(v))
		return type_error(what, path, key, "an object", v);
	*out = cJSON_Duplicate(v, 1);
	if (!*out)
		die("out of memory copying '%s'", key);
	return 0;
}

/* An object field that holds more fields: 1 found, 0 absent/null, -1 error. */
static int read_sub(const char *what, const cJSON *obj, const char *path,
		    const char *key, const cJSON **out)
{
	int rc = lookup(what, obj, path, key, F_NULLABLE, "an object", out);
	if (rc > 0 && !cJSON_IsObject(*out))
		return type_error(what, path, key, "an object or null", *out);
	return rc;
}

static int read_sample(const char *what, const cJSON *samples, const char *path,
		       enum phase p, struct mem_sample *s)
{
	const cJSON *o;
	int rc = read_sub(what, samples, path, phase_name(p), &o);
	if (rc <= 0)
		return rc;
	char sp_buf[PATH_TEXT];
	const char *sp = path_key(sp_buf, path, phase_name(p));
	rc = -1;
	if (read_u64(what, o, sp, "rss", F_REQUIRED, &s->rss) < 0 ||
	    read_u64(what, o, sp, "pss", F_REQUIRED, &s->pss) < 0 ||
	    read_u64(what, o, sp, "uss", F_REQUIRED, &s->uss) < 0 ||
	    read_u64(what, o, sp, "anon", F_REQUIRED, &s->anon) < 0 ||
	    read_u64(what, o, sp, "swap", F_REQUIRED, &s->swap) < 0 ||
	    read_u64(what, o, sp, "private_clean", 0, &s->private_clean) < 0)
		goto out;
	s->valid = 1;
	rc = 0;
out:
	return rc;
}

/* "malloc" of a cell, absent where the child did not count: 0 or -1. */
static int read_malloc(const char *what, const cJSON *cell, const char *path, struct cell *c)
{
	const cJSON *o, *p;
	int rc = read_sub(what, cell, path, "malloc", &o);
	if (rc <= 0)
		return rc;
	char mp_buf[PATH_TEXT], pp_buf[PATH_TEXT];
	const char *mp = path_key(mp_buf, path, "malloc");
	struct malloc_count *m[2] = { &c->malloc_base, &c->malloc_full };
	static const char *const names[2] = { "base", "full" };
	for (int i = 0; i < 2; i++) {
		double in_use, free_bytes;
		rc = read_sub(what, o, mp, names[i], &p);
		if (rc < 0)
			return -1;
		if (!rc) {
			field_error(what, mp, names[i], "missing: \"malloc\" holds both base and full");
			return -1;
		}
		const char *pp = path_key(pp_buf, mp, names[i]);
		if (read_whole(what, p, pp, "in_use", F_REQUIRED, 0, JSON_INT_MAX, &in_use) < 0 ||
		    read_whole(what, p, pp, "free", F_REQUIRED, 0, JSON_INT_MAX, &free_bytes) < 0)
			return -1;
		*m[i] = (struct malloc_count){ 1, (int64_t)in_use, (int64_t)free_bytes };
	}
	return 0;
}

static int read_peak(const char *what, const cJSON *cell, const char *path,
		     struct mem_peak *pk)
{
	const cJSON *o;
	int rc = read_sub(what, cell, path, "peak", &o);
	if (rc <= 0)
		return rc;
	char pp_buf[PATH_TEXT];
	const char *pp = path_key(pp_buf, path, "peak");
	double polls = 0;
	rc = -1;
	if (read_u64(what, o, pp, "vm_hwm", F_REQUIRED, &pk->vm_hwm) < 0 ||
	    read_u64(what, o, pp, "rss_anon_max", F_REQUIRED, &pk->rss_anon_max) < 0 ||
	    read_whole(what, o, pp, "polls", F_REQUIRED, 0, UINT_MAX, &polls) < 0)
		goto out;
	pk->polls = (unsigned)polls;
	pk->valid = 1;
	rc = 0;
out:
	return rc;
}

static int read_status(const char *what, const cJSON *o, const char *path,
		       enum cell_status *out)
{
	char *status = NULL;
	if (read_string(what, o, path, "status", F_REQUIRED, &status))
		return -1;
	int st = cell_status_from_name(status);
	if (st < 0) {
		char *msg = xasprintf("unknown status '%s' (expected ok, failed, skipped or pending)",
				      status);
		field_error(what, path, "status", msg);
		free(msg);
	}
	free(status);
	*out = (enum cell_status)(st < 0 ? 0 : st);
	return st < 0 ? -1 : 0;
}

static int read_cell(const char *what, const cJSON *o, const char *path, struct cell *c)
{
	double d;

	if (!cJSON_IsObject(o))
		return type_error(what, path, NULL, "an object", o);
	if (read_name(what, o, path, "interpreter", &c->interpreter) ||
	    read_name(what, o, path, "workload", &c->workload))
		return -1;
	if (read_whole(what, o, path, "count", F_REQUIRED, 1, JSON_INT_MAX, &d) < 0)
		return -1;
	c->count = (uint64_t)d;
	if (read_whole(what, o, path, "repeat", F_REQUIRED, 1, INT_MAX, &d) < 0)
		return -1;
	c->repeat = (int)d;

	if (read_status(what, o, path, &c->status))
		return -1;

	if (read_string(what, o, path, "reason", F_NULLABLE, &c->reason))
		return -1;
	/* -1 (the agent's "none") is accepted for null */
	int rc = read_whole(what, o, path, "getsizeof", F_NULLABLE, -1, JSON_INT_MAX, &d);
	if (rc < 0)
		return -1;
	c->getsizeof = rc > 0 ? (int64_t)d : -1;
	rc = read_whole(what, o, path, "container_bytes", F_NULLABLE, 0, JSON_INT_MAX, &d);
	if (rc < 0)
		return -1;
	c->container_bytes = rc > 0 ? (int64_t)d : -1;

	const cJSON *samples;
	rc = read_sub(what, o, path, "samples", &samples);
	if (rc < 0)
		return -1;
	if (rc > 0) {
		char sp_buf[PATH_TEXT];
		const char *sp = path_key(sp_buf, path, "samples");
		rc = 0;
		for (int p = 0; p < PHASE_COUNT && !rc; p++)
			rc = read_sample(what, samples, sp, p, &c->samples[p]);
		if (rc < 0)
			return -1;
	}
	if (read_peak(what, o, path, &c->peak) < 0 || read_malloc(what, o, path, c) < 0)
		return -1;

	const cJSON *wall;
	rc = lookup(what, o, path, "wall_s", F_NULLABLE, "a number >= 0", &wall);
	if (rc < 0 || (rc > 0 && check_nonneg(what, path, "wall_s", wall, &c->wall_s)))
		return -1;
	rc = read_whole(what, o, path, "pid", F_NULLABLE, 0, INT_MAX, &d);
	if (rc < 0)
		return -1;
	c->pid = rc > 0 ? (int)d : 0;

	if (read_strvec(what, o, path, "warnings", F_NULLABLE, &c->warnings) ||
	    read_string(what, o, path, "stderr_tail", F_NULLABLE, &c->stderr_tail) ||
	    read_string(what, o, path, "note", F_NULLABLE, &c->note))
		return -1;
	return 0;
}

static int read_interp(const char *what, const cJSON *o, const char *path, struct interp *in)
{
	if (!cJSON_IsObject(o))
		return type_error(what, path, NULL, "an object", o);
	if (read_name(what, o, path, "name", &in->name) ||
	    read_strvec(what, o, path, "argv", F_REQUIRED, &in->argv) ||
	    read_env(what, o, path, "env", &in->env) ||
	    read_strvec(what, o, path, "tags", F_NULLABLE, &in->tags) ||
	    read_string(what, o, path, "origin", F_NULLABLE, &in->origin) ||
	    read_string(what, o, path, "skipped", F_NULLABLE, &in->skip_reason) ||
	    read_object(what, o, path, "probe", &in->probe))
		return -1;
	return 0;
}

/* ------------------------------------------------ machine and config */

static int read_merged(const char *what, const cJSON *v, const char *path, struct config *c)
{
	if (!cJSON_IsArray(v))
		return type_error(what, path, NULL, "an array", v);
	c->is_merged = 1;
	size_t i = 0;
	const cJSON *e;
	cJSON_ArrayForEach(e, v) {
		char p_buf[PATH_TEXT];
		const char *p = path_index(p_buf, path, i++);
		int rc = -1;
		c->merged = xrealloc(c->merged, (c->n_merged + 1) * sizeof(*c->merged));
		struct merged_from *m = &c->merged[c->n_merged++];
		memset(m, 0, sizeof(*m));
		if (!cJSON_IsObject(e))
			type_error(what, p, NULL, "an object", e);
		else if (!read_string(what, e, p, "source", F_NULLABLE, &m->source) &&
			 !read_string(what, e, p, "created", F_NULLABLE, &m->created) &&
			 !read_string(what, e, p, "label", F_NULLABLE, &m->label) &&
			 !read_string(what, e, p, "shard", F_NULLABLE, &m->shard) &&
			 read_u64(what, e, p, "cells", 0, &m->cells) >= 0)
			rc = 0;
		if (rc)
			return -1;
	}
	return 0;
}

/*
 * The K or the N of "K/N": digits only, 1 to INT_MAX (sscanf's %d is
 * undefined past INT_MAX, and glibc's wraps 4294967297 to 1). Returns 0 on
 * a mistake; *end is where the digits stop.
 */
static int shard_part(const char *s, const char **end)
{
	int v = 0;
	const char *p = s;
	for (; *p >= '0' && *p <= '9'; p++) {
		if (v > (INT_MAX - (*p - '0')) / 10) {
			v = 0;
			break;
		}
		v = v * 10 + (*p - '0');
	}
	*end = p;
	return v;
}

static int read_shard(const char *what, const cJSON *v, const char *path, struct config *c)
{
	if (!cJSON_IsString(v))
		return type_error(what, path, NULL, "a string", v);
	const char *p;
	int k = shard_part(v->valuestring, &p);
	int n = k && *p == '/' ? shard_part(p + 1, &p) : 0;
	if (!k || !n || *p || k > n)
		return field_error(what, path, NULL, "expected K/N, whole numbers with "
				   "1 <= K <= N <= 2147483647 (e.g. \"2/4\")");
	c->shard_k = k;
	c->shard_n = n;
	return 0;
}

static int read_counts(const char *what, const cJSON *v, const char *path, struct config *c)
{
	if (!cJSON_IsArray(v))
		return type_error(what, path, NULL, "an array of counts", v);
	size_t n = (size_t)cJSON_GetArraySize(v), i = 0;
	free(c->counts);   /* a key given twice: the last one read stands */
	c->counts = xcalloc(n + 1, sizeof(*c->counts));
	const cJSON *e;
	cJSON_ArrayForEach(e, v) {
		double d;
		char k_buf[PATH_TEXT];
		const char *k = path_index(k_buf, path, i);
		int rc = check_whole(what, k, NULL, e, 1, 1e12, &d);
		if (rc)
			return -1;
		c->counts[i++] = (uint64_t)d;
	}
	c->n_counts = i;
	/* ascending and unique, whatever order the file has */
	uint64_t *in = c->counts;
	size_t m = c->n_counts;
	c->counts = xcalloc(m + 1, sizeof(*c->counts));
	c->n_counts = 0;
	for (size_t k = 0; k < m; k++) {
		size_t at = 0;
		while (at < c->n_counts && c->counts[at] < in[k])
			at++;
		if (at < c->n_counts && c->counts[at] == in[k])
			continue;
		memmove(c->counts + at + 1, c->counts + at, (c->n_counts - at) * sizeof(*in));
		c->counts[at] = in[k];
		c->n_counts++;
	}
	free(in);
	return 0;
}

/* The least value of an integer field: cpu -1 is "not pinned"; the others are sizes and counts. */
static double field_min(const struct field_desc *f)
{
	return f->type == FIELD_INT && !strcmp(f->key, "cpu") ? -1 : 0;
}

/* One field of a machine or config object (v not null). */
static int read_field(const char *what, const cJSON *v, const char *path, void *obj,
		      const struct field_desc *f)
{
	char *base = (char *)obj + f->offset;
	double d;
	switch (f->type) {
	case FIELD_STR:
		if (!cJSON_IsString(v))
			return type_error(what, path, NULL, "a string", v);
		free(*(char **)base);   /* a key given twice: the last one read stands */
		*(char **)base = xstrdup(v->valuestring);
		return 0;
	case FIELD_INT: case FIELD_I64: case FIELD_U64: {
		double hi = f->type == FIELD_INT ? INT_MAX : JSON_INT_MAX;
		if (check_whole(what, path, NULL, v, field_min(f), hi, &d))
			return -1;
		if (f->type == FIELD_INT)
			*(int *)base = (int)d;
		else if (f->type == FIELD_I64)
			*(int64_t *)base = (int64_t)d;
		else
			*(uint64_t *)base = (uint64_t)d;
		return 0;
	}
	case FIELD_DOUBLE:
		return check_nonneg(what, path, NULL, v, (double *)base);
	case FIELD_BOOL:
		if (!cJSON_IsBool(v))
			return type_error(what, path, NULL, "true or false", v);
		*(int *)base = cJSON_IsTrue(v);
		return 0;
	case FIELD_STRVEC:
		return read_string_array(what, v, path, (struct strvec *)base);
	case FIELD_COUNTS:
		return read_counts(what, v, path, obj);
	case FIELD_SHARD:
		return read_shard(what, v, path, obj);
	case FIELD_MERGED:
		return read_merged(what, v, path, obj);
	}
	return -1;
}

/* A machine or config object: the known fields typed, the others kept. */
static int read_fields(const char *what, const cJSON *doc, const char *key, void *obj,
		       const struct field_desc *fields, size_t n, cJSON **extra, int *present)
{
	const cJSON *o;
	int rc = read_sub(what, doc, "", key, &o);
	if (rc <= 0)
		return rc;
	*present = 1;
	for (const cJSON *e = o->child; e; e = e->next) {
		size_t i;
		for (i = 0; i < n && strcmp(fields[i].key, e->string); i++)
			;
		if (i == n) {
			if (!*extra)
				*extra = cJSON_CreateObject();
			cJSON_AddItemToObject(*extra, e->string, cJSON_Duplicate(e, 1));
			continue;
		}
		if (cJSON_IsNull(e))
			continue;
		char p_buf[PATH_TEXT];
		const char *p = path_key(p_buf, key, e->string);
		rc = read_field(what, e, p, obj, &fields[i]);
		if (rc)
			return -1;
	}
	return 0;
}

/* The hash of a cell's key (interpreter, workload, count, repeat). */
static uint64_t cell_key_hash(const struct cell *c)
{
	return results_cell_key_hash(c->interpreter, c->workload, c->count, c->repeat);
}

/*
 * 1 when no two cells can share a key: their keys' hashes, sorted, are all
 * different (the common case, in a tenth of the time of a map of the keys);
 * 0 when two hashes meet, and the map must say whether the keys do. hashes,
 * when not NULL, are the cells' (cell_key_hash, made by the threads that
 * read them), and are sorted here.
 */
static int cells_surely_unique(const struct results *r, uint64_t *hashes)
{
	uint64_t *h = hashes ? hashes : xmalloc((r->n_cells + 1) * sizeof(*h));
	for (size_t i = 0; !hashes && i < r->n_cells; i++)
		h[i] = cell_key_hash(&r->cells[i]);
	qsort(h, r->n_cells, sizeof(*h), cmp_u64);
	int unique = 1;
	for (size_t i = 1; i < r->n_cells && unique; i++)
		unique = h[i] != h[i - 1];
	if (!hashes)
		free(h);
	return unique;
}

/* Two cells with one key, or two interpreters with one name, are ambiguous (hashes: as above). */
static int check_unique(struct results *r, const char *what, uint64_t *hashes)
{
	struct keymap seen = KEYMAP_INIT;
	struct buf key = BUF_INIT;
	int rc = 0;
	for (size_t i = 0; i < r->n_interps && !rc; i++) {
		size_t j;
		if (keymap_gets(&seen, r->interps[i].name, &j))
			rc = error("%s: interpreters[%zu]: name '%s' is already used by "
				   "interpreters[%zu]", what, i, r->interps[i].name, j);
		else
			keymap_puts(&seen, r->interps[i].name, i);
	}
	keymap_clear(&seen);
	for (size_t i = cells_surely_unique(r, hashes) ? r->n_cells : 0; i < r->n_cells && !rc; i++) {
		const struct cell *c = &r->cells[i];
		size_t j;
		keymap_key(&key, c->interpreter, c->workload, c->count, c->repeat);
		if (keymap_get(&seen, key.p, key.len, &j))
			rc = error("%s: cells[%zu]: same interpreter, workload, count and repeat "
				   "as cells[%zu] ('%s', '%s', %llu, repeat %d)", what, i, j,
				   c->interpreter, c->workload, (unsigned long long)c->count,
				   c->repeat);
		else
			keymap_put(&seen, key.p, key.len, i);
	}
	keymap_release(&seen);
	buf_release(&key);
	return rc;
}

static int read_array(const char *what, const cJSON *doc, const char *key, struct results *r,
		      int cells)
{
	const cJSON *a, *e;
	if (lookup(what, doc, "", key, F_REQUIRED, "an array", &a) < 0)
		return -1;
	if (!cJSON_IsArray(a))
		return type_error(what, "", key, "an array", a);
	size_t i = 0;
	cJSON_ArrayForEach(e, a) {
		char p_buf[PATH_TEXT];
		const char *p = path_index(p_buf, key, i++);
		int rc = cells ? read_cell(what, e, p, results_add_cell(r))
			: read_interp(what, e, p, results_add_interp(r));
		if (rc)
			return -1;
	}
	return 0;
}

/* The document; with unique, its names checked (else the caller does). */
static int from_json(const cJSON *doc, struct results *r, const char *what, int unique)
{
	if (!cJSON_IsObject(doc))
		return error("%s: expected a JSON object at the top level, got %s: "
			     "is it an objmem results file?", what, json_type_name(doc));
	const cJSON *schema = cJSON_GetObjectItemCaseSensitive(doc, "schema");
	if (!schema)
		return error("%s: no \"schema\" field: is it an objmem results file?", what);
	if (!cJSON_IsString(schema))
		return type_error(what, "", "schema", "a string", schema);
	if (strcmp(schema->valuestring, RESULTS_SCHEMA))
		return error("'%s' is a results file of schema '%s'; this objmem reads %s",
			     what, schema->valuestring, RESULTS_SCHEMA);

	if (read_string(what, doc, "", "objmem_version", F_REQUIRED | F_NULLABLE,
			&r->objmem_version) ||
	    read_string(what, doc, "", "created", F_REQUIRED | F_NULLABLE, &r->created) ||
	    read_string(what, doc, "", "label", F_NULLABLE, &r->label) ||
	    read_fields(what, doc, "machine", &r->machine, machine_fields, n_machine_fields,
			&r->machine.extra, &r->machine.present) ||
	    read_fields(what, doc, "config", &r->config, config_fields, n_config_fields,
			&r->config.extra, &r->config.present))
		return -1;
	if (read_array(what, doc, "interpreters", r, 0) || read_array(what, doc, "cells", r, 1))
		return -1;
	const cJSON *views = cJSON_GetObjectItemCaseSensitive(doc, "views");
	if (views && !cJSON_IsNull(views)) {
		if (views_check(views, what))
			return -1;
		r->views = cJSON_Duplicate(views, 1);
	}
	/* "summary" and "fits" are derived: recomputed, never read */
	return unique ? check_unique(r, what, NULL) : 0;
}

int results_from_json(const cJSON *doc, struct results *r, const char *what)
{
	if (from_json(doc, r, what, 1)) {
		results_release(r);
		return -1;
	}
	return 0;
}

/* One stretch of the cells, read by one thread into cells already made. */
struct cell_part {
	const char *text, *what;
	const struct json_span *elems;
	struct cell *cells;
	uint64_t *hashes;    /* each cell's cell_key_hash, once read */
	size_t from, to;
	int quiet;           /* a helper thread: what it says waits in messages */
	int skimmed;         /* the cells were only delimited: each is checked here */
	struct buf messages;
	int rc;
};

static void *read_part(void *arg)
{
	struct cell_part *cp = arg;
	struct json_scratch scratch;
	struct buf *outer = cp->quiet ? report_capture(&cp->messages) : NULL;
	json_scratch_begin(&scratch);
	for (size_t i = cp->from; i < cp->to; i++)
		cell_init(&cp->cells[i]); /* each, before any can fail: all are released */
	for (size_t i = cp->from; i < cp->to && !cp->rc; i++) {
		const struct json_span *e = &cp->elems[i];
		/* the common shape straight from the text; anything else the full way */
		if (cellscan_read(cp->text + e->start, e->end - e->start, &cp->cells[i]))
			continue;
		if (cp->skimmed && !json_span_valid(cp->text, e->start, e->end, 2)) {
			cp->rc = -1; /* not JSON: the full way says where */
			break;
		}
		cJSON *o = cJSON_ParseWithLength(cp->text + e->start, e->end - e->start);
		char p_buf[PATH_TEXT];
		const char *p = path_index(p_buf, "cells", i);
		cp->rc = !o ? error("%s: %s: cannot parse this cell (nested too deeply?)", cp->what, p)
			    : read_cell(cp->what, o, p, &cp->cells[i]);
		cJSON_Delete(o);
		json_scratch_reset(&scratch);
	}
	json_scratch_end(&scratch);
	for (size_t i = cp->from; i < cp->to && !cp->rc; i++)
		cp->hashes[i] = cell_key_hash(&cp->cells[i]);
	if (cp->quiet)
		report_capture(outer);
	return NULL;
}

/*
 * The cells parsed one at a time from their places in text: a document of
 * any size is never one tree. A large file is read by several threads,
 * each a stretch of cells in place; the messages are those of a reading in
 * order (the first stretch that fails speaks, the rest are dropped). 0 or
 * -1 (said).
 */
static int read_cells(const char *text, const struct json_span *elems, size_t n, struct results *r,
		      const char *what, int skimmed, uint64_t **hashes)
{
	size_t first = r->n_cells;
	/* every cell's key hash, for check_unique: those read here by the threads that read them */
	*hashes = xmalloc((first + n + 1) * sizeof(**hashes));
	for (size_t i = 0; i < first; i++)
		(*hashes)[i] = cell_key_hash(&r->cells[i]);
	if (!n)
		return 0;   /* no cells: r->cells may be NULL, and NULL + 0 is undefined */
	xgrow((void **)&r->cells, sizeof(*r->cells), first + n, &r->alloc_cells); /* once */
	r->n_cells += n;   /* each part makes its cells (their pages too) before reading them */
	struct cell_part parts[PARTS_MAX];
	size_t k = parts_for(n);
	for (size_t t = 0; t < k; t++)
		parts[t] = (struct cell_part){ .text = text, .what = what, .elems = elems,
					       .cells = r->cells + first, .hashes = *hashes + first,
					       .from = n * t / k, .to = n * (t + 1) / k,
					       .messages = BUF_INIT, .quiet = t > 0,
					       .skimmed = skimmed };
	run_parts(read_part, parts, sizeof(parts[0]), k);
	int rc = 0;
	for (size_t t = 0; t < k; t++) {
		if (!rc && parts[t].rc) {
			report_text(parts[t].messages.p);
			rc = -1;
		}
		buf_release(&parts[t].messages);
	}
	return rc;
}

/*
 * The document in text into r: 0, or -1 (r released). skim: the cells are
 * only delimited by the scan and checked one by one as they are read (in
 * threads), the quick way for a file that is right.
 */
static int parse(const char *text, size_t len, struct results *r, const char *what, int skim)
{
	/* "summary" and "fits" are derived: recomputed, never read, so not even parsed */
	static const char *const cut[] = { "cells", "summary", "fits", NULL };
	struct json_span *elems;
	size_t n;
	cJSON *doc = skim ? json_skim_split(text, len, cut, &elems, &n)
		: json_parse_split(text, len, what, cut, &elems, &n);
	if (!doc)
		return -1;
	uint64_t *hashes = NULL;
	int rc = from_json(doc, r, what, 0) || read_cells(text, elems, n, r, what, skim, &hashes) ||
		 check_unique(r, what, hashes) ? -1 : 0;
	if (rc)
		results_release(r);
	free(hashes);
	cJSON_Delete(doc);
	free(elems);
	return rc;
}

int results_parse(const char *text, size_t len, struct results *r, const char *what)
{
	/*
	 * The quick way first, saying nothing. Where it fails, the full way:
	 * the whole text checked first, then the fields in order, so the
	 * message is the one of the first mistake in the file, as always.
	 */
	struct buf said = BUF_INIT;
	struct buf *outer = report_capture(&said);
	int rc = parse(text, len, r, what, 1);
	report_capture(outer);
	buf_release(&said);
	return rc ? parse(text, len, r, what, 0) : 0;
}

int results_cell_from_json(const cJSON *o, const char *what, const char *path, struct cell *c)
{
	return read_cell(what, o, path, c);
}

int results_load(const char *path, struct results *r)
{
	struct file_text t;
	if (file_text_load(path, RESULTS_MAX_BYTES, &t))
		return -1;
	int rc = results_parse(t.p, t.len, r, path);
	file_text_release(&t);
	/* the cells a run kept in its journal and had not folded in yet */
	size_t n = 0;
	if (!rc && journal_fold(r, path, &n)) {
		results_release(r);
		rc = -1;
	}
	if (!rc && n)
		results_sort_cells(r);
	return rc;
}
