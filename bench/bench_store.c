/*
 * bench_store - what keeping a run's results on disk costs per cell, as a
 * run keeps them: each cell appended to OUT.journal and fsynced the
 * moment it ends (journal_append), and the one write of the whole
 * document at the end (results_write, as matrix.c's store_end does).
 *
 * The cells come from IN (a results file, for example one made by
 * bench/gen-results.py). Prints two numbers: the median milliseconds of
 * one append, and the seconds of the final write.
 *
 * usage: bench_store IN OUT
 */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "journal.h"
#include "results.h"
#include "util.h"

static int cmp_d(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
	if (argc != 3)
		die("usage: bench_store IN OUT");
	struct results r;
	results_init(&r);
	if (results_load(argv[1], &r))
		die("bench_store: cannot read '%s' (make one with bench/gen-results.py)", argv[1]);
	if (r.n_cells == 0)
		die("bench_store: '%s' has no cells to store", argv[1]);
	struct journal j;
	if (journal_open(&j, argv[2]))
		die("bench_store: cannot open the journal of '%s'", argv[2]);
	double *ms = xcalloc(r.n_cells, sizeof(*ms));
	for (size_t i = 0; i < r.n_cells; i++) {
		double t0 = now_s();
		if (journal_append(&j, &r.cells[i]))
			die("bench_store: append %zu of %zu failed", i + 1, r.n_cells);
		ms[i] = (now_s() - t0) * 1e3;
	}
	double t0 = now_s();
	if (results_write(&r, argv[2]))
		die("bench_store: cannot write '%s'", argv[2]);
	double write_s = now_s() - t0;
	journal_close(&j, 1);
	qsort(ms, r.n_cells, sizeof(*ms), cmp_d);
	printf("%.4f %.4f\n", ms[r.n_cells / 2], write_s);
	free(ms);
	results_release(&r);
	return 0;
}
