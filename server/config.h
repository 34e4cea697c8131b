/*
 * config.h: settings of the server and the commands: defaults, then an
 * INI file (inih), then command-line flags, each checked as it is set.
 */
#ifndef CONFIG_H
#define CONFIG_H

#include <limits.h>
#include <stddef.h>
#include <stdint.h>

#include "netaddr.h"

#define CONFIG_HOST_MAX		63
#define CONFIG_URL_MAX		200
#define CONFIG_PORT_DEFAULT	8080
#define CONFIG_HOST_DEFAULT	"127.0.0.1"
#define CONFIG_DATA_DEFAULT	"./var/hailong"
#define CONFIG_TTL_DEFAULT	(30 * 86400)
#define CONFIG_TTL_MAX		(366LL * 86400)
#define CONFIG_THREADS_MAX	64
#define CONFIG_ANSWER_DAYS_DEFAULT	5
#define CONFIG_ANSWER_DAYS_MAX		60
#define CONFIG_CONTACT_DAYS_DEFAULT	30
#define CONFIG_CONTACT_DAYS_MAX		3650
#define CONFIG_WEBHOOK_UNITS		64	/* [webhook] unit lines */
#define CONFIG_WEBHOOK_SECRET_MIN	16
#define CONFIG_WEBHOOK_SECRET_MAX	128
#define CONFIG_WEBHOOK_RETRY_DEFAULT	30	/* seconds, doubled each try */
#define CONFIG_WEBHOOK_RETRY_MAX	3600

/* A unit's own webhook: its items' events (and its subtree's, unless
 * a unit below has its own) go there instead of the global one. */
struct config_webhook {
	char	 unit[32 + 1];
	char	 url[CONFIG_URL_MAX + 1];
};

struct config {
	char		 host[CONFIG_HOST_MAX + 1];
	unsigned	 port;
	char		 data[PATH_MAX];
	char		 base_url[CONFIG_URL_MAX + 1];	/* "" = from listen */
	char		 share[PATH_MAX];	/* "" = found at start */
	int64_t		 ticket_ttl;		/* seconds */
	size_t		 max_batch;
	unsigned	 threads;		/* 0 = one per core */
	size_t		 map_size;		/* 0 = STORE_MAPSIZE_INITIAL */
	char		 tls_cert[PATH_MAX];	/* "" = plain HTTP */
	char		 tls_key[PATH_MAX];
	/* Peers whose X-Forwarded-For and -Proto are believed. */
	struct netaddr_list proxies;
	/* Tickets may name a handling unit outside the key's subtree. */
	int		 handling_anywhere;
	/* [log]: the lowest level written (enum log_level); whether the
	 * request log names the client's address. */
	int		 log_level;
	int		 log_client_address;
	/* [metrics]: addresses that may read /metrics besides loopback. */
	struct netaddr_list metrics_allow;
	/* [followups]: working days to answer an item before it is
	 * overdue (and shown to the parent unit's head); days a closed
	 * item's call-back number is kept. */
	int		 answer_days;
	int		 contact_days;
	/* [webhook]: where follow-ups' events are posted (http:// or
	 * https://), the HMAC-SHA256 key of the signature header, the
	 * first retry's wait (doubled each time up to an hour), the PEM
	 * file of the authorities https receivers are checked against
	 * ("" = the system's). No url, no unit: off. */
	char		 webhook_url[CONFIG_URL_MAX + 1];
	char		 webhook_secret[CONFIG_WEBHOOK_SECRET_MAX + 1];
	size_t		 nwebhooks;
	struct config_webhook webhooks[CONFIG_WEBHOOK_UNITS];
	int		 webhook_retry;
	char		 webhook_ca_file[PATH_MAX];
};

void	 config_defaults(struct config *);
/*
 * Sets one setting by its name ("listen", "data", "base_url", "share",
 * "ticket_ttl", "max_batch", "threads", "tls_cert", "tls_key",
 * "map_size", "trusted_proxies", "handling_anywhere", "log_level",
 * "log_client_address", "metrics_allow", "answer_days",
 * "contact_days", "webhook_url", "webhook_secret", "webhook_unit",
 * "webhook_retry", "webhook_ca_file"); flags use the same names.
 * Returns 0, or -1 with the reason in why.
 */
int	 config_set(struct config *, const char *name, const char *value,
	    char *why, size_t whylen);
/* Reads an INI file: [server] listen, data, base_url, share, threads,
 * max_batch, tls_cert, tls_key, map_size, trusted_proxies; [tickets] ttl,
 * handling_anywhere; [log] level, client_address; [metrics] allow;
 * [followups] answer_days, contact_days; [webhook] url, secret, unit
 * (repeatable: "CODE URL"), retry, ca_file.
 * -1 with "file:line: reason". */
int	 config_load(struct config *, const char *path, char *why,
	    size_t whylen);

#define CONFIG_MAP_MAX	(1024ULL * 1024 * 1024 * 1024)	/* 1 TiB */

#endif
