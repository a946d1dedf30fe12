import cors from 'cors';
import type { RequestHandler } from 'express';

/** Headers a browser on another origin may send: JSON bodies and the token. */
const ALLOWED_HEADERS = ['content-type', 'authorization'];

/**
 * Origins allowed to call the REST API and GraphQL from a browser:
 * CORS_ORIGINS (comma-separated, or `*`) when set; otherwise any origin in
 * development and none in production.
 */
export function corsOrigins(config: { NODE_ENV: string; CORS_ORIGINS?: readonly string[] | '*' }): readonly string[] | '*' {
  return config.CORS_ORIGINS ?? (config.NODE_ENV === 'production' ? [] : '*');
}

/**
 * Answers preflights (204 with the allowed methods and headers) and marks
 * responses for allowed origins; a request from any other origin is served
 * without CORS headers, so the browser withholds the answer.
 */
export function corsHandler(origins: readonly string[] | '*'): RequestHandler {
  return cors({
    origin: origins === '*' ? true : [...origins],
    methods: ['GET', 'POST', 'OPTIONS'],
    allowedHeaders: ALLOWED_HEADERS,
    maxAge: 600,
    optionsSuccessStatus: 204,
  });
}
