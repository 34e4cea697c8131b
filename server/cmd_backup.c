/*
 * cmd_backup.c: hailong backup — a consistent, compacted copy of a data
 * directory's database and its key ring, while the server takes answers.
 * Trap: the copy is one read transaction: it holds every answer committed
 * before it began, and nothing after.
 */
#include <stdio.h>

#include "app.h"
#include "cmd.h"
#include "util.h"

static int backup_run(int, char **);

const struct cmd cmd_backup = {
	"backup", "copy the data directory consistently, while it runs",
	"usage: hailong backup --data DIR FILE\n"
	    "\n"
	    "Writes a compacted copy of DIR's database to FILE and its key\n"
	    "ring to FILE.key (both new files, mode 0600), consistent even\n"
	    "while the server takes answers. To restore into a new directory:\n"
	    "  mkdir -m 700 NEW && cp FILE NEW/data.mdb && "
	    "cp FILE.key NEW/server.key\n"
	    "then `hailong verify --data NEW` and serve from NEW.\n",
	backup_run
};

static int
backup_run(int argc, char **argv)
{
	const char	*data = NULL, *file = NULL, *out = NULL;
	const struct flag flags[] = {
		{ "data", &data }, { "config", &file }, { NULL, NULL }
	};
	struct config	 cfg;
	struct app	 a;
	char		 why[512];
	int		 rc;

	/* FILE is the one argument that is not a flag. */
	if (argc >= 2 && argv[argc - 1][0] != '-' &&
	    (argc < 3 || argv[argc - 2][0] != '-' ||
	    argv[argc - 2][1] == '\0')) {
		out = argv[argc - 1];
		argc--;
	}
	cmd_flags(&cmd_backup, argc, argv, flags);
	if (out == NULL)
		cmd_usage_error(&cmd_backup, "FILE is required");
	cmd_config(&cmd_backup, &cfg, file, data, NULL, NULL);
	if (app_open(&a, &cfg, APP_STORE, why, sizeof(why)) == -1)
		fatal("%s", why);
	rc = store_backup(a.st, out, why, sizeof(why));
	app_close(&a);
	if (rc == -1)
		fatal("backup: %s", why);
	printf("backup: %s and %s.key\n", out, out);
	return (0);
}
