/*
 * mdhtml.c - the small Markdown-to-HTML conversion that makes report.html
 * from report.md; see mdhtml.h.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "mdhtml.h"

void html_escape(struct buf *out, const char *s, size_t n)
{
	buf_add(out, "", 0);
	for (size_t i = 0; i < n; i++) {
		switch (s[i]) {
		case '&': buf_addstr(out, "&amp;"); break;
		case '<': buf_addstr(out, "&lt;"); break;
		case '>': buf_addstr(out, "&gt;"); break;
		case '"': buf_addstr(out, "&quot;"); break;
		case '\'': buf_addstr(out, "&#39;"); break;
		case '\0': break;
		default: buf_add(out, s + i, 1);
		}
	}
}

static void html_str(struct buf *out, const char *s)
{
	html_escape(out, s, strlen(s));
}

/* ------------------------------------------------- Markdown into HTML */

static int is_md_punct(char c)
{
	return c && strchr("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~", c);
}

/* An anchor name objmem writes: lower-case letters, digits and '-', at most 64. */
static int is_anchor(const char *s, size_t n)
{
	if (!n || n > 64)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') || s[i] == '-'))
			return 0;
	return 1;
}

static void inline_html(struct buf *out, const char *s, size_t n);

/*
 * A link to a place in the page, "[text](#anchor)", at s (which starts with
 * '['): its length, or 0 when it is not one. Links that leave the page are
 * not made: the report stays offline, and the text shows as it is.
 */
static size_t anchor_link(struct buf *out, const char *s, size_t n)
{
	const char *close = memchr(s, ']', n);
	if (!close || (size_t)(close - s) + 2 >= n || strncmp(close, "](#", 3))
		return 0;
	const char *id = close + 3, *end = memchr(id, ')', n - (size_t)(id - s));
	if (!end || !is_anchor(id, (size_t)(end - id)))
		return 0;
	buf_addstr(out, "<a href=\"#");
	buf_add(out, id, (size_t)(end - id));
	buf_addstr(out, "\">");
	inline_html(out, s + 1, (size_t)(close - s - 1));
	buf_addstr(out, "</a>");
	return (size_t)(end - s) + 1;
}

/* Inline Markdown: backslash escapes, `code`, **bold**, [links](#in-page); the rest is text. */
static void inline_html(struct buf *out, const char *s, size_t n)
{
	size_t i = 0, start = 0;
	int bold = 0;
	while (i < n) {
		if (s[i] == '[') {
			html_escape(out, s + start, i - start);
			size_t link = anchor_link(out, s + i, n - i);
			start = i;
			i += link ? link : 1;
			if (link)
				start = i;
		} else if (s[i] == '\\' && i + 1 < n && is_md_punct(s[i + 1])) {
			html_escape(out, s + start, i - start);
			html_escape(out, s + i + 1, 1);
			i += 2;
			start = i;
		} else if (s[i] == '`') {
			const char *end = memchr(s + i + 1, '`', n - i - 1);
			if (!end) {
				i++;
				continue;
			}
			html_escape(out, s + start, i - start);
			buf_addstr(out, "<code>");
			html_escape(out, s + i + 1, (size_t)(end - (s + i + 1)));
			buf_addstr(out, "</code>");
			i = (size_t)(end - s) + 1;
			start = i;
		} else if (s[i] == '*' && i + 1 < n && s[i + 1] == '*') {
			html_escape(out, s + start, i - start);
			buf_addstr(out, bold ? "</strong>" : "<strong>");
			bold = !bold;
			i += 2;
			start = i;
		} else {
			i++;
		}
	}
	html_escape(out, s + start, n - start);
	if (bold)
		buf_addstr(out, "</strong>");
}

static void inline_str(struct buf *out, const char *s)
{
	inline_html(out, s, strlen(s));
}

/* Cells of a table row "| a | b \| c |": trimmed, escapes kept. */
static void split_row(const char *line, struct strvec *cells)
{
	const char *p = line;
	while (*p == ' ')
		p++;
	if (*p == '|')
		p++;
	while (*p) {
		const char *q = p;
		while (*q && !(*q == '|' && (q == p || q[-1] != '\\')))
			q++;
		if (!*q && q == p)
			break;
		const char *a = p, *b = q;
		while (a < b && *a == ' ')
			a++;
		while (b > a && (b[-1] == ' ' || b[-1] == '\r'))
			b--;
		if (*q || b > a) {
			char *cell = xstrndup(a, (size_t)(b - a));
			strvec_push_nodup(cells, cell);
		}
		if (!*q)
			break;
		p = q + 1;
		/* a row ends with its last '|' */
		const char *rest = p;
		while (*rest == ' ' || *rest == '\r')
			rest++;
		if (!*rest)
			break;
	}
}

static int is_align_row(const struct strvec *cells)
{
	if (!cells->n)
		return 0;
	for (size_t i = 0; i < cells->n; i++) {
		const char *c = cells->v[i];
		if (!*c || strspn(c, "-: ") != strlen(c) || !strchr(c, '-'))
			return 0;
	}
	return 1;
}

static void table_html(struct buf *out, char **lines, size_t n)
{
	struct strvec head = STRVEC_INIT, align = STRVEC_INIT;
	split_row(lines[0], &head);
	size_t first = 1;
	if (n > 1) {
		split_row(lines[1], &align);
		if (is_align_row(&align))
			first = 2;
		else
			strvec_clear(&align);
	}
	buf_addstr(out, "<div class=\"wide\"><table>\n<thead><tr>");
	for (size_t i = 0; i < head.n; i++) {
		const char *a = i < align.n ? align.v[i] : "";
		size_t al = strlen(a);
		int right = al && a[al - 1] == ':' && a[0] != ':';
		buf_addstr(out, right ? "<th class=\"r\">" : "<th>");
		inline_str(out, head.v[i]);
		buf_addstr(out, "</th>");
	}
	buf_addstr(out, "</tr></thead>\n<tbody>\n");
	for (size_t r = first; r < n; r++) {
		struct strvec cells = STRVEC_INIT;
		split_row(lines[r], &cells);
		buf_addstr(out, "<tr>");
		for (size_t i = 0; i < cells.n; i++) {
			const char *a = i < align.n ? align.v[i] : "";
			size_t al = strlen(a);
			int right = al && a[al - 1] == ':' && a[0] != ':';
			int center = al > 1 && a[al - 1] == ':' && a[0] == ':';
			buf_addstr(out, right ? "<td class=\"r\">" : center ? "<td class=\"c\">" : "<td>");
			inline_str(out, cells.v[i]);
			buf_addstr(out, "</td>");
		}
		buf_addstr(out, "</tr>\n");
		strvec_clear(&cells);
	}
	buf_addstr(out, "</tbody></table></div>\n");
	strvec_clear(&head);
	strvec_clear(&align);
}

/* Does s start with token at i? */
static int at(const char *s, size_t i, const char *token)
{
	return !strncmp(s + i, token, strlen(token));
}

char *md_inline_svg(const char *svg, const char *prefix, const char *label)
{
	const char *start = strstr(svg, "<svg");
	if (!start)
		return NULL;
	for (const char *p = svg; *p; p++)
		if (*p == '<' && (!strncasecmp(p, "<script", 7) || !strncasecmp(p, "<foreignobject", 14)))
			return NULL;
	struct buf out = BUF_INIT;
	buf_addstr(&out, "<svg role=\"img\" aria-label=\"");
	html_str(&out, label);
	buf_addstr(&out, "\"");
	/* no size of its own here: the page's CSS scales it to the width */
	size_t i = (size_t)(start - svg) + 4, from = i;
	static const char *const tokens[] = { " id='", " id=\"", "url(#", "href='#", "href=\"#" };
	while (svg[i]) {
		size_t k;
		for (k = 0; k < ARRAY_SIZE(tokens) && !at(svg, i, tokens[k]); k++)
			;
		if (k == ARRAY_SIZE(tokens)) {
			i++;
			continue;
		}
		size_t len = strlen(tokens[k]);
		buf_add(&out, svg + from, i + len - from);
		buf_addstr(&out, prefix);
		i += len;
		from = i;
	}
	buf_addstr(&out, svg + from);
	return buf_detach(&out);
}

/* A line holding only ![alt](file): alt and file, or 0. */
static int image_line(const char *line, char **alt, char **file)
{
	const char *p = line;
	while (*p == ' ')
		p++;
	if (strncmp(p, "![", 2))
		return 0;
	const char *a = p + 2, *ae = strstr(a, "](");
	if (!ae)
		return 0;
	const char *f = ae + 2, *fe = strchr(f, ')');
	if (!fe || fe[1 + strspn(fe + 1, " \r")])
		return 0;
	/* the alt text may hold escapes: keep them, inline_html undoes them */
	*alt = xstrndup(a, (size_t)(ae - a));
	*file = xstrndup(f, (size_t)(fe - f));
	return 1;
}

static void figure_html(struct buf *out, const char *alt, const char *file, const char *figdir,
			unsigned *n_fig)
{
	/* only plain file names next to the report: nothing else is read */
	int plain = *file && !strchr(file, '/') && strcmp(file, "..") && strlen(file) > 4 &&
		    !strcmp(file + strlen(file) - 4, ".svg");
	struct buf text = BUF_INIT;
	char *svg = NULL;
	if (plain) {
		char *path = xasprintf("%s/%s", figdir, file);
		if (access(path, R_OK) == 0 && read_file(path, 64u << 20, &text) == 0) {
			char prefix[32];
			snprintf(prefix, sizeof(prefix), "f%u-", ++*n_fig);
			/* the alt text without its Markdown escapes; inline_svg escapes it */
			struct buf raw = BUF_INIT;
			for (const char *p = alt; *p; p++) {
				if (*p == '\\' && is_md_punct(p[1]))
					p++;
				buf_add(&raw, p, 1);
			}
			svg = md_inline_svg(text.p, prefix, raw.p ? raw.p : "");
			buf_release(&raw);
		}
		free(path);
	}
	if (svg) {
		buf_addstr(out, "<figure>\n");
		buf_addstr(out, svg);
		buf_addstr(out, "\n</figure>\n");
	} else {
		buf_addstr(out, "<p class=\"missing\">figure not available: ");
		html_str(out, file);
		buf_addstr(out, "</p>\n");
	}
	free(svg);
	buf_release(&text);
}

/* "Title {#anchor}" as <hN id="anchor">Title</hN>; without a valid anchor, no id. */
static void heading_html(struct buf *out, size_t level, const char *text)
{
	size_t n = strlen(text);
	while (n && (text[n - 1] == ' ' || text[n - 1] == '\r'))
		n--;
	const char *open = n >= 4 && text[n - 1] == '}' ? strstr(text, " {#") : NULL;
	while (open && strstr(open + 1, " {#"))
		open = strstr(open + 1, " {#");
	if (open && is_anchor(open + 3, (size_t)(text + n - 1 - (open + 3)))) {
		buf_addf(out, "<h%zu id=\"", level);
		buf_add(out, open + 3, (size_t)(text + n - 1 - (open + 3)));
		buf_addstr(out, "\">");
		inline_html(out, text, (size_t)(open - text));
	} else {
		buf_addf(out, "<h%zu>", level);
		inline_html(out, text, n);
	}
	buf_addf(out, "</h%zu>\n", level);
}

struct html_state {
	struct buf *out;
	struct buf para;
	int in_list, in_cards, in_card;
};

static void close_para(struct html_state *st)
{
	if (st->para.len) {
		buf_addstr(st->out, "<p>");
		inline_html(st->out, st->para.p, st->para.len);
		buf_addstr(st->out, "</p>\n");
		buf_reset(&st->para);
	}
}

static void close_list(struct html_state *st)
{
	if (st->in_list) {
		buf_addstr(st->out, "</ul>\n");
		st->in_list = 0;
	}
}

static void close_cards(struct html_state *st, int cards_too)
{
	if (st->in_card) {
		buf_addstr(st->out, "</section>\n");
		st->in_card = 0;
	}
	if (cards_too && st->in_cards) {
		buf_addstr(st->out, "</div>\n");
		st->in_cards = 0;
	}
}

void md_to_html(const char *md, const char *figdir, struct buf *out)
{
	struct strvec lines = STRVEC_INIT;
	for (const char *p = md; *p;) {
		const char *nl = strchr(p, '\n');
		size_t n = nl ? (size_t)(nl - p) : strlen(p);
		strvec_push_nodup(&lines, xstrndup(p, n));
		p += n + (nl ? 1 : 0);
	}
	struct html_state st = { out, BUF_INIT, 0, 0, 0 };
	unsigned n_fig = 0;
	buf_add(out, "", 0);
	for (size_t i = 0; i < lines.n; i++) {
		const char *line = lines.v[i];
		const char *t = line + strspn(line, " ");
		char *alt, *file;
		if (!*t || !strcmp(t, "\r")) {
			close_para(&st);
			close_list(&st);
			continue;
		}
		size_t level = strspn(t, "#");
		if (level >= 1 && level <= 4 && t[level] == ' ') {
			close_para(&st);
			close_list(&st);
			close_cards(&st, level < 4);
			if (level == 4) {
				if (!st.in_cards) {
					buf_addstr(out, "<div class=\"cards\">\n");
					st.in_cards = 1;
				}
				buf_addstr(out, "<section class=\"card\">\n");
				st.in_card = 1;
			}
			heading_html(out, level, t + level + 1);
			continue;
		}
		if (*t == '|') {
			close_para(&st);
			close_list(&st);
			size_t j = i;
			while (j < lines.n && lines.v[j][strspn(lines.v[j], " ")] == '|')
				j++;
			table_html(out, lines.v + i, j - i);
			i = j - 1;
			continue;
		}
		if (t[0] == '-' && t[1] == ' ') {
			close_para(&st);
			if (!st.in_list) {
				buf_addstr(out, "<ul>\n");
				st.in_list = 1;
			}
			buf_addstr(out, "<li>");
			inline_str(out, t + 2);
			buf_addstr(out, "</li>\n");
			continue;
		}
		if (image_line(t, &alt, &file)) {
			close_para(&st);
			close_list(&st);
			figure_html(out, alt, file, figdir, &n_fig);
			free(alt);
			free(file);
			continue;
		}
		close_list(&st);
		if (st.para.len)
			buf_addstr(&st.para, "\n");
		buf_addstr(&st.para, t);
	}
	close_para(&st);
	close_list(&st);
	close_cards(&st, 1);
	buf_release(&st.para);
	strvec_clear(&lines);
}

