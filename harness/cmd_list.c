/* cmd_list.c - `objmem list`: the workloads and interpreters a run can use. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agent.h"
#include "catalog.h"
#include "cli.h"
#include "commands.h"
#include "probe.h"
#include "select.h"
#include "textfmt.h"

static const char list_usage[] =
	"usage: objmem list [--names] workloads|interpreters\n"
	"\n"
	"  workloads      every workload, and on which interpreter it cannot run and why:\n"
	"                 each interpreter loads each workload, builds what it needs (as\n"
	"                 a run would, into the cache) and makes one object\n"
	"  interpreters   every definition (installed or not, and how to get it) and every\n"
	"                 interpreter discovered on PATH and under pyenv, probed\n"
	"\n"
	"      --names    only the names, one per line, and nothing started (for shell\n"
	"                 completion): every workload; the definitions installed here\n"
	"  -h, --help     this text\n"
	"\n"
	"example: objmem list interpreters\n"
	"\n"
	"exit status: 0 listed, 2 bad usage or a definition that cannot be read.\n";

enum { OPT_NAMES = 256 };

static const struct option list_options[] = {
	{ "names", no_argument, NULL, OPT_NAMES },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

static int list_interpreters(const struct catalog *cat)
{
	struct results r;
	results_init(&r);
	struct select_opts so = { NULL, 1, 0, 60 };
	if (select_interpreters(cat, &so, &r)) {
		results_release(&r);
		return 2;
	}
	static const char *const head[] = { "NAME", "ORIGIN", "WHAT" };
	struct tab tb;
	tab_init(&tb, 3, head, "lll");
	for (size_t i = 0; i < r.n_interps; i++) {
		struct interp *in = &r.interps[i];
		const char *slash = strrchr(in->origin, '/');
		char *what = in->skip_reason ? xasprintf("cannot run: %s", in->skip_reason)
					     : probe_summary(in->probe);
		tab_cell(&tb, in->name);
		tab_cell(&tb, slash ? slash + 1 : in->origin);
		tab_cell(&tb, what);
		free(what);
		struct buf cmd = BUF_INIT;
		for (size_t a = 0; a < in->argv.n; a++)   /* a script the executable runs, its options */
			buf_addf(&cmd, a ? " %s" : "  %s", in->argv.v[a]);
		for (size_t e = 0; e < in->env.n; e++)
			buf_addf(&cmd, " %s", in->env.v[e]);
		tab_cell(&tb, "");
		tab_cell(&tb, "");
		tab_cell(&tb, cmd.p);
		buf_release(&cmd);
	}
	tab_print(stdout, &tb, TAB_TEXT);
	tab_release(&tb);
	printf("\ndefinitions are read from:");
	for (size_t i = 0; i < cat->def_dirs.n; i++)
		printf(" %s", cat->def_dirs.v[i]);
	printf("\n");
	results_release(&r);
	return 0;
}

/* On which interpreter a workload cannot run, and why; 1 when one cannot. */
static int list_unavailable(const struct catalog *cat, struct interp *in, struct tab *tb)
{
	char *why = NULL;
	cJSON *arr = agent_list(cat, in, 60, &why);
	if (!arr) {
		tab_cell(tb, "(all)");
		tab_cell(tb, in->name);
		tab_cellf(tb, "cannot list workloads: %s", why ? why : "?");
		free(why);
		return 1;
	}
	int any = 0;
	const cJSON *w;
	cJSON_ArrayForEach(w, arr) {
		const cJSON *avail = cJSON_GetObjectItemCaseSensitive(w, "available");
		const cJSON *name = cJSON_GetObjectItemCaseSensitive(w, "name");
		const cJSON *reason = cJSON_GetObjectItemCaseSensitive(w, "reason");
		if (!cJSON_IsFalse(avail) || !cJSON_IsString(name))
			continue;
		tab_cell(tb, name->valuestring);
		tab_cell(tb, in->name);
		tab_cell(tb, cJSON_IsString(reason) ? reason->valuestring : "");
		any = 1;
	}
	cJSON_Delete(arr);
	return any;
}

static int list_workloads(const struct catalog *cat)
{
	static const char *const head[] = { "WORKLOAD", "WHAT" };
	struct tab tb;
	tab_init(&tb, 2, head, "ll");
	for (size_t i = 0; i < cat->n_workloads; i++) {
		tab_cell(&tb, cat->workloads[i].name);
		tab_cell(&tb, cat->workloads[i].description);
	}
	tab_print(stdout, &tb, TAB_TEXT);
	tab_release(&tb);
	struct results r;
	results_init(&r);
	struct select_opts so = { NULL, 0, 1, 60 };
	if (select_interpreters(cat, &so, &r)) {
		results_release(&r);
		return 2;
	}
	static const char *const head2[] = { "WORKLOAD", "INTERPRETER", "WHY IT CANNOT RUN" };
	tab_init(&tb, 3, head2, "lll");
	/* builds in version order, as every table and figure lists them */
	const char **names = xcalloc(r.n_interps + 1, sizeof(*names));
	for (size_t i = 0; i < r.n_interps; i++)
		names[i] = r.interps[i].name;
	probe_sort_names(&r, names, r.n_interps);
	int any = 0;
	for (size_t i = 0; i < r.n_interps; i++) {
		struct interp *in = results_find_interp(&r, names[i]);
		if (!in->skip_reason)
			any |= list_unavailable(cat, in, &tb);
	}
	free(names);
	if (any) {
		printf("\ncannot run here:\n");
		tab_print(stdout, &tb, TAB_TEXT);
	} else {
		printf("\nevery workload can run on every interpreter found\n");
	}
	tab_release(&tb);
	results_release(&r);
	return 0;
}

/* The names alone: workloads, or the definitions whose executable is here. */
static int list_names(const struct catalog *cat, int interpreters)
{
	if (!interpreters)
		for (size_t i = 0; i < cat->n_workloads; i++)
			puts(cat->workloads[i].name);
	for (size_t i = 0; interpreters && i < cat->n_defs; i++)
		if (cat->defs[i].resolved)
			puts(cat->defs[i].in.name);
	return 0;
}

static int list_option(struct cli *c, int opt, void *arg)
{
	if (opt == OPT_NAMES) {
		*(int *)arg = 1;
		return 0;
	}
	return cli_error(c, "unhandled option '%s'", c->name);
}

int cmd_list(int argc, char **argv)
{
	struct cli c;
	int names = 0;
	cli_init(&c, "list", list_usage, "h", list_options, argc, argv);
	int rc = cli_parse(&c, list_option, &names);
	if (rc >= 0) {
		/* --help, or a usage error: said */
	} else if (cli_nargs(&c) != 1) {
		rc = cli_error(&c, cli_nargs(&c) ? "list one thing: workloads or interpreters"
			       : "say what to list: workloads or interpreters");
	} else {
		const char *what = cli_args(&c)[0];
		int wl = !strcmp(what, "workloads"), ip = !strcmp(what, "interpreters");
		struct catalog cat;
		if (!wl && !ip)
			rc = cli_error(&c, "cannot list '%s': say workloads or interpreters", what);
		else if (catalog_load(&cat))
			rc = 2;
		else
			rc = names ? list_names(&cat, ip) : wl ? list_workloads(&cat)
				: list_interpreters(&cat);
		if (wl || ip)
			catalog_release(&cat);
	}
	cli_release(&c);
	return rc;
}
