/* summary: what the engine knows of Raspberry Pi network boot (PI-NETBOOT.md): OUIs, board
 * revisions, option 97, TFTP serial/prefix folders, which files are which stage or optional. */
#ifndef NBT_ENGINE_PI_H
#define NBT_ENGINE_PI_H

#include <stdbool.h>
#include <stdint.h>

#include "nbt/client.h"

struct client_table;

/* OUIs of Raspberry Pi Foundation / Ltd (PI-NETBOOT.md s1). */
bool pi_is_oui(const uint8_t mac[6]);
/*
 * The Pi model a firmware DHCP request shows (board revision and fourcc of option 97, the
 * Pi 3 boot ROM's xid, the OUI), CLIENT_MODEL_UNKNOWN when it shows none; sets the client's
 * board revision.  ipxe: the request is iPXE's, whose option 97 is a UUID, not the Pi's.
 * Returns whether option 97 carries the Pi's serial (d->serial): never for a Pi 3, whose ROM
 * fills it unreliably (the folder it asks for has the serial).
 */
bool pi_dhcp_identify(struct client *c, const struct ev_dhcp *d, bool ipxe,
                      enum client_model *model);
/* TFTP_PREFIX mode, and the serial, from the folder of a file the client asks for. */
void pi_learn_prefix(struct client_table *t, struct client *c, const char *name);
/* Refines a vague Pi model from the firmware file it asks for (start4.elf: a Pi 4, ...). */
void pi_model_from_file(struct client *c, const char *name);
/* Which stage a TFTP file name belongs to (kernel, dtb, overlays, initramfs: kernel). */
enum client_stage pi_file_stage(const char *name);
/* The Pi 3 boot ROM has loaded bootcode.bin and asked for nothing else but bootsig.bin: a
 * firmware DHCP now is bootcode.bin's own, not a new boot. */
bool pi_bootcode_loaded(const struct client *c, const struct client_attempt *a);
/* Missing files that are normal (bootsig.bin, recovery.bin, pieeprom.*, ...). */
bool pi_file_optional(const char *name);

#endif
