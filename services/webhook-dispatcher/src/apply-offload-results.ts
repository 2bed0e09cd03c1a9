import { offloadResultSchema, type WebhookPayloadData } from '@render-signal/contracts';

/**
 * Puts what the offload children returned back into the payload's links. A result that does not
 * match (malformed, unknown index, another URL) is ignored: the link keeps its `raw_url`.
 */
export function applyOffloadResults(payload: WebhookPayloadData, results: readonly unknown[]): { payload: WebhookPayloadData; applied: number } {
  const links = payload.delivery_links;
  if (!links?.length) return { payload, applied: 0 };
  const merged = [...links];
  let applied = 0;
  for (const result of results) {
    const parsed = offloadResultSchema.safeParse(result);
    if (!parsed.success) continue;
    const { index, link } = parsed.data;
    if (merged[index]?.raw_url !== link.raw_url) continue;
    merged[index] = link;
    applied += 1;
  }
  return { payload: { ...payload, delivery_links: merged }, applied };
}
