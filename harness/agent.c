/* agent.c - one-shot calls into workloads/agent.py; see agent.h. */
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>
#include <string.h>

#include "agent.h"
#include "protocol.h"
#include "runner.h"

void agent_child_setup(struct child *c, const struct catalog *cat, const struct interp *in,
		       const char *const *args, const struct child_opts *opts)
{
	for (size_t i = 0; i < in->argv.n; i++)
		strvec_push(&c->argv, in->argv.v[i]);
	if (c->argv.n && !strchr(c->argv.v[0], '/')) {
		/* a bare command: resolve it here, execve does not search PATH */
		const char *path = strvec_getenv(&in->env, "PATH");
		char *found = spawn_which(c->argv.v[0], path ? path : getenv("PATH"));
		if (found) {
			free(c->argv.v[0]);
			c->argv.v[0] = found;
		}
	}
	strvec_push(&c->argv, cat->agent);
	for (size_t i = 0; args && args[i]; i++)
		strvec_push(&c->argv, args[i]);
	config_child_env(in, &cat->env, &c->env);
	if (cat->params.n) {   /* run --param: a line each, for the workloads that declare them */
		struct buf b = BUF_INIT;
		for (size_t i = 0; i < cat->params.n; i++)
			buf_addf(&b, "%s%s", i ? "\n" : "", cat->params.v[i]);
		strvec_setenv(&c->env, "OBJMEM_PARAMS", b.p);
		buf_release(&b);
	}
	if (opts) {
		c->thp_disable = opts->thp_disable;
		c->cpu = opts->cpu;
		c->fixed_layout = opts->fixed_layout;
		if (opts->arena_max)
			strvec_setenv(&c->env, "MALLOC_ARENA_MAX", opts->arena_max);
	}
}

/*
 * Run the agent with args and call on_msg for every protocol line until it
 * says done or exits. Returns 0 when it exited 0 after at least one line
 * that on_msg took (or done), with no error or skip line.
 */
typedef int (*msg_fn)(const struct proto_msg *m, void *ctx, char **why);

/*
 * The next message of a one-shot agent: 1 with *m set, 0 at the end of its
 * output, -1 with *why (no answer in time, a bad line, a stop request).
 */
static int oneshot_next(struct child *c, struct chanio *ch, double deadline, double timeout_s,
			struct proto_msg *m, char **why)
{
	for (;;) {
		/* SIGINT or SIGTERM: give up within a tenth of a second */
		if (runner_stop_signal) {
			*why = xstrdup("interrupted");
			return -1;
		}
		char *line = NULL;
		const char *bad = NULL;
		enum chan_result r = chanio_next_line(ch, deadline, 0.1, &line);
		if (r == CHAN_IDLE) {
			/* what left its group (a workload's setup that detaches) is
			 * made known to the guard, as during a cell */
			child_watch(c);
			continue;
		}
		if (r == CHAN_TIMEOUT) {
			*why = xasprintf("no answer within %.0f s", timeout_s);
			return -1;
		}
		if (r == CHAN_TOO_LONG) {
			if (!chanio_salvage(ch, m, &bad))
				return 1;
			*why = xasprintf("protocol error: %s", bad);
			return -1;
		}
		if (r != CHAN_LINE)
			return 0;
		if (proto_parse(line, strlen(line), m, &bad)) {
			*why = xasprintf("%s: '%.60s'", bad, line);
			free(line);
			return -1;
		}
		free(line);
		return 1;
	}
}

/* Read messages until done, an error or the end; 1 when done was said, 0 else. */
static int oneshot_talk(struct child *c, struct chanio *ch, double timeout_s, msg_fn on_msg,
			void *ctx, int *got, char **why)
{
	double deadline = now_s() + timeout_s;
	struct proto_msg m;
	int rc;
	while ((rc = oneshot_next(c, ch, deadline, timeout_s, &m, why)) == 1) {
		int done = 0;
		if (m.verb == PROTO_DONE) {
			done = 1;
		} else if (m.verb == PROTO_ERROR || m.verb == PROTO_SKIP) {
			const char *reason = proto_str(&m, "reason");
			*why = xstrdup(reason ? reason : "the agent reported an error");
		} else if (!on_msg(&m, ctx, why)) {
			*got = 1;
		}
		proto_msg_release(&m);
		if (done || *why)
			return done;
	}
	return 0;
}

static int agent_oneshot(const struct catalog *cat, const struct interp *in,
			 const char *const *args, double timeout_s, msg_fn on_msg,
			 void *ctx, char **why)
{
	struct child c;
	*why = NULL;
	if (runner_stop_signal) {
		*why = xstrdup("interrupted");
		return -1;
	}
	child_init(&c);
	agent_child_setup(&c, cat, in, args, NULL);
	/* its own cgroup: a timeout or a stop kills what it started (a compiler) too */
	c.contain = 1;
	if (child_start(&c, why)) {
		child_release(&c);
		return -1;
	}
	close(c.in_fd);
	c.in_fd = -1;
	struct chanio ch;
	chanio_init(&ch, c.out_fd, c.err_fd, 4096);
	int got = 0, rc = -1;
	int done = oneshot_talk(&c, &ch, timeout_s, on_msg, ctx, &got, why);
	if (!*why)
		child_wait_or_stop(&c, timeout_s < 5 ? timeout_s : 5.0, &runner_stop_signal);
	if (!c.reaped)
		child_kill(&c);
	chanio_drain(&ch);
	/* probe and prepare end with their one line; list ends with done */
	if ((done || got) && !*why && WIFEXITED(c.wait_status) && WEXITSTATUS(c.wait_status) == 0) {
		rc = 0;
	} else if (!*why) {
		char *ex = child_describe_exit(&c);
		char *tail = chanio_stderr_tail(&ch, 1);
		*why = runner_stop_signal ? xstrdup("interrupted")
			: xasprintf("the agent %s%s%s", ex, tail ? ": " : "", tail ? tail : "");
		free(ex);
		free(tail);
	}
	chanio_release(&ch);
	child_release(&c);
	return rc;
}

static int on_probe(const struct proto_msg *m, void *ctx, char **why)
{
	struct interp *in = ctx;
	if (m->verb != PROTO_PROBE) {
		*why = xstrdup("unexpected protocol line in probe mode");
		return -1;
	}
	cJSON_Delete(in->probe);
	in->probe = cJSON_Duplicate(m->payload, 1);
	return 0;
}

int agent_probe(const struct catalog *cat, struct interp *in, double timeout_s, char **why)
{
	static const char *const args[] = { "probe", NULL };
	int rc = agent_oneshot(cat, in, args, timeout_s, on_probe, in, why);
	if (!rc && !in->probe) {
		*why = xstrdup("the agent said done without a probe line");
		rc = -1;
	}
	return rc;
}

static int on_prepared(const struct proto_msg *m, void *ctx, char **why)
{
	(void)ctx;
	if (m->verb != PROTO_PREPARED) {
		*why = xstrdup("unexpected protocol line in prepare mode");
		return -1;
	}
	return 0;
}

int agent_prepare(const struct catalog *cat, const struct interp *in, const char *workload,
		  double timeout_s, char **why)
{
	const char *args[] = { "prepare", workload, NULL };
	int rc = agent_oneshot(cat, in, args, timeout_s, on_prepared, NULL, why);
	if (rc && runner_stop_signal) {
		/* stopping: not a note worth printing for every workload left */
		free(*why);
		*why = NULL;
	}
	return rc;
}

static int on_views(const struct proto_msg *m, void *ctx, char **why)
{
	cJSON **out = ctx;
	if (m->verb != PROTO_VIEWS || *out) {
		*why = xstrdup("unexpected protocol line in views mode");
		return -1;
	}
	*out = cJSON_Duplicate(m->payload, 1);
	return 0;
}

cJSON *agent_views(const struct catalog *cat, const struct interp *in, const char *workload,
		   double timeout_s, char **why)
{
	const char *args[] = { "views", workload, NULL };
	cJSON *out = NULL;
	if (agent_oneshot(cat, in, args, timeout_s, on_views, &out, why) || !out) {
		if (!*why)
			*why = xstrdup("the agent ended without a views line");
		cJSON_Delete(out);
		return NULL;
	}
	return out;
}

static int on_workload(const struct proto_msg *m, void *ctx, char **why)
{
	if (m->verb != PROTO_WORKLOAD) {
		*why = xstrdup("unexpected protocol line in list mode");
		return -1;
	}
	cJSON_AddItemToArray((cJSON *)ctx, cJSON_Duplicate(m->payload, 1));
	return 0;
}

cJSON *agent_list(const struct catalog *cat, const struct interp *in, double timeout_s, char **why)
{
	static const char *const args[] = { "list", NULL };
	cJSON *arr = cJSON_CreateArray();
	if (agent_oneshot(cat, in, args, timeout_s, on_workload, arr, why)) {
		cJSON_Delete(arr);
		return NULL;
	}
	return arr;
}
