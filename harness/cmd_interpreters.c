/* cmd_interpreters.c - `objmem interpreters`: probe builds, list them. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "catalog.h"
#include "cli.h"
#include "commands.h"
#include "jsonutil.h"
#include "select.h"

static const char interp_usage[] =
	"usage: objmem interpreters probe NAME_OR_PATH...\n"
	"       objmem interpreters list\n"
	"\n"
	"probe prints, as one JSON array, what objmem knows about each build:\n"
	"implementation, version, pointer size, debug, allocator, GIL, compiler,\n"
	"configure flags, whether sys.getsizeof works, and the object sizes the\n"
	"interpreter reports; the same probe is stored in every results file.\n"
	"list is 'objmem list interpreters'.\n"
	"\n"
	"  -h, --help     this text\n"
	"\n"
	"example: objmem interpreters probe python3\n"
	"\n"
	"exit status: 0 probed, 1 a build named cannot run (its entry says why),\n"
	"2 bad usage or a name that names nothing.\n";

static const struct option interp_options[] = {
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

static cJSON *interp_json(const struct interp *in)
{
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
	cJSON_AddItemToObject(o, "skipped", in->skip_reason ? cJSON_CreateString(in->skip_reason)
			      : cJSON_CreateNull());
	cJSON_AddItemToObject(o, "probe", in->probe ? cJSON_Duplicate(in->probe, 1)
			      : cJSON_CreateNull());
	return o;
}

static int probe(char **names, int n)
{
	struct catalog cat;
	if (catalog_load(&cat)) {
		catalog_release(&cat);
		return 2;
	}
	struct strvec sv = STRVEC_INIT;
	for (int i = 0; i < n; i++)
		strvec_push(&sv, names[i]);
	struct results r;
	results_init(&r);
	struct select_opts so = { &sv, 1, 0, 60 };
	int rc = select_interpreters(&cat, &so, &r) ? 2 : 0;
	if (!rc) {
		cJSON *arr = cJSON_CreateArray();
		for (size_t i = 0; i < r.n_interps; i++) {
			cJSON_AddItemToArray(arr, interp_json(&r.interps[i]));
			if (r.interps[i].skip_reason)
				rc = 1;
		}
		char *txt = json_print_exact(arr, 1);
		fputs(txt, stdout);
		free(txt);
		cJSON_Delete(arr);
	}
	results_release(&r);
	strvec_clear(&sv);
	catalog_release(&cat);
	return rc;
}

int cmd_interpreters(int argc, char **argv)
{
	struct cli c;
	cli_init(&c, "interpreters", interp_usage, "h", interp_options, argc, argv);
	int opt = cli_next(&c), rc;
	char **args = cli_args(&c);
	int n = cli_nargs(&c);
	if (opt != CLI_END)
		rc = opt == CLI_STOP ? c.status : cli_error(&c, "unhandled option '%s'", c.name);
	else if (!n)
		rc = cli_error(&c, "say what to do: probe or list");
	else if (!strcmp(args[0], "list") && n == 1)
		rc = cmd_list(2, (char *[]){ (char *)"list", (char *)"interpreters", NULL });
	else if (strcmp(args[0], "probe"))
		rc = cli_error(&c, "unknown action '%s' (probe, list)", args[0]);
	else if (n < 2)
		rc = cli_error(&c, "name an interpreter to probe");
	else
		rc = probe(args + 1, n - 1);
	cli_release(&c);
	return rc;
}
