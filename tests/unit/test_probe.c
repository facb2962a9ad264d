/* test_probe.c - what the driver makes of a probe: names and summaries of
 * real probes captured from each kind of build (tests/fixtures/probe/). */
#include <stdlib.h>
#include <string.h>

#include "probe.h"
#include "unit.h"

static const struct {
	const char *file;
	const char *name;
	const char *summary;
} probe_cases[] = {
	{ "cpython-2.7.18.json", "cpython-2.7.18", "cpython 2.7.18, 64-bit, pymalloc" },
	{ "cpython-3.11.2.json", "cpython-3.11.2", "cpython 3.11.2, 64-bit, pymalloc" },
	{ "cpython-3.11.2d.json", "cpython-3.11.2d", "cpython 3.11.2, 64-bit, pymalloc-debug, debug" },
	{ "cpython-3.12.1.json", "cpython-3.12.1", "cpython 3.12.1, 64-bit, pymalloc" },
	{ "pypy-2.7.18.json", "pypy2.7-7.3.3", "pypy 2.7.18, 64-bit, pypy-gc" },
	{ "pypy-3.9.16.json", "pypy3.9-7.3.11", "pypy 3.9.16, 64-bit, pypy-gc" },
};

static void test_probe_names(void)
{
	for (size_t i = 0; i < sizeof(probe_cases) / sizeof(probe_cases[0]); i++) {
		char *rel = xasprintf("probe/%s", probe_cases[i].file);
		size_t len;
		char *text = unit_read_fixture(rel, &len);
		cJSON *probe = cJSON_Parse(text);
		CU_ASSERT_PTR_NOT_NULL_FATAL(probe);
		char *name = probe_name(probe);
		char *sum = probe_summary(probe);
		CU_ASSERT_STRING_EQUAL(name, probe_cases[i].name);
		CU_ASSERT_STRING_EQUAL(sum, probe_cases[i].summary);
		/* every probe has the fields the results schema promises */
		static const char *const keys[] = { "implementation", "version", "pointer_bits",
						    "debug", "allocator", "gil_disabled" };
		for (size_t k = 0; k < sizeof(keys) / sizeof(keys[0]); k++)
			CU_ASSERT_PTR_NOT_NULL(cJSON_GetObjectItemCaseSensitive(probe, keys[k]));
		free(name);
		free(sum);
		cJSON_Delete(probe);
		free(text);
		free(rel);
	}
}

static void test_probe_flags(void)
{
	cJSON *p = cJSON_Parse("{\"implementation\":\"cpython\",\"version\":\"3.13.0\","
			       "\"gil_disabled\":true,\"debug\":true}");
	char *name = probe_name(p);
	CU_ASSERT_STRING_EQUAL(name, "cpython-3.13.0td");
	free(name);
	cJSON_Delete(p);
	p = cJSON_Parse("{}");
	name = probe_name(p);
	CU_ASSERT_STRING_EQUAL(name, "python-unknown");
	free(name);
	cJSON_Delete(p);
}

static const struct unit_test tests[] = {
	{ "names of real probes", test_probe_names },
	{ "free-threaded and debug suffixes", test_probe_flags },
};

int main(int argc, char **argv)
{
	(void)argc;
	const struct unit_suite suites[] = { UNIT_SUITE("probe", tests) };
	return unit_main(argv[0], suites, 1);
}
