/* test_util.c - count and size parsing, string vectors, atomic writes. */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "progress.h"
#include "unit.h"
#include "util.h"

static const struct {
	const char *in;
	uint64_t want; /* 0: must fail */
	const char *why;
} count_cases[] = {
	{ "1", 1, NULL }, { "100", 100, NULL }, { "1k", 1000, NULL }, { "1K", 1000, NULL },
	{ "10M", 10000000, NULL }, { "2G", 2000000000, NULL }, { "1000G", 1000000000000ULL, NULL },
	{ "", 0, "empty" }, { "0", 0, "at least 1" }, { "-5", 0, "without sign" },
	{ "+5", 0, "without sign" }, { "abc", 0, "starts with a digit" },
	{ "1e99", 0, "not a fraction or exponent" }, { "1.5k", 0, "not a fraction" },
	{ "10Q", 0, "unknown suffix" }, { "10kk", 0, "junk after" },
	{ "1001G", 0, "too large" }, { "99999999999999999999999", 0, "too large" },
	{ "0k", 0, "at least 1" }, { " 5", 0, "starts with a digit" },
};

static void test_counts(void)
{
	for (size_t i = 0; i < sizeof(count_cases) / sizeof(count_cases[0]); i++) {
		uint64_t v = 0;
		const char *why = NULL;
		int rc = parse_count(count_cases[i].in, &v, &why);
		if (count_cases[i].want) {
			CU_ASSERT_EQUAL(rc, 0);
			CU_ASSERT_EQUAL(v, count_cases[i].want);
		} else {
			CU_ASSERT_EQUAL(rc, -1);
			CU_ASSERT_PTR_NOT_NULL_FATAL(why);
			CU_ASSERT_PTR_NOT_NULL(strstr(why, count_cases[i].why));
		}
	}
}

static void test_count_list(void)
{
	uint64_t *v = NULL;
	size_t n = 0;
	const char *why;
	CU_ASSERT_EQUAL_FATAL(parse_count_list("1M,100,1k,100", &v, &n, &why), 0);
	CU_ASSERT_EQUAL_FATAL(n, 3);
	CU_ASSERT_EQUAL(v[0], 100);
	CU_ASSERT_EQUAL(v[1], 1000);
	CU_ASSERT_EQUAL(v[2], 1000000);
	free(v);
	CU_ASSERT_EQUAL(parse_count_list("1k,,2k", &v, &n, &why), -1);
	CU_ASSERT_EQUAL(parse_count_list("1k,x", &v, &n, &why), -1);
}

static void test_sizes(void)
{
	static const struct { const char *in; uint64_t want; } cases[] = {
		{ "512", 512 }, { "4k", 4096 }, { "2M", 2 << 20 }, { "2MiB", 2 << 20 },
		{ "1G", 1ULL << 30 }, { "3GB", 3ULL << 30 }, { "0", 0 }, { "lots", 0 },
		{ "1X", 0 }, { "-1M", 0 },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		uint64_t v = 0;
		int rc = parse_size(cases[i].in, &v);
		CU_ASSERT_EQUAL(rc, cases[i].want ? 0 : -1);
		if (cases[i].want)
			CU_ASSERT_EQUAL(v, cases[i].want);
	}
}

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

static void test_format(void)
{
	static const struct { uint64_t n; const char *s; } cases[] = {
		{ 100, "100" }, { 1000, "1k" }, { 1500, "1500" }, { 10000000, "10M" },
		{ 2000000000, "2G" },
	};
	char buf[32];
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		format_count(cases[i].n, buf, sizeof(buf));
		CU_ASSERT_STRING_EQUAL(buf, cases[i].s);
	}
	format_duration(3725, buf, sizeof(buf));
	CU_ASSERT_STRING_EQUAL(buf, "1:02:05");
	format_duration(65, buf, sizeof(buf));
	CU_ASSERT_STRING_EQUAL(buf, "1:05");
	CU_ASSERT_EQUAL(edit_distance("slots", "slotz"), 1);
	CU_ASSERT_EQUAL(edit_distance("", "abc"), 3);
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
	{ "parse_count table", test_counts },
	{ "parse_count_list", test_count_list },
	{ "parse_size", test_sizes },
	{ "strvec env", test_strvec_env },
	{ "format count and duration", test_format },
	{ "atomic write", test_atomic_write },
};

int main(int argc, char **argv)
{
	(void)argc;
	const struct unit_suite suites[] = { UNIT_SUITE("util", tests) };
	return unit_main(argv[0], suites, 1);
}
