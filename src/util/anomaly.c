/* summary: names of anomaly kinds, as they appear in reports. */
#include "nbt/anomaly.h"

static const char *const anomaly_names[ANOM__ALL] = {
    [ANOM_TRUNCATED] = "truncated",
    [ANOM_INVALID] = "invalid",
    [ANOM_FRAG_OVERLAP] = "fragment-overlap",
    [ANOM_FRAG_TIMEOUT] = "fragment-timeout",
    [ANOM_TCP_GAP] = "tcp-gap",
    [ANOM_RECORD_TOO_BIG] = "rpc-record-too-big",
    [ANOM_CAP_FLOWS] = "cap-flows",
    [ANOM_CAP_FRAGS] = "cap-fragments",
    [ANOM_CAP_TCP_OOO] = "cap-tcp-out-of-order",
    [ANOM_CAP_RPC_XIDS] = "cap-rpc-xids",
    [ANOM_CAP_EXPECT] = "cap-expectations",
    [ANOM_CAP_CLIENTS] = "cap-clients",
    [ANOM_CAP_EVENTS] = "cap-events",
    [ANOM_TIME_BACKWARDS] = "time-backwards",
    [ANOM_UNKNOWN_LINK] = "unknown-encapsulation",
    [ANOM_CHECKSUM] = "bad-checksum",
    [ANOM_OVERSIZE] = "oversize-frame",
};

const char *anomaly_name(enum nbt_anomaly a)
{
	if ((unsigned)a >= ANOM__ALL)
		return "unknown";
	return anomaly_names[a];
}
