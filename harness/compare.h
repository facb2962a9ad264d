/*
 * compare.h - two results documents side by side: which rows match, the
 * verdict on each, and the comparison's text, Markdown and JSON output.
 *
 * Owns: the verdict rule, interpreter matching (by name, --pair OLD=NEW,
 * or the only interpreter of each file), the warnings about a different
 * machine or configuration, and the comparison's output formats.
 *
 * The verdict rule, on bytes per object of one (interpreter, workload,
 * count) row, over the ok repetitions of each side (median, min, max):
 *
 *   change  = new.median - base.median
 *   limit   = max(threshold * |base.median|, quantum)
 *             threshold is relative to the base median (--threshold 1%);
 *             quantum = page_size / count: USS moves in whole pages, so a
 *             change of one page over the whole container is resolution,
 *             not a result
 *   LARGER  when change >  limit and new.min > base.max
 *   smaller when change < -limit and new.max < base.min
 *   same    otherwise: a median that moved, but whose range over the
 *           repetitions still overlaps the base range, is noise
 *
 * Both conditions must hold, so a change inside the run-to-run spread is
 * never a regression, and a consistent shift smaller than the threshold is
 * not one either. With one repetition a side, min = max = median and the
 * rule reduces to the threshold (and the page quantum).
 */
#ifndef OBJMEM_COMPARE_H
#define OBJMEM_COMPARE_H

#include <stdio.h>
#include <stdint.h>

#include "results.h"
#include "stats.h"

enum verdict {
	VERDICT_SAME,
	VERDICT_SMALLER,
	VERDICT_LARGER,
	VERDICT_NO_DATA,   /* the row is in both files, one side has no ok repetition */
	VERDICT_ONLY_BASE, /* the row is only in the base file, without data there either */
	VERDICT_ONLY_NEW,  /* the row is only in the new file */
	VERDICT_MISSING,   /* measured in the base (an ok repetition), and in the new
			      file missing or without an ok repetition: fails the gate
			      unless missing rows are allowed */
	VERDICT_COUNT
};

/* "same", "smaller", "LARGER", "no-data", "only-base", "only-new", "MISSING" */
const char *verdict_name(enum verdict v);

/*
 * The rule above, as a pure function. threshold is a fraction (0.01 for
 * 1%), quantum in bytes per object (0 for none). A side whose stat3 is not
 * valid gives VERDICT_NO_DATA.
 */
enum verdict compare_verdict(const struct stat3 *base, const struct stat3 *cur,
			     double threshold, double quantum);

struct compare_pair {
	const char *base; /* an interpreter name in the base file */
	const char *cur;  /* its counterpart in the new file */
};

struct compare_opts {
	double threshold;                /* fraction; default 0.01 */
	const struct compare_pair *pairs; /* explicit --pair OLD=NEW */
	size_t n_pairs;
};

struct compare_row {
	const char *base_interp; /* NULL when only in new; borrowed */
	const char *new_interp;  /* NULL when only in base; borrowed */
	const char *workload;
	uint64_t count;
	struct stat3 base, cur;  /* bytes per object; not valid when no ok cell */
	size_t base_failed, new_failed, base_skipped, new_skipped;
	double change;           /* new.median - base.median, NAN without both */
	double change_pct;       /* relative to |base.median|, NAN when that is 0 */
	double quantum;          /* page_size / count used in the verdict */
	enum verdict verdict;
};

struct comparison {
	struct compare_row *rows;
	size_t n_rows, alloc_rows;
	struct strvec warnings;   /* machine, kernel or configuration differ */
	struct strvec notes;      /* how interpreters were matched */
	struct strvec pairs;      /* "BASE=NEW" of every matched interpreter */
	size_t n_verdict[VERDICT_COUNT];
	double threshold;
	/* owned: the summaries the rows borrow their names from */
	struct summary base_summary, new_summary;
};

/*
 * Compare base and cur (both must outlive out). Rows come in the base's
 * order (interpreters, workloads, ascending counts), then the rows only in
 * the new file. Returns 0, or -1 when a --pair names an interpreter a file
 * does not have (message printed).
 */
int compare_results(const struct results *base, const struct results *cur,
		    const struct compare_opts *o, struct comparison *out);
void comparison_release(struct comparison *c);

/* A line per fact that differs between two machines (or configurations). */
void compare_machines(const struct machine *base, const struct machine *cur,
		      struct strvec *warnings);
void compare_configs(const struct config *base, const struct config *cur,
		     struct strvec *warnings);

enum compare_format { COMPARE_TEXT, COMPARE_MARKDOWN, COMPARE_JSON };

struct compare_source {
	const char *name;    /* path or (redacted) URL */
	const struct results *r;
};

/* Print the comparison. Returns 0, or -1 when writing failed. */
int compare_print(FILE *out, const struct comparison *c, enum compare_format f,
		  const struct compare_source *base, const struct compare_source *cur);

/*
 * Exit status for `objmem compare`: 1 when a row is LARGER, or MISSING
 * (measured in the base, gone or without data in the new file) unless
 * allow_missing. Else 0.
 */
int compare_exit_status(const struct comparison *c, int allow_missing);

#endif
