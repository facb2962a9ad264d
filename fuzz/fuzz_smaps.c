/*
 * fuzz_smaps - procmem_parse_smaps and procmem_parse_status on any bytes.
 *
 * Both are pure functions of (text, len); text is not NUL-terminated here
 * (libFuzzer's buffer is exactly len bytes, so a read past it is caught).
 * Checked: a failure always says why and leaves the output zeroed; a success
 * gives a valid sample whose USS holds its private clean part.
 */
#include <string.h>

#include "fuzz.h"
#include "procmem.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	fuzz_quiet();
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *text = (const char *)data;
	const char *why = "unset";
	struct mem_sample s;
	static const struct mem_sample zero_sample;

	if (procmem_parse_smaps(text, size, &s, &why)) {
		FUZZ_CHECK(why != NULL && *why);
		FUZZ_CHECK(!memcmp(&s, &zero_sample, sizeof(s)));
	} else {
		FUZZ_CHECK(why == NULL);
		FUZZ_CHECK(s.valid == 1);
		FUZZ_CHECK(s.uss >= s.private_clean);
		FUZZ_CHECK(s.rss % 1024 == 0 && s.pss % 1024 == 0 && s.swap % 1024 == 0);
	}
	/* the same bytes without why: the NULL path must work too */
	struct mem_sample s2;
	(void)procmem_parse_smaps(text, size, &s2, NULL);
	FUZZ_CHECK(!memcmp(&s, &s2, sizeof(s)));

	struct proc_status st;
	static const struct proc_status zero_status;
	why = "unset";
	if (procmem_parse_status(text, size, &st, &why)) {
		FUZZ_CHECK(why != NULL && *why);
		FUZZ_CHECK(!memcmp(&st, &zero_status, sizeof(st)));
	} else {
		FUZZ_CHECK(why == NULL);
		FUZZ_CHECK(st.have_hwm || st.vm_hwm == 0);
		FUZZ_CHECK(st.have_rss_anon || st.rss_anon == 0);
	}
	return 0;
}
