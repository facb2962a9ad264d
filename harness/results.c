/*
 * results.c - a results document as JSON (schema objmem-results/1); see
 * results.h. This file owns the field names: build the JSON from a struct
 * results, print it so that every number reads back exactly, and validate a
 * document field by field, naming the JSON path of anything wrong.
 */
#include <float.h>
#include <limits.h>
#include <locale.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "results.h"
#include "stats.h"

/* A results file larger than this is not one objmem wrote. */
#define RESULTS_MAX_BYTES (1024UL * 1024 * 1024)
/* Integers above 2^53 do not survive a trip through a double. */
#define JSON_INT_MAX 9007199254740992.0

/* ------------------------------------------------------------------ */
/* Writing                                                            */
/* ------------------------------------------------------------------ */

/* Length of the valid UTF-8 sequence at s (RFC 3629), or 0. */
static size_t utf8_len(const unsigned char *s)
{
	unsigned char c = s[0];
	if (c < 0x80)
		return 1;
	size_t n;
	unsigned char lo = 0x80, hi = 0xBF;
	if (c >= 0xC2 && c <= 0xDF)
		n = 2;
	else if (c >= 0xE0 && c <= 0xEF)
		n = 3;
	else if (c >= 0xF0 && c <= 0xF4)
		n = 4;
	else
		return 0;
	if (c == 0xE0)
		lo = 0xA0; /* overlong */
	else if (c == 0xED)
		hi = 0x9F; /* surrogates */
	else if (c == 0xF0)
		lo = 0x90; /* overlong */
	else if (c == 0xF4)
		hi = 0x8F; /* above U+10FFFF */
	if (s[1] < lo || s[1] > hi)
		return 0;
	for (size_t i = 2; i < n; i++)
		if (s[i] < 0x80 || s[i] > 0xBF)
			return 0;
	return n;
}

/*
 * A JSON string node for s. Text from a child (stderr_tail above all, which
 * may start in the middle of a character) need not be UTF-8; JSON must be,
 * so each invalid byte becomes U+FFFD.
 */
static cJSON *json_string(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n;
	while (*p && (n = utf8_len(p)))
		p += n;
	if (!*p)
		return cJSON_CreateString(s);
	struct buf b = BUF_INIT;
	buf_add(&b, s, (size_t)(p - (const unsigned char *)s));
	while (*p) {
		n = utf8_len(p);
		if (n) {
			buf_add(&b, p, n);
			p += n;
		} else {
			buf_addstr(&b, "\xEF\xBF\xBD");
			p++;
		}
	}
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

static cJSON *json_sample(const struct mem_sample *s)
{
	if (!s->valid)
		return cJSON_CreateNull();
	cJSON *o = cJSON_CreateObject();
	cJSON_AddNumberToObject(o, "rss", (double)s->rss);
	cJSON_AddNumberToObject(o, "pss", (double)s->pss);
	cJSON_AddNumberToObject(o, "uss", (double)s->uss);
	cJSON_AddNumberToObject(o, "anon", (double)s->anon);
	cJSON_AddNumberToObject(o, "swap", (double)s->swap);
	cJSON_AddNumberToObject(o, "private_clean", (double)s->private_clean);
	return o;
}

static cJSON *json_peak(const struct mem_peak *p)
{
	if (!p->valid)
		return cJSON_CreateNull();
	cJSON *o = cJSON_CreateObject();
	cJSON_AddNumberToObject(o, "vm_hwm", (double)p->vm_hwm);
	cJSON_AddNumberToObject(o, "rss_anon_max", (double)p->rss_anon_max);
	cJSON_AddNumberToObject(o, "polls", (double)p->polls);
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

static cJSON *json_cell(const struct cell *c)
{
	cJSON *o = cJSON_CreateObject();
	cJSON_AddItemToObject(o, "interpreter", json_str_or_null(c->interpreter));
	cJSON_AddItemToObject(o, "workload", json_str_or_null(c->workload));
	cJSON_AddNumberToObject(o, "count", (double)c->count);
	cJSON_AddNumberToObject(o, "repeat", c->repeat);
	cJSON_AddStringToObject(o, "status", cell_status_name(c->status));
	cJSON_AddItemToObject(o, "reason", json_str_or_null(c->reason));
	/* -1 is "the interpreter has none" or "not measured": both null */
	cJSON_AddItemToObject(o, "getsizeof", c->getsizeof >= 0
			      ? cJSON_CreateNumber((double)c->getsizeof) : cJSON_CreateNull());
	cJSON_AddItemToObject(o, "container_bytes", c->container_bytes >= 0
			      ? cJSON_CreateNumber((double)c->container_bytes) : cJSON_CreateNull());
	cJSON *samples = cJSON_AddObjectToObject(o, "samples");
	for (int p = 0; p < PHASE_COUNT; p++)
		cJSON_AddItemToObject(samples, phase_name(p), json_sample(&c->samples[p]));
	cJSON_AddItemToObject(o, "peak", json_peak(&c->peak));
	/* a cell that never ran has no time and no pid */
	cJSON_AddItemToObject(o, "wall_s", c->wall_s > 0 ? json_num(c->wall_s) : cJSON_CreateNull());
	cJSON_AddItemToObject(o, "pid", c->pid > 0 ? cJSON_CreateNumber(c->pid) : cJSON_CreateNull());
	cJSON_AddItemToObject(o, "warnings", json_strvec(&c->warnings));
	cJSON_AddItemToObject(o, "stderr_tail", json_str_or_null(c->stderr_tail));
	cJSON_AddItemToObject(o, "note", json_str_or_null(c->note));
	return o;
}

static cJSON *json_stat3(const struct stat3 *s)
{
	if (!s->valid)
		return cJSON_CreateNull();
	cJSON *o = cJSON_CreateObject();
	cJSON_AddItemToObject(o, "median", json_num(s->median));
	cJSON_AddItemToObject(o, "min", json_num(s->min));
	cJSON_AddItemToObject(o, "max", json_num(s->max));
	cJSON_AddNumberToObject(o, "n", (double)s->n);
	return o;
}

static cJSON *json_summary_row(const struct summary_row *row)
{
	cJSON *o = cJSON_CreateObject();
	/* names as the cells write them: a byte that is not UTF-8 becomes U+FFFD */
	cJSON_AddItemToObject(o, "interpreter", json_string(row->interpreter));
	cJSON_AddItemToObject(o, "workload", json_string(row->workload));
	cJSON_AddNumberToObject(o, "count", (double)row->count);
	cJSON_AddNumberToObject(o, "n_ok", (double)row->n_ok);
	cJSON_AddNumberToObject(o, "n_failed", (double)row->n_failed);
	cJSON_AddNumberToObject(o, "n_skipped", (double)row->n_skipped);
	cJSON_AddItemToObject(o, "bytes_per_object", json_stat3(&row->bytes_per_object));
	cJSON_AddItemToObject(o, "delta_bytes", json_stat3(&row->delta_bytes));
	cJSON_AddItemToObject(o, "absolute_bytes", json_stat3(&row->absolute_bytes));
	cJSON_AddItemToObject(o, "full_uss", json_stat3(&row->full_uss));
	cJSON_AddItemToObject(o, "peak_hwm", json_stat3(&row->peak_hwm));
	cJSON_AddItemToObject(o, "getsizeof", json_stat3(&row->getsizeof));
	cJSON_AddItemToObject(o, "container_bytes", row->container_bytes >= 0
			      ? cJSON_CreateNumber((double)row->container_bytes) : cJSON_CreateNull());
	cJSON_AddItemToObject(o, "spread_pct", json_num(row->spread_pct));
	return o;
}

static cJSON *json_fit(const struct summary_fit *sf)
{
	const struct fit *f = &sf->fit;
	cJSON *o = cJSON_CreateObject();
	cJSON_AddItemToObject(o, "interpreter", json_string(sf->interpreter));
	cJSON_AddItemToObject(o, "workload", json_string(sf->workload));
	cJSON_AddItemToObject(o, "slope", f->valid ? json_num(f->slope) : cJSON_CreateNull());
	cJSON_AddItemToObject(o, "intercept", f->valid ? json_num(f->intercept) : cJSON_CreateNull());
	cJSON_AddItemToObject(o, "r2", f->valid ? json_num(f->r2) : cJSON_CreateNull());
	cJSON_AddNumberToObject(o, "n", (double)f->n);
	return o;
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
	cJSON_AddItemToObject(doc, "machine",
			      r->machine ? cJSON_Duplicate(r->machine, 1) : cJSON_CreateNull());
	cJSON_AddItemToObject(doc, "config",
			      r->config ? cJSON_Duplicate(r->config, 1) : cJSON_CreateNull());

	cJSON *interps = cJSON_AddArrayToObject(doc, "interpreters");
	for (size_t i = 0; i < r->n_interps; i++)
		cJSON_AddItemToArray(interps, json_interp(&r->interps[i]));
	cJSON *cells = cJSON_AddArrayToObject(doc, "cells");
	for (size_t i = 0; i < r->n_cells; i++)
		cJSON_AddItemToArray(cells, json_cell(&r->cells[i]));

	struct summary s;
	summary_compute(r, &s);
	cJSON *rows = cJSON_AddArrayToObject(doc, "summary");
	for (size_t i = 0; i < s.n_rows; i++)
		cJSON_AddItemToArray(rows, json_summary_row(&s.rows[i]));
	cJSON *fits = cJSON_AddArrayToObject(doc, "fits");
	for (size_t i = 0; i < s.n_fits; i++)
		cJSON_AddItemToArray(fits, json_fit(&s.fits[i]));
	summary_release(&s);
	return doc;
}

/*
 * The shortest text that reads back as exactly v: integral values as plain
 * digits, others with 15 to 17 significant digits. cJSON's own printer
 * tries "%1.15g" and accepts it when it is within a relative DBL_EPSILON,
 * so it drops the last bit of some values (0.1 + 0.2 comes back as 0.3)
 * and writes integers from 1e15 on as "1e+15".
 */
static void format_number(double v, char *out, size_t n)
{
	if (!isfinite(v)) {
		snprintf(out, n, "null");
		return;
	}
	if (v == 0) {
		snprintf(out, n, "0"); /* not "-0" */
		return;
	}
	if (v == trunc(v) && fabs(v) < 1e17) {
		snprintf(out, n, "%.0f", v);
		return;
	}
	for (int prec = 15; prec <= 17; prec++) {
		snprintf(out, n, "%.*g", prec, v);
		if (strtod(out, NULL) == v)
			break;
	}
	/* %g follows LC_NUMERIC; JSON wants a point */
	const char *dp = localeconv()->decimal_point;
	if (dp && dp[0] && dp[0] != '.' && !dp[1]) {
		char *p = strchr(out, dp[0]);
		if (p)
			*p = '.';
	}
}

/* Turn every number under item into raw text that reads back exactly. */
static void json_exact_numbers(cJSON *item)
{
	for (; item; item = item->next) {
		if (cJSON_IsNumber(item)) {
			char text[64];
			format_number(item->valuedouble, text, sizeof(text));
			size_t len = strlen(text) + 1;
			char *raw = cJSON_malloc(len);
			if (!raw)
				die("out of memory printing the results document");
			memcpy(raw, text, len);
			item->type = (item->type & ~0xFF) | cJSON_Raw;
			item->valuestring = raw;
		} else if (item->child) {
			json_exact_numbers(item->child);
		}
	}
}

/* The text results_write writes: indented JSON ending with a newline. */
static char *results_format(const struct results *r, size_t *len)
{
	cJSON *doc = results_to_json(r);
	json_exact_numbers(doc);
	char *text = cJSON_Print(doc);
	cJSON_Delete(doc);
	if (!text)
		die("out of memory printing the results document");
	struct buf b = BUF_INIT;
	buf_addstr(&b, text);
	buf_addstr(&b, "\n");
	cJSON_free(text);
	*len = b.len;
	return buf_detach(&b);
}

int results_write(const struct results *r, const char *path)
{
	size_t len;
	char *text = results_format(r, &len);
	int rc = write_file_atomic(path, text, len);
	free(text);
	return rc;
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

static char *path_key(const char *path, const char *key)
{
	return xasprintf("%s%s%s", path, *path ? "." : "", key);
}

static char *path_index(const char *path, size_t i)
{
	return xasprintf("%s[%zu]", path, i);
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

static int is_utf8(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n;
	while (*p && (n = utf8_len(p)))
		p += n;
	return !*p;
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
		: !is_utf8(*out) ? "expected UTF-8 text (a byte here is not UTF-8)" : NULL;
	if (msg) {
		free(*out);
		*out = NULL;
		return field_error(what, path, key, msg);
	}
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
	if (!cJSON_IsNumber(v))
		return type_error(what, path, key, "a number", v);
	double d = v->valuedouble;
	if (!isfinite(d) || d != trunc(d) || d < min || d > max) {
		char got[64], lo[64], hi[64];
		format_number(d, got, sizeof(got));
		format_number(min, lo, sizeof(lo));
		format_number(max, hi, sizeof(hi));
		char *msg = xasprintf("expected a whole number from %s to %s, got %s", lo, hi, got);
		field_error(what, path, key, msg);
		free(msg);
		return -1;
	}
	*out = d;
	return 1;
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

static int read_strvec(const char *what, const cJSON *obj, const char *path,
		       const char *key, unsigned flags, struct strvec *out)
{
	const cJSON *v;
	int rc = lookup(what, obj, path, key, flags, "an array of strings", &v);
	if (rc <= 0)
		return rc;
	if (!cJSON_IsArray(v))
		return type_error(what, path, key, "an array of strings", v);
	size_t i = 0;
	const cJSON *e;
	cJSON_ArrayForEach(e, v) {
		if (!cJSON_IsString(e)) {
			char *k = xasprintf("%s[%zu]", key, i);
			type_error(what, path, k, "a string", e);
			free(k);
			return -1;
		}
		strvec_push(out, e->valuestring);
		i++;
	}
	return 0;
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
		char *p = path_key(path, key);
		rc = 0;
		if (!*e->string || strchr(e->string, '='))
			rc = field_error(what, p, e->string,
					 "not a variable name (empty or with '=')");
		else if (!cJSON_IsString(e))
			rc = type_error(what, p, e->string, "a string", e);
		free(p);
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
	char *sp = path_key(path, phase_name(p));
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
	free(sp);
	return rc;
}

static int read_peak(const char *what, const cJSON *cell, const char *path,
		     struct mem_peak *pk)
{
	const cJSON *o;
	int rc = read_sub(what, cell, path, "peak", &o);
	if (rc <= 0)
		return rc;
	char *pp = path_key(path, "peak");
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
	free(pp);
	return rc;
}

static int read_cell(const char *what, const cJSON *o, const char *path, struct cell *c)
{
	double d;
	char *status = NULL;

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

	if (read_string(what, o, path, "status", F_REQUIRED, &status))
		return -1;
	int st = cell_status_from_name(status);
	if (st < 0) {
		char *msg = xasprintf("unknown status '%s' (expected ok, failed, skipped or pending)",
				      status);
		field_error(what, path, "status", msg);
		free(msg);
		free(status);
		return -1;
	}
	free(status);
	c->status = (enum cell_status)st;

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
		char *sp = path_key(path, "samples");
		rc = 0;
		for (int p = 0; p < PHASE_COUNT && !rc; p++)
			rc = read_sample(what, samples, sp, p, &c->samples[p]);
		free(sp);
		if (rc < 0)
			return -1;
	}
	if (read_peak(what, o, path, &c->peak) < 0)
		return -1;

	const cJSON *wall;
	rc = lookup(what, o, path, "wall_s", F_NULLABLE, "a number", &wall);
	if (rc < 0)
		return -1;
	if (rc > 0) {
		if (!cJSON_IsNumber(wall))
			return type_error(what, path, "wall_s", "a number", wall);
		if (!(wall->valuedouble >= 0))
			return field_error(what, path, "wall_s", "expected seconds >= 0");
		c->wall_s = wall->valuedouble;
	}
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

static int cmp_cell_index(const void *a, const void *b, void *arg)
{
	const struct results *r = arg;
	const struct cell *x = &r->cells[*(const size_t *)a];
	const struct cell *y = &r->cells[*(const size_t *)b];
	int c = strcmp(x->interpreter, y->interpreter);
	if (!c)
		c = strcmp(x->workload, y->workload);
	if (!c)
		c = x->count < y->count ? -1 : x->count > y->count;
	if (!c)
		c = x->repeat < y->repeat ? -1 : x->repeat > y->repeat;
	if (!c)
		c = *(const size_t *)a < *(const size_t *)b ? -1 : 1;
	return c;
}

/* Two cells with one key, or two interpreters with one name, are ambiguous. */
static int check_unique(const struct results *r, const char *what)
{
	for (size_t i = 0; i < r->n_interps; i++)
		for (size_t j = 0; j < i; j++)
			if (!strcmp(r->interps[i].name, r->interps[j].name))
				return error("%s: interpreters[%zu]: name '%s' is already used by "
					     "interpreters[%zu]", what, i, r->interps[i].name, j);
	if (r->n_cells < 2)
		return 0;
	size_t *idx = xcalloc(r->n_cells, sizeof(*idx));
	for (size_t i = 0; i < r->n_cells; i++)
		idx[i] = i;
	qsort_r(idx, r->n_cells, sizeof(*idx), cmp_cell_index, (void *)r);
	int rc = 0;
	for (size_t i = 1; i < r->n_cells && !rc; i++) {
		const struct cell *a = &r->cells[idx[i - 1]], *b = &r->cells[idx[i]];
		if (a->count == b->count && a->repeat == b->repeat &&
		    !strcmp(a->interpreter, b->interpreter) && !strcmp(a->workload, b->workload))
			rc = error("%s: cells[%zu]: same interpreter, workload, count and repeat "
				   "as cells[%zu] ('%s', '%s', %llu, repeat %d)", what, idx[i],
				   idx[i - 1], b->interpreter, b->workload,
				   (unsigned long long)b->count, b->repeat);
	}
	free(idx);
	return rc;
}

static int from_json(const cJSON *doc, struct results *r, const char *what)
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
	    read_object(what, doc, "", "machine", &r->machine) ||
	    read_object(what, doc, "", "config", &r->config))
		return -1;

	const cJSON *a, *e;
	if (lookup(what, doc, "", "interpreters", F_REQUIRED, "an array", &a) < 0)
		return -1;
	if (!cJSON_IsArray(a))
		return type_error(what, "", "interpreters", "an array", a);
	size_t i = 0;
	cJSON_ArrayForEach(e, a) {
		char *p = path_index("interpreters", i++);
		int rc = read_interp(what, e, p, results_add_interp(r));
		free(p);
		if (rc)
			return -1;
	}

	if (lookup(what, doc, "", "cells", F_REQUIRED, "an array", &a) < 0)
		return -1;
	if (!cJSON_IsArray(a))
		return type_error(what, "", "cells", "an array", a);
	i = 0;
	cJSON_ArrayForEach(e, a) {
		char *p = path_index("cells", i++);
		int rc = read_cell(what, e, p, results_add_cell(r));
		free(p);
		if (rc)
			return -1;
	}
	/* "summary" and "fits" are derived: recomputed, never read */
	return check_unique(r, what);
}

int results_from_json(const cJSON *doc, struct results *r, const char *what)
{
	if (from_json(doc, r, what)) {
		results_release(r);
		return -1;
	}
	return 0;
}

/* 1-based line and column (in characters, not bytes) of text + off. */
static void line_col(const char *text, size_t off, unsigned long *line, unsigned long *col)
{
	*line = 1;
	*col = 1;
	for (size_t i = 0; i < off; i++) {
		if (text[i] == '\n') {
			(*line)++;
			*col = 1;
		} else if (((unsigned char)text[i] & 0xC0) != 0x80) {
			(*col)++;
		}
	}
}

static int is_json_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/*
 * Where a JSON text goes wrong, and why. cJSON only says roughly where it
 * stopped (for a bad object key, one character late), so once it has
 * failed this strict scanner finds the exact place, and tells a file that
 * was cut short from one that is wrong.
 */
struct jscan {
	const char *s;
	size_t len, pos;
	const char *why; /* NULL while no error */
	int eof;         /* the text ended where more was needed */
};

static int jscan_fail(struct jscan *j, const char *why)
{
	if (j->pos >= j->len)
		j->eof = 1;
	j->why = why;
	return -1;
}

static void jscan_space(struct jscan *j)
{
	while (j->pos < j->len && is_json_space(j->s[j->pos]))
		j->pos++;
}

static int jscan_peek(const struct jscan *j)
{
	return j->pos < j->len ? (unsigned char)j->s[j->pos] : -1;
}

static int jscan_digits(struct jscan *j)
{
	if (jscan_peek(j) < '0' || jscan_peek(j) > '9')
		return jscan_fail(j, "expected a digit");
	while (jscan_peek(j) >= '0' && jscan_peek(j) <= '9')
		j->pos++;
	return 0;
}

static int jscan_number(struct jscan *j)
{
	if (jscan_peek(j) == '-')
		j->pos++;
	if (jscan_peek(j) == '0')
		j->pos++;
	else if (jscan_digits(j))
		return -1;
	if (jscan_peek(j) == '.') {
		j->pos++;
		if (jscan_digits(j))
			return -1;
	}
	if (jscan_peek(j) == 'e' || jscan_peek(j) == 'E') {
		j->pos++;
		if (jscan_peek(j) == '+' || jscan_peek(j) == '-')
			j->pos++;
		if (jscan_digits(j))
			return -1;
	}
	return 0;
}

static int jscan_string(struct jscan *j)
{
	j->pos++; /* the opening quote */
	for (;;) {
		int c = jscan_peek(j);
		if (c < 0)
			return jscan_fail(j, "unterminated string");
		if (c == '"') {
			j->pos++;
			return 0;
		}
		if (c < 0x20)
			return jscan_fail(j, "control character in a string (write it as \\uXXXX)");
		j->pos++;
		if (c != '\\')
			continue;
		c = jscan_peek(j);
		if (c < 0)
			return jscan_fail(j, "unterminated string");
		if (!strchr("\"\\/bfnrtu", c)) {
			j->pos--;
			return jscan_fail(j, "invalid escape in a string");
		}
		j->pos++;
		if (c == 'u')
			for (int i = 0; i < 4; i++, j->pos++)
				if (jscan_peek(j) < 0 || !strchr("0123456789abcdefABCDEF", jscan_peek(j)))
					return jscan_fail(j, "expected 4 hex digits after \\u");
	}
}

static int jscan_value(struct jscan *j, int depth);

/* An object or array; close is '}' or ']'. */
static int jscan_container(struct jscan *j, int depth, char close)
{
	int object = close == '}';
	if (depth > 1000)
		return jscan_fail(j, "nested too deeply");
	j->pos++;
	jscan_space(j);
	if (jscan_peek(j) == close) {
		j->pos++;
		return 0;
	}
	for (;;) {
		if (object) {
			if (jscan_peek(j) != '"')
				return jscan_fail(j, "expected a string in double quotes (a key)");
			if (jscan_string(j))
				return -1;
			jscan_space(j);
			if (jscan_peek(j) != ':')
				return jscan_fail(j, "expected ':' after the key");
			j->pos++;
			jscan_space(j);
		}
		if (jscan_value(j, depth + 1))
			return -1;
		jscan_space(j);
		int c = jscan_peek(j);
		j->pos++;
		if (c == close)
			return 0;
		if (c != ',') {
			j->pos--;
			return jscan_fail(j, object ? "expected ',' or '}'" : "expected ',' or ']'");
		}
		size_t comma = j->pos - 1;
		jscan_space(j);
		if (jscan_peek(j) == close) {
			j->pos = comma;
			return jscan_fail(j, object ? "a comma before '}' (JSON has no trailing commas)"
					  : "a comma before ']' (JSON has no trailing commas)");
		}
	}
}

static int jscan_value(struct jscan *j, int depth)
{
	static const char *const words[] = { "true", "false", "null" };
	int c = jscan_peek(j);
	if (c == '{')
		return jscan_container(j, depth, '}');
	if (c == '[')
		return jscan_container(j, depth, ']');
	if (c == '"')
		return jscan_string(j);
	if (c == '-' || (c >= '0' && c <= '9'))
		return jscan_number(j);
	for (size_t w = 0; w < ARRAY_SIZE(words); w++) {
		if (c != words[w][0])
			continue;
		size_t n = strlen(words[w]), avail = j->len - j->pos;
		if (!memcmp(j->s + j->pos, words[w], n < avail ? n : avail)) {
			if (avail < n) {
				j->pos = j->len;
				return jscan_fail(j, "the text ended");
			}
			j->pos += n;
			return 0;
		}
	}
	return jscan_fail(j, "expected a value");
}

/* 0 when the text is one JSON value (then cJSON failed on something else). */
static int jscan(struct jscan *j, const char *s, size_t len)
{
	memset(j, 0, sizeof(*j));
	j->s = s;
	j->len = len;
	jscan_space(j);
	if (jscan_value(j, 0))
		return -1;
	return 0;
}

/* The first 20 characters of the line at off, control bytes as \xNN. */
static void excerpt(const char *text, size_t len, size_t off, char *out, size_t n)
{
	size_t o = 0, chars = 0;
	for (size_t i = off; i < len && o + 5 < n; i++) {
		unsigned char c = (unsigned char)text[i];
		if (c == '\n' || c == '\r')
			break;
		/* count characters, not bytes, so none is cut in two */
		if ((c & 0xC0) != 0x80 && chars++ == 20)
			break;
		if (c < 0x20 || c == 0x7f)
			o += (size_t)snprintf(out + o, n - o, "\\x%02x", c);
		else
			out[o++] = (char)c;
	}
	out[o] = '\0';
}

int results_parse(const char *text, size_t len, struct results *r, const char *what)
{
	unsigned long line, col;
	size_t start = 0;

	if (len >= 3 && !memcmp(text, "\xef\xbb\xbf", 3))
		start = 3; /* a UTF-8 byte order mark some editors add */
	size_t first = start;
	while (first < len && is_json_space(text[first]))
		first++;
	if (first == len)
		return error("%s: the file is empty: expected a results document (JSON)", what);
	const char *nul = memchr(text, '\0', len);
	if (nul) {
		line_col(text, (size_t)(nul - text), &line, &col);
		return error("%s:%lu:%lu: NUL byte in the text: is it a JSON file?", what, line, col);
	}

	const char *end = NULL;
	cJSON *doc = cJSON_ParseWithLengthOpts(text + start, len - start, &end, 0);
	if (!doc) {
		struct jscan j;
		char near[128];
		if (!jscan(&j, text + start, len - start)) {
			/* valid to the scanner: cJSON's own limits */
			size_t off = end ? (size_t)(end - text) : first;
			line_col(text, off < len ? off : len, &line, &col);
			return error("%s:%lu:%lu: cannot parse the JSON here (nested too deeply?)",
				     what, line, col);
		}
		line_col(text, start + j.pos, &line, &col);
		if (j.eof)
			return error("%s:%lu:%lu: unexpected end of file: is the file truncated?",
				     what, line, col);
		excerpt(text, len, start + j.pos, near, sizeof(near));
		if (!*near)
			return error("%s:%lu:%lu: invalid JSON: %s, at the end of the line",
				     what, line, col, j.why);
		return error("%s:%lu:%lu: invalid JSON: %s, at '%s'", what, line, col, j.why, near);
	}
	size_t off = end ? (size_t)(end - text) : len;
	while (off < len && is_json_space(text[off]))
		off++;
	if (off < len) {
		char near[128];
		excerpt(text, len, off, near, sizeof(near));
		line_col(text, off, &line, &col);
		cJSON_Delete(doc);
		return error("%s:%lu:%lu: text after the end of the JSON document: '%s'",
			     what, line, col, near);
	}
	int rc = results_from_json(doc, r, what);
	cJSON_Delete(doc);
	return rc;
}

int results_load(const char *path, struct results *r)
{
	struct buf b = BUF_INIT;
	if (read_file(path, RESULTS_MAX_BYTES, &b)) {
		buf_release(&b);
		return -1;
	}
	int rc = results_parse(b.p, b.len, r, path);
	buf_release(&b);
	return rc;
}
