/* test_probe.c - what the driver makes of a probe: names and summaries of
 * real probes captured from each kind of build (tests/fixtures/probe/);
 * the labels people read (probe_label, probe_labels' collisions) and the
 * colour families of the figures, from a table. */
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
	{ "pypy-3.11.11.json", "pypy3.11-7.3.19", "pypy 3.11.11, 64-bit, pypy-gc" },
	{ "pyodide-3.14.2.json", "cpython-3.14.2-wasm32", "cpython 3.14.2, 32-bit wasm32, malloc" },
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

/* ---- labels and families ---- */

static const struct label_case {
	const char *probe;      /* JSON, or NULL for none */
	const char *env;        /* "NAME=value" or NULL */
	const char *label;      /* NULL: none */
	int family;
} label_cases[] = {
	{ "{\"implementation\":\"cpython\",\"version\":\"3.12.1\",\"allocator\":\"pymalloc\"}",
	  NULL, "CPython 3.12.1", 1 },
	{ "{\"implementation\":\"cpython\",\"version\":\"3.13.15\",\"gil_disabled\":true,"
	  "\"allocator\":\"mimalloc\"}", NULL, "CPython 3.13.15 free-threaded", 4 },
	{ "{\"implementation\":\"cpython\",\"version\":\"3.13.15\",\"gil_disabled\":true,"
	  "\"gil_enabled_at_runtime\":true,\"allocator\":\"mimalloc\"}", NULL,
	  "CPython 3.13.15 free-threaded, GIL on", 4 },
	{ "{\"implementation\":\"cpython\",\"version\":\"3.11.2\",\"debug\":true,"
	  "\"allocator\":\"pymalloc-debug\"}", NULL, "CPython 3.11.2 debug", 5 },
	/* the build's own allocator, said explicitly, is not worth saying */
	{ "{\"implementation\":\"cpython\",\"version\":\"3.11.2\",\"debug\":true,"
	  "\"allocator\":\"pymalloc-debug\"}", "PYTHONMALLOC=pymalloc_debug",
	  "CPython 3.11.2 debug", 5 },
	{ "{\"implementation\":\"cpython\",\"version\":\"3.12.1\",\"allocator\":\"pymalloc\"}",
	  "PYTHONMALLOC=pymalloc", "CPython 3.12.1", 1 },
	{ "{\"implementation\":\"cpython\",\"version\":\"3.12.1\",\"allocator\":\"malloc\"}",
	  "PYTHONMALLOC=malloc", "CPython 3.12.1, PYTHONMALLOC=malloc", 6 },
	{ "{\"implementation\":\"cpython\",\"version\":\"3.12.1\",\"allocator\":\"malloc\"}",
	  NULL, "CPython 3.12.1, without pymalloc", 6 },
	{ "{\"implementation\":\"pypy\",\"version\":\"3.9.16\",\"implementation_version\":"
	  "\"7.3.11\",\"allocator\":\"pypy-gc\"}", NULL, "PyPy 7.3.11 (3.9)", 2 },
	{ "{\"implementation\":\"micropython\",\"version\":\"3.4.0\",\"implementation_version\":"
	  "\"1.26.1\"}", NULL, "MicroPython 1.26.1", 3 },
	{ "{\"implementation\":\"graalpy\",\"version\":\"3.11.7\"}", NULL, "GraalPy 3.11.7", 7 },
	/* Pyodide: its release first; a probe from before that field says wasm32 */
	{ "{\"implementation\":\"cpython\",\"version\":\"3.14.2\",\"allocator\":\"malloc\","
	  "\"machine\":\"wasm32\",\"pyodide\":\"314.0.8\"}", NULL,
	  "Pyodide 314.0.8 (CPython 3.14.2, wasm32)", 7 },
	{ "{\"implementation\":\"cpython\",\"version\":\"3.14.2\",\"allocator\":\"malloc\","
	  "\"machine\":\"wasm32\"}", NULL, "CPython 3.14.2 on wasm32, without pymalloc", 7 },
	{ "{}", NULL, "Python ?", 7 },
	{ NULL, NULL, NULL, 7 },
};

static void test_labels(void)
{
	for (size_t i = 0; i < ARRAY_SIZE(label_cases); i++) {
		const struct label_case *lc = &label_cases[i];
		cJSON *probe = lc->probe ? cJSON_Parse(lc->probe) : NULL;
		CU_ASSERT_FATAL(!lc->probe || probe);
		struct strvec env = STRVEC_INIT;
		if (lc->env)
			strvec_push(&env, lc->env);
		char *label = probe_label(probe, &env);
		int ok = lc->label ? label && !strcmp(label, lc->label) : !label;
		if (!ok)
			fprintf(stderr, "\nlabel of %s: '%s', want '%s'\n", lc->probe ? lc->probe : "NULL",
				label ? label : "(none)", lc->label ? lc->label : "(none)");
		CU_ASSERT(ok);
		CU_ASSERT_EQUAL(probe_family(probe), lc->family);
		free(label);
		strvec_clear(&env);
		cJSON_Delete(probe);
	}
}

/* Two builds that read the same get their definition's name; others do not. */
static void test_label_collisions(void)
{
	static const char *const p312 =
		"{\"implementation\":\"cpython\",\"version\":\"3.12.1\",\"allocator\":\"pymalloc\"}";
	static const char *const names[] = { "sys-3.12", "pyenv-3.12", "pypy", "unprobed" };
	const char *probes[] = { p312, p312, "{\"implementation\":\"pypy\",\"version\":\"3.9.16\","
				 "\"implementation_version\":\"7.3.11\"}", NULL };
	static const char *const want[] = { "CPython 3.12.1 (sys-3.12)", "CPython 3.12.1 (pyenv-3.12)",
					    "PyPy 7.3.11 (3.9)", "unprobed" };
	struct results r;
	results_init(&r);
	for (size_t i = 0; i < ARRAY_SIZE(names); i++) {
		struct interp *in = results_add_interp(&r);
		in->name = xstrdup(names[i]);
		in->probe = probes[i] ? cJSON_Parse(probes[i]) : NULL;
	}
	char **labels = probe_labels(&r, names, ARRAY_SIZE(names));
	for (size_t i = 0; i < ARRAY_SIZE(names); i++) {
		if (strcmp(labels[i], want[i]))
			fprintf(stderr, "\nlabel %zu: '%s', want '%s'\n", i, labels[i], want[i]);
		CU_ASSERT_STRING_EQUAL(labels[i], want[i]);
	}
	probe_labels_free(labels, ARRAY_SIZE(names));
	results_release(&r);
}

static const struct unit_test tests[] = {
	{ "names of real probes", test_probe_names },
	{ "free-threaded and debug suffixes", test_probe_flags },
	{ "labels and families, from a table", test_labels },
	{ "labels that would read the same", test_label_collisions },
};

int main(int argc, char **argv)
{
	(void)argc;
	const struct unit_suite suites[] = { UNIT_SUITE("probe", tests) };
	return unit_main(argv[0], suites, 1);
}
