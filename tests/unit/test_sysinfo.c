/*
 * test_sysinfo.c - sysinfo: the THP mode parser on a table (real sysfs
 * contents and damaged ones), and the machine object checked against the
 * same facts read another way (uname, sysconf, sysinfo(2), glibc).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/sysinfo.h>
#include <sys/utsname.h>
#include <gnu/libc-version.h>

#include "sysinfo.h"
#include "util.h"
#include "unit.h"

static const struct {
	const char *text;
	const char *want; /* NULL: no mode */
} thp_cases[] = {
	/* As this kernel writes /sys/kernel/mm/transparent_hugepage/{enabled,defrag}. */
	{ "always [madvise] never\n", "madvise" },
	{ "always defer defer+madvise [madvise] never\n", "madvise" },
	{ "[always] madvise never\n", "always" },
	{ "always madvise [never]\n", "never" },
	{ "always defer [defer+madvise] madvise never\n", "defer+madvise" },
	{ "always [madvise] never", "madvise" },
	{ "[always] [madvise] never\n", "always" },
	{ "always madvise never\n", NULL },
	{ "", NULL },
	{ "[", NULL },
	{ "[]", NULL },
	{ "always [madvise never\n", NULL },
	{ "always [mad vise] never\n", NULL },
	{ "always [mad\n] never\n", NULL },
	{ "always madvise] [never", NULL },
	{ NULL, NULL },
};

static void test_thp_mode_table(void)
{
	for (size_t i = 0; i < ARRAY_SIZE(thp_cases); i++) {
		char *got = sysinfo_thp_mode(thp_cases[i].text);
		if (thp_cases[i].want) {
			CU_ASSERT_PTR_NOT_NULL(got);
			if (got)
				CU_ASSERT_STRING_EQUAL(got, thp_cases[i].want);
		} else {
			CU_ASSERT_PTR_NULL(got);
		}
		free(got);
	}
}

/* Every key sysinfo may write, with its JSON type. */
static const struct {
	const char *key;
	int type;
} known_keys[] = {
	{ "hostname", cJSON_String }, { "kernel", cJSON_String },
	{ "os", cJSON_String }, { "arch", cJSON_String },
	{ "cpu_model", cJSON_String }, { "cpus", cJSON_Number },
	{ "mem_total", cJSON_Number }, { "page_size", cJSON_Number },
	{ "thp_enabled", cJSON_String }, { "thp_defrag", cJSON_String },
	{ "glibc", cJSON_String }, { "smaps_rollup", cJSON_True | cJSON_False },
};

/* The machine as the results file writes it. */
static cJSON *machine_json(void)
{
	struct results r;
	results_init(&r);
	sysinfo_machine(&r.machine);
	CU_ASSERT(r.machine.present);
	cJSON *doc = results_to_json(&r);
	cJSON *m = cJSON_DetachItemFromObjectCaseSensitive(doc, "machine");
	cJSON_Delete(doc);
	results_release(&r);
	return m;
}

static void test_machine_keys(void)
{
	cJSON *m = machine_json();
	CU_ASSERT_PTR_NOT_NULL_FATAL(m);
	CU_ASSERT(cJSON_IsObject(m));
	cJSON *item;
	cJSON_ArrayForEach(item, m) {
		size_t k;
		for (k = 0; k < ARRAY_SIZE(known_keys); k++)
			if (!strcmp(item->string, known_keys[k].key))
				break;
		CU_ASSERT(k < ARRAY_SIZE(known_keys));
		if (k == ARRAY_SIZE(known_keys)) {
			fprintf(stderr, "\n  unknown key '%s'\n", item->string);
			continue;
		}
		CU_ASSERT((item->type & 0xff & known_keys[k].type) != 0);
		if (cJSON_IsString(item))
			CU_ASSERT(item->valuestring[0] != '\0');
	}
	/* Facts every Linux machine has. */
	const char *always[] = { "hostname", "kernel", "arch", "cpus", "mem_total",
				 "page_size", "glibc", "smaps_rollup" };
	for (size_t i = 0; i < ARRAY_SIZE(always); i++)
		CU_ASSERT_PTR_NOT_NULL(cJSON_GetObjectItemCaseSensitive(m, always[i]));
	cJSON_Delete(m);
}

static double num(const cJSON *m, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(m, key);
	CU_ASSERT(cJSON_IsNumber(v));
	return cJSON_IsNumber(v) ? v->valuedouble : -1;
}

static const char *str(const cJSON *m, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(m, key);
	return cJSON_IsString(v) ? v->valuestring : NULL;
}

static void test_machine_values(void)
{
	cJSON *m = machine_json();
	struct utsname u;
	struct sysinfo si;
	char want[1024];

	CU_ASSERT_EQUAL_FATAL(uname(&u), 0);
	snprintf(want, sizeof(want), "%s %s", u.release, u.version);
	CU_ASSERT_STRING_EQUAL(str(m, "kernel"), want);
	CU_ASSERT_STRING_EQUAL(str(m, "arch"), u.machine);
	CU_ASSERT_STRING_EQUAL(str(m, "hostname"), u.nodename);
	CU_ASSERT_STRING_EQUAL(str(m, "glibc"), gnu_get_libc_version());
	CU_ASSERT_EQUAL(num(m, "cpus"), (double)sysconf(_SC_NPROCESSORS_ONLN));
	CU_ASSERT_EQUAL(num(m, "page_size"), (double)getpagesize());
	/* MemTotal and sysinfo(2) both come from totalram_pages. */
	CU_ASSERT_EQUAL_FATAL(sysinfo(&si), 0);
	CU_ASSERT_EQUAL(num(m, "mem_total"), (double)si.totalram * si.mem_unit);

	const cJSON *rollup = cJSON_GetObjectItemCaseSensitive(m, "smaps_rollup");
	CU_ASSERT(cJSON_IsBool(rollup));
	CU_ASSERT_EQUAL(cJSON_IsTrue(rollup), access("/proc/self/smaps_rollup", F_OK) == 0);

	const char *thp = str(m, "thp_enabled");
	if (access("/sys/kernel/mm/transparent_hugepage/enabled", R_OK) == 0) {
		CU_ASSERT_PTR_NOT_NULL_FATAL(thp);
		CU_ASSERT(!strcmp(thp, "always") || !strcmp(thp, "madvise") || !strcmp(thp, "never"));
		CU_ASSERT_PTR_NOT_NULL(str(m, "thp_defrag"));
	} else {
		CU_ASSERT_PTR_NULL(thp);
	}

	/* os: the PRETTY_NAME, unquoted, as a shell would read it. */
	const char *os = str(m, "os");
	if (access("/etc/os-release", R_OK) == 0 || access("/usr/lib/os-release", R_OK) == 0) {
		CU_ASSERT_PTR_NOT_NULL_FATAL(os);
		CU_ASSERT(os[0] != '"' && os[0] != '\'' && !strchr(os, '\n'));
		FILE *f = fopen("/etc/os-release", "r");
		char line[1024];
		while (f && fgets(line, sizeof(line), f))
			if (!strncmp(line, "PRETTY_NAME=\"", 13) && !strchr(line + 13, '\\')) {
				char *end = strrchr(line, '"');
				*end = '\0';
				CU_ASSERT_STRING_EQUAL(os, line + 13);
			}
		if (f)
			fclose(f);
	}

	/* cpu_model: present exactly when cpuinfo has a "model name" line. */
	FILE *f = fopen("/proc/cpuinfo", "r");
	char line[1024];
	int has_model = 0;
	while (f && fgets(line, sizeof(line), f))
		if (!strncmp(line, "model name", 10))
			has_model = 1;
	if (f)
		fclose(f);
	const char *model = str(m, "cpu_model");
	CU_ASSERT_EQUAL(model != NULL, has_model);
	if (model)
		CU_ASSERT(model[0] != ' ' && model[strlen(model) - 1] != ' ' &&
			  model[strlen(model) - 1] != '\n');
	cJSON_Delete(m);
}

/* It serialises: the results writer embeds it as is. */
static void test_machine_prints(void)
{
	cJSON *m = machine_json();
	char *text = cJSON_PrintUnformatted(m);
	CU_ASSERT_PTR_NOT_NULL_FATAL(text);
	cJSON *back = cJSON_Parse(text);
	CU_ASSERT_PTR_NOT_NULL(back);
	CU_ASSERT(cJSON_Compare(m, back, 1));
	cJSON_Delete(back);
	free(text);
	cJSON_Delete(m);
}

static const struct unit_test thp_tests[] = {
	{ "bracketed THP mode", test_thp_mode_table },
};

static const struct unit_test machine_tests[] = {
	{ "known keys and types only", test_machine_keys },
	{ "values match uname, sysconf, sysinfo(2)", test_machine_values },
	{ "round-trips through JSON", test_machine_prints },
};

static const struct unit_suite suites[] = {
	UNIT_SUITE("sysinfo thp", thp_tests),
	UNIT_SUITE("sysinfo machine", machine_tests),
};

int main(int argc, char **argv)
{
	(void)argc;
	return unit_main(argv[0], suites, ARRAY_SIZE(suites));
}
