/* jsonutil.c - JSON parsing with located errors; see jsonutil.h. */
#include <stdio.h>
#include <string.h>

#include "jsonutil.h"
#include "util.h"

void json_offset_position(const char *text, size_t off, int *line, int *col)
{
	*line = 1;
	*col = 1;
	for (size_t i = 0; i < off && text[i]; i++) {
		if (text[i] == '\n') {
			(*line)++;
			*col = 1;
		} else {
			(*col)++;
		}
	}
}

cJSON *json_parse_located(const char *text, size_t len, const char *what)
{
	const char *end = NULL;
	cJSON *v = cJSON_ParseWithLengthOpts(text, len, &end, 0);
	if (v) {
		/* only white space may follow */
		size_t off = (size_t)(end - text);
		while (off < len && strchr(" \t\r\n", text[off]))
			off++;
		if (off < len && text[off]) {
			int line, col;
			json_offset_position(text, off, &line, &col);
			cJSON_Delete(v);
			error("%s:%d:%d: invalid JSON: unexpected text after the value", what, line, col);
			return NULL;
		}
		return v;
	}
	const char *at = cJSON_GetErrorPtr();
	size_t off = (at && at >= text && at <= text + len) ? (size_t)(at - text) : len;
	int line, col;
	json_offset_position(text, off, &line, &col);
	size_t rest = len - off;
	while (rest && strchr(" \t\r\n", text[len - rest]))
		rest--;
	if (len == 0 || rest == 0)
		error("%s:%d:%d: invalid JSON: unexpected end of file (is the file truncated or empty?)",
		      what, line, col);
	else /* text need not be NUL-terminated: at most 20 bytes, none past len */
		error("%s:%d:%d: invalid JSON near '%.*s'", what, line, col,
		      (int)(rest < 20 ? rest : 20), text + off);
	return NULL;
}

cJSON *json_u64(unsigned long long v)
{
	/* exact below 2^53; cJSON prints integral doubles without exponent up to 1e15 */
	return cJSON_CreateNumber((double)v);
}
