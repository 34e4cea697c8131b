/*
 * test_contact.c: call-back numbers: one spelling of what people type,
 * refused when too short, too long or not a number; sealed so that the
 * number is not in the bytes, opened again with the ring, and not opened
 * for another item, with a flipped byte, or after its key is gone.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

#include "contact.h"
#include "crypto.h"

static void
test_phone_spellings(void **state)
{
	char	 out[CONTACT_PHONE_MAX + 1];

	(void)state;
	assert_int_equal(contact_phone("0912 345.678", 12, out), 0);
	assert_string_equal(out, "0912345678");
	assert_int_equal(contact_phone("+84 (91) 234-5678", 17, out), 0);
	assert_string_equal(out, "+84912345678");
	assert_int_equal(contact_phone("1234567", 7, out), -1);
	assert_string_equal(out, "");
	assert_int_equal(contact_phone("1234567890123456", 16, out), -1);
	assert_int_equal(contact_phone("09123a5678", 10, out), -1);
	assert_int_equal(contact_phone("0912+345678", 11, out), -1);
	assert_int_equal(contact_phone("09123456<b>", 11, out), -1);
	assert_int_equal(contact_phone("", 0, out), -1);
}

static void
ring(struct keyring *kr, uint8_t kid, uint8_t fill)
{
	memset(kr, 0, sizeof(*kr));
	kr->n = 1;
	kr->kid[0] = kid;
	memset(kr->key[0], fill, KEY_LEN);
}

static void
test_seal_open(void **state)
{
	struct keyring	 kr, other;
	uint8_t		 b[CONTACT_SEALED_MAX], b2[CONTACT_SEALED_MAX];
	char		 out[CONTACT_PHONE_MAX + 1];
	size_t		 n, n2;

	(void)state;
	ring(&kr, 3, 0x41);
	n = contact_seal(&kr, 42, "0912345678", b);
	assert_int_equal(n, 2 + CRYPTO_GCM_IV_LEN + CRYPTO_GCM_TAG_LEN + 10);
	assert_null(memmem(b, n, "0912345678", 10));
	assert_null(memmem(b, n, "912345", 6));
	assert_int_equal(contact_open(&kr, 42, b, n, out), 0);
	assert_string_equal(out, "0912345678");
	/* A fresh nonce each time. */
	n2 = contact_seal(&kr, 42, "0912345678", b2);
	assert_int_equal(n2, n);
	assert_memory_not_equal(b, b2, n);
	/* Bound to the item. */
	assert_int_equal(contact_open(&kr, 43, b, n, out), -1);
	assert_string_equal(out, "");
	/* A flipped byte anywhere. */
	b[n - 1] ^= 1;
	assert_int_equal(contact_open(&kr, 42, b, n, out), -1);
	b[n - 1] ^= 1;
	b[5] ^= 0x80;
	assert_int_equal(contact_open(&kr, 42, b, n, out), -1);
	b[5] ^= 0x80;
	/* Another ring: no key of that id, or another key under it. */
	ring(&other, 4, 0x41);
	assert_int_equal(contact_open(&other, 42, b, n, out), -1);
	ring(&other, 3, 0x42);
	assert_int_equal(contact_open(&other, 42, b, n, out), -1);
	/* Truncated, empty, too long. */
	assert_int_equal(contact_open(&kr, 42, b, n - 1, out), -1);
	assert_int_equal(contact_open(&kr, 42, b, 2, out), -1);
	assert_int_equal(contact_seal(&kr, 42, "", b), 0);
	assert_int_equal(contact_seal(&kr, 42, "12345678901234567", b), 0);
	assert_int_equal(contact_open(&kr, 42, b2, n2, out), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_phone_spellings),
		cmocka_unit_test(test_seal_open),
	};

	if (crypto_init() == -1)
		return (1);
	return (cmocka_run_group_tests(tests, NULL, NULL));
}
