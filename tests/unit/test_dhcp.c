/* summary: unit tests of the DHCP/BOOTP dissector (RFC 2131, 2132, 4578 PXE, Pi option 97). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "nbt/dhcp.h"
#include "nbt/pipeline.h"

#define MAX_EVENTS 32

/* ---- event collection through the real pipeline ---- */

static struct nbt_event events[MAX_EVENTS];
static size_t nevents;

static void collect(void *arg, const struct nbt_event *ev)
{
	(void)arg;
	if (nevents < MAX_EVENTS)
		events[nevents] = *ev;
	nevents++;
}

static const struct ev_dhcp *only_dhcp(void)
{
	const struct ev_dhcp *d = NULL;
	for (size_t i = 0; i < nevents && i < MAX_EVENTS; i++)
		if (events[i].type == EV_DHCP) {
			assert_null(d); /* exactly one per message */
			d = &events[i].u.dhcp;
		}
	return d;
}

static size_t count_anom(enum nbt_anomaly kind)
{
	size_t n = 0;
	for (size_t i = 0; i < nevents && i < MAX_EVENTS; i++)
		if (events[i].type == EV_ANOMALY && events[i].u.anomaly.kind == kind)
			n++;
	return n;
}

/* ---- building DHCP messages by hand (RFC 2131 s2 layout) ---- */

struct msg {
	uint8_t b[1500];
	size_t n;
};

static const uint8_t pi_mac[6] = {0xdc, 0xa6, 0x32, 0x79, 0x26, 0xdf};

static void put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

static void msg_hdr(struct msg *m, uint8_t op, uint32_t xid, uint32_t yiaddr, bool cookie)
{
	memset(m, 0, sizeof(*m));
	m->b[0] = op;
	m->b[1] = 1; /* Ethernet */
	m->b[2] = 6;
	put32(m->b + 4, xid);
	m->b[10] = 0x80; /* broadcast flag */
	put32(m->b + 16, yiaddr);
	memcpy(m->b + 28, pi_mac, 6);
	m->n = 236;
	if (cookie) {
		put32(m->b + 236, 0x63825363);
		m->n = 240;
	}
}

static void msg_byte(struct msg *m, uint8_t v)
{
	m->b[m->n++] = v;
}

static void msg_opt(struct msg *m, uint8_t code, const void *data, size_t len)
{
	msg_byte(m, code);
	msg_byte(m, (uint8_t)len);
	memcpy(m->b + m->n, data, len);
	m->n += len;
}

static void msg_opt8(struct msg *m, uint8_t code, uint8_t v)
{
	msg_opt(m, code, &v, 1);
}

static void msg_opt_ip(struct msg *m, uint8_t code, uint32_t ip)
{
	uint8_t b[4];
	put32(b, ip);
	msg_opt(m, code, b, 4);
}

/* Wraps the payload in Ethernet + IPv4 + UDP and runs it; caplen cuts the frame. */
static void run_frame(const struct msg *m, uint16_t sport, uint16_t dport, size_t caplen)
{
	static uint8_t f[1600];
	size_t ulen = 8 + m->n, iplen = 20 + ulen, flen = 14 + iplen;
	memset(f, 0, 42);
	memset(f, 0xff, 6);
	memcpy(f + 6, pi_mac, 6);
	f[12] = 0x08;
	uint8_t *ip = f + 14;
	ip[0] = 0x45;
	ip[2] = (uint8_t)(iplen >> 8);
	ip[3] = (uint8_t)iplen;
	ip[8] = 64;
	ip[9] = 17;
	put32(ip + 12, 0);
	put32(ip + 16, 0xffffffff);
	uint32_t sum = 0;
	for (int i = 0; i < 20; i += 2)
		sum += (uint32_t)ip[i] << 8 | ip[i + 1];
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	ip[10] = (uint8_t)(~sum >> 8);
	ip[11] = (uint8_t)~sum;
	uint8_t *udp = ip + 20;
	udp[0] = (uint8_t)(sport >> 8);
	udp[1] = (uint8_t)sport;
	udp[2] = (uint8_t)(dport >> 8);
	udp[3] = (uint8_t)dport;
	udp[4] = (uint8_t)(ulen >> 8);
	udp[5] = (uint8_t)ulen;
	memcpy(udp + 8, m->b, m->n);

	nevents = 0;
	struct pipeline *p = pipeline_new(NULL, collect, NULL);
	assert_true(pipeline_set_link(p, 1 /* DLT_EN10MB */));
	size_t cap = caplen && caplen < flen ? caplen : flen;
	pipeline_frame(p, NBT_NS_PER_SEC, f, (uint32_t)cap, (uint32_t)flen);
	pipeline_free(p);
}

static void run(const struct msg *m)
{
	run_frame(m, 68, 67, 0);
}

/* ---- well-formed messages ---- */

static const uint8_t pi4_prl[] = {1, 3, 43, 60, 66, 67, 128, 129, 130, 131, 132, 133, 134, 135};
static const char pxe_class[] = "PXEClient:Arch:00000:UNDI:002001";

/* Option 97 of a Pi 4 (PI-NETBOOT.md s1): 0, "RPi4", rev 0x00c03111, MAC low, serial, all LE. */
static const uint8_t pi4_97[17] = {0x00, 'R',  'P',  'i',  '4',  0x11, 0x31, 0xc0, 0x00,
                                   0xdf, 0x26, 0x79, 0x32, 0xc0, 0x28, 0xc1, 0x38};

static void build_pi4_discover(struct msg *m, const uint8_t opt97[17])
{
	static const uint8_t arch[2] = {0, 0}, ndi[3] = {1, 2, 1};
	msg_hdr(m, 1, 0x1234abcd, 0, true);
	msg_opt8(m, 53, 1);
	msg_opt(m, 55, pi4_prl, sizeof(pi4_prl));
	msg_opt(m, 60, pxe_class, strlen(pxe_class));
	msg_opt(m, 93, arch, 2);
	msg_opt(m, 94, ndi, 3);
	msg_opt(m, 97, opt97, 17);
	msg_byte(m, 255);
	while (m->n < 300)
		msg_byte(m, 0);
}

static void test_pi4_discover(void **state)
{
	(void)state;
	struct msg m;
	build_pi4_discover(&m, pi4_97);
	run(&m);
	const struct ev_dhcp *d = only_dhcp();
	assert_non_null(d);
	assert_int_equal(nevents, 1); /* no anomaly */
	assert_int_equal(d->op, 1);
	assert_int_equal(d->htype, 1);
	assert_int_equal(d->hlen, 6);
	assert_int_equal(d->chaddr_len, 6);
	assert_memory_equal(d->chaddr, pi_mac, 6);
	assert_int_equal(d->xid, 0x1234abcd);
	assert_int_equal(d->flags, 0x8000);
	assert_int_equal(d->yiaddr, 0);
	assert_int_equal(d->msg_type, 1);
	assert_string_equal(dhcp_type_name(d->msg_type), "discover");
	assert_int_equal(d->prl_len, sizeof(pi4_prl));
	assert_memory_equal(d->prl, pi4_prl, sizeof(pi4_prl));
	assert_int_equal(d->vendor.len, strlen(pxe_class));
	assert_string_equal(d->vendor.s, pxe_class);
	assert_true(d->has_arch);
	assert_int_equal(d->arch, 0);
	assert_int_equal(d->narch, 1);
	assert_true(d->has_ndi);
	assert_int_equal(d->ndi[0], 1);
	assert_int_equal(d->ndi[1], 2);
	assert_int_equal(d->ndi[2], 1);
	assert_true(d->has_opt97);
	assert_int_equal(d->opt97_len, 17);
	assert_memory_equal(d->opt97, pi4_97, 17);
	assert_int_equal(d->pi97, DHCP_PI97_RPI);
	assert_string_equal(d->fourcc, "RPi4");
	assert_int_equal(d->board_rev, 0x00c03111);
	assert_int_equal(d->mac_word, 0x327926df);
	assert_int_equal(d->serial, 0x38c128c0);
	assert_true(d->flags_nbt & DHCP_F_97_MAC_OK);
	assert_false(d->flags_nbt & DHCP_F_97_BE);
	assert_false(d->rpi_boot);
	assert_false(d->has_opt43);
	assert_int_equal(d->ports, DHCP_PORTS_BOOTP);
	assert_false(d->flags_nbt & (DHCP_F_PROXY | DHCP_F_NO_END | DHCP_F_OPT_ERROR));
	assert_true(dhcp_has(d, 53) && dhcp_has(d, 97) && !dhcp_has(d, 43) && !dhcp_has(d, 255));
	uint8_t len;
	const uint8_t *v = dhcp_option(d, 60, &len);
	assert_non_null(v);
	assert_int_equal(len, strlen(pxe_class));
	assert_memory_equal(v, pxe_class, len);
	assert_null(dhcp_option(d, 54, &len));
	/* 6 options kept raw: 2 bytes of header each plus their data. */
	assert_int_equal(d->raw_len, 6 * 2 + 1 + sizeof(pi4_prl) + strlen(pxe_class) + 2 + 3 + 17);
}

/* The same words sent big-endian: found through the MAC word, all words read BE. */
static void test_pi97_big_endian(void **state)
{
	(void)state;
	static const uint8_t be97[17] = {0x00, 0x34, 0x69, 0x50, 0x52, 0x00, 0xc0, 0x31, 0x11,
	                                 0x32, 0x79, 0x26, 0xdf, 0x38, 0xc1, 0x28, 0xc0};
	struct msg m;
	build_pi4_discover(&m, be97);
	run(&m);
	const struct ev_dhcp *d = only_dhcp();
	assert_non_null(d);
	assert_int_equal(d->pi97, DHCP_PI97_RPI);
	assert_true(d->flags_nbt & DHCP_F_97_BE);
	assert_true(d->flags_nbt & DHCP_F_97_MAC_OK);
	assert_int_equal(d->board_rev, 0x00c03111);
	assert_int_equal(d->serial, 0x38c128c0);
	assert_memory_equal(d->fourcc, "4iPR", 4);
}

/* "RPi5" fourcc whose MAC word does not match chaddr: still the Pi layout, flagged. */
static void test_pi97_mac_mismatch(void **state)
{
	(void)state;
	uint8_t v[17];
	memcpy(v, pi4_97, 17);
	v[4] = '5';
	v[9] = 0x00; /* MAC word no longer matches */
	struct msg m;
	build_pi4_discover(&m, v);
	run(&m);
	const struct ev_dhcp *d = only_dhcp();
	assert_non_null(d);
	assert_int_equal(d->pi97, DHCP_PI97_RPI);
	assert_string_equal(d->fourcc, "RPi5");
	assert_false(d->flags_nbt & DHCP_F_97_MAC_OK);
	assert_int_equal(d->serial, 0x38c128c0);
}

static void test_pi97_legacy_and_uuid(void **state)
{
	(void)state;
	uint8_t v[17] = {0};
	for (int i = 0; i < 4; i++)
		memcpy(v + 1 + 4 * i, "\xc0\x28\xc1\x38", 4);
	struct msg m;
	build_pi4_discover(&m, v);
	run(&m);
	const struct ev_dhcp *d = only_dhcp();
	assert_non_null(d);
	assert_int_equal(d->pi97, DHCP_PI97_LEGACY);
	assert_int_equal(d->serial, 0x38c128c0);
	assert_string_equal(dhcp_pi97_name(d->pi97), "legacy");

	/* An SMBIOS UUID (from a generic PXE client): neither Pi form. */
	static const uint8_t uuid[17] = {0,    0x00, 0x02, 0x00, 0x03, 0x00, 0x04, 0x00, 0x05,
	                                 0x00, 0x06, 0x00, 0x07, 0x00, 0x08, 0x00, 0x09};
	build_pi4_discover(&m, uuid);
	run(&m);
	d = only_dhcp();
	assert_non_null(d);
	assert_int_equal(d->pi97, DHCP_PI97_UUID);
	assert_int_equal(d->serial, 0);

	/* One byte 16 times (a Pi 3 ROM's placeholder, and QEMU's zero UUID): no serial. */
	for (int b = 0; b < 256; b += 0x55) {
		uint8_t f[17] = {0};
		memset(f + 1, b, 16);
		build_pi4_discover(&m, f);
		run(&m);
		d = only_dhcp();
		assert_non_null(d);
		assert_int_equal(d->pi97, DHCP_PI97_FILLER);
		assert_int_equal(d->serial, 0);
		assert_string_equal(dhcp_pi97_name(d->pi97), "filler");
	}
}

/* dnsmasq pxe-service offer: option 43 = 6 (3), 10 (prompt), 9 (menu), 255. */
static void build_pxe_offer(struct msg *m, uint32_t yiaddr)
{
	static const char text[] = "Raspberry Pi Boot";
	uint8_t o43[64];
	size_t n = 0, tl = strlen(text);
	o43[n++] = 6, o43[n++] = 1, o43[n++] = 3;
	o43[n++] = 10, o43[n++] = (uint8_t)(1 + tl), o43[n++] = 0;
	memcpy(o43 + n, text, tl), n += tl;
	o43[n++] = 9, o43[n++] = (uint8_t)(3 + tl), o43[n++] = 0, o43[n++] = 0;
	o43[n++] = (uint8_t)tl;
	memcpy(o43 + n, text, tl), n += tl;
	o43[n++] = 255;
	msg_hdr(m, 2, 0x1234abcd, yiaddr, true);
	put32(m->b + 20, 0xc0a80101); /* siaddr */
	msg_opt8(m, 53, 2);
	msg_opt_ip(m, 54, 0xc0a80101);
	if (yiaddr) {
		msg_opt_ip(m, 51, 43200);
		msg_opt_ip(m, 1, 0xffffff00);
		uint8_t routers[8] = {192, 168, 1, 254, 192, 168, 1, 253};
		msg_opt(m, 3, routers, 8);
	}
	msg_opt(m, 60, "PXEClient", 9);
	msg_opt(m, 66, "192.168.1.1", 11);
	msg_opt(m, 43, o43, n);
	msg_byte(m, 255);
}

static void test_pxe_offer(void **state)
{
	(void)state;
	struct msg m;
	build_pxe_offer(&m, 0xc0a8010a);
	run_frame(&m, 67, 68, 0);
	const struct ev_dhcp *d = only_dhcp();
	assert_non_null(d);
	assert_int_equal(nevents, 1);
	assert_int_equal(d->msg_type, 2);
	assert_int_equal(d->yiaddr, 0xc0a8010a);
	assert_int_equal(d->siaddr, 0xc0a80101);
	assert_true(d->has_server_id);
	assert_int_equal(d->server_id, 0xc0a80101);
	assert_true(d->has_lease);
	assert_int_equal(d->lease, 43200);
	assert_int_equal(d->subnet, 0xffffff00);
	assert_true(d->has_router);
	assert_int_equal(d->router, 0xc0a801fe); /* the first one */
	assert_string_equal(d->tftp_name.s, "192.168.1.1");
	assert_true(d->has_opt43);
	assert_true(d->flags_nbt & DHCP_F_PXE_OK);
	assert_true(d->has_pxe_disc);
	assert_int_equal(d->pxe_disc, 3);
	assert_true(d->has_pxe_menu);
	assert_string_equal(d->pxe_menu.s, "Raspberry Pi Boot");
	assert_int_equal(d->pxe_menu.len, 17);
	assert_int_equal(d->pxe_menu_type, 0);
	assert_true(d->has_pxe_prompt);
	assert_string_equal(d->pxe_prompt.s, "Raspberry Pi Boot");
	assert_int_equal(d->pxe_timeout, 0);
	assert_true(d->rpi_boot);
	assert_false(d->flags_nbt & DHCP_F_PROXY); /* it hands out an address */

	/* proxyDHCP: same options, no address. */
	build_pxe_offer(&m, 0);
	run_frame(&m, 67, 68, 0);
	d = only_dhcp();
	assert_non_null(d);
	assert_true(d->flags_nbt & DHCP_F_PROXY);
	assert_true(d->rpi_boot);

	/* PXE boot server on 4011: proxy by port. */
	build_pxe_offer(&m, 0xc0a8010a);
	run_frame(&m, 4011, 68, 0);
	d = only_dhcp();
	assert_non_null(d);
	assert_int_equal(d->ports, DHCP_PORTS_PXE);
	assert_true(d->flags_nbt & DHCP_F_PROXY);
}

/* dnsmasq dhcp-option=43,"Raspberry Pi Boot": raw text, not TLVs. */
static void test_opt43_raw_text(void **state)
{
	(void)state;
	struct msg m;
	msg_hdr(&m, 2, 7, 0xc0a8010a, true);
	msg_opt8(&m, 53, 2);
	msg_opt(&m, 43, "Raspberry Pi Boot   ", 20);
	msg_byte(&m, 255);
	run_frame(&m, 67, 68, 0);
	const struct ev_dhcp *d = only_dhcp();
	assert_non_null(d);
	assert_int_equal(nevents, 1); /* opaque 43 that is not TLV: no anomaly */
	assert_true(d->rpi_boot);
	assert_false(d->flags_nbt & DHCP_F_PXE_OK);
	assert_int_equal(d->opt43_len, 20);
	assert_memory_equal(d->opt43, "Raspberry Pi Boot   ", 20);

	/* Negative control: text that is not the magic string. */
	msg_hdr(&m, 2, 7, 0xc0a8010a, true);
	msg_opt8(&m, 53, 2);
	msg_opt(&m, 43, "Raspberry Pi Bot", 16);
	msg_byte(&m, 255);
	run_frame(&m, 67, 68, 0);
	d = only_dhcp();
	assert_non_null(d);
	assert_false(d->rpi_boot);
}

/* Option 52 = 3: options continue in file, then sname (RFC 2131 s4.1). */
static void test_overload_both(void **state)
{
	(void)state;
	struct msg m;
	msg_hdr(&m, 2, 9, 0xc0a8010a, true);
	msg_opt8(&m, 53, 5);
	msg_opt8(&m, 52, 3);
	msg_byte(&m, 255);
	/* file (offset 108): bootfile; sname (offset 44): TFTP server name. */
	uint8_t *f = m.b + 108;
	f[0] = 67, f[1] = 8;
	memcpy(f + 2, "boot.img", 8);
	f[10] = 255;
	uint8_t *s = m.b + 44;
	s[0] = 66, s[1] = 4;
	memcpy(s + 2, "tftp", 4);
	s[6] = 255;
	run(&m);
	const struct ev_dhcp *d = only_dhcp();
	assert_non_null(d);
	assert_int_equal(nevents, 1);
	assert_int_equal(d->overload, 3);
	assert_string_equal(d->bootfile.s, "boot.img");
	assert_string_equal(d->tftp_name.s, "tftp");
	assert_int_equal(d->file_len, 0);
	assert_int_equal(d->sname_len, 0);
	/* Raw order: options, file, sname. */
	static const uint8_t order[] = {53, 52, 67, 66};
	size_t off = 0;
	for (size_t i = 0; i < sizeof(order); i++) {
		assert_true(off < d->raw_len);
		assert_int_equal(d->raw[off], order[i]);
		off += 2u + d->raw[off + 1];
	}
	assert_int_equal(off, d->raw_len);
}

static void test_plain_strings(void **state)
{
	(void)state;
	struct msg m;
	msg_hdr(&m, 2, 9, 0xc0a8010a, true);
	memcpy(m.b + 44, "server1", 7);
	memcpy(m.b + 108, "pxelinux.0", 10);
	msg_opt8(&m, 53, 5);
	msg_byte(&m, 255);
	run(&m);
	const struct ev_dhcp *d = only_dhcp();
	assert_non_null(d);
	assert_string_equal(d->sname, "server1");
	assert_int_equal(d->sname_len, 7);
	assert_string_equal(d->file, "pxelinux.0");
	assert_int_equal(d->file_len, 10);
	assert_int_equal(d->overload, 0);
}

/* ---- malformed input: each asserts the anomaly kind and that the event is sane ---- */

/* Snaplen cuts an option's data: truncated, options before it kept. */
static void test_truncated_option(void **state)
{
	(void)state;
	struct msg m;
	build_pi4_discover(&m, pi4_97);
	/* 42 link+IP+UDP bytes, then cut 5 bytes into option 97's data. */
	size_t at = 240 + 3 + 2 + sizeof(pi4_prl) + 2 + strlen(pxe_class) + 4 + 5 + 2 + 5;
	run_frame(&m, 68, 67, 42 + at);
	const struct ev_dhcp *d = only_dhcp();
	assert_non_null(d);
	assert_int_equal(count_anom(ANOM_TRUNCATED), 1);
	assert_int_equal(count_anom(ANOM_INVALID), 0);
	assert_true(d->flags_nbt & DHCP_F_OPT_ERROR);
	assert_int_equal(d->msg_type, 1);
	assert_true(d->has_ndi);
	assert_false(d->has_opt97);
	assert_int_equal(d->pi97, DHCP_PI97_NONE);
}

/* A length byte of 255 running past the end of the message: invalid. */
static void test_length_past_end(void **state)
{
	(void)state;
	struct msg m;
	msg_hdr(&m, 1, 1, 0, true);
	msg_opt8(&m, 53, 3);
	msg_byte(&m, 60);
	msg_byte(&m, 255);
	msg_byte(&m, 'x');
	run(&m);
	const struct ev_dhcp *d = only_dhcp();
	assert_non_null(d);
	assert_int_equal(count_anom(ANOM_INVALID), 1);
	assert_int_equal(count_anom(ANOM_TRUNCATED), 0);
	assert_int_equal(d->msg_type, 3);
	assert_false(dhcp_has(d, 60));
	assert_true(d->flags_nbt & DHCP_F_OPT_ERROR);

	/* The length byte itself missing at the end of the datagram. */
	msg_hdr(&m, 1, 1, 0, true);
	msg_opt8(&m, 53, 3);
	msg_byte(&m, 60);
	run(&m);
	assert_non_null(only_dhcp());
	assert_int_equal(count_anom(ANOM_INVALID), 1);
}

/* Option 52 = 1 and the file field holds option 52 again (pointing at itself). */
static void test_overload_self(void **state)
{
	(void)state;
	struct msg m;
	msg_hdr(&m, 2, 9, 0, true);
	msg_opt8(&m, 53, 2);
	msg_opt8(&m, 52, 1);
	msg_byte(&m, 255);
	uint8_t *f = m.b + 108;
	f[0] = 52, f[1] = 1, f[2] = 1;
	f[3] = 66, f[4] = 2, f[5] = 'h', f[6] = 'i';
	f[7] = 255;
	run(&m);
	const struct ev_dhcp *d = only_dhcp();
	assert_non_null(d);
	assert_int_equal(count_anom(ANOM_INVALID), 1);
	assert_true(d->flags_nbt & DHCP_F_OVERLOAD_BAD);
	assert_int_equal(d->overload, 1);
	assert_string_equal(d->tftp_name.s, "hi"); /* the rest of file still read */
	assert_int_equal(d->file_len, 0);

	/* Repeated in the options field: the first wins, one anomaly. */
	msg_hdr(&m, 2, 9, 0, true);
	msg_opt8(&m, 52, 2);
	msg_opt8(&m, 52, 3);
	msg_byte(&m, 255);
	m.b[44] = 255; /* sname holds just the end option */
	memcpy(m.b + 108, "kernel", 6);
	run(&m);
	d = only_dhcp();
	assert_non_null(d);
	assert_int_equal(count_anom(ANOM_INVALID), 1);
	assert_int_equal(d->overload, 2);
	assert_string_equal(d->file, "kernel");

	/* Out-of-range value. */
	msg_hdr(&m, 2, 9, 0, true);
	msg_opt8(&m, 52, 7);
	msg_byte(&m, 255);
	run(&m);
	d = only_dhcp();
	assert_non_null(d);
	assert_int_equal(count_anom(ANOM_INVALID), 1);
	assert_int_equal(d->overload, 0);
}

static void test_missing_end(void **state)
{
	(void)state;
	struct msg m;
	msg_hdr(&m, 1, 1, 0, true);
	msg_opt8(&m, 53, 1);
	msg_opt(&m, 12, "pi", 2);
	run(&m);
	const struct ev_dhcp *d = only_dhcp();
	assert_non_null(d);
	assert_int_equal(count_anom(ANOM_INVALID), 1);
	assert_true(d->flags_nbt & DHCP_F_NO_END);
	assert_int_equal(d->msg_type, 1);
	assert_string_equal(d->hostname.s, "pi");

	/* Overloaded file without an end option: also reported. */
	msg_hdr(&m, 2, 1, 0, true);
	msg_opt8(&m, 52, 1);
	msg_byte(&m, 255);
	memcpy(m.b + 108, "\x42\x02hi", 4); /* option 66 "hi", then only pad bytes */
	run(&m);
	d = only_dhcp();
	assert_non_null(d);
	assert_int_equal(count_anom(ANOM_INVALID), 1);
	assert_true(d->flags_nbt & DHCP_F_NO_END);
	assert_string_equal(d->tftp_name.s, "hi");
}

static void test_bad_cookie(void **state)
{
	(void)state;
	struct msg m;
	msg_hdr(&m, 1, 1, 0, false);
	put32(m.b + 236, 0x63825364);
	m.n = 240;
	msg_opt8(&m, 53, 1);
	msg_byte(&m, 255);
	memcpy(m.b + 108, "bootfile", 8);
	run(&m);
	const struct ev_dhcp *d = only_dhcp();
	assert_non_null(d);
	assert_int_equal(count_anom(ANOM_INVALID), 1);
	assert_true(d->flags_nbt & DHCP_F_BAD_COOKIE);
	assert_int_equal(d->msg_type, 0); /* BOOTP: options ignored */
	assert_false(dhcp_has(d, 53));
	assert_int_equal(d->raw_len, 0);
	assert_string_equal(d->file, "bootfile");

	/* RFC 951 BOOTP with a zeroed vendor area: no anomaly. */
	msg_hdr(&m, 1, 1, 0, false);
	m.n = 300;
	run(&m);
	d = only_dhcp();
	assert_non_null(d);
	assert_int_equal(nevents, 1);
	assert_true(d->flags_nbt & DHCP_F_NO_COOKIE);
	assert_false(d->flags_nbt & DHCP_F_BAD_COOKIE);

	/* A zero cookie followed by options (zeek's bad-cookie trace): a cookie that lies. */
	msg_hdr(&m, 1, 1, 0, false);
	m.n = 244;
	msg_opt8(&m, 53, 1);
	msg_byte(&m, 255);
	run(&m);
	d = only_dhcp();
	assert_non_null(d);
	assert_int_equal(count_anom(ANOM_INVALID), 1);
	assert_true(d->flags_nbt & DHCP_F_BAD_COOKIE);
	assert_int_equal(d->msg_type, 0);
}

static void test_hlen_255(void **state)
{
	(void)state;
	struct msg m;
	build_pi4_discover(&m, pi4_97);
	m.b[2] = 255;
	run(&m);
	const struct ev_dhcp *d = only_dhcp();
	assert_non_null(d);
	assert_int_equal(count_anom(ANOM_INVALID), 1);
	assert_int_equal(d->hlen, 255);
	assert_int_equal(d->chaddr_len, 16);
	assert_int_equal(d->msg_type, 1);
}

/* Too short to name the client: only the anomaly; cut inside file: a partial event. */
static void test_short_header(void **state)
{
	(void)state;
	struct msg m;
	build_pi4_discover(&m, pi4_97);
	run_frame(&m, 68, 67, 42 + 30);
	assert_null(only_dhcp());
	assert_int_equal(count_anom(ANOM_TRUNCATED), 1);

	run_frame(&m, 68, 67, 42 + 150);
	const struct ev_dhcp *d = only_dhcp();
	assert_non_null(d);
	assert_int_equal(count_anom(ANOM_TRUNCATED), 1);
	assert_true(d->flags_nbt & DHCP_F_PARTIAL);
	assert_memory_equal(d->chaddr, pi_mac, 6);
	assert_int_equal(d->msg_type, 0);

	/* A datagram that really ends at 100 bytes: invalid, not truncated. */
	m.n = 100;
	run(&m);
	assert_non_null(only_dhcp());
	assert_int_equal(count_anom(ANOM_INVALID), 1);
	assert_int_equal(count_anom(ANOM_TRUNCATED), 0);
}

/* Every snaplen cut of a full message, then random option bytes: never a crash. */
static void test_robustness(void **state)
{
	(void)state;
	struct msg m, base;
	build_pxe_offer(&base, 0);
	for (size_t cut = 1; cut < 42 + base.n; cut++)
		run_frame(&base, 67, 68, cut);
	srand(12345);
	for (int i = 0; i < 3000; i++) {
		m = base;
		m.n = 240 + (size_t)(rand() % 300);
		for (size_t j = 240; j < m.n; j++)
			m.b[j] = (uint8_t)(rand() % 8 == 0 ? 52 : rand());
		if (i % 3 == 0)
			memset(m.b + 44, 52, 192); /* overloaded fields full of option 52 */
		m.b[2] = (uint8_t)rand();
		run_frame(&m, 67, 68, 0);
		const struct ev_dhcp *d = only_dhcp();
		assert_non_null(d);
		assert_true(d->raw_len <= DHCP_RAW_MAX);
		assert_true(d->vendor.len <= DHCP_OPT_STRMAX);
		assert_true(nevents < 12); /* anomalies per message stay bounded */
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_pi4_discover),      cmocka_unit_test(test_pi97_big_endian),
	    cmocka_unit_test(test_pi97_mac_mismatch), cmocka_unit_test(test_pi97_legacy_and_uuid),
	    cmocka_unit_test(test_pxe_offer),         cmocka_unit_test(test_opt43_raw_text),
	    cmocka_unit_test(test_overload_both),     cmocka_unit_test(test_plain_strings),
	    cmocka_unit_test(test_truncated_option),  cmocka_unit_test(test_length_past_end),
	    cmocka_unit_test(test_overload_self),     cmocka_unit_test(test_missing_end),
	    cmocka_unit_test(test_bad_cookie),        cmocka_unit_test(test_hlen_255),
	    cmocka_unit_test(test_short_header),      cmocka_unit_test(test_robustness),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
