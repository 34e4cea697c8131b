/*
 * json_in.c: JSON request bodies (jansson) into fixed structs.
 * Trap: jansson's error texts quote the input ("near '...'"), so they
 * never reach why; only the line and column do. Nesting is measured on
 * the raw bytes before parsing, so that a deep body costs no recursion.
 */
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "crypto.h"
#include "json_in.h"
#include "util.h"

#define JSON_KEY_ECHO_MAX	32	/* unknown keys quoted up to this */

enum json_kind {
	JK_CODE,	/* [A-Za-z0-9._-]+ */
	JK_TEXT		/* printable UTF-8 */
};

struct json_field {
	const char	*name;
	enum json_kind	 kind;
	int		 required;
	int		 integer;	/* a non-negative integer is allowed */
	size_t		 max;
	size_t		 off;		/* of the char array in ticket_req */
};

static const struct json_field ticket_fields[] = {
	{ "procedure", JK_CODE, 1, 0, PROC_CODE_MAX,
	    offsetof(struct ticket_req, procedure) },
	{ "unit", JK_CODE, 1, 0, UNIT_CODE_MAX,
	    offsetof(struct ticket_req, unit) },
	{ "handling_unit", JK_CODE, 0, 0, UNIT_CODE_MAX,
	    offsetof(struct ticket_req, handling_unit) },
	{ "sector", JK_CODE, 0, 0, SECTOR_CODE_MAX,
	    offsetof(struct ticket_req, sector) },
	{ "case", JK_TEXT, 0, 0, CASE_MAX,
	    offsetof(struct ticket_req, caseref) },
	{ "counter", JK_TEXT, 0, 1, COUNTER_MAX,
	    offsetof(struct ticket_req, counter) },
	{ "survey", JK_CODE, 0, 0, SURVEY_ID_MAX,
	    offsetof(struct ticket_req, survey) },
	{ "service", JK_CODE, 0, 0, SERVICE_CODE_MAX,
	    offsetof(struct ticket_req, service) },
	{ "stage", JK_CODE, 0, 0, STAGE_NAME_MAX,
	    offsetof(struct ticket_req, stage) },
};
#define TICKET_NFIELDS	(sizeof(ticket_fields) / sizeof(ticket_fields[0]))

/* Deepest nesting of [ and { outside strings; stops past limit. */
static size_t
json_depth(const char *s, size_t len, size_t limit)
{
	size_t	 i, depth = 0, deepest = 0;
	int	 instr = 0;

	for (i = 0; i < len; i++) {
		if (instr) {
			if (s[i] == '\\')
				i++;
			else if (s[i] == '"')
				instr = 0;
			continue;
		}
		switch (s[i]) {
		case '"':
			instr = 1;
			break;
		case '[':
		case '{':
			if (++depth > deepest)
				deepest = depth;
			if (deepest > limit)
				return (deepest);
			break;
		case ']':
		case '}':
			if (depth > 0)
				depth--;
			break;
		}
	}
	return (deepest);
}

static int
json_code_ok(const char *s, size_t len)
{
	size_t	 i;

	for (i = 0; i < len; i++)
		if (!((s[i] >= 'A' && s[i] <= 'Z') ||
		    (s[i] >= 'a' && s[i] <= 'z') ||
		    (s[i] >= '0' && s[i] <= '9') ||
		    s[i] == '.' || s[i] == '_' || s[i] == '-'))
			return (0);
	return (1);
}

static int
json_text_ok(const char *s, size_t len)
{
	size_t	 i;

	/* utf8_valid() refuses DEL, C1 and C0 but tab, CR and LF. */
	for (i = 0; i < len; i++)
		if ((unsigned char)s[i] < 0x20)
			return (0);
	return (utf8_valid(s, len));
}

static int
json_key_ok(const char *s)
{
	size_t	 i;

	for (i = 0; s[i] != '\0'; i++)
		if (i == JSON_KEY_ECHO_MAX ||
		    !((s[i] >= 'A' && s[i] <= 'Z') ||
		    (s[i] >= 'a' && s[i] <= 'z') ||
		    (s[i] >= '0' && s[i] <= '9') || s[i] == '_'))
			return (0);
	return (i > 0);
}

/* Copies field jf of value v into out; HL_OK or HL_INVALID. */
static enum hl_rc
json_field_get(const struct json_field *jf, json_t *v, struct ticket_req *out,
    char *why, size_t whylen)
{
	char		*dst = (char *)out + jf->off;
	char		 num[32];
	const char	*s;
	size_t		 len;
	int		 n;

	if (jf->integer && json_is_integer(v)) {
		if (json_integer_value(v) < 0) {
			snprintf(why, whylen, "%s: must not be negative",
			    jf->name);
			return (HL_INVALID);
		}
		n = snprintf(num, sizeof(num), "%" JSON_INTEGER_FORMAT,
		    json_integer_value(v));
		if (n < 0 || (size_t)n >= sizeof(num))
			return (HL_INVALID);
		s = num;
		len = (size_t)n;
	} else if (json_is_string(v)) {
		s = json_string_value(v);
		len = json_string_length(v);
	} else {
		snprintf(why, whylen, "%s: must be a string%s", jf->name,
		    jf->integer ? " or a non-negative integer" : "");
		return (HL_INVALID);
	}
	if (len == 0) {
		snprintf(why, whylen, "%s: must not be empty", jf->name);
		return (HL_INVALID);
	}
	if (len > jf->max) {
		snprintf(why, whylen, "%s: at most %zu bytes", jf->name,
		    jf->max);
		return (HL_INVALID);
	}
	if (jf->kind == JK_CODE && !json_code_ok(s, len)) {
		snprintf(why, whylen, "%s: only A-Z, a-z, 0-9, '.', '_', '-'",
		    jf->name);
		return (HL_INVALID);
	}
	if (jf->kind == JK_TEXT && !json_text_ok(s, len)) {
		snprintf(why, whylen, "%s: control characters not allowed",
		    jf->name);
		return (HL_INVALID);
	}
	memcpy(dst, s, len);
	dst[len] = '\0';
	if (jf->off == offsetof(struct ticket_req, caseref)) {
		out->has_case = 1;
		out->case_len = len;
	}
	return (HL_OK);
}

enum hl_rc
json_in_ticket(const char *body, size_t len, struct ticket_req *out,
    char *why, size_t whylen)
{
	json_t		*root = NULL, *v;
	json_error_t	 err;
	const char	*key;
	size_t		 i;
	enum hl_rc	 rc = HL_OK;

	memset(out, 0, sizeof(*out));
	if (why != NULL && whylen > 0)
		why[0] = '\0';
	if (len > JSON_BODY_MAX) {
		snprintf(why, whylen, "body: at most %u bytes",
		    (unsigned)JSON_BODY_MAX);
		rc = HL_TOO_BIG;
		goto out;
	}
	if (json_depth(body, len, JSON_DEPTH_MAX) > JSON_DEPTH_MAX) {
		snprintf(why, whylen, "body: nested deeper than %d",
		    JSON_DEPTH_MAX);
		rc = HL_MALFORMED;
		goto out;
	}
	root = json_loadb(body, len, JSON_REJECT_DUPLICATES | JSON_DECODE_ANY,
	    &err);
	if (root == NULL) {
		if (json_error_code(&err) == json_error_duplicate_key)
			snprintf(why, whylen, "body: duplicate key");
		else
			snprintf(why, whylen,
			    "body: not JSON (line %d, column %d)",
			    err.line, err.column);
		rc = HL_MALFORMED;
		goto out;
	}
	if (!json_is_object(root)) {
		snprintf(why, whylen, "body: not a JSON object");
		rc = HL_MALFORMED;
		goto out;
	}
	json_object_foreach(root, key, v) {
		for (i = 0; i < TICKET_NFIELDS; i++)
			if (strcmp(key, ticket_fields[i].name) == 0)
				break;
		if (i == TICKET_NFIELDS) {
			if (json_key_ok(key))
				snprintf(why, whylen, "unknown field \"%s\"",
				    key);
			else
				snprintf(why, whylen, "unknown field");
			rc = HL_INVALID;
			goto out;
		}
	}
	for (i = 0; i < TICKET_NFIELDS; i++) {
		if ((v = json_object_get(root, ticket_fields[i].name)) ==
		    NULL) {
			/* A service survey's ticket names no procedure. */
			if (ticket_fields[i].required &&
			    (ticket_fields[i].off != offsetof(struct
			    ticket_req, procedure) ||
			    (json_object_get(root, "service") == NULL &&
			    json_object_get(root, "survey") == NULL))) {
				snprintf(why, whylen, "%s: required",
				    ticket_fields[i].name);
				rc = HL_INVALID;
				goto out;
			}
			continue;
		}
		rc = json_field_get(&ticket_fields[i], v, out, why, whylen);
		if (rc != HL_OK)
			goto out;
	}
out:
	if (root != NULL)
		json_decref(root);
	if (rc != HL_OK)
		memset(out, 0, sizeof(*out));
	return (rc);
}

/* Size, depth, syntax, duplicates, an object: the common start. */
static enum hl_rc
json_in_root(const char *body, size_t len, json_t **rootp, char *why,
    size_t whylen)
{
	json_t		*root;
	json_error_t	 err;

	*rootp = NULL;
	if (len > JSON_BODY_MAX) {
		snprintf(why, whylen, "body: at most %u bytes",
		    (unsigned)JSON_BODY_MAX);
		return (HL_TOO_BIG);
	}
	if (json_depth(body, len, JSON_DEPTH_MAX) > JSON_DEPTH_MAX) {
		snprintf(why, whylen, "body: nested deeper than %d",
		    JSON_DEPTH_MAX);
		return (HL_MALFORMED);
	}
	root = json_loadb(body, len, JSON_REJECT_DUPLICATES | JSON_DECODE_ANY,
	    &err);
	if (root == NULL) {
		if (json_error_code(&err) == json_error_duplicate_key)
			snprintf(why, whylen, "body: duplicate key");
		else
			snprintf(why, whylen,
			    "body: not JSON (line %d, column %d)",
			    err.line, err.column);
		return (HL_MALFORMED);
	}
	if (!json_is_object(root)) {
		json_decref(root);
		snprintf(why, whylen, "body: not a JSON object");
		return (HL_MALFORMED);
	}
	*rootp = root;
	return (HL_OK);
}

/* HL_INVALID naming the first key of o not in names (NULL-ended). */
static enum hl_rc
json_in_known(json_t *o, const char *const *names, const char *where,
    char *why, size_t whylen)
{
	const char	*key;
	json_t		*v;
	size_t		 i;

	json_object_foreach(o, key, v) {
		for (i = 0; names[i] != NULL; i++)
			if (strcmp(key, names[i]) == 0)
				break;
		if (names[i] != NULL)
			continue;
		if (json_key_ok(key))
			snprintf(why, whylen, "%sunknown field \"%s\"", where,
			    key);
		else
			snprintf(why, whylen, "%sunknown field", where);
		return (HL_INVALID);
	}
	return (HL_OK);
}

enum hl_rc
json_in_enrol(const char *body, size_t len, struct enrol_req *out,
    char *why, size_t whylen)
{
	static const char *const names[] = { "code", NULL };
	json_t		*root = NULL, *v;
	size_t		 n;
	enum hl_rc	 rc;

	memset(out, 0, sizeof(*out));
	if (why != NULL && whylen > 0)
		why[0] = '\0';
	if ((rc = json_in_root(body, len, &root, why, whylen)) != HL_OK)
		goto out;
	if ((rc = json_in_known(root, names, "", why, whylen)) != HL_OK)
		goto out;
	rc = HL_INVALID;
	if ((v = json_object_get(root, "code")) == NULL) {
		snprintf(why, whylen, "code: required");
		goto out;
	}
	if (!json_is_string(v)) {
		snprintf(why, whylen, "code: must be a string");
		goto out;
	}
	n = json_string_length(v);
	if (n == 0 || n > ENROL_CODE_IN_MAX) {
		snprintf(why, whylen, "code: 1 to %d bytes",
		    ENROL_CODE_IN_MAX);
		goto out;
	}
	if (!json_text_ok(json_string_value(v), n)) {
		snprintf(why, whylen, "code: control characters not allowed");
		goto out;
	}
	memcpy(out->code, json_string_value(v), n);
	out->code[n] = '\0';
	out->len = n;
	rc = HL_OK;
out:
	if (root != NULL)
		json_decref(root);
	if (rc != HL_OK)
		memset(out, 0, sizeof(*out));
	return (rc);
}

/*
 * The string field name of o into dst[max + 1] (kind JK_CODE or
 * JK_TEXT); *len its length. HL_OK, HL_NOT_FOUND when absent, or
 * HL_INVALID with why.
 */
static enum hl_rc
json_in_str(json_t *o, const char *name, enum json_kind kind, size_t max,
    char *dst, size_t *len, char *why, size_t whylen)
{
	json_t		*v;
	const char	*s;
	size_t		 n;

	if ((v = json_object_get(o, name)) == NULL)
		return (HL_NOT_FOUND);
	if (!json_is_string(v)) {
		snprintf(why, whylen, "%s: must be a string", name);
		return (HL_INVALID);
	}
	s = json_string_value(v);
	n = json_string_length(v);
	if (n == 0 || n > max) {
		snprintf(why, whylen, "%s: 1 to %zu bytes", name, max);
		return (HL_INVALID);
	}
	if (kind == JK_CODE && !json_code_ok(s, n)) {
		snprintf(why, whylen, "%s: only A-Z, a-z, 0-9, '.', '_', '-'",
		    name);
		return (HL_INVALID);
	}
	if (kind == JK_TEXT && !json_text_ok(s, n)) {
		snprintf(why, whylen, "%s: control characters not allowed",
		    name);
		return (HL_INVALID);
	}
	memcpy(dst, s, n);
	dst[n] = '\0';
	if (len != NULL)
		*len = n;
	return (HL_OK);
}

/* A time field: ISO 8601 with a zone, or seconds since 1970. */
static enum hl_rc
json_in_when(json_t *o, const char *name, int64_t *t, char *why,
    size_t whylen)
{
	json_t	*v;

	if ((v = json_object_get(o, name)) == NULL)
		return (HL_NOT_FOUND);
	if (json_is_integer(v) && json_integer_value(v) > 0 &&
	    json_integer_value(v) < ((json_int_t)1 << 40)) {
		*t = (int64_t)json_integer_value(v);
		return (HL_OK);
	}
	if (json_is_string(v) && json_in_time(json_string_value(v),
	    json_string_length(v), t) == 0)
		return (HL_OK);
	snprintf(why, whylen, "%s: ISO 8601 with a zone, or seconds since "
	    "1970", name);
	return (HL_INVALID);
}

enum hl_rc
json_in_dossier(const char *body, size_t len, struct dossier_req *out,
    char *why, size_t whylen)
{
	static const char *const names[] = { "case", "unit",
	    "handling_unit", "procedure", "event", "at", "due", NULL };
	static const char *const required[] = { "case", "unit", "procedure",
	    "event", "at", NULL };
	json_t		*root = NULL;
	char		 ev[24];
	size_t		 i, n;
	enum hl_rc	 rc;

	memset(out, 0, sizeof(*out));
	if (why != NULL && whylen > 0)
		why[0] = '\0';
	if ((rc = json_in_root(body, len, &root, why, whylen)) != HL_OK)
		goto out;
	if ((rc = json_in_known(root, names, "", why, whylen)) != HL_OK)
		goto out;
	rc = HL_INVALID;
	for (i = 0; required[i] != NULL; i++)
		if (json_object_get(root, required[i]) == NULL) {
			snprintf(why, whylen, "%s: required", required[i]);
			goto out;
		}
	if ((rc = json_in_str(root, "case", JK_TEXT, CASE_MAX, out->caseref,
	    &out->case_len, why, whylen)) != HL_OK ||
	    (rc = json_in_str(root, "unit", JK_CODE, UNIT_CODE_MAX,
	    out->ev.unit, NULL, why, whylen)) != HL_OK ||
	    (rc = json_in_str(root, "procedure", JK_CODE, PROC_CODE_MAX,
	    out->ev.procedure, NULL, why, whylen)) != HL_OK ||
	    (rc = json_in_str(root, "event", JK_CODE, sizeof(ev) - 1, ev, &n,
	    why, whylen)) != HL_OK ||
	    (rc = json_in_when(root, "at", &out->ev.at, why,
	    whylen)) != HL_OK)
		goto out;
	rc = json_in_str(root, "handling_unit", JK_CODE, UNIT_CODE_MAX,
	    out->ev.handling_unit, NULL, why, whylen);
	if (rc == HL_INVALID)
		goto out;
	rc = json_in_when(root, "due", &out->ev.due, why, whylen);
	if (rc == HL_INVALID)
		goto out;
	rc = HL_INVALID;
	if ((out->ev.event = dossier_event_parse(ev, n)) == DOSSIER_NONE) {
		snprintf(why, whylen, "event: one of received, "
		    "supplement_requested, refused, returned, withdrawn");
		goto out;
	}
	rc = HL_OK;
out:
	if (root != NULL)
		json_decref(root);
	if (rc != HL_OK)
		memset(out, 0, sizeof(*out));
	return (rc);
}

static int
json_digits(const char *s, size_t n, int *v)
{
	size_t	 i;

	*v = 0;
	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return (-1);
		*v = *v * 10 + (s[i] - '0');
	}
	return (0);
}

/* Days from 1970-01-01 to y-m-d (proleptic Gregorian). */
static int64_t
json_days(int y, int m, int d)
{
	int64_t	 era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return (era * 146097 + doe - 719468);
}

int
json_in_time(const char *s, size_t len, int64_t *t)
{
	static const int mdays[] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31,
	    30, 31 };
	int	 y, mo, d, h, mi, sec = 0, oh = 0, om = 0, sign;
	size_t	 i;

	if (len < 17 || len > ANSWERED_AT_MAX)
		return (-1);
	if (json_digits(s, 4, &y) == -1 || s[4] != '-' ||
	    json_digits(s + 5, 2, &mo) == -1 || s[7] != '-' ||
	    json_digits(s + 8, 2, &d) == -1 || (s[10] != 'T' && s[10] != 't'
	    && s[10] != ' ') || json_digits(s + 11, 2, &h) == -1 ||
	    s[13] != ':' || json_digits(s + 14, 2, &mi) == -1)
		return (-1);
	i = 16;
	if (i < len && s[i] == ':') {
		if (i + 3 > len || json_digits(s + i + 1, 2, &sec) == -1)
			return (-1);
		i += 3;
		if (i < len && (s[i] == '.' || s[i] == ',')) {
			i++;
			if (i >= len || s[i] < '0' || s[i] > '9')
				return (-1);
			while (i < len && s[i] >= '0' && s[i] <= '9')
				i++;
		}
	}
	if (i >= len)
		return (-1);	/* no zone: ambiguous */
	if (s[i] == 'Z' || s[i] == 'z') {
		if (i + 1 != len)
			return (-1);
	} else if (s[i] == '+' || s[i] == '-') {
		sign = s[i] == '-' ? -1 : 1;
		i++;
		if (len - i == 5 && s[i + 2] == ':') {
			if (json_digits(s + i, 2, &oh) == -1 ||
			    json_digits(s + i + 3, 2, &om) == -1)
				return (-1);
		} else if (len - i == 4) {
			if (json_digits(s + i, 2, &oh) == -1 ||
			    json_digits(s + i + 2, 2, &om) == -1)
				return (-1);
		} else if (len - i == 2) {
			if (json_digits(s + i, 2, &oh) == -1)
				return (-1);
		} else
			return (-1);
		if (oh > 23 || om > 59)
			return (-1);
		oh *= sign;
		om *= sign;
	} else
		return (-1);
	if (y < 1970 || mo < 1 || mo > 12 || d < 1 || d > mdays[mo - 1] ||
	    (mo == 2 && d == 29 && !((y % 4 == 0 && y % 100 != 0) ||
	    y % 400 == 0)) || h > 23 || mi > 59 || sec > 60)
		return (-1);
	*t = json_days(y, mo, d) * 86400 + h * 3600 + mi * 60 + sec -
	    (oh * 3600 + om * 60);
	return (0);
}

static enum hl_rc
json_in_answers(json_t *a, struct response_req *out, char *why,
    size_t whylen)
{
	const char	*key, *s;
	json_t		*v, *e;
	size_t		 i, j, n;
	json_int_t	 o;

	if (!json_is_object(a)) {
		snprintf(why, whylen, "answers: must be an object");
		return (HL_INVALID);
	}
	if ((v = json_object_get(a, "overall")) == NULL) {
		snprintf(why, whylen, "answers.overall: required");
		return (HL_INVALID);
	}
	if (!json_is_integer(v) || (o = json_integer_value(v)) < 1 || o > 5) {
		snprintf(why, whylen, "answers.overall: a whole number from "
		    "1 to 5");
		return (HL_INVALID);
	}
	out->overall = (int)o;
	json_object_foreach(a, key, v) {
		if (strcmp(key, "overall") == 0)
			continue;
		if (strcmp(key, "reasons") == 0) {
			if (!json_is_array(v)) {
				snprintf(why, whylen, "answers.reasons: must "
				    "be an array of option ids");
				return (HL_INVALID);
			}
			if (json_array_size(v) > RESPONSE_REASONS_MAX) {
				snprintf(why, whylen, "answers.reasons: at "
				    "most %d", RESPONSE_REASONS_MAX);
				return (HL_INVALID);
			}
			json_array_foreach(v, i, e) {
				if (!json_is_string(e) ||
				    !ident_valid(json_string_value(e),
				    json_string_length(e), QUESTION_ID_MAX)) {
					snprintf(why, whylen, "answers.reasons:"
					    " each an option id (a-z, 0-9, _)");
					return (HL_INVALID);
				}
				s = json_string_value(e);
				for (j = 0; j < out->nreasons; j++)
					if (strcmp(out->reasons[j], s) == 0)
						break;
				if (j < out->nreasons) {
					snprintf(why, whylen, "answers.reasons:"
					    " an option given twice");
					return (HL_INVALID);
				}
				strlcpy(out->reasons[out->nreasons++], s,
				    QUESTION_ID_MAX + 1);
			}
			continue;
		}
		n = strlen(key);
		if (!ident_valid(key, n, QUESTION_ID_MAX)) {
			snprintf(why, whylen, "answers: unknown question");
			return (HL_INVALID);
		}
		if (out->nchoices == RESPONSE_CHOICES_MAX) {
			snprintf(why, whylen, "answers: too many questions");
			return (HL_INVALID);
		}
		if (!json_is_string(v) || !ident_valid(json_string_value(v),
		    json_string_length(v), QUESTION_ID_MAX)) {
			snprintf(why, whylen, "answers.%s: must be an "
			    "option id", key);
			return (HL_INVALID);
		}
		strlcpy(out->choices[out->nchoices].q, key,
		    QUESTION_ID_MAX + 1);
		strlcpy(out->choices[out->nchoices].option,
		    json_string_value(v), QUESTION_ID_MAX + 1);
		out->nchoices++;
	}
	return (HL_OK);
}

/* The "followup" object of a kiosk's answer into out. */
static enum hl_rc
json_in_followup(json_t *o, struct response_req *out, char *why,
    size_t whylen)
{
	static const char *const names[] = { "text", "kind", "phone",
	    "consent", NULL };
	json_t		*v;
	const char	*s;
	size_t		 n, i;
	enum hl_rc	 rc;

	if (!json_is_object(o)) {
		snprintf(why, whylen, "followup: must be an object");
		return (HL_INVALID);
	}
	if ((rc = json_in_known(o, names, "followup.", why, whylen)) != HL_OK)
		return (rc);
	if ((v = json_object_get(o, "text")) == NULL || !json_is_string(v)) {
		snprintf(why, whylen, "followup.text: required, a string");
		return (HL_INVALID);
	}
	s = json_string_value(v);
	n = json_string_length(v);
	if (!utf8_valid(s, n)) {
		snprintf(why, whylen, "followup.text: control characters or "
		    "invalid UTF-8");
		return (HL_INVALID);
	}
	if (n > FOLLOWUP_TEXT_MAX || utf8_chars(s, n) > FOLLOWUP_TEXT_CHARS) {
		snprintf(why, whylen, "followup.text: at most %d characters",
		    FOLLOWUP_TEXT_CHARS);
		return (HL_INVALID);
	}
	for (i = 0; i < n; i++)
		if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r' &&
		    s[i] != '\n')
			break;
	if (i == n) {
		snprintf(why, whylen, "followup.text: empty");
		return (HL_INVALID);
	}
	memcpy(out->fu_text, s, n);
	out->fu_text[n] = '\0';
	out->fu_text_len = n;
	out->fu_kind = FOLLOWUP_COMPLAINT;
	if ((v = json_object_get(o, "kind")) != NULL) {
		if (json_is_string(v) &&
		    strcmp(json_string_value(v), "request") == 0)
			out->fu_kind = FOLLOWUP_REQUEST;
		else if (!json_is_string(v) ||
		    strcmp(json_string_value(v), "complaint") != 0) {
			snprintf(why, whylen, "followup.kind: complaint or "
			    "request");
			return (HL_INVALID);
		}
	}
	if ((v = json_object_get(o, "consent")) != NULL && !json_is_boolean(v)) {
		snprintf(why, whylen, "followup.consent: true or false");
		return (HL_INVALID);
	}
	if ((v = json_object_get(o, "phone")) != NULL) {
		if (!json_is_string(v) || contact_phone(json_string_value(v),
		    json_string_length(v), out->fu_phone) == -1) {
			snprintf(why, whylen, "followup.phone: %d to %d digits",
			    CONTACT_DIGITS_MIN, CONTACT_DIGITS_MAX);
			return (HL_INVALID);
		}
		if (!json_is_true(json_object_get(o, "consent"))) {
			crypto_zero(out->fu_phone, sizeof(out->fu_phone));
			snprintf(why, whylen, "followup.consent: must be true to "
			    "keep a phone number");
			return (HL_INVALID);
		}
	}
	out->has_followup = 1;
	return (HL_OK);
}

enum hl_rc
json_in_response(const char *body, size_t len, struct response_req *out,
    char *why, size_t whylen)
{
	static const char *const names[] = { "idempotency_key", "token",
	    "answers", "comment", "lang", "answered_at", "waited", "followup",
	    NULL };
	json_t		*root = NULL, *v;
	const char	*s;
	size_t		 n, i;
	int		 l;
	enum hl_rc	 rc;

	memset(out, 0, sizeof(*out));
	out->lang = -1;
	if (why != NULL && whylen > 0)
		why[0] = '\0';
	if ((rc = json_in_root(body, len, &root, why, whylen)) != HL_OK)
		goto out;
	if ((rc = json_in_known(root, names, "", why, whylen)) != HL_OK)
		goto out;
	rc = HL_INVALID;

	if ((v = json_object_get(root, "idempotency_key")) == NULL) {
		snprintf(why, whylen, "idempotency_key: required");
		goto out;
	}
	if (!json_is_string(v) ||
	    (n = json_string_length(v)) < IDEM_KEY_MIN || n > IDEM_KEY_MAX) {
		snprintf(why, whylen, "idempotency_key: a string of %d to %d "
		    "characters", IDEM_KEY_MIN, IDEM_KEY_MAX);
		goto out;
	}
	s = json_string_value(v);
	for (i = 0; i < n; i++)
		if (!((s[i] >= 'A' && s[i] <= 'Z') ||
		    (s[i] >= 'a' && s[i] <= 'z') ||
		    (s[i] >= '0' && s[i] <= '9') || s[i] == '_' ||
		    s[i] == '-')) {
			snprintf(why, whylen, "idempotency_key: only A-Z, a-z, "
			    "0-9, '_', '-'");
			goto out;
		}
	memcpy(out->idem, s, n);
	out->idem_len = n;

	if ((v = json_object_get(root, "token")) != NULL) {
		if (!json_is_string(v) || (n = json_string_length(v)) == 0 ||
		    n > RESPONSE_TOKEN_MAX ||
		    !json_code_ok(json_string_value(v), n)) {
			snprintf(why, whylen, "token: a ticket token");
			goto out;
		}
		out->has_token = 1;
		memcpy(out->token, json_string_value(v), n);
		out->token_len = n;
	}

	if ((v = json_object_get(root, "answers")) == NULL) {
		snprintf(why, whylen, "answers: required");
		goto out;
	}
	if ((rc = json_in_answers(v, out, why, whylen)) != HL_OK)
		goto out;
	rc = HL_INVALID;

	if ((v = json_object_get(root, "comment")) != NULL) {
		if (!json_is_string(v)) {
			snprintf(why, whylen, "comment: must be a string");
			goto out;
		}
		s = json_string_value(v);
		n = json_string_length(v);
		if (n > COMMENT_BYTES_MAX || !utf8_valid(s, n) ||
		    utf8_chars(s, n) > COMMENT_CHARS_MAX) {
			snprintf(why, whylen, "comment: at most %d characters "
			    "of text", COMMENT_CHARS_MAX);
			goto out;
		}
		memcpy(out->comment, s, n);
		out->comment_len = n;
	}

	if ((v = json_object_get(root, "lang")) != NULL) {
		if (!json_is_string(v) || (l = lang_parse(json_string_value(v),
		    json_string_length(v))) == -1) {
			snprintf(why, whylen, "lang: vi, en or km");
			goto out;
		}
		out->lang = l;
	}

	if ((v = json_object_get(root, "answered_at")) != NULL) {
		if (json_is_integer(v) && json_integer_value(v) > 0 &&
		    json_integer_value(v) < ((json_int_t)1 << 40))
			out->answered = (int64_t)json_integer_value(v);
		else if (!json_is_string(v) ||
		    json_in_time(json_string_value(v), json_string_length(v),
		    &out->answered) == -1) {
			snprintf(why, whylen, "answered_at: ISO 8601 with a "
			    "zone, or seconds since 1970");
			goto out;
		}
		out->has_answered = 1;
	}

	if ((v = json_object_get(root, "waited")) != NULL) {
		if (!json_is_integer(v) || json_integer_value(v) < 0 ||
		    json_integer_value(v) > RESPONSE_WAIT_MAX) {
			snprintf(why, whylen, "waited: whole seconds from 0 to "
			    "%d", RESPONSE_WAIT_MAX);
			goto out;
		}
		out->waited = (int64_t)json_integer_value(v);
	}
	if ((v = json_object_get(root, "followup")) != NULL &&
	    (rc = json_in_followup(v, out, why, whylen)) != HL_OK)
		goto out;
	rc = HL_OK;
out:
	if (root != NULL)
		json_decref(root);
	if (rc != HL_OK) {
		crypto_zero(out, sizeof(*out));
		out->lang = -1;
	}
	return (rc);
}

/* A whole number 0..KIOSK_COUNT_MAX from o's name into *n; 0 or -1. */
static int
json_in_count(json_t *o, const char *name, int required, int64_t *n,
    char *why, size_t whylen)
{
	json_t	*v;

	*n = 0;
	if ((v = json_object_get(o, name)) == NULL) {
		if (!required)
			return (0);
		snprintf(why, whylen, "%s: required", name);
		return (-1);
	}
	if (!json_is_integer(v) || json_integer_value(v) < 0 ||
	    json_integer_value(v) > KIOSK_COUNT_MAX) {
		snprintf(why, whylen, "%s: a whole number from 0 to %d", name,
		    KIOSK_COUNT_MAX);
		return (-1);
	}
	*n = (int64_t)json_integer_value(v);
	return (0);
}

enum hl_rc
json_in_kiosk_status(const char *body, size_t len,
    struct kiosk_status_req *out, char *why, size_t whylen)
{
	static const char *const names[] = { "queued", "refused", "held",
	    "app", NULL };
	size_t		 n;
	json_t		*root = NULL;
	enum hl_rc	 rc;

	memset(out, 0, sizeof(*out));
	if (why != NULL && whylen > 0)
		why[0] = '\0';
	if ((rc = json_in_root(body, len, &root, why, whylen)) != HL_OK)
		goto out;
	if ((rc = json_in_known(root, names, "", why, whylen)) != HL_OK)
		goto out;
	rc = HL_INVALID;
	if (json_in_count(root, "queued", 1, &out->queued, why, whylen) == -1 ||
	    json_in_count(root, "refused", 1, &out->refused, why, whylen) ==
	    -1 || json_in_count(root, "held", 0, &out->held, why, whylen) == -1)
		goto out;
	if ((rc = json_in_str(root, "app", JK_TEXT, KIOSK_APP_MAX, out->app,
	    &n, why, whylen)) != HL_OK && rc != HL_NOT_FOUND)
		goto out;
	rc = HL_OK;
out:
	if (root != NULL)
		json_decref(root);
	if (rc != HL_OK)
		memset(out, 0, sizeof(*out));
	return (rc);
}

enum hl_rc
json_in_kiosk_add(const char *body, size_t len, struct kiosk_add_req *out,
    char *why, size_t whylen)
{
	static const char *const names[] = { "unit", "counter", "name",
	    NULL };
	json_t		*root = NULL;
	size_t		 n;
	enum hl_rc	 rc;

	memset(out, 0, sizeof(*out));
	if (why != NULL && whylen > 0)
		why[0] = '\0';
	if ((rc = json_in_root(body, len, &root, why, whylen)) != HL_OK)
		goto out;
	if ((rc = json_in_known(root, names, "", why, whylen)) != HL_OK)
		goto out;
	if ((rc = json_in_str(root, "unit", JK_CODE, UNIT_CODE_MAX,
	    out->unit, &n, why, whylen)) != HL_OK ||
	    (rc = json_in_str(root, "counter", JK_TEXT, COUNTER_MAX,
	    out->counter, &n, why, whylen)) != HL_OK ||
	    (rc = json_in_str(root, "name", JK_TEXT, KEY_NAME_MAX,
	    out->name, &n, why, whylen)) != HL_OK) {
		if (rc == HL_NOT_FOUND) {
			snprintf(why, whylen, "%s: required", out->unit[0] ==
			    '\0' ? "unit" : out->counter[0] == '\0' ?
			    "counter" : "name");
			rc = HL_INVALID;
		}
		goto out;
	}
	rc = HL_OK;
out:
	if (root != NULL)
		json_decref(root);
	if (rc != HL_OK)
		memset(out, 0, sizeof(*out));
	return (rc);
}

enum hl_rc
json_in_catrow(const char *body, size_t len, char type, struct catrow *out,
    char *why, size_t whylen)
{
	static const char *const ufields[] = { "code", "parent", "kind",
	    "name_vi", "name_en", "name_km", "hotline", NULL };
	static const char *const pfields[] = { "code", "sector", "name_vi",
	    "name_en", "name_km", NULL };
	const char *const *fields = type == CATROW_UNIT ? ufields : pfields;
	json_t		*root = NULL, *v;
	const char	*key, *sv;
	char		*dst;
	size_t		 i, n, max;
	enum hl_rc	 rc;

	memset(out, 0, sizeof(*out));
	out->type = type;
	if ((rc = json_in_root(body, len, &root, why, whylen)) != HL_OK)
		goto out;
	rc = HL_INVALID;
	json_object_foreach(root, key, v) {
		for (i = 0; fields[i] != NULL; i++)
			if (strcmp(key, fields[i]) == 0)
				break;
		if (fields[i] == NULL) {
			if (json_key_ok(key))
				snprintf(why, whylen, "unknown field \"%s\"",
				    key);
			else
				snprintf(why, whylen, "unknown field");
			goto out;
		}
	}
	for (i = 0; fields[i] != NULL; i++) {
		key = fields[i];
		if (strcmp(key, "code") == 0) {
			dst = out->code;
			max = UNIT_CODE_MAX;
		} else if (strcmp(key, "parent") == 0) {
			dst = out->parent;
			max = UNIT_CODE_MAX;
		} else if (strcmp(key, "kind") == 0) {
			dst = out->kind;
			max = UNIT_KIND_MAX;
		} else if (strcmp(key, "sector") == 0) {
			dst = out->sector;
			max = SECTOR_CODE_MAX;
		} else if (strcmp(key, "hotline") == 0) {
			dst = out->hotline;
			max = UNIT_HOTLINE_MAX;
		} else {
			dst = out->name[strcmp(key, "name_vi") == 0 ? LANG_VI :
			    strcmp(key, "name_en") == 0 ? LANG_EN : LANG_KM];
			max = CATALOG_NAME_MAX;
		}
		if ((v = json_object_get(root, key)) == NULL) {
			if (strcmp(key, "name_km") == 0 ||
			    strcmp(key, "hotline") == 0)
				continue;
			snprintf(why, whylen, "%s: required", key);
			goto out;
		}
		if (!json_is_string(v)) {
			snprintf(why, whylen, "%s: must be a string", key);
			goto out;
		}
		sv = json_string_value(v);
		n = json_string_length(v);
		if (n == 0 && strcmp(key, "parent") != 0 &&
		    strcmp(key, "name_km") != 0 &&
		    strcmp(key, "hotline") != 0) {
			snprintf(why, whylen, "%s: must not be empty", key);
			goto out;
		}
		if (n > max) {
			snprintf(why, whylen, "%s: at most %zu bytes", key, max);
			goto out;
		}
		if ((dst == out->code || dst == out->parent ||
		    dst == out->sector) && n > 0 && !json_code_ok(sv, n)) {
			snprintf(why, whylen, "%s: only A-Z, a-z, 0-9, '.', "
			    "'_', '-'", key);
			goto out;
		}
		if (!json_text_ok(sv, n)) {
			snprintf(why, whylen, "%s: control characters not "
			    "allowed", key);
			goto out;
		}
		memcpy(dst, sv, n);
		dst[n] = '\0';
	}
	rc = HL_OK;
out:
	if (root != NULL)
		json_decref(root);
	if (rc != HL_OK)
		memset(out, 0, sizeof(*out));
	return (rc);
}

enum hl_rc
json_in_retire(const char *body, size_t len, char *date, char *successor,
    char *why, size_t whylen)
{
	static const char *const names[] = { "date", "successor", NULL };
	json_t		*root = NULL, *v;
	const char	*key, *sv;
	char		*dst;
	size_t		 i, n, max;
	enum hl_rc	 rc;

	date[0] = successor[0] = '\0';
	if ((rc = json_in_root(body, len, &root, why, whylen)) != HL_OK)
		goto out;
	if ((rc = json_in_known(root, names, "", why, whylen)) != HL_OK)
		goto out;
	rc = HL_INVALID;
	for (i = 0; names[i] != NULL; i++) {
		key = names[i];
		dst = i == 0 ? date : successor;
		max = i == 0 ? UNIT_DATE_LEN : UNIT_CODE_MAX;
		if ((v = json_object_get(root, key)) == NULL) {
			snprintf(why, whylen, "%s: required", key);
			goto out;
		}
		if (!json_is_string(v)) {
			snprintf(why, whylen, "%s: must be a string", key);
			goto out;
		}
		sv = json_string_value(v);
		n = json_string_length(v);
		if (n == 0 || n > max || !json_code_ok(sv, n)) {
			snprintf(why, whylen, i == 0 ? "date: want a day as "
			    "YYYY-MM-DD, e.g. 2025-07-01" : "successor: a unit "
			    "code (A-Z, a-z, 0-9, '.', '_', '-')");
			goto out;
		}
		memcpy(dst, sv, n);
		dst[n] = '\0';
	}
	rc = HL_OK;
out:
	if (root != NULL)
		json_decref(root);
	if (rc != HL_OK)
		date[0] = successor[0] = '\0';
	return (rc);
}

enum hl_rc
json_in_followup_reply(const char *body, size_t len,
    struct followup_reply_req *out, char *why, size_t whylen)
{
	static const char *const names[] = { "text", "state", NULL };
	json_t		*root = NULL, *v;
	const char	*s;
	size_t		 n;
	enum hl_rc	 rc;

	memset(out, 0, sizeof(*out));
	if (why != NULL && whylen > 0)
		why[0] = '\0';
	if ((rc = json_in_root(body, len, &root, why, whylen)) != HL_OK)
		goto out;
	if ((rc = json_in_known(root, names, "", why, whylen)) != HL_OK)
		goto out;
	rc = HL_INVALID;
	if ((v = json_object_get(root, "state")) == NULL ||
	    !json_is_string(v) ||
	    (out->state = followup_state_parse(json_string_value(v))) == -1) {
		snprintf(why, whylen, "state: want \"open\", \"answered\" or "
		    "\"closed\"");
		goto out;
	}
	if ((v = json_object_get(root, "text")) != NULL) {
		if (!json_is_string(v)) {
			snprintf(why, whylen, "text: want a string");
			goto out;
		}
		s = json_string_value(v);
		n = json_string_length(v);
		if (!utf8_valid(s, n)) {
			snprintf(why, whylen, "text: control characters or "
			    "invalid UTF-8");
			goto out;
		}
		if (n > FOLLOWUP_TEXT_MAX ||
		    utf8_chars(s, n) > FOLLOWUP_TEXT_CHARS) {
			snprintf(why, whylen, "text: at most %d characters",
			    FOLLOWUP_TEXT_CHARS);
			rc = HL_TOO_BIG;
			goto out;
		}
		memcpy(out->text, s, n);
		out->text[n] = '\0';
		out->text_len = n;
	}
	rc = HL_OK;
out:
	if (root != NULL)
		json_decref(root);
	if (rc != HL_OK)
		memset(out, 0, sizeof(*out));
	return (rc);
}
