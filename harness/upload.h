/*
 * upload.h - what objmem sends to a results server, and how the token goes.
 *
 * Owns: the payloads. "codespeed" is the form Codespeed's
 * /result/add/json/ endpoint takes: one field, json, holding the
 * url-encoded JSON array of one entry per benchmark, where a benchmark is
 * WORKLOAD@COUNT (e.g. "point3d@1M") and the executable an interpreter:
 *   {"environment", "project", "executable", "benchmark", "branch",
 *    "commitid", "result_value" (median bytes per object), "min", "max",
 *    "std_dev" (sample standard deviation over the ok repetitions, 0 for
 *    one), "units": "bytes", "units_title": "Memory", "lessisbetter": true,
 *    "description", "result_date" (the run's date), "revision_date" (if
 *    given)}
 * "json" is the results document itself, as the file holds it.
 * Also owns where the token comes from: an environment variable (named by
 * --token-env, default OBJMEM_UPLOAD_TOKEN), sent as one Authorization
 * header, and nowhere else (never an argument, a file or a message).
 * The transfer (timeouts, TLS, retries) is fetch.h's.
 */
#ifndef OBJMEM_UPLOAD_H
#define OBJMEM_UPLOAD_H

#include <cjson/cJSON.h>

#include "results.h"

struct upload_meta {
	const char *environment;   /* Codespeed environment (must exist on the server) */
	const char *project;
	const char *executable;    /* NULL: each interpreter's name */
	const char *branch;
	const char *commitid;
	const char *revision_date; /* NULL: not sent (the server uses the commit's date) */
};

/*
 * Codespeed entries for every (interpreter, workload, count) with an ok
 * repetition. Returns the array, or NULL with *why set (malloc'ed) when
 * there is nothing to send.
 */
cJSON *upload_codespeed_entries(const struct results *r, const struct upload_meta *m,
				char **why);

/* "json=" followed by the url-encoded compact JSON of entries. */
char *upload_codespeed_form(const cJSON *entries, size_t *len);

/* "point3d@1M": the Codespeed benchmark name of a workload at a count. */
char *upload_benchmark_name(const char *workload, uint64_t count);

/* "2026-11-22 03:04:05" from "2026-11-22T03:04:05Z", as Django reads dates; NULL if not a date. */
char *upload_django_date(const char *iso);

/* Where the token comes from unless --token-env says otherwise. */
#define UPLOAD_TOKEN_ENV "OBJMEM_UPLOAD_TOKEN"

/*
 * The Authorization header line from the token in the environment variable
 * env_name, sent with scheme "token", "bearer" or "basic" (the variable
 * then holds user:password); *out NULL when there is no token and
 * env_given is 0. Returns 0 or -1 (message printed; the token is never in
 * it). Free *out with http_secret_free (fetch.h): fetch.c derives what to
 * hide in messages from this line.
 */
int upload_auth_header(const char *env_name, int env_given, const char *scheme, char **out);
/* 1 when the URL's host is this machine (a token over plain http stays local). */
int upload_url_is_loopback(const char *url);

#endif
