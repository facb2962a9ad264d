/* cmd_report.c - `objmem report`: report.md and report.html from a results file. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "catalog.h"
#include "cli.h"
#include "commands.h"
#include "report.h"

static const char report_usage[] =
	"usage: objmem report RESULTS.json [-o DIR] [--count N] [--no-figures]\n"
	"\n"
	"Writes DIR/report.md and DIR/report.html from a results file alone, the answer\n"
	"first: the version charts (the objects alone, and the peak) at the largest\n"
	"count; bytes per object at that count with why (docs/layout.md's account where\n"
	"it covers the build, else computed); the other counts; the other figures of\n"
	"objmem plot (SVG, next to the report and inline in the HTML); the article's\n"
	"Count / AbsoluteUsage / Delta tables; what was not measured and why; the\n"
	"machine, the method and the interpreters' probes. Builds are in version order\n"
	"and named as people name them. report.html is one self-contained file with a\n"
	"table of contents: no script, nothing fetched from the network, nothing wider\n"
	"than the window (wide tables scroll in their own box).\n"
	"\n"
"  -o, --output DIR     where to write (default: RESULTS without .json, plus\n"
	"                       -report); made if missing\n"
	"  -n, --count N        the count the bar charts show (default: the largest)\n"
	"      --no-figures     tables only: do not run gnuplot\n"
	"      --templates DIR  the gnuplot templates (default: objmem's plots/)\n"
	"      --gnuplot PATH   the gnuplot to run (default: gnuplot on PATH)\n"
	"  -t, --timeout SECONDS  longest gnuplot may take for one figure (default 60)\n"
	"  -q, --quiet          do not print where the report went\n"
	"  -h, --help           this text\n"
	"\n"
	"example: objmem report results/latest.json -o results/report && "
	"xdg-open results/report/report.html\n"
	"\n"
	"exit status: 0 report written, 2 bad usage, unreadable results, an unwritable\n"
	"directory, or a figure gnuplot could not draw (the report is written without it)\n";

enum { OPT_NO_FIGURES = 256, OPT_TEMPLATES, OPT_GNUPLOT };

static const struct option report_options[] = {
	{ "output", required_argument, NULL, 'o' },
	{ "count", required_argument, NULL, 'n' },
	{ "no-figures", no_argument, NULL, OPT_NO_FIGURES },
	{ "templates", required_argument, NULL, OPT_TEMPLATES },
	{ "gnuplot", required_argument, NULL, OPT_GNUPLOT },
	{ "timeout", required_argument, NULL, 't' },
	{ "quiet", no_argument, NULL, 'q' },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

struct report_args {
	struct report_opts o;
	const char *outdir;
	int quiet;
};

static int report_option(struct cli *c, int opt, void *arg)
{
	struct report_args *a = arg;
	switch (opt) {
	case 'o': a->outdir = c->arg; return 0;
	case 'n': return cli_count(c, &a->o.count);
	case 't': return cli_seconds(c, 86400, &a->o.timeout_s);
	case OPT_NO_FIGURES: a->o.figures = 0; return 0;
	case OPT_TEMPLATES: a->o.templates = c->arg; return 0;
	case OPT_GNUPLOT: a->o.gnuplot = c->arg; return 0;
	case 'q': a->quiet = 1; return 0;
	}
	return cli_error(c, "unhandled option '%s'", c->name);
}

static int run_report(const char *path, struct report_args *a)
{
	struct results r;
	results_init(&r);
	if (results_load(path, &r)) {
		results_release(&r);
		return 2;
	}
	char *dir = a->outdir ? xstrdup(a->outdir) : cli_default_dir(path, "report");
	a->o.outdir = dir;
	a->o.source = path;
	char *share = objmem_srcdir("docs/layout.md");
	char *layout = share ? xasprintf("%s/docs/layout.md", share) : NULL;
	a->o.layout_doc = layout;
	int rc = report_write(&r, &a->o);
	if (rc >= 0 && !a->quiet)
		printf("%s/report.md\n%s/report.html\n", dir, dir);
	if (rc == 1)
		error("the report in '%s' lacks the figures gnuplot could not draw "
		      "(--no-figures leaves them out on purpose)", dir);
	free(layout);
	free(share);
	free(dir);
	results_release(&r);
	return rc ? 2 : 0;
}

int cmd_report(int argc, char **argv)
{
	struct report_args a;
	memset(&a, 0, sizeof(a));
	report_opts_init(&a.o);
	struct cli c;
	cli_init(&c, "report", report_usage, "o:n:t:qh", report_options, argc, argv);
	int rc = cli_parse(&c, report_option, &a);
	if (rc < 0) {
		if (cli_nargs(&c) != 1)
			rc = cli_error(&c, cli_nargs(&c) ? "give one results file, not several"
				       : "give one results file");
		else
			rc = run_report(cli_args(&c)[0], &a);
	}
	cli_release(&c);
	return rc;
}
