/*
 * record.h: the bytes of every stored record and key (schema/STORAGE.md):
 * encoders, decoders and key layouts, pure functions on bytes. No LMDB
 * here: the store and the writer put these bytes in and take them out.
 * Decoders take untrusted bytes (a damaged file, a fuzzer) and copy out;
 * they return -1 for anything malformed, with the output zeroed.
 */
#ifndef RECORD_H
#define RECORD_H

#include <stddef.h>
#include <stdint.h>

#include "catalog.h"
#include "dossier.h"
#include "model.h"

/* Values: the largest encoding of each record. */
#define TICKET_ENC_MAX		320
#define ENROL_ENC_MAX		(1 + 8 + 8 + 1 + KEY_NAME_MAX + 1 + \
	    UNIT_CODE_MAX + 1 + COUNTER_MAX)
#define IDEM_ENC_MAX		(1 + 8 + 8 + 1 + 1)
#define PENDING_ENC_MAX		(1 + TICKET_ID_LEN + 8)
#define RESPONSE_ENC_MAX	(COMMENT_BYTES_MAX + 1024 + \
	    RESPONSE_ANSWERS_MAX * (QUESTION_ID_MAX + 3))
#define APIKEY_ENC_MAX	(1 + 1 + 8 + 1 + KEY_NAME_MAX + 1 + UNIT_CODE_MAX + \
	    1 + COUNTER_MAX + 8 + 3 * 4 + 1 + KIOSK_APP_MAX)

#define USER_ENC_MAX	(1 + 1 + 1 + 8 + 8 + 4 + 1 + UNIT_CODE_MAX + 4 + 4 + \
	    1 + USER_SALT_LEN + USER_HASH_LEN + 1 + USER_TOTP_SEALED + 8)
#define AUDIT_ENC_MAX	(1 + 8 + 1 + 1 + AUDIT_WHO_MAX + 1 + \
	    AUDIT_ACTION_MAX + 1 + UNIT_CODE_MAX + 2 * (2 + AUDIT_JSON_MAX))

#define CATROW_ENC_MAX	(1 + 1 + 1 + UNIT_CODE_MAX + 1 + UNIT_CODE_MAX + 1 + \
	    UNIT_KIND_MAX + 1 + SECTOR_CODE_MAX + 3 * (2 + CATALOG_NAME_MAX) + \
	    1 + UNIT_HOTLINE_MAX + 1 + UNIT_DATE_LEN + 1 + UNIT_CODE_MAX)

/* Fixed-width keys. */
/* catalog: the type, then the code NUL-padded. */
#define CATROW_KEY_LEN	(1 + UNIT_CODE_MAX + 1)
/* catalog, a survey's version: 's', the id NUL-padded (16), u32. */
#define SURVEY_ROW_KEY_LEN	(1 + SURVEY_ID_MAX + 1 + 4)
/* catalog, a target: 't', the kind, the code NUL-padded (40), u16. */
#define TARGET_ROW_KEY_LEN	(1 + 1 + TARGET_CODE_MAX + 1 + 2)
#define TARGET_ROW_ENC_MAX	(1 + 1 + 1 + 1 + TARGET_CODE_MAX + 2 + 2 + \
	    8 + 1 + TARGET_WHO_MAX)
/* users: the name, NUL-padded. */
#define USER_KEY_LEN	(USER_NAME_MAX + 1)
/* audit: the entry's key, µs since the epoch. */
#define AUDIT_KEY_LEN	8
#define CASE_KEY_LEN	(UNIT_CODE_MAX + 32)
_Static_assert(CASE_KEY_LEN == DOSSIER_KEY_LEN, "a dossier's key is a case's");
#define AGG_KEY_LEN	(4 + (SECTOR_CODE_MAX + 1) + (UNIT_CODE_MAX + 1) + \
	    (QUESTION_ID_MAX + 1) + 1)
/*
 * stage_agg: an agg key | stage (1 byte: enum dossier_stage, or
 * STAGE_AGG_WALKIN for a walk-in) -> u64 count: the aspect questions'
 * answers, with the unit "" rollups.
 */
#define STAGE_AGG_KEY_LEN	(AGG_KEY_LEN + 1)
#define STAGE_AGG_WALKIN	STAGE_COUNT
#define STAGE_AGG_STAGES	(STAGE_COUNT + 1)
/*
 * sums: month | unit (33) | sector (16) -> version, SUM_NCOUNTERS u64:
 * the overall answers by level, tickets issued, responses per channel,
 * responses flagged suspect, answers to the tickets issued in the row's
 * month (the issue month, whenever the answer came), and the overall
 * answers of suspect responses by level (a part of the first five).
 */
#define SUM_KEY_LEN	(4 + (UNIT_CODE_MAX + 1) + (SECTOR_CODE_MAX + 1))
#define SUM_VERSION	2
#define SUM_ISSUED	SURVEY_LEVELS
#define SUM_CHANNEL	(SUM_ISSUED + 1)
#define SUM_SUSPECT	(SUM_CHANNEL + CHANNEL_COUNT)
#define SUM_ANSWERED	(SUM_SUSPECT + 1)
#define SUM_SUSPECT_LEVEL (SUM_ANSWERED + 1)
#define SUM_NCOUNTERS	(SUM_SUSPECT_LEVEL + SURVEY_LEVELS)
#define SUM_VAL_LEN	(1 + 8 * SUM_NCOUNTERS)
/*
 * stage_sums: a sums key | stage -> version, STAGE_SUM_NCOUNTERS u64:
 * the overall answers by level, then those of suspect responses by
 * level (a part of the first); no unit "" rows.
 */
#define STAGE_SUM_KEY_LEN	(SUM_KEY_LEN + 1)
#define STAGE_SUM_NCOUNTERS	(2 * SURVEY_LEVELS)
#define STAGE_SUM_VERSION	1
#define STAGE_SUM_VAL_LEN	(1 + 8 * STAGE_SUM_NCOUNTERS)
/* comments: month | response key -> sector slot, unit slot. */
#define COMMENT_KEY_LEN	(4 + 8)
#define COMMENT_VAL_LEN	((SECTOR_CODE_MAX + 1) + (UNIT_CODE_MAX + 1))
/*
 * desks: month | unit (33) | kind (1) | code (17) | name (65) ->
 * version, DESK_NCOUNTERS u64: tickets issued, those answered (whenever),
 * the overall answers by level but those of suspect responses, the
 * answers of suspect responses.
 */
#define DESK_KEY_LEN	(4 + (UNIT_CODE_MAX + 1) + 1 + (COUNTER_MAX + 1) + \
	    (KEY_NAME_MAX + 1))
#define DESK_VERSION	1
#define DESK_ISSUED	0
#define DESK_ANSWERED	1
#define DESK_LEVEL	2
#define DESK_SUSPECT	(DESK_LEVEL + SURVEY_LEVELS)
#define DESK_NCOUNTERS	(DESK_SUSPECT + 1)
#define DESK_VAL_LEN	(1 + 8 * DESK_NCOUNTERS)
/* dossiers: unit slot | case hash -> dossier (CASE_KEY_LEN keys). */
#define DOSSIER_ENC_MAX	(1 + 6 * 8 + 1 + 8 + 3 * (1 + UNIT_CODE_MAX))
/* dossier_stats: month | agency (33) | procedure (33) -> version, the
 * five counts, when imported. */
#define DSTAT_KEY_LEN	(4 + (UNIT_CODE_MAX + 1) + (PROC_CODE_MAX + 1))
#define DSTAT_VAL_LEN	(1 + 5 * 8 + 8)
/* ticket_dossiers: ticket id -> version, stage, the dossier's key. */
#define LINK_VAL_LEN	(1 + 1 + CASE_KEY_LEN)
/* answered: issued | ticket id -> response key. */
#define ANSWERED_KEY_LEN	(8 + TICKET_ID_LEN)

/*
 * Encoders write into out[0..outlen) and return the length, or 0 when
 * the record does not fit or a field is out of range. Decoders return 0
 * or -1.
 */
size_t	 record_ticket_encode(const struct ticket *, uint8_t *out,
	    size_t outlen);
int	 record_ticket_decode(const uint8_t *in, size_t len, struct ticket *);
size_t	 record_response_encode(const struct response *, uint8_t *out,
	    size_t outlen);
int	 record_response_decode(const uint8_t *in, size_t len,
	    struct response *);
size_t	 record_apikey_encode(const struct apikey *, uint8_t *out,
	    size_t outlen);
int	 record_apikey_decode(const uint8_t *in, size_t len, struct apikey *);
/* The hash is the record's key: the decoder leaves it zero. */
size_t	 record_enrol_encode(const struct enrol *, uint8_t *out,
	    size_t outlen);
int	 record_enrol_decode(const uint8_t *in, size_t len, struct enrol *);
size_t	 record_idem_encode(const struct idem *, uint8_t *out,
	    size_t outlen);
int	 record_idem_decode(const uint8_t *in, size_t len, struct idem *);

/*
 * The idem record's key: SHA-256(kiosk key hash | idempotency key), the
 * idempotency key cut at 256 bytes.
 */
void	 record_idem_key(const uint8_t keyhash[32], const char *idem,
	    size_t len, uint8_t out[32]);
size_t	 record_pending_encode(const struct pending *, uint8_t *out,
	    size_t outlen);
int	 record_pending_decode(const uint8_t *in, size_t len,
	    struct pending *);
/* The pending record's key: SHA-256(unit | NUL | counter). */
void	 record_pending_key(const char *unit, const char *counter,
	    uint8_t out[32]);
size_t	 record_dossier_encode(const struct dossier *, uint8_t *out,
	    size_t outlen);
int	 record_dossier_decode(const uint8_t *in, size_t len,
	    struct dossier *);
/* A statistics row's key (-1 when a field is too long) and value. */
int	 record_dstat_key(const struct dossier_stat *,
	    uint8_t out[DSTAT_KEY_LEN]);
void	 record_dstat_value(const struct dossier_stat *,
	    uint8_t out[DSTAT_VAL_LEN]);
/* A whole row from its key and value; -1 when malformed. */
int	 record_dstat_decode(const uint8_t *k, size_t klen, const uint8_t *v,
	    size_t vlen, struct dossier_stat *);
/* A ticket's link to its dossier and stage; 0 or -1 when malformed. */
size_t	 record_ticket_link_encode(uint8_t stage,
	    const uint8_t dkey[CASE_KEY_LEN], uint8_t out[LINK_VAL_LEN]);
int	 record_ticket_link_decode(const uint8_t *in, size_t len,
	    uint8_t *stage, uint8_t dkey[CASE_KEY_LEN]);
/*
 * The case hash under which tickets_by_case keeps a case's ticket of a
 * stage: the case hash itself for STAGE_RETURNED (as before stages),
 * else SHA-256(case hash | stage), so that each stage has its ticket.
 */
void	 record_stage_hash(const uint8_t hash[32], int stage,
	    uint8_t out[32]);
/* tickets_by_case and dossiers: unit slot | case hash. */
void	 record_case_key(const char *unit, const uint8_t hash[32],
	    uint8_t out[CASE_KEY_LEN]);
/* -1 when a field is too long for its slot. */
int	 record_agg_key(const struct agg_key *, uint8_t out[AGG_KEY_LEN]);
int	 record_agg_key_decode(const uint8_t *, size_t, struct agg_key *);
/* -1 when a field is too long for its slot. */
int	 record_sum_key(uint32_t month, const char *unit, const char *sector,
	    uint8_t out[SUM_KEY_LEN]);
/* A sums value: the version, then the counters c[0..SUM_NCOUNTERS). */
void	 record_sum_value(const uint64_t *c, uint8_t out[SUM_VAL_LEN]);
/* The counters of a sums value; -1 when malformed. */
int	 record_sum_counters(const uint8_t *in, size_t len, uint64_t *c);
/* A whole sums record (key and value). */
int	 record_sum_decode(const uint8_t *k, size_t klen, const uint8_t *v,
	    size_t vlen, struct store_sum *);
/* The unit and sector of a sums key; -1 when malformed. */
int	 record_sum_key_decode(const uint8_t *k, size_t klen, uint32_t *month,
	    char unit[UNIT_CODE_MAX + 1], char sector[SECTOR_CODE_MAX + 1]);
/* The comment index record of r: month | key -> sector, unit. */
void	 record_comment(const struct response *r,
	    uint8_t kb[COMMENT_KEY_LEN], uint8_t vb[COMMENT_VAL_LEN]);
int	 record_comment_decode(const uint8_t *v, size_t vlen,
	    char sector[SECTOR_CODE_MAX + 1], char unit[UNIT_CODE_MAX + 1]);
/*
 * A desks key of d's month, unit, kind, code and name; -1 when a field
 * is too long for its slot or the kind is unknown.
 */
int	 record_desk_key(const struct store_desk *d,
	    uint8_t out[DESK_KEY_LEN]);
/* A desks value: the version, then the counters c[0..DESK_NCOUNTERS). */
void	 record_desk_value(const uint64_t *c, uint8_t out[DESK_VAL_LEN]);
/* The counters of a desks value; -1 when malformed. */
int	 record_desk_counters(const uint8_t *in, size_t len, uint64_t *c);
/* A whole desks record (key and value); -1 when malformed. */
int	 record_desk_decode(const uint8_t *k, size_t klen, const uint8_t *v,
	    size_t vlen, struct store_desk *);
/* A user's record; its key is record_user_key() of the name, which the
 * decoder leaves to the caller. */
size_t	 record_user_encode(const struct user *, uint8_t *out, size_t outlen);
int	 record_user_decode(const uint8_t *in, size_t len, struct user *);
/* -1 when name is not a user name (model.h). */
int	 record_user_key(const char *name, uint8_t out[USER_KEY_LEN]);
/* A stored catalogue row and its key (type | code). */
size_t	 record_catrow_encode(const struct catrow *, uint8_t *out,
	    size_t outlen);
int	 record_catrow_decode(const uint8_t *in, size_t len, struct catrow *);
/* -1 when the type is unknown or the code does not fit. */
int	 record_catrow_key(char type, const char *code,
	    uint8_t out[CATROW_KEY_LEN]);
/* An audit entry; the key (a->key) is the caller's (be64). */
size_t	 record_audit_encode(const struct audit *, uint8_t *out,
	    size_t outlen);
int	 record_audit_decode(const uint8_t *in, size_t len, struct audit *);
/* The answered record's key of ticket t. */
void	 record_answered_key(const struct ticket *t,
	    uint8_t kb[ANSWERED_KEY_LEN]);

static inline void
be64_put(uint8_t *p, uint64_t v)
{
	int	 i;

	for (i = 7; i >= 0; i--) {
		p[i] = (uint8_t)v;
		v >>= 8;
	}
}

static inline uint64_t
be64_get(const uint8_t *p)
{
	uint64_t v = 0;
	int	 i;

	for (i = 0; i < 8; i++)
		v = (v << 8) | p[i];
	return (v);
}

static inline void
be32_put(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

static inline uint32_t
be32_get(const uint8_t *p)
{
	return ((uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | (uint32_t)p[3]);
}

/*
 * followups: item id (u64) -> struct followup; followup_log: item id
 * (u64) | seq (u32) -> struct followup_event; contacts: item id (u64) ->
 * the sealed call-back number (contact.h), kept as bytes.
 */
#define FOLLOWUP_ENC_MAX	(128 + TICKET_ID_LEN + UNIT_CODE_MAX + \
	    PROC_CODE_MAX + SECTOR_CODE_MAX + LANG_CODE_MAX + \
	    2 * (2 + FOLLOWUP_TEXT_MAX))
#define FOLLOWUP_EV_KEY_LEN	(8 + 4)
#define FOLLOWUP_EV_ENC_MAX	(32 + FOLLOWUP_WHO_MAX + 2 + FOLLOWUP_TEXT_MAX)
size_t	 record_followup_encode(const struct followup *, uint8_t *out,
	    size_t outlen);
int	 record_followup_decode(const uint8_t *in, size_t len,
	    struct followup *);
size_t	 record_followup_event_encode(const struct followup_event *,
	    uint8_t *out, size_t outlen);
/* The key (id, seq) is the event's; ev->id and ev->seq are taken from
 * it. */
int	 record_followup_event_decode(const uint8_t *k, size_t klen,
	    const uint8_t *in, size_t len, struct followup_event *);
void	 record_followup_event_key(uint64_t id, uint32_t seq,
	    uint8_t out[FOLLOWUP_EV_KEY_LEN]);

/* outbox: delivery id (u64) -> struct outbox_entry. */
#define OUTBOX_ENC_MAX	(64 + UNIT_CODE_MAX + OUTBOX_BODY_MAX)
size_t	 record_outbox_encode(const struct outbox_entry *, uint8_t *out,
	    size_t outlen);
int	 record_outbox_decode(const uint8_t *in, size_t len,
	    struct outbox_entry *);

/*
 * A survey's stored version (catalog, type 's'): encode into a new
 * buffer (*out, the caller's; 0 or -1), decode (r->text the caller's,
 * free(); 0 or -1), its key (0, or -1 for a bad id).
 */
int	 record_survey_row_encode(const struct survey_row *, uint8_t **out,
	    size_t *len);
int	 record_survey_row_decode(const uint8_t *in, size_t len,
	    struct survey_row *);
int	 record_survey_row_key(const char *id, uint32_t version,
	    uint8_t out[SURVEY_ROW_KEY_LEN]);

/*
 * A target an admin set (catalog, type 't'): the bytes (0 when it does
 * not fit or is out of range), the record back (0 or -1), its key (0, or
 * -1 for a bad kind or code).
 */
size_t	 record_target_row_encode(const struct target_row *, uint8_t *out,
	    size_t outlen);
int	 record_target_row_decode(const uint8_t *in, size_t len,
	    struct target_row *);
int	 record_target_row_key(char kind, const char *code, int year,
	    uint8_t out[TARGET_ROW_KEY_LEN]);

#endif
