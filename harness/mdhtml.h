/*
 * mdhtml.h - the Markdown that objmem writes (report.md, table.c's tables)
 * as HTML for report.html: # to #### headings, pipe tables with an
 * alignment row, "- " lists, paragraphs, **bold**, `code`, backslash
 * escapes, and a line holding only ![alt](FILE.svg), which becomes the SVG
 * file (read from figdir) inline. Anything else is text.
 *
 * Owns: HTML escaping. Every piece of text is escaped exactly once, here:
 * Markdown from textfmt.h's md_escape never holds an entity, so a name like
 * py<3>_x shows as itself, not as &lt;.
 */
#ifndef OBJMEM_MDHTML_H
#define OBJMEM_MDHTML_H

#include <stddef.h>

#include "util.h"

/* n bytes of s with & < > " ' as entities (NUL bytes dropped). */
void html_escape(struct buf *out, const char *s, size_t n);

/* Convert md; append the body (no <html> wrapper) to out. */
void md_to_html(const char *md, const char *figdir, struct buf *out);

/*
 * An SVG document made fit to sit inline in HTML: the XML declaration and
 * doctype dropped, every id and reference to one prefixed with prefix.
 * Returns NULL if svg holds no <svg element, or holds a script or
 * foreignObject (never inlined).
 */
char *md_inline_svg(const char *svg, const char *prefix, const char *label);

#endif
