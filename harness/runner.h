/*
 * runner.h - running one cell (interpreter, workload, count, repetition)
 * in a fresh child.
 *
 * Owns: the per-cell state machine (start -> base -> full -> freed -> done),
 * sampling /proc at each phase while the child waits, polling the peak
 * during the fill, the memory cap (a cgroup limit, else RSS checks), OOM
 * kills said as such, timeouts, killing the child with all it started on
 * any fault, recording the cell, and the stop flag SIGINT/SIGTERM set.
 * The matrix of cells (plan, shards, workers, the results file) is
 * matrix.h's.
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
 * Run one cell: its child in a cgroup of its own where objmem can make one
 * (cgroup.h), holding --max-memory from the first instruction; else with
 * RSS checks at every phase line and wake-up. When it ends, nothing the
 * child started is left. The cell's key fields must be set.
 *
 * The one write to the run's config: with --max-memory, the first cell
 * records in cfg->rec->memory_limit which limit held it ("cgroup
 * memory.max", "cgroup v1 memory.limit_in_bytes", "rss checks"), under a
 * lock, before it ends. A caller that writes the results from other threads
 * before any cell has ended would rather set it itself first.
 */
void runner_run_cell(const struct catalog *cat, const struct interp *in,
		     const struct run_config *cfg, struct cell *c);

/*
 * runner_run_cell in two steps, so that a cell's child can be started
 * ahead of its turn (matrix.c does, at -j below the CPUs, once the cell
 * before has reported 'full'): runner_cell_start forks and execs the child,
 * whose interpreter then starts up on a spare CPU while the driver is busy
 * with the cell before; it writes its 'start' line and waits, touching
 * nothing, until runner_cell_finish takes the conversation from 'start' on
 * at its turn. Its figures are what they would be otherwise: every sample
 * is taken at its turn, of its own process. A start that fails leaves the
 * cell failed, and finish only ends it.
 *
 * runner_cell_finish frees what start returned; the cell's wall_s counts
 * from its turn (ahead) or from the start (not). hook->answered, if given,
 * is called in this thread after each phase has been sampled and answered
 * (PHASE_BASE: the fill begins; PHASE_FULL: the base-to-full window is
 * over). runner_cell_drop kills a started child whose turn will not come
 * (the run stops) and frees it; the cell is left with no result.
 */
struct cell_run;
struct runner_hook {
	void (*answered)(void *arg, int phase);
	void *arg;
};
struct cell_run *runner_cell_start(const struct catalog *cat, const struct interp *in,
				   const struct run_config *cfg, struct cell *c, int ahead);
void runner_cell_finish(struct cell_run *cr, const struct runner_hook *hook);
void runner_cell_drop(struct cell_run *cr);

/*
 * The first part of runner_cell_finish: the conversation up to 'full'
 * sampled and answered. Returns cr, the child then dropping its objects
 * for 'freed' on its own while the caller goes on (matrix.c runs the next
 * cell meanwhile); it cannot end before its 'freed' line is answered, which
 * runner_cell_finish (with its own hook, or none) does and ends the cell.
 * Returns NULL when the cell ended before that (failed, skipped,
 * interrupted): as runner_cell_finish, cr freed. wall_s then counts the
 * time the cell held its caller: its turn to 'full', and finish's own.
 */
struct cell_run *runner_cell_to_full(struct cell_run *cr, const struct runner_hook *hook);

#endif
