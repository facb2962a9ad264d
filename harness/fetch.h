/*
 * fetch.h - HTTP with libcurl, for the commands that read results from a
 * server (compare, trend, merge) and the one that sends them (upload).
 *
 * Owns: curl_global_init (once per process), the transfer options every
 * request gets (timeouts, TLS verification on unless insecure is set by
 * name, http and https only, a size cap on the answer), the retry policy
 * (exponential back-off on 5xx answers and connection errors, never on
 * 1xx/3xx/4xx or on certificate and URL errors), and reading a results
 * document from "a path or an http(s) URL".
 *
 * Secrets: a request may carry one secret header line (auth_header). It is
 * handed to libcurl and nothing else: never printed, never part of a message;
 * CURLOPT_VERBOSE is never set. URLs in messages go through url_redact, which
 * hides user:password@ and the query string.
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
	size_t max_bytes;         /* an answer larger than this is an error */
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

struct http_response {
	long status;              /* last HTTP status, 0 if none arrived */
	struct buf body;          /* body of the last answer */
	int attempts;
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
/* The first line of a server's answer, printable, at most max characters. */
char *http_body_excerpt(const struct buf *body, size_t max);

/* Delay before retry number k (1-based): retry_delay_s * 2^(k-1), at most 60 s. */
double http_backoff_s(const struct http_opts *o, int k);

/*
 * Read a results document from a file or from an http(s) URL (GET, then
 * results_parse on the body, so a garbage answer is an error naming the
 * URL). r must be results_init'ed. Returns 0 or -1 (message printed).
 */
int fetch_results(const char *source, const struct http_opts *o, struct results *r);

#endif
