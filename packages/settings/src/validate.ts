import type { z } from 'zod';
import { settingsPatchSchema, type SchemaOptions } from './schema.js';
import type { Settings, SettingsPatch } from './settings.js';

/** One problem of a settings document: the dotted path of the field (`""` = the whole document). */
export interface FieldError {
  path: string;
  message: string;
}

export type Validated<T> = { ok: true; value: T } | { ok: false; errors: FieldError[] };

function fieldErrors(error: z.ZodError): FieldError[] {
  return error.issues.flatMap((issue) => {
    const path = issue.path.map(String);
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => ({ path: [...path, key].join('.'), message: 'unknown field' }));
    }
    return [{ path: path.join('.'), message: issue.message }];
  });
}

/**
 * Validates and normalises a patch: an object, or its JSON text (what an HTTP body or a Redis
 * value holds). Unknown fields are errors, so a typo is reported instead of silently ignored.
 */
export function parseSettingsPatch(input: unknown, options: SchemaOptions = {}): Validated<SettingsPatch> {
  let value = input;
  if (typeof input === 'string') {
    try {
      value = JSON.parse(input);
    } catch {
      return { ok: false, errors: [{ path: '', message: 'is not valid JSON' }] };
    }
  }
  const result = settingsPatchSchema(options).safeParse(value);
  return result.success ? { ok: true, value: result.data } : { ok: false, errors: fieldErrors(result.error) };
}

const isPlainObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * `patch` over `base`, key by key: objects are merged, lists and values replaced. With
 * `nullClears`, a null removes the key (the effective view); without it, null is kept (what is
 * stored, so "explicitly not set" survives later patches).
 */
export function mergeSettings<T>(base: T, patch: unknown, nullClears: boolean): T {
  if (!isPlainObject(base) || !isPlainObject(patch)) return base;
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(patch)) {
    if (value === undefined) continue;
    if (value === null && nullClears) delete out[key];
    else if (isPlainObject(value) && isPlainObject(out[key])) out[key] = mergeSettings(out[key], value, nullClears);
    else if (isPlainObject(value)) out[key] = mergeSettings({}, value, nullClears);
    else out[key] = value;
  }
  return out as T;
}

/** Rules across fields, checked where the stored overrides touch them (env defaults are config's business). */
function crossFieldErrors(settings: Settings, stored: SettingsPatch): FieldError[] {
  const errors: FieldError[] = [];
  if (stored.window && (settings.window.start === undefined) !== (settings.window.end === undefined)) {
    errors.push({ path: settings.window.start === undefined ? 'window.start' : 'window.end', message: 'set both start and end, or neither (an open window)' });
  }
  const { vacationStart, vacationEnd } = settings.polling;
  if (stored.polling && vacationStart && vacationEnd && vacationStart > vacationEnd) {
    errors.push({ path: 'polling.vacationEnd', message: 'must not be before vacationStart' });
  }
  return errors;
}

/**
 * The effective settings: the stored overrides (validated again, whoever wrote them) over the
 * defaults from the environment.
 */
export function resolveSettings(defaults: Settings, stored: unknown, options: SchemaOptions = {}): Validated<{ settings: Settings; stored: SettingsPatch }> {
  const parsed = parseSettingsPatch(stored, options);
  if (!parsed.ok) return parsed;
  const settings = mergeSettings(structuredClone(defaults), parsed.value, true);
  const errors = crossFieldErrors(settings, parsed.value);
  return errors.length > 0 ? { ok: false, errors } : { ok: true, value: { settings, stored: parsed.value } };
}
