/*
 * store_survey.c: reads of the surveys' versions an admin published
 * (`catalog`, type 's', by id then version): every version of an id,
 * or the newest of each id; and of the targets admins set (type 't').
 * Trap: a row is copied out of the snapshot (its text too) before the
 * read transaction ends.
 */
#include <stdlib.h>
#include <string.h>

#include "record.h"
#include "store.h"
#include "store_priv.h"
#include "util.h"

void
store_survey_rows_free(struct survey_row *rows, size_t n)
{
	size_t	 i;

	for (i = 0; rows != NULL && i < n; i++)
		free(rows[i].text);
	free(rows);
}

int
store_survey_rows(struct store *st, const char *id, int newest,
    struct survey_row **rows, size_t *n)
{
	struct store_walk	 w;
	struct survey_row	 r;
	uint8_t			 start[SURVEY_ROW_KEY_LEN];
	size_t			 size = 0;
	int			 rc, ret = -1;

	*rows = NULL;
	*n = 0;
	if (id != NULL) {
		if (record_survey_row_key(id, 0, start) == -1)
			return (0);
	} else {
		memset(start, 0, sizeof(start));
		start[0] = CATROW_SURVEY;
	}
	if (store_walk_begin(&w, st, st->catalog, start, 1 +
	    (id != NULL ? SURVEY_ID_MAX + 1 : 0)) == -1)
		return (-1);
	while ((rc = store_walk_next(&w)) == 1) {
		if (w.k.mv_size != SURVEY_ROW_KEY_LEN ||
		    memcmp(w.k.mv_data, start, id != NULL ?
		    1 + SURVEY_ID_MAX + 1 : 1) != 0) {
			rc = 0;		/* past the rows asked for */
			break;
		}
		if (record_survey_row_decode(w.v.mv_data, w.v.mv_size,
		    &r) == -1)
			goto out;
		/* Keys run by id, then version: a newer one replaces. */
		if (newest && *n > 0 && strcmp((*rows)[*n - 1].id,
		    r.id) == 0) {
			free((*rows)[*n - 1].text);
			(*rows)[*n - 1] = r;
			continue;
		}
		if (*n == size) {
			size = size == 0 ? 4 : size * 2;
			*rows = xrealloc(*rows, size * sizeof(**rows));
		}
		(*rows)[(*n)++] = r;
	}
	if (rc == 0)
		ret = 0;
out:
	store_walk_end(&w);
	if (ret == -1) {
		store_survey_rows_free(*rows, *n);
		*rows = NULL;
		*n = 0;
	}
	return (ret);
}

int
store_target_rows(struct store *st, struct target_row **rows, size_t *n)
{
	struct store_walk	 w;
	uint8_t			 start = CATROW_TARGET;
	size_t			 size = 0;
	int			 rc, ret = -1;

	*rows = NULL;
	*n = 0;
	if (store_walk_begin(&w, st, st->catalog, &start, 1) == -1)
		return (-1);
	while ((rc = store_walk_next(&w)) == 1) {
		if (w.k.mv_size != TARGET_ROW_KEY_LEN ||
		    ((const uint8_t *)w.k.mv_data)[0] != CATROW_TARGET) {
			rc = 0;
			break;
		}
		if (*n == size) {
			size = size == 0 ? 8 : size * 2;
			*rows = xrealloc(*rows, size * sizeof(**rows));
		}
		if (record_target_row_decode(w.v.mv_data, w.v.mv_size,
		    &(*rows)[*n]) == -1)
			goto out;
		(*n)++;
	}
	if (rc == 0)
		ret = 0;
out:
	store_walk_end(&w);
	if (ret == -1) {
		free(*rows);
		*rows = NULL;
		*n = 0;
	}
	return (ret);
}
