/*
 * test_upload.c - the Codespeed payload (benchmark names, dates, the
 * entries of a fixture, the url-encoded form), the token's header and
 * base64, and fetch.c's
 * pieces that need no network (URL redaction, back-off, answer excerpts).
 * Expected values for small.json were computed apart from objmem, with
 * Python's statistics module, on (uss - private_clean) as results.h defines.
 */
#include <math.h>
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

/* ---- fetch ---- */

static void test_url_redact_table(void)
{
	static const struct { const char *in, *want; } cases[] = {
		{ "https://bench.example.org/objmem/base.json", "https://bench.example.org/objmem/base.json" },
		{ "https://user:pw@host/x", "https://***@host/x" },
		{ "http://token@host:8080/x?y=1", "http://***@host:8080/x?***" },
		{ "http://host/x?key=secret#frag", "http://host/x?***" },
		{ "http://host/x#frag", "http://host/x#frag" },
		{ "http://host/a@b", "http://host/a@b" },
		{ "results/x.json", "results/x.json" },
	};
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		char *s = url_redact(cases[i].in);
		if (strcmp(s, cases[i].want))
			fprintf(stderr, "\nredact '%s': '%s'\n", cases[i].in, s);
		CU_ASSERT_STRING_EQUAL(s, cases[i].want);
		free(s);
	}
}

static void test_url_is_remote(void)
{
	CU_ASSERT(url_is_remote("http://x/"));
	CU_ASSERT(url_is_remote("HTTPS://x/"));
	CU_ASSERT(!url_is_remote("ftp://x/"));
	CU_ASSERT(!url_is_remote("http.json"));
	CU_ASSERT(!url_is_remote("/tmp/http://x"));
}

static void test_backoff(void)
{
	struct http_opts o;
	http_opts_init(&o);
	o.retry_delay_s = 0.5;
	CU_ASSERT_DOUBLE_EQUAL(http_backoff_s(&o, 1), 0.5, 1e-12);
	CU_ASSERT_DOUBLE_EQUAL(http_backoff_s(&o, 2), 1.0, 1e-12);
	CU_ASSERT_DOUBLE_EQUAL(http_backoff_s(&o, 4), 4.0, 1e-12);
	CU_ASSERT_DOUBLE_EQUAL(http_backoff_s(&o, 20), 60.0, 1e-12); /* capped */
	o.retry_delay_s = 0;
	CU_ASSERT_DOUBLE_EQUAL(http_backoff_s(&o, 3), 0, 1e-12);
}

static void test_body_excerpt(void)
{
	struct buf b = BUF_INIT;
	buf_addstr(&b, "\r\nEnvironment x not found\nTraceback...\n");
	char *s = http_body_excerpt(&b, 200);
	CU_ASSERT_STRING_EQUAL(s, "Environment x not found");
	free(s);
	buf_reset(&b);
	buf_addstr(&b, "abc\x01\xff""def");
	s = http_body_excerpt(&b, 5);
	CU_ASSERT_STRING_EQUAL(s, "abc??...");
	free(s);
	buf_release(&b);
	struct buf empty = BUF_INIT;
	s = http_body_excerpt(&empty, 10);
	CU_ASSERT_STRING_EQUAL(s, "");
	free(s);
}

static void test_bad_urls_send_nothing(void)
{
	struct http_opts o;
	http_opts_init(&o);
	o.retries = 0;
	struct http_request req = { "GET", "file:///etc/passwd", NULL, NULL, 0, NULL, 1 };
	struct http_response resp;
	char *why = NULL;
	CU_ASSERT_EQUAL(http_perform(&req, &o, &resp, &why), HTTP_BAD_REQUEST);
	CU_ASSERT(why && strstr(why, "http:// and https://"));
	free(why);
	http_response_release(&resp);
	struct results r;
	results_init(&r);
	CU_ASSERT_EQUAL(fetch_results(unit_fixture("results/garbage.json"), &o, &r), -1);
	results_release(&r);
}

static const struct unit_test upload_tests[] = {
	{ "benchmark names", test_benchmark_names },
	{ "dates for Django", test_django_dates },
	{ "entries of small.json", test_entries_of_fixture },
	{ "form encoding", test_form_encoding },
};

static const struct unit_test fetch_tests[] = {
	{ "URL redaction (table)", test_url_redact_table },
	{ "remote or path", test_url_is_remote },
	{ "back-off", test_backoff },
	{ "answer excerpt", test_body_excerpt },
	{ "bad URLs send nothing", test_bad_urls_send_nothing },
};

static const struct unit_suite suites[] = {
	UNIT_SUITE("upload", upload_tests),
	UNIT_SUITE("fetch", fetch_tests),
};

int main(int argc, char **argv)
{
	(void)argc;
	return unit_main(argv[0], suites, ARRAY_SIZE(suites));
}
