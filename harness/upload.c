/* upload.c - what is sent to a Codespeed server or a JSON endpoint, and how the token goes; see upload.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "fetch.h"
#include "stats.h"
#include "textfmt.h"
#include "upload.h"

char *upload_benchmark_name(const char *workload, uint64_t count)
{
	char cnt[32];
	format_count(count, cnt, sizeof(cnt));
	return xasprintf("%s@%s", workload, cnt);
}

char *upload_django_date(const char *iso)
{
	/* YYYY-MM-DDTHH:MM:SS, then anything (Z, fraction) */
	static const char shape[] = "dddd-dd-ddTdd:dd:dd";
	if (!iso || strlen(iso) < sizeof(shape) - 1)
		return NULL;
	for (size_t i = 0; i < sizeof(shape) - 1; i++) {
		char want = shape[i], c = iso[i];
		if (want == 'd' ? (c < '0' || c > '9') : (want == 'T' ? (c != 'T' && c != ' ') : c != want))
			return NULL;
	}
	char *s = xstrndup(iso, sizeof(shape) - 1);
	s[10] = ' ';
	return s;
}

cJSON *upload_codespeed_entries(const struct results *r, const struct upload_meta *m,
				char **why)
{
	*why = NULL;
	struct summary s;
	summary_compute(r, &s);
	cJSON *arr = cJSON_CreateArray();
	char *result_date = upload_django_date(r->created);
	for (size_t i = 0; i < s.n_rows; i++) {
		const struct summary_row *row = &s.rows[i];
		const struct stat3 *b = &row->bytes_per_object;
		if (!b->valid)
			continue;
		char *bench = upload_benchmark_name(row->workload, row->count);
		char cnt[32];
		format_count(row->count, cnt, sizeof(cnt));
		char *desc = xasprintf("Bytes per object of %s at %s objects: (USS at full - USS at "
				       "base) / count, measured by objmem; median of the repetitions",
				       row->workload, cnt);
		cJSON *e = cJSON_CreateObject();
		cJSON_AddStringToObject(e, "environment", m->environment);
		cJSON_AddStringToObject(e, "project", m->project);
		cJSON_AddStringToObject(e, "executable", m->executable ? m->executable : row->interpreter);
		cJSON_AddStringToObject(e, "benchmark", bench);
		cJSON_AddStringToObject(e, "branch", m->branch);
		cJSON_AddStringToObject(e, "commitid", m->commitid);
		cJSON_AddNumberToObject(e, "result_value", b->median);
		cJSON_AddNumberToObject(e, "min", b->min);
		cJSON_AddNumberToObject(e, "max", b->max);
		cJSON_AddNumberToObject(e, "std_dev", b->sd);
		cJSON_AddStringToObject(e, "units", "bytes");
		cJSON_AddStringToObject(e, "units_title", "Memory");
		cJSON_AddBoolToObject(e, "lessisbetter", 1);
		cJSON_AddStringToObject(e, "description", desc);
		if (result_date)
			cJSON_AddStringToObject(e, "result_date", result_date);
		if (m->revision_date)
			cJSON_AddStringToObject(e, "revision_date", m->revision_date);
		cJSON_AddItemToArray(arr, e);
		free(bench);
		free(desc);
	}
	free(result_date);
	summary_release(&s);
	if (!cJSON_GetArraySize(arr)) {
		*why = xstrdup("no (interpreter, workload, count) has an ok repetition: nothing to send");
		cJSON_Delete(arr);
		return NULL;
	}
	return arr;
}

/* application/x-www-form-urlencoded: unreserved bytes as they are, the rest %XX. */
static void add_url_encoded(struct buf *b, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
		    *p == '-' || *p == '.' || *p == '_' || *p == '~') {
			buf_add(b, p, 1);
		} else {
			char e[3] = { '%', hex[*p >> 4], hex[*p & 15] };
			buf_add(b, e, 3);
		}
	}
}

char *upload_codespeed_form(const cJSON *entries, size_t *len)
{
	char *json = cJSON_PrintUnformatted(entries);
	if (!json)
		die("out of memory printing the upload");
	struct buf b = BUF_INIT;
	buf_addstr(&b, "json=");
	add_url_encoded(&b, json);
	cJSON_free(json);
	*len = b.len;
	return buf_detach(&b);
}

/* ------------------------------------------------------------------ */
/* objmem upload                                                      */
/* ------------------------------------------------------------------ */

/* The host of a URL is this machine: a token over plain http stays local. */
int upload_url_is_loopback(const char *url)
{
	struct url_authority a;
	if (url_authority(url, &a) || !a.host_len)
		return 0;
	/* the name without its port: "[::1]:8000" -> "[::1]", "localhost:80" -> "localhost" */
	size_t n = a.host[0] == '[' ? strcspn(a.host, "]") + 1 : strcspn(a.host, ":/?#");
	if (n > a.host_len)
		n = a.host_len;
	if ((n == 9 && !strncasecmp(a.host, "localhost", 9)) || (n == 5 && !strncmp(a.host, "[::1]", 5)))
		return 1;
	if (n < 4 || strncmp(a.host, "127.", 4))
		return 0;
	return strspn(a.host, "0123456789.") >= n; /* 127.0.0.1, not 127.example.org */
}

/*
 * The Authorization header from the token variable, or NULL without a
 * token. Returns 0 or -1 (message printed; the token is never in it).
 */
int upload_auth_header(const char *env_name, int env_given, const char *scheme, char **out)
{
	*out = NULL;
	const char *token = getenv(env_name);
	if (!token || !*token) {
		if (env_given)
			return error("objmem upload: the environment variable '%s' (--token-env) is not "
				     "set or empty: put the token in it, e.g. from your CI's secret store",
				     env_name);
		return 0;
	}
	for (const char *p = token; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			return error("objmem upload: the token in '%s' holds a line break or another "
				     "control character: store it without one", env_name);
	if (!strcmp(scheme, "basic")) {
		if (!strchr(token, ':'))
			return error("objmem upload: --auth basic wants 'user:password' in '%s', and "
				     "it has no ':': store the user name, ':' and the password", env_name);
		char *enc = http_base64(token, strlen(token));
		*out = xasprintf("Authorization: Basic %s", enc);
		http_secret_free(enc);
	} else {
		*out = xasprintf("Authorization: %s %s", !strcmp(scheme, "bearer") ? "Bearer" : "Token",
				 token);
	}
	return 0;
}
