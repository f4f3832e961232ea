/* summary: DHCP/BOOTP wire constants (RFC 951, 2131, 2132, 4578, PXE 2.1). */
#ifndef NBT_DHCP_PROTO_H
#define NBT_DHCP_PROTO_H

/*
 * RFC 2131 s2, figure 1:
 *   0      op, htype, hlen, hops        (1 byte each)
 *   4      xid                          (4)
 *   8      secs, flags                  (2 + 2)
 *   12     ciaddr, yiaddr, siaddr, giaddr (4 each)
 *   28     chaddr                       (16)
 *   44     sname                        (64)
 *   108    file                         (128)
 *   236    options (RFC 1048 cookie 99.130.83.99, then TLVs)
 */
#define DHCP_HDR_CHADDR_END 44  /* bytes needed to know who the client is */
#define DHCP_HDR_LEN        236 /* fixed part before the cookie */
#define DHCP_MAGIC_COOKIE   0x63825363u

#define DHCP_PORT_SERVER 67
#define DHCP_PORT_CLIENT 68
#define DHCP_PORT_PXE    4011

#define BOOTP_OP_REQUEST 1
#define BOOTP_OP_REPLY   2

/* htype/hlen of an Ethernet client (RFC 2131 s2: the ARP hardware type of RFC 1700). */
#define DHCP_HTYPE_ETHERNET 1
#define DHCP_HLEN_ETHERNET  6

/* Option 53 message types (RFC 2132 s9.6). */
#define DHCP_MSG_DISCOVER 1
#define DHCP_MSG_OFFER    2
#define DHCP_MSG_REQUEST  3
#define DHCP_MSG_DECLINE  4
#define DHCP_MSG_ACK      5
#define DHCP_MSG_NAK      6
#define DHCP_MSG_RELEASE  7
#define DHCP_MSG_INFORM   8

/* RFC 2132 option codes used here (section numbers in the comments). */
#define DHCP_OPT_PAD         0   /* s3.1 */
#define DHCP_OPT_SUBNET      1   /* s3.3 */
#define DHCP_OPT_ROUTER      3   /* s3.5 */
#define DHCP_OPT_HOSTNAME    12  /* s3.14 */
#define DHCP_OPT_ROOT_PATH   17  /* s3.19 */
#define DHCP_OPT_VENDOR      43  /* s8.4, PXE sub-options when class is PXEClient */
#define DHCP_OPT_REQ_IP      50  /* s9.1 */
#define DHCP_OPT_LEASE       51  /* s9.2 */
#define DHCP_OPT_OVERLOAD    52  /* s9.3 */
#define DHCP_OPT_MSG_TYPE    53  /* s9.6 */
#define DHCP_OPT_SERVER_ID   54  /* s9.7 */
#define DHCP_OPT_PRL         55  /* s9.8 */
#define DHCP_OPT_MAX_MSG     57  /* s9.10 */
#define DHCP_OPT_CLASS_ID    60  /* s9.13 */
#define DHCP_OPT_CLIENT_ID   61  /* s9.14 */
#define DHCP_OPT_TFTP_SERVER 66  /* s9.4 */
#define DHCP_OPT_BOOTFILE    67  /* s9.5 */
#define DHCP_OPT_USER_CLASS  77  /* RFC 3004 s4 */
#define DHCP_OPT_ARCH        93  /* RFC 4578 s2.1 */
#define DHCP_OPT_NDI         94  /* RFC 4578 s2.2 */
#define DHCP_OPT_UUID        97  /* RFC 4578 s2.3 */
#define DHCP_OPT_TFTP_ADDR   150 /* RFC 5859 */
#define DHCP_OPT_IPXE_ENCAP  175 /* iPXE's encapsulated options (ipxe.org; no RFC) */
#define DHCP_OPT_END         255 /* s3.2 */

/* Option 93 client architecture types (RFC 4578 s2.1): 0-5 are BIOS-era PCs, 6 (EFI IA32)
 * and every later type is a UEFI firmware. */
#define DHCP_ARCH_EFI_IA32 6

/* A PXE ROM's option 60 starts "PXEClient" (PXE spec 2.1: "PXEClient:Arch:xxxxx:UNDI:yyyzzz");
 * iPXE's option 77 (user class) holds "iPXE". */
#define DHCP_PXE_CLASS       "PXEClient"
#define DHCP_IPXE_USER_CLASS "iPXE"
/* U-Boot's option 60 is its BOOTP_VCI_STRING: "U-Boot.armv8", "U-Boot.armv7", "U-Boot.arm" or
 * "U-Boot" by CPU (net/Kconfig; the lab's qemu_arm64 build sends "U-Boot.armv8", arch 22). */
#define DHCP_UBOOT_CLASS "U-Boot"

/* Option 52 values (RFC 2132 s9.3). */
#define DHCP_OVERLOAD_FILE  1
#define DHCP_OVERLOAD_SNAME 2
#define DHCP_OVERLOAD_BOTH  3

/* PXE 2.1 vendor options inside option 43 (PXE spec table 2-1). */
#define PXE_SUB_PAD      0
#define PXE_SUB_DISC_CTL 6
#define PXE_SUB_SERVERS  8
#define PXE_SUB_MENU     9
#define PXE_SUB_PROMPT   10
#define PXE_SUB_END      255

/* Option 97 as the Raspberry Pi EEPROM builds it: type 0 + four 32-bit words. */
#define PI97_LEN      17
#define PI97_FOURCC_4 0x34695052u /* "RPi4" read little-endian */
#define PI97_FOURCC_5 0x35695052u /* "RPi5" */

#define DHCP_RPI_TEXT "Raspberry Pi Boot"

#endif
