import { errorCode } from '@render-signal/queue';
import type { SettingsUpdateResult } from '@render-signal/settings';
import { enableEndpoint, endpointHash, readDeliveryLog } from '@render-signal/webhook-dispatcher';
import { Router, type Response } from 'express';
import { z } from 'zod';
import type { DashboardDeps } from '../deps.js';
import { magicLinkLimiter } from '../rate-limits.js';
import { readStatus, STAGES, type StageName } from '../status.js';

const stageSchema = z.enum(STAGES as [StageName, ...StageName[]], { error: `expected one of ${STAGES.join(', ')}` });
const filterSchema = z.strictObject({
  code: z.string().max(100).optional(),
  contains: z.string().max(200).optional(),
  minAgeSeconds: z.coerce.number().int().nonnegative().optional(),
  maxAgeSeconds: z.coerce.number().int().nonnegative().optional(),
  limit: z.coerce.number().int().min(1).max(5_000).optional(),
});
const daySchema = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'expected YYYY-MM-DD');

/** A zod failure as the field errors every 400 of this API carries. */
export function fieldErrors(error: z.ZodError) {
  return error.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
}

const badRequest = (res: Response, errors: { path: string; message: string }[]) => res.status(400).json({ success: false, errors });

export function toFilter(f: z.infer<typeof filterSchema>) {
  return {
    ...(f.code ? { code: f.code } : {}),
    ...(f.contains ? { reasonContains: f.contains } : {}),
    ...(f.minAgeSeconds !== undefined ? { minAgeMs: f.minAgeSeconds * 1000 } : {}),
    ...(f.maxAgeSeconds !== undefined ? { maxAgeMs: f.maxAgeSeconds * 1000 } : {}),
    ...(f.limit !== undefined ? { limit: f.limit } : {}),
  };
}

/** A letter whose data no longer fits its queue contract cannot be replayed: undefined. */
export function unreplayable(err: unknown): undefined {
  if (errorCode(err) === 'job.invalid_data') return undefined;
  throw err;
}

/** The answer to a settings write, for the JSON API. */
export function sendUpdateResult(res: Response, result: SettingsUpdateResult): void {
  if (result.status === 'invalid') {
    badRequest(res, result.errors);
  } else if (result.status === 'conflict') {
    res.status(409).json({ success: false, message: 'the settings changed since they were read', currentVersion: result.currentVersion });
  } else {
    res.json({ success: true, version: result.version, settings: result.settings, changes: result.changes });
  }
}

/** The JSON API behind the pages, for scripts too (session + CSRF token, or X-API-Key). */
export function apiRoutes(deps: DashboardDeps): Router {
  const { config, redis, settings, magicLinks, stages } = deps;
  const prefix = config.redis.prefix;
  const router = Router();

  router.get('/api/settings', async (_req, res) => {
    const record = await settings.read();
    if (!record.ok) return res.status(500).json({ success: false, message: 'the stored settings are invalid; save them again to repair', errors: record.errors, version: record.version });
    res.json({
      success: true,
      version: record.version,
      updatedAt: record.updatedAt ?? null,
      updatedBy: record.updatedBy ?? null,
      settings: record.settings,
    });
  });

  router.put('/api/settings', async (req, res) => {
    const body = z.object({ expectedVersion: z.number().int().nonnegative(), patch: z.unknown() }).safeParse(req.body);
    if (!body.success) return badRequest(res, fieldErrors(body.error));
    sendUpdateResult(res, await settings.update({ patch: body.data.patch, expectedVersion: body.data.expectedVersion, updatedBy: req.actor ?? 'unknown' }));
  });

  router.get('/api/settings/audit', async (req, res) => {
    const limit = z.coerce.number().int().min(1).max(1000).catch(50).parse(req.query['limit']);
    res.json({ success: true, entries: await settings.auditTrail(limit) });
  });

  router.get('/api/status', async (_req, res) => {
    const current = await settings.read();
    const effective = current.ok ? current.settings : undefined;
    if (!effective) return res.status(500).json({ success: false, message: 'the stored settings are invalid' });
    res.json({ success: true, ...(await readStatus(deps, effective)) });
  });

  router.post('/api/fetch/check-now', async (_req, res) => {
    const jobId = await deps.checkNow();
    res.status(202).json({ success: true, jobId });
  });

  router.post('/api/endpoint/enable', async (_req, res) => {
    const current = await settings.read();
    if (!current.ok || !current.settings.webhook.url) return res.status(409).json({ success: false, message: 'no valid webhook URL is configured' });
    const result = await enableEndpoint(redis, prefix, endpointHash(current.settings.webhook.url), deps.log);
    res.json({ success: true, ...result });
  });

  router.get('/api/deliveries', async (req, res) => {
    const query = z
      .strictObject({ day: daySchema.optional(), days: z.coerce.number().int().min(1).max(365).optional(), limit: z.coerce.number().int().min(1).max(500).optional() })
      .safeParse(req.query);
    if (!query.success) return badRequest(res, fieldErrors(query.error));
    const current = await settings.read();
    const timezone = current.ok ? current.settings.timezone : 'UTC';
    const { day, days, limit = 50 } = query.data;
    const since = days !== undefined ? new Date(deps.clock().getTime() - days * 86_400_000) : undefined;
    const entries = await readDeliveryLog(redis, prefix, { limit, timezone, ...(day ? { day } : {}), ...(since ? { since } : {}) });
    res.json({ success: true, count: entries.length, entries });
  });

  router.get('/api/dead-letters/:stage', async (req, res) => {
    const stage = stageSchema.safeParse(req.params['stage']);
    const filter = filterSchema.safeParse(req.query);
    if (!stage.success) return badRequest(res, fieldErrors(stage.error).map((e) => ({ ...e, path: 'stage' })));
    if (!filter.success) return badRequest(res, fieldErrors(filter.error));
    const letters = await stages.get(stage.data)!.list(toFilter(filter.data));
    res.json({ success: true, count: letters.length, letters });
  });

  router.post('/api/dead-letters/:stage/replay', async (req, res) => {
    const stage = stageSchema.safeParse(req.params['stage']);
    const filter = filterSchema.safeParse(req.body ?? {});
    if (!stage.success) return badRequest(res, fieldErrors(stage.error).map((e) => ({ ...e, path: 'stage' })));
    if (!filter.success) return badRequest(res, fieldErrors(filter.error));
    const results = await stages.get(stage.data)!.replayMatching(toFilter(filter.data));
    res.json({ success: true, results });
  });

  router.post('/api/dead-letters/:stage/:letterId/replay', async (req, res) => {
    const stage = stageSchema.safeParse(req.params['stage']);
    if (!stage.success) return badRequest(res, fieldErrors(stage.error).map((e) => ({ ...e, path: 'stage' })));
    const result = await stages.get(stage.data)!.replay(String(req.params['letterId'])).catch(unreplayable);
    if (result === undefined) return res.status(422).json({ success: false, message: 'the letter does not match its queue contract; delete it' });
    if (result.outcome === 'not_found') return res.status(404).json({ success: false, ...result });
    res.json({ success: true, ...result });
  });

  router.delete('/api/dead-letters/:stage/:letterId', async (req, res) => {
    const stage = stageSchema.safeParse(req.params['stage']);
    if (!stage.success) return badRequest(res, fieldErrors(stage.error).map((e) => ({ ...e, path: 'stage' })));
    const removed = await stages.get(stage.data)!.remove(String(req.params['letterId']));
    res.status(removed ? 200 : 404).json({ success: removed });
  });

  // The original's route and 201 answer; `unlimited` makes a permanent link.
  router.post('/api/auth/magic-link', magicLinkLimiter(redis, prefix), async (req, res) => {
    const body = z.object({ unlimited: z.boolean().optional() }).safeParse(req.body ?? {});
    if (!body.success) return badRequest(res, fieldErrors(body.error));
    const unlimited = body.data.unlimited === true;
    const link = await magicLinks.create({ permanent: unlimited });
    deps.log.info({ code: 'dashboard.magic_link_created', ref: link.ref, permanent: unlimited });
    res.status(201).json({
      success: true,
      magic_link: `${req.protocol}://${req.get('host')}/login/magic/${link.token}`,
      expires_at: link.expiresAt?.toISOString() ?? null,
      unlimited,
    });
  });

  router.get('/api/auth/magic-links', async (_req, res) => {
    res.json({ success: true, links: await magicLinks.listPermanent() });
  });

  router.delete('/api/auth/magic-links/:ref', async (req, res) => {
    const revoked = await magicLinks.revoke(String(req.params['ref']));
    if (revoked) deps.log.info({ code: 'dashboard.magic_link_revoked', ref: req.params['ref'] });
    res.status(revoked ? 200 : 404).json({ success: revoked });
  });

  return router;
}
