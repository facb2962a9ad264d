/*
 * keymap.h - a map from a byte-string key to a size_t value (an index into
 * the caller's array), so lookups by name cost O(1) instead of a scan.
 *
 * Owns: hashing and open addressing. Keys are copied; values are the
 * caller's business. Keys made of several parts (interpreter, workload,
 * count, repeat) are joined by keymap_key, whose separator cannot occur in
 * a name that came through a JSON string of the results (a NUL byte).
 *
 * Steps: keymap_init, keymap_put / keymap_get as needed, keymap_release.
 */
#ifndef OBJMEM_KEYMAP_H
#define OBJMEM_KEYMAP_H

#include <stddef.h>
#include <stdint.h>

struct keymap_slot;

struct keymap {
	struct keymap_slot *slots;
	size_t n, cap;          /* live keys; cap is 0 or a power of two */
	size_t tombs;           /* deleted slots not reused yet */
};

#define KEYMAP_INIT { NULL, 0, 0, 0 }

void keymap_init(struct keymap *m);
void keymap_release(struct keymap *m);
void keymap_clear(struct keymap *m);

/* Look key (len bytes) up: 1 with *value set, or 0. */
int keymap_get(const struct keymap *m, const void *key, size_t len, size_t *value);
/* Insert or replace. Returns 1 when the key was new, 0 when replaced. */
int keymap_put(struct keymap *m, const void *key, size_t len, size_t value);
/* Room for n more keys without growing: one allocation where a loop would double a dozen times. */
void keymap_reserve(struct keymap *m, size_t n);
/* Remove; 1 when it was there. */
int keymap_del(struct keymap *m, const void *key, size_t len);

/* The same for NUL-terminated strings. */
int keymap_gets(const struct keymap *m, const char *key, size_t *value);
int keymap_puts(struct keymap *m, const char *key, size_t value);

struct buf;
/*
 * The key of (a, b, count, repeat) into out (reset first): a NUL b NUL and
 * the two numbers in binary. Names never hold a NUL byte, so two different
 * tuples never share a key.
 */
void keymap_key(struct buf *out, const char *a, const char *b, uint64_t count, int repeat);

#endif
