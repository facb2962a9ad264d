/* main.c - objmem's entry point: subcommand dispatch, --help, exit codes. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "util.h"

struct command {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *help;
};

static const struct command commands[] = {
	{ "run", cmd_run, "run a matrix of interpreters x workloads x counts, write results JSON" },
	{ "show", cmd_show, "print the tables of a results file (text, markdown, csv, json)" },
	{ "list", cmd_list, "list workloads or interpreters, and why one cannot run" },
	{ "interpreters", cmd_interpreters, "probe an interpreter build: what objmem knows about it" },
	{ "plot", cmd_plot, "draw gnuplot figures from a results file" },
	{ "report", cmd_report, "write report.md and report.html from a results file" },
	{ "compare", cmd_compare, "compare two results files; exit 1 when an object grew" },
	{ "merge", cmd_merge, "join results files (shards) into one" },
	{ "trend", cmd_trend, "bytes per object over a series of results files" },
	{ "upload", cmd_upload, "send results to a Codespeed server or a JSON endpoint" },
};

static void usage(FILE *out)
{
	fprintf(out,
		"usage: objmem <command> [options]\n\n"
		"Measures what one Python object costs in memory on each interpreter build:\n"
		"each cell starts a fresh interpreter, fills a list with N objects and reads\n"
		"the process's USS from /proc/PID/smaps_rollup before and after.\n\n"
		"commands:\n");
	for (size_t i = 0; i < ARRAY_SIZE(commands); i++)
		fprintf(out, "  %-13s %s\n", commands[i].name, commands[i].help);
	fprintf(out,
		"\n'objmem <command> --help' tells more. Example:\n"
		"  objmem run -i python3 -w point3d,slots -n 100k,1M -r 3 -o results/run.json\n"
		"  objmem show results/run.json\n");
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		usage(stderr);
		return 2;
	}
	const char *name = argv[1];
	if (!strcmp(name, "-h") || !strcmp(name, "--help") || !strcmp(name, "help")) {
		usage(stdout);
		return 0;
	}
	if (!strcmp(name, "--version") || !strcmp(name, "version")) {
		printf("objmem %s\n", OBJMEM_VERSION);
		return 0;
	}
	for (size_t i = 0; i < ARRAY_SIZE(commands); i++) {
		if (strcmp(commands[i].name, name))
			continue;
		int rc = commands[i].fn(argc - 1, argv + 1);
		if (fflush(stdout) || ferror(stdout)) {
			perror("error: cannot write to standard output");
			return rc ? rc : 2;
		}
		return rc;
	}
	const char *best = NULL;
	size_t best_d = 4;
	for (size_t i = 0; i < ARRAY_SIZE(commands); i++) {
		size_t d = edit_distance(name, commands[i].name);
		if (d < best_d) {
			best_d = d;
			best = commands[i].name;
		}
	}
	fprintf(stderr, "error: unknown command '%s'%s%s%s\n", name, best ? "; did you mean '" : "",
		best ? best : "", best ? "'?" : "");
	fprintf(stderr, "run 'objmem --help' for the list of commands\n");
	return 2;
}
