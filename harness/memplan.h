/*
 * memplan.h - how much memory a cell will need before it runs: its peak
 * (VmHWM, the most resident memory its process had) predicted from the
 * finished cells of the same interpreter and workload at smaller counts,
 * and the run's memory budget that the cells running at once must fit in.
 *
 * Owns: the prediction (a line through the peaks of the two largest
 * smaller counts; with one count, growth in proportion to the count from
 * the start-up's RSS) and the default budget (MemAvailable when the run
 * starts, less a tenth). The scheduling that uses them is matrix.c's.
 */
#ifndef OBJMEM_MEMPLAN_H
#define OBJMEM_MEMPLAN_H

#include <stddef.h>
#include <stdint.h>

#include "results.h"

/*
 * The predicted peak in bytes of a cell of (interp, workload) at count,
 * from the ok cells r holds at smaller counts (the median of each count's
 * repetitions); 0 when r holds none. basis gets what it was predicted from
 * ("the 100k and 1M cells").
 */
uint64_t memplan_predict(const struct results *r, const char *interp, const char *workload,
			 uint64_t count, char *basis, size_t n);

/* MemAvailable less a tenth, or 0 when /proc/meminfo does not say. */
uint64_t memplan_default_budget(void);

#endif
