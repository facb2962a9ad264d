/*
 * fuzz_defs - interpreter definition files (catalog_parse_defs in catalog.c,
 * json_parse_flags in jsonutil.c): one object or an array of them, with
 * the duplicate-key, unknown-key, name, argv, env and tags checks, into a zeroed catalog
 * that catalog_release must free entirely.
 *
 * Checked: on success at least one definition, each with a name, an argv
 * whose argv[0] is not empty, and "KEY=VALUE" env entries.
 *
 * catalog_load_def_file hands the parser a buffer from read_file, which is
 * NUL-terminated; so does this target (FUZZ_DEFS_EXACT=1 in the environment
 * gives the parser exactly len bytes instead; see fuzz/README.md).
 */
#include <string.h>

#include "catalog.h"
#include "fuzz.h"

static int exact;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	fuzz_quiet();
	const char *e = getenv("FUZZ_DEFS_EXACT");
	exact = e && *e == '1';
	/* spawn_which looks argv[0] up on PATH: keep that lookup small and fixed */
	setenv("PATH", "/usr/bin:/bin", 1);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct catalog cat;
	const char *text = (const char *)data;
	char *copy = NULL;

	if (!exact) {
		copy = xstrndup(text, size); /* copies all size bytes, NULs too */
		text = copy;
	}
	memset(&cat, 0, sizeof(cat));
	if (!catalog_parse_defs(&cat, text, size, "fuzz.json")) {
		FUZZ_CHECK(cat.n_defs >= 1);
		for (size_t i = 0; i < cat.n_defs; i++) {
			const struct def *d = &cat.defs[i];
			FUZZ_CHECK(d->in.name && *d->in.name && d->description);
			FUZZ_CHECK(d->in.argv.n >= 1 && *d->in.argv.v[0]);
			FUZZ_CHECK(d->in.argv.v[d->in.argv.n] == NULL);
			for (size_t j = 0; j < d->in.env.n; j++)
				FUZZ_CHECK(strchr(d->in.env.v[j], '=') > d->in.env.v[j]);
			FUZZ_CHECK(catalog_def(&cat, d->in.name) != NULL);
		}
	}
	catalog_release(&cat);
	free(copy);
	return 0;
}
