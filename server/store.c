/*
 * store.c: the environment of the data directory (schema/STORAGE.md):
 * open and create, the format record and its upgrades, transactions
 * under the store's lock, map growth, backup and bulk mode.
 * Trap: every transaction holds st->lock shared because a map resize
 * unmaps under open readers. Besides the writer, only this file writes,
 * and only in the open's own transaction: the format record, the time
 * zone and the upgrades' rebuilds (store_verify.c) of a directory that an
 * older hailong wrote.
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

#include "crypto.h"
#include "store.h"
#include "store_priv.h"
#include "util.h"

/* The map size a new environment starts with (store_set_initial_map). */
static size_t	 store_initial_map = STORE_MAPSIZE_INITIAL;


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

/*
 * Format 9: the users, audit and catalog tables, created when missing
 * (a new directory, or one of format 8 or older); nothing else changes.
 */
static int
store_add_users_audit_catalog(struct store *st, MDB_txn *txn)
{
	int	 rc;

	if ((rc = mdb_dbi_open(txn, "users", MDB_CREATE, &st->users)) != 0 ||
	    (rc = mdb_dbi_open(txn, "audit", MDB_CREATE, &st->audit)) != 0)
		return (rc);
	return (mdb_dbi_open(txn, "catalog", MDB_CREATE, &st->catalog));
}

/*
 * The upgrade to format 9: the dossiers of the one-stop software, the
 * links of tickets to them and the imported monthly statistics, created
 * empty when missing (nothing to rebuild: an older hailong kept no
 * dossier). An LMDB code.
 */
static int
store_add_dossiers(struct store *st, MDB_txn *txn)
{
	int	 rc;

	if ((rc = mdb_dbi_open(txn, "dossiers", MDB_CREATE,
	    &st->dossiers)) != 0 ||
	    (rc = mdb_dbi_open(txn, "ticket_dossiers", MDB_CREATE,
	    &st->ticket_dossiers)) != 0)
		return (rc);
	return (mdb_dbi_open(txn, "dossier_stats", MDB_CREATE,
	    &st->dossier_stats));
}

/*
 * Format 9: the follow-up items, their history, the sealed call-back
 * numbers and the webhooks' outbox; created when missing (a new
 * directory, or one of format 8), nothing rebuilt.
 */
static int
store_add_followups(struct store *st, MDB_txn *txn)
{
	int	 rc;

	if ((rc = mdb_dbi_open(txn, "followups", MDB_CREATE,
	    &st->followups)) != 0 ||
	    (rc = mdb_dbi_open(txn, "followup_log", MDB_CREATE,
	    &st->followup_log)) != 0 ||
	    (rc = mdb_dbi_open(txn, "contacts", MDB_CREATE,
	    &st->contacts)) != 0 ||
	    (rc = mdb_dbi_open(txn, "outbox", MDB_CREATE, &st->outbox)) != 0)
		return (rc);
	return (0);
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
		 * 6 counts walk-ins in no sector; format 7 keeps suspect
		 * levels apart and counts answers by their ticket's issue
		 * month; format 8 keeps who issued a ticket and adds desks
		 * (the counters and the index are rebuilt by the caller in
		 * this txn), and its tickets name their survey and service
		 * (older records are the procedure survey's, read as they
		 * are). Format 5 answers tickets in `answered` (records
		 * answered in place stay valid). Format 9 adds users,
		 * audit and catalog (store_add_users_audit_catalog()),
		 * dossiers, ticket_dossiers and dossier_stats
		 * (store_add_dossiers()), followups, followup_log,
		 * contacts and outbox (store_add_followups()). Format 10
		 * adds stage_sums and stage_agg, filled from the responses
		 * (store_add_stage_counts()), and keeps the surveys'
		 * published versions and targets in catalog (type s and t
		 * rows, which a hailong of format 9 would refuse to
		 * read). */
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
	    &st->answered)) != 0 ||
	    (rc = mdb_dbi_open(txn, "desks", MDB_CREATE, &st->desks)) != 0 ||
	    (rc = mdb_dbi_open(txn, "pending", MDB_CREATE,
	    &st->pending)) != 0 ||
	    (rc = store_add_users_audit_catalog(st, txn)) != 0 ||
	    (rc = store_add_followups(st, txn)) != 0)
		goto lmdb;
	/* Before format 8: every counter recounted (format 3 added sums
	 * and the rollups; 6 counts walk-ins in no sector; 7 keeps the
	 * suspect levels apart and adds answered by issue month; 8 adds
	 * desks, where older tickets count under no officer); before 6
	 * the comment index rebuilt too (added by 4, sector of walk-ins
	 * changed by 6); then the new format is marked (meta_load). */
	/* The dossiers' tables first: a recount reads tickets' stages. */
	rc = store_add_dossiers(st, txn);
	if (rc == 0 && was != 0 && was < 8)
		rc = store_rebuild_sums(st, txn);
	if (rc == 0)
		rc = store_add_stage_counts(st, txn, was);
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

int
store_bulk(struct store *st, int on)
{
	if (mdb_env_set_flags(st->env, MDB_NOSYNC, on) != 0)
		return (-1);
	if (!on && mdb_env_sync(st->env, 1) != 0)
		return (-1);
	return (0);
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
