/*
 * cmd_serve.c: hailong serve — open everything, listen, tell systemd it
 * is ready, wait for signals: SIGHUP reloads the units and procedures
 * and the TLS certificate, SIGTERM and SIGINT stop cleanly.
 * Trap: the signals are blocked before any thread starts, so that only
 * sigwait() here receives them.
 */
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "app.h"
#include "cmd.h"
#include "h.h"
#include "http.h"
#include "notify.h"
#include "util.h"
#include "webhook.h"

static int serve_run(int, char **);

const struct cmd cmd_serve = {
	"serve", "run the HTTP server",
	"usage: hailong serve [--listen ADDR:PORT] [--data DIR] "
	    "[--base-url URL] [--config FILE] [--max-batch N]\n"
	    "                     [--tls-cert FILE --tls-key FILE]\n"
	    "\n"
	    "Serves the survey, the ticket API and the kiosk on ADDR:PORT\n"
	    "(default 127.0.0.1:8080; port 0 picks a free one) with its data\n"
	    "in DIR (default ./var/hailong, created when missing).\n"
	    "--base-url is the public address printed in QR codes (default\n"
	    "http://ADDR:PORT). The config file (INI) may set the same:\n"
	    "  [server] listen, data, base_url, max_batch, threads, share\n"
	    "  [tickets] ttl = 30d\n"
	    "  (and tls_cert, tls_key)\n"
	    "Flags win over the file. --tls-cert and --tls-key (PEM files)\n"
	    "serve HTTPS instead of HTTP. When ready it prints\n"
	    "  hailong: listening on http://ADDR:PORT (https:// with TLS)\n"
	    "SIGTERM or SIGINT: finishes the writes in flight, exits 0.\n"
	    "SIGHUP: reads schema/'s units, procedures, sectors, surveys\n"
	    "and indicators again (with the ones admins changed; a broken\n"
	    "file keeps the ones in use) and the TLS certificate and key;\n"
	    "open connections and requests keep theirs.\n"
	    "Under systemd (Type=notify) it says READY=1 once listening and\n"
	    "pings the watchdog (WatchdogSec=) from the writer's loop.\n",
	serve_run
};

static int
serve_run(int argc, char **argv)
{
	const char	*listen = NULL, *data = NULL, *base = NULL;
	const char	*file = NULL, *batch = NULL, *cert = NULL, *key = NULL;
	const struct flag flags[] = {
		{ "listen", &listen }, { "data", &data },
		{ "base-url", &base }, { "config", &file },
		{ "max-batch", &batch }, { "tls-cert", &cert },
		{ "tls-key", &key }, { NULL, NULL }
	};
	struct config	 cfg;
	struct app	 a;
	struct http	*h = NULL;
	sigset_t	 set;
	unsigned	 port;
	char		 why[512], why2[512], url[CONFIG_URL_MAX + 1];
	char		 status[CONFIG_URL_MAX + 64];
	uint64_t	 wd;
	int		 sig, cat_ok;

	cmd_flags(&cmd_serve, argc, argv, flags);
	cmd_config(&cmd_serve, &cfg, file, data, listen, base);
	if ((batch != NULL && config_set(&cfg, "max_batch", batch, why,
	    sizeof(why)) == -1) ||
	    (cert != NULL && config_set(&cfg, "tls_cert", cert, why,
	    sizeof(why)) == -1) ||
	    (key != NULL && config_set(&cfg, "tls_key", key, why,
	    sizeof(why)) == -1))
		cmd_usage_error(&cmd_serve, "%s", why);
	if ((cfg.tls_cert[0] == '\0') != (cfg.tls_key[0] == '\0'))
		cmd_usage_error(&cmd_serve, "--tls-cert and --tls-key go "
		    "together");

	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGHUP);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);

	if (app_open(&a, &cfg, APP_STORE | APP_WRITER | APP_SCHEMA |
	    APP_PAGES | APP_CREATE, why, sizeof(why)) == -1)
		fatal("%s", why);
	if (h_state_init(&a) == -1) {
		app_close(&a);
		fatal("cannot set up the server's memory");
	}
	if (http_start(&h, &a, &port, why, sizeof(why)) == -1) {
		h_state_free(&a);
		app_close(&a);
		fatal("%s", why);
	}
	if (webhook_start(&a.wh, &a, why, sizeof(why)) == -1) {
		http_stop(h);
		h_state_free(&a);
		app_close(&a);
		fatal("[webhook] %s", why);
	}
	a.cfg.port = port;
	app_base_url(&a, url, sizeof(url));
	log_info("data %s, schema and templates from %s, public URL %s",
	    cfg.data, a.share, url);
	if (strchr(cfg.host, ':') != NULL)
		printf("hailong: listening on %s://[%s]:%u\n",
		    cfg.tls_cert[0] != '\0' ? "https" : "http", cfg.host, port);
	else
		printf("hailong: listening on %s://%s:%u\n",
		    cfg.tls_cert[0] != '\0' ? "https" : "http", cfg.host, port);
	fflush(stdout);
	if ((wd = notify_watchdog_usec()) > 0)
		writer_watchdog(a.w, wd, notify_watchdog);
	snprintf(status, sizeof(status), "serving %s", url);
	notify_ready(status);

	for (;;) {
		if (sigwait(&set, &sig) != 0)
			sig = SIGTERM;
		if (sig != SIGHUP)
			break;
		notify_reloading();
		/*
		 * schema/'s units, procedures and sectors, as an admin's
		 * change, then its surveys and indicators (checked against
		 * the new sectors); the catalogue once more when it needed
		 * the new indicators (a sector they no longer name), and
		 * so that the units' JSON names their surveys anew.
		 */
		cat_ok = h_state_catalog_reload(&a, why, sizeof(why)) == 0;
		if (h_state_schema_reload(&a, why2, sizeof(why2)) == -1)
			log_warn("SIGHUP: surveys and indicators not "
			    "reloaded, the ones in use stay: %s", why2);
		else {
			log_info("SIGHUP: surveys and indicators reloaded: "
			    "%zu surveys, %zu indicators", a.sch->surveys.n,
			    a.sch->ind->n);
			cat_ok = h_state_catalog_reload(&a, why,
			    sizeof(why)) == 0;
		}
		if (!cat_ok)
			log_warn("SIGHUP: units and procedures not reloaded, "
			    "the ones in use stay: %s", why);
		else
			log_info("SIGHUP: units, procedures and sectors "
			    "reloaded: %zu units, %zu procedures",
			    a.cat->nunits, a.cat->nprocs);
		if (cfg.tls_cert[0] == '\0') {
			log_info("SIGHUP: no TLS certificate to reload");
			notify_ready(status);
			continue;
		}
		if (http_tls_reload(h, why, sizeof(why)) == -1)
			log_warn("SIGHUP: TLS certificate not reloaded, the "
			    "old one stays: %s", why);
		else
			log_info("SIGHUP: TLS certificate reloaded from %s",
			    cfg.tls_cert);
		notify_ready(status);
	}
	log_info("signal %d: stopping", sig);
	notify_stopping();
	/* Long polls would hold the server's stop for up to 30 s. */
	h_state_stop(&a);
	http_stop(h);
	/* Its delivery in flight ends and is written before the writer
	 * stops. */
	webhook_stop(a.wh);
	a.wh = NULL;
	h_state_free(&a);
	app_close(&a);
	log_info("stopped");
	return (0);
}
