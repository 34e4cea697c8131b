/*
 * h_admin.c: the admin API under /api/v1/admin/: the audit log (newest
 * first, filtered, as JSON or CSV) and the users (without their hashes).
 * Traps: a unit-limited admin reads only the entries of its subtree's
 * units (an entry of the whole province, unit "", is not theirs); the
 * audit CSV's cells are written formula-safe, since a name or a unit's
 * name is whatever an admin typed.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "audit.h"
#include "h.h"
#include "util.h"

#define H_AUDIT_LIMIT		100	/* entries by default */
#define H_AUDIT_LIMIT_MAX	1000
#define H_AUDIT_CSV_MAX		(16u * 1024 * 1024)

struct h_audit_q {
	struct req	*r;
	const char	*who;		/* a part of who, or NULL */
	const char	*action;	/* "user.add", or "user." for all */
	int64_t		 from, to;	/* [from, to) seconds; 0 = open */
	long long	 limit;
	long long	 n;
	uint64_t	 last;		/* the last entry's key taken */
	int		 more;
	int		 csv;
	json_t		*out;
};

/* 1 when the request may see things of unit ("" = the whole province). */
int
h_admin_may(const struct req *r, const char *unit)
{
	if (r->unit[0] == '\0')
		return (1);
	return (unit[0] != '\0' &&
	    catalog_in_subtree(r->app->cat, unit, r->unit));
}

void
h_admin_actor(const struct req *r, struct actor *ac)
{
	memset(ac, 0, sizeof(*ac));
	ac->role = (uint8_t)r->role;
	strlcpy(ac->who, r->who, sizeof(ac->who));
	strlcpy(ac->unit, r->unit, sizeof(ac->unit));
}

/* A CSV cell: quoted, quotes doubled, a formula made text. */
static int
h_csv_cell(struct buf *b, const char *s, int last)
{
	const char	*p;

	if (buf_addc(b, '"') == -1 ||
	    (cell_is_formula(s) && buf_addc(b, '\'') == -1))
		return (-1);
	for (p = s; *p != '\0'; p++)
		if ((*p == '"' && buf_addc(b, '"') == -1) ||
		    buf_addc(b, *p) == -1)
			return (-1);
	if (buf_addc(b, '"') == -1)
		return (-1);
	return (last ? buf_addstr(b, "\r\n") : buf_addc(b, ','));
}

static int
h_audit_one(const struct audit *a, void *arg)
{
	struct h_audit_q	*q = arg;
	char			 at[32];

	if (q->to != 0 && a->at >= q->to)
		return (0);
	if (q->from != 0 && a->at < q->from)
		return (1);	/* older still: done */
	if (!h_admin_may(q->r, a->unit))
		return (0);
	if (q->who != NULL && strstr(a->who, q->who) == NULL)
		return (0);
	if (q->action != NULL) {
		size_t n = strlen(q->action);

		if (n > 0 && q->action[n - 1] == '.' ?
		    strncmp(a->action, q->action, n) != 0 :
		    strcmp(a->action, q->action) != 0)
			return (0);
	}
	if (q->n >= q->limit) {
		q->more = 1;
		return (1);
	}
	q->n++;
	q->last = a->key;
	if (!q->csv) {
		json_array_append_new(q->out, audit_entry_json(a));
		return (0);
	}
	format_time(a->at, at);
	if (h_csv_cell(&q->r->out, at, 0) == -1 ||
	    h_csv_cell(&q->r->out, a->who, 0) == -1 ||
	    h_csv_cell(&q->r->out, a->role == ROLE_NONE ? "operator" :
	    role_name((enum role)a->role), 0) == -1 ||
	    h_csv_cell(&q->r->out, a->action, 0) == -1 ||
	    h_csv_cell(&q->r->out, a->unit, 0) == -1 ||
	    h_csv_cell(&q->r->out, a->before, 0) == -1 ||
	    h_csv_cell(&q->r->out, a->after, 1) == -1)
		return (-1);
	return (0);
}

/* A filter's value; an empty one (a form's blank field) is none. */
static const char *
h_audit_arg(struct req *r, const char *name)
{
	const char	*s = http_arg(r, name);

	return (s != NULL && s[0] != '\0' ? s : NULL);
}

/* The query's filters into q; 0, or -1 with a 400 sent. */
static int
h_audit_query(struct req *r, struct h_audit_q *q, uint64_t *before)
{
	const char	*s;
	long long	 v;

	memset(q, 0, sizeof(*q));
	q->r = r;
	q->limit = H_AUDIT_LIMIT;
	*before = 0;
	if ((s = h_audit_arg(r, "limit")) != NULL &&
	    parse_num(s, strlen(s), 1, H_AUDIT_LIMIT_MAX, &q->limit) == -1) {
		http_fail(r, 400, "limit: a number from 1 to 1000");
		return (-1);
	}
	if ((s = h_audit_arg(r, "before")) != NULL) {
		if (parse_num(s, strlen(s), 1, INT64_MAX, &v) == -1) {
			http_fail(r, 400, "before: the id of an entry");
			return (-1);
		}
		*before = (uint64_t)v;
	}
	if ((s = h_audit_arg(r, "from")) != NULL && parse_date(s, &q->from) ==
	    -1) {
		http_fail(r, 400, "from: a date YYYY-MM-DD");
		return (-1);
	}
	if ((s = h_audit_arg(r, "to")) != NULL) {
		if (parse_date(s, &q->to) == -1) {
			http_fail(r, 400, "to: a date YYYY-MM-DD");
			return (-1);
		}
		q->to += 86400;	/* the whole day */
	}
	if ((s = h_audit_arg(r, "who")) != NULL && s[0] != '\0') {
		if (strlen(s) > AUDIT_WHO_MAX) {
			http_fail(r, 400, "who: too long");
			return (-1);
		}
		q->who = s;
	}
	if ((s = h_audit_arg(r, "action")) != NULL && s[0] != '\0') {
		if (strlen(s) > AUDIT_ACTION_MAX) {
			http_fail(r, 400, "action: too long");
			return (-1);
		}
		q->action = s;
	}
	return (0);
}

void
h_admin_audit(struct req *r)
{
	struct h_audit_q q;
	json_t		*j;
	uint64_t	 before;
	char		*s, next[24];

	if (h_audit_query(r, &q, &before) == -1)
		return;
	q.out = json_array();
	if (store_each_audit(r->app->st, before, h_audit_one, &q) == -1) {
		json_decref(q.out);
		http_fail_rc(r, HL_ERROR);
		return;
	}
	snprintf(next, sizeof(next), "%llu", (unsigned long long)q.last);
	j = json_pack("{s:o,s:s?}", "entries", q.out, "next",
	    q.more ? next : NULL);
	s = json_dumps(j, JSON_COMPACT);
	json_decref(j);
	if (s == NULL) {
		http_fail(r, 500, "cannot render the audit log");
		return;
	}
	r->no_store = 1;
	http_reply_json(r, 200, s);
	free(s);
}

int
h_admin_audit_collect(struct req *r, json_t **entries, char *next,
    size_t nextlen)
{
	struct h_audit_q q;
	uint64_t	 before;

	*entries = NULL;
	next[0] = '\0';
	if (h_audit_query(r, &q, &before) == -1)
		return (-1);
	q.out = json_array();
	if (store_each_audit(r->app->st, before, h_audit_one, &q) == -1) {
		json_decref(q.out);
		http_fail_rc(r, HL_ERROR);
		return (-1);
	}
	if (q.more)
		snprintf(next, nextlen, "%llu", (unsigned long long)q.last);
	*entries = q.out;
	return (0);
}

void
h_admin_audit_csv(struct req *r)
{
	struct h_audit_q q;
	uint64_t	 before;
	int		 over;

	if (h_audit_query(r, &q, &before) == -1)
		return;
	q.csv = 1;
	if (h_audit_arg(r, "limit") == NULL)
		q.limit = INT64_MAX;	/* the whole log, up to the cap */
	/* The whole log may be larger than a page. */
	buf_clear(&r->out);
	buf_init(&r->out, H_AUDIT_CSV_MAX);
	if (buf_addstr(&r->out, "at,who,role,action,unit,before,after\r\n") ==
	    -1 || store_each_audit(r->app->st, before, h_audit_one, &q) ==
	    -1 || r->out.overflow) {
		over = r->out.overflow;
		buf_reset(&r->out);
		r->out.overflow = 0;
		http_fail(r, over ? 413 : 500, over ? "more than 16 MiB of "
		    "CSV: narrow it with from and to" : "cannot write the audit "
		    "log as CSV");
		return;
	}
	r->no_store = 1;
	http_reply(r, 200, "text/csv; charset=utf-8");
}

static int
h_user_one(const struct user *u, void *arg)
{
	struct req	*r = ((void **)arg)[0];
	json_t		*a = ((void **)arg)[1];

	if (h_admin_may(r, u->unit))
		json_array_append_new(a, audit_user_json(u));
	return (0);
}

void
h_admin_users(struct req *r)
{
	json_t	*a = json_array();
	void	*arg[2] = { r, a };
	char	*s;

	if (store_each_user(r->app->st, h_user_one, arg) != 0) {
		json_decref(a);
		http_fail_rc(r, HL_ERROR);
		return;
	}
	s = json_dumps(a, JSON_COMPACT);
	json_decref(a);
	if (s == NULL) {
		http_fail(r, 500, "cannot render the users");
		return;
	}
	r->no_store = 1;
	http_reply_json(r, 200, s);
	free(s);
}
