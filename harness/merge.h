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
 * Steps: merge_init, merge_add for each input in order, then use m.out
 * (a struct results, summary recomputed on writing) and merge_release.
 */
#ifndef OBJMEM_MERGE_H
#define OBJMEM_MERGE_H

#include "results.h"

struct merge {
	struct results out;
	struct strvec conflicts; /* one message per conflict */
	struct strvec warnings;  /* different machines, labels, ... */
	size_t n_inputs;
	size_t n_duplicates;     /* cells seen twice with the same values */

	/* private: the input (index into sources) each cell and interpreter came from */
	struct strvec sources;
	struct keymap cell_src, interp_src;
};

void merge_init(struct merge *m);
void merge_release(struct merge *m);

/*
 * Add the interpreters and cells of src (named name in messages) to m->out.
 * Never fails: conflicts and warnings are collected in m.
 */
void merge_add(struct merge *m, const struct results *src, const char *name);

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

#endif
