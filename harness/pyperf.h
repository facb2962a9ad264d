/*
 * pyperf.h - a results file as a pyperf BenchmarkSuite (JSON format
 * version "1.0"), so `pyperf stats`, `pyperf hist` and `pyperf
 * compare_to` read objmem's figures.
 *
 * Owns: the mapping to pyperf's schema. One benchmark per (interpreter,
 * workload, count), named INTERPRETER/WORKLOAD/COUNT; one run per ok
 * repetition with one value, the bytes per object (USS growth from base to
 * full / count, as `show` computes it); metadata "unit": "byte". pyperf
 * takes only values > 0: a repetition whose figure is 0 or less, and a row
 * with no ok repetition, are left out and counted on stderr.
 */
#ifndef OBJMEM_PYPERF_H
#define OBJMEM_PYPERF_H

#include <stdint.h>
#include <stdio.h>

#include "results.h"

/* The suite of r (only count when not 0) on out: 0, or -1 (said) when nothing is left. */
int pyperf_print(FILE *out, const struct results *r, uint64_t count);

#endif
