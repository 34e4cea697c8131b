/*
 * cmd_bench.c: hailong bench-tickets — issue many open tickets at once
 * through the writer (the real write path, in large batches) and print
 * their tokens, one a line: the pools the benchmarks draw from.
 * Trap: a development command; it writes real tickets into DIR.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "cmd.h"
#include "util.h"

#define BENCH_TICKETS_MAX	5000000
#define BENCH_CHUNK		4096

static int bench_run(int, char **);

const struct cmd cmd_bench_tickets = {
	"bench-tickets", "(development) issue N tickets for a benchmark",
	"usage: hailong bench-tickets --data DIR --count N "
	    "[--procedure CODE --unit CODE]\n"
	    "\n"
	    "Issues N open tickets through the writer, as the API does, and\n"
	    "prints their tokens, one a line. For benchmarks: DIR should be\n"
	    "a data directory made for them.\n",
	bench_run
};

struct bench_wait {
	pthread_mutex_t	 mu;
	pthread_cond_t	 cv;
	size_t		 left;
};

static void
bench_done(struct wop *op, void *arg)
{
	struct bench_wait	*w = arg;

	(void)op;
	pthread_mutex_lock(&w->mu);
	if (--w->left == 0)
		pthread_cond_signal(&w->cv);
	pthread_mutex_unlock(&w->mu);
}

static int
bench_run(int argc, char **argv)
{
	const char	*data = NULL, *count = NULL, *proc = NULL, *unit = NULL;
	const char	*file = NULL;
	const struct flag flags[] = {
		{ "data", &data }, { "count", &count },
		{ "procedure", &proc }, { "unit", &unit },
		{ "config", &file }, { NULL, NULL }
	};
	struct config		 cfg;
	struct app		 a;
	struct ticket_req	 rq;
	struct wop		*ops;
	struct bench_wait	 w;
	char			 why[512], token[TOKEN_LEN + 1];
	long long		 n;
	size_t			 done = 0, i, chunk;
	int			 rc = 0;

	cmd_flags(&cmd_bench_tickets, argc, argv, flags);
	if (count == NULL || parse_num(count, strlen(count), 1,
	    BENCH_TICKETS_MAX, &n) == -1)
		cmd_usage_error(&cmd_bench_tickets, "--count: want 1..%d",
		    BENCH_TICKETS_MAX);
	cmd_config(&cmd_bench_tickets, &cfg, file, data, NULL, NULL);
	cfg.max_batch = WRITER_BATCH_MAX;	/* no one waits on a reply */
	if (app_open(&a, &cfg, APP_STORE | APP_WRITER | APP_SCHEMA |
	    APP_CREATE, why, sizeof(why)) == -1)
		fatal("%s", why);
	memset(&rq, 0, sizeof(rq));
	strlcpy(rq.procedure, proc != NULL ? proc :
	    a.cat->nprocs > 0 ? a.cat->procs[0].code : "", sizeof(rq.procedure));
	strlcpy(rq.unit, unit != NULL ? unit : a.cat->units[a.cat->nunits -
	    1].code, sizeof(rq.unit));
	if (catalog_procedure(a.cat, rq.procedure, strlen(rq.procedure)) ==
	    NULL)
		strlcpy(rq.sector, a.cat->sectors[0].code, sizeof(rq.sector));

	ops = xcalloc(BENCH_CHUNK, sizeof(*ops));
	pthread_mutex_init(&w.mu, NULL);
	pthread_cond_init(&w.cv, NULL);
	while (done < (size_t)n && rc == 0) {
		chunk = (size_t)n - done < BENCH_CHUNK ? (size_t)n - done :
		    BENCH_CHUNK;
		w.left = chunk;
		for (i = 0; i < chunk; i++) {
			if (app_ticket_prepare(&a, &rq, NULL, NULL, &ops[i],
			    why, sizeof(why)) != HL_OK)
				fatal("%s", why);
			ops[i].done = bench_done;
			ops[i].arg = &w;
			writer_submit(a.w, &ops[i]);
		}
		pthread_mutex_lock(&w.mu);
		while (w.left > 0)
			pthread_cond_wait(&w.cv, &w.mu);
		pthread_mutex_unlock(&w.mu);
		for (i = 0; i < chunk; i++) {
			if (ops[i].rc != HL_OK) {
				fprintf(stderr, "hailong: bench-tickets: a "
				    "write failed\n");
				rc = 1;
				break;
			}
			token_encode(store_keyring(a.st), ops[i].u.ticket.t.kid,
			    ops[i].u.ticket.t.id, token);
			puts(token);
		}
		done += chunk;
	}
	pthread_cond_destroy(&w.cv);
	pthread_mutex_destroy(&w.mu);
	free(ops);
	app_close(&a);
	return (rc);
}
