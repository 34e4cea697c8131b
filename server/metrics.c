/*
 * metrics.c: counters and histograms bumped with relaxed atomics from
 * any thread, and their rendering in Prometheus' text format 0.0.4.
 * Trap: a scrape reads the atomics one by one while requests go on, so a
 * histogram's count may run ahead of its buckets by a request or two;
 * the count is read first and the +Inf bucket never shown below it.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include "metrics.h"
#include "model.h"
#include "util.h"
#include "writer.h"

const uint64_t metrics_usec_bounds[] = { 100, 250, 500, 1000, 2500, 5000,
    10000, 25000, 50000, 100000, 250000, 500000, 1000000, 2500000,
    10000000 };
const size_t metrics_usec_nbounds = sizeof(metrics_usec_bounds) /
    sizeof(*metrics_usec_bounds);

/* The statuses counted apart; any other counts as "other". */
static const unsigned metrics_statuses[] = { 200, 201, 204, 301, 302,
    303, 304, 400, 401, 403, 404, 405, 409, 410, 413, 415, 422, 429, 500,
    503 };
#define METRICS_NSTATUS	(sizeof(metrics_statuses) / \
	sizeof(*metrics_statuses) + 1)

struct metrics_route {
	atomic_uint_fast64_t	 status[METRICS_NSTATUS];
	struct metrics_hist	 latency;
};

struct metrics_kiosk {
	uint8_t		 id[8];		/* the key hash's first bytes */
	int64_t		 seen;		/* 0: free */
};

struct metrics_http {
	size_t			 nroutes;
	const char *const	*methods;
	const char *const	*paths;
	struct metrics_route	*routes;	/* nroutes + 1 */
	pthread_mutex_t		 mu;		/* kiosks */
	struct metrics_kiosk	*kiosks;
};

void
metrics_hist_init(struct metrics_hist *h, const uint64_t *bounds,
    size_t nbounds)
{
	size_t	 i;

	if (nbounds > METRICS_BUCKETS_MAX)
		nbounds = METRICS_BUCKETS_MAX;
	h->bounds = bounds;
	h->nbounds = nbounds;
	for (i = 0; i <= METRICS_BUCKETS_MAX; i++)
		atomic_init(&h->bucket[i], 0);
	atomic_init(&h->count, 0);
	atomic_init(&h->sum, 0);
}

void
metrics_hist_observe(struct metrics_hist *h, uint64_t v)
{
	size_t	 i;

	for (i = 0; i < h->nbounds && v > h->bounds[i]; i++)
		;
	atomic_fetch_add_explicit(&h->bucket[i], 1, memory_order_relaxed);
	atomic_fetch_add_explicit(&h->sum, v, memory_order_relaxed);
	atomic_fetch_add_explicit(&h->count, 1, memory_order_relaxed);
}

int
metrics_head(struct buf *out, const char *name, const char *type,
    const char *help)
{
	return (buf_printf(out, "# HELP %s %s\n# TYPE %s %s\n", name, help,
	    name, type));
}

int
metrics_hist_render(const struct metrics_hist *h, struct buf *out,
    const char *name, const char *labels, double scale)
{
	uint64_t	 count, cum = 0;
	const char	*sep = labels[0] != '\0' ? "," : "";
	size_t		 i;
	int		 rc = 0;

	count = atomic_load_explicit(&h->count, memory_order_relaxed);
	for (i = 0; i < h->nbounds; i++) {
		cum += atomic_load_explicit(&h->bucket[i],
		    memory_order_relaxed);
		if (cum > count)
			cum = count;
		rc |= buf_printf(out, "%s_bucket{%s%sle=\"%g\"} %llu\n", name,
		    labels, sep, (double)h->bounds[i] / scale,
		    (unsigned long long)cum);
	}
	rc |= buf_printf(out, "%s_bucket{%s%sle=\"+Inf\"} %llu\n", name,
	    labels, sep, (unsigned long long)count);
	rc |= buf_printf(out, "%s_sum%s%s%s %.6f\n", name,
	    labels[0] != '\0' ? "{" : "", labels,
	    labels[0] != '\0' ? "}" : "",
	    (double)atomic_load_explicit(&h->sum, memory_order_relaxed) /
	    scale);
	rc |= buf_printf(out, "%s_count%s%s%s %llu\n", name,
	    labels[0] != '\0' ? "{" : "", labels,
	    labels[0] != '\0' ? "}" : "", (unsigned long long)count);
	return (rc != 0 ? -1 : 0);
}

struct metrics_http *
metrics_http_create(size_t nroutes, const char *const *methods,
    const char *const *paths)
{
	struct metrics_http	*m;
	size_t			 i, j;

	m = xcalloc(1, sizeof(*m));
	m->nroutes = nroutes;
	m->methods = methods;
	m->paths = paths;
	m->routes = xcalloc(nroutes + 1, sizeof(*m->routes));
	for (i = 0; i <= nroutes; i++) {
		for (j = 0; j < METRICS_NSTATUS; j++)
			atomic_init(&m->routes[i].status[j], 0);
		metrics_hist_init(&m->routes[i].latency, metrics_usec_bounds,
		    metrics_usec_nbounds);
	}
	m->kiosks = xcalloc(METRICS_KIOSKS_MAX, sizeof(*m->kiosks));
	pthread_mutex_init(&m->mu, NULL);
	return (m);
}

void
metrics_http_free(struct metrics_http *m)
{
	if (m == NULL)
		return;
	pthread_mutex_destroy(&m->mu);
	free(m->kiosks);
	free(m->routes);
	free(m);
}

static size_t
metrics_status_slot(unsigned status)
{
	size_t	 i;

	for (i = 0; i < METRICS_NSTATUS - 1; i++)
		if (metrics_statuses[i] == status)
			return (i);
	return (METRICS_NSTATUS - 1);
}

void
metrics_http_request(struct metrics_http *m, size_t route, unsigned status,
    uint64_t usec)
{
	struct metrics_route	*rt;

	if (route > m->nroutes)
		route = m->nroutes;
	rt = &m->routes[route];
	atomic_fetch_add_explicit(&rt->status[metrics_status_slot(status)],
	    1, memory_order_relaxed);
	metrics_hist_observe(&rt->latency, usec);
}

void
metrics_http_kiosk(struct metrics_http *m, const uint8_t hash[32],
    int64_t now)
{
	struct metrics_kiosk	*k, *free_k = NULL;
	size_t			 i, start;

	/* Open addressing by the hash's own bytes; a full table forgets. */
	start = ((size_t)hash[0] << 8 | hash[1]) % METRICS_KIOSKS_MAX;
	pthread_mutex_lock(&m->mu);
	for (i = 0; i < METRICS_KIOSKS_MAX; i++) {
		k = &m->kiosks[(start + i) % METRICS_KIOSKS_MAX];
		if (k->seen != 0 && memcmp(k->id, hash, sizeof(k->id)) == 0) {
			k->seen = now;
			goto out;
		}
		if (free_k == NULL && (k->seen == 0 ||
		    now - k->seen > METRICS_KIOSK_WINDOW))
			free_k = k;
		if (k->seen == 0)
			break;
	}
	if (free_k != NULL) {
		memcpy(free_k->id, hash, sizeof(free_k->id));
		free_k->seen = now;
	}
out:
	pthread_mutex_unlock(&m->mu);
}

static size_t
metrics_kiosks_seen(struct metrics_http *m, int64_t now)
{
	size_t	 i, n = 0;

	pthread_mutex_lock(&m->mu);
	for (i = 0; i < METRICS_KIOSKS_MAX; i++)
		if (m->kiosks[i].seen != 0 &&
		    now - m->kiosks[i].seen <= METRICS_KIOSK_WINDOW)
			n++;
	pthread_mutex_unlock(&m->mu);
	return (n);
}

/* Route i's labels: method and pattern, or route="-" for none. */
static void
metrics_route_labels(const struct metrics_http *m, size_t i, char *out,
    size_t outlen)
{
	if (i == m->nroutes)
		snprintf(out, outlen, "method=\"\",route=\"-\"");
	else
		snprintf(out, outlen, "method=\"%s\",route=\"%s\"",
		    m->methods[i], m->paths[i]);
}

int
metrics_http_render(struct metrics_http *m, struct buf *out, int64_t now)
{
	uint64_t	 n, cls[6] = { 0 }, refused = 0;
	char		 labels[256], st[8];
	size_t		 i, j;
	int		 rc = 0;

	rc |= metrics_head(out, "hailong_http_requests_total", "counter",
	    "Requests answered, by route pattern and status.");
	for (i = 0; i <= m->nroutes; i++) {
		metrics_route_labels(m, i, labels, sizeof(labels));
		for (j = 0; j < METRICS_NSTATUS; j++) {
			n = atomic_load_explicit(&m->routes[i].status[j],
			    memory_order_relaxed);
			if (n == 0)
				continue;
			if (j < METRICS_NSTATUS - 1) {
				snprintf(st, sizeof(st), "%u",
				    metrics_statuses[j]);
				cls[metrics_statuses[j] / 100] += n;
				if (metrics_statuses[j] == 429)
					refused += n;
			} else {
				snprintf(st, sizeof(st), "other");
				cls[0] += n;
			}
			rc |= buf_printf(out, "hailong_http_requests_total{%s,"
			    "status=\"%s\"} %llu\n", labels, st,
			    (unsigned long long)n);
		}
	}
	rc |= metrics_head(out, "hailong_http_request_duration_seconds",
	    "histogram", "From a request's arrival to the end of its reply, "
	    "by route pattern.");
	for (i = 0; i <= m->nroutes; i++) {
		if (atomic_load_explicit(&m->routes[i].latency.count,
		    memory_order_relaxed) == 0)
			continue;
		metrics_route_labels(m, i, labels, sizeof(labels));
		rc |= metrics_hist_render(&m->routes[i].latency, out,
		    "hailong_http_request_duration_seconds", labels, 1e6);
	}
	rc |= metrics_head(out, "hailong_http_responses_total", "counter",
	    "Replies by status class.");
	for (i = 2; i <= 5; i++)
		rc |= buf_printf(out, "hailong_http_responses_total{class="
		    "\"%zuxx\"} %llu\n", i, (unsigned long long)cls[i]);
	rc |= metrics_head(out, "hailong_http_rate_limited_total", "counter",
	    "Requests refused with 429 (failed attempts, requests at once).");
	rc |= buf_printf(out, "hailong_http_rate_limited_total %llu\n",
	    (unsigned long long)refused);
	rc |= metrics_head(out, "hailong_kiosks_seen", "gauge",
	    "Kiosks whose key made a request in the last 5 minutes.");
	rc |= buf_printf(out, "hailong_kiosks_seen %zu\n",
	    metrics_kiosks_seen(m, now));
	return (rc != 0 ? -1 : 0);
}

static int
metrics_counter(struct buf *out, const char *name, const char *help,
    uint64_t v)
{
	if (metrics_head(out, name, "counter", help) == -1)
		return (-1);
	return (buf_printf(out, "%s %llu\n", name, (unsigned long long)v));
}

static int
metrics_gauge(struct buf *out, const char *name, const char *help,
    double v)
{
	if (metrics_head(out, name, "gauge", help) == -1)
		return (-1);
	return (buf_printf(out, "%s %.17g\n", name, v));
}

int
metrics_writer_render(const struct writer_stats *ws, struct buf *out)
{
	size_t	 i, c;
	int	 rc = 0;

	rc |= metrics_counter(out, "hailong_writer_batches_total",
	    "Batches committed durably.", ws->batches);
	rc |= metrics_counter(out, "hailong_writer_batches_failed_total",
	    "Batches that could not be written.", ws->failed);
	rc |= metrics_counter(out, "hailong_writer_ops_total",
	    "Writes in committed batches.", ws->ops);
	rc |= metrics_gauge(out, "hailong_writer_queue_depth",
	    "Writes waiting for the writer.", (double)ws->queued);
	rc |= metrics_head(out, "hailong_writer_batch_size", "histogram",
	    "Writes per committed batch.");
	rc |= metrics_hist_render(ws->batch_ops, out,
	    "hailong_writer_batch_size", "", 1);
	rc |= metrics_head(out, "hailong_writer_apply_seconds", "histogram",
	    "Applying a batch's writes in its transaction.");
	rc |= metrics_hist_render(ws->apply_us, out,
	    "hailong_writer_apply_seconds", "", 1e6);
	rc |= metrics_head(out, "hailong_writer_commit_seconds", "histogram",
	    "A batch's durable commit: pages written and synced (fsync).");
	rc |= metrics_hist_render(ws->commit_us, out,
	    "hailong_writer_commit_seconds", "", 1e6);
	rc |= metrics_counter(out, "hailong_tickets_issued_total",
	    "Tickets created.", ws->tickets);
	rc |= metrics_head(out, "hailong_answers_stored_total", "counter",
	    "Answers stored, by channel.");
	for (i = 0; i < CHANNEL_COUNT; i++)
		rc |= buf_printf(out, "hailong_answers_stored_total{channel="
		    "\"%s\"} %llu\n", channel_name((enum channel)i),
		    (unsigned long long)ws->answers[i]);
	rc |= metrics_head(out, "hailong_tickets_by_survey_total", "counter",
	    "Tickets created, by survey.");
	for (i = 0; i < ws->nsurveys; i++)
		rc |= buf_printf(out, "hailong_tickets_by_survey_total{survey="
		    "\"%s\"} %llu\n", ws->surveys[i].id,
		    (unsigned long long)ws->surveys[i].tickets);
	rc |= metrics_head(out, "hailong_answers_by_survey_total", "counter",
	    "Answers stored, by survey and channel.");
	for (i = 0; i < ws->nsurveys; i++)
		for (c = 0; c < CHANNEL_COUNT; c++)
			rc |= buf_printf(out, "hailong_answers_by_survey_total{"
			    "survey=\"%s\",channel=\"%s\"} %llu\n",
			    ws->surveys[i].id, channel_name((enum channel)c),
			    (unsigned long long)ws->surveys[i].answers[c]);
	rc |= metrics_head(out, "hailong_answers_by_indicator_total",
	    "counter", "Answers stored that count toward an indicator of "
	    "the resolution (schema/indicators.ini).");
	for (i = 0; i < ws->nind; i++)
		rc |= buf_printf(out, "hailong_answers_by_indicator_total{"
		    "indicator=\"%s\"} %llu\n", ws->ind_ids[i],
		    (unsigned long long)ws->ind_answers[i]);
	rc |= metrics_counter(out, "hailong_answers_suspect_total",
	    "Answers stored flagged as suspect.", ws->suspects);
	rc |= metrics_counter(out, "hailong_purged_idempotency_total",
	    "Idempotency records purged after their keeping time.",
	    ws->purged_idem);
	rc |= metrics_counter(out, "hailong_purged_enrolment_total",
	    "Enrolment codes purged after their expiry.", ws->purged_enrol);
	rc |= metrics_gauge(out, "hailong_lmdb_map_size_bytes",
	    "The database's map size.", (double)ws->map_size);
	rc |= metrics_gauge(out, "hailong_lmdb_map_used_bytes",
	    "Bytes of the map in use (up to its last page).",
	    (double)ws->map_used);
	return (rc != 0 ? -1 : 0);
}

int
metrics_process_render(struct buf *out, int64_t started, int64_t now,
    const char *datadir)
{
	struct statvfs	 sv;
	unsigned long	 size = 0, rss = 0;
	FILE		*f;
	int		 rc = 0;

	if ((f = fopen("/proc/self/statm", "r")) != NULL) {
		if (fscanf(f, "%lu %lu", &size, &rss) != 2)
			rss = 0;
		fclose(f);
	}
	rc |= metrics_gauge(out, "process_resident_memory_bytes",
	    "Resident memory.", (double)rss * (double)sysconf(_SC_PAGESIZE));
	rc |= metrics_gauge(out, "process_start_time_seconds",
	    "Start time since the epoch.", (double)started);
	rc |= metrics_gauge(out, "hailong_uptime_seconds",
	    "Seconds since the server started.", (double)(now - started));
	if (statvfs(datadir, &sv) == 0)
		rc |= metrics_gauge(out, "hailong_disk_free_bytes",
		    "Free space of the data directory's file system (for "
		    "its user).", (double)sv.f_bavail * (double)sv.f_frsize);
	return (rc != 0 ? -1 : 0);
}
