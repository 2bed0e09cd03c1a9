import type { DeliveryLogEntry } from '@render-signal/contracts';
import type { DeadLetterEntry } from '@render-signal/queue';
import type { AuditEntry, FieldError } from '@render-signal/settings';
import { WEEKDAYS } from '@render-signal/settings';
import type { PermanentLink } from '../auth/magic-links.js';
import type { StageName, Status } from '../status.js';
import { html, type SafeHtml } from './html.js';

export interface PageContext {
  user: string;
  csrf: string;
  /** A one-line message shown above the page (after a redirect). */
  notice?: string;
}

const NAV = [
  ['/', 'Status'],
  ['/settings', 'Settings'],
  ['/dead-letters', 'Dead letters'],
  ['/deliveries', 'Deliveries'],
  ['/access', 'Access'],
  ['/admin/queues', 'Queues'],
] as const;

function layout(title: string, current: string, ctx: PageContext | undefined, body: SafeHtml): SafeHtml {
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title} · render-signal</title>
<link rel="stylesheet" href="/assets/style.css">
</head>
<body>
<header>
  <a class="brand" href="/">render-signal</a>
  ${ctx
    ? html`<nav aria-label="Main">${NAV.map(([href, label]) => html`<a href="${href}"${href === current ? html` aria-current="page"` : ''}>${label}</a>`)}</nav>
  <form method="post" action="/logout" class="inline"><input type="hidden" name="_csrf" value="${ctx.csrf}"><button type="submit">Log out ${ctx.user}</button></form>`
    : ''}
</header>
<main id="main">
${ctx?.notice ? html`<p class="notice" role="status">${ctx.notice}</p>` : ''}
<h1>${title}</h1>
${body}
</main>
</body>
</html>`;
}

const csrfField = (ctx: PageContext) => html`<input type="hidden" name="_csrf" value="${ctx.csrf}">`;

export function loginPage(options: { csrf: string; next: string; error?: string }): SafeHtml {
  return layout(
    'Log in',
    '/login',
    undefined,
    html`${options.error ? html`<p class="error" role="alert">${options.error}</p>` : ''}
<form method="post" action="/login" class="stack">
  <input type="hidden" name="_csrf" value="${options.csrf}">
  <input type="hidden" name="next" value="${options.next}">
  <label>User <input name="username" autocomplete="username" required autofocus></label>
  <label>Password <input name="password" type="password" autocomplete="current-password" required></label>
  <button type="submit">Log in</button>
</form>`,
  );
}

const ago = (ms: number | null) => {
  if (ms === null) return '—';
  const s = Math.max(0, Math.round(ms / 1000));
  return s < 120 ? `${s} s` : s < 7200 ? `${Math.round(s / 60)} min` : `${Math.round(s / 3600)} h`;
};

function deliveriesTable(entries: readonly DeliveryLogEntry[]): SafeHtml {
  if (entries.length === 0) return html`<p>No delivery attempt recorded.</p>`;
  return html`<div class="scroll"><table>
<thead><tr><th scope="col">When</th><th scope="col">Outcome</th><th scope="col">Status</th><th scope="col">Attempt</th><th scope="col">Latency</th><th scope="col">Email</th><th scope="col">Subject hash</th></tr></thead>
<tbody>${entries.map(
    (e) => html`<tr><td>${e.at}</td><td class="${e.outcome}">${e.outcome}</td><td>${e.status ?? e.error ?? ''}</td><td>${e.attempt}</td><td>${e.ms} ms</td><td><code>${e.emailId.slice(0, 12)}</code></td><td><code>${e.subjectHash}</code></td></tr>`,
  )}</tbody></table></div>`;
}

export function statusPage(ctx: PageContext, status: Status): SafeHtml {
  const f = status.fetch;
  return layout(
    'Status',
    '/',
    ctx,
    html`<section aria-labelledby="stages"><h2 id="stages">Stages</h2>
<div class="scroll"><table>
<thead><tr><th scope="col">Stage</th><th scope="col">Waiting</th><th scope="col">Active</th><th scope="col">Delayed</th><th scope="col">Dead</th><th scope="col">Done/min</th><th scope="col">Failed/min</th><th scope="col">Oldest waiting</th></tr></thead>
<tbody>${status.stages.map(
      (s) => html`<tr><th scope="row">${s.stage}</th><td>${s.counts.waiting}</td><td>${s.counts.active}</td><td>${s.counts.delayed}</td><td>${s.counts.dead > 0 ? html`<a href="/dead-letters?stage=${s.stage}">${s.counts.dead}</a>` : '0'}</td><td>${s.completedPerMinute}</td><td>${s.failedPerMinute}</td><td>${ago(s.oldestWaitingMs)}</td></tr>`,
    )}</tbody></table></div></section>
<section aria-labelledby="mailbox"><h2 id="mailbox">Mailbox</h2>
<dl>
  <dt>Push (IDLE)</dt><dd>${f.watching ? 'connected' : 'not connected'}</dd>
  <dt>Sync</dt><dd>${f.syncing ? 'running' : 'idle'}</dd>
  <dt>Last sync</dt><dd>${f.lastSync ? `${f.lastSync.at}: ${f.lastSync.outcome}, ${f.lastSync.enqueued} new` : '—'}</dd>
  <dt>Cursor</dt><dd>${f.cursor ? `UIDVALIDITY ${f.cursor.uidValidity}, last UID ${f.cursor.lastUid}` : 'none yet'}</dd>
</dl>
<form method="post" action="/check-now">${csrfField(ctx)}<button type="submit">Check the mailbox now</button></form>
</section>
<section aria-labelledby="endpoint"><h2 id="endpoint">Webhook endpoint</h2>
${status.endpoint?.disabled
      ? html`<p class="error" role="alert">Disabled since ${status.endpoint.disabled.disabledAt}: the receiver answered ${status.endpoint.disabled.status}. Deliveries are paused.</p>
<form method="post" action="/endpoint/enable">${csrfField(ctx)}<button type="submit">Re-enable and resume deliveries</button></form>`
      : html`<p>${status.endpoint ? 'Enabled.' : 'No webhook URL configured.'}</p>`}
</section>
<section aria-labelledby="last"><h2 id="last">Last deliveries</h2>${deliveriesTable(status.lastDeliveries)}</section>`,
  );
}

type FormValues = Record<string, string | boolean | string[]>;

export function settingsPage(
  ctx: PageContext,
  options: { version: number; values: FormValues; signed: boolean; errors: readonly FieldError[]; audit: readonly AuditEntry[]; conflict?: boolean },
): SafeHtml {
  const { values, errors } = options;
  const errorOf = (path: string) => errors.filter((e) => e.path === path || e.path.startsWith(`${path}.`)).map((e) => e.message).join('; ');
  const described = (name: string) => {
    const e = errorOf(name);
    return e ? html` aria-invalid="true" aria-describedby="${name}-error"` : '';
  };
  const problem = (name: string) => {
    const e = errorOf(name);
    return e ? html`<span class="error" id="${name}-error">${e}</span>` : '';
  };
  const input = (name: string, label: string, type = 'text', extra: SafeHtml | string = '') =>
    html`<label>${label} <input name="${name}" id="${name}" type="${type}" value="${String(values[name] ?? '')}"${described(name)}${extra}>${problem(name)}</label>`;
  const checkbox = (name: string, label: string) =>
    html`<label class="check"><input type="checkbox" name="${name}" id="${name}"${values[name] === true ? html` checked` : ''}> ${label}</label>`;
  const list = (name: string) => (Array.isArray(values[name]) ? (values[name] as string[]) : []);
  const other = errors.filter((e) => e.path === '');
  const days = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];

  return layout(
    'Settings',
    '/settings',
    ctx,
    html`${options.conflict ? html`<p class="error" role="alert">Someone else saved the settings meanwhile: the form now shows their version. Apply your change again.</p>` : ''}
${errors.length > 0 ? html`<p class="error" role="alert">Nothing was saved: ${errors.length} field${errors.length > 1 ? 's need' : ' needs'} fixing.${other.map((e) => html` ${e.message}`)}</p>` : ''}
<form method="post" action="/settings" class="stack" novalidate>
${csrfField(ctx)}
<input type="hidden" name="expectedVersion" value="${options.version}">
<fieldset><legend>Webhook</legend>
  ${input('webhook.url', 'URL', 'url', html` size="60"`)}
  <p>Signature: ${options.signed ? 'every webhook is signed with the secret of WEBHOOK_SECRET' : 'webhooks are sent unsigned (WEBHOOK_SECRET is not set)'}. Secrets are not settings: change it in the environment and restart.</p>
  ${checkbox('webhook.sendingEnabled', 'Sending enabled')}
  ${checkbox('webhook.requireJsonSuccess', 'Success needs HTTP 200 with {"success": true}')}
  ${input('webhook.timeoutSeconds', 'Timeout (s)', 'number')}
  ${input('webhook.maxAttempts', 'Attempts before dead letter', 'number')}
  ${input('webhook.retryBaseDelaySeconds', 'First retry delay (s)', 'number')}
  ${input('webhook.rateLimit.max', 'Rate limit: attempts (0 = none)', 'number')}
  ${input('webhook.rateLimit.windowSeconds', 'Rate limit: per seconds', 'number')}
  ${checkbox('webhook.holdOutsideWindow', 'Outside the window, hold messages until it opens (instead of skipping)')}
</fieldset>
<fieldset><legend>Delivery window and absence</legend>
  ${input('window.start', 'Window start (09h00 or 09:00; empty = always open)')}
  ${input('window.end', 'Window end')}
  ${input('timezone', 'Time zone')}
  <fieldset class="days"><legend>Absence days (nothing is sent)</legend>${problem('absenceDays')}
  ${WEEKDAYS.map((d, i) => html`<label class="check"><input type="checkbox" name="absenceDays" value="${d}"${list('absenceDays').includes(d) ? html` checked` : ''}> ${days[i]}</label>`)}
  </fieldset>
</fieldset>
<fieldset><legend>Mailbox polling</legend>
  ${checkbox('polling.enabled', 'Polling enabled')}
  <fieldset class="days"><legend>Active days</legend>${problem('polling.activeDays')}
  ${days.map((d, i) => html`<label class="check"><input type="checkbox" name="polling.activeDays" value="${i}"${list('polling.activeDays').includes(String(i)) ? html` checked` : ''}> ${d}</label>`)}
  </fieldset>
  ${input('polling.activeStartHour', 'Active from hour (0–23)', 'number')}
  ${input('polling.activeEndHour', 'Active until hour (1–24, exclusive)', 'number')}
  ${input('polling.vacationStart', 'Vacation from (empty = none)', 'date')}
  ${input('polling.vacationEnd', 'Vacation until', 'date')}
</fieldset>
<fieldset><legend>Allowlists</legend>
  <label>Senders whose mail is processed (one per line; empty = everyone)<textarea name="senderAllowlist" id="senderAllowlist" rows="4"${described('senderAllowlist')}>${list('senderAllowlist').join('\n')}</textarea>${problem('senderAllowlist')}</label>
  <label>Hosts whose links may be copied to R2 (one per line)<textarea name="providerAllowlist" id="providerAllowlist" rows="4"${described('providerAllowlist')}>${list('providerAllowlist').join('\n')}</textarea>${problem('providerAllowlist')}</label>
</fieldset>
<fieldset><legend>Processing</legend>
  ${checkbox('processing.dedupeByMessageId', 'Never send the same message twice (by Message-ID)')}
  ${checkbox('processing.sendWithoutLinks', 'Also send emails that have no delivery link')}
</fieldset>
<fieldset><legend>Kill switches</legend>
  ${checkbox('killSwitches.fetchPaused', 'Pause fetching')}
  ${checkbox('killSwitches.dispatchPaused', 'Pause dispatch (webhooks wait in the queue)')}
  ${checkbox('killSwitches.offloadDisabled', 'Disable the R2 offload')}
</fieldset>
<button type="submit">Save (version ${options.version})</button>
</form>
<section aria-labelledby="audit"><h2 id="audit">Changes</h2>
${options.audit.length === 0
      ? html`<p>No change recorded.</p>`
      : html`<div class="scroll"><table><thead><tr><th scope="col">Version</th><th scope="col">When</th><th scope="col">Who</th><th scope="col">Fields</th></tr></thead>
<tbody>${options.audit.map((a) => html`<tr><td>${a.version}</td><td>${a.updatedAt}</td><td>${a.updatedBy}</td><td>${a.changes.map((c) => c.path).join(', ')}</td></tr>`)}</tbody></table></div>`}
</section>`,
  );
}

export function deadLettersPage(
  ctx: PageContext,
  options: { stage: StageName; stages: readonly StageName[]; code: string; contains: string; entries: readonly DeadLetterEntry[] },
): SafeHtml {
  const { stage, entries } = options;
  return layout(
    'Dead letters',
    '/dead-letters',
    ctx,
    html`<form method="get" action="/dead-letters" class="row">
  <label>Stage <select name="stage">${options.stages.map((s) => html`<option value="${s}"${s === stage ? html` selected` : ''}>${s}</option>`)}</select></label>
  <label>Code <input name="code" value="${options.code}" placeholder="dispatch.rejected"></label>
  <label>Reason contains <input name="contains" value="${options.contains}"></label>
  <button type="submit">Filter</button>
</form>
${entries.length === 0
      ? html`<p>No dead letter in ${stage}${options.code || options.contains ? ' matching the filter' : ''}.</p>`
      : html`<form method="post" action="/dead-letters/replay-matching" class="row">${csrfField(ctx)}
  <input type="hidden" name="stage" value="${stage}"><input type="hidden" name="code" value="${options.code}"><input type="hidden" name="contains" value="${options.contains}">
  <button type="submit">Replay all ${entries.length} shown</button></form>
<div class="scroll"><table>
<thead><tr><th scope="col">Letter</th><th scope="col">Code</th><th scope="col">Reason</th><th scope="col">Attempts</th><th scope="col">Age</th><th scope="col">Actions</th></tr></thead>
<tbody>${entries.map(
          (e) => html`<tr><td><code>${e.letterId}</code></td><td>${e.letter.code}</td><td>${e.letter.reason}</td><td>${e.letter.attemptsMade}</td><td>${ago(e.ageMs)}</td>
<td class="actions"><form method="post" action="/dead-letters/replay">${csrfField(ctx)}<input type="hidden" name="stage" value="${stage}"><input type="hidden" name="letterId" value="${e.letterId}"><button type="submit" aria-label="Replay ${e.letterId}">Replay</button></form>
<form method="post" action="/dead-letters/delete">${csrfField(ctx)}<input type="hidden" name="stage" value="${stage}"><input type="hidden" name="letterId" value="${e.letterId}"><button type="submit" class="danger" aria-label="Delete ${e.letterId}">Delete</button></form></td></tr>`,
        )}</tbody></table></div>`}`,
  );
}

export function deliveriesPage(ctx: PageContext, options: { day: string; entries: readonly DeliveryLogEntry[] }): SafeHtml {
  return layout(
    'Deliveries',
    '/deliveries',
    ctx,
    html`<form method="get" action="/deliveries" class="row"><label>Day <input type="date" name="day" value="${options.day}"></label><button type="submit">Show</button> <a href="/deliveries">Latest</a></form>
${deliveriesTable(options.entries)}`,
  );
}

export function accessPage(ctx: PageContext, options: { links: readonly PermanentLink[]; created?: { url: string; expiresAt: string | null }; ttlMinutes: number }): SafeHtml {
  return layout(
    'Access',
    '/access',
    ctx,
    html`${options.created
      ? html`<div class="notice" role="status"><p>New link (shown once; ${options.created.expiresAt ? `valid until ${options.created.expiresAt}, one use` : 'permanent until revoked'}):</p><p><input readonly class="link" value="${options.created.url}" aria-label="Magic link"></p></div>`
      : ''}
<form method="post" action="/access/magic-link" class="row">${csrfField(ctx)}
  <label class="check"><input type="checkbox" name="unlimited"> Permanent (reusable until revoked)</label>
  <button type="submit">Create a magic link</button>
</form>
<p>A one-shot link logs in once, within ${options.ttlMinutes} minutes.</p>
<h2>Permanent links</h2>
${options.links.length === 0
      ? html`<p>None.</p>`
      : html`<ul>${options.links.map(
          (l) => html`<li><code>${l.ref}</code>, created ${l.createdAt} <form method="post" action="/access/revoke" class="inline">${csrfField(ctx)}<input type="hidden" name="ref" value="${l.ref}"><button type="submit" class="danger">Revoke</button></form></li>`,
        )}</ul>`}`,
  );
}

export function messagePage(title: string, message: string, ctx?: PageContext): SafeHtml {
  return layout(title, '', ctx, html`<p>${message}</p><p><a href="/">Back to the dashboard</a></p>`);
}

export const STYLE = `
:root { color-scheme: light dark; --accent: #2457c5; --bad: #b3261e; font-family: system-ui, sans-serif; line-height: 1.45; }
body { margin: 0; }
header { display: flex; flex-wrap: wrap; gap: .5rem 1rem; align-items: center; padding: .6rem 1rem; border-bottom: 1px solid #8884; }
header .brand { font-weight: 600; text-decoration: none; }
nav { display: flex; flex-wrap: wrap; gap: .25rem .9rem; flex: 1; }
nav a[aria-current] { font-weight: 600; text-decoration-thickness: 2px; }
main { padding: 1rem; max-width: 72rem; margin: 0 auto; }
a:focus-visible, button:focus-visible, input:focus-visible, select:focus-visible, textarea:focus-visible { outline: 3px solid var(--accent); outline-offset: 2px; }
.scroll { overflow-x: auto; }
table { border-collapse: collapse; width: 100%; font-size: .92rem; }
th, td { text-align: left; padding: .35rem .5rem; border-bottom: 1px solid #8883; vertical-align: top; }
.stack { display: grid; gap: .7rem; max-width: 40rem; }
.stack label { display: grid; gap: .2rem; }
.stack label.check, label.check { display: inline-flex; gap: .4rem; align-items: center; margin-right: .8rem; }
.row { display: flex; flex-wrap: wrap; gap: .5rem 1rem; align-items: end; margin-bottom: 1rem; }
fieldset { display: grid; gap: .6rem; border: 1px solid #8885; border-radius: 6px; min-width: 0; }
fieldset.days { display: block; }
input, select, textarea, button { font: inherit; padding: .35rem .5rem; max-width: 100%; box-sizing: border-box; }
.stack input:not([type=checkbox]), .stack textarea { width: 100%; }
button { cursor: pointer; border-radius: 5px; border: 1px solid var(--accent); background: var(--accent); color: #fff; }
button.danger { background: var(--bad); border-color: var(--bad); }
form.inline { display: inline; }
td.actions form { display: inline; }
.error { color: var(--bad); }
.notice { border-left: 4px solid var(--accent); padding: .4rem .8rem; background: #2457c514; }
input.link { width: 100%; font-family: ui-monospace, monospace; }
dl { display: grid; grid-template-columns: max-content 1fr; gap: .2rem 1rem; }
dd { margin: 0; }
`;
