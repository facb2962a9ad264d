/* cellscan.c - one cell of a results file straight from its text; see cellscan.h. */
#include <limits.h>
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cellscan.h"
#include "jsonutil.h"
#include "results.h"
#include "textfmt.h"
#include "util.h"

struct cur {
	const char *p, *end;
};

enum kind { V_NULL, V_STRING, V_NUMBER, V_OBJECT, V_ARRAY, V_OTHER };

/* A value met at the cursor. Objects and arrays are left for the caller. */
struct val {
	enum kind kind;
	const char *s;  /* V_STRING: the bytes between the quotes, as written */
	size_t n;
	int escaped;    /* V_STRING: holds a backslash */
	int exact;      /* V_NUMBER: d is the number's value (else leave it to cJSON) */
	double d;
};

static void space(struct cur *c)
{
	while (c->p < c->end && json_space_byte[(unsigned char)*c->p])
		c->p++;
}

static int take(struct cur *c, char ch)
{
	space(c);
	if (c->p < c->end && *c->p == ch) {
		c->p++;
		return 1;
	}
	return 0;
}

static int is_digit(char ch)
{
	return ch >= '0' && ch <= '9';
}

static int is_hex(char ch)
{
	return is_digit(ch) || (ch >= 'a' && ch <= 'f') || (ch >= 'A' && ch <= 'F');
}

/*
 * The string whose opening quote is at the cursor, checked as JSON wants
 * it (no control character, only JSON's escapes): 0, or -1.
 */
static int string(struct cur *c, struct val *v)
{
	const char *from = ++c->p, *q = from, *end = c->end;
	int escaped = 0;
	for (;;) {
		while (q < end && json_plain_byte[(unsigned char)*q])
			q++;
		if (q >= end || (unsigned char)*q < 0x20)
			return -1;
		if (*q == '"')
			break;
		escaped = 1;
		if (end - q < 2)
			return -1;
		if (q[1] == 'u') {
			if (end - q < 6 || !is_hex(q[2]) || !is_hex(q[3]) || !is_hex(q[4]) ||
			    !is_hex(q[5]))
				return -1;
			q += 6;
		} else if (q[1] && strchr("\"\\/bfnrt", q[1])) {
			q += 2;
		} else {
			return -1;
		}
	}
	*v = (struct val){ .kind = V_STRING, .s = from, .n = (size_t)(q - from),
			   .escaped = escaped };
	c->p = q + 1;
	return 0;
}

/*
 * A number, checked as JSON writes one, and its value: 0, or -1. With at
 * most 15 digits and no exponent the digits are an integer a double holds
 * exactly, 10^frac too, and one division rounds once, correctly: the double
 * strtod gives, without its cost. Other numbers go through strtod, as in
 * cJSON (objmem never calls setlocale: '.' is the decimal point). Past 63
 * characters cJSON stops reading a number, so such a cell is left to it.
 */
static int number(struct cur *c, struct val *v)
{
	static const double pow10[] = { 1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7,
					 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15 };
	const char *from = c->p, *p = from, *end = c->end;
	int neg = p < end && *p == '-', digits = 0, frac = 0, plain = 1;
	uint64_t m = 0;
	p += neg;
	if (p >= end || !is_digit(*p))
		return -1;
	if (*p == '0') { /* a digit after a leading 0 is not the number's: the caller meets it */
		p++;
		digits = 1;
	} else {
		for (; p < end && is_digit(*p); p++)
			if (++digits <= 15)
				m = m * 10 + (uint64_t)(*p - '0');
	}
	if (p < end && *p == '.') {
		if (++p >= end || !is_digit(*p))
			return -1;
		for (; p < end && is_digit(*p); p++, frac++)
			if (++digits <= 15)
				m = m * 10 + (uint64_t)(*p - '0');
	}
	if (p < end && (*p == 'e' || *p == 'E')) {
		plain = 0;
		p++;
		if (p < end && (*p == '+' || *p == '-'))
			p++;
		if (p >= end || !is_digit(*p))
			return -1;
		while (p < end && is_digit(*p))
			p++;
	}
	c->p = p;
	*v = (struct val){ .kind = V_NUMBER };
	size_t len = (size_t)(p - from);
	if (plain && digits <= 15) {
		double d = frac ? (double)m / pow10[frac] : (double)m;
		v->d = neg ? -d : d;
		v->exact = 1;
	} else if (len < 64) {
		char text[64], *stop;
		memcpy(text, from, len);
		text[len] = 0;
		v->d = strtod(text, &stop);
		v->exact = stop == text + len;
	}
	return 0;
}

/* The value at the cursor: scalars read, objects and arrays not yet entered. */
static int value(struct cur *c, struct val *v)
{
	space(c);
	if (c->p >= c->end)
		return -1;
	switch (*c->p) {
	case '"':
		return string(c, v);
	case '{':
		v->kind = V_OBJECT;
		return 0;
	case '[':
		v->kind = V_ARRAY;
		return 0;
	case 'n':
		if (c->end - c->p < 4 || memcmp(c->p, "null", 4))
			return -1;
		c->p += 4;
		v->kind = V_NULL;
		return 0;
	case '-': case '0': case '1': case '2': case '3': case '4':
	case '5': case '6': case '7': case '8': case '9':
		return number(c, v);
	case 't':
	case 'f': {
		const char *word = *c->p == 't' ? "true" : "false";
		size_t n = strlen(word);
		if ((size_t)(c->end - c->p) < n || memcmp(c->p, word, n))
			return -1;
		c->p += n;
		v->kind = V_OTHER;
		return 0;
	}
	default:
		return -1;
	}
}

/*
 * The value of a key this objmem does not read: a scalar is checked and
 * passed; an object or an array is left to the full reader (-1).
 */
static int other(struct cur *c)
{
	struct val v;
	return value(c, &v) || v.kind == V_OBJECT || v.kind == V_ARRAY ? -1 : 0;
}

/* name (NUL-terminated) is the n bytes at k */
static int key_is(const char *name, const char *k, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (name[i] != k[i])
			return 0; /* name's NUL differs from any byte of a key too */
	return !name[n];
}

/*
 * The next key of the object being read: 1 with its index in names (or -1
 * for a key not among them), 0 past the closing brace, -1 to give up (a
 * key with an escape, which the full reader compares as decoded). *index
 * comes in as the previous key's: keys usually follow the order of names,
 * so the search starts after it.
 */
static int next_key(struct cur *c, int *first, const char *const *names, int n, int *index)
{
	space(c);
	if (c->p >= c->end)
		return -1;
	if (*c->p == '}') {
		c->p++;
		return 0;
	}
	if (!*first && !take(c, ','))
		return -1;
	*first = 0;
	space(c);
	int from = *index + 1 < n ? *index + 1 : 0;
	/* the key that usually comes next, as written: "NAME" (no escape in NAME) */
	const char *want = names[from], *q = c->p + 1;
	while (*want && q < c->end && *q == *want)
		q++, want++;
	if (!*want && q < c->end && *q == '"' && c->p < c->end && *c->p == '"') {
		c->p = q + 1;
		*index = from;
		return take(c, ':') ? 1 : -1;
	}
	struct val k;
	if (c->p >= c->end || *c->p != '"' || string(c, &k) || k.escaped || !take(c, ':'))
		return -1;
	*index = -1;
	for (int t = 0; t < n; t++) {
		int i = from + t < n ? from + t : from + t - n; /* not %: a division costs more */
		if (key_is(names[i], k.s, k.n)) {
			*index = i;
			break;
		}
	}
	return 1;
}

/* A key met twice: the full reader decides which one counts. */
static int seen_twice(unsigned *seen, int i)
{
	if (i < 0)
		return 0;
	if (*seen & (1u << i))
		return 1;
	*seen |= 1u << i;
	return 0;
}

static int whole(const struct val *v, double min, double max, double *out)
{
	/* NaN and infinity fail every test here: test for what is wanted */
	if (v->kind != V_NUMBER || !v->exact || !(isfinite(v->d) && v->d == trunc(v->d) &&
						  v->d >= min && v->d <= max))
		return -1;
	*out = v->d;
	return 0;
}

/* The string as a C string of its own, escapes decoded; NULL for \u (left to cJSON). */
static char *string_dup(const struct val *v)
{
	char *out = xmalloc(v->n + 1);
	if (!v->escaped) {
		memcpy(out, v->s, v->n);
		out[v->n] = 0;
		return out;
	}
	static const char from[] = "\"\\/bfnrt", to[] = "\"\\/\b\f\n\r\t";
	char *o = out;
	for (size_t i = 0; i < v->n; i++) {
		char ch = v->s[i];
		if (ch == '\\') {
			const char *e = i + 1 < v->n ? memchr(from, v->s[++i], sizeof(from) - 1) : NULL;
			if (!e) {
				free(out);
				return NULL;
			}
			ch = to[e - from];
		}
		*o++ = ch;
	}
	*o = 0;
	return out;
}

/* A string field that may be null: 0, or -1 to give up. */
static int nullable_string(const struct val *v, char **out)
{
	if (v->kind == V_NULL)
		return 0;
	return v->kind == V_STRING && (*out = string_dup(v)) ? 0 : -1;
}

/* A name: a non-empty string of UTF-8. */
static int name(const struct val *v, char **out)
{
	if (v->kind != V_STRING || !v->n || !(*out = string_dup(v)))
		return -1;
	return utf8_valid(*out) ? 0 : -1;
}

/* ------------------------------------------- objects of whole numbers */

enum { REQ = 1 };
enum store { U64, UNS, I64 };

struct whole_field {
	const char *key;
	unsigned flags;
	double max;
	enum store store;
	size_t off;
};

/* An object of whole numbers >= 0 (a sample, the peak, a malloc count) into obj. */
static int wholes(struct cur *c, const struct whole_field *f, int n, void *obj)
{
	const char *names[8];
	unsigned seen = 0, required = 0;
	for (int i = 0; i < n; i++) {
		names[i] = f[i].key;
		required |= (f[i].flags & REQ) ? 1u << i : 0;
	}
	if (!take(c, '{'))
		return -1;
	int first = 1, i = -1, rc;
	while ((rc = next_key(c, &first, names, n, &i)) > 0) {
		struct val v;
		double d;
		if (seen_twice(&seen, i))
			return -1;
		if (i < 0) {
			if (other(c))
				return -1;
			continue;
		}
		if (value(c, &v) || whole(&v, 0, f[i].max, &d))
			return -1;
		char *at = (char *)obj + f[i].off;
		if (f[i].store == U64)
			*(uint64_t *)(void *)at = (uint64_t)d;
		else if (f[i].store == UNS)
			*(unsigned *)(void *)at = (unsigned)d;
		else
			*(int64_t *)(void *)at = (int64_t)d;
	}
	return rc < 0 || (seen & required) != required ? -1 : 0;
}

#define SAMPLE(k, fl) { #k, fl, JSON_INT_MAX, U64, offsetof(struct mem_sample, k) }
static const struct whole_field sample_fields[] = {
	SAMPLE(rss, REQ), SAMPLE(pss, REQ), SAMPLE(uss, REQ),
	SAMPLE(anon, REQ), SAMPLE(swap, REQ), SAMPLE(private_clean, 0),
};
static const struct whole_field peak_fields[] = {
	{ "vm_hwm", REQ, JSON_INT_MAX, U64, offsetof(struct mem_peak, vm_hwm) },
	{ "rss_anon_max", REQ, JSON_INT_MAX, U64, offsetof(struct mem_peak, rss_anon_max) },
	{ "polls", REQ, UINT_MAX, UNS, offsetof(struct mem_peak, polls) },
};
static const struct whole_field malloc_fields[] = {
	{ "in_use", REQ, JSON_INT_MAX, I64, offsetof(struct malloc_count, in_use) },
	{ "free", REQ, JSON_INT_MAX, I64, offsetof(struct malloc_count, free) },
};

/* "samples": an object of phases, each an object of figures or null. */
static int samples(struct cur *c, struct cell *cell)
{
	const char *names[PHASE_COUNT];
	for (int p = 0; p < PHASE_COUNT; p++)
		names[p] = phase_name(p);
	if (!take(c, '{'))
		return -1;
	unsigned seen = 0;
	int first = 1, p = -1, rc;
	while ((rc = next_key(c, &first, names, PHASE_COUNT, &p)) > 0) {
		struct val v;
		if (seen_twice(&seen, p) || (p < 0 ? other(c) : value(c, &v)))
			return -1;
		if (p >= 0 && v.kind == V_OBJECT) {
			if (wholes(c, sample_fields, ARRAY_SIZE(sample_fields), &cell->samples[p]))
				return -1;
			cell->samples[p].valid = 1;
		} else if (p >= 0 && v.kind != V_NULL) {
			return -1;
		}
	}
	return rc;
}

/* "malloc": base and full, both there. */
static int malloc_counts(struct cur *c, struct cell *cell)
{
	static const char *const names[] = { "base", "full" };
	struct malloc_count *m[] = { &cell->malloc_base, &cell->malloc_full };
	if (!take(c, '{'))
		return -1;
	unsigned seen = 0;
	int first = 1, i = -1, rc;
	while ((rc = next_key(c, &first, names, 2, &i)) > 0) {
		struct val v;
		if (seen_twice(&seen, i) || (i < 0 ? other(c) : value(c, &v)))
			return -1;
		if (i < 0)
			continue;
		if (v.kind != V_OBJECT ||
		    wholes(c, malloc_fields, ARRAY_SIZE(malloc_fields), m[i]))
			return -1;
		m[i]->valid = 1;
	}
	return rc < 0 || seen != 3 ? -1 : 0;
}

/* "warnings": an array of strings. */
static int warnings(struct cur *c, struct strvec *out)
{
	if (!take(c, '['))
		return -1;
	if (take(c, ']'))
		return 0;
	do {
		struct val v;
		char *s;
		if (value(c, &v) || v.kind != V_STRING || !(s = string_dup(&v)))
			return -1;
		strvec_push_nodup(out, s);
	} while (take(c, ','));
	return take(c, ']') ? 0 : -1;
}

/* ------------------------------------------------------------- a cell */

enum {
	K_INTERPRETER, K_WORKLOAD, K_COUNT, K_REPEAT, K_STATUS, K_REASON, K_GETSIZEOF,
	K_CONTAINER, K_SAMPLES, K_PEAK, K_MALLOC, K_WALL, K_PID, K_WARNINGS, K_STDERR, K_NOTE,
	K_N
};
static const char *const cell_keys[K_N] = {
	"interpreter", "workload", "count", "repeat", "status", "reason", "getsizeof",
	"container_bytes", "samples", "peak", "malloc", "wall_s", "pid", "warnings",
	"stderr_tail", "note",
};

/* The value of key k at the cursor into cell: 0, or -1 to give up. */
static int cell_field(struct cur *c, int k, struct cell *cell)
{
	struct val v;
	double d;
	if (value(c, &v))
		return -1;
	int null = v.kind == V_NULL, object = v.kind == V_OBJECT;
	switch (k) {
	case K_INTERPRETER:
		return name(&v, &cell->interpreter);
	case K_WORKLOAD:
		return name(&v, &cell->workload);
	case K_COUNT:
		if (whole(&v, 1, JSON_INT_MAX, &d))
			return -1;
		cell->count = (uint64_t)d;
		return 0;
	case K_REPEAT:
		if (whole(&v, 1, INT_MAX, &d))
			return -1;
		cell->repeat = (int)d;
		return 0;
	case K_STATUS: {
		char status[16];
		if (v.kind != V_STRING || v.escaped || v.n >= sizeof(status))
			return -1;
		memcpy(status, v.s, v.n);
		status[v.n] = 0;
		int st = cell_status_from_name(status);
		cell->status = (enum cell_status)(st < 0 ? 0 : st);
		return st < 0 ? -1 : 0;
	}
	case K_REASON:
		return nullable_string(&v, &cell->reason);
	case K_GETSIZEOF:
	case K_CONTAINER:
		if (null)
			return 0;
		if (whole(&v, k == K_GETSIZEOF ? -1 : 0, JSON_INT_MAX, &d))
			return -1;
		*(k == K_GETSIZEOF ? &cell->getsizeof : &cell->container_bytes) = (int64_t)d;
		return 0;
	case K_SAMPLES:
		return null ? 0 : object ? samples(c, cell) : -1;
	case K_PEAK:
		if (null)
			return 0;
		if (!object || wholes(c, peak_fields, ARRAY_SIZE(peak_fields), &cell->peak))
			return -1;
		cell->peak.valid = 1;
		return 0;
	case K_MALLOC:
		return null ? 0 : object ? malloc_counts(c, cell) : -1;
	case K_WALL:
		if (null)
			return 0;
		if (v.kind != V_NUMBER || !v.exact || !(isfinite(v.d) && v.d >= 0))
			return -1;
		cell->wall_s = v.d;
		return 0;
	case K_PID:
		if (null)
			return 0;
		if (whole(&v, 0, INT_MAX, &d))
			return -1;
		cell->pid = (int)d;
		return 0;
	case K_WARNINGS:
		return null ? 0 : v.kind == V_ARRAY ? warnings(c, &cell->warnings) : -1;
	case K_STDERR:
		return nullable_string(&v, &cell->stderr_tail);
	case K_NOTE:
		return nullable_string(&v, &cell->note);
	default: /* a key this objmem does not read: a scalar passes (value checked it) */
		return v.kind == V_OBJECT || v.kind == V_ARRAY ? -1 : 0;
	}
}

int cellscan_read(const char *text, size_t len, struct cell *cell)
{
	enum { NEEDED = 1u << K_INTERPRETER | 1u << K_WORKLOAD | 1u << K_COUNT |
			1u << K_REPEAT | 1u << K_STATUS };
	struct cur c = { text, text + len };
	unsigned seen = 0;
	int first = 1, k = -1, rc = take(&c, '{') ? 1 : -1;
	while (rc > 0 && (rc = next_key(&c, &first, cell_keys, K_N, &k)) > 0)
		if (seen_twice(&seen, k) || cell_field(&c, k, cell))
			rc = -1;
	space(&c);
	if (rc < 0 || (seen & NEEDED) != NEEDED || c.p != c.end) {
		cell_release(cell);
		cell_init(cell);
		return 0;
	}
	return 1;
}
