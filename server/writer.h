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
#include "store.h"

#define WRITER_BATCH_DEFAULT	64
#define WRITER_BATCH_MAX	1024

enum wop_kind {
	WOP_TICKET,	/* issue a ticket (idempotent per unit + case) */
	WOP_ANSWER,	/* store a response */
	WOP_KEY		/* store an API key */
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
		} answer;
		struct {
			uint8_t		 hash[32];
			struct apikey	 key;
		} key;
	} u;
	enum hl_rc	 rc;	/* out: HL_OK, HL_NOT_FOUND, HL_CONFLICT
				 * (ticket answered), HL_GONE (expired),
				 * HL_FULL (disk full), HL_ERROR */
	void		(*done)(struct wop *, void *);	/* writer thread */
	void		*arg;
	struct wop	*next;	/* queue link, the writer's */
};

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
