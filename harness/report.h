/*
 * report.h - `objmem report`: one results file as DIR/report.md and a
 * self-contained DIR/report.html (no script, no network: the figures are
 * inline SVG, the style is inline CSS).
 *
 * Owns: the report's sections (the machine and method, the interpreters
 * and their probes, bytes per object, the article's Count / AbsoluteUsage /
 * Delta tables, the figures, the cells not measured and why), Markdown
 * escaping of what comes from the results, and the small Markdown-to-HTML
 * conversion that makes report.html from report.md, which HTML-escapes
 * every piece of text. The tables are table.c's (TABLE_MARKDOWN), the
 * figures plot.c's.
 *
 * Steps: report_opts_init, set fields, report_write.
 */
#ifndef OBJMEM_REPORT_H
#define OBJMEM_REPORT_H

#include <stddef.h>
#include <stdint.h>

#include "model.h"
#include "util.h"

struct report_opts {
	const char *outdir;     /* created if missing */
	const char *source;     /* the results file, named in the report */
	uint64_t count;         /* the bar charts' count; 0: the largest */
	int figures;            /* 0: tables only, gnuplot is not run */
	const char *templates;  /* as plot_opts */
	const char *gnuplot;
	double timeout_s;
};

void report_opts_init(struct report_opts *o);

/*
 * Write report.md and report.html (and the figures' files) into o->outdir.
 * Returns 0; 1 when the report was written but a figure could not be drawn
 * (said on stderr and in the report); -1 when nothing usable was written
 * (message printed).
 */
int report_write(const struct results *r, const struct report_opts *o);

/* ---- the pieces, exposed for the unit tests ---- */

/* n bytes of s with & < > " ' as entities (NUL bytes dropped). */
void report_html_escape(struct buf *out, const char *s, size_t n);

/*
 * s as literal Markdown text: \ ` * _ [ ] < > | # & ! escaped with a
 * backslash, line breaks turned into spaces, so a name or a reason from
 * the results can go in a paragraph or a table cell unchanged.
 */
void report_md_escape(struct buf *out, const char *s);

/*
 * Convert the Markdown this module and table.c write: # to #### headings,
 * pipe tables with an alignment row, "- " lists, paragraphs, **bold**,
 * `code`, backslash escapes, and a line holding only ![alt](FILE.svg),
 * which becomes the SVG file (read from figdir) inline, its ids made
 * unique by prefix. Anything else is text, HTML-escaped. Appends the body
 * (no <html> wrapper) to out.
 */
void report_md_to_html(const char *md, const char *figdir, struct buf *out);

/*
 * An SVG document made fit to sit inline in HTML: the XML declaration and
 * doctype dropped, every id and reference to one prefixed with prefix.
 * Returns NULL if svg holds no <svg element, or holds a script or
 * foreignObject (never inlined).
 */
char *report_inline_svg(const char *svg, const char *prefix, const char *label);

#endif
