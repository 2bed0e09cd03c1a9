import { toLocal } from '@render-signal/core';
import { enableEndpoint, endpointHash, readDeliveryLog } from '@render-signal/webhook-dispatcher';
import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import { csrfToken } from '../auth/security.js';
import type { DashboardDeps } from '../deps.js';
import { magicLinkLimiter } from '../rate-limits.js';
import { formToPatch, settingsToForm } from '../settings-form.js';
import { readStatus, STAGES, type StageName } from '../status.js';
import type { SafeHtml } from '../views/html.js';
import { accessPage, deadLettersPage, deliveriesPage, messagePage, settingsPage, statusPage, type PageContext } from '../views/pages.js';
import { unreplayable } from './api-routes.js';

const NOTICES: Record<string, string> = {
  saved: 'Settings saved. Every service applies them within a second.',
  'check-now': 'A mailbox sync was queued.',
  replayed: 'Replayed.',
  'not-found': 'That letter no longer exists (replayed or deleted meanwhile).',
  deleted: 'Deleted.',
  invalid: 'That letter no longer matches its queue contract and cannot be replayed; delete it.',
  enabled: 'Endpoint re-enabled; postponed deliveries resume.',
  revoked: 'Link revoked.',
};

const stageOf = (value: unknown): StageName => (STAGES.includes(value as StageName) ? (value as StageName) : 'dispatch');
const str = (value: unknown) => (typeof value === 'string' ? value : '');

/** The server-rendered pages; every form posts back here and redirects (no script needed). */
export function pageRoutes(deps: DashboardDeps): Router {
  const { config, redis, settings, stages, magicLinks } = deps;
  const prefix = config.redis.prefix;
  const router = Router();

  const ctx = (req: Request): PageContext => {
    const notice = NOTICES[str(req.query['notice'])];
    return { user: req.actor ?? '', csrf: csrfToken(req), ...(notice ? { notice } : {}) };
  };
  const send = (res: Response, page: SafeHtml, status = 200) => res.status(status).type('html').send(page.value);
  const effective = async () => {
    const record = await settings.read();
    if (!record.ok) throw new Error('the stored settings are invalid');
    return record.settings;
  };

  router.get('/', async (req, res) => {
    send(res, statusPage(ctx(req), await readStatus(deps, await effective())));
  });

  router.post('/check-now', async (_req, res) => {
    await deps.checkNow();
    res.redirect(303, '/?notice=check-now');
  });

  router.post('/endpoint/enable', async (_req, res) => {
    const s = await effective();
    if (s.webhook.url) await enableEndpoint(redis, prefix, endpointHash(s.webhook.url), deps.log);
    res.redirect(303, '/?notice=enabled');
  });

  const showSettings = async (req: Request, res: Response, status: number, form?: { values: Record<string, string | boolean | string[]>; errors: { path: string; message: string }[]; conflict?: boolean }) => {
    const [record, audit] = await Promise.all([settings.read(), settings.auditTrail(20)]);
    const current = record.ok ? record.settings : undefined;
    const values = form?.values ?? (current ? settingsToForm(current) : {});
    const errors = form?.errors ?? (record.ok ? [] : record.errors);
    send(
      res,
      settingsPage(ctx(req), {
        version: record.version,
        values,
        signed: config.webhook.secret !== undefined,
        errors,
        audit,
        ...(form?.conflict ? { conflict: true } : {}),
      }),
      status,
    );
  };

  router.get('/settings', (req, res) => showSettings(req, res, 200));

  router.post('/settings', async (req, res) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    const expectedVersion = Number(str(body['expectedVersion']));
    const result = await settings.update({ patch: formToPatch(body), expectedVersion, updatedBy: req.actor ?? 'unknown' });
    if (result.status === 'updated') return res.redirect(303, '/settings?notice=saved');
    if (result.status === 'conflict') return showSettings(req, res, 409, { values: settingsToForm(await effective()), errors: [], conflict: true });
    // Shown again as typed, with the errors beside their fields.
    const typed = settingsToForm(await effective());
    for (const [key, value] of Object.entries(body)) {
      if (key in typed) typed[key] = Array.isArray(value) ? value.map(String) : typeof value === 'string' ? value : typed[key]!;
    }
    for (const key of Object.keys(typed)) if (typeof typed[key] === 'boolean') typed[key] = body[key] !== undefined;
    showSettings(req, res, 400, { values: typed, errors: result.errors });
  });

  router.get('/dead-letters', async (req, res) => {
    const stage = stageOf(req.query['stage']);
    const code = str(req.query['code']).slice(0, 100);
    const contains = str(req.query['contains']).slice(0, 200);
    const entries = await stages.get(stage)!.list({ ...(code ? { code } : {}), ...(contains ? { reasonContains: contains } : {}), limit: 500 });
    send(res, deadLettersPage(ctx(req), { stage, stages: STAGES, code, contains, entries }));
  });

  const back = (body: Record<string, unknown>, notice: string) => `/dead-letters?stage=${stageOf(body['stage'])}&notice=${notice}`;

  router.post('/dead-letters/replay', async (req, res) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    const result = await stages.get(stageOf(body['stage']))!.replay(str(body['letterId'])).catch(unreplayable);
    res.redirect(303, back(body, result === undefined ? 'invalid' : result.outcome === 'replayed' ? 'replayed' : 'not-found'));
  });

  router.post('/dead-letters/replay-matching', async (req, res) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    const code = str(body['code']);
    const contains = str(body['contains']);
    const results = await stages.get(stageOf(body['stage']))!.replayMatching({ ...(code ? { code } : {}), ...(contains ? { reasonContains: contains } : {}), limit: 500 });
    res.redirect(303, back(body, results.some((r) => r.outcome === 'replayed') ? 'replayed' : 'not-found'));
  });

  router.post('/dead-letters/delete', async (req, res) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    const removed = await stages.get(stageOf(body['stage']))!.remove(str(body['letterId']));
    res.redirect(303, back(body, removed ? 'deleted' : 'not-found'));
  });

  router.get('/deliveries', async (req, res) => {
    const s = await effective();
    const day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/).safeParse(req.query['day']);
    const entries = await readDeliveryLog(redis, prefix, { limit: 200, timezone: s.timezone, ...(day.success ? { day: day.data } : {}) });
    send(res, deliveriesPage(ctx(req), { day: day.success ? day.data : (toLocal(deps.clock(), s.timezone).toISODate() ?? ''), entries }));
  });

  const showAccess = async (req: Request, res: Response, created?: { url: string; expiresAt: string | null }) => {
    send(res, accessPage(ctx(req), { links: await magicLinks.listPermanent(), ttlMinutes: Math.round(config.dashboard.magicLinkTtlSeconds / 60), ...(created ? { created } : {}) }));
  };

  router.get('/access', (req, res) => showAccess(req, res));

  router.post('/access/magic-link', magicLinkLimiter(redis, prefix), async (req, res) => {
    const permanent = (req.body as Record<string, unknown> | undefined)?.['unlimited'] !== undefined;
    const link = await magicLinks.create({ permanent });
    deps.log.info({ code: 'dashboard.magic_link_created', ref: link.ref, permanent });
    // Shown once, in this answer only (never stored in clear, never in a redirect URL).
    res.set('cache-control', 'no-store');
    await showAccess(req, res, { url: `${req.protocol}://${req.get('host')}/login/magic/${link.token}`, expiresAt: link.expiresAt?.toISOString() ?? null });
  });

  router.post('/access/revoke', async (req, res) => {
    const ref = str((req.body as Record<string, unknown> | undefined)?.['ref']);
    if (await magicLinks.revoke(ref)) deps.log.info({ code: 'dashboard.magic_link_revoked', ref });
    res.redirect(303, '/access?notice=revoked');
  });

  router.use((req, res) => {
    if (req.path.startsWith('/api/')) return res.status(404).json({ success: false, message: 'not found' });
    send(res, messagePage('Not found', 'There is no such page.', ctx(req)), 404);
  });

  return router;
}
