/*
 * trend.h - bytes per object over a series of results files (nightly runs,
 * revisions).
 *
 * Owns: ordering the files (by their "created" date, or as given), the
 * lines (one per interpreter, workload and count, matched by name across
 * files), marking each point against the point before it on its line with
 * compare.h's verdict rule, with --detect the steps of each line (steps.h
 * finds them; this says where they are and prints them) and with --check
 * the gate on each line's newest step, the tables of the series (text,
 * markdown, csv, json), and what the figure shows: its data file and the
 * placeholders of plots/trend.gp. gnuplot.c writes the script and draws it.
 *
 * Steps: trend_build from loaded results, trend_print and/or
 * trend_figure_write, trend_release.
 */
#ifndef OBJMEM_TREND_H
#define OBJMEM_TREND_H

#include <stdio.h>
#include <stdint.h>

#include "compare.h"
#include "results.h"
#include "stats.h"
#include "steps.h"

struct trend_file {
	char *source;   /* path or redacted URL */
	char *created;  /* may be NULL */
	char *label;    /* may be NULL */
	char *x_label;  /* label, else the date "2026-11-22 03:04", else the source */
};

struct trend_point {
	size_t file;            /* index into trend.files (the x position) */
	struct stat3 bpo;       /* bytes per object over the ok repetitions */
	int compared;           /* 1 when an earlier point on the line had data */
	enum verdict verdict;   /* against that point (NO_DATA when this one has none) */
	double change_pct;      /* against that point; NAN when not compared or its median is 0 */
	double quantum;         /* one page of that file over the count, bytes per object */
	double level;           /* --detect: the level of its segment; NAN otherwise */
};

struct trend_line {
	char *interpreter, *workload;
	uint64_t count;
	struct trend_point *points;
	size_t n_points, alloc_points;
	/* --detect: the fit over the points with data, whose index i is
	 * points[series[i]]; steps and segments count in those */
	struct steps_fit fit;
	size_t *series;
	enum steps_gate gate;             /* --check */
	const struct steps_step *gate_step; /* the step that decided, or NULL */
};

struct trend {
	struct trend_file *files;
	size_t n_files;
	struct trend_line *lines;
	size_t n_lines, alloc_lines;
	double threshold;
	size_t n_larger, n_smaller;
	int detect, check, strict;        /* as asked (check implies detect) */
	size_t n_steps, n_suspected;      /* over every line */
	size_t n_failed;                  /* lines that fail the gate */
};

struct trend_opts {
	double threshold;               /* fraction, as compare */
	int keep_order;                 /* 1: the files' order as given, not by date */
	uint64_t count;                 /* 0: the largest count of the newest file */
	int all_counts;                 /* a line per count */
	const struct strvec *interpreters; /* only these (empty: all) */
	const struct strvec *workloads;
	int detect;                     /* find the steps of each line (steps.h) */
	int check;                      /* and gate on the newest one (implies detect) */
	int strict;                     /* a suspected step fails the gate too */
};

/*
 * Build the series from n results (sources names them). The results are
 * only read. Returns 0.
 */
int trend_build(const struct results *rs, const char *const *sources, size_t n,
		const struct trend_opts *o, struct trend *t);
void trend_release(struct trend *t);

/* The file (index into t->files) where a step of line l begins. */
size_t trend_step_file(const struct trend_line *l, const struct steps_step *s);

enum trend_format { TREND_TEXT, TREND_MARKDOWN, TREND_CSV, TREND_JSON };

/*
 * Print the series as a table; with --detect the steps, with --check the
 * gate's verdict (text and markdown at the end, json in the document; csv
 * has no room for it: print it with trend_print_gate elsewhere). Returns 0
 * or -1 when writing failed.
 */
int trend_print(FILE *out, const struct trend *t, enum trend_format f);
/* The gate's verdict lines ("LARGER: ...", "suspected: ...") and its summary. */
void trend_print_gate(FILE *out, const struct trend *t, int markdown);

/* The gnuplot data file: blocks as plots/trend.gp describes. 0 or -1 (write error). */
int trend_write_data(const struct trend *t, FILE *f);

/* The figure: where, in which formats, from which templates. */
struct trend_figure {
	const char *dir;        /* made if missing */
	unsigned formats;       /* GP_* mask (gnuplot.h); 0: png */
	const char *templates;  /* directory with common.gp and trend.gp; NULL: found */
	const char *gnuplot;    /* NULL: gnuplot on PATH */
	const char *title;
	double timeout_s;
	int render;             /* 0: data, script and table only */
	int quiet;
	/* one size for every format, gnuplot expressions (cli_figure_size);
	 * NULL: a PNG and SVG 800 px wide, a PDF 6.5 in wide, as tall as needed */
	const char *width, *height;
};

/*
 * Write DIR/trend.dat, DIR/trend.gp (standalone, from plots/common.gp and
 * plots/trend.gp), DIR/trend.md (the markdown table), then run gnuplot on
 * the script (fork/exec with an argv). Returns 0 or -1 (message printed).
 */
int trend_figure_write(const struct trend *t, const struct trend_figure *fig);

#endif
