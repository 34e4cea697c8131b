/*
 * h_metrics.c: GET /metrics, the server's figures for Prometheus.
 * Trap: a reverse proxy on the same machine connects from loopback, so
 * loopback alone is not enough: a request that a proxy forwarded (it
 * carries X-Forwarded-For, Forwarded or X-Real-IP, or came through a
 * trusted proxy) must be from an address of [metrics] allow.
 */
#include "h.h"
#include "netaddr.h"

void
h_metrics(struct req *r)
{
	int	 forwarded;

	r->is_api = 1;		/* errors as JSON, not pages */
	forwarded = http_header(r, "X-Forwarded-For") != NULL ||
	    http_header(r, "Forwarded") != NULL ||
	    http_header(r, "X-Real-IP") != NULL;
	if ((forwarded || !netaddr_is_loopback(r->addr)) &&
	    !netaddr_list_has(&r->app->cfg.metrics_allow, r->addr)) {
		http_fail(r, 403, "metrics: only from loopback or an address "
		    "of [metrics] allow");
		return;
	}
	http_metrics(r);
}
