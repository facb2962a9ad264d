/*
 * test_merge.c - joining results documents: disjoint shards give the union,
 * the same cell twice with the same measurement is kept once, with
 * different values it is a conflict that names both inputs and the field
 * and never overwrites the first copy; pending cells give way; interpreters
 * with one name and different probes conflict; dates, labels, machines and
 * configurations are joined or warned about. --expect N: the inputs are the
 * N shards of one matrix (the same N, workloads, counts, repetitions), and
 * every missing shard, every shard given twice and every cell of the matrix
 * no input holds is named.
 */
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "merge.h"
#include "results.h"
#include "unit.h"

static struct cell *add_cell(struct results *r, const char *interp, const char *workload,
			     uint64_t count, int repeat, uint64_t full_uss)
{
	struct cell *c = results_add_cell(r);
	c->interpreter = xstrdup(interp);
	c->workload = xstrdup(workload);
	c->count = count;
	c->repeat = repeat;
	c->status = CELL_OK;
	c->getsizeof = 56;
	c->container_bytes = 8056;
	for (int p = 0; p < PHASE_COUNT; p++) {
		struct mem_sample *s = &c->samples[p];
		s->valid = 1;
		s->rss = 16000000;
		s->pss = 11000000;
		s->uss = p == PHASE_FULL || p == PHASE_FREED ? full_uss : 9000000;
		s->anon = 8000000;
	}
	c->peak.valid = 1;
	c->peak.vm_hwm = 17000000;
	c->peak.rss_anon_max = 9000000;
	c->peak.polls = 3;
	c->wall_s = 0.5;
	c->pid = 1000 + repeat;
	return c;
}

static void add_interp(struct results *r, const char *name, const char *version)
{
	struct interp *in = results_add_interp(r);
	in->name = xstrdup(name);
	strvec_push(&in->argv, "/usr/bin/python3");
	in->probe = cJSON_CreateObject();
	cJSON_AddStringToObject(in->probe, "implementation", "cpython");
	cJSON_AddStringToObject(in->probe, "version", version);
}

static void set_top(struct results *r, const char *created, const char *label, const char *kernel,
		    const char *shard)
{
	r->created = xstrdup(created);
	r->label = label ? xstrdup(label) : NULL;
	r->objmem_version = xstrdup("0.1.0");
	r->machine.present = 1;
	r->machine.hostname = xstrdup("bench1");
	r->machine.kernel = xstrdup(kernel);
	r->config.present = 1;
	results_config_add_count(r, 1000);
	results_config_add_count(r, 100000);
	r->config.repeat = 2;
	if (shard)
		CU_ASSERT_EQUAL(sscanf(shard, "%d/%d", &r->config.shard_k, &r->config.shard_n), 2);
}

static int has_text(const struct strvec *sv, const char *needle)
{
	for (size_t i = 0; i < sv->n; i++)
		if (strstr(sv->v[i], needle))
			return 1;
	return 0;
}

static void test_disjoint_shards(void)
{
	struct results a, b;
	results_init(&a);
	results_init(&b);
	set_top(&a, "2026-11-22T03:00:00Z", "rev1", "6.1.0", "1/2");
	set_top(&b, "2026-11-22T02:59:00Z", "rev1", "6.1.0", "2/2");
	add_interp(&a, "py", "3.12.1");
	add_interp(&b, "py", "3.12.1");
	add_cell(&a, "py", "slots", 100000, 2, 15000000);
	add_cell(&a, "py", "point3d", 1000, 1, 9100000);
	add_cell(&b, "py", "point3d", 1000, 2, 9104096);
	add_cell(&b, "py", "slots", 100000, 1, 15004096);

	struct merge m;
	merge_init(&m);
	merge_add(&m, &a, "a.json");
	merge_add(&m, &b, "b.json");
	merge_sort(&m);
	CU_ASSERT_EQUAL(m.conflicts.n, 0);
	CU_ASSERT_EQUAL(m.warnings.n, 0);
	CU_ASSERT_EQUAL(m.n_inputs, 2);
	CU_ASSERT_EQUAL(m.n_duplicates, 0);
	CU_ASSERT_EQUAL(m.out.n_interps, 1);
	CU_ASSERT_EQUAL_FATAL(m.out.n_cells, 4);
	/* interpreter, workload in first-seen order, count, repeat */
	CU_ASSERT_STRING_EQUAL(m.out.cells[0].workload, "slots");
	CU_ASSERT_EQUAL(m.out.cells[0].repeat, 1);
	CU_ASSERT_STRING_EQUAL(m.out.cells[1].workload, "slots");
	CU_ASSERT_EQUAL(m.out.cells[1].repeat, 2);
	CU_ASSERT_STRING_EQUAL(m.out.cells[2].workload, "point3d");
	CU_ASSERT_EQUAL(m.out.cells[2].repeat, 1);
	CU_ASSERT_EQUAL(m.out.cells[3].samples[PHASE_FULL].uss, 9104096);
	/* the earliest date, the shard marker gone, where each part came from */
	CU_ASSERT_STRING_EQUAL(m.out.created, "2026-11-22T02:59:00Z");
	CU_ASSERT_STRING_EQUAL(m.out.label, "rev1");
	CU_ASSERT_EQUAL(m.out.config.shard_n, 0);
	CU_ASSERT_EQUAL_FATAL(m.out.config.n_merged, 2);
	CU_ASSERT(m.out.config.merged[1].shard && !strcmp(m.out.config.merged[1].shard, "2/2"));
	CU_ASSERT_STRING_EQUAL(m.out.config.merged[0].source, "a.json");
	CU_ASSERT_EQUAL(m.out.config.merged[0].cells, 2);

	/* the merged document reads back */
	cJSON *doc = results_to_json(&m.out);
	struct results back;
	results_init(&back);
	CU_ASSERT_EQUAL(results_from_json(doc, &back, "merged"), 0);
	CU_ASSERT_EQUAL(back.n_cells, 4);
	results_release(&back);
	cJSON_Delete(doc);

	merge_release(&m);
	results_release(&a);
	results_release(&b);
}

/* Variations of one cell against the same cell as made by add_cell. */
enum tweak { T_NONE, T_FULL_USS, T_STATUS, T_GETSIZEOF, T_PEAK, T_SAMPLE_NULL, T_PROCESS_ONLY,
	     T_REASON };

static const struct agree_case {
	const char *name;
	enum tweak tweak;
	int agree;
	const char *why; /* part of the reason when they do not */
} agree_cases[] = {
	{ "identical", T_NONE, 1, NULL },
	{ "pid, wall_s, warnings, stderr_tail, note differ", T_PROCESS_ONLY, 1, NULL },
	{ "full.uss differs", T_FULL_USS, 0, "samples.full.uss 15000000 vs 15004096" },
	{ "status differs", T_STATUS, 0, "status ok vs failed" },
	{ "getsizeof differs", T_GETSIZEOF, 0, "getsizeof 56 vs 64" },
	{ "peak differs", T_PEAK, 0, "peak.vm_hwm 17000000 vs 17004096" },
	{ "a sample missing", T_SAMPLE_NULL, 0, "samples.freed measured vs null" },
	{ "reason differs", T_REASON, 0, "reason 'null' vs 'odd'" },
};

static void apply(struct cell *c, enum tweak t)
{
	switch (t) {
	case T_NONE: break;
	case T_FULL_USS: c->samples[PHASE_FULL].uss += 4096; break;
	case T_STATUS: c->status = CELL_FAILED; break;
	case T_GETSIZEOF: c->getsizeof = 64; break;
	case T_PEAK: c->peak.vm_hwm += 4096; break;
	case T_SAMPLE_NULL: c->samples[PHASE_FREED].valid = 0; break;
	case T_REASON: c->reason = xstrdup("odd"); break;
	case T_PROCESS_ONLY:
		c->pid = 99999;
		c->wall_s = 9.5;
		c->peak.polls = 100;
		strvec_push(&c->warnings, "swap in use");
		c->stderr_tail = xstrdup("hello");
		c->note = xstrdup("a note");
		break;
	}
}

static void test_cells_agree_table(void)
{
	for (size_t i = 0; i < ARRAY_SIZE(agree_cases); i++) {
		const struct agree_case *t = &agree_cases[i];
		struct results r;
		results_init(&r);
		add_cell(&r, "py", "slots", 100000, 1, 15000000);
		add_cell(&r, "py", "slots", 100000, 1, 15000000);
		apply(&r.cells[1], t->tweak);
		char *why = NULL;
		int agree = merge_cells_agree(&r.cells[0], &r.cells[1], &why);
		int ok = agree == t->agree && (agree ? !why : why && strstr(why, t->why));
		if (!ok)
			fprintf(stderr, "\nagree case '%s': agree %d why '%s'\n", t->name, agree,
				why ? why : "(none)");
		CU_ASSERT(ok);
		free(why);
		results_release(&r);
	}
}

static void test_conflict_is_reported_not_overwritten(void)
{
	struct results a, b;
	results_init(&a);
	results_init(&b);
	set_top(&a, "2026-11-22T03:00:00Z", NULL, "6.1.0", NULL);
	set_top(&b, "2026-11-23T03:00:00Z", NULL, "6.1.0", NULL);
	add_interp(&a, "py", "3.12.1");
	add_interp(&b, "py", "3.12.1");
	add_cell(&a, "py", "slots", 100000, 1, 15000000);
	add_cell(&a, "py", "slots", 100000, 2, 15000000);
	add_cell(&b, "py", "slots", 100000, 1, 15000000);  /* the same: a duplicate */
	add_cell(&b, "py", "slots", 100000, 2, 15409600);  /* different: a conflict */
	add_cell(&b, "py", "slots", 100000, 3, 15000000);  /* new */

	struct merge m;
	merge_init(&m);
	merge_add(&m, &a, "monday.json");
	merge_add(&m, &b, "tuesday.json");
	CU_ASSERT_EQUAL(m.n_duplicates, 1);
	CU_ASSERT_EQUAL_FATAL(m.conflicts.n, 1);
	CU_ASSERT(has_text(&m.conflicts, "cell 'py' slots 100k #2"));
	CU_ASSERT(has_text(&m.conflicts, "'monday.json' and 'tuesday.json' differ"));
	CU_ASSERT(has_text(&m.conflicts, "samples.full.uss 15000000 vs 15409600"));
	CU_ASSERT_EQUAL(m.out.n_cells, 3);
	struct cell *c = results_find_cell(&m.out, "py", "slots", 100000, 2);
	CU_ASSERT_PTR_NOT_NULL_FATAL(c);
	CU_ASSERT_EQUAL(c->samples[PHASE_FULL].uss, 15000000); /* the first copy stays */
	merge_release(&m);

	/* the conflict names the input that holds the first copy, whichever it was */
	struct results d;
	results_init(&d);
	add_cell(&d, "py", "slots", 100000, 2, 15000001);
	merge_init(&m);
	merge_add(&m, &a, "monday.json");
	merge_add(&m, &b, "tuesday.json");
	merge_add(&m, &d, "wednesday.json");
	CU_ASSERT_EQUAL(m.conflicts.n, 2);
	CU_ASSERT(has_text(&m.conflicts, "'monday.json' and 'wednesday.json' differ"));
	merge_release(&m);
	results_release(&a);
	results_release(&b);
	results_release(&d);
}

static void test_pending_gives_way(void)
{
	struct results a, b;
	results_init(&a);
	results_init(&b);
	struct cell *p = add_cell(&a, "py", "slots", 1000, 1, 9100000);
	p->status = CELL_PENDING;
	for (int i = 0; i < PHASE_COUNT; i++)
		p->samples[i].valid = 0;
	add_cell(&a, "py", "slots", 1000, 2, 9100000);
	add_cell(&b, "py", "slots", 1000, 1, 9104096);
	struct cell *q = add_cell(&b, "py", "slots", 1000, 2, 0);
	q->status = CELL_PENDING;

	struct merge m;
	merge_init(&m);
	merge_add(&m, &a, "a.json");
	merge_add(&m, &b, "b.json");
	CU_ASSERT_EQUAL(m.conflicts.n, 0);
	CU_ASSERT_EQUAL(m.out.n_cells, 2);
	struct cell *c1 = results_find_cell(&m.out, "py", "slots", 1000, 1);
	struct cell *c2 = results_find_cell(&m.out, "py", "slots", 1000, 2);
	CU_ASSERT(c1 && c1->status == CELL_OK && c1->samples[PHASE_FULL].uss == 9104096);
	CU_ASSERT(c2 && c2->status == CELL_OK && c2->samples[PHASE_FULL].uss == 9100000);
	merge_release(&m);
	results_release(&a);
	results_release(&b);
}

static void test_interpreter_conflict(void)
{
	struct results a, b, c;
	results_init(&a);
	results_init(&b);
	results_init(&c);
	add_interp(&a, "cpython-main", "3.14.0a1");
	add_interp(&b, "cpython-main", "3.14.0a2");
	add_interp(&c, "cpython-main", "3.14.0a1");
	strvec_push(&c.interps[0].env, "PYTHONMALLOC=malloc");

	struct merge m;
	merge_init(&m);
	merge_add(&m, &a, "night1.json");
	merge_add(&m, &b, "night2.json");
	merge_add(&m, &c, "night3.json");
	CU_ASSERT_EQUAL(m.conflicts.n, 2);
	CU_ASSERT(has_text(&m.conflicts, "interpreter 'cpython-main': 'night1.json' and "
			   "'night2.json' differ: probe.version \"3.14.0a1\" vs \"3.14.0a2\""));
	CU_ASSERT(has_text(&m.conflicts, "'night1.json' and 'night3.json' differ: a different environment"));
	CU_ASSERT_EQUAL(m.out.n_interps, 1);
	merge_release(&m);
	results_release(&a);
	results_release(&b);
	results_release(&c);
}

static void test_top_level(void)
{
	struct results a, b;
	results_init(&a);
	results_init(&b);
	set_top(&a, "2026-11-22T03:00:00Z", "rev1", "6.1.0", NULL);
	set_top(&b, "2026-11-21T03:00:00Z", "rev2", "6.8.0", NULL);
	results_config_add_count(&b, 10);
	results_config_add_count(&b, 1000000);
	b.config.repeat = 5;

	struct merge m;
	merge_init(&m);
	merge_add(&m, &a, "a.json");
	merge_add(&m, &b, "b.json");
	CU_ASSERT_STRING_EQUAL(m.out.created, "2026-11-21T03:00:00Z");
	CU_ASSERT_STRING_EQUAL(m.out.label, "rev1");
	CU_ASSERT(has_text(&m.warnings, "'b.json' has label 'rev2'"));
	CU_ASSERT(has_text(&m.warnings, "different kernel: base '6.1.0', new '6.8.0'"));
	char *counts_text = field_text(&m.out.config, &config_fields[0]);
	CU_ASSERT_STRING_EQUAL(config_fields[0].key, "counts");
	CU_ASSERT_STRING_EQUAL(counts_text, "10,1000,100000,1000000");
	free(counts_text);
	CU_ASSERT_EQUAL(m.out.config.repeat, 5);
	merge_release(&m);
	results_release(&a);
	results_release(&b);
}

static void test_fixture_with_itself(void)
{
	struct results r;
	results_init(&r);
	size_t len;
	char *text = unit_read_fixture("results/small.json", &len);
	CU_ASSERT_EQUAL_FATAL(results_parse(text, len, &r, "small.json"), 0);
	free(text);
	struct merge m;
	merge_init(&m);
	merge_add(&m, &r, "small.json");
	merge_add(&m, &r, "small.json again");
	CU_ASSERT_EQUAL(m.conflicts.n, 0);
	CU_ASSERT_EQUAL(m.n_duplicates, r.n_cells);
	CU_ASSERT_EQUAL(m.out.n_cells, r.n_cells);
	CU_ASSERT_EQUAL(m.out.n_interps, r.n_interps);
	for (size_t i = 0; i < r.n_cells; i++) {
		const struct cell *c = &r.cells[i];
		struct cell *o = results_find_cell(&m.out, c->interpreter, c->workload, c->count,
						   c->repeat);
		CU_ASSERT(o && merge_cells_agree(o, c, NULL));
	}
	merge_release(&m);
	results_release(&r);
}


/* ---- --expect N ----------------------------------------------------- */

/*
 * One input of an --expect case: shard K/N of the case's matrix (interpreter
 * "py", workloads "a,b", counts 1k and 100k, 2 repetitions: 8 cells) holding
 * its share, dealt here by the test itself: cell i of its own matrix
 * (interpreters as listed, workloads by name, counts, repetitions) when
 * i % N == K - 1. The fields change that input only.
 */
struct expect_input {
	const char *shard;      /* "1/2"; "none": no config.shard; NULL: no more inputs */
	const char *interps;    /* NULL: "py"; "py,pypy!": pypy listed as skipped */
	const char *drop;       /* "py b 100000 2": a cell of its share it does not hold */
	int pending;            /* ... it holds that cell as pending instead */
	const char *workloads;  /* NULL: "a,b" */
	const char *counts;     /* NULL: "1000,100000" */
	int repeat;             /* 0: 2 */
};

struct expect_case {
	const char *name;
	int shards;                   /* --expect N */
	struct expect_input in[4];    /* named in1.json, in2.json, ... */
	int rc;
	size_t n_cells, n_missing;    /* cells of the matrix, and missing */
	const char *missing_shards;   /* comma-joined, "" for none */
	const char *text;             /* in one of the messages, or NULL */
};

/* A shard holding its whole share. */
#define SH(k_n) { .shard = k_n }

static const struct expect_case expect_cases[] = {
	{ "the 2 shards of 2", 2, { SH("1/2"), SH("2/2") }, 0, 8, 0, "", NULL },
	{ "3 shards in another order", 3, { SH("2/3"), SH("3/3"), SH("1/3") }, 0, 8, 0, "", NULL },
	{ "one shard of 1", 1, { SH("1/1") }, 0, 8, 0, "", NULL },
	{ "a shard missing: it and its cells named", 3, { SH("1/3"), SH("3/3") }, 1, 8, 3, "2/3",
	  "'py' a 1k #2" },
	{ "one shard of 4 alone", 4, { SH("2/4") }, 1, 8, 6, "1/4,3/4,4/4", "'py' b 100k #2" },
	{ "a cell missing from a shard", 2,
	  { SH("1/2"), { .shard = "2/2", .drop = "py b 100000 2" } }, 1, 8, 1, "", "'py' b 100k #2" },
	{ "a pending cell is missing", 2,
	  { SH("1/2"), { .shard = "2/2", .drop = "py b 1000 2", .pending = 1 } }, 1, 8, 1, "",
	  "'py' b 1k #2" },
	{ "a shard given twice", 2, { SH("1/2"), SH("1/2"), SH("2/2") }, 1, 8, 0, "",
	  "shard 1/2 is given twice: 'in1.json' and 'in2.json'" },
	{ "a shard given three times", 2, { SH("2/2"), SH("1/2"), SH("2/2"), SH("2/2") }, 1, 8, 0, "",
	  "shard 2/2 is given more than twice: 'in1.json' and 'in3.json' and 'in4.json'" },
	{ "one given twice, another missing", 3, { SH("1/3"), SH("1/3"), SH("3/3") }, 1, 8, 3, "2/3",
	  "shard 1/3 is given twice" },
	{ "not a shard", 2, { SH("1/2"), SH("none") }, 2, 0, 0, "",
	  "'in2.json' is not a shard: it records no config.shard" },
	{ "a shard of another N", 2, { SH("1/2"), SH("2/3") }, 2, 0, 0, "",
	  "'in2.json' is shard 2/3, not one of 2" },
	{ "every shard of another N", 2, { SH("1/3"), SH("2/3"), SH("3/3") }, 2, 0, 0, "",
	  "'in1.json' is shard 1/3, not one of 2: give only the shards of one run" },
	{ "other workloads", 2, { SH("1/2"), { .shard = "2/2", .workloads = "a,c" } }, 2, 0, 0, "",
	  "'in2.json' is a shard of another matrix: its workloads are a,c, those of 'in1.json' a,b" },
	{ "the workloads in another order", 2, { SH("1/2"), { .shard = "2/2", .workloads = "b,a" } },
	  0, 8, 0, "", NULL },
	{ "other counts", 2, { SH("1/2"), { .shard = "2/2", .counts = "1000" } }, 2, 0, 0, "",
	  "its counts are 1k, those of 'in1.json' 1k,100k" },
	{ "other repetitions", 2, { SH("1/2"), { .shard = "2/2", .repeat = 3 } }, 2, 0, 0, "",
	  "'in2.json' is a shard of another matrix: it has 3 repetitions, 'in1.json' 2" },
	{ "an interpreter one shard could not run", 2,
	  { { .shard = "1/2", .interps = "py,pypy" }, { .shard = "2/2", .interps = "py,pypy!" } },
	  1, 16, 4, "", "'in2.json' (shard 2/2) could not run interpreter 'pypy': not found: its" },
	{ "an interpreter one shard does not list", 2,
	  { { .shard = "1/2", .interps = "py,pypy" }, { .shard = "2/2", .interps = "py" } },
	  1, 16, 4, "", "'in2.json' (shard 2/2) does not list interpreter 'pypy'" },
	{ "an interpreter skipped everywhere is not in the matrix", 2,
	  { { .shard = "1/2", .interps = "py,pypy!" }, { .shard = "2/2", .interps = "pypy!,py" } },
	  0, 8, 0, "", NULL },
};

static void split_names(const char *list, struct strvec *out)
{
	char *copy = xstrdup(list), *save = NULL;
	for (char *w = strtok_r(copy, ",", &save); w; w = strtok_r(NULL, ",", &save))
		strvec_push(out, w);
	free(copy);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Is this cell the input's dropped one? */
static int is_dropped(const struct expect_input *in, const char *interp, const char *w,
		      uint64_t count, int rep)
{
	char key[256];
	snprintf(key, sizeof(key), "%s %s %llu %d", interp, w, (unsigned long long)count, rep);
	return in->drop && !strcmp(in->drop, key);
}

/* The interpreters of an input; runnable ones into run. */
static void expect_interps(struct results *r, const struct expect_input *in, struct strvec *run)
{
	struct strvec names = STRVEC_INIT;
	split_names(in->interps ? in->interps : "py", &names);
	for (size_t i = 0; i < names.n; i++) {
		size_t len = strlen(names.v[i]);
		int skipped = names.v[i][len - 1] == '!';
		names.v[i][len - skipped] = '\0';
		add_interp(r, names.v[i], "3.12.1");
		if (skipped)
			r->interps[r->n_interps - 1].skip_reason = xstrdup("not found");
		else
			strvec_push(run, names.v[i]);
	}
	strvec_clear(&names);
}

/* Build one input of a case as described at struct expect_input. */
static void expect_input_build(struct results *r, const struct expect_input *in)
{
	struct config *c = &r->config;
	c->present = 1;
	if (strcmp(in->shard, "none"))
		CU_ASSERT_EQUAL(sscanf(in->shard, "%d/%d", &c->shard_k, &c->shard_n), 2);
	split_names(in->workloads ? in->workloads : "a,b", &c->workloads);
	const char *why;
	CU_ASSERT_EQUAL_FATAL(parse_count_list(in->counts ? in->counts : "1000,100000", &c->counts,
					       &c->n_counts, &why), 0);
	c->repeat = in->repeat ? in->repeat : 2;
	struct strvec run = STRVEC_INIT, sorted = STRVEC_INIT;
	expect_interps(r, in, &run);
	strvec_copy(&sorted, &c->workloads);
	qsort(sorted.v, sorted.n, sizeof(*sorted.v), cmp_str);
	int n = c->shard_n ? c->shard_n : 1, k = c->shard_n ? c->shard_k : 1, i = 0;
	for (size_t ii = 0; ii < run.n; ii++)
		for (size_t w = 0; w < sorted.n; w++)
			for (size_t ci = 0; ci < c->n_counts; ci++)
				for (int rep = 1; rep <= c->repeat; rep++, i++) {
					if (i % n != k - 1)
						continue;
					int drop = is_dropped(in, run.v[ii], sorted.v[w], c->counts[ci], rep);
					if (drop && !in->pending)
						continue;
					struct cell *cell = add_cell(r, run.v[ii], sorted.v[w],
								     c->counts[ci], rep, 15000000);
					if (drop)
						cell->status = CELL_PENDING;
				}
	strvec_clear(&run);
	strvec_clear(&sorted);
}

static int any_has_text(const struct merge_expect *e, const char *needle)
{
	return has_text(&e->mismatches, needle) || has_text(&e->duplicates, needle) ||
	       has_text(&e->gaps, needle) || has_text(&e->missing_cells, needle);
}

/* With take, the inputs joined by merge_take: the output must be what merge_add gives. */
static char *run_expect_case(const struct expect_case *t, int take)
{
	struct merge m;
	merge_init(&m);
	for (size_t i = 0; i < ARRAY_SIZE(t->in) && t->in[i].shard; i++) {
		struct results r;
		results_init(&r);
		expect_input_build(&r, &t->in[i]);
		char name[32];
		snprintf(name, sizeof(name), "in%zu.json", i + 1);
		if (take) {
			/* every cell that joined the output left the input (not copied) */
			size_t before = m.out.n_cells, had = r.n_cells, left = 0;
			merge_take(&m, &r, name);
			for (size_t c = 0; c < r.n_cells; c++)   /* none when the array went whole */
				left += r.cells[c].interpreter != NULL;
			CU_ASSERT(had - left >= m.out.n_cells - before);
		} else {
			merge_add(&m, &r, name);
		}
		results_release(&r);
	}
	struct merge_expect e;
	merge_expect_init(&e);
	int rc = merge_expect(&m, t->shards, &e);
	struct buf shards = BUF_INIT;
	for (size_t i = 0; i < e.missing_shards.n; i++)
		buf_addf(&shards, "%s%s", i ? "," : "", e.missing_shards.v[i]);
	int ok = rc == t->rc && e.n_cells == t->n_cells && e.missing_cells.n == t->n_missing &&
		 !strcmp(shards.p ? shards.p : "", t->missing_shards) &&
		 (!t->text || any_has_text(&e, t->text)) && (t->rc == 2) == (e.mismatches.n > 0);
	if (!ok) {
		fprintf(stderr, "\nexpect case '%s': rc %d, %zu cells, %zu missing, shards '%s'\n",
			t->name, rc, e.n_cells, e.missing_cells.n, shards.p ? shards.p : "");
		const struct strvec *all[] = { &e.mismatches, &e.duplicates, &e.gaps,
					       &e.missing_cells };
		for (size_t v = 0; v < ARRAY_SIZE(all); v++)
			for (size_t i = 0; i < all[v]->n; i++)
				fprintf(stderr, "  %s\n", all[v]->v[i]);
	}
	CU_ASSERT(ok);
	buf_release(&shards);
	merge_expect_release(&e);
	merge_sort(&m);
	size_t len;
	char *text = results_format(&m.out, &len);
	merge_release(&m);
	return text;
}

static void test_expect_table(void)
{
	for (size_t i = 0; i < ARRAY_SIZE(expect_cases); i++) {
		char *added = run_expect_case(&expect_cases[i], 0);
		char *taken = run_expect_case(&expect_cases[i], 1);
		CU_ASSERT_STRING_EQUAL(added, taken);
		free(added);
		free(taken);
	}
}

static const struct unit_test merge_tests[] = {
	{ "disjoint shards", test_disjoint_shards },
	{ "when two cells agree (table)", test_cells_agree_table },
	{ "a conflict is reported, not overwritten", test_conflict_is_reported_not_overwritten },
	{ "pending cells give way", test_pending_gives_way },
	{ "interpreter conflicts", test_interpreter_conflict },
	{ "dates, labels, machines, configurations", test_top_level },
	{ "a fixture merged with itself", test_fixture_with_itself },
	{ "--expect N: the shards of one matrix, what is missing (table); merge_take as merge_add",
	  test_expect_table },
};

static const struct unit_suite suites[] = {
	UNIT_SUITE("merge", merge_tests),
};

int main(int argc, char **argv)
{
	(void)argc;
	return unit_main(argv[0], suites, ARRAY_SIZE(suites));
}
