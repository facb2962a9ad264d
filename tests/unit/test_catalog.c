/* test_catalog.c - interpreter definitions: valid files load, every kind of
 * bad file is refused with a message that names the file and the problem
 * (fixtures under tests/fixtures/config/, see the README there), and a
 * definition directory reads regular files only. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

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
	/* a key given twice: cJSON keeps both; a lookup finds the first, env takes the last */
	{ "duplicate-key.json", 0, 0, "duplicate-key.json:3:3: duplicate key 'argv' "
	  "(the first is at 2:3): keep one of them" },
	{ "duplicate-env-key.json", 0, 0, "duplicate-env-key.json:3:11: duplicate key "
	  "'PYTHONMALLOC' (the first is at 2:11)" },
	{ "duplicate-escaped-key.json", 0, 0, "duplicate-escaped-key.json:1:36: duplicate key "
	  "'na\\u006de' (the first is at 1:2)" },
	{ "duplicate-key-in-list.json", 0, 0, "duplicate-key-in-list.json:2:49: duplicate key "
	  "'tags' (the first is at 2:37)" },
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

/*
 * A definition directory holds a FIFO, a socket, a directory and a device
 * named *.json beside one good definition (a symlink to the fixture): the
 * good one loads, each other entry is skipped with a warning naming it and
 * is never opened (opening the FIFO would wait for a writer forever; an
 * alarm turns that wait into a failure instead of a hang).
 */
static int make_fifo(const char *path)
{
	return mkfifo(path, 0600);
}

static int make_socket(const char *path)
{
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	if (strlen(path) >= sizeof(a.sun_path))
		return -1;
	strcpy(a.sun_path, path);
	int fd = socket(AF_UNIX, SOCK_STREAM, 0);
	int rc = fd < 0 ? -1 : bind(fd, (struct sockaddr *)&a, sizeof(a));
	if (fd >= 0)
		close(fd);
	return rc;
}

static int make_dir(const char *path)
{
	return mkdir(path, 0700);
}

static int make_device(const char *path)
{
	return symlink("/dev/null", path);
}

static int make_good(const char *path)
{
	char *real = realpath(unit_fixture("config/good.json"), NULL);
	int rc = real ? symlink(real, path) : -1;
	free(real);
	return rc;
}

static const struct special_case {
	const char *name;
	int (*make)(const char *path);
	const char *kind; /* NULL: a definition that loads */
} special_cases[] = {
	{ "a-fifo.json", make_fifo, "is a FIFO, not a regular file: skipped" },
	{ "b-socket.json", make_socket, "is a socket, not a regular file: skipped" },
	{ "c-dir.json", make_dir, "is a directory, not a regular file: skipped" },
	{ "d-null.json", make_device, "is a character device, not a regular file: skipped" },
	{ "e-good.json", make_good, NULL },
};

static void on_alarm(int sig)
{
	(void)sig;
}

static void test_special_files(void)
{
	char *dir = unit_tmpdir();
	for (size_t i = 0; i < ARRAY_SIZE(special_cases); i++) {
		char *p = xasprintf("%s/%s", dir, special_cases[i].name);
		CU_ASSERT_EQUAL_FATAL(special_cases[i].make(p), 0);
		free(p);
	}
	/* no SA_RESTART: a blocking open returns EINTR after 5 s */
	struct sigaction sa = { .sa_handler = on_alarm }, old;
	sigaction(SIGALRM, &sa, &old);
	alarm(5);
	struct catalog cat;
	memset(&cat, 0, sizeof(cat));
	unit_stderr_begin();
	int rc = catalog_load_def_dir(&cat, dir);
	char *err = unit_stderr_end();
	alarm(0);
	sigaction(SIGALRM, &old, NULL);

	CU_ASSERT_EQUAL(rc, 0);
	CU_ASSERT_EQUAL(cat.n_defs, 1);
	CU_ASSERT_PTR_NOT_NULL(catalog_def(&cat, "good"));
	CU_ASSERT_PTR_NULL(strstr(err, "error:"));
	for (size_t i = 0; i < ARRAY_SIZE(special_cases); i++) {
		const struct special_case *t = &special_cases[i];
		char *want = xasprintf("warning: '%s/%s' %s", dir, t->name, t->kind ? t->kind : "");
		int found = strstr(err, want) != NULL;
		if (found != (t->kind != NULL))
			fprintf(stderr, "\n%s: want %s'%s' in '%s'\n", t->name, t->kind ? "" : "no ",
				want, err);
		CU_ASSERT_EQUAL(found, t->kind != NULL);
		free(want);
	}
	free(err);
	catalog_release(&cat);
	unit_rmtree(dir);
	free(dir);
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

/*
 * What a child gets: of the driver's environment only PATH, HOME,
 * LD_LIBRARY_PATH and CC; then --env; then the definition's env; then
 * objmem's own. want NULL: the variable is absent.
 */
static const struct child_env_case {
	const char *name, *want;
} child_env_cases[] = {
	{ "PATH", "/opt/bin:/usr/bin" },        /* passed */
	{ "HOME", "/home/someone" },            /* passed */
	{ "TMPDIR", "/scratch" },               /* passed */
	{ "LD_LIBRARY_PATH", "/opt/lib" },      /* passed */
	{ "CC", "clang-17" },                   /* passed (the record workload's compiler) */
	{ "SLURM_JOB_ID", NULL },               /* the caller's: dropped */
	{ "KEEP_ME", NULL },                    /* the caller's: dropped */
	{ "PYTHONPATH", NULL },                 /* the caller's: dropped */
	{ "LANG", NULL },                       /* the caller's: dropped, LC_ALL fixed */
	{ "LC_ALL", "C.UTF-8" },
	{ "FROM_RUN", "run" },                  /* --env */
	{ "BOTH", "definition" },               /* --env and the definition: the definition's */
	{ "PYTHONMALLOC", "malloc" },           /* the definition's */
	{ "PYTHONHASHSEED", "0" },
	{ "PYTHONUNBUFFERED", "1" },
};

static void test_child_env(void)
{
	struct interp in;
	interp_init(&in);
	strvec_setenv(&in.env, "PYTHONMALLOC", "malloc");
	strvec_setenv(&in.env, "BOTH", "definition");
	const char *set[][2] = { { "PATH", "/opt/bin:/usr/bin" }, { "HOME", "/home/someone" },
				 { "LD_LIBRARY_PATH", "/opt/lib" }, { "SLURM_JOB_ID", "42" },
				 { "KEEP_ME", "yes" }, { "PYTHONPATH", "/somewhere" },
				 { "LANG", "de_DE.UTF-8" }, { "CC", "clang-17" },
				 { "TMPDIR", "/scratch" } };
	char *saved[ARRAY_SIZE(set)];
	for (size_t i = 0; i < ARRAY_SIZE(set); i++) {
		const char *v = getenv(set[i][0]);
		saved[i] = v ? xstrdup(v) : NULL;
		setenv(set[i][0], set[i][1], 1);
	}
	struct strvec extra = STRVEC_INIT, env = STRVEC_INIT;
	strvec_push(&extra, "FROM_RUN=run");
	strvec_push(&extra, "BOTH=run");
	config_child_env(&in, &extra, &env);
	for (size_t i = 0; i < ARRAY_SIZE(child_env_cases); i++) {
		const struct child_env_case *t = &child_env_cases[i];
		const char *got = strvec_getenv(&env, t->name);
		int ok = t->want ? got && !strcmp(got, t->want) : !got;
		if (!ok)
			fprintf(stderr, "\n  %s: '%s', want '%s'\n", t->name, got ? got : "(absent)",
				t->want ? t->want : "(absent)");
		CU_ASSERT(ok);
	}
	CU_ASSERT_PTR_NOT_NULL(strvec_getenv(&env, "OBJMEM_CACHE"));
	/* nothing else of the caller's: 5 passed, LC_ALL, 2 --env, 2 definition, 4 objmem's */
	CU_ASSERT_EQUAL(env.n, 13);
	strvec_clear(&env);
	/* the definition's hash seed wins; without --env the same otherwise */
	strvec_setenv(&in.env, "PYTHONHASHSEED", "random");
	config_child_env(&in, NULL, &env);
	CU_ASSERT_STRING_EQUAL(strvec_getenv(&env, "PYTHONHASHSEED"), "random");
	CU_ASSERT_PTR_NULL(strvec_getenv(&env, "FROM_RUN"));
	strvec_clear(&env);
	strvec_clear(&extra);
	for (size_t i = 0; i < ARRAY_SIZE(set); i++) {
		if (saved[i])
			setenv(set[i][0], saved[i], 1);
		else
			unsetenv(set[i][0]);
		free(saved[i]);
	}
	interp_release(&in);
}

/* run --env names: 1 taken, 0 refused with a reason. */
static const struct env_name_case {
	const char *name;
	int ok;
} env_name_cases[] = {
	{ "FAKE_FAULT", 1 }, { "CC", 1 }, { "_X1", 1 }, { "lower", 1 },
	{ "", 0 }, { "1ABC", 0 }, { "A-B", 0 }, { "A B", 0 },
	{ "PYTHONMALLOC", 0 }, { "PYPY_GC_MAX", 0 }, { "OBJMEM_CACHE", 0 },
	{ "MALLOC_ARENA_MAX", 0 },
};

static void test_env_names(void)
{
	for (size_t i = 0; i < ARRAY_SIZE(env_name_cases); i++) {
		const struct env_name_case *t = &env_name_cases[i];
		const char *why = NULL;
		int ok = config_env_name_ok(t->name, strlen(t->name), &why);
		if (ok != t->ok || (!ok && !why))
			fprintf(stderr, "\n  '%s': %d, want %d\n", t->name, ok, t->ok);
		CU_ASSERT(ok == t->ok && (ok || why));
	}
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

/* Workload file names a results file could not tell apart: refused or skipped. */
static const struct {
	const char *file;   /* bytes of the file name */
	const char *msg;    /* fragment of the error, NULL when accepted */
} workload_names[] = {
	{ "plain.py", NULL },
	{ "caf\xc3\xa9.py", NULL },             /* UTF-8 */
	{ "caf\xe9.py", "its name is not UTF-8" }, /* Latin-1 */
	{ "caf\xff.py", "its name is not UTF-8" },
	{ "half\xc3.py", "its name is not UTF-8" },
	{ "notes.txt", "must be a .py file" },
};

static void test_workload_names(void)
{
	char *dir = unit_tmpdir();
	struct catalog cat;
	memset(&cat, 0, sizeof(cat));
	for (size_t i = 0; i < sizeof(workload_names) / sizeof(workload_names[0]); i++) {
		char *path = xasprintf("%s/%s", dir, workload_names[i].file);
		FILE *f = fopen(path, "w");
		CU_ASSERT_PTR_NOT_NULL_FATAL(f);
		fputs("def run(n):\n    pass\n", f);
		fclose(f);
		unit_stderr_begin();
		const struct workload_info *w = catalog_add_workload_file(&cat, path);
		char *err = unit_stderr_end();
		if (workload_names[i].msg) {
			CU_ASSERT_PTR_NULL(w);
			CU_ASSERT_PTR_NOT_NULL(strstr(err, workload_names[i].msg));
		} else {
			CU_ASSERT_PTR_NOT_NULL(w);
			CU_ASSERT_STRING_EQUAL(err, "");
		}
		free(err);
		free(path);
	}
	catalog_release(&cat);
	unit_rmtree(dir);
	free(dir);
}

static const struct unit_test tests[] = {
	{ "definition files", test_def_files },
	{ "definition fields", test_good_fields },
	{ "FIFO, socket, directory, device in a definition directory", test_special_files },
	{ "child environment", test_child_env },
	{ "run --env names", test_env_names },
	{ "suggestions", test_suggest },
	{ "workload file names", test_workload_names },
};

int main(int argc, char **argv)
{
	(void)argc;
	const struct unit_suite suites[] = { UNIT_SUITE("config", tests) };
	return unit_main(argv[0], suites, 1);
}
