/*
 * fuzz_protocol - the driver's reading of an agent's output (protocol.h).
 *
 * 1. proto_parse on the whole input as one line (exactly len bytes, not
 *    NUL-terminated), then the payload accessors.
 * 2. The input as a child's stdout: written into a pipe that struct chanio
 *    reads line by line, each line parsed as the runner does
 *    (proto_parse(line, strlen(line))).
 * 3. The input as a child's stderr: drained into the tail ring (its size
 *    taken from the input, small so that it wraps), then chanio_stderr_tail.
 * Checked: a failure says why and owns nothing; a success holds an object
 * payload and a phase exactly for phase lines; the tail is printable ASCII
 * and no longer than the ring, with at most max_lines lines.
 */
#include <fcntl.h>
#include <string.h>

#include "fuzz.h"
#include "results.h"
#include "protocol.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	fuzz_quiet();
	return 0;
}

static void check_line(const char *line, size_t len)
{
	struct proto_msg m;
	const char *why = NULL;
	if (proto_parse(line, len, &m, &why)) {
		FUZZ_CHECK(why != NULL && *why);
		FUZZ_CHECK(m.payload == NULL);
		return;
	}
	FUZZ_CHECK(cJSON_IsObject(m.payload));
	FUZZ_CHECK((m.verb == PROTO_PHASE) == (m.phase >= 0));
	FUZZ_CHECK(m.phase < PHASE_COUNT);
	long long v;
	const char *keys[] = { "phase", "reason", "getsizeof", "container_bytes", "note" };
	for (size_t i = 0; i < ARRAY_SIZE(keys); i++) {
		const char *s = proto_str(&m, keys[i]);
		if (s)
			(void)strlen(s);
		if (!proto_int(&m, keys[i], &v))
			FUZZ_CHECK(v >= -9000000000000000LL && v <= 9000000000000000LL);
	}
	proto_msg_release(&m);
	FUZZ_CHECK(m.payload == NULL);
}

/* A pipe holding as many bytes as it can take; returns how many fit. */
static size_t fill_pipe(int fds[2], const uint8_t *data, size_t size)
{
	if (pipe2(fds, O_CLOEXEC | O_NONBLOCK))
		abort();
	(void)fcntl(fds[1], F_SETPIPE_SZ, 1 << 16);
	size_t done = 0;
	while (done < size) {
		ssize_t n = write(fds[1], data + done, size - done);
		if (n <= 0)
			break; /* full: the rest is not fed */
		done += (size_t)n;
	}
	close(fds[1]);
	fds[1] = -1;
	return done;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	check_line((const char *)data, size);

	/* ring size and line limit from the input's ends: 0 means the default */
	size_t tail_size = size ? (size_t)(data[size - 1] ^ (size & 0xff)) % 97 : 0;
	int max_lines = size ? data[0] % 7 : 3;

	int out[2], err[2];
	size_t fed = fill_pipe(out, data, size);
	(void)fill_pipe(err, data, size);
	struct chanio ch;
	chanio_init(&ch, out[0], err[0], tail_size);

	size_t lines = 0, line_bytes = 0;
	double deadline = now_s() + 60;
	for (;;) {
		char *line = NULL;
		enum chan_result r = chanio_next_line(&ch, deadline, 0, &line);
		if (r == CHAN_LINE) {
			FUZZ_CHECK(line != NULL);
			lines++;
			line_bytes += strlen(line);
			check_line(line, strlen(line));
			free(line);
			continue;
		}
		FUZZ_CHECK(line == NULL);
		FUZZ_CHECK(r == CHAN_EOF);
		break;
	}
	/* every byte fed is in a line, a newline, or the unterminated rest */
	FUZZ_CHECK(ch.stdout_bytes == fed);
	FUZZ_CHECK(line_bytes + lines + ch.line.len <= fed);
	FUZZ_CHECK(memchr(data, '\n', fed) ? lines > 0 : lines == 0);

	chanio_drain(&ch);
	FUZZ_CHECK(ch.err_eof);
	char *tail = chanio_stderr_tail(&ch, max_lines);
	if (tail) {
		size_t newlines = 0, n = strlen(tail);
		FUZZ_CHECK(n <= ch.tail_size);
		for (size_t i = 0; i < n; i++) {
			unsigned char c = (unsigned char)tail[i];
			FUZZ_CHECK(c == '\n' || c == '\t' || (c >= 0x20 && c < 0x7f));
			newlines += c == '\n';
		}
		FUZZ_CHECK(newlines <= (size_t)(max_lines > 1 ? max_lines - 1 : 0));
		free(tail);
	} else {
		FUZZ_CHECK(ch.tail_len == 0);
	}
	chanio_release(&ch);
	close(out[0]);
	close(err[0]);
	return 0;
}
