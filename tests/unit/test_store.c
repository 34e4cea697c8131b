/*
 * test_store.c: opening a data directory (create, reopen, refusals, a
 * newer format, a map grown elsewhere). Real LMDB in a fresh directory
 * under /tmp; the records' bytes are test_record.c's.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include "store.h"
#include "store_priv.h"
#include "util.h"

static char	 base[64];

static int
rm_one(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb;
	(void)flag;
	(void)ftw;
	return (remove(path));
}

static int
setup(void **state)
{
	(void)state;
	strlcpy(base, "/tmp/hl-store-XXXXXX", sizeof(base));
	if (mkdtemp(base) == NULL)
		return (-1);
	return (0);
}

static int
teardown(void **state)
{
	(void)state;
	return (nftw(base, rm_one, 16, FTW_DEPTH | FTW_PHYS));
}

static void
path_in(char *out, size_t len, const char *name)
{
	assert_true((size_t)snprintf(out, len, "%s/%s", base, name) < len);
}

/* Puts key -> val into the named database of dir with plain LMDB. */
static void
raw_put(const char *dir, const char *db, const void *key, size_t klen,
    const void *val, size_t vlen)
{
	MDB_env	*env;
	MDB_txn	*txn;
	MDB_dbi	 dbi;
	MDB_val	 k = { klen, (void *)key }, v = { vlen, (void *)val };

	assert_int_equal(mdb_env_create(&env), 0);
	assert_int_equal(mdb_env_set_maxdbs(env, STORE_MAXDBS), 0);
	assert_int_equal(mdb_env_open(env, dir, MDB_NOTLS, 0600), 0);
	assert_int_equal(mdb_txn_begin(env, NULL, 0, &txn), 0);
	assert_int_equal(mdb_dbi_open(txn, db, 0, &dbi), 0);
	assert_int_equal(mdb_put(txn, dbi, &k, &v, 0), 0);
	assert_int_equal(mdb_txn_commit(txn), 0);
	mdb_env_close(env);
}

static void
test_open_create_reopen(void **state)
{
	struct store	*st;
	struct stat	 sb;
	char		 dir[128], p[160], why[256];
	uint8_t		 id[TICKET_ID_LEN] = { 1, 2, 3 };
	uint8_t		 prefix[CODE_PREFIX_LEN] = { 1, 2, 3 };
	struct ticket	 t;
	struct response	 r;
	struct apikey	 k;
	uint8_t		 hash[32] = { 9 };
	FILE		*null;

	(void)state;
	path_in(dir, sizeof(dir), "var/hailong");
	why[0] = '\0';
	assert_int_equal(store_open(&st, dir, 1, NULL, why, sizeof(why)), 0);
	assert_string_equal(why, "");
	assert_int_equal(stat(dir, &sb), 0);
	assert_true(S_ISDIR(sb.st_mode));
	assert_int_equal(sb.st_mode & 0777, 0700);
	snprintf(p, sizeof(p), "%s/server.key", dir);
	assert_int_equal(stat(p, &sb), 0);
	snprintf(p, sizeof(p), "%s/data.mdb", dir);
	assert_int_equal(stat(p, &sb), 0);
	assert_string_equal(store_tz(st), STORE_TZ_DEFAULT);
	assert_string_equal(store_dir(st), dir);
	assert_true(store_keyring(st)->n >= 1);
	assert_true(store_mapsize(st) >= STORE_MAPSIZE_INITIAL);
	assert_int_equal(store_check(st), 0);

	/* Empty: every read says not found, verify finds nothing. */
	assert_int_equal(store_ticket_get(st, id, &t), HL_NOT_FOUND);
	assert_int_equal(store_ticket_by_code(st, prefix, &t), HL_NOT_FOUND);
	assert_int_equal(store_response_get(st, 1, &r), HL_NOT_FOUND);
	assert_int_equal(store_key_get(st, hash, &k), HL_NOT_FOUND);
	assert_non_null(null = fopen("/dev/null", "w"));
	assert_int_equal(store_verify(st, null), 0);
	fclose(null);
	store_close(st);

	/* Reopen without create; a different zone asked for is ignored. */
	assert_int_equal(store_open(&st, dir, 0, "UTC", why, sizeof(why)), 0);
	assert_string_equal(store_tz(st), STORE_TZ_DEFAULT);
	/* The process runs in the directory's zone (UTC+7). */
	assert_int_equal(month_of(1764522000), 202512); /* 2025-11-30 17:00Z */
	store_close(st);
	store_close(NULL);
}

static void
test_open_create_tz(void **state)
{
	struct store	*st;
	char		 dir[128], why[256];

	(void)state;
	path_in(dir, sizeof(dir), "utc");
	assert_int_equal(store_open(&st, dir, 1, "UTC", why, sizeof(why)), 0);
	assert_string_equal(store_tz(st), "UTC");
	assert_int_equal(month_of(1764522000), 202511);
	store_close(st);
	assert_int_equal(store_open(&st, dir, 0, NULL, why, sizeof(why)), 0);
	assert_string_equal(store_tz(st), "UTC");
	store_close(st);

	path_in(dir, sizeof(dir), "mars");
	assert_int_equal(store_open(&st, dir, 1, "Mars/Olympus_Mons", why,
	    sizeof(why)), -1);
	assert_null(st);
	assert_non_null(strstr(why, "time zone"));
	assert_int_equal(store_open(&st, dir, 1, "../../etc/passwd", why,
	    sizeof(why)), -1);
	/* Back to the default for the other tests. */
	assert_int_equal(util_set_tz(STORE_TZ_DEFAULT), 0);
}

static void
test_open_refusals(void **state)
{
	struct store	*st;
	char		 dir[128], why[256];
	FILE		*f;

	(void)state;
	path_in(dir, sizeof(dir), "missing");
	assert_int_equal(store_open(&st, dir, 0, NULL, why, sizeof(why)), -1);
	assert_null(st);
	assert_non_null(strstr(why, "no data directory"));
	assert_non_null(strstr(why, dir));
	assert_int_equal(access(dir, F_OK), -1);	/* not created */

	path_in(dir, sizeof(dir), "empty");
	assert_int_equal(mkdir(dir, 0700), 0);
	assert_int_equal(store_open(&st, dir, 0, NULL, why, sizeof(why)), -1);
	assert_non_null(strstr(why, "no hailong data"));

	path_in(dir, sizeof(dir), "file");
	assert_non_null(f = fopen(dir, "w"));
	fclose(f);
	assert_int_equal(store_open(&st, dir, 1, NULL, why, sizeof(why)), -1);
	assert_non_null(strstr(why, "not a directory"));
}

static void
test_format_newer(void **state)
{
	struct store	*st;
	char		 dir[128], why[256], want[128];
	uint8_t		 fmt[4] = { 0, 0, 0, STORE_FORMAT + 1 };

	(void)state;
	snprintf(want, sizeof(want), "data format %d is newer than this "
	    "hailong understands (%d); upgrade hailong", STORE_FORMAT + 1,
	    STORE_FORMAT);
	path_in(dir, sizeof(dir), "newer");
	assert_int_equal(store_open(&st, dir, 1, NULL, why, sizeof(why)), 0);
	store_close(st);
	raw_put(dir, "meta", "format", 6, fmt, 4);
	assert_int_equal(store_open(&st, dir, 1, NULL, why, sizeof(why)), -1);
	assert_null(st);
	assert_non_null(strstr(why, want));
	assert_int_equal(store_open(&st, dir, 0, NULL, why, sizeof(why)), -1);

	/* A damaged format record is refused too. */
	raw_put(dir, "meta", "format", 6, fmt, 3);
	assert_int_equal(store_open(&st, dir, 0, NULL, why, sizeof(why)), -1);
	assert_non_null(strstr(why, "damaged"));

	/* Format 1 again opens. */
	fmt[3] = 1;
	raw_put(dir, "meta", "format", 6, fmt, 4);
	assert_int_equal(store_open(&st, dir, 0, NULL, why, sizeof(why)), 0);
	store_close(st);
}

/* Another process grows the map past ours: the next begin adopts it. */
static void
test_map_resized_elsewhere(void **state)
{
	struct store	*st;
	char		 dir[128], why[256], key[16];
	uint8_t		 id[TICKET_ID_LEN] = { 7 };
	struct ticket	 t;
	MDB_env		*env;
	MDB_txn		*txn;
	MDB_dbi		 dbi;
	MDB_val		 k, v;
	size_t		 big = 1024 * 1024;
	pid_t		 pid;
	int		 i, status, rc = 0;

	(void)state;
	path_in(dir, sizeof(dir), "resized");
	assert_int_equal(store_open(&st, dir, 1, NULL, why, sizeof(why)), 0);
	assert_int_equal(store_mapsize(st), STORE_MAPSIZE_INITIAL);
	assert_true((pid = fork()) != -1);
	if (pid == 0) {
		/* Plain LMDB, as another hailong process would. */
		char	*junk = calloc(1, big);

		rc |= mdb_env_create(&env);
		rc |= mdb_env_set_maxdbs(env, STORE_MAXDBS);
		rc |= mdb_env_set_mapsize(env,
		    4 * (size_t)STORE_MAPSIZE_INITIAL);
		rc |= mdb_env_open(env, dir, MDB_NOTLS | MDB_NOSYNC, 0600);
		rc |= mdb_txn_begin(env, NULL, 0, &txn);
		rc |= mdb_dbi_open(txn, "meta", 0, &dbi);
		for (i = 0; rc == 0 && i < 80; i++) {
			snprintf(key, sizeof(key), "junk%03d", i);
			k.mv_data = key;
			k.mv_size = strlen(key);
			v.mv_data = junk;
			v.mv_size = big;
			rc |= mdb_put(txn, dbi, &k, &v, 0);
		}
		rc |= mdb_txn_commit(txn);
		mdb_env_close(env);
		free(junk);
		_exit(rc == 0 ? 0 : 1);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	assert_int_equal(store_ticket_get(st, id, &t), HL_NOT_FOUND);
	assert_int_equal(store_mapsize(st), 4 * (size_t)STORE_MAPSIZE_INITIAL);
	assert_int_equal(store_check(st), 0);
	store_close(st);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_open_create_reopen),
		cmocka_unit_test(test_open_create_tz),
		cmocka_unit_test(test_open_refusals),
		cmocka_unit_test(test_format_newer),
		cmocka_unit_test(test_map_resized_elsewhere),
	};

	return (cmocka_run_group_tests(tests, setup, teardown));
}
