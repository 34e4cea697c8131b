/*
 * dossier.h: a dossier of the one-stop software as hailong follows it:
 * the events it reports (received, supplement requested, refused,
 * returned, withdrawn), the state they give, whether it is late, and the
 * stages at which a ticket asks for an evaluation. Pure functions: the
 * writer applies an event to the stored dossier with
 * dossier_event_apply() and stores the result.
 * Trap: events come in any order and more than once. A dossier keeps the
 * time of each kind of event, not a history, so that a repeated event
 * changes nothing and a late one still lands where its time says; a
 * sequence no order of the times can give is refused whole.
 */
#ifndef DOSSIER_H
#define DOSSIER_H

#include <stddef.h>
#include <stdint.h>

#include "hl.h"

enum dossier_event {
	DOSSIER_NONE = 0,
	DOSSIER_RECEIVED = 1,
	DOSSIER_SUPPLEMENT = 2,	/* more documents asked for */
	DOSSIER_REFUSED = 3,
	DOSSIER_RETURNED = 4,	/* the result handed back */
	DOSSIER_WITHDRAWN = 5
};

/* The event's name on the wire ("supplement_requested"), NULL if none. */
const char *dossier_event_name(int);
/* The event of s[0..len), or DOSSIER_NONE. */
int	 dossier_event_parse(const char *s, size_t len);
/* 1 for the events that settle a dossier: refused, returned, withdrawn. */
int	 dossier_is_outcome(int);

/*
 * Stages at which a ticket asks: with the receipt slip, with a request
 * for more documents, with a refusal, with the result (the default).
 */
enum dossier_stage {
	STAGE_RETURNED = 0,
	STAGE_RECEIVED = 1,
	STAGE_SUPPLEMENT = 2,
	STAGE_REFUSED = 3,
	STAGE_COUNT
};
#define STAGE_NAME_MAX	10	/* "supplement" */
const char *dossier_stage_name(int);
/* The stage of s[0..len), or -1. */
int	 dossier_stage_parse(const char *s, size_t len);

/* A dossier's key: the receiving unit's slot, then the case hash. */
#define DOSSIER_KEY_LEN		(UNIT_CODE_MAX + 32)

/* An event's times: not before 2000, not past now + this. */
#define DOSSIER_SKEW_MAX	300
#define DOSSIER_TIME_MIN	946684800	/* 2000-01-01 */
/* A due date at most this long after receipt. */
#define DOSSIER_DUE_MAX		(3 * 366 * 86400)

/*
 * A dossier: its key is (receiving unit, keyed hash of the case), as
 * tickets_by_case's; the case number itself is never here. Times are
 * seconds since the epoch, 0 when not known yet.
 */
struct dossier {
	char	 unit[UNIT_CODE_MAX + 1];		/* received it */
	char	 handling_unit[UNIT_CODE_MAX + 1];	/* "" = the same */
	char	 procedure[PROC_CODE_MAX + 1];
	int64_t	 received;
	int64_t	 due;			/* 0: none given */
	int64_t	 supplement_first;	/* supplement requests */
	int64_t	 supplement_last;
	uint8_t	 outcome;		/* refused, returned, withdrawn or 0 */
	int64_t	 settled;		/* the outcome's time */
	int64_t	 updated;		/* last change stored */
};

/* One event as the one-stop software sends it. */
struct dossier_ev {
	char	 unit[UNIT_CODE_MAX + 1];
	char	 handling_unit[UNIT_CODE_MAX + 1];	/* "" when absent */
	char	 procedure[PROC_CODE_MAX + 1];
	int	 event;			/* enum dossier_event */
	int64_t	 at;
	int64_t	 due;			/* 0 when absent */
};

enum dossier_apply {
	DOSSIER_IMPOSSIBLE = -1,	/* why says what; d unchanged */
	DOSSIER_SAME = 0,		/* a repeat: nothing to store */
	DOSSIER_CHANGED = 1
};

/*
 * Applies ev to d (exists 0: d is new, taken from ev). Checks that the
 * dossier stays one that some order of its events can give: received
 * before any request for documents, those before the one outcome, the
 * due date not before receipt; the same procedure and handling unit.
 * Returns an enum dossier_apply; d is changed only with
 * DOSSIER_CHANGED. why never holds a value of the input.
 */
int	 dossier_event_apply(struct dossier *d, int exists,
	    const struct dossier_ev *ev, char *why, size_t whylen);

/*
 * A row of a one-stop system's monthly statistics (hailong dossiers
 * import): the dossiers of one agency and procedure in one month, for
 * what the events miss.
 */
#define DSTAT_COUNT_MAX		10000000
struct dossier_stat {
	uint32_t month;				/* YYYYMM */
	char	 agency[UNIT_CODE_MAX + 1];
	char	 procedure[PROC_CODE_MAX + 1];
	uint64_t received;
	uint64_t on_time;			/* settled on time */
	uint64_t late;				/* settled late */
	uint64_t refused;
	uint64_t withdrawn;
	int64_t	 imported;			/* when, seconds */
};
/* 1 when a and b hold the same counts (not the time of import). */
int	 dossier_stat_same(const struct dossier_stat *,
	    const struct dossier_stat *);

/* "received", "supplement_requested", "refused", "returned",
 * "withdrawn" (the outcome, else the last request, else received). */
const char *dossier_state(const struct dossier *);
/* 1 when open (no outcome yet). */
int	 dossier_open(const struct dossier *);
/*
 * 1 when late at time now: returned after its due date, or still open
 * past it. A refused or withdrawn dossier and one with no due date are
 * never late.
 */
int	 dossier_late(const struct dossier *, int64_t now);
/* The unit a dossier counts under: the handling unit, else receiving. */
const char *dossier_count_unit(const struct dossier *);

#endif
