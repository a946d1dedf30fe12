import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SignJWT, exportJWK, generateKeyPair } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEV_JWT } from '@booking/config';
import { authenticate, createAcceptedTokens, createVerifier, devToken, localSigner, signToken, type JwtSettings, type RefusalReason } from './identity.ts';

const settings: JwtSettings = { NODE_ENV: 'test', JWT_ISSUER: DEV_JWT.issuer, JWT_AUDIENCE: DEV_JWT.audience, JWT_CLOCK_TOLERANCE_S: 30 };
const now = () => Math.floor(Date.now() / 1000);
const dev = { issuer: DEV_JWT.issuer, audience: DEV_JWT.audience, ttl: 300 };
const bearer = (token: string) => `Bearer ${token}`;

/** A verifier that records what it refused. */
function recording(s: JwtSettings = settings) {
  const refused: RefusalReason[] = [];
  return { verifier: createVerifier(s, { onRefused: (r) => refused.push(r) }), refused };
}

/** base64url of a JSON value, for hand-made tokens. */
const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

describe('createVerifier (HS256)', () => {
  it('accepts a development token and reads sub and roles', async () => {
    const { verifier } = recording();
    expect(await verifier.verify(bearer(await devToken('alice')))).toEqual({ identity: { userId: 'alice', roles: [] } });
    expect(await verifier.verify(bearer(await devToken('root', { admin: true })))).toEqual({ identity: { userId: 'root', roles: ['admin'] } });
    expect(await verifier.verify(`bearer   ${await devToken('bob')}`)).toEqual({ identity: { userId: 'bob', roles: [] } });
  });

  it('treats an absent or empty header as anonymous, not as a refusal', async () => {
    const { verifier, refused } = recording();
    for (const header of [undefined, null, '']) expect(await verifier.verify(header)).toEqual({ identity: null });
    expect(refused).toEqual([]);
  });

  it.each([
    ['not a bearer header', 'Basic YWxpY2U6cGFzcw=='],
    ['a bare token without the scheme', 'eyJhbGciOiJIUzI1NiJ9.e30.sig'],
    ['garbage after Bearer', 'Bearer not-a-token'],
    ['two tokens', 'Bearer a.b.c d.e.f'],
    ['a header parts array', ['Bearer a.b.c']],
    ['undecodable segments', `Bearer ${part({ alg: 'HS256' })}.%%%.abc`],
  ])('refuses %s as malformed', async (_name, header) => {
    const { verifier, refused } = recording();
    expect(await verifier.verify(header)).toEqual({ refused: 'malformed' });
    expect(refused).toEqual(['malformed']);
  });

  it('refuses an expired token, within the clock tolerance only', async () => {
    const { verifier } = recording();
    const expiredLongAgo = await signToken(DEV_JWT.secret, { userId: 'alice', roles: [] }, { ...dev, ttl: 60, issuedAt: now() - 600 });
    expect(await verifier.verify(bearer(expiredLongAgo))).toEqual({ refused: 'expired' });
    // Expired 10 s ago: inside the 30 s tolerance, so a little clock skew between machines is harmless.
    const justExpired = await signToken(DEV_JWT.secret, { userId: 'alice', roles: [] }, { ...dev, ttl: 60, issuedAt: now() - 70 });
    expect(await verifier.verify(bearer(justExpired))).toEqual({ identity: { userId: 'alice', roles: [] } });
    const strict = createVerifier({ ...settings, JWT_CLOCK_TOLERANCE_S: 0 });
    expect(await strict.verify(bearer(justExpired))).toEqual({ refused: 'expired' });
  });

  it('refuses a token not yet valid beyond the tolerance', async () => {
    const { verifier } = recording();
    const future = await new SignJWT({}).setProtectedHeader({ alg: 'HS256' }).setSubject('alice').setIssuer(dev.issuer).setAudience(dev.audience)
      .setNotBefore(now() + 600).setExpirationTime(now() + 900).sign(new TextEncoder().encode(DEV_JWT.secret));
    expect(await verifier.verify(bearer(future))).toEqual({ refused: 'claims' });
  });

  it('requires exp and sub', async () => {
    const { verifier } = recording();
    const key = new TextEncoder().encode(DEV_JWT.secret);
    const noExp = await new SignJWT({}).setProtectedHeader({ alg: 'HS256' }).setSubject('alice').setIssuer(dev.issuer).setAudience(dev.audience).sign(key);
    expect(await verifier.verify(bearer(noExp))).toEqual({ refused: 'claims' });
    const noSub = await new SignJWT({}).setProtectedHeader({ alg: 'HS256' }).setIssuer(dev.issuer).setAudience(dev.audience).setExpirationTime('5m').sign(key);
    expect(await verifier.verify(bearer(noSub))).toEqual({ refused: 'claims' });
  });

  it('refuses another issuer or audience', async () => {
    const { verifier } = recording();
    const otherIssuer = await signToken(DEV_JWT.secret, { userId: 'alice', roles: [] }, { ...dev, issuer: 'someone-else' });
    const otherAudience = await signToken(DEV_JWT.secret, { userId: 'alice', roles: [] }, { ...dev, audience: 'another-api' });
    expect(await verifier.verify(bearer(otherIssuer))).toEqual({ refused: 'claims' });
    expect(await verifier.verify(bearer(otherAudience))).toEqual({ refused: 'claims' });
  });

  it('refuses a token signed with another key', async () => {
    const { verifier } = recording();
    const forged = await signToken('another-secret-of-at-least-32-characters', { userId: 'alice', roles: ['admin'] }, dev);
    expect(await verifier.verify(bearer(forged))).toEqual({ refused: 'signature' });
    const tampered = (await devToken('alice')).split('.');
    tampered[1] = part({ sub: 'mallory', roles: ['admin'], iss: dev.issuer, aud: dev.audience, exp: now() + 300 });
    expect(await verifier.verify(bearer(tampered.join('.')))).toEqual({ refused: 'signature' });
  });

  it('refuses alg none and algorithms other than the configured one', async () => {
    const { verifier } = recording();
    const claims = { sub: 'alice', roles: ['admin'], iss: dev.issuer, aud: dev.audience, exp: now() + 300 };
    expect(await verifier.verify(`Bearer ${part({ alg: 'none', typ: 'JWT' })}.${part(claims)}.`)).toEqual({ refused: 'algorithm' });
    const { privateKey } = await generateKeyPair('ES256');
    const es256 = await new SignJWT(claims).setProtectedHeader({ alg: 'ES256' }).sign(privateKey);
    expect(await verifier.verify(bearer(es256))).toEqual({ refused: 'algorithm' });
    const hs512 = await new SignJWT(claims).setProtectedHeader({ alg: 'HS512' }).sign(new TextEncoder().encode(DEV_JWT.secret.repeat(2)));
    expect(await verifier.verify(bearer(hs512))).toEqual({ refused: 'algorithm' });
  });

  it('parses roles: absent is none, anything but an array of strings is refused', async () => {
    const { verifier } = recording();
    const key = new TextEncoder().encode(DEV_JWT.secret);
    const withRoles = (roles: unknown) =>
      new SignJWT(roles === undefined ? {} : { roles }).setProtectedHeader({ alg: 'HS256' }).setSubject('alice').setIssuer(dev.issuer).setAudience(dev.audience).setExpirationTime('5m').sign(key);
    expect(await verifier.verify(bearer(await withRoles(undefined)))).toEqual({ identity: { userId: 'alice', roles: [] } });
    expect(await verifier.verify(bearer(await withRoles(['admin', 'ops'])))).toEqual({ identity: { userId: 'alice', roles: ['admin', 'ops'] } });
    for (const bad of ['admin', [1], { admin: true }]) expect(await verifier.verify(bearer(await withRoles(bad)))).toEqual({ refused: 'claims' });
  });

  it('refuses a subject that is not a user id', async () => {
    const { verifier } = recording();
    for (const sub of ['', 'has space', 'x'.repeat(65)]) {
      const token = await new SignJWT({}).setProtectedHeader({ alg: 'HS256' }).setSubject(sub).setIssuer(dev.issuer).setAudience(dev.audience).setExpirationTime('5m').sign(new TextEncoder().encode(DEV_JWT.secret));
      expect(await verifier.verify(bearer(token))).toEqual({ refused: 'claims' });
    }
  });

  it('uses the configured secret instead of the development one', async () => {
    const secret = 'a-production-secret-of-at-least-32-chars';
    const verifier = createVerifier({ ...settings, NODE_ENV: 'production', JWT_SECRET: secret });
    expect(await verifier.verify(bearer(await devToken('alice')))).toEqual({ refused: 'signature' });
    const sign = localSigner({ ...settings, JWT_SECRET: secret })!;
    expect(await verifier.verify(bearer(await sign({ userId: 'alice', roles: [] }, 60)))).toEqual({ identity: { userId: 'alice', roles: [] } });
  });
});

describe('accepted tokens', () => {
  it('answers a token verified before from memory until it expires, then refuses it as expired', async () => {
    let clock = Date.now();
    const refused: RefusalReason[] = [];
    const verifier = createVerifier({ ...settings, JWT_CLOCK_TOLERANCE_S: 0 }, { onRefused: (r) => refused.push(r), now: () => clock });
    const token = bearer(await signToken(DEV_JWT.secret, { userId: 'alice', roles: ['admin'] }, { ...dev, ttl: 60, issuedAt: Math.floor(clock / 1000) }));
    expect(await verifier.verify(token)).toEqual({ identity: { userId: 'alice', roles: ['admin'] } });
    clock += 30_000;
    const again = await verifier.verify(token);
    expect(again).toEqual({ identity: { userId: 'alice', roles: ['admin'] } });
    // Shared by every request with that token, so nobody can change it for the others.
    expect(Object.isFrozen('identity' in again && again.identity) && Object.isFrozen('identity' in again && again.identity?.roles)).toBe(true);
    clock += 31_000;
    expect(await verifier.verify(token)).toEqual({ refused: 'expired' });
    expect(refused).toEqual(['expired']);
  });

  it('shares accepted tokens between verifiers given the same store, and never keeps a refused one', async () => {
    const accepted = createAcceptedTokens();
    const refused: RefusalReason[] = [];
    const gateway = createVerifier(settings, { accepted });
    const subgraph = createVerifier(settings, { accepted, onRefused: (r) => refused.push(r) });
    const token = await devToken('bob');
    await gateway.verify(bearer(token));
    expect(accepted.get(token, Date.now())).toEqual({ userId: 'bob', roles: [] });
    const forged = `${token.slice(0, token.lastIndexOf('.'))}.${'A'.repeat(43)}`;
    expect(await subgraph.verify(bearer(forged))).toEqual({ refused: 'signature' });
    expect(await subgraph.verify(bearer(forged))).toEqual({ refused: 'signature' });
    expect(refused).toEqual(['signature', 'signature']);
    expect(accepted.get(forged, Date.now())).toBeUndefined();
  });

  it('keeps an entry at most maxAgeMs after it was verified, and at most max entries, the oldest going first', () => {
    const tokens = createAcceptedTokens({ max: 2, maxAgeMs: 1_000 });
    const id = (userId: string) => ({ userId, roles: [] });
    tokens.set('a', id('a'), 0, 60_000);
    expect(tokens.get('a', 999)).toEqual(id('a'));
    expect(tokens.get('a', 1_000)).toBeUndefined();
    tokens.set('b', id('b'), 0, 500);
    expect(tokens.get('b', 500)).toBeUndefined();
    tokens.set('c', id('c'), 0, 60_000);
    tokens.set('d', id('d'), 0, 60_000);
    tokens.set('e', id('e'), 0, 60_000);
    expect(['c', 'd', 'e'].map((t) => tokens.get(t, 1)?.userId)).toEqual([undefined, 'd', 'e']);
  });
});

describe('createVerifier (JWKS)', () => {
  let server: Server;
  let jwksUrl: string;
  let sign: (claims: Record<string, unknown>, alg?: 'RS256' | 'ES256') => Promise<string>;

  beforeAll(async () => {
    const rsa = await generateKeyPair('RS256');
    const ec = await generateKeyPair('ES256');
    const keys = [
      { ...(await exportJWK(rsa.publicKey)), kid: 'rsa', alg: 'RS256', use: 'sig' },
      { ...(await exportJWK(ec.publicKey)), kid: 'ec', alg: 'ES256', use: 'sig' },
    ];
    server = createServer((_req, res) => res.setHeader('content-type', 'application/json').end(JSON.stringify({ keys })));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    jwksUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/jwks.json`;
    sign = (claims, alg = 'RS256') =>
      new SignJWT(claims)
        .setProtectedHeader({ alg, kid: alg === 'RS256' ? 'rsa' : 'ec' })
        .setIssuer('https://id.example')
        .setAudience('booking')
        .setExpirationTime('5m')
        .sign(alg === 'RS256' ? rsa.privateKey : ec.privateKey);
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('accepts RS256 and ES256 tokens from the key set and refuses HS256 ones', async () => {
    const s = { ...settings, NODE_ENV: 'production', JWKS_URL: jwksUrl, JWT_ISSUER: 'https://id.example' };
    const verifier = createVerifier(s);
    expect(await verifier.verify(bearer(await sign({ sub: 'alice' })))).toEqual({ identity: { userId: 'alice', roles: [] } });
    expect(await verifier.verify(bearer(await sign({ sub: 'root', roles: ['admin'] }, 'ES256')))).toEqual({ identity: { userId: 'root', roles: ['admin'] } });
    // An HS256 token "signed" with the public key text is the classic confusion attack.
    expect(await verifier.verify(bearer(await devToken('alice')))).toEqual({ refused: 'algorithm' });
    expect(localSigner(s)).toBeNull();
  });
});

describe('authenticate', () => {
  it('throws UNAUTHENTICATED with HTTP 401 for a refused token, and returns null for none', async () => {
    const verifier = createVerifier(settings);
    expect(await authenticate(verifier, undefined)).toBeNull();
    const error = await authenticate(verifier, 'Bearer x.y.z').catch((e: unknown) => e);
    expect(error).toMatchObject({ extensions: { code: 'UNAUTHENTICATED', reason: 'malformed', http: { status: 401 } } });
  });
});
