/*
 * test_results.c - the results document as JSON: field names, null for
 * what was not measured, exact numbers, a lossless round trip, and the
 * messages for files that are not valid results (fixtures under
 * tests/fixtures/results/, see the README there).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "jsonutil.h"
#include "results.h"
#include "stats.h"
#include "textfmt.h"
#include "unit.h"

/* ---- helpers ---- */

/* Collect what the code under test prints on stderr. */
struct capture {
	int saved;
	FILE *tmp;
};

static void capture_start(struct capture *c)
{
	fflush(stderr);
	c->tmp = tmpfile();
	CU_ASSERT_PTR_NOT_NULL_FATAL(c->tmp);
	c->saved = dup(2);
	dup2(fileno(c->tmp), 2);
}

static char *capture_end(struct capture *c)
{
	fflush(stderr);
	dup2(c->saved, 2);
	close(c->saved);
	long n = ftell(c->tmp);
	char *s = xmalloc(n > 0 ? (size_t)n + 1 : 1);
	rewind(c->tmp);
	size_t got = n > 0 ? fread(s, 1, (size_t)n, c->tmp) : 0;
	s[got] = '\0';
	fclose(c->tmp);
	return s;
}

static int str_eq(const char *a, const char *b)
{
	return (!a && !b) || (a && b && !strcmp(a, b));
}

static int json_eq(const cJSON *a, const cJSON *b)
{
	return (!a && !b) || (a && b && cJSON_Compare(a, b, 1));
}

/* The machine or config objects of two documents, compared in their JSON form. */
static int top_eq(const struct results *a, const struct results *b, const char *key)
{
	cJSON *da = results_to_json(a), *db = results_to_json(b);
	int eq = json_eq(cJSON_GetObjectItemCaseSensitive(da, key),
			 cJSON_GetObjectItemCaseSensitive(db, key));
	cJSON_Delete(da);
	cJSON_Delete(db);
	return eq;
}

static int sample_eq(const struct mem_sample *a, const struct mem_sample *b)
{
	if (a->valid != b->valid)
		return 0;
	return !a->valid || (a->rss == b->rss && a->pss == b->pss && a->uss == b->uss &&
			     a->anon == b->anon && a->swap == b->swap);
}

static int malloc_eq(const struct malloc_count *a, const struct malloc_count *b)
{
	return a->valid == b->valid &&
	       (!a->valid || (a->in_use == b->in_use && a->free == b->free));
}

/* The first field where a and b differ, or NULL (static text). */
static const char *results_diff(const struct results *a, const struct results *b)
{
	static char where[256];
	if (!str_eq(a->objmem_version, b->objmem_version)) return "objmem_version";
	if (!str_eq(a->created, b->created)) return "created";
	if (!str_eq(a->label, b->label)) return "label";
	if (!top_eq(a, b, "machine")) return "machine";
	if (!top_eq(a, b, "config")) return "config";
	if (a->n_interps != b->n_interps) return "n_interps";
	for (size_t i = 0; i < a->n_interps; i++) {
		const struct interp *x = &a->interps[i], *y = &b->interps[i];
		const char *f = NULL;
		if (!str_eq(x->name, y->name)) f = "name";
		else if (!strvec_equal(&x->argv, &y->argv)) f = "argv";
		else if (!strvec_equal(&x->env, &y->env)) f = "env";
		else if (!strvec_equal(&x->tags, &y->tags)) f = "tags";
		else if (!str_eq(x->origin, y->origin)) f = "origin";
		else if (!str_eq(x->skip_reason, y->skip_reason)) f = "skip_reason";
		else if (!json_eq(x->probe, y->probe)) f = "probe";
		if (f) {
			snprintf(where, sizeof(where), "interps[%zu].%s", i, f);
			return where;
		}
	}
	if (a->n_cells != b->n_cells) return "n_cells";
	for (size_t i = 0; i < a->n_cells; i++) {
		const struct cell *x = &a->cells[i], *y = &b->cells[i];
		const char *f = NULL;
		if (!str_eq(x->interpreter, y->interpreter)) f = "interpreter";
		else if (!str_eq(x->workload, y->workload)) f = "workload";
		else if (x->count != y->count) f = "count";
		else if (x->repeat != y->repeat) f = "repeat";
		else if (x->status != y->status) f = "status";
		else if (!str_eq(x->reason, y->reason)) f = "reason";
		else if (x->getsizeof != y->getsizeof) f = "getsizeof";
		else if (x->container_bytes != y->container_bytes) f = "container_bytes";
		else if (x->peak.valid != y->peak.valid ||
			 (x->peak.valid && (x->peak.vm_hwm != y->peak.vm_hwm ||
					    x->peak.rss_anon_max != y->peak.rss_anon_max ||
					    x->peak.polls != y->peak.polls))) f = "peak";
		else if (memcmp(&x->wall_s, &y->wall_s, sizeof(double))) f = "wall_s (bits)";
		else if (x->pid != y->pid) f = "pid";
		else if (!strvec_equal(&x->warnings, &y->warnings)) f = "warnings";
		else if (!str_eq(x->stderr_tail, y->stderr_tail)) f = "stderr_tail";
		else if (!str_eq(x->note, y->note)) f = "note";
		else if (!malloc_eq(&x->malloc_base, &y->malloc_base) ||
			 !malloc_eq(&x->malloc_full, &y->malloc_full)) f = "malloc";
		for (int p = 0; !f && p < PHASE_COUNT; p++)
			if (!sample_eq(&x->samples[p], &y->samples[p]))
				f = phase_name(p);
		if (f) {
			snprintf(where, sizeof(where), "cells[%zu].%s", i, f);
			return where;
		}
	}
	return NULL;
}

static void set_sample(struct mem_sample *s, uint64_t rss, uint64_t pss, uint64_t uss,
		       uint64_t anon, uint64_t swap)
{
	s->valid = 1;
	s->rss = rss;
	s->pss = pss;
	s->uss = uss;
	s->anon = anon;
	s->swap = swap;
}

/* 2^53 - 1: the largest integer every JSON reader keeps exactly. */
#define BIG 9007199254740991ULL

/* A document with every field set, and every kind of null. */
static void make_full(struct results *r)
{
	results_init(r);
	r->objmem_version = xstrdup("0.1.0");
	r->created = xstrdup("2026-11-22T03:04:05Z");
	r->label = xstrdup("rev-abc \"quoted\"");
	r->machine.present = 1;
	r->machine.hostname = xstrdup("h\u00f6st");
	r->machine.cpus = 2;
	r->machine.mem_total = 3500000000;
	r->machine.page_size = 4096;
	r->machine.thp_enabled = xstrdup("madvise");
	/* fields this objmem does not know travel as they are */
	r->machine.extra = cJSON_Parse("{\"nested\":{\"a\":[1,2.5,null,true,\"x\"]},"
				       "\"big\":1e15,\"frac\":0.1}");
	r->config.present = 1;
	results_config_add_count(r, 1000000000000ULL);
	results_config_add_count(r, 100);
	r->config.repeat = 3;
	r->config.jobs = 2;
	r->config.extra = cJSON_Parse("{\"memory_cap\":null}");

	struct interp *in = results_add_interp(r);
	in->name = xstrdup("cpython-3.13-ft");
	strvec_push(&in->argv, "/opt/py/bin/python3.13t");
	strvec_push(&in->argv, "-X");
	strvec_push(&in->argv, "gil=0");
	strvec_push(&in->env, "PYTHON_GIL=0");
	strvec_push(&in->env, "ODD=a=b=c");
	strvec_push(&in->env, "EMPTY=");
	strvec_push(&in->tags, "cpython");
	strvec_push(&in->tags, "free-threaded");
	in->origin = xstrdup("interpreters/cpython-3.13-ft.json");
	in->probe = cJSON_Parse("{\"implementation\":\"cpython\",\"version\":\"3.13.0\","
				"\"pointer_bits\":64,\"debug\":false,\"gil_disabled\":true,"
				"\"compiler\":\"GCC 12\"}");

	in = results_add_interp(r);
	in->name = xstrdup("python2.7");
	strvec_push(&in->argv, "python2.7");
	in->skip_reason = xstrdup("'python2.7' not found on PATH");

	struct cell *c = results_add_cell(r);
	c->interpreter = xstrdup("cpython-3.13-ft");
	c->workload = xstrdup("point3d");
	c->count = 1000000000000ULL;
	c->repeat = 1;
	c->status = CELL_OK;
	c->getsizeof = 0;
	c->container_bytes = 8000000000056LL;
	set_sample(&c->samples[PHASE_START], 10620928, 8658944, 7348224, 6299648, 0);
	set_sample(&c->samples[PHASE_BASE], 3500000000ULL, 3400000001ULL, 3300000002ULL,
		   3200000003ULL, 0);
	set_sample(&c->samples[PHASE_FULL], BIG, BIG - 1, BIG - 2, BIG - 3, 4096);
	set_sample(&c->samples[PHASE_FREED], 1000000000000000ULL, 0, 0, 0, 0);
	c->malloc_base = (struct malloc_count){ 1, 12345678, 0 };
	c->malloc_full = (struct malloc_count){ 1, BIG - 7, 53000000 };
	c->peak.valid = 1;
	c->peak.vm_hwm = BIG;
	c->peak.rss_anon_max = 123456789012ULL;
	c->peak.polls = 4000000000U;
	c->wall_s = 0.1 + 0.2; /* 0.30000000000000004: cJSON alone prints 0.3 */
	c->pid = 2147483647;
	strvec_push(&c->warnings, "swap in use at full: 4096 bytes");
	strvec_push(&c->warnings, "tab\there, \"quotes\", back\\slash, \u00e9\u20ac\U0001F600");
	c->note = xstrdup("__slots__ ignored on micropython");

	c = results_add_cell(r);
	c->interpreter = xstrdup("cpython-3.13-ft");
	c->workload = xstrdup("point3d");
	c->count = 100;
	c->repeat = 2;
	c->status = CELL_FAILED;
	c->reason = xstrdup("agent exited with status 1 before 'full'");
	c->getsizeof = 56;
	set_sample(&c->samples[PHASE_START], 1, 2, 3, 4, 5);
	c->wall_s = 1.0 / 3;
	c->pid = 4242;
	c->stderr_tail = xstrdup("Traceback (most recent call last):\n"
				 "  File \"agent.py\", line 1, in <module>\r\n"
				 "ValueError: caf\u00e9 \u2018x\u2019 \\n \x01\x1f \x7f\n");

	c = results_add_cell(r);
	c->interpreter = xstrdup("cpython-3.13-ft");
	c->workload = xstrdup("record");
	c->count = 100;
	c->repeat = 1;
	c->status = CELL_SKIPPED;
	c->reason = xstrdup("record: no C compiler / Python.h not found for this interpreter");
	c->wall_s = 1e-9;
	c->pid = 1;

	c = results_add_cell(r); /* pending: everything unset */
	c->interpreter = xstrdup("python2.7");
	c->workload = xstrdup("point3d");
	c->count = 100;
	c->repeat = 1;
	c->status = CELL_PENDING;
}

static char *tmp_path(char **dir, const char *name)
{
	*dir = unit_tmpdir();
	return xasprintf("%s/%s", *dir, name);
}

/* ---- writing ---- */

/* The premise of the number handling: what cJSON itself prints. */
static const struct cjson_print_case {
	double v;
	const char *cjson; /* cJSON_PrintUnformatted, libcjson 1.7.15 */
} cjson_print_cases[] = {
	{ 3500000000.0, "3500000000" },
	{ 1e12, "1000000000000" },
	{ 96.0, "96" },
	{ -4096.0, "-4096" },
};

static void test_cjson_number_printing(void)
{
	for (size_t i = 0; i < ARRAY_SIZE(cjson_print_cases); i++) {
		cJSON *n = cJSON_CreateNumber(cjson_print_cases[i].v);
		char *s = cJSON_PrintUnformatted(n);
		CU_ASSERT_STRING_EQUAL(s, cjson_print_cases[i].cjson);
		cJSON_free(s);
		cJSON_Delete(n);
	}
}

/* What results_write puts in the file for the full document: the head
 * indented, each cell on a line of its own, compact. */
static const char *const written_texts[] = {
	"\"count\":1000000000000,",
	"\"container_bytes\":8000000000056,",
	"\"rss\":3500000000,",
	"\"rss\":9007199254740991,",     /* cJSON: 9.00719925474099e+15 */
	"\"rss\":1000000000000000,",     /* cJSON: 1e+15 */
	"\"vm_hwm\":9007199254740991,",
	"\"polls\":4000000000",
	"\"wall_s\":0.30000000000000004,", /* cJSON: 0.3 */
	"\"wall_s\":0.3333333333333333,",      /* shortest exact */
	"\"wall_s\":1e-09,",
	"\"pid\":2147483647,",
	"\"big\":\t1000000000000000,",
	"\"frac\":\t0.1",
	"\"getsizeof\":0,",
	"\"PYTHON_GIL\":\t\"0\"",
	"\"ODD\":\t\"a=b=c\"",
	"\"EMPTY\":\t\"\"",
	"\\\"agent.py\\\", line 1, in <module>\\r\\n",
	"caf\u00e9 \u2018x\u2019 \\\\n \\u0001\\u001f \x7f\\n",
	"\n\t\"cells\": [\n\t\t{\"interpreter\":",   /* one cell a line */
};

static char *write_and_read_text(const struct results *r, size_t *len)
{
	char *dir;
	char *path = tmp_path(&dir, "run.json");
	CU_ASSERT_EQUAL(results_write(r, path), 0);
	struct buf b = BUF_INIT;
	CU_ASSERT_EQUAL(read_file(path, 1 << 24, &b), 0);
	free(path);
	unit_rmtree(dir);
	free(dir);
	*len = b.len;
	return buf_detach(&b);
}

static void test_write_text(void)
{
	struct results r;
	make_full(&r);
	size_t len;
	char *text = write_and_read_text(&r, &len);
	CU_ASSERT(len > 0 && text[len - 1] == '\n');
	for (size_t i = 0; i < ARRAY_SIZE(written_texts); i++) {
		int found = strstr(text, written_texts[i]) != NULL;
		if (!found)
			fprintf(stderr, "\nnot in the written text: %s\n", written_texts[i]);
		CU_ASSERT(found);
	}
	/* no exponent on any integral value */
	CU_ASSERT_PTR_NULL(strstr(text, "e+"));
	/* the text is valid JSON that cJSON reads back */
	cJSON *doc = cJSON_Parse(text);
	CU_ASSERT_PTR_NOT_NULL(doc);
	cJSON_Delete(doc);
	free(text);
	results_release(&r);
}

static void test_round_trip(void)
{
	struct results r, back;
	make_full(&r);
	char *dir;
	char *path = tmp_path(&dir, "run.json");
	CU_ASSERT_EQUAL_FATAL(results_write(&r, path), 0);
	results_init(&back);
	CU_ASSERT_EQUAL_FATAL(results_load(path, &back), 0);
	const char *d = results_diff(&r, &back);
	if (d)
		fprintf(stderr, "\nround trip differs at %s\n", d);
	CU_ASSERT_PTR_NULL(d);

	/* and again: writing what was read gives the same bytes */
	char *path2 = xasprintf("%s/again.json", dir);
	CU_ASSERT_EQUAL(results_write(&back, path2), 0);
	struct buf b1 = BUF_INIT, b2 = BUF_INIT;
	CU_ASSERT_EQUAL(read_file(path, 1 << 24, &b1), 0);
	CU_ASSERT_EQUAL(read_file(path2, 1 << 24, &b2), 0);
	CU_ASSERT(b1.len == b2.len && !memcmp(b1.p, b2.p, b1.len));
	buf_release(&b1);
	buf_release(&b2);

	/* the temporary file is gone */
	char *tmp = xasprintf("%s.tmp.%ld", path, (long)getpid());
	CU_ASSERT_NOT_EQUAL(access(tmp, F_OK), 0);
	free(tmp);
	free(path2);
	free(path);
	unit_rmtree(dir);
	free(dir);
	results_release(&back);
	results_release(&r);
}

static void test_round_trip_empty(void)
{
	struct results r, back;
	results_init(&r); /* no version, no date, no machine, nothing */
	char *dir;
	char *path = tmp_path(&dir, "empty.json");
	CU_ASSERT_EQUAL_FATAL(results_write(&r, path), 0);
	results_init(&back);
	CU_ASSERT_EQUAL_FATAL(results_load(path, &back), 0);
	CU_ASSERT_PTR_NULL(results_diff(&r, &back));
	free(path);
	unit_rmtree(dir);
	free(dir);
	results_release(&back);
	results_release(&r);
}

/* Field names, exactly as the README's "Results format" gives them, in each kind of object. */
static const struct keys_case {
	const char *where; /* path in the document of the full results */
	const char *keys[24];
} keys_cases[] = {
	{ "", { "schema", "objmem_version", "created", "label", "machine", "config",
		"interpreters", "cells", "summary", "fits" } },
	{ "interpreters/0", { "name", "argv", "env", "tags", "origin", "skipped", "probe" } },
	{ "cells/0", { "interpreter", "workload", "count", "repeat", "status", "reason",
		       "getsizeof", "container_bytes", "samples", "malloc", "peak", "wall_s", "pid",
		       "warnings", "stderr_tail", "note" } },
	{ "cells/0/samples", { "start", "base", "full", "freed" } },
	{ "cells/0/samples/full", { "rss", "pss", "uss", "anon", "swap", "private_clean" } },
	{ "cells/0/malloc", { "base", "full" } },
	{ "cells/0/malloc/full", { "in_use", "free" } },
	{ "cells/0/peak", { "vm_hwm", "rss_anon_max", "polls" } },
	{ "summary/0", { "interpreter", "workload", "count", "n_ok", "n_failed", "n_skipped",
			 "bytes_per_object", "delta_bytes", "absolute_bytes", "full_uss",
			 "peak_hwm", "peak_bytes", "getsizeof", "container_bytes", "spread_pct" } },
	{ "summary/1/bytes_per_object", { "median", "min", "max", "n" } },
	{ "fits/0", { "interpreter", "workload", "slope", "intercept", "r2", "n" } },
};

/* Follow "a/0/b" from doc. */
static const cJSON *json_at(const cJSON *doc, const char *where)
{
	char *copy = xstrdup(where), *save = NULL;
	const cJSON *v = doc;
	for (char *t = strtok_r(copy, "/", &save); t && v; t = strtok_r(NULL, "/", &save))
		v = cJSON_IsArray(v) ? cJSON_GetArrayItem(v, atoi(t))
				     : cJSON_GetObjectItemCaseSensitive(v, t);
	free(copy);
	return v;
}

static void test_field_names(void)
{
	struct results r;
	make_full(&r);
	cJSON *doc = results_to_json(&r);
	for (size_t i = 0; i < ARRAY_SIZE(keys_cases); i++) {
		const struct keys_case *t = &keys_cases[i];
		const cJSON *o = json_at(doc, t->where);
		CU_ASSERT_FATAL(cJSON_IsObject(o));
		const cJSON *e = o->child;
		size_t k = 0;
		for (; t->keys[k]; k++, e = e ? e->next : NULL) {
			int ok = e && !strcmp(e->string, t->keys[k]);
			if (!ok)
				fprintf(stderr, "\n%s: expected key '%s' at %zu, got '%s'\n", t->where,
					t->keys[k], k, e ? e->string : "(end)");
			CU_ASSERT(ok);
		}
		CU_ASSERT_PTR_NULL(e); /* no more keys than the README lists */
	}
	cJSON_Delete(doc);
	results_release(&r);
}

/* What was not measured is null, never 0. */
static const struct null_case {
	const char *where;
	int is_null;
} null_cases[] = {
	{ "label", 0 },
	{ "interpreters/0/skipped", 1 },
	{ "interpreters/1/skipped", 0 },
	{ "interpreters/1/probe", 1 },
	{ "interpreters/1/origin", 1 },
	{ "cells/0/getsizeof", 0 },       /* 0 is a value */
	{ "cells/0/reason", 1 },
	{ "cells/0/stderr_tail", 1 },
	{ "cells/1/container_bytes", 1 }, /* -1 */
	{ "cells/1/samples/base", 1 },
	{ "cells/1/samples/start", 0 },
	{ "cells/1/peak", 1 },
	{ "cells/1/malloc", 1 },                /* not counted */
	{ "cells/1/note", 1 },
	{ "cells/3/getsizeof", 1 },
	{ "cells/3/samples/start", 1 },
	{ "cells/3/wall_s", 1 },
	{ "cells/3/pid", 1 },
	{ "cells/3/reason", 1 },
	/* summary rows: cpython/point3d/100, cpython/point3d/1e12, cpython/record/100,
	 * python2.7/point3d/100 */
	{ "summary/0/bytes_per_object", 1 }, /* only a failed cell */
	{ "summary/0/delta_bytes", 1 },
	{ "summary/0/spread_pct", 1 },
	{ "summary/0/container_bytes", 1 },
	{ "summary/1/bytes_per_object", 0 },
	{ "summary/1/spread_pct", 0 },
	{ "summary/1/getsizeof", 0 },
	{ "summary/2/full_uss", 1 },
	{ "summary/3/peak_hwm", 1 },
	{ "fits/0/slope", 1 },               /* one point: no line */
	{ "fits/0/intercept", 1 },
	{ "fits/0/r2", 1 },
	{ "fits/0/n", 0 },
};

static void test_nulls(void)
{
	struct results r;
	make_full(&r);
	cJSON *doc = results_to_json(&r);
	for (size_t i = 0; i < ARRAY_SIZE(null_cases); i++) {
		const cJSON *v = json_at(doc, null_cases[i].where);
		int ok = v && cJSON_IsNull(v) == null_cases[i].is_null;
		if (!ok)
			fprintf(stderr, "\n%s: expected %s\n", null_cases[i].where,
				null_cases[i].is_null ? "null" : "a value");
		CU_ASSERT(ok);
	}
	/* summary counts and the row order: counts ascending */
	CU_ASSERT_EQUAL(cJSON_GetNumberValue(json_at(doc, "summary/0/count")), 100);
	CU_ASSERT_EQUAL(cJSON_GetNumberValue(json_at(doc, "summary/0/n_failed")), 1);
	CU_ASSERT_EQUAL(cJSON_GetNumberValue(json_at(doc, "summary/1/count")), 1e12);
	CU_ASSERT_EQUAL(cJSON_GetNumberValue(json_at(doc, "summary/2/n_skipped")), 1);
	CU_ASSERT_EQUAL(cJSON_GetNumberValue(json_at(doc, "summary/3/n_ok")), 0);
	CU_ASSERT_STRING_EQUAL(cJSON_GetStringValue(json_at(doc, "cells/1/status")), "failed");
	cJSON_Delete(doc);
	results_release(&r);
}

/* Text from a child need not be UTF-8; the file must be. */
static const struct utf8_case {
	const char *in, *out;
} utf8_cases[] = {
	{ "plain ascii", "plain ascii" },
	{ "caf\u00e9 \u20ac \U0001F600", "caf\u00e9 \u20ac \U0001F600" },
	{ "\xa9 cut mid-character", "\xef\xbf\xbd cut mid-character" },
	{ "latin-1 caf\xe9!", "latin-1 caf\xef\xbf\xbd!" },
	{ "\xff\xfe", "\xef\xbf\xbd\xef\xbf\xbd" },
	{ "overlong \xc0\xaf", "overlong \xef\xbf\xbd\xef\xbf\xbd" },
	{ "surrogate \xed\xa0\x80", "surrogate \xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd" },
	{ "truncated at the end \xe2\x82", "truncated at the end \xef\xbf\xbd\xef\xbf\xbd" },
};

static void test_utf8(void)
{
	for (size_t i = 0; i < ARRAY_SIZE(utf8_cases); i++) {
		struct results r, back;
		results_init(&r);
		struct cell *c = results_add_cell(&r);
		c->interpreter = xstrdup("py");
		c->workload = xstrdup("w");
		c->count = 1;
		c->repeat = 1;
		c->stderr_tail = xstrdup(utf8_cases[i].in);
		char *dir;
		char *path = tmp_path(&dir, "u.json");
		CU_ASSERT_EQUAL(results_write(&r, path), 0);
		results_init(&back);
		CU_ASSERT_EQUAL_FATAL(results_load(path, &back), 0);
		CU_ASSERT_STRING_EQUAL(back.cells[0].stderr_tail, utf8_cases[i].out);
		free(path);
		unit_rmtree(dir);
		free(dir);
		results_release(&back);
		results_release(&r);
	}
}

static void test_write_errors(void)
{
	struct results r;
	results_init(&r);
	struct capture cap;
	capture_start(&cap);
	int rc = results_write(&r, "/nonexistent-objmem-dir/run.json");
	char *msg = capture_end(&cap);
	CU_ASSERT_EQUAL(rc, -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(msg, "error: cannot write '/nonexistent-objmem-dir/run.json"));
	free(msg);
	results_release(&r);
}

/* ---- reading ---- */

static const struct fixture_case {
	const char *file;
	int ok;
	const char *message; /* fragment of what is printed; NULL when ok */
} fixture_cases[] = {
	{ "small.json", 1, NULL },
	{ "minimal.json", 1, NULL },
	{ "empty.json", 0, "error: results/empty.json: the file is empty" },
	{ "blank.json", 0, "error: results/blank.json: the file is empty" },
	{ "other-schema.json", 0, "error: 'results/other-schema.json' is a results file of schema "
	  "'objmem-results/2'; this objmem reads objmem-results/1" },
	{ "not-results.json", 0, "not-results.json: no \"schema\" field: is it an objmem results file?" },
	{ "schema-number.json", 0, "schema-number.json: schema: expected a string, got a number" },
	{ "top-array.json", 0, "expected a JSON object at the top level, got an array" },
	{ "truncated.json", 0, "truncated.json:78:15: unexpected end of file: is the file truncated?" },
	{ "truncated-in-string.json", 0, "unexpected end of file: is the file truncated?" },
	{ "garbage.json", 0, "garbage.json:1:1: invalid JSON: expected a value, at "
	  "'objmem: 24 cells, 1 '" },
	{ "syntax-error.json", 0, "syntax-error.json:6:14: invalid JSON: a comma before '}' "
	  "(JSON has no trailing commas), at ','" },
	{ "trailing-text.json", 0, "trailing-text.json:3:1: text after the end of the JSON document: '}'" },
	/* the cells are read the quick way, checked one by one (issue 11): a mistake in
	 * one is still found and named where it is, before any field is read */
	{ "cell-syntax-error.json", 0, "cell-syntax-error.json:25:65: invalid JSON: expected ',' "
	  "or '}', at '1000, \"repeat\": 2,'" },
	{ "summary-syntax-error.json", 0, "summary-syntax-error.json:12:76: invalid JSON: a comma "
	  "before '}' (JSON has no trailing commas), at ',}}],'" },
	{ "cell-unusual.json", 1, NULL },
	{ "wrong-uss.json", 0, "error: results/wrong-uss.json: cells[0].samples.full.uss: "
	  "expected a number, got a string" },
	{ "missing-uss.json", 0, "missing-uss.json: cells[0].samples.base.uss: required field missing" },
	{ "negative-swap.json", 0, "cells[0].samples.start.swap: expected a whole number from 0 to "
	  "9007199254740992, got -4096" },
	{ "wrong-status.json", 0, "cells[1].status: unknown status 'done' (expected ok, failed, "
	  "skipped or pending)" },
	{ "wrong-count.json", 0, "cells[0].count: expected a whole number from 1 to 9007199254740992, "
	  "got 1.5" },
	{ "zero-count.json", 0, "cells[1].count: expected a whole number from 1" },
	{ "missing-workload.json", 0, "cells[1].workload: required field missing" },
	{ "wrong-argv.json", 0, "interpreters[0].argv: expected an array of strings, got a string" },
	{ "wrong-argv-item.json", 0, "interpreters[0].argv[1]: expected a string, got a number" },
	{ "wrong-env.json", 0, "interpreters[0].env.N: expected a string, got a number" },
	{ "wrong-probe.json", 0, "interpreters[0].probe: expected an object, got a string" },
	{ "wrong-cells.json", 0, "wrong-cells.json: cells: expected an array, got an object" },
	{ "missing-cells.json", 0, "missing-cells.json: cells: required field missing" },
	{ "wrong-peak.json", 0, "cells[0].peak: expected an object or null, got an array" },
	{ "malloc-counted.json", 1, NULL },
	{ "malloc-missing-full.json", 0, "cells[0].malloc.full: missing: \"malloc\" holds both base "
	  "and full" },
	{ "range-malloc-negative.json", 0, "cells[0].malloc.full.in_use: expected a whole number "
	  "from 0 to 9007199254740992, got -5\n" },
	{ "wrong-warnings.json", 0, "cells[0].warnings: expected an array of strings, got a string" },
	{ "wrong-created.json", 0, "wrong-created.json: created: expected a string, got a number" },
	{ "duplicate-cell.json", 0, "cells[1]: same interpreter, workload, count and repeat as "
	  "cells[0] ('python3', 'point3d', 1000, repeat 1)" },
	{ "duplicate-interp.json", 0, "interpreters[1]: name 'python3' is already used by "
	  "interpreters[0]" },
	/* numbers out of the range of the field they become (issue 11): an error with
	 * the path, never a cast of an out-of-range double (undefined behaviour) */
	{ "range-count-1e308.json", 0, "error: results/range-count-1e308.json: cells[0].count: "
	  "expected a whole number from 1 to 9007199254740992, got 1e+308\n" },
	{ "range-repeat-1e400.json", 0, "cells[0].repeat: expected a whole number from 1 to "
	  "2147483647, got a number too large to read (beyond 1.8e308)\n" },
	{ "range-uss-fraction.json", 0, "cells[0].samples.full.uss: expected a whole number from 0 "
	  "to 9007199254740992, got 8646656.5\n" },
	{ "range-pid-1e19.json", 0, "cells[0].pid: expected a whole number from 0 to 2147483647, "
	  "got 1e+19\n" },
	{ "range-polls-1e10.json", 0, "cells[0].peak.polls: expected a whole number from 0 to "
	  "4294967295, got 10000000000\n" },
	{ "range-getsizeof-minus-1e400.json", 0, "cells[0].getsizeof: expected a whole number from "
	  "-1 to 9007199254740992, got a number too large to read (beyond -1.8e308)\n" },
	{ "range-wall-1e400.json", 0, "cells[0].wall_s: expected a number >= 0, got a number too "
	  "large to read (beyond 1.8e308)\n" },
	{ "range-wall-negative.json", 0, "cells[0].wall_s: expected a number >= 0, got -0.5\n" },
	{ "range-config-repeat-negative.json", 0, "config.repeat: expected a whole number from 0 "
	  "to 2147483647, got -3\n" },
	{ "range-config-jobs-1e308.json", 0, "config.jobs: expected a whole number from 0 to "
	  "2147483647, got 1e+308\n" },
	{ "range-config-timeout-1e400.json", 0, "config.timeout_s: expected a number >= 0, got a "
	  "number too large to read (beyond 1.8e308)\n" },
	{ "range-config-counts-fraction.json", 0, "config.counts[1]: expected a whole number from "
	  "1 to 1000000000000, got 2.5\n" },
	{ "range-config-shard-overflow.json", 0, "config.shard: expected K/N, whole numbers with "
	  "1 <= K <= N <= 2147483647 (e.g. \"2/4\")\n" },
	{ "range-machine-page-size-1e308.json", 0, "machine.page_size: expected a whole number "
	  "from 0 to 9007199254740992, got 1e+308\n" },
	{ "range-machine-mem-total-minus-1e400.json", 0, "machine.mem_total: expected a whole "
	  "number from 0 to 9007199254740992, got a number too large to read (beyond -1.8e308)\n" },
	{ "range-machine-cpus-negative.json", 0, "machine.cpus: expected a whole number from 0 "
	  "to 9007199254740992, got -1\n" },
	{ "range-merged-cells-1e400.json", 0, "config.merged_from[0].cells: expected a whole "
	  "number from 0 to 9007199254740992, got a number too large to read (beyond 1.8e308)\n" },
};

static void test_fixtures(void)
{
	for (size_t i = 0; i < ARRAY_SIZE(fixture_cases); i++) {
		const struct fixture_case *t = &fixture_cases[i];
		char *rel = xasprintf("results/%s", t->file);
		size_t len;
		char *text = unit_read_fixture(rel, &len);
		struct results r;
		results_init(&r);
		struct capture cap;
		capture_start(&cap);
		int rc = results_parse(text, len, &r, rel);
		char *msg = capture_end(&cap);
		int ok;
		if (t->ok)
			ok = rc == 0 && !*msg;
		else /* one line, and nothing kept from a rejected file */
			ok = rc == -1 && strstr(msg, t->message) && r.n_cells == 0 &&
			     r.n_interps == 0 && strchr(msg, '\n') == msg + strlen(msg) - 1;
		if (!ok)
			fprintf(stderr, "\nfixture %s: rc %d, message: %s", t->file, rc, msg);
		CU_ASSERT(ok);
		free(msg);
		free(text);
		free(rel);
		results_release(&r);
	}
}

static void test_load(void)
{
	struct results r;
	results_init(&r);
	CU_ASSERT_EQUAL(results_load(unit_fixture("results/small.json"), &r), 0);
	CU_ASSERT_EQUAL(r.n_interps, 2);
	CU_ASSERT_EQUAL(r.n_cells, 24);
	results_release(&r);

	struct capture cap;
	capture_start(&cap);
	int rc = results_load("/nonexistent-objmem/run.json", &r);
	char *msg = capture_end(&cap);
	CU_ASSERT_EQUAL(rc, -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(msg, "error: cannot open '/nonexistent-objmem/run.json': "
				     "No such file or directory"));
	free(msg);
	results_release(&r);
}

/* Parsing details that need no file: positions are line:column in characters. */
static const struct parse_case {
	const char *name, *text;
	const char *message;
} parse_cases[] = {
	{ "cut after a key", "{\"schema\"", "t:1:10: unexpected end of file" },
	{ "cut after a colon", "{\n \"schema\":", "t:2:11: unexpected end of file" },
	{ "cut in an escape", "{\"a\": \"x\\", "t:1:10: unexpected end of file" },
	{ "cut in a number", "{\"a\": [1, 2", "t:1:12: unexpected end of file" },
	{ "cut in a literal", "[true, fal", "t:1:11: unexpected end of file" },
	{ "cut in a \\u escape", "[\"\\u00", "t:1:7: unexpected end of file" },
	{ "bad literal", "{\"a\": tru}", "t:1:7: invalid JSON: expected a value, at 'tru}'" },
	{ "column counts characters", "{\"\u00e9\u00e9\": x}",
	  "t:1:8: invalid JSON: expected a value, at 'x}'" },
	{ "unbalanced close", "{\"a\": [1}", "t:1:9: invalid JSON: expected ',' or ']', at '}'" },
	{ "trailing comma in an array", "{\"a\": [1, 2, ]}",
	  "t:1:12: invalid JSON: a comma before ']' (JSON has no trailing commas), at ', ]}'" },
	{ "key without quotes", "{\n  a: 1}",
	  "t:2:3: invalid JSON: expected a string in double quotes (a key), at 'a: 1}'" },
	{ "missing colon", "{\"a\" 1}", "t:1:6: invalid JSON: expected ':' after the key, at '1}'" },
	{ "bad escape", "{\"a\": \"\\q\"}", "t:1:8: invalid JSON: invalid escape in a string" },
	{ "missing comma", "{\"a\": 1\n \"b\": 2}",
	  "t:2:2: invalid JSON: expected ',' or '}', at '\"b\": 2}'" },
	{ "excerpt cut at a character", "{\"a\": \u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9}",
	  "t:1:7: invalid JSON: expected a value, at '\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9'\n" },
	{ "NUL byte", "{\"a\"\0: 1}", "t:1:5: NUL byte in the text" },
	/* in a cell, which the quick reader only skims: found and named all the same */
	{ "NUL byte in a cell", "{\"schema\": \"objmem-results/1\", \"objmem_version\": null, "
	  "\"created\": null, \"interpreters\": [], \"cells\": [{\"interpreter\": \"p\", "
	  "\"workload\": \"w\", \"count\": 1, \"repeat\": 1, \"status\": \"failed\", \"reason\": "
	  "\"a\0b\"}]}", "t:1:198: NUL byte in the text" },
	{ "control byte", "{\"a\": \x01x}", "t:1:7: invalid JSON: expected a value, at '\\x01x}'" },
	{ "two documents", "{}\n{}", "t:2:1: text after the end of the JSON document: '{}'" },
	{ "no schema", "{}", "t: no \"schema\" field" },
	/* JSON has no NaN or Infinity: the syntax says so, before any field is read */
	{ "NaN", "{\"cells\": [{\"count\": NaN}]}", "t:1:22: invalid JSON: expected a value, at 'NaN}]}'" },
	{ "Infinity", "{\"a\": Infinity}", "t:1:7: invalid JSON: expected a value, at 'Infinity}'" },
	{ "-Infinity", "{\"a\": -Infinity}", "t:1:8: invalid JSON: expected a digit, at 'Infinity}'" },
	{ "hex", "{\"a\": 0x10}", "t:1:8: invalid JSON: expected ',' or '}', at 'x10}'" },
	{ "a plus sign", "{\"a\": +1}", "t:1:7: invalid JSON: expected a value, at '+1}'" },
	{ "string", "\"objmem-results/1\"", "t: expected a JSON object at the top level, got a string" },
};

static void test_parse_table(void)
{
	for (size_t i = 0; i < ARRAY_SIZE(parse_cases); i++) {
		const struct parse_case *t = &parse_cases[i];
		/* the NUL case is one byte longer than strlen says */
		size_t len = strlen(t->text);
		if (!strncmp(t->name, "NUL byte", 8))
			len += 1 + strlen(t->text + len + 1);
		struct results r;
		results_init(&r);
		struct capture cap;
		capture_start(&cap);
		int rc = results_parse(t->text, len, &r, "t");
		char *msg = capture_end(&cap);
		int ok = rc == -1 && strstr(msg, t->message);
		if (!ok)
			fprintf(stderr, "\nparse case '%s': rc %d, message: %s", t->name, rc, msg);
		CU_ASSERT(ok);
		free(msg);
		results_release(&r);
	}
}

static void test_parse_bom(void)
{
	static const char text[] = "\xef\xbb\xbf{\"schema\": \"objmem-results/1\", "
		"\"objmem_version\": null, \"created\": null, \"interpreters\": [], \"cells\": []}\n";
	struct results r;
	results_init(&r);
	CU_ASSERT_EQUAL(results_parse(text, sizeof(text) - 1, &r, "bom"), 0);
	results_release(&r);
}

/*
 * A document built in memory (results_from_json takes any cJSON tree) may
 * hold NaN and infinities that JSON text cannot: an error naming the path,
 * never a cast of such a double to an integer.
 */
static const struct tree_case {
	const char *path;   /* the field set to the value: cells/0/KEY or config/KEY */
	double v;
	const char *message;
} tree_cases[] = {
	{ "cells/0/count", NAN, "t: cells[0].count: expected a whole number from 1 to "
	  "9007199254740992, got NaN (not a number)\n" },
	{ "cells/0/count", INFINITY, "t: cells[0].count: expected a whole number from 1 to "
	  "9007199254740992, got a number too large to read (beyond 1.8e308)\n" },
	{ "cells/0/pid", -INFINITY, "t: cells[0].pid: expected a whole number from 0 to "
	  "2147483647, got a number too large to read (beyond -1.8e308)\n" },
	{ "cells/0/wall_s", NAN, "t: cells[0].wall_s: expected a number >= 0, got NaN (not a number)\n" },
	{ "config/poll_s", NAN, "t: config.poll_s: expected a number >= 0, got NaN (not a number)\n" },
	{ "config/cpu", NAN, "t: config.cpu: expected a whole number from -1 to 2147483647, "
	  "got NaN (not a number)\n" },
};

static void test_tree_numbers(void)
{
	for (size_t i = 0; i < ARRAY_SIZE(tree_cases); i++) {
		const struct tree_case *t = &tree_cases[i];
		cJSON *doc = cJSON_Parse("{\"schema\": \"objmem-results/1\", \"objmem_version\": null, "
					 "\"created\": null, \"config\": {}, \"interpreters\": [], "
					 "\"cells\": [{\"interpreter\": \"p\", \"workload\": \"w\", "
					 "\"count\": 1, \"repeat\": 1, \"status\": \"pending\"}]}");
		CU_ASSERT_PTR_NOT_NULL_FATAL(doc);
		const char *slash = strrchr(t->path, '/');
		char *parent = xstrndup(t->path, (size_t)(slash - t->path));
		cJSON *o = (cJSON *)json_at(doc, parent);
		CU_ASSERT_PTR_NOT_NULL_FATAL(o);
		cJSON_DeleteItemFromObjectCaseSensitive(o, slash + 1);
		cJSON_AddNumberToObject(o, slash + 1, t->v);
		struct results r;
		results_init(&r);
		struct capture cap;
		capture_start(&cap);
		int rc = results_from_json(doc, &r, "t");
		char *msg = capture_end(&cap);
		int ok = rc == -1 && strstr(msg, t->message) && r.n_cells == 0;
		if (!ok)
			fprintf(stderr, "\ntree case %s = %g: rc %d, message: %s", t->path, t->v, rc, msg);
		CU_ASSERT(ok);
		free(msg);
		free(parent);
		results_release(&r);
		cJSON_Delete(doc);
	}
}

/* Fields that may be left out read as "not measured". */
static void test_minimal_defaults(void)
{
	size_t len;
	char *text = unit_read_fixture("results/minimal.json", &len);
	struct results r;
	results_init(&r);
	CU_ASSERT_EQUAL_FATAL(results_parse(text, len, &r, "minimal.json"), 0);
	CU_ASSERT_PTR_NULL(r.label);
	CU_ASSERT_FALSE(r.machine.present);
	CU_ASSERT_TRUE(r.config.present);
	CU_ASSERT_PTR_NULL(r.interps[0].probe);
	CU_ASSERT_EQUAL(r.n_cells, 2);
	const struct cell *c = &r.cells[0];
	CU_ASSERT(c->samples[PHASE_FULL].valid && c->samples[PHASE_FULL].uss == 8646656);
	CU_ASSERT(!c->samples[PHASE_FREED].valid);
	CU_ASSERT(c->peak.valid && c->peak.polls == 2);
	c = &r.cells[1];
	CU_ASSERT_EQUAL(c->status, CELL_PENDING);
	CU_ASSERT_EQUAL(c->getsizeof, -1);
	CU_ASSERT_EQUAL(c->container_bytes, -1);
	for (int p = 0; p < PHASE_COUNT; p++)
		CU_ASSERT(!c->samples[p].valid);
	CU_ASSERT(!c->peak.valid);
	CU_ASSERT(c->wall_s == 0 && c->pid == 0 && c->warnings.n == 0);
	CU_ASSERT(!c->reason && !c->stderr_tail && !c->note);
	free(text);
	results_release(&r);
}

/* A cell of key (interp, workload, count, repeat) added to r, its note saying which it is. */
static struct cell *add_keyed(struct results *r, const char *interp, const char *workload,
			      uint64_t count, int repeat, const char *note)
{
	struct cell *c = results_add_cell(r);
	c->interpreter = interp ? xstrdup(interp) : NULL;
	c->workload = xstrdup(workload);
	c->count = count;
	c->repeat = repeat;
	c->note = xstrdup(note);
	return c;
}

/* The note of the cell results_find_cell finds for the key, or "none". */
static const char *found_note(const struct results *r, const char *interp, const char *workload,
			      uint64_t count, int repeat)
{
	const struct cell *c = results_find_cell(r, interp, workload, count, repeat);
	return c ? c->note : "none";
}

/*
 * results_find_cell's index: every one of 3,000 cells found (the index
 * grown a few times on the way), keys that differ in one part apart, the
 * first of a key given twice, cells added after a lookup and a cell named
 * after it, and the index right again after a sort and after cells are cut.
 */
static void test_cell_index(void)
{
	struct results r;
	results_init(&r);
	char interp[32], note[64];
	for (int i = 0; i < 3000; i++) {
		snprintf(interp, sizeof(interp), "py-%d", i % 7);
		snprintf(note, sizeof(note), "cell %d", i);
		add_keyed(&r, interp, i % 2 ? "slots" : "point3d", (uint64_t)(i / 14 + 1) * 1000,
			  1 + i % 3, note);
	}
	size_t wrong = 0;
	for (int i = 0; i < 3000; i++) {
		const struct cell *c = &r.cells[i];
		wrong += results_find_cell(&r, c->interpreter, c->workload, c->count, c->repeat) != c;
	}
	CU_ASSERT_EQUAL(wrong, 0);
	static const struct {
		const char *interp, *workload;
		uint64_t count;
		int repeat;
		const char *note;
	} cases[] = {
		{ "py-0", "point3d", 1000, 1, "cell 0" },
		{ "py-1", "slots", 1000, 2, "cell 1" },
		{ "py-1", "slots", 1000, 1, "none" },      /* the repeat differs */
		{ "py-0", "point3d", 2000, 1, "none" },    /* the count */
		{ "py-0", "slots", 1000, 1, "none" },      /* the workload */
		{ "py-9", "point3d", 1000, 1, "none" },    /* the interpreter */
		{ "py-", "0point3d", 1000, 1, "none" },    /* the names' bytes shifted */
	};
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++)
		CU_ASSERT_STRING_EQUAL(found_note(&r, cases[i].interp, cases[i].workload,
						  cases[i].count, cases[i].repeat), cases[i].note);
	/* given twice: the first; added after a lookup: found */
	add_keyed(&r, "py-0", "point3d", 1000, 1, "second copy");
	add_keyed(&r, "later", "slots", 5, 1, "added later");
	CU_ASSERT_STRING_EQUAL(found_note(&r, "py-0", "point3d", 1000, 1), "cell 0");
	CU_ASSERT_STRING_EQUAL(found_note(&r, "later", "slots", 5, 1), "added later");
	/* added without a name, named after a lookup */
	struct cell *unnamed = add_keyed(&r, NULL, "slots", 6, 1, "named late");
	size_t at = (size_t)(unnamed - r.cells);
	CU_ASSERT_STRING_EQUAL(found_note(&r, "late", "slots", 6, 1), "none");
	r.cells[at].interpreter = xstrdup("late");
	CU_ASSERT_STRING_EQUAL(found_note(&r, "late", "slots", 6, 1), "named late");
	/* sorted: every cell moved, every one found where it went */
	results_sort_cells(&r);
	wrong = 0;
	for (size_t i = 0; i < r.n_cells; i++) {
		const struct cell *c = &r.cells[i];
		const struct cell *f = results_find_cell(&r, c->interpreter, c->workload, c->count,
							 c->repeat);
		wrong += f != c && strcmp(c->note, "second copy");
	}
	CU_ASSERT_EQUAL(wrong, 0);
	/* cut to the first 100 and indexed again: the rest are not found */
	for (size_t i = 100; i < r.n_cells; i++)
		cell_release(&r.cells[i]);
	r.n_cells = 100;
	results_reindex(&r);
	const struct cell *last = &r.cells[99];
	CU_ASSERT_PTR_EQUAL(results_find_cell(&r, last->interpreter, last->workload, last->count,
					      last->repeat), last);
	CU_ASSERT_PTR_NULL(results_find_cell(&r, "later", "slots", 5, 1));
	/* no names: nothing, not a crash; a cell emptied in place is not found */
	CU_ASSERT_PTR_NULL(results_find_cell(&r, last->interpreter, NULL, last->count, 1));
	CU_ASSERT_PTR_NULL(results_find_cell(&r, NULL, last->workload, last->count, 1));
	struct cell *emptied = &r.cells[50];
	char *was_interp = xstrdup(emptied->interpreter), *was_wl = xstrdup(emptied->workload);
	uint64_t was_count = emptied->count;
	int was_repeat = emptied->repeat;
	cell_release(emptied);
	cell_init(emptied);
	CU_ASSERT_PTR_NULL(results_find_cell(&r, was_interp, was_wl, was_count, was_repeat));
	free(was_interp);
	free(was_wl);
	/* cut without results_reindex: fewer cells than were indexed, and no endless growth */
	for (size_t i = 10; i < r.n_cells; i++)
		cell_release(&r.cells[i]);
	r.n_cells = 10;
	const struct cell *tenth = &r.cells[9];
	CU_ASSERT_PTR_EQUAL(results_find_cell(&r, tenth->interpreter, tenth->workload,
					      tenth->count, tenth->repeat), tenth);
	CU_ASSERT_PTR_NULL(results_find_cell(&r, "py-0", "point3d", 999999, 1));
	results_release(&r);
	/* one key three times (one slot), all cut: once the growth wrapped and never ended */
	results_init(&r);
	for (int i = 0; i < 3; i++)
		add_keyed(&r, "py", "slots", 1000, 1, "again");
	CU_ASSERT_PTR_EQUAL(results_find_cell(&r, "py", "slots", 1000, 1), &r.cells[0]);
	for (size_t i = 0; i < r.n_cells; i++)
		cell_release(&r.cells[i]);
	r.n_cells = 0;
	CU_ASSERT_PTR_NULL(results_find_cell(&r, "py", "slots", 1000, 1));
	results_release(&r);
}

/* The small fixture's details, as written by hand. */
static void test_small_fixture(void)
{
	struct results r;
	results_init(&r);
	CU_ASSERT_EQUAL_FATAL(results_load(unit_fixture("results/small.json"), &r), 0);
	CU_ASSERT_STRING_EQUAL(r.label, "rev-abc123");
	CU_ASSERT_STRING_EQUAL(strvec_getenv(&r.interps[0].env, "PYTHONMALLOC"), "pymalloc");
	CU_ASSERT_EQUAL(r.interps[1].env.n, 0);
	CU_ASSERT_STRING_EQUAL(cJSON_GetStringValue(cJSON_GetObjectItem(r.interps[1].probe,
									"implementation")), "pypy");
	const struct cell *c = results_find_cell(&r, "pypy3.10", "slots", 100000, 2);
	CU_ASSERT_PTR_NOT_NULL_FATAL(c);
	CU_ASSERT_EQUAL(c->status, CELL_FAILED);
	CU_ASSERT(c->samples[PHASE_BASE].valid && !c->samples[PHASE_FULL].valid);
	CU_ASSERT_PTR_NOT_NULL(strstr(c->stderr_tail, "KeyboardInterrupt: caf\u00e9 "
				      "\u2018quoted\u2019 \\ tab\t\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(c->stderr_tail, "File \"workloads/agent.py\""));
	c = results_find_cell(&r, "cpython-3.12", "slots", 1000, 3);
	CU_ASSERT_PTR_NOT_NULL_FATAL(c);
	CU_ASSERT_EQUAL(c->status, CELL_SKIPPED);
	c = results_find_cell(&r, "cpython-3.12", "point3d", 100000, 1);
	CU_ASSERT_PTR_NOT_NULL_FATAL(c);
	CU_ASSERT_EQUAL(c->warnings.n, 1);
	CU_ASSERT_EQUAL(c->samples[PHASE_FULL].swap, 4096);
	c = results_find_cell(&r, "pypy3.10", "point3d", 1000, 1);
	CU_ASSERT_PTR_NOT_NULL_FATAL(c);
	CU_ASSERT_EQUAL(c->getsizeof, -1);
	CU_ASSERT_STRING_EQUAL(c->note, "getsizeof not available on PyPy");
	results_release(&r);
}

/* |a - b| small against b, for numbers the fixture's script computed */
static int json_close(const cJSON *a, const cJSON *b, const char *path)
{
	if (cJSON_IsNumber(a) && cJSON_IsNumber(b)) {
		double x = a->valuedouble, y = b->valuedouble;
		if (fabs(x - y) <= 1e-9 * (fabs(y) > 1 ? fabs(y) : 1))
			return 1;
		fprintf(stderr, "\n%s: %.17g, expected %.17g\n", path, x, y);
		return 0;
	}
	if ((a ? a->type & 0xFF : -1) != (b ? b->type & 0xFF : -1)) {
		fprintf(stderr, "\n%s: types differ\n", path);
		return 0;
	}
	if (cJSON_IsString(a))
		return !strcmp(a->valuestring, b->valuestring);
	if (cJSON_IsArray(a) || cJSON_IsObject(a)) {
		if (cJSON_GetArraySize(a) != cJSON_GetArraySize(b)) {
			fprintf(stderr, "\n%s: sizes differ\n", path);
			return 0;
		}
		const cJSON *x = a->child, *y = b->child;
		for (int i = 0; x && y; x = x->next, y = y->next, i++) {
			if (cJSON_IsObject(a) && strcmp(x->string, y->string)) {
				fprintf(stderr, "\n%s: key %s, expected %s\n", path, x->string, y->string);
				return 0;
			}
			char *sub = cJSON_IsObject(a) ? xasprintf("%s.%s", path, x->string)
						      : xasprintf("%s[%d]", path, i);
			int ok = json_close(x, y, sub);
			free(sub);
			if (!ok)
				return 0;
		}
	}
	return 1;
}

/* The summary and fits stats.c derives match those in the fixture, which
 * a separate script computed with exact fractions. */
static void test_small_summary(void)
{
	size_t len;
	char *text = unit_read_fixture("results/small.json", &len);
	cJSON *expect = cJSON_Parse(text);
	CU_ASSERT_PTR_NOT_NULL_FATAL(expect);
	struct results r;
	results_init(&r);
	CU_ASSERT_EQUAL_FATAL(results_parse(text, len, &r, "small.json"), 0);
	cJSON *got = results_to_json(&r);
	CU_ASSERT(json_close(cJSON_GetObjectItem(got, "summary"),
			     cJSON_GetObjectItem(expect, "summary"), "summary"));
	CU_ASSERT(json_close(cJSON_GetObjectItem(got, "fits"),
			     cJSON_GetObjectItem(expect, "fits"), "fits"));
	/* and the cells come back out as they went in */
	CU_ASSERT(json_close(cJSON_GetObjectItem(got, "cells"),
			     cJSON_GetObjectItem(expect, "cells"), "cells"));
	CU_ASSERT(json_close(cJSON_GetObjectItem(got, "interpreters"),
			     cJSON_GetObjectItem(expect, "interpreters"), "interpreters"));
	cJSON_Delete(got);
	cJSON_Delete(expect);
	free(text);
	results_release(&r);
}

/* A summary or fits that disagree with the cells are ignored, not trusted. */
static void test_summary_ignored(void)
{
	static const char text[] = "{\"schema\": \"objmem-results/1\", \"objmem_version\": \"0\", "
		"\"created\": null, \"interpreters\": [], \"cells\": [], "
		"\"summary\": \"not even an array\", \"fits\": [{\"slope\": \"x\"}]}";
	struct results r;
	results_init(&r);
	CU_ASSERT_EQUAL(results_parse(text, sizeof(text) - 1, &r, "s"), 0);
	results_release(&r);
}

/*
 * Adaptive repetitions: which rows two of their cells settle. A cell is
 * its growth from base to full in bytes (base owns 1 MB), -1 for a failed
 * cell; pages of 4096 bytes.
 */
static const struct settle_case {
	const char *what;
	int64_t grown[6];
	size_t n;
	int settled;
} settle_cases[] = {
	{ "two the same", { 400000, 400000 }, 2, 1 },
	{ "a page apart", { 400000, 404096 }, 2, 1 },
	{ "a page and a byte apart", { 400000, 404097 }, 2, 0 },
	{ "one cell", { 400000 }, 1, 0 },
	{ "none", { 0 }, 0, 0 },
	{ "the third agrees with the first", { 400000, 420000, 401000 }, 3, 1 },
	{ "three far apart", { 400000, 420000, 440000 }, 3, 0 },
	{ "a failed cell does not agree", { -1, 400000, -1 }, 3, 0 },
	{ "the first two failed: the row ends", { -1, -1 }, 2, 1 },
	{ "one failed, one ok: go on", { -1, 400000 }, 2, 0 },
	{ "two ok among failed ones", { -1, 400000, -1, 403000 }, 4, 1 },
	{ "shrinking rows agree too", { -8192, -8192 }, 2, 1 },
};

/*
 * results_sort_cells permutes in place: cells dealt in many orders (the
 * one order, reversed, shuffled) come back in the one order, each whole
 * (its pid says where it belongs, its names that nothing was mixed).
 */
static void test_sort_in_place(void)
{
	static const char *const interps[] = { "b", "a", "c" };   /* document order */
	static const char *const workloads[] = { "w2", "w1" };    /* config order */
	static const uint64_t counts[] = { 10, 1000, 100000 };
	enum { PER_I = 2 * 3 * 2, N = 3 * PER_I };
	static const unsigned seeds[] = { 0, 1, 2, 7, 12345, 99991 };   /* 0, 1: as is, reversed */
	for (size_t s = 0; s < ARRAY_SIZE(seeds); s++) {
		struct results r;
		results_init(&r);
		for (size_t i = 0; i < ARRAY_SIZE(interps); i++)
			results_add_interp(&r)->name = xstrdup(interps[i]);
		r.config.present = 1;
		for (size_t w = 0; w < ARRAY_SIZE(workloads); w++)
			strvec_push(&r.config.workloads, workloads[w]);
		int place[N];
		for (int k = 0; k < N; k++)
			place[k] = seeds[s] == 1 ? N - 1 - k : k;
		unsigned x = seeds[s];
		for (int k = N - 1; seeds[s] > 1 && k > 0; k--) {   /* Fisher-Yates, an LCG */
			x = x * 1103515245u + 12345u;
			int j = (int)((x >> 8) % (unsigned)(k + 1)), t = place[k];
			place[k] = place[j];
			place[j] = t;
		}
		for (int k = 0; k < N; k++) {
			int at = place[k];   /* its place in the one order */
			struct cell *c = results_add_cell(&r);
			c->interpreter = xstrdup(interps[at / PER_I]);
			c->workload = xstrdup(workloads[at / 6 % 2]);
			c->count = counts[at / 2 % 3];
			c->repeat = at % 2 + 1;
			c->pid = at;
		}
		results_sort_cells(&r);
		int wrong = 0;
		for (int k = 0; k < N; k++) {
			const struct cell *c = &r.cells[k];
			wrong += c->pid != k || strcmp(c->interpreter, interps[k / PER_I]) ||
				 strcmp(c->workload, workloads[k / 6 % 2]) ||
				 c->count != counts[k / 2 % 3] || c->repeat != k % 2 + 1;
		}
		CU_ASSERT_EQUAL(wrong, 0);
		CU_ASSERT_PTR_NOT_NULL(results_find_cell(&r, "c", "w1", 1000, 2));
		results_release(&r);
	}
}

static void test_row_settled(void)
{
	for (size_t i = 0; i < ARRAY_SIZE(settle_cases); i++) {
		const struct settle_case *k = &settle_cases[i];
		struct cell cells[6];
		const struct cell *row[6];
		for (size_t j = 0; j < k->n; j++) {
			cell_init(&cells[j]);
			cells[j].count = 10000;
			cells[j].status = k->grown[j] == -1 ? CELL_FAILED : CELL_OK;
			cells[j].samples[PHASE_BASE] = (struct mem_sample){ .valid = 1, .uss = 1 << 20 };
			cells[j].samples[PHASE_FULL] = (struct mem_sample){
				.valid = 1, .uss = (uint64_t)((1 << 20) + k->grown[j]) };
			row[j] = &cells[j];
		}
		int got = row_settled(row, k->n, 4096);
		if (got != k->settled)
			fprintf(stderr, "\n  %s: settled %d, expected %d", k->what, got, k->settled);
		CU_ASSERT_EQUAL(got, k->settled);
	}
}

static void test_config_adaptive(void)
{
	struct config c;
	config_init(&c);
	config_set_adaptive(&c);
	CU_ASSERT_EQUAL(c.repeat, REPEAT_AUTO_MAX);
	CU_ASSERT_EQUAL(c.repeat_min, REPEAT_AUTO_MIN);
	CU_ASSERT_PTR_NOT_NULL(c.repeat_rule);
	struct config copy;
	config_copy(&copy, &c);
	CU_ASSERT_STRING_EQUAL(copy.repeat_rule, c.repeat_rule);
	CU_ASSERT_PTR_NOT_EQUAL(copy.repeat_rule, c.repeat_rule);
	config_release(&copy);
	config_release(&c);
}

/*
 * results_cell_text writes a cell as cJSON prints one (compact, numbers
 * exact): parsing its text and printing the tree again gives the same
 * bytes, and the cell read back is the cell written. Cells of small.json,
 * and one with every byte from 1 to 255 in its strings.
 */
static void check_cell_text(const struct cell *c, int same_cell)
{
	struct buf text = BUF_INIT;
	results_cell_text(&text, c);
	cJSON *tree = cJSON_ParseWithLength(text.p, text.len);
	CU_ASSERT_PTR_NOT_NULL_FATAL(tree);
	char *again = json_print_exact(tree, 0);
	again[strlen(again) - 1] = 0; /* its newline */
	if (strcmp(again, text.p))
		fprintf(stderr, "\nwritten: %s\ncJSON:   %s\n", text.p, again);
	CU_ASSERT_STRING_EQUAL(again, text.p);
	cJSON_Delete(tree); /* printing made its numbers raw text: read a new one */
	tree = cJSON_ParseWithLength(text.p, text.len);
	struct cell back;
	cell_init(&back);
	CU_ASSERT_EQUAL(results_cell_from_json(tree, "t", "cell", &back), 0);
	CU_ASSERT((!back.stderr_tail || utf8_valid(back.stderr_tail)) &&
		  (!back.note || utf8_valid(back.note)));
	if (same_cell)
		CU_ASSERT_PTR_NULL(cell_diff(c, &back));
	cell_release(&back);
	free(again);
	cJSON_Delete(tree);
	buf_release(&text);
}

static void test_cell_text(void)
{
	struct results r;
	results_init(&r);
	CU_ASSERT_EQUAL_FATAL(results_load(unit_fixture("results/small.json"), &r), 0);
	for (size_t i = 0; i < r.n_cells; i++)
		check_cell_text(&r.cells[i], 1);
	char all[256];
	for (int i = 1; i < 256; i++)
		all[i - 1] = (char)i;
	all[255] = 0;
	struct cell c;
	cell_init(&c);
	c.interpreter = xstrdup("py");
	c.workload = xstrdup(all + 0x7e);
	c.count = 1;
	c.repeat = 1;
	c.stderr_tail = xstrdup(all);
	c.note = xstrdup(all + 0x20);
	c.reason = xstrdup("\"quoted\" \\ back\tslash\x7f");
	strvec_push(&c.warnings, all);
	strvec_push(&c.warnings, "");
	c.getsizeof = -1;
	c.wall_s = 0.1 + 0.2;
	check_cell_text(&c, 0);
	cell_release(&c);
	results_release(&r);
}

/*
 * The summary and fits lines results_format writes straight as text are
 * what cJSON prints for them (every line parsed and printed again), one
 * per row and fit, with the figures summary_compute gave.
 */
/* Every summary and fits line of r's text: what cJSON prints, with summary_compute's figures. */
static void check_summary_lines(struct results *r)
{
	size_t len;
	char *text = results_format(r, &len);
	struct summary s;
	summary_compute(r, &s);
	const char *const lists[] = { "\t\"summary\": [\n", "\t\"fits\": [\n" };
	size_t want[] = { s.n_rows, s.n_fits }, lines[2] = { 0, 0 }, wrong = 0;
	for (int l = 0; l < 2; l++) {
		const char *at = strstr(text, lists[l]);
		CU_ASSERT_PTR_NOT_NULL_FATAL(at);
		at += strlen(lists[l]);
		while (!strncmp(at, "\t\t{", 3)) {
			const char *end = strchr(at, '\n');
			size_t n = (size_t)(end - at) - 2 - (end[-1] == ',');
			cJSON *o = cJSON_ParseWithLength(at + 2, n);
			char *again = o ? json_print_exact(o, 0) : NULL;
			wrong += !again || strlen(again) != n + 1 || strncmp(again, at + 2, n);
			if (l == 0 && o && lines[0] < s.n_rows) {
				const struct summary_row *row = &s.rows[lines[0]];
				cJSON_Delete(o);
				o = cJSON_ParseWithLength(at + 2, n);
				const cJSON *bpo = cJSON_GetObjectItem(o, "bytes_per_object");
				wrong += strcmp(cJSON_GetObjectItem(o, "interpreter")->valuestring,
						row->interpreter) != 0;
				wrong += cJSON_GetObjectItem(o, "count")->valuedouble != (double)row->count;
				wrong += row->bytes_per_object.valid
					 ? cJSON_GetObjectItem(bpo, "median")->valuedouble !=
					   row->bytes_per_object.median
					 : !cJSON_IsNull(bpo);
			}
			cJSON_Delete(o);
			free(again);
			lines[l]++;
			at = end + 1;
		}
		CU_ASSERT_EQUAL(lines[l], want[l]);
	}
	CU_ASSERT_EQUAL(wrong, 0);
	summary_release(&s);
	free(text);
}

static void test_summary_text(void)
{
	static const char *const files[] = { "results/small.json", "results/cell-unusual.json",
					      "results/malloc-counted.json", "results/minimal.json" };
	for (size_t f = 0; f < ARRAY_SIZE(files); f++) {
		struct results r;
		results_init(&r);
		CU_ASSERT_EQUAL_FATAL(results_load(unit_fixture(files[f]), &r), 0);
		check_summary_lines(&r);
		results_release(&r);
	}
	/*
	 * a document large enough that its summary is computed on a thread
	 * while its cells' lines are written: small.json's cells again and
	 * again under new interpreter names, 2,000 cells and more
	 */
	struct results small, big;
	results_init(&small);
	results_init(&big);
	CU_ASSERT_EQUAL_FATAL(results_load(unit_fixture("results/small.json"), &small), 0);
	CU_ASSERT_FATAL(small.n_cells > 0);
	for (size_t k = 0; big.n_cells < 2500; k++)
		for (size_t i = 0; i < small.n_cells; i++) {
			struct cell *c = results_add_cell(&big);
			cell_copy(c, &small.cells[i]);
			free(c->interpreter);
			c->interpreter = xasprintf("build-%04zu", k);
		}
	check_summary_lines(&big);
	results_release(&big);
	results_release(&small);
}

/* n cells: small's again and again, each round under new interpreter names. */
static void fill_cells(struct results *big, const struct results *small, size_t n)
{
	for (size_t k = 0; big->n_cells < n; k++)
		for (size_t i = 0; i < small->n_cells && big->n_cells < n; i++) {
			struct cell *c = results_add_cell(big);
			cell_copy(c, &small->cells[i]);
			free(c->interpreter);
			c->interpreter = xasprintf("%s-%04zu", small->cells[i].interpreter, k);
		}
}

/* How many lines the list under key has in text (one item a line). */
static size_t list_lines(const char *text, const char *key)
{
	char open[64];
	snprintf(open, sizeof(open), "\t\"%s\": [", key);
	const char *at = strstr(text, open), *end = at ? strstr(at, "\n\t]") : NULL;
	size_t n = 0;
	if (at && at[strlen(open)] == ']')
		return 0;   /* "[]" */
	for (const char *p = at; p && end && (p = strstr(p, "\n\t\t{")) && p < end; p++)
		n++;
	return at && end ? n : (size_t)-1;
}

/*
 * The text is made in blocks of lines, by threads for a large document,
 * and handed to the file as it is made: with cells on either side of a
 * block's bounds (256 lines) and of the size that brings threads (2,000
 * cells), the file holds the bytes results_format gives, one line per
 * cell, row and fit, and reads back to the same text.
 */
static void test_blocks(void)
{
	static const size_t sizes[] = { 0, 1, 255, 256, 257, 1999, 2000, 2600 };
	struct results small;
	results_init(&small);
	CU_ASSERT_EQUAL_FATAL(results_load(unit_fixture("results/small.json"), &small), 0);
	char *dir = unit_tmpdir();
	char *path = xasprintf("%s/blocks.json", dir);
	for (size_t i = 0; i < ARRAY_SIZE(sizes); i++) {
		struct results big, back;
		results_init(&big);
		results_init(&back);
		fill_cells(&big, &small, sizes[i]);
		size_t len;
		char *text = results_format(&big, &len);
		CU_ASSERT_EQUAL(strlen(text), len);
		CU_ASSERT_EQUAL(results_write(&big, path), 0);
		struct buf file = BUF_INIT;
		CU_ASSERT_EQUAL(read_file(path, 1 << 26, &file), 0);
		CU_ASSERT(file.len == len && !memcmp(file.p, text, len));
		struct summary s;
		summary_compute(&big, &s);
		CU_ASSERT_EQUAL(list_lines(text, "cells"), sizes[i]);
		CU_ASSERT_EQUAL(list_lines(text, "summary"), s.n_rows);
		CU_ASSERT_EQUAL(list_lines(text, "fits"), s.n_fits);
		CU_ASSERT_EQUAL(results_parse(text, len, &back, "blocks"), 0);
		size_t len2;
		char *again = results_format(&back, &len2);
		CU_ASSERT(len2 == len && !memcmp(again, text, len));
		free(again);
		summary_release(&s);
		buf_release(&file);
		free(text);
		results_release(&back);
		results_release(&big);
	}
	free(path);
	unit_rmtree(dir);
	free(dir);
	results_release(&small);
}

/* text with every from made to, in a new string. */
static char *replaced(const char *text, const char *from, const char *to, int all)
{
	struct buf b = BUF_INIT;
	const char *at = text;
	for (const char *hit; (hit = strstr(at, from)); at = hit + strlen(from)) {
		buf_add(&b, at, (size_t)(hit - at));
		buf_addstr(&b, to);
		if (!all) {
			at = hit + strlen(from);
			break;
		}
	}
	buf_addstr(&b, at);
	return buf_detach(&b);
}

/*
 * The quick reader takes a cell to end where its line does (objmem writes
 * one a line) and checks that guess cell by cell: a file laid out
 * otherwise, by hand or by another tool, reads as the file objmem wrote.
 */
static void test_layouts(void)
{
	struct results r;
	results_init(&r);
	CU_ASSERT_EQUAL_FATAL(results_load(unit_fixture("results/small.json"), &r), 0);
	CU_ASSERT_FATAL(r.n_cells >= 3);
	size_t len;
	char *canon = results_format(&r, &len);
	cJSON *doc = cJSON_Parse(canon);
	CU_ASSERT_PTR_NOT_NULL_FATAL(doc);
	const struct {
		const char *what;
		char *text;
	} cases[] = {
		{ "as objmem writes it", xstrdup(canon) },
		{ "compact, one line", json_print_exact(doc, 0) },
		{ "indented, a field a line", json_print_exact(doc, 1) },
		{ "two cells on a line", replaced(canon, "},\n\t\t{", "}, {", 0) },
		{ "every cell on one line", replaced(canon, "},\n\t\t{", "},{", 1) },
		{ "CR LF line ends", replaced(canon, "\n", "\r\n", 1) },
		{ "spaces after the commas", replaced(canon, "},\n", "},  \t\n", 1) },
		{ "the last cell and ']' on a line", replaced(canon, "}\n\t],\n\t\"summary\"",
							    "}],\n\t\"summary\"", 0) },
		{ "a comma on the next line", replaced(canon, "},\n\t\t{", "}\n\t\t,{", 1) },
	};
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct results back;
		results_init(&back);
		size_t n = strlen(cases[i].text), len2 = 0;
		int rc = results_parse(cases[i].text, n, &back, cases[i].what);
		char *again = rc ? NULL : results_format(&back, &len2);
		if (!again || len2 != len || memcmp(again, canon, len))
			fprintf(stderr, "\n  %s: not read as the file objmem wrote\n", cases[i].what);
		CU_ASSERT(again && len2 == len && !memcmp(again, canon, len));
		free(again);
		free(cases[i].text);
		results_release(&back);
	}
	cJSON_Delete(doc);
	free(canon);
	results_release(&r);
}

/*
 * written.json is small.json as the build before the text writers wrote it
 * (objmem merge, through cJSON trees): read and written again, every byte
 * is the same, so no field moved, no key changed and no number printed
 * otherwise.
 */
static void test_written_golden(void)
{
	const char *path = unit_fixture("results/written.json");
	struct buf want = BUF_INIT;
	CU_ASSERT_EQUAL_FATAL(read_file(path, 1 << 20, &want), 0);
	struct results r;
	results_init(&r);
	CU_ASSERT_EQUAL_FATAL(results_load(path, &r), 0);
	CU_ASSERT(r.n_cells > 0);
	size_t len;
	char *text = results_format(&r, &len);
	CU_ASSERT_EQUAL(len, want.len);
	CU_ASSERT(len == want.len && !memcmp(text, want.p, len));
	free(text);
	results_release(&r);
	buf_release(&want);
}

static const struct unit_test write_tests[] = {
	{ "a cell's text is what cJSON prints", test_cell_text },
	{ "summary and fits lines are what cJSON prints", test_summary_text },
	{ "a file written before, written again: the same bytes", test_written_golden },
	{ "written in blocks: the same bytes at every bound", test_blocks },
	{ "cJSON number printing", test_cjson_number_printing },
	{ "written text: exact numbers, escapes", test_write_text },
	{ "field names", test_field_names },
	{ "null for what was not measured", test_nulls },
	{ "invalid UTF-8 in child text", test_utf8 },
	{ "write errors", test_write_errors },
};

static const struct unit_test read_tests[] = {
	{ "round trip of every field", test_round_trip },
	{ "round trip of an empty document", test_round_trip_empty },
	{ "fixture files", test_fixtures },
	{ "other layouts of a file read as objmem's", test_layouts },
	{ "results_load", test_load },
	{ "parse errors", test_parse_table },
	{ "NaN and infinities in a document built in memory", test_tree_numbers },
	{ "byte order mark", test_parse_bom },
	{ "optional fields", test_minimal_defaults },
	{ "small fixture", test_small_fixture },
	{ "cells found by key", test_cell_index },
	{ "small fixture summary", test_small_summary },
	{ "summary and fits ignored on reading", test_summary_ignored },
	{ "cells sorted in place", test_sort_in_place },
};

static const struct unit_test repeat_tests[] = {
	{ "row_settled: two cells within a page", test_row_settled },
	{ "config_set_adaptive", test_config_adaptive },
};

static const struct unit_suite suites[] = {
	UNIT_SUITE("results write", write_tests),
	UNIT_SUITE("results read", read_tests),
	UNIT_SUITE("adaptive repetitions", repeat_tests),
};

int main(int argc, char **argv)
{
	(void)argc;
	return unit_main(argv[0], suites, ARRAY_SIZE(suites));
}
