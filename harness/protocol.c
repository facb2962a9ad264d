/* protocol.c - the driver's side of the agent protocol; see protocol.h. */
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "results.h"
#include "protocol.h"

static const struct {
	const char *name;
	enum proto_verb verb;
} verbs[] = {
	{ "phase", PROTO_PHASE }, { "done", PROTO_DONE }, { "skip", PROTO_SKIP },
	{ "error", PROTO_ERROR }, { "probe", PROTO_PROBE },
	{ "prepared", PROTO_PREPARED }, { "workload", PROTO_WORKLOAD },
	{ "views", PROTO_VIEWS },
};

int proto_parse(const char *line, size_t len, struct proto_msg *msg, const char **why)
{
	size_t plen = strlen(PROTO_PREFIX);
	memset(msg, 0, sizeof(*msg));
	msg->phase = -1;
	if (len && line[len - 1] == '\r')
		len--;
	if (len < plen || memcmp(line, PROTO_PREFIX, plen)) {
		*why = "not a protocol line (no 'OBJMEM/1 ' prefix)";
		return -1;
	}
	const char *p = line + plen, *end = line + len;
	const char *sp = memchr(p, ' ', (size_t)(end - p));
	if (!sp) {
		*why = "protocol line without a JSON payload";
		return -1;
	}
	size_t vlen = (size_t)(sp - p);
	int found = 0;
	for (size_t i = 0; i < ARRAY_SIZE(verbs); i++)
		if (strlen(verbs[i].name) == vlen && !memcmp(verbs[i].name, p, vlen)) {
			msg->verb = verbs[i].verb;
			found = 1;
		}
	if (!found) {
		*why = "unknown protocol verb";
		return -1;
	}
	const char *json = sp + 1;
	const char *parse_end = NULL;
	cJSON *payload = cJSON_ParseWithLengthOpts(json, (size_t)(end - json), &parse_end, 0);
	if (!payload) {
		*why = "protocol payload is not valid JSON";
		return -1;
	}
	while (parse_end && parse_end < end && (*parse_end == ' ' || *parse_end == '\t'))
		parse_end++;
	if (parse_end && parse_end < end && *parse_end) {
		cJSON_Delete(payload);
		*why = "junk after the protocol payload";
		return -1;
	}
	if (!cJSON_IsObject(payload)) {
		cJSON_Delete(payload);
		*why = "protocol payload is not a JSON object";
		return -1;
	}
	msg->payload = payload;
	if (msg->verb == PROTO_PHASE) {
		const cJSON *ph = cJSON_GetObjectItemCaseSensitive(payload, "phase");
		if (!cJSON_IsString(ph) || (msg->phase = phase_from_name(ph->valuestring)) < 0) {
			proto_msg_release(msg);
			*why = "phase line without a known phase";
			return -1;
		}
	}
	return 0;
}

/* Where a JSON text cut at len stands: inside a string value, and what is open around it. */
struct cut_state {
	char open[64];        /* '{' or '[' of every container around the cut */
	size_t depth;
	int in_string, is_value, want_key;
	size_t esc_at;        /* start of the escape the cut fell into, or 0 */
	int esc_left;         /* characters the escape still needs (\uXXXX: 5) */
	size_t last_esc_at;   /* start of the last complete \u escape */
	unsigned last_u;      /* its code unit */
};

static int cut_scan(const char *j, size_t len, struct cut_state *st)
{
	memset(st, 0, sizeof(*st));
	for (size_t i = 0; i < len; i++) {
		char ch = j[i];
		if (st->in_string) {
			if (st->esc_left) {
				if (st->esc_left-- == 5 && ch != 'u')
					st->esc_left = 0;   /* a one-letter escape */
				if (!st->esc_left && j[st->esc_at + 1] == 'u') {
					st->last_esc_at = st->esc_at;
					st->last_u = (unsigned)strtoul(j + st->esc_at + 2, NULL, 16);
				}
			} else if (ch == '\\') {
				st->esc_at = i;
				st->esc_left = 5;
			} else if (ch == '"') {
				st->in_string = 0;
			}
			continue;
		}
		if (ch == '"') {
			st->in_string = 1;
			st->is_value = !(st->depth && st->open[st->depth - 1] == '{' && st->want_key);
			st->last_esc_at = 0;
		} else if (ch == '{' || ch == '[') {
			if (st->depth == sizeof(st->open))
				return -1;
			st->open[st->depth++] = ch;
			st->want_key = ch == '{';
		} else if (ch == '}' || ch == ']') {
			if (!st->depth)
				return -1;
			st->depth--;
		} else if (ch == ',') {
			st->want_key = st->depth && st->open[st->depth - 1] == '{';
		} else if (ch == ':') {
			st->want_key = 0;
		}
	}
	return st->in_string && st->is_value ? 0 : -1;
}

int proto_salvage(const char *head, size_t len, struct proto_msg *msg, const char **why)
{
	memset(msg, 0, sizeof(*msg));
	msg->phase = -1;
	const char *sp = len > strlen(PROTO_PREFIX) ? memchr(head + strlen(PROTO_PREFIX), ' ',
							   len - strlen(PROTO_PREFIX)) : NULL;
	struct cut_state st;
	if (!sp || memcmp(head, PROTO_PREFIX, strlen(PROTO_PREFIX)) ||
	    cut_scan(sp + 1, len - (size_t)(sp + 1 - head), &st)) {
		*why = "a stdout line longer than 65536 bytes";
		return -1;
	}
	size_t cut = len;
	if (st.esc_left)
		cut = (size_t)(sp + 1 - head) + st.esc_at;
	else if (st.last_esc_at && st.last_u >= 0xD800 && st.last_u <= 0xDBFF &&
		 (size_t)(sp + 1 - head) + st.last_esc_at + 6 == len)
		cut = len - 6;   /* a high surrogate without its pair */
	/* a UTF-8 sequence the cut split: up to its lead byte */
	size_t k = cut;
	while (k > 0 && ((unsigned char)head[k - 1] & 0xC0) == 0x80)
		k--;
	if (k > 0 && (unsigned char)head[k - 1] >= 0xC0)
		cut = k - 1;
	struct buf b = BUF_INIT;
	buf_add(&b, head, cut);
	buf_addstr(&b, PROTO_TRUNCATED "\"");
	while (st.depth)
		buf_add(&b, st.open[--st.depth] == '{' ? "}" : "]", 1);
	int rc = proto_parse(b.p, b.len, msg, why);
	buf_release(&b);
	return rc;
}

void proto_msg_release(struct proto_msg *msg)
{
	cJSON_Delete(msg->payload);
	msg->payload = NULL;
}

const char *proto_str(const struct proto_msg *msg, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(msg->payload, key);
	return cJSON_IsString(v) ? v->valuestring : NULL;
}

int proto_int(const struct proto_msg *msg, const char *key, long long *out)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(msg->payload, key);
	if (!cJSON_IsNumber(v))
		return -1;
	double d = v->valuedouble;
	if (d != d || d < -9.0e15 || d > 9.0e15 || d != (double)(long long)d)
		return -1;
	*out = (long long)d;
	return 0;
}

void chanio_init(struct chanio *ch, int out_fd, int err_fd, size_t tail_size)
{
	memset(ch, 0, sizeof(*ch));
	ch->out_fd = out_fd;
	ch->err_fd = err_fd;
	ch->tail_size = tail_size ? tail_size : 4096;
	ch->tail = xmalloc(ch->tail_size);
	ch->out_eof = out_fd < 0;
	ch->err_eof = err_fd < 0;
}

void chanio_release(struct chanio *ch)
{
	buf_release(&ch->line);
	free(ch->tail);
	ch->tail = NULL;
}

static void tail_add(struct chanio *ch, const char *p, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		ch->tail[ch->tail_pos] = p[i];
		ch->tail_pos = (ch->tail_pos + 1) % ch->tail_size;
		if (ch->tail_len < ch->tail_size)
			ch->tail_len++;
	}
}

void chanio_drain(struct chanio *ch)
{
	char tmp[8192];
	while (!ch->err_eof) {
		ssize_t n = read(ch->err_fd, tmp, sizeof(tmp));
		if (n > 0) {
			ch->stderr_bytes += (size_t)n;
			tail_add(ch, tmp, (size_t)n);
			continue;
		}
		if (n == 0)
			ch->err_eof = 1;
		else if (errno == EINTR)
			continue;
		else if (errno != EAGAIN)
			ch->err_eof = 1;
		break;
	}
}

/* Take one complete line out of ch->line, if there is one. */
static int take_line(struct chanio *ch, char **line)
{
	char *nl = ch->line.len ? memchr(ch->line.p, '\n', ch->line.len) : NULL;
	if (!nl)
		return 0;
	size_t n = (size_t)(nl - ch->line.p);
	*line = xstrndup(ch->line.p, n);
	size_t rest = ch->line.len - n - 1;
	memmove(ch->line.p, nl + 1, rest);
	ch->line.len = rest;
	ch->line.p[rest] = '\0';
	return 1;
}

enum chan_result chanio_next_line(struct chanio *ch, double deadline, double idle_s, char **line)
{
	double idle_until = idle_s > 0 ? now_s() + idle_s : 0;
	*line = NULL;
	for (;;) {
		if (take_line(ch, line))
			return CHAN_LINE;
		if (ch->line.len > PROTO_MAX_LINE)
			return CHAN_TOO_LONG;
		if (ch->out_eof)
			return CHAN_EOF;
		double now = now_s();
		if (now >= deadline)
			return CHAN_TIMEOUT;
		if (idle_until && now >= idle_until)
			return CHAN_IDLE;
		double until = deadline;
		if (idle_until && idle_until < until)
			until = idle_until;
		int ms = (int)((until - now) * 1000.0) + 1;
		if (ms > 200)
			ms = 200; /* wake now and then: a stop request is checked by the caller */
		struct pollfd pfd[2] = {
			{ ch->out_fd, POLLIN, 0 },
			{ ch->err_eof ? -1 : ch->err_fd, POLLIN, 0 },
		};
		int r = poll(pfd, 2, ms);
		if (r < 0) {
			if (errno == EINTR)
				return CHAN_IDLE;
			return CHAN_ERROR;
		}
		if (pfd[1].revents)
			chanio_drain(ch);
		if (pfd[0].revents) {
			char tmp[8192];
			ssize_t n = read(ch->out_fd, tmp, sizeof(tmp));
			if (n > 0) {
				ch->stdout_bytes += (size_t)n;
				const char *keep = tmp;
				if (ch->skipping) {
					/* the rest of an overlong line, up to its newline */
					const char *nl = memchr(tmp, '\n', (size_t)n);
					ch->skipping = !nl;
					keep = nl ? nl + 1 : tmp + n;
				}
				buf_add(&ch->line, keep, (size_t)(tmp + n - keep));
			} else if (n == 0) {
				ch->out_eof = 1;
			} else if (errno != EAGAIN && errno != EINTR) {
				ch->out_eof = 1;
			}
		}
		if (r == 0 && idle_until)
			return CHAN_IDLE;
	}
}

int chanio_salvage(struct chanio *ch, struct proto_msg *msg, const char **why)
{
	size_t len = ch->line.len < PROTO_MAX_LINE ? ch->line.len : PROTO_MAX_LINE;
	int rc = proto_salvage(ch->line.p ? ch->line.p : "", len, msg, why);
	buf_reset(&ch->line);
	ch->skipping = 1;
	return rc;
}

char *chanio_stderr_tail(const struct chanio *ch, int max_lines)
{
	if (!ch->tail_len)
		return NULL;
	size_t start = (ch->tail_pos + ch->tail_size - ch->tail_len) % ch->tail_size;
	char *s = xmalloc(ch->tail_len + 1);
	for (size_t i = 0; i < ch->tail_len; i++)
		s[i] = ch->tail[(start + i) % ch->tail_size];
	size_t n = ch->tail_len;
	while (n && (s[n - 1] == '\n' || s[n - 1] == '\r'))
		n--;
	s[n] = '\0';
	/* keep the last max_lines lines */
	int lines = 0;
	size_t i = n;
	while (i > 0) {
		if (s[i - 1] == '\n' && ++lines >= max_lines)
			break;
		i--;
	}
	/*
	 * Control bytes and anything outside ASCII become '?': the tail goes
	 * into JSON, and a ring cut may split a UTF-8 sequence.
	 */
	char *out = xstrdup(s + i);
	free(s);
	for (char *p = out; *p; p++)
		if (((unsigned char)*p < 0x20 && *p != '\n' && *p != '\t') ||
		    (unsigned char)*p >= 0x7f)
			*p = '?';
	return out;
}

int proto_send(int fd, const char *s)
{
	size_t len = strlen(s);
	while (len) {
		ssize_t n = write(fd, s, len);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		s += n;
		len -= (size_t)n;
	}
	return 0;
}
