/*
 * cmd.h: the commands of the hailong binary and the flag parser they
 * share. Each command is a `struct cmd` in its own cmd_<verb>.c.
 * Exit codes: 0 done, 1 failed, 2 bad usage.
 */
#ifndef CMD_H
#define CMD_H

#include "config.h"

#define CMD_FLAGS_MAX	16

struct cmd {
	const char	*name;
	const char	*summary;
	const char	*usage;		/* full --help text */
	int		(*run)(int argc, char **argv);
};

/* One --name VALUE flag; *value stays NULL when the flag is absent. */
struct flag {
	const char	*name;		/* without "--" */
	const char	**value;
};

/*
 * Parses argv[1..] (argv[0] is the command's name) against flags. --help
 * prints usage and exits 0; an unknown flag, a missing value, a repeated
 * flag or a stray argument prints one line and exits 2.
 */
void	 cmd_flags(const struct cmd *, int argc, char **argv,
	    const struct flag *flags);
/* Prints "hailong: <cmd>: <message>" and exits 2. */
void	 cmd_usage_error(const struct cmd *, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3), noreturn));
/* Defaults, then --config FILE, then --data/--listen/--base-url given. */
void	 cmd_config(const struct cmd *, struct config *, const char *file,
	    const char *data, const char *listen, const char *base_url);

extern const struct cmd cmd_serve;
extern const struct cmd cmd_key;
extern const struct cmd cmd_user;
/* cmd_totp.c: `user totp` and `user totp-off` for NAME (checked) on the
 * store of cfg; the exit status. */
int	 cmd_user_totp(const char *verb, const char *name, struct config *);
extern const struct cmd cmd_schema;
extern const struct cmd cmd_kiosk;
extern const struct cmd cmd_ticket;
extern const struct cmd cmd_export;
extern const struct cmd cmd_dossiers;
extern const struct cmd cmd_verify;
extern const struct cmd cmd_report;
extern const struct cmd cmd_devfill;
extern const struct cmd cmd_backup;
extern const struct cmd cmd_status;
extern const struct cmd cmd_bench_tickets;

#endif
