/*
 * cmd_status.c: hailong status — what a data directory holds: each
 * table's records, bytes and oldest record, and the map's use. It only
 * reads, so it runs beside the server.
 */
#include <stdio.h>

#include "app.h"
#include "cmd.h"
#include "store_status.h"
#include "util.h"

static int status_run(int, char **);

const struct cmd cmd_status = {
	"status", "show each table's records, size and oldest record",
	"usage: hailong status --data DIR [--config FILE]\n"
	    "\n"
	    "Prints the database's map size and use, then one line per\n"
	    "table: name, records, bytes of its pages, and the time of its\n"
	    "oldest record (a month for the counters; - when it has none):\n"
	    "  table      records      bytes  oldest\n"
	    "  tickets       1234     311296  2026-11-27T08:00:00+07:00\n"
	    "Reads only, in one read transaction: safe beside the server.\n"
	    "Tickets, keys, enrolment codes and idempotency records are\n"
	    "walked for their oldest record (about a second per million).\n",
	status_run
};

static int
status_run(int argc, char **argv)
{
	const char		*data = NULL, *file = NULL;
	const struct flag	 flags[] = {
		{ "data", &data }, { "config", &file }, { NULL, NULL }
	};
	struct config		 cfg;
	struct app		 a;
	struct store_status	 ss;
	const struct store_table_status *t;
	char			 why[512], when[32];
	size_t			 i;

	cmd_flags(&cmd_status, argc, argv, flags);
	if (data == NULL && file == NULL)
		cmd_usage_error(&cmd_status, "--data DIR is required");
	cmd_config(&cmd_status, &cfg, file, data, NULL, NULL);
	if (app_open(&a, &cfg, APP_STORE, why, sizeof(why)) == -1)
		fatal("%s", why);
	if (store_status(a.st, &ss) == -1) {
		app_close(&a);
		fatal("%s: cannot read the database", cfg.data);
	}
	printf("data: %s\n", cfg.data);
	printf("map: %llu bytes, %llu used, page %llu, readers %u\n",
	    (unsigned long long)ss.map_size,
	    (unsigned long long)ss.map_used,
	    (unsigned long long)ss.page_size, ss.readers);
	printf("%-10s %10s %12s  %s\n", "table", "records", "bytes",
	    "oldest");
	for (i = 0; i < ss.ntables; i++) {
		t = &ss.tables[i];
		if (t->oldest == 0)
			snprintf(when, sizeof(when), "-");
		else if (t->kind == STORE_OLDEST_MONTH)
			snprintf(when, sizeof(when), "%04lld-%02lld",
			    (long long)(t->oldest / 100),
			    (long long)(t->oldest % 100));
		else
			format_time(t->oldest, when);
		printf("%-10s %10llu %12llu  %s\n", t->name,
		    (unsigned long long)t->records,
		    (unsigned long long)t->bytes, when);
	}
	app_close(&a);
	return (0);
}
