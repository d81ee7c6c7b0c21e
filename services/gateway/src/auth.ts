// Authentication at the gateway: RS256 JWT bearer tokens, verified with Hive Gateway's JWT
// plugin (`useJWT`, from @graphql-mesh/plugin-jwt-auth / @graphql-yoga/plugin-jwt).
//
// Required: keys from VSM_JWKS_PATH (a local JWKS file: the dev issuer's <data dir>/identity/jwks.json)
// or VSM_JWKS_URL (the identity provider's JWKS endpoint, production); the gateway does not start
// without one. Every GraphQL request without a valid token is answered with HTTP 401 before it is
// parsed, so no subgraph is called. /healthcheck, /readiness and (in development) the GraphiQL
// page itself stay open. The verified token goes on to the subgraphs unchanged in the
// `authorization` header; they verify it again and take the caller from it.
import { createPublicKey, generateKeyPairSync, type JsonWebKeyInput } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import {
  createRemoteJwksSigningKeyProvider,
  useJWT,
  type ExtractTokenFunction,
  type GatewayPlugin,
  type GetSigningKeyFunction,
} from '@graphql-hive/gateway';
import { GraphQLError } from 'graphql';
import { configError, env, intEnv } from './env.ts';

export const DEV_ISSUER = 'http://127.0.0.1:4000/dev-issuer'; // tools/vsm_dev/identity.py
export const DEFAULT_AUDIENCE = 'vsm';
const ALGORITHMS = ['RS256'] as const;

export interface AuthSettings {
  enabled: boolean;
  jwksPath?: string;
  jwksUrl?: string;
  issuer: string;
  audience: string;
  clockToleranceSeconds: number;
  /** Longer tokens are refused unread (vsm_common.auth refuses the same ones). */
  maxTokenBytes: number;
}

export function authSettings(isProduction: boolean): AuthSettings {
  const jwksPath = env('VSM_JWKS_PATH');
  const jwksUrl = env('VSM_JWKS_URL');
  if (jwksPath && jwksUrl) configError('set VSM_JWKS_PATH or VSM_JWKS_URL, not both');
  const enabled = Boolean(jwksPath || jwksUrl);
  const issuer = env('VSM_JWT_ISSUER');
  if (enabled && isProduction && !issuer) {
    configError('VSM_JWT_ISSUER is not set (the `iss` every token must carry; required in production)');
  }
  if (jwksUrl) {
    let url: URL;
    try {
      url = new URL(jwksUrl);
    } catch {
      configError(`VSM_JWKS_URL must be an http(s) URL, got "${jwksUrl}"`);
    }
    if (url.protocol !== 'https:' && url.protocol !== 'http:') {
      configError(`VSM_JWKS_URL must be an http(s) URL, got "${jwksUrl}"`);
    }
    const loopback = ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname);
    if (isProduction && url.protocol === 'http:' && !loopback) {
      console.warn(
        `[vsm-gateway] WARNING: VSM_JWKS_URL ${jwksUrl} is plain http; anyone on the way can replace the keys`,
      );
    }
  }
  return {
    enabled,
    jwksPath,
    jwksUrl,
    issuer: issuer ?? DEV_ISSUER,
    audience: env('VSM_JWT_AUDIENCE') ?? DEFAULT_AUDIENCE,
    // The same variables and defaults as vsm_common.settings: the subgraphs must decide alike.
    clockToleranceSeconds: intEnv('VSM_JWT_CLOCK_TOLERANCE_SECONDS', 30, 0),
    maxTokenBytes: intEnv('VSM_JWT_MAX_TOKEN_BYTES', 16_384, 1024),
  };
}

// ------------------------------------------------------------------ errors
const REALM = 'Bearer realm="vsm"';

function unauthenticated(): GraphQLError {
  // The same answer for every failure; the reason goes to the gateway's log only.
  return new GraphQLError('Unauthenticated', { extensions: { code: 'UNAUTHENTICATED', http: { status: 401 } } });
}

// A public key whose private half was thrown away: a token whose `kid` names no key of ours is
// verified against it and fails like any bad signature (401), instead of the plugin's
// "Authentication is not available" server error (500).
const NO_SUCH_KEY = generateKeyPairSync('rsa', { modulusLength: 2048 })
  .publicKey.export({ type: 'spki', format: 'pem' })
  .toString();

// ------------------------------------------------------------- signing keys
function usableKeys(jwks: unknown, source: string): Map<string | undefined, string> {
  const keys = (jwks as { keys?: unknown })?.keys;
  if (!Array.isArray(keys)) configError(`${source}: not a JWKS document (no "keys" array)`);
  const found = new Map<string | undefined, string>();
  for (const jwk of keys as (JsonWebKeyInput['key'] & { kid?: unknown })[]) {
    if (jwk.kty !== 'RSA' || (jwk.use && jwk.use !== 'sig') || (jwk.alg && jwk.alg !== 'RS256')) continue;
    try {
      const pem = createPublicKey({ key: jwk, format: 'jwk' }).export({ type: 'spki', format: 'pem' }).toString();
      found.set(typeof jwk.kid === 'string' ? jwk.kid : undefined, pem);
    } catch {
      // not a usable RSA public key: ignored like any other key we cannot use
    }
  }
  return found;
}

/** Keys from a JWKS file; re-read when a token names a kid we do not know and the file changed. */
export function fileKeyProvider(path: string): GetSigningKeyFunction {
  let keys = new Map<string | undefined, string>();
  let mtime = -1;
  const load = (): void => {
    let stat;
    try {
      stat = statSync(path);
    } catch {
      configError(`VSM_JWKS_PATH=${path}: file not found`);
    }
    if (stat.mtimeMs === mtime) return;
    let parsed: unknown;
    try {
      parsed = JSON.parse(readFileSync(path, 'utf8'));
    } catch (err) {
      configError(`VSM_JWKS_PATH=${path}: not JSON (${(err as Error).message})`);
    }
    const loaded = usableKeys(parsed, `VSM_JWKS_PATH=${path}`);
    if (loaded.size === 0) configError(`VSM_JWKS_PATH=${path}: no RSA signing key in the file`);
    keys = loaded;
    mtime = stat.mtimeMs;
  };
  load(); // at start-up: a missing or empty file stops the gateway with a clear message
  return (kid?: string) => {
    const pick = (): string | undefined => {
      if (kid !== undefined) return keys.get(kid);
      return keys.size === 1 ? [...keys.values()][0] : undefined; // no kid: only an unambiguous key
    };
    let key = pick();
    if (key === undefined) {
      try {
        load(); // a rotated key file; a broken one keeps the keys we have
      } catch {
        // keep serving with the keys loaded before
      }
      key = pick();
    }
    return key ?? NO_SUCH_KEY;
  };
}

/** Keys from the identity provider's JWKS endpoint (cached 10 min, at most 10 fetches a minute). */
export function remoteKeyProvider(url: string): GetSigningKeyFunction {
  const fetchKey = createRemoteJwksSigningKeyProvider({
    jwksUri: url,
    cache: true,
    cacheMaxEntries: 20,
    cacheMaxAge: 10 * 60_000,
    rateLimit: true,
    jwksRequestsPerMinute: 10,
    timeout: 5_000,
  });
  return async (kid?: string) => {
    try {
      return await fetchKey(kid);
    } catch (err) {
      const name = (err as Error)?.name;
      // An unknown kid (or one more unknown kid than the rate limit allows) is a bad token: 401.
      // Anything else (the endpoint is down) stays an error: the plugin logs it and answers 500.
      if (name === 'SigningKeyNotFoundError' || name === 'JwksRateLimitError') return NO_SUCH_KEY;
      throw err;
    }
  };
}

// ------------------------------------------------------------------ tokens
const JWT_SHAPE = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/;

function decodesAsJson(part: string): boolean {
  try {
    const value = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
    return typeof value === 'object' && value !== null && !Array.isArray(value);
  } catch {
    return false;
  }
}

/** Requests that presented credentials (for the `error="invalid_token"` challenge). */
const presentedCredentials = new WeakSet<Request>();

/**
 * `Authorization: Bearer <JWT>` only. A missing header is "no token" (401 from the plugin); any
 * other scheme, something that is not a JWT at all, or a token over `maxTokenBytes` is a 401 here
 * (the plugin would answer 400 for an undecodable token).
 */
function bearerToken(maxTokenBytes: number): ExtractTokenFunction {
  return ({ request }) => {
    const header = request?.headers.get('authorization');
    if (header == null) return undefined;
    presentedCredentials.add(request);
    const match = /^Bearer[ ]+(\S+)[ ]*$/i.exec(header);
    if (!match) throw unauthenticated();
    const token = match[1];
    if (token.length > maxTokenBytes) throw unauthenticated();
    const [head, payload] = token.split('.');
    if (!JWT_SHAPE.test(token) || !decodesAsJson(head) || !decodesAsJson(payload)) throw unauthenticated();
    return { token, prefix: 'Bearer' };
  };
}

type VerifiedToken = { payload?: Record<string, unknown>; token?: { value: string } };

const isTime = (value: unknown): boolean =>
  value === undefined || (typeof value === 'number' && Number.isFinite(value));

/**
 * Beyond signature, iss, aud, exp and nbf (checked by the plugin): a token must say who and until
 * when, and must not have been issued in the future. jsonwebtoken ignores `iat`, PyJWT refuses a
 * future one, so without this check the subgraphs refused (500) what the gateway let through.
 */
function useRequiredClaims(settings: AuthSettings): GatewayPlugin {
  return {
    onRequestParse({ serverContext }) {
      const jwt = (serverContext as { jwt?: VerifiedToken }).jwt;
      const claims = jwt?.payload;
      if (!claims) return; // no token: the JWT plugin has already refused the request
      const now = Date.now() / 1000;
      const ok =
        typeof claims.exp === 'number' &&
        isTime(claims.exp) &&
        isTime(claims.nbf) &&
        isTime(claims.iat) &&
        (claims.iat === undefined || (claims.iat as number) <= now + settings.clockToleranceSeconds) &&
        typeof claims.sub === 'string' &&
        claims.sub.trim() !== '' &&
        (claims.vsm_roles === undefined ||
          (Array.isArray(claims.vsm_roles) && claims.vsm_roles.every((role) => typeof role === 'string')));
      if (!ok) throw unauthenticated();
    },
  };
}

type ErrorResult = { errors?: readonly GraphQLError[] };

/** Every 401 carries `extensions.code: UNAUTHENTICATED` (the JWT plugin's own errors have none). */
function withCode(error: GraphQLError): GraphQLError {
  const extensions = error.extensions ?? {};
  const http = extensions.http as { status?: number } | undefined;
  if (http?.status !== 401 || extensions.code) return error;
  return new GraphQLError(error.message, { extensions: { ...extensions, code: 'UNAUTHENTICATED' } });
}

/** RFC 6750: a 401 names the scheme the client must use. */
function useBearerChallenge(): GatewayPlugin {
  return {
    onResultProcess({ result, setResult }) {
      if (!result || Array.isArray(result) || Symbol.asyncIterator in (result as object)) return;
      const errors = (result as ErrorResult).errors;
      if (errors?.length) setResult({ ...(result as object), errors: errors.map(withCode) } as never);
    },
    onResponse({ request, response }) {
      if (response.status !== 401) return;
      response.headers.set(
        'www-authenticate',
        presentedCredentials.has(request) ? `${REALM}, error="invalid_token"` : REALM,
      );
    },
  };
}

export function authPlugins(settings: AuthSettings): GatewayPlugin[] {
  if (!settings.enabled) return [];
  const keyProvider = settings.jwksPath
    ? fileKeyProvider(settings.jwksPath)
    : remoteKeyProvider(settings.jwksUrl as string);
  return [
    useJWT({
      signingKeyProviders: [keyProvider],
      tokenLookupLocations: [bearerToken(settings.maxTokenBytes)],
      tokenVerification: {
        algorithms: [...ALGORITHMS],
        issuer: settings.issuer,
        audience: settings.audience,
        clockTolerance: settings.clockToleranceSeconds,
      },
      reject: { missingToken: true, invalidToken: true },
      // The subgraphs verify the forwarded `authorization` header themselves; the unsigned
      // `extensions.jwt` copy of the claims would only invite them to trust it.
      forward: { payload: false, token: false },
    }) as GatewayPlugin,
    useRequiredClaims(settings),
    useBearerChallenge(),
  ];
}
