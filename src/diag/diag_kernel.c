/* summary: the stall rules after the last file was served: the kernel's own DHCP (ip=dhcp), or a
 * PXE boot program whose next steps are not on this wire (PI-NETBOOT.md s4). */
#include <string.h>

#include "diag_priv.h"

/* A PXE client served its boot program and no kernel file: iPXE, pxelinux or GRUB now runs, and
 * what it does next (HTTP, iSCSI, a local disk) is not on this wire: handed over, not booted. */
static void diag_boot_program(struct diag_ctx *x)
{
	const struct client_attempt *a = x->a;
	x->r->verdict = DIAG_HANDED_OVER;
	struct diag_finding *f =
	    diag_add(x, DIAG_CODE_BOOT_PROGRAM_LOADED, DIAG_SEV_INFO, CLIENT_ST_TFTP_FW);
	const struct client_file *boot = NULL;
	unsigned served = 0;
	for (uint32_t i = 0; i < a->nfiles; i++) {
		const struct client_file *g = &a->files[i];
		if (g->state != CLIENT_FILE_DONE)
			continue;
		served++;
		if (!boot || g->done.frame < boot->done.frame)
			boot = g;
	}
	if (f && boot) {
		diag_summary(
		    f,
		    "boot program loaded; the rest is not visible here: the boot file %s%s was "
		    "served (%u file%s in all), and whatever it fetched next (HTTP, iSCSI, a "
		    "disk) did not pass this capture point as DHCP, TFTP or NFS",
		    boot->name,
		    strcmp(boot->name, a->fw.bootfile) == 0 ? " named in option 67" : "", served,
		    served == 1 ? "" : "s");
		diag_hint(f, "to judge such clients in CI by what this capture point can see, use "
		             "--expect tftp (exit 0 once the boot program is loaded)");
		diag_evidence(f, boot->done);
		diag_evidence(f, x->last_done->done);
	}
}

/* A non-Pi loader (U-Boot, pxelinux, GRUB) passes the kernel command line from the config file it
 * loaded, not from cmdline.txt: the hint names that file (PI-NETBOOT.md s7). */
static void diag_kernel_loader_hint(struct diag_ctx *x, struct diag_finding *f)
{
	const char *cfg = NULL;
	for (uint32_t i = 0; i < x->a->nfiles; i++) {
		const struct client_file *g = &x->a->files[i];
		if (g->state == CLIENT_FILE_DONE && client_file_loader_config(g->name))
			cfg = g->name;
	}
	diag_hint(f,
	          "check the kernel command line the loader passes: ip=dhcp and root=/dev/nfs "
	          "nfsroot=SERVER:/path on the APPEND line of %s (pxelinux, U-Boot) or the linux "
	          "line of grub.cfg, and that the kernel and device tree match the machine",
	          cfg ? cfg : "its configuration file");
}

bool diag_rule_kernel(struct diag_ctx *x)
{
	struct diag_finding *f;
	if (x->rpc_any)
		return false;
	if (x->kdhcp)
		return diag_dhcp(x, &x->a->kernel, CLIENT_ST_KERNEL_DHCP);
	if (!x->any_served)
		return false;
	if (x->pxe && !x->kernel_served) {
		diag_boot_program(x);
		return true;
	}
	/* A served kernel still has to start (the kernel-dhcp timeout); without one, the firmware
	 * is still expected to ask for it (a TFTP wait). */
	nbt_time since = x->last->last_pkt.ts;
	f = diag_stall(x, DIAG_CODE_NO_KERNEL_DHCP, CLIENT_ST_KERNEL_DHCP, since,
	               x->kernel_served ? x->o->t.kernel_dhcp : x->o->t.tftp_file,
	               diag_proof_of_silence(x));
	if (f) {
		if (x->kernel_served)
			diag_summary(
			    f,
			    "the firmware and kernel files were served (last: %s), then the "
			    "kernel sent no DHCP: it did not start, or has no ip=dhcp",
			    x->last_done->name);
		else
			diag_summary(
			    f,
			    "the firmware files were served (last: %s) but %s asked for no "
			    "kernel file",
			    x->last_done->name, diag_who(x, CLIENT_ST_TFTP_FW));
		diag_evidence(f, x->last_done->done);
		if (!x->pi)
			diag_kernel_loader_hint(x, f);
	}
	return true;
}
