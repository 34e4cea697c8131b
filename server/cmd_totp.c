/*
 * cmd_totp.c: hailong user totp|totp-off — an admin's one-time codes
 * (totp.h) from the server's command line: a new secret printed once as
 * an otpauth:// URI and as base32 text, in use only after a right code
 * is typed; or codes turned off (a lost phone).
 * Trap: the secret is printed once and otherwise only sealed; a wrong
 * code leaves the codes off (the printed secret is then of no use).
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "app.h"
#include "audit.h"
#include "cmd.h"
#include "crypto.h"
#include "totp.h"
#include "util.h"

_Static_assert(TOTP_SEALED_LEN == USER_TOTP_SEALED, "the sealed secret");

/* A line of at most 32 bytes from standard input, without its end. */
static int
totp_read_code(char *buf, size_t buflen)
{
	size_t	 n;

	if (isatty(STDIN_FILENO)) {
		fputs("code: ", stderr);
		fflush(stderr);
	}
	if (fgets(buf, (int)buflen, stdin) == NULL)
		return (-1);
	n = strlen(buf);
	while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == '\r' ||
	    buf[n - 1] == ' '))
		buf[--n] = '\0';
	return (0);
}

static int
totp_on(struct app *a, const struct user *u)
{
	struct wop	 op;
	uint8_t		 secret[TOTP_SECRET_LEN];
	char		 uri[TOTP_URI_MAX + 1], b32[TOTP_B32_LEN + 1];
	char		 code[34];
	int64_t		 step;
	int		 rc = 1;

	memset(&op, 0, sizeof(op));
	op.kind = WOP_USER;
	op.u.user.mode = WOP_USER_TOTP_NEW;
	audit_command_actor(&op.by);
	strlcpy(op.u.user.u.name, u->name, sizeof(op.u.user.u.name));
	totp_new(secret);
	if (totp_seal(store_keyring(a->st), u->name, secret,
	    op.u.user.u.totp) == -1 || totp_uri(u->name, secret, uri) == -1) {
		fprintf(stderr, "hailong: user: cannot seal the secret\n");
		goto out;
	}
	switch (writer_run(a->w, &op)) {
	case HL_OK:
		break;
	case HL_CONFLICT:
		fprintf(stderr, "hailong: user: %s has one-time codes on "
		    "already (user totp-off first)\n", u->name);
		goto out;
	default:
		fprintf(stderr, "hailong: user: cannot store the secret\n");
		goto out;
	}
	totp_base32(secret, b32);
	printf("add this to an authenticator app (shown once), then type "
	    "the code it shows\n");
	printf("secret: %s\n", b32);
	printf("uri: %s\n", uri);
	fflush(stdout);
	crypto_zero(b32, sizeof(b32));
	crypto_zero(uri, sizeof(uri));
	if (totp_read_code(code, sizeof(code)) == -1 ||
	    (step = totp_match(secret, now_sec(), code, strlen(code),
	    op.u.user.u.totp_step)) < 0) {
		fprintf(stderr, "hailong: user: not the code of this secret: "
		    "one-time codes stay off for %s\n", u->name);
		goto out;
	}
	op.u.user.mode = WOP_USER_TOTP_ON;
	op.u.user.u.totp_step = (uint64_t)step;
	op.rc = HL_OK;
	if (writer_run(a->w, &op) != HL_OK) {
		fprintf(stderr, "hailong: user: cannot turn one-time codes "
		    "on\n");
		goto out;
	}
	printf("user %s: one-time codes on\n", u->name);
	rc = 0;
out:
	crypto_zero(secret, sizeof(secret));
	crypto_zero(code, sizeof(code));
	crypto_zero(&op, sizeof(op));
	return (rc);
}

int
cmd_user_totp(const char *verb, const char *name, struct config *cfg)
{
	struct app	 a;
	struct user	 u;
	struct wop	 op;
	char		 why[512];
	int		 rc = 1;

	if (app_open(&a, cfg, APP_STORE | APP_WRITER, why, sizeof(why)) ==
	    -1)
		fatal("%s", why);
	if (store_user_get(a.st, name, &u) != HL_OK) {
		fprintf(stderr, "hailong: user: no user %s\n", name);
		goto out;
	}
	if (strcmp(verb, "totp") == 0) {
		if (u.role != ROLE_ADMIN) {
			fprintf(stderr, "hailong: user: one-time codes are "
			    "for admins; %s is not one\n", name);
			goto out;
		}
		rc = totp_on(&a, &u);
		goto out;
	}
	memset(&op, 0, sizeof(op));
	op.kind = WOP_USER;
	op.u.user.mode = WOP_USER_TOTP_OFF;
	audit_command_actor(&op.by);
	strlcpy(op.u.user.u.name, name, sizeof(op.u.user.u.name));
	switch (writer_run(a.w, &op)) {
	case HL_OK:
		printf("user %s: one-time codes off\n", name);
		rc = 0;
		break;
	case HL_CONFLICT:
		fprintf(stderr, "hailong: user: %s has no one-time codes\n",
		    name);
		break;
	default:
		fprintf(stderr, "hailong: user: cannot store the user\n");
		break;
	}
out:
	crypto_zero(&u, sizeof(u));
	app_close(&a);
	return (rc);
}
