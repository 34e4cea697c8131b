/*
 * report_stats.c: the report's maths and rules: the 95% Wilson interval,
 * the Beta CDF (regularized incomplete beta) behind the probability of
 * reaching a target under a Jeffreys prior, and the status and verdict
 * of a figure against a target.
 * Traps: s > n or n == 0 is "no data" (-1, NaN), never 0; a target read
 * from an INI (0.85 as 0.8499999) is compared in 1e-9 steps.
 */
#include <math.h>
#include <string.h>

#include "report.h"

int
report_wilson(uint64_t s, uint64_t n, double *lo, double *hi)
{
	double	 p, z2, d, c, h;

	if (n == 0 || s > n)
		return (-1);
	p = (double)s / (double)n;
	z2 = REPORT_Z * REPORT_Z;
	d = 1.0 + z2 / (double)n;
	c = (p + z2 / (2.0 * (double)n)) / d;
	h = REPORT_Z * sqrt(p * (1.0 - p) / (double)n +
	    z2 / (4.0 * (double)n * (double)n)) / d;
	*lo = s == 0 ? 0.0 : c - h;
	*hi = s == n ? 1.0 : c + h;
	if (*lo < 0.0)
		*lo = 0.0;
	if (*hi > 1.0)
		*hi = 1.0;
	return (0);
}

/* Continued fraction of the incomplete beta (modified Lentz). */
static double
report_betacf(double x, double a, double b)
{
	const double	 tiny = 1e-300, eps = 1e-15;
	double		 c = 1.0, d, h, del, aa, m2;
	int		 m;

	d = 1.0 - (a + b) * x / (a + 1.0);
	if (fabs(d) < tiny)
		d = tiny;
	d = 1.0 / d;
	h = d;
	for (m = 1; m <= 10000; m++) {
		m2 = 2.0 * m;
		aa = m * (b - m) * x / ((a - 1.0 + m2) * (a + m2));
		d = 1.0 + aa * d;
		if (fabs(d) < tiny)
			d = tiny;
		c = 1.0 + aa / c;
		if (fabs(c) < tiny)
			c = tiny;
		d = 1.0 / d;
		h *= d * c;
		aa = -(a + m) * (a + b + m) * x / ((a + m2) * (a + 1.0 + m2));
		d = 1.0 + aa * d;
		if (fabs(d) < tiny)
			d = tiny;
		c = 1.0 + aa / c;
		if (fabs(c) < tiny)
			c = tiny;
		d = 1.0 / d;
		del = d * c;
		h *= del;
		if (fabs(del - 1.0) < eps)
			break;
	}
	return (h);
}

double
report_beta_cdf(double x, double a, double b)
{
	double	 lbt;

	if (!(a > 0.0) || !(b > 0.0) || isnan(x))
		return (NAN);
	if (x <= 0.0)
		return (0.0);
	if (x >= 1.0)
		return (1.0);
	lbt = lgamma(a + b) - lgamma(a) - lgamma(b) + a * log(x) +
	    b * log1p(-x);
	/* The fraction converges fast on this side only: swap otherwise. */
	if (x < (a + 1.0) / (a + b + 2.0))
		return (exp(lbt) * report_betacf(x, a, b) / a);
	return (1.0 - exp(lbt) * report_betacf(1.0 - x, b, a) / b);
}

double
report_p_reach(uint64_t s, uint64_t n, double t)
{
	double	 p;

	if (n == 0 || s > n)
		return (NAN);
	p = 1.0 - report_beta_cdf(t, (double)s + 0.5, (double)(n - s) + 0.5);
	return (p < 0.0 ? 0.0 : p > 1.0 ? 1.0 : p);
}

enum report_status
report_status(uint64_t s, uint64_t n, double t)
{
	double	 lo, hi;

	if (report_wilson(s, n, &lo, &hi) == -1)
		return (RS_NO_DATA);
	/* Compared in 1e-9 steps so that 0.85 read as 0.8499999 is met. */
	if (lo + 1e-9 >= t)
		return (RS_MET);
	if (hi + 1e-9 < t)
		return (RS_NOT_MET);
	return (RS_INCONCLUSIVE);
}

const char *
report_status_name(enum report_status s)
{
	switch (s) {
	case RS_MET:
		return ("met");
	case RS_NOT_MET:
		return ("not_met");
	case RS_INCONCLUSIVE:
		return ("inconclusive");
	default:
		return ("no_data");
	}
}

const char *
report_verdict(uint64_t s, uint64_t n, uint64_t min, double t)
{
	if (n == 0)
		return ("no_data");
	if (n < min)
		return ("too_few");
	switch (report_status(s, n, t)) {
	case RS_MET:
		return ("met");
	case RS_NOT_MET:
		return ("not_met");
	default:
		return (report_p_reach(s, n, t) >= REPORT_LIKELY ? "likely" :
		    "unlikely");
	}
}

const char *
report_verdict_vi(const char *v)
{
	static const struct {
		const char	*code, *vi;
	} words[] = {
		{ "met", "Đạt" },
		{ "likely", "Nhiều khả năng đạt" },
		{ "unlikely", "Khó đạt" },
		{ "not_met", "Không đạt" },
		{ "too_few", "Quá ít phiếu" },
		{ "no_data", "Không có dữ liệu" },
		{ "no_target", "Không xét chỉ tiêu" }
	};
	size_t	 i;

	for (i = 0; v != NULL && i < sizeof(words) / sizeof(words[0]); i++)
		if (strcmp(v, words[i].code) == 0)
			return (words[i].vi);
	return ("");
}
