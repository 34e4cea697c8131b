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

#define STORE_FORMAT		1
#define STORE_MAPSIZE_INITIAL	(64u * 1024 * 1024)
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

struct apikey {
	uint8_t	 role;			/* enum role */
	int64_t	 created;
	char	 name[KEY_NAME_MAX + 1];
	char	 unit[UNIT_CODE_MAX + 1];	/* "" = any */
};

/*
 * Aggregate counters: key (month, sector, unit, question, level), a
 * uint64 count. Besides the survey's questions, the store keeps these
 * pseudo-questions, all bumped in the transaction that causes them:
 */
#define AGG_ISSUED	"_issued"	/* level 0: tickets issued */
#define AGG_CHANNEL	"_channel"	/* level = channel + 1 */
#define AGG_SUSPECT	"_suspect"	/* level 0: flagged responses */

struct agg_key {
	uint32_t month;
	char	 sector[SECTOR_CODE_MAX + 1];
	char	 unit[UNIT_CODE_MAX + 1];
	char	 question[QUESTION_ID_MAX + 1];
	uint8_t	 level;
};

struct store;

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
/* 0 when a read and a write transaction can both begin (healthz). */
int	 store_check(struct store *);

/*
 * Iterations: fn is called for each record in key order, inside one read
 * transaction; a non-zero return stops the walk and is returned.
 * Responses with from_us <= key < to_us (0, UINT64_MAX for all).
 */
int	 store_each_response(struct store *, uint64_t from_us, uint64_t to_us,
	    int (*fn)(const struct response *, void *), void *arg);
int	 store_each_ticket(struct store *,
	    int (*fn)(const struct ticket *, void *), void *arg);
int	 store_each_agg(struct store *,
	    int (*fn)(const struct agg_key *, uint64_t, void *), void *arg);
/* The aggregates of months from..to (YYYYMM, both included) only. */
int	 store_each_agg_months(struct store *, uint32_t from, uint32_t to,
	    int (*fn)(const struct agg_key *, uint64_t, void *), void *arg);
/* Count of one aggregate; 0 when absent. */
uint64_t store_agg_get(struct store *, const struct agg_key *);

/*
 * Recomputes every aggregate from tickets and responses and compares
 * with the stored ones; prints each disagreement to out. Returns the
 * number of disagreements, or -1 when the store cannot be read.
 */
long	 store_verify(struct store *, FILE *out);

/* Encodings (exposed for the tests and the fuzzers). */
size_t	 ticket_encode(const struct ticket *, uint8_t *out, size_t outlen);
int	 ticket_decode(const uint8_t *in, size_t len, struct ticket *);
size_t	 response_encode(const struct response *, uint8_t *out,
	    size_t outlen);
int	 response_decode(const uint8_t *in, size_t len, struct response *);
#define TICKET_ENC_MAX		256
#define RESPONSE_ENC_MAX	(COMMENT_BYTES_MAX + 1024 + \
	    RESPONSE_ANSWERS_MAX * (QUESTION_ID_MAX + 3))

#endif
