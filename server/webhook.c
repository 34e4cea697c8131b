/*
 * webhook.c: the outbox's sender (webhook.h): a thread, the signature,
 * the backoff; each delivery is one POST of httpc.c (http:// or
 * https://). Outcomes go through the writer like every write.
 * Trap: the outbox is read in a read transaction and copied out before
 * any delivery: waiting for the writer inside a store walk would hold
 * the store's lock (store_priv.h).
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "app.h"
#include "catswap.h"
#include "crypto.h"
#include "httpc.h"
#include "util.h"
#include "webhook.h"

struct webhook {
	struct app		*app;
	struct httpc_tls	*tls;		/* https trust, made at start */
	pthread_t		 thread;
	pthread_mutex_t		 mu;
	pthread_cond_t		 cv;
	int			 stopping;	/* under mu */
	struct outbox_entry	*due[WEBHOOK_BATCH];
	size_t			 ndue;
	uint64_t		 blocked[WEBHOOK_BATCH];	/* items */
	size_t			 nblocked;
	int64_t			 now;
};

void
webhook_sign(const char *secret, const char *body, size_t len,
    char out[WEBHOOK_SIG_LEN + 1])
{
	static const char	 hex[] = "0123456789abcdef";
	uint8_t			 mac[CRYPTO_HASH_LEN];
	size_t			 i;

	crypto_hmac_sha256((const uint8_t *)secret, strlen(secret), body, len,
	    mac);
	memcpy(out, "sha256=", 7);
	for (i = 0; i < CRYPTO_HASH_LEN; i++) {
		out[7 + 2 * i] = hex[mac[i] >> 4];
		out[8 + 2 * i] = hex[mac[i] & 15];
	}
	out[WEBHOOK_SIG_LEN] = '\0';
}

int64_t
webhook_backoff(int first, uint32_t attempts)
{
	int64_t	 w = first > 0 ? first : 1;

	while (attempts-- > 1 && w < WEBHOOK_WAIT_MAX)
		w *= 2;
	return (w < WEBHOOK_WAIT_MAX ? w : WEBHOOK_WAIT_MAX);
}

/* The URL of unit's webhook: its own, its nearest parent's, the global
 * one; NULL when none. The sender's thread holds the catalogue as a
 * request does (catswap.h): a swap may happen meanwhile. */
static const char *
webhook_url(const struct app *a, const char *unit)
{
	const struct catalog	*cat;
	const struct unit	*u;
	const char		*url = NULL;
	char			 code[UNIT_CODE_MAX + 1];
	uint64_t		 epoch = 0;
	size_t			 i;
	int			 depth = 0;

	if (a->swap != NULL)
		epoch = catswap_enter(a->swap);
	cat = a->cat;
	strlcpy(code, unit, sizeof(code));
	while (url == NULL && code[0] != '\0' && depth++ < 64) {
		for (i = 0; i < a->cfg.nwebhooks; i++)
			if (strcmp(a->cfg.webhooks[i].unit, code) == 0) {
				url = a->cfg.webhooks[i].url;
				break;
			}
		if (url != NULL ||
		    (u = catalog_unit(cat, code, strlen(code))) == NULL)
			break;
		strlcpy(code, u->parent, sizeof(code));
	}
	if (a->swap != NULL)
		catswap_leave(a->swap, epoch);
	if (url == NULL && a->cfg.webhook_url[0] != '\0')
		url = a->cfg.webhook_url;
	return (url);
}

/* Picks the due deliveries (copied), an item behind its earlier one. */
static int
webhook_pick(const struct outbox_entry *o, void *arg)
{
	struct webhook	*wh = arg;
	size_t		 i;
	int		 behind = 0;

	for (i = 0; i < wh->nblocked; i++)
		if (wh->blocked[i] == o->item)
			behind = 1;
	if (!behind && wh->nblocked < WEBHOOK_BATCH)
		wh->blocked[wh->nblocked++] = o->item;
	if (behind || o->next > wh->now)
		return (0);
	wh->due[wh->ndue] = xmalloc(sizeof(*o));
	*wh->due[wh->ndue] = *o;
	return (++wh->ndue == WEBHOOK_BATCH);
}

/* Sends one delivery and writes its outcome. */
static void
webhook_send(struct webhook *wh, const struct outbox_entry *o)
{
	struct app	*a = wh->app;
	struct wop	*op;
	const char	*url = webhook_url(a, o->unit);
	char		 why[200], sig[WEBHOOK_SIG_LEN + 1], head[160];
	int		 status = 0;

	if (url != NULL) {
		webhook_sign(a->cfg.webhook_secret, o->body, o->body_len, sig);
		snprintf(head, sizeof(head), "%s: %s\r\nX-Hailong-Delivery: "
		    "%016llx\r\n", WEBHOOK_SIG_HEADER, sig,
		    (unsigned long long)o->id);
		status = httpc_post(url, head, o->body, o->body_len, wh->tls,
		    WEBHOOK_TIMEOUT_MS, why, sizeof(why));
	} else
		snprintf(why, sizeof(why), "no webhook for unit %.32s",
		    o->unit);
	op = xcalloc(1, sizeof(*op));
	op->u.outbox.id = o->id;
	if (status >= 200 && status < 300) {
		op->kind = WOP_OUTBOX_DONE;
		log_info("webhook: delivery %016llx of follow-up %016llx "
		    "taken (%d)", (unsigned long long)o->id,
		    (unsigned long long)o->item, status);
	} else {
		op->kind = WOP_OUTBOX_RETRY;
		op->u.outbox.attempts = o->attempts + 1;
		op->u.outbox.next = now_sec() + webhook_backoff(
		    a->cfg.webhook_retry, op->u.outbox.attempts);
		log_warn("webhook: delivery %016llx of follow-up %016llx "
		    "failed (%s), %u time(s); next try in %llds",
		    (unsigned long long)o->id, (unsigned long long)o->item,
		    why, (unsigned)op->u.outbox.attempts,
		    (long long)(op->u.outbox.next - now_sec()));
	}
	if (writer_run(a->w, op) != HL_OK && op->rc != HL_NOT_FOUND)
		log_warn("webhook: delivery %016llx: outcome not written",
		    (unsigned long long)o->id);
	free(op);
}

static void *
webhook_main(void *arg)
{
	struct webhook	*wh = arg;
	struct timespec	 ts;
	size_t		 i;

	for (;;) {
		pthread_mutex_lock(&wh->mu);
		if (wh->stopping) {
			pthread_mutex_unlock(&wh->mu);
			break;
		}
		pthread_mutex_unlock(&wh->mu);
		wh->ndue = wh->nblocked = 0;
		wh->now = now_sec();
		if (store_each_outbox(wh->app->st, webhook_pick, wh) == -1)
			log_warn("webhook: cannot read the outbox");
		for (i = 0; i < wh->ndue; i++) {
			pthread_mutex_lock(&wh->mu);
			if (!wh->stopping) {
				pthread_mutex_unlock(&wh->mu);
				webhook_send(wh, wh->due[i]);
			} else
				pthread_mutex_unlock(&wh->mu);
			free(wh->due[i]);
		}
		if (wh->ndue == WEBHOOK_BATCH)
			continue;
		pthread_mutex_lock(&wh->mu);
		if (!wh->stopping) {
			clock_gettime(CLOCK_MONOTONIC, &ts);
			ts.tv_sec += WEBHOOK_POLL_MS / 1000;
			ts.tv_nsec += (long)(WEBHOOK_POLL_MS % 1000) * 1000000;
			if (ts.tv_nsec >= 1000000000L) {
				ts.tv_sec++;
				ts.tv_nsec -= 1000000000L;
			}
			pthread_cond_timedwait(&wh->cv, &wh->mu, &ts);
		}
		pthread_mutex_unlock(&wh->mu);
	}
	return (NULL);
}

/* Whether any webhook is an https:// one. */
static int
webhook_https(const struct app *a)
{
	size_t	 i;

	if (strncmp(a->cfg.webhook_url, "https://", 8) == 0)
		return (1);
	for (i = 0; i < a->cfg.nwebhooks; i++)
		if (strncmp(a->cfg.webhooks[i].url, "https://", 8) == 0)
			return (1);
	return (0);
}

int
webhook_start(struct webhook **whp, struct app *a, char *why, size_t whylen)
{
	struct webhook		*wh;
	pthread_condattr_t	 ca;

	*whp = NULL;
	if (!app_webhooks_on(a))
		return (0);
	wh = xcalloc(1, sizeof(*wh));
	wh->app = a;
	if (webhook_https(a) && httpc_tls_new(&wh->tls, a->cfg.webhook_ca_file,
	    why, whylen) == -1) {
		free(wh);
		return (-1);
	}
	pthread_mutex_init(&wh->mu, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&wh->cv, &ca);
	pthread_condattr_destroy(&ca);
	if (pthread_create(&wh->thread, NULL, webhook_main, wh) != 0) {
		pthread_cond_destroy(&wh->cv);
		pthread_mutex_destroy(&wh->mu);
		httpc_tls_free(wh->tls);
		free(wh);
		snprintf(why, whylen, "cannot start the webhook sender");
		return (-1);
	}
	*whp = wh;
	return (0);
}

void
webhook_stop(struct webhook *wh)
{
	if (wh == NULL)
		return;
	pthread_mutex_lock(&wh->mu);
	wh->stopping = 1;
	pthread_cond_signal(&wh->cv);
	pthread_mutex_unlock(&wh->mu);
	pthread_join(wh->thread, NULL);
	pthread_cond_destroy(&wh->cv);
	pthread_mutex_destroy(&wh->mu);
	httpc_tls_free(wh->tls);
	free(wh);
}
