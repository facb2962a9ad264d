/*
 * test_cellscan.c - cellscan.c, the quick reader of a cell, against the
 * full reader of results_json.c and the strict scanner of jsonutil.c: from
 * a table of cell texts, each one it must take (and then read exactly as
 * the full reader does, field by field, -0.0 apart from 0.0) or leave to
 * the full reader (and then leave the cell as cell_init made it), texts
 * that are not JSON among them; then every cell of every results file in
 * the tree, as written there. Never taken where the text is not JSON or the
 * full reader refuses it; equal where taken; every cell of the committed
 * samples taken.
 */
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cellscan.h"
#include "jsonutil.h"
#include "results.h"
#include "util.h"
#include "unit.h"

/* The full reader's cell of text: 0, or -1 (its message swallowed). */
static int full_read(const char *text, size_t len, struct cell *c)
{
	cell_init(c);
	cJSON *o = cJSON_ParseWithLength(text, len);
	if (!o)
		return -1;
	unit_stderr_begin();
	int rc = results_cell_from_json(o, "test", "cells[0]", c);
	free(unit_stderr_end());
	cJSON_Delete(o);
	return rc;
}

/* Check one cell text; 1 when the quick reader took it. */
static int check_cell(const char *label, const char *text, size_t len)
{
	struct cell full, quick;
	int full_rc = full_read(text, len, &full);
	cell_init(&quick);
	int taken = cellscan_read(text, len, &quick);
	const char *diff = NULL;
	if (taken) {
		unit_stderr_begin();
		cJSON *strict = json_parse_located(text, len, label);
		free(unit_stderr_end());
		if (!strict) {
			fprintf(stderr, "%s: taken, but it is not JSON\n", label);
			CU_FAIL("taken where the text is not JSON");
		}
		cJSON_Delete(strict);
		if (full_rc) {
			fprintf(stderr, "%s: taken, but the full reader refuses it\n", label);
			CU_FAIL("taken where the full reader refuses");
		} else if ((diff = cell_diff(&full, &quick))) {
			fprintf(stderr, "%s: %s differs\n", label, diff);
			CU_FAIL("read differently");
		}
	} else {
		struct cell blank;
		cell_init(&blank);
		if ((diff = cell_diff(&blank, &quick)) || quick.samples[0].valid) {
			fprintf(stderr, "%s: not taken, but %s was left set\n", label, diff);
			CU_FAIL("not taken, cell not left blank");
		}
		cell_release(&blank);
	}
	cell_release(&full);
	cell_release(&quick);
	return taken;
}

#define HEAD "\"interpreter\": \"cpython-3.12\", \"workload\": \"point3d\", \"count\": 1000, " \
	     "\"repeat\": 1, \"status\": \"ok\""
#define SAMPLE "{\"rss\": 1, \"pss\": 2, \"uss\": 3, \"anon\": 4, \"swap\": 0}"

static const struct {
	const char *name, *text;
	int taken;
} cases[] = {
	{ "the five required fields", "{" HEAD "}", 1 },
	{ "spaces and newlines everywhere",
	  " {\n\t\"count\" :\r\n 7 , \"repeat\":2,\"status\":\"failed\",\"workload\":\"w\","
	  "\"interpreter\":\"i\" } ", 1 },
	{ "a whole cell", "{" HEAD ", \"reason\": null, \"getsizeof\": 56, \"container_bytes\": 8056,"
	  " \"samples\": {\"start\": " SAMPLE ", \"base\": " SAMPLE ", \"full\": " SAMPLE
	  ", \"freed\": null}, \"peak\": {\"vm_hwm\": 9, \"rss_anon_max\": 8, \"polls\": 10},"
	  " \"malloc\": {\"base\": {\"in_use\": 5, \"free\": 6}, \"full\": {\"in_use\": 7, \"free\": 0}},"
	  " \"wall_s\": 1.5, \"pid\": 1000, \"warnings\": [\"a\", \"b\"], \"stderr_tail\": null,"
	  " \"note\": \"n\"}", 1 },
	{ "private_clean given", "{" HEAD ", \"samples\": {\"base\": {\"rss\": 1, \"pss\": 2, \"uss\": 3,"
	  " \"anon\": 4, \"swap\": 0, \"private_clean\": 123456789012345}}}", 1 },
	{ "keys in another order, unknown keys of every scalar kind",
	  "{\"x\": false, \"status\": \"skipped\", \"y\": true, \"z\": -1.5e3,"
	  " \"repeat\": 3, \"count\": 10, \"workload\": \"w\", \"interpreter\": \"i\", \"w\": \"\\\"\"}", 1 },
	{ "an unknown key holding an object", "{\"x\": {\"a\": [1, {\"b\": \"}\"}]}, " HEAD "}", 0 },
	{ "an unknown key holding an array", "{" HEAD ", \"x\": []}", 0 },
	{ "unknown scalar keys inside samples and peak",
	  "{" HEAD ", \"samples\": {\"later\": 1, \"base\": {\"rss\": 1, \"more\": null, \"pss\": 2,"
	  " \"uss\": 3, \"anon\": 4, \"swap\": 0}}, \"peak\": {\"vm_hwm\": 1, \"rss_anon_max\": 2,"
	  " \"polls\": 0, \"x\": \"y\"}}", 1 },
	{ "an unknown phase holding an array", "{" HEAD ", \"samples\": {\"later\": [1]}}", 0 },
	{ "an unknown key in a sample holding an object", "{" HEAD ", \"samples\": {\"base\": "
	  "{\"rss\": 1, \"more\": {}, \"pss\": 2, \"uss\": 3, \"anon\": 4, \"swap\": 0}}}", 0 },
	/* not JSON: never taken (the full way names the mistake) */
	{ "a control character in a string", "{" HEAD ", \"note\": \"a\tb\"}", 0 },
	{ "an invalid escape", "{" HEAD ", \"note\": \"a\\xb\"}", 0 },
	{ "a \\u with 3 hex digits", "{" HEAD ", \"note\": \"\\u00e\"}", 0 },
	{ "a string not closed", "{" HEAD ", \"note\": \"abc}", 0 },
	{ "a leading zero", "{" HEAD ", \"pid\": 01}", 0 },
	{ "a number ending in a point", "{" HEAD ", \"wall_s\": 1.}", 0 },
	{ "a point with no digit before", "{" HEAD ", \"wall_s\": .5}", 0 },
	{ "a lone minus", "{" HEAD ", \"pid\": -}", 0 },
	{ "an exponent without digits", "{" HEAD ", \"wall_s\": 1e}", 0 },
	{ "a plus sign", "{" HEAD ", \"pid\": +1}", 0 },
	{ "tru", "{" HEAD ", \"x\": tru}", 0 },
	{ "nul", "{" HEAD ", \"note\": nul}", 0 },
	{ "True", "{" HEAD ", \"x\": True}", 0 },
	{ "a trailing comma", "{" HEAD ",}", 0 },
	{ "a trailing comma in warnings", "{" HEAD ", \"warnings\": [\"a\",]}", 0 },
	{ "no comma between keys", "{" HEAD " \"note\": null}", 0 },
	{ "no colon", "{" HEAD ", \"note\" null}", 0 },
	{ "a single-quoted string", "{" HEAD ", \"note\": 'x'}", 0 },
	{ "text after the object", "{" HEAD "} x", 0 },
	{ "a vertical tab as space", "{" HEAD ",\v\"note\": null}", 0 },
	{ "the object not closed", "{" HEAD, 0 },
	{ "wall_s with decimals", "{" HEAD ", \"wall_s\": 0.1}", 1 },
	{ "wall_s of 15 digits", "{" HEAD ", \"wall_s\": 12345.6789012345}", 1 },
	{ "wall_s of 0.000000000000001", "{" HEAD ", \"wall_s\": 0.000000000000001}", 1 },
	{ "wall_s -0.0", "{" HEAD ", \"wall_s\": -0.0}", 1 },
	{ "wall_s of 16 digits", "{" HEAD ", \"wall_s\": 1.234567890123456}", 1 },
	{ "wall_s of 17 digits, as objmem writes it", "{" HEAD ", \"wall_s\": 0.8238140430003114}", 1 },
	{ "wall_s halfway between two doubles",
	  "{" HEAD ", \"wall_s\": 9007199254740993}", 1 },
	{ "wall_s with an exponent", "{" HEAD ", \"wall_s\": 15e-1}", 1 },
	{ "wall_s 1e400", "{" HEAD ", \"wall_s\": 1e400}", 0 },
	{ "wall_s of 64 characters", "{" HEAD ", \"wall_s\": "
	  "1.00000000000000000000000000000000000000000000000000000000000001}", 0 },
	{ "wall_s negative", "{" HEAD ", \"wall_s\": -1}", 0 },
	{ "count 1.0", "{\"interpreter\": \"i\", \"workload\": \"w\", \"count\": 1.0, \"repeat\": 1,"
	  " \"status\": \"ok\"}", 1 },
	{ "count 1.5", "{\"interpreter\": \"i\", \"workload\": \"w\", \"count\": 1.5, \"repeat\": 1,"
	  " \"status\": \"ok\"}", 0 },
	{ "count 0", "{\"interpreter\": \"i\", \"workload\": \"w\", \"count\": 0, \"repeat\": 1,"
	  " \"status\": \"ok\"}", 0 },
	{ "count of 16 digits", "{\"interpreter\": \"i\", \"workload\": \"w\","
	  " \"count\": 1000000000000000, \"repeat\": 1, \"status\": \"ok\"}", 1 },
	{ "count 2^53", "{\"interpreter\": \"i\", \"workload\": \"w\","
	  " \"count\": 9007199254740992, \"repeat\": 1, \"status\": \"ok\"}", 1 },
	{ "count 2^53 + 2", "{\"interpreter\": \"i\", \"workload\": \"w\","
	  " \"count\": 9007199254740994, \"repeat\": 1, \"status\": \"ok\"}", 0 },
	{ "count 1e3", "{\"interpreter\": \"i\", \"workload\": \"w\", \"count\": 1e3, \"repeat\": 1,"
	  " \"status\": \"ok\"}", 1 },
	{ "count 1e308", "{\"interpreter\": \"i\", \"workload\": \"w\", \"count\": 1e308,"
	  " \"repeat\": 1, \"status\": \"ok\"}", 0 },
	{ "count as a string", "{\"interpreter\": \"i\", \"workload\": \"w\", \"count\": \"1\","
	  " \"repeat\": 1, \"status\": \"ok\"}", 0 },
	{ "repeat past INT_MAX", "{\"interpreter\": \"i\", \"workload\": \"w\", \"count\": 1,"
	  " \"repeat\": 2147483648, \"status\": \"ok\"}", 0 },
	{ "getsizeof -1 and null container", "{" HEAD ", \"getsizeof\": -1, \"container_bytes\": null}", 1 },
	{ "getsizeof -2", "{" HEAD ", \"getsizeof\": -2}", 0 },
	{ "container_bytes -1", "{" HEAD ", \"container_bytes\": -1}", 0 },
	{ "pid past INT_MAX", "{" HEAD ", \"pid\": 2147483648}", 0 },
	{ "polls past UINT_MAX", "{" HEAD ", \"peak\": {\"vm_hwm\": 1, \"rss_anon_max\": 2,"
	  " \"polls\": 4294967296}}", 0 },
	{ "polls at UINT_MAX", "{" HEAD ", \"peak\": {\"vm_hwm\": 1, \"rss_anon_max\": 2,"
	  " \"polls\": 4294967295}}", 1 },
	{ "peak without polls", "{" HEAD ", \"peak\": {\"vm_hwm\": 1, \"rss_anon_max\": 2}}", 0 },
	{ "a sample without swap", "{" HEAD ", \"samples\": {\"base\": {\"rss\": 1, \"pss\": 2,"
	  " \"uss\": 3, \"anon\": 4}}}", 0 },
	{ "private_clean null", "{" HEAD ", \"samples\": {\"base\": {\"rss\": 1, \"pss\": 2, \"uss\": 3,"
	  " \"anon\": 4, \"swap\": 0, \"private_clean\": null}}}", 0 },
	{ "a phase as an array", "{" HEAD ", \"samples\": {\"base\": []}}", 0 },
	{ "samples as an array", "{" HEAD ", \"samples\": []}", 0 },
	{ "malloc with base only", "{" HEAD ", \"malloc\": {\"base\": {\"in_use\": 1, \"free\": 2}}}", 0 },
	{ "malloc with full null", "{" HEAD ", \"malloc\": {\"base\": {\"in_use\": 1, \"free\": 2},"
	  " \"full\": null}}", 0 },
	{ "malloc negative", "{" HEAD ", \"malloc\": {\"base\": {\"in_use\": -1, \"free\": 2},"
	  " \"full\": {\"in_use\": 1, \"free\": 2}}}", 0 },
	{ "status unknown", "{\"interpreter\": \"i\", \"workload\": \"w\", \"count\": 1, \"repeat\": 1,"
	  " \"status\": \"fine\"}", 0 },
	{ "status pending", "{\"interpreter\": \"i\", \"workload\": \"w\", \"count\": 1, \"repeat\": 1,"
	  " \"status\": \"pending\"}", 1 },
	{ "no status", "{\"interpreter\": \"i\", \"workload\": \"w\", \"count\": 1, \"repeat\": 1}", 0 },
	{ "no interpreter", "{\"workload\": \"w\", \"count\": 1, \"repeat\": 1, \"status\": \"ok\"}", 0 },
	{ "an empty name", "{\"interpreter\": \"\", \"workload\": \"w\", \"count\": 1, \"repeat\": 1,"
	  " \"status\": \"ok\"}", 0 },
	{ "a name that is not UTF-8", "{\"interpreter\": \"a\xff\", \"workload\": \"w\", \"count\": 1,"
	  " \"repeat\": 1, \"status\": \"ok\"}", 0 },
	{ "a name in UTF-8", "{\"interpreter\": \"caf\xc3\xa9\", \"workload\": \"w\", \"count\": 1,"
	  " \"repeat\": 1, \"status\": \"ok\"}", 1 },
	{ "simple escapes in the strings", "{" HEAD ", \"stderr_tail\": \"a\\nb\\t\\\"c\\\\d\\/e\\b\\f\\r\","
	  " \"warnings\": [\"x\\ny\"], \"note\": \"\\\\\"}", 1 },
	{ "a \\u escape", "{" HEAD ", \"note\": \"\\u00e9\"}", 0 },
	{ "a key with an escape", "{" HEAD ", \"no\\u0074e\": \"x\"}", 0 },
	{ "a key given twice", "{" HEAD ", \"note\": \"a\", \"note\": \"b\"}", 0 },
	{ "a phase given twice", "{" HEAD ", \"samples\": {\"base\": " SAMPLE ", \"base\": null}}", 0 },
	{ "an unknown key given twice", "{" HEAD ", \"x\": 1, \"x\": 2}", 1 },
	{ "warnings empty", "{" HEAD ", \"warnings\": []}", 1 },
	{ "warnings with a number", "{" HEAD ", \"warnings\": [\"a\", 1]}", 0 },
	{ "reason a number", "{" HEAD ", \"reason\": 1}", 0 },
	{ "note true", "{" HEAD ", \"note\": true}", 0 },
	{ "the cell an array", "[1, 2]", 0 },
	{ "the cell a string", "\"cell\"", 0 },
	{ "an empty object", "{}", 0 },
};

static void test_table(void)
{
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		int taken = check_cell(cases[i].name, cases[i].text, strlen(cases[i].text));
		if (taken != cases[i].taken)
			fprintf(stderr, "%s: taken %d, expected %d\n", cases[i].name, taken,
				cases[i].taken);
		CU_ASSERT_EQUAL(taken, cases[i].taken);
	}
}

/* Every cell of the files matching pattern (relative to the source tree), as written. */
static void check_files(const char *pattern, size_t *n_cells, size_t *n_taken)
{
	static const char *const cut[] = { "cells", NULL };
	const char *src = getenv("OBJMEM_SRCDIR");
	char *full = xasprintf("%s/%s", src ? src : ".", pattern);
	glob_t g;
	*n_cells = *n_taken = 0;
	if (glob(full, 0, NULL, &g)) {
		free(full);
		CU_FAIL("no results files found");
		return;
	}
	for (size_t f = 0; f < g.gl_pathc; f++) {
		struct buf b = BUF_INIT;
		if (read_file(g.gl_pathv[f], 1UL << 30, &b))
			continue;
		struct json_span *elems;
		size_t n;
		unit_stderr_begin();
		cJSON *doc = json_parse_split(b.p, b.len, g.gl_pathv[f], cut, &elems, &n);
		free(unit_stderr_end());
		for (size_t i = 0; doc && i < n; i++) {
			char *label = xasprintf("%s: cells[%zu]", g.gl_pathv[f], i);
			*n_taken += (size_t)check_cell(label, b.p + elems[i].start,
						       elems[i].end - elems[i].start);
			(*n_cells)++;
			free(label);
		}
		if (doc)
			free(elems);
		cJSON_Delete(doc);
		buf_release(&b);
	}
	globfree(&g);
	free(full);
}

static void test_fixtures(void)
{
	size_t cells, taken;
	check_files("tests/fixtures/results/*.json", &cells, &taken);
	CU_ASSERT(cells > 0);
}

/* What objmem wrote is all of the common shape: the quick way is the way taken. */
static void test_samples_all_taken(void)
{
	size_t cells, taken;
	check_files("results/sample/*.json", &cells, &taken);
	CU_ASSERT(cells >= 1000);
	CU_ASSERT_EQUAL(taken, cells);
}

static const struct unit_test tests[] = {
	{ "a table of cells", test_table },
	{ "every cell of the fixtures", test_fixtures },
	{ "every cell of the samples taken", test_samples_all_taken },
};

static const struct unit_suite suites[] = {
	UNIT_SUITE("cellscan", tests),
};

int main(int argc, char **argv)
{
	(void)argc;
	return unit_main(argv[0], suites, ARRAY_SIZE(suites));
}
