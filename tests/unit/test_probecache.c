/*
 * test_probecache.c - probecache.c: which interpreters get a key, what
 * changes it (a table of changes to argv, environment, executable, the
 * script it runs and agent), and kept probes read back only under their whole key.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "probecache.h"
#include "unit.h"

struct world {
	char *tmp, *exe, *script, *saved_cache;
	struct catalog cat;
	struct interp in;
};

static void write_text(const char *path, const char *text, mode_t mode)
{
	FILE *f = fopen(path, "w");
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	fputs(text, f);
	fclose(f);
	chmod(path, mode);
}

static void enter(struct world *w)
{
	memset(w, 0, sizeof(*w));
	w->tmp = unit_tmpdir();
	char *cache = xasprintf("%s/cache", w->tmp), *wl = xasprintf("%s/workloads", w->tmp);
	const char *c = getenv("OBJMEM_CACHE");
	w->saved_cache = c ? xstrdup(c) : NULL;
	setenv("OBJMEM_CACHE", cache, 1);
	mkdir(wl, 0755);
	char *a = xasprintf("%s/agent.py", wl), *o = xasprintf("%s/_objmem.py", wl);
	char *m = xasprintf("%s/_agent.py", wl);
	write_text(a, "# agent\n", 0644);
	write_text(m, "# _agent\n", 0644);
	write_text(o, "# _objmem\n", 0644);
	free(m);
	/* an ELF file of our own: the first bytes are what counts */
	w->exe = xasprintf("%s/python", w->tmp);
	write_text(w->exe, "\x7f" "ELF....", 0755);
	/* a script the executable runs, as Pyodide's python.mjs under node */
	w->script = xasprintf("%s/python.mjs", w->tmp);
	write_text(w->script, "// shim\n", 0644);
	w->cat.srcdir = w->tmp;
	interp_init(&w->in);
	w->in.name = xstrdup("py");
	strvec_push(&w->in.argv, w->exe);
	strvec_push(&w->in.argv, w->script);
	free(a);
	free(o);
	free(wl);
	free(cache);
}

static void leave(struct world *w)
{
	interp_release(&w->in);
	if (w->saved_cache)
		setenv("OBJMEM_CACHE", w->saved_cache, 1);
	else
		unsetenv("OBJMEM_CACHE");
	free(w->saved_cache);
	unit_rmtree(w->tmp);
	free(w->tmp);
	free(w->exe);
	free(w->script);
}

enum change { ARGV, ENV, TOUCH, SCRIPT, AGENT, AGENT_BODY, NOTHING };

static const struct change_case {
	const char *what;
	enum change change;
	int same;
} changes[] = {
	{ "nothing changed", NOTHING, 1 },
	{ "another argument", ARGV, 0 },
	{ "the definition's environment", ENV, 0 },
	{ "the executable touched", TOUCH, 0 },
	{ "the script it runs rewritten", SCRIPT, 0 },
	{ "the agent edited (_objmem.py)", AGENT, 0 },
	{ "the agent edited (_agent.py)", AGENT_BODY, 0 },
};

static void apply(struct world *w, enum change c)
{
	char *path;
	struct timespec ts[2] = { { 0, UTIME_NOW }, { 0, UTIME_NOW } };
	switch (c) {
	case ARGV: strvec_push(&w->in.argv, "-X"); break;
	case ENV: strvec_push(&w->in.env, "PYTHONMALLOC=malloc"); break;
	case TOUCH:
		ts[1] = (struct timespec){ 12345, 0 };   /* another modification time */
		CU_ASSERT_EQUAL(utimensat(AT_FDCWD, w->exe, ts, 0), 0);
		break;
	case SCRIPT:
		write_text(w->script, "// shim, provisioned again\n", 0644);
		break;
	case AGENT:
		path = xasprintf("%s/workloads/_objmem.py", w->tmp);
		write_text(path, "# _objmem, edited\n", 0644);
		free(path);
		break;
	case AGENT_BODY:
		path = xasprintf("%s/workloads/_agent.py", w->tmp);
		write_text(path, "# _agent, edited\n", 0644);
		free(path);
		break;
	case NOTHING: break;
	}
}

static void test_key_changes(void)
{
	for (size_t i = 0; i < ARRAY_SIZE(changes); i++) {
		struct world w;
		enter(&w);
		char *before = probecache_key(&w.cat, &w.in);
		CU_ASSERT_PTR_NOT_NULL(before);
		apply(&w, changes[i].change);
		char *after = probecache_key(&w.cat, &w.in);
		CU_ASSERT_PTR_NOT_NULL(after);
		int same = before && after && !strcmp(before, after);
		if (same != changes[i].same)
			fprintf(stderr, "\n  %s: the key %s", changes[i].what,
				same ? "stayed" : "changed");
		CU_ASSERT_EQUAL(same, changes[i].same);
		free(before);
		free(after);
		leave(&w);
	}
}

static void test_not_kept(void)
{
	struct world w;
	enter(&w);
	write_text(w.exe, "#!/bin/sh\nexec python3 \"$@\"\n", 0755);
	CU_ASSERT_PTR_NULL(probecache_key(&w.cat, &w.in));   /* a script */
	free(w.in.argv.v[0]);
	w.in.argv.v[0] = xasprintf("%s/missing", w.tmp);
	CU_ASSERT_PTR_NULL(probecache_key(&w.cat, &w.in));   /* no file */
	free(w.in.argv.v[0]);
	w.in.argv.v[0] = xstrdup(w.tmp);
	CU_ASSERT_PTR_NULL(probecache_key(&w.cat, &w.in));   /* a directory */
	leave(&w);
}

static void test_round_trip(void)
{
	struct world w;
	enter(&w);
	char *key = probecache_key(&w.cat, &w.in);
	CU_ASSERT_PTR_NULL(probecache_get(key));
	cJSON *probe = cJSON_Parse("{\"implementation\": \"cpython\", \"version\": \"3.12.1\"}");
	probecache_put(key, probe);
	cJSON *got = probecache_get(key);
	CU_ASSERT(got && cJSON_Compare(got, probe, 1));
	cJSON_Delete(got);
	/* another key never reads it, even one that differs in a byte */
	key[strlen(key) - 2] ^= 1;
	CU_ASSERT_PTR_NULL(probecache_get(key));
	cJSON_Delete(probe);
	free(key);
	leave(&w);
}

static void test_views_key(void)
{
	struct world w;
	enter(&w);
	char *wl = xasprintf("%s/workloads/point3d.py", w.tmp);
	write_text(wl, "def setup(): pass\n", 0644);
	struct strvec params = STRVEC_INIT;
	char *a = probecache_views_key(&w.cat, &w.in, wl, &params);
	strvec_push(&params, "alphabet=01");
	char *b = probecache_views_key(&w.cat, &w.in, wl, &params);
	char *helper = xasprintf("%s/workloads/_routes.py", w.tmp);
	write_text(helper, "# routes\n", 0644);
	char *c = probecache_views_key(&w.cat, &w.in, wl, &params);
	char *p = probecache_key(&w.cat, &w.in);
	CU_ASSERT(a && b && c && p);
	if (a && b && c && p) {
		CU_ASSERT(strcmp(a, b) != 0);       /* a parameter */
		CU_ASSERT(strcmp(b, c) != 0);       /* a helper module of workloads/ */
		CU_ASSERT(strcmp(a, p) != 0);       /* never a probe's */
		CU_ASSERT(!strncmp(a, p, strlen(p)));   /* and the build's key in it */
	}
	free(a);
	free(b);
	free(c);
	free(p);
	free(helper);
	free(wl);
	strvec_clear(&params);
	leave(&w);
}

static const struct unit_test tests[] = {
	{ "views: parameters and helpers change the key", test_views_key },
	{ "what changes the key", test_key_changes },
	{ "scripts, missing files and directories get no key", test_not_kept },
	{ "kept and read back under the whole key", test_round_trip },
};

static const struct unit_suite suites[] = {
	UNIT_SUITE("probecache", tests),
};

int main(int argc, char **argv)
{
	(void)argc;
	return unit_main(argv[0], suites, ARRAY_SIZE(suites));
}
