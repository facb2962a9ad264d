/* cmd_compare.c - `objmem compare`: two results files, a verdict per row, the gate's exit status. */
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "commands.h"
#include "compare.h"
#include "fetch.h"

static const char compare_usage[] =
	"usage: objmem compare BASE NEW [--threshold 1%] [--format text|markdown|json]\n"
	"                      [--pair OLD=NEW]... [--allow-missing]\n"
	"\n"
	"Compares bytes per object of every (interpreter, workload, count) in two results\n"
	"files (paths, or http:// and https:// URLs) and gives each row a verdict:\n"
	"  LARGER   the new median is above the base median by more than the threshold\n"
	"           (and by more than one page over the whole container), and the\n"
	"           new min..max range over the repetitions lies above the base range\n"
	"  smaller  the same, downwards\n"
	"  same     anything else: a change inside the run-to-run spread is noise\n"
	"  MISSING  measured in BASE (an ok repetition) and missing from NEW or without an\n"
	"           ok repetition there: a build or workload that broke; fails the gate\n"
	"Other rows only in one file are listed as only-base or only-new, rows with no\n"
	"ok repetition in BASE as no-data. A different machine, kernel, page size, THP\n"
	"mode or glibc between the files is printed as a warning.\n"
	"\n"
	"      --threshold PCT     relative to the base median, e.g. 1% or 0.5 (default 1%)\n"
	"  -f, --format F          text (default), markdown, json\n"
	"      --pair OLD=NEW      compare base interpreter OLD with new interpreter NEW\n"
	"                          (repeatable); others are matched by name, and when\n"
	"                          each file has one interpreter, those two are compared\n"
	"      --allow-missing     MISSING rows do not fail the gate (a smaller matrix on\n"
	"                          purpose); they are still listed\n"
	"  -t, --timeout SECONDS   for URL inputs (default 30)\n"
	"      --insecure          for https URL inputs: do not verify the TLS certificate\n"
	"  -h, --help              this text\n"
	"\n"
	"example:\n"
	"  objmem compare results/baseline.json results/tonight.json --threshold 2%\n"
	"  objmem compare https://bench.example.org/objmem/baseline.json tonight.json \\\n"
	"         --pair cpython-main-20261121=cpython-main-20261122 --format markdown\n"
	"\n"
	"exit status: 0 nothing grew beyond the threshold and nothing measured in BASE\n"
	"went missing, 1 something grew or went MISSING (without --allow-missing), 2 bad\n"
	"usage or an input that cannot be read.\n";

enum { OPT_THRESHOLD = 256, OPT_PAIR, OPT_STRICT, OPT_ALLOW_MISSING, OPT_INSECURE };

static const struct option compare_options[] = {
	{ "threshold", required_argument, NULL, OPT_THRESHOLD },
	{ "format", required_argument, NULL, 'f' },
	{ "pair", required_argument, NULL, OPT_PAIR },
	{ "allow-missing", no_argument, NULL, OPT_ALLOW_MISSING },
	{ "strict", no_argument, NULL, OPT_STRICT },   /* the default now; kept for old scripts */
	{ "timeout", required_argument, NULL, 't' },
	{ "insecure", no_argument, NULL, OPT_INSECURE },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

static const char *const formats[] = { "text", "markdown", "json", NULL };

struct compare_args {
	struct compare_opts co;
	struct compare_pair *pairs;
	size_t alloc_pairs;
	struct strvec pair_names;
	int format, allow_missing;
	struct http_opts ho;
};

static int add_pair(struct cli *c, struct compare_args *a)
{
	const char *eq = strchr(c->arg, '=');
	if (!eq || eq == c->arg || !eq[1] || strchr(eq + 1, '='))
		return cli_error(c, "--pair takes OLD=NEW, two interpreter names, not '%s'", c->arg);
	xgrow((void **)&a->pairs, sizeof(*a->pairs), a->co.n_pairs + 1, &a->alloc_pairs);
	strvec_push_nodup(&a->pair_names, xstrndup(c->arg, (size_t)(eq - c->arg)));
	strvec_push(&a->pair_names, eq + 1);
	a->co.n_pairs++;
	return 0;
}

static int compare_option(struct cli *c, int opt, void *arg)
{
	struct compare_args *a = arg;
	double secs;
	switch (opt) {
	case OPT_THRESHOLD: return cli_threshold(c, &a->co.threshold);
	case 'f': return cli_choice(c, formats, &a->format);
	case OPT_PAIR: return add_pair(c, a);
	case OPT_STRICT: a->allow_missing = 0; return 0;
	case OPT_ALLOW_MISSING: a->allow_missing = 1; return 0;
	case 't':
		if (cli_seconds(c, 86400, &secs))
			return 2;
		http_opts_timeout(&a->ho, secs);
		return 0;
	case OPT_INSECURE: a->ho.insecure = 1; return 0;
	}
	return cli_error(c, "unhandled option '%s'", c->name);
}

/* Load both files (at once), compare, print; the gate's exit status. */
static int run_compare(const char *base_src, const char *new_src, struct compare_args *a)
{
	struct results rs[2];
	results_init(&rs[0]);
	results_init(&rs[1]);
	const char *const sources[2] = { base_src, new_src };
	int rc = 2;
	struct comparison c;
	if (!fetch_results_many(sources, 2, &a->ho, rs) &&
	    !compare_results(&rs[0], &rs[1], &a->co, &c)) {
		char *bn = url_redact(base_src), *nn = url_redact(new_src);
		struct compare_source bs = { bn, &rs[0] }, ns = { nn, &rs[1] };
		rc = compare_print(stdout, &c, (enum compare_format)a->format, &bs, &ns)
			? 2 : compare_exit_status(&c, a->allow_missing);
		free(bn);
		free(nn);
		comparison_release(&c);
	}
	results_release(&rs[0]);
	results_release(&rs[1]);
	return rc;
}

int cmd_compare(int argc, char **argv)
{
	struct compare_args a;
	memset(&a, 0, sizeof(a));
	a.co.threshold = 0.01;
	http_opts_init(&a.ho);
	struct cli c;
	cli_init(&c, "compare", compare_usage, "f:t:h", compare_options, argc, argv);
	int rc = cli_parse(&c, compare_option, &a);
	if (rc < 0) {
		if (cli_nargs(&c) != 2) {
			rc = cli_error(&c, cli_nargs(&c) < 2 ? "give two results files: BASE and NEW"
				       : "give two results files (BASE and NEW), not %d", cli_nargs(&c));
		} else {
			for (size_t i = 0; i < a.co.n_pairs; i++) {
				a.pairs[i].base = a.pair_names.v[2 * i];
				a.pairs[i].cur = a.pair_names.v[2 * i + 1];
			}
			a.co.pairs = a.pairs;
			rc = run_compare(cli_args(&c)[0], cli_args(&c)[1], &a);
		}
	}
	free(a.pairs);
	strvec_clear(&a.pair_names);
	cli_release(&c);
	return rc;
}
