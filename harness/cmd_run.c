/* cmd_run.c - `objmem run`: options, presets, the output file, the run, the closing table. */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "agent.h"
#include "catalog.h"
#include "cli.h"
#include "commands.h"
#include "runlock.h"
#include "matrix.h"
#include "memplan.h"
#include "probecache.h"
#include "runner.h"
#include "select.h"
#include "spawn.h"
#include "sysinfo.h"
#include "table.h"
#include "textfmt.h"
#include "views.h"

static const char run_usage[] =
	"usage: objmem run [options]\n"
	"\n"
	"Runs every (interpreter, workload, count, repetition) cell in a fresh child\n"
	"and keeps each result on disk as the cell ends. An interpreter named with -i\n"
	"that cannot run fails its cells (and the run exits 1); one found by discovery\n"
	"that cannot run is listed as skipped. A results file the run replaces is kept\n"
	"as FILE.prev once the first cell has a result; a run that measures nothing\n"
	"leaves it as it was.\n"
	"\n"
	"  -i, --interpreter NAME   a definition's name (objmem list interpreters), a path\n"
	"                           to an executable, or a command on PATH; repeat or use\n"
	"                           commas (default: every definition and every python found)\n"
	"  -w, --workload NAME      workloads to run, repeat or commas (default: all)\n"
	"  -n, --counts LIST        object counts, k/M/G suffixes (default 10k,100k,1M)\n"
	"  -r, --repeat N|auto      repetitions of each cell, a fresh process each; auto:\n"
	"                           2, then one more at a time up to 5 until two agree\n"
	"                           within one page (default auto; quick: 1)\n"
	"  -j, --jobs N             cells at once (default: number of CPUs)\n"
	"  -o, --output FILE        results file (default results/latest.json)\n"
	"  -p, --preset NAME        default (9 object workloads, 10k to 1M) |\n"
	"                           versions (5 core workloads, 100 to 10M) |\n"
	"                           quick (point3d and slots at 1k and 10k, once) |\n"
	"                           tries (the three phone-route tries, 10k to 1M)\n"
	"  -t, --timeout SECONDS    longest wait for any step of a child (default 600)\n"
	"      --max-memory SIZE    hold each cell, start-up included, to SIZE (e.g. 2G): a\n"
	"                           cgroup memory limit where objmem can make one, else RSS\n"
	"                           checks (config.memory_limit says which)\n"
	"      --memory-budget SIZE the cells running at once fit their predicted peaks\n"
	"                           (from the smaller counts) in SIZE; one predicted above\n"
	"                           it fails unrun (default: MemAvailable less a tenth)\n"
	"      --no-thp             transparent huge pages off in the child (prctl)\n"
	"      --aslr               leave the children's addresses randomized; by default\n"
	"                           they are not (personality ADDR_NO_RANDOMIZE), since\n"
	"                           where the heap lands moves a figure by a pymalloc pool\n"
	"      --cpu N              pin each child to CPU N\n"
	"      --malloc-arena-max N set MALLOC_ARENA_MAX=N for the children\n"
	"      --env NAME[=VALUE]   give the children NAME (VALUE, or the caller's own);\n"
	"                           of the caller's environment they get only PATH, HOME,\n"
	"                           TMPDIR, LD_LIBRARY_PATH and CC, so where objmem runs\n"
	"                           does not move the figures; recorded; repeat\n"
	"      --label TEXT         a revision label stored in the results (for trend)\n"
	"      --param NAME=VALUE   a parameter of the workloads that declare NAME (the\n"
	"                           tries: alphabet=01), recorded in the results; repeat\n"
	"      --resume             keep the cells already in FILE, run the missing and the\n"
	"                           failed ones; without -i, -w, -n, -r or -p, of the\n"
	"                           matrix FILE records; with -i, of those builds only\n"
	"      --shard K/N          run only the K-th of N slices of the matrix\n"
	"      --smaps              read /proc/PID/smaps instead of smaps_rollup\n"
	"      --no-views           do not ask each interpreter what it says one object costs\n"
	"                           (sys.getsizeof, a deep size, tracemalloc: show --explain)\n"
	"  -q, --quiet              no progress on stderr\n"
	"      --no-table           do not print the table at the end\n"
	"      --replay FILE        run the matrix FILE records again, into a new file: its\n"
	"                           command line (options that name its output aside) and,\n"
	"                           where it named none, -i for each build it measured;\n"
	"                           -o, -j, -t, -q, --label and the like apply on top\n"
	"                           (default output: FILE with .replay.json for .json)\n"
	"  -h, --help               this text\n"
	"\n"
	"example:\n"
	"  objmem run -i python3 -w point3d,slots -n 100,1k,1M -r 3 -j 2 -o results/cmp.json\n"
	"  objmem run --replay results/cmp.json -o results/cmp-again.json\n"
	"\n"
	"exit status: 0 every cell ok or skipped, 1 a cell failed (a named interpreter\n"
	"that cannot run included), 2 bad usage or nothing could run, 130 interrupted\n"
	"(finished cells are kept; continue with --resume).\n";

enum {
	OPT_MAX_MEMORY = 256, OPT_NO_THP, OPT_CPU, OPT_ARENA, OPT_LABEL, OPT_RESUME,
	OPT_SHARD, OPT_SMAPS, OPT_NO_TABLE, OPT_NO_VIEWS, OPT_REPLAY, OPT_PARAM, OPT_BUDGET, OPT_ENV, OPT_ASLR
};

static const struct option run_options[] = {
	{ "interpreter", required_argument, NULL, 'i' },
	{ "workload", required_argument, NULL, 'w' },
	{ "counts", required_argument, NULL, 'n' },
	{ "repeat", required_argument, NULL, 'r' },
	{ "jobs", required_argument, NULL, 'j' },
	{ "output", required_argument, NULL, 'o' },
	{ "preset", required_argument, NULL, 'p' },
	{ "timeout", required_argument, NULL, 't' },
	{ "max-memory", required_argument, NULL, OPT_MAX_MEMORY },
	{ "memory-budget", required_argument, NULL, OPT_BUDGET },
	{ "no-thp", no_argument, NULL, OPT_NO_THP },
	{ "aslr", no_argument, NULL, OPT_ASLR },
	{ "cpu", required_argument, NULL, OPT_CPU },
	{ "malloc-arena-max", required_argument, NULL, OPT_ARENA },
	{ "label", required_argument, NULL, OPT_LABEL },
	{ "resume", no_argument, NULL, OPT_RESUME },
	{ "shard", required_argument, NULL, OPT_SHARD },
	{ "smaps", no_argument, NULL, OPT_SMAPS },
	{ "quiet", no_argument, NULL, 'q' },
	{ "no-table", no_argument, NULL, OPT_NO_TABLE },
	{ "no-views", no_argument, NULL, OPT_NO_VIEWS },
	{ "replay", required_argument, NULL, OPT_REPLAY },
	{ "param", required_argument, NULL, OPT_PARAM },
	{ "env", required_argument, NULL, OPT_ENV },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

struct preset {
	const char *name;
	const char *counts;
	int repeat;            /* REPEAT_AUTO: adaptive (-r auto) */
	const char *workloads; /* NULL: all */
};

#define REPEAT_AUTO (-1)

static const struct preset presets[] = {
	{ "default", "10k,100k,1M", REPEAT_AUTO, "point3d,slots,namedtuple,record,largeints,tuple,dict,"
	  "dataclass,dataclass-slots" },
	{ "versions", "100,1k,10k,100k,1M,10M", REPEAT_AUTO, "point3d,slots,namedtuple,record,largeints" },
	{ "quick", "1k,10k", 1, "point3d,slots" },
	{ "tries", "10k,100k,1M", REPEAT_AUTO, "trie-dict,trie-slots,trie-mapped" },
};
static const char *const preset_names[] = { "default", "versions", "quick", "tries", NULL };

/* What the options say; cfg is what the results will record. */
struct run_args {
	struct config cfg;
	struct strvec names;   /* -i */
	const char *output, *label;
	const char *replay;    /* --replay FILE, or NULL */
	int output_given;
	int preset, resume, no_table, quiet, no_views;
	int aslr;              /* --aslr: the children's addresses randomized */
	int matrix_given;      /* -w, -n, -r or -p: the matrix is the options' */
};

static int shard_option(struct cli *c, struct config *cfg)
{
	/* digits only, in range: "99999999999/1" must not wrap around */
	const char *s = c->arg, *slash = strchr(s, '/');
	char *end = NULL;
	errno = 0;
	long k = slash && slash > s && strspn(s, "0123456789") == (size_t)(slash - s)
		? strtol(s, &end, 10) : -1;
	long n = k > 0 && !errno && slash[1] && strspn(slash + 1, "0123456789") == strlen(slash + 1)
		? strtol(slash + 1, &end, 10) : -1;
	if (errno || k < 1 || n < 1 || k > n || n > 1000000)
		return cli_error(c, "--shard takes K/N with 1 <= K <= N <= 1000000, e.g. 2/4, "
				 "not '%s'", c->arg);
	cfg->shard_k = (int)k;
	cfg->shard_n = (int)n;
	return 0;
}

/* --param NAME=VALUE: NAME a Python identifier, VALUE one line; NAME given once. */
static int param_option(struct cli *c, struct strvec *params)
{
	const char *s = c->arg, *eq = strchr(s, '=');
	size_t n = eq ? (size_t)(eq - s) : 0;
	int ident = n && !(s[0] >= '0' && s[0] <= '9');
	for (size_t i = 0; i < n; i++)
		ident &= s[i] == '_' || (s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z') ||
			 (s[i] >= '0' && s[i] <= '9');
	if (!ident || strpbrk(s, "\n\r"))
		return cli_error(c, "--param takes NAME=VALUE (NAME a Python identifier, VALUE one "
				 "line), not '%s'", s);
	for (size_t i = 0; i < params->n; i++)
		if (!strncmp(params->v[i], s, n + 1))
			return cli_error(c, "--param %.*s is given twice: give it once", (int)n, s);
	strvec_push(params, s);
	return 0;
}

/*
 * --env NAME=VALUE or NAME (the caller's value): a variable name that
 * neither makes another build nor is objmem's own; NAME given once.
 */
static int env_option(struct cli *c, struct strvec *env)
{
	const char *s = c->arg, *eq = strchr(s, '='), *why = NULL;
	size_t n = eq ? (size_t)(eq - s) : strlen(s);
	if (!config_env_name_ok(s, n, &why))
		return cli_error(c, "--env %.*s: %s", (int)n, s, why);
	for (size_t i = 0; i < env->n; i++)
		if (!strncmp(env->v[i], s, n) && env->v[i][n] == '=')
			return cli_error(c, "--env %.*s is given twice: give it once", (int)n, s);
	if (eq) {
		strvec_push(env, s);
		return 0;
	}
	const char *v = getenv(s);
	if (!v)
		return cli_error(c, "--env %s: it is not set here; give its value (--env %s=VALUE)",
				 s, s);
	char *kv = xasprintf("%s=%s", s, v);
	strvec_push(env, kv);
	free(kv);
	return 0;
}

static int run_option(struct cli *c, int opt, void *arg)
{
	struct run_args *a = arg;
	struct config *cfg = &a->cfg;
	long v;
	switch (opt) {
	case 'i': return cli_names(c, &a->names);
	case 'w':
		a->matrix_given = 1;
		return cli_names(c, &cfg->workloads);
	case 'n':
		a->matrix_given = 1;
		return cli_counts(c, &cfg->counts, &cfg->n_counts);
	case 'r':
		a->matrix_given = 1;
		if (!strcmp(c->arg, "auto")) {
			config_set_adaptive(cfg);
			return 0;
		}
		if (parse_int_range(c->arg, 1, 1000, &v))
			return cli_error(c, "--repeat takes a whole number from 1 to 1000, or auto, "
					 "not '%s'", c->arg);
		cfg->repeat = (int)v;
		cfg->repeat_min = 0;
		free(cfg->repeat_rule);
		cfg->repeat_rule = NULL;
		return 0;
	case 'j':
		if (cli_long(c, 1, 256, &v))
			return 2;
		cfg->jobs = (int)v;
		return 0;
	case 'o':
		a->output = c->arg;
		a->output_given = 1;
		return 0;
	case 'p':
		a->matrix_given = 1;
		return cli_choice(c, preset_names, &a->preset);
	case 't': return cli_seconds(c, 86400, &cfg->timeout_s);
	case OPT_MAX_MEMORY: return cli_size(c, &cfg->max_memory);
	case OPT_BUDGET: return cli_size(c, &cfg->memory_budget);
	case OPT_NO_THP: cfg->thp_disabled = 1; return 0;
	case OPT_ASLR: a->aslr = 1; return 0;
	case OPT_CPU:
		if (cli_long(c, 0, 4095, &v))
			return 2;
		cfg->cpu = (int)v;
		return 0;
	case OPT_ARENA:
		if (cli_long(c, 1, 1024, &v))
			return 2;
		free(cfg->malloc_arena_max);
		cfg->malloc_arena_max = xasprintf("%ld", v);
		return 0;
	case OPT_LABEL: a->label = c->arg; return 0;
	case OPT_RESUME: a->resume = 1; return 0;
	case OPT_SHARD: return shard_option(c, cfg);
	case OPT_SMAPS:
		free(cfg->memory_source);
		cfg->memory_source = xstrdup("smaps");
		return 0;
	case 'q': a->quiet = 1; return 0;
	case OPT_NO_TABLE: a->no_table = 1; return 0;
	case OPT_NO_VIEWS: a->no_views = 1; return 0;
	case OPT_PARAM: return param_option(c, &cfg->params);
	case OPT_ENV: return env_option(c, &cfg->env);
	case OPT_REPLAY:
		if (!*c->arg)
			return cli_error(c, "--replay takes a results file, not ''");
		a->replay = c->arg;
		return 0;
	}
	return cli_error(c, "unhandled option '%s'", c->name);
}

/* What the preset gives where the options said nothing, and the record's constants. */
static void apply_preset(struct run_args *a, int argc, char **argv)
{
	const struct preset *p = &presets[a->preset];
	struct config *cfg = &a->cfg;
	const char *why;
	if (!cfg->n_counts && parse_count_list(p->counts, &cfg->counts, &cfg->n_counts, &why))
		BUG("preset '%s' has bad counts: %s", p->name, why);
	if (!cfg->repeat && p->repeat == REPEAT_AUTO)
		config_set_adaptive(cfg);
	else if (!cfg->repeat)
		cfg->repeat = p->repeat;
	if (!cfg->workloads.n && p->workloads) {
		char *list = xstrdup(p->workloads), *save = NULL;
		for (char *w = strtok_r(list, ",", &save); w; w = strtok_r(NULL, ",", &save))
			strvec_push(&cfg->workloads, w);
		free(list);
	}
	cfg->present = 1;
	cfg->preset = xstrdup(p->name);
	if (!cfg->memory_source)
		cfg->memory_source = xstrdup("smaps_rollup");
	cfg->bytes_per_object = xstrdup("((full.uss - full.private_clean) - "
					"(base.uss - base.private_clean)) / count");
	cfg->child_env = config_child_env_words();
	char *refused = NULL;
	cfg->aslr_disabled = !a->aslr && spawn_fixed_layout_ok(&refused);
	if (refused)
		warning("the children's addresses stay randomized (%s): a row's repetitions may "
			"differ by a pymalloc pool; config.aslr_disabled_in_child says false", refused);
	free(refused);
	strvec_push(&cfg->command, "objmem");
	for (int i = 0; i < argc; i++)
		strvec_push(&cfg->command, argv[i]);
}

/* Workloads named or given by path, checked against the catalog; all when none. */
static int check_workloads(struct catalog *cat, struct strvec *wls)
{
	if (!wls->n)
		for (size_t i = 0; i < cat->n_workloads; i++)
			strvec_push(wls, cat->workloads[i].name);
	for (size_t i = 0; i < wls->n; i++) {
		size_t len = strlen(wls->v[i]);
		if (strchr(wls->v[i], '/') || (len > 3 && !strcmp(wls->v[i] + len - 3, ".py"))) {
			const struct workload_info *w = catalog_add_workload_file(cat, wls->v[i]);
			if (!w)
				return -1;
			free(wls->v[i]);
			wls->v[i] = xstrdup(w->name);
			continue;
		}
		if (catalog_workload(cat, wls->v[i]))
			continue;
		const char *sug = catalog_suggest(cat, wls->v[i], 1);
		return error("unknown workload '%s'%s%s%s (see: objmem list workloads)", wls->v[i],
			     sug ? "; did you mean '" : "", sug ? sug : "", sug ? "'?" : "");
	}
	if (!wls->n)
		return error("no workloads found under '%s/workloads'", cat->srcdir);
	return 0;
}

/*
 * Each --param names a parameter some workload of the run declares (else it
 * is a typo: said with what the workloads take); the children get them.
 */
static int check_params(struct catalog *cat, const struct config *cfg)
{
	for (size_t i = 0; i < cfg->params.n; i++) {
		const char *p = cfg->params.v[i];
		size_t n = strcspn(p, "=");
		int taken = 0;
		struct buf takes = BUF_INIT;
		for (size_t w = 0; w < cfg->workloads.n; w++) {
			const struct workload_info *wi = catalog_workload(cat, cfg->workloads.v[w]);
			for (size_t k = 0; wi && k < wi->params.n; k++) {
				taken |= strlen(wi->params.v[k]) == n && !strncmp(wi->params.v[k], p, n);
				buf_addf(&takes, "%s%s %s", takes.len ? ", " : "", wi->name, wi->params.v[k]);
			}
		}
		if (!taken) {
			int rc = error("--param %.*s: no workload of this run takes it (%s); check the "
				       "name, or add the workload that does (-w)", (int)n, p,
				       takes.len ? takes.p : "these take no parameters");
			buf_release(&takes);
			return rc;
		}
		buf_release(&takes);
	}
	strvec_clear(&cat->params);
	strvec_copy(&cat->params, &cfg->params);
	return 0;
}

/* The output must be (or become) a regular file: said before anything runs. */
static int check_output(const char *path)
{
	char *real = resolve_output_path(path);
	struct stat st;
	int rc = 0;
	if (stat(real, &st) == 0 && !S_ISREG(st.st_mode))
		rc = error("cannot write results to '%s': it is not a regular file (a device, FIFO, "
			   "socket or directory would be replaced); choose another --output", path);
	free(real);
	return rc;
}

/*
 * Before the cells, once per run and per (interpreter, workload), each in
 * a child of its own, `jobs` pairs at once: the workload's prepare step
 * (the record extension's build; only for a workload whose text has one),
 * then what the interpreter says one object costs (views.h; the cells are
 * not touched). A view the file has already (--resume) is kept; one that
 * cannot be had says why.
 */
struct before_cells {
	const struct catalog *cat;
	struct results *r;
	const struct strvec *run;
	int quiet, views;
	size_t next;               /* pairs taken: interpreter * workloads + workload */
	pthread_mutex_t lock;      /* next, r's views, stderr's notes */
};

static void prepare_one(struct before_cells *b, const struct interp *in, const char *wl)
{
	const struct workload_info *info = catalog_workload(b->cat, wl);
	char *why = NULL;
	if ((!info || info->prepares) &&
	    agent_prepare(b->cat, in, workload_agent_arg(b->cat, wl), b->r->config.timeout_s,
			  &why) && !b->quiet && why) {
		pthread_mutex_lock(&b->lock);
		fprintf(stderr, "note: %s / %s: %s\n", in->name, wl, why);
		pthread_mutex_unlock(&b->lock);
	}
	free(why);
}

static void views_one(struct before_cells *b, const struct interp *in, const char *wl)
{
	pthread_mutex_lock(&b->lock);
	int have = views_find(b->r, in->name, wl) != NULL;
	pthread_mutex_unlock(&b->lock);
	if (have || runner_stop_signal)
		return;
	char *why = NULL;
	const struct workload_info *info = catalog_workload(b->cat, wl);
	char *key = info ? probecache_views_key(b->cat, in, info->path, &b->cat->params) : NULL;
	cJSON *v = key ? probecache_get(key) : NULL;
	if (!v) {
		v = agent_views(b->cat, in, workload_agent_arg(b->cat, wl), b->r->config.timeout_s,
				&why);
		if (v && key)
			probecache_put(key, v);
	}
	free(key);
	if (!v && !runner_stop_signal) {
		v = cJSON_CreateObject();
		cJSON *lacks = cJSON_AddObjectToObject(v, "lacks");
		cJSON_AddStringToObject(lacks, "views", why ? why : "unknown");
	}
	if (v) {
		/* the name the run knows it by (a workload file's path is its name) */
		cJSON_DeleteItemFromObjectCaseSensitive(v, "workload");
		cJSON_AddStringToObject(v, "workload", wl);
		pthread_mutex_lock(&b->lock);
		views_put(b->r, in->name, v);
		pthread_mutex_unlock(&b->lock);
	}
	free(why);
}

static void *before_worker(void *arg)
{
	struct before_cells *b = arg;
	const struct strvec *wls = &b->r->config.workloads;
	size_t total = b->r->n_interps * wls->n;
	for (;;) {
		pthread_mutex_lock(&b->lock);
		size_t k = b->next++;
		pthread_mutex_unlock(&b->lock);
		if (k >= total || runner_stop_signal)
			return NULL;
		const struct interp *in = &b->r->interps[k / wls->n];
		const char *wl = wls->v[k % wls->n];
		if (in->skip_reason || strvec_find(b->run, in->name) < 0)
			continue;
		prepare_one(b, in, wl);
		if (b->views)
			views_one(b, in, wl);
	}
}

static void before_cells(const struct catalog *cat, struct results *r, const struct strvec *run,
			 int quiet, int views)
{
	struct before_cells b = { cat, r, run, quiet, views, 0, PTHREAD_MUTEX_INITIALIZER };
	int jobs = r->config.jobs > 1 ? r->config.jobs : 1;
	pthread_t *th = xcalloc((size_t)jobs, sizeof(*th));
	int started = 0;
	for (int i = 0; i < jobs; i++)
		started += !pthread_create(&th[started], NULL, before_worker, &b);
	if (!started)
		before_worker(&b);
	for (int i = 0; i < started; i++)
		pthread_join(th[i], NULL);
	free(th);
	pthread_mutex_destroy(&b.lock);
	/* views in the matrix's order (interpreter, workload), whatever order they came in */
	if (!r->views)
		return;
	cJSON *ordered = cJSON_CreateArray();
	for (size_t i = 0; i < r->n_interps; i++)
		for (size_t w = 0; w < r->config.workloads.n; w++) {
			cJSON *v = (cJSON *)views_find(r, r->interps[i].name, r->config.workloads.v[w]);
			if (v)
				cJSON_AddItemToArray(ordered, cJSON_DetachItemViaPointer(r->views, v));
		}
	cJSON *rest;
	while ((rest = cJSON_DetachItemFromArray(r->views, 0)))
		cJSON_AddItemToArray(ordered, rest);
	cJSON_Delete(r->views);
	r->views = ordered;
}

/* Take the matrix a resumed file records: its workloads, counts, repetitions, preset. */
static void recorded_matrix(struct config *cfg, const struct config *rec)
{
	strvec_clear(&cfg->workloads);
	strvec_copy(&cfg->workloads, &rec->workloads);
	free(cfg->counts);
	cfg->counts = xcalloc(rec->n_counts + 1, sizeof(*cfg->counts));
	memcpy(cfg->counts, rec->counts, rec->n_counts * sizeof(*cfg->counts));
	cfg->n_counts = rec->n_counts;
	cfg->repeat = rec->repeat > 0 ? rec->repeat : cfg->repeat;
	cfg->repeat_min = rec->repeat > 0 ? rec->repeat_min : cfg->repeat_min;
	free(cfg->repeat_rule);
	cfg->repeat_rule = rec->repeat > 0 && rec->repeat_rule ? xstrdup(rec->repeat_rule) : NULL;
	free(cfg->preset);
	cfg->preset = rec->preset ? xstrdup(rec->preset) : NULL;
}

/* Whether the document lists name as an interpreter that could not run. */
static int a_skipped(const struct results *r, const char *name)
{
	const struct interp *in = results_find_interp(r, name);
	return in && in->skip_reason;
}

/* How many cells of the document an interpreter has. */
static size_t cells_of(const struct results *r, const char *name)
{
	size_t n = 0;
	for (size_t i = 0; i < r->n_cells; i++)
		n += !strcmp(r->cells[i].interpreter, name);
	return n;
}

/*
 * The interpreters selected now, into the document: a name the document
 * has keeps its cells only if it is still the same build. With keep (a
 * resume without -i) only the document's own interpreters are taken.
 * Fills run with the names to run. 0, or -1 with a message.
 */
static int merge_interps(struct results *into, struct results *fresh, const char *path,
			 const struct strvec *keep, struct strvec *run)
{
	for (size_t i = 0; i < fresh->n_interps; i++) {
		struct interp *in = &fresh->interps[i];
		if (keep && strvec_find(keep, in->name) < 0)
			continue;
		struct interp *old = results_find_interp(into, in->name);
		char *why = NULL;
		size_t n = old ? cells_of(into, in->name) : 0;
		if (n && !in->skip_reason && !old->skip_reason && !select_same_build(old, in, &why)) {
			int rc = error("cannot resume '%s': interpreter '%s' is another build now (%s), "
				       "and its %zu cells were measured with the old one; run without "
				       "--resume into a new file, or give the new build another name",
				       path, in->name, why, n);
			free(why);
			return rc;
		}
		strvec_push(run, in->name);
		if (old) {
			interp_release(old);
			*old = *in;
		} else {
			*results_add_interp(into) = *in;
		}
		interp_init(in);
	}
	for (size_t i = 0; keep && i < keep->n; i++)
		if (strvec_find(run, keep->v[i]) < 0 && !a_skipped(into, keep->v[i]))
			warning("'%s' of '%s' is not found any more: its missing cells are not run",
				keep->v[i], path);
	return 0;
}

/*
 * A resume without -i selects the builds the file records: a definition by
 * its name, one found by path by the executable it ran (a shim or a
 * command on PATH may start another build now). One that is gone is left
 * out; merge_interps says so.
 */
static void recorded_builds(const struct catalog *cat, const struct results *r,
			    struct strvec *out)
{
	for (size_t i = 0; i < r->n_interps; i++) {
		const struct interp *in = &r->interps[i];
		if (catalog_def(cat, in->name))
			strvec_push(out, in->name);
		else if (in->origin && (!strcmp(in->origin, "path") || !strcmp(in->origin, "PATH") ||
					!strcmp(in->origin, "pyenv")) &&
			 in->argv.n && !access(in->argv.v[0], X_OK))
			strvec_push(out, in->argv.v[0]);
	}
}

/*
 * The document to run into: the file (--resume) or a new one, with the
 * interpreters selected now; run gets the names to run. 0 or -1 (said).
 */
static int open_results(struct catalog *cat, struct run_args *a, struct results *r,
			struct strvec *run)
{
	struct stat st;
	int resuming = a->resume && stat(a->output, &st) == 0;
	if (resuming && results_load(a->output, r))
		return error("cannot resume from '%s': fix or move the file, or run without "
			     "--resume", a->output);
	if (resuming && !a->matrix_given)
		recorded_matrix(&a->cfg, &r->config);
	for (size_t i = 0; resuming && !a->matrix_given && i < a->cfg.workloads.n; i++)
		if (!catalog_workload(cat, a->cfg.workloads.v[i]))
			return error("cannot resume '%s': its workload '%s' is not one objmem knows "
				     "(a workload file, or one removed since); give the matrix again "
				     "with --resume (-w FILE.py,... -n ... -r ...)", a->output,
				     a->cfg.workloads.v[i]);
	/* cells measured with other parameters are not the same cells */
	if (resuming && !a->cfg.params.n)
		strvec_copy(&a->cfg.params, &r->config.params);
	if (resuming && !strvec_equal(&a->cfg.params, &r->config.params))
		return error("cannot resume '%s': it was run with other --param values; give the "
			     "same, or run without --resume into a new file", a->output);
	/* nor cells measured with their addresses laid out another way */
	if (resuming && r->n_cells && r->config.aslr_disabled >= 0 &&
	    r->config.aslr_disabled != a->cfg.aslr_disabled)
		return error("cannot resume '%s': its cells were measured with the children's "
			     "addresses %s; %s, or run without --resume into a new file", a->output,
			     r->config.aslr_disabled ? "fixed" : "randomized",
			     r->config.aslr_disabled ? "resume without --aslr" : "resume with --aslr");
	/* nor are cells measured in another environment */
	if (resuming && !a->cfg.env.n)
		strvec_copy(&a->cfg.env, &r->config.env);
	if (resuming && !strvec_equal(&a->cfg.env, &r->config.env))
		return error("cannot resume '%s': it was run with other --env values; give the "
			     "same, or run without --resume into a new file", a->output);
	if (resuming && r->n_cells && (!r->config.child_env ||
				       strcmp(r->config.child_env, a->cfg.child_env)))
		return error("cannot resume '%s': its cells were measured with another children's "
			     "environment (%s), which moves the figures; run without --resume "
			     "into a new file", a->output,
			     r->config.child_env ? r->config.child_env : "not recorded");
	strvec_clear(&cat->env);   /* the probes see what the cells will */
	strvec_copy(&cat->env, &a->cfg.env);
	/* a resume without -i runs the interpreters the file records */
	struct strvec keep = STRVEC_INIT;
	for (size_t i = 0; resuming && !a->names.n && i < r->n_interps; i++)
		strvec_push(&keep, r->interps[i].name);
	struct strvec recorded = STRVEC_INIT;
	if (resuming && !a->names.n)
		recorded_builds(cat, r, &recorded);
	struct results fresh;
	results_init(&fresh);
	/* warnings (duplicate builds) are shown even with --quiet */
	struct select_opts so = { resuming && !a->names.n ? &recorded : &a->names,
				  a->preset == 1, 0, a->cfg.timeout_s };
	int rc = resuming && !a->names.n && !recorded.n ? 0 : select_interpreters(cat, &so, &fresh);
	strvec_clear(&recorded);
	if (!rc)
		rc = merge_interps(r, &fresh, a->output, resuming && !a->names.n ? &keep : NULL, run);
	results_release(&fresh);
	strvec_clear(&keep);
	if (rc)
		return -1;
	free(r->objmem_version);
	r->objmem_version = xstrdup(OBJMEM_VERSION);
	if (!r->created) {
		char ts[32];
		utc_timestamp(ts, sizeof(ts));
		r->created = xstrdup(ts);
	}
	if (a->label) {
		free(r->label);
		r->label = xstrdup(a->label);
	}
	sysinfo_machine(&r->machine);
	config_release(&r->config);
	r->config = a->cfg;
	config_init(&a->cfg);
	return 0;
}

/* Say what will run; -1 when nothing can (nothing is written then). */
static int announce(const struct results *r, const struct strvec *run, const struct run_args *a)
{
	size_t usable = 0, broken = 0;
	for (size_t i = 0; i < run->n; i++) {
		const struct interp *in = results_find_interp(r, run->v[i]);
		if (!in->skip_reason)
			usable++;
		else if (a->names.n)
			broken++;   /* named: its cells fail, with the reason */
		if (in->skip_reason && (!a->quiet || a->names.n))
			fprintf(stderr, "%s: %s: %s\n", a->names.n ? "cannot run" : "skipped", in->name,
				in->skip_reason);
	}
	if (!usable && !broken)
		return error("no interpreter can run: install python3, or name one with -i PATH; "
			     "'%s' was left as it was", a->output);
	char reps[64];
	if (r->config.repeat_min > 0)
		snprintf(reps, sizeof(reps), "%d to %d repetitions (auto)", r->config.repeat_min,
			 r->config.repeat);
	else
		snprintf(reps, sizeof(reps), "%d repetition(s)", r->config.repeat);
	if (!a->quiet)
		fprintf(stderr, "objmem: %zu interpreter(s)%s, %zu workload(s), %zu count(s), %s, "
			"%d job(s) -> %s\npreparing workloads (building the record extension where "
			"it can be built)...\n", usable,
			broken ? " and the named ones that cannot run" : "", r->config.workloads.n,
			r->config.n_counts, reps, r->config.jobs, a->output);
	return 0;
}

/* The failed cells a --resume runs again, in a few words. */
static void say_failed(const struct results *r, const char *output, size_t failed)
{
	fprintf(stderr, "%zu cell%s failed:", failed, failed == 1 ? "" : "s");
	size_t shown = 0;
	for (size_t i = 0; i < r->n_cells && shown < 5; i++) {
		const struct cell *c = &r->cells[i];
		if (c->status != CELL_FAILED)
			continue;
		char cnt[32];
		format_count(c->count, cnt, sizeof(cnt));
		fprintf(stderr, "%s %s %s %s #%d", shown++ ? "," : "", c->interpreter, c->workload,
			cnt, c->repeat);
	}
	fprintf(stderr, "%s\n  objmem run --resume -o %s runs %s again (show lists why they "
		"failed)\n", failed > shown ? ", ..." : "", output, failed == 1 ? "it" : "them");
}

/* Run the matrix and say how it ended; the exit status. */
static int measure(const struct catalog *cat, struct results *r, const struct strvec *run,
		   const struct run_args *a)
{
	struct matrix_opts mo = { { &r->config, a->output, a->quiet }, run, a->names.n > 0,
				  a->resume };
	struct matrix_outcome out;
	int run_rc = matrix_run(cat, r, &mo, &out);
	if (out.prev)   /* said even with --quiet: a file was replaced */
		fprintf(stderr, "note: the previous results are kept as '%s'\n", out.prev);
	int rc = 0;
	if (run_rc < 0) {
		rc = 2;
	} else if (!out.wrote && !(run_rc == 0 && out.total == 0 && a->resume)) {
		fprintf(stderr, "no cell got a result: '%s' was left as it was\n", a->output);
		rc = run_rc == 1 ? 130 : 2;
	} else if (run_rc == 1) {
		fprintf(stderr, "interrupted: %zu of %zu cells done and kept in '%s'; continue with:\n"
			"  objmem run --resume -o %s\n", out.done, out.total, a->output, a->output);
		rc = 130;
	} else {
		size_t failed = 0;
		for (size_t i = 0; i < r->n_cells; i++)
			failed += r->cells[i].status == CELL_FAILED;
		if (!a->no_table) {
			struct table_opts to = { TABLE_TEXT, 0, 0, 0 };
			table_print(stdout, r, &to);
		}
		if (failed)
			say_failed(r, a->output, failed);
		if (!out.total)   /* a resume of a whole file: nothing to run, nothing written */
			fprintf(stderr, "nothing to run: '%s' holds every cell of its matrix\n",
				a->output);
		if (!a->quiet && out.settled)
			fprintf(stderr, "%zu repetition%s not run: %s agreed (-r auto)\n", out.settled,
				out.settled == 1 ? " was" : "s were",
				out.settled == 1 ? "its row's first ones" : "their rows' first ones");
		if (!a->quiet)
			fprintf(stderr, "wrote '%s' (%zu cells, %zu failed)\n", a->output, r->n_cells,
				failed);
		rc = failed ? 1 : 0;
	}
	matrix_outcome_release(&out);
	return rc;
}

static int run(struct run_args *a)
{
	if (!a->cfg.memory_budget)
		a->cfg.memory_budget = memplan_default_budget();
	struct catalog cat;
	if (catalog_load(&cat) || check_workloads(&cat, &a->cfg.workloads) ||
	    mkdir_parent(a->output)) {
		catalog_release(&cat);
		return 2;
	}
	/* from here on a SIGINT or SIGTERM stops the run cleanly */
	runner_install_signals();
	struct runlock lock;
	int rc = 2;
	if (check_output(a->output) || runlock_take(&lock, a->output)) {
		catalog_release(&cat);
		return 2;
	}
	struct results r;
	struct strvec run = STRVEC_INIT;
	results_init(&r);
	if (!open_results(&cat, a, &r, &run) && !check_params(&cat, &r.config) &&
	    !announce(&r, &run, a)) {
		before_cells(&cat, &r, &run, a->quiet, !a->no_views);
		rc = measure(&cat, &r, &run, a);
	}
	strvec_clear(&run);
	results_release(&r);
	catalog_release(&cat);
	runlock_release(&lock);
	return rc;
}

/* ------------------------------------------------------------ replay */

static const char run_shortopts[] = "i:w:n:r:j:o:p:t:qh";

static void run_defaults(struct run_args *a)
{
	memset(a, 0, sizeof(*a));
	config_init(&a->cfg);
	a->cfg.jobs = cpus_usable();
	a->cfg.timeout_s = 600;
	a->cfg.poll_s = 0.01;
	a->output = "results/latest.json";
}

static void run_args_release(struct run_args *a)
{
	config_release(&a->cfg);
	strvec_clear(&a->names);
}

/*
 * The options of args[0..n) (args[0] is "run") into out, each as
 * --NAME [VALUE], but those that name a run's own file and state (-o,
 * --resume, --label, --replay); *named set when one is -i. 0, or 2 after
 * a usage error (said).
 */
static int kept_options(int n, char **args, struct strvec *out, int *named, int recorded)
{
	/* and, of a recorded command, how that run talked: the replay's own say */
	static const int dropped[] = { 'o', OPT_RESUME, OPT_LABEL, OPT_REPLAY, 'q', OPT_NO_TABLE };
	size_t n_dropped = recorded ? ARRAY_SIZE(dropped) : 4;
	struct cli c;
	cli_init(&c, "run", run_usage, run_shortopts, run_options, n, args);
	int opt, rc = 0;
	while ((opt = cli_next(&c)) != CLI_END) {
		if (opt == CLI_STOP) {
			rc = c.status ? c.status : 2;
			break;
		}
		int drop = 0;
		for (size_t i = 0; i < n_dropped; i++)
			drop |= opt == dropped[i];
		*named |= opt == 'i';
		if (drop)
			continue;
		strvec_push(out, c.name);
		if (c.arg)
			strvec_push(out, c.arg);
	}
	if (!rc && cli_nargs(&c))
		rc = cli_error(&c, "unexpected argument '%s'", cli_args(&c)[0]);
	cli_release(&c);
	return rc;
}

/* FILE.json -> FILE.replay.json (else FILE.replay.json appended). */
static char *replay_output(const char *file)
{
	size_t len = strlen(file);
	if (len > 5 && !strcmp(file + len - 5, ".json"))
		return xasprintf("%.*s.replay.json", (int)(len - 5), file);
	return xasprintf("%s.replay.json", file);
}

/*
 * The command line of a replay: "run", the options FILE's run was given
 * (its output aside), -i for each build it measured when it named none,
 * then the options given now. 0, or 2 (said).
 */
static int replay_command(const struct run_args *now, int argc, char **argv, struct strvec *cmd)
{
	struct results r;
	results_init(&r);
	if (results_load(now->replay, &r)) {
		results_release(&r);
		return 2;
	}
	const struct strvec *rec = &r.config.command;
	size_t from = rec->n && !strcmp(rec->v[0], "objmem") ? 1 : 0;
	from += from < rec->n && !strcmp(rec->v[from], "run");
	int rc = 0, named = 0, ignored = 0;
	if (!r.config.present || !rec->n) {
		rc = error("cannot replay '%s': it records no command line (written by an older "
			   "objmem?); run its matrix with -i, -w, -n and -r", now->replay);
	} else {
		struct strvec old = STRVEC_INIT;
		strvec_push(&old, "run");
		for (size_t i = from; i < rec->n; i++)
			strvec_push(&old, rec->v[i]);
		strvec_push(cmd, "run");
		if (kept_options((int)old.n, old.v, cmd, &named, 1))
			rc = error("cannot replay '%s': objmem %s does not take the command line it "
				   "records (above)", now->replay, OBJMEM_VERSION);
		strvec_clear(&old);
	}
	for (size_t i = 0; !rc && !named && i < r.n_interps; i++)
		if (!r.interps[i].skip_reason) {
			strvec_push(cmd, "--interpreter");
			strvec_push(cmd, r.interps[i].name);
		}
	if (!rc)
		rc = kept_options(argc, argv, cmd, &ignored, 0);
	if (!rc) {
		char *out = now->output_given ? xstrdup(now->output) : replay_output(now->replay);
		char *a = realpath(now->replay, NULL), *b = realpath(out, NULL);
		if (a && b && !strcmp(a, b))
			rc = error("--replay writes a new file: '%s' is the file replayed; give -o "
				   "another name", out);
		strvec_push(cmd, "--output");
		strvec_push(cmd, out);
		if (now->label) {
			strvec_push(cmd, "--label");
			strvec_push(cmd, now->label);
		}
		free(a);
		free(b);
		free(out);
	}
	results_release(&r);
	return rc ? 2 : 0;
}

/* run --replay FILE: the recorded matrix again, parsed and run as any command line. */
static int run_replay(const struct run_args *now, int argc, char **argv)
{
	if (now->names.n || now->matrix_given || now->resume || now->cfg.shard_n)
		return error("objmem run: --replay runs the matrix the file records: give no -i, "
			     "-w, -n, -r, -p, --shard or --resume with it (run 'objmem run --help')"),
		       2;
	struct strvec cmd = STRVEC_INIT;
	int rc = replay_command(now, argc, argv, &cmd);
	if (!rc) {
		if (!now->quiet) {
			fprintf(stderr, "replaying '%s': objmem", now->replay);
			for (size_t i = 0; i < cmd.n; i++)
				fprintf(stderr, " %s", cmd.v[i]);
			fputc('\n', stderr);
		}
		struct run_args a;
		run_defaults(&a);
		struct cli c;
		cli_init(&c, "run", run_usage, run_shortopts, run_options, (int)cmd.n, cmd.v);
		rc = cli_parse(&c, run_option, &a);
		if (rc < 0) {
			apply_preset(&a, (int)cmd.n, cmd.v);
			rc = run(&a);
		}
		cli_release(&c);
		run_args_release(&a);
	}
	strvec_clear(&cmd);
	return rc;
}

int cmd_run(int argc, char **argv)
{
	struct run_args a;
	run_defaults(&a);
	struct cli c;
	cli_init(&c, "run", run_usage, run_shortopts, run_options, argc, argv);
	int rc = cli_parse(&c, run_option, &a);
	if (rc < 0) {
		if (cli_nargs(&c)) {
			rc = cli_error(&c, "unexpected argument '%s'", cli_args(&c)[0]);
		} else if (a.replay) {
			rc = run_replay(&a, argc, argv);
		} else {
			apply_preset(&a, argc, argv);   /* argv[0] is "run": the command is whole */
			rc = run(&a);
		}
	}
	run_args_release(&a);
	cli_release(&c);
	return rc;
}
