/*
 * config.c: defaults < INI file < flags. Every value is checked where it
 * is set, so a bad file stops the start with its line.
 * Trap: inih reports only the line of the first error; the handler keeps
 * the reason, ini_parse() returns the line.
 */
#include <stdio.h>
#include <string.h>

#include <ini.h>

#include "config.h"
#include "httpc.h"
#include "util.h"
#include "writer.h"

void
config_defaults(struct config *c)
{
	memset(c, 0, sizeof(*c));
	strlcpy(c->host, CONFIG_HOST_DEFAULT, sizeof(c->host));
	c->port = CONFIG_PORT_DEFAULT;
	strlcpy(c->data, CONFIG_DATA_DEFAULT, sizeof(c->data));
	c->ticket_ttl = CONFIG_TTL_DEFAULT;
	c->answer_days = CONFIG_ANSWER_DAYS_DEFAULT;
	c->contact_days = CONFIG_CONTACT_DAYS_DEFAULT;
	c->webhook_retry = CONFIG_WEBHOOK_RETRY_DEFAULT;
	c->max_batch = WRITER_BATCH_DEFAULT;
}

static int
config_listen(struct config *c, const char *v, char *why, size_t whylen)
{
	const char	*colon;
	long long	 port;
	size_t		 hlen;

	if ((colon = strrchr(v, ':')) == NULL ||
	    parse_num(colon + 1, strlen(colon + 1), 0, 65535, &port) == -1) {
		snprintf(why, whylen, "listen: want ADDRESS:PORT, "
		    "e.g. 127.0.0.1:8080");
		return (-1);
	}
	hlen = (size_t)(colon - v);
	if (hlen == 0 || hlen > CONFIG_HOST_MAX) {
		snprintf(why, whylen, "listen: the address is empty or "
		    "too long");
		return (-1);
	}
	memcpy(c->host, v, hlen);
	c->host[hlen] = '\0';
	c->port = (unsigned)port;
	return (0);
}

static int
config_ttl(struct config *c, const char *v, char *why, size_t whylen)
{
	size_t		 n = strlen(v);
	long long	 num, unit = 1;

	if (n > 1) {
		switch (v[n - 1]) {
		case 's':
			unit = 1;
			n--;
			break;
		case 'm':
			unit = 60;
			n--;
			break;
		case 'h':
			unit = 3600;
			n--;
			break;
		case 'd':
			unit = 86400;
			n--;
			break;
		}
	}
	if (parse_num(v, n, 1, CONFIG_TTL_MAX, &num) == -1 ||
	    num * unit > CONFIG_TTL_MAX) {
		snprintf(why, whylen, "ttl: want a duration such as 30d, "
		    "12h or 90s, at most 366d");
		return (-1);
	}
	c->ticket_ttl = num * unit;
	return (0);
}

/* A webhook's URL: http[s]://host[:port]/path, printable, no spaces. */
static int
config_webhook_url(const char *v, char *why, size_t whylen)
{
	char	 r[160];

	if (strlen(v) > CONFIG_URL_MAX) {
		snprintf(why, whylen, "url: at most %d characters",
		    CONFIG_URL_MAX);
		return (-1);
	}
	if (httpc_url_check(v, r, sizeof(r)) == -1) {
		snprintf(why, whylen, "url: %s", r);
		return (-1);
	}
	return (0);
}

int
config_set(struct config *c, const char *name, const char *v, char *why,
    size_t whylen)
{
	long long	 num;

	if (strcmp(name, "listen") == 0)
		return (config_listen(c, v, why, whylen));
	if (strcmp(name, "ticket_ttl") == 0 || strcmp(name, "ttl") == 0)
		return (config_ttl(c, v, why, whylen));
	if (strcmp(name, "data") == 0 || strcmp(name, "share") == 0 ||
	    strcmp(name, "tls_cert") == 0 || strcmp(name, "tls_key") == 0) {
		char	*dst = name[0] == 'd' ? c->data : name[0] == 's' ?
		    c->share : name[4] == 'c' ? c->tls_cert : c->tls_key;

		if (*v == '\0' || strlen(v) >= PATH_MAX) {
			snprintf(why, whylen, "%s: empty or too long", name);
			return (-1);
		}
		strlcpy(dst, v, PATH_MAX);
		return (0);
	}
	if (strcmp(name, "base_url") == 0) {
		size_t	 n = strlen(v);

		if (n > CONFIG_URL_MAX || (strncmp(v, "http://", 7) != 0 &&
		    strncmp(v, "https://", 8) != 0) ||
		    !utf8_valid(v, n) || strpbrk(v, " \t\r\n\"'<>") != NULL) {
			snprintf(why, whylen, "base_url: want http://HOST[:PORT]"
			    " or https://..., at most %d bytes",
			    CONFIG_URL_MAX);
			return (-1);
		}
		/* No trailing slash: paths are appended as "/s/...". */
		while (n > 0 && v[n - 1] == '/')
			n--;
		memcpy(c->base_url, v, n);
		c->base_url[n] = '\0';
		return (0);
	}
	if (strcmp(name, "max_batch") == 0) {
		if (parse_num(v, strlen(v), 1, WRITER_BATCH_MAX, &num) == -1) {
			snprintf(why, whylen, "max_batch: want 1..%d",
			    WRITER_BATCH_MAX);
			return (-1);
		}
		c->max_batch = (size_t)num;
		return (0);
	}
	if (strcmp(name, "map_size") == 0) {
		size_t		 n = strlen(v);
		long long	 unit = 1;

		if (n > 1 && (v[n - 1] == 'k' || v[n - 1] == 'm' ||
		    v[n - 1] == 'g')) {
			unit = v[n - 1] == 'k' ? 1024 : v[n - 1] == 'm' ?
			    1024 * 1024 : 1024 * 1024 * 1024;
			n--;
		}
		if (parse_num(v, n, 1, (long long)(CONFIG_MAP_MAX / unit),
		    &num) == -1) {
			snprintf(why, whylen, "map_size: want a size such as "
			    "64m or 2g");
			return (-1);
		}
		c->map_size = (size_t)(num * unit);
		return (0);
	}
	if (strcmp(name, "trusted_proxies") == 0) {
		char	 sub[160];

		if (netaddr_list_parse(&c->proxies, v, sub, sizeof(sub)) ==
		    -1) {
			snprintf(why, whylen, "trusted_proxies: %s", sub);
			return (-1);
		}
		return (0);
	}
	if (strcmp(name, "metrics_allow") == 0) {
		char	 sub[160];

		if (netaddr_list_parse(&c->metrics_allow, v, sub,
		    sizeof(sub)) == -1) {
			snprintf(why, whylen, "allow: %s", sub);
			return (-1);
		}
		return (0);
	}
	if (strcmp(name, "handling_anywhere") == 0 ||
	    strcmp(name, "log_client_address") == 0) {
		int	*dst = name[0] == 'h' ? &c->handling_anywhere :
		    &c->log_client_address;

		if (strcmp(v, "yes") == 0 || strcmp(v, "no") == 0) {
			*dst = v[0] == 'y';
			return (0);
		}
		snprintf(why, whylen, "%s: want yes or no", name[0] == 'h' ?
		    name : "client_address");
		return (-1);
	}
	if (strcmp(name, "log_level") == 0) {
		int	 l;

		if ((l = log_level_parse(v)) == -1) {
			snprintf(why, whylen, "level: want info, warn or "
			    "error");
			return (-1);
		}
		c->log_level = l;
		return (0);
	}
	if (strcmp(name, "answer_days") == 0) {
		if (parse_num(v, strlen(v), 1, CONFIG_ANSWER_DAYS_MAX,
		    &num) == -1) {
			snprintf(why, whylen, "answer_days: want 1..%d "
			    "(working days)", CONFIG_ANSWER_DAYS_MAX);
			return (-1);
		}
		c->answer_days = (int)num;
		return (0);
	}
	if (strcmp(name, "contact_days") == 0) {
		if (parse_num(v, strlen(v), 0, CONFIG_CONTACT_DAYS_MAX,
		    &num) == -1) {
			snprintf(why, whylen, "contact_days: want 0..%d (days "
			    "after closing)", CONFIG_CONTACT_DAYS_MAX);
			return (-1);
		}
		c->contact_days = (int)num;
		return (0);
	}
	if (strcmp(name, "webhook_url") == 0) {
		if (config_webhook_url(v, why, whylen) == -1)
			return (-1);
		strlcpy(c->webhook_url, v, sizeof(c->webhook_url));
		return (0);
	}
	if (strcmp(name, "webhook_unit") == 0) {
		const char	*sp = strchr(v, ' ');
		size_t		 n = sp != NULL ? (size_t)(sp - v) : 0;

		if (sp == NULL || n == 0 || n > 32) {
			snprintf(why, whylen, "unit: want a unit code, a space "
			    "and a URL");
			return (-1);
		}
		while (*sp == ' ')
			sp++;
		if (config_webhook_url(sp, why, whylen) == -1)
			return (-1);
		if (c->nwebhooks == CONFIG_WEBHOOK_UNITS) {
			snprintf(why, whylen, "unit: at most %d lines",
			    CONFIG_WEBHOOK_UNITS);
			return (-1);
		}
		memcpy(c->webhooks[c->nwebhooks].unit, v, n);
		c->webhooks[c->nwebhooks].unit[n] = '\0';
		strlcpy(c->webhooks[c->nwebhooks].url, sp,
		    sizeof(c->webhooks[0].url));
		c->nwebhooks++;
		return (0);
	}
	if (strcmp(name, "webhook_ca_file") == 0) {
		if (v[0] != '/' || strlen(v) >= sizeof(c->webhook_ca_file)) {
			snprintf(why, whylen, "ca_file: want an absolute path "
			    "of at most %zu characters",
			    sizeof(c->webhook_ca_file) - 1);
			return (-1);
		}
		strlcpy(c->webhook_ca_file, v, sizeof(c->webhook_ca_file));
		return (0);
	}
	if (strcmp(name, "webhook_secret") == 0) {
		size_t	 n = strlen(v);

		if (n < CONFIG_WEBHOOK_SECRET_MIN ||
		    n > CONFIG_WEBHOOK_SECRET_MAX) {
			snprintf(why, whylen, "secret: %d to %d characters",
			    CONFIG_WEBHOOK_SECRET_MIN,
			    CONFIG_WEBHOOK_SECRET_MAX);
			return (-1);
		}
		strlcpy(c->webhook_secret, v, sizeof(c->webhook_secret));
		return (0);
	}
	if (strcmp(name, "webhook_retry") == 0) {
		if (parse_num(v, strlen(v), 1, CONFIG_WEBHOOK_RETRY_MAX,
		    &num) == -1) {
			snprintf(why, whylen, "retry: want 1..%d (seconds)",
			    CONFIG_WEBHOOK_RETRY_MAX);
			return (-1);
		}
		c->webhook_retry = (int)num;
		return (0);
	}
	if (strcmp(name, "threads") == 0) {
		if (parse_num(v, strlen(v), 0, CONFIG_THREADS_MAX, &num) == -1) {
			snprintf(why, whylen, "threads: want 0..%d (0: one per"
			    " core)", CONFIG_THREADS_MAX);
			return (-1);
		}
		c->threads = (unsigned)num;
		return (0);
	}
	snprintf(why, whylen, "unknown setting");
	return (-1);
}

struct config_ctx {
	struct config	*c;
	char		 why[256];
};

/* Where each setting goes in the file: [section] name. */
static const struct {
	const char	*section;
	const char	*name;		/* in the file */
	const char	*setting;	/* config_set()'s */
} config_keys[] = {
	{ "server", "listen", "listen" },
	{ "server", "data", "data" },
	{ "server", "base_url", "base_url" },
	{ "server", "share", "share" },
	{ "server", "threads", "threads" },
	{ "server", "max_batch", "max_batch" },
	{ "server", "map_size", "map_size" },
	{ "server", "tls_cert", "tls_cert" },
	{ "server", "tls_key", "tls_key" },
	{ "server", "trusted_proxies", "trusted_proxies" },
	{ "tickets", "ttl", "ttl" },
	{ "tickets", "handling_anywhere", "handling_anywhere" },
	{ "log", "level", "log_level" },
	{ "log", "client_address", "log_client_address" },
	{ "metrics", "allow", "metrics_allow" },
	{ "followups", "answer_days", "answer_days" },
	{ "followups", "contact_days", "contact_days" },
	{ "webhook", "url", "webhook_url" },
	{ "webhook", "secret", "webhook_secret" },
	{ "webhook", "unit", "webhook_unit" },
	{ "webhook", "retry", "webhook_retry" },
	{ "webhook", "ca_file", "webhook_ca_file" },
};

static int
config_handler(void *arg, const char *section, const char *name,
    const char *value)
{
	struct config_ctx	*cx = arg;
	char			 why[200];
	size_t			 i;

	for (i = 0; i < sizeof(config_keys) / sizeof(*config_keys); i++)
		if (strcmp(section, config_keys[i].section) == 0 &&
		    strcmp(name, config_keys[i].name) == 0)
			break;
	if (i == sizeof(config_keys) / sizeof(*config_keys))
		snprintf(why, sizeof(why), "unknown setting [%.40s] %.40s",
		    section, name);
	else if (config_set(cx->c, config_keys[i].setting, value, why,
	    sizeof(why)) == 0)
		return (1);
	snprintf(cx->why, sizeof(cx->why), "%s", why);
	return (0);
}

int
config_load(struct config *c, const char *path, char *why, size_t whylen)
{
	struct config_ctx	 cx;
	int			 line;

	memset(&cx, 0, sizeof(cx));
	cx.c = c;
	if ((line = ini_parse(path, config_handler, &cx)) == 0)
		return (0);
	if (line == -1)
		snprintf(why, whylen, "%s: cannot open", path);
	else if (cx.why[0] != '\0')
		snprintf(why, whylen, "%s:%d: %s", path, line, cx.why);
	else
		snprintf(why, whylen, "%s:%d: not INI syntax", path, line);
	return (-1);
}
