/* jsonutil.c - JSON text in and out, one error reporter; see jsonutil.h. */
#include <math.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jsonutil.h"
#include "textfmt.h"
#include "util.h"

/* ------------------------------------------------------------ scratch */

static __thread struct json_scratch *scratch; /* this thread's open span, or NULL */

static void *scratch_malloc(size_t n)
{
	struct json_scratch *s = scratch;
	size_t need = (n + 15) & ~(size_t)15;
	if (s && need >= n && s->cap - s->used >= need) {
		void *p = s->base + s->used;
		s->used += need;
		return p;
	}
	return malloc(n); /* no span, or too big for what is left: the heap */
}

static void scratch_free(void *p)
{
	struct json_scratch *s = scratch;
	if (s && (char *)p >= s->base && (char *)p < s->base + s->cap)
		return; /* the block is reused whole at the next reset */
	free(p);
}

static pthread_once_t hooks_once = PTHREAD_ONCE_INIT;

static void hooks_install(void)
{
	cJSON_Hooks h = { scratch_malloc, scratch_free };
	cJSON_InitHooks(&h);
}

void json_init(void)
{
	pthread_once(&hooks_once, hooks_install);
}

void json_scratch_begin(struct json_scratch *s)
{
	json_init();
	s->cap = 256 * 1024;
	s->used = 0;
	s->base = xmalloc(s->cap);
	scratch = s;
}

void json_scratch_reset(struct json_scratch *s)
{
	s->used = 0;
}

void json_scratch_end(struct json_scratch *s)
{
	scratch = NULL;
	free(s->base);
	s->base = NULL;
	s->cap = s->used = 0;
}

void json_offset_position(const char *text, size_t off, unsigned long *line, unsigned long *col)
{
	*line = 1;
	*col = 1;
	for (size_t i = 0; i < off; i++) {
		if (text[i] == '\n') {
			(*line)++;
			*col = 1;
		} else if (((unsigned char)text[i] & 0xC0) != 0x80) {
			(*col)++;
		}
	}
}

static int is_json_space(char c)
{
	return json_space_byte[(unsigned char)c];
}

/*
 * Where a JSON text goes wrong, and why. cJSON only says roughly where it
 * stopped (for a bad object key, one character late), so once it has
 * failed this strict scanner finds the exact place, and tells a file that
 * was cut short from one that is wrong.
 */
struct jscan {
	const char *s;
	size_t len, pos;
	const char *why; /* NULL while no error */
	int eof;         /* the text ended where more was needed */
	size_t keys;     /* object keys met so far, in the order of the text */
	size_t want[2];  /* numbers of the keys whose places are wanted, or SIZE_MAX */
	size_t at[2];    /* their offsets (of the opening quote) */
	/* json_parse_split: arrays of top-level keys cut out, elements of the first noted */
	const char *const *cut;           /* NULL-terminated key names, or NULL */
	struct json_span cuts[JSON_MAX_CUT];
	size_t n_cuts;
	int collecting;                   /* inside the first cut key's array */
	int skim;                         /* its elements only delimited (json_skim_split) */
	int no_guess;                     /* with skim: a line guess failed, guess no more */
	unsigned cut_seen;                /* cut keys met: with skim, one may not come twice */
	struct json_span *elems;
	size_t n_elems, alloc_elems;
};

static void jscan_init(struct jscan *j, const char *s, size_t len)
{
	memset(j, 0, sizeof(*j));
	j->s = s;
	j->len = len;
	j->want[0] = j->want[1] = SIZE_MAX;
}

/* A key starts at j->pos: note its place if it is one of those wanted. */
static void jscan_key(struct jscan *j)
{
	for (int i = 0; i < 2; i++)
		if (j->keys == j->want[i])
			j->at[i] = j->pos;
	j->keys++;
}

static int jscan_fail(struct jscan *j, const char *why)
{
	if (j->pos >= j->len)
		j->eof = 1;
	j->why = why;
	return -1;
}

const unsigned char json_plain_byte[256] = {
	[0x20 ... 0x21] = 1, [0x23 ... 0x5b] = 1, [0x5d ... 0xff] = 1, /* not 0x22 '"', 0x5c '\\' */
};
/* What jscan_skim stops at: quotes and brackets. */
static const unsigned char skim_byte[256] = {
	['"'] = 1, ['{'] = 1, ['['] = 1, ['}'] = 1, [']'] = 1,
};
const unsigned char json_space_byte[256] = {
	[' '] = 1, ['\t'] = 1, ['\n'] = 1, ['\r'] = 1,
};

/* The hot loops keep the place in a local pointer, not in j. */
static void jscan_space(struct jscan *j)
{
	const unsigned char *p = (const unsigned char *)j->s + j->pos,
			    *end = (const unsigned char *)j->s + j->len;
	while (p < end && json_space_byte[*p])
		p++;
	j->pos = (size_t)(p - (const unsigned char *)j->s);
}

static int jscan_peek(const struct jscan *j)
{
	return j->pos < j->len ? (unsigned char)j->s[j->pos] : -1;
}

static int jscan_digits(struct jscan *j)
{
	const char *p = j->s + j->pos, *end = j->s + j->len;
	if (p >= end || *p < '0' || *p > '9')
		return jscan_fail(j, "expected a digit");
	while (p < end && *p >= '0' && *p <= '9')
		p++;
	j->pos = (size_t)(p - j->s);
	return 0;
}

static int jscan_number(struct jscan *j)
{
	if (jscan_peek(j) == '-')
		j->pos++;
	if (jscan_peek(j) == '0')
		j->pos++;
	else if (jscan_digits(j))
		return -1;
	if (jscan_peek(j) == '.') {
		j->pos++;
		if (jscan_digits(j))
			return -1;
	}
	if (jscan_peek(j) == 'e' || jscan_peek(j) == 'E') {
		j->pos++;
		if (jscan_peek(j) == '+' || jscan_peek(j) == '-')
			j->pos++;
		if (jscan_digits(j))
			return -1;
	}
	return 0;
}

static int jscan_string(struct jscan *j)
{
	const unsigned char *s = (const unsigned char *)j->s, *end = s + j->len;
	j->pos++; /* the opening quote */
	for (;;) {
		/* the plain characters in one stride */
		const unsigned char *p = s + j->pos;
		while (p < end && json_plain_byte[*p])
			p++;
		j->pos = (size_t)(p - s);
		int c = jscan_peek(j);
		if (c < 0)
			return jscan_fail(j, "unterminated string");
		if (c == '"') {
			j->pos++;
			return 0;
		}
		if (c < 0x20)
			return jscan_fail(j, "control character in a string (write it as \\uXXXX)");
		j->pos++; /* a backslash */
		c = jscan_peek(j);
		if (c < 0)
			return jscan_fail(j, "unterminated string");
		if (!strchr("\"\\/bfnrtu", c)) {
			j->pos--;
			return jscan_fail(j, "invalid escape in a string");
		}
		j->pos++;
		if (c == 'u')
			for (int i = 0; i < 4; i++, j->pos++)
				if (jscan_peek(j) < 0 || !strchr("0123456789abcdefABCDEF", jscan_peek(j)))
					return jscan_fail(j, "expected 4 hex digits after \\u");
	}
}

static int jscan_value(struct jscan *j, int depth);

/* Which cut key (index) the key string at j->s[from..to) is, or -1. */
static int cut_index(const struct jscan *j, size_t from, size_t to)
{
	for (int k = 0; j->cut && j->cut[k] && k < JSON_MAX_CUT; k++)
		if (strlen(j->cut[k]) == to - from && !memcmp(j->s + from, j->cut[k], to - from))
			return k;
	return -1;
}

/* A top-level value that may be cut out: scan it, noting its span (and elements). */
static int jscan_top_value(struct jscan *j, int k)
{
	size_t from = j->pos;
	if (j->skim && k >= 0 && (j->cut_seen & (1u << k)))
		return jscan_fail(j, "a cut key given twice");
	if (k >= 0)
		j->cut_seen |= 1u << k;
	int array = jscan_peek(j) == '[';
	j->collecting = array && k == 0;
	int rc = jscan_value(j, 1);
	j->collecting = 0;
	if (!rc && array && k >= 0 && j->n_cuts < JSON_MAX_CUT)
		j->cuts[j->n_cuts++] = (struct json_span){ from, j->pos };
	return rc;
}

/*
 * Past the object or array at j->pos by matching brackets outside strings,
 * no more: what is inside is for the caller to check (json_skim_split).
 */
static int jscan_skim(struct jscan *j)
{
	const unsigned char *s = (const unsigned char *)j->s;
	for (size_t i = j->pos, depth = 0; i < j->len; i++) {
		while (i < j->len && !skim_byte[s[i]])
			i++;
		if (i == j->len)
			break;
		switch (s[i]) {
		case '"':
			for (i++; i < j->len && s[i] != '"'; i++)
				if (s[i] == '\\' && i + 1 < j->len)
					i++; /* an escaped character, a quote too */
			break;
		case '{':
		case '[':
			depth++;
			break;
		case '}':
		case ']':
			if (!--depth) {
				j->pos = i + 1;
				return 0;
			}
			break;
		default:
			break;
		}
	}
	j->pos = j->len;
	return jscan_fail(j, "the text ended");
}

/*
 * With skim, where the object at j->pos ends if it is alone on its line,
 * as objmem writes cells: the '}' that ends the line (before an optional
 * ',' and spaces), followed by ',' or ']'; 0 when the line is not so. A
 * newline found by memchr is much quicker than matching brackets byte by
 * byte, and only a guess: the caller checks that each span is one JSON
 * value (an object ends where it ends, so a span that is one is right).
 * The first line that is not so ends the guessing for the scan: in a file
 * with few newlines each search would run to the end of the text, once
 * per cell.
 */
static size_t line_end_guess(const struct jscan *j)
{
	const char *s = j->s + j->pos, *end = j->s + j->len;
	const char *nl = memchr(s, '\n', (size_t)(end - s));
	if (!nl)
		return 0;
	const char *e = nl, *after = nl;
	while (e > s && json_space_byte[(unsigned char)e[-1]])
		e--;
	if (e > s && e[-1] == ',') {
		e--;
	} else {
		while (after < end && json_space_byte[(unsigned char)*after])
			after++;
		if (after == end || *after != ']')
			return 0;
	}
	if (e - s < 2 || e[-1] != '}')
		return 0;
	return (size_t)(e - j->s);
}

/* An element of the first cut array: scanned (or with skim, delimited), its span noted. */
static int jscan_element(struct jscan *j, int depth)
{
	size_t from = j->pos, end = 0;
	int c = jscan_peek(j);
	if (j->skim && c == '{' && !j->no_guess) {
		end = line_end_guess(j);
		j->no_guess = !end;
	}
	if (end)
		j->pos = end;
	else if (j->skim && (c == '{' || c == '[') ? jscan_skim(j) : jscan_value(j, depth))
		return -1;
	xgrow((void **)&j->elems, sizeof(*j->elems), j->n_elems + 1, &j->alloc_elems);
	j->elems[j->n_elems++] = (struct json_span){ from, j->pos };
	return 0;
}

/* An object or array; close is '}' or ']'. */
static int jscan_container(struct jscan *j, int depth, char close)
{
	int object = close == '}';
	if (depth > 1000)
		return jscan_fail(j, "nested too deeply");
	j->pos++;
	jscan_space(j);
	if (jscan_peek(j) == close) {
		j->pos++;
		return 0;
	}
	int collect = j->collecting && depth == 1 && !object;
	for (;;) {
		int k = -1;
		if (object) {
			if (jscan_peek(j) != '"')
				return jscan_fail(j, "expected a string in double quotes (a key)");
			jscan_key(j);
			size_t key_from = j->pos + 1;
			if (jscan_string(j))
				return -1;
			if (depth == 0)
				k = cut_index(j, key_from, j->pos - 1);
			jscan_space(j);
			if (jscan_peek(j) != ':')
				return jscan_fail(j, "expected ':' after the key");
			j->pos++;
			jscan_space(j);
		}
		int rc = k >= 0 ? jscan_top_value(j, k) : collect ? jscan_element(j, depth + 1)
			: jscan_value(j, depth + 1);
		if (rc)
			return -1;
		jscan_space(j);
		int c = jscan_peek(j);
		j->pos++;
		if (c == close)
			return 0;
		if (c != ',') {
			j->pos--;
			return jscan_fail(j, object ? "expected ',' or '}'" : "expected ',' or ']'");
		}
		size_t comma = j->pos - 1;
		jscan_space(j);
		if (jscan_peek(j) == close) {
			j->pos = comma;
			return jscan_fail(j, object ? "a comma before '}' (JSON has no trailing commas)"
					  : "a comma before ']' (JSON has no trailing commas)");
		}
	}
}

static int jscan_value(struct jscan *j, int depth)
{
	static const char *const words[] = { "true", "false", "null" };
	int c = jscan_peek(j);
	if (c == '{')
		return jscan_container(j, depth, '}');
	if (c == '[')
		return jscan_container(j, depth, ']');
	if (c == '"')
		return jscan_string(j);
	if (c == '-' || (c >= '0' && c <= '9'))
		return jscan_number(j);
	for (size_t w = 0; w < ARRAY_SIZE(words); w++) {
		if (c != words[w][0])
			continue;
		size_t n = strlen(words[w]), avail = j->len - j->pos;
		if (!memcmp(j->s + j->pos, words[w], n < avail ? n : avail)) {
			if (avail < n) {
				j->pos = j->len;
				return jscan_fail(j, "the text ended");
			}
			j->pos += n;
			return 0;
		}
	}
	return jscan_fail(j, "expected a value");
}

/* 0 when the text is one JSON value (then cJSON failed on something else). */
static int jscan_run(struct jscan *j)
{
	jscan_space(j);
	return jscan_value(j, 0);
}

/* The first 20 characters of the line at off, control bytes as \xNN. */
static void excerpt(const char *text, size_t len, size_t off, char *out, size_t n)
{
	size_t o = 0, chars = 0;
	for (size_t i = off; i < len && o + 5 < n; i++) {
		unsigned char c = (unsigned char)text[i];
		if (c == '\n' || c == '\r')
			break;
		/* count characters, not bytes, so none is cut in two */
		if ((c & 0xC0) != 0x80 && chars++ == 20)
			break;
		if (c < 0x20 || c == 0x7f)
			o += (size_t)snprintf(out + o, n - o, "\\x%02x", c);
		else
			out[o++] = (char)c;
	}
	out[o] = '\0';
}

/* line and column of off, not counting a byte order mark before start */
static void locate(const char *text, size_t start, size_t off, unsigned long *line,
		   unsigned long *col)
{
	json_offset_position(text + start, off - start, line, col);
}

/* ------------------------------------------------- keys given twice */

/* A key, and its number among all the keys of the text in the order of the text. */
struct keyref {
	const char *key;
	size_t n;
};

static int keyref_cmp(const void *a, const void *b)
{
	const struct keyref *x = a, *y = b;
	int c = strcmp(x->key, y->key);
	return c ? c : (x->n > y->n) - (x->n < y->n);
}

/*
 * The key that repeats one of its object and comes first in the text: its
 * number in dup, the number of the key it repeats in first (dup stays
 * SIZE_MAX when there is none). next numbers the keys as the scanner meets
 * them: a key, then the keys inside its value, then the next key.
 */
struct dupfind {
	size_t next, dup, first;
};

static void find_duplicate(const cJSON *container, struct dupfind *f)
{
	int object = cJSON_IsObject(container);
	size_t n = 0, i = 0;
	for (const cJSON *c = container->child; c; c = c->next)
		n++;
	struct keyref *refs = object && n > 1 ? xmalloc(n * sizeof(*refs)) : NULL;
	for (const cJSON *c = container->child; c; c = c->next) {
		if (object) {
			if (refs)
				refs[i++] = (struct keyref){ c->string ? c->string : "", f->next };
			f->next++;
		}
		if (cJSON_IsObject(c) || cJSON_IsArray(c))
			find_duplicate(c, f);
	}
	if (!refs)
		return;
	/* by key, then by place: the earliest repeat of a key follows its first */
	qsort(refs, n, sizeof(*refs), keyref_cmp);
	for (i = 1; i < n; i++) {
		if (!strcmp(refs[i].key, refs[i - 1].key) && refs[i].n < f->dup) {
			f->dup = refs[i].n;
			f->first = refs[i - 1].n;
		}
	}
	free(refs);
}

/* The key whose opening quote is at off, as written, at most 40 characters. */
static void key_excerpt(const char *text, size_t len, size_t off, char *out, size_t n)
{
	size_t o = 0, chars = 0;
	for (size_t i = off + 1; i < len && text[i] != '"' && o + 8 < n; i++) {
		unsigned char c = (unsigned char)text[i];
		if ((c & 0xC0) != 0x80 && chars++ == 40) {
			memcpy(out + o, "...", 3);
			o += 3;
			break;
		}
		out[o++] = (char)c;
		if (c == '\\' && i + 1 < len)
			out[o++] = text[++i]; /* an escaped quote does not end the key */
	}
	out[o] = '\0';
}

/* doc parsed from text (a BOM of start bytes first): -1 after naming a key given twice. */
static int duplicate_key_error(const cJSON *doc, const char *text, size_t len, size_t start,
			       const char *what)
{
	struct dupfind f = { 0, SIZE_MAX, SIZE_MAX };
	if (cJSON_IsObject(doc) || cJSON_IsArray(doc))
		find_duplicate(doc, &f);
	if (f.dup == SIZE_MAX)
		return 0;
	/* cJSON keeps no places: scan again, noting where those two keys are */
	struct jscan j;
	jscan_init(&j, text + start, len - start);
	j.want[0] = f.first;
	j.want[1] = f.dup;
	if (jscan_run(&j) || j.keys <= f.dup)
		BUG("the scanner and cJSON disagree on the keys of '%s'", what);
	unsigned long line, col, first_line, first_col;
	locate(text, start, start + j.at[1], &line, &col);
	locate(text, start, start + j.at[0], &first_line, &first_col);
	char key[256];
	key_excerpt(text, len, start + j.at[1], key, sizeof(key));
	return error("%s:%lu:%lu: duplicate key '%s' (the first is at %lu:%lu): keep one of them",
		     what, line, col, key, first_line, first_col);
}

/* ------------------------------------------------------------ parsing */

cJSON *json_parse_located(const char *text, size_t len, const char *what)
{
	return json_parse_flags(text, len, what, 0);
}

/*
 * The strict scan of text, with its errors named: 0 with *start (past a
 * byte order mark) set, or -1 said. j (set up by the caller) keeps what the
 * scan noted.
 */
static int json_check(const char *text, size_t len, const char *what, struct jscan *j,
		      size_t *start)
{
	unsigned long line, col;
	*start = 0;
	if (len >= 3 && !memcmp(text, "\xef\xbb\xbf", 3))
		*start = 3; /* a UTF-8 byte order mark some editors add */
	size_t first = *start;
	while (first < len && is_json_space(text[first]))
		first++;
	if (first == len)
		return error("%s: the file is empty: expected JSON", what);
	/*
	 * a NUL named as such; the skim (quiet, its mistakes sent the full
	 * way) leaves it to the scanner and the cell readers, which refuse
	 * one anywhere: a pass over the whole text saved
	 */
	const char *nul = j->skim ? NULL : memchr(text, '\0', len);
	if (nul) {
		locate(text, *start, (size_t)(nul - text), &line, &col);
		return error("%s:%lu:%lu: NUL byte in the text: is it a JSON file?", what, line, col);
	}
	/* the scanner first: it names the exact place; cJSON stops a character late */
	char near[128];
	j->s = text + *start;
	j->len = len - *start;
	if (jscan_run(j)) {
		locate(text, *start, *start + j->pos, &line, &col);
		if (j->eof)
			return error("%s:%lu:%lu: unexpected end of file: is the file truncated?", what,
				     line, col);
		excerpt(text, len, *start + j->pos, near, sizeof(near));
		if (!*near)
			return error("%s:%lu:%lu: invalid JSON: %s, at the end of the line", what,
				     line, col, j->why);
		return error("%s:%lu:%lu: invalid JSON: %s, at '%s'", what, line, col, j->why, near);
	}
	size_t off = *start + j->pos;
	while (off < len && is_json_space(text[off]))
		off++;
	if (off < len) {
		excerpt(text, len, off, near, sizeof(near));
		locate(text, *start, off, &line, &col);
		return error("%s:%lu:%lu: text after the end of the JSON document: '%s'", what, line,
			     col, near);
	}
	return 0;
}

/* cJSON's parse of text already checked; NULL said (one of cJSON's own limits). */
static cJSON *json_tree(const char *text, size_t len, size_t start, const char *what)
{
	const char *end = NULL;
	cJSON *doc = cJSON_ParseWithLengthOpts(text + start, len - start, &end, 0);
	if (!doc) {
		unsigned long line, col;
		size_t at = end ? (size_t)(end - text) : start;
		locate(text, start, at < len ? at : len, &line, &col);
		error("%s:%lu:%lu: cannot parse the JSON here (nested too deeply?)", what, line, col);
	}
	return doc;
}

cJSON *json_parse_flags(const char *text, size_t len, const char *what, unsigned flags)
{
	struct jscan j;
	size_t start;
	jscan_init(&j, text, len);
	if (json_check(text, len, what, &j, &start))
		return NULL;
	cJSON *doc = json_tree(text, len, start, what);
	if (doc && (flags & JSON_UNIQUE_KEYS) && duplicate_key_error(doc, text, len, start, what)) {
		cJSON_Delete(doc);
		return NULL;
	}
	return doc;
}

static cJSON *parse_split(const char *text, size_t len, const char *what, const char *const *cut,
			  struct json_span **elems, size_t *n_elems, int skim)
{
	struct jscan j;
	size_t start;
	jscan_init(&j, text, len);
	j.cut = cut;
	j.skim = skim;
	*elems = NULL;
	*n_elems = 0;
	if (json_check(text, len, what, &j, &start)) {
		free(j.elems);
		return NULL;
	}
	/* the text with every cut array made [] (the spans are in text order) */
	struct buf skel = BUF_INIT;
	size_t at = start;
	for (size_t c = 0; c < j.n_cuts; c++) {
		buf_add(&skel, text + at, start + j.cuts[c].start - at);
		buf_addstr(&skel, "[]");
		at = start + j.cuts[c].end;
	}
	buf_add(&skel, text + at, len - at);
	cJSON *doc = json_tree(skel.p, skel.len, 0, what);
	buf_release(&skel);
	for (size_t e = 0; e < j.n_elems; e++) {   /* offsets into text */
		j.elems[e].start += start;
		j.elems[e].end += start;
	}
	if (doc) {
		*elems = j.elems;
		*n_elems = j.n_elems;
	} else {
		free(j.elems);
	}
	return doc;
}

cJSON *json_parse_split(const char *text, size_t len, const char *what, const char *const *cut,
			struct json_span **elems, size_t *n_elems)
{
	return parse_split(text, len, what, cut, elems, n_elems, 0);
}

cJSON *json_skim_split(const char *text, size_t len, const char *const *cut,
		       struct json_span **elems, size_t *n_elems)
{
	struct buf said = BUF_INIT;
	struct buf *outer = report_capture(&said); /* what went wrong is json_parse_split's to say */
	cJSON *doc = parse_split(text, len, "", cut, elems, n_elems, 1);
	report_capture(outer);
	buf_release(&said);
	return doc;
}

int json_span_valid(const char *text, size_t start, size_t end, int depth)
{
	struct jscan j;
	jscan_init(&j, text + start, end - start);
	jscan_space(&j);
	if (jscan_value(&j, depth))
		return 0;
	jscan_space(&j);
	return j.pos == j.len;
}

int json_whole(const cJSON *v, double min, double max, double *out)
{
	if (!cJSON_IsNumber(v))
		return -1;
	double d = v->valuedouble;
	/* NaN fails every comparison: test for what is wanted, not what is not */
	if (!(isfinite(d) && d == trunc(d) && d >= min && d <= max))
		return -1;
	*out = d;
	return 0;
}

cJSON *json_u64(unsigned long long v)
{
	return cJSON_CreateNumber((double)v);
}

/* Turn every number under item into raw text that reads back exactly. */
static void exact_numbers(cJSON *item)
{
	for (; item; item = item->next) {
		if (cJSON_IsNumber(item)) {
			char text[64];
			fmt_number_exact(text, sizeof(text), item->valuedouble);
			size_t len = strlen(text) + 1;
			char *raw = cJSON_malloc(len);
			if (!raw)
				die("out of memory printing JSON");
			memcpy(raw, text, len);
			item->type = (item->type & ~0xFF) | cJSON_Raw;
			item->valuestring = raw;
		} else if (item->child) {
			exact_numbers(item->child);
		}
	}
}

char *json_print_exact(cJSON *item, int pretty)
{
	exact_numbers(item);
	char *text = pretty ? cJSON_Print(item) : cJSON_PrintUnformatted(item);
	if (!text)
		die("out of memory printing JSON");
	char *out = xasprintf("%s\n", text);
	cJSON_free(text);
	return out;
}
