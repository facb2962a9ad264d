/*
 * jsonutil.h - JSON text in and out, the same way everywhere: parsing with
 * the one error reporter (the source, line and column of a mistake, and
 * whether the text was cut short), and printing with every number exact.
 *
 * Owns: the JSON syntax errors objmem prints (and keys given twice, for
 * the readers that refuse them). A results file and an interpreter
 * definition with the same bad text get the same message at the same
 * line:column, because both are parsed here. Also the one check that a
 * JSON number fits the integer it becomes (json_whole).
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

/* Flags of json_parse_flags. */
enum {
	/*
	 * A key given twice in one object (compared as read, so "na\u006de" is
	 * "name") is an error at the second one:
	 *   error: WHAT:LINE:COL: duplicate key 'KEY' (the first is at LINE:COL): keep one of them
	 * KEY as written, cut after 40 characters. cJSON keeps both, and a
	 * lookup finds only the first: a file that says one thing and means
	 * another. Interpreter definitions use it; results files do not
	 * (unknown keys there are kept as they came).
	 */
	JSON_UNIQUE_KEYS = 1,
};

/* json_parse_located with flags (JSON_UNIQUE_KEYS); a syntax error is reported first. */
cJSON *json_parse_flags(const char *text, size_t len, const char *what, unsigned flags);

/*
 * A scratch arena for many small trees parsed one after another (the cells
 * of a results file): between json_scratch_begin and json_scratch_end the
 * calling thread's cJSON allocations come from one block, reused at each
 * json_scratch_reset, and freeing them costs nothing. A tree made in the
 * span must be deleted before the next reset and nothing cJSON allocated
 * may outlive the span (copy what is kept). Other threads, and this thread
 * outside a span, allocate with malloc as always. json_init installs the
 * hooks: call it before a second thread uses cJSON (main does).
 */
struct json_scratch {
	char *base;
	size_t used, cap;
};
void json_init(void);
void json_scratch_begin(struct json_scratch *s);
void json_scratch_reset(struct json_scratch *s);
void json_scratch_end(struct json_scratch *s);

/* A stretch of text: bytes [start, end). */
struct json_span {
	size_t start, end;
};

#define JSON_MAX_CUT 4
/*
 * json_parse_located for a document too big to hold as one tree: the whole
 * text is checked as strictly, but the arrays of the top-level keys in cut
 * (NULL-terminated, at most JSON_MAX_CUT, matched as written) come back as
 * empty arrays, and the places of the elements of the first one in *elems
 * (*n_elems of them; free *elems), for the caller to parse one at a time
 * with cJSON_ParseWithLength(text + start, end - start). A cut key that is
 * not there, or not an array, is left in the tree as it is (*n_elems 0).
 */
cJSON *json_parse_split(const char *text, size_t len, const char *what, const char *const *cut,
			struct json_span **elems, size_t *n_elems);

/*
 * json_parse_split for a text that is most likely right, at a fraction of
 * its cost: everything is checked as strictly but the elements of the
 * first cut array that are objects or arrays, which are only delimited
 * (brackets matched outside strings): the caller checks each one, with
 * json_span_valid at depth 2 or a reader as strict. Says nothing: NULL
 * for any mistake, and then json_parse_split names it.
 */
cJSON *json_skim_split(const char *text, size_t len, const char *const *cut,
		       struct json_span **elems, size_t *n_elems);

/*
 * 1 when text[start, end) is one JSON value, spaces around it allowed,
 * as strict as json_parse_located (nesting counted from depth, where the
 * value sits in its document); 0 otherwise. Says nothing.
 */
int json_span_valid(const char *text, size_t start, size_t end, int depth);

/* 1 for the bytes a JSON string holds as they are: not control characters, '"' or '\\'. */
extern const unsigned char json_plain_byte[256];
/* 1 for JSON's four spaces: ' ', '\t', '\n', '\r' (and nothing else cJSON skips). */
extern const unsigned char json_space_byte[256];

/* Integers above 2^53 do not survive a trip through a double. */
#define JSON_INT_MAX 9007199254740992.0

/*
 * The one range check of a JSON number that becomes an integer: 0 with
 * *out set when v is a number, finite, whole and in [min, max]; -1 (*out
 * untouched, nothing printed) otherwise. A double out of an integer type's
 * range converts with undefined behaviour, so a reader that casts a JSON
 * number to an integer type checks it here first, with bounds the type
 * holds (at most 2^53 for 64-bit types, where doubles stop being exact).
 */
int json_whole(const cJSON *v, double min, double max, double *out);

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
