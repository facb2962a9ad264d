/* cmd_run.c - `objmem run`: options, presets, the output file, the run, the closing table. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "agent.h"
#include "catalog.h"
#include "cli.h"
#include "commands.h"
#include "runner.h"
#include "select.h"
#include "sysinfo.h"
#include "table.h"

static const char run_usage[] =
	"usage: objmem run [options]\n"
	"\n"
	"Runs every (interpreter, workload, count, repetition) cell in a fresh child\n"
	"and writes the results file after each cell.\n"
	"\n"
	"  -i, --interpreter NAME   a definition's name (objmem list interpreters), a path\n"
	"                           to an executable, or a command on PATH; repeat or use\n"
	"                           commas (default: every definition and every python found)\n"
	"  -w, --workload NAME      workloads to run, repeat or commas (default: all)\n"
	"  -n, --counts LIST        object counts, k/M/G suffixes (default 10k,100k,1M)\n"
	"  -r, --repeat N           repetitions of each cell, fresh process each (default 3)\n"
	"  -j, --jobs N             cells at once (default: number of CPUs)\n"
	"  -o, --output FILE        results file (default results/latest.json)\n"
	"  -p, --preset NAME        default | versions (5 core workloads, 100 to 10M) |\n"
	"                           quick (point3d and slots at 1k and 10k, once)\n"
	"  -t, --timeout SECONDS    longest wait for any step of a child (default 600)\n"
	"      --max-memory SIZE    kill a cell whose RSS passes SIZE (e.g. 2G)\n"
	"      --no-thp             transparent huge pages off in the child (prctl)\n"
	"      --cpu N              pin each child to CPU N\n"
	"      --malloc-arena-max N set MALLOC_ARENA_MAX=N for the children\n"
	"      --label TEXT         a revision label stored in the results (for trend)\n"
	"      --resume             keep the cells already in FILE, run the missing ones\n"
	"      --shard K/N          run only the K-th of N slices of the matrix\n"
	"      --smaps              read /proc/PID/smaps instead of smaps_rollup\n"
	"  -q, --quiet              no progress on stderr\n"
	"      --no-table           do not print the table at the end\n"
	"  -h, --help               this text\n"
	"\n"
	"example:\n"
	"  objmem run -i python3 -w point3d,slots -n 100,1k,1M -r 3 -j 2 -o results/cmp.json\n"
	"\n"
	"exit status: 0 every cell ok or skipped, 1 a cell failed, 2 bad usage,\n"
	"130 interrupted (finished cells are kept; continue with --resume).\n";

enum {
	OPT_MAX_MEMORY = 256, OPT_NO_THP, OPT_CPU, OPT_ARENA, OPT_LABEL, OPT_RESUME,
	OPT_SHARD, OPT_SMAPS, OPT_NO_TABLE
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
	{ "no-thp", no_argument, NULL, OPT_NO_THP },
	{ "cpu", required_argument, NULL, OPT_CPU },
	{ "malloc-arena-max", required_argument, NULL, OPT_ARENA },
	{ "label", required_argument, NULL, OPT_LABEL },
	{ "resume", no_argument, NULL, OPT_RESUME },
	{ "shard", required_argument, NULL, OPT_SHARD },
	{ "smaps", no_argument, NULL, OPT_SMAPS },
	{ "quiet", no_argument, NULL, 'q' },
	{ "no-table", no_argument, NULL, OPT_NO_TABLE },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

struct preset {
	const char *name;
	const char *counts;
	int repeat;
	const char *workloads; /* NULL: all */
};

static const struct preset presets[] = {
	{ "default", "10k,100k,1M", 3, NULL },
	{ "versions", "100,1k,10k,100k,1M,10M", 3, "point3d,slots,namedtuple,record,largeints" },
	{ "quick", "1k,10k", 1, "point3d,slots" },
};
static const char *const preset_names[] = { "default", "versions", "quick", NULL };

/* What the options say; cfg is what the results will record. */
struct run_args {
	struct config cfg;
	struct strvec names;   /* -i */
	const char *output, *label;
	int preset, resume, no_table, quiet;
};

static int shard_option(struct cli *c, struct config *cfg)
{
	int k, n, used = 0;
	if (sscanf(c->arg, "%d/%d%n", &k, &n, &used) != 2 || c->arg[used] || n < 1 || k < 1 ||
	    k > n)
		return cli_error(c, "--shard takes K/N with 1 <= K <= N, e.g. 2/4, not '%s'", c->arg);
	cfg->shard_k = k;
	cfg->shard_n = n;
	return 0;
}

static int run_option(struct cli *c, int opt, void *arg)
{
	struct run_args *a = arg;
	struct config *cfg = &a->cfg;
	long v;
	switch (opt) {
	case 'i': return cli_names(c, &a->names);
	case 'w': return cli_names(c, &cfg->workloads);
	case 'n': return cli_counts(c, &cfg->counts, &cfg->n_counts);
	case 'r':
		if (cli_long(c, 1, 1000, &v))
			return 2;
		cfg->repeat = (int)v;
		return 0;
	case 'j':
		if (cli_long(c, 1, 256, &v))
			return 2;
		cfg->jobs = (int)v;
		return 0;
	case 'o': a->output = c->arg; return 0;
	case 'p': return cli_choice(c, preset_names, &a->preset);
	case 't': return cli_seconds(c, 86400, &cfg->timeout_s);
	case OPT_MAX_MEMORY: return cli_size(c, &cfg->max_memory);
	case OPT_NO_THP: cfg->thp_disabled = 1; return 0;
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
	if (!cfg->repeat)
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
	cfg->child_env = xstrdup("PYTHON* removed; PYTHONHASHSEED=0 unless the definition sets it");
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
 * A lock beside the results file, held for the whole run, so that two runs
 * cannot write one file. Returns the fd, or -1 with a message.
 */
static int lock_output(const char *path)
{
	char *lock = xasprintf("%s.lock", path);
	int fd = open(lock, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
	if (fd < 0) {
		error("cannot create lock file '%s': %s (is the directory writable?)", lock,
		      strerror(errno));
		free(lock);
		return -1;
	}
	if (flock(fd, LOCK_EX | LOCK_NB)) {
		char pid[32] = "";
		ssize_t n = pread(fd, pid, sizeof(pid) - 1, 0);
		pid[n > 0 ? n : 0] = '\0';
		pid[strcspn(pid, "\n")] = '\0';
		error("'%s' is being written by another objmem run (pid %s); wait for it to end "
		      "or choose another --output", path, *pid ? pid : "?");
		close(fd);
		free(lock);
		return -1;
	}
	if (ftruncate(fd, 0) == 0) {
		char pid[32];
		int n = snprintf(pid, sizeof(pid), "%ld\n", (long)getpid());
		if (pwrite(fd, pid, (size_t)n, 0) < 0)
			warning("cannot write pid into '%s': %s", lock, strerror(errno));
	}
	free(lock);
	return fd;
}

static void unlock_output(const char *path, int fd)
{
	char *lock = xasprintf("%s.lock", path);
	unlink(lock);
	free(lock);
	close(fd);
}

/* Build the per-interpreter extensions a workload needs, once per run. */
static void prepare_all(const struct catalog *cat, struct results *r, int quiet)
{
	const struct strvec *wls = &r->config.workloads;
	for (size_t i = 0; i < r->n_interps; i++) {
		struct interp *in = &r->interps[i];
		if (in->skip_reason)
			continue;
		for (size_t w = 0; w < wls->n; w++) {
			char *why = NULL;
			if (agent_prepare(cat, in, workload_agent_arg(cat, wls->v[w]), 300, &why) &&
			    !quiet && why)
				fprintf(stderr, "note: %s / %s: %s\n", in->name, wls->v[w], why);
			free(why);
		}
	}
}

/* Keep the interpreters of a resumed file; add those new to this run. */
static void merge_interps(struct results *into, struct results *fresh)
{
	for (size_t i = 0; i < fresh->n_interps; i++) {
		struct interp *old = results_find_interp(into, fresh->interps[i].name);
		if (old) {
			interp_release(old);
			*old = fresh->interps[i];
		} else {
			*results_add_interp(into) = fresh->interps[i];
		}
		interp_init(&fresh->interps[i]);
	}
}

/* The results to run into: the file (--resume) or a new document, with its interpreters. */
static int open_results(const struct catalog *cat, struct run_args *a, struct results *r)
{
	struct stat st;
	if (a->resume && stat(a->output, &st) == 0) {
		if (results_load(a->output, r))
			return error("cannot resume from '%s': fix or move the file, or run without "
				     "--resume", a->output);
	} else if (!a->resume && stat(a->output, &st) == 0 && !a->quiet) {
		fprintf(stderr, "note: '%s' exists and will be replaced (use --resume to continue "
			"it)\n", a->output);
	}
	struct results fresh;
	results_init(&fresh);
	/* warnings (duplicate builds) are shown even with --quiet */
	struct select_opts so = { &a->names, a->preset == 1, 0, 60 };
	int rc = select_interpreters(cat, &so, &fresh);
	if (!rc)
		merge_interps(r, &fresh);
	results_release(&fresh);
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

/* Say what will run; -1 when nothing can. */
static int announce(const struct results *r, const struct run_args *a)
{
	size_t usable = 0;
	for (size_t i = 0; i < r->n_interps; i++) {
		if (!r->interps[i].skip_reason)
			usable++;
		else if (!a->quiet)
			fprintf(stderr, "skipped: %s: %s\n", r->interps[i].name, r->interps[i].skip_reason);
	}
	if (!usable)
		return error("no interpreter can run: install python3, or name one with -i PATH");
	if (!a->quiet)
		fprintf(stderr, "objmem: %zu interpreter(s), %zu workload(s), %zu count(s), %d "
			"repetition(s), %d job(s) -> %s\npreparing workloads (building the record "
			"extension where it can be built)...\n", usable, r->config.workloads.n,
			r->config.n_counts, r->config.repeat, r->config.jobs, a->output);
	return 0;
}

/* Run the matrix and say how it ended; the exit status. */
static int measure(const struct catalog *cat, struct results *r, const struct run_args *a)
{
	struct run_config rc = { &r->config, a->output, a->quiet };
	size_t done = 0, total = 0;
	int run_rc = runner_run(cat, r, &rc, &done, &total);
	/* the last write happened after the last cell; once more for a run of 0 cells */
	if (run_rc < 0 || results_write(r, a->output))
		return 2;
	if (run_rc == 1) {
		fprintf(stderr, "interrupted: %zu of %zu cells done and kept in '%s'; continue with:\n"
			"  objmem run --resume -o %s [the same options]\n", done, total, a->output,
			a->output);
		return 130;
	}
	size_t failed = 0;
	for (size_t i = 0; i < r->n_cells; i++)
		failed += r->cells[i].status == CELL_FAILED;
	if (!a->no_table) {
		struct table_opts to = { TABLE_TEXT, 0, 0, 0 };
		table_print(stdout, r, &to);
	}
	if (!a->quiet)
		fprintf(stderr, "wrote '%s' (%zu cells, %zu failed)\n", a->output, r->n_cells, failed);
	return failed ? 1 : 0;
}

static int run(struct run_args *a)
{
	struct catalog cat;
	if (catalog_load(&cat) || check_workloads(&cat, &a->cfg.workloads) ||
	    mkdir_parent(a->output)) {
		catalog_release(&cat);
		return 2;
	}
	/* from here on a SIGINT or SIGTERM stops the run cleanly */
	runner_install_signals();
	int lock_fd = lock_output(a->output), rc = 2;
	if (lock_fd < 0) {
		catalog_release(&cat);
		return 2;
	}
	struct results r;
	results_init(&r);
	if (!open_results(&cat, a, &r)) {
		if (announce(&r, a)) {
			results_write(&r, a->output);
		} else {
			prepare_all(&cat, &r, a->quiet);
			rc = measure(&cat, &r, a);
		}
	}
	results_release(&r);
	catalog_release(&cat);
	unlock_output(a->output, lock_fd);
	return rc;
}

int cmd_run(int argc, char **argv)
{
	struct run_args a;
	memset(&a, 0, sizeof(a));
	config_init(&a.cfg);
	a.cfg.jobs = (int)sysconf(_SC_NPROCESSORS_ONLN);
	a.cfg.timeout_s = 600;
	a.cfg.poll_s = 0.01;
	a.output = "results/latest.json";
	struct cli c;
	cli_init(&c, "run", run_usage, "i:w:n:r:j:o:p:t:qh", run_options, argc, argv);
	int rc = cli_parse(&c, run_option, &a);
	if (rc < 0) {
		if (cli_nargs(&c)) {
			rc = cli_error(&c, "unexpected argument '%s'", cli_args(&c)[0]);
		} else {
			apply_preset(&a, argc - 1, argv + 1);
			rc = run(&a);
		}
	}
	config_release(&a.cfg);
	strvec_clear(&a.names);
	cli_release(&c);
	return rc;
}
