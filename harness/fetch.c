/* fetch.c - HTTP with libcurl: options, retries, results from a URL; see fetch.h. */
#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <curl/curl.h>

#include "commands.h"
#include "fetch.h"
#include "results.h"

/* As results.c: a results document larger than this is not one objmem wrote. */
#define FETCH_MAX_BYTES (1024UL * 1024 * 1024)
#define BACKOFF_CAP_S 60.0

static pthread_once_t curl_once = PTHREAD_ONCE_INIT;
static CURLcode curl_init_rc = CURLE_OK;

static void curl_cleanup_at_exit(void)
{
	curl_global_cleanup();
}

static void curl_init_once(void)
{
	curl_init_rc = curl_global_init(CURL_GLOBAL_DEFAULT);
	if (curl_init_rc == CURLE_OK)
		atexit(curl_cleanup_at_exit);
}

void http_opts_init(struct http_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->timeout_s = 30;
	o->connect_timeout_s = 10;
	o->retries = 2;
	o->retry_delay_s = 1;
	o->max_bytes = FETCH_MAX_BYTES;
}

void http_opts_timeout(struct http_opts *o, double s)
{
	o->timeout_s = s;
	if (o->connect_timeout_s > s)
		o->connect_timeout_s = s;
}

void http_response_release(struct http_response *resp)
{
	buf_release(&resp->body);
	memset(resp, 0, sizeof(*resp));
}

int url_is_remote(const char *s)
{
	return !strncasecmp(s, "http://", 7) || !strncasecmp(s, "https://", 8);
}

char *url_redact(const char *url)
{
	const char *scheme_end = strstr(url, "://");
	if (!scheme_end)
		return xstrdup(url);
	const char *host = scheme_end + 3;
	size_t auth_len = strcspn(host, "/?#");
	const char *at = memchr(host, '@', auth_len);
	struct buf b = BUF_INIT;
	buf_add(&b, url, (size_t)(host - url));
	if (at) {
		buf_addstr(&b, "***@");
		host = at + 1;
	}
	size_t path_len = strcspn(host, "?#");
	buf_add(&b, host, path_len);
	if (host[path_len] == '?')
		buf_addstr(&b, "?***"); /* a query may hold a key; its fragment goes with it */
	else
		buf_addstr(&b, host + path_len);
	return buf_detach(&b);
}

char *http_body_excerpt(const struct buf *body, size_t max)
{
	struct buf b = BUF_INIT;
	size_t chars = 0;
	for (size_t i = 0; i < body->len && chars < max; i++) {
		unsigned char c = (unsigned char)body->p[i];
		if (c == '\n' || c == '\r') {
			if (b.len)
				break;
			continue;
		}
		if (c < 0x20 || c == 0x7f || c >= 0x80)
			c = '?';
		buf_add(&b, &c, 1);
		chars++;
	}
	if (chars == max)
		buf_addstr(&b, "...");
	return buf_detach(&b);
}

double http_backoff_s(const struct http_opts *o, int k)
{
	double d = o->retry_delay_s * pow(2, k - 1);
	return d > BACKOFF_CAP_S ? BACKOFF_CAP_S : d;
}

static void sleep_s(double s)
{
	if (!(s > 0))
		return;
	struct timespec ts = { (time_t)s, (long)((s - floor(s)) * 1e9) };
	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}

struct transfer {
	struct buf *body;
	size_t max;
	int too_big;
	double retry_after; /* seconds, from a Retry-After header; 0 if none */
};

static size_t on_body(char *data, size_t size, size_t n, void *arg)
{
	struct transfer *t = arg;
	size_t len = size * n;
	if (t->body->len + len > t->max) {
		t->too_big = 1;
		return 0; /* CURLE_WRITE_ERROR */
	}
	buf_add(t->body, data, len);
	return len;
}

static size_t on_header(char *data, size_t size, size_t n, void *arg)
{
	struct transfer *t = arg;
	size_t len = size * n;
	static const char name[] = "retry-after:";
	if (len > sizeof(name) - 1 && !strncasecmp(data, name, sizeof(name) - 1)) {
		char tmp[32];
		size_t vlen = len - (sizeof(name) - 1);
		if (vlen >= sizeof(tmp))
			vlen = sizeof(tmp) - 1;
		memcpy(tmp, data + sizeof(name) - 1, vlen);
		tmp[vlen] = '\0';
		char *end;
		double v = strtod(tmp, &end);
		/* only the delta-seconds form; an HTTP date is ignored */
		if (end != tmp && v > 0 && isfinite(v))
			t->retry_after = v;
	}
	return len;
}

/* Errors worth another attempt: the server may be back in a moment. */
static int curl_code_transient(CURLcode rc)
{
	switch (rc) {
	case CURLE_COULDNT_RESOLVE_HOST:
	case CURLE_COULDNT_RESOLVE_PROXY:
	case CURLE_COULDNT_CONNECT:
	case CURLE_OPERATION_TIMEDOUT:
	case CURLE_SEND_ERROR:
	case CURLE_RECV_ERROR:
	case CURLE_GOT_NOTHING:
	case CURLE_PARTIAL_FILE:
	case CURLE_SSL_CONNECT_ERROR:
	case CURLE_HTTP2:
	case CURLE_HTTP2_STREAM:
		return 1;
	default:
		return 0;
	}
}

/* Words for a transfer that got no answer, with what to do. */
static char *describe_curl_error(CURLcode rc, const char *errbuf, const struct http_opts *o)
{
	const char *detail = errbuf && *errbuf ? errbuf : curl_easy_strerror(rc);
	switch (rc) {
	case CURLE_OPERATION_TIMEDOUT:
		return xasprintf("no complete answer within %g s (%s); raise --timeout if the "
				 "server is slow", o->timeout_s, detail);
	case CURLE_COULDNT_CONNECT:
		return xasprintf("cannot connect: %s; is the server running and the port right?", detail);
	case CURLE_COULDNT_RESOLVE_HOST:
		return xasprintf("cannot resolve the host name: %s", detail);
	case CURLE_PEER_FAILED_VERIFICATION:
	case CURLE_SSL_CACERT_BADFILE:
		return xasprintf("the server's TLS certificate cannot be verified: %s; install the CA "
				 "certificate (CURL_CA_BUNDLE) or, on a network you trust, turn "
				 "verification off with --insecure", detail);
	case CURLE_UNSUPPORTED_PROTOCOL:
		return xasprintf("only http:// and https:// URLs are accepted (%s)", detail);
	case CURLE_URL_MALFORMAT:
		return xasprintf("malformed URL (%s)", detail);
	case CURLE_TOO_MANY_REDIRECTS:
		return xasprintf("too many redirects (%s)", detail);
	default:
		return xasprintf("%s", detail);
	}
}

static int set_protocols(CURL *h)
{
#if LIBCURL_VERSION_NUM >= 0x075500
	if (curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https") != CURLE_OK ||
	    curl_easy_setopt(h, CURLOPT_REDIR_PROTOCOLS_STR, "http,https") != CURLE_OK)
		return -1;
#else
	if (curl_easy_setopt(h, CURLOPT_PROTOCOLS, (long)(CURLPROTO_HTTP | CURLPROTO_HTTPS)) != CURLE_OK ||
	    curl_easy_setopt(h, CURLOPT_REDIR_PROTOCOLS, (long)(CURLPROTO_HTTP | CURLPROTO_HTTPS)) != CURLE_OK)
		return -1;
#endif
	return 0;
}

/* One attempt. Returns the curl code; the status and body are in resp. */
static CURLcode attempt(CURL *h, struct http_response *resp, struct transfer *t, char *errbuf)
{
	buf_reset(&resp->body);
	t->too_big = 0;
	t->retry_after = 0;
	errbuf[0] = '\0';
	resp->status = 0;
	CURLcode rc = curl_easy_perform(h);
	long status = 0;
	if (curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status) == CURLE_OK)
		resp->status = status;
	return rc;
}

/* The handle's options for req; 0, or -1 when libcurl refused one. */
static int setup_handle(CURL *h, const struct http_request *req, const struct http_opts *o,
			struct transfer *t, char *errbuf)
{
	int post = !strcmp(req->method, "POST"), ok = 1;
#define SET(opt, val) (ok = ok && curl_easy_setopt(h, opt, val) == CURLE_OK)
	SET(CURLOPT_URL, req->url);
	SET(CURLOPT_ERRORBUFFER, errbuf);
	SET(CURLOPT_NOSIGNAL, 1L);
	SET(CURLOPT_USERAGENT, "objmem/" OBJMEM_VERSION);
	SET(CURLOPT_WRITEFUNCTION, on_body);
	SET(CURLOPT_WRITEDATA, t);
	SET(CURLOPT_HEADERFUNCTION, on_header);
	SET(CURLOPT_HEADERDATA, t);
	SET(CURLOPT_TIMEOUT_MS, (long)(o->timeout_s * 1000));
	SET(CURLOPT_CONNECTTIMEOUT_MS, (long)(o->connect_timeout_s * 1000));
	SET(CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)t->max);
	SET(CURLOPT_ACCEPT_ENCODING, "");
	SET(CURLOPT_SSL_VERIFYPEER, o->insecure ? 0L : 1L);
	SET(CURLOPT_SSL_VERIFYHOST, o->insecure ? 0L : 2L);
	/* never CURLOPT_VERBOSE: it would print the Authorization header */
	SET(CURLOPT_VERBOSE, 0L);
	if (post) {
		SET(CURLOPT_POST, 1L);
		SET(CURLOPT_POSTFIELDS, req->body);
		SET(CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)req->body_len);
		SET(CURLOPT_FOLLOWLOCATION, 0L);
	} else {
		SET(CURLOPT_HTTPGET, 1L);
		SET(CURLOPT_FOLLOWLOCATION, req->follow_redirects ? 1L : 0L);
		SET(CURLOPT_MAXREDIRS, 5L);
	}
#undef SET
	return ok && !set_protocols(h) ? 0 : -1;
}

/* The request's headers: content type, no "Expect: 100-continue", authorization. */
static int make_headers(const struct http_request *req, struct curl_slist **out)
{
	const char *lines[3] = { NULL, "Expect:", req->auth_header };
	char *ct = NULL;
	if (!strcmp(req->method, "POST") && req->content_type)
		lines[0] = ct = xasprintf("Content-Type: %s", req->content_type);
	int rc = 0;
	for (size_t i = 0; i < 3 && !rc; i++) {
		if (!lines[i])
			continue;
		struct curl_slist *tmp = curl_slist_append(*out, lines[i]);
		if (tmp)
			*out = tmp;
		else
			rc = -1;
	}
	free(ct);
	return rc;
}

/* What one attempt came to; *retry when another may do better. */
static enum http_outcome classify(CURLcode rc, const struct http_response *resp,
				  const struct transfer *t, const struct http_opts *o,
				  const char *errbuf, char **why, int *retry)
{
	*retry = 0;
	if (rc == CURLE_OK && resp->status >= 200 && resp->status < 300)
		return HTTP_OK;
	if (rc == CURLE_OK && resp->status >= 300 && resp->status < 400) {
		*why = xasprintf("the server answered HTTP %ld (a redirect): give the final URL",
				 resp->status);
		return HTTP_REFUSED;
	}
	if (rc == CURLE_OK) {
		char *ex = http_body_excerpt(&resp->body, 200);
		*why = xasprintf("the server answered HTTP %ld%s%s%s", resp->status,
				 *ex ? " (" : "", ex, *ex ? ")" : "");
		free(ex);
		*retry = resp->status >= 500 && resp->status < 600;
		return HTTP_REFUSED;
	}
	if (t->too_big || rc == CURLE_FILESIZE_EXCEEDED) {
		*why = xasprintf("the answer is larger than %zu bytes: is it the right URL?", t->max);
		return HTTP_REFUSED;
	}
	*why = describe_curl_error(rc, errbuf, o);
	*retry = curl_code_transient(rc);
	return rc == CURLE_URL_MALFORMAT || rc == CURLE_UNSUPPORTED_PROTOCOL
		? HTTP_BAD_REQUEST : HTTP_UNREACHABLE;
}

/* Attempts until one succeeds, one must not be retried, or the retries are spent. */
static enum http_outcome attempts(CURL *h, const struct http_request *req,
				  const struct http_opts *o, struct http_response *resp,
				  struct transfer *t, char *errbuf, char **why)
{
	enum http_outcome outcome;
	for (int k = 0;; k++) {
		resp->attempts = k + 1;
		double t0 = now_s();
		CURLcode rc = attempt(h, resp, t, errbuf);
		int retry;
		free(*why);
		*why = NULL;
		outcome = classify(rc, resp, t, o, errbuf, why, &retry);
		if (o->verbose)
			fprintf(stderr, "objmem: %s attempt %d: %s after %.2f s\n", req->method, k + 1,
				outcome == HTTP_OK ? "ok" : *why, now_s() - t0);
		if (outcome == HTTP_OK || !retry || k >= o->retries)
			break;
		double delay = http_backoff_s(o, k + 1);
		if (t->retry_after > delay)
			delay = t->retry_after > BACKOFF_CAP_S ? BACKOFF_CAP_S : t->retry_after;
		fprintf(stderr, "note: attempt %d of %d failed: %s; retrying in %.1f s\n", k + 1,
			o->retries + 1, *why, delay);
		sleep_s(delay);
	}
	if (outcome != HTTP_OK && resp->attempts > 1) {
		char *w = xasprintf("%s (after %d attempts)", *why, resp->attempts);
		free(*why);
		*why = w;
	}
	return outcome;
}

enum http_outcome http_perform(const struct http_request *req, const struct http_opts *o,
			       struct http_response *resp, char **why)
{
	*why = NULL;
	memset(resp, 0, sizeof(*resp));
	pthread_once(&curl_once, curl_init_once);
	if (curl_init_rc != CURLE_OK) {
		*why = xasprintf("cannot initialise libcurl: %s", curl_easy_strerror(curl_init_rc));
		return HTTP_BAD_REQUEST;
	}
	if (!url_is_remote(req->url)) {
		*why = xstrdup("only http:// and https:// URLs are accepted");
		return HTTP_BAD_REQUEST;
	}
	CURL *h = curl_easy_init();
	if (!h) {
		*why = xstrdup("cannot create a libcurl handle");
		return HTTP_BAD_REQUEST;
	}
	char errbuf[CURL_ERROR_SIZE];
	struct transfer t = { &resp->body, o->max_bytes ? o->max_bytes : FETCH_MAX_BYTES, 0, 0 };
	struct curl_slist *headers = NULL;
	enum http_outcome outcome = HTTP_BAD_REQUEST;
	if (setup_handle(h, req, o, &t, errbuf) || make_headers(req, &headers) ||
	    curl_easy_setopt(h, CURLOPT_HTTPHEADER, headers) != CURLE_OK)
		*why = xstrdup("cannot set up the libcurl transfer (is libcurl too old?)");
	else
		outcome = attempts(h, req, o, resp, &t, errbuf, why);
	curl_slist_free_all(headers);
	curl_easy_cleanup(h);
	return outcome;
}

int fetch_results(const char *source, const struct http_opts *o, struct results *r)
{
	if (!url_is_remote(source))
		return results_load(source, r);
	char *shown = url_redact(source);
	struct http_request req = { "GET", source, NULL, NULL, 0, NULL, 1 };
	struct http_response resp;
	char *why = NULL;
	int rc = -1;
	enum http_outcome out = http_perform(&req, o, &resp, &why);
	if (out != HTTP_OK)
		error("cannot fetch '%s': %s", shown, why);
	else
		rc = results_parse(resp.body.p ? resp.body.p : "", resp.body.len, r, shown);
	free(why);
	free(shown);
	http_response_release(&resp);
	return rc;
}
