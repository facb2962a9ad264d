/*
 * test_cli.c - cli.c: the plain parsers (counts, count lists, sizes,
 * thresholds), the option loop (--help, unknown options, missing values,
 * the operands), and every value parser's one wording for a bad value,
 * from tables of command lines.
 */
#include <stdlib.h>
#include <string.h>
#include <math.h>

#include "cli.h"
#include "gnuplot.h"
#include "unit.h"

static const struct {
	const char *in;
	uint64_t want; /* 0: must fail */
	const char *why;
} count_cases[] = {
	{ "1", 1, NULL }, { "100", 100, NULL }, { "1k", 1000, NULL }, { "1K", 1000, NULL },
	{ "10M", 10000000, NULL }, { "2G", 2000000000, NULL }, { "1000G", 1000000000000ULL, NULL },
	{ "", 0, "empty" }, { "0", 0, "at least 1" }, { "-5", 0, "without sign" },
	{ "+5", 0, "without sign" }, { "abc", 0, "starts with a digit" },
	{ "1e99", 0, "not a fraction or exponent" }, { "1.5k", 0, "not a fraction" },
	{ "10Q", 0, "unknown suffix" }, { "10kk", 0, "junk after" },
	{ "1001G", 0, "too large" }, { "99999999999999999999999", 0, "too large" },
	{ "0k", 0, "at least 1" }, { " 5", 0, "starts with a digit" },
};

static void test_counts(void)
{
	for (size_t i = 0; i < sizeof(count_cases) / sizeof(count_cases[0]); i++) {
		uint64_t v = 0;
		const char *why = NULL;
		int rc = parse_count(count_cases[i].in, &v, &why);
		if (count_cases[i].want) {
			CU_ASSERT_EQUAL(rc, 0);
			CU_ASSERT_EQUAL(v, count_cases[i].want);
		} else {
			CU_ASSERT_EQUAL(rc, -1);
			CU_ASSERT_PTR_NOT_NULL_FATAL(why);
			CU_ASSERT_PTR_NOT_NULL(strstr(why, count_cases[i].why));
		}
	}
}

static void test_count_list(void)
{
	uint64_t *v = NULL;
	size_t n = 0;
	const char *why;
	CU_ASSERT_EQUAL_FATAL(parse_count_list("1M,100,1k,100", &v, &n, &why), 0);
	CU_ASSERT_EQUAL_FATAL(n, 3);
	CU_ASSERT_EQUAL(v[0], 100);
	CU_ASSERT_EQUAL(v[1], 1000);
	CU_ASSERT_EQUAL(v[2], 1000000);
	free(v);
	CU_ASSERT_EQUAL(parse_count_list("1k,,2k", &v, &n, &why), -1);
	CU_ASSERT_EQUAL(parse_count_list("1k,x", &v, &n, &why), -1);
}

static void test_sizes(void)
{
	static const struct { const char *in; uint64_t want; } cases[] = {
		{ "512", 512 }, { "4k", 4096 }, { "2M", 2 << 20 }, { "2MiB", 2 << 20 },
		{ "1G", 1ULL << 30 }, { "3GB", 3ULL << 30 }, { "0", 0 }, { "lots", 0 },
		{ "1X", 0 }, { "-1M", 0 },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		uint64_t v = 0;
		int rc = parse_size(cases[i].in, &v);
		CU_ASSERT_EQUAL(rc, cases[i].want ? 0 : -1);
		if (cases[i].want)
			CU_ASSERT_EQUAL(v, cases[i].want);
	}
}

static const struct threshold_case {
	const char *text;
	int ok;
	double want;
} threshold_cases[] = {
	{ "1%", 1, 0.01 }, { "0.5%", 1, 0.005 }, { "2", 1, 0.02 }, { "0", 1, 0 },
	{ "1000", 1, 10 }, { "", 0, 0 }, { "%", 0, 0 }, { "-1%", 0, 0 }, { "1%%", 0, 0 },
	{ "abc", 0, 0 }, { "1 %", 0, 0 }, { "1001", 0, 0 }, { "nan", 0, 0 }, { "inf", 0, 0 },
};

static void test_thresholds(void)
{
	for (size_t i = 0; i < ARRAY_SIZE(threshold_cases); i++) {
		const struct threshold_case *t = &threshold_cases[i];
		double v = -1;
		int rc = parse_threshold(t->text, &v);
		int ok = t->ok ? (rc == 0 && fabs(v - t->want) < 1e-12) : rc == -1;
		if (!ok)
			fprintf(stderr, "\nthreshold '%s': rc %d value %g\n", t->text, rc, v);
		CU_ASSERT(ok);
	}
}

static void test_default_dir(void)
{
	char *d = cli_default_dir("results/x.json", "figures");
	CU_ASSERT_STRING_EQUAL(d, "results/x-figures");
	free(d);
	d = cli_default_dir("data", "report");
	CU_ASSERT_STRING_EQUAL(d, "data-report");
	free(d);
	d = cli_default_dir(".json", "report");
	CU_ASSERT_STRING_EQUAL(d, ".json-report");
	free(d);
}

/* ---- the option loop and the value parsers, as a command sees them ---- */

enum { OPT_SIZE = 256, OPT_CHOICE, OPT_SET, OPT_SECS0, OPT_THRESHOLD };

static const struct option options[] = {
	{ "timeout", required_argument, NULL, 't' },
	{ "count", required_argument, NULL, 'n' },
	{ "counts", required_argument, NULL, 'c' },
	{ "jobs", required_argument, NULL, 'j' },
	{ "workload", required_argument, NULL, 'w' },
	{ "quiet", no_argument, NULL, 'q' },
	{ "size", required_argument, NULL, OPT_SIZE },
	{ "format", required_argument, NULL, OPT_CHOICE },
	{ "image", required_argument, NULL, OPT_SET },
	{ "delay", required_argument, NULL, OPT_SECS0 },
	{ "threshold", required_argument, NULL, OPT_THRESHOLD },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

static const char *const formats[] = { "text", "markdown", "json", NULL };

/* What one parse of a command line gives. */
struct parsed {
	double timeout, delay, threshold;
	uint64_t count, size;
	uint64_t *counts;
	size_t n_counts;
	long jobs;
	int quiet, format;
	unsigned image;
	struct strvec workloads;
	int nargs;
};

static int take(struct cli *c, int opt, struct parsed *p)
{
	switch (opt) {
	case 't': return cli_seconds(c, 86400, &p->timeout);
	case 'n': return cli_count(c, &p->count);
	case 'c': return cli_counts(c, &p->counts, &p->n_counts);
	case 'j': return cli_long(c, 1, 256, &p->jobs);
	case 'w': return cli_names(c, &p->workloads);
	case 'q': p->quiet = 1; return 0;
	case OPT_SIZE: return cli_size(c, &p->size);
	case OPT_CHOICE: return cli_choice(c, formats, &p->format);
	case OPT_SET: return cli_choice_set(c, gp_format_names, &p->image);
	case OPT_SECS0: return cli_seconds_or_zero(c, 3600, &p->delay);
	case OPT_THRESHOLD: return cli_threshold(c, &p->threshold);
	}
	return cli_error(c, "unhandled option '%s'", c->name);
}

/* Parse a command line given as one string of words; returns the status (-1: parsed). */
static int parse(const char *line, struct parsed *p, char **err)
{
	struct strvec argv = STRVEC_INIT;
	strvec_push(&argv, "test");
	char *copy = xstrdup(line), *save = NULL;
	for (char *w = strtok_r(copy, " ", &save); w; w = strtok_r(NULL, " ", &save))
		strvec_push(&argv, !strcmp(w, "''") ? "" : w);
	free(copy);
	memset(p, 0, sizeof(*p));
	struct cli c;
	cli_init(&c, "test", "usage: objmem test [options]\n", "t:n:c:j:w:qh", options,
		 (int)argv.n, argv.v);
	int opt, rc = -1;
	unit_stderr_begin();
	while ((opt = cli_next(&c)) != CLI_END)
		if (opt == CLI_STOP || take(&c, opt, p)) {
			rc = c.status;
			break;
		}
	*err = unit_stderr_end();
	p->nargs = opt == CLI_END ? cli_nargs(&c) : -1;
	cli_release(&c);
	strvec_clear(&argv);
	return rc;
}

static const struct cli_case {
	const char *line;
	int rc;            /* -1: parsed, else the exit status */
	const char *err;   /* part of stderr (NULL: empty) */
} cli_cases[] = {
	{ "-t 30 -n 1M --counts 1k,100 -j 2 -q a b", -1, NULL },
	{ "--timeout=1.5", -1, NULL },
	{ "-t 0", 2, "error: objmem test: --timeout takes seconds more than 0, at most 86400" },
	{ "-t abc", 2, "--timeout takes seconds more than 0, at most 86400 (e.g. 30 or 1.5), not 'abc'" },
	{ "-t ''", 2, "not ''" },
	{ "-t 86401", 2, "--timeout takes seconds" },
	{ "--delay 0", -1, NULL },
	{ "--delay -1", 2, "--delay takes seconds from 0 to 3600" },
	{ "-n 0", 2, "--count takes an object count like 100, 1k or 10M, not '0': a count must be at least 1" },
	{ "-n 1.5k", 2, "not a fraction or exponent" },
	{ "--counts 1k,,2k", 2, "--counts takes object counts like 100,1k,10M, not '1k,,2k'" },
	{ "-j 0", 2, "--jobs takes a whole number from 1 to 256, not '0'" },
	{ "-j 2x", 2, "--jobs takes a whole number from 1 to 256, not '2x'" },
	{ "--size 2G", -1, NULL },
	{ "--size lots", 2, "--size takes a size like 512M or 2G, not 'lots'" },
	{ "--format json", -1, NULL },
	{ "--format xml", 2, "--format takes text, markdown or json, not 'xml'" },
	{ "--image pdf,png", -1, NULL },
	{ "--image png,jpeg", 2, "--image takes a comma list of png, svg or pdf, not 'png,jpeg'" },
	{ "--image ''", 2, "--image takes a comma list" },
	{ "--threshold 2%", -1, NULL },
	{ "--threshold much", 2, "--threshold takes a percentage" },
	{ "-w a,b -w b,c", -1, NULL },
	{ "-w ''", 2, "--workload takes names, comma-separated, not '': an empty name" },
	{ "-w a,,b", 2, "an empty name" },
	{ "-w a,", 2, "an empty name" },
	{ "--bogus", 2, "unknown option '--bogus'" },
	{ "-x", 2, "unknown option '-x'" },
	{ "-t", 2, "option '-t' needs a value" },
	{ "--timeout", 2, "option '--timeout' needs a value" },
	{ "-h", 0, NULL },
	{ "a --help", 0, NULL },
};

static void test_cli_table(void)
{
	for (size_t i = 0; i < ARRAY_SIZE(cli_cases); i++) {
		const struct cli_case *t = &cli_cases[i];
		struct parsed p;
		char *err;
		int rc = parse(t->line, &p, &err);
		int ok = rc == t->rc && (t->err ? strstr(err, t->err) != NULL : !*err);
		/* every error says where the help is */
		if (rc == 2)
			ok = ok && strstr(err, "run 'objmem test --help' for the options") != NULL;
		if (!ok)
			fprintf(stderr, "\ncli case '%s': rc %d stderr '%s'\n", t->line, rc, err);
		CU_ASSERT(ok);
		free(err);
		free(p.counts);
		strvec_clear(&p.workloads);
	}
}

static void test_cli_values(void)
{
	struct parsed p;
	char *err;
	CU_ASSERT_EQUAL(parse("-t 30 -n 1M --counts 1M,1k,100,1k -j 2 -q a b --size 2G "
			      "--format markdown --image pdf,png --threshold 0.5 -w a,b -w b,c",
			      &p, &err), -1);
	CU_ASSERT_STRING_EQUAL(err, "");
	CU_ASSERT_DOUBLE_EQUAL(p.timeout, 30, 0);
	CU_ASSERT_EQUAL(p.count, 1000000);
	CU_ASSERT_EQUAL_FATAL(p.n_counts, 3);
	CU_ASSERT(p.counts[0] == 100 && p.counts[1] == 1000 && p.counts[2] == 1000000);
	CU_ASSERT_EQUAL(p.jobs, 2);
	CU_ASSERT_EQUAL(p.quiet, 1);
	CU_ASSERT_EQUAL(p.size, 2ULL << 30);
	CU_ASSERT_EQUAL(p.format, 1);
	CU_ASSERT_EQUAL(p.image, GP_PDF | GP_PNG);
	CU_ASSERT_DOUBLE_EQUAL(p.threshold, 0.005, 1e-12);
	CU_ASSERT_EQUAL_FATAL(p.workloads.n, 3); /* a, b, c: no duplicates */
	CU_ASSERT_STRING_EQUAL(p.workloads.v[2], "c");
	CU_ASSERT_EQUAL(p.nargs, 2);
	free(err);
	free(p.counts);
	strvec_clear(&p.workloads);
}

static const struct unit_test parse_tests[] = {
	{ "parse_count table", test_counts },
	{ "parse_count_list", test_count_list },
	{ "parse_size", test_sizes },
	{ "parse_threshold table", test_thresholds },
	{ "default output directory", test_default_dir },
};

static const struct unit_test cli_tests[] = {
	{ "command lines, from a table", test_cli_table },
	{ "the values parsed", test_cli_values },
};

static const struct unit_suite suites[] = {
	UNIT_SUITE("parsers", parse_tests),
	UNIT_SUITE("option loop", cli_tests),
};

int main(int argc, char **argv)
{
	(void)argc;
	return unit_main(argv[0], suites, ARRAY_SIZE(suites));
}
