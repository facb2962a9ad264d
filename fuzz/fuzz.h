/*
 * fuzz.h - what the libFuzzer targets in fuzz/ share: the entry points'
 * prototypes, quieting the harness's own messages, and a check that stops
 * the run with a message libFuzzer keeps.
 *
 * error() and warning() print on stderr through stdio; a target points the
 * stdio stream at /dev/null (set FUZZ_VERBOSE=1 to see them again, e.g. when
 * replaying a crash). libFuzzer's and the sanitizers' reports do not go
 * through that stream, so a crash is still reported in full.
 */
#ifndef OBJMEM_FUZZ_H
#define OBJMEM_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static inline void fuzz_quiet(void)
{
	const char *v = getenv("FUZZ_VERBOSE");
	if (v && *v && *v != '0')
		return;
	FILE *null = fopen("/dev/null", "we");
	if (null)
		stderr = null;
}

/*
 * An invariant of the code under test: on failure, say which on the real
 * stderr (fd 2, not the quieted stream) and abort, which libFuzzer records
 * as a crash with its input.
 */
#define FUZZ_CHECK(cond) do { \
	if (!(cond)) { \
		static const char msg_[] = "fuzz: check failed at " __FILE__ ": " #cond "\n"; \
		ssize_t ignored_ = write(2, msg_, sizeof(msg_) - 1); \
		(void)ignored_; \
		abort(); \
	} \
} while (0)

#endif
