import { readFileSync } from 'node:fs';
import { parseEnv } from 'node:util';
import { ConfigError, EXIT_CONFIG, loadConfig } from '@render-signal/config';
// The subpath keeps `check` light: it loads the rules, not the queue machinery.
import { decideMessage, MAX_HTML_BYTES } from '@render-signal/parser/decide';

/** sysexits.h codes, as for the services' EX_CONFIG. */
export const EXIT = { ok: 0, usage: 64, dataErr: 65, noInput: 66, config: EXIT_CONFIG } as const;

export interface CheckRequest {
  file: string;
  now?: string;
  configFile?: string;
  env: NodeJS.ProcessEnv;
}

export interface CheckResult {
  exitCode: number;
  /** The JSON document for stdout, when there is one. */
  stdout?: string;
  /** Human-readable lines for stderr. */
  stderr: string[];
}

// An instant, not a wall-clock time: the offset is required so the same command means the same
// thing on every machine.
const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;
// RFC 5322 field name followed by a colon, or an mbox "From " separator line.
const FIRST_HEADER_LINE = /^(?:[!-9;-~]+:|From )/;

/**
 * What the pipeline would send for one .eml file, offline: no Redis, no network, no dedupe.
 * Configuration is the environment, overridden by the variables of `--config FILE` (KEY=VALUE lines).
 */
export async function checkEmail(request: CheckRequest): Promise<CheckResult> {
  let now = new Date();
  if (request.now !== undefined) {
    if (!ISO_INSTANT.test(request.now) || Number.isNaN(Date.parse(request.now))) {
      return fail(EXIT.usage, `--now must be an ISO 8601 time with an offset, e.g. 2026-01-13T10:15:00+01:00 (got "${request.now}")`);
    }
    now = new Date(request.now);
  }

  let env = request.env;
  if (request.configFile !== undefined) {
    let text: string;
    try {
      text = readFileSync(request.configFile, 'utf8');
    } catch (err) {
      return fail(EXIT.noInput, `cannot read the config file ${request.configFile}: ${reason(err)}`);
    }
    env = { ...env, ...parseEnv(text) };
  }

  let config;
  try {
    config = loadConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) return fail(EXIT.config, err.message);
    throw err;
  }

  let raw: Buffer;
  try {
    raw = readFileSync(request.file);
  } catch (err) {
    return fail(EXIT.noInput, `cannot read ${request.file}: ${reason(err)}`);
  }
  if (raw.length > config.fetch.maxMessageBytes) {
    return fail(
      EXIT.dataErr,
      `${request.file} is ${raw.length} bytes, above MAX_MESSAGE_BYTES (${config.fetch.maxMessageBytes}): the pipeline would not download it and would park it in parse.dead`,
    );
  }
  const head = raw.subarray(0, 1024);
  if (raw.length === 0 || head.includes(0) || !FIRST_HEADER_LINE.test(head.toString('latin1'))) {
    return fail(EXIT.dataErr, `${request.file} does not look like an email: it should start with header lines such as "From: ..." or "Subject: ..."`);
  }

  const { decision, htmlTruncated } = await decideMessage(raw, config.rules, now);
  const stderr = htmlTruncated ? [`note: the HTML was truncated at ${MAX_HTML_BYTES} bytes, as the pipeline does`] : [];
  const document = decision.action === 'send' ? decision.payload : { skipped: true, reason: decision.reason };
  return { exitCode: EXIT.ok, stdout: `${JSON.stringify(document, null, 2)}\n`, stderr };
}

function fail(exitCode: number, message: string): CheckResult {
  return { exitCode, stderr: [message] };
}

function reason(err: unknown): string {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return 'no such file';
  if (code === 'EISDIR') return 'it is a directory';
  if (code === 'EACCES') return 'permission denied';
  return (err as Error).message;
}
