/* summary: DHCP/BOOTP dissector (RFC 951, 2131, 2132, 3004, 3046, 4578 PXE, 5859): one event per
 * message. */
#include <netinet/in.h>
#include <stddef.h>
#include <string.h>

#include "nbt/proto/dhcp.h"
#include "nbt/dhcp.h"
#include "nbt/dissect.h"

/*
 * What is emitted when the message is malformed (a decision, documented here
 * and in the unit tests):
 *  - fewer than 44 bytes (through chaddr): no DHCP event, only the anomaly;
 *    without chaddr nothing can be tied to a client.
 *  - the header stops inside sname/file: an event with DHCP_F_PARTIAL, empty
 *    sname/file and no options.
 *  - a bad option (length byte missing, data past the end, not captured):
 *    the options before it are kept, the bad one and everything after it in
 *    that area are dropped (DHCP_F_OPT_ERROR); the event is emitted.
 *  - no end option, a bad cookie, hlen > 16, a bad option 52: an anomaly and
 *    the event with what was read.
 */

enum dhcp_area { DHCP_AREA_OPTIONS, DHCP_AREA_FILE, DHCP_AREA_SNAME };

/* Parse state for one message (on the stack; nothing survives the packet). */
struct dhcp_parse {
	struct ev_dhcp *d;
	struct dis_ctx *ctx;
	bool seen52; /* option 52 already honoured from the options field */
	bool badlen; /* "bad option length" already reported for this message */
	enum dis_status st;
};

/* Bounded search for a byte string (memmem is not C11). */
static bool dhcp_contains(const void *hay, size_t hlen, const char *needle)
{
	size_t nlen = strlen(needle);
	const uint8_t *h = hay;
	if (nlen == 0 || hlen < nlen)
		return nlen == 0;
	for (size_t i = 0; i <= hlen - nlen; i++)
		if (h[i] == (uint8_t)needle[0] && memcmp(h + i, needle, nlen) == 0)
			return true;
	return false;
}

static void dhcp_anomaly(struct dhcp_parse *p, enum nbt_anomaly kind, const char *why)
{
	dis_anomaly(p->ctx, kind, "dhcp", why);
	if (p->st == DIS_OK)
		p->st = kind == ANOM_TRUNCATED ? DIS_TRUNC : DIS_INVALID;
}

/* A failed cursor becomes a truncated/invalid anomaly; the first failure sets the status. */
static void dhcp_cursor_fail(struct dhcp_parse *p, const struct cur *c)
{
	enum dis_status st = dis_cursor_fail(p->ctx, c, "dhcp");
	if (p->st == DIS_OK)
		p->st = st;
}

/* Copies what is left of an option's sub-cursor (at most 255 bytes) as a string. */
static void dhcp_str_set(struct dhcp_str *s, struct cur o)
{
	size_t n = cur_wire_left(&o);
	if (n > DHCP_OPT_STRMAX || !cur_copy(&o, s->s, n))
		return;
	s->len = (uint16_t)n;
	s->s[n] = '\0';
}

/* Keeps the option in the raw buffer: code, len, data (so any option can be shown later). */
static void dhcp_raw_add(struct ev_dhcp *d, uint8_t code, struct cur o)
{
	size_t n = cur_wire_left(&o);
	if (n > DHCP_RAW_MAX - 2 || d->raw_len > DHCP_RAW_MAX - 2 - n) {
		d->flags_nbt |= DHCP_F_RAW_FULL;
		return;
	}
	d->raw[d->raw_len] = code;
	d->raw[d->raw_len + 1] = (uint8_t)n;
	if (cur_copy(&o, d->raw + d->raw_len + 2, n))
		d->raw_len = (uint16_t)(d->raw_len + 2 + n);
}

/*
 * PXE 2.1 vendor options inside option 43 (PXE spec s2.4, table 2-1; RFC 4578
 * s2 points there).  Each is code, len, data; 255 ends.  Option 43 is opaque
 * to RFC 2132 (s8.4), so a body that is not TLV (dnsmasq's raw
 * dhcp-option=43,"Raspberry Pi Boot") is not an anomaly: DHCP_F_PXE_OK stays clear.
 */
static void dhcp_pxe_sub(struct ev_dhcp *d, uint8_t code, struct cur s)
{
	switch (code) {
	case PXE_SUB_DISC_CTL: /* 1 byte of bits: no broadcast/multicast/list only/bootstrap */
		d->pxe_disc = cur_u8(&s);
		d->has_pxe_disc = cur_ok(&s);
		break;
	case PXE_SUB_SERVERS: /* {type u16, count u8, count x IPv4}... : first entry */
		d->pxe_server_type = cur_be16(&s);
		if (cur_u8(&s) > 0)
			d->pxe_server_ip = cur_be32(&s);
		d->has_pxe_servers = cur_ok(&s);
		break;
	case PXE_SUB_MENU: { /* {type u16, len u8, text}... : first entry's text */
		d->pxe_menu_type = cur_be16(&s);
		uint8_t n = cur_u8(&s);
		struct cur t = cur_sub(&s, n);
		if (cur_ok(&s)) {
			dhcp_str_set(&d->pxe_menu, t);
			d->has_pxe_menu = true;
		}
		break;
	}
	case PXE_SUB_PROMPT: /* timeout u8, prompt text to the end */
		d->pxe_timeout = cur_u8(&s);
		if (cur_ok(&s)) {
			dhcp_str_set(&d->pxe_prompt, s);
			d->has_pxe_prompt = true;
		}
		break;
	default:
		break;
	}
}

static void dhcp_pxe(struct ev_dhcp *d, struct cur o)
{
	while (cur_wire_left(&o) > 0) {
		uint8_t code = cur_u8(&o);
		if (code == PXE_SUB_PAD)
			continue;
		if (code == PXE_SUB_END)
			break;
		uint8_t len = cur_u8(&o);
		struct cur s = cur_sub(&o, len);
		if (!cur_ok(&o))
			return; /* not PXE TLVs (or cut): keep only what decoded */
		dhcp_pxe_sub(d, code, s);
	}
	if (cur_ok(&o))
		d->flags_nbt |= DHCP_F_PXE_OK;
}

/* Reads four 32-bit words in the given byte order. */
static void dhcp_words(struct cur o, bool big, uint32_t w[4])
{
	for (int i = 0; i < 4; i++)
		w[i] = big ? cur_be32(&o) : cur_le32(&o);
}

/*
 * Option 97 (RFC 4578 s2.3: type 0 + 16-byte UUID) as a Raspberry Pi fills it
 * (PI-NETBOOT.md s1): fourcc "RPi4"/"RPi5" (or a custom prefix), board
 * revision, MAC low 32 bits, serial, each word little-endian.  The MAC word is
 * checked against chaddr, which also tells the byte order; if it only matches
 * read big-endian, every word is read big-endian (DHCP_F_97_BE).  The old form
 * (DHCP_OPTION97=0) is type 0 + the serial four times.
 */
static void dhcp_pi97(struct ev_dhcp *d, struct cur o)
{
	if (cur_wire_left(&o) != PI97_LEN || cur_u8(&o) != 0 || cur_left(&o) != PI97_LEN - 1)
		return;
	uint32_t le[4], be[4], mac = 0;
	dhcp_words(o, false, le);
	dhcp_words(o, true, be);
	bool have_mac = d->htype == 1 && d->chaddr_len >= 6;
	if (have_mac)
		mac = (uint32_t)d->chaddr[2] << 24 | (uint32_t)d->chaddr[3] << 16 |
		      (uint32_t)d->chaddr[4] << 8 | d->chaddr[5];
	const uint32_t *w = le;
	if (have_mac && le[2] == mac) {
		d->flags_nbt |= DHCP_F_97_MAC_OK;
	} else if (have_mac && be[2] == mac) {
		d->flags_nbt |= DHCP_F_97_MAC_OK | DHCP_F_97_BE;
		w = be;
	} else if (le[0] != PI97_FOURCC_4 && le[0] != PI97_FOURCC_5) {
		bool rep = le[0] == le[1] && le[1] == le[2] && le[2] == le[3];
		d->pi97 = rep ? DHCP_PI97_LEGACY : DHCP_PI97_UUID;
		/* One byte 16 times is a placeholder, not a serial repeated (PI-NETBOOT.md s1): the
		 * serial comes from the folder the Pi asks for. */
		if (rep && le[0] == (le[0] & 0xffu) * 0x01010101u) {
			d->pi97 = DHCP_PI97_FILLER;
			return;
		}
		/* Legacy: byte order unknowable from the packet; little-endian like the new form.
		 */
		d->serial = rep ? le[0] : 0;
		return;
	}
	d->pi97 = DHCP_PI97_RPI;
	(void)cur_copy(&o, d->fourcc, 4); /* the fourcc's characters in wire order */
	d->fourcc[4] = '\0';
	d->board_rev = w[1];
	d->mac_word = w[2];
	d->serial = w[3];
}

/* Checks a fixed-size or list option's length; a bad one is reported once per message. */
static bool dhcp_len_ok(struct dhcp_parse *p, size_t len, size_t unit, size_t min, size_t max)
{
	if (len >= min && len <= max && len % unit == 0)
		return true;
	if (!p->badlen)
		dhcp_anomaly(p, ANOM_INVALID, "option length wrong for its type");
	p->badlen = true;
	return false;
}

/* Option 52 (RFC 2132 s9.3) is honoured only from the options field (RFC 2131 s4.1). */
static void dhcp_overload(struct dhcp_parse *p, struct cur o, enum dhcp_area area)
{
	const char *why = NULL;
	uint8_t v = cur_u8(&o);
	if (area != DHCP_AREA_OPTIONS)
		why = "option overload inside an overloaded field";
	else if (p->seen52)
		why = "option overload repeated";
	else if (cur_wire_left(&o) != 0 || !cur_ok(&o) || v < DHCP_OVERLOAD_FILE ||
	         v > DHCP_OVERLOAD_BOTH)
		why = "option overload value not 1, 2 or 3";
	if (why) {
		if (!(p->d->flags_nbt & DHCP_F_OVERLOAD_BAD))
			dhcp_anomaly(p, ANOM_INVALID, why);
		p->d->flags_nbt |= DHCP_F_OVERLOAD_BAD;
		return;
	}
	p->seen52 = true;
	p->d->overload = v;
}

static void dhcp_u32_opt(struct dhcp_parse *p, struct cur o, bool *has, uint32_t *v, bool list)
{
	size_t n = cur_wire_left(&o);
	if (dhcp_len_ok(p, n, 4, 4, list ? DHCP_OPT_STRMAX : 4)) {
		*v = cur_be32(&o);
		*has = cur_ok(&o);
	}
}

/* Decodes the first instance of the options netboot-trace reads (RFC 2132 / 4578). */
static void dhcp_decode(struct dhcp_parse *p, uint8_t code, struct cur o)
{
	struct ev_dhcp *d = p->d;
	size_t n = cur_wire_left(&o);
	/* Options copied as strings (RFC 2132 s3.14, s3.19, s9.13, s9.14, s9.4, s9.5). */
	const struct {
		uint8_t code;
		struct dhcp_str *s;
	} strs[] = {
	    {DHCP_OPT_HOSTNAME, &d->hostname},     {DHCP_OPT_ROOT_PATH, &d->root_path},
	    {DHCP_OPT_CLASS_ID, &d->vendor},       {DHCP_OPT_CLIENT_ID, &d->client_id},
	    {DHCP_OPT_TFTP_SERVER, &d->tftp_name}, {DHCP_OPT_BOOTFILE, &d->bootfile},
	};
	for (size_t i = 0; i < sizeof(strs) / sizeof(strs[0]); i++)
		if (strs[i].code == code) {
			dhcp_str_set(strs[i].s, o);
			return;
		}
	switch (code) {
	case DHCP_OPT_MSG_TYPE:
		if (dhcp_len_ok(p, n, 1, 1, 1))
			d->msg_type = cur_u8(&o);
		break;
	case DHCP_OPT_SUBNET:
		dhcp_u32_opt(p, o, &d->has_subnet, &d->subnet, false);
		break;
	case DHCP_OPT_ROUTER:
		dhcp_u32_opt(p, o, &d->has_router, &d->router, true);
		break;
	case DHCP_OPT_REQ_IP:
		dhcp_u32_opt(p, o, &d->has_req_ip, &d->req_ip, false);
		break;
	case DHCP_OPT_LEASE:
		dhcp_u32_opt(p, o, &d->has_lease, &d->lease, false);
		break;
	case DHCP_OPT_SERVER_ID:
		dhcp_u32_opt(p, o, &d->has_server_id, &d->server_id, false);
		break;
	case DHCP_OPT_TFTP_ADDR:
		dhcp_u32_opt(p, o, &d->has_tftp_addr, &d->tftp_addr, true);
		d->ntftp_addr = (uint8_t)(n / 4);
		break;
	case DHCP_OPT_MAX_MSG:
		if (dhcp_len_ok(p, n, 2, 2, 2)) {
			d->max_msg = cur_be16(&o);
			d->has_max_msg = true;
		}
		break;
	case DHCP_OPT_ARCH: /* RFC 4578 s2.1: a list of 16-bit architecture types */
		if (dhcp_len_ok(p, n, 2, 2, DHCP_OPT_STRMAX)) {
			d->arch = cur_be16(&o);
			d->narch = (uint8_t)(n / 2);
			d->has_arch = true;
		}
		break;
	case DHCP_OPT_NDI: /* RFC 4578 s2.2: type 1, major, minor */
		if (dhcp_len_ok(p, n, 3, 3, 3))
			d->has_ndi = cur_copy(&o, d->ndi, 3);
		break;
	case DHCP_OPT_PRL:
		d->prl_len = (uint8_t)n;
		(void)cur_copy(&o, d->prl, n);
		break;
	case DHCP_OPT_VENDOR:
		d->has_opt43 = true;
		d->opt43_len = (uint8_t)n;
		(void)cur_copy(&o, d->opt43, n);
		break;
	case DHCP_OPT_UUID:
		d->has_opt97 = true;
		d->opt97_len = (uint8_t)n;
		(void)cur_copy(&o, d->opt97, n);
		break;
	default:
		break;
	}
}

/*
 * One option: raw copy, then (first instance only) the decoded field.  A
 * repeated option is kept raw but not concatenated (RFC 3396 long options
 * are not reassembled).  `o` spans exactly the option's data (cur_sub).
 */
static void dhcp_option_store(struct dhcp_parse *p, uint8_t code, struct cur o, enum dhcp_area area)
{
	struct ev_dhcp *d = p->d;
	dhcp_raw_add(d, code, o);
	if (code == DHCP_OPT_OVERLOAD) {
		dhcp_overload(p, o, area);
	} else if (!dhcp_has(d, code)) {
		dhcp_decode(p, code, o);
		if (code == DHCP_OPT_VENDOR)
			dhcp_pxe(d, o);
		else if (code == DHCP_OPT_UUID)
			dhcp_pi97(d, o);
	}
	d->present[code >> 3] = (uint8_t)(d->present[code >> 3] | 1u << (code & 7));
}

static const char *const dhcp_no_end[] = {
    [DHCP_AREA_OPTIONS] = "options without end option",
    [DHCP_AREA_FILE] = "overloaded file field without end option",
    [DHCP_AREA_SNAME] = "overloaded sname field without end option",
};

/*
 * Walks one options area (RFC 2132 s2): pad (0) is one byte, end (255) stops,
 * everything else is code, len, len bytes.  Each iteration consumes at least
 * one byte of a bounded cursor, so the walk always ends.
 */
static void dhcp_parse_area(struct dhcp_parse *p, struct cur *c, enum dhcp_area area)
{
	for (;;) {
		if (cur_wire_left(c) == 0) {
			p->d->flags_nbt |= DHCP_F_NO_END;
			dhcp_anomaly(p, ANOM_INVALID, dhcp_no_end[area]);
			return;
		}
		uint8_t code = cur_u8(c);
		if (code == DHCP_OPT_PAD && cur_ok(c))
			continue;
		if (code == DHCP_OPT_END && cur_ok(c))
			return; /* what follows is padding */
		uint8_t len = cur_u8(c);
		struct cur o = cur_sub(c, len);
		if (cur_ok(c) && cur_left(&o) < len)
			(void)cur_take(&o, len); /* data on the wire but not captured: CUR_TRUNC */
		if (!cur_ok(c) || !cur_ok(&o)) {
			p->d->flags_nbt |= DHCP_F_OPT_ERROR;
			dhcp_cursor_fail(p, cur_ok(c) ? &o : c);
			return;
		}
		dhcp_option_store(p, code, o, area);
	}
}

/* Copies a NUL-padded header string (sname/file) up to its first NUL. */
static uint8_t dhcp_field_str(struct cur f, char *dst, size_t size)
{
	size_t n = 0;
	const uint8_t *b = cur_take(&f, size);
	if (!b)
		return 0;
	while (n < size && b[n])
		n++;
	memcpy(dst, b, n);
	dst[n] = '\0';
	return (uint8_t)n;
}

/* RFC 2131 s2: the fixed header through chaddr.  False if the client cannot be named. */
static bool dhcp_parse_header(struct cur *c, struct ev_dhcp *d)
{
	d->op = cur_u8(c);
	d->htype = cur_u8(c);
	d->hlen = cur_u8(c);
	d->hops = cur_u8(c);
	d->xid = cur_be32(c);
	d->secs = cur_be16(c);
	d->flags = cur_be16(c);
	d->ciaddr = cur_be32(c);
	d->yiaddr = cur_be32(c);
	d->siaddr = cur_be32(c);
	d->giaddr = cur_be32(c);
	(void)cur_copy(c, d->chaddr, DHCP_CHADDR_LEN);
	d->chaddr_len = d->hlen > DHCP_CHADDR_LEN ? DHCP_CHADDR_LEN : d->hlen;
	return cur_ok(c);
}

/* True if the captured rest of the cursor holds only zero bytes. */
static bool dhcp_all_zero(struct cur v)
{
	size_t n = cur_left(&v);
	const uint8_t *b = cur_take(&v, n);
	for (size_t i = 0; b && i < n; i++)
		if (b[i])
			return false;
	return true;
}

/* RFC 1048 / RFC 2131 s3: the vendor area starts with the magic cookie 99.130.83.99. */
static bool dhcp_cookie(struct dhcp_parse *p, struct cur *c)
{
	if (cur_wire_left(c) == 0) { /* RFC 951 message without a vendor area */
		p->d->flags_nbt |= DHCP_F_NO_COOKIE;
		return false;
	}
	uint32_t cookie = cur_be32(c);
	if (!cur_ok(c)) {
		p->d->flags_nbt |= DHCP_F_NO_COOKIE | DHCP_F_OPT_ERROR;
		dhcp_cursor_fail(p, c);
		return false;
	}
	if (cookie == DHCP_MAGIC_COOKIE)
		return true;
	/* An all-zero vendor area is plain RFC 951 BOOTP; anything else is a cookie that lies. */
	p->d->flags_nbt |= DHCP_F_NO_COOKIE;
	if (cookie != 0 || !dhcp_all_zero(*c)) {
		p->d->flags_nbt |= DHCP_F_BAD_COOKIE;
		dhcp_anomaly(p, ANOM_INVALID, "bad magic cookie: treated as BOOTP");
	}
	return false;
}

static enum dhcp_ports dhcp_ports_of(const struct nbt_pkt *pkt)
{
	if (pkt->sport == DHCP_PORT_PXE || pkt->dport == DHCP_PORT_PXE)
		return DHCP_PORTS_PXE;
	if (pkt->sport == DHCP_PORT_SERVER || pkt->sport == DHCP_PORT_CLIENT ||
	    pkt->dport == DHCP_PORT_SERVER || pkt->dport == DHCP_PORT_CLIENT)
		return DHCP_PORTS_BOOTP;
	return DHCP_PORTS_OTHER;
}

/* Derived facts: proxyDHCP reply, and whether a Pi would accept this offer's option 43. */
static void dhcp_finish(struct ev_dhcp *d)
{
	bool pxe_class = d->vendor.len >= 9 && memcmp(d->vendor.s, "PXEClient", 9) == 0;
	/* PXE spec s2.2: a proxyDHCP offer carries no address, only the PXE options. */
	if (d->op == BOOTP_OP_REPLY &&
	    (d->ports == DHCP_PORTS_PXE ||
	     (d->msg_type == 2 && d->yiaddr == 0 && (d->has_opt43 || pxe_class))))
		d->flags_nbt |= DHCP_F_PROXY;
	d->rpi_boot = dhcp_contains(d->pxe_menu.s, d->pxe_menu.len, DHCP_RPI_TEXT) ||
	              dhcp_contains(d->pxe_prompt.s, d->pxe_prompt.len, DHCP_RPI_TEXT) ||
	              dhcp_contains(d->opt43, d->opt43_len, DHCP_RPI_TEXT);
	d->rpi_boot_spaced = dhcp_contains(d->opt43, d->opt43_len, DHCP_RPI_TEXT "   ");
}

/* After the cookie: options, then file, then sname when overloaded (RFC 2131 s4.1). */
static void dhcp_parse_options(struct dhcp_parse *p, struct cur *c, struct cur sname,
                               struct cur file)
{
	struct ev_dhcp *d = p->d;
	if (dhcp_cookie(p, c))
		dhcp_parse_area(p, c, DHCP_AREA_OPTIONS);
	if (d->overload & DHCP_OVERLOAD_FILE)
		dhcp_parse_area(p, &file, DHCP_AREA_FILE);
	else
		d->file_len = dhcp_field_str(file, d->file, DHCP_FILE_LEN);
	if (d->overload & DHCP_OVERLOAD_SNAME)
		dhcp_parse_area(p, &sname, DHCP_AREA_SNAME);
	else
		d->sname_len = dhcp_field_str(sname, d->sname, DHCP_SNAME_LEN);
}

static enum dis_status dhcp_dissect(struct cur *c, const struct nbt_pkt *pkt, struct dis_ctx *ctx)
{
	struct nbt_event ev;
	memset(&ev, 0, sizeof(ev));
	ev.type = EV_DHCP;
	struct ev_dhcp *d = &ev.u.dhcp;
	struct dhcp_parse p = {.d = d, .ctx = ctx, .st = DIS_OK};

	if (!dhcp_parse_header(c, d))
		return dis_cursor_fail(ctx, c, "dhcp");
	d->ports = dhcp_ports_of(pkt);
	if (d->op != BOOTP_OP_REQUEST && d->op != BOOTP_OP_REPLY)
		dhcp_anomaly(&p, ANOM_INVALID, "op is neither request nor reply");
	if (d->hlen > DHCP_CHADDR_LEN)
		dhcp_anomaly(&p, ANOM_INVALID, "hlen above 16");

	struct cur chk = *c;
	if (!cur_take(&chk, DHCP_SNAME_LEN + DHCP_FILE_LEN)) {
		/* The header ends inside sname/file: keep chaddr and the addresses. */
		d->flags_nbt |= DHCP_F_PARTIAL;
		dhcp_cursor_fail(&p, &chk);
	} else {
		struct cur sname = cur_sub(c, DHCP_SNAME_LEN);
		struct cur file = cur_sub(c, DHCP_FILE_LEN);
		dhcp_parse_options(&p, c, sname, file);
	}
	dhcp_finish(d);
	dis_emit(ctx, &ev);
	return p.st;
}

static bool dhcp_probe(const struct cur *payload, const struct nbt_pkt *pkt)
{
	(void)pkt;
	/* A BOOTP op, Ethernet-ish hlen, and the RFC 1048 cookie at offset 236. */
	int op = cur_peek(payload, 0), hlen = cur_peek(payload, 2);
	return (op == BOOTP_OP_REQUEST || op == BOOTP_OP_REPLY) && hlen >= 0 &&
	       hlen <= DHCP_CHADDR_LEN && cur_peek(payload, DHCP_HDR_LEN) == 0x63 &&
	       cur_peek(payload, DHCP_HDR_LEN + 1) == 0x82 &&
	       cur_peek(payload, DHCP_HDR_LEN + 2) == 0x53 &&
	       cur_peek(payload, DHCP_HDR_LEN + 3) == 0x63;
}

const struct dissector dis_dhcp = {
    .name = "dhcp",
    .l4proto = IPPROTO_UDP,
    .ports = {DHCP_PORT_SERVER, DHCP_PORT_CLIENT, DHCP_PORT_PXE, 0},
    .probe = dhcp_probe,
    .dissect = dhcp_dissect,
    .flow_state_size = 0,
};
