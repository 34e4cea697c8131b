/*
 * test_metrics.c: histograms (buckets added up, sum scaled), the
 * requests' table (status slots, the route of none), the kiosks seen in
 * the window, and the text they render.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "buf.h"
#include "metrics.h"

static const uint64_t bounds[] = { 10, 100, 1000 };

static void
test_hist(void **state)
{
	struct metrics_hist	 h;
	struct buf		 b;
	char			*s;
	size_t			 n;

	(void)state;
	metrics_hist_init(&h, bounds, 3);
	metrics_hist_observe(&h, 5);
	metrics_hist_observe(&h, 10);
	metrics_hist_observe(&h, 50);
	metrics_hist_observe(&h, 5000);
	buf_init(&b, 4096);
	assert_int_equal(metrics_hist_render(&h, &b, "x_seconds",
	    "route=\"/\"", 1000), 0);
	assert_int_equal(buf_addc(&b, '\0'), 0);
	s = buf_steal(&b, &n);
	assert_non_null(strstr(s,
	    "x_seconds_bucket{route=\"/\",le=\"0.01\"} 2\n"));
	assert_non_null(strstr(s,
	    "x_seconds_bucket{route=\"/\",le=\"0.1\"} 3\n"));
	assert_non_null(strstr(s,
	    "x_seconds_bucket{route=\"/\",le=\"1\"} 3\n"));
	assert_non_null(strstr(s,
	    "x_seconds_bucket{route=\"/\",le=\"+Inf\"} 4\n"));
	assert_non_null(strstr(s, "x_seconds_sum{route=\"/\"} 5.065000\n"));
	assert_non_null(strstr(s, "x_seconds_count{route=\"/\"} 4\n"));
	free(s);
	buf_clear(&b);
}

static void
test_requests(void **state)
{
	static const char *const methods[] = { "GET", "POST" };
	static const char *const paths[] = { "/s/*", "/s/*" };
	struct metrics_http	*m;
	struct buf		 b;
	uint8_t			 k1[32], k2[32];
	char			*s;
	size_t			 n;

	(void)state;
	m = metrics_http_create(2, methods, paths);
	metrics_http_request(m, 0, 200, 500);
	metrics_http_request(m, 0, 200, 700);
	metrics_http_request(m, 1, 422, 900);
	metrics_http_request(m, 1, 418, 900);	/* other */
	metrics_http_request(m, 2, 404, 10);	/* no route */
	metrics_http_request(m, 99, 429, 10);	/* out of range: none */
	memset(k1, 1, sizeof(k1));
	memset(k2, 2, sizeof(k2));
	metrics_http_kiosk(m, k1, 1000);
	metrics_http_kiosk(m, k1, 1100);
	metrics_http_kiosk(m, k2, 1000);
	buf_init(&b, 64 * 1024);
	/* k2 last seen at 1000: out of the window at 1400; k1 in it. */
	assert_int_equal(metrics_http_render(m, &b, 1000 +
	    METRICS_KIOSK_WINDOW + 50), 0);
	assert_int_equal(buf_addc(&b, '\0'), 0);
	s = buf_steal(&b, &n);
	assert_non_null(strstr(s, "hailong_http_requests_total{method=\"GET\","
	    "route=\"/s/*\",status=\"200\"} 2\n"));
	assert_non_null(strstr(s, "hailong_http_requests_total{method=\"POST\","
	    "route=\"/s/*\",status=\"other\"} 1\n"));
	assert_non_null(strstr(s, "hailong_http_requests_total{method=\"\","
	    "route=\"-\",status=\"404\"} 1\n"));
	assert_non_null(strstr(s, "hailong_http_responses_total{class=\"4xx\"}"
	    " 3\n"));
	assert_non_null(strstr(s, "hailong_http_responses_total{class=\"2xx\"}"
	    " 2\n"));
	assert_non_null(strstr(s, "hailong_http_rate_limited_total 1\n"));
	assert_non_null(strstr(s, "hailong_kiosks_seen 1\n"));
	assert_non_null(strstr(s, "hailong_http_request_duration_seconds_count"
	    "{method=\"GET\",route=\"/s/*\"} 2\n"));
	free(s);
	buf_clear(&b);
	metrics_http_free(m);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hist),
		cmocka_unit_test(test_requests),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
