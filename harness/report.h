/*
 * report.h - one results file as DIR/report.md and a self-contained
 * DIR/report.html (no script, no network: the figures are inline SVG, the
 * style is inline CSS).
 *
 * Owns: the report's sections, the answer first (the version charts at the
 * largest count, the range per workload), then bytes per object at that
 * count with why (explain.c), the other counts, the other figures, the
 * article's Count / AbsoluteUsage / Delta tables, what was not measured,
 * the machine and method, the interpreters and their probes; builds in
 * version order and named as people name them throughout; and the page
 * around them (a table of contents, nothing wider than the window, no
 * script, no request). The tables are table.c's (TABLE_MARKDOWN), the
 * figures plot.c's, the Markdown escaping textfmt.c's, the HTML mdhtml.c's.
 *
 * Steps: report_opts_init, set fields, report_write.
 */
#ifndef OBJMEM_REPORT_H
#define OBJMEM_REPORT_H

#include <stddef.h>
#include <stdint.h>

#include "results.h"
#include "util.h"

struct report_opts {
	const char *outdir;     /* created if missing */
	const char *source;     /* the results file, named in the report */
	uint64_t count;         /* the bar charts' count; 0: the largest */
	int figures;            /* 0: tables only, gnuplot is not run */
	const char *templates;  /* as plot_opts */
	const char *gnuplot;
	double timeout_s;
	const char *layout_doc; /* docs/layout.md, quoted in the "why" column; NULL or
				   missing: every explanation is computed */
};

void report_opts_init(struct report_opts *o);

/*
 * Write report.md and report.html (and the figures' files) into o->outdir.
 * Returns 0; 1 when the report was written but a figure could not be drawn
 * (said on stderr and in the report); -1 when nothing usable was written
 * (message printed).
 */
int report_write(const struct results *r, const struct report_opts *o);

#endif
