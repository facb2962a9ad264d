/* compare.c - two results documents side by side; see compare.h. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compare.h"
#include "jsonutil.h"
#include "textfmt.h"

static const char *const verdict_names[] = {
	"same", "smaller", "LARGER", "no-data", "only-base", "only-new", "MISSING",
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
	summary_compute_pair(base, &c->base_summary, cur, &c->new_summary);
	const struct summary *bs = &c->base_summary, *ns = &c->new_summary;

	compare_machines(&base->machine, &cur->machine, &c->warnings);
	compare_configs(&base->config, &cur->config, &c->warnings);

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
	double page = results_pair_page_size(base, cur);
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
			/* measured in the base, gone from the new file: the gate fails */
			row->verdict = row->base.valid ? VERDICT_MISSING : VERDICT_ONLY_BASE;
			continue;
		}
		matched[n - ns->rows] = 1;
		row->new_interp = n->interpreter;
		fill_side(&row->cur, &row->new_failed, &row->new_skipped, n);
		row->verdict = compare_verdict(&row->base, &row->cur, o->threshold, row->quantum);
		if (row->base.valid && !row->cur.valid)
			row->verdict = VERDICT_MISSING;
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

/* A warning for every field marked FIELD_COMPARE whose values differ. */
static void compare_fields(const void *base, const void *cur, const struct field_desc *fields,
			   size_t n, struct strvec *warnings)
{
	for (size_t i = 0; i < n; i++) {
		if (!(fields[i].flags & FIELD_COMPARE))
			continue;
		char *a = field_text(base, &fields[i]), *b = field_text(cur, &fields[i]);
		if ((a || b) && (!a || !b || strcmp(a, b)))
			strvec_pushf(warnings, "different %s: base %s%s%s, new %s%s%s", fields[i].words,
				     a ? "'" : "", a ? a : "(not recorded)", a ? "'" : "",
				     b ? "'" : "", b ? b : "(not recorded)", b ? "'" : "");
		free(a);
		free(b);
	}
}

void compare_machines(const struct machine *base, const struct machine *cur,
		      struct strvec *warnings)
{
	if (!base->present || !cur->present) {
		strvec_pushf(warnings, "the %s file records no machine: cannot tell whether the "
			     "machines differ", !base->present ? "base" : "new");
		return;
	}
	compare_fields(base, cur, machine_fields, n_machine_fields, warnings);
}

void compare_configs(const struct config *base, const struct config *cur, struct strvec *warnings)
{
	if (!base->present || !cur->present)
		return;
	compare_fields(base, cur, config_fields, n_config_fields, warnings);
}

/* ------------------------------------------------------------------ */
/* Output                                                             */
/* ------------------------------------------------------------------ */

enum num_style { NUM_BYTES, NUM_CHANGE, NUM_PCT };

/* tail after the len bytes of out (n bytes in all), cut short to fit: the new length */
static size_t str_append(char *out, size_t n, size_t len, const char *tail)
{
	size_t k = strlen(tail);
	if (len + k >= n)
		k = len + 1 < n ? n - len - 1 : 0;
	memcpy(out + len, tail, k);
	out[len + k] = 0;
	return len + k;
}

static void fmt_num(char *out, size_t n, double v, enum num_style style)
{
	if (isnan(v))
		snprintf(out, n, "-");
	else if (style == NUM_BYTES || style == NUM_CHANGE)
		fmt_fixed(out, n, v, 1, style == NUM_CHANGE);
	else /* "%+.2f%%" */
		str_append(out, n, fmt_fixed(out, n, v, 2, 1), "%");
}

static void fmt_range(char *out, size_t n, const struct stat3 *s)
{
	if (!s->valid) {
		snprintf(out, n, "-");
		return;
	}
	size_t len = str_append(out, n, fmt_fixed(out, n, s->min, 1, 0), "..");
	fmt_fixed(out + len, n - len, s->max, 1, 0);   /* "%.1f..%.1f" */
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
	if (row->verdict == VERDICT_MISSING && !row->new_interp)
		return xstrdup("MISSING (not in new)");
	if (row->verdict != VERDICT_NO_DATA && row->verdict != VERDICT_MISSING)
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
	buf_addf(b, "%s (created %s", s->name, r->created ? r->created : "unknown");
	if (r->label)
		buf_addf(b, ", label %s", r->label);
	if (r->machine.hostname)
		buf_addf(b, ", host %s", r->machine.hostname);
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
	const char *mbold = markdown && c->n_verdict[VERDICT_MISSING] ? "**" : "";
	fprintf(out, "%zu rows: %s%zu LARGER%s, %zu smaller, %zu same, %s%zu MISSING%s, %zu no-data, "
		"%zu only in base, %zu only in new\n", c->n_rows, bold, c->n_verdict[VERDICT_LARGER],
		bold, c->n_verdict[VERDICT_SMALLER], c->n_verdict[VERDICT_SAME], mbold,
		c->n_verdict[VERDICT_MISSING], mbold, c->n_verdict[VERDICT_NO_DATA],
		c->n_verdict[VERDICT_ONLY_BASE], c->n_verdict[VERDICT_ONLY_NEW]);
}

/* The table of rows, for text and Markdown alike. */
static void rows_table(FILE *out, const struct comparison *c, enum tab_format f)
{
	static const char *const text_head[] = { "interpreter", "workload", "count", "base B/o",
						 "base range", "new B/o", "new range", "change",
						 "change%", "verdict" };
	static const char *const md_head[] = { "interpreter", "workload", "count", "base B/object",
					       "base range", "new B/object", "new range", "change B",
					       "change %", "verdict" };
	struct tab tb;
	if (f == TAB_MARKDOWN)
		tab_init(&tb, 10, md_head, "llrrrrrrrl");
	else
		tab_init(&tb, 10, text_head, "llrrlrlrrl");
	for (size_t i = 0; i < c->n_rows; i++) {
		const struct compare_row *row = &c->rows[i];
		char num[64];
		char *in = row_interp(row), *v = row_verdict(row);
		tab_cell(&tb, in);
		tab_cell(&tb, row->workload);
		format_count(row->count, num, sizeof(num));
		tab_cell(&tb, num);
		fmt_num(num, sizeof(num), row->base.valid ? row->base.median : NAN, NUM_BYTES);
		tab_cell(&tb, num);
		fmt_range(num, sizeof(num), &row->base);
		tab_cell(&tb, num);
		fmt_num(num, sizeof(num), row->cur.valid ? row->cur.median : NAN, NUM_BYTES);
		tab_cell(&tb, num);
		fmt_range(num, sizeof(num), &row->cur);
		tab_cell(&tb, num);
		fmt_num(num, sizeof(num), row->change, NUM_CHANGE);
		tab_cell(&tb, num);
		fmt_num(num, sizeof(num), row->change_pct, NUM_PCT);
		tab_cell(&tb, num);
		if (row->verdict == VERDICT_LARGER)
			tab_cell_strong(&tb, v);
		else
			tab_cell(&tb, v);
		free(in);
		free(v);
	}
	tab_print(out, &tb, f);
	tab_release(&tb);
}

static void print_larger(FILE *out, const struct comparison *c)
{
	for (size_t i = 0; i < c->n_rows; i++) {
		const struct compare_row *row = &c->rows[i];
		if (row->verdict != VERDICT_LARGER)
			continue;
		char cnt[32], pct[32];
		format_count(row->count, cnt, sizeof(cnt));
		fmt_num(pct, sizeof(pct), row->change_pct, NUM_PCT);
		char *in = row_interp(row);
		struct buf b = BUF_INIT;
		buf_addf(&b, "LARGER: %s %s %s: %.1f -> %.1f bytes per object (%s)", in, row->workload,
			 cnt, row->base.median, row->cur.median, pct);
		term_fputs(out, b.p);
		fputc('\n', out);
		buf_release(&b);
		free(in);
	}
}

static void print_text(FILE *out, const struct comparison *c, const struct compare_source *base,
		       const struct compare_source *cur)
{
	struct buf b = BUF_INIT;
	buf_addstr(&b, "base: ");
	describe_source(&b, base);
	buf_addstr(&b, "\nnew:  ");
	describe_source(&b, cur);
	for (size_t i = 0; i < c->warnings.n; i++)
		buf_addf(&b, "\nwarning: %s", c->warnings.v[i]);
	for (size_t i = 0; i < c->notes.n; i++)
		buf_addf(&b, "\nnote: %s", c->notes.v[i]);
	/* line by line: the names in it are escaped, the line breaks are ours */
	for (char *line = b.p, *nl; line; line = nl ? nl + 1 : NULL) {
		nl = strchr(line, '\n');
		if (nl)
			*nl = '\0';
		term_fputs(out, line);
		fputc('\n', out);
	}
	buf_release(&b);
	print_rule(out, c->threshold, "");
	fputc('\n', out);
	rows_table(out, c, TAB_TEXT);
	fputc('\n', out);
	print_totals(out, c, 0);
	print_larger(out, c);
}

static void print_markdown(FILE *out, const struct comparison *c,
			   const struct compare_source *base, const struct compare_source *cur)
{
	struct buf b = BUF_INIT;
	fprintf(out, "## objmem compare\n\n- base: ");
	describe_source(&b, base);
	md_fputs(out, b.p);
	fprintf(out, "\n- new: ");
	buf_reset(&b);
	describe_source(&b, cur);
	md_fputs(out, b.p);
	buf_release(&b);
	fprintf(out, "\n");
	print_rule(out, c->threshold, "- ");
	fputc('\n', out);
	for (size_t i = 0; i < c->warnings.n; i++) {
		fprintf(out, "> **warning:** ");
		md_fputs(out, c->warnings.v[i]);
		fprintf(out, "\n\n");
	}
	for (size_t i = 0; i < c->notes.n; i++) {
		fprintf(out, "> note: ");
		md_fputs(out, c->notes.v[i]);
		fprintf(out, "\n\n");
	}
	rows_table(out, c, TAB_MARKDOWN);
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
	for (int v = 0; v < VERDICT_COUNT; v++)
		cJSON_AddNumberToObject(t, verdict_name((enum verdict)v), (double)c->n_verdict[v]);
	cJSON_AddBoolToObject(doc, "regressed", c->n_verdict[VERDICT_LARGER] > 0);
	cJSON_AddBoolToObject(doc, "missing", c->n_verdict[VERDICT_MISSING] > 0);
	char *text = json_print_exact(doc, 1);
	fputs(text, out);
	free(text);
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

int compare_exit_status(const struct comparison *c, int allow_missing)
{
	if (c->n_verdict[VERDICT_LARGER])
		return 1;
	return c->n_verdict[VERDICT_MISSING] && !allow_missing ? 1 : 0;
}

