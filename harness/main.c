/* main.c - objmem's entry point: the command table, --help, --version, exit codes. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "commands.h"
#include "jsonutil.h"
#include "guard.h"
#include "reaper.h"
#include "runner.h"
#include "util.h"

enum {
	CMD_CHILDREN = 1,  /* starts child processes: the guard is in place first */
};

struct command {
	const char *name;
	int (*fn)(int argc, char **argv);
	unsigned flags;
	const char *help;
};

static const struct command commands[] = {
	{ "run", cmd_run, CMD_CHILDREN,
	  "run a matrix of interpreters x workloads x counts, write results JSON" },
	{ "show", cmd_show, 0, "print the tables of a results file (text, markdown, csv, json, pyperf)" },
	{ "list", cmd_list, CMD_CHILDREN, "list workloads or interpreters, and why one cannot run" },
	{ "interpreters", cmd_interpreters, CMD_CHILDREN,
	  "probe an interpreter build: what objmem knows about it" },
	{ "plot", cmd_plot, CMD_CHILDREN, "draw gnuplot figures from a results file" },
	{ "report", cmd_report, CMD_CHILDREN, "write report.md and report.html from a results file" },
	{ "compare", cmd_compare, 0, "compare two results files; exit 1 when an object grew" },
	{ "merge", cmd_merge, 0, "join results files (shards) into one" },
	{ "trend", cmd_trend, CMD_CHILDREN, "bytes per object over a series of results files" },
	{ "upload", cmd_upload, 0, "send results to a Codespeed server or a JSON endpoint" },
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
		"  objmem show results/run.json\n"
		"\nexit status: 0 success, 1 a result to act on (a cell failed, an object grew),\n"
		"2 bad usage or input, 130 interrupted.\n");
}

static const struct command *find_command(const char *name)
{
	for (size_t i = 0; i < ARRAY_SIZE(commands); i++)
		if (!strcmp(commands[i].name, name))
			return &commands[i];
	return NULL;
}

static int unknown_command(const char *name)
{
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

/*
 * Started with fd 0, 1 or 2 closed, the next file objmem opens (a results
 * file, a lock, a child's pipe) would get that number, and a table or a
 * progress line would be written into it. /dev/null fills the gap.
 */
static void standard_fds(void)
{
	for (int fd = 0; fd < 3; fd++)
		if (fcntl(fd, F_GETFD) < 0 && errno == EBADF) {
			int null = open("/dev/null", fd ? O_WRONLY : O_RDONLY);
			if (null >= 0 && null != fd) {
				dup2(null, fd);
				close(null);
			}
		}
}

int main(int argc, char **argv)
{
	standard_fds();
	json_init(); /* before any thread parses */
	if (argc < 2) {
		usage(stderr);
		return 2;
	}
	const char *name = argv[1];
	if (!strcmp(name, "-h") || !strcmp(name, "--help") || !strcmp(name, "help")) {
		usage(stdout);
		return 0;
	}
	if (!strcmp(name, "-V") || !strcmp(name, "--version") || !strcmp(name, "version")) {
		printf("objmem %s\n", OBJMEM_VERSION);
		return 0;
	}
	const struct command *cmd = find_command(name);
	if (!cmd)
		return unknown_command(name);
	/* nothing a command starts may outlive objmem, however it ends */
	if (cmd->flags & CMD_CHILDREN)
		guard_start();
	int rc = cmd->fn(argc - 1, argv + 1);
	/* orphans of children without a cgroup that no cell's end could tell apart */
	reaper_scan(1);
	if (runner_stop_signal && rc != 130) {
		/* stopped in a probe or a prepare: say so, whatever the command made of it */
		fprintf(stderr, "interrupted: objmem %s stopped on %s\n", cmd->name,
			strsignal(runner_stop_signal));
		rc = 130;
	}
	if (fflush(stdout) || ferror(stdout)) {
		perror("error: cannot write to standard output");
		return rc ? rc : 2;
	}
	return rc;
}
