/*
 * runner.h - running a matrix of cells: (interpreter, workload, count,
 * repetition), each in a fresh child, up to `jobs` at once.
 *
 * Owns: the per-cell state machine (start -> base -> full -> freed -> done),
 * sampling /proc at each phase while the child waits, polling the peak
 * during the fill, the memory cap, timeouts, killing the child's process
 * group on any fault, recording the cell, writing the results file after
 * every cell, resume, sharding, and stopping cleanly on SIGINT/SIGTERM.
 */
#ifndef OBJMEM_RUNNER_H
#define OBJMEM_RUNNER_H

#include <signal.h>
#include <stdint.h>

#include "agent.h"
#include "catalog.h"
#include "results.h"

/*
 * What the runner needs: the recorded configuration (counts, repetitions,
 * jobs, workloads, timeouts, the memory cap, the children's conditions,
 * the shard; results.h's struct config, usually &r->config) and where the
 * results go.
 */
struct run_config {
	const struct config *rec;
	const char *output;     /* results file, written after every cell */
	int quiet;
};

/* The memory source is smaps, not smaps_rollup (--smaps). */
int run_config_smaps(const struct run_config *cfg);

/* Set by the signal handler; the runner stops starting cells and kills running ones. */
extern volatile sig_atomic_t runner_stop_signal;
/* Install SIGINT/SIGTERM handlers that set runner_stop_signal; SIGPIPE ignored. */
void runner_install_signals(void);

/*
 * Whether cell (interp, workload, count, repeat) belongs to shard k of n:
 * a stable hash of the key, so every cell is in exactly one slice.
 */
int runner_in_shard(const char *interp, const char *workload, uint64_t count, int repeat,
		    int k, int n);

/*
 * Run every cell of the matrix over r->interps (those without skip_reason)
 * that r does not hold yet (resume), adding cells to r and writing
 * cfg->output after each. Returns 0 when the matrix ran to its end (cells
 * may have failed), 1 when stopped by a signal, -1 on an error that stopped
 * the run (results file not writable).
 */
int runner_run(const struct catalog *cat, struct results *r, const struct run_config *cfg,
	       size_t *n_done, size_t *n_total);

/* Run one cell (exposed for tests). The cell's key fields must be set. */
void runner_run_cell(const struct catalog *cat, const struct interp *in,
		     const struct run_config *cfg, struct cell *c);

#endif
