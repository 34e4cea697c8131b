/*
 * writer_survey.c: what a survey's new version writes in the writer's
 * nested transaction: its row in `catalog` (type 's', key by id then
 * version) and its audit entry, or nothing when the store already
 * holds that version or a newer one; and a target an admin set (type
 * 't', one row per kind, code and year, rewritten) with its audit
 * entry. Only writer_apply.c calls them.
 * Trap: a batch may be applied again (the map grown): the audit's JSON
 * is parsed from the op's texts each time, never taken from the op.
 */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "record.h"
#include "store_priv.h"
#include "util.h"
#include "writer.h"
#include "writer_priv.h"

int
writer_apply_survey(struct store *st, MDB_txn *txn, struct wop *op)
{
	struct survey_row	*r = &op->u.survey.row;
	MDB_cursor		*c = NULL;
	MDB_val			 k, v;
	uint8_t			 kb[SURVEY_ROW_KEY_LEN], *enc = NULL;
	size_t			 n;
	int			 rc;

	if (record_survey_row_key(r->id, r->version, kb) == -1 ||
	    record_survey_row_encode(r, &enc, &n) == -1) {
		op->rc = HL_INVALID;
		return (0);
	}
	if ((rc = mdb_cursor_open(txn, st->catalog, &c)) != 0)
		goto out;
	k.mv_data = kb;
	k.mv_size = sizeof(kb);
	rc = mdb_cursor_get(c, &k, &v, MDB_SET_RANGE);
	if (rc == 0 && k.mv_size == SURVEY_ROW_KEY_LEN &&
	    memcmp(k.mv_data, kb, 1 + SURVEY_ID_MAX + 1) == 0) {
		op->rc = HL_CONFLICT;	/* that version, or a newer one */
		rc = 0;
		goto out;
	}
	if (rc != 0 && rc != MDB_NOTFOUND)
		goto out;
	k.mv_data = kb;
	k.mv_size = sizeof(kb);
	v.mv_data = enc;
	v.mv_size = n;
	if ((rc = mdb_put(txn, st->catalog, &k, &v, MDB_NOOVERWRITE)) != 0)
		goto out;
	rc = writer_audit(st, txn, op, "survey.publish", "",
	    op->u.survey.before != NULL ? json_loads(op->u.survey.before, 0,
	    NULL) : NULL, op->u.survey.after != NULL ?
	    json_loads(op->u.survey.after, 0, NULL) : NULL);
out:
	if (c != NULL)
		mdb_cursor_close(c);
	free(enc);
	return (rc);
}

int
writer_apply_target(struct store *st, MDB_txn *txn, struct wop *op)
{
	struct target_row	*t = &op->u.target.row;
	uint8_t			 kb[TARGET_ROW_KEY_LEN];
	uint8_t			 enc[TARGET_ROW_ENC_MAX];
	MDB_val			 k = { sizeof(kb), kb }, v;
	size_t			 n;
	int			 rc;

	if (record_target_row_key(t->kind, t->code, t->year, kb) == -1 ||
	    (n = record_target_row_encode(t, enc, sizeof(enc))) == 0) {
		op->rc = HL_INVALID;
		return (0);
	}
	v.mv_data = enc;
	v.mv_size = n;
	if ((rc = mdb_put(txn, st->catalog, &k, &v, 0)) != 0)
		return (rc);
	return (writer_audit(st, txn, op, "target.change", "",
	    op->u.target.before != NULL ? json_loads(op->u.target.before, 0,
	    NULL) : NULL, op->u.target.after != NULL ?
	    json_loads(op->u.target.after, 0, NULL) : NULL));
}
