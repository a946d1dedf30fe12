import type { IncomingMessage, ServerResponse } from 'node:http';
import cors from 'cors';
import type { RequestHandler } from 'express';
import { ErrorCode } from '@booking/contracts';

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

/** A route answered with plain node:http (GraphQLHttpServerOptions.routes). */
export type PlainRoute = (req: IncomingMessage, res: ServerResponse) => unknown;

/**
 * Serves `routes` on plain node:http and anything else with `fallback`
 * (express): a route is `'METHOD /path'` exactly, or `'METHOD /dir/*'` for
 * every path one level under `/dir/`; the query string is not matched.
 * Routes added to the object later are served too.
 */
export function plainRoutes(routes: Record<string, PlainRoute>, fallback: PlainRoute): PlainRoute {
  return (req, res) => {
    const url = req.url ?? '';
    const query = url.indexOf('?');
    const path = query >= 0 ? url.slice(0, query) : url;
    const slash = path.lastIndexOf('/');
    const route = routes[`${req.method} ${path}`] ?? (slash > 0 ? routes[`${req.method} ${path.slice(0, slash)}/*`] : undefined);
    return route ? route(req, res) : fallback(req, res);
  };
}

/** JSON (text, or UTF-8 bytes kept ready) sent as it is, with its length. */
export function sendJsonText(res: ServerResponse, status: number, json: string | Buffer, headers: Record<string, string> = {}) {
  res.writeHead(status, { ...headers, 'content-type': 'application/json; charset=utf-8', 'content-length': typeof json === 'string' ? Buffer.byteLength(json) : json.length });
  res.end(json);
}

const NO_SUCH_ROUTE = JSON.stringify({ message: 'no such route', code: ErrorCode.NOT_FOUND });

/**
 * The CORS answers of `corsHandler` for plain node:http routes: `wrap(route)`
 * marks a route's answers for allowed origins; `preflight` answers OPTIONS
 * (anything the CORS handler leaves gets a JSON 404).
 */
export function plainCors(origins: readonly string[] | '*') {
  const handle = corsHandler(origins) as unknown as (req: IncomingMessage, res: ServerResponse, next: () => void) => void;
  return {
    wrap: (route: PlainRoute): PlainRoute => (req, res) => handle(req, res, () => void route(req, res)),
    preflight: ((req, res) => handle(req, res, () => sendJsonText(res, 404, NO_SUCH_ROUTE))) as PlainRoute,
  };
}
