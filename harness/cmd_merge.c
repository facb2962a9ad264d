/* cmd_merge.c - `objmem merge`: join results files (shards) into one. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "commands.h"
#include "fetch.h"
#include "merge.h"

/* Enough to see the pattern; all of them would bury the summary. */
#define MAX_CONFLICTS_SHOWN 20

static const char merge_usage[] =
	"usage: objmem merge A.json B.json ... -o ALL.json [--expect N] [--keep-first] [--label TEXT]\n"
	"\n"
	"Joins results files (the shards of one run made with 'objmem run --shard K/N',\n"
	"or runs of other interpreters, workloads or counts) into one. A cell that is in\n"
	"two inputs with the same measurement is kept once; with different values it is\n"
	"a conflict: every conflict is printed and, unless --keep-first, nothing is\n"
	"written. The same interpreter name with a different argv or probe is a\n"
	"conflict too. A different machine or configuration is a warning. Inputs may be\n"
	"http:// or https:// URLs.\n"
	"\n"
	"With --expect N the inputs must be the N shards of one run: each made with\n"
	"--shard K/N of the same workloads, counts and repetitions. Every shard that\n"
	"no input is, every shard given twice, and every cell of the matrix (each\n"
	"interpreter that is not skipped x workload x count x repetition) that no input\n"
	"holds is named; the merged file is written all the same and the last line says\n"
	"it is partial, so a partial night is reported, not taken for a whole one.\n"
	"\n"
	"  -o, --output FILE   the merged results file (required)\n"
	"      --expect N      check that the inputs are shards 1/N ... N/N of one matrix\n"
	"                      and hold every cell of it (exit 1 when not)\n"
	"      --keep-first    on a conflict keep the copy from the earlier input, and write\n"
	"      --label TEXT    the revision label of the merged file (default: the inputs')\n"
	"  -t, --timeout SECONDS  for URL inputs (default 30)\n"
	"      --insecure      for https URL inputs: do not verify the TLS certificate\n"
	"  -q, --quiet         no summary line on stderr (what --expect finds missing is\n"
	"                      still said)\n"
	"  -h, --help          this text\n"
	"\n"
	"example:\n"
	"  objmem run --shard 1/2 -o part1.json ...   # on one machine\n"
	"  objmem run --shard 2/2 -o part2.json ...   # on another\n"
	"  objmem merge --expect 2 part1.json part2.json -o results/all.json\n"
	"\n"
	"exit status: 0 written (with --expect: whole), 1 conflicts (nothing written\n"
	"without --keep-first), or with --expect a shard or a cell missing or a shard\n"
	"given twice (written, partial), 2 bad usage, an input that cannot be read, or\n"
	"with --expect an input that is not a shard of N of the same matrix (nothing\n"
	"written).\n";

enum { OPT_KEEP_FIRST = 256, OPT_LABEL, OPT_INSECURE, OPT_EXPECT };

static const struct option merge_options[] = {
	{ "output", required_argument, NULL, 'o' },
	{ "expect", required_argument, NULL, OPT_EXPECT },
	{ "keep-first", no_argument, NULL, OPT_KEEP_FIRST },
	{ "label", required_argument, NULL, OPT_LABEL },
	{ "timeout", required_argument, NULL, 't' },
	{ "insecure", no_argument, NULL, OPT_INSECURE },
	{ "quiet", no_argument, NULL, 'q' },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

struct merge_args {
	const char *output, *label;
	int keep_first, quiet;
	int expect;             /* --expect N; 0: not asked */
	struct http_opts ho;
};

static int merge_option(struct cli *c, int opt, void *arg)
{
	struct merge_args *a = arg;
	double secs;
	long n;
	switch (opt) {
	case 'o': a->output = c->arg; return 0;
	case OPT_EXPECT:
		/* the bound of 'objmem run --shard K/N' */
		if (cli_long(c, 1, 1000000, &n))
			return 2;
		a->expect = (int)n;
		return 0;
	case OPT_KEEP_FIRST: a->keep_first = 1; return 0;
	case OPT_LABEL: a->label = c->arg; return 0;
	case 't':
		if (cli_seconds(c, 86400, &secs))
			return 2;
		http_opts_timeout(&a->ho, secs);
		return 0;
	case OPT_INSECURE: a->ho.insecure = 1; return 0;
	case 'q': a->quiet = 1; return 0;
	}
	return cli_error(c, "unhandled option '%s'", c->name);
}

/* Warnings and conflicts on stderr; 0 to write, 1 when conflicts stop it. */
static int report_conflicts(const struct merge *m, const struct merge_args *a)
{
	for (size_t i = 0; i < m->warnings.n; i++)
		warning("%s", m->warnings.v[i]);
	for (size_t i = 0; i < m->conflicts.n && i < MAX_CONFLICTS_SHOWN; i++)
		fprintf(stderr, "conflict: %s\n", m->conflicts.v[i]);
	if (m->conflicts.n > MAX_CONFLICTS_SHOWN)
		fprintf(stderr, "conflict: ... and %zu more\n", m->conflicts.n - MAX_CONFLICTS_SHOWN);
	if (!m->conflicts.n || a->keep_first)
		return 0;
	error("%zu conflict%s: '%s' was not written; keep the copies from the earlier inputs "
	      "with --keep-first, or leave out the file that does not belong", m->conflicts.n,
	      m->conflicts.n == 1 ? "" : "s", a->output);
	return 1;
}

/* --expect: the inputs are not shards of one matrix. Nothing is written: 2. */
static int report_mismatches(const struct merge_expect *e, const struct merge_args *a)
{
	for (size_t i = 0; i < e->mismatches.n; i++)
		fprintf(stderr, "mismatch: %s\n", e->mismatches.v[i]);
	error("the inputs are not the %d shards of one run: '%s' was not written; merge the "
	      "files of one 'objmem run --shard K/%d' each, or leave out --expect to join files "
	      "of other runs", e->shards, a->output, e->shards);
	return 2;
}

/* --expect: what is given twice or missing, each named; said even with -q. */
static void report_expect(const struct merge_expect *e)
{
	for (size_t i = 0; i < e->gaps.n; i++)
		warning("%s", e->gaps.v[i]);
	for (size_t i = 0; i < e->duplicates.n; i++)
		fprintf(stderr, "duplicate: %s\n", e->duplicates.v[i]);
	for (size_t i = 0; i < e->missing_shards.n; i++)
		fprintf(stderr, "missing: shard %s: no input was made with --shard %s\n",
			e->missing_shards.v[i], e->missing_shards.v[i]);
	for (size_t i = 0; i < e->missing_cells.n; i++)
		fprintf(stderr, "missing: cell %s\n", e->missing_cells.v[i]);
}

/* --expect: the verdict after the file was written; 0 whole, 1 partial or doubled. */
static int expect_verdict(const struct merge_expect *e, const struct merge *m,
			  const struct merge_args *a)
{
	size_t ms = e->missing_shards.n, mc = e->missing_cells.n;
	if (ms || mc) {
		error("partial: %zu of %d shard%s and %zu of %zu cells of the matrix are missing; "
		      "'%s' was written with the %zu cells there are: run the missing shards "
		      "again ('objmem run --shard K/%d' with the same options) and merge again",
		      ms, e->shards, e->shards == 1 ? "" : "s", mc, e->n_cells, a->output,
		      m->out.n_cells, e->shards);
		return 1;
	}
	if (e->duplicates.n) {
		error("%zu shard%s given more than once: the inputs are not the %d shards of one "
		      "run; '%s' was written with every cell once: give each shard once",
		      e->duplicates.n, e->duplicates.n == 1 ? " is" : "s are", e->shards, a->output);
		return 1;
	}
	if (!a->quiet)
		fprintf(stderr, "whole: the %d shard%s of %d and all %zu cells of the matrix\n",
			e->shards, e->shards == 1 ? "" : "s", e->shards, e->n_cells);
	return 0;
}

/*
 * Read and join every input into m, in order, a pair at a time (read
 * together, joined one after the other: memory holds two inputs, not
 * all); 0, or 2 when one cannot be read.
 */
static int add_inputs(struct merge *m, char **inputs, int n, struct merge_args *a)
{
	for (int i = 0; i < n; i += 2) {
		size_t k = n - i < 2 ? 1 : 2;
		struct results rs[2];
		results_init(&rs[0]);
		results_init(&rs[1]);
		int rc = fetch_results_many((const char *const *)inputs + i, k, &a->ho, rs);
		for (size_t j = 0; j < k && !rc; j++) {
			char *name = url_redact(inputs[i + (int)j]);
			merge_take(m, &rs[j], name);
			free(name);
		}
		results_release(&rs[0]);
		results_release(&rs[1]);
		if (rc)
			return 2;
	}
	return 0;
}

/* Write the merged document; 0, or 2 (said). */
static int write_merged(struct merge *m, const struct merge_args *a)
{
	if (a->label) {
		free(m->out.label);
		m->out.label = xstrdup(a->label);
	}
	if (!m->out.objmem_version)
		m->out.objmem_version = xstrdup(OBJMEM_VERSION);
	merge_sort(m);
	if (results_write(&m->out, a->output))
		return 2;
	if (!a->quiet)
		fprintf(stderr, "merged %zu file%s: %zu cells (%zu duplicate%s dropped), "
			"%zu interpreter%s%s -> '%s'\n", m->n_inputs, m->n_inputs == 1 ? "" : "s",
			m->out.n_cells, m->n_duplicates, m->n_duplicates == 1 ? "" : "s",
			m->out.n_interps, m->out.n_interps == 1 ? "" : "s",
			m->conflicts.n ? ", conflicts kept from the earlier input" : "", a->output);
	return 0;
}

static int run_merge(char **inputs, int n, struct merge_args *a)
{
	struct merge m;
	struct merge_expect e;
	merge_init(&m);
	merge_expect_init(&e);
	int rc = add_inputs(&m, inputs, n, a);
	if (!rc && a->expect && merge_expect(&m, a->expect, &e) == 2)
		rc = report_mismatches(&e, a);
	if (!rc && a->expect)
		report_expect(&e);
	if (!rc)
		rc = report_conflicts(&m, a);
	if (!rc)
		rc = write_merged(&m, a);
	if (!rc && a->expect)
		rc = expect_verdict(&e, &m, a);
	merge_expect_release(&e);
	merge_release(&m);
	return rc;
}

int cmd_merge(int argc, char **argv)
{
	struct merge_args a;
	memset(&a, 0, sizeof(a));
	http_opts_init(&a.ho);
	struct cli c;
	cli_init(&c, "merge", merge_usage, "o:t:qh", merge_options, argc, argv);
	int rc = cli_parse(&c, merge_option, &a);
	if (rc < 0) {
		if (!a.output)
			rc = cli_error(&c, "give the merged file with -o FILE");
		else if (!cli_nargs(&c))
			rc = cli_error(&c, "give the results files to merge");
		else
			rc = run_merge(cli_args(&c), cli_nargs(&c), &a);
	}
	cli_release(&c);
	return rc;
}
