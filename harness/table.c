/* table.c - tables from a results document; see table.h. */
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "progress.h"
#include "stats.h"
#include "table.h"

int table_format_from_name(const char *name)
{
	static const char *const names[] = { "text", "markdown", "csv", "json" };
	for (size_t i = 0; i < ARRAY_SIZE(names); i++)
		if (!strcmp(name, names[i]))
			return (int)i;
	return -1;
}

/* Workload names in first-seen order of the summary. */
static void collect(const struct summary *s, struct strvec *interps, struct strvec *workloads,
		    uint64_t **counts, size_t *n_counts)
{
	size_t alloc = 0;
	*counts = NULL;
	*n_counts = 0;
	for (size_t i = 0; i < s->n_rows; i++) {
		const struct summary_row *row = &s->rows[i];
		if (strvec_find(interps, row->interpreter) < 0)
			strvec_push(interps, row->interpreter);
		if (strvec_find(workloads, row->workload) < 0)
			strvec_push(workloads, row->workload);
		size_t k;
		for (k = 0; k < *n_counts && (*counts)[k] != row->count; k++)
			;
		if (k == *n_counts) {
			xgrow((void **)counts, sizeof(**counts), *n_counts + 1, &alloc);
			(*counts)[(*n_counts)++] = row->count;
		}
	}
	for (size_t i = 1; i < *n_counts; i++)
		for (size_t j = i; j > 0 && (*counts)[j - 1] > (*counts)[j]; j--) {
			uint64_t t = (*counts)[j];
			(*counts)[j] = (*counts)[j - 1];
			(*counts)[j - 1] = t;
		}
}

/*
 * A name from the results file as Markdown text: table pipes, HTML and
 * emphasis characters escaped, so a name cannot become markup. Returns a
 * pointer into one of a few rotating static buffers (a line uses several).
 */
static const char *md(const char *s, int on)
{
	static char bufs[4][512];
	static int next;
	if (!on)
		return s;
	char *out = bufs[next++ % 4];
	size_t n = 0;
	for (const char *p = s; *p && n < sizeof(bufs[0]) - 8; p++) {
		const char *rep = NULL;
		switch (*p) {
		case '|': rep = "\\|"; break;
		case '<': rep = "&lt;"; break;
		case '>': rep = "&gt;"; break;
		case '&': rep = "&amp;"; break;
		case '*': rep = "\\*"; break;
		case '_': rep = "\\_"; break;
		case '`': rep = "\\`"; break;
		}
		if (rep) {
			size_t l = strlen(rep);
			memcpy(out + n, rep, l);
			n += l;
		} else {
			out[n++] = *p;
		}
	}
	out[n] = '\0';
	return out;
}

static void cell_text(char *out, size_t n, const struct stat3 *st, double scale, int prec)
{
	if (!st->valid)
		snprintf(out, n, "-");
	else
		snprintf(out, n, "%.*f", prec, st->median / scale);
}

static void print_detail(FILE *out, const struct results *r, const struct summary *s, int md_on)
{
	const char *last_i = NULL, *last_w = NULL;
	for (size_t i = 0; i < s->n_rows; i++) {
		const struct summary_row *row = &s->rows[i];
		if (!last_i || strcmp(last_i, row->interpreter) || strcmp(last_w, row->workload)) {
			last_i = row->interpreter;
			last_w = row->workload;
			char gs[64] = "";
			if (row->getsizeof.valid)
				snprintf(gs, sizeof(gs), "; sys.getsizeof %.0f bytes", row->getsizeof.median);
			if (md_on)
				fprintf(out, "\n#### %s / %s\n\nMB = 10^6 bytes, median over repetitions%s\n\n"
					"| Count | AbsoluteUsage | Delta | Bytes/object | n |\n"
					"|------:|--------------:|------:|-------------:|--:|\n",
					md(row->interpreter, 1), md(row->workload, 1), gs);
			else
				fprintf(out, "\nMemory for %s / %s (MB = 10^6 bytes, median%s)\n"
					"%10s %14s %10s %13s %4s\n"
					"=========================================================\n",
					row->interpreter, row->workload, gs, "Count", "AbsoluteUsage", "Delta",
					"Bytes/object", "n");
		}
		char abs_s[32], delta_s[32], bpo[32];
		cell_text(abs_s, sizeof(abs_s), &row->absolute_bytes, 1e6, 2);
		cell_text(delta_s, sizeof(delta_s), &row->delta_bytes, 1e6, 2);
		cell_text(bpo, sizeof(bpo), &row->bytes_per_object, 1, 1);
		char nn[32];
		snprintf(nn, sizeof(nn), "%zu", row->n_ok);
		if (!row->n_ok)
			snprintf(nn, sizeof(nn), "0 (%zu failed, %zu skipped)", row->n_failed, row->n_skipped);
		if (md_on)
			fprintf(out, "| %" PRIu64 " | %s | %s | %s | %s |\n", row->count, abs_s, delta_s, bpo, nn);
		else
			fprintf(out, "%10" PRIu64 " %14s %10s %13s %4s\n", row->count, abs_s, delta_s, bpo, nn);
	}
	(void)r;
}

static void print_bpo(FILE *out, const struct summary *s, uint64_t count, struct strvec *interps,
		      struct strvec *wls, int md_on)
{
	char cnt[32];
	format_count(count, cnt, sizeof(cnt));
	if (md_on) {
		fprintf(out, "\n**Bytes per object at %s objects** (USS delta / count, median)\n\n| interpreter |", cnt);
		for (size_t w = 0; w < wls->n; w++)
			fprintf(out, " %s |", md(wls->v[w], 1));
		fprintf(out, "\n|---|");
		for (size_t w = 0; w < wls->n; w++)
			fprintf(out, "---:|");
		fputc('\n', out);
	} else {
		fprintf(out, "\nBytes per object at %s objects (USS delta / count, median)\n%-24s", cnt, "interpreter");
		for (size_t w = 0; w < wls->n; w++)
			fprintf(out, " %11.11s", wls->v[w]);
		fputc('\n', out);
	}
	for (size_t i = 0; i < interps->n; i++) {
		if (md_on)
			fprintf(out, "| %s |", md(interps->v[i], 1));
		else
			fprintf(out, "%-24.24s", interps->v[i]);
		for (size_t w = 0; w < wls->n; w++) {
			const struct summary_row *row = summary_find(s, interps->v[i], wls->v[w], count);
			char v[32];
			if (!row)
				snprintf(v, sizeof(v), " ");
			else if (row->bytes_per_object.valid)
				snprintf(v, sizeof(v), "%.1f", row->bytes_per_object.median);
			else
				snprintf(v, sizeof(v), row->n_skipped ? "skipped" : "failed");
			if (md_on)
				fprintf(out, " %s |", v);
			else
				fprintf(out, " %11s", v);
		}
		fputc('\n', out);
	}
}

static void print_fits(FILE *out, const struct summary *s, int md_on)
{
	if (!s->n_fits)
		return;
	if (md_on)
		fprintf(out, "\n**Least-squares fit of delta against count**\n\n"
			"| interpreter | workload | bytes/object (slope) | fixed bytes (intercept) | R² | points |\n"
			"|---|---|---:|---:|---:|---:|\n");
	else
		fprintf(out, "\nLeast-squares fit of delta against count\n%-24s %-16s %10s %14s %8s %6s\n",
			"interpreter", "workload", "slope", "intercept", "R^2", "points");
	for (size_t i = 0; i < s->n_fits; i++) {
		const struct summary_fit *f = &s->fits[i];
		if (!f->fit.valid)
			continue;
		if (md_on)
			fprintf(out, "| %s | %s | %.2f | %.0f | %.6f | %zu |\n", md(f->interpreter, 1),
				md(f->workload, 1),
				f->fit.slope, f->fit.intercept, f->fit.r2, f->fit.n);
		else
			fprintf(out, "%-24.24s %-16.16s %10.2f %14.0f %8.6f %6zu\n", f->interpreter,
				f->workload, f->fit.slope, f->fit.intercept, f->fit.r2, f->fit.n);
	}
}

static void print_problems(FILE *out, const struct results *r, int md_on)
{
	int header = 0;
	for (size_t i = 0; i < r->n_interps; i++) {
		const struct interp *in = &r->interps[i];
		if (!in->skip_reason)
			continue;
		if (!header++)
			fprintf(out, md_on ? "\n**Not measured**\n\n" : "\nNot measured\n");
		fprintf(out, md_on ? "- %s: skipped: %s\n" : "  %s: skipped: %s\n", md(in->name, md_on),
			md(in->skip_reason, md_on));
	}
	for (size_t i = 0; i < r->n_cells; i++) {
		const struct cell *c = &r->cells[i];
		if (c->status == CELL_OK)
			continue;
		/* one line per (interpreter, workload, reason) is enough */
		int seen = 0;
		for (size_t j = 0; j < i && !seen; j++) {
			const struct cell *d = &r->cells[j];
			seen = d->status == c->status && !strcmp(d->interpreter, c->interpreter) &&
			       !strcmp(d->workload, c->workload) &&
			       !strcmp(d->reason ? d->reason : "", c->reason ? c->reason : "");
		}
		if (seen)
			continue;
		if (!header++)
			fprintf(out, md_on ? "\n**Not measured**\n\n" : "\nNot measured\n");
		fprintf(out, md_on ? "- %s / %s: %s: %s\n" : "  %s / %s: %s: %s\n", md(c->interpreter, md_on),
			md(c->workload, md_on), cell_status_name(c->status),
			md(c->reason ? c->reason : "", md_on));
	}
}

/* A workload's own remarks ("__slots__ ignored on micropython"), once per pair. */
static void print_notes(FILE *out, const struct results *r, int md_on)
{
	int header = 0;
	for (size_t i = 0; i < r->n_cells; i++) {
		const struct cell *c = &r->cells[i];
		if (!c->note || !*c->note)
			continue;
		int seen = 0;
		for (size_t j = 0; j < i && !seen; j++) {
			const struct cell *d = &r->cells[j];
			seen = d->note && !strcmp(d->interpreter, c->interpreter) &&
			       !strcmp(d->workload, c->workload) && !strcmp(d->note, c->note);
		}
		if (seen)
			continue;
		if (!header++)
			fprintf(out, md_on ? "\n**Notes**\n\n" : "\nNotes\n");
		fprintf(out, md_on ? "- %s / %s: %s\n" : "  %s / %s: %s\n", md(c->interpreter, md_on),
			md(c->workload, md_on), md(c->note, md_on));
	}
}

static void csv_num(FILE *out, const struct stat3 *st, int which)
{
	if (!st->valid) {
		fputc(',', out);
		return;
	}
	double v = which == 0 ? st->median : which == 1 ? st->min : st->max;
	fprintf(out, ",%.6g", v);
}

static void print_csv(FILE *out, const struct summary *s)
{
	fprintf(out, "interpreter,workload,count,n_ok,n_failed,n_skipped,"
		"bytes_per_object_median,bytes_per_object_min,bytes_per_object_max,"
		"delta_bytes_median,absolute_bytes_median,full_uss_median,peak_hwm_median,getsizeof\n");
	for (size_t i = 0; i < s->n_rows; i++) {
		const struct summary_row *row = &s->rows[i];
		fprintf(out, "%s,%s,%" PRIu64 ",%zu,%zu,%zu", row->interpreter, row->workload,
			row->count, row->n_ok, row->n_failed, row->n_skipped);
		csv_num(out, &row->bytes_per_object, 0);
		csv_num(out, &row->bytes_per_object, 1);
		csv_num(out, &row->bytes_per_object, 2);
		csv_num(out, &row->delta_bytes, 0);
		csv_num(out, &row->absolute_bytes, 0);
		csv_num(out, &row->full_uss, 0);
		csv_num(out, &row->peak_hwm, 0);
		csv_num(out, &row->getsizeof, 0);
		fputc('\n', out);
	}
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
		cJSON_AddNumberToObject(o, "count", (double)row->count);
		cJSON_AddNumberToObject(o, "n_ok", (double)row->n_ok);
		cJSON_AddItemToObject(o, "bytes_per_object", stat_json(&row->bytes_per_object));
		cJSON_AddItemToObject(o, "delta_bytes", stat_json(&row->delta_bytes));
		cJSON_AddItemToObject(o, "absolute_bytes", stat_json(&row->absolute_bytes));
		cJSON_AddItemToArray(arr, o);
	}
	char *txt = cJSON_Print(arr);
	fprintf(out, "%s\n", txt);
	free(txt);
	cJSON_Delete(arr);
}

int table_print(FILE *out, const struct results *r, const struct table_opts *opts)
{
	struct summary s;
	summary_compute(r, &s);
	struct strvec interps = STRVEC_INIT, wls = STRVEC_INIT;
	uint64_t *counts;
	size_t n_counts;
	collect(&s, &interps, &wls, &counts, &n_counts);
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
			print_detail(out, r, &s, md_on);
		for (size_t i = 0; i < n_counts; i++)
			if (!opts->count || opts->count == counts[i])
				print_bpo(out, &s, counts[i], &interps, &wls, md_on);
		if (opts->detail)
			print_fits(out, &s, md_on);
		print_problems(out, r, md_on);
		print_notes(out, r, md_on);
	}
	free(counts);
	strvec_clear(&interps);
	strvec_clear(&wls);
	summary_release(&s);
	fflush(out);
	return ferror(out) ? -1 : 0;
}
