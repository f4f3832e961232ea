/* summary: DHCP client logic (RFC 2131/2132, RFC 4578 PXE): identity and model, firmware vs
 * kernel exchange, new boot attempts, offers a Pi can take, where it should fetch files. */
#include <stdio.h>
#include <string.h>

#include "client_priv.h"
#include "nbt/fmt.h"
#include "nbt/proto/dhcp.h"
#include "pi.h"
#include "pxe.h"

static bool client_dhcp_memfind(const uint8_t *p, size_t len, const char *needle)
{
	size_t n = strlen(needle);
	for (size_t i = 0; n <= len && i <= len - n; i++)
		if (memcmp(p + i, needle, n) == 0)
			return true;
	return false;
}

bool client_dhcp_vendor_is(const struct ev_dhcp *d, const char *prefix)
{
	size_t n = strlen(prefix);
	return d->vendor.len >= n && memcmp(d->vendor.s, prefix, n) == 0;
}

/* iPXE sends its encapsulated options (175) or the user class "iPXE" (77). */
static bool client_dhcp_is_ipxe(const struct ev_dhcp *d)
{
	uint8_t len;
	const uint8_t *uc = dhcp_option(d, DHCP_OPT_USER_CLASS, &len);
	return dhcp_has(d, DHCP_OPT_IPXE_ENCAP) ||
	       (uc && client_dhcp_memfind(uc, len, DHCP_IPXE_USER_CLASS));
}

/* Refines the model: a specific model is never replaced by a vaguer guess. */
static void client_dhcp_set_model(struct client *c, enum client_model m)
{
	if (m == CLIENT_MODEL_UNKNOWN || c->model == m)
		return;
	/* U-Boot's own EFI step asks as "PXEClient:Arch:00011" (bootcmd_dhcp of
	 * config_distro_bootcmd.h): its U-Boot fingerprint is the more specific one. */
	bool pxe = c->model == CLIENT_MODEL_PXE || c->model == CLIENT_MODEL_PXE_EFI;
	bool vague = c->model == CLIENT_MODEL_UNKNOWN || c->model == CLIENT_MODEL_PI ||
	             (m == CLIENT_MODEL_IPXE && !client_model_is_pi(c->model)) ||
	             (m == CLIENT_MODEL_UBOOT && pxe);
	if (vague)
		c->model = m;
}

/* Model and serial from a firmware request: the Pi's signs first (pi.c), then PXE's. */
static void client_dhcp_identify(struct client_table *t, struct client *c, const struct ev_dhcp *d)
{
	bool ipxe = client_dhcp_is_ipxe(d);
	enum client_model m;
	bool pi97 = pi_dhcp_identify(c, d, ipxe, &m);
	if (m == CLIENT_MODEL_UNKNOWN && pxe_dhcp_is_uboot(d))
		m = CLIENT_MODEL_UBOOT;
	else if (m == CLIENT_MODEL_UNKNOWN && (client_dhcp_vendor_is(d, DHCP_PXE_CLASS) || ipxe)) {
		if (ipxe)
			m = CLIENT_MODEL_IPXE;
		else if (d->has_arch && d->arch >= DHCP_ARCH_EFI_IA32)
			m = CLIENT_MODEL_PXE_EFI;
		else
			m = CLIENT_MODEL_PXE;
	}
	client_dhcp_set_model(c, m);
	/* Option 97's serial is sure; one guessed from a TFTP folder gives way to it. */
	if (pi97 && (!c->has_serial || c->serial_from_folder))
		client_set_serial(t, c, d->serial, false);
}

/* How long the first OFFER took after the last DISCOVER, and the server's ARP requests for the
 * offered address meanwhile (its check that the address is free, RFC 2131 s4.4.1). */
static void client_dhcp_offer_delay(struct client_table *t, struct client_dhcp *dh,
                                    const struct ev_dhcp *d, const struct nbt_event *ev)
{
	dh->offer_delay = ev->ts - dh->discover.last.ts;
	dh->offer_asked = dh->discover.last;
	for (uint32_t i = 0; i < CLIENT_PROBE_RING; i++) {
		const struct client_probe *p = &t->probe[(t->probe_next + i) % CLIENT_PROBE_RING];
		if (p->tpa != d->yiaddr || !d->yiaddr || p->at.frame < dh->discover.last.frame)
			continue;
		if (!dh->offer_probes++)
			dh->offer_probe = p->at;
	}
}

/* bootcode.bin's DHCP began and it has asked for no file since: its exchange is under way. */
static bool client_dhcp_in_bootcode(const struct client_attempt *a)
{
	if (!a->bootcode.discover.count || a->kernel.discover.count)
		return false;
	for (uint32_t i = 0; i < a->nfiles; i++)
		if (a->files[i].last_rrq.frame > a->bootcode.discover.first.frame)
			return false;
	return true;
}

/* Firmware (boot ROM / EEPROM / PXE ROM) DHCP, told from the kernel's by its fingerprint. */
static bool client_dhcp_is_firmware(const struct ev_dhcp *d)
{
	return client_dhcp_vendor_is(d, DHCP_PXE_CLASS) || d->has_arch || d->has_ndi ||
	       d->pi97 == DHCP_PI97_RPI || d->pi97 == DHCP_PI97_LEGACY ||
	       d->pi97 == DHCP_PI97_FILLER;
}

/* A DHCP of some boot that is not a PXE ROM's: a kernel or initramfs asking for the root path
 * (Linux ip=dhcp does), a boot loader asking for a TFTP server or boot file (U-Boot), klibc's
 * ipconfig.  Laptops and phones ask for none of these. */
static bool client_dhcp_asks_boot(const struct ev_dhcp *d)
{
	return memchr(d->prl, DHCP_OPT_ROOT_PATH, d->prl_len) != NULL ||
	       memchr(d->prl, DHCP_OPT_TFTP_SERVER, d->prl_len) != NULL ||
	       memchr(d->prl, DHCP_OPT_BOOTFILE, d->prl_len) != NULL ||
	       client_dhcp_vendor_is(d, "Linux ipconfig") || client_dhcp_vendor_is(d, "U-Boot");
}

/* The snaplen cut the message: its type and options are not known. */
static bool client_dhcp_cut(const struct ev_dhcp *d)
{
	return (d->flags_nbt & DHCP_F_PARTIAL) ||
	       (d->msg_type == 0 && (d->flags_nbt & DHCP_F_NO_END));
}

static void client_dhcp_add_server(struct client_dhcp *dh, uint32_t server,
                                   const struct nbt_event *ev)
{
	for (uint8_t i = 0; i < dh->nservers; i++)
		if (dh->servers[i] == server)
			return;
	if (dh->nservers < CLIENT_SERVERS_MAX) {
		client_mark_set(&dh->server_first[dh->nservers], ev);
		dh->servers[dh->nservers++] = server;
	}
}

/* Where the client should fetch files: option 66/150 and next-server from an offer or ACK. */
static void client_dhcp_boot_params(struct client_dhcp *dh, const struct ev_dhcp *d)
{
	if (d->siaddr)
		dh->siaddr = d->siaddr;
	if (d->tftp_name.len) {
		unsigned a, b, x, y;
		char tail;
		dh->has_opt66 = true;
		snprintf(dh->opt66, sizeof(dh->opt66), "%.*s", (int)d->tftp_name.len,
		         d->tftp_name.s);
		/* A Pi does not resolve a name in option 66, only a dotted address (PI-NETBOOT.md
		 * s2). */
		dh->opt66_is_ip = sscanf(dh->opt66, "%u.%u.%u.%u%c", &a, &b, &x, &y, &tail) == 4 &&
		                  a < 256 && b < 256 && x < 256 && y < 256;
		if (dh->opt66_is_ip)
			dh->opt66_ip = a << 24 | b << 16 | x << 8 | y;
	}
	if (d->has_tftp_addr) {
		dh->has_opt150 = true;
		dh->opt150_ip = d->tftp_addr;
	}
	if (d->bootfile.len || d->file_len) {
		dh->has_bootfile = true;
		if (d->bootfile.len)
			snprintf(dh->bootfile, sizeof(dh->bootfile), "%.*s", (int)d->bootfile.len,
			         d->bootfile.s);
		else
			client_copy(dh->bootfile, sizeof(dh->bootfile), d->file);
	}
	if (d->root_path.len)
		snprintf(dh->root_path, sizeof(dh->root_path), "%.*s", (int)d->root_path.len,
		         d->root_path.s);
}

static void client_dhcp_request(struct client_table *t, struct client *c,
                                const struct nbt_event *ev)
{
	const struct ev_dhcp *d = &ev->u.dhcp;
	bool cut = client_dhcp_cut(d);
	struct client_attempt *a = client_latest_attempt(c);
	bool fw = client_dhcp_is_firmware(d);
	if (cut) /* no options to go by: after files were served it is the kernel's */
		fw = !(a && (client_attempt_served(a) || a->kernel.discover.count));
	else
		client_dhcp_identify(t, c, d);
	if (fw || client_dhcp_asks_boot(d))
		client_set_netboot(t, c);
	/* A plain BOOTP request (no option 53) starts an exchange as a DISCOVER does. */
	uint8_t mt = d->msg_type ? d->msg_type : DHCP_MSG_DISCOVER;
	/* A firmware DISCOVER after the firmware got somewhere is a new boot: the firmware
	 * starts over after a timeout or a NAK (PI-NETBOOT.md s2); but not bootcode.bin's own
	 * DHCP in a Pi 3 boot, nor its retries before it asks for a file. */
	bool bootcode = fw && a && (pi_bootcode_loaded(c, a) || client_dhcp_in_bootcode(a));
	if (bootcode && !a->bootcode.discover.count && mt == DHCP_MSG_DISCOVER)
		client_log(t, a, CLIENT_ST_FW_DHCP, ev,
		           "bootcode.bin's own DHCP (the Pi 3 boot's second firmware phase)");
	if (fw && mt == DHCP_MSG_DISCOVER && !bootcode && (!a || a->fw_progress)) {
		a = client_new_attempt(t, c);
	} else if (!a) {
		a = client_new_attempt(t, c);
		a->mid_boot = !fw || mt != DHCP_MSG_DISCOVER;
	}
	struct client_dhcp *dh = bootcode ? &a->bootcode : fw ? &a->fw : &a->kernel;
	enum client_stage st = fw ? CLIENT_ST_FW_DHCP : CLIENT_ST_KERNEL_DHCP;
	dh->cut |= cut;
	dh->xid = d->xid;
	if (mt == DHCP_MSG_DISCOVER) {
		client_span_add(&dh->discover, ev);
		if (dh->first_bad_offer.frame)
			dh->discover_after_bad++;
		if (dh->first_usable_offer.frame)
			dh->discover_after_usable++;
	} else if (mt == DHCP_MSG_REQUEST) {
		client_span_add(&dh->request, ev);
		if (fw)
			a->fw_progress = true;
	}
	if (d->ciaddr)
		client_bind(t, d->ciaddr, c->mac);
	client_touch(a, st, ev);
	t->cap.from_clients++;
	client_log(t, a, st, ev, "%s %s xid 0x%08x%s", fw ? "firmware" : "kernel",
	           cut ? "request (cut)" : dhcp_type_name(d->msg_type), d->xid,
	           d->vendor.len ? "" : " (no option 60)");
}

/* Which exchange a reply belongs to: the request with its xid, else the one under way. */
static struct client_dhcp *client_dhcp_for_reply(struct client_attempt *a, uint32_t xid, bool *fw)
{
	bool kernel_active = a->kernel.discover.count || a->kernel.request.count;
	*fw = !(kernel_active && (a->kernel.xid == xid || a->fw.xid != xid));
	if (*fw && client_dhcp_in_bootcode(a))
		return &a->bootcode;
	return *fw ? &a->fw : &a->kernel;
}

static void client_dhcp_reply(struct client_table *t, struct client *c, const struct nbt_event *ev)
{
	const struct ev_dhcp *d = &ev->u.dhcp;
	struct client_attempt *a = client_current_attempt(t, c);
	bool fw;
	struct client_dhcp *dh = client_dhcp_for_reply(a, d->xid, &fw);
	enum client_stage st = fw ? CLIENT_ST_FW_DHCP : CLIENT_ST_KERNEL_DHCP;
	uint32_t server = d->has_server_id ? d->server_id : ev->src_ip;
	bool cut = client_dhcp_cut(d);
	uint8_t mt = d->msg_type;
	dh->cut |= cut;
	if (cut) /* type unknown: the first reply counts as the offer, later ones as the ACK */
		mt = dh->offer.count ? DHCP_MSG_ACK : DHCP_MSG_OFFER;
	if (mt == DHCP_MSG_OFFER) {
		client_span_add(&dh->offer, ev);
		/* A proxyDHCP answering beside the address server is a normal set-up, not a
		 * second server competing for the client (PI-NETBOOT.md s2). */
		if (!(d->flags_nbt & DHCP_F_PROXY))
			client_dhcp_add_server(dh, server, ev);
		/* A Pi takes only an offer naming "Raspberry Pi Boot" (PI-NETBOOT.md s2). */
		bool usable = cut || !fw || !client_model_is_pi(c->model) || d->rpi_boot;
		if (dh->offer.count == 1 && dh->discover.count)
			client_dhcp_offer_delay(t, dh, d, ev);
		if (usable && !dh->first_usable_offer.frame) {
			client_mark_set(&dh->first_usable_offer, ev);
			dh->offer_server = server;
			dh->relay = d->giaddr;
			dh->relay_src = d->giaddr ? ev->src_ip : 0;
			dh->subnet = d->has_subnet ? d->subnet : 0;
			dh->menu_spaced = d->rpi_boot_spaced;
			client_dhcp_boot_params(dh, d);
		} else if (!usable && !dh->first_bad_offer.frame) {
			client_mark_set(&dh->first_bad_offer, ev);
			dh->bad_opt43_len = d->has_opt43 ? d->opt43_len : 0;
		}
	} else if (mt == DHCP_MSG_ACK) {
		client_span_add(&dh->ack, ev);
		client_dhcp_boot_params(dh, d);
		if (fw)
			a->fw_progress = true;
	} else if (mt == DHCP_MSG_NAK) {
		client_span_add(&dh->nak, ev);
		if (fw)
			a->fw_progress = true;
	}
	if ((mt == DHCP_MSG_OFFER || mt == DHCP_MSG_ACK) && d->yiaddr) {
		dh->yiaddr = d->yiaddr;
		client_bind(t, d->yiaddr, c->mac);
		if (mt == DHCP_MSG_ACK)
			c->ip = d->yiaddr;
	}
	client_touch(a, st, ev);
	t->cap.towards_clients++;
	char via[40] = "";
	if (d->giaddr)
		snprintf(via, sizeof(via), " via relay %s", fmt_ipv4(d->giaddr).s);
	client_log(t, a, st, ev, "%s from %s%s yiaddr %s%s",
	           cut ? "reply (cut)" : dhcp_type_name(mt), fmt_ipv4(server).s, via,
	           fmt_ipv4(d->yiaddr).s,
	           mt == DHCP_MSG_OFFER && fw && !cut && client_model_is_pi(c->model)
	               ? (d->rpi_boot ? " with " DHCP_RPI_TEXT : " without " DHCP_RPI_TEXT)
	               : "");
}

void client_dhcp_on_event(struct client_table *t, const struct nbt_event *ev)
{
	const struct ev_dhcp *d = &ev->u.dhcp;
	if (d->htype != DHCP_HTYPE_ETHERNET || d->hlen != DHCP_HLEN_ETHERNET ||
	    d->chaddr_len < DHCP_HLEN_ETHERNET)
		return; /* only Ethernet clients can be keyed by MAC */
	struct client *c = client_find_by_mac(t, d->chaddr);
	if (!c)
		c = client_add(t, d->chaddr, 0);
	if (!c)
		return;
	c->events++;
	t->sorted = false;
	if (d->op == BOOTP_OP_REQUEST)
		client_dhcp_request(t, c, ev);
	else if (d->op == BOOTP_OP_REPLY)
		client_dhcp_reply(t, c, ev);
}
