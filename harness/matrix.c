/* matrix.c - a run's matrix of cells and how its results reach the disk; see matrix.h. */
#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "journal.h"
#include "matrix.h"
#include "memplan.h"
#include "progress.h"
#include "textfmt.h"

/* FNV-1a over a cell's key: stable across runs and machines. */
static uint64_t key_hash(const char *interp, const char *workload, uint64_t count, int repeat)
{
	char key[1024];
	snprintf(key, sizeof(key), "%s\n%s\n%llu\n%d", interp, workload,
		 (unsigned long long)count, repeat);
	return fnv1a(key, strlen(key), FNV1A_INIT);
}

struct ranked {
	uint64_t hash;
	size_t index;
};

static int cmp_ranked(const void *a, const void *b)
{
	const struct ranked *x = a, *y = b;
	if (x->hash != y->hash)
		return x->hash < y->hash ? -1 : 1;
	return x->index < y->index ? -1 : x->index > y->index;
}

void matrix_shards(const struct matrix_cell *cells, size_t n, int shards, int *shard_of)
{
	struct ranked *rk = xcalloc(n + 1, sizeof(*rk));
	for (size_t i = 0; i < n; i++)
		rk[i] = (struct ranked){ key_hash(cells[i].interp, cells[i].workload, cells[i].count,
						  cells[i].repeat), i };
	/* equal hashes (a collision) fall back to the matrix order, the same everywhere */
	qsort(rk, n, sizeof(*rk), cmp_ranked);
	for (size_t r = 0; r < n; r++)
		shard_of[rk[r].index] = shards > 1 ? (int)(r % (size_t)shards) + 1 : 1;
	free(rk);
}

/* ------------------------------------------------------------ the store */

/*
 * How the document reaches the disk. Nothing is written before the first
 * result; then a file the run does not resume is kept as FILE.prev, the
 * document is written once, and each cell goes to FILE.journal as it ends
 * (journal.h): the same cost at cell 10 and cell 100,000. At the end the
 * journal is folded into FILE.
 */
struct store {
	const char *path;        /* NULL: no file */
	int resume, began;
	char *prev;
	struct journal journal;
};

/* Keep the file this run replaces as FILE.prev, its journal's cells folded in. */
static int keep_previous(struct store *st)
{
	char *real = resolve_output_path(st->path), *jpath = journal_path(st->path);
	char *prev = xasprintf("%s.prev", real);
	struct stat sb;
	int rc = 0;
	if (stat(real, &sb) == 0 && sb.st_size > 0) {
		if (!access(jpath, F_OK)) {   /* a killed run's cells: into .prev too */
			struct results old;
			results_init(&old);
			rc = results_load(real, &old) || results_write(&old, prev);
			results_release(&old);
		} else if ((unlink(prev) && errno != ENOENT) || link(real, prev)) {
			/* a second name: FILE itself stays until the new one replaces it */
			rc = error("cannot keep the previous results '%s' as '%s': %s; nothing was "
				   "written (move it away, or use --resume)", real, prev,
				   strerror(errno));
		}
		if (!rc)
			st->prev = prev, prev = NULL;
	}
	free(prev);
	free(jpath);
	free(real);
	return rc ? -1 : 0;
}

static int store_begin(struct store *st, const struct results *r)
{
	st->began = 1;
	if (!st->path)
		return 0;
	if (!st->resume && keep_previous(st))
		return -1;
	/* the document as it stands (a resumed file's cells in it), then an empty journal */
	return results_write(r, st->path) || journal_open(&st->journal, st->path) ? -1 : 0;
}

/* A cell has a result: make it durable. */
static int store_cell(struct store *st, const struct results *r, const struct cell *c)
{
	if (!st->began)
		return store_begin(st, r);   /* the document holds c already */
	return st->path ? journal_append(&st->journal, c) : 0;
}

/* The whole document, in order, with every count it holds in config.counts. */
static int store_end(struct store *st, struct results *r)
{
	if (!st->began)
		return 0;   /* no result: the old file stays as it was */
	for (size_t i = 0; i < r->n_cells; i++)
		results_config_add_count(r, r->cells[i].count);
	results_sort_cells(r);
	int rc = st->path ? results_write(r, st->path) : 0;
	/* the journal goes once FILE holds its cells; kept when the write failed */
	journal_close(&st->journal, !rc);
	return rc;
}

/* ------------------------------------------------------------- the pool */

enum task_state { TASK_QUEUED, TASK_RUNNING, TASK_DONE };

struct task {
	const struct interp *in;
	const char *workload;
	uint64_t count;
	int repeat;
	enum task_state state;
	uint64_t predicted;      /* its peak, predicted when it was started; 0: unknown */
	char *too_big;           /* not run: why its predicted peak exceeds the budget */
};

struct pool {
	const struct catalog *cat;
	const struct matrix_opts *o;
	struct results *r;
	struct task *tasks;
	size_t n_tasks, alloc_tasks;
	size_t next;       /* tasks before it are running or done */
	size_t first_open; /* tasks before it are done */
	size_t done, failed_named, settled;
	uint64_t running_peaks;   /* the predicted peaks of the cells running */
	size_t n_running;
	int write_failed;
	int ahead;                /* once a cell reports 'full': its worker's next child is
				     started, and it frees while the next one runs */
	struct store store;
	struct progress *prog;
	pthread_mutex_t lock;
	pthread_cond_t changed;   /* a task ended: a waiting one may be ready */
};

static double task_weight(const struct task *t)
{
	/* start-up costs about as much as making 50k objects */
	return (double)t->count + 50000.0;
}

/* The group a cell's time is learnt in: its interpreter at its count. */
static void task_group(const struct task *t, char *out, size_t n)
{
	snprintf(out, n, "%s %" PRIu64, t->in->name, t->count);
}

static void task_label(const struct task *t, char *out, size_t n)
{
	char cnt[32];
	format_count(t->count, cnt, sizeof(cnt));
	snprintf(out, n, "%s %s %s #%d", t->in->name, t->workload, cnt, t->repeat);
}

/* The cell of a named interpreter that cannot run: failed, with why. */
static void fail_unrunnable(const struct task *t, struct cell *c)
{
	c->status = CELL_FAILED;
	c->reason = xasprintf("cannot run: %s", t->in->skip_reason);
}

/* Keep a finished cell in the document and on disk. */
static void record(struct pool *p, struct cell *c)
{
	struct cell *slot = results_find_cell(p->r, c->interpreter, c->workload, c->count,
					      c->repeat);
	if (slot)
		cell_release(slot);
	else
		slot = results_add_cell(p->r);
	*slot = *c;   /* ownership moves into the results */
	p->done++;
	if (!p->write_failed && store_cell(&p->store, p->r, slot))
		p->write_failed = 1;
}

/*
 * A worker's cell: its task, the cell it fills, its child when that was
 * started ahead of its turn (early; NULL: started at its turn, or runs
 * none), and its child while that frees for 'freed' after its turn (held).
 */
struct slot {
	struct task *t;
	struct cell c;
	struct cell_run *early;
	struct cell_run *held;
};

/* Whether the task's cell starts a child (else it fails unrun, with why). */
static int task_runs_child(const struct task *t)
{
	return !t->in->skip_reason && !t->too_big;
}

static void slot_take(struct slot *s, struct task *t)
{
	s->t = t;
	cell_init(&s->c);
	s->c.interpreter = xstrdup(t->in->name);
	s->c.workload = xstrdup(t->workload);
	s->c.count = t->count;
	s->c.repeat = t->repeat;
	s->early = NULL;
	s->held = NULL;
}

/* The slot's cell has ended: it is recorded (unless interrupted: left for --resume). */
static void settle_task(struct pool *p, struct slot *s)
{
	const struct task *t = s->t;
	struct cell c_local = s->c;   /* ownership moves on: to the results, or freed below */
	cell_init(&s->c);
	struct cell *c = &c_local;
	char label[256];
	task_label(t, label, sizeof(label));

	if (runner_stop_signal && c->status == CELL_FAILED && c->reason &&
	    !strcmp(c->reason, "interrupted")) {
		/* not a result: the cell is left for --resume */
		progress_done(p->prog, label, "interrupted", NULL, -1);
		cell_release(c);
		return;
	}
	char detail[512];
	double bpo, took = c->wall_s;
	if (c->status == CELL_OK && !cell_bytes_per_object(c, &bpo))
		snprintf(detail, sizeof(detail), "%.1f B/object", bpo);
	else
		snprintf(detail, sizeof(detail), "%s", c->reason ? c->reason : "");
	enum cell_status st = c->status;
	pthread_mutex_lock(&p->lock);
	p->failed_named += t->in->skip_reason != NULL;
	record(p, c);
	pthread_mutex_unlock(&p->lock);
	progress_done(p->prog, label, cell_status_name(st), detail, took);
}

/*
 * Run the slot's cell: to its end, recorded; or, with linger, to 'full'
 * answered, its child left to free for 'freed' on the spare CPU while the
 * worker runs the next cell (s->held, ended by end_held).
 */
static void run_task(struct pool *p, struct slot *s, const struct runner_hook *hook, int linger)
{
	const struct task *t = s->t;
	struct cell *cp = &s->c;
	char label[256], group[256];
	task_label(t, label, sizeof(label));
	task_group(t, group, sizeof(group));
	progress_start(p->prog, label, group);
	if (t->in->skip_reason) {
		fail_unrunnable(t, cp);
	} else if (t->too_big) {
		cp->status = CELL_FAILED;
		cp->reason = xstrdup(t->too_big);
	} else {
		struct cell_run *cr = s->early ? s->early
					       : runner_cell_start(p->cat, t->in, &p->o->cell, cp, 0);
		s->early = NULL;
		if (!linger) {
			runner_cell_finish(cr, hook);
		} else if ((s->held = runner_cell_to_full(cr, hook))) {
			return;
		}
	}
	settle_task(p, s);
}

static int same_row(const struct task *a, const struct task *b)
{
	return a->in == b->in && a->workload == b->workload && a->count == b->count;
}

/*
 * Whether the memory lets task t start now (1) or not yet (0: a smaller
 * count of its interpreter and workload has not ended, or the running
 * cells' predicted peaks and its own exceed the budget); a cell whose
 * predicted peak alone exceeds it starts, to fail at once with why.
 */
static int memory_ready(struct pool *p, struct task *t)
{
	uint64_t budget = p->o->cell.rec->memory_budget;
	char basis[128];
	if (!budget || t->in->skip_reason)
		return 1;
	/* the prediction waits for the smaller counts of its interpreter and workload */
	while (p->first_open < p->n_tasks && p->tasks[p->first_open].state == TASK_DONE)
		p->first_open++;
	for (size_t j = p->first_open; j < p->n_tasks && &p->tasks[j] != t; j++) {
		const struct task *o = &p->tasks[j];
		if (o->state != TASK_DONE && o->in == t->in && o->workload == t->workload &&
		    o->count < t->count)
			return 0;
	}
	t->predicted = memplan_predict(p->r, t->in->name, t->workload, t->count, basis,
				       sizeof(basis));
	if (t->predicted > budget) {
		char want[32], have[32];
		format_bytes((double)t->predicted, want, sizeof(want));
		format_bytes((double)budget, have, sizeof(have));
		free(t->too_big);
		t->too_big = xasprintf("not run: its predicted peak of %s (from %s) exceeds the "
				       "memory budget of %s (--memory-budget; by default "
				       "MemAvailable less a tenth)", want, basis, have);
		return 1;
	}
	return !p->n_running || p->running_peaks + t->predicted <= budget;
}

/*
 * Whether task i may start (1), must wait (0: for its row's earlier cells,
 * or for memory), or is not needed (-1: adaptive repetitions, and the
 * row's cells so far settle it). A row's tasks are next to each other, in
 * repeat order. Called with the lock held.
 */
static int task_ready(struct pool *p, size_t i)
{
	const struct config *rec = p->o->cell.rec;
	struct task *t = &p->tasks[i];
	if (rec->repeat_min < 1 || t->repeat <= rec->repeat_min)
		return memory_ready(p, t);
	for (size_t j = i; j-- > 0 && same_row(&p->tasks[j], t);)
		if (p->tasks[j].state != TASK_DONE)
			return 0;
	const struct cell *row[1024];
	size_t n = 0;
	for (int rep = 1; rep < t->repeat && n < ARRAY_SIZE(row); rep++) {
		const struct cell *c = results_find_cell(p->r, t->in->name, t->workload, t->count,
							 rep);
		if (c)
			row[n++] = c;
	}
	if (row_settled(row, n, p->r->machine.page_size))
		return -1;
	return memory_ready(p, t);
}

/* The next task to start, or NULL: none left (*wait 0) or none ready yet (*wait 1). */
static struct task *next_task(struct pool *p, int *wait)
{
	*wait = 0;
	while (p->next < p->n_tasks && p->tasks[p->next].state != TASK_QUEUED)
		p->next++;
	for (size_t i = p->next; i < p->n_tasks; i++) {
		struct task *t = &p->tasks[i];
		if (t->state != TASK_QUEUED)
			continue;
		int ready = task_ready(p, i);
		if (ready > 0)
			return t;
		if (!ready) {
			*wait = 1;
			continue;
		}
		/* settled: this repetition is not run, the row's estimate shrinks */
		char group[256];
		task_group(t, group, sizeof(group));
		progress_unplan(p->prog, group);
		t->state = TASK_DONE;
		p->settled++;
	}
	return NULL;
}

static void reserve(struct pool *p, struct task *t)
{
	t->state = TASK_RUNNING;
	p->running_peaks += t->predicted;
	p->n_running++;
}

static void release(struct pool *p, struct task *t, enum task_state to)
{
	t->state = to;
	p->running_peaks -= t->predicted;
	p->n_running--;
	pthread_cond_broadcast(&p->changed);
}

/*
 * A worker's slots: the cell running (cur); the next, reserved and its
 * child perhaps started ahead (next); and the cell before, its child
 * freeing for 'freed' (held), with a start ahead (struct pool's ahead). A
 * started child points at its slot's cell, so the slots change roles
 * rather than move.
 */
struct worker {
	struct pool *p;
	struct slot slots[3];
	struct slot *cur, *next, *held;
};

/* A slot that is none of the worker's roles. */
static struct slot *spare_slot(struct worker *w)
{
	for (size_t i = 0; i < ARRAY_SIZE(w->slots); i++) {
		struct slot *s = &w->slots[i];
		if (s != w->cur && s != w->next && s != w->held)
			return s;
	}
	BUG("matrix: a worker has no spare slot");
}

/* End the held cell (its 'freed' sampled, its child reaped), record it and
 * give back its reservation. Called without the lock. */
static void end_held(struct worker *w)
{
	struct slot *s = w->held;
	if (!s)
		return;
	runner_cell_finish(s->held, NULL);
	s->held = NULL;
	settle_task(w->p, s);
	pthread_mutex_lock(&w->p->lock);
	release(w->p, s->t, TASK_DONE);
	s->t = NULL;
	w->held = NULL;
	pthread_mutex_unlock(&w->p->lock);
}

/*
 * The cell running has had a phase sampled and answered. At 'full' (its
 * figures are in), its worker's next cell, if one is ready, is reserved and
 * its child started, to start up on a spare CPU while this one frees; then
 * the cell before, held since its own 'full', has its 'freed' sampled and
 * answered and its child ends. Not sooner, either: a child starting up or
 * ending between this one's 'base' and 'full' shares or gives back pages
 * of the files this one holds and moves its clean pages (runner.c's
 * note_clean_change), another build too: on pyenv's CPython 3.8 cells, a
 * 3.12 started at their 'base' moved 104 kB (the two share libm and libc).
 * A held child cannot end before its 'freed' is answered.
 */
static void start_next(void *arg, int phase)
{
	struct worker *w = arg;
	struct pool *p = w->p;
	int wait;
	if (phase != PHASE_FULL)
		return;
	if (!w->next->t) {
		pthread_mutex_lock(&p->lock);
		struct task *t = runner_stop_signal || p->write_failed ? NULL : next_task(p, &wait);
		if (t && !task_runs_child(t))
			t = NULL;   /* nothing to start: it fails unrun at its turn, holding no budget */
		if (t)
			reserve(p, t);
		pthread_mutex_unlock(&p->lock);
		if (t) {
			slot_take(w->next, t);
			w->next->early = runner_cell_start(p->cat, t->in, &p->o->cell, &w->next->c, 1);
		}
	}
	end_held(w);
}

static void *worker(void *arg)
{
	struct worker w;
	memset(&w, 0, sizeof(w));
	w.p = arg;
	w.cur = &w.slots[0];
	w.next = &w.slots[1];
	struct pool *p = w.p;
	struct runner_hook hook = { start_next, &w };
	pthread_mutex_lock(&p->lock);
	for (;;) {
		if (runner_stop_signal || p->write_failed)
			break;
		if (w.next->t) {
			/* reserved, its child perhaps started: it becomes the cell running */
			struct slot *s = w.cur;
			w.cur = w.next;
			w.next = s;
		} else {
			int wait;
			struct task *t = next_task(p, &wait);
			if (!t && w.held) {
				/* the held cell's reservation may be what the next one waits for */
				pthread_mutex_unlock(&p->lock);
				end_held(&w);
				pthread_mutex_lock(&p->lock);
				continue;
			}
			if (!t && !wait)
				break;
			if (!t) {
				/* bounded, so that a signal is seen even if no task ends */
				struct timespec until;
				clock_gettime(CLOCK_REALTIME, &until);
				until.tv_nsec += 200000000L;
				if (until.tv_nsec >= 1000000000L)
					until.tv_sec++, until.tv_nsec -= 1000000000L;
				pthread_cond_timedwait(&p->changed, &p->lock, &until);
				continue;
			}
			reserve(p, t);
			slot_take(w.cur, t);
		}
		pthread_mutex_unlock(&p->lock);
		run_task(p, w.cur, p->ahead ? &hook : NULL, p->ahead);
		if (!w.cur->held)
			end_held(&w);   /* it ended before its 'full': the one before ends now */
		pthread_mutex_lock(&p->lock);
		if (w.cur->held) {
			w.held = w.cur;   /* freeing: it ends at the next cell's 'full' */
			w.cur = spare_slot(&w);
		} else {
			release(p, w.cur->t, TASK_DONE);
			w.cur->t = NULL;
		}
	}
	pthread_mutex_unlock(&p->lock);
	end_held(&w);   /* interrupted: its cell is left for --resume */
	pthread_mutex_lock(&p->lock);
	if (w.next->t) {
		/* the run stops: a child started ahead goes, its cell stays unrun */
		pthread_mutex_unlock(&p->lock);
		if (w.next->early)
			runner_cell_drop(w.next->early);
		cell_release(&w.next->c);
		pthread_mutex_lock(&p->lock);
		release(p, w.next->t, TASK_QUEUED);
	}
	pthread_cond_broadcast(&p->changed);
	pthread_mutex_unlock(&p->lock);
	return NULL;
}

/* ------------------------------------------------------------ the tasks */

/* A cell to run: not in the file yet, or failed there (it runs again). */
static int needs_running(struct results *r, const struct task *t)
{
	const struct cell *c = results_find_cell(r, t->in->name, t->workload, t->count, t->repeat);
	return !c || (c->status != CELL_OK && c->status != CELL_SKIPPED);
}

/* Is this interpreter run this time, and how. 0: not, 1: run, 2: fail its cells. */
static int interp_mode(const struct matrix_opts *o, const struct interp *in)
{
	if (o->run && strvec_find(o->run, in->name) < 0)
		return 0;
	if (!in->skip_reason)
		return 1;
	return o->named ? 2 : 0;   /* asked for by name, cannot run: a failure */
}

/* The whole matrix of this run, in its order: small counts first (early cells
 * show problems early, and the estimate settles). */
static size_t all_tasks(struct pool *p, struct task **out)
{
	const struct config *rec = p->o->cell.rec;
	size_t n = 0, alloc = 0;
	for (size_t ci = 0; ci < rec->n_counts; ci++)
		for (size_t wi = 0; wi < rec->workloads.n; wi++)
			for (size_t ii = 0; ii < p->r->n_interps; ii++)
				for (int rep = 1; rep <= rec->repeat; rep++) {
					const struct interp *in = &p->r->interps[ii];
					if (!interp_mode(p->o, in))
						continue;
					xgrow((void **)out, sizeof(**out), n + 1, &alloc);
					(*out)[n++] = (struct task){ in, rec->workloads.v[wi],
								     rec->counts[ci], rep,
								     TASK_QUEUED, 0, NULL };
				}
	return n;
}

/*
 * This shard's cells that need running, in the matrix's order. With
 * adaptive repetitions whole rows are dealt to the shards (a row's later
 * repetitions depend on its first ones), keyed by repeat 0.
 */
static void plan(struct pool *p)
{
	const struct config *rec = p->o->cell.rec;
	struct task *all = NULL;
	size_t n = all_tasks(p, &all), n_keys = 0;
	struct matrix_cell *cells = xcalloc(n + 1, sizeof(*cells));
	size_t *key_of = xcalloc(n + 1, sizeof(*key_of));
	int *shard = xcalloc(n + 1, sizeof(*shard));
	for (size_t i = 0; i < n; i++) {
		int whole_row = rec->repeat_min > 0;
		if (!whole_row || !i || !same_row(&all[i - 1], &all[i]))
			cells[n_keys++] = (struct matrix_cell){ all[i].in->name, all[i].workload,
								all[i].count,
								whole_row ? 0 : all[i].repeat };
		key_of[i] = n_keys - 1;
	}
	matrix_shards(cells, n_keys, rec->shard_n, shard);
	for (size_t i = 0; i < n; i++) {
		if ((rec->shard_n > 1 && shard[key_of[i]] != rec->shard_k) ||
		    !needs_running(p->r, &all[i]))
			continue;
		xgrow((void **)&p->tasks, sizeof(*p->tasks), p->n_tasks + 1, &p->alloc_tasks);
		p->tasks[p->n_tasks++] = all[i];
	}
	free(shard);
	free(key_of);
	free(cells);
	free(all);
}

static void run_workers(struct pool *p, int jobs)
{
	if ((size_t)jobs > p->n_tasks)
		jobs = p->n_tasks ? (int)p->n_tasks : 1;
	pthread_t *th = xcalloc((size_t)jobs, sizeof(*th));
	int started = 0;
	for (int i = 0; i < jobs; i++) {
		if (pthread_create(&th[i], NULL, worker, p)) {
			error("cannot start worker thread %d: %s", i + 1, strerror(errno));
			break;
		}
		started++;
	}
	if (!started)
		worker(p);
	for (int i = 0; i < started; i++)
		pthread_join(th[i], NULL);
	free(th);
}

int matrix_run(const struct catalog *cat, struct results *r, const struct matrix_opts *o,
	       struct matrix_outcome *out)
{
	memset(out, 0, sizeof(*out));
	struct pool p;
	memset(&p, 0, sizeof(p));
	p.cat = cat;
	p.o = o;
	p.r = r;
	p.store.path = o->cell.output;
	p.store.resume = o->resume;
	p.store.journal.fd = -1;
	pthread_mutex_init(&p.lock, NULL);
	pthread_cond_init(&p.changed, NULL);
	plan(&p);
	int jobs = o->cell.rec->jobs < 1 ? 1 : o->cell.rec->jobs;
	/* a spare CPU takes the next cells' start-up and the cells' frees; not with
	 * every child pinned to one */
	p.ahead = o->cell.rec->cpu < 0 && cpus_usable() > jobs;
	p.prog = progress_new(jobs, o->cell.quiet);
	for (size_t i = 0; i < p.n_tasks; i++) {
		char group[256];
		task_group(&p.tasks[i], group, sizeof(group));
		progress_plan(p.prog, group, task_weight(&p.tasks[i]));
	}
	run_workers(&p, jobs);
	progress_free(p.prog);
	int end_failed = !p.write_failed && store_end(&p.store, r);
	out->done = p.done;
	out->total = p.n_tasks - p.settled;
	out->failed_named = p.failed_named;
	out->wrote = p.store.began && !p.write_failed && !end_failed;
	out->prev = p.store.prev;
	out->settled = p.settled;
	for (size_t i = 0; i < p.n_tasks; i++)
		free(p.tasks[i].too_big);
	free(p.tasks);
	pthread_cond_destroy(&p.changed);
	pthread_mutex_destroy(&p.lock);
	if (p.write_failed || end_failed)
		return -1;
	return runner_stop_signal ? 1 : 0;
}

void matrix_outcome_release(struct matrix_outcome *out)
{
	free(out->prev);
	memset(out, 0, sizeof(*out));
}
