/* test_util.c - string vectors, edit distance, directories, atomic writes. */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "unit.h"
#include "util.h"

static void test_strvec_env(void)
{
	struct strvec sv = STRVEC_INIT;
	strvec_setenv(&sv, "A", "1");
	strvec_setenv(&sv, "AB", "2");
	strvec_setenv(&sv, "A", "3");
	CU_ASSERT_EQUAL(sv.n, 2);
	CU_ASSERT_STRING_EQUAL(strvec_getenv(&sv, "A"), "3");
	CU_ASSERT_STRING_EQUAL(strvec_getenv(&sv, "AB"), "2");
	CU_ASSERT_PTR_NULL(strvec_getenv(&sv, "B"));
	CU_ASSERT_PTR_NULL(sv.v[sv.n]);
	strvec_clear(&sv);
}

static void test_edit_distance(void)
{
	CU_ASSERT_EQUAL(edit_distance("slots", "slotz"), 1);
	CU_ASSERT_EQUAL(edit_distance("", "abc"), 3);
	CU_ASSERT_EQUAL(edit_distance("abc", "abc"), 0);
}

static void test_mkdir_p(void)
{
	char *dir = unit_tmpdir();
	char *deep = xasprintf("%s/a/b/c", dir);
	CU_ASSERT_EQUAL(mkdir_p(deep), 0);
	CU_ASSERT_EQUAL(access(deep, W_OK), 0);
	CU_ASSERT_EQUAL(mkdir_p(deep), 0); /* already there */
	char *file = xasprintf("%s/a/f", dir);
	CU_ASSERT_EQUAL(write_file_atomic(file, "x", 1), 0);
	char *under = xasprintf("%s/sub", file);
	unit_stderr_begin();
	CU_ASSERT_EQUAL(mkdir_p(file), -1);
	CU_ASSERT_EQUAL(mkdir_p(under), -1);
	CU_ASSERT_EQUAL(mkdir_p(""), -1);
	char *msg = unit_stderr_end();
	CU_ASSERT(strstr(msg, "not a directory") && strstr(msg, "cannot create directory"));
	free(msg);
	char *in = xasprintf("%s/x/y/results.json", dir);
	CU_ASSERT_EQUAL(mkdir_parent(in), 0);
	char *parent = xasprintf("%s/x/y", dir);
	CU_ASSERT_EQUAL(access(parent, W_OK), 0);
	CU_ASSERT_EQUAL(mkdir_parent("plain.json"), 0);
	free(parent);
	free(in);
	free(under);
	free(file);
	free(deep);
	unit_rmtree(dir);
	free(dir);
}

static void test_atomic_write(void)
{
	char *dir = unit_tmpdir();
	char *path = xasprintf("%s/r.json", dir);
	CU_ASSERT_EQUAL(write_file_atomic(path, "one", 3), 0);
	CU_ASSERT_EQUAL(write_file_atomic(path, "second", 6), 0);
	struct buf b = BUF_INIT;
	CU_ASSERT_EQUAL(read_file(path, 100, &b), 0);
	CU_ASSERT_STRING_EQUAL(b.p, "second");
	buf_release(&b);
	/* a directory that is not there: error, nothing written */
	char *bad = xasprintf("%s/missing/r.json", dir);
	unit_stderr_begin();
	CU_ASSERT_EQUAL(write_file_atomic(bad, "x", 1), -1);
	char *msg = unit_stderr_end();
	CU_ASSERT_PTR_NOT_NULL(strstr(msg, "cannot write"));
	free(msg);
	/* too large for read_file's limit */
	unit_stderr_begin();
	CU_ASSERT_EQUAL(read_file(path, 3, &b), -1);
	msg = unit_stderr_end();
	CU_ASSERT_PTR_NOT_NULL(strstr(msg, "larger than"));
	free(msg);
	buf_release(&b);
	free(bad);
	free(path);
	unit_rmtree(dir);
	free(dir);
}

static const struct unit_test tests[] = {
	{ "strvec env", test_strvec_env },
	{ "edit distance", test_edit_distance },
	{ "mkdir -p and the parent of a file", test_mkdir_p },
	{ "atomic write", test_atomic_write },
};

int main(int argc, char **argv)
{
	(void)argc;
	const struct unit_suite suites[] = { UNIT_SUITE("util", tests) };
	return unit_main(argv[0], suites, 1);
}
