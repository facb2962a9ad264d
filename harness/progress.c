/* progress.c - progress on stderr; see progress.h. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include "keymap.h"
#include "progress.h"
#include "textfmt.h"
#include "util.h"

struct group {
	size_t pending;      /* planned, not started */
	size_t n_done;
	double sum_s;        /* seconds its finished cells took */
	double weight;       /* of one of its cells */
};

struct running {
	char *label;
	size_t group;
	double t0;
};

struct progress {
	pthread_mutex_t lock;
	pthread_cond_t wake;
	pthread_t ticker;
	int ticking, stopping;
	size_t total, done;
	double t0;
	int quiet, tty, jobs;
	struct group *groups;
	size_t n_groups, alloc_groups;
	struct keymap index;
	struct running *run;
	size_t n_run, alloc_run;
	double done_s, done_weight;   /* every finished cell: the fallback rate */
};

/* Redraws while cells run, so the clocks move during a long cell. */
static void *tick(void *arg);

struct progress *progress_new(int jobs, int quiet)
{
	struct progress *p = xcalloc(1, sizeof(*p));
	pthread_mutex_init(&p->lock, NULL);
	pthread_cond_init(&p->wake, NULL);
	p->t0 = now_s();
	p->jobs = jobs < 1 ? 1 : jobs;
	p->quiet = quiet;
	const char *term = getenv("TERM");
	p->tty = isatty(2) && !(term && !strcmp(term, "dumb"));
	keymap_init(&p->index);
	if (!quiet && p->tty && !pthread_create(&p->ticker, NULL, tick, p))
		p->ticking = 1;
	return p;
}

void progress_plan(struct progress *p, const char *group, double weight)
{
	if (!p)
		return;
	size_t g;
	pthread_mutex_lock(&p->lock);
	if (!keymap_gets(&p->index, group, &g)) {
		xgrow((void **)&p->groups, sizeof(*p->groups), p->n_groups + 1, &p->alloc_groups);
		g = p->n_groups++;
		p->groups[g] = (struct group){ 0, 0, 0, weight };
		keymap_puts(&p->index, group, g);
	}
	p->groups[g].pending++;
	p->total++;
	pthread_mutex_unlock(&p->lock);
}

void progress_unplan(struct progress *p, const char *group)
{
	if (!p)
		return;
	size_t g;
	pthread_mutex_lock(&p->lock);
	if (keymap_gets(&p->index, group, &g) && p->groups[g].pending) {
		p->groups[g].pending--;
		p->total--;
	}
	pthread_mutex_unlock(&p->lock);
}

/* Seconds one cell of group g is expected to take; < 0 when nothing tells yet. */
static double expected(const struct progress *p, size_t g)
{
	const struct group *gr = &p->groups[g];
	if (gr->n_done)
		return gr->sum_s / (double)gr->n_done;
	if (p->done_weight > 0)
		return gr->weight * p->done_s / p->done_weight;
	return -1;
}

/* Time left: the cells not started and what the running ones still need, over the jobs. */
static void eta(const struct progress *p, double now, char *out, size_t size)
{
	double work = 0;
	size_t cells = p->n_run;
	for (size_t g = 0; g < p->n_groups; g++) {
		if (!p->groups[g].pending)
			continue;
		double e = expected(p, g);
		if (e < 0)
			goto unknown;
		work += e * (double)p->groups[g].pending;
		cells += p->groups[g].pending;
	}
	for (size_t i = 0; i < p->n_run; i++) {
		double e = expected(p, p->run[i].group);
		if (e < 0)
			goto unknown;
		double left = e - (now - p->run[i].t0);
		work += left > 0 ? left : 0;
	}
	if (!cells) {
		format_duration(0, out, size);
		return;
	}
	size_t share = cells < (size_t)p->jobs ? cells : (size_t)p->jobs;
	format_duration(work / (double)share, out, size);
	return;
unknown:
	snprintf(out, size, "?");
}

/* Columns of UTF-8 text: one per character (what objmem's labels hold). */
static size_t columns(const char *s, size_t len)
{
	size_t n = 0;
	for (size_t i = 0; i < len; i++)
		n += ((unsigned char)s[i] & 0xC0) != 0x80;
	return n;
}

/* The bytes of s that make its first cols columns. */
static size_t cut_at(const char *s, size_t cols)
{
	size_t i = 0, n = 0;
	while (s[i]) {
		if (((unsigned char)s[i] & 0xC0) != 0x80 && n++ == cols)
			break;
		i++;
	}
	return i;
}

char *progress_fit(char *out, size_t size, const char *head, const char *label, const char *tail,
		   int cols)
{
	size_t room = cols > 1 ? (size_t)cols - 1 : 0; /* the last column would wrap */
	size_t fixed = columns(head, strlen(head)) + columns(tail, strlen(tail));
	size_t lab = columns(label, strlen(label));
	struct buf b = BUF_INIT;
	buf_addstr(&b, head);
	if (fixed + lab <= room) {
		buf_addstr(&b, label);
	} else if (fixed + 4 <= room) { /* the label shortened, "..." marking it */
		buf_add(&b, label, cut_at(label, room - fixed - 3));
		buf_addstr(&b, "...");
	}
	buf_addstr(&b, tail);
	size_t keep = cut_at(b.p, room); /* still too long: the line is cut */
	snprintf(out, size, "%.*s", (int)keep, b.p);
	buf_release(&b);
	return out;
}

static int term_cols(void)
{
	struct winsize ws;
	if (ioctl(2, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0)
		return ws.ws_col;
	const char *c = getenv("COLUMNS");
	int n = c ? atoi(c) : 0;
	return n > 0 ? n : 80;
}

static void redraw(struct progress *p)
{
	double now = now_s();
	char el[32], left[32], own[32], head[64], tail[160], line[1024];
	format_duration(now - p->t0, el, sizeof(el));
	eta(p, now, left, sizeof(left));
	const struct running *cur = p->n_run ? &p->run[p->n_run - 1] : NULL;
	if (cur)
		format_duration(now - cur->t0, own, sizeof(own));
	snprintf(head, sizeof(head), "[%zu/%zu] ", p->done, p->total);
	if (p->n_run > 1)
		snprintf(tail, sizeof(tail), " %s (+%zu more)  elapsed %s, left ~%s", own,
			 p->n_run - 1, el, left);
	else
		snprintf(tail, sizeof(tail), "%s%s  elapsed %s, left ~%s", cur ? " " : "",
			 cur ? own : "", el, left);
	progress_fit(line, sizeof(line), head, cur ? cur->label : "", tail, term_cols());
	fprintf(stderr, "\r%s\033[K", line);
	fflush(stderr);
}

static void *tick(void *arg)
{
	struct progress *p = arg;
	pthread_mutex_lock(&p->lock);
	while (!p->stopping) {
		struct timespec ts;
		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_nsec += 500000000L; /* twice a second */
		if (ts.tv_nsec >= 1000000000L) {
			ts.tv_sec++;
			ts.tv_nsec -= 1000000000L;
		}
		pthread_cond_timedwait(&p->wake, &p->lock, &ts);
		if (!p->stopping && p->n_run)
			redraw(p);
	}
	pthread_mutex_unlock(&p->lock);
	return NULL;
}

/* Text from the results (names, reasons) as the terminal should show it. */
static char *shown(const char *s)
{
	struct buf b = BUF_INIT;
	term_escape(&b, s ? s : "");
	return buf_detach(&b);
}

void progress_start(struct progress *p, const char *label, const char *group)
{
	if (!p)
		return;
	char *text = shown(label);
	pthread_mutex_lock(&p->lock);
	size_t g = 0;
	int known = keymap_gets(&p->index, group, &g);
	if (!known)
		BUG("progress: cell '%s' of group '%s' was not planned", label, group);
	if (p->groups[g].pending)
		p->groups[g].pending--;
	xgrow((void **)&p->run, sizeof(*p->run), p->n_run + 1, &p->alloc_run);
	p->run[p->n_run++] = (struct running){ text, g, now_s() };
	if (!p->quiet && p->tty)
		redraw(p);
	pthread_mutex_unlock(&p->lock);
}

void progress_done(struct progress *p, const char *raw_label, const char *status,
		   const char *raw_detail, double took_s)
{
	if (!p)
		return;
	char *label = shown(raw_label), *detail = raw_detail ? shown(raw_detail) : NULL;
	pthread_mutex_lock(&p->lock);
	double now = now_s();
	for (size_t i = 0; i < p->n_run; i++) {
		if (strcmp(p->run[i].label, label))
			continue;
		struct group *g = &p->groups[p->run[i].group];
		if (strcmp(status, "interrupted")) { /* a cell cut short teaches nothing */
			double took = took_s >= 0 ? took_s : now - p->run[i].t0;
			g->n_done++;
			g->sum_s += took;
			p->done_s += took;
			p->done_weight += g->weight;
		}
		free(p->run[i].label);
		memmove(&p->run[i], &p->run[i + 1], (p->n_run - i - 1) * sizeof(*p->run));
		p->n_run--;
		break;
	}
	p->done++;
	if (!p->quiet) {
		char el[32], left[32];
		format_duration(now - p->t0, el, sizeof(el));
		eta(p, now, left, sizeof(left));
		if (p->tty) {
			if (strcmp(status, "ok"))
				fprintf(stderr, "\r%s: %s: %s\033[K\n", label, status, detail ? detail : "");
			redraw(p);
		} else {
			fprintf(stderr, "[%zu/%zu] %s: %s%s%s (elapsed %s, left ~%s)\n", p->done,
				p->total, label, status, detail ? ", " : "", detail ? detail : "", el, left);
		}
	}
	pthread_mutex_unlock(&p->lock);
	free(label);
	free(detail);
}

void progress_note(struct progress *p, const char *msg)
{
	if (!p || p->quiet)
		return;
	char *text = shown(msg);
	pthread_mutex_lock(&p->lock);
	fprintf(stderr, p->tty ? "\r%s\033[K\n" : "%s\n", text);
	free(text);
	if (p->tty)
		redraw(p);
	pthread_mutex_unlock(&p->lock);
}

void progress_free(struct progress *p)
{
	if (!p)
		return;
	if (p->ticking) {
		pthread_mutex_lock(&p->lock);
		p->stopping = 1;
		pthread_cond_signal(&p->wake);
		pthread_mutex_unlock(&p->lock);
		pthread_join(p->ticker, NULL);
	}
	if (!p->quiet && p->tty)
		fputc('\n', stderr);
	for (size_t i = 0; i < p->n_run; i++)
		free(p->run[i].label);
	free(p->run);
	free(p->groups);
	keymap_release(&p->index);
	pthread_cond_destroy(&p->wake);
	pthread_mutex_destroy(&p->lock);
	free(p);
}
