/*
 * cmd_kiosk.c: hailong kiosk add|revoke|list — one-time enrolment codes
 * for kiosks, revoking a kiosk's keys, listing kiosks and pending codes.
 * Trap: the code is shown once and kept as its hash only; the last two
 * lines of `add` are "code: ..." and "url: ..." for scripts.
 */
#include <stdio.h>
#include <string.h>

#include "app.h"
#include "audit.h"
#include "cmd.h"
#include "enrol.h"
#include "retire.h"
#include "util.h"

#define KIOSK_CODE_TRIES	8	/* fresh codes tried on a collision */

static int kiosk_run(int, char **);

const struct cmd cmd_kiosk = {
	"kiosk", "enrol, revoke and list kiosks",
	"usage: hailong kiosk add --data DIR --unit CODE --counter ID "
	    "--name NAME [--base-url URL]\n"
	    "       hailong kiosk revoke --data DIR --name NAME\n"
	    "       hailong kiosk list --data DIR\n"
	    "\n"
	    "add prints a one-time enrolment code, valid 24 hours, and the\n"
	    "kiosk page's address with it; the kiosk sends the code once and\n"
	    "gets its own key, tied to the unit and counter (tickets issued\n"
	    "there through the API are offered on the kiosk).\n"
	    "revoke deletes every kiosk key and pending code of NAME (exit 1\n"
	    "when none): the kiosk must be enrolled again.\n"
	    "list shows kiosks and pending codes; for each kiosk its last\n"
	    "report: answers queued, refused by the server for good (kept on\n"
	    "the kiosk) and held from an earlier enrolment (kept, not sent),\n"
	    "its app's version, CHECK when refused or held is not 0. All are\n"
	    "safe while the server runs on DIR.\n",
	kiosk_run
};

static int
kiosk_text_ok(const char *s, size_t max)
{
	size_t	 i, n = strlen(s);

	if (n == 0 || n > max || !utf8_valid(s, n))
		return (0);
	for (i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20)
			return (0);
	return (1);
}

static int
kiosk_add(struct app *a, const char *unit, const char *counter,
    const char *name)
{
	struct wop	 op;
	char		 code[ENROL_CODE_LEN + 1], exp[32];
	char		 base[CONFIG_URL_MAX + 1];
	int		 tries;
	enum hl_rc	 rc = HL_ERROR;

	for (tries = 0; tries < KIOSK_CODE_TRIES; tries++) {
		memset(&op, 0, sizeof(op));
		op.kind = WOP_ENROL_ADD;
		audit_command_actor(&op.by);
		enrol_code_new(code);
		if (enrol_code_hash(code, strlen(code), op.u.enrol.e.hash) ==
		    -1)
			continue;
		op.u.enrol.e.created = now_sec();
		op.u.enrol.e.expires = op.u.enrol.e.created + ENROL_TTL;
		strlcpy(op.u.enrol.e.name, name, sizeof(op.u.enrol.e.name));
		strlcpy(op.u.enrol.e.unit, unit, sizeof(op.u.enrol.e.unit));
		strlcpy(op.u.enrol.e.counter, counter,
		    sizeof(op.u.enrol.e.counter));
		if ((rc = writer_run(a->w, &op)) != HL_CONFLICT)
			break;
	}
	if (rc != HL_OK) {
		fprintf(stderr, "hailong: kiosk: cannot store the code\n");
		return (1);
	}
	format_time(op.u.enrol.e.expires, exp);
	app_base_url(a, base, sizeof(base));
	printf("kiosk %s: unit %s, counter %s\n", name, unit, counter);
	printf("enter the code on the kiosk, or open the address on it, "
	    "before %s (once)\n", exp);
	printf("code: %s\n", code);
	printf("url: %s/kiosk/#enrol=%s\n", base, code);
	return (0);
}

static int
kiosk_list_key(const uint8_t *hash, const struct apikey *k, void *arg)
{
	char	 when[32], rep[32];

	(void)hash;
	(void)arg;
	if (k->role != ROLE_KIOSK)
		return (0);
	format_time(k->created, when);
	printf("kiosk\t%s\tunit %s\tcounter %s\tenrolled %s", k->name,
	    k->unit[0] != '\0' ? k->unit : "-",
	    k->counter[0] != '\0' ? k->counter : "-", when);
	if (k->status_at == 0) {
		printf("\tno report yet\n");
		return (0);
	}
	format_time(k->status_at, rep);
	printf("\tqueued %u\trefused %u\theld %u\treported %s\tapp %s%s\n",
	    k->queued, k->refused, k->held, rep,
	    k->app[0] != '\0' ? k->app : "-",
	    k->refused > 0 || k->held > 0 ? "\tCHECK" : "");
	return (0);
}

static int
kiosk_list_code(const struct enrol *e, void *arg)
{
	char	 when[32];

	(void)arg;
	format_time(e->expires, when);
	printf("pending\t%s\tunit %s\tcounter %s\t%s %s\n", e->name, e->unit,
	    e->counter, e->expires < now_sec() ? "expired" : "until", when);
	return (0);
}

static int
kiosk_run(int argc, char **argv)
{
	const char	*data = NULL, *unit = NULL, *counter = NULL;
	const char	*name = NULL, *base = NULL, *file = NULL;
	const struct flag flags[] = {
		{ "data", &data }, { "unit", &unit }, { "counter", &counter },
		{ "name", &name }, { "base-url", &base }, { "config", &file },
		{ NULL, NULL }
	};
	struct config	 cfg;
	struct app	 a;
	struct wop	 op;
	char		 why[512];
	const char	*verb;
	int		 rc = 1;

	if (argc < 2 || (strcmp(argv[1], "add") != 0 &&
	    strcmp(argv[1], "revoke") != 0 && strcmp(argv[1], "list") != 0)) {
		if (argc >= 2 && (strcmp(argv[1], "--help") == 0 ||
		    strcmp(argv[1], "-h") == 0)) {
			fputs(cmd_kiosk.usage, stdout);
			return (0);
		}
		cmd_usage_error(&cmd_kiosk, "want: kiosk add|revoke|list");
	}
	verb = argv[1];
	cmd_flags(&cmd_kiosk, argc - 1, argv + 1, flags);
	if (strcmp(verb, "add") == 0) {
		if (unit == NULL || counter == NULL || name == NULL)
			cmd_usage_error(&cmd_kiosk, "add: --unit, --counter "
			    "and --name are required");
		if (!kiosk_text_ok(counter, COUNTER_MAX))
			cmd_usage_error(&cmd_kiosk, "--counter: 1 to %d bytes "
			    "of text", COUNTER_MAX);
		if (!kiosk_text_ok(name, KEY_NAME_MAX))
			cmd_usage_error(&cmd_kiosk, "--name: 1 to %d bytes of "
			    "text", KEY_NAME_MAX);
	} else if (strcmp(verb, "revoke") == 0) {
		if (name == NULL || unit != NULL || counter != NULL ||
		    base != NULL)
			cmd_usage_error(&cmd_kiosk, "revoke: --name only");
		if (!kiosk_text_ok(name, KEY_NAME_MAX))
			cmd_usage_error(&cmd_kiosk, "--name: 1 to %d bytes of "
			    "text", KEY_NAME_MAX);
	} else if (unit != NULL || counter != NULL || name != NULL ||
	    base != NULL)
		cmd_usage_error(&cmd_kiosk, "list: --data only");
	cmd_config(&cmd_kiosk, &cfg, file, data, NULL, base);
	if (app_open(&a, &cfg, APP_STORE | APP_WRITER | APP_SCHEMA, why,
	    sizeof(why)) == -1)
		fatal("%s", why);
	if (strcmp(verb, "add") == 0) {
		if (catalog_unit(a.cat, unit, strlen(unit)) == NULL) {
			app_close(&a);
			cmd_usage_error(&cmd_kiosk, "--unit: not in the unit "
			    "list");
		}
		if (retire_refused(a.cat, unit, now_sec(), why,
		    sizeof(why))) {
			app_close(&a);
			fatal("--unit: %s", why);
		}
		rc = kiosk_add(&a, unit, counter, name);
	} else if (strcmp(verb, "revoke") == 0) {
		memset(&op, 0, sizeof(op));
		op.kind = WOP_REVOKE;
		audit_command_actor(&op.by);
		op.u.revoke.role = ROLE_KIOSK;
		strlcpy(op.u.revoke.name, name, sizeof(op.u.revoke.name));
		switch (writer_run(a.w, &op)) {
		case HL_OK:
			printf("revoked %s: %zu key(s), %zu pending code(s)\n",
			    name, op.u.revoke.nkeys, op.u.revoke.ncodes);
			rc = 0;
			break;
		case HL_NOT_FOUND:
			fprintf(stderr, "hailong: kiosk: no kiosk named %s\n",
			    name);
			break;
		default:
			fprintf(stderr, "hailong: kiosk: cannot revoke\n");
			break;
		}
	} else {
		if (store_each_key(a.st, kiosk_list_key, NULL) != 0 ||
		    store_each_enrol(a.st, kiosk_list_code, NULL) != 0)
			fprintf(stderr, "hailong: kiosk: cannot read the "
			    "store\n");
		else
			rc = 0;
	}
	app_close(&a);
	return (rc);
}
