/* cmd_plot.c - `objmem plot`: gnuplot figures from a results file. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "commands.h"
#include "gnuplot.h"
#include "plot.h"

static const char plot_usage[] =
	"usage: objmem plot RESULTS.json [-o DIR] [--format png,svg,pdf] [--count N]\n"
	"\n"
	"Draws, from a results file alone, with gnuplot:\n"
	"  versions            memory for N objects (MB = 10^6 bytes): one group of bars\n"
	"                      per workload, one bar per interpreter, values on the bars\n"
	"  bytes-per-object    bytes per object at N, the same grouping\n"
	"  scaling-WORKLOAD    absolute usage and delta against the count, log-log, one\n"
	"                      line per interpreter\n"
	"  memory-kinds-WORKLOAD  RSS, PSS and USS at full for N objects (when they differ)\n"
	"N is the largest count in the results unless --count says otherwise. A cell that\n"
	"failed, was skipped or is missing leaves a gap that says so, never a zero.\n"
	"Next to each figure NAME.png|svg|pdf: NAME.dat, its data, and NAME.gp, a\n"
	"standalone script: `gnuplot NAME.gp` in DIR draws it again. The scripts are made\n"
	"from the templates in plots/ (see plots/README.md): edit them to restyle.\n"
	"\n"
	"  -o, --output DIR     where to write (default: RESULTS without .json, plus\n"
	"                       -figures); made if missing\n"
	"  -f, --format LIST    png, svg, pdf, comma-separated (default png,svg)\n"
	"  -n, --count N        the count the bar charts show (e.g. 1M)\n"
	"      --templates DIR  the gnuplot templates (default: objmem's plots/)\n"
	"      --gnuplot PATH   the gnuplot to run (default: gnuplot on PATH)\n"
	"      --scripts-only   write data and scripts, do not run gnuplot\n"
	"  -t, --timeout SECONDS  longest gnuplot may take for one figure (default 60)\n"
	"  -q, --quiet          do not list the files written\n"
	"  -h, --help           this text\n"
	"\n"
	"example: objmem plot results/latest.json -o results/figures --format png,pdf\n"
	"\n"
	"exit status: 0 figures written, 2 bad usage, unreadable results, or gnuplot failed\n";

enum { OPT_TEMPLATES = 256, OPT_GNUPLOT, OPT_SCRIPTS_ONLY };

static const struct option plot_options[] = {
	{ "output", required_argument, NULL, 'o' },
	{ "format", required_argument, NULL, 'f' },
	{ "count", required_argument, NULL, 'n' },
	{ "templates", required_argument, NULL, OPT_TEMPLATES },
	{ "gnuplot", required_argument, NULL, OPT_GNUPLOT },
	{ "scripts-only", no_argument, NULL, OPT_SCRIPTS_ONLY },
	{ "timeout", required_argument, NULL, 't' },
	{ "quiet", no_argument, NULL, 'q' },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

struct plot_args {
	struct plot_opts o;
	const char *outdir;
	int quiet;
};

static int plot_option(struct cli *c, int opt, void *arg)
{
	struct plot_args *a = arg;
	switch (opt) {
	case 'o': a->outdir = c->arg; return 0;
	case 'f': return cli_choice_set(c, gp_format_names, &a->o.formats);
	case 'n': return cli_count(c, &a->o.count);
	case 't': return cli_seconds(c, 86400, &a->o.timeout_s);
	case OPT_TEMPLATES: a->o.templates = c->arg; return 0;
	case OPT_GNUPLOT: a->o.gnuplot = c->arg; return 0;
	case OPT_SCRIPTS_ONLY: a->o.render = 0; return 0;
	case 'q': a->quiet = 1; return 0;
	}
	return cli_error(c, "unhandled option '%s'", c->name);
}

static void list_figures(const struct plot_set *set, const struct plot_opts *o)
{
	printf("%s %zu figure%s in %s (", o->render ? "drew" : "wrote the scripts of", set->n,
	       set->n == 1 ? "" : "s", o->outdir);
	for (unsigned bit = 1, n = 0; bit <= GP_PDF && o->render; bit <<= 1)
		if (o->formats & bit)
			printf("%s%s", n++ ? ", " : "", gp_format_name(bit));
	printf("%sNAME.dat and NAME.gp):\n", o->render ? "; " : "");
	for (size_t i = 0; i < set->n; i++)
		printf("  %-24s %s%s\n", set->v[i].name, set->v[i].title,
		       o->render && set->v[i].drawn != o->formats ? " (not drawn)" : "");
	if (set->notes)
		fputs(set->notes, stdout);
}

static int run_plot(const char *path, struct plot_args *a)
{
	struct results r;
	results_init(&r);
	if (results_load(path, &r)) {
		results_release(&r);
		return 2;
	}
	char *dir = a->outdir ? xstrdup(a->outdir) : cli_default_dir(path, "figures");
	a->o.outdir = dir;
	a->o.source = path;
	struct plot_set set;
	int rc = plot_write_figures(&r, &a->o, &set) ? 2 : 0;
	if (!a->quiet && set.n)
		list_figures(&set, &a->o);
	plot_set_release(&set);
	free(dir);
	results_release(&r);
	return rc;
}

int cmd_plot(int argc, char **argv)
{
	struct plot_args a;
	memset(&a, 0, sizeof(a));
	plot_opts_init(&a.o);
	struct cli c;
	cli_init(&c, "plot", plot_usage, "o:f:n:t:qh", plot_options, argc, argv);
	int rc = cli_parse(&c, plot_option, &a);
	if (rc < 0) {
		if (cli_nargs(&c) != 1)
			rc = cli_error(&c, cli_nargs(&c) ? "give one results file, not several"
				       : "give one results file");
		else
			rc = run_plot(cli_args(&c)[0], &a);
	}
	cli_release(&c);
	return rc;
}
