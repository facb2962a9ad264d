/* test_protocol.c - the agent protocol parser and the line reader. */
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "results.h"
#include "protocol.h"
#include "unit.h"

static const struct {
	const char *line;
	int ok;
	enum proto_verb verb;
	int phase;
	const char *why; /* fragment of the error */
} parse_cases[] = {
	{ "OBJMEM/1 phase {\"phase\":\"start\"}", 1, PROTO_PHASE, PHASE_START, NULL },
	{ "OBJMEM/1 phase {\"phase\":\"base\",\"getsizeof\":56}", 1, PROTO_PHASE, PHASE_BASE, NULL },
	{ "OBJMEM/1 phase {\"phase\":\"freed\"}\r", 1, PROTO_PHASE, PHASE_FREED, NULL },
	{ "OBJMEM/1 done {}", 1, PROTO_DONE, -1, NULL },
	{ "OBJMEM/1 skip {\"reason\":\"no\"}", 1, PROTO_SKIP, -1, NULL },
	{ "OBJMEM/1 error {\"reason\":\"ValueError: x\"}", 1, PROTO_ERROR, -1, NULL },
	{ "OBJMEM/1 probe {\"version\":\"3.12.1\"}", 1, PROTO_PROBE, -1, NULL },
	{ "OBJMEM/1 done {}   ", 1, PROTO_DONE, -1, NULL },
	{ "", 0, 0, 0, "not a protocol line" },
	{ "hello", 0, 0, 0, "not a protocol line" },
	{ "objmem/1 done {}", 0, 0, 0, "not a protocol line" },
	{ "OBJMEM/2 done {}", 0, 0, 0, "not a protocol line" },
	{ "OBJMEM/1 done", 0, 0, 0, "without a JSON payload" },
	{ "OBJMEM/1 dance {}", 0, 0, 0, "unknown protocol verb" },
	{ "OBJMEM/1 phase {\"phase\": }", 0, 0, 0, "not valid JSON" },
	{ "OBJMEM/1 phase {\"phase\":\"full\"} trailing", 0, 0, 0, "junk after" },
	{ "OBJMEM/1 phase [1,2]", 0, 0, 0, "not a JSON object" },
	{ "OBJMEM/1 phase {\"phase\":\"middle\"}", 0, 0, 0, "known phase" },
	{ "OBJMEM/1 phase {\"phase\":3}", 0, 0, 0, "known phase" },
	{ "OBJMEM/1 phase {}", 0, 0, 0, "known phase" },
};

static void test_parse_table(void)
{
	for (size_t i = 0; i < sizeof(parse_cases) / sizeof(parse_cases[0]); i++) {
		struct proto_msg m;
		const char *why = NULL;
		const char *line = parse_cases[i].line;
		int rc = proto_parse(line, strlen(line), &m, &why);
		if (parse_cases[i].ok) {
			CU_ASSERT_EQUAL_FATAL(rc, 0);
			CU_ASSERT_EQUAL(m.verb, parse_cases[i].verb);
			CU_ASSERT_EQUAL(m.phase, parse_cases[i].phase);
			proto_msg_release(&m);
		} else {
			CU_ASSERT_EQUAL(rc, -1);
			CU_ASSERT_PTR_NOT_NULL_FATAL(why);
			CU_ASSERT_PTR_NOT_NULL(strstr(why, parse_cases[i].why));
		}
	}
}

static void test_fields(void)
{
	const char *line = "OBJMEM/1 phase {\"phase\":\"base\",\"getsizeof\":56,\"container_bytes\":8000056,"
			   "\"note\":\"n\",\"frac\":1.5,\"big\":1e300}";
	struct proto_msg m;
	const char *why;
	CU_ASSERT_EQUAL_FATAL(proto_parse(line, strlen(line), &m, &why), 0);
	long long v = 0;
	CU_ASSERT_EQUAL(proto_int(&m, "getsizeof", &v), 0);
	CU_ASSERT_EQUAL(v, 56);
	CU_ASSERT_EQUAL(proto_int(&m, "container_bytes", &v), 0);
	CU_ASSERT_EQUAL(v, 8000056);
	CU_ASSERT_EQUAL(proto_int(&m, "frac", &v), -1);
	CU_ASSERT_EQUAL(proto_int(&m, "big", &v), -1);
	CU_ASSERT_EQUAL(proto_int(&m, "note", &v), -1);
	CU_ASSERT_EQUAL(proto_int(&m, "absent", &v), -1);
	CU_ASSERT_STRING_EQUAL(proto_str(&m, "note"), "n");
	CU_ASSERT_PTR_NULL(proto_str(&m, "getsizeof"));
	proto_msg_release(&m);
}

/* The reader splits lines across reads, drains stderr and bounds lines. */
static void test_chanio(void)
{
	int out[2], err[2];
	CU_ASSERT_EQUAL_FATAL(pipe2(out, O_NONBLOCK), 0);
	CU_ASSERT_EQUAL_FATAL(pipe2(err, O_NONBLOCK), 0);
	struct chanio ch;
	chanio_init(&ch, out[0], err[0], 64);
	CU_ASSERT(write(out[1], "first li", 8) == 8);
	CU_ASSERT(write(err[1], "line one\nline two\nthe last line\n", 32) == 32);
	char *line = NULL;
	CU_ASSERT_EQUAL(chanio_next_line(&ch, now_s() + 0.05, 0, &line), CHAN_TIMEOUT);
	CU_ASSERT(write(out[1], "ne\nsecond\n", 10) == 10);
	CU_ASSERT_EQUAL_FATAL(chanio_next_line(&ch, now_s() + 1, 0, &line), CHAN_LINE);
	CU_ASSERT_STRING_EQUAL(line, "first line");
	free(line);
	CU_ASSERT_EQUAL_FATAL(chanio_next_line(&ch, now_s() + 1, 0, &line), CHAN_LINE);
	CU_ASSERT_STRING_EQUAL(line, "second");
	free(line);
	chanio_drain(&ch);
	char *tail = chanio_stderr_tail(&ch, 2);
	CU_ASSERT_STRING_EQUAL(tail, "line two\nthe last line");
	free(tail);
	/* an endless line is cut off, not buffered without end */
	char big[8192];
	memset(big, 'x', sizeof(big));
	enum chan_result r = CHAN_TIMEOUT;
	for (int i = 0; i < 20 && r != CHAN_TOO_LONG; i++) {
		ssize_t w = write(out[1], big, sizeof(big));
		(void)w;
		r = chanio_next_line(&ch, now_s() + 0.2, 0.01, &line);
	}
	CU_ASSERT_EQUAL(r, CHAN_TOO_LONG);
	close(out[1]);
	close(err[1]);
	chanio_release(&ch);
	close(out[0]);
	close(err[0]);
}

static void test_eof(void)
{
	int out[2];
	CU_ASSERT_EQUAL_FATAL(pipe2(out, O_NONBLOCK), 0);
	struct chanio ch;
	chanio_init(&ch, out[0], -1, 0);
	CU_ASSERT(write(out[1], "partial", 7) == 7);
	close(out[1]);
	char *line = NULL;
	CU_ASSERT_EQUAL(chanio_next_line(&ch, now_s() + 1, 0, &line), CHAN_EOF);
	CU_ASSERT_PTR_NULL(line);
	CU_ASSERT_PTR_NULL(chanio_stderr_tail(&ch, 3));
	chanio_release(&ch);
	close(out[0]);
}

static const struct unit_test tests[] = {
	{ "parse table", test_parse_table },
	{ "payload fields", test_fields },
	{ "line reader", test_chanio },
	{ "eof", test_eof },
};

int main(int argc, char **argv)
{
	(void)argc;
	const struct unit_suite suites[] = { UNIT_SUITE("protocol", tests) };
	return unit_main(argv[0], suites, 1);
}
