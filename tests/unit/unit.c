/* unit.c - shared CUnit runner; see unit.h. */
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <CUnit/Basic.h>

#include "unit.h"

int unit_main(const char *binary, const struct unit_suite *suites, size_t n)
{
	if (CU_initialize_registry() != CUE_SUCCESS) {
		fprintf(stderr, "error: cannot initialise CUnit: %s\n", CU_get_error_msg());
		return 2;
	}
	for (size_t i = 0; i < n; i++) {
		CU_pSuite s = CU_add_suite(suites[i].name, suites[i].init, suites[i].cleanup);
		if (!s) {
			fprintf(stderr, "error: cannot add suite '%s'\n", suites[i].name);
			CU_cleanup_registry();
			return 2;
		}
		for (size_t j = 0; j < suites[i].n_tests; j++)
			if (!CU_add_test(s, suites[i].tests[j].name, suites[i].tests[j].fn)) {
				fprintf(stderr, "error: cannot add test '%s'\n", suites[i].tests[j].name);
				CU_cleanup_registry();
				return 2;
			}
	}
	CU_basic_set_mode(getenv("UNIT_VERBOSE") ? CU_BRM_VERBOSE : CU_BRM_NORMAL);
	CU_basic_run_tests();
	unsigned run = CU_get_number_of_tests_run();
	unsigned failed = CU_get_number_of_tests_failed();
	unsigned suites_failed = CU_get_number_of_suites_failed();
	CU_cleanup_registry();
	const char *base = strrchr(binary, '/');
	printf("\n%s: %u passed, %u failed\n", base ? base + 1 : binary,
	       run - failed, failed + suites_failed);
	return (failed || suites_failed) ? 1 : 0;
}

const char *unit_fixture(const char *rel)
{
	static char path[4096];
	const char *src = getenv("OBJMEM_SRCDIR");
	snprintf(path, sizeof(path), "%s/tests/fixtures/%s", src && *src ? src : ".", rel);
	return path;
}

char *unit_read_fixture(const char *rel, size_t *len)
{
	const char *path = unit_fixture(rel);
	FILE *f = fopen(path, "rb");
	if (!f) {
		CU_FAIL_FATAL("cannot open fixture");
		return NULL;
	}
	size_t alloc = 4096, n = 0;
	char *p = malloc(alloc);
	size_t got;
	while (p && (got = fread(p + n, 1, alloc - n - 1, f)) > 0) {
		n += got;
		if (alloc - n - 1 == 0) {
			alloc *= 2;
			p = realloc(p, alloc);
		}
	}
	fclose(f);
	if (!p) {
		CU_FAIL_FATAL("out of memory reading fixture");
		return NULL;
	}
	p[n] = '\0';
	if (len)
		*len = n;
	return p;
}

char *unit_tmpdir(void)
{
	const char *base = getenv("TMPDIR");
	char *tmpl = malloc(4096);
	snprintf(tmpl, 4096, "%s/objmem-unit-XXXXXX", base && *base ? base : "/tmp");
	if (!mkdtemp(tmpl)) {
		free(tmpl);
		CU_FAIL_FATAL("mkdtemp failed");
		return NULL;
	}
	return tmpl;
}

static int rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st; (void)flag; (void)ftw;
	return remove(path);
}

void unit_rmtree(const char *dir)
{
	if (dir)
		nftw(dir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

static int saved_stderr = -1;
static FILE *capture;

void unit_stderr_begin(void)
{
	fflush(stderr);
	capture = tmpfile();
	saved_stderr = dup(2);
	dup2(fileno(capture), 2);
}

char *unit_stderr_end(void)
{
	fflush(stderr);
	dup2(saved_stderr, 2);
	close(saved_stderr);
	long n = ftell(capture);
	char *s = calloc(1, (size_t)(n > 0 ? n : 0) + 1);
	rewind(capture);
	if (n > 0 && fread(s, 1, (size_t)n, capture) != (size_t)n)
		s[0] = '\0';
	fclose(capture);
	capture = NULL;
	return s;
}
