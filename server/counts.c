/*
 * counts.c: the one rule of what a response or a ticket adds to the
 * counters (agg, its unit "" rollups, sums, desks), and a table that adds up
 * many records' counts by key.
 * Trap: the writer applies exactly these counts and verify compares the
 * stored counters with exactly these: a change here is a change of the
 * stored counters, which an older data directory then fails to verify
 * until its counters are rebuilt (a format upgrade, store.c).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "counts.h"
#include "util.h"

#define COUNTS_TABLE_INITIAL	4096

static int
counts_agg1(struct counts *c, uint32_t month, const char *sector,
    const char *unit, const char *q, uint8_t level)
{
	struct agg_key	 ak;

	memset(&ak, 0, sizeof(ak));
	ak.month = month;
	if (strlcpy(ak.sector, sector, sizeof(ak.sector)) >=
	    sizeof(ak.sector) ||
	    strlcpy(ak.unit, unit, sizeof(ak.unit)) >= sizeof(ak.unit) ||
	    strlcpy(ak.question, q, sizeof(ak.question)) >=
	    sizeof(ak.question) || c->nagg == COUNTS_AGG_MAX)
		return (-1);
	ak.level = level;
	if (record_agg_key(&ak, c->agg[c->nagg].k) == -1)
		return (-1);
	c->agg[c->nagg++].n = 1;
	return (0);
}

void
counts_stsum_value(const uint64_t *c, uint8_t out[STAGE_SUM_VAL_LEN])
{
	size_t	 i;

	out[0] = STAGE_SUM_VERSION;
	for (i = 0; i < STAGE_SUM_NCOUNTERS; i++)
		be64_put(out + 1 + 8 * i, c[i]);
}

int
counts_stsum_counters(const uint8_t *in, size_t len, uint64_t *c)
{
	size_t	 i;

	if (len != STAGE_SUM_VAL_LEN || in[0] != STAGE_SUM_VERSION)
		return (-1);
	for (i = 0; i < STAGE_SUM_NCOUNTERS; i++)
		c[i] = be64_get(in + 1 + 8 * i);
	return (0);
}

/* One stage_agg key of a response's aspect answer, its stage last. */
static int
counts_stage1(struct counts *c, const struct response *r, const char *sector,
    const char *unit, const char *q, uint8_t level, uint8_t stage)
{
	struct agg_key	 ak;

	memset(&ak, 0, sizeof(ak));
	ak.month = r->month;
	if (strlcpy(ak.sector, sector, sizeof(ak.sector)) >=
	    sizeof(ak.sector) ||
	    strlcpy(ak.unit, unit, sizeof(ak.unit)) >= sizeof(ak.unit) ||
	    strlcpy(ak.question, q, sizeof(ak.question)) >=
	    sizeof(ak.question) || c->nstage == COUNTS_STAGE_MAX)
		return (-1);
	ak.level = level;
	if (record_agg_key(&ak, c->stage[c->nstage].k) == -1)
		return (-1);
	c->stage[c->nstage].k[AGG_KEY_LEN] = stage;
	c->stage[c->nstage++].n = 1;
	return (0);
}

/* The stage_sums row of a response, when it has an overall answer. */
static int
counts_stsum1(struct counts *c, const struct response *r, const char *sector,
    uint8_t stage, const uint64_t *ds)
{
	size_t	 i;

	for (i = 0; i < STAGE_SUM_NCOUNTERS && ds[i] == 0; i++)
		;
	if (i == STAGE_SUM_NCOUNTERS)
		return (0);
	if (c->nstsum == COUNTS_STSUM_MAX ||
	    record_sum_key(r->month, r->unit, sector, c->stsum[0].k) == -1)
		return (-1);
	c->stsum[0].k[SUM_KEY_LEN] = stage;
	memcpy(c->stsum[0].c, ds, sizeof(c->stsum[0].c));
	c->nstsum = 1;
	return (0);
}

/* Adds the row (month, unit, sector) and, for a unit, (month, "",
 * sector). */
static int
counts_sum(struct counts *c, uint32_t month, const char *unit,
    const char *sector, const uint64_t *d)
{
	if (c->nsum + 2 > COUNTS_SUM_MAX ||
	    record_sum_key(month, unit, sector, c->sum[c->nsum].k) == -1)
		return (-1);
	memcpy(c->sum[c->nsum].c, d, sizeof(c->sum[0].c));
	c->nsum++;
	if (unit[0] == '\0')
		return (0);
	record_sum_key(month, "", sector, c->sum[c->nsum].k);
	memcpy(c->sum[c->nsum].c, d, sizeof(c->sum[0].c));
	c->nsum++;
	return (0);
}

void
counts_reset(struct counts *c)
{
	c->nagg = c->nsum = c->ndesk = c->nstage = c->nstsum = 0;
}

/* Adds d to the desks rows of ticket t: its counter's and its
 * officer's, in its issue month and receiving unit. */
static int
counts_desks(struct counts *c, const struct ticket *t, const uint64_t *d)
{
	struct store_desk	 k;

	memset(&k, 0, sizeof(k));
	if (c->ndesk + 2 > COUNTS_DESK_MAX ||
	    (k.month = month_of(t->issued)) == 0 ||
	    strlcpy(k.unit, t->unit, sizeof(k.unit)) >= sizeof(k.unit) ||
	    strlcpy(k.code, t->counter, sizeof(k.code)) >= sizeof(k.code))
		return (-1);
	k.kind = DESK_COUNTER;
	if (record_desk_key(&k, c->desk[c->ndesk].k) == -1)
		return (-1);
	memcpy(c->desk[c->ndesk].c, d, sizeof(c->desk[0].c));
	c->ndesk++;
	k.kind = DESK_OFFICER;
	if (strlcpy(k.code, t->officer, sizeof(k.code)) >= sizeof(k.code) ||
	    strlcpy(k.name, t->officer_name, sizeof(k.name)) >=
	    sizeof(k.name) ||
	    record_desk_key(&k, c->desk[c->ndesk].k) == -1)
		return (-1);
	memcpy(c->desk[c->ndesk].c, d, sizeof(c->desk[0].c));
	c->ndesk++;
	return (0);
}

int
counts_response(const struct response *r, const struct ticket *t,
    struct counts *c)
{
	const char	*sec = response_agg_sector(r);
	uint64_t	 d[SUM_NCOUNTERS], dd[DESK_NCOUNTERS];
	uint32_t	 month;
	size_t		 i;
	int		 overall = 0;
	uint64_t	 ds[STAGE_SUM_NCOUNTERS];
	uint8_t		 stage;

	counts_reset(c);
	if (r->channel >= CHANNEL_COUNT ||
	    r->nanswers > RESPONSE_ANSWERS_MAX)
		goto bad;
	if (t != NULL)
		stage = t->stage < STAGE_COUNT ? t->stage : STAGE_RETURNED;
	else
		stage = r->channel == CHANNEL_WALKIN ? STAGE_AGG_WALKIN :
		    STAGE_RETURNED;
	memset(d, 0, sizeof(d));
	memset(ds, 0, sizeof(ds));
	for (i = 0; i < r->nanswers; i++) {
		if (counts_agg1(c, r->month, sec, r->unit, r->answers[i].q,
		    r->answers[i].level) == -1)
			goto bad;
		/* An aspect question by stage, and in the rollup. */
		if (r->answers[i].q[0] != '_' &&
		    strcmp(r->answers[i].q, SURVEY_OVERALL) != 0 &&
		    (counts_stage1(c, r, sec, r->unit, r->answers[i].q,
		    r->answers[i].level, stage) == -1 ||
		    (r->unit[0] != '\0' && counts_stage1(c, r, sec, "",
		    r->answers[i].q, r->answers[i].level, stage) == -1)))
			goto bad;
		/* A response of unit "" is its own rollup: counted once. */
		if (r->unit[0] != '\0' && counts_agg1(c, r->month, sec, "",
		    r->answers[i].q, r->answers[i].level) == -1)
			goto bad;
		if (strcmp(r->answers[i].q, SURVEY_OVERALL) != 0 ||
		    r->answers[i].level < 1 ||
		    r->answers[i].level > SURVEY_LEVELS)
			continue;
		d[r->answers[i].level - 1]++;
		ds[r->answers[i].level - 1]++;
		overall = r->answers[i].level;
		/* Suspect ones apart too: figures can leave them out. */
		if ((r->flags & RESPONSE_SUSPECT) == 0)
			continue;
		d[SUM_SUSPECT_LEVEL + r->answers[i].level - 1]++;
		ds[SURVEY_LEVELS + r->answers[i].level - 1]++;
		if (counts_agg1(c, r->month, sec, r->unit,
		    AGG_SUSPECT_OVERALL, r->answers[i].level) == -1)
			goto bad;
		/* And in the rollup, as the answer's level is. */
		if (r->unit[0] != '\0' && counts_agg1(c, r->month, sec, "",
		    AGG_SUSPECT_OVERALL, r->answers[i].level) == -1)
			goto bad;
	}
	if (counts_agg1(c, r->month, sec, r->unit, AGG_CHANNEL,
	    (uint8_t)(r->channel + 1)) == -1)
		goto bad;
	d[SUM_CHANNEL + r->channel]++;
	if (r->flags & RESPONSE_SUSPECT) {
		if (counts_agg1(c, r->month, sec, r->unit, AGG_SUSPECT,
		    0) == -1)
			goto bad;
		d[SUM_SUSPECT]++;
	}
	if (counts_sum(c, r->month, r->unit, sec, d) == -1 ||
	    counts_stsum1(c, r, sec, stage, ds) == -1)
		goto bad;
	if (t == NULL)
		return (0);
	/* The answer in its ticket's rows: where issued counted it. */
	if ((month = month_of(t->issued)) == 0)
		goto bad;
	memset(d, 0, sizeof(d));
	d[SUM_ANSWERED] = 1;
	if (counts_sum(c, month, ticket_count_unit(t), t->sector, d) == -1)
		goto bad;
	/* Its counter's and officer's rows: suspect answers apart. */
	memset(dd, 0, sizeof(dd));
	dd[DESK_ANSWERED] = 1;
	if (r->flags & RESPONSE_SUSPECT)
		dd[DESK_SUSPECT] = 1;
	else if (overall > 0)
		dd[DESK_LEVEL + overall - 1] = 1;
	if (counts_desks(c, t, dd) == -1)
		goto bad;
	return (0);
bad:
	counts_reset(c);
	return (-1);
}

int
counts_ticket(const struct ticket *t, struct counts *c)
{
	uint64_t	 d[SUM_NCOUNTERS], dd[DESK_NCOUNTERS];
	uint32_t	 month;

	counts_reset(c);
	if ((month = month_of(t->issued)) == 0 ||
	    counts_agg1(c, month, t->sector, ticket_count_unit(t), AGG_ISSUED,
	    0) == -1)
		goto bad;
	memset(d, 0, sizeof(d));
	d[SUM_ISSUED] = 1;
	if (counts_sum(c, month, ticket_count_unit(t), t->sector, d) == -1)
		goto bad;
	memset(dd, 0, sizeof(dd));
	dd[DESK_ISSUED] = 1;
	if (counts_desks(c, t, dd) == -1)
		goto bad;
	return (0);
bad:
	counts_reset(c);
	return (-1);
}

static int
counts_agg_cmp(const void *a, const void *b)
{
	return (memcmp(((const struct counts_agg *)a)->k,
	    ((const struct counts_agg *)b)->k, AGG_KEY_LEN));
}

static int
counts_sum_cmp(const void *a, const void *b)
{
	return (memcmp(((const struct counts_sum *)a)->k,
	    ((const struct counts_sum *)b)->k, SUM_KEY_LEN));
}

static int
counts_desk_cmp(const void *a, const void *b)
{
	return (memcmp(((const struct counts_desk *)a)->k,
	    ((const struct counts_desk *)b)->k, DESK_KEY_LEN));
}

static void
counts_merge_agg(struct counts_table *tb)
{
	size_t	 i, j;

	if (tb->nagg == 0)
		return;
	qsort(tb->agg, tb->nagg, sizeof(*tb->agg), counts_agg_cmp);
	for (i = 1, j = 0; i < tb->nagg; i++) {
		if (memcmp(tb->agg[i].k, tb->agg[j].k, AGG_KEY_LEN) == 0)
			tb->agg[j].n += tb->agg[i].n;
		else
			tb->agg[++j] = tb->agg[i];
	}
	tb->nagg = j + 1;
}

static void
counts_merge_sum(struct counts_table *tb)
{
	size_t	 i, j, k;

	if (tb->nsum == 0)
		return;
	qsort(tb->sum, tb->nsum, sizeof(*tb->sum), counts_sum_cmp);
	for (i = 1, j = 0; i < tb->nsum; i++) {
		if (memcmp(tb->sum[i].k, tb->sum[j].k, SUM_KEY_LEN) == 0)
			for (k = 0; k < SUM_NCOUNTERS; k++)
				tb->sum[j].c[k] += tb->sum[i].c[k];
		else
			tb->sum[++j] = tb->sum[i];
	}
	tb->nsum = j + 1;
}

static int
counts_stage_cmp(const void *a, const void *b)
{
	return (memcmp(((const struct counts_stage *)a)->k,
	    ((const struct counts_stage *)b)->k, STAGE_AGG_KEY_LEN));
}

static void
counts_merge_stage(struct counts_table *tb)
{
	size_t	 i, j;

	if (tb->nstage == 0)
		return;
	qsort(tb->stage, tb->nstage, sizeof(*tb->stage), counts_stage_cmp);
	for (i = 1, j = 0; i < tb->nstage; i++) {
		if (memcmp(tb->stage[i].k, tb->stage[j].k,
		    STAGE_AGG_KEY_LEN) == 0)
			tb->stage[j].n += tb->stage[i].n;
		else
			tb->stage[++j] = tb->stage[i];
	}
	tb->nstage = j + 1;
}

static int
counts_stsum_cmp(const void *a, const void *b)
{
	return (memcmp(((const struct counts_stsum *)a)->k,
	    ((const struct counts_stsum *)b)->k, STAGE_SUM_KEY_LEN));
}

static void
counts_merge_stsum(struct counts_table *tb)
{
	size_t	 i, j, k;

	if (tb->nstsum == 0)
		return;
	qsort(tb->stsum, tb->nstsum, sizeof(*tb->stsum), counts_stsum_cmp);
	for (i = 1, j = 0; i < tb->nstsum; i++) {
		if (memcmp(tb->stsum[i].k, tb->stsum[j].k,
		    STAGE_SUM_KEY_LEN) == 0)
			for (k = 0; k < STAGE_SUM_NCOUNTERS; k++)
				tb->stsum[j].c[k] += tb->stsum[i].c[k];
		else
			tb->stsum[++j] = tb->stsum[i];
	}
	tb->nstsum = j + 1;
}

static void
counts_merge_desk(struct counts_table *tb)
{
	size_t	 i, j, k;

	if (tb->ndesk == 0)
		return;
	qsort(tb->desk, tb->ndesk, sizeof(*tb->desk), counts_desk_cmp);
	for (i = 1, j = 0; i < tb->ndesk; i++) {
		if (memcmp(tb->desk[i].k, tb->desk[j].k, DESK_KEY_LEN) == 0)
			for (k = 0; k < DESK_NCOUNTERS; k++)
				tb->desk[j].c[k] += tb->desk[i].c[k];
		else
			tb->desk[++j] = tb->desk[i];
	}
	tb->ndesk = j + 1;
}

void
counts_table_add(struct counts_table *tb, const struct counts *c)
{
	size_t	 i;

	for (i = 0; i < c->nagg; i++) {
		if (tb->nagg == tb->capagg) {
			counts_merge_agg(tb);
			if (tb->capagg == 0 || tb->nagg > tb->capagg / 2) {
				tb->capagg = tb->capagg == 0 ?
				    COUNTS_TABLE_INITIAL : tb->capagg * 2;
				tb->agg = xrealloc(tb->agg,
				    tb->capagg * sizeof(*tb->agg));
			}
		}
		tb->agg[tb->nagg++] = c->agg[i];
	}
	for (i = 0; i < c->nsum; i++) {
		if (tb->nsum == tb->capsum) {
			counts_merge_sum(tb);
			if (tb->capsum == 0 || tb->nsum > tb->capsum / 2) {
				tb->capsum = tb->capsum == 0 ?
				    COUNTS_TABLE_INITIAL : tb->capsum * 2;
				tb->sum = xrealloc(tb->sum,
				    tb->capsum * sizeof(*tb->sum));
			}
		}
		tb->sum[tb->nsum++] = c->sum[i];
	}
	for (i = 0; i < c->ndesk; i++) {
		if (tb->ndesk == tb->capdesk) {
			counts_merge_desk(tb);
			if (tb->capdesk == 0 || tb->ndesk > tb->capdesk / 2) {
				tb->capdesk = tb->capdesk == 0 ?
				    COUNTS_TABLE_INITIAL : tb->capdesk * 2;
				tb->desk = xrealloc(tb->desk,
				    tb->capdesk * sizeof(*tb->desk));
			}
		}
		tb->desk[tb->ndesk++] = c->desk[i];
	}
	for (i = 0; i < c->nstage; i++) {
		if (tb->nstage == tb->capstage) {
			counts_merge_stage(tb);
			if (tb->capstage == 0 ||
			    tb->nstage > tb->capstage / 2) {
				tb->capstage = tb->capstage == 0 ?
				    COUNTS_TABLE_INITIAL : tb->capstage * 2;
				tb->stage = xrealloc(tb->stage,
				    tb->capstage * sizeof(*tb->stage));
			}
		}
		tb->stage[tb->nstage++] = c->stage[i];
	}
	for (i = 0; i < c->nstsum; i++) {
		if (tb->nstsum == tb->capstsum) {
			counts_merge_stsum(tb);
			if (tb->capstsum == 0 ||
			    tb->nstsum > tb->capstsum / 2) {
				tb->capstsum = tb->capstsum == 0 ?
				    COUNTS_TABLE_INITIAL : tb->capstsum * 2;
				tb->stsum = xrealloc(tb->stsum,
				    tb->capstsum * sizeof(*tb->stsum));
			}
		}
		tb->stsum[tb->nstsum++] = c->stsum[i];
	}
}

void
counts_table_merge(struct counts_table *tb)
{
	counts_merge_agg(tb);
	counts_merge_sum(tb);
	counts_merge_desk(tb);
	counts_merge_stage(tb);
	counts_merge_stsum(tb);
}

void
counts_table_reset(struct counts_table *tb)
{
	tb->nagg = tb->nsum = tb->ndesk = tb->nstage = tb->nstsum = 0;
}

void
counts_table_clear(struct counts_table *tb)
{
	free(tb->agg);
	free(tb->sum);
	free(tb->desk);
	free(tb->stage);
	free(tb->stsum);
	memset(tb, 0, sizeof(*tb));
}
