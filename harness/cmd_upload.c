/* cmd_upload.c - `objmem upload`: send a results file to a Codespeed server or a JSON endpoint. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "commands.h"
#include "fetch.h"
#include "upload.h"

#define RESULTS_MAX_BYTES (1024UL * 1024 * 1024)
/* A server's answer to an upload is a line or a page: more is only read up to here. */
#define ANSWER_MAX_BYTES (1024UL * 1024)

static const char upload_usage[] =
	"usage: objmem upload RESULTS.json --url URL [--format codespeed|json] [options]\n"
	"\n"
	"Sends a results file's summary to a server. codespeed (default) posts the form\n"
	"Codespeed's /result/add/json/ endpoint takes: one entry per interpreter\n"
	"(executable) and WORKLOAD@COUNT (benchmark), with the median bytes per object\n"
	"as result_value, and min, max and std_dev over the repetitions. json posts the\n"
	"results document as it is (Content-Type: application/json).\n"
	"\n"
	"      --url URL             where to post, e.g. https://speed.example.org/result/add/json/\n"
	"                            (a user:password in it is sent as basic authentication;\n"
	"                            write an '@' in it as %40)\n"
	"  -f, --format F            codespeed (default) or json\n"
	"      --environment NAME    Codespeed environment (default: the hostname the run\n"
	"                            recorded); it must exist on the server\n"
	"      --project NAME        Codespeed project (default objmem)\n"
	"      --executable NAME     Codespeed executable (default: each interpreter's name;\n"
	"                            only for a file with one interpreter)\n"
	"      --branch NAME         Codespeed branch (default: default)\n"
	"      --commitid ID         the revision measured (default: the run's --label)\n"
	"      --revision-date DATE  the revision's date, YYYY-MM-DD HH:MM:SS\n"
	"      --token-env NAME      the environment variable holding the token (default\n"
	"                            OBJMEM_UPLOAD_TOKEN; unset: no token is sent). The token\n"
	"                            is never taken from the command line\n"
	"      --auth SCHEME         how the token is sent: token (default: 'Authorization:\n"
	"                            Token ...'), bearer, or basic (the variable holds user:password)\n"
	"      --insecure            do not verify the server's TLS certificate\n"
	"  -t, --timeout SECONDS     per attempt (default 30)\n"
	"      --retries N           more attempts after a 5xx answer or a connection error,\n"
	"                            waiting --retry-delay, then twice as long each time\n"
	"                            (default 3; a 4xx answer is never retried)\n"
	"      --retry-delay SECONDS the first wait (default 1)\n"
	"      --dry-run             print what would be sent, send nothing\n"
	"  -v, --verbose             a line per attempt on stderr (never the token)\n"
	"  -q, --quiet               no success message\n"
	"  -h, --help                this text\n"
	"\n"
	"example:\n"
	"  export OBJMEM_UPLOAD_TOKEN=...   # from your CI's secret store\n"
	"  objmem upload results/tonight.json --url https://speed.example.org/result/add/json/ \\\n"
	"         --project CPython --branch main --commitid \"$(git rev-parse HEAD)\"\n"
	"\n"
	"An upload that got a 2xx answer is never sent again, even when the answer then\n"
	"breaks off or is larger than 1 MiB (a warning says so). The token, the\n"
	"Authorization header and a URL's user:password are never printed, even when\n"
	"the server repeats them.\n"
	"\n"
	"exit status: 0 sent, 1 the server refused it or could not be reached (after the\n"
	"retries), or its answer is not HTTP, 2 bad usage or input (nothing was sent).\n";

enum { OPT_URL = 256, OPT_ENVIRONMENT, OPT_PROJECT, OPT_EXECUTABLE, OPT_BRANCH, OPT_COMMITID,
       OPT_REVISION_DATE, OPT_TOKEN_ENV, OPT_AUTH, OPT_INSECURE, OPT_RETRIES, OPT_RETRY_DELAY,
       OPT_DRY_RUN };

static const struct option upload_options[] = {
	{ "url", required_argument, NULL, OPT_URL },
	{ "format", required_argument, NULL, 'f' },
	{ "environment", required_argument, NULL, OPT_ENVIRONMENT },
	{ "project", required_argument, NULL, OPT_PROJECT },
	{ "executable", required_argument, NULL, OPT_EXECUTABLE },
	{ "branch", required_argument, NULL, OPT_BRANCH },
	{ "commitid", required_argument, NULL, OPT_COMMITID },
	{ "revision-date", required_argument, NULL, OPT_REVISION_DATE },
	{ "token-env", required_argument, NULL, OPT_TOKEN_ENV },
	{ "auth", required_argument, NULL, OPT_AUTH },
	{ "insecure", no_argument, NULL, OPT_INSECURE },
	{ "timeout", required_argument, NULL, 't' },
	{ "retries", required_argument, NULL, OPT_RETRIES },
	{ "retry-delay", required_argument, NULL, OPT_RETRY_DELAY },
	{ "dry-run", no_argument, NULL, OPT_DRY_RUN },
	{ "verbose", no_argument, NULL, 'v' },
	{ "quiet", no_argument, NULL, 'q' },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

static const char *const formats[] = { "codespeed", "json", NULL };
static const char *const schemes[] = { "token", "bearer", "basic", NULL };

struct upload_args {
	const char *url, *token_env;
	int format, scheme, token_env_given, dry_run, quiet;
	struct upload_meta meta;
	struct http_opts ho;
};

static int upload_option(struct cli *c, int opt, void *arg)
{
	struct upload_args *a = arg;
	double secs;
	long v;
	switch (opt) {
	case OPT_URL: a->url = c->arg; return 0;
	case 'f': return cli_choice(c, formats, &a->format);
	case OPT_ENVIRONMENT: a->meta.environment = c->arg; return 0;
	case OPT_PROJECT: a->meta.project = c->arg; return 0;
	case OPT_EXECUTABLE: a->meta.executable = c->arg; return 0;
	case OPT_BRANCH: a->meta.branch = c->arg; return 0;
	case OPT_COMMITID: a->meta.commitid = c->arg; return 0;
	case OPT_REVISION_DATE: a->meta.revision_date = c->arg; return 0;
	case OPT_TOKEN_ENV:
		if (!*c->arg || strchr(c->arg, '='))
			return cli_error(c, "--token-env takes the name of an environment variable "
					 "(the token itself never goes on the command line)");
		a->token_env = c->arg;
		a->token_env_given = 1;
		return 0;
	case OPT_AUTH: return cli_choice(c, schemes, &a->scheme);
	case OPT_INSECURE: a->ho.insecure = 1; return 0;
	case 't':
		if (cli_seconds(c, 86400, &secs))
			return 2;
		http_opts_timeout(&a->ho, secs);
		return 0;
	case OPT_RETRIES:
		if (cli_long(c, 0, 20, &v))
			return 2;
		a->ho.retries = (int)v;
		return 0;
	case OPT_RETRY_DELAY: return cli_seconds_or_zero(c, 3600, &a->ho.retry_delay_s);
	case OPT_DRY_RUN: a->dry_run = 1; return 0;
	case 'v': a->ho.verbose = 1; return 0;
	case 'q': a->quiet = 1; return 0;
	}
	return cli_error(c, "unhandled option '%s'", c->name);
}

/* What goes to the server. */
struct payload {
	struct buf text;      /* the file as it is */
	struct results r;
	cJSON *entries;       /* codespeed */
	char *body;
	size_t len;
};

static int measured_interpreters(const struct results *r)
{
	struct strvec measured = STRVEC_INIT;
	for (size_t i = 0; i < r->n_cells; i++)
		if (r->cells[i].status == CELL_OK && strvec_find(&measured, r->cells[i].interpreter) < 0)
			strvec_push(&measured, r->cells[i].interpreter);
	int n = (int)measured.n;
	strvec_clear(&measured);
	return n;
}

/* The Codespeed form: meta filled from the file where the options did not say. */
static int codespeed_body(const char *path, struct upload_args *a, struct payload *p,
			  char *host, size_t host_size)
{
	struct upload_meta *m = &a->meta;
	if (!m->environment && p->r.machine.hostname && *p->r.machine.hostname)
		m->environment = p->r.machine.hostname;
	if (!m->environment && gethostname(host, host_size) == 0) {
		host[host_size - 1] = '\0';
		m->environment = host;
	}
	if (!m->environment)
		return error("objmem upload: no environment: give --environment NAME (a Codespeed "
			     "environment)");
	if (!m->commitid)
		m->commitid = p->r.label;
	if (!m->commitid || !*m->commitid)
		return error("objmem upload: '%s' has no revision label: give --commitid ID (or "
			     "run with 'objmem run --label REV')", path);
	int n = measured_interpreters(&p->r);
	if (m->executable && n > 1)
		return error("objmem upload: --executable names one executable, but '%s' has %d "
			     "measured interpreters: leave it out (each interpreter is its own "
			     "executable) or split the file", path, n);
	char *why = NULL;
	p->entries = upload_codespeed_entries(&p->r, m, &why);
	if (!p->entries) {
		error("objmem upload: '%s': %s; check that the run measured something "
		      "('objmem show %s')", path, why, path);
		free(why);
		return -1;
	}
	p->body = upload_codespeed_form(p->entries, &p->len);
	return 0;
}

static void dry_run(const struct upload_args *a, const struct payload *p, const char *shown_url,
		    const char *auth_line)
{
	printf("POST %s\nContent-Type: %s\n%s\n", shown_url ? shown_url : "(no --url)",
	       a->format ? "application/json" : "application/x-www-form-urlencoded",
	       auth_line ? "Authorization: (from the environment, not shown)" : "(no token)");
	if (p->entries) {
		char *pretty = cJSON_Print(p->entries);
		printf("\njson = %s\n", pretty ? pretty : "?");
		cJSON_free(pretty);
	} else {
		printf("\n(the results document, %zu bytes)\n", p->len);
	}
}

/* The success line, and a warning when the answer broke off after its 2xx. */
static void report_sent(const struct upload_args *a, const struct payload *p, const char *shown_url,
			const struct http_response *resp)
{
	if (resp->cut)
		warning("objmem upload: '%s' accepted the upload (HTTP %ld), but %s; it counts as "
			"sent and was not sent again: if in doubt, look for it on the server",
			shown_url, resp->status, resp->cut);
	if (a->quiet)
		return;
	char *ex = http_body_excerpt(&resp->body, 200, &resp->secrets), what[64];
	int n = p->entries ? cJSON_GetArraySize(p->entries) : 0;
	if (a->format)
		snprintf(what, sizeof(what), "the results document (%zu bytes)", p->len);
	else
		snprintf(what, sizeof(what), "%d entr%s", n, n == 1 ? "y" : "ies");
	fprintf(stderr, "uploaded %s to '%s': HTTP %ld%s%s%s\n", what, shown_url, resp->status,
		*ex ? " (" : "", ex, *ex ? ")" : "");
	free(ex);
}

/* What to do about an answer that refused the upload. */
static const char *refused_hint(long status)
{
	if (status >= 400 && status < 500)
		return "; not retried: fix the request (environment, token, URL)";
	if (status >= 500)
		return "; the server failed: run again later, or ask its administrator";
	return "";
}

static int post(const struct upload_args *a, const struct payload *p, const char *shown_url,
		const char *auth_line)
{
	struct http_request req = {
		"POST", a->url, a->format ? "application/json" : "application/x-www-form-urlencoded",
		p->body, p->len, auth_line, 0,
	};
	struct http_response resp;
	char *why = NULL;
	int rc = 1;
	switch (http_perform(&req, &a->ho, &resp, &why)) {
	case HTTP_OK:
		report_sent(a, p, shown_url, &resp);
		rc = 0;
		break;
	case HTTP_REFUSED:
		error("objmem upload: '%s' refused the upload: %s%s", shown_url, why,
		      refused_hint(resp.status));
		break;
	case HTTP_UNREACHABLE:
		error("objmem upload: cannot upload to '%s': %s", shown_url, why);
		break;
	case HTTP_BAD_REQUEST:
		error("objmem upload: cannot upload to '%s': %s", shown_url, why);
		rc = 2;
		break;
	}
	free(why);
	http_response_release(&resp);
	return rc;
}

/* The results file is there and readable: said as upload's error, with what to give. */
static int check_results_path(const char *path)
{
	struct stat st;
	if (stat(path, &st) || access(path, R_OK))
		return error("objmem upload: cannot read '%s': %s; give the results file "
			     "'objmem run -o FILE' wrote", path, strerror(errno));
	if (!S_ISREG(st.st_mode))
		return error("objmem upload: '%s' is not a file; give the results file "
			     "'objmem run -o FILE' wrote", path);
	return 0;
}

/* The file's text and its model; messages name upload and the file. */
static int load_results(const char *path, struct payload *p)
{
	if (check_results_path(path) || read_file(path, RESULTS_MAX_BYTES, &p->text))
		return -1;
	char *what = xasprintf("objmem upload: %s", path);
	int rc = results_parse(p->text.p, p->text.len, &p->r, what);
	free(what);
	return rc;
}

/* A warning when a secret would cross the network in clear. */
static void warn_plain_http(const struct upload_args *a, const char *shown_url,
			    const char *auth_line)
{
	struct url_authority ua;
	int creds = auth_line || (!url_authority(a->url, &ua) && ua.userinfo);
	if (creds && !strncasecmp(a->url, "http://", 7) && !upload_url_is_loopback(a->url))
		warning("objmem upload: sending the %s over plain http to '%s': anyone on the way "
			"can read it; use https", auth_line ? "token" : "URL's user:password",
			shown_url);
}

static int run_upload(const char *path, struct upload_args *a)
{
	struct payload p;
	memset(&p, 0, sizeof(p));
	results_init(&p.r);
	char *shown_url = a->url ? url_redact(a->url) : NULL, *auth_line = NULL, host[256];
	int rc = 2;
	if (url_is_remote(path)) {
		char *shown = url_redact(path);
		error("objmem upload: '%s' is a URL, and upload sends a results file: download "
		      "it first", shown);
		free(shown);
		goto out;
	}
	if (load_results(path, &p))
		goto out;
	if (a->format) {
		p.body = xstrndup(p.text.p, p.text.len);
		p.len = p.text.len;
	} else if (codespeed_body(path, a, &p, host, sizeof(host))) {
		goto out;
	}
	if (upload_auth_header(a->token_env, a->token_env_given, schemes[a->scheme], &auth_line))
		goto out;
	if (a->dry_run) {
		dry_run(a, &p, shown_url, auth_line);
		rc = 0;
		goto out;
	}
	warn_plain_http(a, shown_url, auth_line);
	if (!auth_line && !a->quiet && !a->token_env_given)
		fprintf(stderr, "note: %s is not set: sending without a token\n", a->token_env);
	rc = post(a, &p, shown_url, auth_line);
out:
	http_secret_free(auth_line);
	free(p.body);
	cJSON_Delete(p.entries);
	free(shown_url);
	buf_release(&p.text);
	results_release(&p.r);
	return rc;
}

/* --url: http(s), and read by libcurl as written; the URL is shown without its secrets. */
static int check_url(struct cli *c, const char *url)
{
	char *shown = url_redact(url), *why = NULL;
	int rc = 0;
	if (!url_is_remote(url))
		rc = cli_error(c, "--url takes an http:// or https:// URL, not '%s'", shown);
	else if (url_check(url, &why))
		rc = cli_error(c, "--url '%s': %s", shown, why);
	free(why);
	free(shown);
	return rc;
}

/* One results file, and where it goes: 0, or 2 after the usage error. */
static int check_operands(struct cli *c, const struct upload_args *a)
{
	if (!cli_nargs(c))
		return cli_error(c, "give the results file to upload");
	if (cli_nargs(c) > 1)
		return cli_error(c, "give one results file, not %d (merge them first with "
				 "'objmem merge')", cli_nargs(c));
	if (!a->url && !a->dry_run)
		return cli_error(c, "give the server with --url URL (or --dry-run)");
	return a->url ? check_url(c, a->url) : 0;
}

int cmd_upload(int argc, char **argv)
{
	struct upload_args a;
	memset(&a, 0, sizeof(a));
	a.token_env = UPLOAD_TOKEN_ENV;
	a.meta = (struct upload_meta){ NULL, "objmem", NULL, "default", NULL, NULL };
	http_opts_init(&a.ho);
	a.ho.retries = 3;
	a.ho.max_bytes = ANSWER_MAX_BYTES;
	struct cli c;
	cli_init(&c, "upload", upload_usage, "f:t:vqh", upload_options, argc, argv);
	int rc = cli_parse(&c, upload_option, &a);
	if (rc < 0 && !(rc = check_operands(&c, &a)))
		rc = run_upload(cli_args(&c)[0], &a);
	cli_release(&c);
	return rc;
}
