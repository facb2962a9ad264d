/*
 * fetch.h - HTTP with libcurl, for the commands that read results from a
 * server (compare, trend, merge) and the one that sends them (upload).
 *
 * Owns: curl_global_init (once per process), the transfer options every
 * request gets (timeouts, TLS verification on unless insecure is set by
 * name, http and https only, a size cap on the answer), the retry policy
 * (exponential back-off on 5xx answers and connection errors, never on
 * 1xx/3xx/4xx, on certificate and URL errors, on an answer that is not HTTP,
 * or after a 2xx to a POST), and reading a results document from "a path or
 * an http(s) URL".
 *
 * Secrets: a request may carry one secret header line (auth_header) and a
 * user:password in its URL. They are handed to libcurl and nothing else:
 * never printed, never part of a message; CURLOPT_VERBOSE is never set.
 * URLs in messages go through url_redact, which hides user:password@ (up to
 * the authority's last '@') and the query string. A server may echo a
 * secret, and libcurl may quote the URL: every text that comes from outside
 * (the answer's excerpt, libcurl's error) first goes through
 * http_secrets_redact with the request's secrets (struct http_secrets).
 *
 * Answers: once a final status arrived, it decides. A 2xx to a POST is a
 * success even when the body then breaks (reset, timeout, too large): the
 * server took the request, and sending it again would store it twice;
 * resp->cut says what happened. A GET cut short is retried like a dropped
 * connection. An answer that is not HTTP at all is not retried.
 *
 * Steps: http_opts_init, change what the command's options say, fill a
 * struct http_request, http_perform, read the struct http_response, then
 * http_response_release.
 */
#ifndef OBJMEM_FETCH_H
#define OBJMEM_FETCH_H

#include <stddef.h>

#include "results.h"
#include "util.h"

struct http_opts {
	double timeout_s;         /* one attempt, start to end (default 30) */
	double connect_timeout_s; /* connecting, within timeout_s (default 10) */
	int retries;              /* attempts after the first (default 2) */
	double retry_delay_s;     /* first back-off, doubled each retry (default 1) */
	int insecure;             /* TLS peer and host verification off */
	size_t max_bytes;         /* a longer answer is an error (cut, after a POST's 2xx) */
	int verbose;              /* a line per attempt on stderr (no headers) */
};

void http_opts_init(struct http_opts *o);
/* A transfer's whole timeout; the connect timeout is kept no longer. */
void http_opts_timeout(struct http_opts *o, double s);

struct http_request {
	const char *method;       /* "GET" or "POST" */
	const char *url;
	const char *content_type; /* POST only */
	const char *body;         /* POST only */
	size_t body_len;
	const char *auth_header;  /* "Authorization: ..." or NULL; secret */
	int follow_redirects;     /* GET only: a POST with a secret is never redirected */
};

/*
 * The secrets of a request, longest first: the Authorization header's value
 * and credential (for Basic also the decoded user:password and password),
 * and the URL's userinfo as written and decoded, its password, and the
 * base64 libcurl sends for it. Held in memory that is wiped on release.
 */
struct http_secrets {
	struct strvec v;
};
#define HTTP_SECRETS_INIT { STRVEC_INIT }

/* Add one secret (an empty one is ignored, a repeated one kept once). */
void http_secrets_add(struct http_secrets *s, const char *secret, size_t len);
/* Add the secrets a request carries in its URL and its Authorization line (either may be NULL). */
void http_secrets_of_request(struct http_secrets *s, const char *url, const char *auth_header);
/* text (len bytes) with every secret, wherever it occurs, as "***"; malloc'ed, NUL-terminated. */
char *http_secrets_redact(const struct http_secrets *s, const char *text, size_t len,
			  size_t *out_len);
/* Wipe and free. */
void http_secrets_release(struct http_secrets *s);
/* Wipe a string holding a secret, then free it (NULL is fine). */
void http_secret_free(char *s);
/* Standard base64 (RFC 4648) of n bytes, as HTTP basic authentication sends user:password. */
char *http_base64(const char *s, size_t n);

struct http_response {
	long status;              /* last HTTP status, 0 if none arrived */
	struct buf body;          /* body of the last answer (as far as it was read) */
	int attempts;
	char *cut;                /* HTTP_OK with a body not read whole: why, else NULL */
	struct http_secrets secrets; /* the request's: what excerpts of the answer hide */
};

enum http_outcome {
	HTTP_OK = 0,          /* a 2xx answer */
	HTTP_REFUSED = 1,     /* the server answered with another status */
	HTTP_UNREACHABLE = 2, /* no answer: connection, DNS, TLS or timeout, after the retries */
	HTTP_BAD_REQUEST = 3, /* nothing was sent: the URL or the options are wrong */
};

/*
 * Perform the request with the retry policy. Returns an http_outcome; on
 * anything but HTTP_OK, *why (malloc'ed) says what happened in words a
 * person can act on, without the URL (the caller names it).
 */
enum http_outcome http_perform(const struct http_request *req, const struct http_opts *o,
			       struct http_response *resp, char **why);
void http_response_release(struct http_response *resp);

/* 1 when s starts with http:// or https:// (case-insensitive). */
int url_is_remote(const char *s);
/* The URL for messages, with any user:password@ and query string shown as "***". */
char *url_redact(const char *url);

/*
 * The authority of a URL (after "://", up to the first '/', '?' or '#'),
 * split at its last '@': a host has none, so a password holding an
 * unencoded '@' is still all userinfo.
 */
struct url_authority {
	const char *userinfo;     /* NULL when there is none */
	size_t userinfo_len;
	const char *host;         /* host[:port] */
	size_t host_len;
	int ats;                  /* '@' in the authority: more than 1 is an unencoded '@' */
};
/* 0, or -1 when url has no "://". */
int url_authority(const char *url, struct url_authority *a);
/*
 * 0 when libcurl will read url as a person means it, else -1 with *why
 * (malloc'ed, without the URL) saying what to write instead: a user:password
 * holding an unencoded '@', which libcurl refuses.
 */
int url_check(const char *url, char **why);

/*
 * The first line of a server's answer, printable, at most max characters,
 * every secret in s (NULL: none) shown as "***" before it is cut.
 */
char *http_body_excerpt(const struct buf *body, size_t max, const struct http_secrets *s);

/* Delay before retry number k (1-based): retry_delay_s * 2^(k-1), at most 60 s. */
double http_backoff_s(const struct http_opts *o, int k);

/*
 * Read a results document from a file or from an http(s) URL (GET, then
 * results_parse on the body, so a garbage answer is an error naming the
 * URL). r must be results_init'ed. Returns 0 or -1 (message printed).
 */
int fetch_results(const char *source, const struct http_opts *o, struct results *r);

/*
 * fetch_results of sources[0..n) into rs[0..n) (each results_init'ed),
 * several at a time on a machine with cores to spare. The messages are
 * those of reading them one after another: every source's up to the first
 * that fails, none after it. Returns 0, or -1 when one failed; every rs[i]
 * can then be released.
 */
int fetch_results_many(const char *const *sources, size_t n, const struct http_opts *o,
		       struct results *rs);

#endif
