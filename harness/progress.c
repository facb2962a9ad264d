/* progress.c - progress on stderr; see progress.h. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "progress.h"
#include "textfmt.h"
#include "util.h"

struct progress {
	pthread_mutex_t lock;
	size_t total, done;
	double total_weight, done_weight;
	double t0;
	int quiet, tty;
	struct strvec running;
};

struct progress *progress_new(size_t total, double total_weight, int quiet)
{
	struct progress *p = xcalloc(1, sizeof(*p));
	pthread_mutex_init(&p->lock, NULL);
	p->total = total;
	p->total_weight = total_weight;
	p->t0 = now_s();
	p->quiet = quiet;
	p->tty = isatty(2);
	strvec_init(&p->running);
	return p;
}

static void eta(struct progress *p, char *out, size_t size)
{
	double el = now_s() - p->t0;
	if (p->done_weight <= 0 || p->done == 0) {
		snprintf(out, size, "?");
		return;
	}
	double left = el * (p->total_weight - p->done_weight) / p->done_weight;
	format_duration(left, out, size);
}

static void redraw(struct progress *p)
{
	char el[32], left[32];
	format_duration(now_s() - p->t0, el, sizeof(el));
	eta(p, left, sizeof(left));
	const char *cur = p->running.n ? p->running.v[p->running.n - 1] : "";
	fprintf(stderr, "\r[%zu/%zu] %s%s  elapsed %s, left ~%s\033[K", p->done, p->total,
		cur, p->running.n > 1 ? " (+more)" : "", el, left);
	fflush(stderr);
}

/* Text from the results (names, reasons) as the terminal should show it. */
static char *shown(const char *s)
{
	struct buf b = BUF_INIT;
	term_escape(&b, s ? s : "");
	return buf_detach(&b);
}

void progress_start(struct progress *p, const char *label)
{
	if (!p)
		return;
	pthread_mutex_lock(&p->lock);
	strvec_push_nodup(&p->running, shown(label));
	if (!p->quiet && p->tty)
		redraw(p);
	pthread_mutex_unlock(&p->lock);
}

void progress_done(struct progress *p, const char *raw_label, double weight, const char *status,
		   const char *raw_detail)
{
	if (!p)
		return;
	char *label = shown(raw_label), *detail = raw_detail ? shown(raw_detail) : NULL;
	pthread_mutex_lock(&p->lock);
	long i = strvec_find(&p->running, label);
	if (i >= 0) {
		free(p->running.v[i]);
		memmove(&p->running.v[i], &p->running.v[i + 1],
			(p->running.n - (size_t)i) * sizeof(char *));
		p->running.n--;
	}
	p->done++;
	p->done_weight += weight;
	if (!p->quiet) {
		if (p->tty) {
			if (strcmp(status, "ok"))
				fprintf(stderr, "\r%s: %s: %s\033[K\n", label, status, detail ? detail : "");
			redraw(p);
		} else {
			char el[32], left[32];
			format_duration(now_s() - p->t0, el, sizeof(el));
			eta(p, left, sizeof(left));
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
	if (!p->quiet && p->tty)
		fputc('\n', stderr);
	strvec_clear(&p->running);
	pthread_mutex_destroy(&p->lock);
	free(p);
}
