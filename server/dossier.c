/*
 * dossier.c: a dossier's events, state and lateness (dossier.h).
 * Trap: an event may come before the ones it follows (the one-stop
 * software retries in any order), so every check compares with the
 * times that are known and leaves the unknown ones free.
 */
#include <stdio.h>
#include <string.h>

#include "dossier.h"
#include "util.h"

static const char *const event_names[] = {
	NULL, "received", "supplement_requested", "refused", "returned",
	"withdrawn"
};
#define NEVENTS	(sizeof(event_names) / sizeof(event_names[0]))

static const char *const stage_names[STAGE_COUNT] = {
	"returned", "received", "supplement", "refused"
};

const char *
dossier_event_name(int e)
{
	return (e > 0 && (size_t)e < NEVENTS ? event_names[e] : NULL);
}

int
dossier_event_parse(const char *s, size_t len)
{
	size_t	 i;

	for (i = 1; i < NEVENTS; i++)
		if (strlen(event_names[i]) == len &&
		    memcmp(event_names[i], s, len) == 0)
			return ((int)i);
	return (DOSSIER_NONE);
}

const char *
dossier_stage_name(int s)
{
	return (s >= 0 && s < STAGE_COUNT ? stage_names[s] : NULL);
}

int
dossier_stage_parse(const char *s, size_t len)
{
	int	 i;

	for (i = 0; i < STAGE_COUNT; i++)
		if (strlen(stage_names[i]) == len &&
		    memcmp(stage_names[i], s, len) == 0)
			return (i);
	return (-1);
}

int
dossier_is_outcome(int e)
{
	return (e == DOSSIER_REFUSED || e == DOSSIER_RETURNED ||
	    e == DOSSIER_WITHDRAWN);
}

/* The fields every event carries: the same dossier. */
static int
same_dossier(const struct dossier *d, const struct dossier_ev *ev,
    char *why, size_t whylen)
{
	if (strcmp(d->procedure, ev->procedure) != 0) {
		snprintf(why, whylen, "procedure: not the dossier's "
		    "procedure (events of one case name the same one)");
		return (0);
	}
	if (ev->handling_unit[0] != '\0' && d->handling_unit[0] != '\0' &&
	    strcmp(d->handling_unit, ev->handling_unit) != 0) {
		snprintf(why, whylen, "handling_unit: not the dossier's "
		    "handling unit");
		return (0);
	}
	return (1);
}

static int
apply_received(struct dossier *d, const struct dossier_ev *ev, char *why,
    size_t whylen)
{
	if (d->received != 0) {
		if (d->received == ev->at && d->due == ev->due)
			return (DOSSIER_SAME);
		snprintf(why, whylen, "event: the dossier was already "
		    "received, at another time or with another due date");
		return (DOSSIER_IMPOSSIBLE);
	}
	if (d->supplement_first != 0 && d->supplement_first < ev->at) {
		snprintf(why, whylen, "at: after a request for more "
		    "documents of this dossier");
		return (DOSSIER_IMPOSSIBLE);
	}
	if (d->outcome != DOSSIER_NONE && d->settled < ev->at) {
		snprintf(why, whylen, "at: after the dossier was %s",
		    dossier_event_name(d->outcome));
		return (DOSSIER_IMPOSSIBLE);
	}
	d->received = ev->at;
	d->due = ev->due;
	return (DOSSIER_CHANGED);
}

static int
apply_supplement(struct dossier *d, const struct dossier_ev *ev, char *why,
    size_t whylen)
{
	if (ev->at == d->supplement_first || ev->at == d->supplement_last)
		return (DOSSIER_SAME);
	if (d->received != 0 && ev->at < d->received) {
		snprintf(why, whylen, "at: before the dossier was received");
		return (DOSSIER_IMPOSSIBLE);
	}
	if (d->outcome != DOSSIER_NONE && ev->at > d->settled) {
		snprintf(why, whylen, "event: the dossier was already %s",
		    dossier_event_name(d->outcome));
		return (DOSSIER_IMPOSSIBLE);
	}
	if (d->supplement_first == 0 || ev->at < d->supplement_first)
		d->supplement_first = ev->at;
	if (ev->at > d->supplement_last)
		d->supplement_last = ev->at;
	return (DOSSIER_CHANGED);
}

static int
apply_outcome(struct dossier *d, const struct dossier_ev *ev, char *why,
    size_t whylen)
{
	if (d->outcome != DOSSIER_NONE) {
		if (d->outcome == ev->event && d->settled == ev->at)
			return (DOSSIER_SAME);
		snprintf(why, whylen, "event: the dossier was already %s%s",
		    dossier_event_name(d->outcome), d->outcome == ev->event ?
		    " at another time" : "");
		return (DOSSIER_IMPOSSIBLE);
	}
	if (d->received != 0 && ev->at < d->received) {
		snprintf(why, whylen, "at: before the dossier was received");
		return (DOSSIER_IMPOSSIBLE);
	}
	if (d->supplement_last != 0 && ev->at < d->supplement_last) {
		snprintf(why, whylen, "at: before a request for more "
		    "documents of this dossier");
		return (DOSSIER_IMPOSSIBLE);
	}
	d->outcome = (uint8_t)ev->event;
	d->settled = ev->at;
	return (DOSSIER_CHANGED);
}

int
dossier_event_apply(struct dossier *d, int exists,
    const struct dossier_ev *ev, char *why, size_t whylen)
{
	struct dossier	 n;
	int		 rc;

	if (why != NULL && whylen > 0)
		why[0] = '\0';
	if (dossier_event_name(ev->event) == NULL) {
		snprintf(why, whylen, "event: unknown event");
		return (DOSSIER_IMPOSSIBLE);
	}
	if (ev->due != 0 && ev->event != DOSSIER_RECEIVED) {
		snprintf(why, whylen, "due: only with the event received");
		return (DOSSIER_IMPOSSIBLE);
	}
	if (ev->due != 0 && (ev->due < ev->at ||
	    ev->due - ev->at > DOSSIER_DUE_MAX)) {
		snprintf(why, whylen, "due: before the dossier was received "
		    "or more than three years after");
		return (DOSSIER_IMPOSSIBLE);
	}
	if (exists) {
		if (!same_dossier(d, ev, why, whylen))
			return (DOSSIER_IMPOSSIBLE);
		n = *d;
	} else {
		memset(&n, 0, sizeof(n));
		strlcpy(n.unit, ev->unit, sizeof(n.unit));
		strlcpy(n.procedure, ev->procedure, sizeof(n.procedure));
	}
	if (ev->event == DOSSIER_RECEIVED)
		rc = apply_received(&n, ev, why, whylen);
	else if (ev->event == DOSSIER_SUPPLEMENT)
		rc = apply_supplement(&n, ev, why, whylen);
	else
		rc = apply_outcome(&n, ev, why, whylen);
	if (rc == DOSSIER_SAME && ev->handling_unit[0] != '\0' &&
	    n.handling_unit[0] == '\0')
		rc = DOSSIER_CHANGED;	/* a repeat that names it */
	if (rc != DOSSIER_CHANGED)
		return (rc);
	if (n.handling_unit[0] == '\0' && strcmp(ev->handling_unit,
	    n.unit) != 0)
		strlcpy(n.handling_unit, ev->handling_unit,
		    sizeof(n.handling_unit));
	*d = n;
	return (DOSSIER_CHANGED);
}

const char *
dossier_state(const struct dossier *d)
{
	if (d->outcome != DOSSIER_NONE)
		return (dossier_event_name(d->outcome));
	if (d->supplement_last != 0)
		return (dossier_event_name(DOSSIER_SUPPLEMENT));
	return (dossier_event_name(DOSSIER_RECEIVED));
}

int
dossier_open(const struct dossier *d)
{
	return (d->outcome == DOSSIER_NONE);
}

int
dossier_late(const struct dossier *d, int64_t now)
{
	if (d->due == 0)
		return (0);
	if (d->outcome == DOSSIER_RETURNED)
		return (d->settled > d->due);
	if (d->outcome == DOSSIER_NONE)
		return (now > d->due);
	return (0);
}

const char *
dossier_count_unit(const struct dossier *d)
{
	return (d->handling_unit[0] != '\0' ? d->handling_unit : d->unit);
}

int
dossier_stat_same(const struct dossier_stat *a, const struct dossier_stat *b)
{
	return (a->received == b->received && a->on_time == b->on_time &&
	    a->late == b->late && a->refused == b->refused &&
	    a->withdrawn == b->withdrawn);
}
