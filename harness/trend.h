/*
 * trend.h - bytes per object over a series of results files (nightly runs,
 * revisions).
 *
 * Owns: ordering the files (by their "created" date, or as given), the
 * lines (one per interpreter, workload and count, matched by name across
 * files), marking each point against the point before it on its line with
 * compare.h's verdict rule, the tables of the series (text, markdown, csv,
 * json), and what the figure shows: its data file and the placeholders of
 * plots/trend.gp. gnuplot.c writes the script and draws it.
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
};

struct trend_line {
	char *interpreter, *workload;
	uint64_t count;
	struct trend_point *points;
	size_t n_points, alloc_points;
};

struct trend {
	struct trend_file *files;
	size_t n_files;
	struct trend_line *lines;
	size_t n_lines, alloc_lines;
	double threshold;
	size_t n_larger, n_smaller;
};

struct trend_opts {
	double threshold;               /* fraction, as compare */
	int keep_order;                 /* 1: the files' order as given, not by date */
	uint64_t count;                 /* 0: the largest count of the newest file */
	int all_counts;                 /* a line per count */
	const struct strvec *interpreters; /* only these (empty: all) */
	const struct strvec *workloads;
};

/*
 * Build the series from n results (sources names them). The results are
 * only read. Returns 0.
 */
int trend_build(const struct results *rs, const char *const *sources, size_t n,
		const struct trend_opts *o, struct trend *t);
void trend_release(struct trend *t);

enum trend_format { TREND_TEXT, TREND_MARKDOWN, TREND_CSV, TREND_JSON };

/* Print the series as a table. Returns 0 or -1 when writing failed. */
int trend_print(FILE *out, const struct trend *t, enum trend_format f);

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
};

/*
 * Write DIR/trend.dat, DIR/trend.gp (standalone, from plots/common.gp and
 * plots/trend.gp), DIR/trend.md (the markdown table), then run gnuplot on
 * the script (fork/exec with an argv). Returns 0 or -1 (message printed).
 */
int trend_figure_write(const struct trend *t, const struct trend_figure *fig);

#endif
