import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import { printSchema, type GraphQLSchema } from 'graphql';
import type { Logger } from '@booking/service-kit';

/** Output of `npm run build -w @booking/web`. */
export const WEB_DIST = fileURLToPath(new URL('../../web/dist/', import.meta.url));

/**
 * Everything the pages load comes from this origin: scripts, styles, the
 * GraphQL endpoint and its WebSocket. GraphiQL's editor (CodeMirror) and
 * React set inline style attributes; its fonts and icons are data: URLs.
 */
const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

export interface WebOptions {
  NODE_ENV: 'development' | 'production' | 'test';
  GRAPHIQL_ENABLED?: boolean | undefined;
}

export function graphiqlEnabled(config: WebOptions): boolean {
  return config.GRAPHIQL_ENABLED ?? config.NODE_ENV !== 'production';
}

/** True when a browser navigates here: HTML preferred over every GraphQL response type. */
function wantsHtml(req: Request): boolean {
  return req.accepts(['application/graphql-response+json', 'application/json', 'text/html']) === 'text/html';
}

/**
 * The seat-map page at `/`, its assets under `/assets/`, and GraphiQL at
 * GET /graphql for browsers (HTML requests only: GraphQL over GET and POST
 * falls through to the GraphQL handler unchanged).
 *
 * GraphiQL reads the schema as SDL from /graphql/schema.graphql rather than
 * by introspection: the standard introspection query is deeper (15) than
 * the operation limits allow, and those limits stay as they are.
 *
 * Asset names carry a content hash, so they are cached for a year; the HTML
 * pages are revalidated on every load and name the current assets.
 */
export function webRouter(config: WebOptions, log: Logger, apiSchema: () => GraphQLSchema | null, dist = WEB_DIST): Router {
  const router = express.Router();
  const graphiql = graphiqlEnabled(config);
  const built = () => existsSync(path.join(dist, 'index.html'));
  if (!built()) {
    log.warn({ dist }, 'web pages are not built: run `npm run build -w @booking/web`; `/` answers 503 until then');
  }

  const page = (file: string) => (_req: Request, res: Response) => {
    if (!built()) {
      res
        .status(503)
        .type('text/plain')
        .send(`The web pages are not built on this server.\nRun \`npm run build -w @booking/web\` (or \`npm run build\`) and reload.\nThe GraphQL API at /graphql works without them.\n`);
      return;
    }
    res.set({
      'Cache-Control': 'no-cache',
      'Content-Security-Policy': CONTENT_SECURITY_POLICY,
      'X-Content-Type-Options': 'nosniff',
      'Referrer-Policy': 'no-referrer',
    });
    res.sendFile(file, { root: dist, dotfiles: 'deny' });
  };

  router.get('/', page('index.html'));
  router.use(
    '/assets',
    express.static(path.join(dist, 'assets'), {
      immutable: true,
      maxAge: '365d',
      index: false,
      redirect: false,
      fallthrough: false,
      setHeaders: (res) => res.setHeader('X-Content-Type-Options', 'nosniff'),
    }),
    (error: Error & { status?: number }, _req: Request, res: Response, _next: NextFunction) => {
      res.status(error.status ?? 500).type('text/plain').send(error.status === 404 ? 'no such asset\n' : 'could not read the asset\n');
    },
  );
  if (graphiql) {
    let sdl: { schema: GraphQLSchema; text: string } | null = null;
    router.get('/graphql/schema.graphql', (_req, res) => {
      const schema = apiSchema();
      if (!schema) return void res.status(503).type('text/plain').send('the schema is not loaded yet\n');
      if (sdl?.schema !== schema) sdl = { schema, text: printSchema(schema) };
      res.set('Cache-Control', 'no-cache').type('text/plain').send(sdl.text);
    });
    const graphiqlPage = page('graphiql.html');
    router.get('/graphql', (req, res, next) => {
      res.vary('Accept');
      if (!wantsHtml(req)) return next();
      graphiqlPage(req, res);
    });
  }
  return router;
}
