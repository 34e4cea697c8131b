/*
 * store.h: the LMDB environment (schema/STORAGE.md has the layout) and
 * every read of it. Only store.c and writer.c include lmdb.h, and only
 * writer.c writes: the write functions here take the writer's open
 * transaction as an opaque pointer.
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

#include "hl.h"
#include "survey.h"
#include "token.h"

#define STORE_FORMAT		6
#define STORE_MAPSIZE_INITIAL	(64u * 1024 * 1024)
#define STORE_MAPSIZE_MIN	(256u * 1024)
#define STORE_TZ_DEFAULT	"Asia/Ho_Chi_Minh"
#define STORE_TZ_MAX		63

enum ticket_state {
	TICKET_OPEN = 0,
	TICKET_ANSWERED = 1,
	TICKET_VOID = 2
};

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
};

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
	ROLE_KIOSK = 8
};
const char *role_name(enum role);
int	 role_parse(const char *);	/* -1 when unknown */

#define KEY_NAME_MAX	64
/* A key's id: the first bytes of its hash, shown as hex by key add/list. */
#define KEY_ID_LEN	6

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
};

/*
 * A pending kiosk enrolment: the one-time code (ENROL_CODE_CHARS
 * Crockford base32 characters, shown as XXXX-XXXX) is stored as its
 * SHA-256 only, with what the kiosk key will be; single use, valid
 * ENROL_TTL seconds.
 */
#define ENROL_CODE_CHARS	8
#define ENROL_CODE_LEN		9	/* with the dash in the middle */
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
 * Parses a typed enrolment code s[0..len) (untrusted; any case, dashes
 * and spaces ignored, I and L read as 1, O as 0) and hashes its
 * canonical form. Returns 0, or -1 when it is not a code.
 */
int	 enrol_code_hash(const char *s, size_t len, uint8_t out[32]);
/* A fresh random code, "XXXX-XXXX" and a NUL. */
void	 enrol_code_new(char out[ENROL_CODE_LEN + 1]);

/*
 * The first outcome of an answer sent with an idempotency key, kept under
 * SHA-256(kiosk key hash | idempotency key) so that a retry gets it back.
 */
struct idem {
	int64_t	 created;
	uint64_t response;		/* the response's key */
	uint8_t	 channel;		/* enum channel */
	uint8_t	 flags;			/* RESPONSE_* */
};

void	 idem_hash(const uint8_t keyhash[32], const char *idem, size_t len,
	    uint8_t out[32]);

/*
 * Aggregate counters: key (month, sector, unit, question, level), a
 * uint64 count. Besides the survey's questions, the store keeps these
 * pseudo-questions, all bumped in the transaction that causes them:
 */
#define AGG_ISSUED	"_issued"	/* level 0: tickets issued */
#define AGG_CHANNEL	"_channel"	/* level = channel + 1 */
#define AGG_SUSPECT	"_suspect"	/* level 0: flagged responses */
/*
 * The aggregates' "sector" of walk-in kiosk answers: they have no
 * procedure, so they count in their unit's totals and in no sector. The
 * dash keeps it apart from every sector code (a-z, 0-9, _).
 */
#define AGG_WALKIN	"walk-in"

/*
 * The sector a response is counted under in agg, sums and the comment
 * index: AGG_WALKIN for a walk-in (whatever sector an older hailong
 * stored with it, "other" before format 6), else its own.
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
 * answers by level (1-based level - 1).
 */
struct store_sum {
	uint32_t month;
	char	 unit[UNIT_CODE_MAX + 1];	/* "" = every unit */
	char	 sector[SECTOR_CODE_MAX + 1];
	uint64_t levels[SURVEY_LEVELS];
	uint64_t issued;
	uint64_t channels[CHANNEL_COUNT];
	uint64_t suspect;
};

struct store;

/*
 * A read snapshot: the reads given it all see one committed state. Holds
 * the store's lock shared: end it soon, and never wait for the writer
 * while it is open. Returns 0 or -1.
 */
struct store_snap;
int	 store_snap_begin(struct store *, struct store_snap **);
void	 store_snap_end(struct store_snap *);

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
/* 0 when a read and a write transaction can both begin (healthz). */
int	 store_check(struct store *);

/*
 * Iterations: fn is called for each record in key order, inside one read
 * transaction; a non-zero return stops the walk and is returned.
 * Responses with from_us <= key < to_us (0, UINT64_MAX for all).
 */
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
 * Bulk loading, for dev-fill only: commits skip fsync until it is turned
 * off, which syncs once. A crash in between may damage the store.
 * Returns 0, or -1.
 */
int	 store_bulk(struct store *, int on);
int	 store_each_response(struct store *, uint64_t from_us, uint64_t to_us,
	    int (*fn)(const struct response *, void *), void *arg);
int	 store_each_ticket(struct store *,
	    int (*fn)(const struct ticket *, void *), void *arg);
int	 store_each_agg(struct store *,
	    int (*fn)(const struct agg_key *, uint64_t, void *), void *arg);
/* The aggregates of months from..to (YYYYMM, both included) only. */
int	 store_each_agg_months(struct store *, uint32_t from, uint32_t to,
	    int (*fn)(const struct agg_key *, uint64_t, void *), void *arg);
/* API keys (hash, key) and pending enrolments, in hash order. */
int	 store_each_key(struct store *,
	    int (*fn)(const uint8_t *, const struct apikey *, void *),
	    void *arg);
int	 store_each_enrol(struct store *,
	    int (*fn)(const struct enrol *, void *), void *arg);
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
 * The aggregates of one month and unit ("" = the every-unit rollups of
 * the answers), of one sector, or of every sector (sector NULL: two
 * seeks per sector present), in key order.
 */
int	 store_each_agg_prefix(struct store *, struct store_snap *,
	    uint32_t month, const char *sector, const char *unit,
	    int (*fn)(const struct agg_key *, uint64_t, void *), void *arg);
/* Count of one aggregate; 0 when absent. */
uint64_t store_agg_get(struct store *, const struct agg_key *);

/*
 * Recomputes every aggregate (agg with its unit "" rollups, and sums)
 * from tickets and responses and compares with the stored ones, in both
 * directions; prints each disagreement to out. Returns the
 * number of disagreements, or -1 when the store cannot be read.
 */
long	 store_verify(struct store *, FILE *out);

/* Encodings (exposed for the tests and the fuzzers). */
size_t	 ticket_encode(const struct ticket *, uint8_t *out, size_t outlen);
int	 ticket_decode(const uint8_t *in, size_t len, struct ticket *);
size_t	 response_encode(const struct response *, uint8_t *out,
	    size_t outlen);
int	 response_decode(const uint8_t *in, size_t len, struct response *);
size_t	 enrol_encode(const struct enrol *, uint8_t *out, size_t outlen);
int	 enrol_decode(const uint8_t *in, size_t len, struct enrol *);
size_t	 idem_encode(const struct idem *, uint8_t *out, size_t outlen);
int	 idem_decode(const uint8_t *in, size_t len, struct idem *);
#define TICKET_ENC_MAX		256
#define ENROL_ENC_MAX		(1 + 8 + 8 + 1 + KEY_NAME_MAX + 1 + \
	    UNIT_CODE_MAX + 1 + COUNTER_MAX)
#define IDEM_ENC_MAX		(1 + 8 + 8 + 1 + 1)
#define RESPONSE_ENC_MAX	(COMMENT_BYTES_MAX + 1024 + \
	    RESPONSE_ANSWERS_MAX * (QUESTION_ID_MAX + 3))

#endif
