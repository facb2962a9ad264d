/*
 * results.h - a results document as JSON (schema "objmem-results/1", see
 * README "Results format"): building it from a struct results, writing it
 * atomically, and reading it back.
 *
 * Owns: the JSON field names. The summary and fits are derived data: they
 * are written from stats.c's summary and ignored on reading (recomputed).
 * Sizes are bytes; a value that was not measured is null, never 0.
 */
#ifndef OBJMEM_RESULTS_H
#define OBJMEM_RESULTS_H

#include <cjson/cJSON.h>

#include "model.h"

/* The whole document, summary and fits included. Never NULL. */
cJSON *results_to_json(const struct results *r);

/*
 * Fill r (results_init'ed by the caller) from a parsed document. what names
 * the source in messages (a path or URL). Returns 0, or -1 after printing
 * "error: WHAT: ..." naming the field that was wrong.
 */
int results_from_json(const cJSON *doc, struct results *r, const char *what);

/*
 * Parse text as a results document. On a JSON syntax error the message gives
 * line and column. Returns 0 or -1 (message printed).
 */
int results_parse(const char *text, size_t len, struct results *r, const char *what);

/* Read a results file. Returns 0 or -1 (message printed). */
int results_load(const char *path, struct results *r);

/* Serialise and write atomically (temporary file, fsync, rename). */
int results_write(const struct results *r, const char *path);

#endif
