import { setSession } from './session';
import type { Session } from './session';
import type { PersonRole } from './abilities';

// Development sign-in: tokens of the stack's own issuer from POST /dev-issuer/token (tools/vsm_dev/web.py).
// The endpoint exists only in the development profile with vsm's own issuer; production signs in by OIDC.

export interface DevChoice {
  role: PersonRole;
  /** The nämnd/bolag of a committee, the enhet of a manager. */
  org?: string;
  /** The medarbetarreferens of an employee. */
  sub?: string;
}

/** The field of the chooser the endpoint refused, with its reason (English, from vsm_dev.identity). */
export interface DevRefusal {
  field: 'role' | 'org' | 'sub';
  description: string;
}

export type DevTokenResult = { ok: true; token: string; expiresIn: number } | { ok: false; refusal: DevRefusal };

const FIELDS = new Set(['role', 'org', 'sub']);

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

/** Reads the endpoint's answer; anything but a token or a field refusal is an error to show as such. */
export function parseTokenAnswer(status: number, body: unknown): DevTokenResult {
  if (status === 200 && isRecord(body) && typeof body.access_token === 'string' && body.access_token !== '') {
    const expiresIn = typeof body.expires_in === 'number' ? body.expires_in : 0;
    return { ok: true, token: body.access_token, expiresIn };
  }
  if (status === 400 && isRecord(body) && typeof body.field === 'string' && FIELDS.has(body.field)) {
    const description = typeof body.error_description === 'string' ? body.error_description : '';
    return { ok: false, refusal: { field: body.field as DevRefusal['field'], description } };
  }
  throw new Error(`dev-issuer/token: HTTP ${status}`);
}

function cleaned(value: string | undefined): string | undefined {
  const trimmed = value?.trim();
  return trimmed ? trimmed : undefined;
}

export async function requestDevToken(choice: DevChoice): Promise<DevTokenResult> {
  const body: Record<string, string> = { role: choice.role };
  const org = cleaned(choice.org);
  const sub = cleaned(choice.sub);
  if (org !== undefined) body.org = org;
  if (sub !== undefined) body.sub = sub;
  const response = await fetch('/dev-issuer/token', {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify(body),
  });
  let answer: unknown = null;
  try {
    answer = await response.json();
  } catch {
    answer = null;
  }
  return parseTokenAnswer(response.status, answer);
}

/** Signs in for this tab: asks for a token and keeps it in the session; a refusal is returned to show. */
export async function signInForDevelopment(choice: DevChoice): Promise<DevRefusal | null> {
  const result = await requestDevToken(choice);
  if (!result.ok) return result.refusal;
  const session: Session = { token: result.token, mode: 'development', role: choice.role };
  if (result.expiresIn > 0) session.expiresAt = Math.floor(Date.now() / 1000) + result.expiresIn;
  const org = cleaned(choice.org);
  if (org !== undefined) session.org = org;
  setSession(session);
  return null;
}

/** A reader's token for the chooser's own look-up of organisations; never stored as the session. */
export async function readerToken(): Promise<string> {
  const result = await requestDevToken({ role: 'reader' });
  if (!result.ok) throw new Error(`dev-issuer/token refused a reader: ${result.refusal.description}`);
  return result.token;
}
