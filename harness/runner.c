/* runner.c - the matrix of cells, each in a fresh child; see runner.h. */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cgroup.h"
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

/* Everything one cell's conversation with its child needs. */
struct cell_run {
	struct child child;
	struct chanio ch;
	struct procmem pm;
	int pm_open;
	const struct run_config *cfg;
	struct cell *c;
	int rss_checks;         /* no kernel limit: --max-memory is checked on RSS at every stop */
	long long oom_before;   /* /proc/vmstat oom_kill before its start, or -1 */
	int started;            /* the child runs (else the cell failed to start it) */
	double t0;              /* when the child was started */
	int ahead;              /* started ahead of its turn */
	const struct runner_hook *hook;
	int expect, filling;    /* where the conversation is: the phase due, and in the fill */
	int pause_at_freed;     /* runner_cell_to_full: stop once 'full' is answered */
	double held;            /* seconds it held its worker before such a stop */
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

/*
 * Where no kernel limit holds the cell, --max-memory is checked on RSS at
 * every phase line and every wake-up outside the fill (the fill has its
 * polls). 1 when over: the cell failed, saying where.
 */
static int over_cap(struct cell_run *cr, const char *when, int phase)
{
	uint64_t max = cr->cfg->rec->max_memory;
	struct proc_status st;
	if (!cr->rss_checks || !cr->pm_open || procmem_status(&cr->pm, &st) || st.vm_rss <= max)
		return 0;
	cell_fail(cr, xasprintf("exceeded --max-memory (%llu MiB) %s '%s': RSS %llu MiB; killed",
				(unsigned long long)(max >> 20), when, phase < PHASE_COUNT ?
				phase_name((enum phase)phase) : "done",
				(unsigned long long)(st.vm_rss >> 20)));
	return 1;
}

static pthread_mutex_t record_lock = PTHREAD_MUTEX_INITIALIZER;

/*
 * Record in the run's config which limit holds --max-memory. Every cell
 * passes here, under the lock, before it ends, so the one write comes
 * before the results file that cell's end writes. (Better done once before
 * the workers start, by whoever owns the run: see runner.h.)
 */
static void record_memory_limit(const struct run_config *cfg)
{
	/* the one field of the run's config a cell writes (runner.h) */
	struct config *rec = (struct config *)cfg->rec;
	if (!rec->max_memory)
		return;
	pthread_mutex_lock(&record_lock);
	if (!rec->memory_limit) {
		const char *name = cgroup_memory_name(cgroup_memory_available());
		/* published whole: a reader that does not take the lock sees NULL or the text */
		__atomic_store_n(&rec->memory_limit, xstrdup(name ? name : "rss checks"),
				 __ATOMIC_RELEASE);
	}
	pthread_mutex_unlock(&record_lock);
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

/*
 * Private dirty pages that are not anonymous are a file's pages still dirty
 * in the page cache (an interpreter or extension written moments before):
 * they count as the child's own until written back. When their total
 * changed between base and full, the delta holds them: said on the cell.
 */
static void note_dirty_file_pages(struct cell_run *cr)
{
	const struct mem_sample *b = &cr->c->samples[PHASE_BASE], *f = &cr->c->samples[PHASE_FULL];
	long long fb = (long long)b->uss - (long long)b->private_clean - (long long)b->anon;
	long long ff = (long long)f->uss - (long long)f->private_clean - (long long)f->anon;
	if (b->swap || f->swap || fb == ff)
		return;   /* swapped pages leave Anonymous: no conclusion then */
	strvec_pushf(&cr->c->warnings, "file pages dirty in the page cache, counted as the "
		     "child's own, changed by %lld kB between base and full (a file it maps was "
		     "written moments before); run 'sync' first and measure again", (ff - fb) / 1024);
}

/*
 * The child's own malloc count at base and full, sent with "freed" where
 * the objects come from glibc's malloc; kept only when all four are whole
 * numbers >= 0.
 */
static void keep_malloc_counts(struct cell *c, const struct proto_msg *m)
{
	long long v[4];
	static const char *const keys[4] = { "malloc_base_in_use", "malloc_base_free",
					     "malloc_full_in_use", "malloc_full_free" };
	for (int i = 0; i < 4; i++)
		if (proto_int(m, keys[i], &v[i]) || v[i] < 0)
			return;
	c->malloc_base = (struct malloc_count){ 1, v[0], v[1] };
	c->malloc_full = (struct malloc_count){ 1, v[2], v[3] };
}

/* A phase line: check, sample, keep its fields, answer "go". 1 when the conversation is over. */
static int on_phase(struct cell_run *cr, struct proto_msg *m, int *expect, int *filling)
{
	struct cell *c = cr->c;
	long long v;
	if (m->phase != *expect) {
		cell_fail(cr, xasprintf("protocol error: expected phase '%s', got '%s'",
					phase_name((enum phase)*expect), phase_name((enum phase)m->phase)));
		return 1;
	}
	if (m->phase == PHASE_FULL) {
		int over = 0;
		poll_status(cr, &over);
		*filling = 0;
	}
	if (over_cap(cr, "at", m->phase) || take_sample(cr, m->phase))
		return 1;
	if (m->phase == PHASE_FULL) {
		note_clean_change(cr);
		note_dirty_file_pages(cr);
	}
	if (m->phase == PHASE_BASE) {
		if (!proto_int(m, "getsizeof", &v))
			c->getsizeof = v;
		if (!proto_int(m, "container_bytes", &v))
			c->container_bytes = v;
		const char *note = proto_str(m, "note");
		if (note && *note) {
			free(c->note);
			c->note = xstrdup(note);
		}
		*filling = 1;
	}
	if (m->phase == PHASE_FREED)
		keep_malloc_counts(c, m);
	if (proto_send(cr->child.in_fd, "go\n")) {
		cell_fail(cr, xasprintf("cannot answer the child after '%s': %s",
					phase_name((enum phase)m->phase), strerror(errno)));
		return 1;
	}
	(*expect)++;
	if (cr->hook && cr->hook->answered)
		cr->hook->answered(cr->hook->arg, m->phase);
	return 0;
}

/* Handle one protocol message; returns 1 when the conversation is over. */
static int on_message(struct cell_run *cr, struct proto_msg *m, int *expect, int *filling)
{
	struct cell *c = cr->c;
	const char *reason = proto_str(m, "reason");
	switch (m->verb) {
	case PROTO_PHASE:
		return on_phase(cr, m, expect, filling);
	case PROTO_DONE:
		if (*expect != PHASE_COUNT) {
			cell_fail(cr, xasprintf("protocol error: 'done' before phase '%s'",
						phase_name((enum phase)*expect)));
			return 1;
		}
		c->status = CELL_OK;
		return 1;
	case PROTO_SKIP:
		c->status = CELL_SKIPPED;
		free(c->reason);
		c->reason = xstrdup(reason && *reason ? reason : "the workload cannot run here");
		return 1;
	case PROTO_ERROR:
		cell_fail(cr, xasprintf("the workload raised: %s",
					reason && *reason ? reason : "(no reason given)"));
		return 1;
	default:
		cell_fail(cr, xstrdup("protocol error: unexpected verb in run mode"));
		return 1;
	}
}

/* The child was SIGKILLed by the kernel's OOM killer: how to say so, else NULL. */
static char *oom_reason(const struct cell_run *cr)
{
	const struct child *ch = &cr->child;
	if (!ch->reaped || !WIFSIGNALED(ch->wait_status) || WTERMSIG(ch->wait_status) != SIGKILL)
		return NULL;
	if (ch->cg.memory != CGROUP_MEMORY_NONE)
		return cgroup_oom_kills(&ch->cg) > 0
			? xasprintf("killed by the kernel's OOM killer at --max-memory %llu MiB (%s)",
				    (unsigned long long)(ch->cg.limit >> 20),
				    cgroup_memory_name(ch->cg.memory))
			: NULL;
	long long now = procmem_oom_kills();
	if (cr->oom_before >= 0 && now > cr->oom_before)
		return xstrdup("killed by the kernel's OOM killer (the machine ran out of memory: "
			       "/proc/vmstat oom_kill rose meanwhile)");
	return NULL;
}

static void describe_eof(struct cell_run *cr, int expect)
{
	child_wait_or_stop(&cr->child, 2.0, &runner_stop_signal);
	const char *what = expect < PHASE_COUNT ? phase_name((enum phase)expect) : "done";
	char *oom = oom_reason(cr);
	if (oom) {
		cell_fail(cr, xasprintf("%s before '%s'", oom, what));
		free(oom);
		return;
	}
	char *ex = child_describe_exit(&cr->child);
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
	struct child_opts co = { rec->thp_disabled, rec->cpu, rec->malloc_arena_max,
				 rec->aslr_disabled > 0 };
	agent_child_setup(&cr->child, cat, in, args, &co);
	/* a cgroup of its own, holding --max-memory from the first instruction */
	cr->child.contain = 1;
	cr->child.mem_limit = rec->max_memory;
	record_memory_limit(cr->cfg);
	cr->oom_before = procmem_oom_kills();
	char *why = NULL;
	if (child_start(&cr->child, &why)) {
		cell_fail(cr, why);
		child_release(&cr->child);
		return -1;
	}
	cr->c->pid = (int)cr->child.pid;
	if (rec->max_memory && cr->child.cg.memory == CGROUP_MEMORY_NONE) {
		cr->rss_checks = 1;
		if (cgroup_memory_available() != CGROUP_MEMORY_NONE)
			strvec_pushf(&cr->c->warnings, "--max-memory checked on RSS, not by the kernel: "
				     "%s", cr->child.no_cgroup ? cr->child.no_cgroup : "no cgroup");
	}
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
	int over_poll = 0;
	switch (r) {
	case CHAN_IDLE:
		child_watch(&cr->child);
		if (!filling)
			return over_cap(cr, "before", expect);
		poll_status(cr, &over_poll);
		if (!over_poll)
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

/*
 * The next message: 1 with *m set, 0 after an idle poll (call again), -1
 * when the cell is over (failed). An overlong line that starts a message
 * with a long string (a reason, a note) is that message, the string cut.
 */
static int next_message(struct cell_run *cr, double deadline, int expect, int filling,
			struct proto_msg *m)
{
	char *line = NULL;
	const char *bad = NULL;
	enum chan_result r = chanio_next_line(&cr->ch, deadline, filling ? cr->cfg->rec->poll_s : 0.25,
					      &line);
	if (r == CHAN_TOO_LONG && !chanio_salvage(&cr->ch, m, &bad))
		return 1;
	if (r != CHAN_LINE)
		return on_no_line(cr, r, expect, filling) ? -1 : 0;
	if (proto_parse(line, strlen(line), m, &bad)) {
		cell_fail(cr, xasprintf("protocol error: %s: '%.80s'", bad, line));
		free(line);
		return -1;
	}
	free(line);
	return 1;
}

/*
 * The conversation: phases answered with "go" until done, a fault or a
 * signal (1: it is over), or, with pause_at_freed, until 'full' has been
 * answered (0: to be taken up again from 'freed').
 */
static int converse(struct cell_run *cr)
{
	const struct config *rec = cr->cfg->rec;
	double deadline = now_s() + rec->timeout_s;
	for (;;) {
		if (runner_stop_signal) {
			cell_fail(cr, xstrdup("interrupted"));
			return 1;
		}
		struct proto_msg m;
		int got = next_message(cr, deadline, cr->expect, cr->filling, &m);
		if (got < 0)
			return 1;
		if (!got)
			continue;
		int over = on_message(cr, &m, &cr->expect, &cr->filling);
		proto_msg_release(&m);
		if (over)
			return 1;
		if (cr->pause_at_freed && cr->expect == PHASE_FREED)
			return 0;
		deadline = now_s() + rec->timeout_s;
	}
}

/* What is left of an ended child: its /proc directory, its pipes, its cgroup. */
static void close_child(struct cell_run *cr)
{
	if (cr->pm_open)
		procmem_close(&cr->pm);
	chanio_release(&cr->ch);
	child_release(&cr->child);
}

/* A finished child exits by itself; anything else is killed with all it started. */
static void end_child(struct cell_run *cr)
{
	struct cell *c = cr->c;
	if (c->status == CELL_OK || c->status == CELL_SKIPPED) {
		if (child_wait_or_stop(&cr->child, 5.0, &runner_stop_signal) != 1) {
			child_kill(&cr->child);
			if (c->status == CELL_OK && !runner_stop_signal)
				strvec_push(&c->warnings, "the child did not exit after 'done'; killed");
		} else if (c->status == CELL_OK && !(WIFEXITED(cr->child.wait_status) &&
						     WEXITSTATUS(cr->child.wait_status) == 0)) {
			char *ex = child_describe_exit(&cr->child);
			cell_fail(cr, xasprintf("the child %s after 'done'", ex));
			free(ex);
		}
		if (c->status == CELL_OK && cgroup_oom_kills(&cr->child.cg) > 0)
			strvec_pushf(&c->warnings, "the kernel's OOM killer killed a process the workload "
				     "started (--max-memory %llu MiB)",
				     (unsigned long long)(cr->child.cg.limit >> 20));
		/* a grandchild it left behind in its group goes too (child_release: the rest) */
		child_signal_group(&cr->child, SIGKILL);
	} else {
		child_kill(&cr->child);
	}
	chanio_drain(&cr->ch);
	if (c->status == CELL_FAILED) {
		free(c->stderr_tail);
		c->stderr_tail = chanio_stderr_tail(&cr->ch, 12);
	}
	close_child(cr);
}

struct cell_run *runner_cell_start(const struct catalog *cat, const struct interp *in,
				   const struct run_config *cfg, struct cell *c, int ahead)
{
	struct cell_run *cr = xcalloc(1, sizeof(*cr));
	cr->cfg = cfg;
	cr->c = c;
	cr->ahead = ahead;
	cr->expect = PHASE_START;
	c->status = CELL_PENDING;
	cr->t0 = now_s();
	cr->started = !start_child(cr, cat, in);
	return cr;
}

void runner_cell_finish(struct cell_run *cr, const struct runner_hook *hook)
{
	double turn = now_s();
	int resumed = cr->pause_at_freed;
	cr->hook = hook;
	cr->pause_at_freed = 0;
	if (cr->started) {
		/* oom_before stays the count at its start: the OOM killer may take a
		 * child waiting ahead while the cell before is at its peak */
		converse(cr);
		end_child(cr);
	}
	cr->c->wall_s = cr->held + now_s() - (resumed || (cr->ahead && cr->started) ? turn : cr->t0);
	free(cr);
}

struct cell_run *runner_cell_to_full(struct cell_run *cr, const struct runner_hook *hook)
{
	double turn = now_s();
	if (!cr->started) {
		runner_cell_finish(cr, hook);
		return NULL;
	}
	cr->hook = hook;
	cr->pause_at_freed = 1;
	if (converse(cr)) {
		cr->pause_at_freed = 0;
		end_child(cr);
		cr->c->wall_s = now_s() - (cr->ahead ? turn : cr->t0);
		free(cr);
		return NULL;
	}
	cr->held = now_s() - (cr->ahead ? turn : cr->t0);
	cr->hook = NULL;
	return cr;
}

void runner_cell_drop(struct cell_run *cr)
{
	if (cr->started) {
		child_kill(&cr->child);
		chanio_drain(&cr->ch);
		close_child(cr);
	}
	free(cr);
}

void runner_run_cell(const struct catalog *cat, const struct interp *in,
		     const struct run_config *cfg, struct cell *c)
{
	runner_cell_finish(runner_cell_start(cat, in, cfg, c, 0), NULL);
}
