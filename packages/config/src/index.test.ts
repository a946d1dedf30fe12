import { describe, expect, it } from 'vitest';
import { ConfigError, env, kafka, loadConfig } from './index.ts';

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
