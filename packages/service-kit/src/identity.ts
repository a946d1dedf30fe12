import { webcrypto } from 'node:crypto';
import { GraphQLError } from 'graphql';
import { SignJWT, createRemoteJWKSet, errors, jwtVerify, type JWTPayload } from 'jose';
import { DEV_JWT } from '@booking/config';
import { isUserId } from '@booking/booking-core';
import { ErrorCode } from '@booking/contracts';

/** Who is calling, from a verified token: `sub` and `roles`. */
export interface Identity {
  userId: string;
  roles: string[];
}

/** No token: reads of public data only. Shared by every anonymous request, so frozen through. */
export const ANONYMOUS: { userId: null; roles: string[] } = Object.freeze({ userId: null, roles: Object.freeze([]) as unknown as string[] });

/** Why a token was refused; each is answered with UNAUTHENTICATED. */
export type RefusalReason = 'malformed' | 'algorithm' | 'signature' | 'expired' | 'claims';

export type Verification = { identity: Identity | null } | { refused: RefusalReason };

/** The token settings of packages/config's `jwt` shape. */
export interface JwtSettings {
  NODE_ENV: string;
  JWT_SECRET?: string;
  JWKS_URL?: string;
  JWT_ISSUER: string;
  JWT_AUDIENCE: string;
  JWT_CLOCK_TOLERANCE_S: number;
}

export interface Verifier {
  /** Checks an `Authorization` value; absent is anonymous (`identity: null`). */
  verify(authorization: unknown): Promise<Verification>;
}

export interface VerifierOptions {
  /** Called once for every refused token. */
  onRefused?: (reason: RefusalReason) => void;
  /** Tokens accepted already, shared by verifiers with the same settings in one process; a verifier keeps its own by default. */
  accepted?: AcceptedTokens;
  /** The clock, in ms since the epoch (tests). */
  now?: () => number;
}

/**
 * Tokens a verifier has accepted, so that the same token is not verified
 * again while it is valid: a client sends its token with every request, and
 * in embedded mode the gateway and a subgraph in the same process verify the
 * same forwarded header. Verifying an HS256 token through WebCrypto cost
 * 0.14 ms of the event loop (a quarter of embedded mode's thread at
 * 1,600 bookings/s). An entry ends when its token expires (with the clock
 * tolerance) and at most `maxAgeMs` after it was verified, so a key taken
 * out of a JWKS stops counting soon; the oldest entries go first beyond
 * `max`. Only accepted tokens are kept: every refusal is verified and
 * reported.
 */
export interface AcceptedTokens {
  get(token: string, nowMs: number): Identity | undefined;
  set(token: string, identity: Identity, verifiedAtMs: number, expiresAtMs: number): void;
}

export function createAcceptedTokens({ max = 10_000, maxAgeMs = 60_000 } = {}): AcceptedTokens {
  const entries = new Map<string, { identity: Identity; until: number }>();
  return {
    get(token, nowMs) {
      const entry = entries.get(token);
      if (entry && nowMs < entry.until) return entry.identity;
      if (entry) entries.delete(token);
      return undefined;
    },
    set(token, identity, verifiedAtMs, expiresAtMs) {
      if (entries.size >= max) entries.delete(entries.keys().next().value!);
      // Shared by every request that brings the token: frozen, like ANONYMOUS.
      entries.set(token, { identity: Object.freeze({ userId: identity.userId, roles: Object.freeze([...identity.roles]) as string[] }), until: Math.min(expiresAtMs, verifiedAtMs + maxAgeMs) });
    },
  };
}

const BEARER = /^Bearer[ ]+([A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*)$/i;

/** The HS256 key in effect: configured, else (outside production, see jwtProblems) the development one. */
const secretOf = (settings: JwtSettings) => settings.JWT_SECRET ?? DEV_JWT.secret;

function reasonOf(error: unknown): RefusalReason | null {
  if (error instanceof errors.JWTExpired) return 'expired';
  if (error instanceof errors.JWTClaimValidationFailed) return 'claims';
  if (error instanceof errors.JOSEAlgNotAllowed || error instanceof errors.JOSENotSupported) return 'algorithm';
  if (error instanceof errors.JWSSignatureVerificationFailed || error instanceof errors.JWKSNoMatchingKey || error instanceof errors.JWKSMultipleMatchingKeys) return 'signature';
  if (error instanceof errors.JWSInvalid || error instanceof errors.JWTInvalid || error instanceof TypeError) return 'malformed';
  return null;
}

/**
 * Verifies bearer tokens: signature (HS256 with JWT_SECRET, or RS256/ES256
 * from JWKS_URL), `exp` required, `iss` and `aud` checked, `sub` a user id,
 * `roles` an array of strings when present. Shared by the gateway and the
 * subgraphs, which each verify the same forwarded header.
 */
export function createVerifier(settings: JwtSettings, { onRefused, accepted = createAcceptedTokens(), now = Date.now }: VerifierOptions = {}): Verifier {
  const options = {
    algorithms: settings.JWKS_URL ? ['RS256', 'ES256'] : ['HS256'],
    issuer: settings.JWT_ISSUER,
    audience: settings.JWT_AUDIENCE,
    clockTolerance: settings.JWT_CLOCK_TOLERANCE_S,
    requiredClaims: ['exp', 'sub'],
  };
  const jwks = settings.JWKS_URL ? createRemoteJWKSet(new URL(settings.JWKS_URL)) : null;
  // Imported once: given raw bytes, jose imports the key again on every verify.
  let hmacKey: Promise<webcrypto.CryptoKey> | undefined;
  const secret = () => (hmacKey ??= webcrypto.subtle.importKey('raw', new TextEncoder().encode(secretOf(settings)), { name: 'HMAC', hash: 'SHA-256' }, false, ['verify']));
  const refuse = (reason: RefusalReason): Verification => {
    onRefused?.(reason);
    return { refused: reason };
  };
  return {
    async verify(authorization) {
      if (authorization === undefined || authorization === null || authorization === '') return { identity: null };
      const token = typeof authorization === 'string' ? BEARER.exec(authorization.trim())?.[1] : undefined;
      if (!token) return refuse('malformed');
      const at = now();
      const known = accepted.get(token, at);
      if (known) return { identity: known };
      let payload: JWTPayload;
      try {
        const checks = { ...options, currentDate: new Date(at) };
        ({ payload } = jwks ? await jwtVerify(token, jwks, checks) : await jwtVerify(token, await secret(), checks));
      } catch (error) {
        const reason = reasonOf(error);
        if (!reason) throw error; // the key set could not be fetched: ours to fix, not the caller's
        return refuse(reason);
      }
      const roles = payload.roles ?? [];
      if (!isUserId(payload.sub) || !Array.isArray(roles) || !roles.every((r) => typeof r === 'string')) return refuse('claims');
      const identity = { userId: payload.sub, roles };
      // exp is required, so jose has checked it is there.
      accepted.set(token, identity, at, (payload.exp! + settings.JWT_CLOCK_TOLERANCE_S) * 1000);
      return { identity };
    },
  };
}

/** The error every refused token gets, over HTTP a 401. */
export function unauthenticated(reason: RefusalReason): GraphQLError {
  const why = {
    malformed: 'send "Authorization: Bearer <JWT>"',
    algorithm: 'the token is not signed with an accepted algorithm',
    signature: 'the token signature is not valid',
    expired: 'the token has expired',
    claims: 'the token is not for this service (issuer, audience, subject or roles)',
  }[reason];
  return new GraphQLError(`invalid token: ${why}`, { extensions: { code: ErrorCode.UNAUTHENTICATED, reason, http: { status: 401 } } });
}

/** The caller named by an `Authorization` value: null when anonymous; a refused token throws UNAUTHENTICATED. */
export async function authenticate(verifier: Verifier, authorization: unknown): Promise<Identity | null> {
  const result = await verifier.verify(authorization);
  if ('refused' in result) throw unauthenticated(result.refused);
  return result.identity;
}

export interface SignOptions {
  issuer: string;
  audience: string;
  /** Lifetime in seconds. */
  ttl: number;
  /** Issue time, seconds since the epoch; now by default. */
  issuedAt?: number;
}

/** Signs an HS256 token for `identity`. */
export function signToken(secret: string, identity: Identity, opts: SignOptions): Promise<string> {
  const iat = opts.issuedAt ?? Math.floor(Date.now() / 1000);
  return new SignJWT({ roles: identity.roles })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(identity.userId)
    .setIssuer(opts.issuer)
    .setAudience(opts.audience)
    .setIssuedAt(iat)
    .setExpirationTime(iat + opts.ttl)
    .sign(new TextEncoder().encode(secret));
}

/** A token the development settings accept (scripts/token.ts, tests, the development sign-in). */
export function devToken(userId: string, opts: { admin?: boolean; roles?: string[]; ttl?: number } = {}): Promise<string> {
  const roles = opts.roles ?? (opts.admin ? ['admin'] : []);
  return signToken(DEV_JWT.secret, { userId, roles }, { issuer: DEV_JWT.issuer, audience: DEV_JWT.audience, ttl: opts.ttl ?? 3600 });
}

/**
 * Signs with the verifier's own key (HS256 settings only), so a token made
 * here is accepted by every process with the same settings; null with JWKS,
 * where this process holds no private key.
 */
export function localSigner(settings: JwtSettings): ((identity: Identity, ttl: number) => Promise<string>) | null {
  if (settings.JWKS_URL) return null;
  return (identity, ttl) => signToken(secretOf(settings), identity, { issuer: settings.JWT_ISSUER, audience: settings.JWT_AUDIENCE, ttl });
}
