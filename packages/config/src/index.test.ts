import { describe, expect, it } from 'vitest';
import { ConfigError, common, env, jwt, jwtProblems, kafka, loadConfig } from './index.ts';

describe('loadConfig', () => {
  const shape = { ...kafka, PORT: env.port(4000), DATABASE_URL: env.url(['postgresql']) };

  it('parses, applies defaults and freezes', () => {
    const config = loadConfig('svc', shape, { KAFKA_BROKERS: 'a:1, b:2', DATABASE_URL: 'postgresql://x/y' });
    expect(config).toEqual({ KAFKA_BROKERS: ['a:1', 'b:2'], KAFKA_TOPIC_PREFIX: '', PORT: 4000, DATABASE_URL: 'postgresql://x/y' });
    expect(Object.isFrozen(config)).toBe(true);
  });

  it('names every missing or bad variable at once', () => {
    try {
      loadConfig('svc', shape, { PORT: 'eighty', DATABASE_URL: 'mysql://x' });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      const problems = (error as ConfigError).problems.join('\n');
      expect(problems).toMatch(/^KAFKA_BROKERS is required/m);
      expect(problems).toMatch(/^PORT="eighty" is invalid/m);
      expect(problems).toMatch(/^DATABASE_URL="mysql:\/\/x" is invalid/m);
    }
  });
});

describe('jwt settings', () => {
  const shape = { ...common, ...jwt };
  const load = (e: Record<string, string>) => loadConfig('svc', shape, e, jwtProblems);

  it('needs no key outside production (the development one applies) and defaults issuer and audience', () => {
    const config = load({});
    expect(config).toMatchObject({ JWT_ISSUER: 'booking-dev', JWT_AUDIENCE: 'booking', JWT_CLOCK_TOLERANCE_S: 30 });
    expect(config.JWT_SECRET).toBeUndefined();
  });

  it('refuses to start in production without a key, and with two', () => {
    expect(() => load({ NODE_ENV: 'production' })).toThrow(/JWT_SECRET or JWKS_URL is required with NODE_ENV=production/);
    expect(() => load({ NODE_ENV: 'production', JWT_SECRET: '' })).toThrow(/JWT_SECRET or JWKS_URL is required/);
    expect(() => load({ JWT_SECRET: 'x'.repeat(32), JWKS_URL: 'https://id.example/jwks.json' })).toThrow(/both set/);
    expect(load({ NODE_ENV: 'production', JWKS_URL: 'https://id.example/jwks.json' }).JWKS_URL).toBe('https://id.example/jwks.json');
    expect(load({ NODE_ENV: 'production', JWT_SECRET: 'x'.repeat(32) }).JWT_SECRET).toBe('x'.repeat(32));
  });

  it('refuses a short secret and a JWKS URL that is not http(s)', () => {
    expect(() => load({ JWT_SECRET: 'short' })).toThrow(/JWT_SECRET="short" is invalid: must be at least 32 characters/);
    expect(() => load({ JWKS_URL: 'file:///etc/keys' })).toThrow(/JWKS_URL="file:\/\/\/etc\/keys" is invalid/);
  });
});
