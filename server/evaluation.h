/*
 * evaluation.h: the evaluations for the national evaluation system: one
 * record per answer through a ticket linked to a dossier (a ticket
 * issued with a case), with the dossier's keyed hash, agency,
 * procedure, stage, dates, answers and times, as CSV or JSON lines
 * (docs/EVALUATIONS.md has the layout). Written by `hailong export
 * --format evaluations` and GET /api/v1/evaluations alike.
 */
#ifndef EVALUATION_H
#define EVALUATION_H

#include <stdint.h>

#include "buf.h"
#include "catalog.h"
#include "survey.h"

struct store;

/* The largest answer of GET /api/v1/evaluations. */
#define EVALUATION_HTTP_MAX	(64u * 1024 * 1024)

struct evaluation_opts {
	uint32_t	 from, to;	/* months YYYYMM of the answers */
	const char	*unit;		/* NULL or "": every agency */
	int		 csv;		/* else JSON lines */
	int64_t		 now;		/* lateness; 0: now_sec() */
};

/*
 * Appends the evaluations of o to out, in answer order: the procedure
 * survey's answers (sv) answered in months from..to whose agency (the
 * dossier's, else the ticket's counting unit) lies in o->unit's subtree.
 * The comment is never written (free text). Returns the number of
 * records, -1 when the store cannot be read, -2 when out is full.
 */
long	 evaluation_write(struct store *, const struct catalog *,
	    const struct survey *sv, const struct evaluation_opts *o,
	    struct buf *out);

#endif
