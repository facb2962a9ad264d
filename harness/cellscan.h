/*
 * cellscan.h - the quick way to read one cell of a results file: straight
 * from its text into a struct cell, checking the text as it goes, without
 * a cJSON tree or a lookup per field (what made reading 10,000 cells cost
 * a tenth of a second).
 *
 * Owns: nothing a user sees. It takes only a cell of the common shape
 * (valid JSON as jsonutil's strict scanner wants it; the fields
 * results_json.c reads, each of the type and range it wants; strings
 * without a \u escape; no key twice; no object or array under a key it
 * does not read) and says "not mine" for anything else, right or wrong;
 * results_json.c then checks and reads that cell the full way, so every
 * value and every message is that reader's.
 */
#ifndef OBJMEM_CELLSCAN_H
#define OBJMEM_CELLSCAN_H

#include <stddef.h>

struct cell;

/*
 * Read the cell whose JSON text is text[0..len) into c (as cell_init left
 * it). 1 when read, the text then one valid JSON object; 0 when the cell
 * is not of the common shape (or not JSON), with c as cell_init leaves it.
 */
int cellscan_read(const char *text, size_t len, struct cell *c);

#endif
