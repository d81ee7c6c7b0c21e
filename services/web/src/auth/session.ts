import { useSyncExternalStore } from 'react';

// The access token lives in sessionStorage: this tab only, gone when the tab closes. The app never
// decodes it (an OIDC client treats the access token as opaque); who the caller is comes from
// Query.viewer. `role` and `org` are what the development chooser asked for, kept only to show them.

export interface Session {
  token: string;
  mode: 'development' | 'oidc';
  /** Unix seconds when the token runs out, if the issuer said. */
  expiresAt?: number;
  role?: string;
  org?: string;
}

export const SESSION_KEY = 'vsm.session';
const listeners = new Set<() => void>();
let cachedRaw: string | null | undefined;
let cached: Session | null = null;
let signOutHook: ((session: Session) => void | Promise<void>) | null = null;

function read(): Session | null {
  let raw: string | null;
  try {
    raw = globalThis.sessionStorage?.getItem(SESSION_KEY) ?? null;
  } catch {
    raw = null;
  }
  if (raw === cachedRaw) return cached;
  cachedRaw = raw;
  cached = parseSession(raw);
  return cached;
}

export function parseSession(raw: string | null): Session | null {
  if (!raw) return null;
  try {
    const value: unknown = JSON.parse(raw);
    if (typeof value !== 'object' || value === null) return null;
    const record = value as Record<string, unknown>;
    if (typeof record.token !== 'string' || record.token === '') return null;
    const session: Session = {
      token: record.token,
      mode: record.mode === 'oidc' ? 'oidc' : 'development',
    };
    if (typeof record.expiresAt === 'number') session.expiresAt = record.expiresAt;
    if (typeof record.role === 'string') session.role = record.role;
    if (typeof record.org === 'string') session.org = record.org;
    return session;
  } catch {
    return null;
  }
}

function notify(): void {
  for (const listener of listeners) listener();
}

export function getSession(): Session | null {
  return read();
}

export function getToken(): string | null {
  return read()?.token ?? null;
}

export function setSession(session: Session): void {
  sessionStorage.setItem(SESSION_KEY, JSON.stringify(session));
  notify();
}

export function clearSession(): void {
  try {
    sessionStorage.removeItem(SESSION_KEY);
  } catch {
    // Nothing stored, nothing to clear.
  }
  notify();
}

/** Lets the OIDC module end the provider's session too when the user signs out. */
export function onSignOut(hook: ((session: Session) => void | Promise<void>) | null): void {
  signOutHook = hook;
}

export async function signOut(): Promise<void> {
  const session = read();
  clearSession();
  if (session && signOutHook) await signOutHook(session);
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  const onStorage = (event: StorageEvent) => {
    if (event.key === SESSION_KEY) listener();
  };
  window.addEventListener('storage', onStorage);
  return () => {
    listeners.delete(listener);
    window.removeEventListener('storage', onStorage);
  };
}

/** The current session; re-renders on sign-in and sign-out. */
export function useSession(): Session | null {
  return useSyncExternalStore(subscribe, read, () => null);
}
