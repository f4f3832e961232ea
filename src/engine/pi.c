/* summary: Raspberry Pi network boot knowledge (PI-NETBOOT.md s1-s3): OUIs, board revisions,
 * option 97, the Pi 3 xid, TFTP serial/MAC/prefix folders, file stages and optional files. */
#include "pi.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "client_priv.h"
#include "filename.h"
#include "nbt/fmt.h"
#include "nbt/hosts.h"
#include "nbt/proto/dhcp.h"

#define PI3_XID 0x26f30339u /* every Pi 3 boot ROM uses it (PI-NETBOOT.md s1) */

/* IEEE OUI registry (PI-NETBOOT.md s1).  The first, the Foundation's, is on the Pi 3 and older
 * only: a machine known by nothing else is taken for a Pi 3 by it. */
static const uint8_t pi_ouis[][3] = {
    {0xb8, 0x27, 0xeb}, {0xdc, 0xa6, 0x32}, {0xe4, 0x5f, 0x01},
    {0x28, 0xcd, 0xc1}, {0xd8, 0x3a, 0xdd}, {0x2c, 0xcf, 0x67},
};

bool pi_is_oui(const uint8_t mac[6])
{
	for (size_t i = 0; i < sizeof(pi_ouis) / sizeof(pi_ouis[0]); i++)
		if (memcmp(mac, pi_ouis[i], 3) == 0)
			return true;
	return false;
}

static bool pi_is_pi3_oui(const struct client *c)
{
	return c->has_mac && memcmp(c->mac, pi_ouis[0], 3) == 0;
}

/* Board revision code, new style (bit 23): bits 4-11 are the board type. */
static enum client_model pi_model_from_rev(uint32_t rev)
{
	if (!(rev & 0x800000u))
		return CLIENT_MODEL_PI;
	switch ((rev >> 4) & 0xffu) {
	case 0x08: /* 3B */
	case 0x0a: /* CM3 */
	case 0x0d: /* 3B+ */
	case 0x0e: /* 3A+ */
	case 0x10: /* CM3+ */
		return CLIENT_MODEL_PI3;
	case 0x11: /* 4B */
	case 0x13: /* 400 */
	case 0x14: /* CM4 */
		return CLIENT_MODEL_PI4;
	case 0x17: /* 5 */
	case 0x18: /* CM5 */
		return CLIENT_MODEL_PI5;
	default:
		return CLIENT_MODEL_PI;
	}
}

bool pi_dhcp_identify(struct client *c, const struct ev_dhcp *d, bool ipxe,
                      enum client_model *model)
{
	bool oui = c->has_mac && pi_is_oui(c->mac);
	/* A UUID of zeros (QEMU) reads like the legacy layout with serial 0: not a Pi. */
	bool pi97 = (d->pi97 == DHCP_PI97_RPI || d->pi97 == DHCP_PI97_LEGACY) && !ipxe &&
	            (d->serial != 0 || oui);
	enum client_model m = CLIENT_MODEL_UNKNOWN;
	if (pi97 && d->pi97 == DHCP_PI97_RPI) {
		/* Old-style revision codes name no board: the EEPROM's fourcc still does. */
		m = pi_model_from_rev(d->board_rev);
		if (m == CLIENT_MODEL_PI && strcmp(d->fourcc, "RPi4") == 0)
			m = CLIENT_MODEL_PI4;
		else if (m == CLIENT_MODEL_PI && strcmp(d->fourcc, "RPi5") == 0)
			m = CLIENT_MODEL_PI5;
		c->board_rev = d->board_rev;
	} else if (pi97) {
		/* The serial repeated: the Pi 3 ROM, or a Pi 4/5 with DHCP_OPTION97=0. */
		m = (d->xid == PI3_XID || pi_is_pi3_oui(c)) ? CLIENT_MODEL_PI3 : CLIENT_MODEL_PI;
	} else if (d->xid == PI3_XID && client_dhcp_vendor_is(d, DHCP_PXE_CLASS)) {
		m = CLIENT_MODEL_PI3;
	} else if (oui) {
		m = pi_is_pi3_oui(c) ? CLIENT_MODEL_PI3 : CLIENT_MODEL_PI;
	}
	*model = m;
	/* The Pi 3 ROM's option 97 is no reliable serial (a filler on some ROMs, PI-NETBOOT.md
	 * s1): its serial comes from the folder it asks for. */
	return pi97 && m != CLIENT_MODEL_PI3;
}

/* ---- TFTP folders (PI-NETBOOT.md s3) ---- */

/* The serial folder: 8 hex digits, in lower case as the firmware prints them (PI-NETBOOT.md
 * s1); upper case is some other folder. */
static bool pi_is_serial_folder(const char *dir, size_t n, uint32_t *serial)
{
	char s[9];
	if (n != sizeof(s) - 1)
		return false;
	for (size_t i = 0; i < n; i++)
		if (isupper((unsigned char)dir[i]))
			return false;
	memcpy(s, dir, n);
	s[n] = '\0';
	return hosts_parse_serial(s, serial);
}

/* The TFTP_PREFIX=2 folder: the MAC as "dc-a6-32-79-26-df" (any case). */
static bool pi_is_mac_folder(const char *dir, size_t n, const uint8_t mac[6])
{
	struct fmt_mac m = fmt_mac(mac);
	for (char *p = m.s; (p = strchr(p, ':')) != NULL; p++)
		*p = '-';
	return n == strlen(m.s) && strncasecmp(dir, m.s, n) == 0;
}

/* The first folder the client asks for tells TFTP_PREFIX; later ones (overlays/, a retry at
 * the root) do not change it. */
void pi_learn_prefix(struct client_table *t, struct client *c, const char *name)
{
	const char *slash = strchr(name, '/');
	size_t n = slash ? (size_t)(slash - name) : 0;
	uint32_t serial;
	if (!slash) {
		if (c->prefix == CLIENT_PREFIX_UNKNOWN)
			c->prefix = CLIENT_PREFIX_ROOT;
		return;
	}
	if ((c->prefix != CLIENT_PREFIX_UNKNOWN && c->prefix != CLIENT_PREFIX_ROOT) || n == 0 ||
	    (n == 8 && strncmp(name, "overlays", 8) == 0))
		return;
	if (c->has_mac && pi_is_mac_folder(name, n, c->mac)) {
		c->prefix = CLIENT_PREFIX_MAC;
	} else if (pi_is_serial_folder(name, n, &serial) &&
	           (!c->has_serial || c->serial == serial)) {
		c->prefix = CLIENT_PREFIX_SERIAL;
		if (!c->has_serial)
			client_set_serial(t, c, serial, true);
	} else {
		c->prefix = CLIENT_PREFIX_CUSTOM;
	}
	snprintf(c->prefix_str, sizeof(c->prefix_str), "%.*s/", (int)(n < 60 ? n : 60), name);
}

/* ---- TFTP files ---- */

void pi_model_from_file(struct client *c, const char *name)
{
	const char *b = filename_base(name);
	if (c->model != CLIENT_MODEL_PI &&
	    !(c->model == CLIENT_MODEL_UNKNOWN && c->has_mac && pi_is_oui(c->mac)))
		return;
	/* start4/fixup4 and the BCM2711 device tree are the Pi 4's, BCM2712 the Pi 5's; only the
	 * Pi 3 ROM asks for bootcode.bin (PI-NETBOOT.md s3). */
	if (filename_starts(b, "start4") || filename_starts(b, "fixup4") || strstr(b, "bcm2711"))
		c->model = CLIENT_MODEL_PI4;
	else if (strstr(b, "2712"))
		c->model = CLIENT_MODEL_PI5;
	else if (strcmp(b, "bootcode.bin") == 0)
		c->model = CLIENT_MODEL_PI3;
}

enum client_stage pi_file_stage(const char *name)
{
	const char *b = filename_base(name);
	if (strstr(name, "overlays/") || filename_ends(b, ".dtb") || filename_ends(b, ".dtbo"))
		return CLIENT_ST_TFTP_KERNEL;
	if ((filename_starts(b, "kernel") && filename_ends(b, ".img")) ||
	    filename_starts(b, "vmlinuz") || filename_starts(b, "zimage") ||
	    strcmp(b, "Image") == 0 || filename_starts(b, "initrd") ||
	    filename_starts(b, "initramfs") || filename_starts(b, "cmdline.txt"))
		return CLIENT_ST_TFTP_KERNEL;
	return CLIENT_ST_TFTP_FW;
}

bool pi_file_optional(const char *name)
{
	/* Probes of the firmware: a missing one is normal (PI-NETBOOT.md s3; recover4.elf in the
	 * Pi 4 trace of rpi-eeprom#74, dt-blob.bin the firmware's optional device blob). */
	static const char *const optional[] = {"bootsig.bin",     "recovery.bin", "recovery.elf",
	                                       "recover4.elf",    "pieeprom.",    "vl805.",
	                                       "autoboot.txt",    "bootcode.sig", "recovery.sig",
	                                       "overlay_map.dtb", "dt-blob.bin",  "bootcfg.txt"};
	const char *b = filename_base(name);
	for (size_t i = 0; i < sizeof(optional) / sizeof(optional[0]); i++)
		if (filename_starts(b, optional[i]))
			return true;
	return false;
}

bool pi_bootcode_loaded(const struct client *c, const struct client_attempt *a)
{
	bool loaded = false;
	if (c->model != CLIENT_MODEL_PI3 || a->kernel.discover.count || a->bootcode.discover.count)
		return false;
	for (uint32_t i = 0; i < a->nfiles; i++) {
		const struct client_file *f = &a->files[i];
		if (strcmp(f->name, "bootcode.bin") == 0 && f->state == CLIENT_FILE_DONE)
			loaded = true;
		else if (strcmp(f->name, "bootsig.bin") != 0)
			return false;
	}
	return loaded;
}
