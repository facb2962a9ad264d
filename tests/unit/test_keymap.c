/*
 * test_keymap.c - keymap.c: put, get, replace and delete; growth through
 * 100000 keys; deleting then adding again; keys with NUL bytes inside;
 * keymap_key, whose tuples (a, b, count, repeat) never share a key, from a
 * table; the string forms; clear; release then reuse.
 *
 * The suite "regressions" holds cases for bugs found while writing this
 * file, fixed since.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "keymap.h"
#include "util.h"
#include "unit.h"

static int is_pow2(size_t n)
{
	return n && !(n & (n - 1));
}

static void test_basics(void)
{
	struct keymap m = KEYMAP_INIT;
	size_t v = 99;
	/* an empty map answers without a table */
	CU_ASSERT_EQUAL(keymap_get(&m, "a", 1, &v), 0);
	CU_ASSERT_EQUAL(keymap_del(&m, "a", 1), 0);
	CU_ASSERT_EQUAL(v, 99);
	CU_ASSERT_EQUAL(m.cap, 0);

	CU_ASSERT_EQUAL(keymap_put(&m, "alpha", 5, 1), 1);   /* new */
	CU_ASSERT_EQUAL(keymap_put(&m, "beta", 4, 2), 1);
	CU_ASSERT_EQUAL(m.n, 2);
	CU_ASSERT(is_pow2(m.cap));
	CU_ASSERT_EQUAL(keymap_get(&m, "alpha", 5, &v), 1);
	CU_ASSERT_EQUAL(v, 1);
	CU_ASSERT_EQUAL(keymap_get(&m, "beta", 4, &v), 1);
	CU_ASSERT_EQUAL(v, 2);
	/* a prefix, a longer key and another case are other keys */
	CU_ASSERT_EQUAL(keymap_get(&m, "alph", 4, &v), 0);
	CU_ASSERT_EQUAL(keymap_get(&m, "alphas", 6, &v), 0);
	CU_ASSERT_EQUAL(keymap_get(&m, "Alpha", 5, &v), 0);

	CU_ASSERT_EQUAL(keymap_put(&m, "alpha", 5, 7), 0);   /* replaced */
	CU_ASSERT_EQUAL(m.n, 2);
	CU_ASSERT_EQUAL(keymap_get(&m, "alpha", 5, &v), 1);
	CU_ASSERT_EQUAL(v, 7);

	CU_ASSERT_EQUAL(keymap_del(&m, "alpha", 5), 1);
	CU_ASSERT_EQUAL(keymap_del(&m, "alpha", 5), 0);
	CU_ASSERT_EQUAL(keymap_get(&m, "alpha", 5, &v), 0);
	CU_ASSERT_EQUAL(keymap_get(&m, "beta", 4, &v), 1);
	CU_ASSERT_EQUAL(v, 2);
	CU_ASSERT_EQUAL(keymap_put(&m, "alpha", 5, 8), 1);   /* new again */
	CU_ASSERT_EQUAL(keymap_get(&m, "alpha", 5, &v), 1);
	CU_ASSERT_EQUAL(v, 8);

	/* the empty key is a key */
	CU_ASSERT_EQUAL(keymap_put(&m, "", 0, 42), 1);
	CU_ASSERT_EQUAL(keymap_get(&m, "", 0, &v), 1);
	CU_ASSERT_EQUAL(v, 42);
	/* the key is copied: the caller's buffer may change */
	char key[] = "gamma";
	keymap_put(&m, key, 5, 3);
	key[0] = 'G';
	CU_ASSERT_EQUAL(keymap_get(&m, "gamma", 5, &v), 1);
	CU_ASSERT_EQUAL(keymap_get(&m, key, 5, &v), 0);
	keymap_release(&m);
}

static void test_strings(void)
{
	struct keymap m;
	keymap_init(&m);
	size_t v = 0;
	CU_ASSERT_EQUAL(keymap_puts(&m, "cpython-3.12", 0), 1);
	CU_ASSERT_EQUAL(keymap_puts(&m, "pypy3.10", 1), 1);
	CU_ASSERT_EQUAL(keymap_puts(&m, "cpython-3.12", 5), 0);
	CU_ASSERT_EQUAL(keymap_gets(&m, "cpython-3.12", &v), 1);
	CU_ASSERT_EQUAL(v, 5);
	/* the string and byte forms name the same key (no NUL counted) */
	CU_ASSERT_EQUAL(keymap_get(&m, "pypy3.10", 8, &v), 1);
	CU_ASSERT_EQUAL(v, 1);
	CU_ASSERT_EQUAL(keymap_get(&m, "pypy3.10", 9, &v), 0);
	CU_ASSERT_EQUAL(keymap_put(&m, "micropython", 11, 9), 1);
	CU_ASSERT_EQUAL(keymap_gets(&m, "micropython", &v), 1);
	CU_ASSERT_EQUAL(v, 9);
	CU_ASSERT_EQUAL(keymap_gets(&m, "", &v), 0);
	keymap_release(&m);
}

/* Many keys: the table grows (a power of two, never full) and loses none. */
static void test_many(void)
{
	enum { N = 100000 };
	struct keymap m = KEYMAP_INIT;
	char key[32];
	size_t grew = 0, last_cap = 0;
	for (size_t i = 0; i < N; i++) {
		int n = snprintf(key, sizeof(key), "key-%zu", i);
		CU_ASSERT_EQUAL(keymap_put(&m, key, (size_t)n, i * 3), 1);
		if (m.cap != last_cap) {
			CU_ASSERT(is_pow2(m.cap));
			CU_ASSERT(m.cap > last_cap);
			last_cap = m.cap;
			grew++;
		}
		CU_ASSERT_FATAL(m.n < m.cap);
	}
	CU_ASSERT_EQUAL(m.n, N);
	CU_ASSERT(grew > 10);
	size_t bad = 0;
	for (size_t i = 0; i < N; i++) {
		size_t v = 0;
		int n = snprintf(key, sizeof(key), "key-%zu", i);
		if (!keymap_get(&m, key, (size_t)n, &v) || v != i * 3)
			bad++;
	}
	CU_ASSERT_EQUAL(bad, 0);
	/* keys that were never added */
	for (size_t i = N; i < N + 1000; i++) {
		size_t v;
		int n = snprintf(key, sizeof(key), "key-%zu", i);
		if (keymap_get(&m, key, (size_t)n, &v))
			bad++;
	}
	CU_ASSERT_EQUAL(bad, 0);

	/* every other key deleted, the rest still found, the deleted ones added again */
	for (size_t i = 0; i < N; i += 2) {
		int n = snprintf(key, sizeof(key), "key-%zu", i);
		if (keymap_del(&m, key, (size_t)n) != 1)
			bad++;
	}
	CU_ASSERT_EQUAL(bad, 0);
	for (size_t i = 0; i < N; i++) {
		size_t v = 0;
		int n = snprintf(key, sizeof(key), "key-%zu", i);
		int found = keymap_get(&m, key, (size_t)n, &v);
		if (i % 2 ? !found || v != i * 3 : found)
			bad++;
	}
	CU_ASSERT_EQUAL(bad, 0);
	for (size_t i = 0; i < N; i += 2) {
		int n = snprintf(key, sizeof(key), "key-%zu", i);
		if (keymap_put(&m, key, (size_t)n, i + 1) != 1)
			bad++;
	}
	for (size_t i = 0; i < N; i++) {
		size_t v = 0;
		int n = snprintf(key, sizeof(key), "key-%zu", i);
		if (!keymap_get(&m, key, (size_t)n, &v) || v != (i % 2 ? i * 3 : i + 1))
			bad++;
	}
	CU_ASSERT_EQUAL(bad, 0);
	keymap_release(&m);
}

/* Binary keys: the length, not a NUL, ends a key. */
static void test_nul_bytes(void)
{
	static const struct { const char *bytes; size_t len; } keys[] = {
		{ "a", 1 }, { "a\0", 2 }, { "a\0b", 3 }, { "a\0c", 3 }, { "\0a", 2 },
		{ "\0", 1 }, { "\0\0", 2 }, { "", 0 }, { "ab", 2 }, { "a\0b\0", 4 },
	};
	struct keymap m = KEYMAP_INIT;
	for (size_t i = 0; i < ARRAY_SIZE(keys); i++)
		CU_ASSERT_EQUAL(keymap_put(&m, keys[i].bytes, keys[i].len, i), 1);
	CU_ASSERT_EQUAL(m.n, ARRAY_SIZE(keys));
	for (size_t i = 0; i < ARRAY_SIZE(keys); i++) {
		size_t v = 99;
		CU_ASSERT_EQUAL(keymap_get(&m, keys[i].bytes, keys[i].len, &v), 1);
		CU_ASSERT_EQUAL(v, i);
	}
	/* a string lookup stops at the NUL: "a" only */
	size_t v = 99;
	CU_ASSERT_EQUAL(keymap_gets(&m, "a\0b", &v), 1);
	CU_ASSERT_EQUAL(v, 0);
	CU_ASSERT_EQUAL(keymap_del(&m, "a\0b", 3), 1);
	CU_ASSERT_EQUAL(keymap_get(&m, "a\0c", 3, &v), 1);
	CU_ASSERT_EQUAL(v, 3);
	CU_ASSERT_EQUAL(keymap_get(&m, "a", 1, &v), 1);
	CU_ASSERT_EQUAL(v, 0);
	keymap_release(&m);
}

/* ---- keymap_key: different tuples, different keys ---- */

static const struct tuple {
	const char *a, *b;
	uint64_t count;
	int repeat;
} tuples[] = {
	{ "ab", "c", 1000, 1 },
	{ "a", "bc", 1000, 1 },          /* the same letters, split elsewhere */
	{ "abc", "", 1000, 1 },
	{ "", "abc", 1000, 1 },
	{ "abc", NULL, 1000, 1 },        /* no second name */
	{ "a", "b", 1000, 1 },
	{ "a", "b", 1000, 2 },
	{ "a", "b", 2, 1000 },           /* count and repeat swapped */
	{ "a", "b", 1000, 0 },
	{ "a", "b", 1001, 1 },
	{ "a", "b", 1000ULL << 32, 1 },  /* the high bits of the count count */
	{ "a", "b", 0, 1 },
	{ "a", "b", UINT64_MAX, -1 },
	{ "b", "a", 1000, 1 },
	{ "cpython-3.12", "point3d", 1000000, 3 },
	{ "cpython-3.12", "point3d", 100000, 3 },
	{ "cpython-3.12point3d", "", 1000000, 3 },
	{ "cpython-3.1", "2point3d", 1000000, 3 },
	{ "py<b>&'\"", "slots", 1, 1 },
	{ "café", "slots", 1, 1 },
	{ "", "", 0, 0 },
	{ "", NULL, 0, 0 },
};

static void test_key_tuples(void)
{
	struct keymap m = KEYMAP_INIT;
	struct buf k = BUF_INIT;
	for (size_t i = 0; i < ARRAY_SIZE(tuples); i++) {
		const struct tuple *t = &tuples[i];
		keymap_key(&k, t->a, t->b, t->count, t->repeat);
		int fresh = keymap_put(&m, k.p, k.len, i);
		if (!fresh)
			fprintf(stderr, "\nkeymap_key ('%s', '%s', %llu, %d) collides\n", t->a,
				t->b ? t->b : "(null)", (unsigned long long)t->count, t->repeat);
		CU_ASSERT_EQUAL(fresh, 1);
	}
	/* each tuple finds its own entry again; the buffer is reset each time */
	for (size_t i = ARRAY_SIZE(tuples); i-- > 0;) {
		const struct tuple *t = &tuples[i];
		keymap_key(&k, t->a, t->b, t->count, t->repeat);
		size_t v = 999;
		CU_ASSERT_EQUAL(keymap_get(&m, k.p, k.len, &v), 1);
		CU_ASSERT_EQUAL(v, i);
	}
	/* the same tuple, the same bytes */
	struct buf k2 = BUF_INIT;
	keymap_key(&k, "cpython-3.12", "slots", 1000, 2);
	buf_addstr(&k2, "junk that must go");
	keymap_key(&k2, "cpython-3.12", "slots", 1000, 2);
	CU_ASSERT_EQUAL(k.len, k2.len);
	CU_ASSERT(!memcmp(k.p, k2.p, k.len));
	/* a NUL after each name */
	CU_ASSERT(k.len > 19 && !memcmp(k.p, "cpython-3.12\0slots\0", 19));
	buf_release(&k);
	buf_release(&k2);
	keymap_release(&m);
}

/* Every (interpreter, workload, count, repeat) of a matrix: no two share a key. */
static void test_key_matrix(void)
{
	static const char *const names[] = { "a", "ab", "b", "ba", "", "a-b", "abc" };
	static const uint64_t counts[] = { 0, 1, 255, 256, 1000, 65536, 1ULL << 40 };
	struct keymap m = KEYMAP_INIT;
	struct buf k = BUF_INIT;
	size_t n = 0, collisions = 0;
	for (size_t i = 0; i < ARRAY_SIZE(names); i++)
		for (size_t w = 0; w < ARRAY_SIZE(names); w++)
			for (size_t c = 0; c < ARRAY_SIZE(counts); c++)
				for (int r = 0; r < 4; r++) {
					keymap_key(&k, names[i], names[w], counts[c], r);
					if (!keymap_put(&m, k.p, k.len, n++))
						collisions++;
				}
	CU_ASSERT_EQUAL(collisions, 0);
	CU_ASSERT_EQUAL(m.n, n);
	buf_release(&k);
	keymap_release(&m);
}

static void test_clear_release(void)
{
	struct keymap m = KEYMAP_INIT;
	char key[16];
	for (size_t i = 0; i < 100; i++) {
		snprintf(key, sizeof(key), "k%zu", i);
		keymap_puts(&m, key, i);
	}
	size_t cap = m.cap, v;
	keymap_clear(&m);
	CU_ASSERT_EQUAL(m.n, 0);
	CU_ASSERT_EQUAL(m.cap, cap);  /* the table stays for reuse */
	CU_ASSERT_EQUAL(keymap_gets(&m, "k5", &v), 0);
	CU_ASSERT_EQUAL(keymap_del(&m, "k5", 2), 0);
	CU_ASSERT_EQUAL(keymap_puts(&m, "k5", 55), 1);  /* new after a clear */
	CU_ASSERT_EQUAL(keymap_gets(&m, "k5", &v), 1);
	CU_ASSERT_EQUAL(v, 55);
	CU_ASSERT_EQUAL(keymap_gets(&m, "k6", &v), 0);
	CU_ASSERT_EQUAL(m.n, 1);

	keymap_release(&m);
	CU_ASSERT_PTR_NULL(m.slots);
	CU_ASSERT_EQUAL(m.n, 0);
	CU_ASSERT_EQUAL(m.cap, 0);
	CU_ASSERT_EQUAL(keymap_gets(&m, "k5", &v), 0);
	/* a released map is an empty one, ready to use */
	CU_ASSERT_EQUAL(keymap_puts(&m, "again", 1), 1);
	CU_ASSERT_EQUAL(keymap_gets(&m, "again", &v), 1);
	CU_ASSERT_EQUAL(v, 1);
	keymap_release(&m);
	keymap_release(&m); /* twice is harmless */
	CU_ASSERT_EQUAL(m.cap, 0);
}

static const struct unit_test tests[] = {
	{ "put, get, replace, delete", test_basics },
	{ "string keys", test_strings },
	{ "100000 keys: growth, delete, add again", test_many },
	{ "keys with NUL bytes inside", test_nul_bytes },
	{ "keymap_key: tuples from a table", test_key_tuples },
	{ "keymap_key: a whole matrix", test_key_matrix },
	{ "clear, release, reuse", test_clear_release },
};

/* ---- regressions: bugs found while writing this file ---- */

/*
 * Deleting and adding the same key over and over must not grow the table.
 * When a tombstone was counted as a live key, and counted again when
 * keymap_put reused it, one key ended in a table of 131072 slots after
 * 100000 rounds.
 */
static void test_churn(void)
{
	struct keymap m = KEYMAP_INIT;
	keymap_puts(&m, "only", 0);
	for (size_t i = 0; i < 100000; i++) {
		keymap_del(&m, "only", 4);
		keymap_puts(&m, "only", i);
	}
	size_t v = 0;
	CU_ASSERT_EQUAL(keymap_gets(&m, "only", &v), 1);
	CU_ASSERT_EQUAL(v, 99999);
	if (m.cap > 64)
		fprintf(stderr, "\none key, deleted and added 100000 times: %zu slots, n = %zu\n",
			m.cap, m.n);
	CU_ASSERT(m.cap <= 64);
	keymap_release(&m);
}

static const struct unit_test regression_tests[] = {
	{ "delete and add again: the table stays small", test_churn },
};

int main(int argc, char **argv)
{
	(void)argc;
	const struct unit_suite suites[] = {
		UNIT_SUITE("keymap", tests),
		UNIT_SUITE("regressions", regression_tests),
	};
	return unit_main(argv[0], suites, ARRAY_SIZE(suites));
}
