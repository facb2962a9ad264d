/*
 * jsonutil.h - parsing JSON text with errors a person can act on: the
 * source, line and column of a syntax error, and typed field access that
 * names the field's path when it is wrong.
 */
#ifndef OBJMEM_JSONUTIL_H
#define OBJMEM_JSONUTIL_H

#include <stddef.h>
#include <cjson/cJSON.h>

/*
 * Parse text as one JSON value. On error prints
 * "error: WHAT:LINE:COL: invalid JSON (...)" and returns NULL.
 */
cJSON *json_parse_located(const char *text, size_t len, const char *what);
/* Line and column (1-based) of byte offset off in text. */
void json_offset_position(const char *text, size_t off, int *line, int *col);
/* A new cJSON number holding an integer exactly (printed without exponent). */
cJSON *json_u64(unsigned long long v);

#endif
