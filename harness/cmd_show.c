/* cmd_show.c - `objmem show`: the tables of a results file. */
#include <getopt.h>
#include <string.h>

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
	"\n"
	"example: objmem show results/latest.json --format markdown > table.md\n";

static const struct option show_options[] = {
	{ "format", required_argument, NULL, 'f' },
	{ "count", required_argument, NULL, 'n' },
	{ "brief", no_argument, NULL, 'b' },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

int cmd_show(int argc, char **argv)
{
	struct table_opts to = { TABLE_TEXT, 1, 0 };
	int opt;
	const char *why;
	optind = 1;
	opterr = 0;
	while ((opt = getopt_long(argc, argv, ":f:n:bh", show_options, NULL)) != -1) {
		switch (opt) {
		case 'f': {
			int f = table_format_from_name(optarg);
			if (f < 0)
				return usage_error(show_usage, "unknown format '%s' (text, markdown, csv, json)", optarg);
			to.format = (enum table_format)f;
			break;
		}
		case 'n':
			if (parse_count(optarg, &to.count, &why))
				return usage_error(show_usage, "bad --count '%s': %s", optarg, why);
			break;
		case 'b': to.detail = 0; break;
		case 'h': return usage_error(show_usage, NULL);
		case ':': return usage_error(show_usage, "option '%s' needs a value", argv[optind - 1]);
		default: return usage_error(show_usage, "unknown option '%s'", argv[optind - 1]);
		}
	}
	if (optind != argc - 1)
		return usage_error(show_usage, optind >= argc ? "give one results file" :
				   "give one results file, not several");
	struct results r;
	results_init(&r);
	if (results_load(argv[optind], &r)) {
		results_release(&r);
		return 2;
	}
	int rc = table_print(stdout, &r, &to) ? 2 : 0;
	results_release(&r);
	return rc;
}
