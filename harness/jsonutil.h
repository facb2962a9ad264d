/*
 * jsonutil.h - JSON text in and out, the same way everywhere: parsing with
 * the one error reporter (the source, line and column of a mistake, and
 * whether the text was cut short), and printing with every number exact.
 *
 * Owns: the JSON syntax errors objmem prints. A results file and an
 * interpreter definition with the same bad text get the same message at
 * the same line:column, because both are parsed here.
 */
#ifndef OBJMEM_JSONUTIL_H
#define OBJMEM_JSONUTIL_H

#include <stddef.h>
#include <cjson/cJSON.h>

/*
 * Parse text (len bytes, need not end with NUL) as one JSON value. A UTF-8
 * byte order mark is skipped. On a mistake prints
 *   error: WHAT:LINE:COL: invalid JSON: WHY, at 'TEXT'
 * (LINE and COL 1-based, COL in characters), or "unexpected end of file"
 * for a text cut short, or "the file is empty", and returns NULL.
 */
cJSON *json_parse_located(const char *text, size_t len, const char *what);

/* Line and column (1-based; the column counts characters) of byte offset off. */
void json_offset_position(const char *text, size_t off, unsigned long *line, unsigned long *col);

/* A new cJSON number holding an integer (exact below 2^53). */
cJSON *json_u64(unsigned long long v);

/*
 * Print item (indented when pretty) with every number written so that it
 * reads back as the same double (textfmt.h's fmt_number_exact): cJSON's
 * own printer drops the last bit of some values and writes 1e15 as 1e+15.
 * item is changed (numbers become raw text). Returns malloc'ed text that
 * ends with a newline.
 */
char *json_print_exact(cJSON *item, int pretty);

#endif
