import { createContext, useContext } from 'react';

// /config.json is served by tools/vsm_dev/web.py (or the production ingress), so one build runs
// against any installation.

export type AuthConfig =
  | { mode: 'development' }
  | { mode: 'oidc'; authority: string; clientId: string; scope: string };

export interface AppConfig {
  apiUrl: string;
  timeZone: string;
  auth: AuthConfig;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

/** Checks the served config; a broken one fails loudly instead of half-working. */
export function parseConfig(raw: unknown): AppConfig {
  if (!isRecord(raw)) throw new Error('config.json is not an object');
  const apiUrl = typeof raw.apiUrl === 'string' ? raw.apiUrl : '/graphql';
  const timeZone = typeof raw.timeZone === 'string' ? raw.timeZone : 'Europe/Stockholm';
  const auth = raw.auth;
  if (!isRecord(auth) || auth.mode === 'development' || auth.mode === undefined) {
    return { apiUrl, timeZone, auth: { mode: 'development' } };
  }
  if (
    auth.mode === 'oidc' &&
    typeof auth.authority === 'string' &&
    typeof auth.clientId === 'string' &&
    typeof auth.scope === 'string'
  ) {
    return {
      apiUrl,
      timeZone,
      auth: { mode: 'oidc', authority: auth.authority, clientId: auth.clientId, scope: auth.scope },
    };
  }
  throw new Error('config.json: auth.mode "oidc" needs authority, clientId and scope');
}

export async function loadConfig(): Promise<AppConfig> {
  const response = await fetch('/config.json', { headers: { accept: 'application/json' } });
  if (!response.ok) throw new Error(`config.json: HTTP ${response.status}`);
  return parseConfig(await response.json());
}

export const ConfigContext = createContext<AppConfig>({
  apiUrl: '/graphql',
  timeZone: 'Europe/Stockholm',
  auth: { mode: 'development' },
});

export function useConfig(): AppConfig {
  return useContext(ConfigContext);
}
