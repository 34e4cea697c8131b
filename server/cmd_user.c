/*
 * cmd_user.c: hailong user add|passwd|disable|list — people who sign in
 * on /signin with a name and a password. The password is read from the
 * terminal without echo (asked twice), or as the first line of standard
 * input when that is not a terminal; never from a flag, which every
 * user of the machine could read in the process list.
 * Trap: the password lives in one buffer that is zeroed on every path
 * out; only its Argon2id hash reaches the writer.
 */
#include <stdio.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "app.h"
#include "audit.h"
#include "cmd.h"
#include "crypto.h"
#include "password.h"
#include "util.h"

static int user_run(int, char **);

const struct cmd cmd_user = {
	"user", "add, list and disable users who sign in with a password",
	"usage: hailong user add --data DIR --name NAME --role ROLE "
	    "[--unit CODE]\n"
	    "       hailong user passwd --data DIR --name NAME\n"
	    "       hailong user disable --data DIR --name NAME\n"
	    "       hailong user list --data DIR\n"
	    "       hailong user totp|totp-off --data DIR --name NAME\n"
	    "\n"
	    "add creates a user who signs in on /signin with NAME and a\n"
	    "password; passwd sets a new password (and enables a disabled\n"
	    "user); both read the password from the terminal without echo,\n"
	    "twice, or as the first line of standard input when that is not\n"
	    "a terminal (10 to 256 bytes). It is kept only as an Argon2id\n"
	    "hash (19 MiB, 2 passes, 1 lane) under a salt of its own.\n"
	    "NAME: 1 to 64 of a-z A-Z 0-9 . _ - @. ROLE: admin, viewer\n"
	    "(reports), head (the head of a unit; needs --unit) or counter\n"
	    "(issue tickets). --unit limits the user to one unit's subtree.\n"
	    "disable refuses the user's sign-ins and ends its sessions.\n"
	    "list prints one line per user: name, role, unit, state, last\n"
	    "change. totp gives an admin a one-time code secret (RFC 6238: 6\n"
	    "digits, 30 s), printed once as an otpauth:// URI and as base32,\n"
	    "in use once the code an authenticator app shows is typed (the\n"
	    "terminal or the first line of standard input): sign-in then\n"
	    "asks for a code after the password. totp-off turns codes off.\n"
	    "Every change is written to the audit log.\n"
	    "Safe while the server runs on DIR.\n",
	user_run
};

/* A line of at most PASSWORD_MAX bytes into buf, without its newline;
 * -1 at end of input or when too long. */
static int
user_read_line(char *buf, size_t buflen, size_t *len)
{
	size_t	 n;

	if (fgets(buf, (int)buflen, stdin) == NULL)
		return (-1);
	n = strlen(buf);
	if (n > 0 && buf[n - 1] == '\n')
		buf[--n] = '\0';
	else if (!feof(stdin))
		return (-1);	/* longer than the buffer */
	if (n > 0 && buf[n - 1] == '\r')
		buf[--n] = '\0';
	*len = n;
	return (0);
}

/* Prompt on the terminal with echo off; -1 when it cannot be read. */
static int
user_ask(const char *prompt, char *buf, size_t buflen, size_t *len)
{
	struct termios	 old, quiet;
	int		 rc;

	fputs(prompt, stderr);
	fflush(stderr);
	if (tcgetattr(STDIN_FILENO, &old) == -1)
		return (-1);
	quiet = old;
	quiet.c_lflag &= ~(tcflag_t)(ECHO | ECHONL);
	quiet.c_lflag |= ICANON;
	if (tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet) == -1)
		return (-1);
	rc = user_read_line(buf, buflen, len);
	tcsetattr(STDIN_FILENO, TCSAFLUSH, &old);
	fputs("\n", stderr);
	return (rc);
}

/* The password into buf; 0, or -1 with a message printed. */
static int
user_password(char *buf, size_t buflen, size_t *len)
{
	char	 again[PASSWORD_MAX + 2];
	size_t	 alen;
	int	 rc = -1;

	if (!isatty(STDIN_FILENO)) {
		if (user_read_line(buf, buflen, len) == -1) {
			fprintf(stderr, "hailong: user: want the password "
			    "on the first line of standard input (at most "
			    "%d bytes)\n", PASSWORD_MAX);
			return (-1);
		}
		return (0);
	}
	if (user_ask("password: ", buf, buflen, len) == -1 ||
	    user_ask("password again: ", again, sizeof(again), &alen) == -1) {
		fprintf(stderr, "hailong: user: cannot read the password\n");
		goto out;
	}
	if (alen != *len || !crypto_equal(again, buf, alen)) {
		fprintf(stderr, "hailong: user: the passwords differ\n");
		goto out;
	}
	rc = 0;
out:
	crypto_zero(again, sizeof(again));
	return (rc);
}

static int
user_list_one(const struct user *u, void *arg)
{
	char	 when[32];

	(void)arg;
	format_time(u->changed, when);
	printf("%s\t%s\tunit %s\t%s\tchanged %s%s\n", u->name,
	    role_name((enum role)u->role), u->unit[0] != '\0' ? u->unit : "-",
	    (u->flags & USER_DISABLED) != 0 ? "disabled" : "enabled", when,
	    (u->flags & USER_TOTP) != 0 ? "\ttotp" : "");
	return (0);
}

static int
user_run(int argc, char **argv)
{
	const char	*data = NULL, *role = NULL, *name = NULL, *unit = NULL;
	const char	*file = NULL, *verb;
	const struct flag flags[] = {
		{ "data", &data }, { "role", &role }, { "name", &name },
		{ "unit", &unit }, { "config", &file }, { NULL, NULL }
	};
	struct config	 cfg;
	struct app	 a;
	struct wop	 op;
	char		 pw[PASSWORD_MAX + 2], why[512];
	size_t		 pwlen = 0;
	int		 r = 0, rc = 1, opened = 0;

	if (argc >= 2 && (strcmp(argv[1], "--help") == 0 ||
	    strcmp(argv[1], "-h") == 0)) {
		fputs(cmd_user.usage, stdout);
		return (0);
	}
	if (argc < 2 || (strcmp(argv[1], "add") != 0 &&
	    strcmp(argv[1], "passwd") != 0 &&
	    strcmp(argv[1], "disable") != 0 && strcmp(argv[1], "list") != 0 &&
	    strcmp(argv[1], "totp") != 0 && strcmp(argv[1], "totp-off") != 0))
		cmd_usage_error(&cmd_user, "want: user add|passwd|disable|list|"
		    "totp|totp-off");
	verb = argv[1];
	cmd_flags(&cmd_user, argc - 1, argv + 1, flags);
	if (strcmp(verb, "add") != 0 && (role != NULL || unit != NULL))
		cmd_usage_error(&cmd_user, "%s: no --role or --unit", verb);
	if (strcmp(verb, "list") == 0) {
		if (name != NULL)
			cmd_usage_error(&cmd_user, "list: --data only");
		cmd_config(&cmd_user, &cfg, file, data, NULL, NULL);
		if (app_open(&a, &cfg, APP_STORE, why, sizeof(why)) == -1)
			fatal("%s", why);
		if (store_each_user(a.st, user_list_one, NULL) != 0)
			fprintf(stderr, "hailong: user: cannot read the "
			    "store\n");
		else
			rc = 0;
		app_close(&a);
		return (rc);
	}
	if (name == NULL)
		cmd_usage_error(&cmd_user, "--name is required");
	if (!user_name_ok(name, strlen(name)))
		cmd_usage_error(&cmd_user, "--name: 1 to %d of a-z A-Z 0-9 . _ "
		    "- @", USER_NAME_MAX);
	if (strncmp(verb, "totp", 4) == 0) {
		cmd_config(&cmd_user, &cfg, file, data, NULL, NULL);
		return (cmd_user_totp(verb, name, &cfg));
	}
	if (strcmp(verb, "add") == 0) {
		if (role == NULL)
			cmd_usage_error(&cmd_user, "add: --role is required");
		r = role_parse(role);
		if (r != ROLE_ADMIN && r != ROLE_VIEWER && r != ROLE_HEAD &&
		    r != ROLE_COUNTER)
			cmd_usage_error(&cmd_user, "--role: want admin, viewer, "
			    "head or counter");
		if (r == ROLE_HEAD && unit == NULL)
			cmd_usage_error(&cmd_user, "--role head: --unit is "
			    "required (the unit it heads)");
	}
	cmd_config(&cmd_user, &cfg, file, data, NULL, NULL);
	memset(&op, 0, sizeof(op));
	op.kind = WOP_USER;
	audit_command_actor(&op.by);
	strlcpy(op.u.user.u.name, name, sizeof(op.u.user.u.name));
	if (strcmp(verb, "disable") == 0)
		op.u.user.mode = WOP_USER_DISABLE;
	else {
		op.u.user.mode = strcmp(verb, "add") == 0 ? WOP_USER_ADD :
		    WOP_USER_PASSWD;
		if (user_password(pw, sizeof(pw), &pwlen) == -1)
			goto out;
		if (password_set(&op.u.user.u, pw, pwlen, why,
		    sizeof(why)) == -1) {
			fprintf(stderr, "hailong: user: %s\n", why);
			goto out;
		}
	}
	if (app_open(&a, &cfg, APP_STORE | APP_WRITER |
	    (r != 0 ? APP_SCHEMA : 0), why, sizeof(why)) == -1) {
		crypto_zero(pw, sizeof(pw));
		crypto_zero(&op, sizeof(op));
		fatal("%s", why);
	}
	opened = 1;
	if (r != 0) {
		op.u.user.u.role = (uint8_t)r;
		if (unit != NULL) {
			if (catalog_unit(a.cat, unit, strlen(unit)) == NULL) {
				fprintf(stderr, "hailong: user: --unit: not in "
				    "the unit list\n");
				goto out;
			}
			strlcpy(op.u.user.u.unit, unit,
			    sizeof(op.u.user.u.unit));
		}
	}
	switch (writer_run(a.w, &op)) {
	case HL_OK:
		printf("user %s: %s\n", name, op.u.user.mode == WOP_USER_ADD ?
		    "added" : op.u.user.mode == WOP_USER_PASSWD ?
		    "password set" : "disabled");
		rc = 0;
		break;
	case HL_CONFLICT:
		fprintf(stderr, "hailong: user: %s exists (user passwd sets "
		    "a new password)\n", name);
		break;
	case HL_NOT_FOUND:
		fprintf(stderr, "hailong: user: no user %s\n", name);
		break;
	default:
		fprintf(stderr, "hailong: user: cannot store the user\n");
		break;
	}
out:
	crypto_zero(pw, sizeof(pw));
	crypto_zero(&op, sizeof(op));
	if (opened)
		app_close(&a);
	return (rc);
}
