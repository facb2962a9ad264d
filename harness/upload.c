/* upload.c - results to a Codespeed server or a JSON endpoint, and `objmem upload`; see upload.h. */
#include <getopt.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "commands.h"
#include "fetch.h"
#include "progress.h"
#include "results.h"
#include "stats.h"
#include "upload.h"

#define DEFAULT_TOKEN_ENV "OBJMEM_UPLOAD_TOKEN"
#define RESULTS_MAX_BYTES (1024UL * 1024 * 1024)

double upload_std_dev(const double *v, size_t n)
{
	if (n < 2)
		return 0;
	double mean = 0;
	for (size_t i = 0; i < n; i++)
		mean += v[i];
	mean /= (double)n;
	double ss = 0;
	for (size_t i = 0; i < n; i++)
		ss += (v[i] - mean) * (v[i] - mean);
	return sqrt(ss / (double)(n - 1));
}

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

/* Bytes per object of every ok repetition of one row. */
static size_t row_values(const struct results *r, const struct summary_row *row, double *out)
{
	size_t n = 0;
	for (size_t i = 0; i < r->n_cells; i++) {
		const struct cell *c = &r->cells[i];
		double v;
		if (c->count == row->count && !strcmp(c->interpreter, row->interpreter) &&
		    !strcmp(c->workload, row->workload) && !cell_bytes_per_object(c, &v))
			out[n++] = v;
	}
	return n;
}

cJSON *upload_codespeed_entries(const struct results *r, const struct upload_meta *m,
				char **why)
{
	*why = NULL;
	struct summary s;
	summary_compute(r, &s);
	cJSON *arr = cJSON_CreateArray();
	double *vals = xcalloc(r->n_cells + 1, sizeof(*vals));
	char *result_date = upload_django_date(r->created);
	for (size_t i = 0; i < s.n_rows; i++) {
		const struct summary_row *row = &s.rows[i];
		const struct stat3 *b = &row->bytes_per_object;
		if (!b->valid)
			continue;
		size_t n = row_values(r, row, vals);
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
		cJSON_AddNumberToObject(e, "std_dev", upload_std_dev(vals, n));
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
	free(vals);
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

static const char upload_usage[] =
	"usage: objmem upload RESULTS.json --url URL [--format codespeed|json] [options]\n"
	"\n"
	"Sends a results file's summary to a server. codespeed (default) posts the form\n"
	"Codespeed's /result/add/json/ endpoint takes: one entry per interpreter\n"
	"(executable) and WORKLOAD@COUNT (benchmark), with the median bytes per object\n"
	"as result_value, and min, max and std_dev over the repetitions. json posts the\n"
	"results document as it is (Content-Type: application/json).\n"
	"\n"
	"  -u, --url URL             where to post, e.g. https://speed.example.org/result/add/json/\n"
	"  -f, --format F            codespeed (default) or json\n"
	"  -e, --environment NAME    Codespeed environment (default: the hostname the run\n"
	"                            recorded); it must exist on the server\n"
	"  -p, --project NAME        Codespeed project (default objmem)\n"
	"  -x, --executable NAME     Codespeed executable (default: each interpreter's name;\n"
	"                            only for a file with one interpreter)\n"
	"  -b, --branch NAME         Codespeed branch (default: default)\n"
	"  -c, --commitid ID         the revision measured (default: the run's --label)\n"
	"      --revision-date DATE  the revision's date, YYYY-MM-DD HH:MM:SS\n"
	"      --token-env NAME      the environment variable holding the token (default\n"
	"                            OBJMEM_UPLOAD_TOKEN; unset: no token is sent). The token\n"
	"                            is never taken from the command line\n"
	"      --auth SCHEME         how the token is sent: token (default: 'Authorization:\n"
	"                            Token ...'), bearer, or basic (the variable holds user:password)\n"
	"      --insecure            do not verify the server's TLS certificate\n"
	"      --timeout SECONDS     per attempt (default 30)\n"
	"      --retries N           more attempts after a 5xx answer or a connection error,\n"
	"                            waiting --retry-delay, then twice as long each time\n"
	"                            (default 3; a 4xx answer is never retried)\n"
	"      --retry-delay SECONDS the first wait (default 1)\n"
	"  -n, --dry-run             print what would be sent, send nothing\n"
	"  -v, --verbose             a line per attempt on stderr (never the token)\n"
	"  -q, --quiet               no success message\n"
	"  -h, --help                this text\n"
	"\n"
	"example:\n"
	"  export OBJMEM_UPLOAD_TOKEN=...   # from your CI's secret store\n"
	"  objmem upload results/tonight.json --url https://speed.example.org/result/add/json/ \\\n"
	"         --project CPython --branch main --commitid \"$(git rev-parse HEAD)\"\n"
	"\n"
	"exit status: 0 sent, 1 the server refused it or could not be reached (after the\n"
	"retries), 2 bad usage or input.\n";

#define usage(...) usage_error(upload_usage, __VA_ARGS__)

enum { OPT_REVISION_DATE = 256, OPT_TOKEN_ENV, OPT_AUTH, OPT_INSECURE, OPT_TIMEOUT, OPT_RETRIES,
       OPT_RETRY_DELAY };

static const struct option upload_options[] = {
	{ "url", required_argument, NULL, 'u' },
	{ "format", required_argument, NULL, 'f' },
	{ "environment", required_argument, NULL, 'e' },
	{ "project", required_argument, NULL, 'p' },
	{ "executable", required_argument, NULL, 'x' },
	{ "branch", required_argument, NULL, 'b' },
	{ "commitid", required_argument, NULL, 'c' },
	{ "revision-date", required_argument, NULL, OPT_REVISION_DATE },
	{ "token-env", required_argument, NULL, OPT_TOKEN_ENV },
	{ "auth", required_argument, NULL, OPT_AUTH },
	{ "insecure", no_argument, NULL, OPT_INSECURE },
	{ "timeout", required_argument, NULL, OPT_TIMEOUT },
	{ "retries", required_argument, NULL, OPT_RETRIES },
	{ "retry-delay", required_argument, NULL, OPT_RETRY_DELAY },
	{ "dry-run", no_argument, NULL, 'n' },
	{ "verbose", no_argument, NULL, 'v' },
	{ "quiet", no_argument, NULL, 'q' },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

static int parse_seconds(const char *s, double min, double max, double *out)
{
	char *end;
	double v = strtod(s, &end);
	if (end == s || *end || !(v >= min && v <= max))
		return -1;
	*out = v;
	return 0;
}

static char *base64(const char *s)
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
static int url_is_loopback(const char *url)
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
static int auth_header(const char *env_name, int env_given, const char *scheme, char **out)
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
		char *enc = base64(token);
		*out = xasprintf("Authorization: Basic %s", enc);
		free(enc);
	} else {
		*out = xasprintf("Authorization: %s %s", !strcmp(scheme, "bearer") ? "Bearer" : "Token",
				 token);
	}
	return 0;
}

/* Wipe a string holding a secret before freeing it. */
static void free_secret(char *s)
{
	if (!s)
		return;
	volatile char *p = s;
	while (*p)
		*p++ = 0;
	free(s);
}

static const char *machine_hostname(const struct results *r, char *buf, size_t n)
{
	const cJSON *h = r->machine ? cJSON_GetObjectItemCaseSensitive(r->machine, "hostname") : NULL;
	if (cJSON_IsString(h) && *h->valuestring)
		return h->valuestring;
	if (gethostname(buf, n) == 0) {
		buf[n - 1] = '\0';
		return buf;
	}
	return NULL;
}

int cmd_upload(int argc, char **argv)
{
	const char *url = NULL, *format = "codespeed", *token_env = DEFAULT_TOKEN_ENV;
	const char *auth = "token";
	struct upload_meta meta = { NULL, "objmem", NULL, "default", NULL, NULL };
	int token_env_given = 0, dry_run = 0, quiet = 0, opt;
	long lv;
	struct http_opts ho;
	http_opts_init(&ho);
	ho.retries = 3;

	optind = 1;
	opterr = 0;
	while ((opt = getopt_long(argc, argv, ":u:f:e:p:x:b:c:nvqh", upload_options, NULL)) != -1) {
		switch (opt) {
		case 'u': url = optarg; break;
		case 'f':
			if (strcmp(optarg, "codespeed") && strcmp(optarg, "json"))
				return usage("unknown format '%s' (codespeed, json)", optarg);
			format = optarg;
			break;
		case 'e': meta.environment = optarg; break;
		case 'p': meta.project = optarg; break;
		case 'x': meta.executable = optarg; break;
		case 'b': meta.branch = optarg; break;
		case 'c': meta.commitid = optarg; break;
		case OPT_REVISION_DATE: meta.revision_date = optarg; break;
		case OPT_TOKEN_ENV:
			if (!*optarg || strchr(optarg, '='))
				return usage("--token-env takes the name of an environment "
						   "variable (the token itself never goes on the command line)");
			token_env = optarg;
			token_env_given = 1;
			break;
		case OPT_AUTH:
			if (strcmp(optarg, "token") && strcmp(optarg, "bearer") && strcmp(optarg, "basic"))
				return usage("--auth takes token, bearer or basic, not '%s'",
						   optarg);
			auth = optarg;
			break;
		case OPT_INSECURE: ho.insecure = 1; break;
		case OPT_TIMEOUT:
			if (parse_seconds(optarg, 0.001, 86400, &ho.timeout_s))
				return usage("--timeout takes seconds between 0 and 86400, "
						   "not '%s'", optarg);
			if (ho.connect_timeout_s > ho.timeout_s)
				ho.connect_timeout_s = ho.timeout_s;
			break;
		case OPT_RETRIES:
			if (parse_int_range(optarg, 0, 20, &lv))
				return usage("--retries takes a number from 0 to 20, not '%s'",
						   optarg);
			ho.retries = (int)lv;
			break;
		case OPT_RETRY_DELAY:
			if (parse_seconds(optarg, 0, 3600, &ho.retry_delay_s))
				return usage("--retry-delay takes seconds from 0 to 3600, "
						   "not '%s'", optarg);
			break;
		case 'n': dry_run = 1; break;
		case 'v': ho.verbose = 1; break;
		case 'q': quiet = 1; break;
		case 'h': return usage(NULL);
		case ':': return usage("option '%s' needs a value", argv[optind - 1]);
		default: return usage("unknown option '%s'", argv[optind - 1]);
		}
	}
	if (optind >= argc)
		return usage("give the results file to upload");
	if (argc - optind > 1)
		return usage("give one results file, not %d (merge them first "
				   "with 'objmem merge')", argc - optind);
	if (!url && !dry_run)
		return usage("give the server with --url URL (or --dry-run)");
	if (url && !url_is_remote(url))
		return usage("--url takes an http:// or https:// URL, not '%s'", url);
	const char *path = argv[optind];

	/* The text as well as the model: the json format sends the file as it is. */
	struct buf text = BUF_INIT;
	struct results r;
	results_init(&r);
	int rc = 2;
	char *shown_url = url ? url_redact(url) : NULL;
	char *auth_line = NULL, *body = NULL;
	cJSON *entries = NULL;
	size_t body_len = 0;
	if (url_is_remote(path)) {
		error("upload reads a results file, not a URL: download '%s' first", path);
		goto out;
	}
	if (read_file(path, RESULTS_MAX_BYTES, &text) || results_parse(text.p, text.len, &r, path))
		goto out;

	int json = !strcmp(format, "json");
	char host[256];
	if (!json) {
		if (!meta.environment)
			meta.environment = machine_hostname(&r, host, sizeof(host));
		if (!meta.environment) {
			error("no environment: give --environment NAME (a Codespeed environment)");
			goto out;
		}
		if (!meta.commitid)
			meta.commitid = r.label;
		if (!meta.commitid || !*meta.commitid) {
			error("'%s' has no revision label: give --commitid ID (or run with "
			      "'objmem run --label REV')", path);
			goto out;
		}
		struct strvec measured = STRVEC_INIT;
		for (size_t i = 0; i < r.n_cells; i++)
			if (r.cells[i].status == CELL_OK && strvec_find(&measured, r.cells[i].interpreter) < 0)
				strvec_push(&measured, r.cells[i].interpreter);
		size_t n_measured = measured.n;
		strvec_clear(&measured);
		if (meta.executable && n_measured > 1) {
			error("--executable names one executable, but '%s' has %zu measured interpreters: "
			      "leave it out (each interpreter is its own executable) or split the file",
			      path, n_measured);
			goto out;
		}
		char *why = NULL;
		entries = upload_codespeed_entries(&r, &meta, &why);
		if (!entries) {
			error("'%s': %s", path, why);
			free(why);
			goto out;
		}
		body = upload_codespeed_form(entries, &body_len);
	} else {
		body = xstrndup(text.p, text.len);
		body_len = text.len;
	}

	if (auth_header(token_env, token_env_given, auth, &auth_line))
		goto out;

	if (dry_run) {
		printf("POST %s\nContent-Type: %s\n%s\n", shown_url ? shown_url : "(no --url)",
		       json ? "application/json" : "application/x-www-form-urlencoded",
		       auth_line ? "Authorization: (from the environment, not shown)" : "(no token)");
		if (entries) {
			char *pretty = cJSON_Print(entries);
			printf("\njson = %s\n", pretty ? pretty : "?");
			cJSON_free(pretty);
		} else {
			printf("\n(the results document, %zu bytes)\n", body_len);
		}
		rc = 0;
		goto out;
	}
	if (auth_line && !strncasecmp(url, "http://", 7) && !url_is_loopback(url))
		warning("sending the token over plain http to '%s': anyone on the way can read it; "
			"use https", shown_url);
	if (!auth_line && !quiet && token_env_given == 0)
		fprintf(stderr, "note: %s is not set: sending without a token\n", token_env);

	struct http_request req = {
		"POST", url, json ? "application/json" : "application/x-www-form-urlencoded",
		body, body_len, auth_line, 0,
	};
	struct http_response resp;
	char *why = NULL;
	enum http_outcome out = http_perform(&req, &ho, &resp, &why);
	switch (out) {
	case HTTP_OK:
		if (!quiet) {
			char *ex = http_body_excerpt(&resp.body, 200), what[64];
			int n = entries ? cJSON_GetArraySize(entries) : 0;
			if (json)
				snprintf(what, sizeof(what), "the results document (%zu bytes)", body_len);
			else
				snprintf(what, sizeof(what), "%d entr%s", n, n == 1 ? "y" : "ies");
			fprintf(stderr, "uploaded %s to '%s': HTTP %ld%s%s%s\n", what, shown_url,
				resp.status, *ex ? " (" : "", ex, *ex ? ")" : "");
			free(ex);
		}
		rc = 0;
		break;
	case HTTP_REFUSED:
		error("'%s' refused the upload: %s%s", shown_url, why,
		      resp.status >= 400 && resp.status < 500
		      ? "; not retried: fix the request (environment, token, URL)" : "");
		rc = 1;
		break;
	case HTTP_UNREACHABLE:
		error("cannot upload to '%s': %s", shown_url, why);
		rc = 1;
		break;
	case HTTP_BAD_REQUEST:
		error("cannot upload to '%s': %s", shown_url, why);
		rc = 2;
		break;
	}
	free(why);
	http_response_release(&resp);
out:
	free_secret(auth_line);
	free(body);
	cJSON_Delete(entries);
	free(shown_url);
	buf_release(&text);
	results_release(&r);
	return rc;
}
