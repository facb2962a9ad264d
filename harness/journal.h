/*
 * journal.h - the cells of a run on disk the moment each ends: FILE.journal
 * beside the results file FILE, one cell per line as compact JSON,
 * appended and fsynced, so a cell costs the same to keep whatever FILE
 * holds. The journal is folded into FILE when the run ends (an interrupt
 * too) and then removed; a run killed before that leaves it, and every
 * reader of FILE (results_load) folds it in, so no cell is lost and FILE
 * never has to be rewritten per cell.
 *
 * A line the kill cut short (no newline at the end) is left out with a
 * warning; a later line for the same cell replaces an earlier one.
 *
 * Owns: the journal's file, its format and its folding.
 */
#ifndef OBJMEM_JOURNAL_H
#define OBJMEM_JOURNAL_H

#include <stddef.h>

#include "results.h"

struct journal {
	int fd;                 /* -1 when closed */
	char *path;             /* FILE.journal */
	size_t n;               /* cells appended */
};

/* FILE.journal for results file path (its links followed). */
char *journal_path(const char *results_path);

/*
 * Start an empty journal for results file path (one left by a killed run
 * must have been folded first: it is replaced). 0, or -1 said.
 */
int journal_open(struct journal *j, const char *results_path);
/* Append one cell and make it durable. 0, or -1 said. */
int journal_append(struct journal *j, const struct cell *c);
/* Close; with remove, delete the file (its cells are in FILE now). */
void journal_close(struct journal *j, int remove);

/*
 * Fold the journal of results file path into r: each line's cell added, or
 * replacing the cell with its key. *n (may be NULL) gets the number of
 * cells read. 0 (also when there is no journal), or -1 when a line is not
 * a cell (said, naming the file and line).
 */
int journal_fold(struct results *r, const char *results_path, size_t *n);

#endif
