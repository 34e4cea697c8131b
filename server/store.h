/*
 * store.h: the data directory's LMDB environment (schema/STORAGE.md has
 * the layout) and every read of it. The store is split by job: store.c
 * the environment (open, create, format upgrades, transactions, map
 * growth, backup, bulk mode), store_read.c the reads, store_verify.c
 * the consistency check and the counters' rebuild; the records' bytes
 * are record.c's, the domain types model.h's. Only the writer
 * (writer.c) writes records.
 *
 * Several processes may open one data directory at once (the server and
 * the command-line tools): LMDB's lock file makes that safe, and a map
 * grown by another process is picked up (MDB_MAP_RESIZED).
 */
#ifndef STORE_H
#define STORE_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "dossier.h"
#include "hl.h"
#include "catalog.h"
#include "model.h"

/* Format 8: tickets keep who issued them, their survey and service
 * (record version 2), and desks counts by counter and officer. Format 9
 * adds users (names and passwords), the audit log, the catalogue rows
 * changed by admins, the dossiers of the one-stop software and tickets'
 * links to them, the follow-up items, their history and call-back
 * numbers, and the webhooks' outbox. */
#define STORE_FORMAT		10
#define STORE_MAPSIZE_INITIAL	(64u * 1024 * 1024)
#define STORE_MAPSIZE_MIN	(256u * 1024)
#define STORE_TZ_DEFAULT	"Asia/Ho_Chi_Minh"
#define STORE_TZ_MAX		63

struct store;

/* store.c */

/*
 * Opens (creating when create is set and it does not exist) the data
 * directory dir: the LMDB environment and server.key. A new directory
 * records tz (NULL: STORE_TZ_DEFAULT) in meta; an existing one keeps its
 * own. Sets the process's time zone to the directory's. Refuses a newer
 * format. Returns 0, or -1 with a reason in why.
 */
int	 store_open(struct store **, const char *dir, int create,
	    const char *tz, char *why, size_t whylen);
void	 store_close(struct store *);
/*
 * The map size a new environment starts with (STORE_MAPSIZE_INITIAL by
 * default; at least STORE_MAPSIZE_MIN). Before store_open(); the map grows
 * on demand either way, so this only matters to small machines and tests.
 */
void	 store_set_initial_map(size_t);
/*
 * A consistent, compacted copy of the database to path (a new file,
 * mode 0600) while others read and write, and the key ring to
 * path.key. 0, or -1 with why (the files may be left half-written).
 */
int	 store_backup(struct store *, const char *path, char *why,
	    size_t whylen);
const struct keyring *store_keyring(const struct store *);
const char *store_tz(const struct store *);
const char *store_dir(const struct store *);
/*
 * Bulk loading, for dev-fill only: commits skip fsync until it is turned
 * off, which syncs once. A crash in between may damage the store.
 * Returns 0, or -1.
 */
int	 store_bulk(struct store *, int on);
/* 0 when a read and a write transaction can both begin (healthz). */
int	 store_check(struct store *);

/* store_read.c */
/*
 * A read snapshot: the reads given it all see one committed state. Holds
 * the store's lock shared: end it soon, and never wait for the writer
 * while it is open. Returns 0 or -1.
 */
struct store_snap;
int	 store_snap_begin(struct store *, struct store_snap **);
void	 store_snap_end(struct store_snap *);


/* Reads; each runs in its own read transaction and copies out. */
enum hl_rc store_ticket_get(struct store *, const uint8_t id[TICKET_ID_LEN],
	    struct ticket *);
enum hl_rc store_ticket_by_code(struct store *,
	    const uint8_t prefix[CODE_PREFIX_LEN], struct ticket *);
enum hl_rc store_key_get(struct store *, const uint8_t hash[32],
	    struct apikey *);
enum hl_rc store_response_get(struct store *, uint64_t key,
	    struct response *);
enum hl_rc store_idem_get(struct store *, const uint8_t hash[32],
	    struct idem *);

/*
 * The responses with a comment in month (of their answer time), newest
 * first, from the comment index in one read snapshot: pick(sector, unit)
 * says whether a response is read (1), passed over (0) or the walk ends
 * there (-1); fn gets each one read, and ends the walk by returning
 * non-zero. Returns 0, or -1 when the store cannot be read.
 */
int	 store_each_comment(struct store *, uint32_t month,
	    int (*pick)(const char *sector, const char *unit, void *),
	    int (*fn)(const struct response *, void *), void *arg);
/*
 * Iterations: fn is called for each record in key order, inside one read
 * transaction; a non-zero return stops the walk and is returned.
 * Responses with from_us <= key < to_us (0, UINT64_MAX for all).
 */
int	 store_each_response(struct store *, uint64_t from_us, uint64_t to_us,
	    int (*fn)(const struct response *, void *), void *arg);
/* A user by name; HL_NOT_FOUND when none (or not a user name). */
enum hl_rc store_user_get(struct store *, const char *name, struct user *);
/* Every user, by name. Returns 0, the callback's non-zero, or -1. */
int	 store_each_user(struct store *,
	    int (*fn)(const struct user *, void *), void *arg);
/*
 * The audit log, newest first, from the entry before before_key (0: the
 * newest) back: fn gets each entry (a, reused between calls) until it
 * returns non-zero (1 stops, reported as 0). Returns 0 or -1.
 */
int	 store_each_audit(struct store *, uint64_t before_key,
	    int (*fn)(const struct audit *, void *), void *arg);
/*
 * The versions of surveys admins published (store_survey.c): of id
 * (NULL: every id), all of them in version order, or with newest only
 * the newest of each id, into a new array *rows (each text with it;
 * store_survey_rows_free()). 0 or -1.
 */
int	 store_survey_rows(struct store *, const char *id, int newest,
	    struct survey_row **rows, size_t *n);
void	 store_survey_rows_free(struct survey_row *rows, size_t n);
/*
 * The targets admins set (store_survey.c), by kind, code and year, into
 * a new array *rows (free()). 0 or -1.
 */
int	 store_target_rows(struct store *, struct target_row **rows,
	    size_t *n);
/*
 * Every catalogue row of the store (by type, then code) into a new
 * array *rows (the caller frees; NULL when none), and, when gen is not
 * NULL, the catalogue's generation in the same snapshot (meta
 * catalog_gen: +1 at every change of a row; 0 before the first). 0 or
 * -1.
 */
int	 store_catrows(struct store *, struct catrow **rows, size_t *n,
	    uint64_t *gen);
/* API keys (hash, key) and pending enrolments, in hash order. */
int	 store_each_key(struct store *,
	    int (*fn)(const uint8_t *, const struct apikey *, void *),
	    void *arg);
int	 store_each_enrol(struct store *,
	    int (*fn)(const struct enrol *, void *), void *arg);
/* The tickets offered to counters' kiosks, with when (see pair.c). */
int	 store_each_pending(struct store *,
	    int (*fn)(const struct ticket *, int64_t offered, void *),
	    void *arg);
/*
 * The sums of months from..to (both included), each in key order (month,
 * unit, sector). unit NULL: every row; else only that unit's rows ("" =
 * the every-unit rows), found by one seek per month present. snap NULL:
 * a read transaction of its own. Returns as store_each_*() (-1 also for
 * a malformed record).
 */
int	 store_each_sum(struct store *, struct store_snap *, uint32_t from,
	    uint32_t to, const char *unit,
	    int (*fn)(const struct store_sum *, void *), void *arg);
/*
 * The desks rows of one unit (the receiving unit) in months from..to
 * (YYYYMM, both included), by month, then counters before officers, each
 * in code order: one seek per month. snap NULL: a read transaction of
 * its own. Returns as store_each_sum().
 */
int	 store_each_desk(struct store *, struct store_snap *, uint32_t from,
	    uint32_t to, const char *unit,
	    int (*fn)(const struct store_desk *, void *), void *arg);
/*
 * The aggregates of one month and unit ("" = the every-unit rollups of
 * the answers), of one sector, or of every sector (sector NULL: two
 * seeks per sector present), in key order.
 */
/* A stage_sums row (schema/STORAGE.md): the overall answers of a stage
 * by level, then those of suspect responses. */
struct store_stage_sum {
	uint32_t	 month;
	char		 unit[UNIT_CODE_MAX + 1];
	char		 sector[SECTOR_CODE_MAX + 1];
	int		 stage;	/* enum dossier_stage, or STAGE_AGG_WALKIN */
	uint64_t	 c[2 * SURVEY_LEVELS];
};
/*
 * The stage_sums rows of one month (every unit and sector), in key
 * order; fn stops the walk by returning non-zero (returned). 0, or -1
 * when the store cannot be read.
 */
int	 store_each_stage_sum(struct store *, struct store_snap *,
	    uint32_t month, int (*fn)(const struct store_stage_sum *, void *),
	    void *arg);
/*
 * The aspect questions' answers by stage (stage_agg) of one month and
 * unit ("" = the rollups), every sector (a seek or two per sector
 * present): fn gets the agg key, the stage and the count.
 */
int	 store_each_stage_q(struct store *, struct store_snap *,
	    uint32_t month, const char *unit,
	    int (*fn)(const struct agg_key *, int stage, uint64_t, void *),
	    void *arg);
int	 store_each_agg_prefix(struct store *, struct store_snap *,
	    uint32_t month, const char *sector, const char *unit,
	    int (*fn)(const struct agg_key *, uint64_t, void *), void *arg);

/* A dossier by its key (the receiving unit's slot, the case hash). */
enum hl_rc store_dossier_get(struct store *,
	    const uint8_t key[DOSSIER_KEY_LEN], struct dossier *);
/*
 * The stage a ticket asks at and its dossier: HL_NOT_FOUND when the
 * ticket has no link (no case, or issued before format 9; stage is then
 * STAGE_RETURNED) or its dossier has no event yet.
 */
enum hl_rc store_ticket_dossier(struct store *,
	    const uint8_t id[TICKET_ID_LEN], int *stage, struct dossier *);
/*
 * What a dossier's tickets were answered: asked[s] when the case has a
 * ticket at stage s (enum dossier_stage), level[s] its answer's overall
 * level (0: not answered, or flagged suspect); complaint when the citizen
 * filed a complaint or request (a follow-up) after answering one of them.
 */
struct dossier_ratings {
	uint8_t	 asked[STAGE_COUNT];
	uint8_t	 level[STAGE_COUNT];
	uint8_t	 complaint;
};
/*
 * Every dossier with its ratings, in key order, in one read transaction
 * (a walk of the whole table and up to four ticket lookups each: its
 * cost grows with the dossiers kept). Returns as store_each_*() (-1 also
 * for a malformed record).
 */
int	 store_each_dossier(struct store *,
	    int (*fn)(const struct dossier *, const struct dossier_ratings *,
	    void *), void *arg);

/*
 * An evaluation: a response through a ticket linked to a dossier (a
 * ticket issued with a case), its ticket, the stage it asked at, the
 * dossier's key (DOSSIER_KEY_LEN bytes: the unit slot, the keyed case
 * hash) and the dossier, NULL when no event of it came yet. All
 * borrowed for the call.
 */
struct store_eval {
	const struct response	*r;
	const struct ticket	*t;
	int			 stage;
	const uint8_t		*dkey;
	const struct dossier	*d;
};
/*
 * The evaluations among the responses with from_us <= key < to_us, in
 * key order, in one read transaction. Returns as store_each_response().
 */
int	 store_each_evaluation(struct store *, uint64_t from_us,
	    uint64_t to_us, int (*fn)(const struct store_eval *, void *),
	    void *arg);

/*
 * The imported monthly statistics of months from..to (YYYYMM), in key
 * order (month, agency, procedure). Returns as store_each_*().
 */
int	 store_each_dossier_stat(struct store *, uint32_t from, uint32_t to,
	    int (*fn)(const struct dossier_stat *, void *), void *arg);

/* store_verify.c */
/*
 * Recomputes every aggregate (agg with its unit "" rollups, sums, desks)
 * from tickets and responses and compares with the stored ones, in both
 * directions; prints each disagreement to out. Returns the
 * number of disagreements, or -1 when the store cannot be read.
 */
long	 store_verify(struct store *, FILE *out);

/* store_followup.c: the follow-up items (writer.h's WOP_FOLLOWUP_*). */
enum hl_rc store_followup_get(struct store *, uint64_t id, struct followup *);
/*
 * Every item in id order (the order of the answers they are about), in
 * one read transaction; fn's non-zero return stops the walk and is
 * returned; -1 when the store cannot be read.
 */
int	 store_each_followup(struct store *,
	    int (*fn)(const struct followup *, void *), void *arg);
/* The history of item id, oldest first; returns as store_each_followup. */
int	 store_each_followup_event(struct store *, uint64_t id,
	    int (*fn)(const struct followup_event *, void *), void *arg);
/* The sealed call-back number of item id (contact.h) into out, *len its
 * length. HL_NOT_FOUND when there is none. */
enum hl_rc store_contact_get(struct store *, uint64_t id, uint8_t *out,
	    size_t outlen, size_t *len);
/*
 * The dossiers with a complaint, for Decision 766's ratio: the number of
 * distinct case hashes (tickets_by_case) of the tickets whose item the
 * citizen filed (a complaint or a request, not an item a low rating
 * opened alone) between from and to (seconds, from <= created < to) and
 * whose unit in_scope() accepts (NULL: every unit). A ticket issued
 * without a case number is no dossier and is not counted. Returns 0 with
 * *n set, or -1 when the store cannot be read.
 */
/*
 * The webhooks' outbox in key order (the order of the events), in one
 * read transaction; returns as store_each_followup().
 */
int	 store_each_outbox(struct store *,
	    int (*fn)(const struct outbox_entry *, void *), void *arg);
int	 store_complaint_dossiers(struct store *, int64_t from, int64_t to,
	    int (*in_scope)(const char *unit, void *), void *arg,
	    uint64_t *n);

#endif
