/*
 * json_in.h: JSON request bodies (jansson) into fixed structs. Duplicate
 * keys, unknown keys, wrong types and over-long strings are rejected.
 */
#ifndef JSON_IN_H
#define JSON_IN_H

#include <stddef.h>

#include "hl.h"

#define JSON_BODY_MAX	(16u * 1024)
#define JSON_DEPTH_MAX	8

struct ticket_req {
	char	 procedure[PROC_CODE_MAX + 1];
	char	 unit[UNIT_CODE_MAX + 1];
	char	 handling_unit[UNIT_CODE_MAX + 1];	/* "" when absent */
	char	 sector[SECTOR_CODE_MAX + 1];		/* "" when absent */
	char	 counter[COUNTER_MAX + 1];		/* "" when absent */
	int	 has_case;
	size_t	 case_len;
	char	 caseref[CASE_MAX + 1];
};

/*
 * {"procedure": s, "unit": s, "handling_unit": s?, "sector": s?,
 *  "case": s?, "counter": s or integer?}.
 * Returns HL_OK; HL_MALFORMED (400) when the body is not a JSON object
 * (syntax, duplicate keys, nesting deeper than JSON_DEPTH_MAX);
 * HL_INVALID (422) for unknown keys, wrong types, missing procedure or
 * unit, empty or over-long values, control characters. why names the
 * field and the rule, never echoes the value.
 */
enum hl_rc json_in_ticket(const char *body, size_t len,
	    struct ticket_req *out, char *why, size_t whylen);

#endif
