/* summary: what the engine knows of generic network boot loaders (PI-NETBOOT.md s7): U-Boot's
 * DHCP fingerprint, and the configuration files pxelinux, U-Boot, GRUB and iPXE probe for. */
#ifndef NBT_ENGINE_PXE_H
#define NBT_ENGINE_PXE_H

#include <stdbool.h>

#include "nbt/dhcp.h"

/* U-Boot's firmware DHCP: option 60 "U-Boot..." (its BOOTP_VCI_STRING). */
bool pxe_dhcp_is_uboot(const struct ev_dhcp *d);
/*
 * A file a loader asks for on its way down a probe chain, whose absence is normal as long as
 * a later name is found: pxelinux.cfg/<uuid>, 01-<mac>, the address in hex cut one digit at a
 * time, default-arm-<soc> (pxelinux, U-Boot 'pxe get'); grub.cfg-<uuid|mac|ip>; autoexec.ipxe;
 * U-Boot's boot.scr.uimg and <HEXIP>.img. The chain's last name (pxelinux.cfg/default,
 * grub.cfg) is never one: when it is missing, the chain found nothing.
 */
bool pxe_file_optional(const char *name);
/* A configuration file of such a chain, found or not: pxelinux.cfg/<any>, grub.cfg[-<any>]. */
bool pxe_file_is_config(const char *name);
/* The last name of such a chain (pxelinux.cfg/default, grub.cfg): missing, the chain found
 * nothing. */
bool pxe_file_chain_end(const char *name);

#endif
