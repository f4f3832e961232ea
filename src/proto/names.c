/* summary: the protocol name tables every stage and output shares: DHCP message types, the Pi's
 * option 97 layouts, ICMP codes, TFTP opcodes and error codes (one table per enum). */
#include "nbt/dhcp.h"
#include "nbt/icmp.h"
#include "nbt/tftp.h"
#include "nbt/proto/tftp.h"

static const char *const dhcp_type_names[] = {
    /* RFC 2132 s9.6, RFC 3203 (forcerenew), RFC 4388 (leasequery). */
    [0] = "bootp",         [1] = "discover",     [2] = "offer",       [3] = "request",
    [4] = "decline",       [5] = "ack",          [6] = "nak",         [7] = "release",
    [8] = "inform",        [9] = "forcerenew",   [10] = "leasequery", [11] = "leaseunassigned",
    [12] = "leaseunknown", [13] = "leaseactive",
};

const char *dhcp_type_name(uint8_t msg_type)
{
	if (msg_type >= sizeof(dhcp_type_names) / sizeof(dhcp_type_names[0]))
		return "unknown";
	return dhcp_type_names[msg_type];
}

const char *dhcp_pi97_name(enum dhcp_pi97 l)
{
	switch (l) {
	case DHCP_PI97_UUID:
		return "uuid";
	case DHCP_PI97_RPI:
		return "rpi";
	case DHCP_PI97_LEGACY:
		return "legacy";
	case DHCP_PI97_FILLER:
		return "filler";
	case DHCP_PI97_NONE:
	default:
		return "none";
	}
}

static const char *const icmp_unreach_names[] = {
    [ICMP_UNREACH_NET] = "net-unreachable",
    [ICMP_UNREACH_HOST] = "host-unreachable",
    [ICMP_UNREACH_PROTOCOL] = "protocol-unreachable",
    [ICMP_UNREACH_PORT] = "port-unreachable",
    [ICMP_UNREACH_NEEDFRAG] = "fragmentation-needed",
    [ICMP_UNREACH_SRCFAIL] = "source-route-failed",
    [ICMP_UNREACH_NET_UNKNOWN] = "net-unknown",
    [ICMP_UNREACH_HOST_UNKNOWN] = "host-unknown",
    [ICMP_UNREACH_ISOLATED] = "host-isolated",
    [ICMP_UNREACH_NET_PROHIB] = "net-prohibited",
    [ICMP_UNREACH_HOST_PROHIB] = "host-prohibited",
    [ICMP_UNREACH_TOS_NET] = "net-tos-unreachable",
    [ICMP_UNREACH_TOS_HOST] = "host-tos-unreachable",
    [ICMP_UNREACH_FILTER_PROHIB] = "admin-prohibited",
    [ICMP_UNREACH_HOST_PRECEDENCE] = "host-precedence-violation",
    [ICMP_UNREACH_PRECEDENCE_CUTOFF] = "precedence-cutoff",
};

const char *icmp_code_name(uint8_t type, uint8_t code)
{
	if (type == ICMP_T_UNREACH) {
		if (code < sizeof icmp_unreach_names / sizeof icmp_unreach_names[0])
			return icmp_unreach_names[code];
		return "unreachable";
	}
	if (type == ICMP_T_TIME_EXCEEDED)
		return code == 0   ? "ttl-exceeded"
		       : code == 1 ? "reassembly-exceeded"
		                   : "time-exceeded";
	return "other";
}

static const char *const tftp_op_names[] = {
    [TFTP_OP_RRQ] = "RRQ", [TFTP_OP_WRQ] = "WRQ",     [TFTP_OP_DATA] = "DATA",
    [TFTP_OP_ACK] = "ACK", [TFTP_OP_ERROR] = "ERROR", [TFTP_OP_OACK] = "OACK",
};

static const char *const tftp_err_names[] = {
    [TFTP_ERR_UNDEF] = "Not defined",
    [TFTP_ERR_NOTFOUND] = "File not found",
    [TFTP_ERR_ACCESS] = "Access violation",
    [TFTP_ERR_DISKFULL] = "Disk full or allocation exceeded",
    [TFTP_ERR_ILLEGAL_OP] = "Illegal TFTP operation",
    [TFTP_ERR_BAD_TID] = "Unknown transfer ID",
    [TFTP_ERR_EXISTS] = "File already exists",
    [TFTP_ERR_NO_USER] = "No such user",
    [TFTP_ERR_OPTIONS] = "Option negotiation refused",
};

const char *tftp_opcode_name(unsigned op)
{
	if (op < sizeof tftp_op_names / sizeof tftp_op_names[0] && tftp_op_names[op])
		return tftp_op_names[op];
	return "unknown";
}

const char *tftp_error_name(unsigned code)
{
	if (code < sizeof tftp_err_names / sizeof tftp_err_names[0])
		return tftp_err_names[code];
	return "unknown";
}
