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
	WOP_KIOSK_STATUS	/* record a kiosk's report of its queue */
};

struct wop {
	enum wop_kind	 kind;
	union {
		struct {
			/* in: the new ticket, id, kid and times set */
			struct ticket	 t;
			int		 has_case;
			uint8_t		 case_hash[32];
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
			/* in: the kiosk key's hash and the report;
			 * HL_NOT_FOUND when the key is gone. */
			uint8_t		 hash[32];
			int64_t		 at;
			uint32_t	 queued, refused, held;
		} kstatus;
	} u;
	enum hl_rc	 rc;	/* out: HL_OK, HL_NOT_FOUND, HL_CONFLICT
				 * (ticket answered), HL_GONE (expired),
				 * HL_FULL (disk full), HL_ERROR */
	void		(*done)(struct wop *, void *);	/* writer thread */
	void		*arg;
	struct wop	*next;	/* queue link, the writer's */
};

struct store;
struct writer;

/* Starts the writer thread on an open store; 0 or -1. */
int	 writer_start(struct writer **, struct store *, size_t max_batch);
/* Finishes every queued op, then stops the thread and frees. */
void	 writer_stop(struct writer *);
/* Queues op; op->done is called from the writer thread once committed. */
void	 writer_submit(struct writer *, struct wop *);
/* Queues op and waits for it; returns op->rc. */
enum hl_rc writer_run(struct writer *, struct wop *);

#endif
