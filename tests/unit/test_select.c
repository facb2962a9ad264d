/*
 * test_select.c - select.c: select_identity (executable, arguments and
 * environment in any order make one identity; any of them different, two),
 * and select_interpreters over a catalog whose definitions are written
 * here, with the system python3 (found on PATH, as the user's would be):
 * two definitions of one build keep one and warn; a definition that is not
 * installed is kept with a skip reason that says how to get it; a -i name
 * that names nothing is -1 with a message; something that is not Python
 * is kept with "probe failed". The catalog is loaded from a source
 * directory made here (its workloads/ the repository's), so neither the
 * repository's definitions nor the user's take part.
 *
 * The suite "regressions" holds cases for bugs found while writing this
 * file, fixed since.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "probe.h"
#include "select.h"
#include "spawn.h"
#include "unit.h"

/* ---- select_identity ---- */

static void make_interp(struct interp *in, const char *const *argv, const char *const *env,
			const char *probe_exe)
{
	interp_init(in);
	in->name = xstrdup("x");
	for (; argv && *argv; argv++)
		strvec_push(&in->argv, *argv);
	for (; env && *env; env++)
		strvec_push(&in->env, *env);
	if (probe_exe) {
		in->probe = cJSON_CreateObject();
		cJSON_AddStringToObject(in->probe, "executable", probe_exe);
	}
}

static int same_identity(const struct interp *a, const struct interp *b)
{
	char *x = select_identity(a), *y = select_identity(b);
	int same = !strcmp(x, y);
	free(x);
	free(y);
	return same;
}

#define L(...) ((const char *const[]){ __VA_ARGS__, NULL })

static const struct identity_case {
	const char *name;
	const char *const *argv_a, *const *env_a;
	const char *exe_a;
	const char *const *argv_b, *const *env_b;
	const char *exe_b;
	int same;
} identity_cases[] = {
	{ "identical", L("/bin/sh", "-X", "utf8"), L("A=1"), NULL,
	  L("/bin/sh", "-X", "utf8"), L("A=1"), NULL, 1 },
	{ "environment in another order", L("/bin/sh"), L("A=1", "B=2", "C=3"), NULL,
	  L("/bin/sh"), L("C=3", "A=1", "B=2"), NULL, 1 },
	{ "a different value", L("/bin/sh"), L("A=1", "B=2"), NULL,
	  L("/bin/sh"), L("A=1", "B=3"), NULL, 0 },
	{ "one more variable", L("/bin/sh"), L("A=1"), NULL,
	  L("/bin/sh"), L("A=1", "B=2"), NULL, 0 },
	{ "no environment against some", L("/bin/sh"), NULL, NULL,
	  L("/bin/sh"), L("PYTHONMALLOC=malloc"), NULL, 0 },
	{ "another argument", L("/bin/sh", "-S"), NULL, NULL,
	  L("/bin/sh", "-E"), NULL, NULL, 0 },
	{ "arguments in another order", L("/bin/sh", "-S", "-E"), NULL, NULL,
	  L("/bin/sh", "-E", "-S"), NULL, NULL, 0 },
	{ "one argument fewer", L("/bin/sh", "-S"), NULL, NULL,
	  L("/bin/sh"), NULL, NULL, 0 },
	{ "the probe's executable decides", L("/usr/bin/python3"), NULL, "/opt/py/bin/python3.12",
	  L("/usr/local/bin/py"), NULL, "/opt/py/bin/python3.12", 1 },
	{ "two probed executables", L("/usr/bin/python3"), NULL, "/opt/a/python3",
	  L("/usr/bin/python3"), NULL, "/opt/b/python3", 0 },
	{ "a path through .. is the same file", L("/bin/sh"), NULL, NULL,
	  L("/bin/../bin/sh"), NULL, NULL, 1 },
	{ "other executables", L("/bin/sh"), NULL, NULL, L("/bin/cat"), NULL, NULL, 0 },
};

static void test_identity_table(void)
{
	for (size_t i = 0; i < ARRAY_SIZE(identity_cases); i++) {
		const struct identity_case *t = &identity_cases[i];
		struct interp a, b;
		make_interp(&a, t->argv_a, t->env_a, t->exe_a);
		make_interp(&b, t->argv_b, t->env_b, t->exe_b);
		int same = same_identity(&a, &b);
		if (same != t->same)
			fprintf(stderr, "\nidentity case '%s': %s\n", t->name, same ? "same" : "different");
		CU_ASSERT_EQUAL(same, t->same);
		/* the name and tags are no part of it */
		free(b.name);
		b.name = xstrdup("another name");
		strvec_push(&b.tags, "tag");
		CU_ASSERT_EQUAL(same_identity(&a, &b), t->same);
		/* env is not reordered in place */
		if (t->env_b)
			CU_ASSERT_STRING_EQUAL(b.env.v[0], t->env_b[0]);
		interp_release(&a);
		interp_release(&b);
	}
}

/* A symbolic link to the executable is the same executable. */
static void test_identity_symlink(void)
{
	char *tmp = unit_tmpdir();
	char *link = xasprintf("%s/python-link", tmp);
	CU_ASSERT_EQUAL_FATAL(symlink("/bin/sh", link), 0);
	struct interp a, b;
	make_interp(&a, L("/bin/sh", "-c", "x"), L("A=1"), NULL);
	make_interp(&b, L(link, "-c", "x"), L("A=1"), NULL);
	CU_ASSERT(same_identity(&a, &b));
	interp_release(&a);
	interp_release(&b);
	unit_rmtree(tmp);
	free(link);
	free(tmp);
}

/* ---- select_interpreters over definitions written here ---- */

struct world {
	char *tmp, *python, *defs;
	char *saved[5];
};

static const char *const env_names[] = { "OBJMEM_SRCDIR", "OBJMEM_INTERPRETERS", "XDG_DATA_HOME",
					 "OBJMEM_CACHE", "PYENV_ROOT" };

static void write_text(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	fputs(text, f);
	CU_ASSERT_EQUAL(fclose(f), 0);
}

static void put_def(struct world *w, const char *name, const char *json)
{
	char *path = xasprintf("%s/%s.json", w->defs, name);
	write_text(path, json);
	free(path);
}

/*
 * A source directory TMP/src whose workloads/ is the repository's, no
 * definitions but those in TMP/defs, no user data: the catalog holds what
 * the test writes and nothing else. PYENV_ROOT points at an empty
 * directory, so discovery scans PATH only and the test stays fast (a pyenv
 * shim sets its own PYENV_ROOT, so python3 still runs through one).
 */
static int world_enter(struct world *w)
{
	memset(w, 0, sizeof(*w));
	for (size_t i = 0; i < ARRAY_SIZE(env_names); i++) {
		const char *v = getenv(env_names[i]);
		w->saved[i] = v ? xstrdup(v) : NULL;
	}
	w->python = spawn_which("python3", getenv("PATH"));
	if (!w->python) {
		CU_FAIL("no python3 on PATH");
		return -1;
	}
	char real[PATH_MAX];
	const char *src = w->saved[0] && *w->saved[0] ? w->saved[0] : ".";
	if (!realpath(src, real)) {
		CU_FAIL("cannot resolve OBJMEM_SRCDIR");
		return -1;
	}
	w->tmp = unit_tmpdir();
	char *fake = xasprintf("%s/src", w->tmp);
	char *wl = xasprintf("%s/src/workloads", w->tmp);
	char *real_wl = xasprintf("%s/workloads", real);
	w->defs = xasprintf("%s/defs", w->tmp);
	char *xdg = xasprintf("%s/xdg", w->tmp);
	char *cache = xasprintf("%s/cache", w->tmp);
	char *pyenv = xasprintf("%s/pyenv", w->tmp);
	int rc = mkdir_p(fake) || symlink(real_wl, wl) || mkdir_p(w->defs) || mkdir_p(pyenv) ? -1 : 0;
	setenv("PYENV_ROOT", pyenv, 1);
	free(pyenv);
	setenv("OBJMEM_SRCDIR", fake, 1);
	setenv("OBJMEM_INTERPRETERS", w->defs, 1);
	setenv("XDG_DATA_HOME", xdg, 1);
	setenv("OBJMEM_CACHE", cache, 1);
	free(fake);
	free(wl);
	free(real_wl);
	free(xdg);
	free(cache);
	CU_ASSERT_EQUAL(rc, 0);
	return rc;
}

static void world_leave(struct world *w)
{
	for (size_t i = 0; i < ARRAY_SIZE(env_names); i++) {
		if (w->saved[i])
			setenv(env_names[i], w->saved[i], 1);
		else
			unsetenv(env_names[i]);
		free(w->saved[i]);
	}
	if (w->tmp)
		unit_rmtree(w->tmp);
	free(w->tmp);
	free(w->python);
	free(w->defs);
}

static const struct interp *find(const struct results *r, const char *name)
{
	for (size_t i = 0; i < r->n_interps; i++)
		if (!strcmp(r->interps[i].name, name))
			return &r->interps[i];
	return NULL;
}

/* What every selection promises: probed or skipped, and no build twice. */
static void check_selection(const struct results *r)
{
	for (size_t i = 0; i < r->n_interps; i++) {
		const struct interp *in = &r->interps[i];
		CU_ASSERT(in->skip_reason || in->probe);
		CU_ASSERT_PTR_NOT_NULL(results_find_interp(r, in->name)); /* indexed */
		for (size_t j = 0; j < i; j++) {
			CU_ASSERT(strcmp(in->name, r->interps[j].name) != 0);
			if (in->skip_reason || r->interps[j].skip_reason)
				continue;
			CU_ASSERT(!same_identity(in, &r->interps[j]));
		}
	}
}

static int select_run(const struct strvec *names, int include_missing, struct results *r,
		      char **err)
{
	struct catalog cat;
	unit_stderr_begin();
	int rc = catalog_load(&cat);
	struct select_opts o = { names, include_missing, 0, 30 };
	if (!rc)
		rc = select_interpreters(&cat, &o, r);
	*err = unit_stderr_end();
	catalog_release(&cat);
	return rc;
}

/* Named with -i: a definition, one not installed, something that is no Python. */
static void test_named(void)
{
	struct world w;
	if (world_enter(&w)) {
		world_leave(&w);
		return;
	}
	char *def = xasprintf("{\"name\": \"alpha\", \"argv\": [\"%s\"]}", w.python);
	put_def(&w, "alpha", def);
	free(def);
	put_def(&w, "missing", "{\"name\": \"missing\", \"argv\": [\"/nonexistent/objmem-unit/python9\"], "
		"\"provision\": \"cpython-9.9\"}");
	struct strvec names = STRVEC_INIT;
	strvec_push(&names, "alpha");
	strvec_push(&names, "missing");
	strvec_push(&names, "/bin/true");
	struct results r;
	results_init(&r);
	char *err;
	double t0 = now_s();
	CU_ASSERT_EQUAL(select_run(&names, 0, &r, &err), 0);
	CU_ASSERT(now_s() - t0 < 60);
	CU_ASSERT_EQUAL(r.n_interps, 3);
	const struct interp *a = find(&r, "alpha");
	CU_ASSERT_PTR_NOT_NULL_FATAL(a);
	CU_ASSERT_PTR_NULL(a->skip_reason);
	CU_ASSERT_PTR_NOT_NULL(a->probe);
	/* as named, or, where python3 is a pyenv shim, the executable it runs */
	const char *shim = probe_str(a->probe, "resolved_from");
	if (shim) {
		CU_ASSERT_STRING_EQUAL(shim, w.python);
		CU_ASSERT_STRING_EQUAL(a->argv.v[0], probe_str(a->probe, "executable"));
	} else {
		CU_ASSERT_STRING_EQUAL(a->argv.v[0], w.python);
	}
	/* explicitly named: kept though not installed, saying how to get it */
	const struct interp *m = find(&r, "missing");
	CU_ASSERT_PTR_NOT_NULL_FATAL(m);
	CU_ASSERT_PTR_NOT_NULL_FATAL(m->skip_reason);
	CU_ASSERT_STRING_EQUAL(m->skip_reason, "not installed: '/nonexistent/objmem-unit/python9' not "
			       "found; get it with: ./interpreters/provision cpython-9.9");
	CU_ASSERT_PTR_NULL(m->probe);
	const struct interp *t = find(&r, "/bin/true");
	CU_ASSERT_PTR_NOT_NULL_FATAL(t);
	CU_ASSERT_PTR_NOT_NULL_FATAL(t->skip_reason);
	CU_ASSERT(!strncmp(t->skip_reason, "probe failed", 12));
	CU_ASSERT_STRING_EQUAL(t->origin, "path");
	/* in the order given */
	CU_ASSERT(r.n_interps == 3 && !strcmp(r.interps[0].name, "alpha") &&
		  !strcmp(r.interps[1].name, "missing") && !strcmp(r.interps[2].name, "/bin/true"));
	CU_ASSERT_PTR_NULL(strstr(err, "warning:"));
	check_selection(&r);
	free(err);
	results_release(&r);
	strvec_clear(&names);
	world_leave(&w);
}

/* Every definition: duplicates dropped with a warning, missing ones kept on request. */
static void test_all(void)
{
	struct world w;
	if (world_enter(&w)) {
		world_leave(&w);
		return;
	}
	static const struct { const char *name, *rest; } defs[] = {
		{ "alpha", "" },
		{ "beta", "" },                                        /* alpha's build */
		{ "env1", ", \"env\": {\"OBJMEM_T_A\": \"1\", \"OBJMEM_T_B\": \"2\"}" },
		/* env1's variables in another order: env1's build */
		{ "env2", ", \"env\": {\"OBJMEM_T_B\": \"2\", \"OBJMEM_T_A\": \"1\"}" },
	};
	for (size_t i = 0; i < ARRAY_SIZE(defs); i++) {
		char *text = xasprintf("{\"name\": \"%s\", \"argv\": [\"%s\"]%s}", defs[i].name,
				       w.python, defs[i].rest);
		put_def(&w, defs[i].name, text);
		free(text);
	}
	put_def(&w, "missing", "{\"name\": \"missing\", \"argv\": [\"/nonexistent/objmem-unit/python9\"], "
		"\"provision\": \"cpython-9.9\"}");
	put_def(&w, "nowhere", "{\"name\": \"nowhere\", \"argv\": [\"objmem-unit-no-such-python\"]}");
	struct strvec none = STRVEC_INIT;
	struct results r;
	results_init(&r);
	char *err;
	double t0 = now_s();
	CU_ASSERT_EQUAL(select_run(&none, 1, &r, &err), 0);
	CU_ASSERT(now_s() - t0 < 120);
	CU_ASSERT_PTR_NOT_NULL(find(&r, "alpha"));
	CU_ASSERT_PTR_NULL(find(&r, "beta"));
	CU_ASSERT_PTR_NOT_NULL(find(&r, "env1"));  /* an environment: another build */
	CU_ASSERT_PTR_NULL(find(&r, "env2"));
	/* one warning per dropped definition; discovered twins go quietly */
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "warning: interpreter 'beta' ("));
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "is the same build as 'alpha': measured once, as 'alpha'"));
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "warning: interpreter 'env2' ("));
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "is the same build as 'env1': measured once, as 'env1'"));
	size_t warnings = 0;
	for (const char *p = err; (p = strstr(p, "warning:")); p++)
		warnings++;
	if (warnings != 2)
		fprintf(stderr, "\nselect said:\n%s\n", err);
	CU_ASSERT_EQUAL(warnings, 2);
	/* not installed: kept (include_missing), saying how to get it where it can */
	const struct interp *m = find(&r, "missing"), *n = find(&r, "nowhere");
	CU_ASSERT_PTR_NOT_NULL_FATAL(m);
	CU_ASSERT_PTR_NOT_NULL_FATAL(m->skip_reason);
	CU_ASSERT_STRING_EQUAL(m->skip_reason, "not installed: '/nonexistent/objmem-unit/python9' not "
			       "found; get it with: ./interpreters/provision cpython-9.9");
	CU_ASSERT_PTR_NOT_NULL_FATAL(n);
	CU_ASSERT_STRING_EQUAL(n->skip_reason, "not installed: 'objmem-unit-no-such-python' not found");
	/* definitions first, in the catalog's order (files by name) */
	CU_ASSERT_FATAL(r.n_interps >= 4);
	CU_ASSERT_STRING_EQUAL(r.interps[0].name, "alpha");
	CU_ASSERT_STRING_EQUAL(r.interps[1].name, "env1");
	CU_ASSERT_STRING_EQUAL(r.interps[2].name, "missing");
	CU_ASSERT_STRING_EQUAL(r.interps[3].name, "nowhere");
	/* then what discovery found, named by its probe */
	for (size_t i = 4; i < r.n_interps; i++) {
		CU_ASSERT_STRING_EQUAL(r.interps[i].origin, "PATH");
		CU_ASSERT_PTR_NOT_NULL_FATAL(r.interps[i].probe); /* not Python: dropped */
		char *pn = probe_name(r.interps[i].probe);
		CU_ASSERT(!strncmp(r.interps[i].name, pn, strlen(pn)));  /* maybe with a -2 */
		free(pn);
	}
	check_selection(&r);
	free(err);
	results_release(&r);

	/* without include_missing, what is not installed is left out */
	for (size_t i = 0; i < ARRAY_SIZE(defs); i++) {
		char *path = xasprintf("%s/%s.json", w.defs, defs[i].name);
		CU_ASSERT_EQUAL(unlink(path), 0);
		free(path);
	}
	results_init(&r);
	CU_ASSERT_EQUAL(select_run(&none, 0, &r, &err), 0);
	CU_ASSERT_PTR_NULL(find(&r, "missing"));
	CU_ASSERT_PTR_NULL(find(&r, "nowhere"));
	for (size_t i = 0; i < r.n_interps; i++)
		CU_ASSERT_STRING_EQUAL(r.interps[i].origin, "PATH");
	CU_ASSERT_PTR_NULL(strstr(err, "warning:"));
	check_selection(&r);
	free(err);
	results_release(&r);
	world_leave(&w);
}

static const struct unknown_case {
	const char *arg;
	const char *msg;
} unknown_cases[] = {
	{ "objmem-no-such-interpreter",
	  "error: no interpreter definition, discovered interpreter or command on PATH is called "
	  "'objmem-no-such-interpreter' (see: objmem list interpreters)" },
	{ "alpah", "hint: did you mean 'alpha'?" },
	{ "/nonexistent/objmem-unit/python3",
	  "error: interpreter '/nonexistent/objmem-unit/python3' is not an executable file" },
};

static void test_unknown_name(void)
{
	struct world w;
	if (world_enter(&w)) {
		world_leave(&w);
		return;
	}
	char *def = xasprintf("{\"name\": \"alpha\", \"argv\": [\"%s\"]}", w.python);
	put_def(&w, "alpha", def);
	free(def);
	for (size_t i = 0; i < ARRAY_SIZE(unknown_cases); i++) {
		struct strvec names = STRVEC_INIT;
		strvec_push(&names, unknown_cases[i].arg);
		struct results r;
		results_init(&r);
		char *err;
		CU_ASSERT_EQUAL(select_run(&names, 0, &r, &err), -1);
		if (!strstr(err, unknown_cases[i].msg))
			fprintf(stderr, "\n-i %s said '%s'\n", unknown_cases[i].arg, err);
		CU_ASSERT_PTR_NOT_NULL(strstr(err, unknown_cases[i].msg));
		CU_ASSERT_EQUAL(r.n_interps, 0);
		free(err);
		results_release(&r);
		strvec_clear(&names);
	}
	world_leave(&w);
}

static const struct unit_test identity_tests[] = {
	{ "select_identity table", test_identity_table },
	{ "a symbolic link is the same executable", test_identity_symlink },
};

static const struct unit_test select_tests[] = {
	{ "-i names: definition, not installed, not Python", test_named },
	{ "every definition: duplicates and missing ones", test_all },
	{ "a -i name that names nothing", test_unknown_name },
};

/* ---- regressions: bugs found while writing this file ---- */

/*
 * Different argument or environment lists must give different keys:
 * ["-X", "utf8"] and ["-X utf8"] (Python reads the latter as the option
 * " utf8"), or an argument "|A=1" and an environment variable A=1. Joined
 * with plain separators they gave one key, and select_interpreters
 * dropped one of two different interpreters as "the same build"; each
 * element now carries its length.
 */
static const struct identity_case join_cases[] = {
	{ "one argument with a space", L("/bin/sh", "-X", "utf8"), NULL, NULL,
	  L("/bin/sh", "-X utf8"), NULL, NULL, 0 },
	{ "an argument that looks like a variable", L("/bin/sh", "|A=1"), NULL, NULL,
	  L("/bin/sh"), L("A=1"), NULL, 0 },
	{ "a value with the separator", L("/bin/sh"), L("A=1 |B=2"), NULL,
	  L("/bin/sh"), L("A=1", "B=2"), NULL, 0 },
};

static void test_identity_join(void)
{
	const struct identity_case *cases = join_cases;
	for (size_t i = 0; i < ARRAY_SIZE(join_cases); i++) {
		struct interp a, b;
		make_interp(&a, cases[i].argv_a, cases[i].env_a, NULL);
		make_interp(&b, cases[i].argv_b, cases[i].env_b, NULL);
		int same = same_identity(&a, &b);
		if (same)
			fprintf(stderr, "\nidentity: '%s' gives two interpreters one key\n", cases[i].name);
		CU_ASSERT_EQUAL(same, 0);
		interp_release(&a);
		interp_release(&b);
	}
}

static const struct unit_test regression_tests[] = {
	{ "different argument lists, different identities", test_identity_join },
};

int main(int argc, char **argv)
{
	(void)argc;
	const struct unit_suite suites[] = {
		UNIT_SUITE("select_identity", identity_tests),
		UNIT_SUITE("select_interpreters", select_tests),
		UNIT_SUITE("regressions", regression_tests),
	};
	return unit_main(argv[0], suites, ARRAY_SIZE(suites));
}
