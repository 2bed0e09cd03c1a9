// The two parsers compared by the parse benchmark, loaded from the built code (`pnpm build`).
// Each side is imported on demand so that a peak-RSS child loads only the modules of the side it
// measures: the parser service never loads mailparser itself, only its splitter and libmime.
import { createRequire } from 'node:module';

// mailparser as the parser service resolves it (a dependency of services/parser, catalog 3.14.2).
const fromParser = createRequire(new URL('../../services/parser/package.json', import.meta.url));
export const MAILPARSER_VERSION = fromParser('mailparser/package.json').version;

// Fallback only (a checkout without services/parser/src/decide-message.ts): the caps of the parser.
export const CAPS = Object.freeze({ maxHtmlBytes: 1024 * 1024, maxTextBytes: 1024 * 1024 });

/** Profile A's rules (fixtures/emails/README.md) with an empty allowlist and profile A's clock. */
export const CONTEXT = Object.freeze({
  now: new Date('2026-01-13T09:15:00Z'),
  timezone: 'Europe/Paris',
  senderAllowlist: [],
  window: { start: '09h00', end: '19h00' },
  allowWithoutLinks: false,
  maskContent: true,
  contentMaxChars: 20000,
});

/** Profile A's rules without the clock, as the parser's config gives them (Config['rules']). */
const { now: NOW, ...RULES } = CONTEXT;

/**
 * Our parse: what parseMessage (services/parser/src/processor.ts) does with the raw message, i.e.
 * decideMessage = readEmailHeaders + extractBodies (1 MiB caps) + decide. decideMessage is imported
 * alone (dist/decide-message.js), not through the package index, which loads BullMQ and ioredis.
 * Older checkouts without it get the same three calls made here. `oursImpl` says which ran.
 */
export let oursImpl = 'not loaded';
export async function loadOurs() {
  try {
    const { decideMessage } = await import('../../services/parser/dist/decide-message.js');
    oursImpl = 'services/parser decideMessage (readEmailHeaders + extractBodies + decide)';
    return async function ourParse(raw) {
      return (await decideMessage(raw, RULES, NOW)).decision;
    };
  } catch (err) {
    if (err?.code !== 'ERR_MODULE_NOT_FOUND' || !String(err.message).includes('decide-message')) throw err;
  }
  const { readEmailHeaders, decide } = await import('../../packages/core/dist/index.js');
  const { extractBodies } = await import('../../services/parser/dist/body/index.js');
  oursImpl = 'readEmailHeaders + extractBodies + decide, called by the bench (no decideMessage in this checkout)';
  return async function ourParse(raw) {
    const headers = readEmailHeaders(raw);
    const body = await extractBodies(raw, CAPS);
    return decide(headers, body, CONTEXT);
  };
}

/** The baseline: bare mailparser simpleParser with its defaults. */
export async function loadBaseline() {
  const { simpleParser } = fromParser('mailparser');
  return function baselineParse(raw) {
    return simpleParser(raw);
  };
}

export function describeOurs(decision) {
  return decision.action === 'send'
    ? { action: 'send', detector: decision.payload.detector ?? null, links: decision.payload.delivery_links?.length ?? 0, contentChars: decision.payload.email_content.length }
    : { action: 'skip', reason: decision.reason };
}

export function describeBaseline(parsed) {
  return { textChars: parsed.text?.length ?? 0, htmlChars: typeof parsed.html === 'string' ? parsed.html.length : 0, attachments: parsed.attachments?.length ?? 0 };
}
