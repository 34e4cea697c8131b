/*
 * store.c: the LMDB environment of the data directory (schema/STORAGE.md),
 * the record encodings, every read, and the consistency check.
 * Trap: values returned by LMDB live only until their transaction ends,
 * so every read decodes (copies) before the abort; and every transaction
 * holds st->lock shared because a map resize unmaps under open readers.
 */
#include <sys/stat.h>
#include <sys/types.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base32.h"
#include "crypto.h"
#include "store.h"
#include "store_priv.h"
#include "util.h"

/* The map size a new environment starts with (store_set_initial_map). */
static size_t	 store_initial_map = STORE_MAPSIZE_INITIAL;

#define ENC_VERSION	1
#define APIKEY_VERSION	3	/* 1 had no counter, 2 no kiosk report */
#define VERIFY_INITIAL	4096

/* The typed code ends inside byte CODE_BITS / 8 of the id. */
_Static_assert(CODE_BITS % 8 != 0 && CODE_BITS / 8 < CODE_PREFIX_LEN,
    "code prefix layout");

/* Sequential encoder; bad is set once anything does not fit. */
struct enc {
	uint8_t	*p;
	size_t	 len;
	size_t	 off;
	int	 bad;
};

/* Sequential decoder over untrusted bytes; bad once past the end. */
struct dec {
	const uint8_t	*p;
	size_t		 len;
	size_t		 off;
	int		 bad;
};

static void
enc_bytes(struct enc *e, const void *b, size_t n)
{
	if (e->bad || n > e->len - e->off) {
		e->bad = 1;
		return;
	}
	memcpy(e->p + e->off, b, n);
	e->off += n;
}

static void
enc_u8(struct enc *e, uint8_t v)
{
	enc_bytes(e, &v, 1);
}

static void
enc_u16(struct enc *e, uint16_t v)
{
	uint8_t	 b[2] = { (uint8_t)(v >> 8), (uint8_t)v };

	enc_bytes(e, b, 2);
}

static void
enc_u32(struct enc *e, uint32_t v)
{
	uint8_t	 b[4];

	be32_put(b, v);
	enc_bytes(e, b, 4);
}

static void
enc_u64(struct enc *e, uint64_t v)
{
	uint8_t	 b[8];

	be64_put(b, v);
	enc_bytes(e, b, 8);
}

/* A string of at most max (<= 255) bytes, length first. */
static void
enc_str(struct enc *e, const char *s, size_t max)
{
	size_t	 n = strnlen(s, max + 1);

	if (n > max) {
		e->bad = 1;
		return;
	}
	enc_u8(e, (uint8_t)n);
	enc_bytes(e, s, n);
}

static const uint8_t *
dec_bytes(struct dec *d, size_t n)
{
	const uint8_t	*p;

	if (d->bad || n > d->len - d->off) {
		d->bad = 1;
		return (NULL);
	}
	p = d->p + d->off;
	d->off += n;
	return (p);
}

static uint8_t
dec_u8(struct dec *d)
{
	const uint8_t	*p = dec_bytes(d, 1);

	return (p == NULL ? 0 : p[0]);
}

static uint16_t
dec_u16(struct dec *d)
{
	const uint8_t	*p = dec_bytes(d, 2);

	return (p == NULL ? 0 : (uint16_t)(p[0] << 8 | p[1]));
}

static uint32_t
dec_u32(struct dec *d)
{
	const uint8_t	*p = dec_bytes(d, 4);

	return (p == NULL ? 0 : be32_get(p));
}

static uint64_t
dec_u64(struct dec *d)
{
	const uint8_t	*p = dec_bytes(d, 8);

	return (p == NULL ? 0 : be64_get(p));
}

/* n bytes into out[n + 1], NUL-terminated; a NUL inside is malformed. */
static void
dec_text(struct dec *d, char *out, size_t n)
{
	const uint8_t	*p;

	out[0] = '\0';
	if ((p = dec_bytes(d, n)) == NULL)
		return;
	if (memchr(p, '\0', n) != NULL) {
		d->bad = 1;
		return;
	}
	memcpy(out, p, n);
	out[n] = '\0';
}

/* A length-prefixed string into out[max + 1]. */
static void
dec_str(struct dec *d, char *out, size_t max)
{
	size_t	 n = dec_u8(d);

	out[0] = '\0';
	if (n > max) {
		d->bad = 1;
		return;
	}
	dec_text(d, out, n);
}

/* Fixed slot of len bytes, NUL-padded, into out[len + 1]. */
static void
slot_put(uint8_t *p, size_t len, const char *s)
{
	size_t	 n = strnlen(s, len);

	memset(p, 0, len);
	memcpy(p, s, n);
}

static int
slot_get(const uint8_t *p, size_t len, char *out, int need_nul)
{
	size_t	 n;
	const uint8_t *z;

	z = memchr(p, '\0', len);
	if (z == NULL && need_nul)
		return (-1);
	n = z == NULL ? len : (size_t)(z - p);
	memcpy(out, p, n);
	out[n] = '\0';
	/* Padding after the string must be all NUL. */
	for (; n < len; n++)
		if (p[n] != '\0')
			return (-1);
	return (0);
}

size_t
ticket_encode(const struct ticket *t, uint8_t *out, size_t outlen)
{
	struct enc	 e = { out, outlen, 0, 0 };

	if (t->state > TICKET_VOID)
		return (0);
	enc_u8(&e, ENC_VERSION);
	enc_bytes(&e, t->id, TICKET_ID_LEN);
	enc_u8(&e, t->kid);
	enc_u8(&e, t->state);
	enc_u64(&e, (uint64_t)t->issued);
	enc_u64(&e, (uint64_t)t->expires);
	enc_u64(&e, t->response);
	enc_str(&e, t->procedure, PROC_CODE_MAX);
	enc_str(&e, t->sector, SECTOR_CODE_MAX);
	enc_str(&e, t->unit, UNIT_CODE_MAX);
	enc_str(&e, t->handling_unit, UNIT_CODE_MAX);
	enc_str(&e, t->counter, COUNTER_MAX);
	return (e.bad ? 0 : e.off);
}

int
ticket_decode(const uint8_t *in, size_t len, struct ticket *t)
{
	struct dec	 d = { in, len, 0, 0 };
	const uint8_t	*id;

	memset(t, 0, sizeof(*t));
	if (dec_u8(&d) != ENC_VERSION)
		return (-1);
	if ((id = dec_bytes(&d, TICKET_ID_LEN)) != NULL)
		memcpy(t->id, id, TICKET_ID_LEN);
	t->kid = dec_u8(&d);
	t->state = dec_u8(&d);
	t->issued = (int64_t)dec_u64(&d);
	t->expires = (int64_t)dec_u64(&d);
	t->response = dec_u64(&d);
	dec_str(&d, t->procedure, PROC_CODE_MAX);
	dec_str(&d, t->sector, SECTOR_CODE_MAX);
	dec_str(&d, t->unit, UNIT_CODE_MAX);
	dec_str(&d, t->handling_unit, UNIT_CODE_MAX);
	dec_str(&d, t->counter, COUNTER_MAX);
	if (d.bad || d.off != len || t->state > TICKET_VOID) {
		memset(t, 0, sizeof(*t));
		return (-1);
	}
	return (0);
}

size_t
response_encode(const struct response *r, uint8_t *out, size_t outlen)
{
	struct enc	 e = { out, outlen, 0, 0 };
	size_t		 i;

	if (r->channel >= CHANNEL_COUNT || r->nanswers > RESPONSE_ANSWERS_MAX ||
	    r->comment_len > COMMENT_BYTES_MAX)
		return (0);
	enc_u8(&e, ENC_VERSION);
	enc_u64(&e, r->key);
	enc_u64(&e, (uint64_t)r->answered);
	enc_u32(&e, r->month);
	enc_u8(&e, r->channel);
	enc_u8(&e, r->flags);
	enc_u8(&e, r->has_ticket ? 1 : 0);
	enc_bytes(&e, r->ticket, TICKET_ID_LEN);
	enc_str(&e, r->procedure, PROC_CODE_MAX);
	enc_str(&e, r->sector, SECTOR_CODE_MAX);
	enc_str(&e, r->unit, UNIT_CODE_MAX);
	enc_str(&e, r->survey, SURVEY_ID_MAX);
	enc_u32(&e, r->survey_version);
	enc_str(&e, r->lang, LANG_CODE_MAX);
	enc_u8(&e, (uint8_t)r->nanswers);
	for (i = 0; i < r->nanswers; i++) {
		enc_str(&e, r->answers[i].q, QUESTION_ID_MAX);
		enc_u8(&e, r->answers[i].level);
	}
	enc_u16(&e, (uint16_t)r->comment_len);
	if (memchr(r->comment, '\0', r->comment_len) != NULL)
		return (0);
	enc_bytes(&e, r->comment, r->comment_len);
	return (e.bad ? 0 : e.off);
}

int
response_decode(const uint8_t *in, size_t len, struct response *r)
{
	struct dec	 d = { in, len, 0, 0 };
	const uint8_t	*id;
	size_t		 i;

	memset(r, 0, sizeof(*r));
	if (dec_u8(&d) != ENC_VERSION)
		goto bad;
	r->key = dec_u64(&d);
	r->answered = (int64_t)dec_u64(&d);
	r->month = dec_u32(&d);
	r->channel = dec_u8(&d);
	r->flags = dec_u8(&d);
	r->has_ticket = dec_u8(&d);
	if ((id = dec_bytes(&d, TICKET_ID_LEN)) != NULL)
		memcpy(r->ticket, id, TICKET_ID_LEN);
	dec_str(&d, r->procedure, PROC_CODE_MAX);
	dec_str(&d, r->sector, SECTOR_CODE_MAX);
	dec_str(&d, r->unit, UNIT_CODE_MAX);
	dec_str(&d, r->survey, SURVEY_ID_MAX);
	r->survey_version = dec_u32(&d);
	dec_str(&d, r->lang, LANG_CODE_MAX);
	r->nanswers = dec_u8(&d);
	if (d.bad || r->channel >= CHANNEL_COUNT || r->has_ticket > 1 ||
	    r->nanswers > RESPONSE_ANSWERS_MAX)
		goto bad;
	for (i = 0; i < r->nanswers && !d.bad; i++) {
		dec_str(&d, r->answers[i].q, QUESTION_ID_MAX);
		r->answers[i].level = dec_u8(&d);
	}
	r->comment_len = dec_u16(&d);
	if (d.bad || r->comment_len > COMMENT_BYTES_MAX)
		goto bad;
	dec_text(&d, r->comment, r->comment_len);
	if (d.bad || d.off != len)
		goto bad;
	return (0);
bad:
	memset(r, 0, sizeof(*r));
	return (-1);
}

size_t
apikey_encode(const struct apikey *k, uint8_t *out, size_t outlen)
{
	struct enc	 e = { out, outlen, 0, 0 };

	enc_u8(&e, APIKEY_VERSION);
	enc_u8(&e, k->role);
	enc_u64(&e, (uint64_t)k->created);
	enc_str(&e, k->name, KEY_NAME_MAX);
	enc_str(&e, k->unit, UNIT_CODE_MAX);
	enc_str(&e, k->counter, COUNTER_MAX);
	enc_u64(&e, (uint64_t)k->status_at);
	enc_u32(&e, k->queued);
	enc_u32(&e, k->refused);
	enc_u32(&e, k->held);
	return (e.bad ? 0 : e.off);
}

int
apikey_decode(const uint8_t *in, size_t len, struct apikey *k)
{
	struct dec	 d = { in, len, 0, 0 };
	uint8_t		 version;

	memset(k, 0, sizeof(*k));
	version = dec_u8(&d);
	if (version < 1 || version > APIKEY_VERSION)
		return (-1);
	k->role = dec_u8(&d);
	k->created = (int64_t)dec_u64(&d);
	dec_str(&d, k->name, KEY_NAME_MAX);
	dec_str(&d, k->unit, UNIT_CODE_MAX);
	if (version >= 2)
		dec_str(&d, k->counter, COUNTER_MAX);
	if (version >= 3) {
		k->status_at = (int64_t)dec_u64(&d);
		k->queued = dec_u32(&d);
		k->refused = dec_u32(&d);
		k->held = dec_u32(&d);
	}
	if (d.bad || d.off != len) {
		memset(k, 0, sizeof(*k));
		return (-1);
	}
	return (0);
}

size_t
enrol_encode(const struct enrol *en, uint8_t *out, size_t outlen)
{
	struct enc	 e = { out, outlen, 0, 0 };

	enc_u8(&e, ENC_VERSION);
	enc_u64(&e, (uint64_t)en->created);
	enc_u64(&e, (uint64_t)en->expires);
	enc_str(&e, en->name, KEY_NAME_MAX);
	enc_str(&e, en->unit, UNIT_CODE_MAX);
	enc_str(&e, en->counter, COUNTER_MAX);
	return (e.bad ? 0 : e.off);
}

/* The hash is the record's key: the caller sets it. */
int
enrol_decode(const uint8_t *in, size_t len, struct enrol *en)
{
	struct dec	 d = { in, len, 0, 0 };

	memset(en, 0, sizeof(*en));
	if (dec_u8(&d) != ENC_VERSION)
		return (-1);
	en->created = (int64_t)dec_u64(&d);
	en->expires = (int64_t)dec_u64(&d);
	dec_str(&d, en->name, KEY_NAME_MAX);
	dec_str(&d, en->unit, UNIT_CODE_MAX);
	dec_str(&d, en->counter, COUNTER_MAX);
	if (d.bad || d.off != len) {
		memset(en, 0, sizeof(*en));
		return (-1);
	}
	return (0);
}

size_t
idem_encode(const struct idem *im, uint8_t *out, size_t outlen)
{
	struct enc	 e = { out, outlen, 0, 0 };

	if (im->channel >= CHANNEL_COUNT)
		return (0);
	enc_u8(&e, ENC_VERSION);
	enc_u64(&e, (uint64_t)im->created);
	enc_u64(&e, im->response);
	enc_u8(&e, im->channel);
	enc_u8(&e, im->flags);
	return (e.bad ? 0 : e.off);
}

int
idem_decode(const uint8_t *in, size_t len, struct idem *im)
{
	struct dec	 d = { in, len, 0, 0 };

	memset(im, 0, sizeof(*im));
	if (dec_u8(&d) != ENC_VERSION)
		return (-1);
	im->created = (int64_t)dec_u64(&d);
	im->response = dec_u64(&d);
	im->channel = dec_u8(&d);
	im->flags = dec_u8(&d);
	if (d.bad || d.off != len || im->channel >= CHANNEL_COUNT) {
		memset(im, 0, sizeof(*im));
		return (-1);
	}
	return (0);
}

int
enrol_code_hash(const char *s, size_t len, uint8_t out[32])
{
	char		 canon[ENROL_CODE_CHARS];
	size_t		 i, n = 0;
	int		 c, v;

	if (len > 2 * ENROL_CODE_LEN)
		return (-1);
	for (i = 0; i < len; i++) {
		c = (unsigned char)s[i];
		if (c == '-' || c == ' ')
			continue;
		if ((v = b32_val((unsigned char)c)) == -1 ||
		    n == ENROL_CODE_CHARS)
			return (-1);
		canon[n++] = b32_sym(v);
	}
	if (n != ENROL_CODE_CHARS)
		return (-1);
	crypto_sha256(canon, n, out);
	return (0);
}

void
enrol_code_new(char out[ENROL_CODE_LEN + 1])
{
	uint8_t	 raw[ENROL_CODE_CHARS];
	size_t	 i, j = 0;

	crypto_random(raw, sizeof(raw));
	for (i = 0; i < ENROL_CODE_CHARS; i++) {
		if (i == ENROL_CODE_CHARS / 2)
			out[j++] = '-';
		out[j++] = b32_sym(raw[i]);
	}
	out[j] = '\0';
	crypto_zero(raw, sizeof(raw));
}

void
idem_hash(const uint8_t keyhash[32], const char *idem, size_t len,
    uint8_t out[32])
{
	uint8_t	 b[32 + 256];

	if (len > sizeof(b) - 32)
		len = sizeof(b) - 32;
	memcpy(b, keyhash, 32);
	memcpy(b + 32, idem, len);
	crypto_sha256(b, 32 + len, out);
}

void
store_case_key(const char *unit, const uint8_t hash[32],
    uint8_t out[CASE_KEY_LEN])
{
	slot_put(out, UNIT_CODE_MAX, unit);
	memcpy(out + UNIT_CODE_MAX, hash, 32);
}

int
store_agg_key(const struct agg_key *k, uint8_t out[AGG_KEY_LEN])
{
	uint8_t	*p = out;

	if (strnlen(k->sector, SECTOR_CODE_MAX + 1) > SECTOR_CODE_MAX ||
	    strnlen(k->unit, UNIT_CODE_MAX + 1) > UNIT_CODE_MAX ||
	    strnlen(k->question, QUESTION_ID_MAX + 1) > QUESTION_ID_MAX)
		return (-1);
	be32_put(p, k->month);
	p += 4;
	slot_put(p, SECTOR_CODE_MAX + 1, k->sector);
	p += SECTOR_CODE_MAX + 1;
	slot_put(p, UNIT_CODE_MAX + 1, k->unit);
	p += UNIT_CODE_MAX + 1;
	slot_put(p, QUESTION_ID_MAX + 1, k->question);
	p += QUESTION_ID_MAX + 1;
	*p = k->level;
	return (0);
}

int
store_agg_key_decode(const uint8_t *p, size_t len, struct agg_key *k)
{
	memset(k, 0, sizeof(*k));
	if (len != AGG_KEY_LEN)
		return (-1);
	k->month = be32_get(p);
	p += 4;
	if (slot_get(p, SECTOR_CODE_MAX + 1, k->sector, 1) == -1)
		return (-1);
	p += SECTOR_CODE_MAX + 1;
	if (slot_get(p, UNIT_CODE_MAX + 1, k->unit, 1) == -1)
		return (-1);
	p += UNIT_CODE_MAX + 1;
	if (slot_get(p, QUESTION_ID_MAX + 1, k->question, 1) == -1)
		return (-1);
	p += QUESTION_ID_MAX + 1;
	k->level = *p;
	return (0);
}

int
store_sum_key(uint32_t month, const char *unit, const char *sector,
    uint8_t out[SUM_KEY_LEN])
{
	if (strnlen(unit, UNIT_CODE_MAX + 1) > UNIT_CODE_MAX ||
	    strnlen(sector, SECTOR_CODE_MAX + 1) > SECTOR_CODE_MAX)
		return (-1);
	be32_put(out, month);
	slot_put(out + 4, UNIT_CODE_MAX + 1, unit);
	slot_put(out + 4 + UNIT_CODE_MAX + 1, SECTOR_CODE_MAX + 1, sector);
	return (0);
}

/* A sums record (key and value) to s; -1 when malformed. */
static int
sum_decode(const MDB_val *k, const MDB_val *v, struct store_sum *s)
{
	const uint8_t	*p = v->mv_data;
	uint64_t	 c[SUM_NCOUNTERS];
	size_t		 i;

	memset(s, 0, sizeof(*s));
	if (k->mv_size != SUM_KEY_LEN || v->mv_size != SUM_VAL_LEN ||
	    p[0] != SUM_VERSION)
		return (-1);
	s->month = be32_get(k->mv_data);
	if (slot_get((const uint8_t *)k->mv_data + 4, UNIT_CODE_MAX + 1,
	    s->unit, 1) == -1 ||
	    slot_get((const uint8_t *)k->mv_data + 4 + UNIT_CODE_MAX + 1,
	    SECTOR_CODE_MAX + 1, s->sector, 1) == -1)
		return (-1);
	for (i = 0; i < SUM_NCOUNTERS; i++)
		c[i] = be64_get(p + 1 + 8 * i);
	for (i = 0; i < SURVEY_LEVELS; i++)
		s->levels[i] = c[i];
	s->issued = c[SUM_ISSUED];
	for (i = 0; i < CHANNEL_COUNT; i++)
		s->channels[i] = c[SUM_CHANNEL + i];
	s->suspect = c[SUM_SUSPECT];
	return (0);
}

/* Adds d to the sums record of key kb. */
static int
sum_add(struct store *st, MDB_txn *txn, uint8_t kb[SUM_KEY_LEN],
    const uint64_t *d)
{
	MDB_val		 k = { SUM_KEY_LEN, kb }, v;
	uint8_t		 vb[SUM_VAL_LEN];
	size_t		 i;
	int		 rc;

	memset(vb, 0, sizeof(vb));
	rc = mdb_get(txn, st->sums, &k, &v);
	if (rc == 0) {
		if (v.mv_size != SUM_VAL_LEN ||
		    ((const uint8_t *)v.mv_data)[0] != SUM_VERSION)
			return (MDB_CORRUPTED);
		memcpy(vb, v.mv_data, SUM_VAL_LEN);
	} else if (rc != MDB_NOTFOUND)
		return (rc);
	vb[0] = SUM_VERSION;
	for (i = 0; i < SUM_NCOUNTERS; i++)
		if (d[i] != 0)
			be64_put(vb + 1 + 8 * i, be64_get(vb + 1 + 8 * i) +
			    d[i]);
	v.mv_data = vb;
	v.mv_size = SUM_VAL_LEN;
	return (mdb_put(txn, st->sums, &k, &v, 0));
}

int
store_sum_bump(struct store *st, MDB_txn *txn, uint32_t month,
    const char *unit, const char *sector, const uint64_t *d)
{
	uint8_t	 kb[SUM_KEY_LEN];
	int	 rc;

	if (store_sum_key(month, unit, sector, kb) == -1)
		return (EINVAL);
	if ((rc = sum_add(st, txn, kb, d)) != 0 || unit[0] == '\0')
		return (rc);
	store_sum_key(month, "", sector, kb);
	return (sum_add(st, txn, kb, d));
}

const char *
response_agg_sector(const struct response *r)
{
	return (r->channel == CHANNEL_WALKIN ? AGG_WALKIN : r->sector);
}

int
store_count_response(const struct response *r, const struct count_sink *k)
{
	const char	*sec = response_agg_sector(r);
	uint64_t	 d[SUM_NCOUNTERS];
	size_t		 i;
	int		 rc;

	if (r->channel >= CHANNEL_COUNT)
		return (EINVAL);
	memset(d, 0, sizeof(d));
	for (i = 0; i < r->nanswers; i++) {
		if ((rc = k->agg(k->arg, r->month, sec, r->unit,
		    r->answers[i].q, r->answers[i].level)) != 0)
			return (rc);
		/* A response of unit "" is its own rollup: counted once. */
		if (r->unit[0] != '\0' && (rc = k->agg(k->arg, r->month, sec,
		    "", r->answers[i].q, r->answers[i].level)) != 0)
			return (rc);
		if (strcmp(r->answers[i].q, SURVEY_OVERALL) == 0 &&
		    r->answers[i].level >= 1 &&
		    r->answers[i].level <= SURVEY_LEVELS)
			d[r->answers[i].level - 1]++;
	}
	if ((rc = k->agg(k->arg, r->month, sec, r->unit, AGG_CHANNEL,
	    (uint8_t)(r->channel + 1))) != 0)
		return (rc);
	d[SUM_CHANNEL + r->channel]++;
	if (r->flags & RESPONSE_SUSPECT) {
		if ((rc = k->agg(k->arg, r->month, sec, r->unit, AGG_SUSPECT,
		    0)) != 0)
			return (rc);
		d[SUM_SUSPECT]++;
	}
	return (k->sum(k->arg, r->month, r->unit, sec, d));
}

int
store_count_ticket(const struct ticket *t, const struct count_sink *k)
{
	uint64_t	 d[SUM_NCOUNTERS];
	uint32_t	 month;
	int		 rc;

	if ((month = month_of(t->issued)) == 0)
		return (EINVAL);
	if ((rc = k->agg(k->arg, month, t->sector, ticket_count_unit(t),
	    AGG_ISSUED, 0)) != 0)
		return (rc);
	memset(d, 0, sizeof(d));
	d[SUM_ISSUED] = 1;
	return (k->sum(k->arg, month, ticket_count_unit(t), t->sector, d));
}

struct store_snap {
	struct store	*st;
	MDB_txn		*txn;
};

int
store_snap_begin(struct store *st, struct store_snap **sp)
{
	struct store_snap	*s;

	s = xcalloc(1, sizeof(*s));
	s->st = st;
	if (store_txn_begin(st, MDB_RDONLY, &s->txn) != 0) {
		free(s);
		*sp = NULL;
		return (-1);
	}
	*sp = s;
	return (0);
}

void
store_snap_end(struct store_snap *s)
{
	if (s == NULL)
		return;
	store_txn_abort(s->st, s->txn);
	free(s);
}

/* The snapshot's transaction, or a new one (*own set). */
static int
snap_txn(struct store *st, struct store_snap *snap, MDB_txn **txn, int *own)
{
	*own = snap == NULL;
	if (snap != NULL) {
		*txn = snap->txn;
		return (0);
	}
	return (store_txn_begin(st, MDB_RDONLY, txn));
}

int
store_each_sum(struct store *st, struct store_snap *snap, uint32_t from,
    uint32_t to, const char *unit,
    int (*fn)(const struct store_sum *, void *), void *arg)
{
	MDB_txn		*txn = NULL;
	MDB_cursor	*c = NULL;
	struct store_sum s;
	uint8_t		 kb[SUM_KEY_LEN], want[UNIT_CODE_MAX + 1];
	MDB_val		 k, v;
	uint32_t	 month = from;
	int		 rc, own = 1, ret = -1;

	if (unit != NULL && strnlen(unit, UNIT_CODE_MAX + 1) > UNIT_CODE_MAX)
		return (0);	/* no such unit is stored */
	if (unit != NULL)
		slot_put(want, UNIT_CODE_MAX + 1, unit);
	if (snap_txn(st, snap, &txn, &own) != 0) {
		txn = NULL;
		goto out;
	}
	if (mdb_cursor_open(txn, st->sums, &c) != 0)
		goto out;
	if (unit == NULL) {
		be32_put(kb, from);
		k.mv_data = kb;
		k.mv_size = 4;
		for (rc = mdb_cursor_get(c, &k, &v, MDB_SET_RANGE); rc == 0;
		    rc = mdb_cursor_get(c, &k, &v, MDB_NEXT)) {
			if (sum_decode(&k, &v, &s) == -1)
				goto out;
			if (s.month > to)
				break;
			if ((rc = fn(&s, arg)) != 0) {
				ret = rc;
				goto out;
			}
		}
		if (rc != 0 && rc != MDB_NOTFOUND)
			goto out;
		ret = 0;
		goto out;
	}
	/* One unit: seek its rows in each month present. */
	for (;;) {
		be32_put(kb, month);
		memcpy(kb + 4, want, UNIT_CODE_MAX + 1);
		memset(kb + 4 + UNIT_CODE_MAX + 1, 0, SECTOR_CODE_MAX + 1);
		k.mv_data = kb;
		k.mv_size = SUM_KEY_LEN;
		for (rc = mdb_cursor_get(c, &k, &v, MDB_SET_RANGE); rc == 0;
		    rc = mdb_cursor_get(c, &k, &v, MDB_NEXT)) {
			if (k.mv_size != SUM_KEY_LEN)
				goto out;
			if (be32_get(k.mv_data) != month ||
			    memcmp((uint8_t *)k.mv_data + 4, want,
			    UNIT_CODE_MAX + 1) != 0)
				break;
			if (sum_decode(&k, &v, &s) == -1)
				goto out;
			if ((rc = fn(&s, arg)) != 0) {
				ret = rc;
				goto out;
			}
		}
		if (rc == MDB_NOTFOUND)
			break;
		if (rc != 0 || k.mv_size < 4)
			goto out;
		/* The next month present. */
		if (be32_get(k.mv_data) == month) {
			be32_put(kb, month);
			memset(kb + 4, 0xff, SUM_KEY_LEN - 4);
			k.mv_data = kb;
			k.mv_size = SUM_KEY_LEN;
			rc = mdb_cursor_get(c, &k, &v, MDB_SET_RANGE);
			if (rc == MDB_NOTFOUND)
				break;
			if (rc != 0 || k.mv_size < 4)
				goto out;
		}
		month = be32_get(k.mv_data);
		if (month > to)
			break;
	}
	ret = 0;
out:
	if (c != NULL)
		mdb_cursor_close(c);
	if (own)
		store_txn_abort(st, txn);
	return (ret);
}

int
store_each_agg_prefix(struct store *st, struct store_snap *snap,
    uint32_t month, const char *sector, const char *unit,
    int (*fn)(const struct agg_key *, uint64_t, void *), void *arg)
{
	MDB_txn		*txn = NULL;
	MDB_cursor	*c = NULL;
	struct agg_key	 ak;
	uint8_t		 kb[AGG_KEY_LEN], want[UNIT_CODE_MAX + 1];
	uint8_t		 sec[SECTOR_CODE_MAX + 1];
	const size_t	 so = 4, uo = 4 + SECTOR_CODE_MAX + 1;
	MDB_val		 k, v;
	int		 rc, own = 1, ret = -1;

	if (strnlen(unit, UNIT_CODE_MAX + 1) > UNIT_CODE_MAX ||
	    (sector != NULL &&
	    strnlen(sector, SECTOR_CODE_MAX + 1) > SECTOR_CODE_MAX))
		return (0);
	slot_put(want, UNIT_CODE_MAX + 1, unit);
	if (snap_txn(st, snap, &txn, &own) != 0) {
		txn = NULL;
		goto out;
	}
	if (mdb_cursor_open(txn, st->agg, &c) != 0)
		goto out;
	if (sector != NULL)
		slot_put(sec, SECTOR_CODE_MAX + 1, sector);
	else {
		/* The month's first sector. */
		be32_put(kb, month);
		k.mv_data = kb;
		k.mv_size = 4;
		rc = mdb_cursor_get(c, &k, &v, MDB_SET_RANGE);
		if (rc == MDB_NOTFOUND)
			goto done;
		if (rc != 0 || k.mv_size != AGG_KEY_LEN)
			goto out;
		if (be32_get(k.mv_data) != month)
			goto done;
		memcpy(sec, (uint8_t *)k.mv_data + so, SECTOR_CODE_MAX + 1);
	}
	for (;;) {
		memset(kb, 0, sizeof(kb));
		be32_put(kb, month);
		memcpy(kb + so, sec, SECTOR_CODE_MAX + 1);
		memcpy(kb + uo, want, UNIT_CODE_MAX + 1);
		k.mv_data = kb;
		k.mv_size = AGG_KEY_LEN;
		for (rc = mdb_cursor_get(c, &k, &v, MDB_SET_RANGE); rc == 0;
		    rc = mdb_cursor_get(c, &k, &v, MDB_NEXT)) {
			if (k.mv_size != AGG_KEY_LEN)
				goto out;
			if (memcmp(k.mv_data, kb, uo + UNIT_CODE_MAX + 1) != 0)
				break;
			if (v.mv_size != 8 || store_agg_key_decode(k.mv_data,
			    k.mv_size, &ak) == -1)
				goto out;
			if ((rc = fn(&ak, be64_get(v.mv_data), arg)) != 0) {
				ret = rc;
				goto out;
			}
		}
		if (sector != NULL || rc == MDB_NOTFOUND)
			break;
		if (rc != 0)
			goto out;
		/* The next sector of the month, past every unit of this. */
		if (memcmp(k.mv_data, kb, uo) == 0) {
			memset(kb + uo, 0xff, AGG_KEY_LEN - uo);
			k.mv_data = kb;
			k.mv_size = AGG_KEY_LEN;
			rc = mdb_cursor_get(c, &k, &v, MDB_SET_RANGE);
			if (rc == MDB_NOTFOUND)
				break;
			if (rc != 0 || k.mv_size != AGG_KEY_LEN)
				goto out;
		}
		if (be32_get(k.mv_data) != month)
			break;
		memcpy(sec, (uint8_t *)k.mv_data + so, SECTOR_CODE_MAX + 1);
	}
done:
	ret = 0;
out:
	if (c != NULL)
		mdb_cursor_close(c);
	if (own)
		store_txn_abort(st, txn);
	return (ret);
}

const char *
ticket_count_unit(const struct ticket *t)
{
	return (t->handling_unit[0] != '\0' ? t->handling_unit : t->unit);
}

const char *
channel_name(enum channel c)
{
	switch (c) {
	case CHANNEL_QR:
		return ("qr");
	case CHANNEL_KIOSK:
		return ("kiosk");
	case CHANNEL_WALKIN:
		return ("kiosk-walkin");
	default:
		return ("unknown");
	}
}

static const struct {
	enum role	 role;
	const char	*name;
} roles[] = {
	{ ROLE_COUNTER, "counter" },
	{ ROLE_VIEWER, "viewer" },
	{ ROLE_ADMIN, "admin" },
	{ ROLE_KIOSK, "kiosk" },
};

const char *
role_name(enum role r)
{
	size_t	 i;

	for (i = 0; i < sizeof(roles) / sizeof(roles[0]); i++)
		if (roles[i].role == r)
			return (roles[i].name);
	return ("none");
}

int
role_parse(const char *s)
{
	size_t	 i;

	if (s == NULL)
		return (-1);
	for (i = 0; i < sizeof(roles) / sizeof(roles[0]); i++)
		if (strcmp(roles[i].name, s) == 0)
			return ((int)roles[i].role);
	return (-1);
}

enum hl_rc
store_rc(int rc)
{
	switch (rc) {
	case 0:
		return (HL_OK);
	case MDB_NOTFOUND:
		return (HL_NOT_FOUND);
	case ENOSPC:
		return (HL_FULL);
	default:
		return (HL_ERROR);
	}
}

int
store_txn_begin(struct store *st, unsigned int flags, MDB_txn **txn)
{
	int	 rc, tries;

	*txn = NULL;
	for (tries = 0;; tries++) {
		pthread_rwlock_rdlock(&st->lock);
		if ((rc = mdb_txn_begin(st->env, NULL, flags, txn)) == 0)
			return (0);
		pthread_rwlock_unlock(&st->lock);
		*txn = NULL;
		if (rc != MDB_MAP_RESIZED || tries >= STORE_RESIZE_TRIES)
			return (rc);
		/* Another process grew the map: adopt its size. */
		pthread_rwlock_wrlock(&st->lock);
		rc = mdb_env_set_mapsize(st->env, 0);
		pthread_rwlock_unlock(&st->lock);
		if (rc != 0)
			return (rc);
	}
}

void
store_txn_abort(struct store *st, MDB_txn *txn)
{
	if (txn == NULL)
		return;
	mdb_txn_abort(txn);
	pthread_rwlock_unlock(&st->lock);
}

int
store_txn_commit(struct store *st, MDB_txn *txn)
{
	int	 rc;

	rc = mdb_txn_commit(txn);	/* frees txn, even on failure */
	pthread_rwlock_unlock(&st->lock);
	return (rc);
}

size_t
store_mapsize(struct store *st)
{
	MDB_envinfo	 info;

	pthread_rwlock_rdlock(&st->lock);
	mdb_env_info(st->env, &info);
	pthread_rwlock_unlock(&st->lock);
	return (info.me_mapsize);
}

int
store_grow(struct store *st)
{
	MDB_envinfo	 info;
	int		 rc;

	pthread_rwlock_wrlock(&st->lock);
	mdb_env_info(st->env, &info);
	if (info.me_mapsize > SIZE_MAX / 2)
		rc = MDB_MAP_FULL;
	else
		rc = mdb_env_set_mapsize(st->env, info.me_mapsize * 2);
	pthread_rwlock_unlock(&st->lock);
	if (rc == 0)
		log_info("%s: map grown to %zu KiB", st->dir,
		    info.me_mapsize * 2 / 1024);
	return (rc);
}

int
store_mapsize_set(struct store *st, size_t size)
{
	int	 rc;

	pthread_rwlock_wrlock(&st->lock);
	rc = mdb_env_set_mapsize(st->env, size);
	pthread_rwlock_unlock(&st->lock);
	return (rc);
}

/* mkdir -p: the parents 0755, the data directory itself 0700. */
static int
mkdir_p(const char *dir)
{
	char	*p, *s;
	int	 ret = -1;

	s = xstrdup(dir);
	for (p = s + 1; *p != '\0'; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(s, 0755) == -1 && errno != EEXIST)
			goto out;
		*p = '/';
	}
	if (mkdir(s, 0700) == -1 && errno != EEXIST)
		goto out;
	ret = 0;
out:
	free(s);
	return (ret);
}

/* Reads (or, when new and create, writes) meta; sets st->tz. */
static int
meta_load(struct store *st, MDB_txn *txn, int create, const char *tz,
    uint32_t *was, char *why, size_t whylen)
{
	MDB_val		 k, v;
	uint8_t		 b[8];
	uint32_t	 format;
	int		 rc;

	*was = 0;
	k.mv_data = "format";
	k.mv_size = 6;
	rc = mdb_get(txn, st->meta, &k, &v);
	if (rc == MDB_NOTFOUND) {
		if (!create) {
			snprintf(why, whylen, "%s: not a hailong data "
			    "directory (create it with hailong serve first)",
			    st->dir);
			return (-1);
		}
		if (tz == NULL)
			tz = STORE_TZ_DEFAULT;
		if (strlen(tz) > STORE_TZ_MAX || util_set_tz(tz) == -1) {
			snprintf(why, whylen, "%s: unknown time zone \"%.*s\"",
			    st->dir, STORE_TZ_MAX, tz);
			return (-1);
		}
		be32_put(b, STORE_FORMAT);
		v.mv_data = b;
		v.mv_size = 4;
		if ((rc = mdb_put(txn, st->meta, &k, &v, 0)) != 0)
			goto lmdb;
		k.mv_data = "tz";
		k.mv_size = 2;
		v.mv_data = (void *)tz;
		v.mv_size = strlen(tz);
		if ((rc = mdb_put(txn, st->meta, &k, &v, 0)) != 0)
			goto lmdb;
		be64_put(b, (uint64_t)now_sec());
		k.mv_data = "created";
		k.mv_size = 7;
		v.mv_data = b;
		v.mv_size = 8;
		if ((rc = mdb_put(txn, st->meta, &k, &v, 0)) != 0)
			goto lmdb;
		strlcpy(st->tz, tz, sizeof(st->tz));
		return (0);
	}
	if (rc != 0)
		goto lmdb;
	if (v.mv_size != 4 || (format = be32_get(v.mv_data)) == 0) {
		snprintf(why, whylen, "%s: damaged format record", st->dir);
		return (-1);
	}
	if (format > STORE_FORMAT) {
		snprintf(why, whylen, "%s: data format %u is newer than this "
		    "hailong understands (%u); upgrade hailong", st->dir,
		    (unsigned)format, (unsigned)STORE_FORMAT);
		return (-1);
	}
	*was = format;
	if (format < STORE_FORMAT) {
		/* Format 2 added kiosk key records, enrol, idem; format 3
		 * sums and the rollups; format 4 the comment index; format
		 * 6 counts walk-ins in no sector: the counters and the index
		 * are rebuilt by the caller in this txn. Format 5 answers
		 * tickets in `answered` (records answered in place stay
		 * valid). */
		be32_put(b, STORE_FORMAT);
		v.mv_data = b;
		v.mv_size = 4;
		if ((rc = mdb_put(txn, st->meta, &k, &v, 0)) != 0)
			goto lmdb;
	}
	k.mv_data = "tz";
	k.mv_size = 2;
	if ((rc = mdb_get(txn, st->meta, &k, &v)) != 0)
		goto lmdb;
	if (v.mv_size == 0 || v.mv_size > STORE_TZ_MAX ||
	    memchr(v.mv_data, '\0', v.mv_size) != NULL) {
		snprintf(why, whylen, "%s: damaged time zone record", st->dir);
		return (-1);
	}
	memcpy(st->tz, v.mv_data, v.mv_size);
	st->tz[v.mv_size] = '\0';
	if (tz != NULL && strcmp(tz, st->tz) != 0)
		log_warn("%s: keeps its time zone %s (not %s)", st->dir,
		    st->tz, tz);
	return (0);
lmdb:
	snprintf(why, whylen, "%s: %s", st->dir, mdb_strerror(rc));
	return (-1);
}

int
store_open(struct store **stp, const char *dir, int create, const char *tz,
    char *why, size_t whylen)
{
	struct store	*st = NULL;
	struct stat	 sb;
	MDB_txn		*txn = NULL;
	MDB_envinfo	 info;
	char		 path[PATH_MAX];
	uint32_t	 was;
	int		 rc, n, dead = 0, ret = -1, grown = 0;

	*stp = NULL;
	if (stat(dir, &sb) == -1) {
		if (errno != ENOENT) {
			snprintf(why, whylen, "%s: %s", dir, strerror(errno));
			goto out;
		}
		if (!create) {
			snprintf(why, whylen, "%s: no data directory (create "
			    "it with hailong serve first)", dir);
			goto out;
		}
		if (mkdir_p(dir) == -1) {
			snprintf(why, whylen, "%s: cannot create: %s", dir,
			    strerror(errno));
			goto out;
		}
	} else if (!S_ISDIR(sb.st_mode)) {
		snprintf(why, whylen, "%s: not a directory", dir);
		goto out;
	}
	n = snprintf(path, sizeof(path), "%s/data.mdb", dir);
	if (n < 0 || (size_t)n >= sizeof(path)) {
		snprintf(why, whylen, "data directory path too long");
		goto out;
	}
	if (!create && stat(path, &sb) == -1) {
		snprintf(why, whylen, "%s: no hailong data here (create it "
		    "with hailong serve first)", dir);
		goto out;
	}

	st = xcalloc(1, sizeof(*st));
	st->dir = xstrdup(dir);
	if (pthread_rwlock_init(&st->lock, NULL) != 0) {
		snprintf(why, whylen, "%s: cannot create lock", dir);
		goto out;
	}
	st->lock_init = 1;
	if ((rc = mdb_env_create(&st->env)) != 0 ||
	    (rc = mdb_env_set_maxdbs(st->env, STORE_MAXDBS)) != 0 ||
	    (rc = mdb_env_set_maxreaders(st->env, STORE_MAXREADERS)) != 0 ||
	    (rc = mdb_env_open(st->env, dir, MDB_NOTLS, 0600)) != 0)
		goto lmdb;
	/* Reader slots left by a process that died. */
	if ((rc = mdb_reader_check(st->env, &dead)) != 0)
		goto lmdb;
	if (dead > 0)
		log_warn("%s: cleared %d stale reader slots", dir, dead);
	/* Keep the larger of the recorded map and the initial size. */
	if ((rc = mdb_env_info(st->env, &info)) != 0)
		goto lmdb;
	if (info.me_mapsize < store_initial_map &&
	    (rc = mdb_env_set_mapsize(st->env, store_initial_map)) != 0)
		goto lmdb;

	/* No other thread knows st yet: no lock needed. */
again:
	if ((rc = mdb_txn_begin(st->env, NULL, 0, &txn)) != 0 ||
	    (rc = mdb_dbi_open(txn, "meta", MDB_CREATE, &st->meta)) != 0)
		goto lmdb;
	/* Check the format before creating anything else. */
	if (meta_load(st, txn, create, tz, &was, why, whylen) == -1)
		goto out;
	/* Before the upgrade below: months are taken in the zone. */
	if (util_set_tz(st->tz) == -1) {
		snprintf(why, whylen, "%s: time zone %s of this data directory "
		    "is unknown on this machine (install tzdata)", dir, st->tz);
		goto out;
	}
	if ((rc = mdb_dbi_open(txn, "tickets", MDB_CREATE,
	    &st->tickets)) != 0 ||
	    (rc = mdb_dbi_open(txn, "tickets_by_case", MDB_CREATE,
	    &st->by_case)) != 0 ||
	    (rc = mdb_dbi_open(txn, "responses", MDB_CREATE,
	    &st->responses)) != 0 ||
	    (rc = mdb_dbi_open(txn, "agg", MDB_CREATE, &st->agg)) != 0 ||
	    (rc = mdb_dbi_open(txn, "keys", MDB_CREATE, &st->keys)) != 0 ||
	    (rc = mdb_dbi_open(txn, "enrol", MDB_CREATE, &st->enrol)) != 0 ||
	    (rc = mdb_dbi_open(txn, "idem", MDB_CREATE, &st->idem)) != 0 ||
	    (rc = mdb_dbi_open(txn, "sums", MDB_CREATE, &st->sums)) != 0 ||
	    (rc = mdb_dbi_open(txn, "comments", MDB_CREATE,
	    &st->comments)) != 0 ||
	    (rc = mdb_dbi_open(txn, "answered", MDB_CREATE,
	    &st->answered)) != 0)
		goto lmdb;
	/* Before format 6: every counter recounted (format 3 added sums
	 * and the rollups; 6 counts walk-ins in no sector) and the comment
	 * index rebuilt (added by 4, sector of walk-ins changed by 6); then
	 * the new format is marked (meta_load). */
	if (was != 0 && was < 6)
		rc = store_rebuild_sums(st, txn);
	if (rc == 0 && was != 0 && was < 6)
		rc = store_rebuild_comments(st, txn);
	if (rc == 0 && was != 0 && was < STORE_FORMAT)
		log_info("%s: data format %u upgraded to %u", dir,
		    (unsigned)was, (unsigned)STORE_FORMAT);
	if (rc == 0)
		rc = mdb_txn_commit(txn);
	else
		mdb_txn_abort(txn);
	txn = NULL;
	if (rc == MDB_MAP_FULL && grown++ < 16 &&
	    mdb_env_info(st->env, &info) == 0 &&
	    mdb_env_set_mapsize(st->env, info.me_mapsize * 2) == 0)
		goto again;
	if (rc != 0)
		goto lmdb;

	n = snprintf(path, sizeof(path), "%s/server.key", dir);
	if (n < 0 || (size_t)n >= sizeof(path)) {
		snprintf(why, whylen, "data directory path too long");
		goto out;
	}
	if (keyring_load(path, &st->kr, why, whylen) == -1)
		goto out;
	*stp = st;
	st = NULL;
	ret = 0;
	goto out;
lmdb:
	snprintf(why, whylen, "%s: %s", dir, mdb_strerror(rc));
out:
	if (txn != NULL)
		mdb_txn_abort(txn);
	store_close(st);
	return (ret);
}

void
store_set_initial_map(size_t n)
{
	store_initial_map = n < STORE_MAPSIZE_MIN ? STORE_MAPSIZE_MIN : n;
}

int
store_backup(struct store *st, const char *path, char *why, size_t whylen)
{
	char	 kpath[PATH_MAX + 8], src[PATH_MAX + 16];
	FILE	*in = NULL, *out = NULL;
	char	 b[4096];
	size_t	 n;
	int	 fd = -1, rc = -1, e;

	if (snprintf(kpath, sizeof(kpath), "%s.key", path) >=
	    (int)sizeof(kpath)) {
		snprintf(why, whylen, "%s: path too long", path);
		return (-1);
	}
	if ((fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0600)) == -1) {
		snprintf(why, whylen, "%s: %s", path, strerror(errno));
		return (-1);
	}
	/*
	 * One read transaction: a consistent copy, free pages left out. It
	 * holds the lock shared like any transaction (no resize under it).
	 */
	pthread_rwlock_rdlock(&st->lock);
	e = mdb_env_copyfd2(st->env, fd, MDB_CP_COMPACT);
	pthread_rwlock_unlock(&st->lock);
	if (e != 0) {
		snprintf(why, whylen, "%s: %s", path, mdb_strerror(e));
		goto out;
	}
	if (fsync(fd) == -1) {
		snprintf(why, whylen, "%s: %s", path, strerror(errno));
		goto out;
	}
	/* Without its key ring a copy's tokens could not be checked. */
	snprintf(src, sizeof(src), "%s/server.key", st->dir);
	if ((in = fopen(src, "r")) == NULL) {
		snprintf(why, whylen, "%s: %s", src, strerror(errno));
		goto out;
	}
	e = open(kpath, O_WRONLY | O_CREAT | O_EXCL, 0600);
	if (e == -1 || (out = fdopen(e, "w")) == NULL) {
		snprintf(why, whylen, "%s: %s", kpath, strerror(errno));
		if (e != -1)
			close(e);
		goto out;
	}
	while ((n = fread(b, 1, sizeof(b), in)) > 0)
		if (fwrite(b, 1, n, out) != n)
			break;
	if (ferror(in) || fflush(out) != 0 || ferror(out) ||
	    fsync(fileno(out)) == -1) {
		snprintf(why, whylen, "%s: cannot write", kpath);
		goto out;
	}
	rc = 0;
out:
	crypto_zero(b, sizeof(b));
	if (in != NULL)
		fclose(in);
	if (out != NULL)
		fclose(out);
	close(fd);
	return (rc);
}

void
store_close(struct store *st)
{
	if (st == NULL)
		return;
	if (st->env != NULL)
		mdb_env_close(st->env);
	keyring_clear(&st->kr);
	if (st->lock_init)
		pthread_rwlock_destroy(&st->lock);
	free(st->dir);
	free(st);
}

const struct keyring *
store_keyring(const struct store *st)
{
	return (&st->kr);
}

const char *
store_tz(const struct store *st)
{
	return (st->tz);
}

const char *
store_dir(const struct store *st)
{
	return (st->dir);
}

static void
answered_key(const struct ticket *t, uint8_t kb[ANSWERED_KEY_LEN])
{
	be64_put(kb, (uint64_t)t->issued);
	memcpy(kb + 8, t->id, TICKET_ID_LEN);
}

int
store_ticket_read(struct store *st, MDB_txn *txn, const MDB_val *v,
    struct ticket *t)
{
	uint8_t	 kb[ANSWERED_KEY_LEN];
	MDB_val	 k = { sizeof(kb), kb }, a;
	int	 rc;

	if (ticket_decode(v->mv_data, v->mv_size, t) == -1)
		return (MDB_CORRUPTED);
	if (t->state != TICKET_OPEN)
		return (0);
	answered_key(t, kb);
	if ((rc = mdb_get(txn, st->answered, &k, &a)) == MDB_NOTFOUND)
		return (0);
	if (rc != 0)
		return (rc);
	if (a.mv_size != 8)
		return (MDB_CORRUPTED);
	t->state = TICKET_ANSWERED;
	t->response = be64_get(a.mv_data);
	return (0);
}

int
store_ticket_answer(struct store *st, MDB_txn *txn, const struct ticket *t,
    uint64_t response)
{
	uint8_t	 kb[ANSWERED_KEY_LEN], vb[8];
	MDB_val	 k = { sizeof(kb), kb }, v = { sizeof(vb), vb };

	answered_key(t, kb);
	be64_put(vb, response);
	return (mdb_put(txn, st->answered, &k, &v, MDB_NOOVERWRITE));
}

enum hl_rc
store_ticket_get(struct store *st, const uint8_t id[TICKET_ID_LEN],
    struct ticket *t)
{
	MDB_txn	*txn = NULL;
	MDB_val	 k = { TICKET_ID_LEN, (void *)id }, v;
	int	 rc;

	if ((rc = store_txn_begin(st, MDB_RDONLY, &txn)) != 0)
		goto out;
	if ((rc = mdb_get(txn, st->tickets, &k, &v)) != 0)
		goto out;
	rc = store_ticket_read(st, txn, &v, t);
out:
	store_txn_abort(st, txn);
	return (store_rc(rc));
}

enum hl_rc
store_ticket_by_code(struct store *st, const uint8_t prefix[CODE_PREFIX_LEN],
    struct ticket *t)
{
	MDB_txn		*txn = NULL;
	MDB_cursor	*c = NULL;
	uint8_t		 key[TICKET_ID_LEN];
	MDB_val		 k = { TICKET_ID_LEN, key }, v;
	const uint8_t	*f;
	uint8_t		 mask = (uint8_t)(0xff << (8 - CODE_BITS % 8));
	int		 rc;

	memset(key, 0, sizeof(key));
	memcpy(key, prefix, CODE_PREFIX_LEN);
	key[CODE_BITS / 8] &= mask;
	if ((rc = store_txn_begin(st, MDB_RDONLY, &txn)) != 0)
		goto out;
	if ((rc = mdb_cursor_open(txn, st->tickets, &c)) != 0)
		goto out;
	if ((rc = mdb_cursor_get(c, &k, &v, MDB_SET_RANGE)) != 0)
		goto out;
	f = k.mv_data;
	if (k.mv_size != TICKET_ID_LEN || memcmp(f, key, CODE_BITS / 8) != 0 ||
	    (f[CODE_BITS / 8] & mask) != key[CODE_BITS / 8]) {
		rc = MDB_NOTFOUND;
		goto out;
	}
	rc = store_ticket_read(st, txn, &v, t);
out:
	if (c != NULL)
		mdb_cursor_close(c);
	store_txn_abort(st, txn);
	return (store_rc(rc));
}

enum hl_rc
store_key_get(struct store *st, const uint8_t hash[32], struct apikey *key)
{
	MDB_txn	*txn = NULL;
	MDB_val	 k = { 32, (void *)hash }, v;
	int	 rc;

	if ((rc = store_txn_begin(st, MDB_RDONLY, &txn)) != 0)
		goto out;
	if ((rc = mdb_get(txn, st->keys, &k, &v)) != 0)
		goto out;
	if (apikey_decode(v.mv_data, v.mv_size, key) == -1)
		rc = MDB_CORRUPTED;
out:
	store_txn_abort(st, txn);
	return (store_rc(rc));
}

enum hl_rc
store_response_get(struct store *st, uint64_t key, struct response *r)
{
	MDB_txn	*txn = NULL;
	uint8_t	 kb[8];
	MDB_val	 k = { 8, kb }, v;
	int	 rc;

	be64_put(kb, key);
	if ((rc = store_txn_begin(st, MDB_RDONLY, &txn)) != 0)
		goto out;
	if ((rc = mdb_get(txn, st->responses, &k, &v)) != 0)
		goto out;
	if (response_decode(v.mv_data, v.mv_size, r) == -1)
		rc = MDB_CORRUPTED;
out:
	store_txn_abort(st, txn);
	return (store_rc(rc));
}

enum hl_rc
store_idem_get(struct store *st, const uint8_t hash[32], struct idem *im)
{
	MDB_txn	*txn = NULL;
	MDB_val	 k = { 32, (void *)hash }, v;
	int	 rc;

	if ((rc = store_txn_begin(st, MDB_RDONLY, &txn)) != 0)
		goto out;
	if ((rc = mdb_get(txn, st->idem, &k, &v)) != 0)
		goto out;
	if (idem_decode(v.mv_data, v.mv_size, im) == -1)
		rc = MDB_CORRUPTED;
out:
	store_txn_abort(st, txn);
	return (store_rc(rc));
}

/*
 * Visits the records of dbi in key order, from the first or from the first
 * key >= start, inside one read transaction. visit() returns 0 to go on,
 * STORE_WALK_STOP to end the walk there (0 is returned), -1 for a record it
 * cannot read (the walk fails with -1), or any other value, which ends the
 * walk and is returned.
 */
#define STORE_WALK_STOP	INT_MIN

static int
store_walk(struct store *st, MDB_dbi dbi, const void *start,
    size_t startlen,
    int (*visit)(MDB_txn *, const MDB_val *, const MDB_val *, void *),
    void *ctx)
{
	MDB_txn		*txn = NULL;
	MDB_cursor	*c = NULL;
	MDB_val		 k = { startlen, (void *)start }, v;
	int		 rc, ret = -1;
	MDB_cursor_op	 op = start != NULL ? MDB_SET_RANGE : MDB_FIRST;

	if (store_txn_begin(st, MDB_RDONLY, &txn) != 0)
		goto out;
	if (mdb_cursor_open(txn, dbi, &c) != 0)
		goto out;
	for (;; op = MDB_NEXT) {
		if ((rc = mdb_cursor_get(c, &k, &v, op)) == MDB_NOTFOUND)
			break;
		if (rc != 0)
			goto out;
		if ((rc = visit(txn, &k, &v, ctx)) == STORE_WALK_STOP)
			break;
		if (rc != 0) {
			ret = rc;
			goto out;
		}
	}
	ret = 0;
out:
	if (c != NULL)
		mdb_cursor_close(c);
	store_txn_abort(st, txn);
	return (ret);
}

/* The caller's function and argument, for the visitors below. */
struct store_walk_fn {
	void		(*fn)(void);	/* cast back to its own type */
	void		*arg;
	uint64_t	 to;		/* responses: key limit; agg: month */
	struct response	*r;		/* responses: decoded here */
	struct store	*st;		/* tickets: read with their answer */
};

static int
store_visit_key(MDB_txn *txn, const MDB_val *k, const MDB_val *v,
    void *ctx)
{
	struct store_walk_fn	*w = ctx;
	int			(*fn)(const uint8_t *, const struct apikey *,
				    void *) = (int (*)(const uint8_t *,
				    const struct apikey *, void *))w->fn;
	struct apikey		 ak;
	uint8_t			 hash[32];

	(void)txn;
	if (k->mv_size != 32 ||
	    apikey_decode(v->mv_data, v->mv_size, &ak) == -1)
		return (-1);
	memcpy(hash, k->mv_data, 32);
	return (fn(hash, &ak, w->arg));
}

int
store_each_key(struct store *st,
    int (*fn)(const uint8_t *, const struct apikey *, void *), void *arg)
{
	struct store_walk_fn	 w = { (void (*)(void))fn, arg, 0, NULL, NULL };

	return (store_walk(st, st->keys, NULL, 0, store_visit_key, &w));
}

static int
store_visit_enrol(MDB_txn *txn, const MDB_val *k, const MDB_val *v,
    void *ctx)
{
	struct store_walk_fn	*w = ctx;
	int			(*fn)(const struct enrol *, void *) =
				    (int (*)(const struct enrol *, void *))w->fn;
	struct enrol		 en;

	(void)txn;
	if (k->mv_size != 32 ||
	    enrol_decode(v->mv_data, v->mv_size, &en) == -1)
		return (-1);
	memcpy(en.hash, k->mv_data, 32);
	return (fn(&en, w->arg));
}

int
store_each_enrol(struct store *st, int (*fn)(const struct enrol *, void *),
    void *arg)
{
	struct store_walk_fn	 w = { (void (*)(void))fn, arg, 0, NULL, NULL };

	return (store_walk(st, st->enrol, NULL, 0, store_visit_enrol, &w));
}

int
store_check(struct store *st)
{
	MDB_txn	*txn = NULL;

	if (store_txn_begin(st, MDB_RDONLY, &txn) != 0)
		return (-1);
	store_txn_abort(st, txn);
	/* Waits for the writer's batch, if any: a few ms at most. */
	if (store_txn_begin(st, 0, &txn) != 0)
		return (-1);
	store_txn_abort(st, txn);
	return (0);
}

static int
store_visit_response(MDB_txn *txn, const MDB_val *k, const MDB_val *v,
    void *ctx)
{
	struct store_walk_fn	*w = ctx;
	int			(*fn)(const struct response *, void *) =
				    (int (*)(const struct response *,
				    void *))w->fn;

	(void)txn;
	if (k->mv_size != 8)
		return (-1);
	if (be64_get(k->mv_data) >= w->to)
		return (STORE_WALK_STOP);
	if (response_decode(v->mv_data, v->mv_size, w->r) == -1)
		return (-1);
	return (fn(w->r, w->arg));
}

int
store_each_response(struct store *st, uint64_t from_us, uint64_t to_us,
    int (*fn)(const struct response *, void *), void *arg)
{
	struct store_walk_fn	 w = { (void (*)(void))fn, arg, to_us, NULL,
				    NULL };
	uint8_t			 kb[8];
	int			 ret;

	w.r = xmalloc(sizeof(*w.r));	/* some 5 KB: not on the stack */
	be64_put(kb, from_us);
	ret = store_walk(st, st->responses, kb, sizeof(kb),
	    store_visit_response, &w);
	free(w.r);
	return (ret);
}

/* The comment index record of r: month | key -> sector, unit. */
static void
comment_record(const struct response *r, uint8_t kb[COMMENT_KEY_LEN],
    uint8_t vb[COMMENT_VAL_LEN])
{
	be32_put(kb, r->month);
	be64_put(kb + 4, r->key);
	slot_put(vb, SECTOR_CODE_MAX + 1, response_agg_sector(r));
	slot_put(vb + SECTOR_CODE_MAX + 1, UNIT_CODE_MAX + 1, r->unit);
}

int
store_comment_index(struct store *st, MDB_txn *txn, const struct response *r)
{
	uint8_t	 kb[COMMENT_KEY_LEN], vb[COMMENT_VAL_LEN];
	MDB_val	 k = { sizeof(kb), kb }, v = { sizeof(vb), vb };

	if (r->comment_len == 0)
		return (0);
	comment_record(r, kb, vb);
	return (mdb_put(txn, st->comments, &k, &v, 0));
}

int
store_rebuild_comments(struct store *st, MDB_txn *txn)
{
	MDB_cursor	*c = NULL;
	MDB_val		 k, v;
	struct response	*r;
	int		 rc;

	r = xmalloc(sizeof(*r));
	if ((rc = mdb_drop(txn, st->comments, 0)) != 0 ||
	    (rc = mdb_cursor_open(txn, st->responses, &c)) != 0)
		goto out;
	for (rc = mdb_cursor_get(c, &k, &v, MDB_FIRST); rc == 0;
	    rc = mdb_cursor_get(c, &k, &v, MDB_NEXT)) {
		/* A damaged record is passed over (verify names it), as
		 * the recount of sums does: it must not stop a start. */
		if (k.mv_size != 8 ||
		    response_decode(v.mv_data, v.mv_size, r) == -1)
			continue;
		if ((rc = store_comment_index(st, txn, r)) != 0)
			goto out;
	}
	if (rc == MDB_NOTFOUND)
		rc = 0;
out:
	if (c != NULL)
		mdb_cursor_close(c);
	free(r);
	return (rc);
}

int
store_each_comment(struct store *st, uint32_t month,
    int (*pick)(const char *, const char *, void *),
    int (*fn)(const struct response *, void *), void *arg)
{
	MDB_txn		*txn = NULL;
	MDB_cursor	*c = NULL;
	MDB_val		 k, v, rk, rv;
	struct response	*r;
	uint8_t		 kb[COMMENT_KEY_LEN];
	char		 sector[SECTOR_CODE_MAX + 1], unit[UNIT_CODE_MAX + 1];
	int		 rc, ret = -1;
	MDB_cursor_op	 op;

	r = xmalloc(sizeof(*r));
	if (store_txn_begin(st, MDB_RDONLY, &txn) != 0)
		goto out;
	if (mdb_cursor_open(txn, st->comments, &c) != 0)
		goto out;
	/* From the first key past the month, backwards. */
	memset(kb, 0, sizeof(kb));
	be32_put(kb, month + 1);
	k.mv_data = kb;
	k.mv_size = sizeof(kb);
	rc = mdb_cursor_get(c, &k, &v, MDB_SET_RANGE);
	op = rc == 0 ? MDB_PREV : MDB_LAST;
	if (rc != 0 && rc != MDB_NOTFOUND)
		goto out;
	for (;; op = MDB_PREV) {
		if ((rc = mdb_cursor_get(c, &k, &v, op)) == MDB_NOTFOUND)
			break;
		if (rc != 0 || k.mv_size != COMMENT_KEY_LEN ||
		    v.mv_size != COMMENT_VAL_LEN)
			goto out;
		if (be32_get(k.mv_data) != month)
			break;
		if (slot_get(v.mv_data, SECTOR_CODE_MAX + 1, sector, 1) ==
		    -1 || slot_get((const uint8_t *)v.mv_data +
		    SECTOR_CODE_MAX + 1, UNIT_CODE_MAX + 1, unit, 1) == -1)
			goto out;
		if ((rc = pick(sector, unit, arg)) == -1)
			break;
		if (rc == 0)
			continue;
		rk.mv_data = (uint8_t *)k.mv_data + 4;
		rk.mv_size = 8;
		if (mdb_get(txn, st->responses, &rk, &rv) != 0 ||
		    response_decode(rv.mv_data, rv.mv_size, r) == -1)
			goto out;
		if (fn(r, arg) != 0)
			break;
	}
	ret = 0;
out:
	if (c != NULL)
		mdb_cursor_close(c);
	store_txn_abort(st, txn);
	free(r);
	return (ret);
}

int
store_bulk(struct store *st, int on)
{
	if (mdb_env_set_flags(st->env, MDB_NOSYNC, on) != 0)
		return (-1);
	if (!on && mdb_env_sync(st->env, 1) != 0)
		return (-1);
	return (0);
}

static int
store_visit_ticket(MDB_txn *txn, const MDB_val *k, const MDB_val *v,
    void *ctx)
{
	struct store_walk_fn	*w = ctx;
	int			(*fn)(const struct ticket *, void *) =
				    (int (*)(const struct ticket *, void *))w->fn;
	struct ticket		 t;

	(void)k;
	if (store_ticket_read(w->st, txn, v, &t) != 0)
		return (-1);
	return (fn(&t, w->arg));
}

int
store_each_ticket(struct store *st, int (*fn)(const struct ticket *, void *),
    void *arg)
{
	struct store_walk_fn	 w = { (void (*)(void))fn, arg, 0, NULL, st };

	return (store_walk(st, st->tickets, NULL, 0, store_visit_ticket, &w));
}

int
store_each_agg(struct store *st,
    int (*fn)(const struct agg_key *, uint64_t, void *), void *arg)
{
	return (store_each_agg_months(st, 0, UINT32_MAX, fn, arg));
}

static int
store_visit_agg(MDB_txn *txn, const MDB_val *k, const MDB_val *v,
    void *ctx)
{
	struct store_walk_fn	*w = ctx;
	int			(*fn)(const struct agg_key *, uint64_t,
				    void *) = (int (*)(const struct agg_key *,
				    uint64_t, void *))w->fn;
	struct agg_key		 ak;

	(void)txn;
	if (v->mv_size != 8 ||
	    store_agg_key_decode(k->mv_data, k->mv_size, &ak) == -1)
		return (-1);
	if (ak.month > w->to)
		return (STORE_WALK_STOP);
	return (fn(&ak, be64_get(v->mv_data), w->arg));
}

int
store_each_agg_months(struct store *st, uint32_t from, uint32_t to,
    int (*fn)(const struct agg_key *, uint64_t, void *), void *arg)
{
	struct store_walk_fn	 w = { (void (*)(void))fn, arg, to, NULL,
				    NULL };
	uint8_t			 start[4];

	/* Keys begin with the month, big-endian: one range, no full scan. */
	be32_put(start, from);
	return (store_walk(st, st->agg, start, sizeof(start),
	    store_visit_agg, &w));
}

uint64_t
store_agg_get(struct store *st, const struct agg_key *ak)
{
	MDB_txn		*txn = NULL;
	uint8_t		 kb[AGG_KEY_LEN];
	MDB_val		 k = { AGG_KEY_LEN, kb }, v;
	uint64_t	 n = 0;

	if (store_agg_key(ak, kb) == -1)
		return (0);
	if (store_txn_begin(st, MDB_RDONLY, &txn) != 0)
		return (0);
	if (mdb_get(txn, st->agg, &k, &v) == 0 && v.mv_size == 8)
		n = be64_get(v.mv_data);
	store_txn_abort(st, txn);
	return (n);
}

/*
 * Recomputed counters: appended one increment at a time, sorted and
 * merged whenever the array fills, so memory follows the number of
 * distinct keys, not of records.
 */
struct vent {
	uint8_t		 k[AGG_KEY_LEN];
	uint64_t	 n;
};

struct vlist {
	struct vent	*v;
	size_t		 n;
	size_t		 cap;
};

static int
vent_cmp(const void *a, const void *b)
{
	return (memcmp(((const struct vent *)a)->k,
	    ((const struct vent *)b)->k, AGG_KEY_LEN));
}

static void
vlist_compact(struct vlist *l)
{
	size_t	 i, j;

	if (l->n == 0)
		return;
	qsort(l->v, l->n, sizeof(*l->v), vent_cmp);
	for (i = 1, j = 0; i < l->n; i++) {
		if (memcmp(l->v[i].k, l->v[j].k, AGG_KEY_LEN) == 0)
			l->v[j].n += l->v[i].n;
		else
			l->v[++j] = l->v[i];
	}
	l->n = j + 1;
}

static void
vlist_add(struct vlist *l, uint32_t month, const char *sector,
    const char *unit, const char *q, uint8_t level)
{
	struct agg_key	 ak;

	memset(&ak, 0, sizeof(ak));
	ak.month = month;
	strlcpy(ak.sector, sector, sizeof(ak.sector));
	strlcpy(ak.unit, unit, sizeof(ak.unit));
	strlcpy(ak.question, q, sizeof(ak.question));
	ak.level = level;
	if (l->n == l->cap) {
		vlist_compact(l);
		if (l->cap == 0 || l->n > l->cap / 2) {
			l->cap = l->cap == 0 ? VERIFY_INITIAL : l->cap * 2;
			l->v = xrealloc(l->v, l->cap * sizeof(*l->v));
		}
	}
	/* Decoded records always fit their key slots. */
	store_agg_key(&ak, l->v[l->n].k);
	l->v[l->n].n = 1;
	l->n++;
}

/* Recomputed sums: like vent, one row of counters per key. */
struct sent {
	uint8_t		 k[SUM_KEY_LEN];
	uint64_t	 c[SUM_NCOUNTERS];
};

struct slist {
	struct sent	*v;
	size_t		 n;
	size_t		 cap;
};

static int
sent_cmp(const void *a, const void *b)
{
	return (memcmp(((const struct sent *)a)->k,
	    ((const struct sent *)b)->k, SUM_KEY_LEN));
}

static void
slist_compact(struct slist *l)
{
	size_t	 i, j, c;

	if (l->n == 0)
		return;
	qsort(l->v, l->n, sizeof(*l->v), sent_cmp);
	for (i = 1, j = 0; i < l->n; i++) {
		if (memcmp(l->v[i].k, l->v[j].k, SUM_KEY_LEN) == 0)
			for (c = 0; c < SUM_NCOUNTERS; c++)
				l->v[j].c[c] += l->v[i].c[c];
		else
			l->v[++j] = l->v[i];
	}
	l->n = j + 1;
}

static void
slist_add1(struct slist *l, uint32_t month, const char *unit,
    const char *sector, const uint64_t *d)
{
	if (l->n == l->cap) {
		slist_compact(l);
		if (l->cap == 0 || l->n > l->cap / 2) {
			l->cap = l->cap == 0 ? VERIFY_INITIAL : l->cap * 2;
			l->v = xrealloc(l->v, l->cap * sizeof(*l->v));
		}
	}
	/* Decoded records always fit their key slots. */
	store_sum_key(month, unit, sector, l->v[l->n].k);
	memcpy(l->v[l->n].c, d, sizeof(l->v[l->n].c));
	l->n++;
}

/* As store_sum_bump(): the unit's row and the every-unit row. */
static void
slist_add(struct slist *l, uint32_t month, const char *unit,
    const char *sector, const uint64_t *d)
{
	slist_add1(l, month, unit, sector, d);
	if (unit[0] != '\0')
		slist_add1(l, month, "", sector, d);
}

/*
 * What the counters should be. out NULL: quiet, no link checks (the
 * rebuild of a format upgrade).
 */
struct recomp {
	struct vlist	 l;
	struct slist	 sl;
	struct response	*r;
	FILE		*out;
	size_t		 comments;	/* responses with a comment */
};

/* 1 when the comment index holds r (which has a comment) as it should. */
static int
verify_comment(struct store *st, MDB_txn *txn, const struct response *r)
{
	uint8_t	 kb[COMMENT_KEY_LEN], vb[COMMENT_VAL_LEN];
	MDB_val	 k = { sizeof(kb), kb }, v;

	comment_record(r, kb, vb);
	return (mdb_get(txn, st->comments, &k, &v) == 0 &&
	    v.mv_size == sizeof(vb) && memcmp(v.mv_data, vb, sizeof(vb)) == 0);
}

/* The recount's count_sink: every counter into the lists. */
static int
recomp_agg(void *arg, uint32_t month, const char *sector, const char *unit,
    const char *q, uint8_t level)
{
	struct recomp	*rc = arg;

	vlist_add(&rc->l, month, sector, unit, q, level);
	return (0);
}

static int
recomp_sum(void *arg, uint32_t month, const char *unit, const char *sector,
    const uint64_t *d)
{
	struct recomp	*rc = arg;

	slist_add(&rc->sl, month, unit, sector, d);
	return (0);
}

static void
id_hex(const uint8_t id[TICKET_ID_LEN], char out[2 * TICKET_ID_LEN + 1])
{
	size_t	 i;

	for (i = 0; i < TICKET_ID_LEN; i++)
		snprintf(out + 2 * i, 3, "%02x", id[i]);
}

static void
agg_report(FILE *out, const uint8_t *kb, uint64_t stored, uint64_t recomp)
{
	struct agg_key	 ak;

	if (store_agg_key_decode(kb, AGG_KEY_LEN, &ak) == -1) {
		fprintf(out, "agg (malformed key): stored %llu, recomputed "
		    "%llu\n", (unsigned long long)stored,
		    (unsigned long long)recomp);
		return;
	}
	fprintf(out, "agg %u %s %s %s %u: stored %llu, recomputed %llu\n",
	    (unsigned)ak.month, ak.sector, ak.unit, ak.question,
	    (unsigned)ak.level, (unsigned long long)stored,
	    (unsigned long long)recomp);
}

/* Tickets: issued counters, and each answered ticket's response. */
static long
verify_tickets(struct store *st, MDB_txn *txn, struct recomp *rc)
{
	struct response	*r = rc->r;
	FILE		*out = rc->out;
	struct count_sink sink = { recomp_agg, recomp_sum, rc };
	MDB_cursor	*c = NULL;
	struct ticket	 t;
	MDB_val		 k, v;
	uint8_t		 kb[8];
	char		 hex[2 * TICKET_ID_LEN + 1];
	long		 bad = 0;
	int		 lrc;
	MDB_cursor_op	 op = MDB_FIRST;

	if (mdb_cursor_open(txn, st->tickets, &c) != 0)
		return (-1);
	for (;; op = MDB_NEXT) {
		if ((lrc = mdb_cursor_get(c, &k, &v, op)) == MDB_NOTFOUND)
			break;
		if (lrc != 0) {
			bad = -1;
			break;
		}
		if ((lrc = store_ticket_read(st, txn, &v, &t)) != 0) {
			if (lrc != MDB_CORRUPTED) {
				bad = -1;
				break;
			}
			if (out != NULL)
				fprintf(out, "ticket record %zu bytes: "
				    "malformed\n", v.mv_size);
			bad++;
			continue;
		}
		id_hex(t.id, hex);
		store_count_ticket(&t, &sink);
		if (t.state != TICKET_ANSWERED || out == NULL)
			continue;
		be64_put(kb, t.response);
		k.mv_data = kb;
		k.mv_size = 8;
		if (mdb_get(txn, st->responses, &k, &v) != 0 ||
		    response_decode(v.mv_data, v.mv_size, r) == -1) {
			fprintf(out, "ticket %s: answered, response %llu "
			    "missing\n", hex, (unsigned long long)t.response);
			bad++;
		} else if (!r->has_ticket ||
		    memcmp(r->ticket, t.id, TICKET_ID_LEN) != 0) {
			fprintf(out, "ticket %s: response %llu belongs to "
			    "another ticket\n", hex,
			    (unsigned long long)t.response);
			bad++;
		}
	}
	mdb_cursor_close(c);
	return (bad);
}

/* Responses: answer, channel and suspect counters; the ticket link. */
static long
verify_responses(struct store *st, MDB_txn *txn, struct recomp *rc)
{
	struct response	*r = rc->r;
	FILE		*out = rc->out;
	struct count_sink sink = { recomp_agg, recomp_sum, rc };
	MDB_cursor	*c = NULL;
	struct ticket	 t;
	MDB_val		 k, v;
	char		 hex[2 * TICKET_ID_LEN + 1];
	long		 bad = 0;
	int		 lrc;
	MDB_cursor_op	 op = MDB_FIRST;

	if (mdb_cursor_open(txn, st->responses, &c) != 0)
		return (-1);
	for (;; op = MDB_NEXT) {
		if ((lrc = mdb_cursor_get(c, &k, &v, op)) == MDB_NOTFOUND)
			break;
		if (lrc != 0) {
			bad = -1;
			break;
		}
		if (k.mv_size != 8 ||
		    response_decode(v.mv_data, v.mv_size, r) == -1) {
			if (out != NULL)
				fprintf(out, "response record %zu bytes: "
				    "malformed\n", v.mv_size);
			bad++;
			continue;
		}
		/* Decoded records have a known channel. */
		store_count_response(r, &sink);
		if (out == NULL)
			continue;
		if (r->comment_len > 0) {
			rc->comments++;
			if (!verify_comment(st, txn, r)) {
				fprintf(out, "response %llu: comment not in "
				    "the comment index\n",
				    (unsigned long long)r->key);
				bad++;
			}
		}
		if (!r->has_ticket)
			continue;
		id_hex(r->ticket, hex);
		k.mv_data = r->ticket;
		k.mv_size = TICKET_ID_LEN;
		if (mdb_get(txn, st->tickets, &k, &v) != 0 ||
		    store_ticket_read(st, txn, &v, &t) != 0) {
			fprintf(out, "response %llu: ticket %s missing\n",
			    (unsigned long long)r->key, hex);
			bad++;
		} else if (t.state != TICKET_ANSWERED || t.response != r->key) {
			fprintf(out, "response %llu: ticket %s not answered "
			    "by it\n", (unsigned long long)r->key, hex);
			bad++;
		}
	}
	mdb_cursor_close(c);
	return (bad);
}

/* Answer records: each of an open ticket record issued at its time. */
static long
verify_answered(struct store *st, MDB_txn *txn, FILE *out)
{
	MDB_cursor	*c = NULL;
	MDB_val		 k, v, tk, tv;
	struct ticket	 t;
	char		 hex[2 * TICKET_ID_LEN + 1];
	long		 bad = 0;
	int		 lrc;
	MDB_cursor_op	 op = MDB_FIRST;

	if (mdb_cursor_open(txn, st->answered, &c) != 0)
		return (-1);
	for (;; op = MDB_NEXT) {
		if ((lrc = mdb_cursor_get(c, &k, &v, op)) == MDB_NOTFOUND)
			break;
		if (lrc != 0) {
			bad = -1;
			break;
		}
		if (k.mv_size != ANSWERED_KEY_LEN || v.mv_size != 8) {
			fprintf(out, "answered record of %zu bytes: "
			    "malformed\n", k.mv_size);
			bad++;
			continue;
		}
		id_hex((const uint8_t *)k.mv_data + 8, hex);
		tk.mv_data = (uint8_t *)k.mv_data + 8;
		tk.mv_size = TICKET_ID_LEN;
		if (mdb_get(txn, st->tickets, &tk, &tv) != 0 ||
		    ticket_decode(tv.mv_data, tv.mv_size, &t) == -1 ||
		    (uint64_t)t.issued != be64_get(k.mv_data) ||
		    t.state != TICKET_OPEN) {
			fprintf(out, "answered record of ticket %s: no such "
			    "open ticket issued at its time\n", hex);
			bad++;
		}
	}
	mdb_cursor_close(c);
	return (bad);
}

/* Idempotency records: each names a stored response of its channel. */
static long
verify_idem(struct store *st, MDB_txn *txn, struct response *r, FILE *out)
{
	MDB_cursor	*c = NULL;
	struct idem	 im;
	MDB_val		 k, v;
	uint8_t		 kb[8];
	long		 bad = 0;
	int		 rc;
	MDB_cursor_op	 op = MDB_FIRST;

	if (mdb_cursor_open(txn, st->idem, &c) != 0)
		return (-1);
	for (;; op = MDB_NEXT) {
		if ((rc = mdb_cursor_get(c, &k, &v, op)) == MDB_NOTFOUND)
			break;
		if (rc != 0) {
			bad = -1;
			break;
		}
		if (k.mv_size != 32 ||
		    idem_decode(v.mv_data, v.mv_size, &im) == -1) {
			fprintf(out, "idem record %zu bytes: malformed\n",
			    v.mv_size);
			bad++;
			continue;
		}
		be64_put(kb, im.response);
		k.mv_data = kb;
		k.mv_size = 8;
		if (mdb_get(txn, st->responses, &k, &v) != 0 ||
		    response_decode(v.mv_data, v.mv_size, r) == -1 ||
		    r->channel != im.channel) {
			fprintf(out, "idem record: response %llu missing\n",
			    (unsigned long long)im.response);
			bad++;
		}
	}
	mdb_cursor_close(c);
	return (bad);
}

static const char *const sum_names[SUM_NCOUNTERS] = {
	"level 1", "level 2", "level 3", "level 4", "level 5", "issued",
	"qr", "kiosk", "kiosk-walkin", "suspect"
};
_Static_assert(SUM_NCOUNTERS == 10 && SURVEY_LEVELS == 5 &&
    CHANNEL_COUNT == 3, "sum_names");

/* One line per counter of a sums row that disagrees. */
static long
sum_report(FILE *out, const uint8_t *kb, const uint64_t *stored,
    const uint64_t *recomp)
{
	char	 unit[UNIT_CODE_MAX + 1], sector[SECTOR_CODE_MAX + 1];
	long	 bad = 0;
	size_t	 i;

	if (slot_get(kb + 4, UNIT_CODE_MAX + 1, unit, 1) == -1 ||
	    slot_get(kb + 4 + UNIT_CODE_MAX + 1, SECTOR_CODE_MAX + 1, sector,
	    1) == -1) {
		fprintf(out, "sums (malformed key)\n");
		return (1);
	}
	for (i = 0; i < SUM_NCOUNTERS; i++) {
		if (stored[i] == recomp[i])
			continue;
		fprintf(out, "sums %u %s %s %s: stored %llu, recomputed "
		    "%llu\n", (unsigned)be32_get(kb),
		    unit[0] != '\0' ? unit : "(all)", sector, sum_names[i],
		    (unsigned long long)stored[i],
		    (unsigned long long)recomp[i]);
		bad++;
	}
	return (bad);
}

/* Compares sums with the recomputed rows, both ways; -1 on a read error. */
static long
verify_sums(struct store *st, MDB_txn *txn, struct slist *l, FILE *out)
{
	MDB_cursor	*c = NULL;
	MDB_val		 k, v;
	uint64_t	 stored[SUM_NCOUNTERS], zero[SUM_NCOUNTERS];
	long		 bad = 0;
	size_t		 i = 0, j;
	int		 rc, cmp;

	memset(zero, 0, sizeof(zero));
	if (mdb_cursor_open(txn, st->sums, &c) != 0)
		return (-1);
	rc = mdb_cursor_get(c, &k, &v, MDB_FIRST);
	while (rc == 0 || i < l->n) {
		if (rc != 0 && rc != MDB_NOTFOUND) {
			bad = -1;
			break;
		}
		if (rc == 0 && (k.mv_size != SUM_KEY_LEN ||
		    v.mv_size != SUM_VAL_LEN ||
		    ((uint8_t *)v.mv_data)[0] != SUM_VERSION)) {
			fprintf(out, "sums record of %zu+%zu bytes: "
			    "malformed\n", k.mv_size, v.mv_size);
			bad++;
			rc = mdb_cursor_get(c, &k, &v, MDB_NEXT);
			continue;
		}
		if (rc != 0)
			cmp = 1;
		else if (i == l->n)
			cmp = -1;
		else
			cmp = memcmp(k.mv_data, l->v[i].k, SUM_KEY_LEN);
		if (cmp <= 0)
			for (j = 0; j < SUM_NCOUNTERS; j++)
				stored[j] = be64_get((uint8_t *)v.mv_data +
				    1 + 8 * j);
		if (cmp < 0) {
			bad += sum_report(out, k.mv_data, stored, zero);
			rc = mdb_cursor_get(c, &k, &v, MDB_NEXT);
		} else if (cmp > 0) {
			bad += sum_report(out, l->v[i].k, zero, l->v[i].c);
			i++;
		} else {
			bad += sum_report(out, l->v[i].k, stored, l->v[i].c);
			rc = mdb_cursor_get(c, &k, &v, MDB_NEXT);
			i++;
		}
	}
	mdb_cursor_close(c);
	return (bad);
}

int
store_rebuild_sums(struct store *st, MDB_txn *txn)
{
	struct recomp	 rc;
	MDB_val		 k, v;
	uint8_t		 vb[SUM_VAL_LEN];
	size_t		 i, j;
	int		 lrc;

	memset(&rc, 0, sizeof(rc));
	rc.r = xmalloc(sizeof(*rc.r));
	if (verify_tickets(st, txn, &rc) == -1 ||
	    verify_responses(st, txn, &rc) == -1) {
		lrc = MDB_CORRUPTED;
		goto out;
	}
	vlist_compact(&rc.l);
	slist_compact(&rc.sl);
	/* Start from nothing: every counter is recomputed. */
	if ((lrc = mdb_drop(txn, st->sums, 0)) != 0 ||
	    (lrc = mdb_drop(txn, st->agg, 0)) != 0)
		goto out;
	for (i = 0; i < rc.l.n; i++) {
		be64_put(vb, rc.l.v[i].n);
		k.mv_data = rc.l.v[i].k;
		k.mv_size = AGG_KEY_LEN;
		v.mv_data = vb;
		v.mv_size = 8;
		if ((lrc = mdb_put(txn, st->agg, &k, &v, 0)) != 0)
			goto out;
	}
	for (i = 0; i < rc.sl.n; i++) {
		vb[0] = SUM_VERSION;
		for (j = 0; j < SUM_NCOUNTERS; j++)
			be64_put(vb + 1 + 8 * j, rc.sl.v[i].c[j]);
		k.mv_data = rc.sl.v[i].k;
		k.mv_size = SUM_KEY_LEN;
		v.mv_data = vb;
		v.mv_size = SUM_VAL_LEN;
		if ((lrc = mdb_put(txn, st->sums, &k, &v, 0)) != 0)
			goto out;
	}
	lrc = 0;
out:
	free(rc.l.v);
	free(rc.sl.v);
	free(rc.r);
	return (lrc);
}

long
store_verify(struct store *st, FILE *out)
{
	MDB_txn		*txn = NULL;
	MDB_cursor	*c = NULL;
	struct recomp	 re;
	struct vlist	*l = &re.l;
	MDB_val		 k, v;
	uint64_t	 stored;
	long		 bad = -1, n, n2;
	size_t		 i = 0;
	int		 rc, cmp;

	memset(&re, 0, sizeof(re));
	re.r = xmalloc(sizeof(*re.r));
	re.out = out;
	if (store_txn_begin(st, MDB_RDONLY, &txn) != 0)
		goto out;
	if ((n = verify_tickets(st, txn, &re)) == -1)
		goto out;
	bad = n;
	if ((n = verify_responses(st, txn, &re)) == -1) {
		bad = -1;
		goto out;
	}
	bad += n;
	if ((n = verify_idem(st, txn, re.r, out)) == -1 ||
	    (n2 = verify_answered(st, txn, out)) == -1) {
		bad = -1;
		goto out;
	}
	bad += n + n2;
	{
		MDB_stat	 ms;

		if (mdb_stat(txn, st->comments, &ms) != 0) {
			bad = -1;
			goto out;
		}
		if (ms.ms_entries != re.comments) {
			fprintf(out, "comment index: %zu entries for %zu "
			    "responses with a comment\n",
			    (size_t)ms.ms_entries, re.comments);
			bad++;
		}
	}
	vlist_compact(l);
	slist_compact(&re.sl);
	if ((n = verify_sums(st, txn, &re.sl, out)) == -1) {
		bad = -1;
		goto out;
	}
	bad += n;

	if (mdb_cursor_open(txn, st->agg, &c) != 0) {
		bad = -1;
		goto out;
	}
	rc = mdb_cursor_get(c, &k, &v, MDB_FIRST);
	while (rc == 0 || i < l->n) {
		if (rc != 0 && rc != MDB_NOTFOUND) {
			bad = -1;
			goto out;
		}
		if (rc == 0 && k.mv_size != AGG_KEY_LEN) {
			fprintf(out, "agg key of %zu bytes: malformed\n",
			    k.mv_size);
			bad++;
			rc = mdb_cursor_get(c, &k, &v, MDB_NEXT);
			continue;
		}
		if (rc != 0)
			cmp = 1;
		else if (i == l->n)
			cmp = -1;
		else
			cmp = memcmp(k.mv_data, l->v[i].k, AGG_KEY_LEN);
		stored = 0;
		if (cmp <= 0) {
			if (v.mv_size != 8) {
				fprintf(out, "agg value of %zu bytes: "
				    "malformed\n", v.mv_size);
				bad++;
				stored = UINT64_MAX;
			} else
				stored = be64_get(v.mv_data);
		}
		if (cmp < 0) {
			if (stored != 0 && stored != UINT64_MAX) {
				agg_report(out, k.mv_data, stored, 0);
				bad++;
			}
			rc = mdb_cursor_get(c, &k, &v, MDB_NEXT);
		} else if (cmp > 0) {
			agg_report(out, l->v[i].k, 0, l->v[i].n);
			bad++;
			i++;
		} else {
			if (stored != l->v[i].n && stored != UINT64_MAX) {
				agg_report(out, l->v[i].k, stored, l->v[i].n);
				bad++;
			}
			rc = mdb_cursor_get(c, &k, &v, MDB_NEXT);
			i++;
		}
	}
out:
	if (c != NULL)
		mdb_cursor_close(c);
	store_txn_abort(st, txn);
	free(re.l.v);
	free(re.sl.v);
	free(re.r);
	return (bad);
}
