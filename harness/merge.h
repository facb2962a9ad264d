/*
 * merge.h - joining results documents (the shards of one run, or runs of
 * different interpreters or counts) into one.
 *
 * Owns: what counts as "the same cell twice" and when two copies conflict.
 * A cell is keyed by (interpreter, workload, count, repeat). Two copies
 * agree when their measurement is the same: status, reason, getsizeof,
 * container_bytes, every sample and the peak (pid, wall_s, warnings,
 * stderr_tail and note describe the process, not the measurement). A
 * pending copy (never run) gives way to a finished one. Copies that
 * disagree are a conflict: reported, never overwritten; the first one stays.
 * Interpreters are keyed by name; the same name with a different argv,
 * environment or probe is a conflict too.
 *
 * Also owns whether the inputs are the N shards of one matrix (--expect
 * N): the matrix is recomputed from the inputs' configurations, never from
 * the shard function, as every (interpreter that is not skipped, workload,
 * count, repetition); the merge is whole when every K of 1..N is an input
 * and every cell of the matrix is held by one (a pending cell is not).
 *
 * Steps: merge_init, merge_add for each input in order, then use m.out
 * (a struct results, summary recomputed on writing); for --expect,
 * merge_expect_init, merge_expect, merge_expect_release; merge_release.
 */
#ifndef OBJMEM_MERGE_H
#define OBJMEM_MERGE_H

#include "results.h"

/* What merge_add keeps of each input: its shard and the matrix it is part of. */
struct merge_input {
	char *name;
	int shard_k, shard_n;        /* n = 0: not a shard */
	int has_config;
	struct strvec workloads;
	uint64_t *counts;
	size_t n_counts;
	int repeat, repeat_min;      /* repeat_min > 0: adaptive, at least that many */
	struct strvec runnable;      /* interpreters it lists and could run */
	struct strvec skipped;       /* "NAME: why" of those it could not */
};

struct merge {
	struct results out;
	struct strvec conflicts; /* one message per conflict */
	struct strvec warnings;  /* different machines, labels, ... */
	size_t n_inputs;
	size_t n_duplicates;     /* cells seen twice with the same values */

	struct merge_input *inputs; /* n_inputs of them, in order */

	/*
	 * private: the input (index into sources) each cell of out came from
	 * (by its place in out.cells, until merge_sort), and each interpreter
	 */
	struct strvec sources;
	size_t *cell_from, alloc_cell_from;
	struct keymap interp_src;
	size_t alloc_inputs;
};

void merge_init(struct merge *m);
void merge_release(struct merge *m);

/*
 * Add the interpreters and cells of src (named name in messages) to m->out.
 * Never fails: conflicts and warnings are collected in m.
 */
void merge_add(struct merge *m, const struct results *src, const char *name);
/*
 * The same, the cells it keeps moved out of src instead of copied (src's
 * cells are left empty; release src as usual): what objmem merge does, as
 * a copy of 10k cells is megabytes of fresh memory.
 */
void merge_take(struct merge *m, struct results *src, const char *name);

/* Put the cells in the one order of results.h. */
void merge_sort(struct merge *m);

/*
 * 1 when two cells hold the same measurement (see above). When they do
 * not and why is not NULL, *why (malloc'ed) names the first field that
 * differs, e.g. "samples.full.uss 9015296 vs 9019392".
 */
int merge_cells_agree(const struct cell *a, const struct cell *b, char **why);
/* The same for interpreters: argv, env and probe. */
int merge_interps_agree(const struct interp *a, const struct interp *b, char **why);

/*
 * What --expect N found. The first input that is a shard of N is the
 * reference; the others must be shards of N of the same matrix (the same
 * workloads, counts and repetitions). Interpreters may differ (a node
 * without a build): the matrix has every interpreter some input could run,
 * and an input that could not is a gap, whose cells are then missing.
 */
struct merge_expect {
	int shards;                   /* N */
	struct strvec mismatches;     /* inputs that are not shards of this matrix */
	struct strvec duplicates;     /* "shard 2/4 is given twice: 'a' and 'b'" */
	struct strvec gaps;           /* an input lacking an interpreter others ran */
	struct strvec missing_shards; /* "2/4": no input is that shard */
	struct strvec missing_cells;  /* "'py' point3d 10k #2": no input holds it */
	size_t n_cells;               /* cells in the matrix */
};

void merge_expect_init(struct merge_expect *e);
void merge_expect_release(struct merge_expect *e);

/*
 * Check m's inputs against N = shards. Returns 0 when they are the N shards
 * of one matrix and hold all its cells, 1 when a shard or a cell is missing
 * or a shard is given twice, 2 when an input is not a shard of N or of
 * another matrix (e->mismatches says which and why).
 */
int merge_expect(const struct merge *m, int shards, struct merge_expect *e);

#endif
