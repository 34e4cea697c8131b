/*
 * cmd_key.c: hailong key add — a new API key, shown once, stored as its
 * SHA-256 only.
 * Trap: the secret is the last line of output, alone, so scripts can
 * take it with `tail -n 1`.
 */
#include <stdio.h>
#include <string.h>

#include "app.h"
#include "cmd.h"
#include "crypto.h"
#include "util.h"

#define KEY_SECRET_BYTES	20
#define KEY_PREFIX		"hl_"

static int key_run(int, char **);

const struct cmd cmd_key = {
	"key", "add an API key",
	"usage: hailong key add --data DIR --role ROLE --name NAME "
	    "[--unit CODE]\n"
	    "\n"
	    "Creates a key for the one-stop software or a person and prints\n"
	    "its secret once, alone on the last line; only its hash is kept.\n"
	    "ROLE: counter (issue tickets), viewer (reports), admin, kiosk.\n"
	    "--unit limits the key to one unit's subtree (default: all).\n"
	    "Safe while the server runs on DIR.\n",
	key_run
};

static int
key_run(int argc, char **argv)
{
	const char	*data = NULL, *role = NULL, *name = NULL, *unit = NULL;
	const char	*file = NULL;
	const struct flag flags[] = {
		{ "data", &data }, { "role", &role }, { "name", &name },
		{ "unit", &unit }, { "config", &file }, { NULL, NULL }
	};
	static const char b32[] = "0123456789abcdefghjkmnpqrstvwxyz";
	struct config	 cfg;
	struct app	 a;
	struct wop	 op;
	uint8_t		 raw[KEY_SECRET_BYTES];
	char		 secret[sizeof(KEY_PREFIX) + KEY_SECRET_BYTES * 8 / 5 + 1];
	char		 why[512];
	size_t		 i, n;
	int		 r, rc = 1;

	if (argc < 2 || strcmp(argv[1], "add") != 0) {
		if (argc >= 2 && (strcmp(argv[1], "--help") == 0 ||
		    strcmp(argv[1], "-h") == 0)) {
			fputs(cmd_key.usage, stdout);
			return (0);
		}
		cmd_usage_error(&cmd_key, "want: key add --data DIR --role "
		    "ROLE --name NAME");
	}
	cmd_flags(&cmd_key, argc - 1, argv + 1, flags);
	if (role == NULL || name == NULL)
		cmd_usage_error(&cmd_key, "--role and --name are required");
	if ((r = role_parse(role)) == -1)
		cmd_usage_error(&cmd_key, "--role: want counter, viewer, "
		    "admin or kiosk");
	n = strlen(name);
	if (n == 0 || n > KEY_NAME_MAX || !utf8_valid(name, n))
		cmd_usage_error(&cmd_key, "--name: 1 to %d bytes of text",
		    KEY_NAME_MAX);
	cmd_config(&cmd_key, &cfg, file, data, NULL, NULL);
	if (app_open(&a, &cfg, APP_STORE | APP_WRITER | APP_SCHEMA |
	    APP_CREATE, why, sizeof(why)) == -1)
		fatal("%s", why);
	memset(&op, 0, sizeof(op));
	op.kind = WOP_KEY;
	if (unit != NULL) {
		if (catalog_unit(a.cat, unit, strlen(unit)) == NULL) {
			app_close(&a);
			cmd_usage_error(&cmd_key, "--unit: not in the unit list");
		}
		strlcpy(op.u.key.key.unit, unit, sizeof(op.u.key.key.unit));
	}
	op.u.key.key.role = (uint8_t)r;
	op.u.key.key.created = now_sec();
	strlcpy(op.u.key.key.name, name, sizeof(op.u.key.key.name));

	crypto_random(raw, sizeof(raw));
	strlcpy(secret, KEY_PREFIX, sizeof(secret));
	n = strlen(secret);
	for (i = 0; i < KEY_SECRET_BYTES * 8 / 5; i++) {
		size_t	 bit = i * 5, byte = bit / 8, sh = bit % 8;
		unsigned v = (unsigned)raw[byte] << 8 |
		    (byte + 1 < sizeof(raw) ? raw[byte + 1] : 0);

		secret[n++] = b32[(v >> (11 - sh)) & 31];
	}
	secret[n] = '\0';
	crypto_sha256(secret, n, op.u.key.hash);
	if (writer_run(a.w, &op) != HL_OK)
		fprintf(stderr, "hailong: key: cannot store the key\n");
	else {
		printf("key added: role %s, name %s%s%s\n", role_name(r), name,
		    unit != NULL ? ", unit " : "", unit != NULL ? unit : "");
		printf("the secret is shown once, below; send it as\n"
		    "  Authorization: Bearer <secret>\n");
		printf("%s\n", secret);
		rc = 0;
	}
	crypto_zero(raw, sizeof(raw));
	crypto_zero(secret, sizeof(secret));
	app_close(&a);
	return (rc);
}
