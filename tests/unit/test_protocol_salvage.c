/*
 * test_protocol_salvage.c - protocol.c on lines longer than PROTO_MAX_LINE:
 * proto_salvage keeps the message an overlong line starts when the cut falls
 * in a string value (the long reason, note or description), with the string
 * cut where no escape, surrogate pair or UTF-8 sequence is split and marked
 * PROTO_TRUNCATED; anything else stays a protocol error. And chanio through
 * a real pipe: an overlong error line is salvaged, its rest skipped, and
 * the next line read as a line of its own.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "protocol.h"
#include "results.h"
#include "unit.h"

/* The mark as the parsed string holds it: the ellipsis in UTF-8. */
#define MARK "\xe2\x80\xa6 [truncated: the line is longer than 65536 bytes]"

static const struct salvage_case {
	const char *head;       /* the start of an overlong line, as buffered */
	int ok;
	enum proto_verb verb;
	const char *key;        /* the string field to check */
	const char *want;       /* its value, MARK appended where the cut was */
} salvage_cases[] = {
	{ "OBJMEM/1 error {\"reason\":\"ValueError: xxxx", 1, PROTO_ERROR, "reason",
	  "ValueError: xxxx" MARK },
	{ "OBJMEM/1 skip {\"reason\":\"needs", 1, PROTO_SKIP, "reason", "needs" MARK },
	/* the note of a base line: the fields before it are kept */
	{ "OBJMEM/1 phase {\"phase\":\"base\",\"getsizeof\":56,\"note\":\"recordclass ",
	  1, PROTO_PHASE, "note", "recordclass " MARK },
	/* cut inside an escape: back to before it */
	{ "OBJMEM/1 error {\"reason\":\"a\\", 1, PROTO_ERROR, "reason", "a" MARK },
	{ "OBJMEM/1 error {\"reason\":\"a\\u20", 1, PROTO_ERROR, "reason", "a" MARK },
	{ "OBJMEM/1 error {\"reason\":\"a\\n\\u00e9", 1, PROTO_ERROR, "reason",
	  "a\n\xc3\xa9" MARK },
	/* a high surrogate whose pair was cut off */
	{ "OBJMEM/1 error {\"reason\":\"a\\ud83d", 1, PROTO_ERROR, "reason", "a" MARK },
	{ "OBJMEM/1 error {\"reason\":\"a\\ud83d\\ude00", 1, PROTO_ERROR, "reason",
	  "a\xf0\x9f\x98\x80" MARK },
	/* raw UTF-8 cut in a sequence */
	{ "OBJMEM/1 error {\"reason\":\"b\xc3", 1, PROTO_ERROR, "reason", "b" MARK },
	{ "OBJMEM/1 error {\"reason\":\"b\xe2\x80", 1, PROTO_ERROR, "reason", "b" MARK },
	/* inside an array in an object */
	{ "OBJMEM/1 workload {\"name\":\"w\",\"tags\":[\"a\",\"bbb", 1, PROTO_WORKLOAD, "name", "w" },
	/* not salvageable: a key, a number, between fields, not a protocol line */
	{ "OBJMEM/1 error {\"reas", 0, 0, NULL, NULL },
	{ "OBJMEM/1 phase {\"phase\":\"base\",\"getsizeof\":5656", 0, 0, NULL, NULL },
	{ "OBJMEM/1 error {\"reason\":\"x\",", 0, 0, NULL, NULL },
	{ "OBJMEM/1 error {\"reason\":\"x\"}", 0, 0, NULL, NULL },
	{ "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx", 0, 0, NULL, NULL },
	{ "OBJMEM/1 error", 0, 0, NULL, NULL },
	{ "OBJMEM/1 dance {\"reason\":\"x", 0, 0, NULL, NULL },
	{ "OBJMEM/1 phase {\"phase\":\"bas", 0, 0, NULL, NULL },
	{ "", 0, 0, NULL, NULL },
};

static void test_salvage_table(void)
{
	for (size_t i = 0; i < ARRAY_SIZE(salvage_cases); i++) {
		const struct salvage_case *t = &salvage_cases[i];
		struct proto_msg m;
		const char *why = NULL;
		int rc = proto_salvage(t->head, strlen(t->head), &m, &why);
		if (!t->ok) {
			if (rc == 0)
				fprintf(stderr, "\n  salvaged what is no message: '%s'\n", t->head);
			CU_ASSERT_EQUAL(rc, -1);
			CU_ASSERT_PTR_NOT_NULL(why);
			if (!rc)
				proto_msg_release(&m);
			continue;
		}
		if (rc)
			fprintf(stderr, "\n  not salvaged: '%s': %s\n", t->head, why ? why : "?");
		CU_ASSERT_EQUAL_FATAL(rc, 0);
		CU_ASSERT_EQUAL(m.verb, t->verb);
		const char *got = proto_str(&m, t->key);
		CU_ASSERT_STRING_EQUAL(got ? got : "(none)", t->want);
		proto_msg_release(&m);
	}
}

/* A base line cut in its note keeps the numbers and the phase. */
static void test_salvage_base_fields(void)
{
	const char *head = "OBJMEM/1 phase {\"phase\":\"base\",\"getsizeof\":56,"
			   "\"container_bytes\":8056,\"note\":\"n";
	struct proto_msg m;
	const char *why = NULL;
	CU_ASSERT_EQUAL_FATAL(proto_salvage(head, strlen(head), &m, &why), 0);
	long long v = 0;
	CU_ASSERT_EQUAL(m.phase, PHASE_BASE);
	CU_ASSERT(proto_int(&m, "getsizeof", &v) == 0 && v == 56);
	CU_ASSERT(proto_int(&m, "container_bytes", &v) == 0 && v == 8056);
	proto_msg_release(&m);
}

struct writer {
	int fd;
	size_t n;   /* bytes of 'x' in the reason */
};

static void *write_lines(void *arg)
{
	struct writer *w = arg;
	struct buf b = BUF_INIT;
	buf_addstr(&b, "OBJMEM/1 error {\"reason\":\"ValueError: ");
	for (size_t i = 0; i < w->n; i++)
		buf_add(&b, "x", 1);
	buf_addstr(&b, "\"}\nOBJMEM/1 done {}\n");
	for (size_t off = 0; off < b.len; ) {
		ssize_t k = write(w->fd, b.p + off, b.len - off);
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			break;
		off += (size_t)k;
	}
	buf_release(&b);
	close(w->fd);
	return NULL;
}

/*
 * A 1 MB error line through a pipe: CHAN_TOO_LONG, salvaged as an error
 * whose reason is cut near PROTO_MAX_LINE; then the line after it.
 */
static void test_chanio_overlong(void)
{
	int p[2];
	CU_ASSERT_FATAL(pipe2(p, O_CLOEXEC) == 0);
	fcntl(p[0], F_SETFL, O_NONBLOCK);
	struct writer w = { p[1], 1000000 };
	pthread_t th;
	CU_ASSERT_FATAL(pthread_create(&th, NULL, write_lines, &w) == 0);
	struct chanio ch;
	chanio_init(&ch, p[0], -1, 1024);
	char *line = NULL;
	enum chan_result r = chanio_next_line(&ch, now_s() + 10, 0, &line);
	CU_ASSERT_EQUAL_FATAL(r, CHAN_TOO_LONG);
	struct proto_msg m;
	const char *why = NULL;
	CU_ASSERT_EQUAL_FATAL(chanio_salvage(&ch, &m, &why), 0);
	CU_ASSERT_EQUAL(m.verb, PROTO_ERROR);
	const char *reason = proto_str(&m, "reason");
	CU_ASSERT_PTR_NOT_NULL_FATAL(reason);
	size_t len = strlen(reason);
	CU_ASSERT(len > 60000 && len <= PROTO_MAX_LINE + strlen(MARK));
	CU_ASSERT(!strncmp(reason, "ValueError: xxx", 15));
	CU_ASSERT(len >= strlen(MARK) && !strcmp(reason + len - strlen(MARK), MARK));
	proto_msg_release(&m);
	/* the rest of the long line is skipped; the next one is read whole */
	r = chanio_next_line(&ch, now_s() + 10, 0, &line);
	CU_ASSERT_EQUAL(r, CHAN_LINE);
	CU_ASSERT_STRING_EQUAL(line ? line : "(none)", "OBJMEM/1 done {}");
	free(line);
	r = chanio_next_line(&ch, now_s() + 10, 0, &line);
	CU_ASSERT_EQUAL(r, CHAN_EOF);
	pthread_join(th, NULL);
	chanio_release(&ch);
	close(p[0]);
}

static const struct unit_test salvage_tests[] = {
	{ "the message an overlong line starts", test_salvage_table },
	{ "a base line cut in its note keeps its numbers", test_salvage_base_fields },
	{ "a 1 MB line through chanio, then the next line", test_chanio_overlong },
};

int main(int argc, char **argv)
{
	(void)argc;
	const struct unit_suite suites[] = { UNIT_SUITE("proto_salvage", salvage_tests) };
	return unit_main(argv[0], suites, ARRAY_SIZE(suites));
}
