/*
 * netaddr.c: addresses, CIDR lists and the client behind a trusted proxy.
 * Trap: X-Forwarded-For is written by the client first and by each proxy
 * after it; only the entries appended by proxies we trust are true, so
 * the walk goes from the right and stops at the first untrusted entry.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include "netaddr.h"
#include "util.h"

int
netaddr_parse(const char *s, size_t len, uint8_t out[16])
{
	char		 tmp[INET6_ADDRSTRLEN + 1];
	struct in_addr	 a4;

	if (len == 0 || len >= sizeof(tmp))
		return (-1);
	memcpy(tmp, s, len);
	tmp[len] = '\0';
	memset(out, 0, 16);
	if (inet_pton(AF_INET, tmp, &a4) == 1) {
		out[10] = out[11] = 0xff;
		memcpy(out + 12, &a4, 4);
		return (0);
	}
	if (inet_pton(AF_INET6, tmp, out) == 1)
		return (0);
	return (-1);
}

static int
netaddr_is_v4(const uint8_t a[16])
{
	static const uint8_t	 pfx[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	    0xff, 0xff };

	return (memcmp(a, pfx, sizeof(pfx)) == 0);
}

/* One "ADDR" or "ADDR/BITS" of len bytes into n; -1 when bad. */
static int
netaddr_net_parse(const char *s, size_t len, struct netaddr_net *n)
{
	const char	*slash = memchr(s, '/', len);
	long long	 bits;
	unsigned	 max;
	size_t		 i;

	if (netaddr_parse(s, slash != NULL ? (size_t)(slash - s) : len,
	    n->addr) == -1)
		return (-1);
	max = netaddr_is_v4(n->addr) ? 32 : 128;
	if (slash == NULL)
		bits = max;
	else if (parse_num(slash + 1, len - (size_t)(slash - s) - 1, 0, max,
	    &bits) == -1)
		return (-1);
	n->bits = (unsigned)bits + (max == 32 ? 96 : 0);
	/* Host bits set below the prefix are cleared, as routers do. */
	for (i = 0; i < 16; i++) {
		unsigned	 keep = n->bits > i * 8 ? n->bits - i * 8 : 0;

		if (keep < 8)
			n->addr[i] &= (uint8_t)(0xff00u >> keep);
	}
	return (0);
}

int
netaddr_list_parse(struct netaddr_list *l, const char *s, char *why,
    size_t whylen)
{
	const char	*p = s, *e;
	size_t		 len;

	l->n = 0;
	for (;;) {
		while (*p == ' ' || *p == ',' || *p == '\t')
			p++;
		if (*p == '\0')
			return (0);
		for (e = p; *e != '\0' && *e != ' ' && *e != ',' &&
		    *e != '\t'; e++)
			;
		len = (size_t)(e - p);
		if (l->n == NETADDR_LIST_MAX) {
			snprintf(why, whylen, "at most %d addresses or blocks",
			    NETADDR_LIST_MAX);
			return (-1);
		}
		if (netaddr_net_parse(p, len, &l->nets[l->n]) == -1) {
			snprintf(why, whylen, "\"%.*s\" is not an address or "
			    "a CIDR block such as 10.0.0.0/8",
			    len > 60 ? 60 : (int)len, p);
			l->n = 0;
			return (-1);
		}
		l->n++;
		p = e;
	}
}

int
netaddr_list_has(const struct netaddr_list *l, const uint8_t addr[16])
{
	size_t	 i;

	for (i = 0; i < l->n; i++) {
		const struct netaddr_net *n = &l->nets[i];
		unsigned	 full = n->bits / 8, rest = n->bits % 8;

		if (memcmp(addr, n->addr, full) != 0)
			continue;
		if (rest != 0 && ((addr[full] ^ n->addr[full]) &
		    (uint8_t)(0xff00u >> rest)) != 0)
			continue;
		return (1);
	}
	return (0);
}

int
netaddr_client(const struct netaddr_list *trusted, const uint8_t peer[16],
    const char *xff, uint8_t out[16])
{
	const char	*end, *start, *b, *e;
	uint8_t		 a[16];
	size_t		 seen = 0;

	memcpy(out, peer, 16);
	if (xff == NULL || trusted->n == 0 || !netaddr_list_has(trusted, peer))
		return (0);
	end = xff + strlen(xff);
	while (end > xff && seen++ < NETADDR_XFF_MAX) {
		/* The last entry before end: [b, e), blanks trimmed. */
		for (start = end; start > xff && start[-1] != ','; start--)
			;
		b = start;
		e = end;
		while (b < e && (*b == ' ' || *b == '\t'))
			b++;
		while (e > b && (e[-1] == ' ' || e[-1] == '\t'))
			e--;
		/* Garbage: the last proxy's own address (or the peer). */
		if (netaddr_parse(b, (size_t)(e - b), a) == -1)
			return (seen > 1);
		memcpy(out, a, 16);
		if (!netaddr_list_has(trusted, a))
			return (1);
		end = start > xff ? start - 1 : xff;	/* before the comma */
	}
	/* Every entry a proxy of ours: the left-most is the client. */
	return (seen > 0);
}

void
netaddr_format(const uint8_t addr[16], char *out, size_t outlen)
{
	static const uint8_t	 v4[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	    0xff, 0xff };

	if (memcmp(addr, v4, sizeof(v4)) == 0) {
		if (inet_ntop(AF_INET, addr + 12, out, outlen) == NULL)
			snprintf(out, outlen, "?");
	} else if (inet_ntop(AF_INET6, addr, out, outlen) == NULL)
		snprintf(out, outlen, "?");
}

int
netaddr_is_loopback(const uint8_t addr[16])
{
	static const uint8_t	 v4[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	    0xff, 0xff };
	static const uint8_t	 v6[16] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	    0, 0, 0, 0, 0, 1 };

	if (memcmp(addr, v4, sizeof(v4)) == 0)
		return (addr[12] == 127);
	return (memcmp(addr, v6, sizeof(v6)) == 0);
}
