/* cmd_trend.c - `objmem trend`: bytes per object over a series of results files. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "commands.h"
#include "fetch.h"
#include "gnuplot.h"
#include "textfmt.h"
#include "trend.h"

static const char trend_usage[] =
	"usage: objmem trend FILES... [-o DIR] [--count N|all] [--format text|markdown|csv|json]\n"
	"                    [--detect] [--check [--strict]] [--threshold PCT]\n"
	"\n"
	"Bytes per object over a series of results files (nightly runs, revisions):\n"
	"one line per interpreter and workload (matched by name across the files), the\n"
	"files in the order of their dates (oldest first), each labelled with the\n"
	"revision given to 'objmem run --label', else its date. Each point is compared\n"
	"with the point before it on its line by the rule of 'objmem compare'; the\n"
	"LARGER ones are marked. Prints the series as a table; with -o, also draws it.\n"
	"FILES may be http:// or https:// URLs.\n"
	"\n"
	"--detect finds the steps of each line over the whole history: levels fitted to\n"
	"its files (a piecewise-constant L1 fit, as asv does), each point weighted by its\n"
	"noise, max(one page / count, max - min of its repetitions), a penalty per step,\n"
	"at least 2 files per level; a step within the noise is no step. The newest file\n"
	"alone, off its level, is a suspected step. --check gates on the newest level.\n"
	"\n"
	"  -o, --output DIR        write DIR/trend.png (and the other --image formats),\n"
	"                          its data DIR/trend.dat, the standalone gnuplot script\n"
	"                          DIR/trend.gp and the table DIR/trend.md\n"
	"  -n, --count N|all       the object count to follow (default: the largest count\n"
	"                          of the newest file); all: a line per count\n"
	"  -i, --interpreter NAME  only these interpreters (repeat or commas)\n"
	"  -w, --workload NAME     only these workloads (repeat or commas)\n"
	"      --threshold PCT     as in compare (default 1%); the gate's threshold too\n"
	"      --detect            find the steps of each line; print and draw them\n"
	"      --check             --detect, and exit 1 when a line's newest level is a\n"
	"                          step up beyond the threshold from the level before\n"
	"      --strict            with --check: a suspected step up (the newest file\n"
	"                          alone) fails the gate too\n"
	"  -f, --format F          the table on stdout: text (default), markdown, csv, json\n"
	"      --image LIST        the figure's formats: png, svg, pdf (default png)\n"
	"      --title TEXT        the figure's title\n"
	"      --size WxH          the figure's size in every format: pixels (800x600, or\n"
	"                          800: as tall as it needs), or 6.5x4in, 16x10cm\n"
	"                          (default: 800 px wide, a PDF 6.5 in wide)\n"
	"      --templates DIR     the gnuplot templates (default: objmem's plots/)\n"
	"      --gnuplot PATH      the gnuplot to run (default: gnuplot on PATH)\n"
	"      --scripts-only      write data, script and table, do not run gnuplot\n"
	"      --keep-order        the files in the order given, not by date\n"
	"  -t, --timeout SECONDS   for URL inputs, and for gnuplot (default 30 and 60)\n"
	"      --insecure          for https URL inputs: do not verify the TLS certificate\n"
	"  -q, --quiet             do not list the files written\n"
	"  -h, --help              this text\n"
	"\n"
	"examples:\n"
	"  objmem trend history/*.json -o results/trend --count 1M -w point3d,slots\n"
	"  objmem trend history/*.json --check --count 1M    # a gate over the history\n"
	"\n"
	"exit status: 0 done (without --check a regression is shown, not an error),\n"
	"1 with --check: a line's newest level is a step up beyond the threshold (or,\n"
	"with --strict, its newest file alone is), 2 bad usage, an input that cannot be\n"
	"read, or gnuplot failed.\n";

enum { OPT_THRESHOLD = 256, OPT_IMAGE, OPT_TITLE, OPT_TEMPLATES, OPT_GNUPLOT,
       OPT_SCRIPTS_ONLY, OPT_KEEP_ORDER, OPT_INSECURE, OPT_DETECT, OPT_CHECK, OPT_STRICT,
       OPT_SIZE };

static const struct option trend_options[] = {
	{ "output", required_argument, NULL, 'o' },
	{ "count", required_argument, NULL, 'n' },
	{ "interpreter", required_argument, NULL, 'i' },
	{ "workload", required_argument, NULL, 'w' },
	{ "threshold", required_argument, NULL, OPT_THRESHOLD },
	{ "format", required_argument, NULL, 'f' },
	{ "image", required_argument, NULL, OPT_IMAGE },
	{ "title", required_argument, NULL, OPT_TITLE },
	{ "templates", required_argument, NULL, OPT_TEMPLATES },
	{ "gnuplot", required_argument, NULL, OPT_GNUPLOT },
	{ "scripts-only", no_argument, NULL, OPT_SCRIPTS_ONLY },
	{ "keep-order", no_argument, NULL, OPT_KEEP_ORDER },
	{ "timeout", required_argument, NULL, 't' },
	{ "insecure", no_argument, NULL, OPT_INSECURE },
	{ "detect", no_argument, NULL, OPT_DETECT },
	{ "check", no_argument, NULL, OPT_CHECK },
	{ "strict", no_argument, NULL, OPT_STRICT },
	{ "size", required_argument, NULL, OPT_SIZE },
	{ "quiet", no_argument, NULL, 'q' },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

static const char *const formats[] = { "text", "markdown", "csv", "json", NULL };

struct trend_args {
	struct strvec interps, workloads;
	struct trend_opts to;
	struct trend_figure fig;
	int format;
	struct http_opts ho;
	char width[64], height[64];
};

static int trend_option(struct cli *c, int opt, void *arg)
{
	struct trend_args *a = arg;
	double secs;
	switch (opt) {
	case 'o': a->fig.dir = c->arg; return 0;
	case 'n':
		if (c->arg && !strcmp(c->arg, "all"))
			return a->to.all_counts = 1, 0;
		return cli_count(c, &a->to.count);
	case 'i': return cli_names(c, &a->interps);
	case 'w': return cli_names(c, &a->workloads);
	case OPT_THRESHOLD: return cli_threshold(c, &a->to.threshold);
	case 'f': return cli_choice(c, formats, &a->format);
	case OPT_IMAGE: return cli_choice_set(c, gp_format_names, &a->fig.formats);
	case OPT_TITLE: a->fig.title = c->arg; return 0;
	case OPT_TEMPLATES: a->fig.templates = c->arg; return 0;
	case OPT_GNUPLOT: a->fig.gnuplot = c->arg; return 0;
	case OPT_SCRIPTS_ONLY: a->fig.render = 0; return 0;
	case OPT_KEEP_ORDER: a->to.keep_order = 1; return 0;
	case 't':
		if (cli_seconds(c, 86400, &secs))
			return 2;
		http_opts_timeout(&a->ho, secs);
		a->fig.timeout_s = secs;
		return 0;
	case OPT_INSECURE: a->ho.insecure = 1; return 0;
	case OPT_DETECT: a->to.detect = 1; return 0;
	case OPT_CHECK: a->to.check = 1; return 0;
	case OPT_STRICT: a->to.strict = 1; return 0;
	case OPT_SIZE:
		if (cli_figure_size(c, a->width, a->height, sizeof(a->width)))
			return 2;
		a->fig.width = a->width;
		a->fig.height = a->height;
		return 0;
	case 'q': a->fig.quiet = 1; return 0;
	}
	return cli_error(c, "unhandled option '%s'", c->name);
}

/* The series is built; print it, (with -o) draw it, and the gate's status. */
static int show_trend(const struct trend *t, struct trend_args *a)
{
	if (!t->n_lines)
		warning("no results file has a row for the interpreters, workloads and count asked "
			"for (see: objmem show FILE)");
	if (trend_print(stdout, t, (enum trend_format)a->format))
		return error("cannot write the table to stdout: %s", strerror(errno)), 2;
	if (t->check && a->format == TREND_CSV)
		trend_print_gate(stderr, t, 0);  /* stdout stays CSV */
	int gate = t->check && t->n_failed ? 1 : 0;
	if (!a->fig.dir)
		return gate;
	char title[256];
	if (!a->fig.title) {
		char cnt[32] = "";
		if (!a->to.all_counts && t->n_lines)
			format_count(t->lines[0].count, cnt, sizeof(cnt));
		snprintf(title, sizeof(title), "Bytes per object over time%s%s%s", *cnt ? ", " : "",
			 cnt, *cnt ? " objects" : "");
		a->fig.title = title;
	}
	int rc = trend_figure_write(t, &a->fig) ? 2 : gate;
	if (a->fig.title == title)
		a->fig.title = NULL;
	return rc;
}

static int run_trend(char **inputs, size_t n, struct trend_args *a)
{
	struct results *rs = xcalloc(n, sizeof(*rs));
	char **names = xcalloc(n, sizeof(*names));
	int rc = 2;
	for (size_t i = 0; i < n; i++) {
		results_init(&rs[i]);
		names[i] = url_redact(inputs[i]);
	}
	if (fetch_results_many((const char *const *)inputs, n, &a->ho, rs))
		goto out;
	struct trend t;
	trend_build(rs, (const char *const *)names, n, &a->to, &t);
	rc = show_trend(&t, a);
	trend_release(&t);
out:
	for (size_t i = 0; i < n; i++) {
		results_release(&rs[i]);
		free(names[i]);
	}
	free(rs);
	free(names);
	return rc;
}

int cmd_trend(int argc, char **argv)
{
	struct trend_args a;
	memset(&a, 0, sizeof(a));
	a.to.threshold = 0.01;
	a.to.interpreters = &a.interps;
	a.to.workloads = &a.workloads;
	a.fig.formats = GP_PNG;
	a.fig.timeout_s = 60;
	a.fig.render = 1;
	http_opts_init(&a.ho);
	struct cli c;
	cli_init(&c, "trend", trend_usage, "o:n:i:w:f:t:qh", trend_options, argc, argv);
	int rc = cli_parse(&c, trend_option, &a);
	if (rc < 0 && a.to.strict && !a.to.check)
		rc = cli_error(&c, "--strict is a rule of the gate: give --check with it");
	if (rc < 0) {
		if (!cli_nargs(&c))
			rc = cli_error(&c, "give the results files of the series");
		else
			rc = run_trend(cli_args(&c), (size_t)cli_nargs(&c), &a);
	}
	strvec_clear(&a.interps);
	strvec_clear(&a.workloads);
	cli_release(&c);
	return rc;
}
