/* summary: --dump fields of DHCP/BOOTP events (RFC 2131, 2132, 4578 PXE, Pi option 97). */
#include <inttypes.h>

#include "nbt/dump.h"

static const struct {
	uint16_t bit;
	const char *name;
} dump_dhcp_flags[] = {
    {DHCP_F_PARTIAL, "partial"},
    {DHCP_F_NO_COOKIE, "no-cookie"},
    {DHCP_F_BAD_COOKIE, "bad-cookie"},
    {DHCP_F_OPT_ERROR, "opt-error"},
    {DHCP_F_NO_END, "no-end"},
    {DHCP_F_RAW_FULL, "raw-full"},
    {DHCP_F_OVERLOAD_BAD, "bad-overload"},
};

static void dump_dhcp_header(FILE *out, const struct ev_dhcp *d)
{
	dump_uint(out, "type", d->msg_type);
	dump_uint(out, "op", d->op);
	dump_xint(out, "xid", d->xid);
	if (d->htype == 1 && d->hlen == 6)
		dump_mac(out, "chaddr", d->chaddr);
	else
		dump_hex(out, "chaddr_hex", d->chaddr, d->chaddr_len);
	if (d->htype != 1)
		dump_uint(out, "htype", d->htype);
	if (d->hlen != 6)
		dump_uint(out, "hlen", d->hlen);
	dump_ip(out, "ciaddr", d->ciaddr);
	dump_ip(out, "yiaddr", d->yiaddr);
	dump_ip(out, "siaddr", d->siaddr);
	dump_ip(out, "giaddr", d->giaddr);
	if (d->sname_len)
		dump_str(out, "sname", d->sname, d->sname_len);
	if (d->file_len)
		dump_str(out, "file", d->file, d->file_len);
	fprintf(out, " ports=%s",
	        d->ports == DHCP_PORTS_PXE     ? "4011"
	        : d->ports == DHCP_PORTS_BOOTP ? "67/68"
	                                       : "other");
	if (d->flags_nbt & DHCP_F_PROXY)
		fputs(" proxy=1", out);
	if (d->overload)
		dump_uint(out, "opt52", d->overload);
}

/* Option codes in the order they were parsed (options, then file, then sname). */
static void dump_dhcp_opts(FILE *out, const struct ev_dhcp *d)
{
	fputs(" opts=", out);
	const char *sep = "";
	for (size_t off = 0; off + 2 <= d->raw_len; off += 2u + d->raw[off + 1]) {
		fprintf(out, "%s%u", sep, d->raw[off]);
		sep = ",";
	}
}

static void dump_dhcp_strs(FILE *out, const struct ev_dhcp *d)
{
	if (d->has_server_id)
		dump_ip(out, "opt54", d->server_id);
	if (d->has_req_ip)
		dump_ip(out, "opt50", d->req_ip);
	if (d->has_lease)
		dump_uint(out, "opt51", d->lease);
	if (d->has_subnet)
		dump_ip(out, "opt1", d->subnet);
	if (d->has_router)
		dump_ip(out, "opt3", d->router);
	if (d->has_max_msg)
		dump_uint(out, "opt57", d->max_msg);
	if (dhcp_has(d, 12))
		dump_str(out, "opt12", d->hostname.s, d->hostname.len);
	if (dhcp_has(d, 17))
		dump_str(out, "opt17", d->root_path.s, d->root_path.len);
	if (dhcp_has(d, 55))
		dump_hex(out, "opt55", d->prl, d->prl_len);
	if (dhcp_has(d, 60))
		dump_str(out, "opt60", d->vendor.s, d->vendor.len);
	if (dhcp_has(d, 61))
		dump_hex(out, "opt61", (const uint8_t *)d->client_id.s, d->client_id.len);
	if (dhcp_has(d, 66))
		dump_str(out, "opt66", d->tftp_name.s, d->tftp_name.len);
	if (dhcp_has(d, 67))
		dump_str(out, "opt67", d->bootfile.s, d->bootfile.len);
	if (d->has_arch)
		dump_uint(out, "opt93", d->arch);
	if (d->has_ndi)
		dump_hex(out, "opt94", d->ndi, 3);
	if (d->has_tftp_addr)
		dump_ip(out, "opt150", d->tftp_addr);
}

static void dump_dhcp_pxe(FILE *out, const struct ev_dhcp *d)
{
	if (d->has_opt43) {
		dump_hex(out, "opt43", d->opt43, d->opt43_len);
		if (d->has_pxe_disc)
			dump_uint(out, "pxe_disc", d->pxe_disc);
		if (d->has_pxe_servers)
			dump_ip(out, "pxe_server", d->pxe_server_ip);
		if (d->has_pxe_menu)
			dump_str(out, "pxe_menu", d->pxe_menu.s, d->pxe_menu.len);
		if (d->has_pxe_prompt)
			dump_str(out, "pxe_prompt", d->pxe_prompt.s, d->pxe_prompt.len);
	}
	fprintf(out, " rpi_boot=%d", d->rpi_boot ? 1 : 0);
	if (!d->has_opt97)
		return;
	dump_hex(out, "opt97", d->opt97, d->opt97_len);
	fprintf(out, " pi97=%s", dhcp_pi97_name(d->pi97));
	if (d->pi97 == DHCP_PI97_RPI) {
		dump_str(out, "fourcc", d->fourcc, 4);
		dump_xint(out, "board_rev", d->board_rev);
		fprintf(out, " mac_ok=%d", (d->flags_nbt & DHCP_F_97_MAC_OK) ? 1 : 0);
		if (d->flags_nbt & DHCP_F_97_BE)
			fputs(" words=be", out);
	}
	if (d->pi97 == DHCP_PI97_RPI || d->pi97 == DHCP_PI97_LEGACY)
		fprintf(out, " serial=%08" PRIx32, d->serial);
}

void dump_dhcp(FILE *out, const struct nbt_event *ev)
{
	const struct ev_dhcp *d = &ev->u.dhcp;
	dump_dhcp_header(out, d);
	dump_dhcp_opts(out, d);
	dump_dhcp_strs(out, d);
	dump_dhcp_pxe(out, d);
	for (size_t i = 0; i < sizeof(dump_dhcp_flags) / sizeof(dump_dhcp_flags[0]); i++)
		if (d->flags_nbt & dump_dhcp_flags[i].bit)
			fprintf(out, " %s=1", dump_dhcp_flags[i].name);
}
