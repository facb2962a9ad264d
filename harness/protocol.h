/*
 * protocol.h - the driver's side of the agent protocol (README "Agent
 * protocol"): the child writes one line per event on its stdout,
 *     OBJMEM/1 <verb> <compact JSON object>
 * and waits on stdin for "go" after each phase.
 *
 * Owns: parsing one line (pure, never trusting it), and struct chanio, which
 * reads the child's stdout line by line while draining its stderr into a
 * bounded tail, with a deadline, so a child that floods either pipe or says
 * nothing cannot block or exhaust the driver.
 *
 * A line longer than PROTO_MAX_LINE is not read whole. When its first bytes
 * are a message whose last field is a long string (an exception message, a
 * note, a skip reason), the message is kept with that string cut and marked
 * (PROTO_TRUNCATED), and the rest of the line is skipped as it arrives;
 * anything else is a protocol error.
 */
#ifndef OBJMEM_PROTOCOL_H
#define OBJMEM_PROTOCOL_H

#include <stddef.h>
#include <cjson/cJSON.h>

#include "util.h"

#define PROTO_PREFIX "OBJMEM/1 "
#define PROTO_MAX_LINE 65536
/* The mark a string cut by proto_salvage ends with ("\u2026" is an ellipsis). */
#define PROTO_TRUNCATED "\u2026 [truncated: the line is longer than 65536 bytes]"

enum proto_verb {
	PROTO_PHASE, PROTO_DONE, PROTO_SKIP, PROTO_ERROR, PROTO_PROBE,
	PROTO_PREPARED, PROTO_WORKLOAD, PROTO_VIEWS
};

struct proto_msg {
	enum proto_verb verb;
	cJSON *payload;   /* owned; always a JSON object */
	int phase;        /* enum phase for PROTO_PHASE, else -1 */
};

/*
 * Parse one line (without its newline). Returns 0, or -1 with *why set to a
 * static message. On success the caller releases msg with proto_msg_release.
 */
int proto_parse(const char *line, size_t len, struct proto_msg *msg, const char **why);
void proto_msg_release(struct proto_msg *msg);
/* A string field of the payload, or NULL. */
const char *proto_str(const struct proto_msg *msg, const char *key);
/* An integer field of the payload; returns 0 and sets *out, or -1. */
int proto_int(const struct proto_msg *msg, const char *key, long long *out);

/*
 * The message at the start of an overlong line (len bytes of it, no
 * newline), when those bytes end inside a string value: the string is
 * closed with PROTO_TRUNCATED, and so are the objects and arrays around it.
 * 0 with msg set (release it), or -1 with *why. Pure.
 */
int proto_salvage(const char *head, size_t len, struct proto_msg *msg, const char **why);

/* Reads lines from out_fd and drains err_fd; the caller owns both fds. */
struct chanio {
	int out_fd, err_fd;
	struct buf line;       /* partial stdout line */
	int skipping;          /* discarding the rest of an overlong line */
	char *tail;            /* ring of the last stderr bytes */
	size_t tail_size, tail_len, tail_pos;
	size_t stdout_bytes, stderr_bytes;
	int out_eof, err_eof;
};

void chanio_init(struct chanio *ch, int out_fd, int err_fd, size_t tail_size);
void chanio_release(struct chanio *ch);

enum chan_result {
	CHAN_LINE = 1,     /* *line holds a malloc'ed line without newline */
	CHAN_EOF = 0,      /* stdout closed */
	CHAN_TIMEOUT = -2, /* deadline passed */
	CHAN_IDLE = -3,    /* nothing yet, idle_s passed (caller polls and calls again) */
	CHAN_TOO_LONG = -4,/* a line longer than PROTO_MAX_LINE */
	CHAN_ERROR = -1
};

/*
 * Wait for the next stdout line until the monotonic deadline, returning
 * CHAN_IDLE every idle_s seconds (<= 0: never) so the caller can do work.
 */
enum chan_result chanio_next_line(struct chanio *ch, double deadline, double idle_s, char **line);
/*
 * After CHAN_TOO_LONG: proto_salvage the buffered start of the line, and
 * skip the rest of it as it arrives, so the next call reads the next line.
 * 0 with msg set, or -1 with *why (the line stays a protocol error).
 */
int chanio_salvage(struct chanio *ch, struct proto_msg *msg, const char **why);
/* Drain what stderr has now without waiting. */
void chanio_drain(struct chanio *ch);
/* The last lines of stderr (at most max_lines), malloc'ed; NULL if empty. */
char *chanio_stderr_tail(const struct chanio *ch, int max_lines);

/* Write all of s to fd (EPIPE is an error, not a signal). */
int proto_send(int fd, const char *s);

#endif
