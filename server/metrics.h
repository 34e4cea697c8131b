/*
 * metrics.h: what GET /metrics shows, in Prometheus' text format 0.0.4:
 * histograms and counters that threads bump with atomics, the requests'
 * table (per route and status, latency per route) that struct http
 * owns, the kiosks seen lately, and the renderings of the writer's
 * figures (writer.h) and of the process (memory, uptime, free disk).
 * Nothing here is process-wide: each table lives in its owner.
 */
#ifndef METRICS_H
#define METRICS_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#include "buf.h"

#define METRICS_BUCKETS_MAX	16	/* bounds of one histogram */
#define METRICS_KIOSKS_MAX	4096	/* kiosks remembered at once */
#define METRICS_KIOSK_WINDOW	300	/* seconds: "seen lately" */
#define METRICS_CONTENT_TYPE	"text/plain; version=0.0.4; charset=utf-8"

/*
 * A histogram of integer observations (microseconds, counts). Buckets
 * are kept apart and added up when rendered; bounds are the caller's
 * static array.
 */
struct metrics_hist {
	const uint64_t		*bounds;	/* ascending */
	size_t			 nbounds;
	atomic_uint_fast64_t	 bucket[METRICS_BUCKETS_MAX + 1];
	atomic_uint_fast64_t	 count;
	atomic_uint_fast64_t	 sum;
};

/* Durations in microseconds: 100 µs to 10 s. */
extern const uint64_t metrics_usec_bounds[];
extern const size_t metrics_usec_nbounds;

void	 metrics_hist_init(struct metrics_hist *, const uint64_t *bounds,
	    size_t nbounds);
void	 metrics_hist_observe(struct metrics_hist *, uint64_t v);
/*
 * The series of h under name with labels ("" or 'a="b"'), bounds and sum
 * divided by scale (1e6 turns microseconds into seconds). -1 when out
 * is full.
 */
int	 metrics_hist_render(const struct metrics_hist *, struct buf *out,
	    const char *name, const char *labels, double scale);
/* "# HELP name help\n# TYPE name type\n". */
int	 metrics_head(struct buf *, const char *name, const char *type,
	    const char *help);

/*
 * The requests' table: nroutes routes (method and pattern, the route
 * table's static strings) and one more for requests that matched none.
 */
struct metrics_http;

struct metrics_http *metrics_http_create(size_t nroutes,
	    const char *const *methods, const char *const *paths);
void	 metrics_http_free(struct metrics_http *);
/* One reply: route index (nroutes: none), status, microseconds. */
void	 metrics_http_request(struct metrics_http *, size_t route,
	    unsigned status, uint64_t usec);
/* A kiosk's key (its hash) made a request at now. */
void	 metrics_http_kiosk(struct metrics_http *, const uint8_t hash[32],
	    int64_t now);
/* Requests, latencies, 4xx/5xx, refusals (429), kiosks seen. */
int	 metrics_http_render(struct metrics_http *, struct buf *,
	    int64_t now);

struct writer_stats;
/* The writer's figures and the database's map. */
int	 metrics_writer_render(const struct writer_stats *, struct buf *);
/*
 * The process: resident memory, start time and uptime (started, in
 * seconds since the epoch), the free space of the data directory.
 */
int	 metrics_process_render(struct buf *, int64_t started, int64_t now,
	    const char *datadir);

#endif
