/*
 * writer_admin.c: what the admin ops write in the writer's nested
 * transaction: users (added, a new password, disabled) and the audit
 * entry of every admin change, in the transaction of the change so that
 * the log never misses a change nor records one that did not happen.
 * Only writer.c and writer_apply.c call these.
 * Trap: the audit table is append-only: entries are put with
 * MDB_APPEND under a key past the last one, never rewritten or deleted.
 */
#include <stdlib.h>
#include <string.h>

#include "audit.h"
#include "crypto.h"
#include "record.h"
#include "store_priv.h"
#include "util.h"
#include "writer.h"
#include "writer_priv.h"

/* A one-time code mode on cur: the audit action, NULL on a conflict. */
static const char *
writer_user_totp(const struct wop *op, struct user *cur)
{
	const struct user	*in = &op->u.user.u;

	switch (op->u.user.mode) {
	case WOP_USER_TOTP_NEW:
		if ((cur->flags & USER_TOTP) != 0)
			return (NULL);
		cur->flags |= USER_TOTP_NEW;
		memcpy(cur->totp, in->totp, USER_TOTP_SEALED);
		return ("user.totp.new");
	case WOP_USER_TOTP_ON:
		if ((cur->flags & USER_TOTP_NEW) == 0 || !crypto_equal(
		    cur->totp, in->totp, USER_TOTP_SEALED) ||
		    in->totp_step <= cur->totp_step)
			return (NULL);
		cur->flags = (uint8_t)((cur->flags & ~USER_TOTP_NEW) |
		    USER_TOTP);
		cur->totp_step = in->totp_step;
		return ("user.totp.on");
	case WOP_USER_TOTP_OFF:
		if ((cur->flags & (USER_TOTP | USER_TOTP_NEW)) == 0)
			return (NULL);
		cur->flags &= (uint8_t)~(USER_TOTP | USER_TOTP_NEW);
		crypto_zero(cur->totp, sizeof(cur->totp));
		return ("user.totp.off");
	case WOP_USER_TOTP_USE:
		if ((cur->flags & USER_TOTP) == 0 ||
		    in->totp_step <= cur->totp_step)
			return (NULL);
		cur->totp_step = in->totp_step;
		return ("user.totp.use");
	default:
		return (NULL);
	}
}

int
writer_apply_user(struct store *st, MDB_txn *txn, struct wop *op)
{
	struct user	*in = &op->u.user.u, cur;
	uint8_t		 kb[USER_KEY_LEN], enc[USER_ENC_MAX];
	MDB_val		 k = { USER_KEY_LEN, kb }, v;
	json_t		*before = NULL;
	const char	*action;
	size_t		 n;
	int		 rc;

	if (record_user_key(in->name, kb) == -1) {
		op->rc = HL_INVALID;
		return (0);
	}
	rc = mdb_get(txn, st->users, &k, &v);
	if (rc != 0 && rc != MDB_NOTFOUND)
		return (rc);
	if (rc == 0 && record_user_decode(v.mv_data, v.mv_size, &cur) == -1)
		return (MDB_CORRUPTED);
	if (op->u.user.mode == WOP_USER_ADD) {
		if (rc == 0) {
			op->rc = HL_CONFLICT;
			crypto_zero(&cur, sizeof(cur));
			return (0);
		}
		in->created = in->changed = now_sec();
		in->gen = 1;
		in->flags = 0;
		action = "user.add";
	} else {
		if (rc == MDB_NOTFOUND) {
			op->rc = HL_NOT_FOUND;
			return (0);
		}
		strlcpy(cur.name, in->name, sizeof(cur.name));
		before = audit_user_json(&cur);
		if (op->u.user.mode >= WOP_USER_TOTP_NEW) {
			if ((action = writer_user_totp(op, &cur)) == NULL) {
				json_decref(before);
				crypto_zero(&cur, sizeof(cur));
				op->rc = HL_CONFLICT;
				return (0);
			}
		} else if (op->u.user.mode == WOP_USER_PASSWD) {
			cur.t_cost = in->t_cost;
			cur.m_cost = in->m_cost;
			cur.lanes = in->lanes;
			memcpy(cur.salt, in->salt, USER_SALT_LEN);
			memcpy(cur.hash, in->hash, USER_HASH_LEN);
			cur.flags &= ~USER_DISABLED;
			action = "user.passwd";
		} else {
			cur.flags |= USER_DISABLED;
			action = "user.disable";
		}
		if (op->u.user.mode != WOP_USER_TOTP_USE)
			cur.changed = now_sec();
		/* A new password or disabling ends the user's sessions. */
		if (op->u.user.mode == WOP_USER_PASSWD ||
		    op->u.user.mode == WOP_USER_DISABLE)
			cur.gen++;
		*in = cur;
	}
	crypto_zero(&cur, sizeof(cur));
	if ((n = record_user_encode(in, enc, sizeof(enc))) == 0) {
		json_decref(before);
		op->rc = HL_INVALID;
		return (0);
	}
	v.mv_data = enc;
	v.mv_size = n;
	rc = mdb_put(txn, st->users, &k, &v, 0);
	crypto_zero(enc, sizeof(enc));
	if (rc != 0) {
		json_decref(before);
		return (rc);
	}
	return (writer_audit(st, txn, op, action, in->unit, before,
	    audit_user_json(in)));
}

int
writer_apply_catrow(struct store *st, MDB_txn *txn, struct wop *op)
{
	struct catrow	*row = &op->u.catrow.row;
	uint8_t		 kb[CATROW_KEY_LEN], enc[CATROW_ENC_MAX], gb[8];
	MDB_val		 k = { CATROW_KEY_LEN, kb }, v;
	MDB_val		 gk = { 11, "catalog_gen" };
	uint64_t	 gen = 0;
	const char	*action;
	size_t		 n;
	int		 rc, unit = row->type == CATROW_UNIT;

	if (record_catrow_key(row->type, row->code, kb) == -1 ||
	    (n = record_catrow_encode(row, enc, sizeof(enc))) == 0) {
		op->rc = HL_INVALID;
		return (0);
	}
	op->u.catrow.has_before = 0;
	op->u.catrow.stale = 0;
	rc = mdb_get(txn, st->meta, &gk, &v);
	if (rc == 0 && v.mv_size == 8)
		gen = be64_get(v.mv_data);
	else if (rc != MDB_NOTFOUND)
		return (rc == 0 ? MDB_CORRUPTED : rc);
	if (gen != op->u.catrow.gen) {
		op->u.catrow.stale = 1;
		op->rc = HL_CONFLICT;
		return (0);
	}
	rc = mdb_get(txn, st->catalog, &k, &v);
	if (rc != 0 && rc != MDB_NOTFOUND)
		return (rc);
	if (rc == 0) {
		if (!op->u.catrow.replace) {
			op->rc = HL_CONFLICT;
			return (0);
		}
		if (record_catrow_decode(v.mv_data, v.mv_size,
		    &op->u.catrow.before) == -1)
			return (MDB_CORRUPTED);
		op->u.catrow.has_before = 1;
	} else if (op->u.catrow.replace) {
		if (!op->u.catrow.has_file) {
			op->rc = HL_NOT_FOUND;
			return (0);
		}
		op->u.catrow.before = op->u.catrow.file;
		op->u.catrow.has_before = 1;
	}
	v.mv_data = enc;
	v.mv_size = n;
	if ((rc = mdb_put(txn, st->catalog, &k, &v, 0)) != 0)
		return (rc);
	be64_put(gb, gen + 1);
	v.mv_data = gb;
	v.mv_size = sizeof(gb);
	if ((rc = mdb_put(txn, st->meta, &gk, &v, 0)) != 0)
		return (rc);
	action = unit && row->retired[0] != '\0' &&
	    (!op->u.catrow.has_before ||
	    op->u.catrow.before.retired[0] == '\0') ? "unit.retire" :
	    !unit && row->retired[0] != '\0' && op->u.catrow.has_before &&
	    op->u.catrow.before.retired[0] == '\0' ? "procedure.withdraw" :
	    unit ? (op->u.catrow.replace ? "unit.change" : "unit.add") :
	    (op->u.catrow.replace ? "procedure.change" : "procedure.add");
	return (writer_audit(st, txn, op, action, unit ? row->code : "",
	    op->u.catrow.has_before ?
	    audit_catrow_json(&op->u.catrow.before) : NULL,
	    audit_catrow_json(row)));
}

int
writer_audit(struct store *st, MDB_txn *txn, const struct wop *op,
    const char *action, const char *unit, json_t *before, json_t *after)
{
	struct audit	*a;
	MDB_cursor	*c = NULL;
	MDB_val		 k, v;
	uint8_t		 kb[AUDIT_KEY_LEN], *enc = NULL;
	uint64_t	 last = 0, now;
	size_t		 n;
	int		 rc;

	if (op->by.who[0] == '\0') {
		json_decref(before);
		json_decref(after);
		return (0);
	}
	a = xcalloc(1, sizeof(*a));
	audit_text(before, a->before);
	audit_text(after, a->after);
	a->at = now_sec();
	a->role = op->by.role;
	strlcpy(a->who, op->by.who, sizeof(a->who));
	strlcpy(a->action, action, sizeof(a->action));
	strlcpy(a->unit, unit, sizeof(a->unit));
	if ((rc = mdb_cursor_open(txn, st->audit, &c)) != 0)
		goto out;
	rc = mdb_cursor_get(c, &k, &v, MDB_LAST);
	if (rc == 0 && k.mv_size == AUDIT_KEY_LEN)
		last = be64_get(k.mv_data);
	else if (rc != 0 && rc != MDB_NOTFOUND)
		goto out;
	now = now_usec();
	a->key = now > last ? now : last + 1;
	enc = xmalloc(AUDIT_ENC_MAX);
	if ((n = record_audit_encode(a, enc, AUDIT_ENC_MAX)) == 0) {
		rc = MDB_BAD_VALSIZE;
		goto out;
	}
	be64_put(kb, a->key);
	k.mv_data = kb;
	k.mv_size = sizeof(kb);
	v.mv_data = enc;
	v.mv_size = n;
	rc = mdb_cursor_put(c, &k, &v, MDB_APPEND);
out:
	if (c != NULL)
		mdb_cursor_close(c);
	free(enc);
	free(a);
	return (rc);
}
