/* summary: DHCP/BOOTP event (RFC 951, 2131, 2132, 3004, 3046, 4578 PXE; Pi option 97 layouts). */
#ifndef NBT_DHCP_H
#define NBT_DHCP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define DHCP_CHADDR_LEN 16  /* RFC 2131 s2: chaddr is 16 octets */
#define DHCP_SNAME_LEN  64  /* sname field size */
#define DHCP_FILE_LEN   128 /* file field size */
#define DHCP_OPT_STRMAX 255 /* one option carries at most 255 bytes (RFC 2132 s2) */
#define DHCP_RAW_MAX    1200
#define DHCP_MENU_MAX   255

/* A copied option string: bytes as sent (may hold NULs), always NUL-terminated after len. */
struct dhcp_str {
	uint16_t len;
	char s[DHCP_OPT_STRMAX + 1];
};

/* Which UDP ports carried the message. */
enum dhcp_ports {
	DHCP_PORTS_OTHER = 0, /* reached by an expectation or probe */
	DHCP_PORTS_BOOTP,     /* 67 <-> 68 (RFC 2131 s4.1) */
	DHCP_PORTS_PXE,       /* 4011, PXE boot server / proxyDHCP (PXE spec 2.1 s2.2) */
};

/* Option 97 (RFC 4578 s2.3) as the Raspberry Pi firmware fills it (PI-NETBOOT.md s1). */
enum dhcp_pi97 {
	DHCP_PI97_NONE = 0, /* option 97 absent or not 17 bytes of type 0 */
	DHCP_PI97_UUID,     /* type 0 + a 16-byte UUID (SMBIOS), e.g. generic PXE */
	DHCP_PI97_RPI,      /* type 0 + fourcc, board revision, MAC low word, serial */
	DHCP_PI97_LEGACY,   /* type 0 + the serial four times (Pi 3, DHCP_OPTION97=0) */
	DHCP_PI97_FILLER,   /* type 0 + one byte 16 times (a Pi 3 ROM): no serial in it */
};

/* Bits of ev_dhcp.flags_nbt: what was seen and what went wrong. */
#define DHCP_F_PARTIAL      0x0001u /* fixed header cut short: fields after the cut are 0 */
#define DHCP_F_NO_COOKIE    0x0002u /* no RFC 1048 magic cookie: plain BOOTP, no options */
#define DHCP_F_BAD_COOKIE   0x0004u /* a non-zero cookie that is not 99.130.83.99 */
#define DHCP_F_OPT_ERROR    0x0008u /* options stopped at a malformed one (kept those before) */
#define DHCP_F_NO_END       0x0010u /* an options area lacked the end option 255 */
#define DHCP_F_RAW_FULL     0x0020u /* more options than DHCP_RAW_MAX: raw copy cut */
#define DHCP_F_PROXY        0x0040u /* proxyDHCP / PXE boot server reply */
#define DHCP_F_PXE_OK       0x0080u /* option 43 parsed as PXE sub-options up to 255/end */
#define DHCP_F_97_BE        0x0100u /* option 97 words matched chaddr only big-endian */
#define DHCP_F_97_MAC_OK    0x0200u /* option 97 MAC word equals chaddr's low 32 bits */
#define DHCP_F_OVERLOAD_BAD 0x0400u /* option 52 repeated, misplaced or out of range */

struct ev_dhcp {
	/* RFC 2131 s2 fixed header. */
	uint8_t op, htype, hlen, hops;
	uint32_t xid;
	uint16_t secs, flags;
	uint32_t ciaddr, yiaddr, siaddr, giaddr; /* host byte order */
	uint8_t chaddr[DHCP_CHADDR_LEN];
	uint8_t chaddr_len; /* min(hlen, 16) */
	char sname[DHCP_SNAME_LEN + 1];
	char file[DHCP_FILE_LEN + 1];
	uint8_t sname_len, file_len; /* up to the first NUL; 0 when overloaded */

	enum dhcp_ports ports;
	uint16_t flags_nbt; /* DHCP_F_* */
	uint8_t overload;   /* option 52: 1 file, 2 sname, 3 both (RFC 2132 s9.3) */

	/* Decoded options; has_* says whether the option was present and well-formed. */
	uint8_t msg_type; /* option 53 (RFC 2132 s9.6); 0 = plain BOOTP */
	bool has_server_id, has_req_ip, has_lease, has_subnet, has_router, has_max_msg;
	bool has_arch, has_ndi, has_tftp_addr;
	uint32_t server_id;        /* 54 */
	uint32_t req_ip;           /* 50 */
	uint32_t lease;            /* 51, seconds */
	uint32_t subnet;           /* 1 */
	uint32_t router;           /* 3, first */
	uint16_t max_msg;          /* 57 */
	uint16_t arch;             /* 93, first (RFC 4578 s2.1) */
	uint8_t narch;             /* 93, how many */
	uint8_t ndi[3];            /* 94: type, major, minor (RFC 4578 s2.2) */
	uint32_t tftp_addr;        /* 150, first (RFC 5859) */
	uint8_t ntftp_addr;        /* 150, how many */
	struct dhcp_str hostname;  /* 12 */
	struct dhcp_str root_path; /* 17 */
	struct dhcp_str vendor;    /* 60 */
	struct dhcp_str client_id; /* 61 (bytes) */
	struct dhcp_str tftp_name; /* 66 */
	struct dhcp_str bootfile;  /* 67 */
	uint8_t prl_len;           /* 55 */
	uint8_t prl[DHCP_OPT_STRMAX];

	/* Option 43 raw, and as PXE sub-options (PXE spec 2.1 table 2-1, RFC 4578 s2). */
	bool has_opt43;
	uint8_t opt43_len;
	uint8_t opt43[DHCP_OPT_STRMAX];
	bool rpi_boot;        /* "Raspberry Pi Boot" in the menu, the prompt or the raw bytes */
	bool rpi_boot_spaced; /* ... followed by three spaces, as some Pi 3 ROMs need */
	bool has_pxe_disc, has_pxe_servers, has_pxe_menu, has_pxe_prompt;
	uint8_t pxe_disc;         /* sub-option 6 */
	uint16_t pxe_server_type; /* sub-option 8, first entry */
	uint32_t pxe_server_ip;   /* sub-option 8, first IP of the first entry (0 if none) */
	uint16_t pxe_menu_type;   /* sub-option 9, first entry */
	struct dhcp_str pxe_menu; /* sub-option 9, first entry's text */
	uint8_t pxe_timeout;      /* sub-option 10 */
	struct dhcp_str pxe_prompt;

	/* Option 97 raw and the Pi reading of it. */
	bool has_opt97;
	uint8_t opt97_len;
	uint8_t opt97[DHCP_OPT_STRMAX];
	enum dhcp_pi97 pi97;
	char fourcc[5]; /* wire order, NUL-terminated */
	uint32_t board_rev, serial, mac_word;

	/* Every option (not pad/end) as code, len, data, in parse order: options, file, sname. */
	uint8_t present[32]; /* bit n set: option n seen */
	uint16_t raw_len;
	uint8_t raw[DHCP_RAW_MAX];
};

/* True if option `code` was seen (bitmap test). */
bool dhcp_has(const struct ev_dhcp *d, uint8_t code);
/* First copy of option `code` in the raw buffer, its length in *len; NULL if not kept. */
const uint8_t *dhcp_option(const struct ev_dhcp *d, uint8_t code, uint8_t *len);
/* "discover", "offer", ... or "bootp" (0) / "unknown". */
const char *dhcp_type_name(uint8_t msg_type);
/* "none", "uuid", "rpi", "legacy". */
const char *dhcp_pi97_name(enum dhcp_pi97 l);

extern const struct dissector dis_dhcp;

#endif
