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
	"usage: objmem merge A.json B.json ... -o ALL.json [--keep-first] [--label TEXT]\n"
	"\n"
	"Joins results files (the shards of one run made with 'objmem run --shard K/N',\n"
	"or runs of other interpreters, workloads or counts) into one. A cell that is in\n"
	"two inputs with the same measurement is kept once; with different values it is\n"
	"a conflict: every conflict is printed and, unless --keep-first, nothing is\n"
	"written. The same interpreter name with a different argv or probe is a\n"
	"conflict too. A different machine or configuration is a warning. Inputs may be\n"
	"http:// or https:// URLs.\n"
	"\n"
	"  -o, --output FILE   the merged results file (required)\n"
	"      --keep-first    on a conflict keep the copy from the earlier input, and write\n"
	"      --label TEXT    the revision label of the merged file (default: the inputs')\n"
	"  -t, --timeout SECONDS  for URL inputs (default 30)\n"
	"      --insecure      for https URL inputs: do not verify the TLS certificate\n"
	"  -q, --quiet         no summary line on stderr\n"
	"  -h, --help          this text\n"
	"\n"
	"example:\n"
	"  objmem run --shard 1/2 -o part1.json ...   # on one machine\n"
	"  objmem run --shard 2/2 -o part2.json ...   # on another\n"
	"  objmem merge part1.json part2.json -o results/all.json\n"
	"\n"
	"exit status: 0 written, 1 conflicts (nothing written without --keep-first),\n"
	"2 bad usage or an input that cannot be read.\n";

enum { OPT_KEEP_FIRST = 256, OPT_LABEL, OPT_INSECURE };

static const struct option merge_options[] = {
	{ "output", required_argument, NULL, 'o' },
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
	struct http_opts ho;
};

static int merge_option(struct cli *c, int opt, void *arg)
{
	struct merge_args *a = arg;
	double secs;
	switch (opt) {
	case 'o': a->output = c->arg; return 0;
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

static int run_merge(char **inputs, int n, struct merge_args *a)
{
	struct merge m;
	merge_init(&m);
	int rc = 2;
	for (int i = 0; i < n; i++) {
		struct results r;
		results_init(&r);
		if (fetch_results(inputs[i], &a->ho, &r)) {
			results_release(&r);
			goto out;
		}
		char *name = url_redact(inputs[i]);
		merge_add(&m, &r, name);
		free(name);
		results_release(&r);
	}
	if ((rc = report_conflicts(&m, a)))
		goto out;
	if (a->label) {
		free(m.out.label);
		m.out.label = xstrdup(a->label);
	}
	if (!m.out.objmem_version)
		m.out.objmem_version = xstrdup(OBJMEM_VERSION);
	merge_sort(&m);
	rc = 2;
	if (results_write(&m.out, a->output))
		goto out;
	if (!a->quiet)
		fprintf(stderr, "merged %zu file%s: %zu cells (%zu duplicate%s dropped), "
			"%zu interpreter%s%s -> '%s'\n", m.n_inputs, m.n_inputs == 1 ? "" : "s",
			m.out.n_cells, m.n_duplicates, m.n_duplicates == 1 ? "" : "s",
			m.out.n_interps, m.out.n_interps == 1 ? "" : "s",
			m.conflicts.n ? ", conflicts kept from the earlier input" : "", a->output);
	rc = 0;
out:
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
