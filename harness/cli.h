/*
 * cli.h - what every command's option parsing shares: the getopt loop with
 * --help and usage errors handled once, and one parser per kind of value
 * (seconds, sizes, counts, count lists, name lists, thresholds, whole
 * numbers, a choice from a list), each with one wording for a bad value:
 *
 *   error: objmem run: --timeout takes seconds from 0 to 86400, not 'x'
 *   run 'objmem run --help' for the options
 *
 * Short options mean one thing in every command (README, "Command line"):
 *   -i interpreter   -w workload   -n count(s)   -r repeat   -j jobs
 *   -o output        -f format     -t timeout (seconds)      -q quiet
 *   -p preset        -h help       -V version
 * Everything else is a long option only.
 *
 * Steps: cli_init, cli_parse with the command's function that takes one
 * option (a value parser's result is its return), then the operands;
 * cli_release.
 */
#ifndef OBJMEM_CLI_H
#define OBJMEM_CLI_H

#include <getopt.h>
#include <stdint.h>

#include "util.h"

enum { CLI_END = -1, CLI_STOP = -2 };
/* The option value of --version, which every command takes (no command uses it). */
enum { CLI_VERSION = 0x10000 };

struct cli {
	const char *cmd;               /* "run", named in messages */
	const char *usage;             /* the whole --help text */
	char *shortopts;
	struct option *longopts;       /* the command's, and --version */
	int argc;
	char **argv;
	/* set by cli_next */
	const char *arg;               /* the option's value */
	char name[64];                 /* the option as the table names it: "--timeout" */
	int status;                    /* after CLI_STOP: 0 or 2 */
};

void cli_init(struct cli *c, const char *cmd, const char *usage, const char *shortopts,
	      const struct option *longopts, int argc, char **argv);
void cli_release(struct cli *c);

/*
 * The next option's value (its `val` in longopts, or the short letter),
 * CLI_END after the last one (c->argv[optind..] are the operands), or
 * CLI_STOP after --help or --version was printed or a usage error (unknown option,
 * missing value) was reported.
 */
int cli_next(struct cli *c);

/*
 * The whole loop: each option goes to take(c, opt, arg), which returns 0,
 * or the exit status of an error it reported (cli_error and the value
 * parsers return 2). Returns -1 when every option was taken (the operands
 * are then cli_args), else the exit status (0 after --help).
 */
int cli_parse(struct cli *c, int (*take)(struct cli *c, int opt, void *arg), void *arg);

/* The operands after the options: count and first. */
int cli_nargs(const struct cli *c);
char **cli_args(const struct cli *c);

/*
 * Report a usage error: "error: objmem CMD: MESSAGE" and a pointer to
 * --help. Returns 2, and sets c->status, so `return cli_error(...)`.
 */
int cli_error(struct cli *c, const char *fmt, ...) PRINTF_LIKE(2, 3);

/*
 * The value parsers read c->arg, store into *out and return 0, or report
 * "NAME takes WHAT, not 'VALUE'" (with the reason when there is one) and
 * return 2. All reject an empty value.
 */
/* Seconds, a decimal number in (0, max]: "30", "1.5". */
int cli_seconds(struct cli *c, double max, double *out);
/* The same, 0 allowed: a wait that may be none. */
int cli_seconds_or_zero(struct cli *c, double max, double *out);
/* A whole number in [min, max]. */
int cli_long(struct cli *c, long min, long max, long *out);
/* A size in bytes with an optional K/M/G/T suffix (powers of 1024): "512M", "2G". */
int cli_size(struct cli *c, uint64_t *out);
/* One object count: 100, 1k, 10M, 2G (powers of 1000). */
int cli_count(struct cli *c, uint64_t *out);
/* A comma list of counts, sorted and without duplicates. */
int cli_counts(struct cli *c, uint64_t **out, size_t *n);
/* A threshold in percent: "1%", "0.5%" or "2", 0 to 1000, as a fraction. */
int cli_threshold(struct cli *c, double *out);
/*
 * Names, repeatable and comma-separated, appended to sv without
 * duplicates. An empty name ("", "a,,b", a trailing comma) is an error:
 * an empty -i or -w must not mean "everything".
 */
int cli_names(struct cli *c, struct strvec *sv);
/* One of choices (NULL-terminated); *out is its index. */
int cli_choice(struct cli *c, const char *const *choices, int *out);
/* A set of choices, comma-separated: *mask gets bit i for choices[i]. */
int cli_choice_set(struct cli *c, const char *const *choices, unsigned *mask);

/* "results/x.json" -> "results/x-SUFFIX": where plot and report write by default. */
char *cli_default_dir(const char *results, const char *suffix);

/*
 * A figure's size, WxH or W: pixels ("800x600", "800": as tall as the
 * figure needs), or inches or centimetres ("6.5x4in", "16x10cm"), written
 * into w and h as gnuplot expressions ("800", "6.5 * PXIN", "0"), the unit
 * kept so that the figure's script converts it.
 */
int cli_figure_size(struct cli *c, char *w, char *h, size_t size);

/* Plain parsers, for values that do not come from an option (no message). */
int parse_count(const char *s, uint64_t *out, const char **why);
int parse_count_list(const char *s, uint64_t **out, size_t *n, const char **why);
int parse_int_range(const char *s, long min, long max, long *out);
int parse_size(const char *s, uint64_t *out);
int parse_threshold(const char *s, double *out);

#endif
