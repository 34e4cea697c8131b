/*
 * tpl.h: HTML templates from templates/, compiled once at start.
 * A Mustache subset over a jansson value as context:
 *   {{name}} escaped, {{{name}}} raw, {{a.b}} dotted, {{.}} current,
 *   {{#name}}..{{/name}} (array: each item; object: push; true,
 *   non-empty string, non-zero number: once), {{^name}}..{{/name}},
 *   {{>partial}} (another template by name), {{! comment }}.
 * A missing name renders as nothing. Output is escaped unless the
 * template says {{{raw}}}.
 */
#ifndef TPL_H
#define TPL_H

#include <jansson.h>

#include "buf.h"

#define TPL_MAX			64	/* templates in a directory */
#define TPL_DEPTH_MAX		16	/* nested sections and partials */
#define TPL_FILE_MAX		(256u * 1024)
#define TPL_STEPS_MAX		(1ul << 20)	/* node visits per render */

struct tpl;
struct tplset;

/*
 * Compiles every *.html in dir; a syntax error or an unknown partial
 * fails with "file:line: reason" in why. Returns 0 or -1.
 */
int	 tpl_load(const char *dir, struct tplset **, char *why, size_t whylen);
void	 tpl_free(struct tplset *);
/* Template by name without ".html", or NULL. */
const struct tpl *tpl_get(const struct tplset *, const char *name);
/* Compiles one template from memory (tests, fuzzers); NULL + why. */
struct tplset *tpl_load_mem(const char *name, const char *src, size_t len,
	    char *why, size_t whylen);
/*
 * Appends the rendering to out; 0, or -1 when out's cap is hit or the
 * rendering nests deeper than TPL_DEPTH_MAX (recursive partials) or
 * visits more than TPL_STEPS_MAX nodes (out then holds a partial page).
 */
int	 tpl_render(const struct tpl *, json_t *ctx, struct buf *out);

#endif
