/* cmd_show.c - `objmem show`: the tables of a results file. */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "commands.h"
#include "explain.h"
#include "results.h"
#include "table.h"

static const char show_usage[] =
	"usage: objmem show FILE.json [--format text|markdown|csv|json] [--count N] [--brief]\n"
	"                   [--explain]\n"
	"\n"
	"Prints, from a results file alone, per interpreter and workload the table of\n"
	"the original article (Count, AbsoluteUsage = USS growth since start-up, Delta =\n"
	"USS growth from base to full) and the Peak (VmHWM - RSS at start-up), in MB =\n"
	"10^6 bytes, medians over repetitions; then bytes per object (interpreters\n"
	"down, workloads across) at each count, the least-squares fits, and what was\n"
	"not measured and why, each reason once. Interpreters are in version order.\n"
	"\n"
	"  -f, --format F   text (default), markdown, csv (one row per interpreter,\n"
	"                   workload and count), json\n"
	"  -n, --count N    only this count (e.g. 1M), in every format; a count the file\n"
	"                   does not have is an error that names those it has\n"
	"  -b, --brief      only the bytes-per-object tables and what was not measured;\n"
	"                   with -n, the one table at that count\n"
	"  -e, --explain    instead, per interpreter and workload (at -n, else its largest\n"
	"                   count) what one object costs in five views: shallow\n"
	"                   (sys.getsizeof), deep (the object and what it owns), requested\n"
	"                   (tracemalloc), allocator (those requests as the build's\n"
	"                   allocator serves them) and kernel (measured), the residual\n"
	"                   kernel - allocator, the steps between them in words, and why\n"
	"                   a view is missing\n"
	"  -h, --help       this text\n"
	"\n"
	"examples:\n"
	"  objmem show results/latest.json --format markdown > table.md\n"
	"  objmem show results/latest.json --brief -n 1M\n"
	"  objmem show results/latest.json --explain -n 1M\n"
	"\n"
"exit status: 0 shown, 2 bad usage, a count the file lacks, or a file that cannot\n"
	"be read.\n";

static const struct option show_options[] = {
	{ "format", required_argument, NULL, 'f' },
	{ "count", required_argument, NULL, 'n' },
	{ "brief", no_argument, NULL, 'b' },
	{ "explain", no_argument, NULL, 'e' },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

struct show_args {
	struct table_opts to;
	int explain;
};

static int show_option(struct cli *c, int opt, void *arg)
{
	struct show_args *sa = arg;
	struct table_opts *to = &sa->to;
	int f;
	switch (opt) {
	case 'f':
		if (cli_choice(c, table_format_names, &f))
			return 2;
		to->format = (enum table_format)f;
		return 0;
	case 'n': return cli_count(c, &to->count);
	case 'b': to->detail = 0; return 0;
	case 'e': sa->explain = 1; return 0;
	}
	return cli_error(c, "unhandled option '%s'", c->name);
}

int cmd_show(int argc, char **argv)
{
	struct show_args sa = { { TABLE_TEXT, 1, 0, 0 }, 0 };
	struct cli c;
	cli_init(&c, "show", show_usage, "f:n:beh", show_options, argc, argv);
	int rc = cli_parse(&c, show_option, &sa);
	if (rc < 0) {
		if (cli_nargs(&c) != 1) {
			rc = cli_error(&c, cli_nargs(&c) ? "give one results file, not several"
				       : "give one results file");
		} else {
			struct results r;
			results_init(&r);
			if (results_load(cli_args(&c)[0], &r))
				rc = 2;
			else if (sa.explain)
				rc = explain_print(stdout, &r, sa.to.count, (int)sa.to.format) ? 2 : 0;
			else
				rc = table_print(stdout, &r, &sa.to) ? 2 : 0;
			results_release(&r);
		}
	}
	cli_release(&c);
	return rc;
}
