/* summary: the finding codes netboot-trace can report, with what each means (PI-NETBOOT.md s5-6).
 */
#include "nbt/diag_codes.h"

#include <string.h>

/* Stall codes first, in boot order; then warnings, information and capture findings. */
const struct diag_code_info diag_codes[] = {
    {"no-dhcp-offer", "stall", "the client sent DISCOVERs and no DHCP server offered an address"},
    {"offer-missing-pxe-option43", "stall",
     "offers came, but none with option 43 'Raspberry Pi Boot', so the Pi ignores them and keeps "
     "asking"},
    {"offer-missing-tftp-server", "stall",
     "the offer names no TFTP server: no option 66 and no next-server (siaddr)"},
    {"tftp-server-conflict", "stall",
     "option 66 and next-server name different TFTP servers, and the one the client used did "
     "not answer"},
    {"no-dhcp-ack", "stall", "the client requested the offered address and no ACK came back"},
    {"dhcp-nak", "stall", "the DHCP server refused the requested address (DHCPNAK)"},
    {"no-tftp-request", "stall",
     "DHCP completed but the client never asked for a file (a PXE client needs a boot file "
     "name in option 67)"},
    {"tftp-server-unreachable", "stall",
     "the TFTP server never answered ARP, or ICMP said its host or port is unreachable"},
    {"tftp-no-response", "stall", "read requests to the TFTP server got no answer"},
    {"tftp-reply-wrong-source", "stall",
     "the TFTP server answered from another address than the one the client asked, so the "
     "client ignored the replies"},
    {"tftp-file-not-found", "stall",
     "the TFTP server says a file the boot needs does not exist (detail serial-folder-missing: "
     "nothing under the <serial>/ folder was ever served)"},
    {"tftp-error", "stall",
     "the TFTP server answered with another error (access violation, disk full, illegal "
     "operation)"},
    {"tftp-stalled", "stall", "a file transfer started and then stopped before its last block"},
    {"no-kernel-dhcp", "stall",
     "firmware and kernel files were served, then the kernel never sent its own DHCP"},
    {"no-nfs-traffic", "stall",
     "the kernel got its address, then no portmap, MOUNT or NFS traffic"},
    {"nfs-portmap-failed", "stall",
     "portmap was asked for MOUNT or NFS and did not answer, or answered port 0 (not "
     "registered)"},
    {"nfs-server-unreachable", "stall",
     "the NFS server never answered ARP, or ICMP said it is unreachable"},
    {"nfs-mount-denied", "stall",
     "the server refused to mount the root path (MNT3ERR_ACCES, NFS4ERR_ACCESS)"},
    {"nfs-mount-not-found", "stall",
     "the root path does not exist on the server (MNT3ERR_NOENT/NOTDIR, NFS4ERR_NOENT)"},
    {"nfs-no-response", "stall", "NFS or MOUNT calls got no answer"},
    {"nfs-error", "stall", "an NFS call failed with another status while the root was in use"},
    {"tftp-retransmits", "warning", "TFTP blocks or requests were sent again (packet loss)"},
    {"tftp-blksize-fragments", "warning",
     "the TFTP block size makes every DATA packet an IP fragment train"},
    {"several-dhcp-servers", "warning",
     "more than one DHCP server answered; the client may take the wrong one"},
    {"option66-is-name", "warning", "option 66 holds a host name, which the Pi does not resolve"},
    {"slow-stage", "warning", "a boot stage took much longer than usual"},
    {"using-root-folder", "info",
     "the <serial>/ folder was not found, and the files came from the TFTP root instead"},
    {"optional-file-missing", "info",
     "files a Pi only probes for (bootsig.bin, recovery.bin, pieeprom.*) were not found: normal"},
    {"boot-program-loaded", "info", "a PXE client was served its boot program (option 67)"},
    {"cannot-tell", "capture", "the capture does not show enough to judge this boot"},
    {"capture-truncated", "capture", "frames were cut by the capture's snaplen"},
    {"capture-rpc-unmatched", "capture", "RPC replies could not be matched to their calls"},
    {"capture-one-direction", "capture", "only one direction of the traffic was captured"},
    {"capture-filter-port-69", "capture",
     "TFTP requests but no data were captured: the capture filter probably kept port 69 only"},
    {"capture-started-mid-boot", "capture", "the capture starts after the boot had begun"},
    {"capture-time-backwards", "capture", "packet timestamps go backwards"},
    {"capture-drops", "capture", "the kernel dropped packets during the live capture"},
    {"capture-too-many-clients", "capture", "more clients than the client table holds"},
    {"capture-table-full", "capture",
     "flow, fragment, expectation, TCP window or RPC call tables reached their caps"},
    {"capture-checksum-offload", "capture",
     "packets carry bad IP or UDP checksums: offload on the capturing host if they were "
     "answered, else possible corruption"},
    {"other-dhcp-clients", "info",
     "machines that used DHCP with no sign of a network boot, left out of the report"},
    {"capture-ipv6-boot", "capture",
     "DHCPv6 network-boot messages or TFTP over IPv6 were seen: boots over IPv6 are not "
     "followed"},
    {"capture-oversize-frames", "capture",
     "frames larger than the Ethernet MTU: GRO/TSO on the capturing host merged them"},
};

const unsigned diag_ncodes = sizeof(diag_codes) / sizeof(diag_codes[0]);

const struct diag_code_info *diag_code_find(const char *code)
{
	for (unsigned i = 0; i < diag_ncodes; i++)
		if (strcmp(diag_codes[i].code, code) == 0)
			return &diag_codes[i];
	return NULL;
}

void diag_codes_print(FILE *out)
{
	for (unsigned i = 0; i < diag_ncodes; i++) {
		const char *hint = diag_hint_for(diag_codes[i].code);
		fprintf(out, "%s\t%s\t%s\t%s\n", diag_codes[i].code, diag_codes[i].kind,
		        diag_codes[i].meaning, hint ? hint : "");
	}
}
