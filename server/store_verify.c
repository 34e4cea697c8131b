/*
 * store_verify.c: the consistency check (hailong verify) and the rebuilds
 * of a format upgrade. Every counter is recomputed from the tickets and
 * responses by the one rule of counts.c, added up in a counts_table, and
 * compared with the stored agg, sums and desks in both directions; the
 * links between tickets, responses, answered, idem and the comment index
 * are checked on the way, and the dossiers' and the follow-ups' tables
 * on their own.
 * Trap: store_rebuild_sums() and store_rebuild_comments() write (they
 * drop and refill agg, sums, desks and comments): besides the writer, they are
 * the only writes, and only store_open() calls them, in the upgrade's own
 * transaction. The check itself only reads, in one read snapshot.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "counts.h"
#include "record.h"
#include "store.h"
#include "store_priv.h"
#include "util.h"

/*
 * What the counters should be. out NULL: quiet, no link checks (the
 * rebuild of a format upgrade).
 */
struct recomp {
	struct counts_table tb;
	struct counts	 c;
	struct response	*r;
	FILE		*out;
	size_t		 comments;	/* responses with a comment */
};

/* 1 when the comment index holds r (which has a comment) as it should. */
static int
verify_comment(struct store *st, MDB_txn *txn, const struct response *r)
{
	uint8_t	 kb[COMMENT_KEY_LEN], vb[COMMENT_VAL_LEN];
	MDB_val	 k = { sizeof(kb), kb }, v;

	record_comment(r, kb, vb);
	return (mdb_get(txn, st->comments, &k, &v) == 0 &&
	    v.mv_size == sizeof(vb) && memcmp(v.mv_data, vb, sizeof(vb)) == 0);
}

static void
id_hex(const uint8_t id[TICKET_ID_LEN], char out[2 * TICKET_ID_LEN + 1])
{
	size_t	 i;

	for (i = 0; i < TICKET_ID_LEN; i++)
		snprintf(out + 2 * i, 3, "%02x", id[i]);
}

static void
agg_report(FILE *out, const uint8_t *kb, uint64_t stored, uint64_t recomp)
{
	struct agg_key	 ak;

	if (record_agg_key_decode(kb, AGG_KEY_LEN, &ak) == -1) {
		fprintf(out, "agg (malformed key): stored %llu, recomputed "
		    "%llu\n", (unsigned long long)stored,
		    (unsigned long long)recomp);
		return;
	}
	fprintf(out, "agg %u %s %s %s %u: stored %llu, recomputed %llu\n",
	    (unsigned)ak.month, ak.sector, ak.unit, ak.question,
	    (unsigned)ak.level, (unsigned long long)stored,
	    (unsigned long long)recomp);
}

/* Tickets: issued counters, and each answered ticket's response. */
static long
verify_tickets(struct store *st, MDB_txn *txn, struct recomp *rc)
{
	struct response	*r = rc->r;
	FILE		*out = rc->out;
	MDB_cursor	*c = NULL;
	struct ticket	 t;
	MDB_val		 k, v;
	uint8_t		 kb[8];
	char		 hex[2 * TICKET_ID_LEN + 1];
	long		 bad = 0;
	int		 lrc;
	MDB_cursor_op	 op = MDB_FIRST;

	if (mdb_cursor_open(txn, st->tickets, &c) != 0)
		return (-1);
	for (;; op = MDB_NEXT) {
		if ((lrc = mdb_cursor_get(c, &k, &v, op)) == MDB_NOTFOUND)
			break;
		if (lrc != 0) {
			bad = -1;
			break;
		}
		if ((lrc = store_ticket_read(st, txn, &v, &t)) != 0) {
			if (lrc != MDB_CORRUPTED) {
				bad = -1;
				break;
			}
			if (out != NULL)
				fprintf(out, "ticket record %zu bytes: "
				    "malformed\n", v.mv_size);
			bad++;
			continue;
		}
		id_hex(t.id, hex);
		if (counts_ticket(&t, &rc->c) == 0)
			counts_table_add(&rc->tb, &rc->c);
		if (t.state != TICKET_ANSWERED || out == NULL)
			continue;
		be64_put(kb, t.response);
		k.mv_data = kb;
		k.mv_size = 8;
		if (mdb_get(txn, st->responses, &k, &v) != 0 ||
		    record_response_decode(v.mv_data, v.mv_size, r) == -1) {
			fprintf(out, "ticket %s: answered, response %llu "
			    "missing\n", hex, (unsigned long long)t.response);
			bad++;
		} else if (!r->has_ticket ||
		    memcmp(r->ticket, t.id, TICKET_ID_LEN) != 0) {
			fprintf(out, "ticket %s: response %llu belongs to "
			    "another ticket\n", hex,
			    (unsigned long long)t.response);
			bad++;
		}
	}
	mdb_cursor_close(c);
	return (bad);
}

/* Responses: answer, channel, suspect and answered counters; the
 * ticket link. */
static long
verify_responses(struct store *st, MDB_txn *txn, struct recomp *rc)
{
	struct response	*r = rc->r;
	FILE		*out = rc->out;
	MDB_cursor	*c = NULL;
	struct ticket	 t;
	const struct ticket *tp;
	MDB_val		 k, v;
	char		 hex[2 * TICKET_ID_LEN + 1];
	long		 bad = 0;
	int		 lrc;
	MDB_cursor_op	 op = MDB_FIRST;

	if (mdb_cursor_open(txn, st->responses, &c) != 0)
		return (-1);
	for (;; op = MDB_NEXT) {
		if ((lrc = mdb_cursor_get(c, &k, &v, op)) == MDB_NOTFOUND)
			break;
		if (lrc != 0) {
			bad = -1;
			break;
		}
		if (k.mv_size != 8 ||
		    record_response_decode(v.mv_data, v.mv_size, r) == -1) {
			if (out != NULL)
				fprintf(out, "response record %zu bytes: "
				    "malformed\n", v.mv_size);
			bad++;
			continue;
		}
		/* Its ticket: the answered counter goes to its rows. */
		tp = NULL;
		if (r->has_ticket) {
			k.mv_data = r->ticket;
			k.mv_size = TICKET_ID_LEN;
			if (mdb_get(txn, st->tickets, &k, &v) == 0 &&
			    store_ticket_read(st, txn, &v, &t) == 0)
				tp = &t;
		}
		/* Decoded records have a known channel. */
		if (counts_response(r, tp, &rc->c) == 0)
			counts_table_add(&rc->tb, &rc->c);
		if (out == NULL)
			continue;
		if (r->comment_len > 0) {
			rc->comments++;
			if (!verify_comment(st, txn, r)) {
				fprintf(out, "response %llu: comment not in "
				    "the comment index\n",
				    (unsigned long long)r->key);
				bad++;
			}
		}
		if (!r->has_ticket)
			continue;
		id_hex(r->ticket, hex);
		if (tp == NULL) {
			fprintf(out, "response %llu: ticket %s missing\n",
			    (unsigned long long)r->key, hex);
			bad++;
		} else if (t.state != TICKET_ANSWERED || t.response != r->key) {
			fprintf(out, "response %llu: ticket %s not answered "
			    "by it\n", (unsigned long long)r->key, hex);
			bad++;
		}
	}
	mdb_cursor_close(c);
	return (bad);
}

/* Answer records: each of an open ticket record issued at its time. */
static long
verify_answered(struct store *st, MDB_txn *txn, FILE *out)
{
	MDB_cursor	*c = NULL;
	MDB_val		 k, v, tk, tv;
	struct ticket	 t;
	char		 hex[2 * TICKET_ID_LEN + 1];
	long		 bad = 0;
	int		 lrc;
	MDB_cursor_op	 op = MDB_FIRST;

	if (mdb_cursor_open(txn, st->answered, &c) != 0)
		return (-1);
	for (;; op = MDB_NEXT) {
		if ((lrc = mdb_cursor_get(c, &k, &v, op)) == MDB_NOTFOUND)
			break;
		if (lrc != 0) {
			bad = -1;
			break;
		}
		if (k.mv_size != ANSWERED_KEY_LEN || v.mv_size != 8) {
			fprintf(out, "answered record of %zu bytes: "
			    "malformed\n", k.mv_size);
			bad++;
			continue;
		}
		id_hex((const uint8_t *)k.mv_data + 8, hex);
		tk.mv_data = (uint8_t *)k.mv_data + 8;
		tk.mv_size = TICKET_ID_LEN;
		if (mdb_get(txn, st->tickets, &tk, &tv) != 0 ||
		    record_ticket_decode(tv.mv_data, tv.mv_size, &t) == -1 ||
		    (uint64_t)t.issued != be64_get(k.mv_data) ||
		    t.state != TICKET_OPEN) {
			fprintf(out, "answered record of ticket %s: no such "
			    "open ticket issued at its time\n", hex);
			bad++;
		}
	}
	mdb_cursor_close(c);
	return (bad);
}

/*
 * The dossier tables: every dossier and imported row decodes, every
 * ticket's link decodes, names a stored ticket, and the dossier key of
 * its case at the ticket's unit.
 */
static long
verify_dossiers(struct store *st, MDB_txn *txn, FILE *out)
{
	MDB_cursor		*c = NULL;
	MDB_val			 k, v, tv;
	struct dossier		 d;
	struct dossier_stat	 ds;
	struct ticket		 t;
	uint8_t			 dk[CASE_KEY_LEN], stage, slot[UNIT_CODE_MAX];
	char			 hex[2 * TICKET_ID_LEN + 1];
	long			 bad = 0;
	int			 rc, pass;
	MDB_cursor_op		 op;

	for (pass = 0; pass < 3 && bad != -1; pass++) {
		if (mdb_cursor_open(txn, pass == 0 ? st->dossiers : pass == 1 ?
		    st->ticket_dossiers : st->dossier_stats, &c) != 0)
			return (-1);
		for (op = MDB_FIRST;; op = MDB_NEXT) {
			if ((rc = mdb_cursor_get(c, &k, &v, op)) ==
			    MDB_NOTFOUND)
				break;
			if (rc != 0) {
				bad = -1;
				break;
			}
			if (pass == 0 && (k.mv_size != CASE_KEY_LEN ||
			    record_dossier_decode(v.mv_data, v.mv_size,
			    &d) == -1)) {
				fprintf(out, "dossier record of %zu bytes: "
				    "malformed\n", v.mv_size);
				bad++;
			}
			if (pass == 2 && record_dstat_decode(k.mv_data,
			    k.mv_size, v.mv_data, v.mv_size, &ds) == -1) {
				fprintf(out, "dossier_stats record of %zu "
				    "bytes: malformed\n", v.mv_size);
				bad++;
			}
			if (pass != 1)
				continue;
			if (k.mv_size != TICKET_ID_LEN ||
			    record_ticket_link_decode(v.mv_data, v.mv_size,
			    &stage, dk) == -1) {
				fprintf(out, "ticket_dossiers record of %zu "
				    "bytes: malformed\n", v.mv_size);
				bad++;
				continue;
			}
			id_hex(k.mv_data, hex);
			memset(slot, 0, sizeof(slot));
			if (mdb_get(txn, st->tickets, &k, &tv) != 0 ||
			    record_ticket_decode(tv.mv_data, tv.mv_size,
			    &t) == -1) {
				fprintf(out, "ticket_dossiers record of ticket "
				    "%s: no such ticket\n", hex);
				bad++;
				continue;
			}
			memcpy(slot, t.unit, strnlen(t.unit, UNIT_CODE_MAX));
			if (memcmp(dk, slot, UNIT_CODE_MAX) != 0) {
				fprintf(out, "ticket_dossiers record of ticket "
				    "%s: a dossier of another unit\n", hex);
				bad++;
			}
		}
		mdb_cursor_close(c);
		c = NULL;
	}
	return (bad);
}

/*
 * One follow-up item's history: numbered from 0 without a gap, opened by
 * a low rating or the citizen's text, and ending in the item's state.
 */
static long
verify_followup_log(MDB_cursor *c, const struct followup *f,
    struct followup_event *ev, FILE *out)
{
	MDB_val		 k, v;
	uint8_t		 kb[FOLLOWUP_EV_KEY_LEN];
	uint32_t	 seq = 0;
	long		 bad = 0;
	int		 rc;

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
			continue;	/* said by the walk of the log */
		if (ev->seq != seq || (seq == 0 &&
		    ev->action != FOLLOWUP_EV_OPENED &&
		    ev->action != FOLLOWUP_EV_FILED)) {
			fprintf(out, "follow-up %llu: its history breaks at "
			    "event %u\n", (unsigned long long)f->id, seq);
			return (bad + 1);
		}
		seq++;
	}
	if (rc != 0 && rc != MDB_NOTFOUND)
		return (-1);
	if (seq == 0) {
		fprintf(out, "follow-up %llu: no history\n",
		    (unsigned long long)f->id);
		bad++;
	} else if (ev->state != f->state) {
		fprintf(out, "follow-up %llu: state %s, its history ends in "
		    "%s\n", (unsigned long long)f->id,
		    followup_state_name(f->state),
		    followup_state_name(ev->state));
		bad++;
	}
	return (bad);
}

/*
 * The follow-up tables: every item decodes under its own id, names a
 * stored ticket when it has one, has a call-back number exactly when it
 * says so and a whole history; every history event, sealed number and
 * webhook delivery names a stored item.
 */
static long
verify_followups(struct store *st, MDB_txn *txn, FILE *out)
{
	MDB_cursor		*c = NULL, *lc = NULL;
	MDB_val			 k, v, tk, tv;
	MDB_dbi			 dbi;
	struct followup		*f;
	struct followup_event	*ev;
	struct outbox_entry	*ob;
	uint8_t			 kb[8];
	long			 bad = 0, n;
	int			 rc, pass, has;
	const char		*what;

	f = xmalloc(sizeof(*f));
	ev = xmalloc(sizeof(*ev));
	ob = xmalloc(sizeof(*ob));
	if (mdb_cursor_open(txn, st->followup_log, &lc) != 0) {
		bad = -1;
		goto out;
	}
	for (pass = 0; pass < 4 && bad != -1; pass++) {
		dbi = pass == 0 ? st->followups : pass == 1 ?
		    st->followup_log : pass == 2 ? st->contacts : st->outbox;
		what = pass == 0 ? "followups" : pass == 1 ? "followup_log" :
		    pass == 2 ? "contacts" : "outbox";
		if (mdb_cursor_open(txn, dbi, &c) != 0) {
			bad = -1;
			break;
		}
		for (rc = mdb_cursor_get(c, &k, &v, MDB_FIRST); rc == 0;
		    rc = mdb_cursor_get(c, &k, &v, MDB_NEXT)) {
			if (pass == 0 ? (k.mv_size != 8 ||
			    record_followup_decode(v.mv_data, v.mv_size,
			    f) == -1 || f->id != be64_get(k.mv_data)) :
			    pass == 1 ? record_followup_event_decode(k.mv_data,
			    k.mv_size, v.mv_data, v.mv_size, ev) == -1 :
			    pass == 2 ? k.mv_size != 8 || v.mv_size == 0 :
			    (k.mv_size != 8 || record_outbox_decode(v.mv_data,
			    v.mv_size, ob) == -1)) {
				fprintf(out, "%s record of %zu bytes: "
				    "malformed\n", what, v.mv_size);
				bad++;
				continue;
			}
			if (pass == 0) {
				if ((n = verify_followup_log(lc, f, ev,
				    out)) == -1) {
					bad = -1;
					break;
				}
				bad += n;
				tk.mv_data = f->ticket;
				tk.mv_size = TICKET_ID_LEN;
				if (f->has_ticket && mdb_get(txn, st->tickets,
				    &tk, &tv) != 0) {
					fprintf(out, "follow-up %llu: no such "
					    "ticket\n",
					    (unsigned long long)f->id);
					bad++;
				}
				tk.mv_data = k.mv_data;
				tk.mv_size = 8;
				has = mdb_get(txn, st->contacts, &tk, &tv) == 0;
				if (has != (f->has_contact != 0)) {
					fprintf(out, "follow-up %llu: %s\n",
					    (unsigned long long)f->id, has ?
					    "a call-back number it does not "
					    "list" : "its call-back number is "
					    "missing");
					bad++;
				}
				continue;
			}
			be64_put(kb, pass == 1 ? ev->id : pass == 2 ?
			    be64_get(k.mv_data) : ob->item);
			tk.mv_data = kb;
			tk.mv_size = sizeof(kb);
			if (mdb_get(txn, st->followups, &tk, &tv) != 0) {
				fprintf(out, "%s record of follow-up %llu: no "
				    "such item\n", what,
				    (unsigned long long)be64_get(kb));
				bad++;
			}
		}
		if (rc != 0 && rc != MDB_NOTFOUND)
			bad = -1;
		mdb_cursor_close(c);
		c = NULL;
	}
out:
	if (lc != NULL)
		mdb_cursor_close(lc);
	free(f);
	free(ev);
	free(ob);
	return (bad);
}

/* Idempotency records: each names a stored response of its channel. */
static long
verify_idem(struct store *st, MDB_txn *txn, struct response *r, FILE *out)
{
	MDB_cursor	*c = NULL;
	struct idem	 im;
	MDB_val		 k, v;
	uint8_t		 kb[8];
	long		 bad = 0;
	int		 rc;
	MDB_cursor_op	 op = MDB_FIRST;

	if (mdb_cursor_open(txn, st->idem, &c) != 0)
		return (-1);
	for (;; op = MDB_NEXT) {
		if ((rc = mdb_cursor_get(c, &k, &v, op)) == MDB_NOTFOUND)
			break;
		if (rc != 0) {
			bad = -1;
			break;
		}
		if (k.mv_size != 32 ||
		    record_idem_decode(v.mv_data, v.mv_size, &im) == -1) {
			fprintf(out, "idem record %zu bytes: malformed\n",
			    v.mv_size);
			bad++;
			continue;
		}
		be64_put(kb, im.response);
		k.mv_data = kb;
		k.mv_size = 8;
		if (mdb_get(txn, st->responses, &k, &v) != 0 ||
		    record_response_decode(v.mv_data, v.mv_size, r) == -1 ||
		    r->channel != im.channel) {
			fprintf(out, "idem record: response %llu missing\n",
			    (unsigned long long)im.response);
			bad++;
		}
	}
	mdb_cursor_close(c);
	return (bad);
}

static const char *const sum_names[SUM_NCOUNTERS] = {
	"level 1", "level 2", "level 3", "level 4", "level 5", "issued",
	"qr", "kiosk", "kiosk-walkin", "suspect", "answered",
	"suspect level 1", "suspect level 2", "suspect level 3",
	"suspect level 4", "suspect level 5"
};
_Static_assert(SUM_NCOUNTERS == 16 && SURVEY_LEVELS == 5 &&
    CHANNEL_COUNT == 3, "sum_names");

/* One line per counter of a sums row that disagrees. */
static long
sum_report(FILE *out, const uint8_t *kb, const uint64_t *stored,
    const uint64_t *recomp)
{
	char	 unit[UNIT_CODE_MAX + 1], sector[SECTOR_CODE_MAX + 1];
	uint32_t month;
	long	 bad = 0;
	size_t	 i;

	if (record_sum_key_decode(kb, SUM_KEY_LEN, &month, unit,
	    sector) == -1) {
		fprintf(out, "sums (malformed key)\n");
		return (1);
	}
	for (i = 0; i < SUM_NCOUNTERS; i++) {
		if (stored[i] == recomp[i])
			continue;
		fprintf(out, "sums %u %s %s %s: stored %llu, recomputed "
		    "%llu\n", (unsigned)month,
		    unit[0] != '\0' ? unit : "(all)", sector, sum_names[i],
		    (unsigned long long)stored[i],
		    (unsigned long long)recomp[i]);
		bad++;
	}
	return (bad);
}

/* Compares sums with the recomputed rows, both ways; -1 on a read error. */
/* A sums value's counters: 0, or -1 when malformed. */
static int
sum_counters(const uint8_t *v, size_t len, uint64_t *c)
{
	size_t	 j;

	if (len != SUM_VAL_LEN || v[0] != SUM_VERSION)
		return (-1);
	for (j = 0; j < SUM_NCOUNTERS; j++)
		c[j] = be64_get(v + 1 + 8 * j);
	return (0);
}

long
store_verify_rows(MDB_txn *txn, const struct verify_rows *t, FILE *out)
{
	MDB_cursor	*c = NULL;
	MDB_val		 k, v;
	uint64_t	 stored[VERIFY_ROW_COUNTERS_MAX];
	uint64_t	 zero[VERIFY_ROW_COUNTERS_MAX];
	const uint8_t	*row;
	long		 bad = 0;
	size_t		 i = 0;
	int		 rc, cmp;

	memset(zero, 0, sizeof(zero));
	if (mdb_cursor_open(txn, t->dbi, &c) != 0)
		return (-1);
	rc = mdb_cursor_get(c, &k, &v, MDB_FIRST);
	while (rc == 0 || i < t->nrows) {
		if (rc != 0 && rc != MDB_NOTFOUND) {
			bad = -1;
			break;
		}
		if (rc == 0 && (k.mv_size != t->klen ||
		    t->decode(v.mv_data, v.mv_size, stored) == -1)) {
			fprintf(out, "%s record of %zu+%zu bytes: "
			    "malformed\n", t->name, k.mv_size, v.mv_size);
			bad++;
			rc = mdb_cursor_get(c, &k, &v, MDB_NEXT);
			continue;
		}
		row = i < t->nrows ? (const uint8_t *)t->rows + i * t->stride :
		    NULL;
		if (rc != 0)
			cmp = 1;
		else if (row == NULL)
			cmp = -1;
		else
			cmp = memcmp(k.mv_data, row + t->koff, t->klen);
		if (cmp < 0) {
			bad += t->report(out, k.mv_data, stored, zero);
			rc = mdb_cursor_get(c, &k, &v, MDB_NEXT);
		} else if (cmp > 0) {
			bad += t->report(out, row + t->koff, zero,
			    (const uint64_t *)(const void *)(row + t->coff));
			i++;
		} else {
			bad += t->report(out, row + t->koff, stored,
			    (const uint64_t *)(const void *)(row + t->coff));
			rc = mdb_cursor_get(c, &k, &v, MDB_NEXT);
			i++;
		}
	}
	mdb_cursor_close(c);
	return (bad);
}

static long
verify_sums(struct store *st, MDB_txn *txn, const struct counts_table *tb,
    FILE *out)
{
	struct verify_rows	 t = { "sums", st->sums, SUM_KEY_LEN,
	    SUM_NCOUNTERS, tb->sum, tb->nsum, sizeof(tb->sum[0]),
	    offsetof(struct counts_sum, k), offsetof(struct counts_sum, c),
	    sum_counters, sum_report };

	return (store_verify_rows(txn, &t, out));
}

static const char *const desk_names[DESK_NCOUNTERS] = {
	"issued", "answered", "level 1", "level 2", "level 3", "level 4",
	"level 5", "suspect"
};
_Static_assert(DESK_NCOUNTERS == 8 && SURVEY_LEVELS == 5, "desk_names");

/* One line per counter of a desks row that disagrees. */
static long
desk_report(FILE *out, const uint8_t *kb, const uint64_t *stored,
    const uint64_t *recomp)
{
	struct store_desk d;
	uint8_t		 vb[DESK_VAL_LEN];
	long		 bad = 0;
	size_t		 i;

	memset(vb, 0, sizeof(vb));
	vb[0] = DESK_VERSION;
	if (record_desk_decode(kb, DESK_KEY_LEN, vb, sizeof(vb), &d) == -1) {
		fprintf(out, "desks (malformed key)\n");
		return (1);
	}
	for (i = 0; i < DESK_NCOUNTERS; i++) {
		if (stored[i] == recomp[i])
			continue;
		fprintf(out, "desks %u %s %s %s%s%s %s: stored %llu, "
		    "recomputed %llu\n", (unsigned)d.month, d.unit,
		    d.kind == DESK_COUNTER ? "counter" : "officer",
		    d.code[0] != '\0' ? d.code : "(unknown)",
		    d.name[0] != '\0' ? " " : "", d.name, desk_names[i],
		    (unsigned long long)stored[i],
		    (unsigned long long)recomp[i]);
		bad++;
	}
	return (bad);
}

/* Compares desks with the recomputed rows, both ways; -1 on a read
 * error. */
static long
verify_desks(struct store *st, MDB_txn *txn, const struct counts_table *tb,
    FILE *out)
{
	struct verify_rows	 t = { "desks", st->desks, DESK_KEY_LEN,
	    DESK_NCOUNTERS, tb->desk, tb->ndesk, sizeof(tb->desk[0]),
	    offsetof(struct counts_desk, k), offsetof(struct counts_desk, c),
	    record_desk_counters, desk_report };

	return (store_verify_rows(txn, &t, out));
}

int
store_rebuild_sums(struct store *st, MDB_txn *txn)
{
	struct recomp	 rc;
	MDB_val		 k, v;
	uint8_t		 vb[SUM_VAL_LEN > DESK_VAL_LEN ? SUM_VAL_LEN :
			    DESK_VAL_LEN];
	size_t		 i;
	int		 lrc;

	memset(&rc, 0, sizeof(rc));
	rc.r = xmalloc(sizeof(*rc.r));
	if (verify_tickets(st, txn, &rc) == -1 ||
	    verify_responses(st, txn, &rc) == -1) {
		lrc = MDB_CORRUPTED;
		goto out;
	}
	counts_table_merge(&rc.tb);
	/* Start from nothing: every counter is recomputed. */
	if ((lrc = mdb_drop(txn, st->sums, 0)) != 0 ||
	    (lrc = mdb_drop(txn, st->agg, 0)) != 0 ||
	    (lrc = mdb_drop(txn, st->desks, 0)) != 0)
		goto out;
	for (i = 0; i < rc.tb.nagg; i++) {
		be64_put(vb, rc.tb.agg[i].n);
		k.mv_data = rc.tb.agg[i].k;
		k.mv_size = AGG_KEY_LEN;
		v.mv_data = vb;
		v.mv_size = 8;
		if ((lrc = mdb_put(txn, st->agg, &k, &v, 0)) != 0)
			goto out;
	}
	for (i = 0; i < rc.tb.nsum; i++) {
		record_sum_value(rc.tb.sum[i].c, vb);
		k.mv_data = rc.tb.sum[i].k;
		k.mv_size = SUM_KEY_LEN;
		v.mv_data = vb;
		v.mv_size = SUM_VAL_LEN;
		if ((lrc = mdb_put(txn, st->sums, &k, &v, 0)) != 0)
			goto out;
	}
	for (i = 0; i < rc.tb.ndesk; i++) {
		record_desk_value(rc.tb.desk[i].c, vb);
		k.mv_data = rc.tb.desk[i].k;
		k.mv_size = DESK_KEY_LEN;
		v.mv_data = vb;
		v.mv_size = DESK_VAL_LEN;
		if ((lrc = mdb_put(txn, st->desks, &k, &v, 0)) != 0)
			goto out;
	}
	lrc = 0;
out:
	counts_table_clear(&rc.tb);
	free(rc.r);
	return (lrc);
}

long
store_verify(struct store *st, FILE *out)
{
	MDB_txn		*txn = NULL;
	MDB_cursor	*c = NULL;
	struct recomp	 re;
	struct counts_table *tb = &re.tb;
	MDB_val		 k, v;
	uint64_t	 stored;
	long		 bad = -1, n, n2;
	size_t		 i = 0;
	int		 rc, cmp;

	memset(&re, 0, sizeof(re));
	re.r = xmalloc(sizeof(*re.r));
	re.out = out;
	if (store_txn_begin(st, MDB_RDONLY, &txn) != 0)
		goto out;
	if ((n = verify_tickets(st, txn, &re)) == -1)
		goto out;
	bad = n;
	if ((n = verify_responses(st, txn, &re)) == -1) {
		bad = -1;
		goto out;
	}
	bad += n;
	if ((n = verify_idem(st, txn, re.r, out)) == -1 ||
	    (n2 = verify_answered(st, txn, out)) == -1) {
		bad = -1;
		goto out;
	}
	bad += n + n2;
	if ((n = verify_dossiers(st, txn, out)) == -1 ||
	    (n2 = verify_followups(st, txn, out)) == -1) {
		bad = -1;
		goto out;
	}
	bad += n + n2;
	{
		MDB_stat	 ms;

		if (mdb_stat(txn, st->comments, &ms) != 0) {
			bad = -1;
			goto out;
		}
		if (ms.ms_entries != re.comments) {
			fprintf(out, "comment index: %zu entries for %zu "
			    "responses with a comment\n",
			    (size_t)ms.ms_entries, re.comments);
			bad++;
		}
	}
	counts_table_merge(tb);
	if ((n = verify_sums(st, txn, tb, out)) == -1 ||
	    (n2 = verify_desks(st, txn, tb, out)) == -1) {
		bad = -1;
		goto out;
	}
	bad += n + n2;
	if ((n = store_stage_verify(st, txn, tb, out)) == -1) {
		bad = -1;
		goto out;
	}
	bad += n;

	if (mdb_cursor_open(txn, st->agg, &c) != 0) {
		bad = -1;
		goto out;
	}
	rc = mdb_cursor_get(c, &k, &v, MDB_FIRST);
	while (rc == 0 || i < tb->nagg) {
		if (rc != 0 && rc != MDB_NOTFOUND) {
			bad = -1;
			goto out;
		}
		if (rc == 0 && k.mv_size != AGG_KEY_LEN) {
			fprintf(out, "agg key of %zu bytes: malformed\n",
			    k.mv_size);
			bad++;
			rc = mdb_cursor_get(c, &k, &v, MDB_NEXT);
			continue;
		}
		if (rc != 0)
			cmp = 1;
		else if (i == tb->nagg)
			cmp = -1;
		else
			cmp = memcmp(k.mv_data, tb->agg[i].k, AGG_KEY_LEN);
		stored = 0;
		if (cmp <= 0) {
			if (v.mv_size != 8) {
				fprintf(out, "agg value of %zu bytes: "
				    "malformed\n", v.mv_size);
				bad++;
				stored = UINT64_MAX;
			} else
				stored = be64_get(v.mv_data);
		}
		if (cmp < 0) {
			if (stored != 0 && stored != UINT64_MAX) {
				agg_report(out, k.mv_data, stored, 0);
				bad++;
			}
			rc = mdb_cursor_get(c, &k, &v, MDB_NEXT);
		} else if (cmp > 0) {
			agg_report(out, tb->agg[i].k, 0, tb->agg[i].n);
			bad++;
			i++;
		} else {
			if (stored != tb->agg[i].n && stored != UINT64_MAX) {
				agg_report(out, tb->agg[i].k, stored, tb->agg[i].n);
				bad++;
			}
			rc = mdb_cursor_get(c, &k, &v, MDB_NEXT);
			i++;
		}
	}
out:
	if (c != NULL)
		mdb_cursor_close(c);
	store_txn_abort(st, txn);
	counts_table_clear(&re.tb);
	free(re.r);
	return (bad);
}

int
store_rebuild_comments(struct store *st, MDB_txn *txn)
{
	MDB_cursor	*c = NULL;
	MDB_val		 k, v;
	struct response	*r;
	uint8_t		 kb[COMMENT_KEY_LEN], vb[COMMENT_VAL_LEN];
	MDB_val		 ck = { sizeof(kb), kb }, cv = { sizeof(vb), vb };
	int		 rc;

	r = xmalloc(sizeof(*r));
	if ((rc = mdb_drop(txn, st->comments, 0)) != 0 ||
	    (rc = mdb_cursor_open(txn, st->responses, &c)) != 0)
		goto out;
	for (rc = mdb_cursor_get(c, &k, &v, MDB_FIRST); rc == 0;
	    rc = mdb_cursor_get(c, &k, &v, MDB_NEXT)) {
		/* A damaged record is passed over (verify names it), as
		 * the recount of sums does: it must not stop a start. */
		if (k.mv_size != 8 ||
		    record_response_decode(v.mv_data, v.mv_size, r) == -1)
			continue;
		if (r->comment_len == 0)
			continue;
		record_comment(r, kb, vb);
		if ((rc = mdb_put(txn, st->comments, &ck, &cv, 0)) != 0)
			goto out;
	}
	if (rc == MDB_NOTFOUND)
		rc = 0;
out:
	if (c != NULL)
		mdb_cursor_close(c);
	free(r);
	return (rc);
}
