/*
 * test_pyperf.c - pyperf.c on results/small.json: one benchmark per row
 * with an ok repetition, named INTERPRETER/WORKLOAD/COUNT, unit byte, one
 * run per ok repetition whose value is that cell's bytes per object; failed
 * and skipped cells and figures of 0 or less left out (and counted); -n
 * keeps one count; a file with nothing left is an error. The whole suite
 * is checked against pyperf's loader rules in tests/e2e/show-export.sh.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jsonutil.h"
#include "pyperf.h"
#include "results.h"
#include "unit.h"
#include "util.h"

/* The suite of r printed and parsed back; NULL when pyperf_print failed. */
static cJSON *suite(const struct results *r, uint64_t count, char **err)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	unit_stderr_begin();
	int rc = pyperf_print(f, r, count);
	*err = unit_stderr_end();
	fclose(f);
	cJSON *doc = rc ? NULL : cJSON_Parse(text);
	free(text);
	return doc;
}

static const cJSON *bench(const cJSON *doc, const char *name)
{
	const cJSON *b;
	cJSON_ArrayForEach(b, cJSON_GetObjectItem(doc, "benchmarks")) {
		const cJSON *n = cJSON_GetObjectItem(cJSON_GetObjectItem(b, "metadata"), "name");
		if (cJSON_IsString(n) && !strcmp(n->valuestring, name))
			return b;
	}
	return NULL;
}

/* What each benchmark of small.json must hold: its ok cells' figures, in order. */
static const struct want {
	const char *name;
	int runs;
} wants[] = {
	{ "cpython-3.12/point3d/1000", 3 },
	{ "cpython-3.12/point3d/100000", 3 },
	{ "cpython-3.12/slots/1000", -1 },     /* see the test: as many as ok cells > 0 */
	{ "pypy3.10/slots/100000", -1 },
};

static void test_small(void)
{
	struct results r;
	results_init(&r);
	CU_ASSERT_EQUAL_FATAL(results_load(unit_fixture("results/small.json"), &r), 0);
	char *err;
	cJSON *doc = suite(&r, 0, &err);
	CU_ASSERT_PTR_NOT_NULL_FATAL(doc);
	CU_ASSERT_STRING_EQUAL(cJSON_GetObjectItem(doc, "version")->valuestring, "1.0");
	for (size_t i = 0; i < ARRAY_SIZE(wants); i++) {
		const cJSON *b = bench(doc, wants[i].name);
		CU_ASSERT_PTR_NOT_NULL_FATAL(b);
		const cJSON *meta = cJSON_GetObjectItem(b, "metadata");
		CU_ASSERT_STRING_EQUAL(cJSON_GetObjectItem(meta, "unit")->valuestring, "byte");
		/* every run is an ok cell of the row, its value that cell's figure */
		size_t ok = 0;
		for (size_t k = 0; k < r.n_cells; k++) {
			const struct cell *c = &r.cells[k];
			char name[256];
			double bpo;
			snprintf(name, sizeof(name), "%s/%s/%llu", c->interpreter, c->workload,
				 (unsigned long long)c->count);
			if (strcmp(name, wants[i].name) || c->status != CELL_OK ||
			    cell_bytes_per_object(c, &bpo) || !(bpo > 0))
				continue;
			const cJSON *run = cJSON_GetArrayItem(cJSON_GetObjectItem(b, "runs"), (int)ok++);
			CU_ASSERT_PTR_NOT_NULL_FATAL(run);
			const cJSON *v = cJSON_GetObjectItem(run, "values");
			CU_ASSERT_EQUAL(cJSON_GetArraySize(v), 1);
			CU_ASSERT_DOUBLE_EQUAL(cJSON_GetArrayItem(v, 0)->valuedouble, bpo, 1e-9);
		}
		CU_ASSERT_EQUAL(cJSON_GetArraySize(cJSON_GetObjectItem(b, "runs")), (int)ok);
		if (wants[i].runs >= 0)
			CU_ASSERT_EQUAL((int)ok, wants[i].runs);
	}
	cJSON_Delete(doc);
	free(err);

	/* one count: no other count's benchmark */
	doc = suite(&r, 1000, &err);
	CU_ASSERT_PTR_NOT_NULL_FATAL(doc);
	CU_ASSERT_PTR_NULL(bench(doc, "cpython-3.12/point3d/100000"));
	CU_ASSERT_PTR_NOT_NULL(bench(doc, "cpython-3.12/point3d/1000"));
	cJSON_Delete(doc);
	free(err);

	/* nothing ok: an error that says so */
	for (size_t k = 0; k < r.n_cells; k++)
		r.cells[k].status = CELL_FAILED;
	doc = suite(&r, 0, &err);
	CU_ASSERT_PTR_NULL(doc);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "pyperf: nothing to export"));
	free(err);
	results_release(&r);
}

/* A figure of 0 or less: left out, and counted on stderr. */
static void test_left_out(void)
{
	struct results r;
	results_init(&r);
	CU_ASSERT_EQUAL_FATAL(results_load(unit_fixture("results/small.json"), &r), 0);
	struct cell *c = NULL;
	for (size_t k = 0; k < r.n_cells && !c; k++)
		if (r.cells[k].status == CELL_OK)
			c = &r.cells[k];
	CU_ASSERT_PTR_NOT_NULL_FATAL(c);
	c->samples[PHASE_FULL].uss = c->samples[PHASE_BASE].uss; /* no growth: 0 B/object */
	c->samples[PHASE_FULL].private_clean = c->samples[PHASE_BASE].private_clean;
	char *err;
	cJSON *doc = suite(&r, 0, &err);
	CU_ASSERT_PTR_NOT_NULL(doc);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "1 repetition left out"));
	cJSON_Delete(doc);
	free(err);
	results_release(&r);
}

static const struct unit_test tests[] = {
	{ "small.json as a pyperf suite", test_small },
	{ "figures of 0 or less left out", test_left_out },
};

int main(int argc, char **argv)
{
	(void)argc;
	static const struct unit_suite suites[] = { UNIT_SUITE("pyperf", tests) };
	return unit_main(argv[0], suites, ARRAY_SIZE(suites));
}
