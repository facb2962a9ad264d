/*
 * test_upload.c - the Codespeed payload (benchmark names, dates, the
 * entries of a fixture, the url-encoded form), the token's header and its
 * errors, and which hosts are this machine. fetch.c's pieces are
 * test_fetch.c's.
 * Expected values for small.json were computed apart from objmem, with
 * Python's statistics module, on (uss - private_clean) as results.h defines.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fetch.h"
#include "results.h"
#include "unit.h"
#include "upload.h"

/* ---- upload ---- */

static void test_benchmark_names(void)
{
	static const struct { const char *w; uint64_t n; const char *want; } cases[] = {
		{ "point3d", 1000000, "point3d@1M" }, { "slots", 100000, "slots@100k" },
		{ "slots", 1500, "slots@1500" }, { "x", 10000000000ULL, "x@10G" }, { "x", 7, "x@7" },
	};
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		char *s = upload_benchmark_name(cases[i].w, cases[i].n);
		CU_ASSERT_STRING_EQUAL(s, cases[i].want);
		free(s);
	}
}

static void test_django_dates(void)
{
	static const struct { const char *in, *want; } cases[] = {
		{ "2026-11-22T03:04:05Z", "2026-11-22 03:04:05" },
		{ "2026-11-22T03:04:05.123Z", "2026-11-22 03:04:05" },
		{ "2026-11-22 03:04:05", "2026-11-22 03:04:05" },
		{ "2026-11-22", NULL }, { "yesterday", NULL }, { "", NULL }, { NULL, NULL },
		{ "2026-1x-22T03:04:05Z", NULL },
	};
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		char *s = upload_django_date(cases[i].in);
		int ok = cases[i].want ? s && !strcmp(s, cases[i].want) : !s;
		CU_ASSERT(ok);
		free(s);
	}
}

static const cJSON *entry(const cJSON *arr, const char *exe, const char *bench)
{
	const cJSON *e;
	cJSON_ArrayForEach(e, arr) {
		const cJSON *x = cJSON_GetObjectItem(e, "executable"), *b = cJSON_GetObjectItem(e, "benchmark");
		if (!strcmp(x->valuestring, exe) && !strcmp(b->valuestring, bench))
			return e;
	}
	return NULL;
}

static double num(const cJSON *e, const char *key)
{
	const cJSON *v = cJSON_GetObjectItem(e, key);
	return cJSON_IsNumber(v) ? v->valuedouble : NAN;
}

static const char *str(const cJSON *e, const char *key)
{
	const cJSON *v = cJSON_GetObjectItem(e, key);
	return cJSON_IsString(v) ? v->valuestring : "";
}

static void test_entries_of_fixture(void)
{
	size_t len;
	char *text = unit_read_fixture("results/small.json", &len);
	struct results r;
	results_init(&r);
	CU_ASSERT_EQUAL_FATAL(results_parse(text, len, &r, "small.json"), 0);
	free(text);
	struct upload_meta m = { "bench1", "CPython", NULL, "main", "abc123", "2026-11-21 10:00:00" };
	char *why = NULL;
	cJSON *arr = upload_codespeed_entries(&r, &m, &why);
	CU_ASSERT_PTR_NOT_NULL_FATAL(arr);
	/* 2 interpreters x 2 workloads x 2 counts, each with an ok repetition */
	CU_ASSERT_EQUAL(cJSON_GetArraySize(arr), 8);

	static const struct {
		const char *exe, *bench;
		double median, min, max, sd;
	} want[] = {
		{ "cpython-3.12", "point3d@1k", 102.4, 94.208, 106.496, 6.256743348846373 },
		{ "cpython-3.12", "slots@1k", 75.776, 73.728, 77.824, 2.8963093757401013 },
		{ "pypy3.10", "point3d@100k", 48.00512, 47.96416, 48.04608, 0.040960000000001884 },
		{ "pypy3.10", "slots@100k", 39.97696, 39.936, 40.01792, 0.05792618751479961 },
	};
	for (size_t i = 0; i < ARRAY_SIZE(want); i++) {
		const cJSON *e = entry(arr, want[i].exe, want[i].bench);
		CU_ASSERT_PTR_NOT_NULL_FATAL(e);
		CU_ASSERT_DOUBLE_EQUAL(num(e, "result_value"), want[i].median, 1e-9);
		CU_ASSERT_DOUBLE_EQUAL(num(e, "min"), want[i].min, 1e-9);
		CU_ASSERT_DOUBLE_EQUAL(num(e, "max"), want[i].max, 1e-9);
		CU_ASSERT_DOUBLE_EQUAL(num(e, "std_dev"), want[i].sd, 1e-9);
		CU_ASSERT_STRING_EQUAL(str(e, "environment"), "bench1");
		CU_ASSERT_STRING_EQUAL(str(e, "project"), "CPython");
		CU_ASSERT_STRING_EQUAL(str(e, "branch"), "main");
		CU_ASSERT_STRING_EQUAL(str(e, "commitid"), "abc123");
		CU_ASSERT_STRING_EQUAL(str(e, "units"), "bytes");
		CU_ASSERT_STRING_EQUAL(str(e, "result_date"), "2026-11-22 03:04:05");
		CU_ASSERT_STRING_EQUAL(str(e, "revision_date"), "2026-11-21 10:00:00");
		CU_ASSERT(cJSON_IsTrue(cJSON_GetObjectItem(e, "lessisbetter")));
	}
	cJSON_Delete(arr);

	/* one executable for everything */
	m.executable = "tonight";
	arr = upload_codespeed_entries(&r, &m, &why);
	CU_ASSERT_PTR_NOT_NULL(entry(arr, "tonight", "point3d@100k"));
	cJSON_Delete(arr);

	/* nothing ok: nothing to send, and a reason */
	for (size_t i = 0; i < r.n_cells; i++)
		r.cells[i].status = CELL_FAILED;
	arr = upload_codespeed_entries(&r, &m, &why);
	CU_ASSERT_PTR_NULL(arr);
	CU_ASSERT(why && strstr(why, "nothing to send"));
	free(why);
	results_release(&r);
}

static void test_form_encoding(void)
{
	cJSON *arr = cJSON_CreateArray();
	cJSON *e = cJSON_CreateObject();
	cJSON_AddStringToObject(e, "branch", "a b&c=d+e/f~g");
	cJSON_AddStringToObject(e, "project", "\xc3\xbc");
	cJSON_AddNumberToObject(e, "result_value", 64.5);
	cJSON_AddItemToArray(arr, e);
	size_t len = 0;
	char *form = upload_codespeed_form(arr, &len);
	const char *want = "json=%5B%7B%22branch%22%3A%22a%20b%26c%3Dd%2Be%2Ff~g%22%2C%22project%22%3A"
			   "%22%C3%BC%22%2C%22result_value%22%3A64.5%7D%5D";
	CU_ASSERT_STRING_EQUAL(form, want);
	CU_ASSERT_EQUAL(len, strlen(want));
	free(form);
	cJSON_Delete(arr);
}

/* ---- the token ---- */

static void test_loopback_table(void)
{
	static const struct { const char *url; int want; } cases[] = {
		{ "http://127.0.0.1:8000/x", 1 }, { "http://localhost/x", 1 }, { "http://LOCALHOST:80", 1 },
		{ "http://[::1]:8000/", 1 }, { "http://user:p@ss@127.0.0.1/x", 1 },
		{ "http://u:pw@localhost:1/", 1 }, { "http://127.0.0.2/", 1 },
		{ "http://example.org/x", 0 }, { "http://localhost.example.org/", 0 },
		{ "http://127.example.org/", 0 }, { "http://127.0.0.1.nip.io/", 0 },
		{ "http://evil.org/127.0.0.1", 0 }, { "http://localhost@evil.org/", 0 },
		{ "http://127.0.0.1@evil.org/", 0 }, { "not a url", 0 },
	};
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		if (upload_url_is_loopback(cases[i].url) != cases[i].want)
			fprintf(stderr, "\nloopback case %zu: '%s'\n", i, cases[i].url);
		CU_ASSERT_EQUAL(upload_url_is_loopback(cases[i].url), cases[i].want);
	}
}

/* The header for each scheme; errors are upload's, say what to do, and never hold the token. */
static void test_auth_header_table(void)
{
	static const struct {
		const char *token, *scheme;
		int given, rc;
		const char *want; /* the header, or a piece of the message */
	} cases[] = {
		{ "s3cr3t-value", "token", 0, 0, "Authorization: Token s3cr3t-value" },
		{ "s3cr3t-value", "bearer", 0, 0, "Authorization: Bearer s3cr3t-value" },
		{ "user:pa ss", "basic", 0, 0, "Authorization: Basic dXNlcjpwYSBzcw==" },
		{ NULL, "token", 0, 0, NULL },
		{ "", "token", 0, 0, NULL },
		{ NULL, "token", 1, -1, "is not set or empty: put the token in it" },
		{ "s3cr3t-value", "basic", 0, -1, "wants 'user:password'" },
		{ "s3cr3t\r\nX-Evil: 1", "token", 0, -1, "store it without one" },
	};
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		if (cases[i].token)
			setenv("OBJMEM_UNIT_TOKEN", cases[i].token, 1);
		else
			unsetenv("OBJMEM_UNIT_TOKEN");
		char *line = NULL;
		unit_stderr_begin();
		int rc = upload_auth_header("OBJMEM_UNIT_TOKEN", cases[i].given, cases[i].scheme, &line);
		char *err = unit_stderr_end();
		CU_ASSERT_EQUAL(rc, cases[i].rc);
		if (!rc && cases[i].want)
			CU_ASSERT(line && !strcmp(line, cases[i].want));
		if (!rc && !cases[i].want)
			CU_ASSERT_PTR_NULL(line);
		if (rc) {
			CU_ASSERT_PTR_NULL(line);
			CU_ASSERT(!strncmp(err, "error: objmem upload: ", 22));
			CU_ASSERT(strstr(err, cases[i].want) != NULL);
			CU_ASSERT(strstr(err, "s3cr3t") == NULL);
		} else {
			CU_ASSERT_STRING_EQUAL(err, "");
		}
		free(err);
		http_secret_free(line);
	}
	unsetenv("OBJMEM_UNIT_TOKEN");
}

static const struct unit_test upload_tests[] = {
	{ "benchmark names", test_benchmark_names },
	{ "dates for Django", test_django_dates },
	{ "entries of small.json", test_entries_of_fixture },
	{ "form encoding", test_form_encoding },
};

static const struct unit_test token_tests[] = {
	{ "loopback hosts (table)", test_loopback_table },
	{ "Authorization header (table)", test_auth_header_table },
};

static const struct unit_suite suites[] = {
	UNIT_SUITE("upload", upload_tests),
	UNIT_SUITE("token", token_tests),
};

int main(int argc, char **argv)
{
	(void)argc;
	return unit_main(argv[0], suites, ARRAY_SIZE(suites));
}
