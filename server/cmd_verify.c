/*
 * cmd_verify.c: hailong verify — recompute every aggregate from the
 * stored tickets and responses and report what disagrees.
 * Trap: it reads one snapshot (one read transaction), so it may run
 * while the server takes answers.
 */
#include <stdio.h>

#include "app.h"
#include "cmd.h"
#include "util.h"

static int verify_run(int, char **);

const struct cmd cmd_verify = {
	"verify", "check the aggregates against the stored responses",
	"usage: hailong verify --data DIR\n"
	    "\n"
	    "Recomputes every monthly counter from the stored tickets and\n"
	    "responses, prints each disagreement and exits 1 when there is\n"
	    "any, 0 (\"ok\") when none. Safe while the server runs on DIR.\n",
	verify_run
};

static int
verify_run(int argc, char **argv)
{
	const char	*data = NULL, *file = NULL;
	const struct flag flags[] = {
		{ "data", &data }, { "config", &file }, { NULL, NULL }
	};
	struct config	 cfg;
	struct app	 a;
	char		 why[512];
	long		 n;

	cmd_flags(&cmd_verify, argc, argv, flags);
	cmd_config(&cmd_verify, &cfg, file, data, NULL, NULL);
	if (app_open(&a, &cfg, APP_STORE, why, sizeof(why)) == -1)
		fatal("%s", why);
	n = store_verify(a.st, stdout);
	app_close(&a);
	if (n < 0) {
		fprintf(stderr, "hailong: verify: cannot read the store\n");
		return (1);
	}
	if (n > 0) {
		printf("%ld disagreement%s\n", n, n == 1 ? "" : "s");
		return (1);
	}
	printf("ok: every aggregate matches the stored responses\n");
	return (0);
}
