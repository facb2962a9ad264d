/*
 * test_views.c - views.c: what one request costs under each allocator a
 * CPython build can have (pymalloc by version, its debug hooks, glibc
 * malloc, a 32-bit dlmalloc (wasm32), mimalloc; the builds it does not model
 * say so); the allocator's
 * figure of a view's requested blocks; the "views" of a results document
 * checked (tests/fixtures/views/), found, replaced and merged.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "unit.h"
#include "views.h"

static cJSON *probe_of(const char *impl, const char *version, const char *allocator)
{
	cJSON *p = cJSON_CreateObject();
	cJSON_AddStringToObject(p, "implementation", impl);
	cJSON_AddStringToObject(p, "version", version);
	if (allocator)
		cJSON_AddStringToObject(p, "allocator", allocator);
	return p;
}

/* One request under one build: what it costs, pool headers shared out. */
static const struct {
	const char *impl, *version, *allocator;
	double request, cost;
	int pointer_bits;        /* 0: not said (64-bit) */
} costs[] = {
	/* pymalloc 3.10+: 16-byte steps, 16 KiB pools of (16384 - 48) / size blocks */
	{ "cpython", "3.11.7", "pymalloc", 56, 16384.0 / 255, 0 },
	{ "cpython", "3.11.7", "pymalloc", 40, 16384.0 / 340, 0 },
	{ "cpython", "3.12.1", "pymalloc", 1, 16384.0 / 1021, 0 },
	{ "cpython", "3.12.1", "pymalloc", 512, 16384.0 / 31, 0 },
	{ "cpython", "3.12.1", "pymalloc", 513, 528, 0 },          /* past 512: glibc */
	/* 3.8 and 3.9: 16-byte steps, 4 KiB pools */
	{ "cpython", "3.8.18", "pymalloc", 56, 4096.0 / 63, 0 },
	/* before 3.8, unless the view measured otherwise: 8-byte steps */
	{ "cpython", "3.7.16", "pymalloc", 56, 4096.0 / 72, 0 },
	{ "cpython", "3.7.16", "pymalloc", 52, 4096.0 / 72, 0 },
	{ "cpython", "2.7.18", "pymalloc", 256, 4096.0 / 15, 0 },
	{ "cpython", "2.7.18", "pymalloc", 280, 4096.0 / 14, 0 },
	{ "cpython", "2.7.18", "pymalloc", 520, 528, 0 },
	/* the debug hooks: 24 bytes more per request, then pymalloc */
	{ "cpython", "3.13.15", "pymalloc-debug", 56, 16384.0 / 204, 0 },
	{ "cpython", "3.11.2", "malloc-debug", 56, 80 + 16, 0 },
	/* glibc: an 8-byte header, 16-byte steps, 32 at least */
	{ "cpython", "3.13.15", "malloc", 24, 32, 0 },
	{ "cpython", "3.13.15", "malloc", 56, 64, 0 },
	{ "cpython", "3.13.15", "malloc", 57, 80, 0 },
	{ "cpython", "3.13.15", "malloc", 88, 96, 0 },
	/* a 32-bit malloc (Pyodide's emscripten dlmalloc): a 4-byte header,
	 * 8-byte steps, 16 at least; the same names on 64 bits are glibc's */
	{ "cpython", "3.14.2", "malloc", 8, 16, 32 },
	{ "cpython", "3.14.2", "malloc", 28, 32, 32 },
	{ "cpython", "3.14.2", "malloc", 29, 40, 32 },
	{ "cpython", "3.14.2", "malloc", 48, 56, 32 },
	{ "cpython", "3.14.2", "malloc", 48, 64, 64 },
	/* mimalloc: 16-byte steps to 64, then four bins per doubling */
	{ "cpython", "3.13.15", "mimalloc", 8, 16, 0 },
	{ "cpython", "3.13.15", "mimalloc", 52, 64, 0 },
	{ "cpython", "3.13.15", "mimalloc", 72, 80, 0 },
	{ "cpython", "3.13.15", "mimalloc", 96, 96, 0 },
	{ "cpython", "3.13.15", "mimalloc", 130, 160, 0 },
	{ "cpython", "3.13.15", "mimalloc", 257, 320, 0 },
	/* not modelled */
	{ "pypy", "3.9.16", "pypy-gc", 56, -1, 0 },
	{ "micropython", "3.4.0", "unknown", 56, -1, 0 },
	{ "cpython", "3.12.1", NULL, 56, -1, 0 },
};

static void test_costs(void)
{
	for (size_t i = 0; i < ARRAY_SIZE(costs); i++) {
		cJSON *p = probe_of(costs[i].impl, costs[i].version, costs[i].allocator);
		if (costs[i].pointer_bits)
			cJSON_AddNumberToObject(p, "pointer_bits", costs[i].pointer_bits);
		double c = views_block_cost(p, NULL, costs[i].request);
		if (fabs(c - costs[i].cost) > 1e-9)
			fprintf(stderr, "\n%s %s %s %.0f: %.4f, expected %.4f\n", costs[i].impl,
				costs[i].version, costs[i].allocator ? costs[i].allocator : "-",
				costs[i].request, c, costs[i].cost);
		CU_ASSERT_DOUBLE_EQUAL(c, costs[i].cost, 1e-9);
		cJSON_Delete(p);
	}
}

/* The step a view measured (bpo-27987 backported: 16 on 3.7.16) wins over the version's. */
static void test_measured_step(void)
{
	cJSON *p = probe_of("cpython", "3.7.16", "pymalloc");
	cJSON *v = cJSON_CreateObject();
	CU_ASSERT_DOUBLE_EQUAL(views_block_cost(p, v, 72), 4096.0 / 56, 1e-9);
	cJSON_AddNumberToObject(v, "size_class_step", 16);
	CU_ASSERT_DOUBLE_EQUAL(views_block_cost(p, v, 72), 4096.0 / 50, 1e-9);
	cJSON_ReplaceItemInObject(v, "size_class_step", cJSON_CreateNumber(12));  /* not a step */
	CU_ASSERT_DOUBLE_EQUAL(views_block_cost(p, v, 72), 4096.0 / 56, 1e-9);
	cJSON_Delete(v);
	cJSON_Delete(p);
}

static void test_allocator_figure(void)
{
	char *text = unit_read_fixture("views/good.json", NULL);
	cJSON *views = cJSON_Parse(text);
	free(text);
	CU_ASSERT_PTR_NOT_NULL_FATAL(views);
	const cJSON *py = cJSON_GetArrayItem(views, 0), *pypy = cJSON_GetArrayItem(views, 1);
	cJSON *p = probe_of("cpython", "3.11.7", "pymalloc");
	double bytes = 0;
	struct buf how = BUF_INIT;
	const char *why = NULL;
	CU_ASSERT_EQUAL(views_allocator(p, py, &bytes, &how, &why), 0);
	/* 0.999 x 40 -> 16384/340 and 1.001 x 56 -> 16384/255 */
	CU_ASSERT_DOUBLE_EQUAL(bytes, 0.999 * 16384 / 340 + 1.001 * 16384 / 255, 1e-9);
	CU_ASSERT_PTR_NOT_NULL(strstr(how.p, "pymalloc (16-byte steps, 16 KiB pools)"));
	CU_ASSERT_PTR_NOT_NULL(strstr(how.p, "56->64.3"));
	buf_release(&how);
	/* PyPy: not modelled, and said */
	cJSON *pp = probe_of("pypy", "3.9.16", "pypy-gc");
	CU_ASSERT_EQUAL(views_allocator(pp, pypy, &bytes, &how, &why), -1);
	CU_ASSERT_PTR_NOT_NULL(why);
	buf_release(&how);
	/* a CPython view without requested blocks */
	why = NULL;
	CU_ASSERT_EQUAL(views_allocator(p, pypy, &bytes, &how, &why), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(why, "no requested blocks"));
	buf_release(&how);
	/* a view's numbers, and why one is missing */
	double v;
	CU_ASSERT_EQUAL(views_number(py, "deep", &v, NULL), 0);
	CU_ASSERT_DOUBLE_EQUAL(v, 56, 0);
	CU_ASSERT_EQUAL(views_number(pypy, "shallow", &v, &why), -1);
	CU_ASSERT_STRING_EQUAL(why, "sys.getsizeof raises TypeError on PyPy");
	cJSON_Delete(p);
	cJSON_Delete(pp);
	cJSON_Delete(views);
}

static const struct {
	const char *file;
	const char *msg;   /* fragment of the error; NULL: accepted */
} checks[] = {
	{ "good.json", NULL },
	{ "not-array.json", "views: expected an array" },
	{ "negative.json", "views[0].shallow: expected a whole number >= 0 or null" },
	{ "fraction.json", "views[0].deep: expected a whole number >= 0 or null" },
	{ "short-pair.json", "views[0].requested_blocks: expected pairs" },
	{ "lacks-number.json", "views[0].lacks: expected an object of reasons (strings)" },
	{ "no-workload.json", "views[0].workload: expected a string" },
	{ "duplicate.json", "views[1]: a second view of py / w (the first is views[0])" },
	{ "huge.json", "views[0].requested: expected a number >= 0 or null" },
};

static void test_check(void)
{
	for (size_t i = 0; i < ARRAY_SIZE(checks); i++) {
		char *rel = xasprintf("views/%s", checks[i].file);
		char *text = unit_read_fixture(rel, NULL);
		cJSON *doc = cJSON_Parse(text);
		CU_ASSERT_PTR_NOT_NULL_FATAL(doc);
		unit_stderr_begin();
		int rc = views_check(doc, checks[i].file);
		char *err = unit_stderr_end();
		if (checks[i].msg) {
			CU_ASSERT_EQUAL(rc, -1);
			if (!strstr(err, checks[i].msg))
				fprintf(stderr, "\n%s: %s\n", checks[i].file, err);
			CU_ASSERT_PTR_NOT_NULL(strstr(err, checks[i].msg));
		} else {
			CU_ASSERT_EQUAL(rc, 0);
			CU_ASSERT_STRING_EQUAL(err, "");
		}
		free(err);
		cJSON_Delete(doc);
		free(text);
		free(rel);
	}
}

static cJSON *view_of(const char *workload, double deep)
{
	cJSON *v = cJSON_CreateObject();
	cJSON_AddStringToObject(v, "workload", workload);
	cJSON_AddNumberToObject(v, "deep", deep);
	return v;
}

static void test_put_find_merge(void)
{
	struct results a, b;
	results_init(&a);
	results_init(&b);
	CU_ASSERT_PTR_NULL(views_find(&a, "py", "w"));
	views_put(&a, "py", view_of("w", 1));
	views_put(&a, "py", view_of("v", 2));
	views_put(&a, "py", view_of("w", 3));   /* replaces the first */
	CU_ASSERT_EQUAL(cJSON_GetArraySize(a.views), 2);
	double d;
	CU_ASSERT_EQUAL(views_number(views_find(&a, "py", "w"), "deep", &d, NULL), 0);
	CU_ASSERT_DOUBLE_EQUAL(d, 3, 0);
	views_put(&b, "py", view_of("w", 9));
	views_put(&b, "other", view_of("w", 4));
	views_merge(&a, &b);                    /* the first input's view stays */
	CU_ASSERT_EQUAL(cJSON_GetArraySize(a.views), 3);
	CU_ASSERT_EQUAL(views_number(views_find(&a, "py", "w"), "deep", &d, NULL), 0);
	CU_ASSERT_DOUBLE_EQUAL(d, 3, 0);
	CU_ASSERT_PTR_NOT_NULL(views_find(&a, "other", "w"));
	CU_ASSERT_EQUAL(views_check(a.views, "merged"), 0);
	results_release(&a);
	results_release(&b);
}

static const struct unit_test tests[] = {
	{ "one request under each allocator", test_costs },
	{ "the size-class step the view measured", test_measured_step },
	{ "the allocator's figure of a view", test_allocator_figure },
	{ "views of a results document checked", test_check },
	{ "put, find, merge", test_put_find_merge },
};

int main(int argc, char **argv)
{
	(void)argc;
	const struct unit_suite suites[] = { UNIT_SUITE("views", tests) };
	return unit_main(argv[0], suites, 1);
}
