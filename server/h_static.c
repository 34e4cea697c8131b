/*
 * h_static.c: the kiosk's files under /kiosk/ (the page, its script, its
 * style sheet, its service worker, and the counter page's script), read
 * from <share>/kiosk/ on each request.
 * Trap: only the names of a fixed list are served, so no path from the
 * request ever reaches the file system; the page and the service worker
 * must not be kept by the browser's HTTP cache (a new release would not
 * reach kiosks that are never reloaded), so they go out with no-store.
 */
#include <stdio.h>
#include <string.h>

#include "h.h"
#include "util.h"

/* A kiosk file larger than this is refused (500): none is near it. */
#define STATIC_FILE_MAX		(200u * 1024)

struct static_file {
	const char	*name;		/* the path's segment, "" = the page */
	const char	*file;		/* under <share>/kiosk/ */
	const char	*ctype;
	int		 page;		/* HTML that runs our scripts */
	int		 no_store;
};

static const struct static_file static_files[] = {
	{ "", "index.html", "text/html; charset=utf-8", 1, 1 },
	{ "index.html", "index.html", "text/html; charset=utf-8", 1, 1 },
	{ "kiosk.js", "kiosk.js", "text/javascript; charset=utf-8", 0, 0 },
	{ "kiosk.css", "kiosk.css", "text/css; charset=utf-8", 0, 0 },
	{ "sw.js", "sw.js", "text/javascript; charset=utf-8", 0, 1 },
	{ "counter.js", "counter.js", "text/javascript; charset=utf-8", 0, 0 },
	{ "followups.js", "followups.js", "text/javascript; charset=utf-8",
	    0, 0 },
};

static const struct static_file *
static_find(const char *arg, size_t len)
{
	size_t	 i;

	for (i = 0; i < sizeof(static_files) / sizeof(static_files[0]); i++)
		if (strlen(static_files[i].name) == len &&
		    memcmp(static_files[i].name, arg, len) == 0)
			return (&static_files[i]);
	return (NULL);
}

/* Reads path into out; 0, or -1 (missing, unreadable, too large). */
static int
static_read(const char *path, struct buf *out)
{
	FILE	*f = NULL;
	char	 chunk[8192];
	size_t	 n, total = 0;
	int	 rc = -1;

	if ((f = fopen(path, "rb")) == NULL)
		goto out;
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0) {
		total += n;
		if (total > STATIC_FILE_MAX || buf_add(out, chunk, n) == -1)
			goto out;
	}
	if (ferror(f))
		goto out;
	rc = 0;
out:
	if (f != NULL)
		fclose(f);
	return (rc);
}

void
h_kiosk_static(struct req *r)
{
	const struct static_file	*sf;
	const char			*p;
	char				 path[PATH_MAX + 32];
	int				 n;

	sf = static_find(r->arg != NULL ? r->arg : "",
	    r->arg != NULL ? r->arglen : 0);
	if (sf == NULL) {
		http_fail(r, 404, "no such file");
		return;
	}
	n = snprintf(path, sizeof(path), "%s/kiosk/%s", r->app->share,
	    sf->file);
	if (n < 0 || (size_t)n >= sizeof(path)) {
		http_fail(r, 500, "share path too long");
		return;
	}
	buf_reset(&r->out);
	if (static_read(path, &r->out) == -1) {
		buf_reset(&r->out);
		http_fail(r, 500, "cannot read a kiosk file");
		return;
	}
	r->scripts = sf->page;
	r->no_store = sf->no_store;
	/* The console's preview of a draft (kiosk.js keeps and sends
	 * nothing then): in a frame of the console only. */
	if (sf->page && (p = http_arg(r, "preview")) != NULL &&
	    strcmp(p, "1") == 0)
		r->framed = 1;
	http_reply(r, 200, sf->ctype);
}
