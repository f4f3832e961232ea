/* summary: generic network boot loaders (PI-NETBOOT.md s7): U-Boot's DHCP fingerprint and the
 * configuration probe chains of pxelinux, U-Boot, GRUB and iPXE. */
#include "pxe.h"

#include <ctype.h>
#include <string.h>

#include "client_priv.h"
#include "filename.h"
#include "nbt/proto/dhcp.h"

bool pxe_dhcp_is_uboot(const struct ev_dhcp *d)
{
	return client_dhcp_vendor_is(d, DHCP_UBOOT_CLASS);
}

/* "0A630064.img": U-Boot's boot file when DHCP names none (the address in hex, upper case;
 * "no boot file name; using '0A640273.img'" in armbian/build#2541). */
static bool pxe_is_hexip_img(const char *b)
{
	if (strlen(b) != 12 || strcmp(b + 8, ".img") != 0)
		return false;
	for (int i = 0; i < 8; i++)
		if (!isxdigit((unsigned char)b[i]))
			return false;
	return true;
}

/*
 * pxelinux and U-Boot's 'pxe get' walk pxelinux.cfg/ down to "default" (syslinux wiki PXELINUX
 * "Configuration"; U-Boot boot/pxe_utils.c; the chain in armbian/build#3444); GRUB walks
 * grub.cfg-<uuid>, -<mac>, -<ip in hex, cut a digit at a time> down to grub.cfg (GRUB manual,
 * "Network").
 */
bool pxe_file_is_config(const char *name)
{
	const char *b = filename_base(name);
	return strstr(name, "pxelinux.cfg/") || strcmp(b, "grub.cfg") == 0 ||
	       filename_starts(b, "grub.cfg-");
}

bool pxe_file_chain_end(const char *name)
{
	const char *b = filename_base(name);
	return pxe_file_is_config(name) &&
	       (strcmp(b, "default") == 0 || strcmp(b, "grub.cfg") == 0);
}

bool pxe_file_optional(const char *name)
{
	const char *b = filename_base(name);
	if (pxe_file_is_config(name))
		return !pxe_file_chain_end(name);
	/* iPXE's UEFI build asks the server it came from for autoexec.ipxe first
	 * (src/interface/efi/efi_autoexec.c). U-Boot's distro boot asks for boot.scr.uimg first
	 * (include/config_distro_bootcmd.h boot_script_dhcp; the lab's uboot-pxe-chain capture). */
	return strcmp(b, "autoexec.ipxe") == 0 || strcmp(b, "boot.scr.uimg") == 0 ||
	       pxe_is_hexip_img(b);
}
