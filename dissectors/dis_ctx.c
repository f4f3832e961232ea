/* summary: the services a dissector calls (dis_emit, dis_expect, dis_anomaly, ...), each through
 * the table of whatever runs it (struct dis_ops; the pipeline's is in src/decode/pipeline.c). */
#include "nbt/dissect.h"

void dis_emit(struct dis_ctx *ctx, struct nbt_event *ev)
{
	ctx->ops->emit(ctx, ev);
}

void dis_expect(struct dis_ctx *ctx, const struct flow_expect *e, const void *seed, size_t seed_len)
{
	ctx->ops->expect(ctx, e, seed, seed_len);
}

struct nbt_budget *dis_budget(struct dis_ctx *ctx)
{
	return ctx->ops->budget(ctx);
}

void *dis_flow_state(struct dis_ctx *ctx)
{
	return ctx->ops->flow_state(ctx);
}

void dis_anomaly(struct dis_ctx *ctx, enum nbt_anomaly kind, const char *proto, const char *why)
{
	if ((unsigned)kind >= ANOM__COUNT)
		kind = ANOM_INVALID;
	ctx->ops->stats(ctx)->anomalies[kind]++;
	struct nbt_event ev = {.type = EV_ANOMALY};
	ev.u.anomaly.kind = kind;
	ev.u.anomaly.proto = proto;
	ev.u.anomaly.why = why;
	dis_emit(ctx, &ev);
}

enum dis_status dis_cursor_fail(struct dis_ctx *ctx, const struct cur *c, const char *proto)
{
	bool trunc = c->err == CUR_TRUNC;
	dis_anomaly(ctx, trunc ? ANOM_TRUNCATED : ANOM_INVALID, proto,
	            c->why ? c->why : "malformed");
	return trunc ? DIS_TRUNC : DIS_INVALID;
}

const char *dis_flow_owner(struct dis_ctx *ctx, uint8_t l4proto, uint32_t sip, uint16_t sport,
                           uint32_t dip, uint16_t dport)
{
	const struct dissector *d = ctx->ops->flow_dissector(ctx, l4proto, sip, sport, dip, dport);
	if (d)
		return d->name;
	/* No flow yet (the packet that drew the error was the first): name the port's owner. */
	for (const struct dissector *const *r = nbt_dissectors; *r; r++)
		for (int i = 0; i < 4 && (*r)->ports[i]; i++)
			if ((*r)->ports[i] == dport && (!(*r)->l4proto || (*r)->l4proto == l4proto))
				return (*r)->name;
	return NULL;
}
