/*
 * progress.h - a long run's progress on stderr: cells done of total, the
 * cell running, elapsed and estimated time left. On a terminal one line is
 * redrawn in place; otherwise one plain line per finished cell. Silent when
 * quiet. Thread-safe: the runner's workers call it concurrently.
 */
#ifndef OBJMEM_PROGRESS_H
#define OBJMEM_PROGRESS_H

#include <stddef.h>
#include <stdint.h>

struct progress;

/*
 * total cells, and their total weight (the estimate of time left weighs a
 * cell by its object count plus a start-up cost).
 */
struct progress *progress_new(size_t total, double total_weight, int quiet);
/* A cell started (label like "cpython-3.12.1 slots 1M #2"). */
void progress_start(struct progress *p, const char *label);
/* A cell ended with this status word and detail ("64.0 B/obj", a reason). */
void progress_done(struct progress *p, const char *label, double weight, const char *status,
		   const char *detail);
/* Print a message without breaking the redrawn line. */
void progress_note(struct progress *p, const char *msg);
/* Finish the line and free. */
void progress_free(struct progress *p);

#endif
