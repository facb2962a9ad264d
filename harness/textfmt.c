/* textfmt.c - escaping, CSV, exact numbers, human forms, tables; see textfmt.h. */
#include <locale.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "textfmt.h"

/* ------------------------------------------------------------ Markdown */

void md_escape(struct buf *out, const char *s)
{
	buf_add(out, "", 0);
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (strchr("\\`*_[]<>|#&!~", *p))
			buf_addf(out, "\\%c", *p);
		else if (*p == '\n' || *p == '\r' || *p == '\t')
			buf_add(out, " ", 1);
		else if (*p < 0x20 || *p == 0x7f)
			buf_addf(out, "\\\\x%02x", *p);
		else
			buf_add(out, p, 1);
	}
}

void md_fputs(FILE *out, const char *s)
{
	struct buf b = BUF_INIT;
	md_escape(&b, s);
	fputs(b.p, out);
	buf_release(&b);
}

/* ----------------------------------------------------------------- CSV */

void csv_field(struct buf *out, const char *s)
{
	size_t n = strlen(s);
	int quote = strpbrk(s, ",\"\r\n") || (n && (s[0] == ' ' || s[n - 1] == ' '));
	buf_add(out, "", 0);
	if (!quote) {
		buf_add(out, s, n);
		return;
	}
	buf_add(out, "\"", 1);
	for (const char *p = s; *p; p++) {
		if (*p == '"')
			buf_add(out, "\"", 1);
		buf_add(out, p, 1);
	}
	buf_add(out, "\"", 1);
}

void csv_number(struct buf *out, double v)
{
	char text[64];
	buf_add(out, "", 0);
	if (fmt_number_exact(text, sizeof(text), v) == 0)
		buf_addstr(out, text);
}

/* ----------------------------------------------------------- numbers */

/* snprintf's length, as much as out holds */
static size_t printed(int len, size_t n)
{
	return len < 0 || !n ? 0 : (size_t)len < n ? (size_t)len : n - 1;
}

size_t fmt_fixed(char *out, size_t n, double v, int prec, int plus)
{
	static const double scale[] = { 1, 10, 100, 1e3, 1e4, 1e5, 1e6 };
	if (prec < 0 || prec > 6)
		return printed(snprintf(out, n, plus ? "%+.*f" : "%.*f", prec, v), n);
	double x = fabs(v) * scale[prec], whole = floor(x), frac = x - whole;
	/*
	 * x is |v| 10^prec rounded once: below 1e9 it is off by at most
	 * 1e9 * 2^-53 < 1.2e-7. Further than 1e-6 from a tie, it rounds as the
	 * exact value does, and printf rounds the exact value. Else printf.
	 */
	if (!(x < 1e9) || fabs(frac - 0.5) < 1e-6)
		return printed(snprintf(out, n, plus ? "%+.*f" : "%.*f", prec, v), n);
	unsigned long long u = (unsigned long long)whole + (frac > 0.5);
	char digits[32], *d = digits + sizeof(digits);
	for (int i = 0; i < prec; i++, u /= 10)
		*--d = (char)('0' + u % 10);
	if (prec)
		*--d = '.';
	do
		*--d = (char)('0' + u % 10);
	while (u /= 10);
	if (signbit(v))
		*--d = '-';
	else if (plus)
		*--d = '+';
	size_t len = (size_t)(digits + sizeof(digits) - d);
	if (!n)
		return 0;
	len = len < n ? len : n - 1;
	memcpy(out, d, len);
	out[len] = 0;
	return len;
}

int fmt_number_exact(char *out, size_t n, double v)
{
	if (!isfinite(v)) {
		snprintf(out, n, "null");
		return -1;
	}
	if (v == 0) {
		snprintf(out, n, "0"); /* not "-0" */
		return 0;
	}
	if (v == trunc(v) && fabs(v) < 1e17) {
		/* a whole number, written by hand: the common case, and printf's slowest */
		char digits[24], *d = digits + sizeof(digits);
		unsigned long long u = (unsigned long long)fabs(v);
		*--d = 0;
		do
			*--d = (char)('0' + u % 10);
		while (u /= 10);
		if (v < 0)
			*--d = '-';
		size_t len = (size_t)(digits + sizeof(digits) - 1 - d);
		if (n) { /* as snprintf would, without its cost */
			len = len < n - 1 ? len : n - 1;
			memcpy(out, d, len);
			out[len] = 0;
		}
		return 0;
	}
	for (int prec = 15; prec <= 17; prec++) {
		snprintf(out, n, "%.*g", prec, v);
		if (strtod(out, NULL) == v)
			break;
	}
	/* %g follows LC_NUMERIC; JSON and CSV want a point */
	const char *dp = localeconv()->decimal_point;
	if (dp && dp[0] && dp[0] != '.' && !dp[1]) {
		char *p = strchr(out, dp[0]);
		if (p)
			*p = '.';
	}
	return 0;
}

/* ------------------------------------------------------------ terminal */

size_t utf8_len(const unsigned char *s)
{
	unsigned char c = s[0], lo = 0x80, hi = 0xBF;
	size_t n;
	if (c < 0x80)
		return 1;
	if (c >= 0xC2 && c <= 0xDF)
		n = 2;
	else if (c >= 0xE0 && c <= 0xEF)
		n = 3;
	else if (c >= 0xF0 && c <= 0xF4)
		n = 4;
	else
		return 0;
	if (c == 0xE0)
		lo = 0xA0;
	else if (c == 0xED)
		hi = 0x9F;
	else if (c == 0xF0)
		lo = 0x90;
	else if (c == 0xF4)
		hi = 0x8F;
	if (s[1] < lo || s[1] > hi)
		return 0;
	for (size_t i = 2; i < n; i++)
		if (s[i] < 0x80 || s[i] > 0xBF)
			return 0;
	return n;
}

int utf8_valid(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	while (*p) {
		size_t n = utf8_len(p);
		if (!n)
			return 0;
		p += n;
	}
	return 1;
}

void term_escape(struct buf *out, const char *s)
{
	buf_add(out, "", 0);
	const unsigned char *p = (const unsigned char *)s;
	while (*p) {
		/* printable ASCII in one stride: most of what is printed */
		const unsigned char *q = p;
		while (*q >= 0x20 && *q < 0x7f)
			q++;
		if (q > p) {
			buf_add(out, p, (size_t)(q - p));
			p = q;
			continue;
		}
		size_t n = utf8_len(p);
		/* C1 controls (U+0080..U+009F) are escaped like C0 ones */
		if (n == 2 && p[0] == 0xC2 && p[1] < 0xA0)
			n = 0;
		if (n && *p >= 0x20 && *p != 0x7f) {
			buf_add(out, p, n);
			p += n;
			continue;
		}
		if (*p == '\n')
			buf_addstr(out, "\\n");
		else if (*p == '\t')
			buf_addstr(out, "\\t");
		else if (*p == '\r')
			buf_addstr(out, "\\r");
		else
			buf_addf(out, "\\x%02x", *p);
		p++;
	}
}

void term_fputs(FILE *out, const char *s)
{
	struct buf b = BUF_INIT;
	term_escape(&b, s);
	fputs(b.p, out);
	buf_release(&b);
}

size_t term_width(const char *s)
{
	size_t w = 0;
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		w += (*p & 0xC0) != 0x80;
	return w;
}

/* -------------------------------------------------------- human forms */

void format_count(uint64_t n, char *out, size_t size)
{
	if (n >= 1000000000ULL && n % 1000000000ULL == 0)
		snprintf(out, size, "%lluG", (unsigned long long)(n / 1000000000ULL));
	else if (n >= 1000000 && n % 1000000 == 0)
		snprintf(out, size, "%lluM", (unsigned long long)(n / 1000000));
	else if (n >= 1000 && n % 1000 == 0)
		snprintf(out, size, "%lluk", (unsigned long long)(n / 1000));
	else
		snprintf(out, size, "%llu", (unsigned long long)n);
}

void format_duration(double s, char *out, size_t size)
{
	if (!(s >= 0))
		s = 0;
	unsigned long t = (unsigned long)(s + 0.5);
	if (t >= 3600)
		snprintf(out, size, "%lu:%02lu:%02lu", t / 3600, t / 60 % 60, t % 60);
	else
		snprintf(out, size, "%lu:%02lu", t / 60, t % 60);
}

void format_bytes(double bytes, char *out, size_t size)
{
	static const char *const units[] = { "B", "kB", "MB", "GB", "TB", "PB" };
	double v = bytes;
	size_t u = 0;
	while (fabs(v) >= 999.5 && u + 1 < ARRAY_SIZE(units)) {
		v /= 1000;
		u++;
	}
	if (!u)
		snprintf(out, size, "%.0f B", v);
	else
		snprintf(out, size, "%.*f %s", fabs(v) >= 99.95 ? 0 : fabs(v) >= 9.995 ? 1 : 2, v,
			 units[u]);
}

/* -------------------------------------------------------------- tables */

void tab_init(struct tab *t, size_t ncols, const char *const *headers, const char *align)
{
	memset(t, 0, sizeof(*t));
	t->ncols = ncols;
	t->align = xstrndup(align, ncols);
	for (size_t i = 0; i < ncols; i++)
		tab_cell(t, headers[i]);
}

void tab_cell(struct tab *t, const char *text)
{
	xgrow((void **)&t->at, sizeof(*t->at), t->n + 1, &t->alloc);
	t->at[t->n++] = t->text.len;
	text = text ? text : "";
	buf_add(&t->text, text, strlen(text) + 1);
	buf_add(&t->strong, "\0", 1);
}

void tab_cellf(struct tab *t, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *s = NULL;
	if (vasprintf(&s, fmt, ap) < 0)
		die("out of memory formatting a table cell");
	va_end(ap);
	tab_cell(t, s);
	free(s);
}

void tab_cell_strong(struct tab *t, const char *text)
{
	tab_cell(t, text);
	t->strong.p[t->strong.len - 1] = 1;
}

size_t tab_rows(const struct tab *t)
{
	return t->ncols ? t->n / t->ncols - 1 : 0;
}

static void add_spaces(struct buf *b, size_t n)
{
	static const char spaces[] = "                                ";
	for (size_t k; n; n -= k) {
		k = n < sizeof(spaces) - 1 ? n : sizeof(spaces) - 1;
		buf_add(b, spaces, k);
	}
}

static const char *tab_text(const struct tab *t, size_t i)
{
	return t->text.p + t->at[i];
}

static void print_text(FILE *out, const struct tab *t)
{
	size_t rows = t->n / t->ncols;
	/* every cell escaped into one block, at its offset, with its width */
	struct buf escaped = BUF_INIT;
	size_t *at = xcalloc(t->n + 1, sizeof(*at)), *cw = xcalloc(t->n + 1, sizeof(*cw)),
	       *w = xcalloc(t->ncols, sizeof(*w));
	for (size_t i = 0; i < rows * t->ncols; i++) {
		at[i] = escaped.len;
		term_escape(&escaped, tab_text(t, i));
		cw[i] = term_width(escaped.p + at[i]);
		buf_add(&escaped, "", 1);
		if (cw[i] > w[i % t->ncols])
			w[i % t->ncols] = cw[i];
	}
	/* the whole table in one buffer, written once */
	struct buf text = BUF_INIT;
	for (size_t r = 0; r < rows; r++) {
		size_t line = text.len;
		for (size_t c = 0; c < t->ncols; c++) {
			size_t i = r * t->ncols + c, pad = w[c] - cw[i];
			if (c)
				buf_add(&text, "  ", 2);
			if (t->align[c] == 'r')
				add_spaces(&text, pad);
			buf_addstr(&text, escaped.p + at[i]);
			if (t->align[c] != 'r')
				add_spaces(&text, pad);
		}
		while (text.len > line && text.p[text.len - 1] == ' ')
			text.len--;
		buf_add(&text, "\n", 1);
	}
	fwrite(text.p, 1, text.len, out);
	buf_release(&text);
	buf_release(&escaped);
	free(at);
	free(cw);
	free(w);
}

static void print_markdown(FILE *out, const struct tab *t)
{
	size_t rows = t->n / t->ncols;
	for (size_t r = 0; r < rows; r++) {
		fputs("|", out);
		for (size_t c = 0; c < t->ncols; c++) {
			size_t i = r * t->ncols + c;
			const char *em = t->strong.p[i] && *tab_text(t, i) ? "**" : "";
			fprintf(out, " %s", em);
			md_fputs(out, tab_text(t, i));
			fprintf(out, "%s |", em);
		}
		fputc('\n', out);
		if (r == 0) {
			fputs("|", out);
			for (size_t c = 0; c < t->ncols; c++)
				fputs(t->align[c] == 'r' ? "---:|" : "---|", out);
			fputc('\n', out);
		}
	}
}

void tab_print(FILE *out, const struct tab *t, enum tab_format f)
{
	if (!t->ncols)
		return;
	if (f == TAB_MARKDOWN)
		print_markdown(out, t);
	else
		print_text(out, t);
}

void tab_release(struct tab *t)
{
	free(t->align);
	buf_release(&t->text);
	free(t->at);
	buf_release(&t->strong);
	memset(t, 0, sizeof(*t));
}
