/*
 * test_netaddr.c: addresses and CIDR lists, and the client behind a
 * trusted proxy: right-most untrusted entry, forged left-hand entries,
 * garbage, untrusted peers.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

#include "netaddr.h"

static void
addr(const char *s, uint8_t out[16])
{
	assert_int_equal(netaddr_parse(s, strlen(s), out), 0);
}

static void
test_parse(void **state)
{
	uint8_t	 a[16], b[16];

	(void)state;
	addr("192.0.2.7", a);
	assert_int_equal(a[10], 0xff);
	assert_int_equal(a[15], 7);
	addr("::ffff:192.0.2.7", b);
	assert_memory_equal(a, b, 16);
	addr("2001:db8::1", a);
	assert_int_equal(a[0], 0x20);
	assert_int_equal(netaddr_parse("", 0, a), -1);
	assert_int_equal(netaddr_parse("300.1.1.1", 9, a), -1);
	assert_int_equal(netaddr_parse("example.org", 11, a), -1);
	assert_int_equal(netaddr_parse("1.2.3.4 ", 8, a), -1);
}

static void
test_lists(void **state)
{
	struct netaddr_list	 l;
	uint8_t			 a[16];
	char			 why[200];

	(void)state;
	assert_int_equal(netaddr_list_parse(&l, "127.0.0.1, 10.0.0.0/8 "
	    "2001:db8::/32,::1", why, sizeof(why)), 0);
	assert_int_equal(l.n, 4);
	addr("127.0.0.1", a);
	assert_true(netaddr_list_has(&l, a));
	addr("127.0.0.2", a);
	assert_false(netaddr_list_has(&l, a));
	addr("10.255.1.2", a);
	assert_true(netaddr_list_has(&l, a));
	addr("11.0.0.1", a);
	assert_false(netaddr_list_has(&l, a));
	addr("2001:db8:ffff::9", a);
	assert_true(netaddr_list_has(&l, a));
	addr("2001:db9::9", a);
	assert_false(netaddr_list_has(&l, a));
	/* Host bits below the prefix are ignored, as routers do. */
	assert_int_equal(netaddr_list_parse(&l, "192.168.1.77/24", why,
	    sizeof(why)), 0);
	addr("192.168.1.200", a);
	assert_true(netaddr_list_has(&l, a));
	/* An odd prefix length. */
	assert_int_equal(netaddr_list_parse(&l, "172.16.0.0/12", why,
	    sizeof(why)), 0);
	addr("172.31.255.255", a);
	assert_true(netaddr_list_has(&l, a));
	addr("172.32.0.0", a);
	assert_false(netaddr_list_has(&l, a));
	/* Bad entries: refused with the entry named, the list left empty. */
	assert_int_equal(netaddr_list_parse(&l, "10.0.0.0/33", why,
	    sizeof(why)), -1);
	assert_non_null(strstr(why, "10.0.0.0/33"));
	assert_int_equal(l.n, 0);
	assert_int_equal(netaddr_list_parse(&l, "::1/129", why,
	    sizeof(why)), -1);
	assert_int_equal(netaddr_list_parse(&l, "1.2.3.4/", why,
	    sizeof(why)), -1);
	assert_int_equal(netaddr_list_parse(&l, "a.b.c.d", why,
	    sizeof(why)), -1);
	assert_int_equal(netaddr_list_parse(&l, "", why, sizeof(why)), 0);
	assert_int_equal(l.n, 0);
}

static void
test_client(void **state)
{
	struct netaddr_list	 l;
	uint8_t			 peer[16], out[16], want[16];
	char			 why[200];

	(void)state;
	assert_int_equal(netaddr_list_parse(&l, "127.0.0.1, 10.0.0.0/8", why,
	    sizeof(why)), 0);
	addr("127.0.0.1", peer);
	/* The right-most entry that is not a proxy of ours. */
	assert_int_equal(netaddr_client(&l, peer,
	    "198.51.100.1, 203.0.113.6, 10.1.2.3", out), 1);
	addr("203.0.113.6", want);
	assert_memory_equal(out, want, 16);
	assert_int_equal(netaddr_client(&l, peer, " 203.0.113.9 ", out), 1);
	addr("203.0.113.9", want);
	assert_memory_equal(out, want, 16);
	/* Garbage: the walk stops, nothing forged gets in. */
	assert_int_equal(netaddr_client(&l, peer, "203.0.113.9, junk", out),
	    0);
	assert_memory_equal(out, peer, 16);
	assert_int_equal(netaddr_client(&l, peer, "", out), 0);
	assert_memory_equal(out, peer, 16);
	/* No header, or a peer that is not trusted: the peer. */
	assert_int_equal(netaddr_client(&l, peer, NULL, out), 0);
	assert_memory_equal(out, peer, 16);
	addr("192.0.2.1", peer);
	assert_int_equal(netaddr_client(&l, peer, "203.0.113.6", out), 0);
	assert_memory_equal(out, peer, 16);
	/* No trusted proxies at all. */
	l.n = 0;
	addr("127.0.0.1", peer);
	assert_int_equal(netaddr_client(&l, peer, "203.0.113.6", out), 0);
	assert_memory_equal(out, peer, 16);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse),
		cmocka_unit_test(test_lists),
		cmocka_unit_test(test_client),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
