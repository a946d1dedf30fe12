import { z } from 'zod';

export { z };

/** Thrown when the environment does not describe a runnable service. */
export class ConfigError extends Error {
  constructor(
    readonly service: string,
    readonly problems: string[],
  ) {
    super(`${service}: invalid configuration\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/**
 * Parses the environment once against a zod shape whose keys are the variable
 * names. Every problem is reported at once; the result is frozen.
 */
export function loadConfig<S extends z.ZodRawShape>(
  service: string,
  shape: S,
  env: Record<string, string | undefined> = process.env,
): Readonly<z.infer<z.ZodObject<S>>> {
  const result = z.object(shape).safeParse(env);
  if (!result.success) {
    const problems = result.error.issues.map((issue) => {
      const name = issue.path.join('.') || '(environment)';
      const given = env[String(issue.path[0])];
      return given === undefined ? `${name} is required: ${issue.message}` : `${name}=${JSON.stringify(given)} is invalid: ${issue.message}`;
    });
    throw new ConfigError(service, problems);
  }
  return Object.freeze(result.data);
}

/** Field builders shared by every service's config. */
export const env = {
  port: (fallback: number) => z.coerce.number().int().min(0).max(65535).default(fallback),
  int: (fallback: number, min = 0) => z.coerce.number().int().min(min).default(fallback),
  url: (protocols: string[]) =>
    z
      .string()
      .url()
      .refine((v) => protocols.some((p) => v.startsWith(`${p}://`)), `must start with ${protocols.map((p) => `${p}://`).join(' or ')}`),
  brokers: () =>
    z
      .string()
      .min(1)
      .transform((v) => v.split(',').map((b) => b.trim()).filter(Boolean))
      .pipe(z.array(z.string().regex(/^[^:\s]+:\d+$/, 'each broker must be host:port')).min(1)),
  logLevel: () => z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  name: (fallback: string) => z.string().regex(/^[A-Za-z0-9._:-]*$/, 'letters, digits, ".", ":", "-" and "_" only').default(fallback),
  bool: (fallback: boolean) =>
    z
      .enum(['true', 'false', '1', '0'])
      .default(fallback ? 'true' : 'false')
      .transform((v) => v === 'true' || v === '1'),
};

/** Variables every service reads. */
export const common = {
  LOG_LEVEL: env.logLevel(),
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
};

export const kafka = {
  KAFKA_BROKERS: env.brokers(),
  /** Prefix for topic and group names, so several stacks can share one broker. */
  KAFKA_TOPIC_PREFIX: env.name(''),
};
