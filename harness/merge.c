/* merge.c - joining results documents, and `objmem merge`; see merge.h. */
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "compare.h"
#include "fetch.h"
#include "jsonutil.h"
#include "merge.h"
#include "progress.h"
#include "results.h"

#define MAX_CONFLICTS_SHOWN 20

void merge_init(struct merge *m)
{
	memset(m, 0, sizeof(*m));
	results_init(&m->out);
	strvec_init(&m->conflicts);
	strvec_init(&m->warnings);
	strvec_init(&m->sources);
}

void merge_release(struct merge *m)
{
	results_release(&m->out);
	strvec_clear(&m->conflicts);
	strvec_clear(&m->warnings);
	strvec_clear(&m->sources);
	free(m->cell_src);
	free(m->interp_src);
	memset(m, 0, sizeof(*m));
}

/* ------------------------------------------------------------------ */
/* Agreement                                                          */
/* ------------------------------------------------------------------ */

static int str_eq(const char *a, const char *b)
{
	return a == b || (a && b && !strcmp(a, b));
}

static int differ(char **why, const char *fmt, ...) PRINTF_LIKE(2, 3);

static int differ(char **why, const char *fmt, ...)
{
	if (why) {
		va_list ap;
		va_start(ap, fmt);
		if (vasprintf(why, fmt, ap) < 0)
			die("out of memory");
		va_end(ap);
	}
	return 0;
}

static const char *or_null(const char *s)
{
	return s ? s : "null";
}

int merge_cells_agree(const struct cell *a, const struct cell *b, char **why)
{
	if (why)
		*why = NULL;
	if (a->status != b->status)
		return differ(why, "status %s vs %s", cell_status_name(a->status),
			      cell_status_name(b->status));
	if (!str_eq(a->reason, b->reason))
		return differ(why, "reason '%s' vs '%s'", or_null(a->reason), or_null(b->reason));
	if (a->getsizeof != b->getsizeof)
		return differ(why, "getsizeof %lld vs %lld", (long long)a->getsizeof,
			      (long long)b->getsizeof);
	if (a->container_bytes != b->container_bytes)
		return differ(why, "container_bytes %lld vs %lld", (long long)a->container_bytes,
			      (long long)b->container_bytes);
	for (int p = 0; p < PHASE_COUNT; p++) {
		const struct mem_sample *x = &a->samples[p], *y = &b->samples[p];
		if (x->valid != y->valid)
			return differ(why, "samples.%s %s vs %s", phase_name(p),
				      x->valid ? "measured" : "null", y->valid ? "measured" : "null");
		if (!x->valid)
			continue;
		static const char *const names[] = { "rss", "pss", "uss", "anon", "swap",
						     "private_clean" };
		const uint64_t xv[] = { x->rss, x->pss, x->uss, x->anon, x->swap, x->private_clean };
		const uint64_t yv[] = { y->rss, y->pss, y->uss, y->anon, y->swap, y->private_clean };
		for (size_t i = 0; i < ARRAY_SIZE(names); i++)
			if (xv[i] != yv[i])
				return differ(why, "samples.%s.%s %llu vs %llu", phase_name(p), names[i],
					      (unsigned long long)xv[i], (unsigned long long)yv[i]);
	}
	if (a->peak.valid != b->peak.valid)
		return differ(why, "peak %s vs %s", a->peak.valid ? "measured" : "null",
			      b->peak.valid ? "measured" : "null");
	if (a->peak.valid && a->peak.vm_hwm != b->peak.vm_hwm)
		return differ(why, "peak.vm_hwm %llu vs %llu", (unsigned long long)a->peak.vm_hwm,
			      (unsigned long long)b->peak.vm_hwm);
	if (a->peak.valid && a->peak.rss_anon_max != b->peak.rss_anon_max)
		return differ(why, "peak.rss_anon_max %llu vs %llu",
			      (unsigned long long)a->peak.rss_anon_max,
			      (unsigned long long)b->peak.rss_anon_max);
	return 1;
}

static int strvec_eq(const struct strvec *a, const struct strvec *b)
{
	if (a->n != b->n)
		return 0;
	for (size_t i = 0; i < a->n; i++)
		if (strcmp(a->v[i], b->v[i]))
			return 0;
	return 1;
}

static char *json_text(const cJSON *v)
{
	if (!v)
		return xstrdup("(absent)");
	char *p = cJSON_PrintUnformatted(v);
	char *s = xstrdup(p ? p : "?");
	cJSON_free(p);
	return s;
}

/* The first key whose value differs between two probe objects, or NULL. */
static const char *probe_diff(const cJSON *a, const cJSON *b, const cJSON **va, const cJSON **vb)
{
	const cJSON *e;
	cJSON_ArrayForEach(e, a) {
		const cJSON *o = cJSON_GetObjectItemCaseSensitive(b, e->string);
		if (!o || !cJSON_Compare(e, o, 1)) {
			*va = e;
			*vb = o;
			return e->string;
		}
	}
	cJSON_ArrayForEach(e, b) {
		if (!cJSON_GetObjectItemCaseSensitive(a, e->string)) {
			*va = NULL;
			*vb = e;
			return e->string;
		}
	}
	return NULL;
}

int merge_interps_agree(const struct interp *a, const struct interp *b, char **why)
{
	if (why)
		*why = NULL;
	if (!strvec_eq(&a->argv, &b->argv))
		return differ(why, "argv '%s' vs '%s'", a->argv.n ? a->argv.v[0] : "",
			      b->argv.n ? b->argv.v[0] : "");
	if (!strvec_eq(&a->env, &b->env))
		return differ(why, "a different environment");
	if (!a->probe != !b->probe)
		return differ(why, "probe %s vs %s", a->probe ? "present" : "null",
			      b->probe ? "present" : "null");
	if (a->probe && !cJSON_Compare(a->probe, b->probe, 1)) {
		const cJSON *va = NULL, *vb = NULL;
		const char *key = probe_diff(a->probe, b->probe, &va, &vb);
		char *x = json_text(va), *y = json_text(vb);
		differ(why, "probe.%s %s vs %s", key ? key : "?", x, y);
		free(x);
		free(y);
		return 0;
	}
	return 1;
}

/* ------------------------------------------------------------------ */
/* Joining                                                            */
/* ------------------------------------------------------------------ */

static void cell_key_text(const struct cell *c, char *out, size_t n)
{
	char cnt[32];
	format_count(c->count, cnt, sizeof(cnt));
	snprintf(out, n, "'%s' %s %s #%d", c->interpreter, c->workload, cnt, c->repeat);
}

/* Add the numbers of array src[key] to dst[key], keeping them sorted and unique. */
static void union_numbers(cJSON *dst, const cJSON *src, const char *key)
{
	const cJSON *sa = cJSON_GetObjectItemCaseSensitive(src, key);
	cJSON *da = cJSON_GetObjectItemCaseSensitive(dst, key);
	if (!cJSON_IsArray(sa))
		return;
	if (!cJSON_IsArray(da)) {
		cJSON_DeleteItemFromObjectCaseSensitive(dst, key);
		cJSON_AddItemToObject(dst, key, cJSON_Duplicate(sa, 1));
		return;
	}
	size_t n = (size_t)cJSON_GetArraySize(da) + (size_t)cJSON_GetArraySize(sa), k = 0;
	double *v = xcalloc(n, sizeof(*v));
	const cJSON *e;
	cJSON_ArrayForEach(e, da)
		if (cJSON_IsNumber(e))
			v[k++] = e->valuedouble;
	cJSON_ArrayForEach(e, sa) {
		if (!cJSON_IsNumber(e))
			continue;
		size_t j;
		for (j = 0; j < k && v[j] != e->valuedouble; j++)
			;
		if (j == k)
			v[k++] = e->valuedouble;
	}
	/* insertion sort: a handful of counts */
	for (size_t i = 1; i < k; i++)
		for (size_t j = i; j > 0 && v[j - 1] > v[j]; j--) {
			double t = v[j];
			v[j] = v[j - 1];
			v[j - 1] = t;
		}
	cJSON *na = cJSON_CreateArray();
	for (size_t i = 0; i < k; i++)
		cJSON_AddItemToArray(na, json_u64((unsigned long long)v[i]));
	cJSON_ReplaceItemInObjectCaseSensitive(dst, key, na);
	free(v);
}

static void union_strings(cJSON *dst, const cJSON *src, const char *key)
{
	const cJSON *sa = cJSON_GetObjectItemCaseSensitive(src, key);
	cJSON *da = cJSON_GetObjectItemCaseSensitive(dst, key);
	if (!cJSON_IsArray(sa))
		return;
	if (!cJSON_IsArray(da)) {
		cJSON_DeleteItemFromObjectCaseSensitive(dst, key);
		cJSON_AddItemToObject(dst, key, cJSON_Duplicate(sa, 1));
		return;
	}
	const cJSON *e, *d;
	cJSON_ArrayForEach(e, sa) {
		int found = 0;
		cJSON_ArrayForEach(d, da)
			found = found || cJSON_Compare(d, e, 1);
		if (!found)
			cJSON_AddItemToArray(da, cJSON_Duplicate(e, 1));
	}
}

static cJSON *source_entry(const struct results *src, const char *name)
{
	cJSON *o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "source", name);
	cJSON_AddItemToObject(o, "created", src->created ? cJSON_CreateString(src->created)
			      : cJSON_CreateNull());
	cJSON_AddItemToObject(o, "label", src->label ? cJSON_CreateString(src->label)
			      : cJSON_CreateNull());
	const cJSON *shard = src->config ? cJSON_GetObjectItemCaseSensitive(src->config, "shard") : NULL;
	cJSON_AddItemToObject(o, "shard", cJSON_IsString(shard) ? cJSON_CreateString(shard->valuestring)
			      : cJSON_CreateNull());
	cJSON_AddItemToObject(o, "cells", json_u64(src->n_cells));
	return o;
}

static void merge_top(struct merge *m, const struct results *src, const char *name)
{
	struct results *out = &m->out;
	if (m->n_inputs == 1) {
		out->objmem_version = src->objmem_version ? xstrdup(src->objmem_version) : NULL;
		out->created = src->created ? xstrdup(src->created) : NULL;
		out->label = src->label ? xstrdup(src->label) : NULL;
		out->machine = src->machine ? cJSON_Duplicate(src->machine, 1) : NULL;
		out->config = src->config ? cJSON_Duplicate(src->config, 1) : cJSON_CreateObject();
		cJSON_DeleteItemFromObjectCaseSensitive(out->config, "shard");
		cJSON_DeleteItemFromObjectCaseSensitive(out->config, "merged_from");
		cJSON_AddArrayToObject(out->config, "merged_from");
	} else {
		if (src->created && (!out->created || strcmp(src->created, out->created) < 0)) {
			free(out->created);
			out->created = xstrdup(src->created);
		}
		if (!out->label && src->label) {
			out->label = xstrdup(src->label);
		} else if (out->label && src->label && strcmp(out->label, src->label)) {
			strvec_pushf(&m->warnings, "'%s' has label '%s', an earlier input '%s': keeping "
				     "'%s' (set one with --label)", name, src->label, out->label, out->label);
		}
		if (!out->machine && src->machine) {
			out->machine = cJSON_Duplicate(src->machine, 1);
		} else if (out->machine && src->machine) {
			struct strvec w = STRVEC_INIT;
			compare_machines(out->machine, src->machine, &w);
			for (size_t i = 0; i < w.n; i++)
				strvec_pushf(&m->warnings, "'%s' was measured elsewhere than the first "
					     "input: %s; the merged file keeps the first machine",
					     name, w.v[i]);
			strvec_clear(&w);
		}
		if (src->config) {
			struct strvec w = STRVEC_INIT;
			compare_configs(out->config, src->config, &w);
			for (size_t i = 0; i < w.n; i++)
				strvec_pushf(&m->warnings, "'%s': %s", name, w.v[i]);
			strvec_clear(&w);
			union_numbers(out->config, src->config, "counts");
			union_strings(out->config, src->config, "workloads");
			const cJSON *sr = cJSON_GetObjectItemCaseSensitive(src->config, "repeat");
			const cJSON *dr = cJSON_GetObjectItemCaseSensitive(out->config, "repeat");
			if (cJSON_IsNumber(sr) && (!cJSON_IsNumber(dr) || sr->valuedouble > dr->valuedouble)) {
				cJSON_DeleteItemFromObjectCaseSensitive(out->config, "repeat");
				cJSON_AddNumberToObject(out->config, "repeat", sr->valuedouble);
			}
		}
	}
	cJSON *from = cJSON_GetObjectItemCaseSensitive(out->config, "merged_from");
	if (cJSON_IsArray(from))
		cJSON_AddItemToArray(from, source_entry(src, name));
}

void merge_add(struct merge *m, const struct results *src, const char *name)
{
	struct results *out = &m->out;
	size_t si = m->sources.n;
	strvec_push(&m->sources, name);
	m->n_inputs++;
	merge_top(m, src, name);

	for (size_t i = 0; i < src->n_interps; i++) {
		const struct interp *in = &src->interps[i];
		struct interp *have = results_find_interp(out, in->name);
		if (!have) {
			struct interp *dst = results_add_interp(out);
			interp_copy(dst, in);
			xgrow((void **)&m->interp_src, sizeof(*m->interp_src), out->n_interps,
			      &m->alloc_interp_src);
			m->interp_src[out->n_interps - 1] = si;
			continue;
		}
		char *why = NULL;
		if (!merge_interps_agree(have, in, &why))
			strvec_pushf(&m->conflicts, "interpreter '%s': '%s' and '%s' differ: %s",
				     in->name, m->sources.v[m->interp_src[have - out->interps]],
				     name, why);
		free(why);
	}

	for (size_t i = 0; i < src->n_cells; i++) {
		const struct cell *c = &src->cells[i];
		struct cell *have = results_find_cell(out, c->interpreter, c->workload, c->count,
						      c->repeat);
		if (!have) {
			struct cell *dst = results_add_cell(out);
			cell_copy(dst, c);
			xgrow((void **)&m->cell_src, sizeof(*m->cell_src), out->n_cells,
			      &m->alloc_cell_src);
			m->cell_src[out->n_cells - 1] = si;
			continue;
		}
		size_t hi = (size_t)(have - out->cells);
		if (c->status == CELL_PENDING) {
			m->n_duplicates++;
			continue;
		}
		if (have->status == CELL_PENDING) {
			/* a cell that was never run gives way to a result */
			cell_release(have);
			cell_copy(have, c);
			m->cell_src[hi] = si;
			continue;
		}
		char *why = NULL;
		if (merge_cells_agree(have, c, &why)) {
			m->n_duplicates++;
		} else {
			char key[512];
			cell_key_text(c, key, sizeof(key));
			strvec_pushf(&m->conflicts, "cell %s: '%s' and '%s' differ: %s", key,
				     m->sources.v[m->cell_src[hi]], name, why);
		}
		free(why);
	}
}

/* Sort state: the rank of each cell's interpreter and workload. */
struct sort_key {
	size_t interp, workload;
	uint64_t count;
	int repeat;
	size_t index;
};

static int cmp_sort_key(const void *a, const void *b)
{
	const struct sort_key *x = a, *y = b;
	if (x->interp != y->interp)
		return x->interp < y->interp ? -1 : 1;
	if (x->workload != y->workload)
		return x->workload < y->workload ? -1 : 1;
	if (x->count != y->count)
		return x->count < y->count ? -1 : 1;
	if (x->repeat != y->repeat)
		return x->repeat < y->repeat ? -1 : 1;
	return x->index < y->index ? -1 : x->index > y->index;
}

void merge_sort(struct merge *m)
{
	struct results *out = &m->out;
	size_t n = out->n_cells;
	if (n < 2)
		return;
	struct strvec interps = STRVEC_INIT, workloads = STRVEC_INIT;
	for (size_t i = 0; i < out->n_interps; i++)
		strvec_push(&interps, out->interps[i].name);
	struct sort_key *keys = xcalloc(n, sizeof(*keys));
	for (size_t i = 0; i < n; i++) {
		const struct cell *c = &out->cells[i];
		long ii = strvec_find(&interps, c->interpreter);
		if (ii < 0) {
			strvec_push(&interps, c->interpreter);
			ii = (long)interps.n - 1;
		}
		long wi = strvec_find(&workloads, c->workload);
		if (wi < 0) {
			strvec_push(&workloads, c->workload);
			wi = (long)workloads.n - 1;
		}
		keys[i] = (struct sort_key){ (size_t)ii, (size_t)wi, c->count, c->repeat, i };
	}
	qsort(keys, n, sizeof(*keys), cmp_sort_key);
	struct cell *cells = xcalloc(n, sizeof(*cells));
	size_t *src = xcalloc(n, sizeof(*src));
	for (size_t i = 0; i < n; i++) {
		cells[i] = out->cells[keys[i].index];
		src[i] = m->cell_src[keys[i].index];
	}
	memcpy(out->cells, cells, n * sizeof(*cells));
	memcpy(m->cell_src, src, n * sizeof(*src));
	free(cells);
	free(src);
	free(keys);
	strvec_clear(&interps);
	strvec_clear(&workloads);
}

/* ------------------------------------------------------------------ */
/* objmem merge                                                       */
/* ------------------------------------------------------------------ */

static const char merge_usage[] =
	"usage: objmem merge A.json B.json ... -o ALL.json [--keep-first] [--label TEXT]\n"
	"\n"
	"Joins results files (the shards of one run made with 'objmem run --shard K/N',\n"
	"or runs of other interpreters, workloads or counts) into one. A cell that is in\n"
	"two inputs with the same measurement is kept once; with different values it is\n"
	"a conflict: every conflict is printed and, unless --keep-first, nothing is\n"
	"written. The same interpreter name with a different argv or probe is a\n"
	"conflict too. A different machine or configuration is a warning. Inputs may be\n"
	"http:// or https:// URLs.\n"
	"\n"
	"  -o, --output FILE   the merged results file (required)\n"
	"      --keep-first    on a conflict keep the copy from the earlier input, and write\n"
	"      --label TEXT    the revision label of the merged file (default: the inputs')\n"
	"  -q, --quiet         no summary line on stderr\n"
	"  -h, --help          this text\n"
	"\n"
	"example:\n"
	"  objmem run --shard 1/2 -o part1.json ...   # on one machine\n"
	"  objmem run --shard 2/2 -o part2.json ...   # on another\n"
	"  objmem merge part1.json part2.json -o results/all.json\n"
	"\n"
	"exit status: 0 written, 1 conflicts (nothing written without --keep-first),\n"
	"2 bad usage or an input that cannot be read.\n";

#define usage(...) usage_error(merge_usage, __VA_ARGS__)

enum { OPT_KEEP_FIRST = 256, OPT_LABEL };

static const struct option merge_options[] = {
	{ "output", required_argument, NULL, 'o' },
	{ "keep-first", no_argument, NULL, OPT_KEEP_FIRST },
	{ "label", required_argument, NULL, OPT_LABEL },
	{ "quiet", no_argument, NULL, 'q' },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

int cmd_merge(int argc, char **argv)
{
	const char *output = NULL, *label = NULL;
	int keep_first = 0, quiet = 0, opt;
	optind = 1;
	opterr = 0;
	while ((opt = getopt_long(argc, argv, ":o:qh", merge_options, NULL)) != -1) {
		switch (opt) {
		case 'o': output = optarg; break;
		case OPT_KEEP_FIRST: keep_first = 1; break;
		case OPT_LABEL: label = optarg; break;
		case 'q': quiet = 1; break;
		case 'h': return usage(NULL);
		case ':': return usage("option '%s' needs a value", argv[optind - 1]);
		default: return usage("unknown option '%s'", argv[optind - 1]);
		}
	}
	if (!output)
		return usage("give the merged file with -o FILE");
	if (optind >= argc)
		return usage("give the results files to merge");

	struct http_opts ho;
	http_opts_init(&ho);
	struct merge m;
	merge_init(&m);
	int rc = 2;
	for (int i = optind; i < argc; i++) {
		struct results r;
		results_init(&r);
		if (fetch_results(argv[i], &ho, &r)) {
			results_release(&r);
			goto out;
		}
		char *name = url_redact(argv[i]);
		merge_add(&m, &r, name);
		free(name);
		results_release(&r);
	}
	for (size_t i = 0; i < m.warnings.n; i++)
		warning("%s", m.warnings.v[i]);
	/* enough to see the pattern; all of them would bury the summary */
	for (size_t i = 0; i < m.conflicts.n && i < MAX_CONFLICTS_SHOWN; i++)
		fprintf(stderr, "conflict: %s\n", m.conflicts.v[i]);
	if (m.conflicts.n > MAX_CONFLICTS_SHOWN)
		fprintf(stderr, "conflict: ... and %zu more\n", m.conflicts.n - MAX_CONFLICTS_SHOWN);
	if (m.conflicts.n && !keep_first) {
		error("%zu conflict%s: '%s' was not written; keep the copies from the earlier "
		      "inputs with --keep-first, or leave out the file that does not belong",
		      m.conflicts.n, m.conflicts.n == 1 ? "" : "s", output);
		rc = 1;
		goto out;
	}
	if (label) {
		free(m.out.label);
		m.out.label = xstrdup(label);
	}
	if (!m.out.objmem_version)
		m.out.objmem_version = xstrdup(OBJMEM_VERSION);
	merge_sort(&m);
	if (results_write(&m.out, output))
		goto out;
	if (!quiet)
		fprintf(stderr, "merged %zu file%s: %zu cells (%zu duplicate%s dropped), "
			"%zu interpreter%s%s -> '%s'\n", m.n_inputs, m.n_inputs == 1 ? "" : "s",
			m.out.n_cells, m.n_duplicates, m.n_duplicates == 1 ? "" : "s",
			m.out.n_interps, m.out.n_interps == 1 ? "" : "s",
			m.conflicts.n ? ", conflicts kept from the earlier input" : "", output);
	rc = 0;
out:
	merge_release(&m);
	return rc;
}
