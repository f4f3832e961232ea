/* summary: process exit codes, one per kind of outcome, so scripts and CI can tell them apart. */
#ifndef NBT_EXITCODES_H
#define NBT_EXITCODES_H

enum nbt_exit {
	NBT_EXIT_OK = 0,           /* analysis complete */
	NBT_EXIT_USAGE = 64,       /* bad command line */
	NBT_EXIT_NOT_CAPTURE = 65, /* input is not a pcap/pcapng capture (or is empty) */
	NBT_EXIT_NO_FILE = 66,     /* no such file */
	NBT_EXIT_TRUNCATED = 67,   /* capture cut mid-packet; what was read was analysed */
	NBT_EXIT_LINK = 68,        /* link type not supported */
	NBT_EXIT_NO_IFACE = 69,    /* no such interface */
	NBT_EXIT_CAPTURE = 70,     /* other capture error */
	NBT_EXIT_FILTER = 71,      /* filter expression does not compile */
	NBT_EXIT_PERM = 77,        /* permission denied */
};

#endif
