/* table.c - the tables of `objmem show` from a results document; see table.h. */
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "jsonutil.h"
#include "probe.h"
#include "stats.h"
#include "table.h"
#include "textfmt.h"

const char *const table_format_names[] = { "text", "markdown", "csv", "json", "pyperf",
					     NULL };

/* Interpreters, workloads and counts of the summary, in its order (counts ascending). */
struct axes {
	struct strvec interps, workloads;
	char **labels;       /* per interps entry: what the tables call it */
	uint64_t *counts;
	size_t n_counts;
};

/* The summary's interpreters (in version order, as the figures list them),
 * workloads and counts; only opts_count when it is not 0. */
static void axes_init(struct axes *ax, const struct results *r, const struct summary *s,
		      uint64_t only_count, int labels)
{
	memset(ax, 0, sizeof(*ax));
	struct keymap seen_i = KEYMAP_INIT, seen_w = KEYMAP_INIT, seen_c = KEYMAP_INIT;
	size_t alloc = 0, dummy;
	for (size_t i = 0; i < s->n_rows; i++) {
		const struct summary_row *row = &s->rows[i];
		if (keymap_puts(&seen_i, row->interpreter, 0))
			strvec_push(&ax->interps, row->interpreter);
		if (keymap_puts(&seen_w, row->workload, 0))
			strvec_push(&ax->workloads, row->workload);
		if ((!only_count || row->count == only_count) &&
		    !keymap_get(&seen_c, &row->count, sizeof(row->count), &dummy)) {
			keymap_put(&seen_c, &row->count, sizeof(row->count), 0);
			xgrow((void **)&ax->counts, sizeof(*ax->counts), ax->n_counts + 1, &alloc);
			ax->counts[ax->n_counts++] = row->count;
		}
	}
	qsort(ax->counts, ax->n_counts, sizeof(*ax->counts), cmp_u64);
	probe_sort_names(r, (const char **)ax->interps.v, ax->interps.n);
	if (labels) {
		ax->labels = probe_labels(r, (const char *const *)ax->interps.v, ax->interps.n);
	} else {
		ax->labels = xcalloc(ax->interps.n + 1, sizeof(*ax->labels));
		for (size_t i = 0; i < ax->interps.n; i++)
			ax->labels[i] = xstrdup(ax->interps.v[i]);
	}
	keymap_release(&seen_i);
	keymap_release(&seen_w);
	keymap_release(&seen_c);
}

/* What the tables call the interpreter name. */
static const char *axis_label(const struct axes *ax, const char *name)
{
	for (size_t i = 0; i < ax->interps.n; i++)
		if (!strcmp(ax->interps.v[i], name))
			return ax->labels[i];
	return name;
}

static void axes_release(struct axes *ax)
{
	probe_labels_free(ax->labels, ax->interps.n);
	strvec_clear(&ax->interps);
	strvec_clear(&ax->workloads);
	free(ax->counts);
}

static void cell_text(char *out, size_t n, const struct stat3 *st, double scale, int prec)
{
	if (!st->valid)
		snprintf(out, n, "-");
	else
		snprintf(out, n, "%.*f", prec, st->median / scale);
}

/* A name, escaped for the format: Markdown or the terminal. */
static void put_name(FILE *out, const char *s, int md_on)
{
	if (md_on)
		md_fputs(out, s);
	else
		term_fputs(out, s);
}

static void detail_header(FILE *out, const struct summary_row *row, const struct axes *ax,
			  int md_on)
{
	char gs[64] = "";
	if (row->getsizeof.valid)
		snprintf(gs, sizeof(gs), "; sys.getsizeof %.0f bytes", row->getsizeof.median);
	fputs(md_on ? "\n#### " : "\nMemory for ", out);
	put_name(out, axis_label(ax, row->interpreter), md_on);
	fputs(" / ", out);
	put_name(out, row->workload, md_on);
	if (md_on)
		fprintf(out, "\n\nMB = 10^6 bytes, median over repetitions; Peak = VmHWM - RSS at "
			"start%s\n\n"
			"| Count | AbsoluteUsage | Delta | Peak | Bytes/object | n |\n"
			"|------:|--------------:|------:|-----:|-------------:|--:|\n", gs);
	else
		fprintf(out, " (MB = 10^6 bytes, median; Peak = VmHWM - RSS at start%s)\n"
			"%10s %14s %10s %10s %13s %4s\n"
			"====================================================================\n",
			gs, "Count", "AbsoluteUsage", "Delta", "Peak", "Bytes/object", "n");
}

/* The article's table, with the peak: per interpreter and workload, a row per count. */
static void print_detail(FILE *out, const struct summary *s, const struct axes *ax, int md_on)
{
	for (size_t i = 0; i < ax->interps.n; i++)
		for (size_t w = 0; w < ax->workloads.n; w++)
			for (size_t k = 0, head = 0; k < ax->n_counts; k++) {
				const struct summary_row *row = summary_find(s, ax->interps.v[i],
									     ax->workloads.v[w],
									     ax->counts[k]);
				if (!row)
					continue;
				if (!head++)
					detail_header(out, row, ax, md_on);
				char abs_s[32], delta_s[32], peak[32], bpo[32], nn[64];
				cell_text(abs_s, sizeof(abs_s), &row->absolute_bytes, 1e6, 2);
				cell_text(delta_s, sizeof(delta_s), &row->delta_bytes, 1e6, 2);
				cell_text(peak, sizeof(peak), &row->peak_bytes, 1e6, 2);
				cell_text(bpo, sizeof(bpo), &row->bytes_per_object, 1, 1);
				snprintf(nn, sizeof(nn), "%zu", row->n_ok);
				if (!row->n_ok)
					snprintf(nn, sizeof(nn), "0 (%zu failed, %zu skipped)",
						 row->n_failed, row->n_skipped);
				fprintf(out, md_on ? "| %" PRIu64 " | %s | %s | %s | %s | %s |\n"
					: "%10" PRIu64 " %14s %10s %10s %13s %4s\n", row->count, abs_s,
					delta_s, peak, bpo, nn);
			}
}

/* Bytes per object at one count: interpreters down, workloads across. */
static void print_bpo(FILE *out, const struct summary *s, uint64_t count, const struct axes *ax,
		      int md_on)
{
	char cnt[32];
	format_count(count, cnt, sizeof(cnt));
	fprintf(out, md_on ? "\n**Bytes per object at %s objects** (USS delta / count, median)\n\n"
		: "\nBytes per object at %s objects (USS delta / count, median)\n", cnt);
	size_t ncols = ax->workloads.n + 1;
	const char **head = xcalloc(ncols, sizeof(*head));
	char *align = xcalloc(ncols + 1, 1);
	head[0] = "interpreter";
	align[0] = 'l';
	for (size_t w = 0; w < ax->workloads.n; w++) {
		head[w + 1] = ax->workloads.v[w];
		align[w + 1] = 'r';
	}
	struct tab tb;
	tab_init(&tb, ncols, head, align);
	for (size_t i = 0; i < ax->interps.n; i++) {
		tab_cell(&tb, ax->labels[i]);
		for (size_t w = 0; w < ax->workloads.n; w++) {
			const struct summary_row *row = summary_find(s, ax->interps.v[i],
								     ax->workloads.v[w], count);
			if (!row)
				tab_cell(&tb, "");
			else if (row->bytes_per_object.valid)
				tab_cellf(&tb, "%.1f", row->bytes_per_object.median);
			else
				tab_cell(&tb, row->n_skipped ? "skipped" : "failed");
		}
	}
	tab_print(out, &tb, md_on ? TAB_MARKDOWN : TAB_TEXT);
	tab_release(&tb);
	free(head);
	free(align);
}

static const struct summary_fit *find_fit(const struct summary *s, const char *interp,
					  const char *wl)
{
	for (size_t i = 0; i < s->n_fits; i++)
		if (!strcmp(s->fits[i].interpreter, interp) && !strcmp(s->fits[i].workload, wl))
			return &s->fits[i];
	return NULL;
}

/* The fits, in the tables' order. */
static void print_fits(FILE *out, const struct summary *s, const struct axes *ax, int md_on)
{
	const char *const head[] = { "interpreter", "workload", "bytes/object (slope)",
				     "fixed bytes (intercept)", md_on ? "R²" : "R^2", "points" };
	if (!s->n_fits)
		return;
	fputs(md_on ? "\n**Least-squares fit of delta against count**\n\n"
	      : "\nLeast-squares fit of delta against count\n", out);
	struct tab tb;
	tab_init(&tb, 6, head, "llrrrr");
	for (size_t k = 0; k < ax->interps.n * ax->workloads.n; k++) {
		const struct summary_fit *f = find_fit(s, ax->interps.v[k / ax->workloads.n],
						       ax->workloads.v[k % ax->workloads.n]);
		if (!f || !f->fit.valid)
			continue;
		tab_cell(&tb, axis_label(ax, f->interpreter));
		tab_cell(&tb, f->workload);
		tab_cellf(&tb, "%.2f", f->fit.slope);
		tab_cellf(&tb, "%.0f", f->fit.intercept);
		tab_cellf(&tb, "%.6f", f->fit.r2);
		tab_cellf(&tb, "%zu", f->fit.n);
	}
	tab_print(out, &tb, md_on ? TAB_MARKDOWN : TAB_TEXT);
	tab_release(&tb);
}

/*
 * Lines said of many cells, each said once: a group per distinct text
 * ("skipped: no module named x", a workload's note), with the places
 * (interpreter / workload) it applies to, in the order first seen.
 */
struct said {
	struct keymap index;     /* text -> group */
	struct keymap placed;    /* (group, place) already listed */
	struct strvec head, text; /* per group: "skipped" (or NULL-like ""), the text */
	struct strvec *places;
	size_t n, alloc;
};

static void said_add(struct said *sd, const char *head, const char *text, const char *interp,
		     const char *wl)
{
	struct buf key = BUF_INIT;
	keymap_key(&key, head, text, 0, 0);
	size_t g;
	if (!keymap_get(&sd->index, key.p, key.len, &g)) {
		g = sd->n++;
		keymap_put(&sd->index, key.p, key.len, g);
		xgrow((void **)&sd->places, sizeof(*sd->places), sd->n, &sd->alloc);
		memset(&sd->places[g], 0, sizeof(sd->places[g]));
		strvec_push(&sd->head, head);
		strvec_push(&sd->text, text);
	}
	char *place = wl ? xasprintf("%s / %s", interp, wl) : xstrdup(interp);
	keymap_key(&key, place, "", g, 0);
	if (keymap_put(&sd->placed, key.p, key.len, 0))
		strvec_push(&sd->places[g], place);
	buf_release(&key);
	free(place);
}

/* "- skipped: why (a / w, b / w)" (Markdown) or "  skipped: why (...)" (text), escaped. */
static void said_print(FILE *out, const struct said *sd, const char *title, int md_on)
{
	if (sd->n)
		fputs(title, out);
	for (size_t g = 0; g < sd->n; g++) {
		fputs(md_on ? "- " : "  ", out);
		if (*sd->head.v[g]) {
			put_name(out, sd->head.v[g], md_on);
			fputs(*sd->text.v[g] ? ": " : "", out);
		}
		put_name(out, sd->text.v[g], md_on);
		fputs(" (", out);
		for (size_t k = 0; k < sd->places[g].n; k++) {
			fputs(k ? ", " : "", out);
			put_name(out, sd->places[g].v[k], md_on);
		}
		fputs(")\n", out);
	}
}

static void said_release(struct said *sd)
{
	for (size_t g = 0; g < sd->n; g++)
		strvec_clear(&sd->places[g]);
	free(sd->places);
	strvec_clear(&sd->head);
	strvec_clear(&sd->text);
	keymap_release(&sd->index);
	keymap_release(&sd->placed);
}

/* What was not measured, and why: each reason once, with where it applies. */
static void print_problems(FILE *out, const struct results *r, int md_on)
{
	struct said sd;
	memset(&sd, 0, sizeof(sd));
	for (size_t i = 0; i < r->n_interps; i++) {
		const struct interp *in = &r->interps[i];
		if (in->skip_reason)
			said_add(&sd, "skipped", in->skip_reason, in->name, NULL);
	}
	for (size_t i = 0; i < r->n_cells; i++) {
		const struct cell *c = &r->cells[i];
		if (c->status != CELL_OK)
			said_add(&sd, cell_status_name(c->status), c->reason ? c->reason : "",
				 c->interpreter, c->workload);
	}
	said_print(out, &sd, md_on ? "\n**Not measured**\n\n" : "\nNot measured\n", md_on);
	said_release(&sd);
}

/* A workload's own remarks ("__slots__ ignored on micropython"), each once. */
static void print_notes(FILE *out, const struct results *r, int md_on)
{
	struct said sd;
	memset(&sd, 0, sizeof(sd));
	for (size_t i = 0; i < r->n_cells; i++) {
		const struct cell *c = &r->cells[i];
		if (c->note && *c->note)
			said_add(&sd, "", c->note, c->interpreter, c->workload);
	}
	said_print(out, &sd, md_on ? "\n**Notes**\n\n" : "\nNotes\n", md_on);
	said_release(&sd);
}

/* The summary's rows in the tables' order, at the axes' counts. */
static size_t ordered_rows(const struct summary *s, const struct axes *ax,
			   const struct summary_row **out)
{
	size_t n = 0;
	for (size_t i = 0; i < ax->interps.n; i++)
		for (size_t w = 0; w < ax->workloads.n; w++)
			for (size_t k = 0; k < ax->n_counts; k++) {
				const struct summary_row *row = summary_find(s, ax->interps.v[i],
									     ax->workloads.v[w],
									     ax->counts[k]);
				if (row)
					out[n++] = row;
			}
	return n;
}

/* New columns go last, so scripts reading columns by position keep working. */
static void print_csv(FILE *out, const struct summary *s, const struct axes *ax)
{
	struct buf b = BUF_INIT;
	buf_addstr(&b, "interpreter,workload,count,n_ok,n_failed,n_skipped,"
		   "bytes_per_object_median,bytes_per_object_min,bytes_per_object_max,"
		   "delta_bytes_median,absolute_bytes_median,full_uss_median,peak_hwm_median,"
		   "getsizeof,peak_bytes_median\n");
	const struct summary_row **rows = xcalloc(s->n_rows + 1, sizeof(*rows));
	size_t n = ordered_rows(s, ax, rows);
	for (size_t i = 0; i < n; i++) {
		const struct summary_row *row = rows[i];
		const struct stat3 *st[] = { &row->bytes_per_object, &row->delta_bytes,
					     &row->absolute_bytes, &row->full_uss, &row->peak_hwm,
					     &row->getsizeof, &row->peak_bytes };
		csv_field(&b, row->interpreter);
		buf_addstr(&b, ",");
		csv_field(&b, row->workload);
		buf_addf(&b, ",%" PRIu64 ",%zu,%zu,%zu", row->count, row->n_ok, row->n_failed,
			 row->n_skipped);
		for (size_t k = 0; k < ARRAY_SIZE(st); k++) {
			double v = st[k]->valid ? st[k]->median : NAN;
			buf_addstr(&b, ",");
			csv_number(&b, v);
			if (k == 0) { /* min and max of bytes per object */
				buf_addstr(&b, ",");
				csv_number(&b, st[0]->valid ? st[0]->min : NAN);
				buf_addstr(&b, ",");
				csv_number(&b, st[0]->valid ? st[0]->max : NAN);
			}
		}
		buf_addstr(&b, "\n");
	}
	free(rows);
	fputs(b.p, out);
	buf_release(&b);
}

static cJSON *stat_json(const struct stat3 *st)
{
	if (!st->valid)
		return cJSON_CreateNull();
	cJSON *o = cJSON_CreateObject();
	cJSON_AddNumberToObject(o, "median", st->median);
	cJSON_AddNumberToObject(o, "min", st->min);
	cJSON_AddNumberToObject(o, "max", st->max);
	cJSON_AddNumberToObject(o, "n", (double)st->n);
	return o;
}

static void print_json(FILE *out, const struct summary *s, const struct axes *ax)
{
	cJSON *arr = cJSON_CreateArray();
	const struct summary_row **rows = xcalloc(s->n_rows + 1, sizeof(*rows));
	size_t n = ordered_rows(s, ax, rows);
	for (size_t i = 0; i < n; i++) {
		const struct summary_row *row = rows[i];
		cJSON *o = cJSON_CreateObject();
		cJSON_AddStringToObject(o, "interpreter", row->interpreter);
		cJSON_AddStringToObject(o, "workload", row->workload);
		cJSON_AddItemToObject(o, "count", json_u64(row->count));
		cJSON_AddNumberToObject(o, "n_ok", (double)row->n_ok);
		cJSON_AddItemToObject(o, "bytes_per_object", stat_json(&row->bytes_per_object));
		cJSON_AddItemToObject(o, "delta_bytes", stat_json(&row->delta_bytes));
		cJSON_AddItemToObject(o, "absolute_bytes", stat_json(&row->absolute_bytes));
		cJSON_AddItemToObject(o, "peak_bytes", stat_json(&row->peak_bytes));
		cJSON_AddItemToArray(arr, o);
	}
	free(rows);
	char *txt = json_print_exact(arr, 1);
	fputs(txt, out);
	free(txt);
	cJSON_Delete(arr);
}

int table_print(FILE *out, const struct results *r, const struct table_opts *opts)
{
	if (opts->count && results_require_count(r, opts->count))
		return -2;
	struct summary s;
	summary_compute(r, &s);
	struct axes ax;
	axes_init(&ax, r, &s, opts->count, opts->labels && opts->format <= TABLE_MARKDOWN);
	int md_on = opts->format == TABLE_MARKDOWN;
	switch (opts->format) {
	case TABLE_CSV:
		print_csv(out, &s, &ax);
		break;
	case TABLE_JSON:
		print_json(out, &s, &ax);
		break;
	default:
		if (opts->detail)
			print_detail(out, &s, &ax, md_on);
		for (size_t i = 0; i < ax.n_counts; i++)
			print_bpo(out, &s, ax.counts[i], &ax, md_on);
		if (opts->detail)
			print_fits(out, &s, &ax, md_on);
		if (opts->detail || !opts->count) {   /* --brief -n: the one table */
			print_problems(out, r, md_on);
			print_notes(out, r, md_on);
		}
	}
	axes_release(&ax);
	summary_release(&s);
	fflush(out);
	return ferror(out) ? -1 : 0;
}
