/* summary: -w FILE --client X: writes one client's frames (DHCP, TFTP incl. the server's
 * ephemeral ports, ARP, RPC/NFS) to a new pcap, by a second pass over the capture file. */
#ifndef NBT_PCAPOUT_H
#define NBT_PCAPOUT_H

#include <stdint.h>

#include "nbt/capture.h"
#include "nbt/client.h"

/*
 * Re-reads `infile` (with the same filter) and writes to `out` (left open) every frame whose
 * Ethernet source or destination is the client's MAC, whose IPv4 source or destination is one of
 * its addresses, an ARP naming its MAC or addresses, or a DHCP message with its chaddr.  Returns
 * false with errbuf filled on an error; *written gets the frame count.
 */
bool pcapout_client(const char *infile, const char *filter, FILE *out, const struct client *c,
                    uint64_t *written, char errbuf[NBT_ERRBUF_SIZE]);

#endif
