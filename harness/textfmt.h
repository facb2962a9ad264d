/*
 * textfmt.h - text for people and for other programs: the one Markdown
 * escaper, the one CSV writer (RFC 4180), the one terminal writer, exact
 * number text, the human forms of counts, durations and sizes, and tables
 * rendered as aligned text or Markdown from one description.
 *
 * Owns: every escaping rule of objmem's text outputs. Names in results
 * files (interpreters, workloads, reasons) are data: whatever bytes they
 * hold, these functions print them as that text, never as markup, a
 * separator or a control sequence.
 */
#ifndef OBJMEM_TEXTFMT_H
#define OBJMEM_TEXTFMT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "util.h"

/*
 * s as literal Markdown text: \ ` * _ [ ] < > | # & ! ~ escaped with a
 * backslash, line breaks and tabs turned into spaces, other control
 * characters shown as \xNN, so a name can go in a paragraph or a table
 * cell unchanged. Never HTML entities: a Markdown-to-HTML step escapes once.
 */
void md_escape(struct buf *out, const char *s);
void md_fputs(FILE *out, const char *s);

/*
 * One CSV field (RFC 4180): as it is unless it holds a comma, a double
 * quote, CR, LF or leading or trailing blanks; then in double quotes with
 * each quote doubled.
 */
void csv_field(struct buf *out, const char *s);
/*
 * A number as a CSV field: a whole number below 2^53 in plain digits, any
 * other finite value with the fewest digits that read back as the same
 * double (at most 17), nothing at all for NaN or infinity.
 */
void csv_number(struct buf *out, double v);

/*
 * The shortest text that reads back as exactly v (strtod(out) == v): whole
 * numbers below 1e17 as plain digits, others with 15 to 17 significant
 * digits, always with a '.' whatever the locale. Returns 0, or -1 for a
 * value that is not finite (out is then "null").
 */
int fmt_number_exact(char *out, size_t n, double v);
/*
 * v with prec decimals into out (n bytes), "+" first when plus and v is
 * not negative: exactly what snprintf's "%.*f" ("%+.*f") writes in the C
 * locale, at a fraction of its cost where the rounding is not in doubt
 * (else it is snprintf). Returns the length written (cut short, as
 * snprintf cuts, when n is too small).
 */
size_t fmt_fixed(char *out, size_t n, double v, int prec, int plus);

/*
 * s for a terminal: control characters (C0, DEL, C1) and bytes that are not
 * UTF-8 shown as \n, \t, \r or \xNN, a backslash as itself, so nothing a
 * results file holds can move the cursor or change colours.
 */
void term_escape(struct buf *out, const char *s);
void term_fputs(FILE *out, const char *s);
/* Length of the valid UTF-8 sequence (RFC 3629) at s, or 0 when it is not one. */
size_t utf8_len(const unsigned char *s);
/* 1 when the whole of s is valid UTF-8. */
int utf8_valid(const char *s);
/* Columns s takes on a terminal once escaped (UTF-8 code points). */
size_t term_width(const char *s);

/* "1.5k"-free forms -n takes: 100, 1k, 10M, 2G (exact multiples only). */
void format_count(uint64_t n, char *out, size_t size);
/* "1:05", "1:02:03" */
void format_duration(double s, char *out, size_t size);
/* Bytes in decimal units, 3 significant digits: "512 B", "64.1 kB", "3.58 GB". */
void format_bytes(double bytes, char *out, size_t size);

/*
 * A table described once and printed as aligned text (names escaped for
 * the terminal, no header ever cut) or as a Markdown pipe table (cells
 * escaped, strong cells in **bold**).
 */
enum tab_format { TAB_TEXT, TAB_MARKDOWN };

struct tab {
	size_t ncols;
	char *align;            /* 'l' or 'r' per column */
	struct buf text;        /* the cells, each ending in NUL, row-major; the first ncols
				   are the header (one block: no allocation per cell) */
	size_t *at, n, alloc;   /* where each of the n cells starts in text */
	struct buf strong;      /* one byte per cell: 1 = emphasised */
};

/* headers: ncols names; align: a string of ncols 'l'/'r'. */
void tab_init(struct tab *t, size_t ncols, const char *const *headers, const char *align);
void tab_cell(struct tab *t, const char *text);
void tab_cellf(struct tab *t, const char *fmt, ...) PRINTF_LIKE(2, 3);
/* The next cell, emphasised (bold in Markdown, plain in text). */
void tab_cell_strong(struct tab *t, const char *text);
size_t tab_rows(const struct tab *t); /* data rows, header excluded */
void tab_print(FILE *out, const struct tab *t, enum tab_format f);
void tab_release(struct tab *t);

#endif
