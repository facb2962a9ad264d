/* cmd_show.c - `objmem show`: the tables of a results file. */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "commands.h"
#include "results.h"
#include "table.h"

static const char show_usage[] =
	"usage: objmem show FILE.json [--format text|markdown|csv|json] [--count N] [--brief]\n"
	"\n"
	"Prints, from a results file alone, per interpreter and workload the table of\n"
	"the original article (Count, AbsoluteUsage = USS growth since start-up, Delta =\n"
	"USS growth from base to full, in MB = 10^6 bytes, medians over repetitions),\n"
	"then bytes per object (interpreters down, workloads across) at each count,\n"
	"the least-squares fits, and the cells that failed or were skipped.\n"
	"\n"
	"  -f, --format F   text (default), markdown, csv (one row per count), json\n"
	"  -n, --count N    only the bytes-per-object table at this count (e.g. 1M)\n"
	"  -b, --brief      leave out the per-workload Count tables and the fits\n"
	"  -h, --help       this text\n"
	"\n"
	"example: objmem show results/latest.json --format markdown > table.md\n"
	"\n"
	"exit status: 0 shown, 2 bad usage or a file that cannot be read.\n";

static const struct option show_options[] = {
	{ "format", required_argument, NULL, 'f' },
	{ "count", required_argument, NULL, 'n' },
	{ "brief", no_argument, NULL, 'b' },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

static int show_option(struct cli *c, int opt, void *arg)
{
	struct table_opts *to = arg;
	int f;
	switch (opt) {
	case 'f':
		if (cli_choice(c, table_format_names, &f))
			return 2;
		to->format = (enum table_format)f;
		return 0;
	case 'n': return cli_count(c, &to->count);
	case 'b': to->detail = 0; return 0;
	}
	return cli_error(c, "unhandled option '%s'", c->name);
}

int cmd_show(int argc, char **argv)
{
	struct table_opts to = { TABLE_TEXT, 1, 0 };
	struct cli c;
	cli_init(&c, "show", show_usage, "f:n:bh", show_options, argc, argv);
	int rc = cli_parse(&c, show_option, &to);
	if (rc < 0) {
		if (cli_nargs(&c) != 1) {
			rc = cli_error(&c, cli_nargs(&c) ? "give one results file, not several"
				       : "give one results file");
		} else {
			struct results r;
			results_init(&r);
			rc = results_load(cli_args(&c)[0], &r) || table_print(stdout, &r, &to) ? 2 : 0;
			results_release(&r);
		}
	}
	cli_release(&c);
	return rc;
}
