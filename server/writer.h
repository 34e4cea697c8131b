/*
 * writer.h: the one thread that writes. Callers queue operations; the
 * writer applies as many as are waiting (up to max_batch) in one write
 * transaction, each in a nested transaction so that one failing op does
 * not undo the others, commits durably, then calls each op's done()
 * callback. An op is reported done only after its batch is on disk.
 * MDB_MAP_FULL grows the map and retries the batch.
 */
#ifndef WRITER_H
#define WRITER_H

#include <stddef.h>
#include <stdint.h>

#include "catalog.h"
#include "dossier.h"
#include "contact.h"
#include "hl.h"
#include "model.h"

#define WRITER_BATCH_DEFAULT	64
#define WRITER_BATCH_MAX	1024

enum wop_kind {
	WOP_TICKET,	/* issue a ticket (idempotent per unit + case) */
	WOP_ANSWER,	/* store a response */
	WOP_KEY,	/* store an API key */
	WOP_ENROL_ADD,	/* store a pending enrolment code */
	WOP_ENROL,	/* consume a code: create its kiosk key */
	WOP_REVOKE,	/* delete the kiosk keys and codes of a name */
	WOP_KIOSK_STATUS,	/* record a kiosk's report of its queue */
	WOP_USER,		/* add a user, set a password, disable */
	WOP_CATROW,		/* add or change a unit or a procedure */
	WOP_CATIMPORT,		/* the units of an import, all or none */
	WOP_DOSSIER,	/* apply an event of the one-stop software */
	WOP_DSTATS,	/* store imported monthly statistics, all or none */
	WOP_FOLLOWUP_FILE,	/* a citizen's complaint or request */
	WOP_FOLLOWUP_REPLY,	/* a head's answer or new state */
	WOP_OUTBOX_DONE,	/* a webhook delivery taken: delete it */
	WOP_OUTBOX_RETRY,	/* a webhook delivery failed: try later */
	WOP_SURVEY,		/* store a survey's new version */
	WOP_TARGET		/* store a target of a year */
};

enum wop_user_mode {
	WOP_USER_ADD,		/* HL_CONFLICT when the name is taken */
	WOP_USER_PASSWD,	/* new salt, hash and costs; enables */
	WOP_USER_DISABLE,	/* HL_NOT_FOUND when no such user */
	/*
	 * One-time codes (totp.h); HL_NOT_FOUND when no such user, else
	 * HL_CONFLICT when the record is not as the mode needs:
	 * TOTP_NEW: in u.totp, a new sealed secret, not yet in use (not
	 * when codes are on already). TOTP_ON: in u.totp, the new secret
	 * the code was checked with, u.totp_step the code's step: codes
	 * asked from then on. TOTP_OFF: no code asked, the secret gone.
	 * TOTP_USE: u.totp_step, a step after the last taken (a code is
	 * taken once); no audit entry (a sign-in, not a change).
	 */
	WOP_USER_TOTP_NEW,
	WOP_USER_TOTP_ON,
	WOP_USER_TOTP_OFF,
	WOP_USER_TOTP_USE
};

struct uimport_row;

struct wop {
	enum wop_kind	 kind;
	union {
		struct {
			/* in: the new ticket, id, kid and times set */
			struct ticket	 t;
			int		 has_case;
			uint8_t		 case_hash[32];
			/* in: offered to its counter's kiosk (the API's) */
			int		 offer;
			/* with has_case: the stage it asks at (enum
			 * dossier_stage); one ticket per unit, case and
			 * stage, linked to the dossier's key */
			int		 stage;
			/* out: the stored ticket (new or the earlier one) */
			int		 created;
		} ticket;
		struct {
			/*
			 * in: r without key/month (the writer assigns them
			 * from r.answered); with has_ticket, r's procedure,
			 * sector and unit are taken from the ticket, which
			 * must be open and unexpired at commit time.
			 */
			struct response	 r;
			/*
			 * in: with has_idem, idem is record_idem_key() of the
			 * kiosk's key hash and its idempotency key. When a
			 * record exists the op stores nothing: rc HL_OK,
			 * duplicate set, and r's key, channel and flags are
			 * the first answer's. Otherwise the record is
			 * written with the response.
			 */
			int		 has_idem;
			uint8_t		 idem[32];
			int		 duplicate;	/* out */
			/*
			 * in: open a follow-up item with the response (a
			 * rating at or below SURVEY_LOW_LEVEL with a
			 * comment): its text is the comment.
			 */
			int		 followup;
			uint8_t		 level;		/* the overall */
			/*
			 * in: with filed, a complaint or request filed
			 * with the answer (a kiosk's): its item is opened
			 * with this text, and fu_phone ("" = none), sealed
			 * by the writer under the store's key ring (the
			 * item's id is the response's key, known only
			 * there). The caller zeroes fu_phone after.
			 */
			int		 filed;
			int		 notify;	/* queue a webhook */
			uint8_t		 fu_kind;
			size_t		 fu_text_len;
			char		 fu_text[FOLLOWUP_TEXT_MAX + 1];
			char		 fu_phone[CONTACT_PHONE_MAX + 1];
		} answer;
		struct {
			uint8_t		 hash[32];
			struct apikey	 key;
		} key;
		struct {
			/*
			 * ENROL_ADD in: e (hash = code hash); HL_CONFLICT
			 * when that code exists. ENROL in: e.hash and
			 * key_hash (the new secret's hash), created; out: e
			 * (the consumed code) and key (the stored key);
			 * HL_NOT_FOUND for an unknown, used or expired code.
			 */
			struct enrol	 e;
			uint8_t		 key_hash[32];
			int64_t		 created;
			struct apikey	 key;
		} enrol;
		struct {
			/*
			 * in: name ("" = any) or id (the first idlen bytes
			 * of a key's hash, idlen 0 = any), role (a ROLE_*
			 * mask, 0 = any role; codes are kiosks'); out: what
			 * was deleted (HL_NOT_FOUND when nothing matched).
			 */
			char		 name[KEY_NAME_MAX + 1];
			uint8_t		 id[KEY_ID_LEN];
			size_t		 idlen;
			int		 role;
			size_t		 nkeys;
			size_t		 ncodes;
		} revoke;
		struct {
			/*
			 * in: mode and u (ADD: all of it; PASSWD: name,
			 * costs, salt, hash; DISABLE: name). out: u as
			 * stored (gen and changed set by the writer).
			 */
			enum wop_user_mode mode;
			struct user	 u;
		} user;
		struct {
			/*
			 * in: row (its text the caller's until done) and
			 * the audit entry's before and after (JSON texts,
			 * the caller's). HL_CONFLICT when the store holds
			 * that version of the id or a newer one (another
			 * admin published first): nothing written.
			 */
			struct survey_row row;
			const char	*before;
			const char	*after;
		} survey;
		struct {
			/*
			 * in: row (it replaces the stored one of its kind,
			 * code and year), the audit's before and after
			 * (JSON texts, the caller's).
			 */
			struct target_row row;
			const char	*before;
			const char	*after;
		} target;
		struct {
			/*
			 * in: the row; replace 0 adds it (HL_CONFLICT when
			 * the store has that code; the caller checked the
			 * files'), 1 changes it (the store's row or, with
			 * has_file, the files' row file); gen, the
			 * catalogue's generation the caller checked the
			 * whole catalogue at (store_catrows()): another
			 * change since is HL_CONFLICT with stale set, so
			 * that two changes checked apart never make a
			 * catalogue neither was checked as (a cycle).
			 * out: before, the row it replaced (has_before).
			 */
			struct catrow	 row;
			uint64_t	 gen;
			int		 stale;
			int		 replace;
			int		 has_file;
			struct catrow	 file;
			int		 has_before;
			struct catrow	 before;
		} catrow;
		struct {
			/*
			 * in: rows[0..n) (caller's, alive until done: each
			 * row after, and before unless UI_ADD), gen as for
			 * catrow (stale set on HL_CONFLICT); each row
			 * written with its audit entry (unit.import).
			 */
			const struct uimport_row *rows;
			size_t		 n;
			uint64_t	 gen;
			int		 stale;
		} catimport;
		struct {
			/*
			 * in: ev, and key, the dossier's (the receiving
			 * unit's slot and the case hash). out: d, the
			 * dossier after the event; changed 0 for a repeat
			 * (nothing written); HL_INVALID with why for an
			 * event the dossier cannot have had.
			 */
			struct dossier_ev ev;
			uint8_t		 key[DOSSIER_KEY_LEN];
			struct dossier	 d;
			int		 changed;
			int		 created;
			char		 why[160];
		} dossier;
		struct {
			/*
			 * in: rows[0..n) (caller's, alive until done).
			 * out: old[i] the row stored before when there is
			 * one, state[i] 0 new, 1 the same (nothing to
			 * write), 2 different from the one stored. Any 2:
			 * HL_CONFLICT and nothing written.
			 */
			const struct dossier_stat *rows;
			size_t		 n;
			struct dossier_stat *old;
			uint8_t		*state;
			size_t		 added;
		} dstats;
		struct {
			/* in: the kiosk key's hash and the report;
			 * HL_NOT_FOUND when the key is gone. */
			uint8_t		 hash[32];
			int64_t		 at;
			uint32_t	 queued, refused, held;
			char		 app[KIOSK_APP_MAX + 1];
		} kstatus;
		struct {
			/*
			 * FILE in: id (the response's key; with
			 * has_ticket, that response must be the ticket's),
			 * its overall level, origin, kind, text and, when contact_len > 0,
			 * the sealed call-back number (contact.h). A new
			 * item, or the text of one a low rating opened;
			 * HL_NOT_FOUND without that response, HL_CONFLICT
			 * when the citizen wrote already.
			 * REPLY in: id, state, text (an answer, may be
			 * empty), who; HL_NOT_FOUND, HL_CONFLICT for a
			 * closed item, HL_INVALID for an open state with
			 * no answer ever.
			 * Both out: state, the item's after the op.
			 */
			uint64_t	 id;
			int		 has_ticket;
			uint8_t		 ticket[TICKET_ID_LEN];
			uint8_t		 origin, kind, state;
			uint8_t		 level;	/* FILE: the overall */
			char		 who[FOLLOWUP_WHO_MAX + 1];
			size_t		 text_len;
			char		 text[FOLLOWUP_TEXT_MAX + 1];
			size_t		 contact_len;
			uint8_t		 contact[CONTACT_SEALED_MAX];
			int		 notify;	/* queue a webhook */
		} fu;
		struct {
			/* in: the delivery; RETRY: when and how many
			 * failures so far. HL_NOT_FOUND when gone. */
			uint64_t	 id;
			int64_t		 next;
			uint32_t	 attempts;
		} outbox;
	} u;
	/*
	 * in: who asks, for the audit log; by.who "" for ops that are not
	 * admin changes (tickets, answers, a kiosk's status). With it, a
	 * key, a user, an enrolment code or a revocation writes its audit
	 * entry in the op's own transaction: both or neither.
	 */
	struct actor	 by;
	enum hl_rc	 rc;	/* out: HL_OK, HL_NOT_FOUND, HL_CONFLICT
				 * (ticket answered), HL_GONE (expired),
				 * HL_FULL (disk full), HL_ERROR */
	void		(*done)(struct wop *, void *);	/* writer thread */
	void		*arg;
	struct wop	*next;	/* queue link, the writer's */
};

/* What the writer did since it started, for GET /metrics. */
#define WRITER_SURVEYS_MAX	8	/* surveys counted apart; then "other" */
#define WRITER_IND_MAX		32	/* indicators counted */
#define WRITER_IND_ID_MAX	39	/* bytes of an indicator's id */
struct writer_survey_stats {
	char		 id[SURVEY_ID_MAX + 1];	/* "other" for the rest */
	uint64_t	 tickets;		/* created */
	uint64_t	 answers[CHANNEL_COUNT];	/* stored */
};
struct metrics_hist;
struct writer_stats {
	uint64_t	 batches;	/* committed */
	uint64_t	 failed;	/* batches not written */
	uint64_t	 ops;		/* ops in committed batches */
	uint64_t	 queued;	/* ops waiting now */
	uint64_t	 tickets;	/* tickets created */
	uint64_t	 answers[CHANNEL_COUNT];	/* responses stored */
	uint64_t	 suspects;	/* of them flagged suspect */
	size_t		 nsurveys;	/* by survey, in order first seen */
	struct writer_survey_stats surveys[WRITER_SURVEYS_MAX];
	size_t		 nind;		/* by indicator (writer_classify) */
	char		 ind_ids[WRITER_IND_MAX][WRITER_IND_ID_MAX + 1];
	uint64_t	 ind_answers[WRITER_IND_MAX];
	uint64_t	 purged_idem;	/* idempotency records purged */
	uint64_t	 purged_enrol;	/* expired enrolment codes purged */
	uint64_t	 purged_contacts; /* call-back numbers deleted */
	uint64_t	 map_size;	/* bytes of the database's map */
	uint64_t	 map_used;	/* bytes of it in use */
	/* The writer's own, alive while it runs. */
	const struct metrics_hist *batch_ops;	/* ops per batch */
	const struct metrics_hist *apply_us;	/* applying a batch */
	const struct metrics_hist *commit_us;	/* its durable commit */
};

/*
 * Housekeeping between batches, in small transactions: idempotency
 * records older than WRITER_IDEM_KEEP and enrolment codes expired for
 * WRITER_ENROL_KEEP (so that `kiosk list` shows them expired for a day)
 * and the tickets offered to counters' kiosks more than
 * PENDING_WINDOW_SEC ago are deleted, at most WRITER_PURGE_SCAN records
 * looked at per transaction; a pass over the three tables starts when the writer starts
 * and every WRITER_PURGE_EVERY seconds after the last one ended.
 */
#define WRITER_IDEM_KEEP	(30 * 86400)
#define WRITER_ENROL_KEEP	86400
#define WRITER_PURGE_SCAN	256
#define WRITER_PURGE_EVERY	3600
/* Call-back numbers of items closed this long ago are deleted in the
 * same passes (writer_contact_keep() changes it). */
#define WRITER_CONTACT_KEEP	(30 * 86400)

struct store;
struct writer;

/* Starts the writer thread on an open store; 0 or -1. */
int	 writer_start(struct writer **, struct store *, size_t max_batch);

/*
 * The indicators a stored answer counts toward, for GET /metrics:
 * classify(r, arg) returns bit i for ids[i] (i < n, at most
 * WRITER_IND_MAX; the ids are copied). Called before the first op is
 * submitted, and again when the indicators change while serving: an id
 * kept keeps its count, a new one starts at zero.
 */
void	 writer_classify(struct writer *,
	    uint32_t (*classify)(const struct response *, void *), void *arg,
	    const char *const *ids, size_t n);
/* The surveys counted from the start, at zero until their first ticket. */
void	 writer_surveys(struct writer *, const char *const *ids, size_t n);
/* Finishes every queued op, then stops the thread and frees. */
void	 writer_stop(struct writer *);
/* Queues op; op->done is called from the writer thread once committed. */
void	 writer_submit(struct writer *, struct wop *);
/* Queues op and waits for it; returns op->rc. */
enum hl_rc writer_run(struct writer *, struct wop *);
/* Copies out the figures (and the map's size, read from LMDB). */
void	 writer_stats(struct writer *, struct writer_stats *);
/*
 * Calls ping (from the writer thread) at least every usec / 2 while the
 * writer loop turns, idle or not, and not while it is stuck: systemd's
 * watchdog. usec 0 stops it. Before or after writer_start().
 */
void	 writer_watchdog(struct writer *, uint64_t usec, void (*ping)(void));
/* Seconds after an item's closing that its call-back number is kept;
 * at any time: a pass over the contacts follows as soon as the writer
 * is idle. */
void	 writer_contact_keep(struct writer *, int64_t secs);
/*
 * The rules of overdue follow-ups (the calendar wd, which outlives the
 * writer, and the working days to answer): from then on the same passes
 * mark each open item past its deadline with an `overdue` event, once,
 * and queue its webhook delivery when notify. A pass follows at once.
 */
struct workdays;
void	 writer_followup_rules(struct writer *, const struct workdays *wd,
	    int answer_days, int notify);

#endif
