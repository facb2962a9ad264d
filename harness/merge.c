/* merge.c - joining results documents; see merge.h. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compare.h"
#include "merge.h"
#include "textfmt.h"
#include "views.h"

void merge_init(struct merge *m)
{
	memset(m, 0, sizeof(*m));
	results_init(&m->out);
	strvec_init(&m->conflicts);
	strvec_init(&m->warnings);
	strvec_init(&m->sources);
}

static void input_release(struct merge_input *in)
{
	free(in->name);
	strvec_clear(&in->workloads);
	free(in->counts);
	strvec_clear(&in->runnable);
	strvec_clear(&in->skipped);
}

void merge_release(struct merge *m)
{
	for (size_t i = 0; i < m->n_inputs && m->inputs; i++)
		input_release(&m->inputs[i]);
	free(m->inputs);
	results_release(&m->out);
	strvec_clear(&m->conflicts);
	strvec_clear(&m->warnings);
	strvec_clear(&m->sources);
	free(m->cell_from);
	keymap_release(&m->interp_src);
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
	if (!strvec_equal(&a->argv, &b->argv))
		return differ(why, "argv '%s' vs '%s'", a->argv.n ? a->argv.v[0] : "",
			      b->argv.n ? b->argv.v[0] : "");
	if (!strvec_equal(&a->env, &b->env))
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

/* What the merged file says of one input. */
static void add_merged_from(struct config *dst, const struct results *src, const char *name)
{
	dst->merged = xrealloc(dst->merged, (dst->n_merged + 1) * sizeof(*dst->merged));
	struct merged_from *m = &dst->merged[dst->n_merged++];
	memset(m, 0, sizeof(*m));
	m->source = xstrdup(name);
	m->created = src->created ? xstrdup(src->created) : NULL;
	m->label = src->label ? xstrdup(src->label) : NULL;
	if (src->config.shard_n)
		m->shard = xasprintf("%d/%d", src->config.shard_k, src->config.shard_n);
	m->cells = src->n_cells;
}

/* The first input gives the document its top: version, date, machine, config. */
static void merge_first(struct results *out, const struct results *src)
{
	out->objmem_version = src->objmem_version ? xstrdup(src->objmem_version) : NULL;
	out->created = src->created ? xstrdup(src->created) : NULL;
	out->label = src->label ? xstrdup(src->label) : NULL;
	machine_release(&out->machine);
	machine_copy(&out->machine, &src->machine);
	config_release(&out->config);
	config_copy(&out->config, &src->config);
	for (size_t i = 0; i < out->config.n_merged; i++) {
		free(out->config.merged[i].source);
		free(out->config.merged[i].created);
		free(out->config.merged[i].label);
		free(out->config.merged[i].shard);
	}
	out->config.n_merged = 0;
	out->config.present = 1;
	out->config.is_merged = 1;
	out->config.shard_k = out->config.shard_n = 0;
}

/* A later input: warnings where it differs; counts, workloads and repeat joined. */
static void merge_more(struct merge *m, const struct results *src, const char *name)
{
	struct results *out = &m->out;
	if (src->created && (!out->created || strcmp(src->created, out->created) < 0)) {
		free(out->created);
		out->created = xstrdup(src->created);
	}
	if (!out->label && src->label)
		out->label = xstrdup(src->label);
	else if (out->label && src->label && strcmp(out->label, src->label))
		strvec_pushf(&m->warnings, "'%s' has label '%s', an earlier input '%s': keeping "
			     "'%s' (set one with --label)", name, src->label, out->label, out->label);
	struct strvec w = STRVEC_INIT;
	if (!out->machine.present && src->machine.present) {
		machine_copy(&out->machine, &src->machine);
	} else if (out->machine.present && src->machine.present) {
		compare_machines(&out->machine, &src->machine, &w);
		for (size_t i = 0; i < w.n; i++)
			strvec_pushf(&m->warnings, "'%s' was measured elsewhere than the first "
				     "input: %s; the merged file keeps the first machine", name, w.v[i]);
		strvec_clear(&w);
	}
	if (!src->config.present)
		return;
	compare_configs(&out->config, &src->config, &w);
	for (size_t i = 0; i < w.n; i++)
		strvec_pushf(&m->warnings, "'%s': %s", name, w.v[i]);
	strvec_clear(&w);
	for (size_t i = 0; i < src->config.n_counts; i++)
		results_config_add_count(out, src->config.counts[i]);
	for (size_t i = 0; i < src->config.workloads.n; i++)
		if (strvec_find(&out->config.workloads, src->config.workloads.v[i]) < 0)
			strvec_push(&out->config.workloads, src->config.workloads.v[i]);
	if (src->config.repeat > out->config.repeat)
		out->config.repeat = src->config.repeat;
	if (src->config.repeat_min != out->config.repeat_min) {
		/* fixed and adaptive inputs, or other rules: no one rule holds */
		out->config.repeat_min = 0;
		free(out->config.repeat_rule);
		out->config.repeat_rule = NULL;
	}
}

static void merge_top(struct merge *m, const struct results *src, const char *name)
{
	if (m->n_inputs == 1)
		merge_first(&m->out, src);
	else
		merge_more(m, src, name);
	add_merged_from(&m->out.config, src, name);
}

/* The input an interpreter or a cell of the merged file came from. */
static const char *source_of(const struct merge *m, const struct keymap *map, const void *key,
			     size_t len)
{
	size_t si;
	return keymap_get(map, key, len, &si) ? m->sources.v[si] : "?";
}

/* What --expect needs of an input: its shard, its matrix, its interpreters. */
static void record_input(struct merge *m, const struct results *src, const char *name)
{
	xgrow((void **)&m->inputs, sizeof(*m->inputs), m->n_inputs, &m->alloc_inputs);
	struct merge_input *in = &m->inputs[m->n_inputs - 1];
	memset(in, 0, sizeof(*in));
	in->name = xstrdup(name);
	const struct config *c = &src->config;
	in->has_config = c->present;
	in->shard_k = c->shard_k;
	in->shard_n = c->shard_n;
	strvec_copy(&in->workloads, &c->workloads);
	in->counts = xcalloc(c->n_counts + 1, sizeof(*in->counts));
	if (c->n_counts)   /* a document without a config has no counts array */
		memcpy(in->counts, c->counts, c->n_counts * sizeof(*in->counts));
	in->n_counts = c->n_counts;
	in->repeat = c->repeat;
	in->repeat_min = c->repeat_min;
	for (size_t i = 0; i < src->n_interps; i++) {
		const struct interp *it = &src->interps[i];
		if (it->skip_reason)
			strvec_pushf(&in->skipped, "%s: %s", it->name, it->skip_reason);
		else
			strvec_push(&in->runnable, it->name);
	}
}

/* merge_add, and with take the cells kept moved out of src rather than copied. */
static void add(struct merge *m, struct results *src, const char *name, int take)
{
	struct results *out = &m->out;
	size_t si = m->sources.n;
	strvec_push(&m->sources, name);
	m->n_inputs++;
	record_input(m, src, name);
	merge_top(m, src, name);

	for (size_t i = 0; i < src->n_interps; i++) {
		const struct interp *in = &src->interps[i];
		struct interp *have = results_find_interp(out, in->name);
		if (!have) {
			interp_copy(results_add_interp(out), in);
			keymap_puts(&m->interp_src, in->name, si);
			continue;
		}
		char *why = NULL;
		if (!merge_interps_agree(have, in, &why))
			strvec_pushf(&m->conflicts, "interpreter '%s': '%s' and '%s' differ: %s",
				     in->name, source_of(m, &m->interp_src, in->name,
							 strlen(in->name)), name, why);
		free(why);
	}

	/* what each interpreter says of its objects: the first input's, once */
	views_merge(out, src);

	if (take && !out->n_cells) {
		/* the first cells: the input's array becomes the output's, as it is */
		free(out->cells);
		out->cells = src->cells;
		out->n_cells = src->n_cells;
		out->alloc_cells = src->alloc_cells;
		src->cells = NULL;
		src->n_cells = src->alloc_cells = 0;
		xgrow((void **)&m->cell_from, sizeof(*m->cell_from), out->n_cells + 1,
		      &m->alloc_cell_from);
		for (size_t i = 0; i < out->n_cells; i++) {
			m->cell_from[i] = si;
			if (!i || out->cells[i].count != out->cells[i - 1].count)
				results_config_add_count(out, out->cells[i].count);
		}
		return;
	}
	for (size_t i = 0; i < src->n_cells; i++) {
		struct cell *c = &src->cells[i];
		struct cell *have = results_find_cell(out, c->interpreter, c->workload, c->count,
						      c->repeat);
		results_config_add_count(out, c->count);
		if (!have || have->status == CELL_PENDING) {
			/* new, or a cell that was never run giving way to a result */
			if (have)
				cell_release(have);
			struct cell *to = have ? have : results_add_cell(out);
			if (take) {
				*to = *c;   /* its strings go with it */
				cell_init(c);
			} else {
				cell_copy(to, c);
			}
			size_t at = (size_t)(to - out->cells);
			xgrow((void **)&m->cell_from, sizeof(*m->cell_from), out->n_cells + 1,
			      &m->alloc_cell_from);
			m->cell_from[at] = si;
			continue;
		}
		char *why = NULL;
		if (c->status == CELL_PENDING || merge_cells_agree(have, c, &why)) {
			m->n_duplicates++;
		} else {
			char text[512];
			cell_key_text(c, text, sizeof(text));
			strvec_pushf(&m->conflicts, "cell %s: '%s' and '%s' differ: %s", text,
				     m->sources.v[m->cell_from[have - out->cells]], name, why);
		}
		free(why);
	}
}

void merge_add(struct merge *m, const struct results *src, const char *name)
{
	add(m, (struct results *)src, name, 0);   /* src is only read */
}

void merge_take(struct merge *m, struct results *src, const char *name)
{
	add(m, src, name, 1);
}

void merge_sort(struct merge *m)
{
	results_sort_cells(&m->out);
}

/* ------------------------------------------------------------------ */
/* --expect N: the N shards of one matrix, and every cell of it        */
/* ------------------------------------------------------------------ */

void merge_expect_init(struct merge_expect *e)
{
	memset(e, 0, sizeof(*e));
}

void merge_expect_release(struct merge_expect *e)
{
	strvec_clear(&e->mismatches);
	strvec_clear(&e->duplicates);
	strvec_clear(&e->gaps);
	strvec_clear(&e->missing_shards);
	strvec_clear(&e->missing_cells);
	memset(e, 0, sizeof(*e));
}

/* The same names, in any order. */
static int same_name_set(const struct strvec *a, const struct strvec *b)
{
	for (size_t i = 0; i < a->n; i++)
		if (strvec_find(b, a->v[i]) < 0)
			return 0;
	for (size_t i = 0; i < b->n; i++)
		if (strvec_find(a, b->v[i]) < 0)
			return 0;
	return 1;
}

static int same_counts(const struct merge_input *a, const struct merge_input *b)
{
	if (a->n_counts != b->n_counts)
		return 0;
	for (size_t i = 0; i < a->n_counts; i++)
		if (a->counts[i] != b->counts[i])
			return 0;
	return 1;
}

/* "10k,100k", or "none". */
static char *counts_text(const struct merge_input *in)
{
	struct buf b = BUF_INIT;
	for (size_t i = 0; i < in->n_counts; i++) {
		char cnt[32];
		format_count(in->counts[i], cnt, sizeof(cnt));
		buf_addf(&b, "%s%s", i ? "," : "", cnt);
	}
	if (!b.len)
		buf_addstr(&b, "none");
	return buf_detach(&b);
}

static char *names_text(const struct strvec *sv)
{
	struct buf b = BUF_INIT;
	for (size_t i = 0; i < sv->n; i++)
		buf_addf(&b, "%s%s", i ? "," : "", sv->v[i]);
	if (!b.len)
		buf_addstr(&b, "none");
	return buf_detach(&b);
}

/* Why an input is not a shard of N at all, or NULL when it is one. */
static char *not_a_shard(const struct merge_input *in, int shards)
{
	if (!in->has_config || !in->shard_n)
		return xasprintf("'%s' is not a shard: it records no config.shard (it was not made "
				 "by 'objmem run --shard K/%d'); leave it out, or merge without "
				 "--expect", in->name, shards);
	if (in->shard_n != shards)
		return xasprintf("'%s' is shard %d/%d, not one of %d: give only the shards of one "
				 "run, all made with --shard K/%d (or --expect %d)", in->name,
				 in->shard_k, in->shard_n, shards, shards, in->shard_n);
	if (in->repeat < 1 || !in->n_counts || !in->workloads.n)
		return xasprintf("'%s' does not record its matrix (config.workloads, counts and "
				 "repeat): the missing cells cannot be named; rerun the shard with "
				 "this objmem", in->name);
	return NULL;
}

/* How in's matrix differs from the reference's, or NULL when it does not. */
static char *other_matrix(const struct merge_input *ref, const struct merge_input *in)
{
	static const char fix[] = "give only the shards of one run (the same -w, -n and -r)";
	char *x = NULL, *y = NULL, *why = NULL;
	if (!same_name_set(&in->workloads, &ref->workloads)) {
		x = names_text(&in->workloads), y = names_text(&ref->workloads);
		why = xasprintf("'%s' is a shard of another matrix: its workloads are %s, those of "
				"'%s' %s; %s", in->name, x, ref->name, y, fix);
	} else if (!same_counts(in, ref)) {
		x = counts_text(in), y = counts_text(ref);
		why = xasprintf("'%s' is a shard of another matrix: its counts are %s, those of "
				"'%s' %s; %s", in->name, x, ref->name, y, fix);
	} else if (in->repeat != ref->repeat || in->repeat_min != ref->repeat_min) {
		why = xasprintf("'%s' is a shard of another matrix: it has %d repetitions, '%s' %d; "
				"%s", in->name, in->repeat, ref->name, ref->repeat, fix);
		if (in->repeat == ref->repeat) {   /* the same most, one of them adaptive */
			free(why);
			why = xasprintf("'%s' is a shard of another matrix: it was run with %s "
					"repetitions, '%s' with %s; %s", in->name,
					in->repeat_min ? "adaptive" : "fixed", ref->name,
					ref->repeat_min ? "adaptive" : "fixed", fix);
		}
	}
	free(x);
	free(y);
	return why;
}

/* Every input a shard of N of one matrix; the reference input, or NULL. */
static const struct merge_input *check_matrix(const struct merge *m, struct merge_expect *e)
{
	const struct merge_input *ref = NULL;
	for (size_t i = 0; i < m->n_inputs; i++) {
		const struct merge_input *in = &m->inputs[i];
		char *why = not_a_shard(in, e->shards);
		if (!why && !ref)
			ref = in;
		else if (!why)
			why = other_matrix(ref, in);
		if (why)
			strvec_push_nodup(&e->mismatches, why);
	}
	return ref;
}

/* Each K of 1..N: missing, or given more than once. */
static void check_shards(const struct merge *m, struct merge_expect *e)
{
	struct buf names = BUF_INIT;
	for (int k = 1; k <= e->shards; k++) {
		size_t n = 0;
		buf_reset(&names);
		for (size_t i = 0; i < m->n_inputs; i++) {
			const struct merge_input *in = &m->inputs[i];
			if (in->shard_n != e->shards || in->shard_k != k)
				continue;
			buf_addf(&names, "%s'%s'", n ? " and " : "", in->name);
			n++;
		}
		if (!n)
			strvec_pushf(&e->missing_shards, "%d/%d", k, e->shards);
		else if (n > 1)
			strvec_pushf(&e->duplicates, "shard %d/%d is given %s: %s", k, e->shards,
				     n == 2 ? "twice" : "more than twice", names.p);
	}
	buf_release(&names);
}

/* The reason an input gives for not running name, or NULL. */
static const char *skip_reason_in(const struct merge_input *in, const char *name)
{
	size_t len = strlen(name);
	for (size_t i = 0; i < in->skipped.n; i++)
		if (!strncmp(in->skipped.v[i], name, len) && !strncmp(in->skipped.v[i] + len, ": ", 2))
			return in->skipped.v[i] + len + 2;
	return NULL;
}

/*
 * The matrix's interpreters: every one an input could run, in the order
 * first seen; an input that lists one as skipped, or not at all, is a gap.
 */
static void matrix_interps(const struct merge *m, struct merge_expect *e, struct strvec *names)
{
	for (size_t i = 0; i < m->n_inputs; i++)
		for (size_t j = 0; j < m->inputs[i].runnable.n; j++)
			if (strvec_find(names, m->inputs[i].runnable.v[j]) < 0)
				strvec_push(names, m->inputs[i].runnable.v[j]);
	for (size_t i = 0; i < m->n_inputs; i++) {
		const struct merge_input *in = &m->inputs[i];
		for (size_t j = 0; j < names->n; j++) {
			if (strvec_find(&in->runnable, names->v[j]) >= 0)
				continue;
			const char *why = skip_reason_in(in, names->v[j]);
			strvec_pushf(&e->gaps, "'%s' (shard %d/%d) %s interpreter '%s'%s%s: its cells "
				     "of that shard were not measured", in->name, in->shard_k,
				     in->shard_n, why ? "could not run" : "does not list",
				     names->v[j], why ? ": " : "", why ? why : "");
		}
	}
}

/* Every cell of the matrix that no input holds (a pending one is not held). */
static void check_cells(const struct merge *m, const struct merge_input *ref,
			const struct strvec *interps, struct merge_expect *e)
{
	for (size_t i = 0; i < interps->n; i++)
		for (size_t w = 0; w < ref->workloads.n; w++)
			for (size_t c = 0; c < ref->n_counts; c++)
				/* adaptive: the first repeat_min of a row; later ones
				   run only while they disagree */
				for (int r = 1; r <= (ref->repeat_min > 0 ? ref->repeat_min
									    : ref->repeat); r++) {
					const struct cell *have = results_find_cell(
						&m->out, interps->v[i], ref->workloads.v[w],
						ref->counts[c], r);
					e->n_cells++;
					if (have && have->status != CELL_PENDING)
						continue;
					struct cell key = { .interpreter = interps->v[i],
							    .workload = ref->workloads.v[w],
							    .count = ref->counts[c], .repeat = r };
					char text[512];
					cell_key_text(&key, text, sizeof(text));
					strvec_push(&e->missing_cells, text);
				}
}

int merge_expect(const struct merge *m, int shards, struct merge_expect *e)
{
	merge_expect_release(e);
	e->shards = shards;
	const struct merge_input *ref = check_matrix(m, e);
	if (e->mismatches.n || !ref)
		return 2;
	check_shards(m, e);
	struct strvec interps = STRVEC_INIT;
	matrix_interps(m, e, &interps);
	check_cells(m, ref, &interps, e);
	strvec_clear(&interps);
	return e->duplicates.n || e->missing_shards.n || e->missing_cells.n ? 1 : 0;
}
