/*
 * record.c: the encodings of the stored records and the layouts of the
 * keys (schema/STORAGE.md). Pure functions on bytes: no LMDB, no I/O.
 * Trap: decoders read untrusted bytes; every length is checked before
 * it is used, and a record must be consumed exactly (no trailing bytes).
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "crypto.h"
#include "record.h"
#include "util.h"

#define ENC_VERSION	1
/* Tickets: version 2 (format 8) adds who issued it, the survey and the
 * service. */
#define TICKET_VERSION	2
#define USER_VERSION	2	/* 1 had no one-time code secret */
#define APIKEY_VERSION	4	/* 1 had no counter, 2 no kiosk report,
				 * 3 no app version */

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

/* An officer's key id: none, or KEY_ID_HEX lower-case hex digits. */
static int
officer_ok(const char *s)
{
	size_t	 i, n = strnlen(s, KEY_ID_HEX + 1);

	if (n != 0 && n != KEY_ID_HEX)
		return (0);
	for (i = 0; i < n; i++)
		if ((s[i] < '0' || s[i] > '9') && (s[i] < 'a' || s[i] > 'f'))
			return (0);
	return (1);
}

size_t
record_ticket_encode(const struct ticket *t, uint8_t *out,
    size_t outlen)
{
	struct enc	 e = { out, outlen, 0, 0 };

	if (t->state > TICKET_VOID || !officer_ok(t->officer))
		return (0);
	enc_u8(&e, TICKET_VERSION);
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
	enc_str(&e, t->officer, KEY_ID_HEX);
	enc_str(&e, t->officer_name, KEY_NAME_MAX);
	enc_str(&e, t->survey, SURVEY_ID_MAX);
	enc_str(&e, t->service, SERVICE_CODE_MAX);
	return (e.bad ? 0 : e.off);
}

int
record_ticket_decode(const uint8_t *in, size_t len, struct ticket *t)
{
	struct dec	 d = { in, len, 0, 0 };
	const uint8_t	*id;
	uint8_t		 version;

	memset(t, 0, sizeof(*t));
	if ((version = dec_u8(&d)) != 1 && version != TICKET_VERSION)
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
	if (version >= 2) {
		dec_str(&d, t->officer, KEY_ID_HEX);
		dec_str(&d, t->officer_name, KEY_NAME_MAX);
		/* Version 1: the procedure survey's (ticket_survey()). */
		dec_str(&d, t->survey, SURVEY_ID_MAX);
		dec_str(&d, t->service, SERVICE_CODE_MAX);
	}
	if (d.bad || d.off != len || t->state > TICKET_VOID ||
	    !officer_ok(t->officer)) {
		memset(t, 0, sizeof(*t));
		return (-1);
	}
	return (0);
}

size_t
record_response_encode(const struct response *r, uint8_t *out,
    size_t outlen)
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
record_response_decode(const uint8_t *in, size_t len,
    struct response *r)
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
record_apikey_encode(const struct apikey *k, uint8_t *out,
    size_t outlen)
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
	enc_str(&e, k->app, KIOSK_APP_MAX);
	return (e.bad ? 0 : e.off);
}

int
record_apikey_decode(const uint8_t *in, size_t len, struct apikey *k)
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
	if (version >= 4)
		dec_str(&d, k->app, KIOSK_APP_MAX);
	if (d.bad || d.off != len) {
		memset(k, 0, sizeof(*k));
		return (-1);
	}
	return (0);
}

size_t
record_enrol_encode(const struct enrol *en, uint8_t *out,
    size_t outlen)
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
record_enrol_decode(const uint8_t *in, size_t len, struct enrol *en)
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
record_idem_encode(const struct idem *im, uint8_t *out,
    size_t outlen)
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
record_idem_decode(const uint8_t *in, size_t len, struct idem *im)
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

void
record_idem_key(const uint8_t keyhash[32], const char *idem, size_t len,
    uint8_t out[32])
{
	uint8_t	 b[32 + 256];

	if (len > sizeof(b) - 32)
		len = sizeof(b) - 32;
	memcpy(b, keyhash, 32);
	memcpy(b + 32, idem, len);
	crypto_sha256(b, 32 + len, out);
}

/* Dossiers: version 1. */
size_t
record_dossier_encode(const struct dossier *dd, uint8_t *out, size_t outlen)
{
	struct enc	 e = { out, outlen, 0, 0 };

	if (dd->outcome != DOSSIER_NONE && !dossier_is_outcome(dd->outcome))
		return (0);
	enc_u8(&e, ENC_VERSION);
	enc_u64(&e, (uint64_t)dd->received);
	enc_u64(&e, (uint64_t)dd->due);
	enc_u64(&e, (uint64_t)dd->supplement_first);
	enc_u64(&e, (uint64_t)dd->supplement_last);
	enc_u8(&e, dd->outcome);
	enc_u64(&e, (uint64_t)dd->settled);
	enc_u64(&e, (uint64_t)dd->updated);
	enc_str(&e, dd->unit, UNIT_CODE_MAX);
	enc_str(&e, dd->handling_unit, UNIT_CODE_MAX);
	enc_str(&e, dd->procedure, PROC_CODE_MAX);
	return (e.bad ? 0 : e.off);
}

int
record_dossier_decode(const uint8_t *in, size_t len, struct dossier *dd)
{
	struct dec	 d = { in, len, 0, 0 };

	memset(dd, 0, sizeof(*dd));
	if (dec_u8(&d) != ENC_VERSION)
		return (-1);
	dd->received = (int64_t)dec_u64(&d);
	dd->due = (int64_t)dec_u64(&d);
	dd->supplement_first = (int64_t)dec_u64(&d);
	dd->supplement_last = (int64_t)dec_u64(&d);
	dd->outcome = dec_u8(&d);
	dd->settled = (int64_t)dec_u64(&d);
	dd->updated = (int64_t)dec_u64(&d);
	dec_str(&d, dd->unit, UNIT_CODE_MAX);
	dec_str(&d, dd->handling_unit, UNIT_CODE_MAX);
	dec_str(&d, dd->procedure, PROC_CODE_MAX);
	if (d.bad || d.off != len || (dd->outcome != DOSSIER_NONE &&
	    !dossier_is_outcome(dd->outcome))) {
		memset(dd, 0, sizeof(*dd));
		return (-1);
	}
	return (0);
}

int
record_dstat_key(const struct dossier_stat *ds, uint8_t out[DSTAT_KEY_LEN])
{
	if (strlen(ds->agency) > UNIT_CODE_MAX ||
	    strlen(ds->procedure) > PROC_CODE_MAX)
		return (-1);
	be32_put(out, ds->month);
	slot_put(out + 4, UNIT_CODE_MAX + 1, ds->agency);
	slot_put(out + 4 + UNIT_CODE_MAX + 1, PROC_CODE_MAX + 1,
	    ds->procedure);
	return (0);
}

void
record_dstat_value(const struct dossier_stat *ds, uint8_t out[DSTAT_VAL_LEN])
{
	out[0] = ENC_VERSION;
	be64_put(out + 1, ds->received);
	be64_put(out + 9, ds->on_time);
	be64_put(out + 17, ds->late);
	be64_put(out + 25, ds->refused);
	be64_put(out + 33, ds->withdrawn);
	be64_put(out + 41, (uint64_t)ds->imported);
}

int
record_dstat_decode(const uint8_t *k, size_t klen, const uint8_t *v,
    size_t vlen, struct dossier_stat *ds)
{
	memset(ds, 0, sizeof(*ds));
	if (klen != DSTAT_KEY_LEN || vlen != DSTAT_VAL_LEN ||
	    v[0] != ENC_VERSION ||
	    slot_get(k + 4, UNIT_CODE_MAX + 1, ds->agency, 1) == -1 ||
	    slot_get(k + 4 + UNIT_CODE_MAX + 1, PROC_CODE_MAX + 1,
	    ds->procedure, 1) == -1) {
		memset(ds, 0, sizeof(*ds));
		return (-1);
	}
	ds->month = be32_get(k);
	ds->received = be64_get(v + 1);
	ds->on_time = be64_get(v + 9);
	ds->late = be64_get(v + 17);
	ds->refused = be64_get(v + 25);
	ds->withdrawn = be64_get(v + 33);
	ds->imported = (int64_t)be64_get(v + 41);
	return (0);
}

size_t
record_ticket_link_encode(uint8_t stage, const uint8_t dkey[CASE_KEY_LEN],
    uint8_t out[LINK_VAL_LEN])
{
	if (stage >= STAGE_COUNT)
		return (0);
	out[0] = ENC_VERSION;
	out[1] = stage;
	memcpy(out + 2, dkey, CASE_KEY_LEN);
	return (LINK_VAL_LEN);
}

int
record_ticket_link_decode(const uint8_t *in, size_t len, uint8_t *stage,
    uint8_t dkey[CASE_KEY_LEN])
{
	if (len != LINK_VAL_LEN || in[0] != ENC_VERSION ||
	    in[1] >= STAGE_COUNT)
		return (-1);
	*stage = in[1];
	memcpy(dkey, in + 2, CASE_KEY_LEN);
	return (0);
}

void
record_stage_hash(const uint8_t hash[32], int stage, uint8_t out[32])
{
	uint8_t	 b[33];

	if (stage == STAGE_RETURNED) {
		memcpy(out, hash, 32);
		return;
	}
	memcpy(b, hash, 32);
	b[32] = (uint8_t)stage;
	crypto_sha256(b, sizeof(b), out);
}

size_t
record_pending_encode(const struct pending *p, uint8_t *out, size_t outlen)
{
	struct enc	 e = { out, outlen, 0, 0 };

	enc_u8(&e, ENC_VERSION);
	enc_bytes(&e, p->ticket, TICKET_ID_LEN);
	enc_u64(&e, (uint64_t)p->offered);
	return (e.bad ? 0 : e.off);
}

int
record_pending_decode(const uint8_t *in, size_t len, struct pending *p)
{
	struct dec	 d = { in, len, 0, 0 };
	const uint8_t	*id;

	memset(p, 0, sizeof(*p));
	if (dec_u8(&d) != ENC_VERSION)
		return (-1);
	if ((id = dec_bytes(&d, TICKET_ID_LEN)) != NULL)
		memcpy(p->ticket, id, TICKET_ID_LEN);
	p->offered = (int64_t)dec_u64(&d);
	if (d.bad || d.off != len) {
		memset(p, 0, sizeof(*p));
		return (-1);
	}
	return (0);
}

void
record_pending_key(const char *unit, const char *counter, uint8_t out[32])
{
	uint8_t	 b[UNIT_CODE_MAX + 1 + COUNTER_MAX];
	size_t	 u = strnlen(unit, UNIT_CODE_MAX), n = strnlen(counter,
		    COUNTER_MAX);

	memcpy(b, unit, u);
	b[u] = '\0';
	memcpy(b + u + 1, counter, n);
	crypto_sha256(b, u + 1 + n, out);
}

void
record_case_key(const char *unit, const uint8_t hash[32],
    uint8_t out[CASE_KEY_LEN])
{
	slot_put(out, UNIT_CODE_MAX, unit);
	memcpy(out + UNIT_CODE_MAX, hash, 32);
}

int
record_agg_key(const struct agg_key *k, uint8_t out[AGG_KEY_LEN])
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
record_agg_key_decode(const uint8_t *p, size_t len, struct agg_key *k)
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
record_sum_key(uint32_t month, const char *unit, const char *sector,
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

void
record_sum_value(const uint64_t *c, uint8_t out[SUM_VAL_LEN])
{
	size_t	 i;

	out[0] = SUM_VERSION;
	for (i = 0; i < SUM_NCOUNTERS; i++)
		be64_put(out + 1 + 8 * i, c[i]);
}

int
record_sum_counters(const uint8_t *in, size_t len, uint64_t *c)
{
	size_t	 i;

	if (len != SUM_VAL_LEN || in[0] != SUM_VERSION)
		return (-1);
	for (i = 0; i < SUM_NCOUNTERS; i++)
		c[i] = be64_get(in + 1 + 8 * i);
	return (0);
}

int
record_sum_key_decode(const uint8_t *k, size_t klen, uint32_t *month,
    char unit[UNIT_CODE_MAX + 1], char sector[SECTOR_CODE_MAX + 1])
{
	if (klen != SUM_KEY_LEN ||
	    slot_get(k + 4, UNIT_CODE_MAX + 1, unit, 1) == -1 ||
	    slot_get(k + 4 + UNIT_CODE_MAX + 1, SECTOR_CODE_MAX + 1, sector,
	    1) == -1)
		return (-1);
	*month = be32_get(k);
	return (0);
}

int
record_sum_decode(const uint8_t *k, size_t klen, const uint8_t *v,
    size_t vlen, struct store_sum *s)
{
	uint64_t	 c[SUM_NCOUNTERS];
	size_t		 i;

	memset(s, 0, sizeof(*s));
	if (record_sum_key_decode(k, klen, &s->month, s->unit,
	    s->sector) == -1 || record_sum_counters(v, vlen, c) == -1) {
		memset(s, 0, sizeof(*s));
		return (-1);
	}
	for (i = 0; i < SURVEY_LEVELS; i++)
		s->levels[i] = c[i];
	s->issued = c[SUM_ISSUED];
	for (i = 0; i < CHANNEL_COUNT; i++)
		s->channels[i] = c[SUM_CHANNEL + i];
	s->suspect = c[SUM_SUSPECT];
	s->answered = c[SUM_ANSWERED];
	for (i = 0; i < SURVEY_LEVELS; i++)
		s->suspect_levels[i] = c[SUM_SUSPECT_LEVEL + i];
	return (0);
}

void
record_comment(const struct response *r, uint8_t kb[COMMENT_KEY_LEN],
    uint8_t vb[COMMENT_VAL_LEN])
{
	be32_put(kb, r->month);
	be64_put(kb + 4, r->key);
	slot_put(vb, SECTOR_CODE_MAX + 1, response_agg_sector(r));
	slot_put(vb + SECTOR_CODE_MAX + 1, UNIT_CODE_MAX + 1, r->unit);
}

int
record_comment_decode(const uint8_t *v, size_t vlen,
    char sector[SECTOR_CODE_MAX + 1], char unit[UNIT_CODE_MAX + 1])
{
	if (vlen != COMMENT_VAL_LEN ||
	    slot_get(v, SECTOR_CODE_MAX + 1, sector, 1) == -1 ||
	    slot_get(v + SECTOR_CODE_MAX + 1, UNIT_CODE_MAX + 1, unit,
	    1) == -1)
		return (-1);
	return (0);
}

int
record_desk_key(const struct store_desk *d, uint8_t out[DESK_KEY_LEN])
{
	uint8_t	*p = out;

	if ((d->kind != DESK_COUNTER && d->kind != DESK_OFFICER) ||
	    strnlen(d->unit, UNIT_CODE_MAX + 1) > UNIT_CODE_MAX ||
	    strnlen(d->code, COUNTER_MAX + 1) > COUNTER_MAX ||
	    strnlen(d->name, KEY_NAME_MAX + 1) > KEY_NAME_MAX)
		return (-1);
	be32_put(p, d->month);
	p += 4;
	slot_put(p, UNIT_CODE_MAX + 1, d->unit);
	p += UNIT_CODE_MAX + 1;
	*p++ = d->kind;
	slot_put(p, COUNTER_MAX + 1, d->code);
	p += COUNTER_MAX + 1;
	slot_put(p, KEY_NAME_MAX + 1, d->name);
	return (0);
}

void
record_desk_value(const uint64_t *c, uint8_t out[DESK_VAL_LEN])
{
	size_t	 i;

	out[0] = DESK_VERSION;
	for (i = 0; i < DESK_NCOUNTERS; i++)
		be64_put(out + 1 + 8 * i, c[i]);
}

int
record_desk_counters(const uint8_t *in, size_t len, uint64_t *c)
{
	size_t	 i;

	if (len != DESK_VAL_LEN || in[0] != DESK_VERSION)
		return (-1);
	for (i = 0; i < DESK_NCOUNTERS; i++)
		c[i] = be64_get(in + 1 + 8 * i);
	return (0);
}

int
record_desk_decode(const uint8_t *k, size_t klen, const uint8_t *v,
    size_t vlen, struct store_desk *d)
{
	uint64_t	 c[DESK_NCOUNTERS];
	const uint8_t	*p = k;
	size_t		 i;

	memset(d, 0, sizeof(*d));
	if (klen != DESK_KEY_LEN || record_desk_counters(v, vlen, c) == -1)
		goto bad;
	d->month = be32_get(p);
	p += 4;
	if (slot_get(p, UNIT_CODE_MAX + 1, d->unit, 1) == -1)
		goto bad;
	p += UNIT_CODE_MAX + 1;
	d->kind = *p++;
	if ((d->kind != DESK_COUNTER && d->kind != DESK_OFFICER) ||
	    slot_get(p, COUNTER_MAX + 1, d->code, 1) == -1 ||
	    slot_get(p + COUNTER_MAX + 1, KEY_NAME_MAX + 1, d->name,
	    1) == -1)
		goto bad;
	d->issued = c[DESK_ISSUED];
	d->answered = c[DESK_ANSWERED];
	for (i = 0; i < SURVEY_LEVELS; i++)
		d->levels[i] = c[DESK_LEVEL + i];
	d->suspect = c[DESK_SUSPECT];
	return (0);
bad:
	memset(d, 0, sizeof(*d));
	return (-1);
}

void
record_answered_key(const struct ticket *t, uint8_t kb[ANSWERED_KEY_LEN])
{
	be64_put(kb, (uint64_t)t->issued);
	memcpy(kb + 8, t->id, TICKET_ID_LEN);
}

size_t
record_user_encode(const struct user *u, uint8_t *out, size_t outlen)
{
	struct enc	 e = { out, outlen, 0, 0 };

	if (u->lanes == 0 || u->t_cost == 0 || u->m_cost == 0 ||
	    (u->role != ROLE_COUNTER && u->role != ROLE_VIEWER &&
	    u->role != ROLE_ADMIN && u->role != ROLE_HEAD) ||
	    (u->flags & ~USER_FLAGS) != 0)
		return (0);
	enc_u8(&e, USER_VERSION);
	enc_u8(&e, u->role);
	enc_u8(&e, u->flags);
	enc_u64(&e, (uint64_t)u->created);
	enc_u64(&e, (uint64_t)u->changed);
	enc_u32(&e, u->gen);
	enc_str(&e, u->unit, UNIT_CODE_MAX);
	enc_u32(&e, u->t_cost);
	enc_u32(&e, u->m_cost);
	enc_u8(&e, u->lanes);
	enc_bytes(&e, u->salt, USER_SALT_LEN);
	enc_bytes(&e, u->hash, USER_HASH_LEN);
	if ((u->flags & (USER_TOTP | USER_TOTP_NEW)) != 0) {
		enc_u8(&e, USER_TOTP_SEALED);
		enc_bytes(&e, u->totp, USER_TOTP_SEALED);
	} else
		enc_u8(&e, 0);
	enc_u64(&e, u->totp_step);
	return (e.bad ? 0 : e.off);
}

int
record_user_decode(const uint8_t *in, size_t len, struct user *u)
{
	struct dec	 d = { in, len, 0, 0 };
	const uint8_t	*p;
	uint8_t		 version, n;

	memset(u, 0, sizeof(*u));
	version = dec_u8(&d);
	if (version < 1 || version > USER_VERSION)
		return (-1);
	u->role = dec_u8(&d);
	u->flags = dec_u8(&d);
	u->created = (int64_t)dec_u64(&d);
	u->changed = (int64_t)dec_u64(&d);
	u->gen = dec_u32(&d);
	dec_str(&d, u->unit, UNIT_CODE_MAX);
	u->t_cost = dec_u32(&d);
	u->m_cost = dec_u32(&d);
	u->lanes = dec_u8(&d);
	if ((p = dec_bytes(&d, USER_SALT_LEN)) != NULL)
		memcpy(u->salt, p, USER_SALT_LEN);
	if ((p = dec_bytes(&d, USER_HASH_LEN)) != NULL)
		memcpy(u->hash, p, USER_HASH_LEN);
	if (version >= 2) {
		/* The secret is there exactly when a flag says so. */
		n = dec_u8(&d);
		if (n != ((u->flags & (USER_TOTP | USER_TOTP_NEW)) != 0 ?
		    USER_TOTP_SEALED : 0))
			d.bad = 1;
		else if (n > 0 && (p = dec_bytes(&d, n)) != NULL)
			memcpy(u->totp, p, n);
		u->totp_step = dec_u64(&d);
	}
	if (d.bad || d.off != len || u->lanes == 0 || u->t_cost == 0 ||
	    u->m_cost == 0 || (u->flags & ~(version >= 2 ? USER_FLAGS :
	    USER_DISABLED)) != 0 ||
	    (u->role != ROLE_COUNTER && u->role != ROLE_VIEWER &&
	    u->role != ROLE_ADMIN && u->role != ROLE_HEAD)) {
		memset(u, 0, sizeof(*u));
		return (-1);
	}
	return (0);
}

int
record_user_key(const char *name, uint8_t out[USER_KEY_LEN])
{
	size_t	 n = strnlen(name, USER_NAME_MAX + 1);

	if (!user_name_ok(name, n))
		return (-1);
	slot_put(out, USER_KEY_LEN, name);
	return (0);
}

/* A u16 length and that many bytes of text. */
static void
enc_text16(struct enc *e, const char *s, size_t max)
{
	size_t	 n = strnlen(s, max + 1);

	if (n > max) {
		e->bad = 1;
		return;
	}
	enc_u16(e, (uint16_t)n);
	enc_bytes(e, s, n);
}

static void
dec_text16(struct dec *d, char *out, size_t max)
{
	size_t	 n = dec_u16(d);

	out[0] = '\0';
	if (n > max) {
		d->bad = 1;
		return;
	}
	dec_text(d, out, n);
}

size_t
record_audit_encode(const struct audit *a, uint8_t *out, size_t outlen)
{
	struct enc	 e = { out, outlen, 0, 0 };

	enc_u8(&e, ENC_VERSION);
	enc_u64(&e, (uint64_t)a->at);
	enc_u8(&e, a->role);
	enc_str(&e, a->who, AUDIT_WHO_MAX);
	enc_str(&e, a->action, AUDIT_ACTION_MAX);
	enc_str(&e, a->unit, UNIT_CODE_MAX);
	enc_text16(&e, a->before, AUDIT_JSON_MAX);
	enc_text16(&e, a->after, AUDIT_JSON_MAX);
	return (e.bad ? 0 : e.off);
}

int
record_audit_decode(const uint8_t *in, size_t len, struct audit *a)
{
	struct dec	 d = { in, len, 0, 0 };

	memset(a, 0, sizeof(*a));
	if (dec_u8(&d) != ENC_VERSION)
		return (-1);
	a->at = (int64_t)dec_u64(&d);
	a->role = dec_u8(&d);
	dec_str(&d, a->who, AUDIT_WHO_MAX);
	dec_str(&d, a->action, AUDIT_ACTION_MAX);
	dec_str(&d, a->unit, UNIT_CODE_MAX);
	dec_text16(&d, a->before, AUDIT_JSON_MAX);
	dec_text16(&d, a->after, AUDIT_JSON_MAX);
	if (d.bad || d.off != len) {
		memset(a, 0, sizeof(*a));
		return (-1);
	}
	return (0);
}

size_t
record_catrow_encode(const struct catrow *c, uint8_t *out, size_t outlen)
{
	struct enc	 e = { out, outlen, 0, 0 };
	int		 l;

	if (c->type != CATROW_UNIT && c->type != CATROW_PROC)
		return (0);
	enc_u8(&e, ENC_VERSION);
	enc_u8(&e, (uint8_t)c->type);
	enc_str(&e, c->code, UNIT_CODE_MAX);
	enc_str(&e, c->parent, UNIT_CODE_MAX);
	enc_str(&e, c->kind, UNIT_KIND_MAX);
	enc_str(&e, c->sector, SECTOR_CODE_MAX);
	for (l = 0; l < LANG_COUNT; l++)
		enc_text16(&e, c->name[l], CATALOG_NAME_MAX);
	enc_str(&e, c->hotline, UNIT_HOTLINE_MAX);
	/* A retired unit's tail; rows written before it have none. */
	if (c->retired[0] != '\0' || c->successor[0] != '\0') {
		enc_str(&e, c->retired, UNIT_DATE_LEN);
		enc_str(&e, c->successor, UNIT_CODE_MAX);
	}
	return (e.bad ? 0 : e.off);
}

int
record_catrow_decode(const uint8_t *in, size_t len, struct catrow *c)
{
	struct dec	 d = { in, len, 0, 0 };
	int		 l;

	memset(c, 0, sizeof(*c));
	if (dec_u8(&d) != ENC_VERSION)
		return (-1);
	c->type = (char)dec_u8(&d);
	dec_str(&d, c->code, UNIT_CODE_MAX);
	dec_str(&d, c->parent, UNIT_CODE_MAX);
	dec_str(&d, c->kind, UNIT_KIND_MAX);
	dec_str(&d, c->sector, SECTOR_CODE_MAX);
	for (l = 0; l < LANG_COUNT; l++)
		dec_text16(&d, c->name[l], CATALOG_NAME_MAX);
	dec_str(&d, c->hotline, UNIT_HOTLINE_MAX);
	/* The tail, when there, is a retirement or a withdrawal. */
	if (!d.bad && d.off < len) {
		dec_str(&d, c->retired, UNIT_DATE_LEN);
		dec_str(&d, c->successor, UNIT_CODE_MAX);
		if (c->retired[0] == '\0' && c->successor[0] == '\0')
			d.bad = 1;
	}
	if (d.bad || d.off != len || c->code[0] == '\0' ||
	    (c->type != CATROW_UNIT && c->type != CATROW_PROC)) {
		memset(c, 0, sizeof(*c));
		return (-1);
	}
	return (0);
}

int
record_catrow_key(char type, const char *code, uint8_t out[CATROW_KEY_LEN])
{
	size_t	 n = strnlen(code, UNIT_CODE_MAX + 1);

	if ((type != CATROW_UNIT && type != CATROW_PROC) || n == 0 ||
	    n > UNIT_CODE_MAX)
		return (-1);
	out[0] = (uint8_t)type;
	slot_put(out + 1, CATROW_KEY_LEN - 1, code);
	return (0);
}

/* A text of at most max bytes, u16 length first, no NUL inside. */
static void
enc_text16n(struct enc *e, const char *s, size_t n, size_t max)
{
	if (n > max || memchr(s, '\0', n) != NULL) {
		e->bad = 1;
		return;
	}
	enc_u16(e, (uint16_t)n);
	enc_bytes(e, s, n);
}

static void
dec_text16n(struct dec *d, char *out, size_t *n, size_t max)
{
	*n = dec_u16(d);
	out[0] = '\0';
	if (*n > max) {
		d->bad = 1;
		return;
	}
	dec_text(d, out, *n);
}

size_t
record_followup_encode(const struct followup *f, uint8_t *out,
    size_t outlen)
{
	struct enc	 e = { out, outlen, 0, 0 };

	if (f->state >= FOLLOWUP_STATES || f->origin > FOLLOWUP_KIOSK ||
	    f->kind > FOLLOWUP_REQUEST || f->level > SURVEY_LEVELS)
		return (0);
	enc_u8(&e, ENC_VERSION);
	enc_u64(&e, f->id);
	enc_u64(&e, (uint64_t)f->created);
	enc_u64(&e, (uint64_t)f->updated);
	enc_u64(&e, (uint64_t)f->answered_at);
	enc_u64(&e, (uint64_t)f->closed_at);
	enc_u8(&e, f->state);
	enc_u8(&e, f->origin);
	enc_u8(&e, f->kind);
	enc_u8(&e, f->filed ? 1 : 0);
	enc_u8(&e, f->level);
	enc_u8(&e, f->has_contact ? 1 : 0);
	enc_u8(&e, f->has_ticket ? 1 : 0);
	enc_bytes(&e, f->ticket, TICKET_ID_LEN);
	enc_str(&e, f->unit, UNIT_CODE_MAX);
	enc_str(&e, f->procedure, PROC_CODE_MAX);
	enc_str(&e, f->sector, SECTOR_CODE_MAX);
	enc_str(&e, f->lang, LANG_CODE_MAX);
	enc_text16n(&e, f->text, f->text_len, FOLLOWUP_TEXT_MAX);
	enc_text16n(&e, f->answer, f->answer_len, FOLLOWUP_TEXT_MAX);
	return (e.bad ? 0 : e.off);
}

int
record_followup_decode(const uint8_t *in, size_t len, struct followup *f)
{
	struct dec	 d = { in, len, 0, 0 };
	const uint8_t	*p;

	memset(f, 0, sizeof(*f));
	if (dec_u8(&d) != ENC_VERSION)
		goto bad;
	f->id = dec_u64(&d);
	f->created = (int64_t)dec_u64(&d);
	f->updated = (int64_t)dec_u64(&d);
	f->answered_at = (int64_t)dec_u64(&d);
	f->closed_at = (int64_t)dec_u64(&d);
	f->state = dec_u8(&d);
	f->origin = dec_u8(&d);
	f->kind = dec_u8(&d);
	f->filed = dec_u8(&d);
	f->level = dec_u8(&d);
	f->has_contact = dec_u8(&d);
	f->has_ticket = dec_u8(&d);
	if ((p = dec_bytes(&d, TICKET_ID_LEN)) != NULL)
		memcpy(f->ticket, p, TICKET_ID_LEN);
	dec_str(&d, f->unit, UNIT_CODE_MAX);
	dec_str(&d, f->procedure, PROC_CODE_MAX);
	dec_str(&d, f->sector, SECTOR_CODE_MAX);
	dec_str(&d, f->lang, LANG_CODE_MAX);
	dec_text16n(&d, f->text, &f->text_len, FOLLOWUP_TEXT_MAX);
	dec_text16n(&d, f->answer, &f->answer_len, FOLLOWUP_TEXT_MAX);
	if (d.bad || d.off != len || f->state >= FOLLOWUP_STATES ||
	    f->origin > FOLLOWUP_KIOSK || f->kind > FOLLOWUP_REQUEST ||
	    f->filed > 1 || f->level > SURVEY_LEVELS || f->has_contact > 1 ||
	    f->has_ticket > 1)
		goto bad;
	return (0);
bad:
	memset(f, 0, sizeof(*f));
	return (-1);
}

size_t
record_followup_event_encode(const struct followup_event *ev, uint8_t *out,
    size_t outlen)
{
	struct enc	 e = { out, outlen, 0, 0 };

	if (ev->action < FOLLOWUP_EV_OPENED ||
	    ev->action > FOLLOWUP_EV_OVERDUE ||
	    ev->state >= FOLLOWUP_STATES)
		return (0);
	enc_u8(&e, ENC_VERSION);
	enc_u64(&e, (uint64_t)ev->at);
	enc_u8(&e, ev->action);
	enc_u8(&e, ev->state);
	enc_str(&e, ev->who, FOLLOWUP_WHO_MAX);
	enc_text16n(&e, ev->text, ev->text_len, FOLLOWUP_TEXT_MAX);
	return (e.bad ? 0 : e.off);
}

int
record_followup_event_decode(const uint8_t *k, size_t klen,
    const uint8_t *in, size_t len, struct followup_event *ev)
{
	struct dec	 d = { in, len, 0, 0 };

	memset(ev, 0, sizeof(*ev));
	if (klen != FOLLOWUP_EV_KEY_LEN || dec_u8(&d) != ENC_VERSION)
		goto bad;
	ev->id = be64_get(k);
	ev->seq = be32_get(k + 8);
	ev->at = (int64_t)dec_u64(&d);
	ev->action = dec_u8(&d);
	ev->state = dec_u8(&d);
	dec_str(&d, ev->who, FOLLOWUP_WHO_MAX);
	dec_text16n(&d, ev->text, &ev->text_len, FOLLOWUP_TEXT_MAX);
	if (d.bad || d.off != len || ev->action < FOLLOWUP_EV_OPENED ||
	    ev->action > FOLLOWUP_EV_OVERDUE ||
	    ev->state >= FOLLOWUP_STATES)
		goto bad;
	return (0);
bad:
	memset(ev, 0, sizeof(*ev));
	return (-1);
}

void
record_followup_event_key(uint64_t id, uint32_t seq,
    uint8_t out[FOLLOWUP_EV_KEY_LEN])
{
	be64_put(out, id);
	be32_put(out + 8, seq);
}

size_t
record_outbox_encode(const struct outbox_entry *o, uint8_t *out,
    size_t outlen)
{
	struct enc	 e = { out, outlen, 0, 0 };

	if (o->body_len > OUTBOX_BODY_MAX ||
	    memchr(o->body, '\0', o->body_len) != NULL)
		return (0);
	enc_u8(&e, ENC_VERSION);
	enc_u64(&e, o->id);
	enc_u64(&e, (uint64_t)o->created);
	enc_u64(&e, (uint64_t)o->next);
	enc_u32(&e, o->attempts);
	enc_u64(&e, o->item);
	enc_str(&e, o->unit, UNIT_CODE_MAX);
	enc_u32(&e, (uint32_t)o->body_len);
	enc_bytes(&e, o->body, o->body_len);
	return (e.bad ? 0 : e.off);
}

int
record_outbox_decode(const uint8_t *in, size_t len, struct outbox_entry *o)
{
	struct dec	 d = { in, len, 0, 0 };

	memset(o, 0, sizeof(*o));
	if (dec_u8(&d) != ENC_VERSION)
		goto bad;
	o->id = dec_u64(&d);
	o->created = (int64_t)dec_u64(&d);
	o->next = (int64_t)dec_u64(&d);
	o->attempts = dec_u32(&d);
	o->item = dec_u64(&d);
	dec_str(&d, o->unit, UNIT_CODE_MAX);
	o->body_len = dec_u32(&d);
	if (d.bad || o->body_len > OUTBOX_BODY_MAX)
		goto bad;
	dec_text(&d, o->body, o->body_len);
	if (d.bad || d.off != len)
		goto bad;
	return (0);
bad:
	memset(o, 0, sizeof(*o));
	return (-1);
}

/* ------------------------------------------------- survey versions */

int
record_survey_row_encode(const struct survey_row *r, uint8_t **out,
    size_t *len)
{
	struct enc	 e;
	size_t		 max = 1 + 1 + 1 + SURVEY_ID_MAX + 4 + 8 + 1 +
			    SURVEY_ROW_WHO_MAX + 4 + r->len;

	*out = NULL;
	*len = 0;
	if (r->len > INI_FILE_MAX || r->id[0] == '\0' ||
	    memchr(r->text, '\0', r->len) != NULL)
		return (-1);
	e.p = xmalloc(max);
	e.len = max;
	e.off = 0;
	e.bad = 0;
	enc_u8(&e, ENC_VERSION);
	enc_u8(&e, (uint8_t)CATROW_SURVEY);
	enc_str(&e, r->id, SURVEY_ID_MAX);
	enc_u32(&e, r->version);
	enc_u64(&e, (uint64_t)r->at);
	enc_str(&e, r->who, SURVEY_ROW_WHO_MAX);
	enc_u32(&e, (uint32_t)r->len);
	enc_bytes(&e, r->text, r->len);
	if (e.bad) {
		free(e.p);
		return (-1);
	}
	*out = e.p;
	*len = e.off;
	return (0);
}

int
record_survey_row_decode(const uint8_t *in, size_t len, struct survey_row *r)
{
	struct dec	 d = { in, len, 0, 0 };
	const uint8_t	*t;
	uint32_t	 n;

	memset(r, 0, sizeof(*r));
	if (dec_u8(&d) != ENC_VERSION || dec_u8(&d) != CATROW_SURVEY)
		return (-1);
	dec_str(&d, r->id, SURVEY_ID_MAX);
	r->version = dec_u32(&d);
	r->at = (int64_t)dec_u64(&d);
	dec_str(&d, r->who, SURVEY_ROW_WHO_MAX);
	n = dec_u32(&d);
	if (d.bad || n > INI_FILE_MAX || (t = dec_bytes(&d, n)) == NULL ||
	    d.off != len || r->id[0] == '\0' || r->version == 0 ||
	    memchr(t, '\0', n) != NULL) {
		memset(r, 0, sizeof(*r));
		return (-1);
	}
	r->text = xmalloc((size_t)n + 1);
	memcpy(r->text, t, n);
	r->text[n] = '\0';
	r->len = n;
	return (0);
}

int
record_survey_row_key(const char *id, uint32_t version,
    uint8_t out[SURVEY_ROW_KEY_LEN])
{
	size_t	 n = strnlen(id, SURVEY_ID_MAX + 1);

	if (n == 0 || n > SURVEY_ID_MAX)
		return (-1);
	out[0] = (uint8_t)CATROW_SURVEY;
	slot_put(out + 1, SURVEY_ID_MAX + 1, id);
	be32_put(out + 1 + SURVEY_ID_MAX + 1, version);
	return (0);
}

/* ----------------------------------------------------------- targets */

static int
target_kind_ok(char k)
{
	return (k == TARGET_INDICATOR || k == TARGET_SECTOR ||
	    k == TARGET_OVERALL);
}

size_t
record_target_row_encode(const struct target_row *t, uint8_t *out,
    size_t outlen)
{
	struct enc	 e = { out, outlen, 0, 0 };

	if (!target_kind_ok(t->kind) || t->year < 0 || t->year > 65535 ||
	    t->tenths < 0 || t->tenths > 1000)
		return (0);
	enc_u8(&e, ENC_VERSION);
	enc_u8(&e, (uint8_t)CATROW_TARGET);
	enc_u8(&e, (uint8_t)t->kind);
	enc_str(&e, t->code, TARGET_CODE_MAX);
	enc_u16(&e, (uint16_t)t->year);
	enc_u16(&e, (uint16_t)t->tenths);
	enc_u64(&e, (uint64_t)t->at);
	enc_str(&e, t->who, TARGET_WHO_MAX);
	return (e.bad ? 0 : e.off);
}

int
record_target_row_decode(const uint8_t *in, size_t len, struct target_row *t)
{
	struct dec	 d = { in, len, 0, 0 };

	memset(t, 0, sizeof(*t));
	if (dec_u8(&d) != ENC_VERSION || dec_u8(&d) != CATROW_TARGET)
		return (-1);
	t->kind = (char)dec_u8(&d);
	dec_str(&d, t->code, TARGET_CODE_MAX);
	t->year = dec_u16(&d);
	t->tenths = dec_u16(&d);
	t->at = (int64_t)dec_u64(&d);
	dec_str(&d, t->who, TARGET_WHO_MAX);
	if (d.bad || d.off != len || !target_kind_ok(t->kind) ||
	    t->tenths > 1000 || (t->kind != TARGET_OVERALL &&
	    t->code[0] == '\0')) {
		memset(t, 0, sizeof(*t));
		return (-1);
	}
	return (0);
}

int
record_target_row_key(char kind, const char *code, int year,
    uint8_t out[TARGET_ROW_KEY_LEN])
{
	size_t	 n = strnlen(code, TARGET_CODE_MAX + 1);

	if (!target_kind_ok(kind) || n > TARGET_CODE_MAX || year < 0 ||
	    year > 65535 || (kind != TARGET_OVERALL && n == 0))
		return (-1);
	out[0] = (uint8_t)CATROW_TARGET;
	out[1] = (uint8_t)kind;
	slot_put(out + 2, TARGET_CODE_MAX + 1, code);
	out[2 + TARGET_CODE_MAX + 1] = (uint8_t)(year >> 8);
	out[2 + TARGET_CODE_MAX + 2] = (uint8_t)year;
	return (0);
}
