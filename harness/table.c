/* table.c - the tables of `objmem show` from a results document; see table.h. */
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "jsonutil.h"
#include "stats.h"
#include "table.h"
#include "textfmt.h"

const char *const table_format_names[] = { "text", "markdown", "csv", "json", NULL };

/* Interpreters, workloads and counts of the summary, in its order (counts ascending). */
struct axes {
	struct strvec interps, workloads;
	uint64_t *counts;
	size_t n_counts;
};

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}

static void axes_init(struct axes *ax, const struct summary *s)
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
		if (!keymap_get(&seen_c, &row->count, sizeof(row->count), &dummy)) {
			keymap_put(&seen_c, &row->count, sizeof(row->count), 0);
			xgrow((void **)&ax->counts, sizeof(*ax->counts), ax->n_counts + 1, &alloc);
			ax->counts[ax->n_counts++] = row->count;
		}
	}
	qsort(ax->counts, ax->n_counts, sizeof(*ax->counts), cmp_u64);
	keymap_release(&seen_i);
	keymap_release(&seen_w);
	keymap_release(&seen_c);
}

static void axes_release(struct axes *ax)
{
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

static void detail_header(FILE *out, const struct summary_row *row, int md_on)
{
	char gs[64] = "";
	if (row->getsizeof.valid)
		snprintf(gs, sizeof(gs), "; sys.getsizeof %.0f bytes", row->getsizeof.median);
	fputs(md_on ? "\n#### " : "\nMemory for ", out);
	put_name(out, row->interpreter, md_on);
	fputs(" / ", out);
	put_name(out, row->workload, md_on);
	if (md_on)
		fprintf(out, "\n\nMB = 10^6 bytes, median over repetitions%s\n\n"
			"| Count | AbsoluteUsage | Delta | Bytes/object | n |\n"
			"|------:|--------------:|------:|-------------:|--:|\n", gs);
	else
		fprintf(out, " (MB = 10^6 bytes, median%s)\n%10s %14s %10s %13s %4s\n"
			"=========================================================\n", gs, "Count",
			"AbsoluteUsage", "Delta", "Bytes/object", "n");
}

/* The article's table: Count, AbsoluteUsage, Delta per interpreter and workload. */
static void print_detail(FILE *out, const struct summary *s, int md_on)
{
	const char *last_i = NULL, *last_w = NULL;
	for (size_t i = 0; i < s->n_rows; i++) {
		const struct summary_row *row = &s->rows[i];
		if (!last_i || strcmp(last_i, row->interpreter) || strcmp(last_w, row->workload)) {
			last_i = row->interpreter;
			last_w = row->workload;
			detail_header(out, row, md_on);
		}
		char abs_s[32], delta_s[32], bpo[32], nn[64];
		cell_text(abs_s, sizeof(abs_s), &row->absolute_bytes, 1e6, 2);
		cell_text(delta_s, sizeof(delta_s), &row->delta_bytes, 1e6, 2);
		cell_text(bpo, sizeof(bpo), &row->bytes_per_object, 1, 1);
		snprintf(nn, sizeof(nn), "%zu", row->n_ok);
		if (!row->n_ok)
			snprintf(nn, sizeof(nn), "0 (%zu failed, %zu skipped)", row->n_failed, row->n_skipped);
		if (md_on)
			fprintf(out, "| %" PRIu64 " | %s | %s | %s | %s |\n", row->count, abs_s, delta_s, bpo, nn);
		else
			fprintf(out, "%10" PRIu64 " %14s %10s %13s %4s\n", row->count, abs_s, delta_s, bpo, nn);
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
		tab_cell(&tb, ax->interps.v[i]);
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

static void print_fits(FILE *out, const struct summary *s, int md_on)
{
	const char *const head[] = { "interpreter", "workload", "bytes/object (slope)",
				     "fixed bytes (intercept)", md_on ? "R²" : "R^2", "points" };
	if (!s->n_fits)
		return;
	fputs(md_on ? "\n**Least-squares fit of delta against count**\n\n"
	      : "\nLeast-squares fit of delta against count\n", out);
	struct tab tb;
	tab_init(&tb, 6, head, "llrrrr");
	for (size_t i = 0; i < s->n_fits; i++) {
		const struct summary_fit *f = &s->fits[i];
		if (!f->fit.valid)
			continue;
		tab_cell(&tb, f->interpreter);
		tab_cell(&tb, f->workload);
		tab_cellf(&tb, "%.2f", f->fit.slope);
		tab_cellf(&tb, "%.0f", f->fit.intercept);
		tab_cellf(&tb, "%.6f", f->fit.r2);
		tab_cellf(&tb, "%zu", f->fit.n);
	}
	tab_print(out, &tb, md_on ? TAB_MARKDOWN : TAB_TEXT);
	tab_release(&tb);
}

/* "- a / b: c" (Markdown) or "  a / b: c" (text), each part escaped. */
static void list_line(FILE *out, int md_on, const char *a, const char *b, const char *c,
		      const char *d)
{
	fputs(md_on ? "- " : "  ", out);
	put_name(out, a, md_on);
	if (b) {
		fputs(" / ", out);
		put_name(out, b, md_on);
	}
	fputs(": ", out);
	put_name(out, c, md_on);
	if (d) {
		fputs(": ", out);
		put_name(out, d, md_on);
	}
	fputc('\n', out);
}

/* A line per (interpreter, workload, status, reason) that was not measured. */
static void print_problems(FILE *out, const struct results *r, int md_on)
{
	int header = 0;
	const char *title = md_on ? "\n**Not measured**\n\n" : "\nNot measured\n";
	for (size_t i = 0; i < r->n_interps; i++) {
		const struct interp *in = &r->interps[i];
		if (!in->skip_reason)
			continue;
		if (!header++)
			fputs(title, out);
		list_line(out, md_on, in->name, NULL, "skipped", in->skip_reason);
	}
	struct keymap seen = KEYMAP_INIT;
	struct buf key = BUF_INIT;
	for (size_t i = 0; i < r->n_cells; i++) {
		const struct cell *c = &r->cells[i];
		if (c->status == CELL_OK)
			continue;
		keymap_key(&key, c->interpreter, c->workload, 0, (int)c->status);
		buf_addstr(&key, c->reason ? c->reason : "");
		if (!keymap_put(&seen, key.p, key.len, i))
			continue;
		if (!header++)
			fputs(title, out);
		list_line(out, md_on, c->interpreter, c->workload, cell_status_name(c->status),
			  c->reason ? c->reason : "");
	}
	buf_release(&key);
	keymap_release(&seen);
}

/* A workload's own remarks ("__slots__ ignored on micropython"), once per pair. */
static void print_notes(FILE *out, const struct results *r, int md_on)
{
	int header = 0;
	struct keymap seen = KEYMAP_INIT;
	struct buf key = BUF_INIT;
	for (size_t i = 0; i < r->n_cells; i++) {
		const struct cell *c = &r->cells[i];
		if (!c->note || !*c->note)
			continue;
		keymap_key(&key, c->interpreter, c->workload, 0, 0);
		buf_addstr(&key, c->note);
		if (!keymap_put(&seen, key.p, key.len, i))
			continue;
		if (!header++)
			fputs(md_on ? "\n**Notes**\n\n" : "\nNotes\n", out);
		list_line(out, md_on, c->interpreter, c->workload, c->note, NULL);
	}
	buf_release(&key);
	keymap_release(&seen);
}

static void print_csv(FILE *out, const struct summary *s)
{
	struct buf b = BUF_INIT;
	buf_addstr(&b, "interpreter,workload,count,n_ok,n_failed,n_skipped,"
		   "bytes_per_object_median,bytes_per_object_min,bytes_per_object_max,"
		   "delta_bytes_median,absolute_bytes_median,full_uss_median,peak_hwm_median,"
		   "getsizeof\n");
	for (size_t i = 0; i < s->n_rows; i++) {
		const struct summary_row *row = &s->rows[i];
		const struct stat3 *st[] = { &row->bytes_per_object, &row->delta_bytes,
					     &row->absolute_bytes, &row->full_uss, &row->peak_hwm,
					     &row->getsizeof };
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

static void print_json(FILE *out, const struct summary *s)
{
	cJSON *arr = cJSON_CreateArray();
	for (size_t i = 0; i < s->n_rows; i++) {
		const struct summary_row *row = &s->rows[i];
		cJSON *o = cJSON_CreateObject();
		cJSON_AddStringToObject(o, "interpreter", row->interpreter);
		cJSON_AddStringToObject(o, "workload", row->workload);
		cJSON_AddItemToObject(o, "count", json_u64(row->count));
		cJSON_AddNumberToObject(o, "n_ok", (double)row->n_ok);
		cJSON_AddItemToObject(o, "bytes_per_object", stat_json(&row->bytes_per_object));
		cJSON_AddItemToObject(o, "delta_bytes", stat_json(&row->delta_bytes));
		cJSON_AddItemToObject(o, "absolute_bytes", stat_json(&row->absolute_bytes));
		cJSON_AddItemToArray(arr, o);
	}
	char *txt = json_print_exact(arr, 1);
	fputs(txt, out);
	free(txt);
	cJSON_Delete(arr);
}

int table_print(FILE *out, const struct results *r, const struct table_opts *opts)
{
	struct summary s;
	summary_compute(r, &s);
	struct axes ax;
	axes_init(&ax, &s);
	int md_on = opts->format == TABLE_MARKDOWN;
	switch (opts->format) {
	case TABLE_CSV:
		print_csv(out, &s);
		break;
	case TABLE_JSON:
		print_json(out, &s);
		break;
	default:
		if (opts->detail)
			print_detail(out, &s, md_on);
		for (size_t i = 0; i < ax.n_counts; i++)
			if (!opts->count || opts->count == ax.counts[i])
				print_bpo(out, &s, ax.counts[i], &ax, md_on);
		if (opts->detail)
			print_fits(out, &s, md_on);
		print_problems(out, r, md_on);
		print_notes(out, r, md_on);
	}
	axes_release(&ax);
	summary_release(&s);
	fflush(out);
	return ferror(out) ? -1 : 0;
}
