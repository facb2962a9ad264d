/* cmd_show.c - `objmem show`: the tables of a results file. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "commands.h"
#include "explain.h"
#include "pyperf.h"
#include "results.h"
#include "table.h"

static const char show_usage[] =
	"usage: objmem show FILE.json [--format text|markdown|csv|json|pyperf] [--count N]\n"
	"                   [--brief] [--explain] [--output FILE]\n"
	"\n"
	"Prints, from a results file alone, per interpreter and workload the table of\n"
	"the original article (Count, AbsoluteUsage = USS growth since start-up, Delta =\n"
	"USS growth from base to full) and the Peak (VmHWM - RSS at start-up), in MB =\n"
	"10^6 bytes, medians over repetitions; then bytes per object (interpreters\n"
	"down, workloads across) at each count, the least-squares fits, and what was\n"
	"not measured and why, each reason once. Interpreters are in version order.\n"
	"\n"
	"  -f, --format F   text (default), markdown, csv (one row per interpreter,\n"
	"                   workload and count), json, or pyperf: a pyperf BenchmarkSuite\n"
	"                   (one benchmark INTERPRETER/WORKLOAD/COUNT per row, each ok\n"
	"                   repetition a run of one value, bytes per object, unit byte)\n"
	"                   for pyperf stats, hist and compare_to\n"
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
	"  -o, --output F   write to file F (replaced whole, never half-written) instead\n"
	"                   of standard output\n"
	"  -h, --help       this text\n"
	"\n"
	"examples:\n"
	"  objmem show results/latest.json --format markdown > table.md\n"
	"  objmem show results/latest.json --brief -n 1M\n"
	"  objmem show results/latest.json --explain -n 1M\n"
	"  objmem show results/latest.json -f pyperf -o latest.pyperf.json\n"
	"  pyperf compare_to old.pyperf.json latest.pyperf.json\n"
	"\n"
"exit status: 0 shown, 2 bad usage, a count the file lacks, or a file that cannot\n"
	"be read.\n";

static const struct option show_options[] = {
	{ "format", required_argument, NULL, 'f' },
	{ "count", required_argument, NULL, 'n' },
	{ "brief", no_argument, NULL, 'b' },
	{ "explain", no_argument, NULL, 'e' },
	{ "output", required_argument, NULL, 'o' },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

struct show_args {
	struct table_opts to;
	int explain;
	const char *output;   /* or NULL: stdout */
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
	case 'o':
		if (!*c->arg)
			return cli_error(c, "--output takes a file name, not ''");
		sa->output = c->arg;
		return 0;
	}
	return cli_error(c, "unhandled option '%s'", c->name);
}

/* What show prints of r, on out: 0, or the exit status. */
static int show_print(FILE *out, const struct results *r, const struct show_args *sa)
{
	if (sa->explain)
		return explain_print(out, r, sa->to.count, (int)sa->to.format) ? 2 : 0;
	if (sa->to.format == TABLE_PYPERF)
		return (sa->to.count && results_require_count(r, sa->to.count)) ||
		       pyperf_print(out, r, sa->to.count) ? 2 : 0;
	return table_print(out, r, &sa->to) ? 2 : 0;
}

/* Into the file: printed in memory, then written whole (nothing on a failure). */
static int show_to_file(const struct results *r, const struct show_args *sa)
{
	char *text = NULL;
	size_t len = 0;
	FILE *mem = open_memstream(&text, &len);
	if (!mem)
		die("out of memory: cannot hold the output for '%s'", sa->output);
	int rc = show_print(mem, r, sa);
	fclose(mem);
	if (!rc && write_file_atomic(sa->output, text, len))
		rc = 2;
	free(text);
	return rc;
}

int cmd_show(int argc, char **argv)
{
	struct show_args sa = { { TABLE_TEXT, 1, 0, 0 }, 0, NULL };
	struct cli c;
	cli_init(&c, "show", show_usage, "f:n:beo:h", show_options, argc, argv);
	int rc = cli_parse(&c, show_option, &sa);
	if (rc < 0) {
		if (cli_nargs(&c) != 1) {
			rc = cli_error(&c, cli_nargs(&c) ? "give one results file, not several"
				       : "give one results file");
		} else if (sa.explain && sa.to.format == TABLE_PYPERF) {
			rc = cli_error(&c, "--explain prints text, markdown, csv or json, not pyperf");
		} else {
			struct results r;
			results_init(&r);
			if (results_load(cli_args(&c)[0], &r))
				rc = 2;
			else
				rc = sa.output ? show_to_file(&r, &sa) : show_print(stdout, &r, &sa);
			results_release(&r);
		}
	}
	cli_release(&c);
	return rc;
}
