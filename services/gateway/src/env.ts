// Reading the gateway's settings from the environment. Every problem is a start-up error
// (the gateway refuses to start and says why), never a silent default.

export function env(name: string): string | undefined {
  const value = process.env[name]?.trim();
  return value ? value : undefined;
}

export function configError(message: string): never {
  throw new Error(`[vsm-gateway] ${message}`);
}

/** A whole number from `name`, `fallback` when unset; `min` is the smallest accepted value. */
export function intEnv(name: string, fallback: number, min = 1): number {
  const text = env(name);
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!Number.isInteger(value) || value < min) {
    configError(`${name} must be a whole number >= ${min}, got "${text}"`);
  }
  return value;
}

/** `true`/`false` (also 1/0, yes/no, on/off) from `name`, `fallback` when unset. */
export function boolEnv(name: string, fallback: boolean): boolean {
  const text = env(name)?.toLowerCase();
  if (text === undefined) return fallback;
  if (['true', '1', 'yes', 'on'].includes(text)) return true;
  if (['false', '0', 'no', 'off'].includes(text)) return false;
  return configError(`${name} must be true or false, got "${text}"`);
}
