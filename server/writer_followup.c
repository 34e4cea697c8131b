/*
 * writer_followup.c: what the follow-up ops write (writer_priv.h): the
 * item in `followups`, one event more in `followup_log` for every change
 * (the history is only ever appended to), the sealed call-back number in
 * `contacts`, and its deletion once the item has been closed long
 * enough. Only writer.c and writer_apply.c call these.
 * Trap: an event's sequence number is the item's last one plus one,
 * read in the same transaction; the writer is the only one appending.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "followup.h"
#include "record.h"
#include "store_priv.h"
#include "util.h"
#include "writer.h"
#include "writer_priv.h"

/* Reads item id into f: 0, MDB_NOTFOUND, or an LMDB code. */
static int
fu_get(struct store *st, MDB_txn *txn, uint64_t id, struct followup *f)
{
	uint8_t	 kb[8];
	MDB_val	 k = { 8, kb }, v;
	int	 rc;

	be64_put(kb, id);
	if ((rc = mdb_get(txn, st->followups, &k, &v)) != 0)
		return (rc);
	if (record_followup_decode(v.mv_data, v.mv_size, f) == -1)
		return (MDB_CORRUPTED);
	return (0);
}

static int
fu_put(struct store *st, MDB_txn *txn, const struct followup *f)
{
	uint8_t	 kb[8], *enc;
	MDB_val	 k = { 8, kb }, v;
	size_t	 n;
	int	 rc;

	enc = xmalloc(FOLLOWUP_ENC_MAX);
	be64_put(kb, f->id);
	if ((n = record_followup_encode(f, enc, FOLLOWUP_ENC_MAX)) == 0) {
		free(enc);
		return (MDB_BAD_VALSIZE);
	}
	v.mv_data = enc;
	v.mv_size = n;
	rc = mdb_put(txn, st->followups, &k, &v, 0);
	free(enc);
	return (rc);
}

/* Appends an event to item f's history (f's state, now). */
static int
fu_event(struct store *st, MDB_txn *txn, const struct followup *f,
    uint8_t action, const char *who, const char *text, size_t text_len)
{
	struct followup_event	*ev;
	MDB_cursor		*c = NULL;
	MDB_val			 k, v;
	uint8_t			 kb[FOLLOWUP_EV_KEY_LEN], *enc = NULL;
	uint32_t		 seq = 0;
	size_t			 n;
	int			 rc;

	ev = xcalloc(1, sizeof(*ev));
	enc = xmalloc(FOLLOWUP_EV_ENC_MAX);
	/* The last event of the item: just before (id + 1, 0). */
	if ((rc = mdb_cursor_open(txn, st->followup_log, &c)) != 0)
		goto out;
	record_followup_event_key(f->id + 1, 0, kb);
	k.mv_data = kb;
	k.mv_size = sizeof(kb);
	rc = mdb_cursor_get(c, &k, &v, MDB_SET_RANGE);
	if (rc == 0)
		rc = mdb_cursor_get(c, &k, &v, MDB_PREV);
	else if (rc == MDB_NOTFOUND)
		rc = mdb_cursor_get(c, &k, &v, MDB_LAST);
	if (rc == 0 && k.mv_size == FOLLOWUP_EV_KEY_LEN &&
	    be64_get(k.mv_data) == f->id)
		seq = be32_get((const uint8_t *)k.mv_data + 8) + 1;
	else if (rc != 0 && rc != MDB_NOTFOUND)
		goto out;
	ev->at = now_sec();
	ev->action = action;
	ev->state = f->state;
	strlcpy(ev->who, who != NULL ? who : "", sizeof(ev->who));
	if (text_len > FOLLOWUP_TEXT_MAX)
		text_len = FOLLOWUP_TEXT_MAX;
	memcpy(ev->text, text, text_len);
	ev->text_len = text_len;
	if ((n = record_followup_event_encode(ev, enc,
	    FOLLOWUP_EV_ENC_MAX)) == 0) {
		rc = MDB_BAD_VALSIZE;
		goto out;
	}
	record_followup_event_key(f->id, seq, kb);
	k.mv_data = kb;
	k.mv_size = sizeof(kb);
	v.mv_data = enc;
	v.mv_size = n;
	rc = mdb_put(txn, st->followup_log, &k, &v, MDB_NOOVERWRITE);
out:
	if (c != NULL)
		mdb_cursor_close(c);
	free(enc);
	free(ev);
	return (rc);
}

static void
fu_json_time(json_t *o, const char *key, int64_t t)
{
	char	 b[32];

	if (t == 0) {
		json_object_set_new(o, key, json_null());
		return;
	}
	format_time(t, b);
	json_object_set_new(o, key, json_string(b));
}

/*
 * Queues a webhook delivery of item f's event (its state now) in the
 * outbox, in the transaction of the change: delivered once it commits,
 * never for a change that did not. The body is README's payload.
 */
static int
fu_outbox(struct store *st, MDB_txn *txn, const struct followup *f,
    uint8_t action)
{
	struct outbox_entry	*o;
	MDB_cursor		*c = NULL;
	MDB_val			 k, v;
	json_t			*j, *it;
	uint8_t			 kb[8], *enc = NULL;
	char			*body = NULL, id[17];
	uint64_t		 last = 0, now = now_usec();
	size_t			 n;
	int			 rc;

	o = xcalloc(1, sizeof(*o));
	if ((rc = mdb_cursor_open(txn, st->outbox, &c)) != 0)
		goto out;
	rc = mdb_cursor_get(c, &k, &v, MDB_LAST);
	if (rc == 0 && k.mv_size == 8)
		last = be64_get(k.mv_data);
	else if (rc != MDB_NOTFOUND)
		goto out;
	mdb_cursor_close(c);
	c = NULL;
	o->id = now > last ? now : last + 1;
	o->created = o->next = now_sec();
	o->item = f->id;
	strlcpy(o->unit, f->unit, sizeof(o->unit));
	j = json_object();
	snprintf(id, sizeof(id), "%016llx", (unsigned long long)o->id);
	json_object_set_new(j, "delivery", json_string(id));
	json_object_set_new(j, "event",
	    json_string(followup_action_name(action)));
	fu_json_time(j, "at", o->created);
	it = json_object();
	snprintf(id, sizeof(id), "%016llx", (unsigned long long)f->id);
	json_object_set_new(it, "id", json_string(id));
	json_object_set_new(it, "unit", json_string(f->unit));
	json_object_set_new(it, "state",
	    json_string(followup_state_name(f->state)));
	json_object_set_new(it, "origin",
	    json_string(followup_origin_name(f->origin)));
	json_object_set_new(it, "kind",
	    json_string(followup_kind_name(f->kind)));
	json_object_set_new(it, "rating", f->level > 0 ?
	    json_integer(f->level) : json_null());
	json_object_set_new(it, "procedure", json_string(f->procedure));
	json_object_set_new(it, "sector", json_string(f->sector));
	json_object_set_new(it, "has_contact", json_boolean(f->has_contact));
	fu_json_time(it, "created", f->created);
	fu_json_time(it, "answered_at", f->answered_at);
	fu_json_time(it, "closed_at", f->closed_at);
	json_object_set_new(it, "text", json_stringn(f->text, f->text_len));
	json_object_set_new(it, "answer", f->answer_len > 0 ?
	    json_stringn(f->answer, f->answer_len) : json_null());
	json_object_set_new(j, "item", it);
	body = json_dumps(j, JSON_COMPACT);
	json_decref(j);
	if (body == NULL || (n = strlen(body)) > OUTBOX_BODY_MAX) {
		rc = MDB_BAD_VALSIZE;
		goto out;
	}
	memcpy(o->body, body, n + 1);
	o->body_len = n;
	enc = xmalloc(OUTBOX_ENC_MAX);
	if ((n = record_outbox_encode(o, enc, OUTBOX_ENC_MAX)) == 0) {
		rc = MDB_BAD_VALSIZE;
		goto out;
	}
	be64_put(kb, o->id);
	k.mv_data = kb;
	k.mv_size = 8;
	v.mv_data = enc;
	v.mv_size = n;
	rc = mdb_put(txn, st->outbox, &k, &v, MDB_NOOVERWRITE);
out:
	if (c != NULL)
		mdb_cursor_close(c);
	free(body);
	free(enc);
	free(o);
	return (rc);
}

int
writer_outbox(struct store *st, MDB_txn *txn, struct wop *op)
{
	struct outbox_entry	*o;
	uint8_t			 kb[8], *enc = NULL;
	MDB_val			 k = { 8, kb }, v;
	size_t			 n;
	int			 rc;

	be64_put(kb, op->u.outbox.id);
	if (op->kind == WOP_OUTBOX_DONE) {
		if ((rc = mdb_del(txn, st->outbox, &k, NULL)) == MDB_NOTFOUND) {
			op->rc = HL_NOT_FOUND;
			rc = 0;
		}
		return (rc);
	}
	o = xmalloc(sizeof(*o));
	if ((rc = mdb_get(txn, st->outbox, &k, &v)) != 0) {
		if (rc == MDB_NOTFOUND) {
			op->rc = HL_NOT_FOUND;
			rc = 0;
		}
		goto out;
	}
	if (record_outbox_decode(v.mv_data, v.mv_size, o) == -1) {
		rc = MDB_CORRUPTED;
		goto out;
	}
	o->next = op->u.outbox.next;
	o->attempts = op->u.outbox.attempts;
	enc = xmalloc(OUTBOX_ENC_MAX);
	if ((n = record_outbox_encode(o, enc, OUTBOX_ENC_MAX)) == 0) {
		rc = MDB_BAD_VALSIZE;
		goto out;
	}
	v.mv_data = enc;
	v.mv_size = n;
	rc = mdb_put(txn, st->outbox, &k, &v, 0);
out:
	free(enc);
	free(o);
	return (rc);
}

/* A new item of response r (stored). */
static void
fu_from_response(struct followup *f, const struct response *r,
    uint8_t level)
{
	memset(f, 0, sizeof(*f));
	f->id = r->key;
	f->created = f->updated = now_sec();
	f->state = FOLLOWUP_OPEN;
	f->level = level <= SURVEY_LEVELS ? level : 0;
	f->has_ticket = r->has_ticket;
	memcpy(f->ticket, r->ticket, TICKET_ID_LEN);
	strlcpy(f->unit, r->unit, sizeof(f->unit));
	strlcpy(f->procedure, r->procedure, sizeof(f->procedure));
	strlcpy(f->sector, r->sector, sizeof(f->sector));
	strlcpy(f->lang, r->lang, sizeof(f->lang));
}

int
writer_followup_auto(struct store *st, MDB_txn *txn,
    const struct response *r, uint8_t level, int notify)
{
	struct followup	*f;
	size_t		 n = r->comment_len;
	int		 rc;

	f = xmalloc(sizeof(*f));
	fu_from_response(f, r, level);
	f->origin = FOLLOWUP_LOW_RATING;
	f->kind = FOLLOWUP_COMPLAINT;
	if (n > FOLLOWUP_TEXT_MAX)
		n = FOLLOWUP_TEXT_MAX;
	memcpy(f->text, r->comment, n);
	f->text[n] = '\0';
	f->text_len = n;
	if ((rc = fu_put(st, txn, f)) == 0)
		rc = fu_event(st, txn, f, FOLLOWUP_EV_OPENED, "", f->text,
		    f->text_len);
	if (rc == 0 && notify)
		rc = fu_outbox(st, txn, f, FOLLOWUP_EV_OPENED);
	free(f);
	return (rc);
}

int
writer_followup_kiosk(struct store *st, MDB_txn *txn, struct wop *op)
{
	struct followup	*f;
	uint8_t		 kb[8], sealed[CONTACT_SEALED_MAX];
	MDB_val		 k = { 8, kb }, v;
	size_t		 n;
	int		 rc;

	f = xmalloc(sizeof(*f));
	fu_from_response(f, &op->u.answer.r, op->u.answer.level);
	f->origin = FOLLOWUP_KIOSK;
	f->kind = op->u.answer.fu_kind == FOLLOWUP_REQUEST ?
	    FOLLOWUP_REQUEST : FOLLOWUP_COMPLAINT;
	f->filed = 1;
	n = op->u.answer.fu_text_len;
	if (n > FOLLOWUP_TEXT_MAX)
		n = FOLLOWUP_TEXT_MAX;
	memcpy(f->text, op->u.answer.fu_text, n);
	f->text[n] = '\0';
	f->text_len = n;
	if (op->u.answer.fu_phone[0] != '\0') {
		if ((n = contact_seal(store_keyring(st), f->id,
		    op->u.answer.fu_phone, sealed)) == 0) {
			rc = MDB_BAD_VALSIZE;
			goto out;
		}
		be64_put(kb, f->id);
		v.mv_data = sealed;
		v.mv_size = n;
		if ((rc = mdb_put(txn, st->contacts, &k, &v, 0)) != 0)
			goto out;
		f->has_contact = 1;
	}
	if ((rc = fu_put(st, txn, f)) == 0)
		rc = fu_event(st, txn, f, FOLLOWUP_EV_FILED, "", f->text,
		    f->text_len);
	if (rc == 0 && op->u.answer.notify)
		rc = fu_outbox(st, txn, f, FOLLOWUP_EV_FILED);
out:
	free(f);
	return (rc);
}

int
writer_followup_file(struct store *st, MDB_txn *txn, struct wop *op)
{
	struct followup	*f;
	struct response	*r = NULL;
	uint8_t		 kb[8];
	MDB_val		 k = { 8, kb }, v;
	int		 rc, isnew = 0;

	f = xmalloc(sizeof(*f));
	rc = fu_get(st, txn, op->u.fu.id, f);
	if (rc == MDB_NOTFOUND) {
		r = xmalloc(sizeof(*r));
		be64_put(kb, op->u.fu.id);
		if ((rc = mdb_get(txn, st->responses, &k, &v)) != 0) {
			if (rc == MDB_NOTFOUND) {
				op->rc = HL_NOT_FOUND;
				rc = 0;
			}
			goto out;
		}
		if (record_response_decode(v.mv_data, v.mv_size, r) == -1) {
			rc = MDB_CORRUPTED;
			goto out;
		}
		fu_from_response(f, r, op->u.fu.level);
		isnew = 1;
	} else if (rc != 0)
		goto out;
	if (op->u.fu.has_ticket && (!f->has_ticket ||
	    memcmp(f->ticket, op->u.fu.ticket, TICKET_ID_LEN) != 0)) {
		op->rc = HL_NOT_FOUND;
		goto out;
	}
	if (f->filed) {
		op->rc = HL_CONFLICT;
		goto out;
	}
	f->filed = 1;
	f->origin = op->u.fu.origin;
	f->kind = op->u.fu.kind;
	memcpy(f->text, op->u.fu.text, op->u.fu.text_len);
	f->text[op->u.fu.text_len] = '\0';
	f->text_len = op->u.fu.text_len;
	f->updated = now_sec();
	if (!isnew && f->state == FOLLOWUP_CLOSED) {
		/* Closed before the citizen wrote: open again. */
		f->state = FOLLOWUP_OPEN;
		f->closed_at = 0;
	}
	if (op->u.fu.contact_len > 0) {
		k.mv_size = 8;
		k.mv_data = kb;
		be64_put(kb, f->id);
		v.mv_data = op->u.fu.contact;
		v.mv_size = op->u.fu.contact_len;
		if ((rc = mdb_put(txn, st->contacts, &k, &v, 0)) != 0)
			goto out;
		f->has_contact = 1;
	}
	if ((rc = fu_put(st, txn, f)) != 0)
		goto out;
	if ((rc = fu_event(st, txn, f, FOLLOWUP_EV_FILED, "", f->text,
	    f->text_len)) == 0 && op->u.fu.notify)
		rc = fu_outbox(st, txn, f, FOLLOWUP_EV_FILED);
	op->u.fu.state = f->state;
out:
	free(r);
	free(f);
	return (rc);
}

int
writer_followup_reply(struct store *st, MDB_txn *txn, struct wop *op)
{
	struct followup	*f;
	int64_t		 now = now_sec();
	int		 rc;

	f = xmalloc(sizeof(*f));
	if ((rc = fu_get(st, txn, op->u.fu.id, f)) != 0) {
		if (rc == MDB_NOTFOUND) {
			op->rc = HL_NOT_FOUND;
			rc = 0;
		}
		goto out;
	}
	if (f->state == FOLLOWUP_CLOSED) {
		op->rc = HL_CONFLICT;
		goto out;
	}
	if (op->u.fu.state >= FOLLOWUP_STATES ||
	    (op->u.fu.state == FOLLOWUP_ANSWERED && op->u.fu.text_len == 0 &&
	    f->answer_len == 0)) {
		op->rc = HL_INVALID;
		goto out;
	}
	if (op->u.fu.text_len > 0) {
		memcpy(f->answer, op->u.fu.text, op->u.fu.text_len);
		f->answer[op->u.fu.text_len] = '\0';
		f->answer_len = op->u.fu.text_len;
		if (f->answered_at == 0)
			f->answered_at = now;
	}
	f->state = op->u.fu.state;
	f->closed_at = f->state == FOLLOWUP_CLOSED ? now : 0;
	f->updated = now;
	if ((rc = fu_put(st, txn, f)) != 0)
		goto out;
	if ((rc = fu_event(st, txn, f, FOLLOWUP_EV_REPLY, op->u.fu.who,
	    op->u.fu.text, op->u.fu.text_len)) == 0 && op->u.fu.notify)
		rc = fu_outbox(st, txn, f, FOLLOWUP_EV_REPLY);
	op->u.fu.state = f->state;
out:
	free(f);
	return (rc);
}

/*
 * 1 when item f, open and past its deadline, has no overdue event since
 * it was opened (or last opened again); -1 on a read error.
 */
static int
fu_overdue_unsaid(MDB_cursor *c, const struct followup *f,
    struct followup_event *ev)
{
	MDB_val		 k, v;
	uint8_t		 kb[FOLLOWUP_EV_KEY_LEN];
	int		 rc, unsaid = 1, state = FOLLOWUP_OPEN;

	record_followup_event_key(f->id, 0, kb);
	k.mv_data = kb;
	k.mv_size = sizeof(kb);
	for (rc = mdb_cursor_get(c, &k, &v, MDB_SET_RANGE); rc == 0;
	    rc = mdb_cursor_get(c, &k, &v, MDB_NEXT)) {
		if (k.mv_size != FOLLOWUP_EV_KEY_LEN ||
		    be64_get(k.mv_data) != f->id)
			break;
		if (record_followup_event_decode(k.mv_data, k.mv_size,
		    v.mv_data, v.mv_size, ev) == -1)
			continue;
		if (ev->action == FOLLOWUP_EV_OVERDUE)
			unsaid = 0;
		else if (ev->state == FOLLOWUP_OPEN && state != FOLLOWUP_OPEN)
			unsaid = 1;		/* opened again */
		state = ev->state;
	}
	if (rc != 0 && rc != MDB_NOTFOUND)
		return (-1);
	return (unsaid);
}

int
writer_followup_purge(struct store *st, int64_t keep,
    const struct writer_fu_rules *rules, uint64_t *gone, uint64_t *overdue)
{
	struct followup		*f;
	struct followup_event	*ev;
	struct followup_view	 view;
	MDB_txn			*txn = NULL;
	MDB_cursor		*c = NULL, *lc = NULL;
	MDB_val			 k, v, ck;
	uint64_t		 ids[64], late[64];
	size_t			 i, n = 0, nl = 0;
	int64_t			 now = now_sec();
	int			 rc, un;

	*gone = *overdue = 0;
	f = xmalloc(sizeof(*f));
	ev = xmalloc(sizeof(*ev));
	if ((rc = store_txn_begin(st, 0, &txn)) != 0) {
		txn = NULL;
		goto out;
	}
	if ((rc = mdb_cursor_open(txn, st->followups, &c)) != 0 ||
	    (rc = mdb_cursor_open(txn, st->followup_log, &lc)) != 0)
		goto out;
	/* The items to change first (at most a handful each a pass). */
	for (rc = mdb_cursor_get(c, &k, &v, MDB_FIRST); rc == 0 &&
	    (n < sizeof(ids) / sizeof(ids[0]) ||
	    nl < sizeof(late) / sizeof(late[0]));
	    rc = mdb_cursor_get(c, &k, &v, MDB_NEXT)) {
		if (record_followup_decode(v.mv_data, v.mv_size, f) == -1)
			continue;
		if (f->has_contact && f->state == FOLLOWUP_CLOSED &&
		    now - f->closed_at >= keep &&
		    n < sizeof(ids) / sizeof(ids[0]))
			ids[n++] = f->id;
		if (rules == NULL || rules->wd == NULL ||
		    f->state != FOLLOWUP_OPEN ||
		    nl == sizeof(late) / sizeof(late[0]))
			continue;
		followup_view(rules->wd, rules->answer_days, f, now, &view);
		if (!view.overdue)
			continue;
		if ((un = fu_overdue_unsaid(lc, f, ev)) == -1) {
			rc = EIO;
			break;
		}
		if (un)
			late[nl++] = f->id;
	}
	mdb_cursor_close(c);
	mdb_cursor_close(lc);
	c = lc = NULL;
	if (rc != 0 && rc != MDB_NOTFOUND)
		goto out;
	rc = 0;
	for (i = 0; i < n && rc == 0; i++) {
		uint8_t	 kb[8];

		if ((rc = fu_get(st, txn, ids[i], f)) != 0)
			break;
		be64_put(kb, ids[i]);
		ck.mv_data = kb;
		ck.mv_size = 8;
		rc = mdb_del(txn, st->contacts, &ck, NULL);
		if (rc != 0 && rc != MDB_NOTFOUND)
			break;
		f->has_contact = 0;
		if ((rc = fu_put(st, txn, f)) != 0)
			break;
		rc = fu_event(st, txn, f, FOLLOWUP_EV_CONTACT_DELETED, "",
		    "", 0);
	}
	for (i = 0; i < nl && rc == 0; i++) {
		if ((rc = fu_get(st, txn, late[i], f)) != 0)
			break;
		if ((rc = fu_event(st, txn, f, FOLLOWUP_EV_OVERDUE, "", "",
		    0)) == 0 && rules->notify)
			rc = fu_outbox(st, txn, f, FOLLOWUP_EV_OVERDUE);
	}
	if (rc == 0 && n + nl > 0) {
		rc = store_txn_commit(st, txn);
		txn = NULL;
		if (rc == 0) {
			*gone = n;
			*overdue = nl;
		}
	}
out:
	if (c != NULL)
		mdb_cursor_close(c);
	if (lc != NULL)
		mdb_cursor_close(lc);
	if (txn != NULL)
		store_txn_abort(st, txn);
	free(f);
	free(ev);
	return (rc);
}
