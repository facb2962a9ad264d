/*
 * test_fetch.c - fetch.c's pieces that need no network: URL authority,
 * redaction and checks, the secrets a request carries and how they are
 * hidden in text from outside (a server's answer, libcurl's error), answer
 * excerpts, base64, back-off, and URLs that must send nothing. The
 * transfers themselves (answers cut short, not HTTP, echoed secrets) are
 * tests/e2e/upload.sh's, against a real server.
 */
#include <stdlib.h>
#include <string.h>

#include "fetch.h"
#include "results.h"
#include "unit.h"

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
		/* a password with unencoded '@': all of it, up to the last '@' */
		{ "http://user:p@ss@host/x", "http://***@host/x" },
		{ "http://u:a@b@c@host:8/x?k=1", "http://***@host:8/x?***" },
		{ "http://user:p@ss@host", "http://***@host" },
		{ "http://user:p@ss@host?q", "http://***@host?***" },
		{ "http://@host/", "http://***@host/" },
	};
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		char *s = url_redact(cases[i].in);
		if (strcmp(s, cases[i].want))
			fprintf(stderr, "\nredact case %zu: '%s'\n", i, s);
		CU_ASSERT_STRING_EQUAL(s, cases[i].want);
		free(s);
	}
}

static void test_url_authority_table(void)
{
	static const struct {
		const char *url, *userinfo, *host;
		int ats, rc;
	} cases[] = {
		{ "http://host:80/x", NULL, "host:80", 0, 0 },
		{ "https://u:p@host/x", "u:p", "host", 1, 0 },
		{ "http://u:p@ss@127.0.0.1:9/x?y@z", "u:p@ss", "127.0.0.1:9", 2, 0 },
		{ "http://host/a@b", NULL, "host", 0, 0 },
		{ "http://[::1]:8000/", NULL, "[::1]:8000", 0, 0 },
		{ "http://host?x@y", NULL, "host", 0, 0 },
		{ "no-scheme@host", NULL, NULL, 0, -1 },
	};
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct url_authority a;
		CU_ASSERT_EQUAL(url_authority(cases[i].url, &a), cases[i].rc);
		if (cases[i].rc)
			continue;
		CU_ASSERT_EQUAL(a.ats, cases[i].ats);
		if (cases[i].userinfo) {
			CU_ASSERT(a.userinfo && a.userinfo_len == strlen(cases[i].userinfo) &&
				  !memcmp(a.userinfo, cases[i].userinfo, a.userinfo_len));
		} else {
			CU_ASSERT_PTR_NULL(a.userinfo);
		}
		CU_ASSERT(a.host_len == strlen(cases[i].host) &&
			  !memcmp(a.host, cases[i].host, a.host_len));
	}
}

static void test_url_check_table(void)
{
	static const struct { const char *url; int rc; } cases[] = {
		{ "http://127.0.0.1:8000/x", 0 },
		{ "http://user:p%40ss@host/x", 0 },
		{ "http://host/a@b@c", 0 },
		{ "http://user:p@ss@host/x", -1 },
		{ "http://a@b@host/", -1 },
	};
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		char *why = NULL;
		CU_ASSERT_EQUAL(url_check(cases[i].url, &why), cases[i].rc);
		if (cases[i].rc) {
			/* says what to write, and repeats no part of the URL */
			CU_ASSERT(why && strstr(why, "%40") && !strstr(why, "ss@") && !strstr(why, "p@"));
		} else {
			CU_ASSERT_PTR_NULL(why);
		}
		free(why);
	}
}

static void test_base64_table(void)
{
	static const struct { const char *in, *want; } cases[] = {
		{ "", "" }, { "f", "Zg==" }, { "fo", "Zm8=" }, { "foo", "Zm9v" }, { "foob", "Zm9vYg==" },
		{ "user:pa ss", "dXNlcjpwYSBzcw==" }, { "u:\xc3\xa4", "dTrDpA==" },
	};
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		char *s = http_base64(cases[i].in, strlen(cases[i].in));
		CU_ASSERT_STRING_EQUAL(s, cases[i].want);
		free(s);
	}
}

/*
 * A request's secrets, and text a server could send back: every form of
 * every secret becomes ***, the rest stays as it was.
 */
static void test_redact_request_table(void)
{
	static const struct { const char *url, *auth, *text, *want; } cases[] = {
		{ "http://h/x", "Authorization: Token s3cr3t-tok",
		  "you sent Authorization: Token s3cr3t-tok (s3cr3t-tok)", "you sent Authorization: *** (***)" },
		{ "http://h/x", "Authorization: Bearer abc.def",
		  "Bearer abc.def;abc.defabc.def", "***;******" },
		/* Basic: the header value, its base64, the decoded user:password, the password */
		{ "http://h/x", "Authorization: Basic dXNlcjpwYSBzcw==",
		  "[Basic dXNlcjpwYSBzcw==] [dXNlcjpwYSBzcw==] [user:pa ss] [pa ss] [user]",
		  "[***] [***] [***] [***] [user]" },
		/* a credential that is not base64: still hidden, nothing decoded */
		{ "http://h/x", "Authorization: Basic !!not-base64", "Basic !!not-base64 and !!not-base64",
		  "*** and ***" },
		/* a URL's user:password: as written, decoded, the password, libcurl's base64 */
		{ "http://bench:p%40ss@h/x", NULL,
		  "p%40ss p@ss bench:p@ss bench:p%40ss YmVuY2g6cEBzcw== bench",
		  "*** *** *** *** *** bench" },
		/* a user alone (a token as user name): it, and base64("user:") */
		{ "http://tok3n@h/x", NULL, "tok3n dG9rM246", "*** ***" },
		/* an unencoded '@': the whole password */
		{ "http://u:p@ss-word@h/", NULL, "p@ss-word u:p@ss-word", "*** ***" },
		{ "http://h/x", NULL, "nothing secret here", "nothing secret here" },
		{ NULL, NULL, "", "" },
	};
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct http_secrets s = HTTP_SECRETS_INIT;
		http_secrets_of_request(&s, cases[i].url, cases[i].auth);
		size_t n = 0;
		char *got = http_secrets_redact(&s, cases[i].text, strlen(cases[i].text), &n);
		if (strcmp(got, cases[i].want))
			fprintf(stderr, "\nredact request case %zu: '%s'\n", i, got);
		CU_ASSERT_STRING_EQUAL(got, cases[i].want);
		CU_ASSERT_EQUAL(n, strlen(cases[i].want));
		free(got);
		http_secrets_release(&s);
	}
}

static void test_secrets_add(void)
{
	struct http_secrets s = HTTP_SECRETS_INIT;
	http_secrets_add(&s, "pw", 2);
	http_secrets_add(&s, "", 0);
	http_secrets_add(&s, NULL, 3);
	http_secrets_add(&s, "user:pw", 7);
	http_secrets_add(&s, "pw", 2);
	CU_ASSERT_EQUAL(s.v.n, 2);              /* empty and repeated ones left out */
	CU_ASSERT_STRING_EQUAL(s.v.v[0], "user:pw"); /* longest first */
	/* binary text: NUL bytes kept, the secret after them still found */
	static const char text[] = "a\0pw\0user:pw";
	size_t n = 0;
	char *got = http_secrets_redact(&s, text, sizeof(text) - 1, &n);
	CU_ASSERT_EQUAL(n, 9);
	CU_ASSERT(!memcmp(got, "a\0***\0***", 9));
	free(got);
	http_secrets_release(&s);
	CU_ASSERT_EQUAL(s.v.n, 0);
	http_secret_free(NULL);
}

static void test_body_excerpt(void)
{
	struct buf b = BUF_INIT;
	buf_addstr(&b, "\r\nEnvironment x not found\nTraceback...\n");
	char *s = http_body_excerpt(&b, 200, NULL);
	CU_ASSERT_STRING_EQUAL(s, "Environment x not found");
	free(s);
	buf_reset(&b);
	buf_addstr(&b, "abc\x01\xff""def");
	s = http_body_excerpt(&b, 5, NULL);
	CU_ASSERT_STRING_EQUAL(s, "abc??...");
	free(s);
	buf_release(&b);
	struct buf empty = BUF_INIT;
	s = http_body_excerpt(&empty, 10, NULL);
	CU_ASSERT_STRING_EQUAL(s, "");
	free(s);
}

/* Secrets are hidden before the line is cut or made printable: no prefix of one survives. */
static void test_excerpt_hides_secrets(void)
{
	static const struct { const char *body; size_t max; const char *want; } cases[] = {
		{ "12345678S3CR3T-TOKEN tail", 10, "12345678**..." },
		{ "ok S3CR3T-TOKEN", 200, "ok ***" },
		{ "\n\nfirst S3CR3T-TOKEN\nsecond S3CR3T-TOKEN", 200, "first ***" },
		{ "p\xc3\xa4ss p\xc3\xa4ss!", 200, "*** ***!" },
	};
	struct http_secrets s = HTTP_SECRETS_INIT;
	http_secrets_add(&s, "S3CR3T-TOKEN", 12);
	http_secrets_add(&s, "p\xc3\xa4ss", 5);
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct buf b = BUF_INIT;
		buf_addstr(&b, cases[i].body);
		char *got = http_body_excerpt(&b, cases[i].max, &s);
		if (strcmp(got, cases[i].want))
			fprintf(stderr, "\nexcerpt case %zu: '%s'\n", i, got);
		CU_ASSERT_STRING_EQUAL(got, cases[i].want);
		free(got);
		buf_release(&b);
	}
	http_secrets_release(&s);
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

static void test_bad_urls_send_nothing(void)
{
	static const struct { const char *url, *why; } cases[] = {
		{ "file:///etc/passwd", "http:// and https://" },
		{ "http://user:p@ss@127.0.0.1:1/x", "%40" },
	};
	struct http_opts o;
	http_opts_init(&o);
	o.retries = 0;
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct http_request req = { "GET", cases[i].url, NULL, NULL, 0, NULL, 1 };
		struct http_response resp;
		char *why = NULL;
		CU_ASSERT_EQUAL(http_perform(&req, &o, &resp, &why), HTTP_BAD_REQUEST);
		CU_ASSERT(why && strstr(why, cases[i].why));
		CU_ASSERT_EQUAL(resp.attempts, 0);
		free(why);
		http_response_release(&resp);
	}
	struct results r;
	results_init(&r);
	CU_ASSERT_EQUAL(fetch_results(unit_fixture("results/garbage.json"), &o, &r), -1);
	results_release(&r);
}

static const struct unit_test url_tests[] = {
	{ "URL redaction (table)", test_url_redact_table },
	{ "URL authority (table)", test_url_authority_table },
	{ "URL check (table)", test_url_check_table },
	{ "remote or path", test_url_is_remote },
};

static const struct unit_test secret_tests[] = {
	{ "base64 (table)", test_base64_table },
	{ "a request's secrets hidden (table)", test_redact_request_table },
	{ "adding secrets", test_secrets_add },
	{ "answer excerpt", test_body_excerpt },
	{ "excerpt hides secrets before cutting (table)", test_excerpt_hides_secrets },
};

static const struct unit_test transfer_tests[] = {
	{ "back-off", test_backoff },
	{ "bad URLs send nothing (table)", test_bad_urls_send_nothing },
};

static const struct unit_suite suites[] = {
	UNIT_SUITE("url", url_tests),
	UNIT_SUITE("secrets", secret_tests),
	UNIT_SUITE("transfer", transfer_tests),
};

int main(int argc, char **argv)
{
	(void)argc;
	return unit_main(argv[0], suites, ARRAY_SIZE(suites));
}
