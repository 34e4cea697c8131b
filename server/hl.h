/*
 * hl.h: what every module of hailong shares: result codes, the three
 * languages, and the limits of the fields that travel between modules.
 * A limit lives here only when more than one module enforces it.
 */
#ifndef HL_H
#define HL_H

#include <stddef.h>
#include <stdint.h>

enum hl_rc {
	HL_OK = 0,
	HL_NOT_FOUND,		/* 404 */
	HL_CONFLICT,		/* 409 */
	HL_GONE,		/* 410 */
	HL_MALFORMED,		/* 400: not parseable at all */
	HL_INVALID,		/* 422: parsed, values wrong */
	HL_TOO_BIG,		/* 413 */
	HL_FULL,		/* 503: disk full, try later */
	HL_ERROR		/* 500 */
};

/* Languages of every text shown to citizens; LANG_VI is the default. */
enum lang {
	LANG_VI = 0,
	LANG_EN,
	LANG_KM,
	LANG_COUNT
};

/* A text in every language; each pointer is non-NULL once loaded. */
struct text {
	char	*s[LANG_COUNT];
};

/* Field limits, in bytes, without the terminating NUL. */
#define PROC_CODE_MAX		32
#define SERVICE_CODE_MAX	32
#define UNIT_CODE_MAX		32
#define SECTOR_CODE_MAX		15
#define COUNTER_MAX		16
#define CASE_MAX		64
#define QUESTION_ID_MAX		23
#define SURVEY_ID_MAX		15
#define COMMENT_CHARS_MAX	1000	/* characters (code points) */
#define COMMENT_BYTES_MAX	(COMMENT_CHARS_MAX * 4)
#define LANG_CODE_MAX		3

#endif
