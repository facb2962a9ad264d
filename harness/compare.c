/* compare.c - two results documents side by side, and `objmem compare`; see compare.h. */
#include <getopt.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "compare.h"
#include "fetch.h"
#include "jsonutil.h"
#include "progress.h"

#define DEFAULT_PAGE_SIZE 4096.0

static const char *const verdict_names[] = {
	"same", "smaller", "LARGER", "no-data", "only-base", "only-new",
};

const char *verdict_name(enum verdict v)
{
	return (unsigned)v < ARRAY_SIZE(verdict_names) ? verdict_names[v] : "?";
}

enum verdict compare_verdict(const struct stat3 *base, const struct stat3 *cur,
			     double threshold, double quantum)
{
	if (!base->valid || !cur->valid)
		return VERDICT_NO_DATA;
	double change = cur->median - base->median;
	double limit = threshold * fabs(base->median);
	if (quantum > limit)
		limit = quantum;
	if (change > limit && cur->min > base->max)
		return VERDICT_LARGER;
	if (change < -limit && cur->max < base->min)
		return VERDICT_SMALLER;
	return VERDICT_SAME;
}

int compare_parse_threshold(const char *s, double *out)
{
	char *end;
	if (!s || !*s)
		return -1;
	double v = strtod(s, &end);
	if (end == s)
		return -1;
	if (*end == '%')
		end++;
	if (*end || !isfinite(v) || v < 0 || v > 1000)
		return -1;
	*out = v / 100;
	return 0;
}

/* ------------------------------------------------------------------ */
/* Matching                                                           */
/* ------------------------------------------------------------------ */

/* Interpreter names of a results document: those with rows, then the rest. */
static void interp_names(const struct results *r, const struct summary *s, struct strvec *out)
{
	for (size_t i = 0; i < s->n_rows; i++)
		if (strvec_find(out, s->rows[i].interpreter) < 0)
			strvec_push(out, s->rows[i].interpreter);
	for (size_t i = 0; i < r->n_interps; i++)
		if (strvec_find(out, r->interps[i].name) < 0)
			strvec_push(out, r->interps[i].name);
}

static char *names_list(const struct strvec *names)
{
	struct buf b = BUF_INIT;
	for (size_t i = 0; i < names->n; i++)
		buf_addf(&b, "%s'%s'", i ? ", " : "", names->v[i]);
	if (!names->n)
		buf_addstr(&b, "none");
	return buf_detach(&b);
}

/*
 * For each base name (index into bnames), the index of its counterpart in
 * nnames or -1. Returns 0 or -1 (a bad --pair, message printed).
 */
static int match_interps(const struct strvec *bnames, const struct strvec *nnames,
			 const struct compare_opts *o, long *map, struct comparison *c)
{
	char *taken = xcalloc(nnames->n + 1, 1);
	int rc = 0;
	for (size_t i = 0; i < bnames->n; i++)
		map[i] = -1;
	for (size_t p = 0; p < o->n_pairs && !rc; p++) {
		long bi = strvec_find(bnames, o->pairs[p].base);
		long ni = strvec_find(nnames, o->pairs[p].cur);
		char *list;
		if (bi < 0) {
			list = names_list(bnames);
			rc = error("--pair %s=%s: the base file has no interpreter '%s' (it has %s)",
				   o->pairs[p].base, o->pairs[p].cur, o->pairs[p].base, list);
			free(list);
		} else if (ni < 0) {
			list = names_list(nnames);
			rc = error("--pair %s=%s: the new file has no interpreter '%s' (it has %s)",
				   o->pairs[p].base, o->pairs[p].cur, o->pairs[p].cur, list);
			free(list);
		} else if (map[bi] >= 0 || taken[ni]) {
			rc = error("--pair %s=%s: '%s' is already paired; pair each interpreter once",
				   o->pairs[p].base, o->pairs[p].cur,
				   map[bi] >= 0 ? o->pairs[p].base : o->pairs[p].cur);
		} else {
			map[bi] = ni;
			taken[ni] = 1;
		}
	}
	if (rc) {
		free(taken);
		return -1;
	}
	int by_name = 0;
	for (size_t i = 0; i < bnames->n; i++) {
		if (map[i] >= 0)
			continue;
		long ni = strvec_find(nnames, bnames->v[i]);
		if (ni >= 0 && !taken[ni]) {
			map[i] = ni;
			taken[ni] = 1;
			by_name++;
		}
	}
	if (!o->n_pairs && !by_name && bnames->n == 1 && nnames->n == 1) {
		map[0] = 0;
		strvec_pushf(&c->notes, "no interpreter name is in both files: comparing the only "
			     "interpreter of each, '%s' (base) with '%s' (new)",
			     bnames->v[0], nnames->v[0]);
	} else if (!o->n_pairs && !by_name && bnames->n && nnames->n) {
		strvec_pushf(&c->notes, "no interpreter name is in both files: pair them with "
			     "--pair OLD=NEW (base has %zu, new has %zu)", bnames->n, nnames->n);
	}
	for (size_t i = 0; i < bnames->n; i++)
		if (map[i] >= 0)
			strvec_pushf(&c->pairs, "%s=%s", bnames->v[i], nnames->v[map[i]]);
	free(taken);
	return 0;
}

static double page_size_of(const struct results *a, const struct results *b)
{
	const struct results *rs[2] = { a, b };
	for (int i = 0; i < 2; i++) {
		const cJSON *ps = rs[i]->machine
			? cJSON_GetObjectItemCaseSensitive(rs[i]->machine, "page_size") : NULL;
		if (cJSON_IsNumber(ps) && ps->valuedouble > 0)
			return ps->valuedouble;
	}
	return DEFAULT_PAGE_SIZE;
}

static struct compare_row *add_row(struct comparison *c)
{
	xgrow((void **)&c->rows, sizeof(*c->rows), c->n_rows + 1, &c->alloc_rows);
	struct compare_row *row = &c->rows[c->n_rows++];
	memset(row, 0, sizeof(*row));
	row->change = row->change_pct = NAN;
	return row;
}

static void fill_side(struct stat3 *st, size_t *failed, size_t *skipped,
		      const struct summary_row *sr)
{
	*st = sr->bytes_per_object;
	*failed = sr->n_failed;
	*skipped = sr->n_skipped;
}

int compare_results(const struct results *base, const struct results *cur,
		    const struct compare_opts *o, struct comparison *c)
{
	memset(c, 0, sizeof(*c));
	strvec_init(&c->warnings);
	strvec_init(&c->notes);
	strvec_init(&c->pairs);
	c->threshold = o->threshold;
	summary_compute(base, &c->base_summary);
	summary_compute(cur, &c->new_summary);
	const struct summary *bs = &c->base_summary, *ns = &c->new_summary;

	compare_machines(base->machine, cur->machine, &c->warnings);
	compare_configs(base->config, cur->config, &c->warnings);

	struct strvec bnames = STRVEC_INIT, nnames = STRVEC_INIT;
	interp_names(base, bs, &bnames);
	interp_names(cur, ns, &nnames);
	long *map = xcalloc(bnames.n + 1, sizeof(*map));
	if (match_interps(&bnames, &nnames, o, map, c)) {
		free(map);
		strvec_clear(&bnames);
		strvec_clear(&nnames);
		comparison_release(c);
		return -1;
	}
	double page = page_size_of(base, cur);
	char *matched = xcalloc(ns->n_rows + 1, 1);
	for (size_t i = 0; i < bs->n_rows; i++) {
		const struct summary_row *b = &bs->rows[i];
		long bi = strvec_find(&bnames, b->interpreter);
		const char *nn = bi >= 0 && map[bi] >= 0 ? nnames.v[map[bi]] : NULL;
		const struct summary_row *n = nn ? summary_find(ns, nn, b->workload, b->count) : NULL;
		struct compare_row *row = add_row(c);
		row->base_interp = b->interpreter;
		row->workload = b->workload;
		row->count = b->count;
		row->quantum = page / (double)b->count;
		fill_side(&row->base, &row->base_failed, &row->base_skipped, b);
		if (!n) {
			row->verdict = VERDICT_ONLY_BASE;
			continue;
		}
		matched[n - ns->rows] = 1;
		row->new_interp = n->interpreter;
		fill_side(&row->cur, &row->new_failed, &row->new_skipped, n);
		row->verdict = compare_verdict(&row->base, &row->cur, o->threshold, row->quantum);
		if (row->base.valid && row->cur.valid) {
			row->change = row->cur.median - row->base.median;
			if (row->base.median != 0)
				row->change_pct = row->change * 100 / fabs(row->base.median);
		}
	}
	for (size_t i = 0; i < ns->n_rows; i++) {
		if (matched[i])
			continue;
		const struct summary_row *n = &ns->rows[i];
		struct compare_row *row = add_row(c);
		row->new_interp = n->interpreter;
		row->workload = n->workload;
		row->count = n->count;
		row->quantum = page / (double)n->count;
		fill_side(&row->cur, &row->new_failed, &row->new_skipped, n);
		row->verdict = VERDICT_ONLY_NEW;
	}
	for (size_t i = 0; i < c->n_rows; i++)
		c->n_verdict[c->rows[i].verdict]++;
	free(matched);
	free(map);
	strvec_clear(&bnames);
	strvec_clear(&nnames);
	return 0;
}

void comparison_release(struct comparison *c)
{
	free(c->rows);
	strvec_clear(&c->warnings);
	strvec_clear(&c->notes);
	strvec_clear(&c->pairs);
	summary_release(&c->base_summary);
	summary_release(&c->new_summary);
	memset(c, 0, sizeof(*c));
}

/* ------------------------------------------------------------------ */
/* Machine and configuration                                          */
/* ------------------------------------------------------------------ */

/* The value of key as text ("?" when absent); malloc'ed. */
static char *value_text(const cJSON *obj, const char *key)
{
	const cJSON *v = obj ? cJSON_GetObjectItemCaseSensitive(obj, key) : NULL;
	if (!v)
		return NULL;
	if (cJSON_IsString(v))
		return xstrdup(v->valuestring);
	char *p = cJSON_PrintUnformatted(v);
	char *s = xstrdup(p ? p : "?");
	cJSON_free(p);
	return s;
}

static void compare_keys(const cJSON *base, const cJSON *cur, const char *const *keys,
			 const char *const *words, size_t n, struct strvec *warnings)
{
	for (size_t i = 0; i < n; i++) {
		char *a = value_text(base, keys[i]), *b = value_text(cur, keys[i]);
		if ((a || b) && (!a || !b || strcmp(a, b)))
			strvec_pushf(warnings, "different %s: base %s%s%s, new %s%s%s", words[i],
				     a ? "'" : "", a ? a : "(not recorded)", a ? "'" : "",
				     b ? "'" : "", b ? b : "(not recorded)", b ? "'" : "");
		free(a);
		free(b);
	}
}

void compare_machines(const cJSON *base, const cJSON *cur, struct strvec *warnings)
{
	static const char *const keys[] = {
		"hostname", "kernel", "os", "arch", "cpu_model", "page_size", "thp_enabled", "glibc",
	};
	static const char *const words[] = {
		"machine (hostname)", "kernel", "operating system", "architecture", "CPU",
		"page size", "transparent huge pages mode", "glibc",
	};
	if (!cJSON_IsObject(base) || !cJSON_IsObject(cur)) {
		strvec_pushf(warnings, "the %s file records no machine: cannot tell whether the "
			     "machines differ", !cJSON_IsObject(base) ? "base" : "new");
		return;
	}
	compare_keys(base, cur, keys, words, ARRAY_SIZE(keys), warnings);
}

void compare_configs(const cJSON *base, const cJSON *cur, struct strvec *warnings)
{
	static const char *const keys[] = {
		"memory_source", "thp_disabled_in_child", "malloc_arena_max",
	};
	static const char *const words[] = {
		"memory source (smaps or smaps_rollup)", "--no-thp setting", "--malloc-arena-max",
	};
	if (!cJSON_IsObject(base) || !cJSON_IsObject(cur))
		return;
	compare_keys(base, cur, keys, words, ARRAY_SIZE(keys), warnings);
}

/* ------------------------------------------------------------------ */
/* Output                                                             */
/* ------------------------------------------------------------------ */

enum num_style { NUM_BYTES, NUM_CHANGE, NUM_PCT };

static void fmt_num(char *out, size_t n, double v, enum num_style style)
{
	if (isnan(v))
		snprintf(out, n, "-");
	else if (style == NUM_BYTES)
		snprintf(out, n, "%.1f", v);
	else if (style == NUM_CHANGE)
		snprintf(out, n, "%+.1f", v);
	else
		snprintf(out, n, "%+.2f%%", v);
}

static void fmt_range(char *out, size_t n, const struct stat3 *s)
{
	if (!s->valid)
		snprintf(out, n, "-");
	else
		snprintf(out, n, "%.1f..%.1f", s->min, s->max);
}

static char *row_interp(const struct compare_row *row)
{
	if (!row->base_interp)
		return xstrdup(row->new_interp);
	if (!row->new_interp || !strcmp(row->base_interp, row->new_interp))
		return xstrdup(row->base_interp);
	return xasprintf("%s -> %s", row->base_interp, row->new_interp);
}

/* "no-data (new: 3 failed)" and the like. */
static char *row_verdict(const struct compare_row *row)
{
	if (row->verdict != VERDICT_NO_DATA)
		return xstrdup(verdict_name(row->verdict));
	struct buf b = BUF_INIT;
	buf_addstr(&b, verdict_name(row->verdict));
	const char *sep = " (";
	if (!row->base.valid) {
		buf_addf(&b, "%sbase: %zu failed, %zu skipped", sep, row->base_failed, row->base_skipped);
		sep = "; ";
	}
	if (!row->cur.valid)
		buf_addf(&b, "%snew: %zu failed, %zu skipped", sep, row->new_failed, row->new_skipped);
	buf_addstr(&b, ")");
	return buf_detach(&b);
}

static void describe_source(struct buf *b, const struct compare_source *s)
{
	const struct results *r = s->r;
	const cJSON *host = r->machine ? cJSON_GetObjectItemCaseSensitive(r->machine, "hostname") : NULL;
	buf_addf(b, "%s (created %s", s->name, r->created ? r->created : "unknown");
	if (r->label)
		buf_addf(b, ", label %s", r->label);
	if (cJSON_IsString(host))
		buf_addf(b, ", host %s", host->valuestring);
	buf_addstr(b, ")");
}

static void print_rule(FILE *out, double threshold, const char *prefix)
{
	fprintf(out, "%sverdict: LARGER (smaller) when the median grew (shrank) by more than %g%% of "
		"the base and by more than one page over the container, and the min..max ranges of "
		"the repetitions do not overlap; else same, as run-to-run noise\n", prefix,
		threshold * 100);
}

static void print_totals(FILE *out, const struct comparison *c, int markdown)
{
	const char *bold = markdown && c->n_verdict[VERDICT_LARGER] ? "**" : "";
	fprintf(out, "%zu rows: %s%zu LARGER%s, %zu smaller, %zu same, %zu no-data, %zu only in base, "
		"%zu only in new\n", c->n_rows, bold, c->n_verdict[VERDICT_LARGER], bold,
		c->n_verdict[VERDICT_SMALLER], c->n_verdict[VERDICT_SAME],
		c->n_verdict[VERDICT_NO_DATA], c->n_verdict[VERDICT_ONLY_BASE],
		c->n_verdict[VERDICT_ONLY_NEW]);
}

/* One row's numbers as the text and markdown tables show them. */
struct row_text {
	char count[32], base[32], base_range[48], cur[32], cur_range[48], change[32], pct[32];
};

static void row_text(const struct compare_row *row, struct row_text *t)
{
	format_count(row->count, t->count, sizeof(t->count));
	fmt_num(t->base, sizeof(t->base), row->base.valid ? row->base.median : NAN, NUM_BYTES);
	fmt_range(t->base_range, sizeof(t->base_range), &row->base);
	fmt_num(t->cur, sizeof(t->cur), row->cur.valid ? row->cur.median : NAN, NUM_BYTES);
	fmt_range(t->cur_range, sizeof(t->cur_range), &row->cur);
	fmt_num(t->change, sizeof(t->change), row->change, NUM_CHANGE);
	fmt_num(t->pct, sizeof(t->pct), row->change_pct, NUM_PCT);
}

static void print_text(FILE *out, const struct comparison *c, const struct compare_source *base,
		       const struct compare_source *cur)
{
	struct buf b = BUF_INIT;
	describe_source(&b, base);
	fprintf(out, "base: %s\n", b.p);
	buf_reset(&b);
	describe_source(&b, cur);
	fprintf(out, "new:  %s\n", b.p);
	buf_release(&b);
	for (size_t i = 0; i < c->warnings.n; i++)
		fprintf(out, "warning: %s\n", c->warnings.v[i]);
	for (size_t i = 0; i < c->notes.n; i++)
		fprintf(out, "note: %s\n", c->notes.v[i]);
	print_rule(out, c->threshold, "");
	fputc('\n', out);

	/* column widths from the content */
	size_t wi = strlen("interpreter"), ww = strlen("workload");
	for (size_t i = 0; i < c->n_rows; i++) {
		char *in = row_interp(&c->rows[i]);
		if (strlen(in) > wi)
			wi = strlen(in);
		if (strlen(c->rows[i].workload) > ww)
			ww = strlen(c->rows[i].workload);
		free(in);
	}
	fprintf(out, "%-*s  %-*s  %6s  %9s  %-15s  %9s  %-15s  %8s  %8s  %s\n", (int)wi, "interpreter",
		(int)ww, "workload", "count", "base B/o", "base range", "new B/o", "new range",
		"change", "change%", "verdict");
	for (size_t i = 0; i < c->n_rows; i++) {
		const struct compare_row *row = &c->rows[i];
		struct row_text t;
		row_text(row, &t);
		char *in = row_interp(row), *v = row_verdict(row);
		fprintf(out, "%-*s  %-*s  %6s  %9s  %-15s  %9s  %-15s  %8s  %8s  %s\n", (int)wi, in,
			(int)ww, row->workload, t.count, t.base, t.base_range, t.cur, t.cur_range,
			t.change, t.pct, v);
		free(in);
		free(v);
	}
	fputc('\n', out);
	print_totals(out, c, 0);
	for (size_t i = 0; i < c->n_rows; i++) {
		const struct compare_row *row = &c->rows[i];
		if (row->verdict != VERDICT_LARGER)
			continue;
		char cnt[32], pct[32];
		format_count(row->count, cnt, sizeof(cnt));
		fmt_num(pct, sizeof(pct), row->change_pct, NUM_PCT);
		char *in = row_interp(row);
		fprintf(out, "LARGER: %s %s %s: %.1f -> %.1f bytes per object (%s)\n", in, row->workload,
			cnt, row->base.median, row->cur.median, pct);
		free(in);
	}
}

/* Markdown table cells: a '|' would end the cell. */
static void md_text(FILE *out, const char *s)
{
	for (; *s; s++) {
		if (*s == '|' || *s == '\\' || *s == '*' || *s == '_' || *s == '`')
			fputc('\\', out);
		fputc(*s == '\n' ? ' ' : *s, out);
	}
}

static void print_markdown(FILE *out, const struct comparison *c,
			   const struct compare_source *base, const struct compare_source *cur)
{
	struct buf b = BUF_INIT;
	fprintf(out, "## objmem compare\n\n- base: ");
	describe_source(&b, base);
	md_text(out, b.p);
	fprintf(out, "\n- new: ");
	buf_reset(&b);
	describe_source(&b, cur);
	md_text(out, b.p);
	buf_release(&b);
	fprintf(out, "\n");
	print_rule(out, c->threshold, "- ");
	fputc('\n', out);
	for (size_t i = 0; i < c->warnings.n; i++) {
		fprintf(out, "> **warning:** ");
		md_text(out, c->warnings.v[i]);
		fprintf(out, "\n\n");
	}
	for (size_t i = 0; i < c->notes.n; i++) {
		fprintf(out, "> note: ");
		md_text(out, c->notes.v[i]);
		fprintf(out, "\n\n");
	}
	fprintf(out, "| interpreter | workload | count | base B/object | base range | new B/object "
		"| new range | change B | change %% | verdict |\n"
		"|---|---|---:|---:|---:|---:|---:|---:|---:|---|\n");
	for (size_t i = 0; i < c->n_rows; i++) {
		const struct compare_row *row = &c->rows[i];
		struct row_text t;
		row_text(row, &t);
		char *in = row_interp(row), *v = row_verdict(row);
		fputs("| ", out);
		md_text(out, in);
		fputs(" | ", out);
		md_text(out, row->workload);
		fprintf(out, " | %s | %s | %s | %s | %s | %s | %s | ", t.count, t.base, t.base_range,
			t.cur, t.cur_range, t.change, t.pct);
		if (row->verdict == VERDICT_LARGER)
			fputs("**LARGER**", out);
		else
			md_text(out, v);
		fputs(" |\n", out);
		free(in);
		free(v);
	}
	fputc('\n', out);
	print_totals(out, c, 1);
}

static cJSON *side_json(const struct stat3 *s, size_t failed, size_t skipped, int present)
{
	if (!present)
		return cJSON_CreateNull();
	cJSON *o = cJSON_CreateObject();
	if (s->valid) {
		cJSON_AddNumberToObject(o, "median", s->median);
		cJSON_AddNumberToObject(o, "min", s->min);
		cJSON_AddNumberToObject(o, "max", s->max);
	} else {
		cJSON_AddNullToObject(o, "median");
		cJSON_AddNullToObject(o, "min");
		cJSON_AddNullToObject(o, "max");
	}
	cJSON_AddNumberToObject(o, "n", (double)s->n);
	cJSON_AddNumberToObject(o, "n_failed", (double)failed);
	cJSON_AddNumberToObject(o, "n_skipped", (double)skipped);
	return o;
}

static cJSON *num_or_null(double v)
{
	return isfinite(v) ? cJSON_CreateNumber(v) : cJSON_CreateNull();
}

static cJSON *source_json(const struct compare_source *s)
{
	cJSON *o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "source", s->name);
	cJSON_AddItemToObject(o, "created", s->r->created ? cJSON_CreateString(s->r->created)
			      : cJSON_CreateNull());
	cJSON_AddItemToObject(o, "label", s->r->label ? cJSON_CreateString(s->r->label)
			      : cJSON_CreateNull());
	return o;
}

static void print_json(FILE *out, const struct comparison *c, const struct compare_source *base,
		       const struct compare_source *cur)
{
	cJSON *doc = cJSON_CreateObject();
	cJSON_AddStringToObject(doc, "schema", "objmem-compare/1");
	cJSON_AddNumberToObject(doc, "threshold_pct", c->threshold * 100);
	cJSON_AddStringToObject(doc, "rule", "LARGER when new.median - base.median > max(threshold * "
				"|base.median|, page_size / count) and new.min > base.max; smaller "
				"symmetrically; else same");
	cJSON_AddItemToObject(doc, "base", source_json(base));
	cJSON_AddItemToObject(doc, "new", source_json(cur));
	cJSON *w = cJSON_AddArrayToObject(doc, "warnings");
	for (size_t i = 0; i < c->warnings.n; i++)
		cJSON_AddItemToArray(w, cJSON_CreateString(c->warnings.v[i]));
	cJSON *notes = cJSON_AddArrayToObject(doc, "notes");
	for (size_t i = 0; i < c->notes.n; i++)
		cJSON_AddItemToArray(notes, cJSON_CreateString(c->notes.v[i]));
	cJSON *pairs = cJSON_AddArrayToObject(doc, "pairs");
	for (size_t i = 0; i < c->pairs.n; i++) {
		const char *eq = strchr(c->pairs.v[i], '=');
		char *b = xstrndup(c->pairs.v[i], (size_t)(eq - c->pairs.v[i]));
		cJSON *p = cJSON_CreateObject();
		cJSON_AddStringToObject(p, "base", b);
		cJSON_AddStringToObject(p, "new", eq + 1);
		cJSON_AddItemToArray(pairs, p);
		free(b);
	}
	cJSON *rows = cJSON_AddArrayToObject(doc, "rows");
	for (size_t i = 0; i < c->n_rows; i++) {
		const struct compare_row *row = &c->rows[i];
		cJSON *o = cJSON_CreateObject();
		cJSON_AddItemToObject(o, "base_interpreter", row->base_interp
				      ? cJSON_CreateString(row->base_interp) : cJSON_CreateNull());
		cJSON_AddItemToObject(o, "new_interpreter", row->new_interp
				      ? cJSON_CreateString(row->new_interp) : cJSON_CreateNull());
		cJSON_AddStringToObject(o, "workload", row->workload);
		cJSON_AddItemToObject(o, "count", json_u64(row->count));
		cJSON_AddItemToObject(o, "base", side_json(&row->base, row->base_failed,
							   row->base_skipped, row->base_interp != NULL));
		cJSON_AddItemToObject(o, "new", side_json(&row->cur, row->new_failed,
							  row->new_skipped, row->new_interp != NULL));
		cJSON_AddItemToObject(o, "change_bytes", num_or_null(row->change));
		cJSON_AddItemToObject(o, "change_pct", num_or_null(row->change_pct));
		cJSON_AddNumberToObject(o, "quantum", row->quantum);
		cJSON_AddStringToObject(o, "verdict", verdict_name(row->verdict));
		cJSON_AddItemToArray(rows, o);
	}
	cJSON *t = cJSON_AddObjectToObject(doc, "totals");
	for (int v = 0; v <= VERDICT_ONLY_NEW; v++)
		cJSON_AddNumberToObject(t, verdict_name((enum verdict)v), (double)c->n_verdict[v]);
	cJSON_AddBoolToObject(doc, "regressed", c->n_verdict[VERDICT_LARGER] > 0);
	char *text = cJSON_Print(doc);
	if (!text)
		die("out of memory printing the comparison");
	fprintf(out, "%s\n", text);
	cJSON_free(text);
	cJSON_Delete(doc);
}

int compare_print(FILE *out, const struct comparison *c, enum compare_format f,
		  const struct compare_source *base, const struct compare_source *cur)
{
	switch (f) {
	case COMPARE_TEXT: print_text(out, c, base, cur); break;
	case COMPARE_MARKDOWN: print_markdown(out, c, base, cur); break;
	case COMPARE_JSON: print_json(out, c, base, cur); break;
	}
	return fflush(out) || ferror(out) ? -1 : 0;
}

int compare_exit_status(const struct comparison *c, int strict)
{
	if (c->n_verdict[VERDICT_LARGER])
		return 1;
	if (!strict)
		return 0;
	for (size_t i = 0; i < c->n_rows; i++) {
		const struct compare_row *row = &c->rows[i];
		if (row->verdict == VERDICT_ONLY_BASE && row->base.valid)
			return 1;
		if (row->verdict == VERDICT_NO_DATA && row->base.valid && !row->cur.valid)
			return 1;
	}
	return 0;
}

/* ------------------------------------------------------------------ */
/* objmem compare                                                     */
/* ------------------------------------------------------------------ */

static const char compare_usage[] =
	"usage: objmem compare BASE NEW [--threshold 1%] [--format text|markdown|json]\n"
	"                      [--pair OLD=NEW]... [--strict]\n"
	"\n"
	"Compares bytes per object of every (interpreter, workload, count) in two results\n"
	"files (paths, or http:// and https:// URLs) and gives each row a verdict:\n"
	"  LARGER   the new median is above the base median by more than the threshold\n"
	"           (and by more than one page over the whole container), and the\n"
	"           new min..max range over the repetitions lies above the base range\n"
	"  smaller  the same, downwards\n"
	"  same     anything else: a change inside the run-to-run spread is noise\n"
	"Rows only in one file are listed as only-base or only-new; rows without an ok\n"
	"repetition on one side as no-data. A different machine, kernel, page size, THP\n"
	"mode or glibc between the files is printed as a warning.\n"
	"\n"
	"  -t, --threshold PCT     relative to the base median, e.g. 1% or 0.5 (default 1%)\n"
	"  -f, --format F          text (default), markdown, json\n"
	"  -p, --pair OLD=NEW      compare base interpreter OLD with new interpreter NEW\n"
	"                          (repeatable); others are matched by name, and when\n"
	"                          each file has one interpreter, those two are compared\n"
	"      --strict            also exit 1 when a row measured in BASE is missing or\n"
	"                          has no ok repetition in NEW\n"
	"      --timeout SECONDS   for URL inputs (default 30)\n"
	"      --insecure          for https URL inputs: do not verify the TLS certificate\n"
	"  -h, --help              this text\n"
	"\n"
	"example:\n"
	"  objmem compare results/baseline.json results/tonight.json --threshold 2%\n"
	"  objmem compare https://bench.example.org/objmem/baseline.json tonight.json \\\n"
	"         --pair cpython-main-20261121=cpython-main-20261122 --format markdown\n"
	"\n"
	"exit status: 0 nothing grew beyond the threshold, 1 something did (or, with\n"
	"--strict, went missing), 2 bad usage or an input that cannot be read.\n";

#define usage(...) usage_error(compare_usage, __VA_ARGS__)

enum { OPT_STRICT = 256, OPT_TIMEOUT, OPT_INSECURE };

static const struct option compare_options[] = {
	{ "threshold", required_argument, NULL, 't' },
	{ "format", required_argument, NULL, 'f' },
	{ "pair", required_argument, NULL, 'p' },
	{ "strict", no_argument, NULL, OPT_STRICT },
	{ "timeout", required_argument, NULL, OPT_TIMEOUT },
	{ "insecure", no_argument, NULL, OPT_INSECURE },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

static int parse_seconds(const char *s, double *out)
{
	char *end;
	double v = strtod(s, &end);
	if (end == s || *end || !(v > 0 && v <= 86400))
		return -1;
	*out = v;
	return 0;
}

int cmd_compare(int argc, char **argv)
{
	struct compare_opts co = { 0.01, NULL, 0 };
	struct compare_pair *pairs = NULL;
	struct strvec pair_names = STRVEC_INIT;
	size_t alloc_pairs = 0;
	enum compare_format fmt = COMPARE_TEXT;
	struct http_opts ho;
	int strict = 0, rc = 2, opt;
	http_opts_init(&ho);

	optind = 1;
	opterr = 0;
	while ((opt = getopt_long(argc, argv, ":t:f:p:h", compare_options, NULL)) != -1) {
		switch (opt) {
		case 't':
			if (compare_parse_threshold(optarg, &co.threshold)) {
				rc = usage("--threshold takes a percentage from 0 to "
						 "1000 like 1%% or 0.5, not '%s'", optarg);
				goto out;
			}
			break;
		case 'f':
			if (!strcmp(optarg, "text"))
				fmt = COMPARE_TEXT;
			else if (!strcmp(optarg, "markdown") || !strcmp(optarg, "md"))
				fmt = COMPARE_MARKDOWN;
			else if (!strcmp(optarg, "json"))
				fmt = COMPARE_JSON;
			else {
				rc = usage("unknown format '%s' (text, markdown, json)", optarg);
				goto out;
			}
			break;
		case 'p': {
			const char *eq = strchr(optarg, '=');
			if (!eq || eq == optarg || !eq[1] || strchr(eq + 1, '=')) {
				rc = usage("--pair takes OLD=NEW, two interpreter "
						 "names, not '%s'", optarg);
				goto out;
			}
			xgrow((void **)&pairs, sizeof(*pairs), co.n_pairs + 1, &alloc_pairs);
			strvec_push_nodup(&pair_names, xstrndup(optarg, (size_t)(eq - optarg)));
			strvec_push(&pair_names, eq + 1);
			pairs[co.n_pairs].base = pair_names.v[pair_names.n - 2];
			pairs[co.n_pairs].cur = pair_names.v[pair_names.n - 1];
			co.n_pairs++;
			break;
		}
		case OPT_STRICT: strict = 1; break;
		case OPT_TIMEOUT:
			if (parse_seconds(optarg, &ho.timeout_s)) {
				rc = usage("--timeout takes seconds between 0 and "
						 "86400, not '%s'", optarg);
				goto out;
			}
			if (ho.connect_timeout_s > ho.timeout_s)
				ho.connect_timeout_s = ho.timeout_s;
			break;
		case OPT_INSECURE: ho.insecure = 1; break;
		case 'h': rc = usage(NULL); goto out;
		case ':':
			rc = usage("option '%s' needs a value", argv[optind - 1]);
			goto out;
		default:
			rc = usage("unknown option '%s'", argv[optind - 1]);
			goto out;
		}
	}
	if (argc - optind != 2) {
		rc = usage(argc - optind < 2
				 ? "give two results files: BASE and NEW"
				 : "give two results files (BASE and NEW), not %d", argc - optind);
		goto out;
	}
	co.pairs = pairs;

	struct results base, cur;
	results_init(&base);
	results_init(&cur);
	if (fetch_results(argv[optind], &ho, &base) ||
	    fetch_results(argv[optind + 1], &ho, &cur)) {
		results_release(&base);
		results_release(&cur);
		goto out;
	}
	struct comparison c;
	if (compare_results(&base, &cur, &co, &c) == 0) {
		char *bn = url_redact(argv[optind]), *nn = url_redact(argv[optind + 1]);
		struct compare_source bs = { bn, &base }, ns = { nn, &cur };
		if (compare_print(stdout, &c, fmt, &bs, &ns))
			rc = 2;
		else
			rc = compare_exit_status(&c, strict);
		free(bn);
		free(nn);
		comparison_release(&c);
	}
	results_release(&base);
	results_release(&cur);
out:
	free(pairs);
	strvec_clear(&pair_names);
	return rc;
}
