/* summary: the table of port-dispatched dissectors (lookup order: expectation, port, probe). */
#include "nbt/dissect.h"

const struct dissector *const nbt_dissectors[] = {
    &dis_dhcp,
    &dis_tftp,
    &dis_rpc,
    NULL,
};
