/*
 * csvfile.c: a CSV file of schema/ read whole with libcsv: UTF-8 with an
 * optional BOM, a header row that must be as given (optional columns at
 * its end), '#' lines outside a quoted field as comments, the same
 * number of fields on every row, and every error as path:line: reason.
 * Trap: libcsv reports neither lines nor where a record began.
 * csvfile_read() feeds one physical line at a time and reads the
 * parser's state between lines to know where each record starts, so that
 * a quoted field holding a line break does not shift the lines reported
 * after it.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <csv.h>

#include "csvfile.h"
#include "util.h"

#define CSV_ROW_NOT_BEGUN	0	/* libcsv.c's ROW_NOT_BEGUN */

static void
csv_fields_clear(struct csvfile *x)
{
	size_t	 i;

	for (i = 0; i < CSVFILE_FIELDS_MAX; i++) {
		free(x->f[i]);
		x->f[i] = NULL;
		x->flen[i] = 0;
	}
	x->nf = 0;
}

static void
csv_field_cb(void *s, size_t len, void *data)
{
	struct csvfile	*x = data;

	if (!x->failed && x->nf < CSVFILE_FIELDS_MAX) {
		x->f[x->nf] = xstrndup(s != NULL ? s : "", len);
		x->flen[x->nf] = len;
	}
	x->nf++;
}

static void
csv_row_cb(int term, void *data)
{
	struct csvfile	*x = data;
	char		 want[CSVFILE_WHY_MAX];
	size_t		 i;

	(void)term;
	if (x->failed)
		goto out;
	for (i = 0; i < x->nf && i < CSVFILE_FIELDS_MAX; i++) {
		if (!utf8_valid(x->f[i], x->flen[i])) {
			why_at(x->why, x->whylen, x->path, x->recline,
			    "field %zu is not valid UTF-8", i + 1);
			x->failed = 1;
			goto out;
		}
	}
	if (!x->header_done) {
		x->header_done = 1;
		for (i = 0; i < x->nheader + x->nopt; i++)
			if (i >= x->nf || strcmp(x->f[i], x->header[i]) != 0)
				break;
		if (i < x->nheader || x->nf != i) {
			want[0] = '\0';
			for (i = 0; i < x->nheader + x->nopt; i++) {
				if (i > 0)
					strlcat(want, i < x->nheader ? "," :
					    "[,", sizeof(want));
				strlcat(want, x->header[i], sizeof(want));
			}
			for (i = 0; i < x->nopt; i++)
				strlcat(want, "]", sizeof(want));
			why_at(x->why, x->whylen, x->path, x->recline,
			    "the header row must be %s", want);
			x->failed = 1;
		}
		x->ncols = x->nf;
		goto out;
	}
	if (x->nf != x->ncols) {
		why_at(x->why, x->whylen, x->path, x->recline,
		    "%zu fields, expected %zu", x->nf, x->ncols);
		x->failed = 1;
		goto out;
	}
	if (x->row(x, x->arg) == -1)
		x->failed = 1;
out:
	csv_fields_clear(x);
}

int
csvfile_read(struct csvfile *x, size_t max)
{
	struct csv_parser	 p;
	FILE			*f = NULL;
	char			*text = NULL;
	const char		*s, *end, *nl;
	size_t			 len = 0, n;
	enum hl_rc		 rd;
	int			 rc = -1, inited = 0, line = 0;

	if ((f = fopen(x->path, "rb")) == NULL) {
		why_at(x->why, x->whylen, x->path, 0, "%s", strerror(errno));
		goto out;
	}
	if ((rd = file_slurp(f, max, &text, &len)) != HL_OK) {
		why_at(x->why, x->whylen, x->path, 0, "%s", rd == HL_ERROR ?
		    "read error" : "file too large");
		goto out;
	}
	if (csv_init(&p, CSV_STRICT | CSV_STRICT_FINI) != 0)
		abort();
	inited = 1;
	csv_set_realloc_func(&p, xrealloc);
	s = text;
	end = text + len;
	if (len >= 3 && memcmp(s, "\xef\xbb\xbf", 3) == 0)
		s += 3;
	while (s < end && !x->failed) {
		line++;
		if ((nl = memchr(s, '\n', end - s)) == NULL)
			nl = end - 1;
		n = nl - s + 1;
		if (p.pstate == CSV_ROW_NOT_BEGUN) {
			x->recline = line;
			if (*s == '#') {
				s += n;
				continue;
			}
		}
		if (csv_parse(&p, s, n, csv_field_cb, csv_row_cb, x) != n) {
			if (!x->failed)
				why_at(x->why, x->whylen, x->path, line,
				    "bad quoting (a quote inside an unquoted "
				    "field, or text after a closing quote)");
			x->failed = 1;
		}
		s += n;
	}
	if (!x->failed && csv_fini(&p, csv_field_cb, csv_row_cb, x) != 0) {
		if (!x->failed)
			why_at(x->why, x->whylen, x->path, x->recline,
			    "quoted field not closed");
		x->failed = 1;
	}
	if (!x->failed && !x->header_done) {
		why_at(x->why, x->whylen, x->path, 0, "no header row");
		x->failed = 1;
	}
	if (!x->failed)
		rc = 0;
out:
	if (inited)
		csv_free(&p);
	csv_fields_clear(x);
	if (f != NULL)
		fclose(f);
	free(text);
	return (rc);
}
