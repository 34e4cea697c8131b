/*
 * form.c: application/x-www-form-urlencoded bodies into decoded fields,
 * and the survey form's fields into answers.
 * Trap: every limit applies to the decoded bytes ("%C3%A1" is two bytes
 * of value, six of body), and nothing is truncated: a field over a limit
 * fails the whole form. Field names are printable ASCII; a name is quoted
 * in why only when it is of [a-z0-9_], values never are.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "form.h"
#include "util.h"

#define FORM_DECODE_BAD		(-1)	/* bad percent-encoding */
#define FORM_DECODE_LONG	(-2)	/* over max bytes */

/*
 * Decodes s[0..len) into out (room for max bytes plus a NUL). Returns the
 * decoded length, FORM_DECODE_BAD or FORM_DECODE_LONG.
 */
static long
form_decode(const char *s, size_t len, char *out, size_t max)
{
	size_t	 i, n = 0;
	int	 hi, lo;
	char	 c;

	for (i = 0; i < len; i++) {
		c = s[i];
		if (c == '+')
			c = ' ';
		else if (c == '%') {
			if (len - i < 3 ||
			    (hi = hex_digit(s[i + 1])) == -1 ||
			    (lo = hex_digit(s[i + 2])) == -1)
				return (FORM_DECODE_BAD);
			c = (char)(hi << 4 | lo);
			i += 2;
		}
		if (n == max)
			return (FORM_DECODE_LONG);
		out[n++] = c;
	}
	out[n] = '\0';
	return ((long)n);
}

static int
form_name_ok(const char *s, size_t len)
{
	size_t	 i;

	for (i = 0; i < len; i++)
		if (s[i] < 0x21 || s[i] > 0x7e)
			return (0);
	return (len > 0);
}

/* 1 when a name may be quoted back to the client. */
static int
form_name_safe(const char *s)
{
	for (; *s != '\0'; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') ||
		    *s == '_'))
			return (0);
	return (1);
}

enum hl_rc
form_parse(const char *body, size_t len, struct form *f, char *why,
    size_t whylen)
{
	struct form_field	*ff;
	const char		*p, *amp, *eq, *v;
	size_t			 off = 0, plen, vlen, room;
	long			 n;
	enum hl_rc		 rc = HL_OK;

	f->n = 0;
	if (why != NULL && whylen > 0)
		why[0] = '\0';
	while (off < len) {
		p = body + off;
		if ((amp = memchr(p, '&', len - off)) == NULL)
			amp = body + len;
		plen = (size_t)(amp - p);
		off += plen + 1;
		if (plen == 0)		/* "&&", leading or trailing '&' */
			continue;
		if (f->n == FORM_FIELDS_MAX) {
			snprintf(why, whylen, "form: at most %d fields",
			    FORM_FIELDS_MAX);
			rc = HL_TOO_BIG;
			goto out;
		}
		if ((eq = memchr(p, '=', plen)) == NULL) {
			eq = amp;
			v = amp;
		} else
			v = eq + 1;
		ff = &f->f[f->n];
		ff->value = NULL;
		ff->len = 0;
		n = form_decode(p, (size_t)(eq - p), ff->name, FORM_NAME_MAX);
		if (n == FORM_DECODE_LONG) {
			snprintf(why, whylen, "field %zu: name over %d bytes",
			    f->n + 1, FORM_NAME_MAX);
			rc = HL_TOO_BIG;
			goto out;
		}
		if (n == FORM_DECODE_BAD) {
			snprintf(why, whylen, "field %zu: bad percent-encoding"
			    " in name", f->n + 1);
			rc = HL_MALFORMED;
			goto out;
		}
		if (n == 0) {
			snprintf(why, whylen, "field %zu: no name", f->n + 1);
			rc = HL_MALFORMED;
			goto out;
		}
		if (!form_name_ok(ff->name, (size_t)n)) {
			snprintf(why, whylen,
			    "field %zu: name not printable ASCII", f->n + 1);
			rc = HL_MALFORMED;
			goto out;
		}
		/* Decoding never lengthens: the raw length bounds the room. */
		vlen = (size_t)(amp - v);
		room = vlen < FORM_VALUE_MAX ? vlen : FORM_VALUE_MAX;
		ff->value = xmalloc(room + 1);
		f->n++;
		n = form_decode(v, vlen, ff->value, room);
		if (n == FORM_DECODE_LONG) {
			snprintf(why, whylen, "%s: value over %u bytes",
			    ff->name, (unsigned)FORM_VALUE_MAX);
			rc = HL_TOO_BIG;
			goto out;
		}
		if (n == FORM_DECODE_BAD) {
			snprintf(why, whylen, "%s: bad percent-encoding",
			    ff->name);
			rc = HL_MALFORMED;
			goto out;
		}
		ff->len = (size_t)n;
		if (!utf8_valid(ff->value, ff->len)) {
			snprintf(why, whylen,
			    "%s: not UTF-8 text or control characters",
			    ff->name);
			rc = HL_MALFORMED;
			goto out;
		}
	}
out:
	if (rc != HL_OK)
		form_clear(f);
	return (rc);
}

void
form_clear(struct form *f)
{
	size_t	 i;

	for (i = 0; i < f->n && i < FORM_FIELDS_MAX; i++) {
		free(f->f[i].value);
		f->f[i].value = NULL;
		f->f[i].len = 0;
	}
	f->n = 0;
}

static int
form_space(char c)
{
	return (c == ' ' || c == '\t' || c == '\r' || c == '\n');
}

static enum hl_rc
form_add(struct survey_form *out, const struct survey_question *q,
    int level, char *why, size_t whylen)
{
	if (out->nanswers == RESPONSE_ANSWERS_MAX) {
		snprintf(why, whylen, "form: at most %d answers",
		    RESPONSE_ANSWERS_MAX);
		return (HL_TOO_BIG);
	}
	snprintf(out->answers[out->nanswers].q,
	    sizeof(out->answers[out->nanswers].q), "%s", q->id);
	out->answers[out->nanswers].level = (uint8_t)level;
	out->nanswers++;
	return (HL_OK);
}

/*
 * An invalid field: the first reason is kept, the rest of the form is
 * still read so that the page can show back what was sent.
 */
#define FORM_BAD() {						\
	if (rc == HL_OK)						\
		rc = HL_INVALID;					\
	why = NULL;							\
	whylen = 0;							\
	continue;							\
}

enum hl_rc
form_survey(const struct form *f, const struct survey *s,
    struct survey_form *out, char *why, size_t whylen)
{
	const struct form_field		*ff;
	const struct survey_question	*q;
	const char			*v;
	unsigned char			 seen[SURVEY_QUESTIONS_MAX];
	size_t				 i, k, vlen, qi;
	long long			 num;
	int				 level, seen_comment = 0, seen_lang = 0;
	enum hl_rc			 rc = HL_OK;

	memset(seen, 0, sizeof(seen));
	out->nanswers = 0;
	out->comment_len = 0;
	out->comment[0] = '\0';
	out->lang = -1;
	if (why != NULL && whylen > 0)
		why[0] = '\0';
	for (i = 0; i < f->n; i++) {
		ff = &f->f[i];
		v = ff->value;
		vlen = ff->len;
		if (strcmp(ff->name, SURVEY_COMMENT) == 0) {
			if (seen_comment++) {
				snprintf(why, whylen, "comment: repeated");
				FORM_BAD();
			}
			while (vlen > 0 && form_space(v[0])) {
				v++;
				vlen--;
			}
			while (vlen > 0 && form_space(v[vlen - 1]))
				vlen--;
			if (utf8_chars(v, vlen) > COMMENT_CHARS_MAX ||
			    vlen > COMMENT_BYTES_MAX) {
				snprintf(why, whylen,
				    "comment: at most %d characters",
				    COMMENT_CHARS_MAX);
				rc = HL_TOO_BIG;
				goto out;
			}
			memcpy(out->comment, v, vlen);
			out->comment[vlen] = '\0';
			out->comment_len = vlen;
			continue;
		}
		if (strcmp(ff->name, "lang") == 0) {
			if (seen_lang++) {
				snprintf(why, whylen, "lang: repeated");
				FORM_BAD();
			}
			if (vlen == 0)
				continue;
			if ((out->lang = lang_parse(v, vlen)) == -1) {
				snprintf(why, whylen,
				    "lang: not one of vi, en, km");
				FORM_BAD();
			}
			continue;
		}
		q = survey_question(s, ff->name, strlen(ff->name));
		if (q == NULL || q < s->questions ||
		    (qi = (size_t)(q - s->questions)) >= SURVEY_QUESTIONS_MAX) {
			if (rc == HL_OK && form_name_safe(ff->name))
				snprintf(why, whylen, "unknown field \"%s\"",
				    ff->name);
			else if (rc == HL_OK)
				snprintf(why, whylen, "unknown field");
			FORM_BAD();
		}
		if (q->kind != QK_MULTI && seen[qi]++) {
			snprintf(why, whylen, "%s: repeated", q->id);
			FORM_BAD();
		}
		if (vlen == 0)
			continue;
		if (q->kind == QK_SCALE) {
			if (parse_num(v, vlen, 1, SURVEY_LEVELS, &num) == -1) {
				snprintf(why, whylen, "%s: not 1 to %d", q->id,
				    SURVEY_LEVELS);
				FORM_BAD();
			}
			level = (int)num;
		} else if ((level = survey_option_level(q, v, vlen)) <= 0) {
			snprintf(why, whylen, "%s: unknown option", q->id);
			FORM_BAD();
		}
		if (q->kind == QK_MULTI) {
			for (k = 0; k < out->nanswers; k++)
				if (out->answers[k].level == level &&
				    strcmp(out->answers[k].q, q->id) == 0)
					break;
			if (k < out->nanswers) {
				snprintf(why, whylen, "%s: option repeated",
				    q->id);
				FORM_BAD();
			}
		}
		if ((rc = form_add(out, q, level, why, whylen)) != HL_OK)
			goto out;
	}
out:
	if (rc == HL_TOO_BIG) {
		out->nanswers = 0;
		out->comment_len = 0;
		out->comment[0] = '\0';
		out->lang = -1;
	}
	return (rc);
}
