/*
 * test_trend.c - trend.c on results built here: the files ordered by date
 * (or as given), the default count (the largest of the newest file), every
 * count, the interpreter and workload filters, each point's verdict against
 * the point before it with data (compare.h's rule), change_pct and the
 * counts of LARGER and smaller points, a line missing from one file, the
 * four table formats, the gnuplot data file, and the figure's files
 * written without gnuplot. The suite "detect": --detect and --check on
 * histories made as results files (a data table, each with the steps it
 * must show and the gate's verdict), in every format, and the figure's
 * steps and tic labels.
 *
 * The suite "regressions" holds cases for bugs found while writing this
 * file, fixed since.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "compare.h"
#include "trend.h"
#include "unit.h"

/* ---- the series ---- */

/*
 * Four files, given out of order (index: source, created, label):
 *   0  c.json       2026-01-03  'rev "c", final'
 *   1  a.json       2026-01-01  -
 *   2  b.json       2026-01-02  -
 *   3  nodate.json  -           -        (no date: last)
 * Bytes per object (one repetition unless a list), count 100k unless said:
 *   py / w     a 100, a 80 at 1M   b 110   c failed, c 30 at 1k   nodate 99
 *   py / v     a 40                                               nodate 40
 *   py2 / w    a 50                (none)  c 50.5                 nodate 60, 59, 61
 */
enum { N_FILES = 4 };
static const char *const sources[N_FILES] = { "dir/c.json", "dir/a.json", "dir/b.json",
					      "dir/nodate.json" };

static void add_interp(struct results *r, const char *name)
{
	struct interp *in = results_add_interp(r);
	in->name = xstrdup(name);
	strvec_push(&in->argv, "/usr/bin/python3");
}

static void add_ok(struct results *r, const char *interp, const char *workload, uint64_t count,
		   int repeat, double bpo)
{
	struct cell *c = results_add_cell(r);
	c->interpreter = xstrdup(interp);
	c->workload = xstrdup(workload);
	c->count = count;
	c->repeat = repeat;
	c->status = CELL_OK;
	c->samples[PHASE_BASE].valid = 1;
	c->samples[PHASE_BASE].uss = 10000000;
	c->samples[PHASE_FULL].valid = 1;
	c->samples[PHASE_FULL].uss = 10000000 + (uint64_t)llround(bpo * (double)count);
}

static void add_failed(struct results *r, const char *interp, const char *workload,
		       uint64_t count, int repeat)
{
	struct cell *c = results_add_cell(r);
	c->interpreter = xstrdup(interp);
	c->workload = xstrdup(workload);
	c->count = count;
	c->repeat = repeat;
	c->status = CELL_FAILED;
	c->reason = xstrdup("timeout");
}

static void doc_init(struct results *r, const char *created, const char *label)
{
	results_init(r);
	r->created = created ? xstrdup(created) : NULL;
	r->label = label ? xstrdup(label) : NULL;
}

static void build_series(struct results rs[N_FILES])
{
	struct results *c = &rs[0], *a = &rs[1], *b = &rs[2], *nd = &rs[3];
	doc_init(a, "2026-01-01T03:04:05Z", NULL);
	add_interp(a, "py");
	add_interp(a, "py2");
	add_ok(a, "py", "w", 100000, 1, 100);
	add_ok(a, "py", "w", 1000000, 1, 80);
	add_ok(a, "py", "v", 100000, 1, 40);
	add_ok(a, "py2", "w", 100000, 1, 50);

	doc_init(b, "2026-01-02T00:00:00Z", NULL);
	add_interp(b, "py");
	add_ok(b, "py", "w", 100000, 1, 110);

	doc_init(c, "2026-01-03T00:00:00Z", "rev \"c\", final");
	add_interp(c, "py");
	add_interp(c, "py2");
	add_failed(c, "py", "w", 100000, 1);
	add_ok(c, "py", "w", 1000, 1, 30);
	add_ok(c, "py2", "w", 100000, 1, 50.5);

	doc_init(nd, NULL, NULL);
	add_interp(nd, "py");
	add_interp(nd, "py2");
	add_ok(nd, "py", "w", 100000, 1, 99);
	add_ok(nd, "py", "v", 100000, 1, 40);
	add_ok(nd, "py2", "w", 100000, 1, 60);
	add_ok(nd, "py2", "w", 100000, 2, 59);
	add_ok(nd, "py2", "w", 100000, 3, 61);
}

static void release_series(struct results rs[N_FILES])
{
	for (size_t i = 0; i < N_FILES; i++)
		results_release(&rs[i]);
}

static const struct trend_opts default_opts = { .threshold = 0.01 };

static void build(const struct trend_opts *o, struct trend *t)
{
	struct results rs[N_FILES];
	build_series(rs);
	CU_ASSERT_EQUAL(trend_build(rs, sources, N_FILES, o, t), 0);
	release_series(rs);  /* the trend keeps nothing of the results */
}

static const struct trend_line *line_of(const struct trend *t, const char *interp,
					const char *workload, uint64_t count)
{
	for (size_t i = 0; i < t->n_lines; i++)
		if (!strcmp(t->lines[i].interpreter, interp) &&
		    !strcmp(t->lines[i].workload, workload) && t->lines[i].count == count)
			return &t->lines[i];
	return NULL;
}

/* ---- order of the files ---- */

static void test_file_order(void)
{
	struct trend t;
	build(&default_opts, &t);
	CU_ASSERT_EQUAL_FATAL(t.n_files, N_FILES);
	static const char *const want_src[] = { "dir/a.json", "dir/b.json", "dir/c.json",
						"dir/nodate.json" };
	static const char *const want_x[] = { "2026-01-01 03:04", "2026-01-02 00:00",
					      "rev \"c\", final", "nodate.json" };
	for (size_t i = 0; i < N_FILES; i++) {
		CU_ASSERT_STRING_EQUAL(t.files[i].source, want_src[i]);
		CU_ASSERT_STRING_EQUAL(t.files[i].x_label, want_x[i]);
	}
	CU_ASSERT_STRING_EQUAL(t.files[0].created, "2026-01-01T03:04:05Z");
	CU_ASSERT_PTR_NULL(t.files[0].label);
	CU_ASSERT_STRING_EQUAL(t.files[2].label, "rev \"c\", final");
	CU_ASSERT_PTR_NULL(t.files[3].created);
	trend_release(&t);

	/* as given */
	struct trend_opts o = default_opts;
	o.keep_order = 1;
	build(&o, &t);
	for (size_t i = 0; i < N_FILES; i++)
		CU_ASSERT_STRING_EQUAL(t.files[i].source, sources[i]);
	/* py / w: c (no data) first, then a, b, nodate */
	const struct trend_line *l = line_of(&t, "py", "w", 100000);
	CU_ASSERT_PTR_NOT_NULL_FATAL(l);
	CU_ASSERT_EQUAL_FATAL(l->n_points, 4);
	CU_ASSERT(!l->points[0].bpo.valid && !l->points[0].compared);
	CU_ASSERT(l->points[1].bpo.valid && !l->points[1].compared); /* nothing before with data */
	CU_ASSERT(isnan(l->points[1].change_pct));
	CU_ASSERT_EQUAL(l->points[2].verdict, VERDICT_LARGER);
	CU_ASSERT_EQUAL(l->points[3].verdict, VERDICT_SMALLER);
	trend_release(&t);
	CU_ASSERT_EQUAL(t.n_files, 0);
}

/* ---- the points and their verdicts ---- */

static const struct point_case {
	const char *interp, *workload;
	size_t file;
	int valid, compared;
	double median;
	enum verdict verdict;
	double change_pct; /* NAN: none */
} point_cases[] = {
	{ "py", "w", 0, 1, 0, 100, VERDICT_SAME, NAN },
	{ "py", "w", 1, 1, 1, 110, VERDICT_LARGER, 10 },
	{ "py", "w", 2, 0, 1, 0, VERDICT_NO_DATA, NAN },
	{ "py", "w", 3, 1, 1, 99, VERDICT_SMALLER, -10 },    /* against b: c had no data */
	{ "py", "v", 0, 1, 0, 40, VERDICT_SAME, NAN },
	{ "py", "v", 3, 1, 1, 40, VERDICT_SAME, 0 },
	{ "py2", "w", 0, 1, 0, 50, VERDICT_SAME, NAN },
	{ "py2", "w", 2, 1, 1, 50.5, VERDICT_SAME, 1 },     /* exactly the threshold: same */
	{ "py2", "w", 3, 1, 1, 60, VERDICT_LARGER, 950.0 / 50.5 },
};

static void test_points(void)
{
	struct trend t;
	build(&default_opts, &t);
	CU_ASSERT_EQUAL(t.n_lines, 3);
	CU_ASSERT_DOUBLE_EQUAL(t.threshold, 0.01, 0);
	size_t seen = 0;
	for (size_t i = 0; i < ARRAY_SIZE(point_cases); i++) {
		const struct point_case *pc = &point_cases[i];
		const struct trend_line *l = line_of(&t, pc->interp, pc->workload, 100000);
		CU_ASSERT_PTR_NOT_NULL_FATAL(l);
		const struct trend_point *p = NULL;
		for (size_t j = 0; j < l->n_points; j++)
			if (l->points[j].file == pc->file)
				p = &l->points[j];
		CU_ASSERT_PTR_NOT_NULL_FATAL(p);
		seen++;
		int ok = p->bpo.valid == pc->valid && p->compared == pc->compared &&
			 (!pc->valid || fabs(p->bpo.median - pc->median) < 1e-9) &&
			 (!pc->compared || p->verdict == pc->verdict) &&
			 (isnan(pc->change_pct) ? isnan(p->change_pct)
			  : fabs(p->change_pct - pc->change_pct) < 1e-9);
		if (!ok)
			fprintf(stderr, "\npoint %s / %s at file %zu: valid %d compared %d median %g "
				"verdict %s change %g\n", pc->interp, pc->workload, pc->file,
				p->bpo.valid, p->compared, p->bpo.median, verdict_name(p->verdict),
				p->change_pct);
		CU_ASSERT(ok);
	}
	size_t total = 0;
	for (size_t i = 0; i < t.n_lines; i++) {
		total += t.lines[i].n_points;
		/* points in file order, one per file at most */
		for (size_t j = 1; j < t.lines[i].n_points; j++)
			CU_ASSERT(t.lines[i].points[j].file > t.lines[i].points[j - 1].file);
	}
	CU_ASSERT_EQUAL(total, seen);
	/* a line missing from one file has no point there: py2 is not in b */
	const struct trend_line *l = line_of(&t, "py2", "w", 100000);
	CU_ASSERT_EQUAL(l->n_points, 3);
	/* the median of three repetitions, with their range */
	CU_ASSERT_EQUAL(l->points[2].bpo.n, 3);
	CU_ASSERT_DOUBLE_EQUAL(l->points[2].bpo.min, 59, 1e-9);
	CU_ASSERT_DOUBLE_EQUAL(l->points[2].bpo.max, 61, 1e-9);
	CU_ASSERT_EQUAL(t.n_larger, 2);
	CU_ASSERT_EQUAL(t.n_smaller, 1);
	trend_release(&t);
}

/* Each verdict is compare_verdict against the latest earlier point with data. */
static void test_compare_rule(void)
{
	static const double thresholds[] = { 0, 0.01, 0.05, 0.2 };
	for (size_t k = 0; k < ARRAY_SIZE(thresholds); k++) {
		struct trend_opts o = default_opts;
		o.threshold = thresholds[k];
		o.all_counts = 1;
		struct trend t;
		build(&o, &t);
		size_t larger = 0, smaller = 0;
		for (size_t i = 0; i < t.n_lines; i++) {
			const struct trend_line *l = &t.lines[i];
			const struct trend_point *prev = NULL;
			for (size_t j = 0; j < l->n_points; j++) {
				const struct trend_point *p = &l->points[j];
				CU_ASSERT_EQUAL(p->compared, prev != NULL);
				if (prev && p->bpo.valid) {
					enum verdict v = compare_verdict(&prev->bpo, &p->bpo, o.threshold,
									 4096.0 / (double)l->count);
					CU_ASSERT_EQUAL(p->verdict, v);
					CU_ASSERT_DOUBLE_EQUAL(p->change_pct, (p->bpo.median - prev->bpo.median) *
							       100 / prev->bpo.median, 1e-9);
					larger += v == VERDICT_LARGER;
					smaller += v == VERDICT_SMALLER;
				}
				if (prev && !p->bpo.valid)
					CU_ASSERT_EQUAL(p->verdict, VERDICT_NO_DATA);
				if (p->bpo.valid)
					prev = p;
			}
		}
		CU_ASSERT_EQUAL(t.n_larger, larger);
		CU_ASSERT_EQUAL(t.n_smaller, smaller);
		/* 0%: every move beyond the page quantum counts; 20%: none of these */
		if (thresholds[k] == 0)
			CU_ASSERT_EQUAL(t.n_larger, 3);  /* py/w b, py2/w c and nodate */
		if (thresholds[k] == 0.2) {
			CU_ASSERT_EQUAL(t.n_larger, 0);
			CU_ASSERT_EQUAL(t.n_smaller, 0);
		}
		trend_release(&t);
	}
}

/* ---- which lines ---- */

static const struct select_case {
	const char *name;
	uint64_t count;
	int all_counts;
	const char *interp, *workload;  /* filters; NULL: all */
	size_t n_lines, n_points;
	uint64_t want_count;            /* of every line; 0: mixed */
} select_cases[] = {
	/* the newest file's largest count, not the 1M only the oldest holds */
	{ "default count", 0, 0, NULL, NULL, 3, 9, 100000 },
	{ "every count", 0, 1, NULL, NULL, 5, 11, 0 },
	{ "count 1M", 1000000, 0, NULL, NULL, 1, 1, 1000000 },
	{ "count 1k", 1000, 0, NULL, NULL, 1, 1, 1000 },
	{ "a count nobody has", 7, 0, NULL, NULL, 0, 0, 7 },
	{ "interpreter py2", 0, 0, "py2", NULL, 1, 3, 100000 },
	{ "workload v", 0, 0, NULL, "v", 1, 2, 100000 },
	{ "py and v, every count", 0, 1, "py", "v", 1, 2, 100000 },
	{ "py2 at 1M: nothing", 1000000, 0, "py2", NULL, 0, 0, 0 },
	{ "an unknown workload", 0, 0, NULL, "nope", 0, 0, 0 },
};

static void test_selection(void)
{
	for (size_t i = 0; i < ARRAY_SIZE(select_cases); i++) {
		const struct select_case *sc = &select_cases[i];
		struct strvec interps = STRVEC_INIT, workloads = STRVEC_INIT;
		if (sc->interp)
			strvec_push(&interps, sc->interp);
		if (sc->workload)
			strvec_push(&workloads, sc->workload);
		struct trend_opts o = default_opts;
		o.count = sc->count;
		o.all_counts = sc->all_counts;
		o.interpreters = &interps;
		o.workloads = &workloads;
		struct trend t;
		build(&o, &t);
		size_t points = 0;
		int ok = t.n_lines == sc->n_lines;
		for (size_t l = 0; l < t.n_lines; l++) {
			points += t.lines[l].n_points;
			if (sc->want_count && t.lines[l].count != sc->want_count)
				ok = 0;
			if (sc->interp && strcmp(t.lines[l].interpreter, sc->interp))
				ok = 0;
			if (sc->workload && strcmp(t.lines[l].workload, sc->workload))
				ok = 0;
		}
		ok = ok && points == sc->n_points;
		if (!ok)
			fprintf(stderr, "\nselection '%s': %zu lines, %zu points\n", sc->name, t.n_lines,
				points);
		CU_ASSERT(ok);
		trend_release(&t);
		strvec_clear(&interps);
		strvec_clear(&workloads);
	}
	/* every count: lines in the order their rows first appear, oldest file first */
	struct trend_opts o = default_opts;
	o.all_counts = 1;
	struct trend t;
	build(&o, &t);
	static const struct { const char *i, *w; uint64_t n; } order[] = {
		{ "py", "w", 100000 }, { "py", "w", 1000000 }, { "py", "v", 100000 },
		{ "py2", "w", 100000 }, { "py", "w", 1000 },
	};
	CU_ASSERT_EQUAL_FATAL(t.n_lines, ARRAY_SIZE(order));
	for (size_t i = 0; i < ARRAY_SIZE(order); i++)
		CU_ASSERT(!strcmp(t.lines[i].interpreter, order[i].i) &&
			  !strcmp(t.lines[i].workload, order[i].w) && t.lines[i].count == order[i].n);
	trend_release(&t);
	/* no files */
	CU_ASSERT_EQUAL(trend_build(NULL, NULL, 0, &default_opts, &t), 0);
	CU_ASSERT_EQUAL(t.n_files, 0);
	CU_ASSERT_EQUAL(t.n_lines, 0);
	trend_release(&t);
}

/* ---- output ---- */

static char *printed(const struct trend *t, enum trend_format f)
{
	char *text = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&text, &len);
	CU_ASSERT_EQUAL(trend_print(out, t, f), 0);
	fclose(out);
	return text;
}

static void test_text(void)
{
	struct trend t;
	build(&default_opts, &t);
	char *text = printed(&t, TREND_TEXT);
	CU_ASSERT_PTR_NOT_NULL(strstr(text, "Bytes per object over 4 results files"));
	CU_ASSERT_PTR_NOT_NULL(strstr(text, "threshold 1%"));
	CU_ASSERT_PTR_NOT_NULL(strstr(text, "\npy / w / 100k objects\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(text, "\npy2 / w / 100k objects\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(text, "+10.00%"));
	CU_ASSERT_PTR_NOT_NULL(strstr(text, "-10.00%"));
	CU_ASSERT_PTR_NOT_NULL(strstr(text, "59.0..61.0"));
	CU_ASSERT_EQUAL(strstr(text, "LARGER") != NULL, 1);
	CU_ASSERT_PTR_NOT_NULL(strstr(text, "no-data"));
	CU_ASSERT_PTR_NOT_NULL(strstr(text, "\n3 lines, 2 points LARGER than the point before, "
					  "1 smaller\n"));
	CU_ASSERT_PTR_NULL(strstr(text, "**"));
	free(text);
	trend_release(&t);
}

static void test_markdown(void)
{
	struct trend t;
	build(&default_opts, &t);
	char *text = printed(&t, TREND_MARKDOWN);
	CU_ASSERT(!strncmp(text, "## Bytes per object over time\n", 30));
	CU_ASSERT_PTR_NOT_NULL(strstr(text, "| py | w | 100k | 2 | 2026-01-02 00:00 | 110.0 | 110.0 | "
					  "110.0 | +10.00% | **LARGER** |"));
	CU_ASSERT_PTR_NOT_NULL(strstr(text, "| py | w | 100k | 3 | rev \"c\", final | - | - | - |  | "
					  "no-data |"));
	CU_ASSERT_PTR_NOT_NULL(strstr(text, "| smaller |"));
	CU_ASSERT_EQUAL(strstr(text, "**smaller**"), NULL);
	CU_ASSERT_PTR_NOT_NULL(strstr(text, "\n2 points LARGER than the point before, 1 smaller.\n"));
	free(text);
	trend_release(&t);
}

/* RFC 4180 fields of one line (no line breaks inside fields here). */
static void csv_split(const char *line, struct strvec *out)
{
	struct buf f = BUF_INIT;
	int quoted = 0;
	buf_add(&f, "", 0);
	for (const char *p = line; *p; p++) {
		if (quoted) {
			if (*p == '"' && p[1] == '"')
				buf_add(&f, p++, 1);
			else if (*p == '"')
				quoted = 0;
			else
				buf_add(&f, p, 1);
		} else if (*p == '"') {
			quoted = 1;
		} else if (*p == ',') {
			strvec_push(out, f.p);
			buf_reset(&f);
			buf_add(&f, "", 0);
		} else {
			buf_add(&f, p, 1);
		}
	}
	strvec_push(out, f.p);
	buf_release(&f);
}

static void test_csv(void)
{
	struct trend t;
	build(&default_opts, &t);
	char *text = printed(&t, TREND_CSV);
	CU_ASSERT(!strncmp(text, "interpreter,workload,count,file_index,x_label,created,label,source,"
			   "median,min,max,n,change_pct,verdict\n", 90));
	/* the label with a quote and a comma, quoted once as x_label and once as label */
	CU_ASSERT_PTR_NOT_NULL(strstr(text, "\npy,w,100000,3,\"rev \"\"c\"\", final\","
					  "2026-01-03T00:00:00Z,\"rev \"\"c\"\", final\",dir/c.json,,,,0,,"
					  "no-data\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(text, "\npy,w,100000,2,2026-01-02 00:00,2026-01-02T00:00:00Z,,"
					  "dir/b.json,110,110,110,1,10,LARGER\n"));
	/* the first point: nothing to compare with, an empty verdict */
	CU_ASSERT_PTR_NOT_NULL(strstr(text, "\npy,w,100000,1,2026-01-01 03:04,2026-01-01T03:04:05Z,,"
					  "dir/a.json,100,100,100,1,,\n"));
	size_t rows = 0;
	const char *p = strchr(text, '\n') + 1;
	while (*p) {
		const char *nl = strchr(p, '\n');
		CU_ASSERT_PTR_NOT_NULL_FATAL(nl);
		char *line = xstrndup(p, (size_t)(nl - p));
		struct strvec f = STRVEC_INIT;
		csv_split(line, &f);
		CU_ASSERT_EQUAL(f.n, 14);
		if (f.n == 14 && !strcmp(f.v[0], "py2") && !strcmp(f.v[3], "4")) {
			CU_ASSERT_STRING_EQUAL(f.v[4], "nodate.json");
			CU_ASSERT_STRING_EQUAL(f.v[5], "");
			CU_ASSERT_STRING_EQUAL(f.v[8], "60");
			CU_ASSERT_STRING_EQUAL(f.v[9], "59");
			CU_ASSERT_STRING_EQUAL(f.v[11], "3");
			CU_ASSERT(strtod(f.v[12], NULL) == (60 - 50.5) * 100 / 50.5); /* exact */
			CU_ASSERT_STRING_EQUAL(f.v[13], "LARGER");
		}
		strvec_clear(&f);
		free(line);
		rows++;
		p = nl + 1;
	}
	CU_ASSERT_EQUAL(rows, 9);
	free(text);
	trend_release(&t);
}

static const cJSON *get(const cJSON *o, const char *key)
{
	return cJSON_GetObjectItemCaseSensitive(o, key);
}

static void test_json(void)
{
	struct trend t;
	build(&default_opts, &t);
	char *text = printed(&t, TREND_JSON);
	cJSON *doc = cJSON_Parse(text);
	CU_ASSERT_PTR_NOT_NULL_FATAL(doc);
	CU_ASSERT_STRING_EQUAL(get(doc, "schema")->valuestring, "objmem-trend/1");
	CU_ASSERT_DOUBLE_EQUAL(get(doc, "threshold_pct")->valuedouble, 1, 1e-12);
	CU_ASSERT_EQUAL(get(doc, "larger")->valuedouble, 2);
	CU_ASSERT_EQUAL(get(doc, "smaller")->valuedouble, 1);
	const cJSON *files = get(doc, "files");
	CU_ASSERT_EQUAL_FATAL(cJSON_GetArraySize(files), 4);
	CU_ASSERT_STRING_EQUAL(get(cJSON_GetArrayItem(files, 0), "source")->valuestring, "dir/a.json");
	CU_ASSERT_STRING_EQUAL(get(cJSON_GetArrayItem(files, 2), "label")->valuestring,
			       "rev \"c\", final");
	CU_ASSERT(cJSON_IsNull(get(cJSON_GetArrayItem(files, 3), "created")));
	const cJSON *lines = get(doc, "lines");
	CU_ASSERT_EQUAL_FATAL(cJSON_GetArraySize(lines), 3);
	const cJSON *l = cJSON_GetArrayItem(lines, 0);
	CU_ASSERT_STRING_EQUAL(get(l, "interpreter")->valuestring, "py");
	CU_ASSERT_STRING_EQUAL(get(l, "workload")->valuestring, "w");
	CU_ASSERT_EQUAL(get(l, "count")->valuedouble, 100000);
	const cJSON *pts = get(l, "points");
	CU_ASSERT_EQUAL_FATAL(cJSON_GetArraySize(pts), 4);
	const cJSON *p0 = cJSON_GetArrayItem(pts, 0), *p1 = cJSON_GetArrayItem(pts, 1);
	const cJSON *p2 = cJSON_GetArrayItem(pts, 2), *p3 = cJSON_GetArrayItem(pts, 3);
	CU_ASSERT(cJSON_IsNull(get(p0, "verdict")));      /* nothing before it */
	CU_ASSERT(cJSON_IsNull(get(p0, "change_pct")));
	CU_ASSERT_EQUAL(get(p1, "median")->valuedouble, 110);
	CU_ASSERT_EQUAL(get(p1, "change_pct")->valuedouble, 10);
	CU_ASSERT_STRING_EQUAL(get(p1, "verdict")->valuestring, "LARGER");
	CU_ASSERT_EQUAL(get(p2, "file")->valuedouble, 2);
	CU_ASSERT(cJSON_IsNull(get(p2, "median")));        /* no data: null, never 0 */
	CU_ASSERT(cJSON_IsNull(get(p2, "min")));
	CU_ASSERT_EQUAL(get(p2, "n")->valuedouble, 0);
	CU_ASSERT_STRING_EQUAL(get(p2, "verdict")->valuestring, "no-data");
	CU_ASSERT_STRING_EQUAL(get(p3, "verdict")->valuestring, "smaller");
	/* the exact change of py2 at nodate reads back as the same double */
	const cJSON *l3 = cJSON_GetArrayItem(lines, 2);
	const cJSON *last = cJSON_GetArrayItem(get(l3, "points"), 2);
	CU_ASSERT(get(last, "change_pct")->valuedouble == (60 - 50.5) * 100 / 50.5);
	cJSON_Delete(doc);
	free(text);
	trend_release(&t);
}

/* ---- the data file and the figure ---- */

/*
 * The data rows of the file, block by block (two blank lines end a block,
 * as gnuplot's index counts them): blocks[i] holds its rows.
 */
static size_t data_blocks(const char *text, struct strvec *blocks, size_t max)
{
	size_t n = 0, blank = 0;
	for (const char *p = text; *p;) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);
		if (!len) {
			blank++;
		} else if (*p != '#') {
			if (blank >= 2 || !n)
				n++;
			blank = 0;
			if (n <= max)
				strvec_push_nodup(&blocks[n - 1], xstrndup(p, len));
		}
		p += len + (nl ? 1 : 0);
	}
	return n;
}

static void test_write_data(void)
{
	struct trend t;
	build(&default_opts, &t);
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	CU_ASSERT_EQUAL(trend_write_data(&t, f), 0);
	fclose(f);
	CU_ASSERT(!strncmp(text, "# objmem trend: bytes per object over 4 results files", 53));
	CU_ASSERT_PTR_NOT_NULL(strstr(text, "\n# py w 100k\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(text, "\n\n\n# py v 100k\n"));
	struct strvec blocks[3] = { STRVEC_INIT, STRVEC_INIT, STRVEC_INIT };
	CU_ASSERT_EQUAL_FATAL(data_blocks(text, blocks, 3), 3);
	static const char *const want[3][4] = {
		{ "0 100 100 100 NaN ok 0 \"-\"", "1 110 110 110 NaN ok 1 \"+10.0%\"",
		  "2 NaN NaN NaN NaN no-data 0 \"-\"", "3 99 99 99 NaN ok -1 \"-10.0%\"" },
		{ "0 40 40 40 NaN ok 0 \"-\"", "1 NaN NaN NaN NaN missing 0 \"-\"",
		  "2 NaN NaN NaN NaN missing 0 \"-\"", "3 40 40 40 NaN ok 0 \"+0.0%\"" },
		{ "0 50 50 50 NaN ok 0 \"-\"", "1 NaN NaN NaN NaN missing 0 \"-\"",
		  "2 50.5 50.5 50.5 NaN ok 0 \"+1.0%\"", "3 60 59 61 NaN ok 1 \"+18.8%\"" },
	};
	for (size_t b = 0; b < 3; b++) {
		CU_ASSERT_EQUAL(blocks[b].n, N_FILES);  /* a row per file, gaps as NaN */
		for (size_t i = 0; i < N_FILES && i < blocks[b].n; i++) {
			if (strcmp(blocks[b].v[i], want[b][i]))
				fprintf(stderr, "\ndata block %zu row %zu: '%s', want '%s'\n", b, i,
					blocks[b].v[i], want[b][i]);
			CU_ASSERT_STRING_EQUAL(blocks[b].v[i], want[b][i]);
		}
		strvec_clear(&blocks[b]);
	}
	free(text);
	trend_release(&t);
}

static char *slurp(const char *path)
{
	struct buf b = BUF_INIT;
	if (read_file(path, 1 << 24, &b)) {
		buf_release(&b);
		return NULL;
	}
	return buf_detach(&b);
}

static void test_figure(void)
{
	struct trend t;
	build(&default_opts, &t);
	char *tmp = unit_tmpdir();
	char *dir = xasprintf("%s/fig/nested", tmp);  /* made if missing */
	char *templates = xstrdup(unit_fixture("../../plots"));
	struct trend_figure fig = { dir, 0, templates, NULL, "objmem trend test", 30, 0, 1, NULL,
				    NULL };
	unit_stderr_begin();
	int rc = trend_figure_write(&t, &fig);
	char *err = unit_stderr_end();
	CU_ASSERT_EQUAL(rc, 0);
	CU_ASSERT_STRING_EQUAL(err, ""); /* quiet */
	free(err);

	char *path = xasprintf("%s/trend.dat", dir);
	char *dat = slurp(path);
	free(path);
	CU_ASSERT_PTR_NOT_NULL_FATAL(dat);
	char *want = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&want, &len);
	trend_write_data(&t, f);
	fclose(f);
	CU_ASSERT_STRING_EQUAL(dat, want);
	free(want);
	free(dat);

	path = xasprintf("%s/trend.md", dir);
	char *md = slurp(path);
	free(path);
	CU_ASSERT_PTR_NOT_NULL_FATAL(md);
	want = printed(&t, TREND_MARKDOWN);
	CU_ASSERT_STRING_EQUAL(md, want);
	free(want);
	free(md);

	path = xasprintf("%s/trend.gp", dir);
	char *gp = slurp(path);
	free(path);
	CU_ASSERT_PTR_NOT_NULL_FATAL(gp);
	CU_ASSERT_PTR_NOT_NULL(strstr(gp, "'trend.dat'"));  /* @DATA@ */
	CU_ASSERT_PTR_NULL(strstr(gp, "@DATA@"));
	CU_ASSERT_PTR_NOT_NULL(strstr(gp, "NL = 3"));
	CU_ASSERT_PTR_NOT_NULL(strstr(gp, "NX = 4"));
	CU_ASSERT_PTR_NOT_NULL(strstr(gp, "NLARGER = 2"));
	CU_ASSERT_PTR_NOT_NULL(strstr(gp, "NSMALLER = 1"));
	CU_ASSERT_PTR_NOT_NULL(strstr(gp, "'py w 100k'"));
	CU_ASSERT_PTR_NOT_NULL(strstr(gp, "'nodate.json'"));
	CU_ASSERT_PTR_NOT_NULL(strstr(gp, "objmem trend test"));
	CU_ASSERT_PTR_NULL(strstr(gp, "@DEFS@"));  /* every placeholder filled */
	CU_ASSERT_PTR_NULL(strstr(gp, "@TITLE@"));
	free(gp);
	/* render 0: no image */
	path = xasprintf("%s/trend.png", dir);
	struct stat st;
	CU_ASSERT_NOT_EQUAL(stat(path, &st), 0);
	free(path);

	/* templates that are not there: -1 with a message */
	struct trend_figure bad = fig;
	bad.templates = "/nonexistent/objmem-plots";
	unit_stderr_begin();
	rc = trend_figure_write(&t, &bad);
	err = unit_stderr_end();
	CU_ASSERT_EQUAL(rc, -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "/nonexistent/objmem-plots/common.gp"));
	free(err);

	unit_rmtree(tmp);
	free(tmp);
	free(dir);
	free(templates);
	trend_release(&t);
}

static const struct unit_test build_tests[] = {
	{ "files by date, or as given", test_file_order },
	{ "points, verdicts, changes", test_points },
	{ "compare.h's rule at several thresholds", test_compare_rule },
	{ "counts and filters, from a table", test_selection },
};

static const struct unit_test output_tests[] = {
	{ "text", test_text },
	{ "markdown", test_markdown },
	{ "csv", test_csv },
	{ "json parses back", test_json },
	{ "the gnuplot data file", test_write_data },
	{ "the figure's files, not rendered", test_figure },
};

/* ---- --detect and --check: steps over a history of results files ---- */

enum { HMAX = 16 };

/*
 * One line (py / w) over n files "rev-1".."rev-n", made as results files:
 * v[k] bytes per object in file k+1, three repetitions at v - spread/2, v,
 * v + spread/2 (one when spread is 0), NAN: the cell failed in that file.
 * The answer: where each step begins (the file's number, as printed), the
 * levels on either side, the suspected newest file (0: none), and the
 * lines failing --check without and with --strict.
 */
static const struct history {
	const char *name;
	double v[HMAX];
	size_t n;
	double spread;
	uint64_t count;
	size_t n_steps;
	struct { size_t file; double before, after; } steps[3];
	size_t suspected;          /* file number, 0 for none */
	size_t failed, failed_strict;
} histories[] = {
	{ "a step", { 100, 100, 100, 100, 100, 110, 110, 110, 110, 110 }, 10, 0, 100000,
	  1, { { 6, 100, 110 } }, 0, 1, 1 },
	{ "two steps", { 100, 100, 100, 100, 110, 110, 110, 110, 120, 120, 120, 120 }, 12, 0.2,
	  100000, 2, { { 5, 100, 110 }, { 9, 110, 120 } }, 0, 1, 1 },
	{ "a spike", { 100, 100, 100, 100, 130, 100, 100, 100, 100, 100 }, 10, 0.2, 100000,
	  0, { { 0, 0, 0 } }, 0, 0, 0 },
	{ "a slow creep, +0.3 a file within a spread of 0.5",
	  { 100, 100.3, 100.6, 100.9, 101.2, 101.5, 101.8, 102.1, 102.4, 102.7, 103, 103.3 }, 12,
	  0.5, 100000, 3, { { 4, 100.3, 101.2 }, { 7, 101.2, 102.1 }, { 10, 102.1, 103 } }, 0, 0, 0 },
	/* 1k objects, repetitions alike: 64 pages of 4096 bytes, then 65.5 */
	{ "flat, zero variance, a step of one and a half pages",
	  { 262.144, 262.144, 262.144, 262.144, 262.144, 268.288, 268.288, 268.288, 268.288 }, 9,
	  0, 1000, 1, { { 6, 262.144, 268.288 } }, 0, 1, 1 },
	{ "flat, zero variance, a wiggle under a page",
	  { 262.144, 264.2, 262.144, 265.1, 263, 262.144, 266, 262.5, 264, 262.144 }, 10, 0, 1000,
	  0, { { 0, 0, 0 } }, 0, 0, 0 },
	{ "a step up, then back down", { 100, 100, 100, 100, 112, 112, 112, 112, 100, 100, 100,
					 100 }, 12, 0, 100000,
	  2, { { 5, 100, 112 }, { 9, 112, 100 } }, 0, 0, 0 },
	/* file 4 failed: the step is still at file 6, the 5th point with data */
	{ "a failed file before the step", { 100, 100, 100, NAN, 100, 110, 110, 110, 110 }, 9, 0,
	  100000, 1, { { 6, 100, 110 } }, 0, 1, 1 },
	{ "the newest file alone", { 100, 100, 100, 100, 100, 100, 100, 100, 100, 110 }, 10, 0,
	  100000, 0, { { 0, 0, 0 } }, 10, 0, 1 },
	{ "one file", { 100 }, 1, 0, 100000, 0, { { 0, 0, 0 } }, 0, 0, 0 },
};

static void history_build(const struct history *h, struct results *rs, const char **srcs)
{
	for (size_t k = 0; k < h->n; k++) {
		char date[64], label[32];
		snprintf(date, sizeof(date), "2026-02-%02zuT03:00:00Z", k + 1);
		snprintf(label, sizeof(label), "rev-%zu", k + 1);
		doc_init(&rs[k], date, label);
		add_interp(&rs[k], "py");
		if (isnan(h->v[k]))
			add_failed(&rs[k], "py", "w", h->count, 1);
		else if (h->spread == 0)
			add_ok(&rs[k], "py", "w", h->count, 1, h->v[k]);
		else
			for (int r = 0; r < 3; r++)
				add_ok(&rs[k], "py", "w", h->count, r + 1, h->v[k] + (r - 1) * h->spread / 2);
		srcs[k] = "history.json";
	}
}

/* The trend of a history with --check (and --strict or not). */
static void history_trend(const struct history *h, int strict, struct trend *t)
{
	struct results rs[HMAX];
	const char *srcs[HMAX];
	history_build(h, rs, srcs);
	struct trend_opts o = default_opts;
	o.check = 1;
	o.strict = strict;
	CU_ASSERT_EQUAL(trend_build(rs, srcs, h->n, &o, t), 0);
	for (size_t k = 0; k < h->n; k++)
		results_release(&rs[k]);
}

static int history_matches(const struct history *h, const struct trend *t, int strict)
{
	if (t->n_lines != 1 || !t->detect || !t->check)
		return 0;
	const struct trend_line *l = &t->lines[0];
	if (l->fit.n_steps != h->n_steps || t->n_steps != h->n_steps ||
	    (size_t)l->fit.has_suspect != (h->suspected != 0) ||
	    t->n_failed != (strict ? h->failed_strict : h->failed))
		return 0;
	for (size_t i = 0; i < h->n_steps; i++) {
		const struct steps_step *s = &l->fit.steps[i];
		if (trend_step_file(l, s) + 1 != h->steps[i].file ||
		    fabs(s->before - h->steps[i].before) > 1e-6 ||
		    fabs(s->after - h->steps[i].after) > 1e-6)
			return 0;
	}
	if (h->suspected && trend_step_file(l, &l->fit.suspect) + 1 != h->suspected)
		return 0;
	/* every point with data carries the level of its segment */
	for (size_t j = 0; j < l->n_points; j++)
		if (l->points[j].bpo.valid == isnan(l->points[j].level))
			return 0;
	return 1;
}

static void test_histories(void)
{
	for (size_t i = 0; i < ARRAY_SIZE(histories); i++) {
		for (int strict = 0; strict < 2; strict++) {
			struct trend t;
			history_trend(&histories[i], strict, &t);
			int ok = history_matches(&histories[i], &t, strict);
			if (!ok && t.n_lines == 1) {
				const struct trend_line *l = &t.lines[0];
				fprintf(stderr, "\nhistory '%s'%s: %zu steps, %zu failing:",
					histories[i].name, strict ? " (strict)" : "", l->fit.n_steps,
					t.n_failed);
				for (size_t k = 0; k < l->fit.n_steps; k++)
					fprintf(stderr, " #%zu %g -> %g", trend_step_file(l, &l->fit.steps[k]) + 1,
						l->fit.steps[k].before, l->fit.steps[k].after);
				fprintf(stderr, "%s\n", l->fit.has_suspect ? " and a suspected one" : "");
			}
			CU_ASSERT(ok);
			trend_release(&t);
		}
	}
}

/* Without --detect nothing is fitted, and the verdicts are compare's as before. */
static void test_no_detect(void)
{
	struct results rs[HMAX];
	const char *srcs[HMAX];
	history_build(&histories[0], rs, srcs);
	struct trend t;
	trend_build(rs, srcs, histories[0].n, &default_opts, &t);
	CU_ASSERT(!t.detect && !t.check && !t.n_steps && !t.n_failed);
	CU_ASSERT_EQUAL(t.lines[0].fit.n_segs, 0);
	CU_ASSERT(isnan(t.lines[0].points[0].level));
	CU_ASSERT_EQUAL(t.n_larger, 1);
	char *text = printed(&t, TREND_TEXT);
	CU_ASSERT_PTR_NULL(strstr(text, "steps"));
	CU_ASSERT_PTR_NULL(strstr(text, "check:"));
	free(text);
	trend_release(&t);
	for (size_t k = 0; k < histories[0].n; k++)
		results_release(&rs[k]);
}

/* "a step" (file 6, LARGER) in every format; "the newest file alone" for suspected. */
static void test_detect_text(void)
{
	struct trend t;
	history_trend(&histories[0], 0, &t);
	char *text = printed(&t, TREND_TEXT);
	CU_ASSERT_PTR_NOT_NULL(strstr(text, "steps (levels fitted over the 10 files with data):\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(text, "6  rev-6       100.0  110.0   +10.0   +10.00%"));
	CU_ASSERT_PTR_NOT_NULL(strstr(text, "5/5  step\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(text, "\n1 step found, 0 suspected"));
	CU_ASSERT_PTR_NOT_NULL(strstr(text, "\nLARGER: py w 100k: the newest level, since #6 rev-6 "
					  "(5 files), is a step up from 100.0 to 110.0 bytes per "
					  "object (+10.00%, threshold 1%)\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(text, "\ncheck: FAILED: 1 of 1 line fails the gate"));
	free(text);
	trend_release(&t);

	history_trend(&histories[8], 0, &t);    /* the newest file alone */
	text = printed(&t, TREND_TEXT);
	CU_ASSERT_PTR_NOT_NULL(strstr(text, "9/1  suspected\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(text, "\nsuspected: py w 100k: the newest file, #10 rev-10, "
					  "alone is up from 100.0 to 110.0 bytes per object"));
	CU_ASSERT_PTR_NOT_NULL(strstr(text, "it fails the gate only with --strict\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(text, "\ncheck: passed: 0 of 1 line fail the gate"));
	CU_ASSERT_PTR_NOT_NULL(strstr(text, "1 suspected, not gated (--strict gates on them)"));
	free(text);
	trend_release(&t);

	history_trend(&histories[2], 0, &t);    /* a spike: one level */
	text = printed(&t, TREND_TEXT);
	CU_ASSERT_PTR_NOT_NULL(strstr(text, "no step: one level, 100.0 bytes per object, over the "
					  "10 files with data\n"));
	free(text);
	trend_release(&t);
}

static void test_detect_markdown_csv(void)
{
	struct trend t;
	history_trend(&histories[0], 0, &t);
	char *text = printed(&t, TREND_MARKDOWN);
	CU_ASSERT_PTR_NOT_NULL(strstr(text, "\n### Steps\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(text, "| py | w | 100k | 6 | rev-6 | 100.0 | 110.0 | +10.0 | "
					  "+10.00% | 5/5 | **step** |"));
	CU_ASSERT_PTR_NOT_NULL(strstr(text, "\n### Check\n\n- **LARGER**: py w 100k: the newest "
					  "level, since \\#6 rev-6"));
	CU_ASSERT_PTR_NOT_NULL(strstr(text, "rev-6 (5 files), is a step up from 100.0 to 110.0 bytes "
					  "per object (+10.00%, threshold 1%)\n\n**check: FAILED**: 1 "
					  "of 1 line fails the gate"));
	free(text);

	text = printed(&t, TREND_CSV);
	CU_ASSERT(!strncmp(text, "interpreter,workload,count,file_index,x_label,created,label,source,"
			   "median,min,max,n,change_pct,verdict,level,step\n", 101));
	CU_ASSERT_PTR_NOT_NULL(strstr(text, "\npy,w,100000,6,rev-6,2026-02-06T03:00:00Z,rev-6,"
					  "history.json,110,110,110,1,10,LARGER,110,step\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(text, "\npy,w,100000,5,rev-5,2026-02-05T03:00:00Z,rev-5,"
					  "history.json,100,100,100,1,0,same,100,\n"));
	CU_ASSERT_PTR_NULL(strstr(text, "check:"));  /* the gate is not in the CSV */
	free(text);
	trend_release(&t);
}

static void test_detect_json(void)
{
	struct trend t;
	history_trend(&histories[6], 0, &t);    /* up, then back down */
	char *text = printed(&t, TREND_JSON);
	cJSON *doc = cJSON_Parse(text);
	CU_ASSERT_PTR_NOT_NULL_FATAL(doc);
	const cJSON *d = get(doc, "detect");
	CU_ASSERT_PTR_NOT_NULL_FATAL(d);
	CU_ASSERT_STRING_EQUAL(get(d, "schema")->valuestring, "objmem-trend-steps/1");
	CU_ASSERT_EQUAL(get(d, "penalty")->valuedouble, STEPS_PENALTY);
	CU_ASSERT_EQUAL(get(d, "min_segment")->valuedouble, STEPS_MIN_SEGMENT);
	CU_ASSERT_EQUAL(get(d, "n_steps")->valuedouble, 2);
	const cJSON *steps = get(d, "steps");
	CU_ASSERT_EQUAL_FATAL(cJSON_GetArraySize(steps), 2);
	static const struct { double file, before, after, pct; size_t nb, na; } want[] = {
		{ 4, 100, 112, 12, 4, 4 }, { 8, 112, 100, -1200.0 / 112, 4, 4 },
	};
	for (int i = 0; i < 2; i++) {
		const cJSON *s = cJSON_GetArrayItem(steps, i);
		CU_ASSERT_STRING_EQUAL(get(s, "interpreter")->valuestring, "py");
		CU_ASSERT_STRING_EQUAL(get(s, "workload")->valuestring, "w");
		CU_ASSERT_EQUAL(get(s, "count")->valuedouble, 100000);
		CU_ASSERT_STRING_EQUAL(get(s, "kind")->valuestring, "step");
		CU_ASSERT_EQUAL(get(s, "file")->valuedouble, want[i].file);   /* 0-based, as points */
		CU_ASSERT_DOUBLE_EQUAL(get(s, "before")->valuedouble, want[i].before, 1e-9);
		CU_ASSERT_DOUBLE_EQUAL(get(s, "after")->valuedouble, want[i].after, 1e-9);
		CU_ASSERT_DOUBLE_EQUAL(get(s, "change_pct")->valuedouble, want[i].pct, 1e-9);
		CU_ASSERT_EQUAL(get(s, "files_before")->valuedouble, want[i].nb);
		CU_ASSERT_EQUAL(get(s, "files_after")->valuedouble, want[i].na);
	}
	CU_ASSERT_STRING_EQUAL(get(cJSON_GetArrayItem(steps, 0), "x_label")->valuestring, "rev-5");
	const cJSON *line = cJSON_GetArrayItem(get(doc, "lines"), 0);
	CU_ASSERT_EQUAL(cJSON_GetArraySize(get(line, "segments")), 3);
	CU_ASSERT_STRING_EQUAL(get(line, "gate")->valuestring, "pass");
	CU_ASSERT_EQUAL(get(cJSON_GetArrayItem(get(line, "points"), 5), "level")->valuedouble, 112);
	const cJSON *g = get(doc, "gate");
	CU_ASSERT(cJSON_IsFalse(get(g, "failed")));
	CU_ASSERT_EQUAL(cJSON_GetArraySize(get(g, "lines")), 0);
	cJSON_Delete(doc);
	free(text);
	trend_release(&t);

	history_trend(&histories[8], 1, &t);    /* the newest file alone, --strict */
	text = printed(&t, TREND_JSON);
	doc = cJSON_Parse(text);
	CU_ASSERT_PTR_NOT_NULL_FATAL(doc);
	g = get(doc, "gate");
	CU_ASSERT(cJSON_IsTrue(get(g, "failed")) && cJSON_IsTrue(get(g, "strict")));
	const cJSON *gl = cJSON_GetArrayItem(get(g, "lines"), 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(gl);
	CU_ASSERT_STRING_EQUAL(get(gl, "verdict")->valuestring, "suspected");
	CU_ASSERT(cJSON_IsTrue(get(gl, "fails")));
	CU_ASSERT_STRING_EQUAL(get(get(gl, "step"), "kind")->valuestring, "suspected");
	CU_ASSERT_EQUAL(get(get(gl, "step"), "file")->valuedouble, 9);
	cJSON_Delete(doc);
	free(text);
	trend_release(&t);
}

/* The data file's level column, and the figure's steps in the script. */
static void test_detect_figure(void)
{
	struct trend t;
	history_trend(&histories[0], 0, &t);
	char *tmp = unit_tmpdir();
	char *templates = xstrdup(unit_fixture("../../plots"));
	struct trend_figure fig = { tmp, 0, templates, NULL, "steps", 30, 0, 1, NULL, NULL };
	CU_ASSERT_EQUAL(trend_figure_write(&t, &fig), 0);
	char *path = xasprintf("%s/trend.dat", tmp);
	char *dat = slurp(path);
	free(path);
	CU_ASSERT_PTR_NOT_NULL_FATAL(dat);
	CU_ASSERT_PTR_NOT_NULL(strstr(dat, "\n4 100 100 100 100 ok 0 \"+0.0%\"\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(dat, "\n5 110 110 110 110 ok 1 \"+10.0%\"\n"));
	free(dat);
	path = xasprintf("%s/trend.gp", tmp);
	char *gp = slurp(path);
	free(path);
	CU_ASSERT_PTR_NOT_NULL_FATAL(gp);
	CU_ASSERT_PTR_NOT_NULL(strstr(gp, "DETECT = 1"));
	CU_ASSERT_PTR_NOT_NULL(strstr(gp, "NSTEPS = 1\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(gp, "array STEPX[1] = [4.5]"));   /* between files 5 and 6 */
	CU_ASSERT_PTR_NOT_NULL(strstr(gp, "array STEPTEXT[1] = ['110.0 (+10.0%)']"));
	CU_ASSERT_PTR_NOT_NULL(strstr(gp, "NMARKS = 0\n"));              /* no rings with steps */
	CU_ASSERT_PTR_NOT_NULL(strstr(gp, "PNGW = 800 "));
	CU_ASSERT_PTR_NOT_NULL(strstr(gp, "PDFW = 6.5 "));
	CU_ASSERT_PTR_NOT_NULL(strstr(gp, "YDMIN = 100; YDMAX = 110"));
	free(gp);
	unit_rmtree(tmp);
	free(tmp);
	free(templates);
	trend_release(&t);
}

/* Tic labels: at most 18 characters, the end of a long revision kept. */
static void test_tic_labels(void)
{
	struct results rs[3];
	const char *srcs[3] = { "a.json", "b.json", "c.json" };
	static const char *const labels[3] = { "short", "cpython-main-0123456789abcdef",
					       "\xc3\xa9t\xc3\xa9-2026-02-01-r\xc3\xa9vision-9" };
	for (int k = 0; k < 3; k++) {
		char date[64];
		snprintf(date, sizeof(date), "2026-03-0%dT00:00:00Z", k + 1);
		doc_init(&rs[k], date, labels[k]);
		add_interp(&rs[k], "py");
		add_ok(&rs[k], "py", "w", 1000, 1, 64);
	}
	struct trend t;
	trend_build(rs, srcs, 3, &default_opts, &t);
	char *tmp = unit_tmpdir();
	char *templates = xstrdup(unit_fixture("../../plots"));
	struct trend_figure fig = { tmp, 0, templates, NULL, "tics", 30, 0, 1, "6.5 * PXIN", "0" };
	CU_ASSERT_EQUAL(trend_figure_write(&t, &fig), 0);
	char *path = xasprintf("%s/trend.gp", tmp);
	char *gp = slurp(path);
	free(path);
	CU_ASSERT_PTR_NOT_NULL_FATAL(gp);
	/* the first 8 characters, an ellipsis, the last 9 */
	CU_ASSERT_PTR_NOT_NULL(strstr(gp, "array XLABELS[3] = ['short', 'cpython-\xe2\x80\xa6"
				      "789abcdef', '\xc3\xa9t\xc3\xa9-2026\xe2\x80\xa6\xc3\xa9vision-9']"));
	CU_ASSERT_PTR_NOT_NULL(strstr(gp, "XLABELCHARS = 18"));
	CU_ASSERT_PTR_NOT_NULL(strstr(gp, "PNGW = 6.5 * PXIN "));     /* --size: one for all */
	CU_ASSERT_PTR_NOT_NULL(strstr(gp, "PDFW = PNGW / PXIN "));
	free(gp);
	unit_rmtree(tmp);
	free(tmp);
	free(templates);
	trend_release(&t);
	for (int k = 0; k < 3; k++)
		results_release(&rs[k]);
}

static const struct unit_test detect_tests[] = {
	{ "histories and their steps, from a table", test_histories },
	{ "without --detect, nothing fitted", test_no_detect },
	{ "steps and the gate as text", test_detect_text },
	{ "steps as markdown and csv", test_detect_markdown_csv },
	{ "steps and the gate as json", test_detect_json },
	{ "the level column and the steps in the script", test_detect_figure },
	{ "tic labels cut to 18 characters, --size", test_tic_labels },
};

/* ---- regressions: bugs found while writing this file ---- */

/*
 * A line break in a name (names are JSON strings) must stay inside the
 * block's comment "# INTERP WORKLOAD COUNT": written as it was, the rest
 * of the name became a data row of gnuplot's input. The header now goes
 * through gp_data_header, which comments every line.
 */
static void test_name_with_line_break(void)
{
	struct results r;
	doc_init(&r, "2026-01-01T00:00:00Z", NULL);
	add_interp(&r, "py\n0 999 999 999 ok 1 \"x\"");
	add_ok(&r, "py\n0 999 999 999 ok 1 \"x\"", "w", 1000, 1, 64);
	const char *src = "one.json";
	struct trend t;
	trend_build(&r, &src, 1, &default_opts, &t);
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	trend_write_data(&t, f);
	fclose(f);
	struct strvec blocks[2] = { STRVEC_INIT, STRVEC_INIT };
	size_t n = data_blocks(text, blocks, 2);
	size_t rows = n ? blocks[0].n : 0;
	if (n != 1 || rows != 1)
		fprintf(stderr, "\na name with a line break: %zu blocks, %zu rows in the first:\n%s\n",
			n, rows, text);
	CU_ASSERT_EQUAL(n, 1);
	CU_ASSERT_EQUAL(rows, 1);
	strvec_clear(&blocks[0]);
	strvec_clear(&blocks[1]);
	free(text);
	trend_release(&t);
	results_release(&r);
}

/*
 * trend.h: verdict is NO_DATA "when this one has none", the line's first
 * point included (it was left VERDICT_SAME).
 */
static void test_first_point_without_data(void)
{
	struct trend_opts o = default_opts;
	o.keep_order = 1;   /* c.json, whose py / w failed, first */
	struct trend t;
	build(&o, &t);
	const struct trend_line *l = line_of(&t, "py", "w", 100000);
	CU_ASSERT_PTR_NOT_NULL_FATAL(l);
	CU_ASSERT(!l->points[0].bpo.valid);
	if (l->points[0].verdict != VERDICT_NO_DATA)
		fprintf(stderr, "\nfirst point without data: verdict '%s'\n",
			verdict_name(l->points[0].verdict));
	CU_ASSERT_EQUAL(l->points[0].verdict, VERDICT_NO_DATA);
	trend_release(&t);
}

/*
 * The page quantum: `objmem compare A B` and `objmem trend A B` must give
 * one row one verdict. Both take results_pair_page_size (the base's page
 * size, the newer file's when the base records none); trend took the
 * newer file's, so the two disagreed when only A recorded one.
 */
static void test_same_verdict_as_compare(void)
{
	struct results rs[2];
	doc_init(&rs[0], "2026-01-01T00:00:00Z", NULL);
	rs[0].machine.present = 1;
	rs[0].machine.page_size = 65536;
	rs[0].machine.cpus = rs[0].machine.mem_total = -1;
	add_interp(&rs[0], "py");
	add_ok(&rs[0], "py", "w", 1000, 1, 100);
	doc_init(&rs[1], "2026-01-02T00:00:00Z", NULL);
	add_interp(&rs[1], "py");
	add_ok(&rs[1], "py", "w", 1000, 1, 110);
	const char *srcs[2] = { "a.json", "b.json" };
	struct trend t;
	trend_build(rs, srcs, 2, &default_opts, &t);
	struct compare_opts co = { 0.01, NULL, 0 };
	struct comparison cmp;
	memset(&cmp, 0, sizeof(cmp));
	CU_ASSERT_EQUAL_FATAL(compare_results(&rs[0], &rs[1], &co, &cmp), 0);
	CU_ASSERT_EQUAL_FATAL(cmp.n_rows, 1);
	const struct trend_line *l = line_of(&t, "py", "w", 1000);
	CU_ASSERT_PTR_NOT_NULL_FATAL(l);
	CU_ASSERT_EQUAL_FATAL(l->n_points, 2);
	if (l->points[1].verdict != cmp.rows[0].verdict)
		fprintf(stderr, "\nthe same two files: trend says %s, compare says %s\n",
			verdict_name(l->points[1].verdict), verdict_name(cmp.rows[0].verdict));
	CU_ASSERT_EQUAL(l->points[1].verdict, cmp.rows[0].verdict);
	comparison_release(&cmp);
	trend_release(&t);
	results_release(&rs[0]);
	results_release(&rs[1]);
}

static const struct unit_test regression_tests[] = {
	{ "a line break in a name stays in the comment", test_name_with_line_break },
	{ "a first point without data is NO_DATA", test_first_point_without_data },
	{ "the same verdict as compare", test_same_verdict_as_compare },
};

int main(int argc, char **argv)
{
	(void)argc;
	const struct unit_suite suites[] = {
		UNIT_SUITE("trend_build", build_tests),
		UNIT_SUITE("output", output_tests),
		UNIT_SUITE("detect", detect_tests),
		UNIT_SUITE("regressions", regression_tests),
	};
	return unit_main(argv[0], suites, ARRAY_SIZE(suites));
}
