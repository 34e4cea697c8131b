/*
 * store_read.c: every read of the store: point reads, read snapshots,
 * the ranged reads of the report (sums, agg prefixes), walks over keys,
 * enrolments and responses, and the comment index.
 * Trap: values returned by LMDB live only until their transaction ends,
 * so every read decodes (copies) before the abort; a callback runs
 * inside the walk's read transaction, so it must never wait for the
 * writer (store_priv.h).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "crypto.h"
#include "record.h"
#include "store.h"
#include "store_priv.h"
#include "util.h"

/* The typed code ends inside byte CODE_BITS / 8 of the id. */
_Static_assert(CODE_BITS % 8 != 0 && CODE_BITS / 8 < CODE_PREFIX_LEN,
    "code prefix layout");

/* s into a fixed slot of len bytes, NUL-padded, as keys hold it. */
static void
read_slot(uint8_t *p, size_t len, const char *s)
{
	size_t	 n = strnlen(s, len);

	memset(p, 0, len);
	memcpy(p, s, n);
}

/* The stage of t from its link to a dossier; none: returned. */
static int
ticket_stage_read(struct store *st, MDB_txn *txn, struct ticket *t)
{
	uint8_t	 dk[CASE_KEY_LEN], stage;
	MDB_val	 k = { TICKET_ID_LEN, t->id }, v;
	int	 rc;

	t->stage = STAGE_RETURNED;
	if ((rc = mdb_get(txn, st->ticket_dossiers, &k, &v)) == MDB_NOTFOUND)
		return (0);
	if (rc != 0)
		return (rc);
	/* A damaged link leaves the ticket readable (verify names it). */
	if (record_ticket_link_decode(v.mv_data, v.mv_size, &stage,
	    dk) == 0)
		t->stage = stage;
	return (0);
}

int
store_ticket_read(struct store *st, MDB_txn *txn, const MDB_val *v,
    struct ticket *t)
{
	uint8_t	 kb[ANSWERED_KEY_LEN];
	MDB_val	 k = { sizeof(kb), kb }, a;
	int	 rc;

	if (record_ticket_decode(v->mv_data, v->mv_size, t) == -1)
		return (MDB_CORRUPTED);
	if ((rc = ticket_stage_read(st, txn, t)) != 0)
		return (rc);
	if (t->state != TICKET_OPEN)
		return (0);
	record_answered_key(t, kb);
	if ((rc = mdb_get(txn, st->answered, &k, &a)) == MDB_NOTFOUND)
		return (0);
	if (rc != 0)
		return (rc);
	if (a.mv_size != 8)
		return (MDB_CORRUPTED);
	t->state = TICKET_ANSWERED;
	t->response = be64_get(a.mv_data);
	return (0);
}

enum hl_rc
store_ticket_get(struct store *st, const uint8_t id[TICKET_ID_LEN],
    struct ticket *t)
{
	MDB_txn	*txn = NULL;
	MDB_val	 k = { TICKET_ID_LEN, (void *)id }, v;
	int	 rc;

	if ((rc = store_txn_begin(st, MDB_RDONLY, &txn)) != 0)
		goto out;
	if ((rc = mdb_get(txn, st->tickets, &k, &v)) != 0)
		goto out;
	rc = store_ticket_read(st, txn, &v, t);
out:
	store_txn_abort(st, txn);
	return (store_rc(rc));
}

enum hl_rc
store_ticket_by_code(struct store *st, const uint8_t prefix[CODE_PREFIX_LEN],
    struct ticket *t)
{
	MDB_txn		*txn = NULL;
	MDB_cursor	*c = NULL;
	uint8_t		 key[TICKET_ID_LEN];
	MDB_val		 k = { TICKET_ID_LEN, key }, v;
	const uint8_t	*f;
	uint8_t		 mask = (uint8_t)(0xff << (8 - CODE_BITS % 8));
	int		 rc;

	memset(key, 0, sizeof(key));
	memcpy(key, prefix, CODE_PREFIX_LEN);
	key[CODE_BITS / 8] &= mask;
	if ((rc = store_txn_begin(st, MDB_RDONLY, &txn)) != 0)
		goto out;
	if ((rc = mdb_cursor_open(txn, st->tickets, &c)) != 0)
		goto out;
	if ((rc = mdb_cursor_get(c, &k, &v, MDB_SET_RANGE)) != 0)
		goto out;
	f = k.mv_data;
	if (k.mv_size != TICKET_ID_LEN || memcmp(f, key, CODE_BITS / 8) != 0 ||
	    (f[CODE_BITS / 8] & mask) != key[CODE_BITS / 8]) {
		rc = MDB_NOTFOUND;
		goto out;
	}
	rc = store_ticket_read(st, txn, &v, t);
out:
	if (c != NULL)
		mdb_cursor_close(c);
	store_txn_abort(st, txn);
	return (store_rc(rc));
}

enum hl_rc
store_key_get(struct store *st, const uint8_t hash[32], struct apikey *key)
{
	MDB_txn	*txn = NULL;
	MDB_val	 k = { 32, (void *)hash }, v;
	int	 rc;

	if ((rc = store_txn_begin(st, MDB_RDONLY, &txn)) != 0)
		goto out;
	if ((rc = mdb_get(txn, st->keys, &k, &v)) != 0)
		goto out;
	if (record_apikey_decode(v.mv_data, v.mv_size, key) == -1)
		rc = MDB_CORRUPTED;
out:
	store_txn_abort(st, txn);
	return (store_rc(rc));
}

enum hl_rc
store_user_get(struct store *st, const char *name, struct user *u)
{
	MDB_txn	*txn = NULL;
	uint8_t	 kb[USER_KEY_LEN];
	MDB_val	 k = { USER_KEY_LEN, kb }, v;
	int	 rc;

	if (record_user_key(name, kb) == -1)
		return (HL_NOT_FOUND);
	if ((rc = store_txn_begin(st, MDB_RDONLY, &txn)) != 0)
		goto out;
	if ((rc = mdb_get(txn, st->users, &k, &v)) != 0)
		goto out;
	if (record_user_decode(v.mv_data, v.mv_size, u) == -1)
		rc = MDB_CORRUPTED;
	else
		strlcpy(u->name, name, sizeof(u->name));
out:
	store_txn_abort(st, txn);
	return (store_rc(rc));
}

enum hl_rc
store_response_get(struct store *st, uint64_t key, struct response *r)
{
	MDB_txn	*txn = NULL;
	uint8_t	 kb[8];
	MDB_val	 k = { 8, kb }, v;
	int	 rc;

	be64_put(kb, key);
	if ((rc = store_txn_begin(st, MDB_RDONLY, &txn)) != 0)
		goto out;
	if ((rc = mdb_get(txn, st->responses, &k, &v)) != 0)
		goto out;
	if (record_response_decode(v.mv_data, v.mv_size, r) == -1)
		rc = MDB_CORRUPTED;
out:
	store_txn_abort(st, txn);
	return (store_rc(rc));
}

enum hl_rc
store_idem_get(struct store *st, const uint8_t hash[32], struct idem *im)
{
	MDB_txn	*txn = NULL;
	MDB_val	 k = { 32, (void *)hash }, v;
	int	 rc;

	if ((rc = store_txn_begin(st, MDB_RDONLY, &txn)) != 0)
		goto out;
	if ((rc = mdb_get(txn, st->idem, &k, &v)) != 0)
		goto out;
	if (record_idem_decode(v.mv_data, v.mv_size, im) == -1)
		rc = MDB_CORRUPTED;
out:
	store_txn_abort(st, txn);
	return (store_rc(rc));
}

int
store_each_key(struct store *st,
    int (*fn)(const uint8_t *, const struct apikey *, void *), void *arg)
{
	struct store_walk	 w;
	struct apikey	 ak;
	uint8_t		 hash[32];
	int		 rc, ret = -1;

	if (store_walk_begin(&w, st, st->keys, NULL, 0) == -1)
		return (-1);
	while ((rc = store_walk_next(&w)) == 1) {
		if (w.k.mv_size != 32 ||
		    record_apikey_decode(w.v.mv_data, w.v.mv_size, &ak) == -1)
			goto out;
		memcpy(hash, w.k.mv_data, 32);
		if ((rc = fn(hash, &ak, arg)) != 0)
			break;
	}
	ret = rc;
out:
	store_walk_end(&w);
	return (ret);
}

int
store_each_user(struct store *st, int (*fn)(const struct user *, void *),
    void *arg)
{
	struct store_walk	 w;
	struct user	 u;
	int		 rc, ret = -1;

	if (store_walk_begin(&w, st, st->users, NULL, 0) == -1)
		return (-1);
	while ((rc = store_walk_next(&w)) == 1) {
		if (w.k.mv_size != USER_KEY_LEN ||
		    ((const uint8_t *)w.k.mv_data)[USER_NAME_MAX] != 0 ||
		    record_user_decode(w.v.mv_data, w.v.mv_size, &u) == -1)
			goto out;
		strlcpy(u.name, w.k.mv_data, sizeof(u.name));
		if ((rc = fn(&u, arg)) != 0)
			break;
	}
	ret = rc;
out:
	crypto_zero(&u, sizeof(u));
	store_walk_end(&w);
	return (ret);
}

int
store_catrows(struct store *st, struct catrow **rows, size_t *n,
    uint64_t *gen)
{
	struct store_walk	 w;
	MDB_val		 k = { 11, "catalog_gen" }, v;
	size_t		 size = 0;
	int		 rc, ret = -1;

	*rows = NULL;
	*n = 0;
	if (store_walk_begin(&w, st, st->catalog, NULL, 0) == -1)
		return (-1);
	if (gen != NULL) {
		*gen = 0;
		rc = mdb_get(w.txn, st->meta, &k, &v);
		if (rc == 0 && v.mv_size == 8)
			*gen = be64_get(v.mv_data);
		else if (rc != MDB_NOTFOUND)
			goto out;
	}
	while ((rc = store_walk_next(&w)) == 1) {
		/* The surveys' versions and the targets (store_survey.c). */
		if (w.k.mv_size > 0 &&
		    ((const uint8_t *)w.k.mv_data)[0] != CATROW_UNIT &&
		    ((const uint8_t *)w.k.mv_data)[0] != CATROW_PROC)
			continue;
		if (*n == size) {
			size = size == 0 ? 16 : size * 2;
			*rows = xrealloc(*rows, size * sizeof(**rows));
		}
		if (w.k.mv_size != CATROW_KEY_LEN ||
		    record_catrow_decode(w.v.mv_data, w.v.mv_size,
		    &(*rows)[*n]) == -1)
			goto out;
		(*n)++;
	}
	if (rc == 0)
		ret = 0;
out:
	store_walk_end(&w);
	if (ret == -1) {
		free(*rows);
		*rows = NULL;
		*n = 0;
	}
	return (ret);
}

int
store_each_audit(struct store *st, uint64_t before_key,
    int (*fn)(const struct audit *, void *), void *arg)
{
	MDB_txn		*txn = NULL;
	MDB_cursor	*c = NULL;
	MDB_val		 k, v;
	struct audit	*a;
	uint8_t		 kb[AUDIT_KEY_LEN];
	int		 rc, ret = -1;

	a = xmalloc(sizeof(*a));
	if ((rc = store_txn_begin(st, MDB_RDONLY, &txn)) != 0 ||
	    (rc = mdb_cursor_open(txn, st->audit, &c)) != 0)
		goto out;
	if (before_key == 0)
		rc = mdb_cursor_get(c, &k, &v, MDB_LAST);
	else {
		/* The first entry at or after before_key, then back one. */
		be64_put(kb, before_key);
		k.mv_data = kb;
		k.mv_size = sizeof(kb);
		rc = mdb_cursor_get(c, &k, &v, MDB_SET_RANGE);
		if (rc == 0)
			rc = mdb_cursor_get(c, &k, &v, MDB_PREV);
		else if (rc == MDB_NOTFOUND)
			rc = mdb_cursor_get(c, &k, &v, MDB_LAST);
	}
	for (; rc == 0; rc = mdb_cursor_get(c, &k, &v, MDB_PREV)) {
		if (k.mv_size != AUDIT_KEY_LEN ||
		    record_audit_decode(v.mv_data, v.mv_size, a) == -1)
			goto out;
		a->key = be64_get(k.mv_data);
		if (fn(a, arg) != 0)
			break;
	}
	if (rc == 0 || rc == MDB_NOTFOUND)
		ret = 0;
out:
	if (c != NULL)
		mdb_cursor_close(c);
	store_txn_abort(st, txn);
	free(a);
	return (ret);
}

int
store_each_enrol(struct store *st, int (*fn)(const struct enrol *, void *),
    void *arg)
{
	struct store_walk	 w;
	struct enrol	 en;
	int		 rc, ret = -1;

	if (store_walk_begin(&w, st, st->enrol, NULL, 0) == -1)
		return (-1);
	while ((rc = store_walk_next(&w)) == 1) {
		if (w.k.mv_size != 32 ||
		    record_enrol_decode(w.v.mv_data, w.v.mv_size, &en) == -1)
			goto out;
		memcpy(en.hash, w.k.mv_data, 32);
		if ((rc = fn(&en, arg)) != 0)
			break;
	}
	ret = rc;
out:
	store_walk_end(&w);
	return (ret);
}

int
store_each_pending(struct store *st,
    int (*fn)(const struct ticket *, int64_t, void *), void *arg)
{
	struct store_walk	 w;
	struct pending	 p;
	struct ticket	 t;
	MDB_val		 k, v;
	int		 rc, ret = -1;

	if (store_walk_begin(&w, st, st->pending, NULL, 0) == -1)
		return (-1);
	while ((rc = store_walk_next(&w)) == 1) {
		if (record_pending_decode(w.v.mv_data, w.v.mv_size, &p) == -1)
			goto out;
		k.mv_data = p.ticket;
		k.mv_size = TICKET_ID_LEN;
		if ((rc = mdb_get(w.txn, st->tickets, &k, &v)) == MDB_NOTFOUND)
			continue;	/* no such ticket: passed over */
		if (rc != 0 || store_ticket_read(st, w.txn, &v, &t) != 0)
			goto out;
		if ((rc = fn(&t, p.offered, arg)) != 0)
			break;
	}
	ret = rc;
out:
	store_walk_end(&w);
	return (ret);
}

int
store_each_response(struct store *st, uint64_t from_us, uint64_t to_us,
    int (*fn)(const struct response *, void *), void *arg)
{
	struct store_walk	 w;
	struct response	*r;
	uint8_t		 kb[8];
	int		 rc, ret = -1;

	be64_put(kb, from_us);
	if (store_walk_begin(&w, st, st->responses, kb, sizeof(kb)) == -1)
		return (-1);
	r = xmalloc(sizeof(*r));	/* some 5 KB: not on the stack */
	while ((rc = store_walk_next(&w)) == 1) {
		if (w.k.mv_size != 8)
			goto out;
		if (be64_get(w.k.mv_data) >= to_us) {
			rc = 0;
			break;
		}
		if (record_response_decode(w.v.mv_data, w.v.mv_size, r) == -1)
			goto out;
		if ((rc = fn(r, arg)) != 0)
			break;
	}
	ret = rc;
out:
	store_walk_end(&w);
	free(r);
	return (ret);
}

int
store_each_comment(struct store *st, uint32_t month,
    int (*pick)(const char *, const char *, void *),
    int (*fn)(const struct response *, void *), void *arg)
{
	MDB_txn		*txn = NULL;
	MDB_cursor	*c = NULL;
	MDB_val		 k, v, rk, rv;
	struct response	*r;
	uint8_t		 kb[COMMENT_KEY_LEN];
	char		 sector[SECTOR_CODE_MAX + 1];
	char		 unit[UNIT_CODE_MAX + 1];
	int		 rc, ret = -1;
	MDB_cursor_op	 op;

	r = xmalloc(sizeof(*r));
	if (store_txn_begin(st, MDB_RDONLY, &txn) != 0)
		goto out;
	if (mdb_cursor_open(txn, st->comments, &c) != 0)
		goto out;
	/* From the first key past the month, backwards. */
	memset(kb, 0, sizeof(kb));
	be32_put(kb, month + 1);
	k.mv_data = kb;
	k.mv_size = sizeof(kb);
	rc = mdb_cursor_get(c, &k, &v, MDB_SET_RANGE);
	op = rc == 0 ? MDB_PREV : MDB_LAST;
	if (rc != 0 && rc != MDB_NOTFOUND)
		goto out;
	for (;; op = MDB_PREV) {
		if ((rc = mdb_cursor_get(c, &k, &v, op)) == MDB_NOTFOUND)
			break;
		if (rc != 0 || k.mv_size != COMMENT_KEY_LEN ||
		    v.mv_size != COMMENT_VAL_LEN)
			goto out;
		if (be32_get(k.mv_data) != month)
			break;
		if (record_comment_decode(v.mv_data, v.mv_size, sector,
		    unit) == -1)
			goto out;
		if ((rc = pick(sector, unit, arg)) == -1)
			break;
		if (rc == 0)
			continue;
		rk.mv_data = (uint8_t *)k.mv_data + 4;
		rk.mv_size = 8;
		if (mdb_get(txn, st->responses, &rk, &rv) != 0 ||
		    record_response_decode(rv.mv_data, rv.mv_size, r) == -1)
			goto out;
		if (fn(r, arg) != 0)
			break;
	}
	ret = 0;
out:
	if (c != NULL)
		mdb_cursor_close(c);
	store_txn_abort(st, txn);
	free(r);
	return (ret);
}

struct store_snap {
	struct store	*st;
	MDB_txn		*txn;
};

int
store_snap_begin(struct store *st, struct store_snap **sp)
{
	struct store_snap	*s;

	s = xcalloc(1, sizeof(*s));
	s->st = st;
	if (store_txn_begin(st, MDB_RDONLY, &s->txn) != 0) {
		free(s);
		*sp = NULL;
		return (-1);
	}
	*sp = s;
	return (0);
}

MDB_txn *
store_snap_txn(struct store_snap *s)
{
	return (s->txn);
}

void
store_snap_end(struct store_snap *s)
{
	if (s == NULL)
		return;
	store_txn_abort(s->st, s->txn);
	free(s);
}

/* The snapshot's transaction, or a new one (*own set). */
static int
snap_txn(struct store *st, struct store_snap *snap, MDB_txn **txn, int *own)
{
	*own = snap == NULL;
	if (snap != NULL) {
		*txn = snap->txn;
		return (0);
	}
	return (store_txn_begin(st, MDB_RDONLY, txn));
}

int
store_each_desk(struct store *st, struct store_snap *snap, uint32_t from,
    uint32_t to, const char *unit,
    int (*fn)(const struct store_desk *, void *), void *arg)
{
	MDB_txn		*txn = NULL;
	MDB_cursor	*c = NULL;
	struct store_desk d;
	uint8_t		 kb[DESK_KEY_LEN], want[UNIT_CODE_MAX + 1];
	MDB_val		 k, v;
	uint32_t	 month;
	int		 rc, own = 1, ret = -1;

	if (strnlen(unit, UNIT_CODE_MAX + 1) > UNIT_CODE_MAX)
		return (0);	/* no such unit is stored */
	read_slot(want, UNIT_CODE_MAX + 1, unit);
	if (snap_txn(st, snap, &txn, &own) != 0) {
		txn = NULL;
		goto out;
	}
	if (mdb_cursor_open(txn, st->desks, &c) != 0)
		goto out;
	/* One seek per month: a period is at most a few dozen. */
	for (month = from; month <= to && month % 100 <= 12;
	    month = month % 100 == 12 ? month + 89 : month + 1) {
		be32_put(kb, month);
		memcpy(kb + 4, want, UNIT_CODE_MAX + 1);
		memset(kb + 4 + UNIT_CODE_MAX + 1, 0,
		    DESK_KEY_LEN - 4 - (UNIT_CODE_MAX + 1));
		k.mv_data = kb;
		k.mv_size = DESK_KEY_LEN;
		for (rc = mdb_cursor_get(c, &k, &v, MDB_SET_RANGE); rc == 0;
		    rc = mdb_cursor_get(c, &k, &v, MDB_NEXT)) {
			if (k.mv_size != DESK_KEY_LEN)
				goto out;
			if (be32_get(k.mv_data) != month ||
			    memcmp((uint8_t *)k.mv_data + 4, want,
			    UNIT_CODE_MAX + 1) != 0)
				break;
			if (record_desk_decode(k.mv_data, k.mv_size,
			    v.mv_data, v.mv_size, &d) == -1)
				goto out;
			if ((rc = fn(&d, arg)) != 0) {
				ret = rc;
				goto out;
			}
		}
		if (rc != 0 && rc != MDB_NOTFOUND)
			goto out;
	}
	ret = 0;
out:
	if (c != NULL)
		mdb_cursor_close(c);
	if (own)
		store_txn_abort(st, txn);
	return (ret);
}

int
store_each_sum(struct store *st, struct store_snap *snap, uint32_t from,
    uint32_t to, const char *unit,
    int (*fn)(const struct store_sum *, void *), void *arg)
{
	MDB_txn		*txn = NULL;
	MDB_cursor	*c = NULL;
	struct store_sum s;
	uint8_t		 kb[SUM_KEY_LEN], want[UNIT_CODE_MAX + 1];
	MDB_val		 k, v;
	uint32_t	 month = from;
	int		 rc, own = 1, ret = -1;

	if (unit != NULL && strnlen(unit, UNIT_CODE_MAX + 1) > UNIT_CODE_MAX)
		return (0);	/* no such unit is stored */
	if (unit != NULL)
		read_slot(want, UNIT_CODE_MAX + 1, unit);
	if (snap_txn(st, snap, &txn, &own) != 0) {
		txn = NULL;
		goto out;
	}
	if (mdb_cursor_open(txn, st->sums, &c) != 0)
		goto out;
	if (unit == NULL) {
		be32_put(kb, from);
		k.mv_data = kb;
		k.mv_size = 4;
		for (rc = mdb_cursor_get(c, &k, &v, MDB_SET_RANGE); rc == 0;
		    rc = mdb_cursor_get(c, &k, &v, MDB_NEXT)) {
			if (record_sum_decode(k.mv_data, k.mv_size,
			    v.mv_data, v.mv_size, &s) == -1)
				goto out;
			if (s.month > to)
				break;
			if ((rc = fn(&s, arg)) != 0) {
				ret = rc;
				goto out;
			}
		}
		if (rc != 0 && rc != MDB_NOTFOUND)
			goto out;
		ret = 0;
		goto out;
	}
	/* One unit: seek its rows in each month present. */
	for (;;) {
		be32_put(kb, month);
		memcpy(kb + 4, want, UNIT_CODE_MAX + 1);
		memset(kb + 4 + UNIT_CODE_MAX + 1, 0, SECTOR_CODE_MAX + 1);
		k.mv_data = kb;
		k.mv_size = SUM_KEY_LEN;
		for (rc = mdb_cursor_get(c, &k, &v, MDB_SET_RANGE); rc == 0;
		    rc = mdb_cursor_get(c, &k, &v, MDB_NEXT)) {
			if (k.mv_size != SUM_KEY_LEN)
				goto out;
			if (be32_get(k.mv_data) != month ||
			    memcmp((uint8_t *)k.mv_data + 4, want,
			    UNIT_CODE_MAX + 1) != 0)
				break;
			if (record_sum_decode(k.mv_data, k.mv_size,
			    v.mv_data, v.mv_size, &s) == -1)
				goto out;
			if ((rc = fn(&s, arg)) != 0) {
				ret = rc;
				goto out;
			}
		}
		if (rc == MDB_NOTFOUND)
			break;
		if (rc != 0 || k.mv_size < 4)
			goto out;
		/* The next month present. */
		if (be32_get(k.mv_data) == month) {
			be32_put(kb, month);
			memset(kb + 4, 0xff, SUM_KEY_LEN - 4);
			k.mv_data = kb;
			k.mv_size = SUM_KEY_LEN;
			rc = mdb_cursor_get(c, &k, &v, MDB_SET_RANGE);
			if (rc == MDB_NOTFOUND)
				break;
			if (rc != 0 || k.mv_size < 4)
				goto out;
		}
		month = be32_get(k.mv_data);
		if (month > to)
			break;
	}
	ret = 0;
out:
	if (c != NULL)
		mdb_cursor_close(c);
	if (own)
		store_txn_abort(st, txn);
	return (ret);
}

int
store_each_agg_prefix(struct store *st, struct store_snap *snap,
    uint32_t month, const char *sector, const char *unit,
    int (*fn)(const struct agg_key *, uint64_t, void *), void *arg)
{
	MDB_txn		*txn = NULL;
	MDB_cursor	*c = NULL;
	struct agg_key	 ak;
	uint8_t		 kb[AGG_KEY_LEN], want[UNIT_CODE_MAX + 1];
	uint8_t		 sec[SECTOR_CODE_MAX + 1];
	const size_t	 so = 4, uo = 4 + SECTOR_CODE_MAX + 1;
	MDB_val		 k, v;
	int		 rc, own = 1, ret = -1;

	if (strnlen(unit, UNIT_CODE_MAX + 1) > UNIT_CODE_MAX ||
	    (sector != NULL &&
	    strnlen(sector, SECTOR_CODE_MAX + 1) > SECTOR_CODE_MAX))
		return (0);
	read_slot(want, UNIT_CODE_MAX + 1, unit);
	if (snap_txn(st, snap, &txn, &own) != 0) {
		txn = NULL;
		goto out;
	}
	if (mdb_cursor_open(txn, st->agg, &c) != 0)
		goto out;
	if (sector != NULL)
		read_slot(sec, SECTOR_CODE_MAX + 1, sector);
	else {
		/* The month's first sector. */
		be32_put(kb, month);
		k.mv_data = kb;
		k.mv_size = 4;
		rc = mdb_cursor_get(c, &k, &v, MDB_SET_RANGE);
		if (rc == MDB_NOTFOUND)
			goto done;
		if (rc != 0 || k.mv_size != AGG_KEY_LEN)
			goto out;
		if (be32_get(k.mv_data) != month)
			goto done;
		memcpy(sec, (uint8_t *)k.mv_data + so, SECTOR_CODE_MAX + 1);
	}
	for (;;) {
		memset(kb, 0, sizeof(kb));
		be32_put(kb, month);
		memcpy(kb + so, sec, SECTOR_CODE_MAX + 1);
		memcpy(kb + uo, want, UNIT_CODE_MAX + 1);
		k.mv_data = kb;
		k.mv_size = AGG_KEY_LEN;
		for (rc = mdb_cursor_get(c, &k, &v, MDB_SET_RANGE); rc == 0;
		    rc = mdb_cursor_get(c, &k, &v, MDB_NEXT)) {
			if (k.mv_size != AGG_KEY_LEN)
				goto out;
			if (memcmp(k.mv_data, kb, uo + UNIT_CODE_MAX + 1) != 0)
				break;
			if (v.mv_size != 8 || record_agg_key_decode(k.mv_data,
			    k.mv_size, &ak) == -1)
				goto out;
			if ((rc = fn(&ak, be64_get(v.mv_data), arg)) != 0) {
				ret = rc;
				goto out;
			}
		}
		if (sector != NULL || rc == MDB_NOTFOUND)
			break;
		if (rc != 0)
			goto out;
		/* The next sector of the month, past every unit of this. */
		if (memcmp(k.mv_data, kb, uo) == 0) {
			memset(kb + uo, 0xff, AGG_KEY_LEN - uo);
			k.mv_data = kb;
			k.mv_size = AGG_KEY_LEN;
			rc = mdb_cursor_get(c, &k, &v, MDB_SET_RANGE);
			if (rc == MDB_NOTFOUND)
				break;
			if (rc != 0 || k.mv_size != AGG_KEY_LEN)
				goto out;
		}
		if (be32_get(k.mv_data) != month)
			break;
		memcpy(sec, (uint8_t *)k.mv_data + so, SECTOR_CODE_MAX + 1);
	}
done:
	ret = 0;
out:
	if (c != NULL)
		mdb_cursor_close(c);
	if (own)
		store_txn_abort(st, txn);
	return (ret);
}
