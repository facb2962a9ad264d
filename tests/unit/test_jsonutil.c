/*
 * test_jsonutil.c - jsonutil.c: json_parse_located's one error reporter
 * (where a malformed text goes wrong, as WHAT:LINE:COL with the column in
 * characters, and why, from a table of texts; the same place whether the
 * text is read as a results file or as an interpreter definition), a text
 * that does not end with NUL, json_offset_position, json_u64, and
 * json_print_exact's numbers that read back as the same double; with
 * JSON_UNIQUE_KEYS, a key given twice in one object (where, which key, and
 * where the first one is); json_whole, the one range check of a number
 * that becomes an integer.
 *
 * The suite "regressions" holds cases for bugs found while writing this
 * file, fixed since.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "catalog.h"
#include "jsonutil.h"
#include "results.h"
#include "unit.h"

/* ---- json_parse_located, from a table of texts ---- */

static const struct parse_case {
	const char *name;
	const char *text;
	size_t len;         /* 0: strlen(text) */
	const char *where;  /* "F:L:C" or "F" the message starts with; NULL: parses */
	const char *why;    /* a part of the message after where */
} parse_cases[] = {
	{ "an object", "{\"a\": [1, 2.5, \"x\", true, null]}", 0, NULL, NULL },
	{ "a UTF-8 byte order mark, then a document", "\xef\xbb\xbf{\"a\": 1}", 0, NULL, NULL },
	{ "blanks around the document", " \n\t{}\r\n ", 0, NULL, NULL },
	{ "truncated object", "{\"a\": 1", 0, "F:1:8", "unexpected end of file: is the file truncated?" },
	{ "truncated array", "[1, 2", 0, "F:1:6", "unexpected end of file" },
	{ "truncated string", "\"abc", 0, "F:1:5", "unexpected end of file" },
	{ "truncated after a key", "{\"a\":", 0, "F:1:6", "unexpected end of file" },
	{ "truncated deep inside, on line 2", "{\"a\": [1,\n {\"b\": \"x", 0, "F:2:10",
	  "unexpected end of file" },
	{ "truncated literal", "[tru", 0, "F:1:5", "unexpected end of file" },
	{ "trailing comma before }", "{\"a\": 1,}", 0, "F:1:8",
	  "invalid JSON: a comma before '}' (JSON has no trailing commas), at ',}'" },
	{ "trailing comma before ], on the next line", "[1, 2,\n]", 0, "F:1:6",
	  "invalid JSON: a comma before ']' (JSON has no trailing commas), at ','" },
	{ "missing colon", "{\"a\" 1}", 0, "F:1:6", "invalid JSON: expected ':' after the key, at '1}'" },
	{ "missing comma", "{\"a\": 1 \"b\": 2}", 0, "F:1:9",
	  "invalid JSON: expected ',' or '}', at '\"b\": 2}'" },
	{ "key not in quotes", "{a: 1}", 0, "F:1:2",
	  "expected a string in double quotes (a key), at 'a: 1}'" },
	{ "missing value", "{\"a\": }", 0, "F:1:7", "invalid JSON: expected a value, at '}'" },
	{ "bad literal", "[trux]", 0, "F:1:2", "invalid JSON: expected a value, at 'trux]'" },
	{ "leading zero", "[01]", 0, "F:1:3", "expected ',' or ']', at '1]'" },
	{ "bad escape", "\"a\\qb\"", 0, "F:1:3", "invalid JSON: invalid escape in a string, at '\\qb\"'" },
	{ "short \\u escape", "[\"\\u12\"]", 0, "F:1:7", "expected 4 hex digits after \\u" },
	{ "tab in a string", "\"a\tb\"", 0, "F:1:3",
	  "invalid JSON: control character in a string (write it as \\uXXXX), at '\\x09b\"'" },
	{ "line break in a string", "{\"k\": \"abc\ndef\"}", 0, "F:1:11",
	  "control character in a string (write it as \\uXXXX), at the end of the line" },
	{ "text after the value", "{} x", 0, "F:1:4", "text after the end of the JSON document: 'x'" },
	{ "a second } on the next line", "{\"a\": 1}\n}", 0, "F:2:1",
	  "text after the end of the JSON document: '}'" },
	{ "empty text", "", 0, "F", "the file is empty: expected JSON" },
	{ "blanks only", " \n\t\r\n ", 0, "F", "the file is empty" },
	{ "a byte order mark only", "\xef\xbb\xbf", 0, "F", "the file is empty" },
	{ "a NUL byte", "[1,\0 2]", 7, "F:1:4", "NUL byte in the text: is it a JSON file?" },
	{ "a NUL byte on line 2", "{\n  \"a\": \0}", 11, "F:2:8", "NUL byte in the text" },
	/* the column counts characters: é and € are 2 and 3 bytes */
	{ "multi-byte UTF-8 before the error", "{\"é€\": 1 \"b\": 2}", 0, "F:1:10",
	  "expected ',' or '}'" },
	{ "multi-byte UTF-8 on the line of the error", "{\"a\":\n\n   \"€€\" x}", 0, "F:3:9",
	  "expected ',' or '}', at 'x}'" },
	/* the excerpt is 20 characters, none cut in two */
	{ "a long excerpt", "[1 xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx]", 0, "F:1:4",
	  "at 'xxxxxxxxxxxxxxxxxxxx'" },
	{ "a long excerpt of multi-byte characters",
	  "[1 €€€€€€€€€€€€€€€€€€€€€€€€€]", 0, "F:1:4",
	  "at '€€€€€€€€€€€€€€€€€€€€'" },
	/* the two texts the header promises one message for (see test_same_place) */
	{ "double comma in a definition", "{\"name\": \"x\",\n  \"argv\": [\"python3\"],,\n}", 0,
	  "F:2:23", "invalid JSON: expected a string in double quotes (a key), at ','" },
	{ "missing comma between members", "{\"a\": 1 \"b\": 2}", 0, "F:1:9",
	  "expected ',' or '}'" },
};

/* Parse through a copy of exactly len bytes (no NUL after it: ASan sees an overread). */
static cJSON *parse_exact(const char *text, size_t len, char **err)
{
	char *copy = xmalloc(len ? len : 1);
	memcpy(copy, text, len);
	unit_stderr_begin();
	cJSON *doc = json_parse_located(copy, len, "F");
	*err = unit_stderr_end();
	free(copy);
	return doc;
}

/*
 * A parse went as a case says: where NULL, a document and no message; else
 * no document and one line "error: WHERE: ...WHY...\n".
 */
static int outcome_ok(const cJSON *doc, const char *err, const char *where, const char *why)
{
	if (!where)
		return doc != NULL && !*err;
	char *head = xasprintf("error: %s: ", where);
	int ok = !doc && !strncmp(err, head, strlen(head)) && strstr(err, why) &&
		 strchr(err, '\n') == err + strlen(err) - 1;
	free(head);
	return ok;
}

static void test_parse_table(void)
{
	for (size_t i = 0; i < ARRAY_SIZE(parse_cases); i++) {
		const struct parse_case *t = &parse_cases[i];
		size_t len = t->len ? t->len : strlen(t->text);
		char *err;
		cJSON *doc = parse_exact(t->text, len, &err);
		int ok = outcome_ok(doc, err, t->where, t->why);
		if (!ok)
			fprintf(stderr, "\nparse case '%s': %s, stderr '%s'\n", t->name,
				doc ? "parsed" : "refused", err);
		CU_ASSERT(ok);
		cJSON_Delete(doc);
		free(err);
	}
}

/* What a parse gives: the document's one member "a", or the message. */
static void test_parse_values(void)
{
	static const char text[] = "\xef\xbb\xbf{\"a\": 6201344, \"s\": \"caf\\u00e9\"}";
	char *err;
	cJSON *doc = parse_exact(text, sizeof(text) - 1, &err);
	CU_ASSERT_PTR_NOT_NULL_FATAL(doc);
	CU_ASSERT_STRING_EQUAL(err, "");
	CU_ASSERT_DOUBLE_EQUAL(cJSON_GetObjectItem(doc, "a")->valuedouble, 6201344, 0);
	CU_ASSERT_STRING_EQUAL(cJSON_GetObjectItem(doc, "s")->valuestring, "café");
	cJSON_Delete(doc);
	free(err);
	/* a valid document followed by bytes that len leaves out */
	unit_stderr_begin();
	doc = json_parse_located("[1] garbage", 3, "F");
	err = unit_stderr_end();
	CU_ASSERT_PTR_NOT_NULL(doc);
	CU_ASSERT_STRING_EQUAL(err, "");
	cJSON_Delete(doc);
	free(err);
}

/* Nesting: what both the scanner and cJSON take, and a message for what they do not. */
static void test_nesting(void)
{
	static const struct { size_t depth; int ok; } cases[] = {
		{ 1, 1 }, { 100, 1 }, { 1000, 1 }, { 1001, 0 }, { 5000, 0 },
	};
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		size_t d = cases[i].depth;
		char *text = xmalloc(2 * d);
		memset(text, '[', d);
		memset(text + d, ']', d);
		char *err;
		cJSON *doc = parse_exact(text, 2 * d, &err);
		if (cases[i].ok) {
			CU_ASSERT_PTR_NOT_NULL(doc);
			CU_ASSERT_STRING_EQUAL(err, "");
		} else {
			CU_ASSERT_PTR_NULL(doc);
			CU_ASSERT_PTR_NOT_NULL(strstr(err, "error: F:1:"));
			CU_ASSERT_PTR_NOT_NULL(strstr(err, "nested too deeply"));
		}
		cJSON_Delete(doc);
		free(err);
		free(text);
	}
}

/*
 * The header's promise: a results file and an interpreter definition with
 * the same bad text get the same message at the same line:column.
 */
static void test_same_place(void)
{
	static const struct { const char *text, *where; } cases[] = {
		{ "{\"name\": \"x\",\n  \"argv\": [\"python3\"],,\n}", "f.json:2:23: " },
		{ "{\"a\": 1 \"b\": 2}", "f.json:1:9: " },
		{ "{\"name\": \"€uro\" \"argv\": []}", "f.json:1:17: " },
		{ "[\n  {\"name\": \"x\",\n", "f.json:3:1: " },
		{ "{\"a\": 1,}", "f.json:1:8: " },
		{ "{\"a\": [1, 2,]}", "f.json:1:12: " },
		{ "", "f.json: " },
	};
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		const char *text = cases[i].text;
		struct results r;
		results_init(&r);
		unit_stderr_begin();
		int rc_results = results_parse(text, strlen(text), &r, "f.json");
		char *as_results = unit_stderr_end();
		results_release(&r);

		struct catalog cat;
		memset(&cat, 0, sizeof(cat));
		unit_stderr_begin();
		int rc_defs = catalog_parse_defs(&cat, text, strlen(text), "f.json");
		char *as_def = unit_stderr_end();
		catalog_release(&cat);

		char *head = xasprintf("error: %s", cases[i].where);
		int ok = rc_results == -1 && rc_defs == -1 && !strcmp(as_results, as_def) &&
			 !strncmp(as_results, head, strlen(head));
		if (!ok)
			fprintf(stderr, "\nsame text, two readers: results '%s', definition '%s'\n",
				as_results, as_def);
		CU_ASSERT(ok);
		free(head);
		free(as_results);
		free(as_def);
	}
}

/* ---- JSON_UNIQUE_KEYS: a key given twice in one object ---- */

static const struct unique_case {
	const char *name;
	const char *text;
	const char *where;  /* "F:L:C" the message starts with; NULL: parses */
	const char *why;    /* a part of the message after where */
} unique_cases[] = {
	{ "two keys", "{\"a\": 1, \"b\": 2}", NULL, NULL },
	{ "one key in two objects of an array", "[{\"a\": 1}, {\"a\": 2}]", NULL, NULL },
	{ "one key in an object and the object inside it", "{\"a\": {\"a\": 1}}", NULL, NULL },
	{ "a key given twice", "{\"a\": 1, \"a\": 2}", "F:1:10",
	  "duplicate key 'a' (the first is at 1:2): keep one of them" },
	{ "twice in a nested object, on line 2", "{\"o\": {\"x\": 1,\n \"x\": 2}}", "F:2:2",
	  "duplicate key 'x' (the first is at 1:8)" },
	/* compared as cJSON reads them, shown as written */
	{ "the same key spelled with an escape", "{\"name\": 1, \"na\\u006de\": 2}", "F:1:13",
	  "duplicate key 'na\\u006de' (the first is at 1:2)" },
	{ "three times: the second is named", "{\"a\":1,\"a\":2,\"a\":3}", "F:1:8",
	  "duplicate key 'a' (the first is at 1:2)" },
	{ "the first repeat in the text, inner before outer", "{\"a\": {\"b\": 1, \"b\": 2}, \"a\": 3}",
	  "F:1:16", "duplicate key 'b' (the first is at 1:8)" },
	{ "columns in characters", "{\"\u00e9\": 1, \"\u00e9\": 2}", "F:1:10",
	  "duplicate key '\u00e9' (the first is at 1:2)" },
	{ "columns after a byte order mark", "\xef\xbb\xbf{\"a\": 1, \"a\": 2}", "F:1:10",
	  "(the first is at 1:2)" },
	{ "an empty key twice", "{\"\": 1, \"\": 2}", "F:1:9", "duplicate key '' (the first is at 1:2)" },
	{ "a long key is cut", "{\"kkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkk\": 1, "
	  "\"kkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkk\": 2}", "F:1:59",
	  "duplicate key 'kkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkk...' (the first is at 1:2)" },
	/* a syntax error comes first, as without the flag */
	{ "a duplicate, then a syntax error", "{\"a\": 1, \"a\": 2,}", "F:1:16", "a comma before '}'" },
};

static void test_unique_keys(void)
{
	for (size_t i = 0; i < ARRAY_SIZE(unique_cases); i++) {
		const struct unique_case *t = &unique_cases[i];
		size_t len = strlen(t->text);
		char *copy = xmalloc(len);
		memcpy(copy, t->text, len);
		unit_stderr_begin();
		cJSON *doc = json_parse_flags(copy, len, "F", JSON_UNIQUE_KEYS);
		char *err = unit_stderr_end();
		free(copy);
		int ok = outcome_ok(doc, err, t->where, t->why);
		if (!ok)
			fprintf(stderr, "\nunique keys '%s': %s, stderr '%s'\n", t->name,
				doc ? "parsed" : "refused", err);
		CU_ASSERT(ok);
		cJSON_Delete(doc);
		free(err);
	}
}

/* Without the flag a key may repeat (cJSON finds the first): results files keep that rule. */
static void test_duplicates_allowed(void)
{
	static const char text[] = "{\"a\": 1, \"a\": 2}";
	char *err;
	cJSON *doc = parse_exact(text, sizeof(text) - 1, &err);
	CU_ASSERT_PTR_NOT_NULL_FATAL(doc);
	CU_ASSERT_STRING_EQUAL(err, "");
	CU_ASSERT_EQUAL(cJSON_GetObjectItem(doc, "a")->valuedouble, 1);
	cJSON_Delete(doc);
	free(err);
}

/* ---- json_whole: a number that becomes an integer, checked before the cast ---- */

#define TWO53 9007199254740992.0

static const struct whole_case {
	const char *name;
	double v;        /* the number node's value */
	double min, max;
	int ok;
} whole_cases[] = {
	{ "in range", 1000, 1, TWO53, 1 },
	{ "the minimum", -1, -1, 10, 1 },
	{ "the maximum, 2^53", TWO53, 0, TWO53, 1 },
	{ "negative zero is zero", -0.0, 0, 10, 1 },
	{ "below the minimum", 0, 1, 10, 0 },
	{ "above the maximum", 11, 1, 10, 0 },
	{ "a fraction", 2.5, 0, 10, 0 },
	{ "1e308 for an int", 1e308, 0, 2147483647.0, 0 },
	{ "INT_MAX + 1 for an int", 2147483648.0, 0, 2147483647.0, 0 },
	{ "2^64 for a uint64", 18446744073709551616.0, 0, TWO53, 0 },
	{ "-1e308 for a count", -1e308, 1, TWO53, 0 },
	{ "infinity", INFINITY, 0, TWO53, 0 },
	{ "minus infinity", -INFINITY, -1, TWO53, 0 },
	{ "not a number", NAN, 0, TWO53, 0 },
};

static void test_whole(void)
{
	for (size_t i = 0; i < ARRAY_SIZE(whole_cases); i++) {
		const struct whole_case *t = &whole_cases[i];
		cJSON *n = cJSON_CreateNumber(t->v);
		double out = -42;
		int rc = json_whole(n, t->min, t->max, &out);
		int ok = t->ok ? rc == 0 && out == t->v : rc == -1 && out == -42;
		if (!ok)
			fprintf(stderr, "\njson_whole '%s': rc %d, out %.17g\n", t->name, rc, out);
		CU_ASSERT(ok);
		cJSON_Delete(n);
	}
	/* not a number at all */
	double out = -42;
	cJSON *s = cJSON_CreateString("12");
	CU_ASSERT_EQUAL(json_whole(s, 0, 100, &out), -1);
	CU_ASSERT_EQUAL(json_whole(NULL, 0, 100, &out), -1);
	CU_ASSERT_EQUAL(out, -42);
	cJSON_Delete(s);
}

/* ---- json_offset_position ---- */

static const struct pos_case {
	const char *text;
	size_t off;
	unsigned long line, col;
} pos_cases[] = {
	{ "abc", 0, 1, 1 },
	{ "abc", 2, 1, 3 },
	{ "abc", 3, 1, 4 },
	{ "a\nb", 2, 2, 1 },
	{ "a\nbc", 3, 2, 2 },
	{ "a\n\n\nb", 4, 4, 1 },
	{ "\n", 1, 2, 1 },
	{ "é", 2, 1, 2 },          /* 2 bytes, 1 character */
	{ "€x", 3, 1, 2 },         /* 3 bytes */
	{ "€x", 4, 1, 3 },
	{ "😀z", 4, 1, 2 },        /* 4 bytes */
	{ "ab\n€€€y", 12, 2, 4 },
	{ "\t\t", 2, 1, 3 },       /* a tab is one column */
	{ "a\r\nb", 3, 2, 1 },
};

static void test_positions(void)
{
	for (size_t i = 0; i < ARRAY_SIZE(pos_cases); i++) {
		const struct pos_case *t = &pos_cases[i];
		unsigned long line = 0, col = 0;
		json_offset_position(t->text, t->off, &line, &col);
		if (line != t->line || col != t->col)
			fprintf(stderr, "\nposition %zu of '%s': %lu:%lu, want %lu:%lu\n", t->off,
				t->text, line, col, t->line, t->col);
		CU_ASSERT_EQUAL(line, t->line);
		CU_ASSERT_EQUAL(col, t->col);
	}
}

/* ---- json_u64 and json_print_exact ---- */

static void test_u64(void)
{
	static const unsigned long long values[] = { 0, 1, 6201344, 1000000000000000ULL,
						     9007199254740992ULL };
	for (size_t i = 0; i < ARRAY_SIZE(values); i++) {
		cJSON *n = json_u64(values[i]);
		CU_ASSERT(cJSON_IsNumber(n));
		CU_ASSERT(n->valuedouble == (double)values[i]);
		char *text = json_print_exact(n, 0);
		char want[32];
		snprintf(want, sizeof(want), "%llu\n", values[i]);
		CU_ASSERT_STRING_EQUAL(text, want);
		free(text);
		cJSON_Delete(n);
	}
}

static const struct exact_case {
	double v;
	const char *want; /* the number's text */
} exact_cases[] = {
	{ 0.1 + 0.2, "0.30000000000000004" },
	{ 1e15, "1000000000000000" },
	{ 6201344, "6201344" },
	{ 0.1, "0.1" },
	{ -2.5, "-2.5" },
	{ 1.0 / 3, "0.3333333333333333" },
	{ 120.00665599999999, "120.00665599999999" },
	{ 1e-7, "1e-07" },
	{ 1e300, "1e+300" },
	{ 0, "0" },
};

static void test_print_exact(void)
{
	for (size_t i = 0; i < ARRAY_SIZE(exact_cases); i++) {
		const struct exact_case *t = &exact_cases[i];
		/* the number alone, in an array and in an object, compact and indented */
		for (int pretty = 0; pretty < 2; pretty++) {
			cJSON *doc = cJSON_CreateObject();
			cJSON_AddNumberToObject(doc, "v", t->v);
			cJSON *arr = cJSON_AddArrayToObject(doc, "list");
			cJSON_AddItemToArray(arr, cJSON_CreateNumber(t->v));
			cJSON *inner = cJSON_CreateObject();
			cJSON_AddNumberToObject(inner, "w", t->v);
			cJSON_AddItemToArray(arr, inner);
			char *text = json_print_exact(doc, pretty);
			cJSON_Delete(doc);
			size_t len = strlen(text);
			CU_ASSERT(len > 0 && text[len - 1] == '\n');
			CU_ASSERT_EQUAL(pretty, strchr(text, '\n') != text + len - 1);
			char *quoted = xasprintf(pretty ? "\"v\":\t%s" : "\"v\":%s", t->want);
			if (!strstr(text, quoted))
				fprintf(stderr, "\nexact %.17g: '%s'\n", t->v, text);
			CU_ASSERT_PTR_NOT_NULL(strstr(text, quoted));
			free(quoted);
			cJSON *back = cJSON_Parse(text);
			CU_ASSERT_PTR_NOT_NULL_FATAL(back);
			cJSON *list = cJSON_GetObjectItem(back, "list");
			CU_ASSERT(cJSON_GetObjectItem(back, "v")->valuedouble == t->v);
			CU_ASSERT(cJSON_GetArrayItem(list, 0)->valuedouble == t->v);
			CU_ASSERT(cJSON_GetObjectItem(cJSON_GetArrayItem(list, 1), "w")->valuedouble == t->v);
			cJSON_Delete(back);
			free(text);
		}
	}
	/* not a number: null, never nan */
	cJSON *arr = cJSON_CreateArray();
	cJSON_AddItemToArray(arr, cJSON_CreateNumber(NAN));
	cJSON_AddItemToArray(arr, cJSON_CreateString("1e+15"));
	char *text = json_print_exact(arr, 0);
	CU_ASSERT_STRING_EQUAL(text, "[null,\"1e+15\"]\n");
	free(text);
	cJSON_Delete(arr);
}

static const struct unit_test parse_tests[] = {
	{ "malformed texts, from a table", test_parse_table },
	{ "what a good text parses to", test_parse_values },
	{ "nesting", test_nesting },
	{ "a results file and a definition: one message", test_same_place },
	{ "JSON_UNIQUE_KEYS, from a table", test_unique_keys },
	{ "without JSON_UNIQUE_KEYS a key may repeat", test_duplicates_allowed },
};

static const struct unit_test number_tests[] = {
	{ "json_offset_position table", test_positions },
	{ "json_u64", test_u64 },
	{ "json_print_exact reads back exactly", test_print_exact },
	{ "json_whole, from a table", test_whole },
};

/* ---- json_skim_split and json_span_valid (the quick reading of results) ---- */

static const char *const split_cut[] = { "cells", "summary", "fits", NULL };

/* Where both succeed, the skim splits as json_parse_split does: same elements, same skeleton. */
static const char *const skim_same[] = {
	"{\"a\": 1, \"cells\": [{\"x\": \"}\"}, {\"y\": \"\\\"]\\\\\"}, [1, [2]], 3, \"s\"],"
	" \"summary\": [1], \"fits\": []}",
	"\xef\xbb\xbf \n{ \"cells\" :\t[ {\"a\": [{}]} ,\n{} ] }\n",
	"{\"cells\": []}",
	"{\"other\": [{\"cells\": [{}]}]}",
	"{\"cells\": {\"a\": [1]}}",
	"{\"summary\": [{\"k\": 1}], \"cells\": [{\"k\": \"[{\"}]}",
	/* an element that is not JSON is only delimited here: the caller checks it */
	"{\"cells\": [{\"a\": 01}, {\"b\": tru}]}",
};

static char *skeleton_text(cJSON *doc)
{
	char *t = cJSON_PrintUnformatted(doc);
	CU_ASSERT_PTR_NOT_NULL_FATAL(t);
	return t;
}

static void test_skim_same(void)
{
	for (size_t i = 0; i < ARRAY_SIZE(skim_same); i++) {
		const char *text = skim_same[i];
		size_t len = strlen(text), n_strict = 0, n_skim;
		struct json_span *strict_elems = NULL, *skim_elems;
		unit_stderr_begin();
		cJSON *strict = json_parse_split(text, len, "F", split_cut, &strict_elems, &n_strict);
		free(unit_stderr_end());
		unit_stderr_begin();
		cJSON *skim = json_skim_split(text, len, split_cut, &skim_elems, &n_skim);
		char *said = unit_stderr_end();
		CU_ASSERT_STRING_EQUAL(said, "");
		free(said);
		CU_ASSERT_PTR_NOT_NULL(skim);
		if (!skim) {
			fprintf(stderr, "\nskim refused: %s\n", text);
			cJSON_Delete(strict);
			free(strict_elems);
			continue;
		}
		if (strict) {
			char *a = skeleton_text(strict), *b = skeleton_text(skim);
			CU_ASSERT_STRING_EQUAL(a, b);
			CU_ASSERT_EQUAL_FATAL(n_strict, n_skim);
			for (size_t e = 0; e < n_skim; e++) {
				CU_ASSERT_EQUAL(strict_elems[e].start, skim_elems[e].start);
				CU_ASSERT_EQUAL(strict_elems[e].end, skim_elems[e].end);
			}
			cJSON_free(a);
			cJSON_free(b);
		} else {
			/* the last text: its elements are not JSON, which the caller finds */
			size_t bad = 0;
			for (size_t e = 0; e < n_skim; e++)
				bad += !json_span_valid(text, skim_elems[e].start, skim_elems[e].end, 2);
			CU_ASSERT_EQUAL(bad, n_skim);
			CU_ASSERT(n_skim > 0);
		}
		cJSON_Delete(strict);
		cJSON_Delete(skim);
		free(strict_elems);
		free(skim_elems);
	}
}

/* Mistakes outside the elements: NULL from the skim, and not a word. */
static const char *const skim_refused[] = {
	"{\"cells\": [{}, ]}",
	"{\"cells\": [{} {}]}",
	"{\"cells\": [{\"a\": \"}]}",
	"{\"cells\": [{}], \"cells\": [{}]}",
	"{\"a\": 01, \"cells\": []}",
	"{\"cells\": [], \"summary\": [{\"a\": 1,}]}",
	"{\"cells\": [{}]} x",
	"{\"cells\": [{}]",
	"",
	"{\"cells\": [{}]}\0",
};

static void test_skim_refused(void)
{
	for (size_t i = 0; i < ARRAY_SIZE(skim_refused); i++) {
		const char *text = skim_refused[i];
		size_t len = strlen(text) + (i == ARRAY_SIZE(skim_refused) - 1), n;
		struct json_span *elems;
		unit_stderr_begin();
		cJSON *doc = json_skim_split(text, len, split_cut, &elems, &n);
		char *said = unit_stderr_end();
		if (doc)
			fprintf(stderr, "\nskim took: %s\n", text);
		CU_ASSERT_PTR_NULL(doc);
		CU_ASSERT_STRING_EQUAL(said, "");
		free(said);
		cJSON_Delete(doc);
	}
}

static void test_span_valid(void)
{
	static const struct {
		const char *text;
		int depth, valid;
	} cases[] = {
		{ "{}", 2, 1 }, { " {\"a\": [1, \"x\", null, true]}\n", 2, 1 }, { "[1]", 0, 1 },
		{ "\"s\"", 2, 1 }, { "-0.5e+3", 2, 1 },
		{ "{", 2, 0 }, { "{} {}", 2, 0 }, { "01", 2, 0 }, { "{\"a\": 1,}", 2, 0 },
		{ "", 2, 0 }, { " ", 2, 0 }, { "{\"a\" 1}", 2, 0 }, { "[\"\t\"]", 2, 0 },
	};
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		int got = json_span_valid(cases[i].text, 0, strlen(cases[i].text), cases[i].depth);
		if (got != cases[i].valid)
			fprintf(stderr, "\njson_span_valid('%s') = %d\n", cases[i].text, got);
		CU_ASSERT_EQUAL(got, cases[i].valid);
	}
	/* nesting counts from where the value sits: 1000 levels are too deep in a cell (depth 2) */
	struct buf deep = BUF_INIT;
	for (int i = 0; i < 1000; i++)
		buf_addstr(&deep, "[");
	for (int i = 0; i < 1000; i++)
		buf_addstr(&deep, "]");
	CU_ASSERT_EQUAL(json_span_valid(deep.p, 0, deep.len, 0), 1);
	CU_ASSERT_EQUAL(json_span_valid(deep.p, 0, deep.len, 2), 0);
	/* a span inside a larger text: only its bytes count */
	const char *text = "xx{\"a\": 1}yy";
	CU_ASSERT_EQUAL(json_span_valid(text, 2, 10, 2), 1);
	CU_ASSERT_EQUAL(json_span_valid(text, 2, 11, 2), 0);
	buf_release(&deep);
}

static const struct unit_test split_tests[] = {
	{ "json_skim_split splits as json_parse_split does", test_skim_same },
	{ "json_skim_split refuses mistakes around the elements, silently", test_skim_refused },
	{ "json_span_valid, from a table", test_span_valid },
};

/* ---- regressions: bugs found while writing this file ---- */

/*
 * The byte order mark is skipped, and columns are counted after it: an
 * editor (which does not show the BOM) must find the place the message
 * names. Counting its three bytes as one character put every column on
 * line 1 one too far.
 */
static void test_bom_column(void)
{
	static const char text[] = "\xef\xbb\xbf{\"a\" 1}";
	char *err;
	cJSON *doc = parse_exact(text, sizeof(text) - 1, &err);
	CU_ASSERT_PTR_NULL(doc);
	if (!strstr(err, "error: F:1:6: "))
		fprintf(stderr, "\nafter a byte order mark: '%s' (want F:1:6, as without it)\n", err);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "error: F:1:6: "));
	cJSON_Delete(doc);
	free(err);
}

static const struct unit_test regression_tests[] = {
	{ "a byte order mark is not a column", test_bom_column },
};

int main(int argc, char **argv)
{
	(void)argc;
	const struct unit_suite suites[] = {
		UNIT_SUITE("json_parse_located", parse_tests),
		UNIT_SUITE("positions and numbers", number_tests),
		UNIT_SUITE("the quick split of results", split_tests),
		UNIT_SUITE("regressions", regression_tests),
	};
	return unit_main(argv[0], suites, ARRAY_SIZE(suites));
}
