/* upload.c - what is sent to a Codespeed server or a JSON endpoint, and how the token goes; see upload.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

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

char *upload_base64(const char *s)
{
	static const char tbl[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	size_t n = strlen(s);
	struct buf b = BUF_INIT;
	for (size_t i = 0; i < n; i += 3) {
		unsigned v = (unsigned char)s[i] << 16;
		if (i + 1 < n)
			v |= (unsigned char)s[i + 1] << 8;
		if (i + 2 < n)
			v |= (unsigned char)s[i + 2];
		char out[4] = { tbl[(v >> 18) & 63], tbl[(v >> 12) & 63],
				i + 1 < n ? tbl[(v >> 6) & 63] : '=', i + 2 < n ? tbl[v & 63] : '=' };
		buf_add(&b, out, 4);
	}
	if (!b.p)
		buf_addstr(&b, "");
	return buf_detach(&b);
}

/* The host of a URL is this machine: a token over plain http stays local. */
int upload_url_is_loopback(const char *url)
{
	const char *h = strstr(url, "://");
	if (!h)
		return 0;
	h += 3;
	const char *at = strchr(h, '@');
	size_t auth = strcspn(h, "/?#");
	if (at && (size_t)(at - h) < auth)
		h = at + 1;
	static const char *const local[] = { "localhost", "127.", "[::1]" };
	for (size_t i = 0; i < ARRAY_SIZE(local); i++)
		if (!strncasecmp(h, local[i], strlen(local[i])))
			return 1;
	return 0;
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
			return error("the environment variable '%s' (--token-env) is not set or empty: "
				     "put the token in it, e.g. from your CI's secret store", env_name);
		return 0;
	}
	for (const char *p = token; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			return error("the token in '%s' holds a line break or another control "
				     "character: store it without one", env_name);
	if (!strcmp(scheme, "basic")) {
		if (!strchr(token, ':'))
			return error("--auth basic wants 'user:password' in '%s'", env_name);
		char *enc = upload_base64(token);
		*out = xasprintf("Authorization: Basic %s", enc);
		free(enc);
	} else {
		*out = xasprintf("Authorization: %s %s", !strcmp(scheme, "bearer") ? "Bearer" : "Token",
				 token);
	}
	return 0;
}

/* Wipe a string holding a secret before freeing it. */
void upload_free_secret(char *s)
{
	if (!s)
		return;
	volatile char *p = s;
	while (*p)
		*p++ = 0;
	free(s);
}

