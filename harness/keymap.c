/* keymap.c - string keys to indexes, open addressing; see keymap.h. */
#include <stdlib.h>
#include <string.h>

#include "keymap.h"
#include "util.h"

struct keymap_slot {
	char *key;      /* NULL: empty; TOMBSTONE: deleted */
	size_t len;
	uint64_t hash;
	size_t value;
};

static char tombstone;
#define TOMBSTONE (&tombstone)

/* FNV-1a, 64 bits: fast, and good enough for names and counts. */
static uint64_t hash_bytes(const void *key, size_t len)
{
	uint64_t h = fnv1a(key, len, FNV1A_INIT);
	return h ^ (h >> 29);
}

void keymap_init(struct keymap *m)
{
	memset(m, 0, sizeof(*m));
}

void keymap_clear(struct keymap *m)
{
	for (size_t i = 0; i < m->cap; i++) {
		if (m->slots[i].key && m->slots[i].key != TOMBSTONE)
			free(m->slots[i].key);
		m->slots[i].key = NULL;
	}
	m->n = m->tombs = 0;
}

void keymap_release(struct keymap *m)
{
	keymap_clear(m);
	free(m->slots);
	keymap_init(m);
}

/* The slot holding key, or (found = 0) the first free one on its probe path. */
static struct keymap_slot *find(const struct keymap *m, const void *key, size_t len, uint64_t h,
				int *found)
{
	struct keymap_slot *free_slot = NULL;
	size_t mask = m->cap - 1;
	*found = 0;
	for (size_t i = (size_t)h & mask;; i = (i + 1) & mask) {
		struct keymap_slot *s = &m->slots[i];
		if (!s->key)
			return free_slot ? free_slot : s;
		if (s->key == TOMBSTONE) {
			if (!free_slot)
				free_slot = s;
		} else if (s->hash == h && s->len == len && !memcmp(s->key, key, len)) {
			*found = 1;
			return s;
		}
	}
}

/* Rehash into cap slots, dropping the tombstones. */
static void rehash(struct keymap *m, size_t cap)
{
	size_t old_cap = m->cap;
	struct keymap_slot *old = m->slots;
	m->cap = cap;
	m->slots = xcalloc(m->cap, sizeof(*m->slots));
	m->n = m->tombs = 0;
	for (size_t i = 0; i < old_cap; i++) {
		if (!old[i].key || old[i].key == TOMBSTONE)
			continue;
		int found;
		struct keymap_slot *s = find(m, old[i].key, old[i].len, old[i].hash, &found);
		*s = old[i];
		m->n++;
	}
	free(old);
}

int keymap_get(const struct keymap *m, const void *key, size_t len, size_t *value)
{
	if (!m->n)
		return 0;
	int found;
	struct keymap_slot *s = find(m, key, len, hash_bytes(key, len), &found);
	if (found)
		*value = s->value;
	return found;
}

void keymap_reserve(struct keymap *m, size_t n)
{
	if (!n)
		return;
	/* keymap_put's bound: used slots below three quarters of cap */
	size_t cap = m->cap ? m->cap : 16;
	while ((m->n + m->tombs + n + 1) * 4 >= cap * 3)
		cap *= 2;
	if (cap != m->cap)
		rehash(m, cap);
}

int keymap_put(struct keymap *m, const void *key, size_t len, size_t value)
{
	/* tombstones count as used, so a probe always ends at an empty slot */
	if ((m->n + m->tombs + 1) * 4 >= m->cap * 3)
		/* mostly tombstones: rebuild at the same size; else double */
		rehash(m, !m->cap ? 16 : (m->n + 1) * 2 <= m->cap ? m->cap : m->cap * 2);
	uint64_t h = hash_bytes(key, len);
	int found;
	struct keymap_slot *s = find(m, key, len, h, &found);
	if (found) {
		s->value = value;
		return 0;
	}
	if (s->key == TOMBSTONE)
		m->tombs--;
	s->key = xmalloc(len + 1);
	memcpy(s->key, key, len);
	s->key[len] = '\0';
	s->len = len;
	s->hash = h;
	s->value = value;
	m->n++;
	return 1;
}

int keymap_del(struct keymap *m, const void *key, size_t len)
{
	if (!m->n)
		return 0;
	int found;
	struct keymap_slot *s = find(m, key, len, hash_bytes(key, len), &found);
	if (!found)
		return 0;
	free(s->key);
	s->key = TOMBSTONE;
	m->n--;
	m->tombs++;
	return 1;
}

int keymap_gets(const struct keymap *m, const char *key, size_t *value)
{
	return keymap_get(m, key, strlen(key), value);
}

int keymap_puts(struct keymap *m, const char *key, size_t value)
{
	return keymap_put(m, key, strlen(key), value);
}

void keymap_key(struct buf *out, const char *a, const char *b, uint64_t count, int repeat)
{
	buf_reset(out);
	buf_add(out, a, strlen(a) + 1);
	if (b)
		buf_add(out, b, strlen(b) + 1);
	buf_add(out, &count, sizeof(count));
	buf_add(out, &repeat, sizeof(repeat));
}
