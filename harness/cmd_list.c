/* cmd_list.c - `objmem list` and `objmem interpreters`: what a run can use. */
#include <stdlib.h>
#include <string.h>

#include "agent.h"
#include "commands.h"
#include "config.h"
#include "select.h"

static const char list_usage[] =
	"usage: objmem list workloads|interpreters [--probe]\n"
	"\n"
	"  workloads      every workload, and on which interpreter it cannot run and why\n"
	"  interpreters   every definition (installed or not, and how to get it) and every\n"
	"                 interpreter discovered on PATH and under pyenv, probed\n"
	"\n"
	"example: objmem list interpreters\n";

static const char interp_usage[] =
	"usage: objmem interpreters probe NAME_OR_PATH...\n"
	"       objmem interpreters list\n"
	"\n"
	"probe prints what objmem knows about a build: implementation, version,\n"
	"pointer size, debug, allocator, GIL, compiler, configure flags, whether\n"
	"sys.getsizeof works, and the object sizes the interpreter reports; the same\n"
	"probe is stored in every results file.\n"
	"\n"
	"example: objmem interpreters probe python3\n";

static int list_interpreters(const struct catalog *cat)
{
	struct results r;
	results_init(&r);
	struct select_opts so = { NULL, 1, 0, 60 };
	if (select_interpreters(cat, &so, &r)) {
		results_release(&r);
		return 2;
	}
	printf("%-26s %-22s %s\n", "NAME", "ORIGIN", "WHAT");
	for (size_t i = 0; i < r.n_interps; i++) {
		struct interp *in = &r.interps[i];
		const char *origin = in->origin;
		const char *slash = strrchr(origin, '/');
		char *what = in->skip_reason ? xasprintf("cannot run: %s", in->skip_reason)
					     : agent_probe_summary(in->probe);
		printf("%-26s %-22s %s\n", in->name, slash ? slash + 1 : origin, what);
		printf("%-26s %-22s   %s", "", "", in->argv.v[0]);
		for (size_t e = 0; e < in->env.n; e++)
			printf(" %s", in->env.v[e]);
		putchar('\n');
		free(what);
	}
	printf("\ndefinitions are read from:");
	for (size_t i = 0; i < cat->def_dirs.n; i++)
		printf(" %s", cat->def_dirs.v[i]);
	printf("\n");
	results_release(&r);
	return 0;
}

static int list_workloads(const struct catalog *cat)
{
	printf("%-16s %s\n", "WORKLOAD", "WHAT");
	for (size_t i = 0; i < cat->n_workloads; i++)
		printf("%-16s %s\n", cat->workloads[i].name, cat->workloads[i].description);
	/* where a workload cannot run, say so per interpreter */
	struct results r;
	results_init(&r);
	struct select_opts so = { NULL, 0, 1, 60 };
	if (select_interpreters(cat, &so, &r)) {
		results_release(&r);
		return 2;
	}
	int header = 0;
	for (size_t i = 0; i < r.n_interps; i++) {
		struct interp *in = &r.interps[i];
		if (in->skip_reason)
			continue;
		char *why = NULL;
		cJSON *arr = agent_list(cat, in, 60, &why);
		if (!arr) {
			printf("%s: cannot list workloads: %s\n", in->name, why ? why : "?");
			free(why);
			continue;
		}
		const cJSON *w;
		cJSON_ArrayForEach(w, arr) {
			const cJSON *avail = cJSON_GetObjectItemCaseSensitive(w, "available");
			const cJSON *name = cJSON_GetObjectItemCaseSensitive(w, "name");
			const cJSON *reason = cJSON_GetObjectItemCaseSensitive(w, "reason");
			if (!cJSON_IsFalse(avail) || !cJSON_IsString(name))
				continue;
			if (!header++)
				printf("\ncannot run here:\n");
			printf("  %-14s on %-22s %s\n", name->valuestring, in->name,
			       cJSON_IsString(reason) ? reason->valuestring : "");
		}
		cJSON_Delete(arr);
	}
	if (!header)
		printf("\nevery workload can run on every interpreter found\n");
	results_release(&r);
	return 0;
}

int cmd_list(int argc, char **argv)
{
	if (argc < 2)
		return usage_error(list_usage, "say what to list: workloads or interpreters");
	if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help"))
		return usage_error(list_usage, NULL);
	struct catalog cat;
	if (catalog_load(&cat)) {
		catalog_release(&cat);
		return 2;
	}
	int rc;
	if (!strcmp(argv[1], "workloads"))
		rc = list_workloads(&cat);
	else if (!strcmp(argv[1], "interpreters"))
		rc = list_interpreters(&cat);
	else
		rc = usage_error(list_usage, "cannot list '%s': say workloads or interpreters", argv[1]);
	catalog_release(&cat);
	return rc;
}

int cmd_interpreters(int argc, char **argv)
{
	if (argc < 2)
		return usage_error(interp_usage, "say what to do: probe or list");
	if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help"))
		return usage_error(interp_usage, NULL);
	if (!strcmp(argv[1], "list"))
		return cmd_list(2, (char *[]){ argv[0], (char *)"interpreters", NULL });
	if (strcmp(argv[1], "probe"))
		return usage_error(interp_usage, "unknown action '%s' (probe, list)", argv[1]);
	if (argc < 3)
		return usage_error(interp_usage, "name an interpreter to probe");
	struct catalog cat;
	if (catalog_load(&cat)) {
		catalog_release(&cat);
		return 2;
	}
	struct strvec names = STRVEC_INIT;
	for (int i = 2; i < argc; i++)
		strvec_push(&names, argv[i]);
	struct results r;
	results_init(&r);
	struct select_opts so = { &names, 1, 0, 60 };
	int rc = select_interpreters(&cat, &so, &r) ? 2 : 0;
	for (size_t i = 0; !rc && i < r.n_interps; i++) {
		struct interp *in = &r.interps[i];
		cJSON *o = cJSON_CreateObject();
		cJSON_AddStringToObject(o, "name", in->name);
		cJSON *a = cJSON_AddArrayToObject(o, "argv");
		for (size_t k = 0; k < in->argv.n; k++)
			cJSON_AddItemToArray(a, cJSON_CreateString(in->argv.v[k]));
		cJSON *e = cJSON_AddObjectToObject(o, "env");
		for (size_t k = 0; k < in->env.n; k++) {
			const char *eq = strchr(in->env.v[k], '=');
			char *key = xstrndup(in->env.v[k], (size_t)(eq - in->env.v[k]));
			cJSON_AddStringToObject(e, key, eq + 1);
			free(key);
		}
		cJSON_AddStringToObject(o, "origin", in->origin);
		if (in->skip_reason) {
			cJSON_AddStringToObject(o, "skipped", in->skip_reason);
			rc = 1;
		}
		cJSON_AddItemToObject(o, "probe", in->probe ? cJSON_Duplicate(in->probe, 1) : cJSON_CreateNull());
		char *txt = cJSON_Print(o);
		printf("%s\n", txt);
		free(txt);
		cJSON_Delete(o);
	}
	results_release(&r);
	strvec_clear(&names);
	catalog_release(&cat);
	return rc;
}
