/* summary: the one text form of IPv4 and MAC addresses that every stage and output uses. */
#ifndef NBT_FMT_H
#define NBT_FMT_H

#include <stdint.h>

/*
 * Returned by value, so a call can stand inside a printf argument list: the array lives
 * until the end of the full expression (C11 s6.2.4p8), e.g.
 *   printf("%s is at %s\n", fmt_ipv4(ip).s, fmt_mac(mac).s);
 */
struct fmt_ipv4 {
	char s[16]; /* "255.255.255.255" */
};
struct fmt_mac {
	char s[18]; /* "dc:a6:32:79:26:df" */
};

/* Dotted quad of an address held in host order (as struct nbt_pkt and the events keep it). */
struct fmt_ipv4 fmt_ipv4(uint32_t ip);
/* Six lowercase hex pairs joined by ':' (the form tcpdump, Wireshark and dnsmasq print). */
struct fmt_mac fmt_mac(const uint8_t mac[6]);

#endif
