/*
 * model.h: hailong's domain types, the records the store keeps and every
 * module passes around (tickets, responses, API keys, kiosk enrolments,
 * idempotency records, counter keys), and the names of channels and
 * roles. No storage here: a module that only needs the types includes
 * this, not store.h.
 * Trap: the sizes of the fields are the slots of the stored records
 * (record.h); changing one changes the data format.
 */
#ifndef MODEL_H
#define MODEL_H

#include <stddef.h>
#include <stdint.h>

#include "hl.h"
#include "survey.h"
#include "token.h"

enum ticket_state {
	TICKET_OPEN = 0,
	TICKET_ANSWERED = 1,
	TICKET_VOID = 2
};

#define KEY_NAME_MAX	64
/* A key's id: the first bytes of its hash, shown as hex by key add/list. */
#define KEY_ID_LEN	6
#define KEY_ID_HEX	(2 * KEY_ID_LEN)

struct ticket {
	uint8_t	 id[TICKET_ID_LEN];
	uint8_t	 kid;
	uint8_t	 state;			/* enum ticket_state */
	int64_t	 issued;		/* seconds since the epoch */
	int64_t	 expires;
	uint64_t response;		/* response key when answered */
	char	 procedure[PROC_CODE_MAX + 1];
	char	 sector[SECTOR_CODE_MAX + 1];
	char	 unit[UNIT_CODE_MAX + 1];		/* received the dossier */
	char	 handling_unit[UNIT_CODE_MAX + 1];	/* "" = same */
	char	 counter[COUNTER_MAX + 1];
	/* Who issued it: the key's id as hex and its name then; "" for
	 * tickets of the command line and of hailong before format 8. */
	char	 officer[KEY_ID_HEX + 1];
	char	 officer_name[KEY_NAME_MAX + 1];
	/*
	 * The survey its answers go to (survey.h; SURVEY_PROCEDURE for a
	 * ticket stored before format 8), and for a service survey the
	 * service (schema/services.csv) instead of a procedure, and the
	 * sector marked with the survey (AGG_SURVEY_MARK below).
	 */
	char	 survey[SURVEY_ID_MAX + 1];
	char	 service[SERVICE_CODE_MAX + 1];
	/*
	 * The stage it asks at (enum dossier_stage, 0 = returned): not in
	 * its record but in its link to a dossier (ticket_dossiers), read
	 * with it by store_ticket_read(); 0 for a ticket without a case.
	 */
	uint8_t	 stage;
};

/* The survey of a ticket: its own, SURVEY_PROCEDURE when empty. */
const char *ticket_survey(const struct ticket *);

/* The unit a ticket's answers are counted under: the handling unit when
 * one is named, else the receiving unit. */
const char *ticket_count_unit(const struct ticket *);

enum channel {
	CHANNEL_QR = 0,		/* citizen's phone, through the ticket */
	CHANNEL_KIOSK = 1,	/* kiosk, paired with a ticket */
	CHANNEL_WALKIN = 2,	/* kiosk, no ticket */
	CHANNEL_COUNT
};
const char *channel_name(enum channel);

#define RESPONSE_SUSPECT	0x01

struct response {
	uint64_t	 key;		/* µs since epoch, strictly increasing */
	int64_t		 answered;	/* seconds; the month is taken from it */
	uint32_t	 month;		/* YYYYMM, province time zone */
	uint8_t		 channel;	/* enum channel */
	uint8_t		 flags;
	uint8_t		 has_ticket;
	uint8_t		 ticket[TICKET_ID_LEN];
	/* A service survey's: the ticket's service, the marked sector. */
	char		 procedure[PROC_CODE_MAX + 1];
	char		 sector[SECTOR_CODE_MAX + 1];
	char		 unit[UNIT_CODE_MAX + 1];	/* counted under */
	char		 survey[SURVEY_ID_MAX + 1];
	uint32_t	 survey_version;
	char		 lang[LANG_CODE_MAX + 1];
	size_t		 nanswers;
	struct answer	 answers[RESPONSE_ANSWERS_MAX];
	size_t		 comment_len;
	char		 comment[COMMENT_BYTES_MAX + 1];
};

enum role {
	ROLE_NONE = 0,
	ROLE_COUNTER = 1,
	ROLE_VIEWER = 2,
	ROLE_ADMIN = 4,
	ROLE_KIOSK = 8,
	ROLE_HEAD = 16	/* the head of a unit: its follow-ups */
};
const char *role_name(enum role);
int	 role_parse(const char *);	/* -1 when unknown */

/* The id of the key whose hash is hash: KEY_ID_LEN bytes, lower-case
 * hex, into out. */
void	 apikey_id_hex(const uint8_t hash[32], char out[KEY_ID_HEX + 1]);

#define KIOSK_APP_MAX	32	/* a kiosk app's version, bytes */

struct apikey {
	uint8_t	 role;			/* enum role */
	int64_t	 created;
	char	 name[KEY_NAME_MAX + 1];
	char	 unit[UNIT_CODE_MAX + 1];	/* "" = any */
	char	 counter[COUNTER_MAX + 1];	/* a kiosk's counter, or "" */
	/* A kiosk's last report of its queue (0 when none yet). */
	int64_t	 status_at;
	uint32_t queued;			/* answers waiting */
	uint32_t refused;			/* refused for good, kept */
	uint32_t held;				/* of an earlier enrolment */
	char	 app[KIOSK_APP_MAX + 1];	/* its app's version, or "" */
};

/*
 * A person who signs in with a name and a password (hailong user): the
 * password is kept as its Argon2id hash (password.h) under a salt of its
 * own, with the costs it was hashed with. gen goes up at every change
 * (password, disabling): a browser session remembers the gen it signed
 * in under and ends when it differs.
 */
#define USER_NAME_MAX	64
#define USER_SALT_LEN	16
#define USER_HASH_LEN	32
#define USER_DISABLED	0x01
#define USER_TOTP	0x02	/* a one-time code is asked at sign-in */
#define USER_TOTP_NEW	0x04	/* a secret shown, no code typed yet */
#define USER_FLAGS	(USER_DISABLED | USER_TOTP | USER_TOTP_NEW)
/* The sealed one-time code secret (totp.h's TOTP_SEALED_LEN). */
#define USER_TOTP_SEALED	50

struct user {
	char	 name[USER_NAME_MAX + 1];	/* the record's key */
	uint8_t	 role;				/* enum role, one of them */
	uint8_t	 flags;				/* USER_* */
	int64_t	 created;
	int64_t	 changed;			/* last change, seconds */
	uint32_t gen;
	char	 unit[UNIT_CODE_MAX + 1];	/* "" = any */
	uint32_t t_cost;			/* Argon2id passes */
	uint32_t m_cost;			/* its memory, KiB */
	uint8_t	 lanes;
	uint8_t	 salt[USER_SALT_LEN];
	uint8_t	 hash[USER_HASH_LEN];
	/* With USER_TOTP or USER_TOTP_NEW: the sealed secret, and the last
	 * step whose code was taken (0 none; never taken twice). */
	uint8_t	 totp[USER_TOTP_SEALED];
	uint64_t totp_step;
};

/* 1 when s[0..len) is a user name: 1 to USER_NAME_MAX bytes of
 * letters, digits, '.', '_', '-' and '@', ASCII only. */
int	 user_name_ok(const char *s, size_t len);

/*
 * Who made a change, as the audit log records it: "user NAME", "key ID
 * NAME", or "command USER" for hailong's commands (role ROLE_NONE); the
 * unit they are limited to ("" = any).
 */
#define AUDIT_WHO_MAX		(8 + KEY_ID_HEX + 1 + KEY_NAME_MAX)
#define AUDIT_ACTION_MAX	31
#define AUDIT_JSON_MAX		8000	/* bytes of before, of after */

struct actor {
	uint8_t	 role;
	char	 who[AUDIT_WHO_MAX + 1];
	char	 unit[UNIT_CODE_MAX + 1];
};

/*
 * One entry of the audit log: what an admin change did, written in the
 * transaction of the change. before and after are JSON texts ("" when
 * there was nothing: before an addition, after a deletion). unit is the
 * unit the changed thing belongs to ("" = the whole province): a
 * unit-limited admin reads only its subtree's entries.
 */
struct audit {
	uint64_t key;			/* µs since the epoch, increasing */
	int64_t	 at;			/* seconds */
	uint8_t	 role;			/* the actor's */
	char	 who[AUDIT_WHO_MAX + 1];
	char	 action[AUDIT_ACTION_MAX + 1];	/* "user.add", ... */
	char	 unit[UNIT_CODE_MAX + 1];
	char	 before[AUDIT_JSON_MAX + 1];
	char	 after[AUDIT_JSON_MAX + 1];
};

/*
 * A pending kiosk enrolment: the one-time code (enrol.h) is stored as
 * its SHA-256 only, with what the kiosk key will be; single use, valid
 * ENROL_TTL seconds.
 */
#define ENROL_TTL		(24 * 3600)

struct enrol {
	uint8_t	 hash[32];		/* the key of the record */
	int64_t	 created;
	int64_t	 expires;
	char	 name[KEY_NAME_MAX + 1];
	char	 unit[UNIT_CODE_MAX + 1];
	char	 counter[COUNTER_MAX + 1];
};

/*
 * The first outcome of an answer sent with an idempotency key, kept under
 * record_idem_key(kiosk key hash, idempotency key) so that a retry gets
 * it back.
 */
/*
 * The ticket a counter's kiosk is offered: the last one issued there
 * through the API, for PENDING_WINDOW_SEC. Kept so that a restart does
 * not forget it.
 */
#define PENDING_WINDOW_SEC	600
struct pending {
	uint8_t	 ticket[TICKET_ID_LEN];
	int64_t	 offered;		/* seconds */
};

struct idem {
	int64_t	 created;
	uint64_t response;		/* the response's key */
	uint8_t	 channel;		/* enum channel */
	uint8_t	 flags;			/* RESPONSE_* */
};

/*
 * Aggregate counters: key (month, sector, unit, question, level), a
 * uint64 count. Besides the survey's questions, the store keeps these
 * pseudo-questions, all bumped in the transaction that causes them
 * (counts.h says which):
 */
#define AGG_ISSUED	"_issued"	/* level 0: tickets issued */
#define AGG_CHANNEL	"_channel"	/* level = channel + 1 */
#define AGG_SUSPECT	"_suspect"	/* level 0: flagged responses */
/* level = the overall answer's, of the flagged responses */
#define AGG_SUSPECT_OVERALL "_suspect_overall"
/*
 * The aggregates' "sector" of walk-in kiosk answers: they have no
 * procedure, so they count in their unit's totals and in no sector. The
 * dash keeps it apart from every sector code (a-z, 0-9, _).
 */
#define AGG_WALKIN	"walk-in"

/*
 * The answers of a service survey (survey.h) are counted apart from the
 * procedure survey's: their tickets and responses are stored with the
 * sector AGG_SURVEY_MARK followed by the survey's id ("@health"), so
 * that no figure of the procedure survey (overall, sectors, units, their
 * indicators) adds them and the survey's own indicators find them. The
 * mark keeps it apart from every sector code and from AGG_WALKIN.
 */
#define AGG_SURVEY_MARK	'@'

/*
 * The sector a response is counted under in agg, sums and the comment
 * index: its own when a service survey's (marked); AGG_WALKIN for a
 * walk-in (whatever sector an older hailong stored with it, "other"
 * before format 6); else its own.
 */
const char *response_agg_sector(const struct response *);


struct agg_key {
	uint32_t month;
	char	 sector[SECTOR_CODE_MAX + 1];
	char	 unit[UNIT_CODE_MAX + 1];
	char	 question[QUESTION_ID_MAX + 1];
	uint8_t	 level;
};

/*
 * Per (month, unit, sector) sums, kept beside agg in the same write
 * transactions (schema/STORAGE.md, database sums): the unit "" row of
 * (month, sector) counts every unit. levels[] are the overall question's
 * answers by level (1-based level - 1), suspect_levels[] those of
 * them that came with responses flagged suspect. answered counts the
 * answers to the tickets issued in the row's month, in that month
 * whenever the answer came (the cohort of issued, so never more than
 * it).
 */
struct store_sum {
	uint32_t month;
	char	 unit[UNIT_CODE_MAX + 1];	/* "" = every unit */
	char	 sector[SECTOR_CODE_MAX + 1];
	uint64_t levels[SURVEY_LEVELS];
	uint64_t issued;
	uint64_t channels[CHANNEL_COUNT];
	uint64_t suspect;
	uint64_t answered;
	uint64_t suspect_levels[SURVEY_LEVELS];
};

/*
 * Per (month, unit, counter) and (month, unit, officer) counters, kept
 * beside sums in the same write transactions (schema/STORAGE.md,
 * database desks): the tickets issued at a one-stop counter or by an
 * officer's key and what their answers said, all in the month the
 * ticket was issued (the cohort of the response rate) and under the
 * unit that received it. levels[] are the overall answers by level,
 * leaving out those of responses flagged suspect (counted in suspect).
 */
enum desk_kind {
	DESK_COUNTER = 'c',	/* code: the ticket's counter */
	DESK_OFFICER = 'o'	/* code: the issuing key's id (hex) */
};

struct store_desk {
	uint32_t month;
	char	 unit[UNIT_CODE_MAX + 1];	/* the receiving unit */
	uint8_t	 kind;				/* enum desk_kind */
	char	 code[COUNTER_MAX + 1];		/* "" = not known */
	char	 name[KEY_NAME_MAX + 1];	/* an officer's, at issue */
	uint64_t issued;
	uint64_t answered;			/* whenever, of issued */
	uint64_t levels[SURVEY_LEVELS];
	uint64_t suspect;
};
_Static_assert(KEY_ID_HEX <= COUNTER_MAX, "a key id fits a desk code");

/*
 * A follow-up item: a citizen's complaint or request (phản ánh, kiến
 * nghị) about one answered dossier, or a rating at or below
 * SURVEY_LOW_LEVEL with a comment, which opens one by itself. Its id is
 * the key of the response it is about: one item per response. The unit
 * that handles it is the response's (the ticket's counting unit, a
 * kiosk's unit for a walk-in). Every change is also one event of its
 * append-only history (struct followup_event); the citizen's call-back
 * number is kept apart, encrypted (contact.h).
 */
enum followup_state {
	FOLLOWUP_OPEN = 0,
	FOLLOWUP_ANSWERED = 1,
	FOLLOWUP_CLOSED = 2,
	FOLLOWUP_STATES
};
enum followup_origin {
	FOLLOWUP_LOW_RATING = 0,	/* opened by the answer itself */
	FOLLOWUP_PHONE = 1,		/* filed from the thanks page */
	FOLLOWUP_KIOSK = 2		/* filed at the kiosk's last screen */
};
enum followup_kind {
	FOLLOWUP_COMPLAINT = 0,		/* phản ánh */
	FOLLOWUP_REQUEST = 1		/* kiến nghị */
};
#define FOLLOWUP_TEXT_CHARS	1000	/* characters of a text */
#define FOLLOWUP_TEXT_MAX	(FOLLOWUP_TEXT_CHARS * 4)	/* bytes */

struct followup {
	uint64_t id;			/* the response's key */
	int64_t	 created;
	int64_t	 updated;
	int64_t	 answered_at;		/* the first answer, 0 none */
	int64_t	 closed_at;		/* 0 while not closed */
	uint8_t	 state;			/* enum followup_state */
	uint8_t	 origin;		/* enum followup_origin */
	uint8_t	 kind;			/* enum followup_kind */
	uint8_t	 filed;			/* the citizen wrote the text */
	uint8_t	 level;			/* the overall rating, 0 none */
	uint8_t	 has_contact;		/* a contact record exists */
	uint8_t	 has_ticket;
	uint8_t	 ticket[TICKET_ID_LEN];
	char	 unit[UNIT_CODE_MAX + 1];	/* handles it */
	char	 procedure[PROC_CODE_MAX + 1];
	char	 sector[SECTOR_CODE_MAX + 1];
	char	 lang[LANG_CODE_MAX + 1];
	size_t	 text_len;		/* the citizen's words */
	char	 text[FOLLOWUP_TEXT_MAX + 1];
	size_t	 answer_len;		/* the unit's latest answer */
	char	 answer[FOLLOWUP_TEXT_MAX + 1];
};
const char *followup_state_name(int);
int	 followup_state_parse(const char *);	/* -1 when unknown */
const char *followup_origin_name(int);
const char *followup_kind_name(int);

enum followup_action {
	FOLLOWUP_EV_OPENED = 1,		/* by a low rating */
	FOLLOWUP_EV_FILED = 2,		/* the citizen's text */
	FOLLOWUP_EV_REPLY = 3,		/* an answer and/or a state */
	FOLLOWUP_EV_CONTACT_DELETED = 4,	/* retention over */
	FOLLOWUP_EV_OVERDUE = 5		/* past its deadline, still open */
};
#define FOLLOWUP_WHO_MAX	(KEY_ID_HEX + 1 + KEY_NAME_MAX)

struct followup_event {
	uint64_t id;			/* the item's */
	uint32_t seq;			/* 0, 1, ... */
	int64_t	 at;
	uint8_t	 action;		/* enum followup_action */
	uint8_t	 state;			/* the item's after it */
	char	 who[FOLLOWUP_WHO_MAX + 1];	/* "" the citizen/server */
	size_t	 text_len;
	char	 text[FOLLOWUP_TEXT_MAX + 1];
};
const char *followup_action_name(int);

/*
 * A webhook delivery waiting in the outbox: one event of one item, its
 * JSON body made when the event was committed, sent (signed) until the
 * receiver takes it with a 2xx, retried with a doubling wait.
 */
#define OUTBOX_BODY_MAX	(3 * FOLLOWUP_TEXT_MAX + 2048)

struct outbox_entry {
	uint64_t id;			/* the key: increasing, µs */
	int64_t	 created;
	int64_t	 next;			/* the next try, seconds */
	uint32_t attempts;		/* failed so far */
	uint64_t item;			/* the follow-up's id */
	char	 unit[UNIT_CODE_MAX + 1];	/* the item's unit */
	size_t	 body_len;
	char	 body[OUTBOX_BODY_MAX + 1];
};

#endif
