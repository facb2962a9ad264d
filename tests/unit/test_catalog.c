/* test_config.c - interpreter definitions: valid files load, every kind of
 * bad file is refused with a message that names the file and the problem. */
#include <stdlib.h>
#include <string.h>

#include "catalog.h"
#include "unit.h"

static const struct {
	const char *file;
	int ok;
	size_t n_defs;
	const char *msg; /* fragment of the error */
} def_cases[] = {
	{ "good.json", 1, 1, NULL },
	{ "list.json", 1, 2, NULL },
	{ "unknown-key.json", 0, 0, "'colour': unknown key" },
	{ "empty-argv.json", 0, 0, "'argv': must not be empty" },
	{ "argv-string.json", 0, 0, "'argv': expected an array of strings" },
	{ "env-number.json", 0, 0, "'env'" },
	{ "duplicate.json", 0, 0, "'dup' is already defined" },
	{ "truncated.json", 0, 0, "unexpected end of file" },
	{ "syntax.json", 0, 0, "syntax.json:2:" },
	{ "bad-name.json", 0, 0, "'name': use 1 to 64 letters" },
	{ "empty.json", 0, 0, "the file is empty" },
	{ "empty-list.json", 0, 0, "empty array" },
	{ "no-name.json", 0, 0, "'name': missing" },
};

static void test_def_files(void)
{
	for (size_t i = 0; i < sizeof(def_cases) / sizeof(def_cases[0]); i++) {
		struct catalog cat;
		memset(&cat, 0, sizeof(cat));
		char *rel = xasprintf("config/%s", def_cases[i].file);
		unit_stderr_begin();
		int rc = catalog_load_def_file(&cat, unit_fixture(rel));
		char *err = unit_stderr_end();
		if (def_cases[i].ok) {
			CU_ASSERT_EQUAL(rc, 0);
			CU_ASSERT_EQUAL(cat.n_defs, def_cases[i].n_defs);
			CU_ASSERT_STRING_EQUAL(err, "");
		} else {
			CU_ASSERT_EQUAL(rc, -1);
			if (!strstr(err, def_cases[i].msg))
				fprintf(stdout, "\n%s: message '%s' lacks '%s'\n", def_cases[i].file, err,
					def_cases[i].msg);
			CU_ASSERT_PTR_NOT_NULL(strstr(err, def_cases[i].msg));
			CU_ASSERT_PTR_NOT_NULL(strstr(err, def_cases[i].file));
		}
		free(err);
		free(rel);
		catalog_release(&cat);
	}
}

static void test_good_fields(void)
{
	struct catalog cat;
	memset(&cat, 0, sizeof(cat));
	CU_ASSERT_EQUAL_FATAL(catalog_load_def_file(&cat, unit_fixture("config/good.json")), 0);
	const struct def *d = catalog_def(&cat, "good");
	CU_ASSERT_PTR_NOT_NULL_FATAL(d);
	CU_ASSERT_STRING_EQUAL(d->in.argv.v[0], "python3");
	CU_ASSERT_STRING_EQUAL(strvec_getenv(&d->in.env, "PYTHONMALLOC"), "malloc");
	CU_ASSERT_STRING_EQUAL(d->in.tags.v[0], "cpython");
	CU_ASSERT_PTR_NULL(catalog_def(&cat, "bad"));
	catalog_release(&cat);
}

static void test_child_env(void)
{
	struct interp in;
	interp_init(&in);
	strvec_setenv(&in.env, "PYTHONMALLOC", "malloc");
	setenv("PYTHONPATH", "/somewhere", 1);
	setenv("OBJMEM_TEST_KEEP", "x", 1);
	setenv("KEEP_ME", "yes", 1);
	struct strvec env = STRVEC_INIT;
	config_child_env(&in, &env);
	CU_ASSERT_PTR_NULL(strvec_getenv(&env, "PYTHONPATH"));
	CU_ASSERT_STRING_EQUAL(strvec_getenv(&env, "PYTHONMALLOC"), "malloc");
	CU_ASSERT_STRING_EQUAL(strvec_getenv(&env, "KEEP_ME"), "yes");
	CU_ASSERT_PTR_NOT_NULL(strvec_getenv(&env, "OBJMEM_CACHE"));
	/* a fixed hash seed, unless the definition sets one */
	CU_ASSERT_STRING_EQUAL(strvec_getenv(&env, "PYTHONHASHSEED"), "0");
	strvec_clear(&env);
	strvec_setenv(&in.env, "PYTHONHASHSEED", "random");
	config_child_env(&in, &env);
	CU_ASSERT_STRING_EQUAL(strvec_getenv(&env, "PYTHONHASHSEED"), "random");
	strvec_clear(&env);
	interp_release(&in);
}

static void test_suggest(void)
{
	struct catalog cat;
	memset(&cat, 0, sizeof(cat));
	CU_ASSERT_EQUAL_FATAL(catalog_load_def_file(&cat, unit_fixture("config/list.json")), 0);
	CU_ASSERT_PTR_NULL(catalog_suggest(&cat, "zzzzzzzz", 0));
	const char *s = catalog_suggest(&cat, "c", 0);
	CU_ASSERT_PTR_NOT_NULL(s);
	catalog_release(&cat);
}

static const struct unit_test tests[] = {
	{ "definition files", test_def_files },
	{ "definition fields", test_good_fields },
	{ "child environment", test_child_env },
	{ "suggestions", test_suggest },
};

int main(int argc, char **argv)
{
	(void)argc;
	const struct unit_suite suites[] = { UNIT_SUITE("config", tests) };
	return unit_main(argv[0], suites, 1);
}
