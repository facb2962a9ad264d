/* fetch.c - HTTP with libcurl: options, retries, results from a URL; see fetch.h. */
#include <dlfcn.h>
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

/*
 * libcurl, loaded the first time a URL is read or sent: linked, its
 * libraries (TLS, Kerberos, LDAP, ...: some thirty) cost every command
 * about 12 ms of start-up, whether it touches the network or not.
 */
static struct {
	__typeof__(curl_global_init) *global_init;
	__typeof__(curl_global_cleanup) *global_cleanup;
	__typeof__(curl_easy_init) *easy_init;
	__typeof__(curl_easy_setopt) *easy_setopt;
	__typeof__(curl_easy_perform) *easy_perform;
	__typeof__(curl_easy_getinfo) *easy_getinfo;
	__typeof__(curl_easy_cleanup) *easy_cleanup;
	__typeof__(curl_easy_strerror) *easy_strerror;
	__typeof__(curl_slist_append) *slist_append;
	__typeof__(curl_slist_free_all) *slist_free_all;
} lib;

static pthread_once_t curl_once = PTHREAD_ONCE_INIT;
static char *curl_init_error;   /* why libcurl cannot be used, or NULL */

static void curl_cleanup_at_exit(void)
{
	lib.global_cleanup();
}

static int load_symbol(void *so, const char *name, void *fn, size_t size)
{
	void *sym = dlsym(so, name);
	if (!sym)
		return -1;
	memcpy(fn, &sym, size);   /* a function pointer from dlsym, as POSIX allows */
	return 0;
}

static void curl_init_once(void)
{
	static const char so_name[] = "libcurl.so.4";
	void *so = dlopen(so_name, RTLD_NOW | RTLD_LOCAL);
	if (!so) {
		curl_init_error = xasprintf("cannot load libcurl (%s): install it (Debian: "
					    "apt-get install libcurl4) to read or send URLs",
					    dlerror());
		return;
	}
#define LOAD(f) load_symbol(so, "curl_" #f, &lib.f, sizeof(lib.f))
	if (LOAD(global_init) || LOAD(global_cleanup) || LOAD(easy_init) || LOAD(easy_setopt) ||
	    LOAD(easy_perform) || LOAD(easy_getinfo) || LOAD(easy_cleanup) ||
	    LOAD(easy_strerror) || LOAD(slist_append) || LOAD(slist_free_all)) {
		curl_init_error = xasprintf("%s lacks a function objmem calls (%s): install a "
					    "newer libcurl4", so_name, dlerror());
		return;
	}
#undef LOAD
	CURLcode rc = lib.global_init(CURL_GLOBAL_DEFAULT);
	if (rc != CURLE_OK)
		curl_init_error = xasprintf("cannot initialise libcurl: %s",
					    lib.easy_strerror(rc));
	else
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
	free(resp->cut);
	http_secrets_release(&resp->secrets);
	memset(resp, 0, sizeof(*resp));
}

int url_is_remote(const char *s)
{
	return !strncasecmp(s, "http://", 7) || !strncasecmp(s, "https://", 8);
}

int url_authority(const char *url, struct url_authority *a)
{
	memset(a, 0, sizeof(*a));
	const char *scheme_end = strstr(url, "://");
	if (!scheme_end)
		return -1;
	const char *start = scheme_end + 3;
	size_t len = strcspn(start, "/?#");
	const char *at = NULL;
	for (const char *p = start; p < start + len; p++)
		if (*p == '@') {
			at = p;
			a->ats++;
		}
	a->host = at ? at + 1 : start;
	a->host_len = (size_t)(start + len - a->host);
	if (at) {
		a->userinfo = start;
		a->userinfo_len = (size_t)(at - start);
	}
	return 0;
}

int url_check(const char *url, char **why)
{
	struct url_authority a;
	*why = NULL;
	if (!url_authority(url, &a) && a.ats > 1) {
		*why = xstrdup("the user:password before the host holds an '@' that is not "
			       "percent-encoded, which libcurl refuses: write each '@' in the user "
			       "name and password as %40");
		return -1;
	}
	return 0;
}

char *url_redact(const char *url)
{
	struct url_authority a;
	if (url_authority(url, &a))
		return xstrdup(url);
	struct buf b = BUF_INIT;
	const char *start = a.userinfo ? a.userinfo : a.host;
	buf_add(&b, url, (size_t)(start - url));
	if (a.userinfo)
		buf_addstr(&b, "***@");
	size_t path_len = strcspn(a.host, "?#");
	buf_add(&b, a.host, path_len);
	if (a.host[path_len] == '?')
		buf_addstr(&b, "?***"); /* a query may hold a key; its fragment goes with it */
	else
		buf_addstr(&b, a.host + path_len);
	return buf_detach(&b);
}

/* ---- secrets ---- */

void http_secret_free(char *s)
{
	if (!s)
		return;
	volatile char *p = s;
	while (*p)
		*p++ = 0;
	free(s);
}

void http_secrets_release(struct http_secrets *s)
{
	for (size_t i = 0; i < s->v.n; i++) {
		http_secret_free(s->v.v[i]);
		s->v.v[i] = NULL;
	}
	strvec_clear(&s->v);
}

void http_secrets_add(struct http_secrets *s, const char *secret, size_t len)
{
	if (!secret || !len)
		return;
	for (size_t i = 0; i < s->v.n; i++)
		if (strlen(s->v.v[i]) == len && !memcmp(s->v.v[i], secret, len))
			return;
	strvec_push_nodup(&s->v, xstrndup(secret, len));
	/* longest first, so "user:pw" is hidden whole before "pw" is looked for */
	for (size_t i = s->v.n - 1; i > 0 && strlen(s->v.v[i]) > strlen(s->v.v[i - 1]); i--) {
		char *t = s->v.v[i];
		s->v.v[i] = s->v.v[i - 1];
		s->v.v[i - 1] = t;
	}
}

char *http_base64(const char *s, size_t n)
{
	static const char tbl[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	struct buf b = BUF_INIT;
	for (size_t i = 0; i < n; i += 3) {
		unsigned v = (unsigned)(unsigned char)s[i] << 16;
		if (i + 1 < n)
			v |= (unsigned)(unsigned char)s[i + 1] << 8;
		if (i + 2 < n)
			v |= (unsigned char)s[i + 2];
		char out[4] = { tbl[(v >> 18) & 63], tbl[(v >> 12) & 63],
				i + 1 < n ? tbl[(v >> 6) & 63] : '=', i + 2 < n ? tbl[v & 63] : '=' };
		buf_add(&b, out, 4);
	}
	return buf_detach(&b);
}

static int base64_value(char c)
{
	static const char tbl[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	const char *p = c ? strchr(tbl, c) : NULL;
	return p ? (int)(p - tbl) : -1;
}

/* The bytes base64 text stands for (padding optional), or NULL when it is not base64. */
static char *base64_decode(const char *s, size_t n, size_t *out_len)
{
	while (n && s[n - 1] == '=')
		n--;
	struct buf b = BUF_INIT;
	unsigned acc = 0;
	int bits = 0;
	for (size_t i = 0; i < n; i++) {
		int v = base64_value(s[i]);
		if (v < 0) {
			http_secret_free(buf_detach(&b));
			return NULL;
		}
		acc = (acc << 6 | (unsigned)v) & 0xffffff;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			char c = (char)(acc >> bits & 0xff);
			buf_add(&b, &c, 1);
		}
	}
	*out_len = b.len;
	return buf_detach(&b);
}

/* "user:password": it, and the password after the first ':'. */
static void add_user_password(struct http_secrets *s, const char *up, size_t n)
{
	http_secrets_add(s, up, n);
	const char *colon = memchr(up, ':', n);
	if (colon)
		http_secrets_add(s, colon + 1, n - (size_t)(colon + 1 - up));
}

/* "Authorization: Scheme credential": the value, the credential, Basic decoded. */
static void secrets_of_auth(struct http_secrets *s, const char *line)
{
	const char *v = strchr(line, ':');
	v = v ? v + 1 : line;
	v += strspn(v, " \t");
	http_secrets_add(s, v, strlen(v));
	const char *sp = strchr(v, ' ');
	if (!sp)
		return;
	const char *cred = sp + strspn(sp, " ");
	http_secrets_add(s, cred, strlen(cred));
	size_t n;
	char *plain;
	if (!strncasecmp(v, "Basic ", 6) && (plain = base64_decode(cred, strlen(cred), &n))) {
		add_user_password(s, plain, n);
		http_secret_free(plain);
	}
}

static int hex_value(char c)
{
	return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10
		: c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

/* %XX decoded, as libcurl decodes a URL's user and password. */
static char *percent_decode(const char *s, size_t n, size_t *out_len)
{
	char *out = xmalloc(n + 1);
	size_t k = 0;
	for (size_t i = 0; i < n; i++) {
		int hi, lo;
		if (s[i] == '%' && i + 2 < n && (hi = hex_value(s[i + 1])) >= 0 &&
		    (lo = hex_value(s[i + 2])) >= 0) {
			out[k++] = (char)(hi << 4 | lo);
			i += 2;
		} else {
			out[k++] = s[i];
		}
	}
	out[k] = '\0';
	*out_len = k;
	return out;
}

/* A URL's userinfo: as written, decoded, the passwords, and libcurl's Basic credential. */
static void secrets_of_url(struct http_secrets *s, const char *url)
{
	struct url_authority a;
	if (url_authority(url, &a) || !a.userinfo || !a.userinfo_len)
		return;
	add_user_password(s, a.userinfo, a.userinfo_len);
	size_t n;
	char *plain = percent_decode(a.userinfo, a.userinfo_len, &n);
	add_user_password(s, plain, n);
	/* libcurl sends base64("user:password"), and "user:" for a user alone */
	char *up = memchr(plain, ':', n) ? xstrdup(plain) : xasprintf("%s:", plain);
	char *enc = http_base64(up, strlen(up));
	http_secrets_add(s, enc, strlen(enc));
	http_secret_free(enc);
	http_secret_free(up);
	http_secret_free(plain);
}

void http_secrets_of_request(struct http_secrets *s, const char *url, const char *auth_header)
{
	if (url)
		secrets_of_url(s, url);
	if (auth_header)
		secrets_of_auth(s, auth_header);
}

char *http_secrets_redact(const struct http_secrets *s, const char *text, size_t len,
			  size_t *out_len)
{
	struct buf cur = BUF_INIT;
	buf_add(&cur, text, len);
	for (size_t i = 0; s && i < s->v.n; i++) {
		const char *sec = s->v.v[i];
		size_t n = strlen(sec), at = 0;
		const char *hit = memmem(cur.p, cur.len, sec, n);
		if (!hit)
			continue;
		struct buf next = BUF_INIT;
		for (; hit; hit = memmem(cur.p + at, cur.len - at, sec, n)) {
			buf_add(&next, cur.p + at, (size_t)(hit - (cur.p + at)));
			buf_addstr(&next, "***");
			at = (size_t)(hit - cur.p) + n;
		}
		buf_add(&next, cur.p + at, cur.len - at);
		http_secret_free(buf_detach(&cur));
		cur = next;
	}
	if (out_len)
		*out_len = cur.len;
	return buf_detach(&cur);
}

char *http_body_excerpt(const struct buf *body, size_t max, const struct http_secrets *s)
{
	/* the first non-empty line, whole: secrets are hidden before it is cut */
	size_t start = 0, end;
	while (start < body->len && (body->p[start] == '\n' || body->p[start] == '\r'))
		start++;
	for (end = start; end < body->len && body->p[end] != '\n' && body->p[end] != '\r'; end++)
		;
	size_t n = 0;
	char *line = http_secrets_redact(s, body->p ? body->p + start : "", end - start, &n);
	struct buf b = BUF_INIT;
	size_t chars = 0;
	for (size_t i = 0; i < n && chars < max; i++, chars++) {
		unsigned char c = (unsigned char)line[i];
		if (c < 0x20 || c == 0x7f || c >= 0x80)
			c = '?';
		buf_add(&b, &c, 1);
	}
	if (chars == max && n > max)
		buf_addstr(&b, "...");
	free(line);
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
	int connected;      /* libcurl reached the peer (it knows its address) */
	double retry_after; /* seconds, from a Retry-After header; 0 if none */
	const struct http_secrets *secrets;
};

static size_t on_body(char *data, size_t size, size_t n, void *arg)
{
	struct transfer *t = arg;
	size_t len = size * n;
	if (t->body->len + len > t->max) {
		/* the start is kept for the excerpt */
		buf_add(t->body, data, t->max - t->body->len);
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

/* Words for a transfer that got no answer, with what to do; detail is redacted. */
static char *describe_curl_error(CURLcode rc, const char *detail, const struct http_opts *o)
{
	switch (rc) {
	case CURLE_OPERATION_TIMEDOUT:
		return xasprintf("no complete answer within %g s (%s); raise --timeout if the "
				 "server is slow", o->timeout_s, detail);
	case CURLE_COULDNT_CONNECT:
		return xasprintf("cannot connect: %s; is the server running and the port right?", detail);
	case CURLE_COULDNT_RESOLVE_HOST:
		return xasprintf("cannot resolve the host name: %s; check the host in the URL", detail);
	case CURLE_PEER_FAILED_VERIFICATION:
	case CURLE_SSL_CACERT_BADFILE:
		return xasprintf("the server's TLS certificate cannot be verified: %s; install the CA "
				 "certificate (CURL_CA_BUNDLE) or, on a network you trust, turn "
				 "verification off with --insecure", detail);
	case CURLE_SSL_CONNECT_ERROR:
		return xasprintf("the TLS handshake failed (%s); if the server speaks plain HTTP on "
				 "that port, use http://", detail);
	case CURLE_GOT_NOTHING:
		return xasprintf("the server closed the connection without answering (%s); check "
				 "the URL: it must be an HTTP server's endpoint (https:// if that "
				 "port speaks TLS)", detail);
	case CURLE_SEND_ERROR:
	case CURLE_RECV_ERROR:
		return xasprintf("the connection broke before any answer (%s); the server may have "
				 "restarted, or that port is not an HTTP server's (https:// if it "
				 "speaks TLS): check the URL, then run again", detail);
	case CURLE_UNSUPPORTED_PROTOCOL:
		return xasprintf("only http:// and https:// URLs are accepted (%s)", detail);
	case CURLE_URL_MALFORMAT:
		return xasprintf("malformed URL (%s); check its form: scheme://host[:port]/path", detail);
	case CURLE_TOO_MANY_REDIRECTS:
		return xasprintf("too many redirects (%s); give the final URL", detail);
	default:
		return xasprintf("%s; check the URL and the network, then run again", detail);
	}
}

/* Why an answer whose status arrived was not read to its end. */
static char *describe_cut(CURLcode rc, const char *detail, const struct transfer *t,
			  const struct http_opts *o)
{
	if (t->too_big || rc == CURLE_FILESIZE_EXCEEDED)
		return xasprintf("its answer is larger than %zu bytes and was not read to the end",
				 t->max);
	if (rc == CURLE_OPERATION_TIMEDOUT)
		return xasprintf("its answer did not arrive whole within %g s", o->timeout_s);
	return xasprintf("the connection broke while its answer was read (%s)", detail);
}

static int set_protocols(CURL *h)
{
#if LIBCURL_VERSION_NUM >= 0x075500
	if (lib.easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https") != CURLE_OK ||
	    lib.easy_setopt(h, CURLOPT_REDIR_PROTOCOLS_STR, "http,https") != CURLE_OK)
		return -1;
#else
	if (lib.easy_setopt(h, CURLOPT_PROTOCOLS, (long)(CURLPROTO_HTTP | CURLPROTO_HTTPS)) != CURLE_OK ||
	    lib.easy_setopt(h, CURLOPT_REDIR_PROTOCOLS, (long)(CURLPROTO_HTTP | CURLPROTO_HTTPS)) != CURLE_OK)
		return -1;
#endif
	return 0;
}

/* One attempt. Returns the curl code; the status and body are in resp. */
static CURLcode attempt(CURL *h, struct http_response *resp, struct transfer *t, char *errbuf)
{
	buf_reset(&resp->body);
	free(resp->cut);
	resp->cut = NULL;
	t->too_big = 0;
	t->connected = 0;
	t->retry_after = 0;
	errbuf[0] = '\0';
	resp->status = 0;
	CURLcode rc = lib.easy_perform(h);
	long status = 0;
	char *ip = NULL;
	if (lib.easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status) == CURLE_OK)
		resp->status = status;
	if (lib.easy_getinfo(h, CURLINFO_PRIMARY_IP, &ip) == CURLE_OK && ip && *ip)
		t->connected = 1;
	return rc;
}

/* The handle's options for req; 0, or -1 when libcurl refused one. */
static int setup_handle(CURL *h, const struct http_request *req, const struct http_opts *o,
			struct transfer *t, char *errbuf)
{
	int post = !strcmp(req->method, "POST"), ok = 1;
#define SET(opt, val) (ok = ok && lib.easy_setopt(h, opt, val) == CURLE_OK)
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
#if LIBCURL_VERSION_NUM >= 0x074000
	/* an answer without a status line is not HTTP: an error, never a body */
	SET(CURLOPT_HTTP09_ALLOWED, 0L);
#endif
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
		struct curl_slist *tmp = lib.slist_append(*out, lines[i]);
		if (tmp)
			*out = tmp;
		else
			rc = -1;
	}
	free(ct);
	return rc;
}

/*
 * An attempt that got a final status: the status decides. A 2xx to a POST
 * is a success whatever happened to the body (resp->cut says what): the
 * server took the upload, and another attempt would store it twice.
 */
static enum http_outcome classify_status(CURLcode rc, const struct http_request *req,
					 struct http_response *resp, const struct transfer *t,
					 const struct http_opts *o, const char *detail,
					 char **why, int *retry)
{
	long st = resp->status;
	char *cut = rc == CURLE_OK ? NULL : describe_cut(rc, detail, t, o);
	enum http_outcome out = HTTP_REFUSED;
	if (st < 300 && (!cut || !strcmp(req->method, "POST"))) {
		resp->cut = cut;
		return HTTP_OK;
	}
	if (st < 300 && (t->too_big || rc == CURLE_FILESIZE_EXCEEDED)) {
		*why = xasprintf("the answer is larger than %zu bytes: is it the right URL?", t->max);
	} else if (st < 300) {
		/* a GET cut short: what arrived is not the document; asking again is safe */
		*why = xasprintf("the server answered HTTP %ld, but %s", st, cut);
		*retry = curl_code_transient(rc);
		out = HTTP_UNREACHABLE;
	} else if (st < 400) {
		*why = xasprintf("the server answered HTTP %ld (a redirect): give the final URL", st);
	} else {
		char *ex = http_body_excerpt(&resp->body, 200, t->secrets);
		*why = xasprintf("the server answered HTTP %ld%s%s%s%s%s", st, *ex ? " (" : "", ex,
				 *ex ? ")" : "", cut ? "; " : "", cut ? cut : "");
		free(ex);
		*retry = st >= 500 && st < 600;
	}
	free(cut);
	return out;
}

/* What one attempt came to; *retry when another may do better. detail is redacted. */
static enum http_outcome classify(CURLcode rc, const struct http_request *req,
				  struct http_response *resp, const struct transfer *t,
				  const struct http_opts *o, const char *detail, char **why,
				  int *retry)
{
	*retry = 0;
	if (resp->status >= 200)
		return classify_status(rc, req, resp, t, o, detail, why, retry);
	/* the URL was checked before: a protocol error from a peer is its answer's */
	if (rc == CURLE_OK || (t->connected && (rc == CURLE_UNSUPPORTED_PROTOCOL ||
						rc == CURLE_WEIRD_SERVER_REPLY))) {
		*why = xasprintf("the answer is not HTTP (%s): check that the URL's host and port "
				 "are the HTTP server's, and use https:// if that port speaks TLS",
				 rc == CURLE_OK ? "no status line" : detail);
		return HTTP_UNREACHABLE;
	}
	*why = describe_curl_error(rc, detail, o);
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
		const char *raw = *errbuf ? errbuf : lib.easy_strerror(rc);
		char *detail = http_secrets_redact(t->secrets, raw, strlen(raw), NULL);
		outcome = classify(rc, req, resp, t, o, detail, why, &retry);
		free(detail);
		if (o->verbose)
			fprintf(stderr, "objmem: %s attempt %d: %s%s after %.2f s\n", req->method, k + 1,
				outcome == HTTP_OK ? "ok" : *why,
				outcome == HTTP_OK && resp->cut ? ", but its answer was cut short" : "",
				now_s() - t0);
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
	if (curl_init_error) {
		*why = xstrdup(curl_init_error);
		return HTTP_BAD_REQUEST;
	}
	if (!url_is_remote(req->url)) {
		*why = xstrdup("only http:// and https:// URLs are accepted");
		return HTTP_BAD_REQUEST;
	}
	if (url_check(req->url, why))
		return HTTP_BAD_REQUEST;
	http_secrets_of_request(&resp->secrets, req->url, req->auth_header);
	CURL *h = lib.easy_init();
	if (!h) {
		*why = xstrdup("cannot create a libcurl handle");
		return HTTP_BAD_REQUEST;
	}
	char errbuf[CURL_ERROR_SIZE];
	struct transfer t = { &resp->body, o->max_bytes ? o->max_bytes : FETCH_MAX_BYTES, 0, 0, 0,
			      &resp->secrets };
	struct curl_slist *headers = NULL;
	enum http_outcome outcome = HTTP_BAD_REQUEST;
	if (setup_handle(h, req, o, &t, errbuf) || make_headers(req, &headers) ||
	    lib.easy_setopt(h, CURLOPT_HTTPHEADER, headers) != CURLE_OK)
		*why = xstrdup("cannot set up the libcurl transfer (is libcurl too old?)");
	else
		outcome = attempts(h, req, o, resp, &t, errbuf, why);
	lib.slist_free_all(headers);
	lib.easy_cleanup(h);
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
	if (out != HTTP_OK) {
		error("cannot fetch '%s': %s", shown, why);
	} else if (!resp.secrets.v.n) {
		rc = results_parse(resp.body.p ? resp.body.p : "", resp.body.len, r, shown);
	} else {
		/* a parse error quotes the text: a server that echoes the URL's password must not */
		size_t n = 0;
		char *text = http_secrets_redact(&resp.secrets, resp.body.p ? resp.body.p : "",
						 resp.body.len, &n);
		rc = results_parse(text, n, r, shown);
		free(text);
	}
	free(why);
	free(shown);
	http_response_release(&resp);
	return rc;
}

struct fetch_job {
	const char *source;
	const struct http_opts *o;
	struct results *r;
	struct buf messages;
	int rc;
};

static void *fetch_job_run(void *arg)
{
	struct fetch_job *j = arg;
	struct buf *outer = report_capture(&j->messages);
	j->rc = fetch_results(j->source, j->o, j->r);
	report_capture(outer);
	return NULL;
}

enum { FETCH_THREADS = 4 };

int fetch_results_many(const char *const *sources, size_t n, const struct http_opts *o,
		       struct results *rs)
{
	size_t width = worker_threads(FETCH_THREADS);
	for (size_t at = 0; at < n; at += width) {
		struct fetch_job jobs[FETCH_THREADS];
		pthread_t tid[FETCH_THREADS];
		size_t k = n - at < width ? n - at : width;
		for (size_t i = 0; i < k; i++) {
			jobs[i] = (struct fetch_job){ sources[at + i], o, &rs[at + i], BUF_INIT, 0 };
			if (k == 1 || pthread_create(&tid[i], NULL, fetch_job_run, &jobs[i]))
				tid[i] = 0, fetch_job_run(&jobs[i]); /* alone, or no thread to be had */
		}
		int failed = 0;
		for (size_t i = 0; i < k; i++) {
			if (tid[i])
				pthread_join(tid[i], NULL);
			if (!failed)
				report_text(jobs[i].messages.p);
			failed |= jobs[i].rc != 0;
			buf_release(&jobs[i].messages);
		}
		if (failed)
			return -1;
	}
	return 0;
}
