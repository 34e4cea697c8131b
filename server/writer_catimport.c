/*
 * writer_catimport.c: an import of the unit or procedure list
 * (unitimport.c's plan) written in one nested transaction: every changed
 * row in `catalog`, each with its audit entry (unit.import or
 * procedure.import, before and after),
 * and the catalogue's generation once. Refused whole (HL_CONFLICT,
 * stale) when another change came after the plan was checked.
 */
#include <stdlib.h>
#include <string.h>

#include "audit.h"
#include "record.h"
#include "store_priv.h"
#include "unitimport.h"
#include "util.h"
#include "writer.h"
#include "writer_priv.h"

int
writer_apply_catimport(struct store *st, MDB_txn *txn, struct wop *op)
{
	const struct uimport_row *ur;
	struct catrow		 before;
	uint8_t			 kb[CATROW_KEY_LEN], enc[CATROW_ENC_MAX];
	uint8_t			 gb[8];
	MDB_val			 k = { CATROW_KEY_LEN, kb }, v;
	MDB_val			 gk = { 11, "catalog_gen" };
	uint64_t		 gen = 0;
	json_t			*bj;
	size_t			 i, n;
	int			 rc;

	op->u.catimport.stale = 0;
	rc = mdb_get(txn, st->meta, &gk, &v);
	if (rc == 0 && v.mv_size == 8)
		gen = be64_get(v.mv_data);
	else if (rc != MDB_NOTFOUND)
		return (rc == 0 ? MDB_CORRUPTED : rc);
	if (gen != op->u.catimport.gen) {
		op->u.catimport.stale = 1;
		op->rc = HL_CONFLICT;
		return (0);
	}
	for (i = 0; i < op->u.catimport.n; i++) {
		ur = &op->u.catimport.rows[i];
		if (record_catrow_key(ur->row.type, ur->row.code, kb) == -1 ||
		    (n = record_catrow_encode(&ur->row, enc,
		    sizeof(enc))) == 0) {
			op->rc = HL_INVALID;
			return (0);
		}
		rc = mdb_get(txn, st->catalog, &k, &v);
		bj = NULL;
		if (rc == 0) {
			if (record_catrow_decode(v.mv_data, v.mv_size,
			    &before) == -1)
				return (MDB_CORRUPTED);
			bj = audit_catrow_json(&before);
		} else if (rc != MDB_NOTFOUND)
			return (rc);
		else if (!(ur->what & UI_ADD))
			bj = audit_catrow_json(&ur->before);
		v.mv_data = enc;
		v.mv_size = n;
		if ((rc = mdb_put(txn, st->catalog, &k, &v, 0)) != 0) {
			json_decref(bj);
			return (rc);
		}
		if ((rc = writer_audit(st, txn, op, ur->row.type ==
		    CATROW_UNIT ? "unit.import" : "procedure.import",
		    ur->row.type == CATROW_UNIT ? ur->row.code : "", bj,
		    audit_catrow_json(&ur->row))) != 0)
			return (rc);
	}
	be64_put(gb, gen + 1);
	v.mv_data = gb;
	v.mv_size = sizeof(gb);
	return (mdb_put(txn, st->meta, &gk, &v, 0));
}
