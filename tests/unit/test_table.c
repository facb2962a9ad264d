/*
 * test_table.c - table.c, the tables of `objmem show`, on the fixtures
 * results/small.json and plot/gaps.json and on documents built here:
 * CSV quoting (RFC 4180) and exact numbers, text tables that cut no header
 * or name, names with control characters escaped for the terminal,
 * Markdown escaped with backslashes and never with HTML entities, --count,
 * the "Not measured" and "Notes" sections listing each fact once, JSON that
 * parses back with the expected rows, and a write error reported.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stats.h"
#include "table.h"
#include "unit.h"

/* ---- documents ---- */

static void load(const char *rel, struct results *r)
{
	results_init(r);
	CU_ASSERT_EQUAL_FATAL(results_load(unit_fixture(rel), r), 0);
}

static void add_interp(struct results *r, const char *name, const char *skip_reason)
{
	struct interp *in = results_add_interp(r);
	in->name = xstrdup(name);
	strvec_push(&in->argv, "/usr/bin/python3");
	if (skip_reason)
		in->skip_reason = xstrdup(skip_reason);
}

static void set_sample(struct mem_sample *s, uint64_t uss)
{
	s->valid = 1;
	s->uss = s->rss = s->pss = s->anon = uss;
}

/* An ok cell: USS 5 MB at start, 10 MB at base, base + delta at full. */
static void add_ok(struct results *r, const char *interp, const char *workload, uint64_t count,
		   int repeat, uint64_t delta)
{
	struct cell *c = results_add_cell(r);
	c->interpreter = xstrdup(interp);
	c->workload = xstrdup(workload);
	c->count = count;
	c->repeat = repeat;
	c->status = CELL_OK;
	c->getsizeof = 56;
	set_sample(&c->samples[PHASE_START], 5000000);
	set_sample(&c->samples[PHASE_BASE], 10000000);
	set_sample(&c->samples[PHASE_FULL], 10000000 + delta);
	set_sample(&c->samples[PHASE_FREED], 10000000);
}

static void add_bad(struct results *r, const char *interp, const char *workload, uint64_t count,
		    int repeat, enum cell_status status, const char *reason)
{
	struct cell *c = results_add_cell(r);
	c->interpreter = xstrdup(interp);
	c->workload = xstrdup(workload);
	c->count = count;
	c->repeat = repeat;
	c->status = status;
	c->reason = reason ? xstrdup(reason) : NULL;
}

static char *printed(const struct results *r, enum table_format f, int detail, uint64_t count)
{
	char *text = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&text, &len);
	struct table_opts o = { f, detail, count, 0 };
	CU_ASSERT_EQUAL(table_print(out, r, &o), 0);
	fclose(out);
	return text;
}

static size_t occurrences(const char *hay, const char *needle)
{
	size_t n = 0;
	for (const char *p = hay; (p = strstr(p, needle)); p += strlen(needle))
		n++;
	return n;
}

/* The line of text that starts with prefix (malloc'ed), or NULL. */
static char *line_starting(const char *text, const char *prefix)
{
	for (const char *p = text; p && *p;) {
		const char *nl = strchr(p, '\n');
		size_t n = nl ? (size_t)(nl - p) : strlen(p);
		if (!strncmp(p, prefix, strlen(prefix)))
			return xstrndup(p, n);
		p = nl ? nl + 1 : NULL;
	}
	return NULL;
}

/* ---- CSV: RFC 4180, read back field by field ---- */

struct csv {
	struct strvec *rows;
	size_t n;
};

/* Split text into rows of fields; -1 when a quote is not closed. */
static int csv_parse(const char *s, struct csv *out)
{
	memset(out, 0, sizeof(*out));
	struct buf field = BUF_INIT;
	struct strvec row = STRVEC_INIT;
	int quoted = 0, in_row = 0;
	for (const char *p = s; *p; p++) {
		if (quoted) {
			if (*p == '"' && p[1] == '"') {
				buf_add(&field, "\"", 1);
				p++;
			} else if (*p == '"') {
				quoted = 0;
			} else {
				buf_add(&field, p, 1);
			}
			continue;
		}
		in_row = 1;
		if (*p == '"') {
			quoted = 1;
			buf_add(&field, "", 0);
		} else if (*p == ',') {
			strvec_push(&row, field.p ? field.p : "");
			buf_reset(&field);
		} else if (*p == '\n') {
			strvec_push(&row, field.p ? field.p : "");
			buf_reset(&field);
			out->rows = xrealloc(out->rows, (out->n + 1) * sizeof(*out->rows));
			out->rows[out->n++] = row;
			strvec_init(&row);
			in_row = 0;
		} else {
			buf_add(&field, p, 1);
		}
	}
	buf_release(&field);
	strvec_clear(&row);
	return quoted || in_row ? -1 : 0;
}

static void csv_release(struct csv *c)
{
	for (size_t i = 0; i < c->n; i++)
		strvec_clear(&c->rows[i]);
	free(c->rows);
}

/* The row whose first three fields are interp, workload, count; NULL if none. */
static const struct strvec *csv_row(const struct csv *c, const char *interp, const char *workload,
				    const char *count)
{
	for (size_t i = 1; i < c->n; i++)
		if (c->rows[i].n >= 3 && !strcmp(c->rows[i].v[0], interp) &&
		    !strcmp(c->rows[i].v[1], workload) && !strcmp(c->rows[i].v[2], count))
			return &c->rows[i];
	return NULL;
}

static void test_csv_quoting(void)
{
	struct results r;
	results_init(&r);
	add_interp(&r, "a,b", NULL);
	add_interp(&r, "say \"hi\"", NULL);
	add_interp(&r, "plain", NULL);
	add_ok(&r, "a,b", "w,1", 1, 1, 6201344);
	add_ok(&r, "say \"hi\"", "w,1", 1, 1, 6201344);
	add_ok(&r, "plain", "w,1", 1, 1, 6201344);
	char *text = printed(&r, TABLE_CSV, 0, 0);
	/* quoted where RFC 4180 says, numbers in plain digits */
	CU_ASSERT_PTR_NOT_NULL(strstr(text, "\n\"a,b\",\"w,1\",1,1,0,0,6201344,6201344,6201344,6201344,"
					  "11201344,16201344,,56,\n"));
	/* the peak column is the last, so older scripts' columns stay put */
	CU_ASSERT_PTR_NOT_NULL(strstr(text, ",getsizeof,peak_bytes_median\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(text, "\n\"say \"\"hi\"\"\",\"w,1\",1,"));
	CU_ASSERT_PTR_NOT_NULL(strstr(text, "\nplain,\"w,1\",1,"));
	CU_ASSERT_PTR_NULL(strstr(text, "e+"));
	CU_ASSERT_PTR_NULL(strstr(text, "6.20134"));
	struct csv c;
	CU_ASSERT_EQUAL_FATAL(csv_parse(text, &c), 0);
	CU_ASSERT_EQUAL_FATAL(c.n, 4);
	CU_ASSERT_STRING_EQUAL(c.rows[0].v[0], "interpreter");
	for (size_t i = 0; i < c.n; i++)
		CU_ASSERT_EQUAL(c.rows[i].n, 15);
	const struct strvec *row = csv_row(&c, "say \"hi\"", "w,1", "1");
	CU_ASSERT_PTR_NOT_NULL_FATAL(row);
	CU_ASSERT_STRING_EQUAL(row->v[6], "6201344");
	free(text);
	csv_release(&c);
	/* JSON writes the same number the same way */
	text = printed(&r, TABLE_JSON, 0, 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(text, "6201344"));
	CU_ASSERT_PTR_NULL(strstr(text, "e+"));
	free(text);
	results_release(&r);
}

/* small.json: every row of the summary, with the medians that read back exactly. */
static void test_csv_fixture(void)
{
	struct results r;
	load("results/small.json", &r);
	char *text = printed(&r, TABLE_CSV, 0, 0);
	struct csv c;
	CU_ASSERT_EQUAL_FATAL(csv_parse(text, &c), 0);
	CU_ASSERT_EQUAL_FATAL(c.n, 9); /* header and 2 x 2 x 2 rows */
	for (size_t i = 0; i < c.n; i++)
		CU_ASSERT_EQUAL(c.rows[i].n, c.rows[0].n);
	CU_ASSERT_STRING_EQUAL(c.rows[0].v[6], "bytes_per_object_median");
	const struct strvec *row = csv_row(&c, "pypy3.10", "slots", "100000");
	CU_ASSERT_PTR_NOT_NULL_FATAL(row);
	CU_ASSERT_STRING_EQUAL(row->v[3], "2"); /* n_ok, n_failed, n_skipped */
	CU_ASSERT_STRING_EQUAL(row->v[4], "1");
	CU_ASSERT_STRING_EQUAL(row->v[5], "0");
	row = csv_row(&c, "cpython-3.12", "slots", "1000");
	CU_ASSERT_PTR_NOT_NULL_FATAL(row);
	CU_ASSERT_STRING_EQUAL(row->v[5], "1");
	CU_ASSERT_STRING_EQUAL(row->v[13], "56"); /* getsizeof */
	row = csv_row(&c, "pypy3.10", "point3d", "1000");
	CU_ASSERT_PTR_NOT_NULL_FATAL(row);
	CU_ASSERT_STRING_EQUAL(row->v[13], ""); /* no getsizeof on PyPy: empty, not 0 */
	struct summary s;
	summary_compute(&r, &s);
	for (size_t i = 0; i < s.n_rows; i++) {
		char cnt[32];
		snprintf(cnt, sizeof(cnt), "%llu", (unsigned long long)s.rows[i].count);
		row = csv_row(&c, s.rows[i].interpreter, s.rows[i].workload, cnt);
		CU_ASSERT_PTR_NOT_NULL_FATAL(row);
		CU_ASSERT(strtod(row->v[6], NULL) == s.rows[i].bytes_per_object.median);
		CU_ASSERT(strtod(row->v[7], NULL) == s.rows[i].bytes_per_object.min);
		CU_ASSERT(strtod(row->v[8], NULL) == s.rows[i].bytes_per_object.max);
	}
	summary_release(&s);
	csv_release(&c);
	free(text);
	results_release(&r);
}

/* ---- text ---- */

#define LONG_NAME "cpython-3.13.0-free-threaded-debug-build-with-a-long-name-x86_64-linux-gnu"

static void test_text_no_cut(void)
{
	struct results r;
	results_init(&r);
	add_interp(&r, LONG_NAME, NULL);
	add_interp(&r, "py", NULL);
	add_ok(&r, LONG_NAME, "x", 1000, 1, 100000);
	add_ok(&r, LONG_NAME, "dataclass-slots", 1000, 1, 72000);
	add_ok(&r, "py", "x", 1000, 1, 50000);
	add_ok(&r, "py", "dataclass-slots", 1000, 1, 64000);
	char *text = printed(&r, TABLE_TEXT, 1, 0);
	char *head = line_starting(text, "interpreter");
	CU_ASSERT_PTR_NOT_NULL_FATAL(head);
	const char *h = strstr(head, "dataclass-slots");
	CU_ASSERT_PTR_NOT_NULL_FATAL(h);
	CU_ASSERT_PTR_NOT_NULL(strstr(head, " x "));
	/* right-aligned under the whole header: the value ends where the header ends */
	size_t end = (size_t)(h - head) + strlen("dataclass-slots");
	char *row = line_starting(text, "py ");
	CU_ASSERT_PTR_NOT_NULL_FATAL(row);
	CU_ASSERT(strlen(row) == end && !strcmp(row + end - 4, "64.0"));
	free(row);
	row = line_starting(text, LONG_NAME " ");
	CU_ASSERT_PTR_NOT_NULL_FATAL(row);
	CU_ASSERT(strlen(row) == end && !strcmp(row + end - 4, "72.0"));
	CU_ASSERT(strlen(head) == end);
	free(row);
	free(head);
	/* the detail tables name the pair in full */
	CU_ASSERT_PTR_NOT_NULL(strstr(text, "\nMemory for " LONG_NAME " / dataclass-slots ("));
	CU_ASSERT_PTR_NOT_NULL(strstr(text, "Bytes per object at 1k objects"));
	free(text);
	results_release(&r);
}

/* A name is data: in text output a control character is shown, not sent. */
static void test_text_escapes(void)
{
	struct results r;
	results_init(&r);
	add_interp(&r, "evil\nname\x1b[31m", NULL);
	add_interp(&r, "bell\x07", "probe failed: \x1b]0;title\x07");
	add_ok(&r, "evil\nname\x1b[31m", "slots", 1000, 1, 64000);
	add_bad(&r, "evil\nname\x1b[31m", "slots", 1000, 2, CELL_FAILED, "boom\r\x1b[2J");
	add_ok(&r, "evil\nname\x1b[31m", "slots", 1000, 3, 64000);
	r.cells[r.n_cells - 1].note = xstrdup("tab\there");
	char *text = printed(&r, TABLE_TEXT, 1, 0);
	int raw = 0;
	for (const unsigned char *p = (const unsigned char *)text; *p; p++)
		raw |= (*p < 0x20 && *p != '\n') || *p == 0x7f;
	CU_ASSERT_EQUAL(raw, 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(text, "Memory for evil\\nname\\x1b[31m / slots"));
	CU_ASSERT_PTR_NOT_NULL(strstr(text, "\nevil\\nname\\x1b[31m "));  /* bytes-per-object row */
	CU_ASSERT_PTR_NOT_NULL(strstr(text, "\n  failed: boom\\r\\x1b[2J (evil\\nname\\x1b[31m / "
					  "slots)\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(text, "\n  skipped: probe failed: \\x1b]0;title\\x07 (bell\\x07)\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(text, "\n  tab\\there (evil\\nname\\x1b[31m / slots)\n"));
	/* a raw line break would have started a line with "name" */
	CU_ASSERT_PTR_NULL(line_starting(text, "name"));
	free(text);
	results_release(&r);
}

/* ---- Markdown ---- */

/* '|' not escaped by a backslash. */
static size_t pipes(const char *line)
{
	size_t n = 0;
	for (const char *p = line; *p; p++) {
		if (*p == '\\' && p[1]) {
			p++;
			continue;
		}
		n += *p == '|';
	}
	return n;
}

static void check_md_rows(const char *text)
{
	size_t want = 0;
	for (const char *p = text; *p;) {
		const char *nl = strchr(p, '\n');
		char *line = xstrndup(p, nl ? (size_t)(nl - p) : strlen(p));
		if (line[0] == '|') {
			if (!want)
				want = pipes(line);
			if (pipes(line) != want)
				fprintf(stderr, "\nmarkdown row with %zu cells, want %zu: '%s'\n",
					pipes(line) - 1, want - 1, line);
			CU_ASSERT_EQUAL(pipes(line), want);
		} else {
			want = 0; /* a new table may follow */
		}
		free(line);
		p = nl ? nl + 1 : p + strlen(p);
	}
}

static void test_markdown(void)
{
	struct results r;
	results_init(&r);
	add_interp(&r, "a|b<c>_d*e", NULL);
	add_ok(&r, "a|b<c>_d*e", "w_1", 1000, 1, 64000);
	add_bad(&r, "a|b<c>_d*e", "w_1", 1000, 2, CELL_FAILED, "x < y & z | *bold*");
	char *text = printed(&r, TABLE_MARKDOWN, 1, 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(text, "| a\\|b\\<c\\>\\_d\\*e | 64.0 |"));
	CU_ASSERT_PTR_NOT_NULL(strstr(text, "| interpreter | w\\_1 |"));
	CU_ASSERT_PTR_NOT_NULL(strstr(text, "#### a\\|b\\<c\\>\\_d\\*e / w\\_1"));
	CU_ASSERT_PTR_NOT_NULL(strstr(text, "\n- failed: x \\< y \\& z \\| \\*bold\\* "
					  "(a\\|b\\<c\\>\\_d\\*e / w\\_1)\n"));
	static const char *const entities[] = { "&lt;", "&gt;", "&amp;", "&#", "&quot;" };
	for (size_t i = 0; i < ARRAY_SIZE(entities); i++)
		CU_ASSERT_PTR_NULL(strstr(text, entities[i]));
	CU_ASSERT_PTR_NULL(strstr(text, "a|b"));
	CU_ASSERT_PTR_NULL(strstr(text, "<c>"));
	check_md_rows(text);
	free(text);
	results_release(&r);

	/* the fixture's name full of markup characters */
	load("plot/gaps.json", &r);
	text = printed(&r, TABLE_MARKDOWN, 1, 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(text, "| py\\<b\\>\\&'\" | 129.0 |"));
	CU_ASSERT_PTR_NOT_NULL(strstr(text, "\\<script\\>alert('x')\\</script\\> \\& \"quoted\""));
	for (size_t i = 0; i < ARRAY_SIZE(entities); i++)
		CU_ASSERT_PTR_NULL(strstr(text, entities[i]));
	CU_ASSERT_PTR_NULL(strstr(text, "<script>"));
	check_md_rows(text);
	free(text);
	results_release(&r);
}

/* ---- --count, the sections ---- */

static const struct count_case {
	uint64_t count;
	int detail;
	const char *shown[3];   /* "1k", "100k", "1M": bytes-per-object tables printed */
	size_t n_shown;
	int rc;                 /* table_print's */
} count_cases[] = {
	{ 0, 0, { "1k", "100k", "1M" }, 3, 0 },
	{ 1000, 0, { "1k" }, 1, 0 },          /* --brief -n: the one table */
	{ 100000, 1, { "100k" }, 1, 0 },
	{ 1000000, 0, { "1M" }, 1, 0 },
	{ 5, 0, { NULL }, 0, -2 },            /* a count the file does not hold: an error */
	{ 5, 1, { NULL }, 0, -2 },
};

static void test_count_option(void)
{
	static const char *const all[] = { "1k", "100k", "1M" };
	struct results r;
	load("plot/gaps.json", &r);
	for (size_t i = 0; i < ARRAY_SIZE(count_cases); i++) {
		const struct count_case *t = &count_cases[i];
		for (int f = TABLE_TEXT; f <= TABLE_MARKDOWN; f++) {
			struct table_opts o = { (enum table_format)f, t->detail, t->count, 0 };
			char *text = NULL;
			size_t len = 0;
			FILE *out = open_memstream(&text, &len);
			unit_stderr_begin();
			int rc = table_print(out, &r, &o);
			char *err = unit_stderr_end();
			fclose(out);
			CU_ASSERT_EQUAL(rc, t->rc);
			if (t->rc) {
				CU_ASSERT_PTR_NOT_NULL(strstr(err, "count 5 is not in the results; "
							      "they have 1k, 100k, 1M"));
				CU_ASSERT_EQUAL(len, 0);
			}
			free(err);
			CU_ASSERT_EQUAL(occurrences(text, "Bytes per object at "), t->n_shown);
			for (size_t k = 0; k < ARRAY_SIZE(all); k++) {
				char *title = xasprintf("Bytes per object at %s objects", all[k]);
				int want = 0;
				for (size_t j = 0; j < t->n_shown; j++)
					want |= !strcmp(t->shown[j], all[k]);
				CU_ASSERT_EQUAL(strstr(text, title) != NULL, want);
				free(title);
			}
			/* the detail tables and fits come with detail only */
			CU_ASSERT_EQUAL(strstr(text, f == TABLE_TEXT ? "Memory for " : "#### ") != NULL,
					t->detail && !t->rc);
			CU_ASSERT_EQUAL(strstr(text, "Least-squares fit") != NULL, t->detail && !t->rc);
			/* what was not measured: except in the one table of --brief -n */
			CU_ASSERT_EQUAL(strstr(text, "Not measured") != NULL,
					!t->rc && (t->detail || !t->count));
			/* the detail of one count has that count's rows only */
			if (t->detail && t->count == 100000 && f == TABLE_TEXT)
				CU_ASSERT(!strstr(text, "\n      1000 ") && strstr(text, "\n    100000 "));
			free(text);
		}
	}
	results_release(&r);
}

/* labels: the report's tables name builds as people do; CSV keeps the keys. */
static void test_labels(void)
{
	struct results r;
	load("plot/gaps.json", &r);
	struct table_opts o = { TABLE_MARKDOWN, 1, 1000000, 1 };
	char *text = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&text, &len);
	CU_ASSERT_EQUAL(table_print(out, &r, &o), 0);
	fclose(out);
	CU_ASSERT_PTR_NOT_NULL(strstr(text, "\n| CPython 3.11.2 debug, without pymalloc | 120.0 |"));
	CU_ASSERT_PTR_NOT_NULL(strstr(text, "\n#### CPython 3.12.3 / point3d\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(text, "\n| PyPy 3.10.14 | point3d |"));   /* the fits */
	CU_ASSERT_PTR_NULL(strstr(text, "| cpython-3.12 |"));
	free(text);
	o.format = TABLE_CSV;
	text = NULL;
	out = open_memstream(&text, &len);
	CU_ASSERT_EQUAL(table_print(out, &r, &o), 0);
	fclose(out);
	CU_ASSERT_PTR_NOT_NULL(strstr(text, "\ncpython-3.12,point3d,1000000,"));
	free(text);
	results_release(&r);
}

/* -n applies to CSV and JSON too; rows in version order, as the figures. */
static void test_count_csv_json(void)
{
	struct results r;
	load("plot/gaps.json", &r);
	char *text = printed(&r, TABLE_CSV, 0, 1000000);
	struct csv c;
	CU_ASSERT_EQUAL_FATAL(csv_parse(text, &c), 0);
	/* 3 measured builds x 3 workloads, less the missing cpython-3.12 / slots */
	CU_ASSERT_EQUAL(c.n, 1 + 8);
	for (size_t i = 1; i < c.n; i++)
		CU_ASSERT_STRING_EQUAL(c.rows[i].v[2], "1000000");
	/* py<b>&'" is CPython 3.11.2: before cpython-3.12 (3.12.3), then PyPy */
	CU_ASSERT(c.n > 7 && !strcmp(c.rows[1].v[0], "py<b>&'\"") &&
		  !strcmp(c.rows[4].v[0], "cpython-3.12") && !strcmp(c.rows[6].v[0], "pypy3.10"));
	csv_release(&c);
	free(text);
	text = printed(&r, TABLE_JSON, 0, 1000);
	cJSON *arr = cJSON_Parse(text);
	CU_ASSERT_EQUAL(cJSON_GetArraySize(arr), 9);
	const cJSON *o;
	cJSON_ArrayForEach(o, arr) {
		CU_ASSERT_EQUAL(cJSON_GetObjectItem(o, "count")->valuedouble, 1000);
		CU_ASSERT_PTR_NOT_NULL(cJSON_GetObjectItem(o, "peak_bytes"));
	}
	cJSON_Delete(arr);
	free(text);
	results_release(&r);
}

/* The lines of the section that starts with title, up to a blank line or the end. */
static void section_lines(const char *text, const char *title, struct strvec *out)
{
	const char *p = strstr(text, title);
	if (!p)
		return;
	p += strlen(title);
	while (*p && *p != '\n') {
		const char *nl = strchr(p, '\n');
		size_t n = nl ? (size_t)(nl - p) : strlen(p);
		strvec_push_nodup(out, xstrndup(p, n));
		p += n + (nl ? 1 : 0);
	}
}

static void test_not_measured(void)
{
	struct results r;
	load("plot/gaps.json", &r);
	char *text = printed(&r, TABLE_TEXT, 0, 0);
	struct strvec lines = STRVEC_INIT;
	section_lines(text, "\nNot measured\n", &lines);
	CU_ASSERT_EQUAL_FATAL(lines.n, 3);
	CU_ASSERT_STRING_EQUAL(lines.v[0], "  skipped: probe failed: AttributeError: "
			       "<module> has no 'gc.collect' (micropython)");
	/* two failed repetitions, one line; six skipped cells, one line */
	CU_ASSERT_STRING_EQUAL(lines.v[1], "  failed: ValueError: "
			       "<script>alert('x')</script> & \"quoted\" (pypy3.10 / point3d)");
	CU_ASSERT_STRING_EQUAL(lines.v[2], "  skipped: record: a C record is "
			       "not compact on PyPy (cpyext) (pypy3.10 / record)");
	strvec_clear(&lines);
	free(text);
	results_release(&r);

	/* each (status, reason) once, with every place it applies to */
	results_init(&r);
	add_interp(&r, "a", NULL);
	add_interp(&r, "b", NULL);
	add_interp(&r, "gone", "not installed: '/opt/x/python' not found");
	add_ok(&r, "a", "w", 1000, 1, 50000);
	add_bad(&r, "a", "w", 1000, 2, CELL_FAILED, "timeout");
	add_bad(&r, "a", "w", 100, 1, CELL_FAILED, "timeout");
	add_bad(&r, "a", "w", 10, 1, CELL_FAILED, "timeout");
	add_bad(&r, "a", "w", 10, 2, CELL_FAILED, "MemoryError");
	add_bad(&r, "a", "w", 10, 3, CELL_SKIPPED, "timeout");
	add_bad(&r, "a", "v", 10, 1, CELL_FAILED, "timeout");
	add_bad(&r, "b", "w", 10, 1, CELL_FAILED, "timeout");
	add_bad(&r, "b", "w", 10, 2, CELL_FAILED, NULL);
	add_bad(&r, "b", "w", 10, 3, CELL_FAILED, NULL);
	text = printed(&r, TABLE_TEXT, 0, 0);
	section_lines(text, "\nNot measured\n", &lines);
	static const char *const want[] = {
		"  skipped: not installed: '/opt/x/python' not found (gone)",
		"  failed: timeout (a / w, a / v, b / w)",
		"  failed: MemoryError (a / w)",
		"  skipped: timeout (a / w)",
		"  failed (b / w)",
	};
	CU_ASSERT_EQUAL(lines.n, ARRAY_SIZE(want));
	for (size_t i = 0; i < ARRAY_SIZE(want) && i < lines.n; i++) {
		if (strcmp(lines.v[i], want[i]))
			fprintf(stderr, "\nnot measured line %zu: '%s', want '%s'\n", i, lines.v[i],
				want[i]);
		CU_ASSERT_STRING_EQUAL(lines.v[i], want[i]);
	}
	strvec_clear(&lines);
	free(text);
	/* Markdown: the same lines as a list */
	text = printed(&r, TABLE_MARKDOWN, 0, 0);
	section_lines(text, "\n**Not measured**\n\n", &lines);
	CU_ASSERT_EQUAL(lines.n, ARRAY_SIZE(want));
	CU_ASSERT(lines.n && !strcmp(lines.v[0], "- skipped: not installed: '/opt/x/python' "
				     "not found (gone)"));
	strvec_clear(&lines);
	free(text);
	results_release(&r);

	/* everything measured: no section */
	results_init(&r);
	add_interp(&r, "a", NULL);
	add_ok(&r, "a", "w", 1000, 1, 50000);
	text = printed(&r, TABLE_TEXT, 1, 0);
	CU_ASSERT_PTR_NULL(strstr(text, "Not measured"));
	CU_ASSERT_PTR_NULL(strstr(text, "Notes"));
	free(text);
	results_release(&r);
}

static void test_notes(void)
{
	struct results r;
	load("results/small.json", &r);
	char *text = printed(&r, TABLE_TEXT, 0, 0);
	struct strvec lines = STRVEC_INIT;
	section_lines(text, "\nNotes\n", &lines);
	CU_ASSERT_EQUAL(lines.n, 1);
	CU_ASSERT(lines.n && !strcmp(lines.v[0], "  getsizeof not available on PyPy (pypy3.10 / point3d)"));
	strvec_clear(&lines);
	section_lines(text, "\nNot measured\n", &lines);
	CU_ASSERT_EQUAL(lines.n, 2);
	strvec_clear(&lines);
	free(text);
	results_release(&r);

	/* one note on many cells: said once, with where */
	results_init(&r);
	add_interp(&r, "mp", NULL);
	add_ok(&r, "mp", "slots", 1000, 1, 50000);
	add_ok(&r, "mp", "slots", 1000, 2, 50000);
	add_ok(&r, "mp", "dataclass-slots", 1000, 1, 50000);
	for (size_t i = 0; i < r.n_cells; i++)
		r.cells[i].note = xstrdup("__slots__ ignored");
	text = printed(&r, TABLE_TEXT, 0, 0);
	section_lines(text, "\nNotes\n", &lines);
	CU_ASSERT_EQUAL(lines.n, 1);
	CU_ASSERT(lines.n && !strcmp(lines.v[0], "  __slots__ ignored (mp / slots, mp / "
				     "dataclass-slots)"));
	strvec_clear(&lines);
	free(text);
	results_release(&r);
}

/* ---- JSON ---- */

static const cJSON *json_row(const cJSON *arr, const char *interp, const char *workload,
			     double count)
{
	const cJSON *o;
	cJSON_ArrayForEach(o, arr) {
		const cJSON *i = cJSON_GetObjectItemCaseSensitive(o, "interpreter");
		const cJSON *w = cJSON_GetObjectItemCaseSensitive(o, "workload");
		const cJSON *c = cJSON_GetObjectItemCaseSensitive(o, "count");
		if (cJSON_IsString(i) && cJSON_IsString(w) && cJSON_IsNumber(c) &&
		    !strcmp(i->valuestring, interp) && !strcmp(w->valuestring, workload) &&
		    c->valuedouble == count)
			return o;
	}
	return NULL;
}

static void test_json(void)
{
	struct results r;
	load("plot/gaps.json", &r);
	char *text = printed(&r, TABLE_JSON, 0, 0);
	cJSON *doc = cJSON_Parse(text);
	CU_ASSERT_PTR_NOT_NULL_FATAL(doc);
	CU_ASSERT(cJSON_IsArray(doc));
	struct summary s;
	summary_compute(&r, &s);
	/* a row per summary row: 8 + 9 + 9, micropython none */
	CU_ASSERT_EQUAL(cJSON_GetArraySize(doc), 26);
	CU_ASSERT_EQUAL((size_t)cJSON_GetArraySize(doc), s.n_rows);
	for (size_t i = 0; i < s.n_rows; i++) {
		const struct summary_row *sr = &s.rows[i];
		const cJSON *o = json_row(doc, sr->interpreter, sr->workload, (double)sr->count);
		CU_ASSERT_PTR_NOT_NULL_FATAL(o);
		CU_ASSERT_EQUAL(cJSON_GetObjectItem(o, "n_ok")->valuedouble, (double)sr->n_ok);
		const cJSON *bpo = cJSON_GetObjectItem(o, "bytes_per_object");
		if (sr->bytes_per_object.valid) {
			CU_ASSERT(cJSON_GetObjectItem(bpo, "median")->valuedouble ==
				  sr->bytes_per_object.median);
			CU_ASSERT(cJSON_GetObjectItem(bpo, "min")->valuedouble == sr->bytes_per_object.min);
			CU_ASSERT(cJSON_GetObjectItem(bpo, "max")->valuedouble == sr->bytes_per_object.max);
			CU_ASSERT_EQUAL(cJSON_GetObjectItem(bpo, "n")->valuedouble, 2);
		} else {
			CU_ASSERT(cJSON_IsNull(bpo)); /* null, never 0 */
		}
		CU_ASSERT_PTR_NOT_NULL(cJSON_GetObjectItem(o, "delta_bytes"));
		CU_ASSERT_PTR_NOT_NULL(cJSON_GetObjectItem(o, "absolute_bytes"));
	}
	const cJSON *o = json_row(doc, "pypy3.10", "point3d", 1000000);
	CU_ASSERT_PTR_NOT_NULL_FATAL(o);
	CU_ASSERT(cJSON_IsNull(cJSON_GetObjectItem(o, "bytes_per_object")));
	CU_ASSERT_EQUAL(cJSON_GetObjectItem(o, "n_ok")->valuedouble, 0);
	/* the name full of markup comes back byte for byte */
	CU_ASSERT_PTR_NOT_NULL(json_row(doc, "py<b>&'\"", "record", 1000000));
	/* the row never run is not made up */
	CU_ASSERT_PTR_NULL(json_row(doc, "cpython-3.12", "slots", 1000000));
	o = json_row(doc, "cpython-3.12", "point3d", 1000);
	CU_ASSERT_PTR_NOT_NULL_FATAL(o);
	CU_ASSERT_DOUBLE_EQUAL(cJSON_GetObjectItem(cJSON_GetObjectItem(o, "bytes_per_object"),
						   "median")->valuedouble, 112.64, 1e-9);
	summary_release(&s);
	cJSON_Delete(doc);
	free(text);
	results_release(&r);
}

static void test_write_error(void)
{
	struct results r;
	load("results/small.json", &r);
	FILE *full = fopen("/dev/full", "w");
	if (!full) {
		results_release(&r);
		return; /* no /dev/full here */
	}
	for (int f = TABLE_TEXT; f <= TABLE_JSON; f++) {
		struct table_opts o = { (enum table_format)f, 1, 0, 0 };
		CU_ASSERT_EQUAL(table_print(full, &r, &o), -1);
		clearerr(full);
	}
	fclose(full);
	results_release(&r);
}

static void test_format_names(void)
{
	CU_ASSERT_STRING_EQUAL(table_format_names[TABLE_TEXT], "text");
	CU_ASSERT_STRING_EQUAL(table_format_names[TABLE_MARKDOWN], "markdown");
	CU_ASSERT_STRING_EQUAL(table_format_names[TABLE_CSV], "csv");
	CU_ASSERT_STRING_EQUAL(table_format_names[TABLE_JSON], "json");
	CU_ASSERT_STRING_EQUAL(table_format_names[TABLE_PYPERF], "pyperf");
	CU_ASSERT_PTR_NULL(table_format_names[TABLE_PYPERF + 1]);
}

static const struct unit_test csv_tests[] = {
	{ "CSV quoting and exact numbers", test_csv_quoting },
	{ "CSV of small.json", test_csv_fixture },
};

static const struct unit_test text_tests[] = {
	{ "no header or name cut", test_text_no_cut },
	{ "control characters escaped", test_text_escapes },
	{ "Markdown escaped, never entities", test_markdown },
	{ "--count and detail, from a table", test_count_option },
	{ "--count in CSV and JSON, version order", test_count_csv_json },
	{ "labels in the report's tables", test_labels },
	{ "not measured: each fact once", test_not_measured },
	{ "notes", test_notes },
};

static const struct unit_test other_tests[] = {
	{ "JSON parses back", test_json },
	{ "a write error is -1", test_write_error },
	{ "format names", test_format_names },
};

int main(int argc, char **argv)
{
	(void)argc;
	const struct unit_suite suites[] = {
		UNIT_SUITE("csv", csv_tests),
		UNIT_SUITE("text and markdown", text_tests),
		UNIT_SUITE("json and errors", other_tests),
	};
	return unit_main(argv[0], suites, ARRAY_SIZE(suites));
}
