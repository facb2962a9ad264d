/* cmd_run.c - `objmem run`: options, presets, the run, the closing table. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "agent.h"
#include "commands.h"
#include "config.h"
#include "guard.h"
#include "jsonutil.h"
#include "results.h"
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
	"  objmem run -i python3 -i /opt/py312/bin/python3.12 -w point3d,slots \\\n"
	"             -n 100,1k,1M -r 3 -j 2 -o results/cmp.json\n"
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

static void split_push(struct strvec *sv, const char *arg)
{
	char *copy = xstrdup(arg), *save = NULL;
	for (char *p = strtok_r(copy, ",", &save); p; p = strtok_r(NULL, ",", &save))
		if (*p && strvec_find(sv, p) < 0)
			strvec_push(sv, p);
	free(copy);
}

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

/* Make the directory that will hold path, like mkdir -p on its dirname. */
static int make_parent_dir(const char *path)
{
	char *dir = xstrdup(path);
	char *slash = strrchr(dir, '/');
	if (!slash) {
		free(dir);
		return 0;
	}
	*slash = '\0';
	for (char *p = dir + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		mkdir(dir, 0755);
		*p = '/';
	}
	int rc = 0;
	if (*dir && mkdir(dir, 0755) && errno != EEXIST)
		rc = error("cannot create directory '%s' for the results: %s", dir, strerror(errno));
	free(dir);
	return rc;
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
		error("cannot create lock file '%s': %s (is the directory writable?)", lock, strerror(errno));
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

static cJSON *config_json(const struct run_config *cfg, const char *preset, int argc, char **argv)
{
	cJSON *c = cJSON_CreateObject();
	cJSON *counts = cJSON_AddArrayToObject(c, "counts");
	for (size_t i = 0; i < cfg->n_counts; i++)
		cJSON_AddItemToArray(counts, json_u64(cfg->counts[i]));
	cJSON_AddNumberToObject(c, "repeat", cfg->repeat);
	cJSON_AddNumberToObject(c, "jobs", cfg->jobs);
	cJSON *w = cJSON_AddArrayToObject(c, "workloads");
	for (size_t i = 0; i < cfg->workloads.n; i++)
		cJSON_AddItemToArray(w, cJSON_CreateString(cfg->workloads.v[i]));
	cJSON_AddStringToObject(c, "preset", preset);
	cJSON_AddNumberToObject(c, "timeout_s", cfg->timeout_s);
	cJSON_AddNumberToObject(c, "poll_s", cfg->poll_s);
	if (cfg->max_memory)
		cJSON_AddItemToObject(c, "max_memory", json_u64(cfg->max_memory));
	else
		cJSON_AddNullToObject(c, "max_memory");
	cJSON_AddBoolToObject(c, "thp_disabled_in_child", cfg->opts.thp_disable);
	if (cfg->opts.cpu >= 0)
		cJSON_AddNumberToObject(c, "cpu", cfg->opts.cpu);
	else
		cJSON_AddNullToObject(c, "cpu");
	if (cfg->opts.arena_max)
		cJSON_AddStringToObject(c, "malloc_arena_max", cfg->opts.arena_max);
	else
		cJSON_AddNullToObject(c, "malloc_arena_max");
	cJSON_AddStringToObject(c, "memory_source", cfg->force_smaps ? "smaps" : "smaps_rollup");
	if (cfg->shard_n > 1) {
		char s[32];
		snprintf(s, sizeof(s), "%d/%d", cfg->shard_k, cfg->shard_n);
		cJSON_AddStringToObject(c, "shard", s);
	}
	cJSON_AddStringToObject(c, "bytes_per_object",
				"((full.uss - full.private_clean) - (base.uss - base.private_clean)) / count");
	cJSON_AddStringToObject(c, "child_env", "PYTHON* removed; PYTHONHASHSEED=0 unless the definition sets it");
	cJSON *cmd = cJSON_AddArrayToObject(c, "command");
	cJSON_AddItemToArray(cmd, cJSON_CreateString("objmem"));
	for (int i = 0; i < argc; i++)
		cJSON_AddItemToArray(cmd, cJSON_CreateString(argv[i]));
	return c;
}

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
		error("unknown workload '%s'%s%s%s (see: objmem list workloads)", wls->v[i],
		      sug ? "; did you mean '" : "", sug ? sug : "", sug ? "'?" : "");
		return -1;
	}
	if (!wls->n)
		return error("no workloads found under '%s/workloads'", cat->srcdir);
	return 0;
}

/* Build the per-interpreter extensions a workload needs, once per run. */
static void prepare_all(const struct catalog *cat, struct results *r, const struct strvec *wls,
			int quiet)
{
	for (size_t i = 0; i < r->n_interps; i++) {
		struct interp *in = &r->interps[i];
		if (in->skip_reason)
			continue;
		for (size_t w = 0; w < wls->n; w++) {
			char *why = NULL;
			if (agent_prepare(cat, in, workload_agent_arg(cat, wls->v[w]), 300, &why) && !quiet && why)
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
			struct interp *in = results_add_interp(into);
			*in = fresh->interps[i];
		}
		interp_init(&fresh->interps[i]);
	}
}

int cmd_run(int argc, char **argv)
{
	struct run_config cfg;
	memset(&cfg, 0, sizeof(cfg));
	strvec_init(&cfg.workloads);
	cfg.repeat = -1;
	cfg.jobs = (int)sysconf(_SC_NPROCESSORS_ONLN);
	cfg.timeout_s = 600;
	cfg.poll_s = 0.01;
	cfg.opts.cpu = -1;
	const char *output = "results/latest.json";
	const char *counts_arg = NULL, *preset_name = "default", *label = NULL;
	struct strvec names = STRVEC_INIT;
	int resume = 0, no_table = 0, rc = 2;
	long v;
	uint64_t sz;

	optind = 1;
	opterr = 0;
	int opt;
	while ((opt = getopt_long(argc, argv, ":i:w:n:r:j:o:p:t:qh", run_options, NULL)) != -1) {
		switch (opt) {
		case 'i': split_push(&names, optarg); break;
		case 'w': split_push(&cfg.workloads, optarg); break;
		case 'n': counts_arg = optarg; break;
		case 'r':
			if (parse_int_range(optarg, 1, 1000, &v)) {
				rc = usage_error(run_usage, "--repeat takes a whole number from 1 to 1000, not '%s'", optarg);
				goto out;
			}
			cfg.repeat = (int)v;
			break;
		case 'j':
			if (parse_int_range(optarg, 1, 256, &v)) {
				rc = usage_error(run_usage, "--jobs takes a whole number from 1 to 256, not '%s'", optarg);
				goto out;
			}
			cfg.jobs = (int)v;
			break;
		case 'o': output = optarg; break;
		case 'p': preset_name = optarg; break;
		case 't': {
			char *end;
			errno = 0;
			double t = strtod(optarg, &end);
			if (errno || *end || !(t > 0 && t <= 86400)) {
				rc = usage_error(run_usage, "--timeout takes seconds between 0 and 86400, not '%s'", optarg);
				goto out;
			}
			cfg.timeout_s = t;
			break;
		}
		case OPT_MAX_MEMORY:
			if (parse_size(optarg, &sz)) {
				rc = usage_error(run_usage, "--max-memory takes a size like 512M or 2G, not '%s'", optarg);
				goto out;
			}
			cfg.max_memory = sz;
			break;
		case OPT_NO_THP: cfg.opts.thp_disable = 1; break;
		case OPT_CPU:
			if (parse_int_range(optarg, 0, 4095, &v)) {
				rc = usage_error(run_usage, "--cpu takes a CPU number, not '%s'", optarg);
				goto out;
			}
			cfg.opts.cpu = (int)v;
			break;
		case OPT_ARENA:
			if (parse_int_range(optarg, 1, 1024, &v)) {
				rc = usage_error(run_usage, "--malloc-arena-max takes a number from 1 to 1024, not '%s'", optarg);
				goto out;
			}
			cfg.opts.arena_max = optarg;
			break;
		case OPT_LABEL: label = optarg; break;
		case OPT_RESUME: resume = 1; break;
		case OPT_SHARD: {
			int k, n, used = 0;
			if (sscanf(optarg, "%d/%d%n", &k, &n, &used) != 2 || optarg[used] || n < 1 || k < 1 || k > n) {
				rc = usage_error(run_usage, "--shard takes K/N with 1 <= K <= N, e.g. 2/4, not '%s'", optarg);
				goto out;
			}
			cfg.shard_k = k;
			cfg.shard_n = n;
			break;
		}
		case OPT_SMAPS: cfg.force_smaps = 1; break;
		case 'q': cfg.quiet = 1; break;
		case OPT_NO_TABLE: no_table = 1; break;
		case 'h': rc = usage_error(run_usage, NULL); goto out;
		case ':':
			rc = usage_error(run_usage, "option '%s' needs a value", argv[optind - 1]);
			goto out;
		default:
			rc = usage_error(run_usage, "unknown option '%s'", argv[optind - 1]);
			goto out;
		}
	}
	if (optind < argc) {
		rc = usage_error(run_usage, "unexpected argument '%s'", argv[optind]);
		goto out;
	}

	const struct preset *preset = NULL;
	for (size_t i = 0; i < ARRAY_SIZE(presets); i++)
		if (!strcmp(presets[i].name, preset_name))
			preset = &presets[i];
	if (!preset) {
		rc = usage_error(run_usage, "unknown preset '%s' (default, versions, quick)", preset_name);
		goto out;
	}
	const char *why;
	if (parse_count_list(counts_arg ? counts_arg : preset->counts, &cfg.counts, &cfg.n_counts, &why)) {
		rc = usage_error(run_usage, "bad --counts '%s': %s", counts_arg, why);
		goto out;
	}
	if (cfg.repeat < 0)
		cfg.repeat = preset->repeat;
	if (!cfg.workloads.n && preset->workloads)
		split_push(&cfg.workloads, preset->workloads);

	struct catalog cat;
	if (catalog_load(&cat)) {
		catalog_release(&cat);
		goto out;
	}
	if (check_workloads(&cat, &cfg.workloads)) {
		catalog_release(&cat);
		goto out;
	}
	if (make_parent_dir(output)) {
		catalog_release(&cat);
		goto out;
	}
	/* from here on a SIGINT or SIGTERM stops the run cleanly */
	runner_install_signals();
	int lock_fd = lock_output(output);
	if (lock_fd < 0) {
		catalog_release(&cat);
		goto out;
	}

	struct results r;
	results_init(&r);
	struct stat st;
	if (resume && stat(output, &st) == 0) {
		if (results_load(output, &r)) {
			error("cannot resume from '%s': fix or move the file, or run without --resume", output);
			goto out_results;
		}
	} else if (!resume && stat(output, &st) == 0 && !cfg.quiet) {
		fprintf(stderr, "note: '%s' exists and will be replaced (use --resume to continue it)\n", output);
	}

	struct results fresh;
	results_init(&fresh);
	/* warnings (duplicate builds) are shown even with --quiet */
	struct select_opts so = { &names, preset == &presets[1], 0, 60 };
	if (select_interpreters(&cat, &so, &fresh)) {
		results_release(&fresh);
		goto out_results;
	}
	merge_interps(&r, &fresh);
	results_release(&fresh);

	free(r.objmem_version);
	r.objmem_version = xstrdup(OBJMEM_VERSION);
	if (!r.created) {
		char ts[32];
		utc_timestamp(ts, sizeof(ts));
		r.created = xstrdup(ts);
	}
	if (label) {
		free(r.label);
		r.label = xstrdup(label);
	}
	cJSON_Delete(r.machine);
	r.machine = sysinfo_machine();
	cJSON_Delete(r.config);
	r.config = config_json(&cfg, preset->name, argc - 1, argv + 1);
	cfg.output = output;

	size_t usable = 0;
	for (size_t i = 0; i < r.n_interps; i++) {
		if (!r.interps[i].skip_reason)
			usable++;
		else if (!cfg.quiet)
			fprintf(stderr, "skipped: %s: %s\n", r.interps[i].name, r.interps[i].skip_reason);
	}
	if (!usable) {
		error("no interpreter can run: install python3, or name one with -i PATH");
		results_write(&r, output);
		goto out_results;
	}
	if (!cfg.quiet) {
		fprintf(stderr, "objmem: %zu interpreter(s), %zu workload(s), %zu count(s), %d repetition(s), %d job(s) -> %s\n",
			usable, cfg.workloads.n, cfg.n_counts, cfg.repeat, cfg.jobs, output);
		fprintf(stderr, "preparing workloads (building the record extension where it can be built)...\n");
	}
	prepare_all(&cat, &r, &cfg.workloads, cfg.quiet);

	guard_start();
	size_t done = 0, total = 0;
	int run_rc = runner_run(&cat, &r, &cfg, &done, &total);
	if (run_rc < 0) {
		rc = 2;
		goto out_results;
	}
	/* the last write already happened after the last cell; write once more for a run of 0 cells */
	if (results_write(&r, output)) {
		rc = 2;
		goto out_results;
	}
	if (run_rc == 1) {
		fprintf(stderr, "interrupted: %zu of %zu cells done and kept in '%s'; continue with:\n"
			"  objmem run --resume -o %s [the same options]\n", done, total, output, output);
		rc = 130;
		goto out_results;
	}
	size_t failed = 0;
	for (size_t i = 0; i < r.n_cells; i++)
		failed += r.cells[i].status == CELL_FAILED;
	if (!no_table) {
		struct table_opts to = { TABLE_TEXT, 0, 0 };
		table_print(stdout, &r, &to);
	}
	if (!cfg.quiet)
		fprintf(stderr, "wrote '%s' (%zu cells, %zu failed)\n", output, r.n_cells, failed);
	rc = failed ? 1 : 0;

out_results:
	results_release(&r);
	catalog_release(&cat);
	{
		char *lock = xasprintf("%s.lock", output);
		unlink(lock);
		free(lock);
	}
	close(lock_fd);
out:
	strvec_clear(&names);
	strvec_clear(&cfg.workloads);
	free(cfg.counts);
	return rc;
}
