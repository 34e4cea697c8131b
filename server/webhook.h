/*
 * webhook.h: the sender of the follow-ups' outbox. One thread posts each
 * waiting delivery (schema/STORAGE.md, outbox) to the webhook of the
 * item's unit, or of its nearest parent that has one, or the global one
 * ([webhook] in the configuration), with the body signed by
 * HMAC-SHA256 under [webhook] secret in X-Hailong-Signature. A 2xx
 * answer deletes the delivery; anything else (refused, down, slow) keeps
 * it and waits [webhook] retry seconds, doubled each time up to
 * WEBHOOK_WAIT_MAX. A delivery of an item waits behind an earlier one of
 * the same item, so a receiver sees an item's events in order. The
 * outbox is in the store: a restart loses nothing.
 */
#ifndef WEBHOOK_H
#define WEBHOOK_H

#include <stddef.h>
#include <stdint.h>

#define WEBHOOK_TIMEOUT_MS	10000	/* connect, send and the status */
#define WEBHOOK_WAIT_MAX	3600	/* seconds between tries at most */
#define WEBHOOK_POLL_MS		1000	/* the outbox is looked at */
#define WEBHOOK_BATCH		32	/* deliveries a look sends at most */
#define WEBHOOK_SIG_HEADER	"X-Hailong-Signature"

struct app;
struct webhook;

/*
 * Starts the sender when the app has a webhook (app_webhooks_on()), else
 * sets *whp NULL and does nothing. 0, or -1 with why when the thread
 * cannot start or an https webhook's trust cannot be loaded.
 */
int	 webhook_start(struct webhook **whp, struct app *, char *why,
	    size_t whylen);
/* Ends the delivery in flight (its outcome written), stops, frees. */
void	 webhook_stop(struct webhook *);
/*
 * "sha256=" and the hex HMAC-SHA256 of body under secret into out: the
 * header's value (tests and receivers compute the same).
 */
#define WEBHOOK_SIG_LEN	(7 + 64)
void	 webhook_sign(const char *secret, const char *body, size_t len,
	    char out[WEBHOOK_SIG_LEN + 1]);
/* The seconds to wait after the attempts-th failure (1, 2, ...). */
int64_t	 webhook_backoff(int first, uint32_t attempts);

#endif
