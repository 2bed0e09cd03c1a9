/** A configuration that cannot run. Carries every problem found, so one start shows all of them. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(readonly problems: readonly string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

/** sysexits.h EX_CONFIG: what the process exits with when its configuration is unusable. */
export const EXIT_CONFIG = 78;
