/* cmd_plot.c - `objmem plot`: gnuplot figures from a results file. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "commands.h"
#include "gnuplot.h"
#include "plot.h"

static const char plot_usage[] =
	"usage: objmem plot RESULTS.json [-o DIR] [-f png,svg,pdf] [-n COUNT] [--metric M]\n"
	"                   [-i NAME]... [-w NAME]... [--title TEXT] [--size WxH] [--sort S]\n"
	"\n"
	"Draws, from a results file alone, with gnuplot:\n"
	"  versions            the article's chart: memory for N objects (MB = 10^6 bytes),\n"
	"                      one bar per build, grouped by workload: the delta (the\n"
	"                      objects alone); versions-absolute and versions-peak with\n"
	"                      --metric absolute or peak\n"
	"  bytes-per-object    bytes per object at N, the same grouping\n"
	"  scaling-WORKLOAD    absolute usage and delta against the count, log-log, one\n"
	"                      line per build\n"
	"  memory-kinds-WORKLOAD  USS, PSS and RSS at full for N objects (when they differ)\n"
	"N is the largest count in the results unless -n says otherwise. Builds are named\n"
	"as people name them (CPython 3.12.1, PyPy 7.3.11 (3.9)) and listed in version\n"
	"order; one family of builds shares a hue. When builds x workloads make more than\n"
	"40 bars, each bar chart is drawn once per workload (versions-point3d, ...). A\n"
	"cell that failed, was skipped or is missing leaves a gap that says so, never a\n"
	"zero; a cell run more than once has a min..max error bar.\n"
	"Next to each figure NAME.png|svg|pdf: NAME.dat, its data, and NAME.gp, a\n"
	"standalone script: `gnuplot DIR/NAME.gp` draws it again from any directory, and\n"
	"lays it out anew when you edit its size or title. The scripts are made from the\n"
	"templates in plots/ (see plots/README.md): edit them to restyle.\n"
	"\n"
"  -o, --output DIR     where to write (default: RESULTS without .json, plus\n"
	"                       -figures); made if missing\n"
	"  -f, --format LIST    png, svg, pdf, comma-separated (default png,svg)\n"
	"  -n, --count N        the count the bar charts show (e.g. 1M)\n"
	"      --metric LIST    delta, absolute, peak (comma list; default delta):\n"
	"                       delta = USS growth from base to full (the objects alone),\n"
	"                       absolute = USS growth since start-up (AbsoluteUsage),\n"
	"                       peak = highest RSS of the run (VmHWM) - RSS at start-up\n"
	"  -i, --interpreter NAME  only these builds (repeat or commas)\n"
	"  -w, --workload NAME  only these workloads (repeat or commas)\n"
	"      --title TEXT     the version charts' title\n"
	"      --size WxH       the figures' size, in every format: pixels (800x600, or\n"
	"                       800 for as tall as needed), or inches or cm (6.5x4in,\n"
	"                       16x10cm) at 96 pixels to the inch; default 800 pixels wide\n"
	"                       for PNG and SVG and a 6.5-inch column for PDF, text 10-13 pt\n"
"      --sort S         version (default), value (largest first) or name\n"
	"      --templates DIR  the gnuplot templates (default: objmem's plots/)\n"
	"      --gnuplot PATH   the gnuplot to run (default: gnuplot on PATH)\n"
	"      --scripts-only   write data and scripts, do not run gnuplot\n"
	"  -t, --timeout SECONDS  longest gnuplot may take for one figure (default 60)\n"
	"  -q, --quiet          do not list the files written\n"
	"  -h, --help           this text\n"
	"\n"
	"examples:\n"
	"  objmem plot results/latest.json -o results/figures --format png,pdf\n"
	"  objmem plot versions.json -n 10M --metric peak,delta -w point3d,slots \\\n"
	"              --title 'Memory for 10 million Point3D objects'\n"
	"\n"
	"exit status: 0 figures written, 2 bad usage, unreadable results, or gnuplot failed\n";

enum { OPT_TEMPLATES = 256, OPT_GNUPLOT, OPT_SCRIPTS_ONLY, OPT_METRIC, OPT_TITLE, OPT_SIZE,
       OPT_SORT };

static const struct option plot_options[] = {
	{ "output", required_argument, NULL, 'o' },
	{ "format", required_argument, NULL, 'f' },
	{ "count", required_argument, NULL, 'n' },
	{ "metric", required_argument, NULL, OPT_METRIC },
	{ "interpreter", required_argument, NULL, 'i' },
	{ "workload", required_argument, NULL, 'w' },
	{ "title", required_argument, NULL, OPT_TITLE },
	{ "size", required_argument, NULL, OPT_SIZE },
	{ "sort", required_argument, NULL, OPT_SORT },
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
	struct strvec interps, workloads;
	char width[64], height[64];
};

static int plot_option(struct cli *c, int opt, void *arg)
{
	struct plot_args *a = arg;
	switch (opt) {
	case 'o': a->outdir = c->arg; return 0;
	case 'f': return cli_choice_set(c, gp_format_names, &a->o.formats);
	case 'n': return cli_count(c, &a->o.count);
	case OPT_METRIC: return cli_choice_set(c, plot_metric_names, &a->o.metrics);
	case 'i': return cli_names(c, &a->interps);
	case 'w': return cli_names(c, &a->workloads);
	case OPT_TITLE: a->o.title = c->arg; return 0;
	case OPT_SIZE:
		if (cli_figure_size(c, a->width, a->height, sizeof(a->width)))
			return 2;
		a->o.width = a->width;
		a->o.height = a->height;
		return 0;
	case OPT_SORT: {
		int i;
		if (cli_choice(c, plot_sort_names, &i))
			return 2;
		a->o.sort = (enum plot_sort)i;
		return 0;
	}
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
	a.o.interpreters = &a.interps;
	a.o.workloads = &a.workloads;
	struct cli c;
	cli_init(&c, "plot", plot_usage, "o:f:n:i:w:t:qh", plot_options, argc, argv);
	int rc = cli_parse(&c, plot_option, &a);
	if (rc < 0) {
		if (cli_nargs(&c) != 1)
			rc = cli_error(&c, cli_nargs(&c) ? "give one results file, not several"
				       : "give one results file");
		else
			rc = run_plot(cli_args(&c)[0], &a);
	}
	strvec_clear(&a.interps);
	strvec_clear(&a.workloads);
	cli_release(&c);
	return rc;
}
