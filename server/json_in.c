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
			if (ticket_fields[i].required) {
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
