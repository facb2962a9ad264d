/* memplan.c - a cell's peak before it runs, and the memory budget; see memplan.h. */
#include <stdio.h>
#include <stdlib.h>

#include "memplan.h"
#include "stats.h"
#include "sysinfo.h"
#include "textfmt.h"
#include "util.h"

/* The median peak and start-up RSS of the ok cells of one count; 0 when none. */
static int count_peak(const struct results *r, const char *interp, const char *workload,
		      uint64_t count, double *peak, double *start)
{
	double hwm[64], rss[64];
	size_t n = 0, m = 0;
	for (int rep = 1; rep <= 1000 && n < ARRAY_SIZE(hwm); rep++) {
		const struct cell *c = results_find_cell(r, interp, workload, count, rep);
		if (!c) {
			if (rep > r->config.repeat)
				break;
			continue;
		}
		if (c->status != CELL_OK || !c->peak.valid || !c->peak.vm_hwm)
			continue;
		hwm[n++] = (double)c->peak.vm_hwm;
		if (c->samples[PHASE_START].valid)
			rss[m++] = (double)c->samples[PHASE_START].rss;
	}
	if (!n)
		return 0;
	struct stat3 s;
	stat3_compute(hwm, n, &s);
	*peak = s.median;
	*start = 0;
	if (m) {
		stat3_compute(rss, m, &s);
		*start = s.median;
	}
	return 1;
}

uint64_t memplan_predict(const struct results *r, const char *interp, const char *workload,
			 uint64_t count, char *basis, size_t n)
{
	/* the two largest counts below count that have a peak */
	uint64_t c1 = 0, c2 = 0;
	double h1 = 0, h2 = 0, s1 = 0, s2 = 0;
	for (size_t i = 0; i < r->config.n_counts; i++) {
		uint64_t c = r->config.counts[i];
		double h, s;
		if (c >= count || !count_peak(r, interp, workload, c, &h, &s))
			continue;
		if (c > c2) {
			c1 = c2, h1 = h2, s1 = s2;
			c2 = c, h2 = h, s2 = s;
		} else if (c > c1) {
			c1 = c, h1 = h, s1 = s;
		}
	}
	(void)s1;
	char a[32], b[32];
	if (!c2) {
		snprintf(basis, n, "no smaller count");
		return 0;
	}
	format_count(c2, b, sizeof(b));
	double predicted;
	if (c1) {
		double slope = (h2 - h1) / (double)(c2 - c1);
		predicted = h2 + (slope > 0 ? slope : 0) * (double)(count - c2);
		format_count(c1, a, sizeof(a));
		snprintf(basis, n, "the line through its %s and %s cells", a, b);
	} else {
		double grown = h2 > s2 ? h2 - s2 : 0;
		predicted = s2 + grown * (double)count / (double)c2;
		snprintf(basis, n, "its %s cells, in proportion", b);
	}
	return (uint64_t)predicted;
}

uint64_t memplan_default_budget(void)
{
	int64_t avail = sysinfo_meminfo("MemAvailable");
	return avail > 0 ? (uint64_t)avail / 10 * 9 : 0;
}
