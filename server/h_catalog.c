/*
 * h_catalog.c: units and procedures changed while the server runs:
 * GET|POST /api/v1/admin/units, PUT /api/v1/admin/units/<code>, the
 * same for procedures. A change is checked alone (json_in.c), against
 * the catalogue in use, then as a whole new catalogue (every rule of
 * schema/'s files); it is stored by the writer with its audit entry,
 * and the catalogue is loaded again and swapped (h_state.c) before the
 * reply, so the next request sees it.
 * Traps: a unit-limited admin adds only under its subtree and changes
 * only units inside it, never its own top unit's place; procedures are
 * the whole province's. Two changes racing: each is checked as a whole
 * catalogue at the store's generation of it, and the writer refuses the
 * second (409, send it again), so no cycle or the like slips in between.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "audit.h"
#include "h.h"
#include "util.h"

/*
 * The whole catalogue with row over the store's rows: 0, or -1 with
 * why (a rule of the files broken, a cycle of parents, ...).
 */
static int
h_catalog_try(struct req *r, const struct catrow *row, uint64_t *gen,
    char *why, size_t whylen)
{
	struct catalog	*cat = NULL;
	struct catrow	*rows = NULL;
	char		 p[PATH_MAX + 32];
	size_t		 n = 0, i;
	int		 rc = -1;

	if (store_catrows(r->app->st, &rows, &n, gen) == -1) {
		snprintf(why, whylen, "cannot read the stored units and "
		    "procedures");
		return (-1);
	}
	for (i = 0; i < n; i++)
		if (rows[i].type == row->type &&
		    strcmp(rows[i].code, row->code) == 0)
			break;
	if (i == n)
		rows = xrealloc(rows, ++n * sizeof(*rows));
	rows[i] = *row;
	snprintf(p, sizeof(p), "%s/schema", r->app->share);
	if (catalog_load_rows(p, rows, n, &cat, why, whylen) == 0 &&
	    app_catalog_check(r->app, cat, why, whylen) == 0)
		rc = 0;
	/* The server's own paths are nobody's business: "units.csv:". */
	i = strlen(p);
	if (rc == -1 && strncmp(why, p, i) == 0 && why[i] == '/')
		memmove(why, why + i + 1, strlen(why + i + 1) + 1);
	catalog_free(cat);
	free(rows);
	return (rc);
}

int
h_catalog_commit(struct req *r, unsigned *status, char *why, size_t whylen)
{
	const struct catrow	*row = &r->op.u.catrow.row;
	char			 w[256];

	if (r->op.rc == HL_CONFLICT && r->op.u.catrow.stale) {
		snprintf(why, whylen, "the units or procedures changed "
		    "meanwhile: look again and send it again");
		*status = 409;
		return (-1);
	}
	if (r->op.rc == HL_CONFLICT) {
		snprintf(why, whylen, "code: %s %s exists",
		    row->type == CATROW_UNIT ? "unit" : "procedure",
		    row->code);
		*status = 409;
		return (-1);
	}
	if (r->op.rc != HL_OK) {
		*status = http_rc_status(r->op.rc);
		snprintf(why, whylen, "cannot store the change");
		return (-1);
	}
	if (h_state_catalog_reload(r->app, w, sizeof(w)) == -1) {
		log_error("catalogue not reloaded after %s %s: %s",
		    row->type == CATROW_UNIT ? "unit" : "procedure",
		    row->code, w);
		*status = 500;
		snprintf(why, whylen, "stored, but the catalogue in use could "
		    "not be replaced; see the server's log");
		return (-1);
	}
	return (0);
}

static void
h_catalog_done(struct req *r)
{
	const struct catrow	*row = &r->op.u.catrow.row;
	char			 why[256], *s;
	unsigned		 status;
	json_t			*j;

	if (h_catalog_commit(r, &status, why, sizeof(why)) == -1) {
		http_fail(r, status, why);
		return;
	}
	j = audit_catrow_json(row);
	s = j != NULL ? json_dumps(j, JSON_COMPACT) : NULL;
	json_decref(j);
	if (s == NULL) {
		http_fail(r, 500, "internal error");
		return;
	}
	http_reply_json(r, r->op.u.catrow.replace ? 200 : 201, s);
	free(s);
}

/*
 * The checks of row against the catalogue in use and as a whole new
 * catalogue, then r->op filled to store it; 0, or -1 with the status and
 * why for the client.
 */
int
h_catalog_prepare(struct req *r, const struct catrow *in, int replace,
    unsigned *status, char *why, size_t whylen)
{
	const struct catalog	*cat = r->app->cat;
	const struct unit	*u = NULL, *root;
	const struct procedure	*p;
	struct catrow		 keep, *row = &keep;
	uint64_t		 gen = 0;

	keep = *in;
	/* A change of a retired unit keeps its retirement. */
	if (replace && row->type == CATROW_UNIT && row->retired[0] == '\0' &&
	    (u = catalog_unit(cat, row->code, strlen(row->code))) != NULL &&
	    u->retired[0] != '\0') {
		strlcpy(row->retired, u->retired, sizeof(row->retired));
		strlcpy(row->successor, u->successor, sizeof(row->successor));
	}
	/* And of a withdrawn procedure, its withdrawal. */
	if (replace && row->type == CATROW_PROC && row->retired[0] == '\0' &&
	    (p = catalog_procedure(cat, row->code, strlen(row->code))) !=
	    NULL)
		strlcpy(row->retired, p->withdrawn, sizeof(row->retired));
	u = NULL;

	if (row->type == CATROW_PROC) {
		if (r->unit[0] != '\0') {
			snprintf(why, whylen, "procedures are the whole "
			    "province's: an admin of one unit may not change "
			    "them");
			*status = 403;
			return (-1);
		}
		if (catalog_sector(cat, row->sector, strlen(row->sector)) ==
		    NULL) {
			snprintf(why, whylen, "sector: unknown sector "
			    "%s (not in sectors.ini)", row->sector);
			*status = 422;
			return (-1);
		}
	} else {
		u = catalog_unit(cat, row->code, strlen(row->code));
		if (replace && u != NULL && !h_admin_may(r, row->code)) {
			snprintf(why, whylen, "unit: outside the units this "
			    "key or user may change");
			*status = 403;
			return (-1);
		}
		if (replace && u != NULL && strcmp(r->unit, row->code) == 0 &&
		    strcmp(u->parent, row->parent) != 0) {
			snprintf(why, whylen, "parent: an admin of a unit may "
			    "not move the unit itself");
			*status = 403;
			return (-1);
		}
		root = catalog_root(cat);
		if (replace && u != NULL && u->parent[0] == '\0' &&
		    row->parent[0] != '\0') {
			snprintf(why, whylen, "parent: the root unit stays "
			    "the root (it has no parent)");
			*status = 422;
			return (-1);
		}
		if (row->parent[0] == '\0' &&
		    !(replace && u != NULL && u->parent[0] == '\0')) {
			snprintf(why, whylen, "parent: required (the "
			    "root is %s)", root != NULL ? root->code : "?");
			*status = 422;
			return (-1);
		}
		if (row->parent[0] != '\0' && catalog_unit(cat, row->parent,
		    strlen(row->parent)) == NULL) {
			snprintf(why, whylen, "parent: no unit %s",
			    row->parent);
			*status = 422;
			return (-1);
		}
		if (row->parent[0] != '\0' && !h_admin_may(r, row->parent)) {
			snprintf(why, whylen, "parent: outside the units this "
			    "key or user may change");
			*status = 403;
			return (-1);
		}
	}
	if (!replace && (row->type == CATROW_UNIT ? u != NULL :
	    catalog_procedure(cat, row->code, strlen(row->code)) != NULL)) {
		snprintf(why, whylen, "code: %s %s exists",
		    row->type == CATROW_UNIT ? "unit" : "procedure", row->code);
		*status = 409;
		return (-1);
	}
	if (replace && (row->type == CATROW_UNIT ? u == NULL :
	    catalog_procedure(cat, row->code, strlen(row->code)) == NULL)) {
		snprintf(why, whylen, "%s", row->type == CATROW_UNIT ?
		    "no such unit" : "no such procedure");
		*status = 404;
		return (-1);
	}
	if (h_catalog_try(r, row, &gen, why, whylen) == -1) {
		*status = 422;
		return (-1);
	}
	memset(&r->op, 0, sizeof(r->op));
	r->op.kind = WOP_CATROW;
	r->op.u.catrow.row = *row;
	r->op.u.catrow.gen = gen;
	r->op.u.catrow.replace = replace;
	if (replace && row->type == CATROW_UNIT && u != NULL) {
		catalog_unit_row(u, &r->op.u.catrow.file);
		r->op.u.catrow.has_file = 1;
	} else if (replace && row->type == CATROW_PROC &&
	    (p = catalog_procedure(cat, row->code, strlen(row->code))) !=
	    NULL) {
		catalog_proc_row(p, &r->op.u.catrow.file);
		r->op.u.catrow.has_file = 1;
	}
	h_admin_actor(r, &r->op.by);
	return (0);
}

static void
h_catalog_write(struct req *r, char type, int replace)
{
	struct catrow	 row;
	char		 why[512];
	unsigned	 status;
	enum hl_rc	 rc;

	rc = json_in_catrow(r->body.data != NULL ? r->body.data : "",
	    r->body.len, type, &row, why, sizeof(why));
	if (rc != HL_OK) {
		http_fail(r, http_rc_status(rc), why);
		return;
	}
	if (replace && (r->arglen != strlen(row.code) ||
	    memcmp(r->arg, row.code, r->arglen) != 0)) {
		http_fail(r, 422, "code: must be the code in the path (a code "
		    "never changes)");
		return;
	}
	if (h_catalog_prepare(r, &row, replace, &status, why,
	    sizeof(why)) == -1) {
		http_fail(r, status, why);
		return;
	}
	http_submit(r, h_catalog_done);
}

void
h_admin_unit_add(struct req *r)
{
	h_catalog_write(r, CATROW_UNIT, 0);
}

void
h_admin_unit_change(struct req *r)
{
	h_catalog_write(r, CATROW_UNIT, 1);
}

void
h_admin_proc_add(struct req *r)
{
	h_catalog_write(r, CATROW_PROC, 0);
}

void
h_admin_proc_change(struct req *r)
{
	h_catalog_write(r, CATROW_PROC, 1);
}

void
h_admin_units(struct req *r)
{
	const struct catalog	*cat = r->app->cat;
	struct catrow		 c;
	json_t			*a = json_array(), *j;
	size_t			 i;
	char			*s;

	for (i = 0; i < cat->nunits; i++) {
		if (!h_admin_may(r, cat->units[i].code))
			continue;
		catalog_unit_row(&cat->units[i], &c);
		if ((j = audit_catrow_json(&c)) != NULL)
			json_object_set_new(j, "depth",
			    json_integer(cat->units[i].depth));
		json_array_append_new(a, j);
	}
	s = json_dumps(a, JSON_COMPACT);
	json_decref(a);
	if (s == NULL) {
		http_fail(r, 500, "cannot render the units");
		return;
	}
	r->no_store = 1;
	http_reply_json(r, 200, s);
	free(s);
}

void
h_admin_procs(struct req *r)
{
	const struct catalog	*cat = r->app->cat;
	struct catrow		 c;
	json_t			*a = json_array();
	size_t			 i;
	char			*s;

	for (i = 0; i < cat->nprocs; i++) {
		catalog_proc_row(&cat->procs[i], &c);
		json_array_append_new(a, audit_catrow_json(&c));
	}
	s = json_dumps(a, JSON_COMPACT);
	json_decref(a);
	if (s == NULL) {
		http_fail(r, 500, "cannot render the procedures");
		return;
	}
	r->no_store = 1;
	http_reply_json(r, 200, s);
	free(s);
}
