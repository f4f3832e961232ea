/* summary: per-client boot records built from events: identity, IP bindings, attempts, stages
 * (RFC 2131 DHCP, RFC 1350 TFTP, RFC 1813/7530 NFS root; PI-NETBOOT.md). */
#ifndef NBT_CLIENT_H
#define NBT_CLIENT_H

#include <stdbool.h>
#include <stdint.h>

#include "nbt/event.h"
#include "nbt/pkt.h"

#define CLIENT_MAX          256 /* clients per table by default (ANOM_CAP_CLIENTS past it) */
#define CLIENT_BINDINGS_MAX 1024
#define CLIENT_ATTEMPTS_MAX 8   /* the most recent attempts are kept */
#define CLIENT_FILES_MAX    48  /* distinct TFTP files per attempt */
#define CLIENT_TIMELINE_MAX 160 /* timeline entries per attempt (ANOM_CAP_EVENTS past it) */
#define CLIENT_SERVERS_MAX  4   /* distinct DHCP servers remembered per attempt */
#define CLIENT_ARP_MAX      4   /* distinct ARP targets remembered per attempt */
#define CLIENT_NAME_MAX     64
#define CLIENT_PREFIX_MAX   64
#define CLIENT_TEXT_MAX     160

/* client_table_new_max (--max-clients) raises CLIENT_MAX up to this; a larger table keeps two
 * IP bindings per client. */
#define CLIENT_MAX_LIMIT 1048576
/* Machines past a full table are still counted, up to this many (1 MiB of keys at most). */
#define CLIENT_NOT_KEPT_MAX 65536

enum client_model {
	CLIENT_MODEL_UNKNOWN = 0,
	CLIENT_MODEL_PI,      /* a Raspberry Pi, which one not known */
	CLIENT_MODEL_PI3,     /* 3B/3B+/CM3 boot ROM */
	CLIENT_MODEL_PI4,     /* 4B/400/CM4 EEPROM */
	CLIENT_MODEL_PI5,     /* 5/CM5 EEPROM */
	CLIENT_MODEL_IPXE,    /* iPXE (option 175 / user class) */
	CLIENT_MODEL_PXE,     /* PXE ROM, BIOS */
	CLIENT_MODEL_PXE_EFI, /* PXE, UEFI */
	CLIENT_MODEL_UBOOT,   /* U-Boot (option 60 "U-Boot.<arch>") */
};

enum client_prefix {
	CLIENT_PREFIX_UNKNOWN = 0, /* no TFTP file seen yet */
	CLIENT_PREFIX_ROOT,        /* files asked for at the TFTP root only */
	CLIENT_PREFIX_SERIAL,      /* "38c128c0/" (TFTP_PREFIX=0) */
	CLIENT_PREFIX_CUSTOM,      /* TFTP_PREFIX_STR (TFTP_PREFIX=1) */
	CLIENT_PREFIX_MAC,         /* "dc-a6-32-79-26-df/" (TFTP_PREFIX=2) */
};

/* Boot stages, in boot order. */
enum client_stage {
	CLIENT_ST_FW_DHCP = 0,
	CLIENT_ST_TFTP_FW,
	CLIENT_ST_TFTP_KERNEL,
	CLIENT_ST_KERNEL_DHCP,
	CLIENT_ST_PORTMAP,
	CLIENT_ST_MOUNT, /* MOUNT, or the NFSv4 session + PUTROOTFH/LOOKUP of the export */
	CLIENT_ST_NFS,   /* NFS root in use */
	CLIENT_ST__COUNT
};

struct client_mark {
	uint64_t frame; /* 0: not seen */
	nbt_time ts;
};

struct client_span {
	struct client_mark first, last;
	uint32_t count;
};

/* One DHCP exchange (firmware or kernel) of an attempt. */
struct client_dhcp {
	struct client_span discover, offer, request, ack, nak;
	struct client_mark first_usable_offer; /* Pi: with "Raspberry Pi Boot"; PXE: any */
	struct client_mark first_bad_offer;    /* Pi: an offer without the option 43 text */
	uint16_t bad_opt43_len;                /* that offer's option 43 bytes (0: it had none) */
	uint32_t discover_after_bad;           /* DISCOVERs after the first bad offer */
	uint32_t discover_after_usable;        /* ... after the first usable one */
	/* The usable offer came through a relay agent (RFC 2131 s4.1: giaddr set, the relay
	 * sends it on): the relay's address (giaddr) and the frame's source. */
	uint32_t relay, relay_src;
	uint32_t subnet;  /* the usable offer's option 1, 0 if none */
	bool menu_spaced; /* its option 43 text has the three trailing spaces (PI-NETBOOT.md s2) */
	/* The first OFFER came this long after the DISCOVER it answers, and the server looked for
	 * the offered address by ARP in between (dnsmasq pings an address before it offers it). */
	nbt_time offer_delay;
	struct client_mark offer_asked, offer_probe; /* that DISCOVER, the server's first ARP */
	uint32_t offer_probes;
	uint32_t xid;
	bool cut;              /* some message cut by the snaplen: types/options unknown */
	uint32_t offer_server; /* server id (54) or source of the usable offer */
	uint32_t yiaddr;
	uint32_t siaddr; /* next-server of the usable offer (or ACK) */
	bool has_opt66, opt66_is_ip, has_opt150, has_bootfile;
	uint32_t opt66_ip, opt150_ip;
	char opt66[CLIENT_TEXT_MAX];
	char bootfile[CLIENT_TEXT_MAX];
	char root_path[CLIENT_TEXT_MAX];
	uint32_t servers[CLIENT_SERVERS_MAX];                /* distinct servers that answered */
	struct client_mark server_first[CLIENT_SERVERS_MAX]; /* each one's first offer */
	uint8_t nservers;
};

enum client_file_state {
	CLIENT_FILE_REQUESTED = 0, /* RRQ sent, nothing back */
	CLIENT_FILE_PROBED,        /* OACK read, client ended it with ERROR 0 (tsize probe) */
	CLIENT_FILE_XFER,          /* DATA flowing */
	CLIENT_FILE_DONE,          /* last (short) DATA seen */
	CLIENT_FILE_ERROR,         /* ERROR (not a probe end) */
};

/* One TFTP file name of an attempt (retries, probes and transfers of it merged). */
struct client_file {
	char name[TFTP_FILE_MAX];
	enum client_stage stage; /* TFTP_FW or TFTP_KERNEL */
	enum client_file_state state;
	uint32_t server; /* where the RRQ went */
	uint32_t rrqs, server_pkts, retrans, dup_acks;
	/* Replies from another address than `server` (a multi-homed server answering from the
	 * wrong one): the client drops them unless it sends there (other_answered). */
	uint32_t other_src, other_pkts;
	struct client_mark other_first;
	bool other_answered;
	struct client_mark first_rrq, last_rrq, last_pkt, done, error;
	uint8_t last_dir; /* enum tftp_dir of the last packet */
	/* How many times in a row that side sent its last packet (same opcode and block) with no
	 * answer: a server resending DATA to a client gone silent, a client resending an ACK. */
	uint32_t tail_sends;
	struct client_mark tail_first; /* the first of those sends */
	uint16_t last_op;
	uint64_t last_seq;
	uint16_t err_code;
	char err_msg[CLIENT_TEXT_MAX];
	bool err_by_client;
	uint64_t bytes, tsize, last_block, last_acked;
	uint32_t blksize;
	bool has_tsize;
	uint32_t probes;     /* tsize probes the client ended ("Early terminate") */
	uint32_t data_sends; /* how many times the server has sent the last DATA block */
	struct client_mark last_data;
	/* The server's OACK sent again in one session: the first one and its first repeat. */
	struct client_mark oack_last, oack_first, oack_again;
	uint32_t oack_repeats;
	/* The client's first ACK of a block the server had not sent, and the server's DATA for an
	 * earlier block after it (the two sides no longer agree: raspberrypi/firmware#1631). */
	struct client_mark ack_ahead;
	uint64_t ahead_block;
	uint32_t ahead_repeats;
	uint32_t order; /* sequence number of the last activity in the attempt */
};

/* ONC RPC progress of an attempt (portmap, MOUNT, NFSv3, NFSv4). */
#define CLIENT_RPC_CITED 8 /* unanswered calls kept to cite */

struct client_rpc {
	struct client_span pmap_call, pmap_reply, mnt_call, mnt_reply, nfs_call, nfs_reply;
	struct client_span other; /* calls/replies of unknown program (e.g. the call was cut) */
	uint32_t cut_replies;     /* MOUNT/NFS replies whose status the capture cut off */
	struct client_mark cut_first;
	bool v4_root_logged;
	struct client_mark pmap_zero; /* GETPORT answered with port 0 */
	uint32_t pmap_zero_prog;
	struct client_mark mnt_fail; /* MNT reply status != 0 */
	uint32_t mnt_status;
	char mnt_path[CLIENT_TEXT_MAX];
	struct client_mark root_in_use; /* first successful NFS use after the mount */
	struct client_mark nfs_fail;    /* first NFS error before root use, or during it */
	uint32_t nfs_status, nfs_vers, nfs_fail_op;
	char nfs_path[CLIENT_TEXT_MAX];
	uint32_t nfs_errors; /* error replies (NOENT during root use not counted) */
	uint32_t server;
	/* The calls since the last reply: how many, and the first CLIENT_RPC_CITED of them (the
	 * first is where the silence began), to cite. */
	uint32_t unanswered_count;
	struct client_mark unanswered[CLIENT_RPC_CITED];
	/* The TCP of its RPC connections (nbt/tcpwatch.h): connection attempts and their answers,
	 * resets from the server, the server acknowledging calls it never answered (its host is
	 * up, its RPC service hangs), the client's data sent again (never acknowledged). tcp_syn
	 * counts the SYNs to tcp_syn_ip:tcp_syn_port that no SYN-ACK has answered yet. */
	struct client_span tcp_syn;
	uint32_t tcp_syn_ip;
	uint16_t tcp_syn_port;
	struct client_mark tcp_rst, tcp_acked;
	struct client_mark tcp_gave_up; /* the client reset a connection with calls unanswered */
	struct client_span tcp_retrans;
	bool v4;
	/* The first MOUNT/NFS call the server refused for its version (client_rpc.c): the program
	 * and version asked, accept_stat (RPC_PROG_MISMATCH...; CLIENT_VERS_BY_PORTMAP: portmap
	 * answered port 0 for it) and, with PROG_MISMATCH, the versions the server has. */
	struct client_mark vers_fail, vers_call;
	uint32_t vers_prog, vers_asked, vers_stat, vers_lo, vers_hi;
};
#define CLIENT_VERS_BY_PORTMAP 0xffffffffu

/* One timeline line. */
struct client_entry {
	uint64_t frame;
	nbt_time ts;
	enum client_stage stage;
	char text[CLIENT_TEXT_MAX];
};

struct client;

struct client_attempt {
	uint32_t number;             /* 1-based across the whole capture */
	const struct client *client; /* the client it belongs to */
	struct client_span stage[CLIENT_ST__COUNT];
	struct client_mark first, last;
	struct client_dhcp fw, kernel;
	/* A Pi 3's second firmware phase: bootcode.bin, loaded by the boot ROM, runs DHCP again
	 * with the same xid before it asks for start.elf (PI-NETBOOT.md s1). */
	struct client_dhcp bootcode;
	bool fw_progress; /* REQUEST/ACK/NAK/TFTP seen: a new firmware DISCOVER starts over */
	bool mid_boot;    /* the attempt's first event was not a firmware DHCP message */
	struct client_file files[CLIENT_FILES_MAX];
	/* A hash of each file's name, side by side, so finding a name (every RRQ and DATA) reads
	 * a few cache lines instead of every file record. */
	uint32_t file_hash[CLIENT_FILES_MAX];
	/* Bit (hash % 256) of every name in files[]: a name whose bit is clear is not there, so a
	 * client asking for ever new names (a full table) costs one test, not a scan. */
	uint64_t file_bloom[4];
	uint32_t nfiles, files_dropped, seq;
	uint32_t tftp_server_pkts, tftp_client_acks;
	/* ARP by the client for these targets, and whether a reply came. */
	uint32_t arp_target[CLIENT_ARP_MAX];
	struct client_mark arp_first[CLIENT_ARP_MAX], arp_answer[CLIENT_ARP_MAX];
	uint32_t arp_count[CLIENT_ARP_MAX];
	uint8_t arp_mac[CLIENT_ARP_MAX][6]; /* what the reply said */
	uint8_t narp;
	/* The client's TFTP/RPC frames to a server's IP but not to the MAC its ARP returned (all
	 * zeros or aa:..:aa when the client's ARP failed, client_link.c): they reach no host. */
	struct client_mark badmac_first, badmac_last;
	uint32_t badmac_count, badmac_ip;
	uint8_t badmac[6];
	struct client_mark icmp; /* an ICMP unreachable for the client's packets */
	uint8_t icmp_code;
	uint16_t icmp_port;
	uint32_t icmp_from;
	/* The client's own host refusing a packet sent to it (ICMP port unreachable for the
	 * server's DATA): the socket of its transfer is gone, it gave the transfer up. */
	struct client_mark icmp_own;
	uint32_t icmp_own_count;
	struct client_rpc rpc;
	struct client_entry timeline[CLIENT_TIMELINE_MAX];
	uint32_t ntimeline, timeline_dropped;
};

struct client {
	uint8_t mac[6];
	bool has_mac; /* false: known only by IP (a raw-IP capture without DHCP) */
	uint32_t ip;
	enum client_model model;
	uint32_t board_rev;
	bool has_serial;
	uint32_t serial;
	bool serial_from_folder;
	enum client_prefix prefix;
	char prefix_str[CLIENT_PREFIX_MAX];
	char name[CLIENT_NAME_MAX]; /* from the --hosts inventory, "" if none */
	struct client_attempt *attempts[CLIENT_ATTEMPTS_MAX]; /* oldest first */
	uint32_t nattempts, attempts_dropped;
	uint64_t events;
	/* Signs of a network boot: a Pi MAC, firmware (PXE/Pi) DHCP, a DHCP asking for a root
	 * path, TFTP server or boot file (or from klibc ipconfig, U-Boot), TFTP or ONC RPC.  A
	 * machine with none (a laptop renewing its lease) is left out of the reports unless named
	 * with --client. */
	bool netboot;
};

#define CLIENT_CKSUM_HOSTS 16 /* senders of bad checksums followed */

/* A sender of packets with bad checksums, and whether its peers answered it. */
struct client_cksum_host {
	uint32_t ip;
	uint64_t bad, good; /* its packets (with events) with bad / good checksums */
	uint64_t answered;  /* events towards it from other hosts after its first bad one */
	uint64_t last_bad, last_good; /* frames, to count a packet once */
	struct client_mark first;
};

/* Capture-wide facts the report shows apart from boot stalls (PI-NETBOOT.md s6). */
struct client_capture {
	struct client_mark first, last; /* first and last frame seen (client_table_tick) */
	uint64_t truncated, invalid, backwards, other_anomalies;
	struct client_mark first_truncated, first_backwards;
	uint64_t dropped; /* kernel drops, live only */
	bool has_drops;
	uint64_t clients_dropped, timeline_dropped; /* events not kept for want of room */
	uint64_t machines_dropped;  /* distinct machines behind clients_dropped (MAC, else IP) */
	bool machines_dropped_more; /* more than CLIENT_NOT_KEPT_MAX: a lower bound */
	uint64_t clients_max;       /* the table's size (--max-clients) */
	uint64_t other_clients;     /* clients with no sign of a network boot (yet) */
	uint64_t towards_clients, from_clients; /* events by direction */
	struct client_cksum_host cksum[CLIENT_CKSUM_HOSTS];
	uint32_t ncksum;
	uint64_t bad_checksums, cksum_untracked; /* the latter: senders past the table */
	uint64_t oversize;                       /* frames larger than the Ethernet MTU */
	struct client_mark first_oversize;
	const struct nbt_stats *pipe; /* the pipeline's counters (its caps), or NULL */
};

struct client_table;
struct hosts;

struct client_table *client_table_new(void); /* CLIENT_MAX clients */
/* A table for up to max_clients (1..CLIENT_MAX_LIMIT); memory grows with the clients seen. */
struct client_table *client_table_new_max(size_t max_clients);
size_t client_table_max(const struct client_table *t);
void client_table_free(struct client_table *t);
/* Names clients from an inventory (may be NULL); the table keeps the pointer. */
void client_table_set_hosts(struct client_table *t, const struct hosts *h);
/* Every captured frame's time, dissected or not: "now" for the timeouts. */
void client_table_tick(struct client_table *t, uint64_t frame, nbt_time ts);
void client_table_set_drops(struct client_table *t, uint64_t dropped);
/* The pipeline's counters, read whenever the capture is judged (so they must outlive every
 * diagnosis of the table): the flow, fragment, expectation, TCP window and RPC xid caps. */
void client_table_watch_stats(struct client_table *t, const struct nbt_stats *pipe);
/* Adds the table's own caps (clients, timeline entries not kept) to s's anomaly counts. */
void client_table_fold_stats(const struct client_table *t, struct nbt_stats *s);
/*
 * Called for every timeline entry as it is made (also when the timeline is full and the entry
 * is not kept), with the event behind it: the --events stream.
 */
typedef void (*client_log_fn)(void *arg, const struct client *c, const struct client_attempt *a,
                              const struct client_entry *e, const struct nbt_event *ev);
void client_table_set_log(struct client_table *t, client_log_fn fn, void *arg);
/* Feeds one event (any type; unrelated ones are ignored). */
void client_on_event(struct client_table *t, const struct nbt_event *ev);

size_t client_count(const struct client_table *t);
/* Clients sorted by MAC (then IP for MAC-less ones); valid until the next event. */
const struct client *client_get(struct client_table *t, size_t i);
const struct client_capture *client_table_capture(const struct client_table *t);
/* The latest attempt, or NULL. */
const struct client_attempt *client_last_attempt(const struct client *c);

const char *client_model_name(enum client_model m);
/* A Raspberry Pi of any model (CLIENT_MODEL_PI and the specific ones): Pi notions apply. */
bool client_model_is_pi(enum client_model m);
/* The same for narrow screen columns ("Pi4", "PXE-EFI"). */
const char *client_model_short(enum client_model m);
/* "requested", "probed", "transferring", "done", "error"; short: "transfer", "ERROR". */
const char *client_file_state_name(enum client_file_state s);
const char *client_file_state_short(enum client_file_state s);
const char *client_stage_name(enum client_stage s);
const char *client_prefix_name(enum client_prefix p);
/* True for OUIs of Raspberry Pi Foundation / Ltd (PI-NETBOOT.md s1). */
bool client_is_pi_oui(const uint8_t mac[6]);
/* Which stage a TFTP file name belongs to (kernel, dtb, overlays, initramfs: kernel). */
enum client_stage client_file_stage(const char *name);
/* Missing files that are normal (bootsig.bin, recovery.bin, pieeprom.*, ...). */
bool client_file_optional(const char *name);
/* The stage an RPC connection to this server port serves: portmap on 111, NFS on 2049 (RFC 1833,
 * RFC 1813/7530), MOUNT on any other port portmap gave. */
enum client_stage client_rpc_port_stage(uint16_t port);
/* The last name of a loader's probe chain (pxelinux.cfg/default, grub.cfg). */
bool client_file_chain_end(const char *name);
/* A loader's configuration file (pxelinux.cfg/..., grub.cfg...): where its kernel line is. */
bool client_file_loader_config(const char *name);
/* True when at least one TFTP file of the attempt was served to its end. */
bool client_attempt_served(const struct client_attempt *a);

#endif
