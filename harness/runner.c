/* runner.c - the matrix of cells, each in a fresh child; see runner.h. */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "procmem.h"
#include "progress.h"
#include "protocol.h"
#include "results.h"
#include "runner.h"
#include "textfmt.h"

volatile sig_atomic_t runner_stop_signal;

static void on_stop(int sig)
{
	runner_stop_signal = sig;
}

void runner_install_signals(void)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_stop;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
}

int run_config_smaps(const struct run_config *cfg)
{
	return cfg->rec->memory_source && !strcmp(cfg->rec->memory_source, "smaps");
}

/* FNV-1a over the cell key: stable across runs and machines. */
int runner_in_shard(const char *interp, const char *workload, uint64_t count, int repeat,
		    int k, int n)
{
	if (n <= 1)
		return 1;
	char key[512];
	snprintf(key, sizeof(key), "%s\n%s\n%llu\n%d", interp, workload,
		 (unsigned long long)count, repeat);
	uint64_t h = 1469598103934665603ULL;
	for (const char *p = key; *p; p++) {
		h ^= (unsigned char)*p;
		h *= 1099511628211ULL;
	}
	return (int)(h % (uint64_t)n) == k - 1;
}

/* Everything one cell's conversation with its child needs. */
struct cell_run {
	struct child child;
	struct chanio ch;
	struct procmem pm;
	int pm_open;
	const struct run_config *cfg;
	struct cell *c;
};

static void cell_fail(struct cell_run *cr, char *reason)
{
	if (cr->c->status == CELL_PENDING || cr->c->status == CELL_OK) {
		cr->c->status = CELL_FAILED;
		free(cr->c->reason);
		cr->c->reason = reason;
	} else {
		free(reason);
	}
}

static void poll_status(struct cell_run *cr, int *over_cap)
{
	struct proc_status st;
	if (!cr->pm_open || procmem_status(&cr->pm, &st))
		return;
	struct mem_peak *pk = &cr->c->peak;
	pk->valid = 1;
	pk->polls++;
	if (st.vm_hwm > pk->vm_hwm)
		pk->vm_hwm = st.vm_hwm;
	if (st.rss_anon > pk->rss_anon_max)
		pk->rss_anon_max = st.rss_anon;
	if (cr->cfg->rec->max_memory && st.vm_rss > cr->cfg->rec->max_memory)
		*over_cap = 1;
}

static const char *payload_str(const struct proto_msg *m, const char *key)
{
	return proto_str(m, key);
}

static int take_sample(struct cell_run *cr, int phase)
{
	const char *why = NULL;
	struct mem_sample *s = &cr->c->samples[phase];
	if (procmem_sample(&cr->pm, s, &why)) {
		int e = errno;
		cell_fail(cr, xasprintf("cannot sample memory at '%s': %s", phase_name((enum phase)phase),
					why ? why : strerror(e)));
		return -1;
	}
	if (s->swap > 0)
		strvec_pushf(&cr->c->warnings, "swap in use at %s: %llu bytes: figures are low; "
			     "free memory or run fewer jobs", phase_name((enum phase)phase),
			     (unsigned long long)s->swap);
	return 0;
}

/*
 * Clean library pages that changed sharing between base and full (another
 * process of the same build started or ended) would move USS by megabytes;
 * the figures leave them out, and the cell says it happened.
 */
static void note_clean_change(struct cell_run *cr)
{
	const struct mem_sample *b = &cr->c->samples[PHASE_BASE], *f = &cr->c->samples[PHASE_FULL];
	long long d = (long long)f->private_clean - (long long)b->private_clean;
	if (d > 65536 || d < -65536)
		strvec_pushf(&cr->c->warnings, "private clean pages changed by %lld kB between base and "
			     "full (another process mapped the same library); left out of the deltas",
			     d / 1024);
}

/* Handle one protocol message; returns 1 when the conversation is over. */
static int on_message(struct cell_run *cr, struct proto_msg *m, int *expect, int *filling)
{
	struct cell *c = cr->c;
	long long v;
	switch (m->verb) {
	case PROTO_PHASE:
		if (m->phase != *expect) {
			cell_fail(cr, xasprintf("protocol error: expected phase '%s', got '%s'",
						phase_name((enum phase)*expect),
						phase_name((enum phase)m->phase)));
			return 1;
		}
		if (m->phase == PHASE_FULL) {
			int over = 0;
			poll_status(cr, &over);
			*filling = 0;
		}
		if (take_sample(cr, m->phase))
			return 1;
		if (m->phase == PHASE_FULL)
			note_clean_change(cr);
		if (m->phase == PHASE_BASE) {
			if (!proto_int(m, "getsizeof", &v))
				c->getsizeof = v;
			if (!proto_int(m, "container_bytes", &v))
				c->container_bytes = v;
			const char *note = payload_str(m, "note");
			if (note && *note) {
				free(c->note);
				c->note = xstrdup(note);
			}
			*filling = 1;
		}
		if (proto_send(cr->child.in_fd, "go\n")) {
			cell_fail(cr, xasprintf("cannot answer the child after '%s': %s",
						phase_name((enum phase)m->phase), strerror(errno)));
			return 1;
		}
		(*expect)++;
		return 0;
	case PROTO_DONE:
		if (*expect != PHASE_COUNT) {
			cell_fail(cr, xasprintf("protocol error: 'done' before phase '%s'",
						phase_name((enum phase)*expect)));
			return 1;
		}
		c->status = CELL_OK;
		return 1;
	case PROTO_SKIP: {
		const char *reason = payload_str(m, "reason");
		c->status = CELL_SKIPPED;
		free(c->reason);
		c->reason = xstrdup(reason && *reason ? reason : "the workload cannot run here");
		return 1;
	}
	case PROTO_ERROR: {
		const char *reason = payload_str(m, "reason");
		cell_fail(cr, xasprintf("the workload raised: %s",
					reason && *reason ? reason : "(no reason given)"));
		return 1;
	}
	default:
		cell_fail(cr, xstrdup("protocol error: unexpected verb in run mode"));
		return 1;
	}
}

static void describe_eof(struct cell_run *cr, int expect)
{
	child_wait(&cr->child, 2.0);
	char *ex = child_describe_exit(&cr->child);
	const char *what = expect < PHASE_COUNT ? phase_name((enum phase)expect) : "done";
	cell_fail(cr, xasprintf("the child %s before '%s'", ex, what));
	free(ex);
}

/* Start the child; 0, or -1 with the cell failed. */
static int start_child(struct cell_run *cr, const struct catalog *cat, const struct interp *in)
{
	const struct config *rec = cr->cfg->rec;
	char count[32];
	snprintf(count, sizeof(count), "%llu", (unsigned long long)cr->c->count);
	const char *args[] = { "run", workload_agent_arg(cat, cr->c->workload), count, NULL };
	child_init(&cr->child);
	struct child_opts co = { rec->thp_disabled, rec->cpu, rec->malloc_arena_max };
	agent_child_setup(&cr->child, cat, in, args, &co);
	char *why = NULL;
	if (child_start(&cr->child, &why)) {
		cell_fail(cr, why);
		child_release(&cr->child);
		return -1;
	}
	cr->c->pid = (int)cr->child.pid;
	if (procmem_open(&cr->pm, cr->child.pid) == 0) {
		cr->pm_open = 1;
		cr->pm.force_smaps = run_config_smaps(cr->cfg);
	}
	chanio_init(&cr->ch, cr->child.out_fd, cr->child.err_fd, 8192);
	return 0;
}

/*
 * What a read that brought no message means: 0 to go on (an idle poll),
 * 1 when the cell is over (failed).
 */
static int on_no_line(struct cell_run *cr, enum chan_result r, int expect, int filling)
{
	const struct config *rec = cr->cfg->rec;
	int over_cap = 0;
	switch (r) {
	case CHAN_IDLE:
		if (filling)
			poll_status(cr, &over_cap);
		if (!over_cap)
			return 0;
		cell_fail(cr, xasprintf("exceeded --max-memory (%llu MiB RSS) while filling; killed",
					(unsigned long long)(rec->max_memory >> 20)));
		return 1;
	case CHAN_TIMEOUT:
		cell_fail(cr, xasprintf("timeout: no '%s' line within %.0f s (the child hangs or is "
					"too slow; raise --timeout)", expect < PHASE_COUNT ?
					phase_name((enum phase)expect) : "done", rec->timeout_s));
		return 1;
	case CHAN_TOO_LONG:
		cell_fail(cr, xasprintf("protocol error: a stdout line longer than %d bytes",
					PROTO_MAX_LINE));
		return 1;
	default:
		describe_eof(cr, expect);
		return 1;
	}
}

/* The conversation: phases answered with "go" until done, a fault or a signal. */
static void converse(struct cell_run *cr)
{
	const struct config *rec = cr->cfg->rec;
	int expect = PHASE_START, filling = 0;
	double deadline = now_s() + rec->timeout_s;
	for (;;) {
		if (runner_stop_signal) {
			cell_fail(cr, xstrdup("interrupted"));
			return;
		}
		char *line = NULL;
		enum chan_result r = chanio_next_line(&cr->ch, deadline, filling ? rec->poll_s : 0.25,
						      &line);
		if (r != CHAN_LINE) {
			if (on_no_line(cr, r, expect, filling))
				return;
			continue;
		}
		struct proto_msg m;
		const char *bad = NULL;
		if (proto_parse(line, strlen(line), &m, &bad)) {
			cell_fail(cr, xasprintf("protocol error: %s: '%.80s'", bad, line));
			free(line);
			return;
		}
		free(line);
		int over = on_message(cr, &m, &expect, &filling);
		proto_msg_release(&m);
		if (over)
			return;
		deadline = now_s() + rec->timeout_s;
	}
}

/* A finished child exits by itself; anything else is killed with its group. */
static void end_child(struct cell_run *cr)
{
	struct cell *c = cr->c;
	if (c->status == CELL_OK || c->status == CELL_SKIPPED) {
		if (child_wait(&cr->child, 5.0) != 1) {
			child_kill(&cr->child);
			if (c->status == CELL_OK)
				strvec_push(&c->warnings, "the child did not exit after 'done'; killed");
		} else if (c->status == CELL_OK && !(WIFEXITED(cr->child.wait_status) &&
						     WEXITSTATUS(cr->child.wait_status) == 0)) {
			char *ex = child_describe_exit(&cr->child);
			cell_fail(cr, xasprintf("the child %s after 'done'", ex));
			free(ex);
		}
		/* a grandchild it left behind in its group goes too */
		child_signal_group(&cr->child, SIGKILL);
	} else {
		child_kill(&cr->child);
	}
	chanio_drain(&cr->ch);
	if (c->status == CELL_FAILED) {
		free(c->stderr_tail);
		c->stderr_tail = chanio_stderr_tail(&cr->ch, 12);
	}
	if (cr->pm_open)
		procmem_close(&cr->pm);
	chanio_release(&cr->ch);
	child_release(&cr->child);
}

void runner_run_cell(const struct catalog *cat, const struct interp *in,
		     const struct run_config *cfg, struct cell *c)
{
	struct cell_run cr;
	memset(&cr, 0, sizeof(cr));
	cr.cfg = cfg;
	cr.c = c;
	c->status = CELL_PENDING;
	double t0 = now_s();
	if (!start_child(&cr, cat, in)) {
		converse(&cr);
		end_child(&cr);
	}
	c->wall_s = now_s() - t0;
}

/* ---- the matrix ---- */

struct task {
	const struct interp *in;
	const char *workload;
	uint64_t count;
	int repeat;
};

struct pool {
	const struct catalog *cat;
	const struct run_config *cfg;
	struct results *r;
	struct task *tasks;
	size_t n_tasks, next, done;
	int write_failed;
	struct progress *prog;
	pthread_mutex_t lock;
};

static double task_weight(const struct task *t)
{
	/* start-up costs about as much as making 50k objects */
	return (double)t->count + 50000.0;
}

static void task_label(const struct task *t, char *out, size_t n)
{
	char cnt[32];
	format_count(t->count, cnt, sizeof(cnt));
	snprintf(out, n, "%s %s %s #%d", t->in->name, t->workload, cnt, t->repeat);
}

static void *worker(void *arg)
{
	struct pool *p = arg;
	for (;;) {
		pthread_mutex_lock(&p->lock);
		if (runner_stop_signal || p->write_failed || p->next >= p->n_tasks) {
			pthread_mutex_unlock(&p->lock);
			return NULL;
		}
		struct task *t = &p->tasks[p->next++];
		pthread_mutex_unlock(&p->lock);

		char label[256];
		task_label(t, label, sizeof(label));
		progress_start(p->prog, label);
		struct cell c;
		cell_init(&c);
		c.interpreter = xstrdup(t->in->name);
		c.workload = xstrdup(t->workload);
		c.count = t->count;
		c.repeat = t->repeat;
		runner_run_cell(p->cat, t->in, p->cfg, &c);

		if (runner_stop_signal && c.status == CELL_FAILED && c.reason &&
		    !strcmp(c.reason, "interrupted")) {
			/* not a result: the cell is left for --resume */
			progress_done(p->prog, label, 0, "interrupted", NULL);
			cell_release(&c);
			continue;
		}
		char detail[512];
		double bpo;
		if (c.status == CELL_OK && !cell_bytes_per_object(&c, &bpo))
			snprintf(detail, sizeof(detail), "%.1f B/object", bpo);
		else
			snprintf(detail, sizeof(detail), "%s", c.reason ? c.reason : "");

		pthread_mutex_lock(&p->lock);
		struct cell *slot = results_find_cell(p->r, c.interpreter, c.workload, c.count, c.repeat);
		if (slot)
			cell_release(slot);
		else
			slot = results_add_cell(p->r);
		*slot = c; /* ownership moves into the results */
		enum cell_status st = c.status;
		results_sort_cells(p->r);
		p->done++;
		if (p->cfg->output && results_write(p->r, p->cfg->output))
			p->write_failed = 1;
		pthread_mutex_unlock(&p->lock);
		progress_done(p->prog, label, task_weight(t), cell_status_name(st), detail);
	}
}

static int cell_is_done(struct results *r, const struct task *t)
{
	struct cell *c = results_find_cell(r, t->in->name, t->workload, t->count, t->repeat);
	return c && (c->status == CELL_OK || c->status == CELL_SKIPPED || c->status == CELL_FAILED);
}

int runner_run(const struct catalog *cat, struct results *r, const struct run_config *cfg,
	       size_t *n_done, size_t *n_total)
{
	struct pool p;
	memset(&p, 0, sizeof(p));
	p.cat = cat;
	p.cfg = cfg;
	p.r = r;
	pthread_mutex_init(&p.lock, NULL);
	size_t alloc = 0;
	double weight = 0;
	/* Small counts first: early cells show problems early, and the estimate settles. */
	const struct config *rec = cfg->rec;
	for (size_t ci = 0; ci < rec->n_counts; ci++)
		for (size_t wi = 0; wi < rec->workloads.n; wi++)
			for (size_t ii = 0; ii < r->n_interps; ii++)
				for (int rep = 1; rep <= rec->repeat; rep++) {
					const struct interp *in = &r->interps[ii];
					if (in->skip_reason)
						continue;
					struct task t = { in, rec->workloads.v[wi], rec->counts[ci], rep };
					if (!runner_in_shard(in->name, t.workload, t.count, rep,
							     rec->shard_k, rec->shard_n))
						continue;
					if (cell_is_done(r, &t))
						continue;
					xgrow((void **)&p.tasks, sizeof(*p.tasks), p.n_tasks + 1, &alloc);
					p.tasks[p.n_tasks++] = t;
					weight += task_weight(&t);
				}
	p.prog = progress_new(p.n_tasks, weight, cfg->quiet);
	if (cfg->output && results_write(r, cfg->output))
		p.write_failed = 1;

	int jobs = rec->jobs < 1 ? 1 : rec->jobs;
	if ((size_t)jobs > p.n_tasks)
		jobs = p.n_tasks ? (int)p.n_tasks : 1;
	pthread_t *th = xcalloc((size_t)jobs, sizeof(*th));
	int started = 0;
	if (!p.write_failed) {
		for (int i = 0; i < jobs; i++) {
			if (pthread_create(&th[i], NULL, worker, &p)) {
				error("cannot start worker thread %d: %s", i + 1, strerror(errno));
				break;
			}
			started++;
		}
		if (!started)
			worker(&p);
	}
	for (int i = 0; i < started; i++)
		pthread_join(th[i], NULL);
	free(th);
	progress_free(p.prog);
	*n_done = p.done;
	*n_total = p.n_tasks;
	free(p.tasks);
	pthread_mutex_destroy(&p.lock);
	if (p.write_failed)
		return -1;
	return runner_stop_signal ? 1 : 0;
}
