/* cli.c - the option loop and the value parsers every command shares; see cli.h. */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "commands.h"

void cli_init(struct cli *c, const char *cmd, const char *usage, const char *shortopts,
	      const struct option *longopts, int argc, char **argv)
{
	memset(c, 0, sizeof(*c));
	c->cmd = cmd;
	c->usage = usage;
	/* a leading ':' makes getopt tell a missing value from an unknown option */
	c->shortopts = xasprintf(":%s", shortopts);
	/* the command's options and --version, which every command takes */
	size_t n = 0;
	while (longopts && longopts[n].name)
		n++;
	c->longopts = xcalloc(n + 2, sizeof(*c->longopts));
	if (n)
		memcpy(c->longopts, longopts, n * sizeof(*longopts));
	c->longopts[n] = (struct option){ "version", no_argument, NULL, CLI_VERSION };
	c->argc = argc;
	c->argv = argv;
	/* 0, not 1: glibc then forgets where it was inside an earlier argv */
	optind = 0;
	opterr = 0;
}

void cli_release(struct cli *c)
{
	free(c->shortopts);
	free(c->longopts);
	c->shortopts = NULL;
	c->longopts = NULL;
}

int cli_error(struct cli *c, const char *fmt, ...)
{
	char msg[2048];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	fprintf(stderr, "error: objmem %s: %s\nrun 'objmem %s --help' for the options\n", c->cmd,
		msg, c->cmd);
	c->status = 2;
	return 2;
}

/* The name of the option whose value (or short letter) is opt: "--timeout" or "-x". */
static void option_name(struct cli *c, int opt, int longindex)
{
	if (longindex >= 0) {
		snprintf(c->name, sizeof(c->name), "--%s", c->longopts[longindex].name);
		return;
	}
	for (const struct option *o = c->longopts; o && o->name; o++)
		if (o->val == opt) {
			snprintf(c->name, sizeof(c->name), "--%s", o->name);
			return;
		}
	snprintf(c->name, sizeof(c->name), "-%c", opt);
}

int cli_next(struct cli *c)
{
	int longindex = -1;
	int opt = getopt_long(c->argc, c->argv, c->shortopts, c->longopts, &longindex);
	c->arg = optarg;
	if (opt == -1)
		return CLI_END;
	const char *typed = c->argv[optind - 1];
	if (opt == ':')
		return cli_error(c, "option '%s' needs a value", typed), CLI_STOP;
	if (opt == '?') {
		if (optopt && optopt != '?')
			return cli_error(c, "unknown option '-%c'", optopt), CLI_STOP;
		return cli_error(c, "unknown option '%s'", typed), CLI_STOP;
	}
	option_name(c, opt, longindex);
	if (opt == 'h') {
		fputs(c->usage, stdout);
		c->status = 0;
		return CLI_STOP;
	}
	if (opt == CLI_VERSION) {
		printf("objmem %s\n", OBJMEM_VERSION);
		c->status = 0;
		return CLI_STOP;
	}
	return opt;
}

int cli_parse(struct cli *c, int (*take)(struct cli *c, int opt, void *arg), void *arg)
{
	int opt;
	while ((opt = cli_next(c)) != CLI_END) {
		if (opt == CLI_STOP)
			return c->status;
		int rc = take(c, opt, arg);
		if (rc)
			return c->status = rc;
	}
	return -1;
}

int cli_nargs(const struct cli *c)
{
	return c->argc - (optind ? optind : 1);
}

char **cli_args(const struct cli *c)
{
	return c->argv + (optind ? optind : 1);
}

/* "NAME takes WHAT, not 'VALUE'[: WHY]"; returns 2. */
static int bad_value(struct cli *c, const char *what, const char *why)
{
	return cli_error(c, "%s takes %s, not '%s'%s%s", c->name, what, c->arg ? c->arg : "",
			 why ? ": " : "", why ? why : "");
}

static int seconds(struct cli *c, int zero_ok, double max, double *out)
{
	char what[96];
	snprintf(what, sizeof(what), "seconds %s %g (e.g. 30 or 1.5)",
		 zero_ok ? "from 0 to" : "more than 0, at most", max);
	char *end = NULL;
	errno = 0;
	double v = c->arg && *c->arg ? strtod(c->arg, &end) : NAN;
	if (isnan(v) || errno || *end || !(zero_ok ? v >= 0 : v > 0) || !(v <= max))
		return bad_value(c, what, NULL);
	*out = v;
	return 0;
}

int cli_seconds(struct cli *c, double max, double *out)
{
	return seconds(c, 0, max, out);
}

int cli_seconds_or_zero(struct cli *c, double max, double *out)
{
	return seconds(c, 1, max, out);
}

int cli_long(struct cli *c, long min, long max, long *out)
{
	char what[96];
	snprintf(what, sizeof(what), "a whole number from %ld to %ld", min, max);
	if (parse_int_range(c->arg, min, max, out))
		return bad_value(c, what, NULL);
	return 0;
}

int cli_size(struct cli *c, uint64_t *out)
{
	if (parse_size(c->arg, out))
		return bad_value(c, "a size like 512M or 2G", NULL);
	return 0;
}

int cli_count(struct cli *c, uint64_t *out)
{
	const char *why;
	if (parse_count(c->arg, out, &why))
		return bad_value(c, "an object count like 100, 1k or 10M", why);
	return 0;
}

int cli_counts(struct cli *c, uint64_t **out, size_t *n)
{
	const char *why;
	uint64_t *v;
	size_t nv;
	if (parse_count_list(c->arg, &v, &nv, &why))
		return bad_value(c, "object counts like 100,1k,10M", why);
	free(*out);
	*out = v;
	*n = nv;
	return 0;
}

int cli_threshold(struct cli *c, double *out)
{
	if (parse_threshold(c->arg, out))
		return bad_value(c, "a percentage from 0 to 1000 like 1% or 0.5", NULL);
	return 0;
}

int cli_names(struct cli *c, struct strvec *sv)
{
	const char *p = c->arg ? c->arg : "";
	for (;;) {
		const char *comma = strchr(p, ',');
		size_t len = comma ? (size_t)(comma - p) : strlen(p);
		if (!len)
			return bad_value(c, "names, comma-separated", "an empty name (to mean all, "
					 "leave the option out)");
		char *name = xstrndup(p, len);
		if (strvec_find(sv, name) < 0)
			strvec_push_nodup(sv, name);
		else
			free(name);
		if (!comma)
			return 0;
		p = comma + 1;
	}
}

static char *choices_text(const char *const *choices)
{
	struct buf b = BUF_INIT;
	for (size_t i = 0; choices[i]; i++)
		buf_addf(&b, "%s%s", i ? (choices[i + 1] ? ", " : " or ") : "", choices[i]);
	return buf_detach(&b);
}

static int choice_index(const char *const *choices, const char *s, size_t len)
{
	for (int i = 0; choices[i]; i++)
		if (strlen(choices[i]) == len && !strncmp(choices[i], s, len))
			return i;
	return -1;
}

int cli_choice(struct cli *c, const char *const *choices, int *out)
{
	int i = c->arg ? choice_index(choices, c->arg, strlen(c->arg)) : -1;
	if (i < 0) {
		char *list = choices_text(choices);
		int rc = bad_value(c, list, NULL);
		free(list);
		return rc;
	}
	*out = i;
	return 0;
}

int cli_choice_set(struct cli *c, const char *const *choices, unsigned *mask)
{
	unsigned m = 0;
	const char *p = c->arg ? c->arg : "";
	for (;;) {
		const char *comma = strchr(p, ',');
		size_t len = comma ? (size_t)(comma - p) : strlen(p);
		int i = choice_index(choices, p, len);
		if (i < 0) {
			char *list = choices_text(choices);
			char *what = xasprintf("a comma list of %s", list);
			char *why = xasprintf("'%.*s' is not one of them", (int)len, p);
			int rc = bad_value(c, what, why);
			free(why);
			free(what);
			free(list);
			return rc;
		}
		m |= 1u << i;
		if (!comma)
			break;
		p = comma + 1;
	}
	*mask = m;
	return 0;
}

int cli_figure_size(struct cli *c, char *w, char *h, size_t size)
{
	const char *what = "a size WxH in pixels, inches or cm (800x600, 800, 6.5x4in, 16x10cm)";
	double dw = 0, dh = 0;
	char unit[8] = "";
	int used = 0;
	const char *s = c->arg ? c->arg : "";
	if (sscanf(s, "%lfx%lf%n", &dw, &dh, &used) == 2 || (dh = 0, sscanf(s, "%lf%n", &dw, &used) == 1)) {
		snprintf(unit, sizeof(unit), "%s", s + used);
	} else {
		return bad_value(c, what, NULL);
	}
	double scale = !*unit || !strcmp(unit, "px") ? 1 : !strcmp(unit, "in") ? -1
		: !strcmp(unit, "cm") ? -2.54 : 0;
	if (!scale || !isfinite(dw) || !isfinite(dh) || dw <= 0 || dh < 0 ||
	    (scale == 1 && (dw < 200 || dw > 20000 || (dh && (dh < 100 || dh > 20000)))))
		return bad_value(c, what, scale ? "at least 200x100 pixels, at most 20000" :
				 "the unit is px, in or cm");
	if (scale == 1) {
		snprintf(w, size, "%.0f", dw);
		snprintf(h, size, "%.0f", dh);
	} else {
		double div = scale == -1 ? 1 : 2.54;
		snprintf(w, size, "%g * PXIN", dw / div);
		snprintf(h, size, dh ? "%g * PXIN" : "0", dh / div);
	}
	return 0;
}

char *cli_default_dir(const char *results, const char *suffix)
{
	size_t n = strlen(results);
	if (n > 5 && !strcmp(results + n - 5, ".json"))
		n -= 5;
	return xasprintf("%.*s-%s", (int)n, results, suffix);
}

/* ------------------------------------------------------- plain parsers */

#define COUNT_MAX 1000000000000ULL

int parse_count(const char *s, uint64_t *out, const char **why)
{
	const char *p = s;
	uint64_t v = 0;
	if (!s || !*s)
		return *why = "empty count", -1;
	if (*p == '-' || *p == '+')
		return *why = "a count is a positive whole number without sign", -1;
	if (*p < '0' || *p > '9')
		return *why = "a count starts with a digit (e.g. 100, 1k, 10M)", -1;
	while (*p >= '0' && *p <= '9') {
		if (v > COUNT_MAX)
			return *why = "count too large (at most 1e12)", -1;
		v = v * 10 + (uint64_t)(*p - '0');
		p++;
	}
	uint64_t mult = 1;
	switch (*p) {
	case '\0': break;
	case 'k': case 'K': mult = 1000ULL; p++; break;
	case 'M': mult = 1000000ULL; p++; break;
	case 'G': mult = 1000000000ULL; p++; break;
	default:
		*why = (*p == '.' || *p == 'e' || *p == 'E')
			? "a count is a whole number; use a k, M or G suffix, not a fraction or exponent"
			: "unknown suffix (use k, M or G)";
		return -1;
	}
	if (*p)
		return *why = "junk after the count (use e.g. 100, 1k, 10M)", -1;
	if (v > COUNT_MAX / mult)
		return *why = "count too large (at most 1e12)", -1;
	v *= mult;
	if (v == 0)
		return *why = "a count must be at least 1", -1;
	*out = v;
	return 0;
}

int parse_count_list(const char *s, uint64_t **out, size_t *n, const char **why)
{
	uint64_t *v = NULL;
	size_t nv = 0, alloc = 0;
	const char *p = s;
	if (!s || !*s)
		return *why = "empty count list", -1;
	for (;;) {
		const char *comma = strchr(p, ',');
		size_t len = comma ? (size_t)(comma - p) : strlen(p);
		char *item = xstrndup(p, len);
		uint64_t c;
		int rc = parse_count(item, &c, why);
		free(item);
		if (rc) {
			free(v);
			return -1;
		}
		xgrow((void **)&v, sizeof(*v), nv + 1, &alloc);
		v[nv++] = c;
		if (!comma)
			break;
		p = comma + 1;
	}
	qsort(v, nv, sizeof(*v), cmp_u64);
	size_t k = 0;
	for (size_t i = 0; i < nv; i++)
		if (k == 0 || v[k - 1] != v[i])
			v[k++] = v[i];
	*out = v;
	*n = k;
	return 0;
}

int parse_int_range(const char *s, long min, long max, long *out)
{
	char *end;
	if (!s || !*s)
		return -1;
	errno = 0;
	long v = strtol(s, &end, 10);
	if (errno || *end || v < min || v > max)
		return -1;
	*out = v;
	return 0;
}

int parse_size(const char *s, uint64_t *out)
{
	char *end;
	if (!s || *s < '0' || *s > '9')
		return -1;
	errno = 0;
	unsigned long long v = strtoull(s, &end, 10);
	if (errno)
		return -1;
	unsigned shift = 0;
	switch (*end) {
	case '\0': break;
	case 'k': case 'K': shift = 10; end++; break;
	case 'm': case 'M': shift = 20; end++; break;
	case 'g': case 'G': shift = 30; end++; break;
	case 't': case 'T': shift = 40; end++; break;
	default: return -1;
	}
	if (*end == 'i' && end[1] == 'B')
		end += 2;
	else if (*end == 'B')
		end++;
	if (*end || v == 0 || v > (UINT64_MAX >> shift))
		return -1;
	*out = (uint64_t)v << shift;
	return 0;
}

int parse_threshold(const char *s, double *out)
{
	char *end;
	if (!s || !*s)
		return -1;
	errno = 0;
	double v = strtod(s, &end);
	if (end == s || errno)
		return -1;
	if (*end == '%')
		end++;
	if (*end || !isfinite(v) || v < 0 || v > 1000)
		return -1;
	*out = v / 100;
	return 0;
}
