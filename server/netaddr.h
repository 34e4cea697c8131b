/*
 * netaddr.h: client addresses as 16 bytes (IPv4 mapped into IPv6), lists
 * of addresses and CIDR blocks (the trusted proxies), and which address
 * of a request is the client's when a trusted proxy forwarded it.
 */
#ifndef NETADDR_H
#define NETADDR_H

#include <stddef.h>
#include <stdint.h>

#define NETADDR_LIST_MAX	32	/* entries of trusted_proxies */
#define NETADDR_XFF_MAX		32	/* X-Forwarded-For entries looked at */

struct netaddr_net {
	uint8_t		 addr[16];
	unsigned	 bits;		/* prefix length over the 128 bits */
};

struct netaddr_list {
	size_t			 n;
	struct netaddr_net	 nets[NETADDR_LIST_MAX];
};

/*
 * One address ("192.0.2.7", "2001:db8::1") of len bytes into out.
 * Returns 0, or -1 when it is not an address.
 */
int	 netaddr_parse(const char *s, size_t len, uint8_t out[16]);
/*
 * A list of addresses and CIDR blocks separated by commas or spaces
 * ("127.0.0.1, 10.0.0.0/8, ::1") into l, replacing what it held.
 * Returns 0, or -1 with the reason in why.
 */
int	 netaddr_list_parse(struct netaddr_list *l, const char *s,
	    char *why, size_t whylen);
/* addr as text ("192.0.2.7", "2001:db8::1") into out (at least 46). */
#define NETADDR_TEXT_MAX	46
void	 netaddr_format(const uint8_t addr[16], char *out, size_t outlen);
/* 1 when addr is a loopback address (127.0.0.0/8, ::1). */
int	 netaddr_is_loopback(const uint8_t addr[16]);
/* 1 when addr lies in one of l's blocks. */
int	 netaddr_list_has(const struct netaddr_list *l, const uint8_t addr[16]);
/*
 * The client's address of a request whose peer is peer: peer itself
 * unless it is a trusted proxy; then the right-most entry of the
 * X-Forwarded-For value xff (may be NULL) that is not a trusted proxy,
 * walked from the right. An entry that is not an address stops the walk
 * and the proxy's own address is the client's (nothing forged gets in).
 * Returns 1 when the address came from xff, else 0.
 */
int	 netaddr_client(const struct netaddr_list *trusted,
	    const uint8_t peer[16], const char *xff, uint8_t out[16]);

#endif
