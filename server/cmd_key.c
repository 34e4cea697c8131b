/*
 * cmd_key.c: hailong key add|list|revoke — API keys for the one-stop
 * software and people: a new key is shown once and stored as its SHA-256
 * only; its id is the start of that hash, printed in hex.
 * Trap: the secret is the last line of output, alone, so scripts can
 * take it with `tail -n 1`. A running server reads keys from the store
 * on every request, so a revoked key is refused at once.
 */
#include <stdio.h>
#include <string.h>

#include "app.h"
#include "audit.h"
#include "cmd.h"
#include "crypto.h"
#include "util.h"


static int key_run(int, char **);

const struct cmd cmd_key = {
	"key", "add, list and revoke API keys",
	"usage: hailong key add --data DIR --role ROLE --name NAME "
	    "[--unit CODE]\n"
	    "       hailong key list --data DIR\n"
	    "       hailong key revoke --data DIR (--name NAME | --id ID)\n"
	    "\n"
	    "add creates a key for the one-stop software or a person and\n"
	    "prints its id, then its secret once, alone on the last line;\n"
	    "only its hash is kept. ROLE: counter (issue tickets), viewer\n"
	    "(reports), admin, head (the head of a unit: its follow-ups and\n"
	    "reports; needs --unit), kiosk. --unit limits the key to one\n"
	    "unit's subtree (default: all).\n"
	    "list prints one line per key: id, role, name, unit, created.\n"
	    "revoke deletes every key of that name, or the key with that id\n"
	    "(any role); the running server refuses it at once, and browser\n"
	    "sessions signed in with it end. Exit 1 when none matched.\n"
	    "Safe while the server runs on DIR.\n",
	key_run
};

static int
key_list_one(const uint8_t *hash, const struct apikey *k, void *arg)
{
	char	 id[KEY_ID_LEN * 2 + 1], when[32];

	(void)arg;
	apikey_id_hex(hash, id);
	format_time(k->created, when);
	printf("%s\t%s\t%s\tunit %s\tcreated %s\n", id, role_name(k->role),
	    k->name, k->unit[0] != '\0' ? k->unit : "-", when);
	return (0);
}

/* "--id" as hex into op; -1 when it is not KEY_ID_LEN bytes of hex. */
static int
key_id_parse(const char *s, struct wop *op)
{
	size_t	 i;
	int	 hi, lo;

	if (strlen(s) != KEY_ID_LEN * 2)
		return (-1);
	for (i = 0; i < KEY_ID_LEN; i++) {
		if ((hi = hex_digit(s[2 * i])) < 0 ||
		    (lo = hex_digit(s[2 * i + 1])) < 0)
			return (-1);
		op->u.revoke.id[i] = (uint8_t)(hi << 4 | lo);
	}
	op->u.revoke.idlen = KEY_ID_LEN;
	return (0);
}

static int
key_revoke(struct app *a, const char *name, const char *id)
{
	struct wop	 op;

	memset(&op, 0, sizeof(op));
	op.kind = WOP_REVOKE;
	audit_command_actor(&op.by);
	if (name != NULL)
		strlcpy(op.u.revoke.name, name, sizeof(op.u.revoke.name));
	if (id != NULL && key_id_parse(id, &op) == -1) {
		fprintf(stderr, "hailong: key: --id: want the %d hex digits "
		    "that key list shows\n", KEY_ID_LEN * 2);
		return (1);
	}
	switch (writer_run(a->w, &op)) {
	case HL_OK:
		printf("revoked %zu key(s)%s\n", op.u.revoke.nkeys,
		    op.u.revoke.ncodes > 0 ? " and pending kiosk codes" : "");
		return (0);
	case HL_NOT_FOUND:
		fprintf(stderr, "hailong: key: no key matched\n");
		return (1);
	default:
		fprintf(stderr, "hailong: key: cannot revoke\n");
		return (1);
	}
}

static int
key_run(int argc, char **argv)
{
	const char	*data = NULL, *role = NULL, *name = NULL, *unit = NULL;
	const char	*file = NULL, *id = NULL, *verb;
	const struct flag flags[] = {
		{ "data", &data }, { "role", &role }, { "name", &name },
		{ "unit", &unit }, { "config", &file }, { "id", &id },
		{ NULL, NULL }
	};
	struct config	 cfg;
	struct app	 a;
	struct wop	 op;
	char		 secret[KEY_SECRET_LEN + 1];
	char		 why[512], idhex[KEY_ID_LEN * 2 + 1];
	size_t		 n;
	int		 r, rc = 1;

	if (argc >= 2 && (strcmp(argv[1], "--help") == 0 ||
	    strcmp(argv[1], "-h") == 0)) {
		fputs(cmd_key.usage, stdout);
		return (0);
	}
	if (argc < 2 || (strcmp(argv[1], "add") != 0 &&
	    strcmp(argv[1], "list") != 0 && strcmp(argv[1], "revoke") != 0))
		cmd_usage_error(&cmd_key, "want: key add|list|revoke");
	verb = argv[1];
	cmd_flags(&cmd_key, argc - 1, argv + 1, flags);
	if (strcmp(verb, "list") == 0 || strcmp(verb, "revoke") == 0) {
		if (role != NULL || unit != NULL)
			cmd_usage_error(&cmd_key, "%s: no --role or --unit",
			    verb);
		if (strcmp(verb, "list") == 0 && (name != NULL || id != NULL))
			cmd_usage_error(&cmd_key, "list: --data only");
		if (strcmp(verb, "revoke") == 0 &&
		    (name == NULL) == (id == NULL))
			cmd_usage_error(&cmd_key, "revoke: --name or --id");
		if (name != NULL && (name[0] == '\0' ||
		    strlen(name) > KEY_NAME_MAX))
			cmd_usage_error(&cmd_key, "--name: 1 to %d bytes",
			    KEY_NAME_MAX);
		cmd_config(&cmd_key, &cfg, file, data, NULL, NULL);
		if (app_open(&a, &cfg, APP_STORE | APP_WRITER, why,
		    sizeof(why)) == -1)
			fatal("%s", why);
		if (strcmp(verb, "revoke") == 0)
			rc = key_revoke(&a, name, id);
		else if (store_each_key(a.st, key_list_one, NULL) != 0)
			fprintf(stderr, "hailong: key: cannot read the store\n");
		else
			rc = 0;
		app_close(&a);
		return (rc);
	}
	if (id != NULL)
		cmd_usage_error(&cmd_key, "add: no --id");
	if (role == NULL || name == NULL)
		cmd_usage_error(&cmd_key, "--role and --name are required");
	if ((r = role_parse(role)) == -1)
		cmd_usage_error(&cmd_key, "--role: want counter, viewer, "
		    "admin, head or kiosk");
	if (r == ROLE_HEAD && unit == NULL)
		cmd_usage_error(&cmd_key, "--role head: --unit is required "
		    "(the unit it heads)");
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
	audit_command_actor(&op.by);
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

	key_secret_new(secret, op.u.key.hash);
	if (writer_run(a.w, &op) != HL_OK)
		fprintf(stderr, "hailong: key: cannot store the key\n");
	else {
		apikey_id_hex(op.u.key.hash, idhex);
		printf("key added: id %s, role %s, name %s%s%s\n", idhex,
		    role_name(r), name, unit != NULL ? ", unit " : "",
		    unit != NULL ? unit : "");
		printf("the secret is shown once, below; send it as\n"
		    "  Authorization: Bearer <secret>\n");
		printf("%s\n", secret);
		rc = 0;
	}
	crypto_zero(secret, sizeof(secret));
	app_close(&a);
	return (rc);
}
