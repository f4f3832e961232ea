/* summary: libFuzzer target: the whole pipeline (link, IPv4 + fragments, UDP/TCP + records, every
 * dissector) from raw frames. */
#include <pcap/dlt.h>

#include "fuzz_common.h"

/*
 * Input: [mode][frame (FZ_SEP frame)...], all frames in one pipeline.
 * mode bits 0-2: link type (Ethernet, Linux SLL, SLL2, raw, IPv4, BSD NULL,
 * BSD LOOP, Ethernet); bit 3: every frame's wire length is 100 bytes more
 * than captured (snaplen cut); bits 4-6: time between frames (1 ms, 10 ms,
 * 1 s, 10 s, 60 s, 1 ms backwards, none, 1000 s); bit 7: the default
 * (large) limits instead of the small fuzzing caps.
 */
static const int fz_dlts[8] = {DLT_EN10MB, DLT_LINUX_SLL, DLT_LINUX_SLL2, DLT_RAW,
                               DLT_IPV4,   DLT_NULL,      DLT_LOOP,       DLT_EN10MB};
static const nbt_time fz_steps[8] = {NBT_NS_PER_MS,
                                     10 * NBT_NS_PER_MS,
                                     NBT_NS_PER_SEC,
                                     10 * NBT_NS_PER_SEC,
                                     60 * NBT_NS_PER_SEC,
                                     -NBT_NS_PER_MS,
                                     0,
                                     1000 * NBT_NS_PER_SEC};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	uint8_t mode = data[0];
	struct fz_chunk ch[FZ_MAX_CHUNKS];
	size_t n = fz_split(data + 1, size - 1, ch);
	struct pipeline *p = mode & 0x80 ? pipeline_new(NULL, fz_sink, NULL) : fz_pipeline();
	if (!pipeline_set_link(p, fz_dlts[mode & 7]))
		abort(); /* every type in the table is decoded */
	uint32_t extra = mode & 8 ? 100 : 0;
	nbt_time ts = 1700000000 * NBT_NS_PER_SEC;
	for (size_t i = 0; i < n; i++) {
		pipeline_frame(p, ts, ch[i].p, (uint32_t)ch[i].len, (uint32_t)ch[i].len + extra);
		ts += fz_steps[(mode >> 4) & 7];
	}
	const struct nbt_stats *st = pipeline_stats(p);
	if (st->frames != n)
		abort();
	pipeline_free(p);
	fz_chunks_free(ch, n);
	return 0;
}
