import http, { type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApolloServer, HeaderMap, type ApolloServerPlugin, type BaseContext } from '@apollo/server';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { expressMiddleware } from '@as-integrations/express5';
import express from 'express';
import { GraphQLError, type GraphQLFormattedError, type GraphQLSchema } from 'graphql';
import { ErrorCode } from '@booking/contracts';
import type { Logger } from './logger.ts';
import { handleHealth, type Readiness } from './health.ts';
import { jsonErrors, problemText, type HttpProblem } from './http-errors.ts';
import { INTERNAL_PROBLEM, isPlainJson, parseJsonBody, readBodyText } from './json-body.ts';
import { plainRoutes, sendJsonText, type PlainRoute } from './cors.ts';
import { serveSubscriptions, type RequestHeaders } from './subscription-transports.ts';

/**
 * What clients see of an error: its stable code and message when it carries
 * one, never a stack, file path or internal message. Apollo files validation
 * errors under GRAPHQL_VALIDATION_FAILED; a rule that gave its own code
 * (QUERY_TOO_COMPLEX) keeps it. A JavaScript error under a client-facing code
 * (a parser running out of stack) keeps the code and loses its message.
 */
export function formatError(log: Logger) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const original = error instanceof GraphQLError ? error.originalError : undefined;
    const ownCode = original instanceof GraphQLError ? original.extensions.code : undefined;
    const code = typeof ownCode === 'string' ? ownCode : formatted.extensions?.code;
    if (code === undefined || code === 'INTERNAL_SERVER_ERROR') {
      log.error({ err: error }, 'unexpected error in resolver');
      return { message: 'Internal server error', extensions: { code: 'INTERNAL_SERVER_ERROR' }, path: formatted.path };
    }
    const { stacktrace: _stacktrace, exception: _exception, http: _http, ...extensions } = formatted.extensions ?? {};
    if (original instanceof Error && !(original instanceof GraphQLError)) {
      log.warn({ err: original, code }, 'request refused after an internal error');
      return { message: 'the request could not be processed', extensions: { ...extensions, code } };
    }
    return { ...formatted, extensions: { ...extensions, code } };
  };
}

/** Largest request body /graphql reads. */
const MAX_BODY_BYTES = 64 * 1024;

/** A GraphQL POST (its JSON body and headers) answered without HTTP: status and body text. */
export type GraphQLPost = (body: object, headers: Record<string, string>) => Promise<{ status: number; text: string }>;

/**
 * A subgraph's `/graphql` answered in process, for a gateway in the same
 * process (embedded mode); refused until the subgraph's server has started.
 */
export function inProcessGraphQL(subgraph: string, server: () => { post: GraphQLPost } | null): GraphQLPost {
  return (body, headers) => {
    const started = server();
    if (!started) throw new Error(`the ${subgraph} subgraph is not started`);
    return started.post(body, headers);
  };
}

/** An answer as sent: status, headers (with the length) and the body text. */
export interface SentResponse {
  status: number;
  headers: [string, string][];
  body: string;
}

/**
 * One GraphQL request whose body is already read, through Apollo's HTTP
 * handling as its express integration runs it; `context` gets the request's
 * headers with lower-case names.
 */
export async function runHttpGraphQL<C extends BaseContext>(
  apollo: ApolloServer<C>,
  req: { method?: string; url?: string; headers: Record<string, string | string[] | undefined> },
  body: unknown,
  context: (headers: IncomingHttpHeaders) => Promise<C>,
): Promise<SentResponse> {
  const headers = new HeaderMap();
  for (const [name, value] of Object.entries(req.headers)) if (value !== undefined) headers.set(name.toLowerCase(), Array.isArray(value) ? value.join(', ') : value);
  const url = req.url ?? '';
  const query = url.indexOf('?');
  const response = await apollo.executeHTTPGraphQLRequest({
    httpGraphQLRequest: { method: (req.method ?? 'POST').toUpperCase(), headers, search: query >= 0 ? url.slice(query) : '', body },
    context: () => context(Object.fromEntries(headers)),
  });
  let text = '';
  if (response.body.kind === 'complete') text = response.body.string;
  else for await (const chunk of response.body.asyncIterator) text += chunk;
  return { status: response.status ?? 200, headers: [...response.headers, ['content-length', String(Buffer.byteLength(text))]], body: text };
}

export function sendResponse(res: http.ServerResponse, answer: SentResponse) {
  for (const [name, value] of answer.headers) res.setHeader(name, value);
  res.statusCode = answer.status;
  res.end(answer.body);
}

/** A refusal in the GraphQL shape (`errors[0].extensions.code`), or the end of an answer already started. */
export function sendGraphQLProblem(res: http.ServerResponse, problem: HttpProblem) {
  if (res.headersSent) return void res.end();
  sendJsonText(res, problem.status, problemText(problem, 'graphql'));
}

export interface GraphQLHttpServerOptions<C extends BaseContext> {
  schema: GraphQLSchema;
  /** Built from the request's headers, or a socket's upgrade headers and `connection_init` payload. */
  context: (req: RequestHeaders) => Promise<C> | C;
  readiness: Readiness;
  log: Logger;
  plugins?: ApolloServerPlugin<C>[];
  /**
   * Routes answered with plain node:http, before express: `'METHOD /path'`
   * exactly, or `'METHOD /dir/*'` for every path one level under `/dir/`.
   */
  routes?: Record<string, PlainRoute>;
}

/**
 * An HTTP server answering /graphql (queries and mutations over HTTP;
 * subscriptions over graphql-ws and GraphQL over SSE), /healthz and /readyz,
 * drained on stop.
 */
export async function createGraphQLHttpServer<C extends BaseContext>(opts: GraphQLHttpServerOptions<C>) {
  const app = express();
  app.disable('x-powered-by');
  const routes: Record<string, PlainRoute> = { ...opts.routes };
  const serve = plainRoutes(routes, app);
  const server = http.createServer((req, res) => void serve(req, res));
  // Callers (NGINX, the gateway) keep idle connections for up to 60 s: the
  // default 5 s would close them under them, and a request on a reset one fails.
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  const apollo = new ApolloServer<C>({
    schema: opts.schema,
    includeStacktraceInErrorResponses: false,
    formatError: formatError(opts.log),
    plugins: [ApolloServerPluginDrainHttpServer({ httpServer: server }), ...(opts.plugins ?? [])],
  });
  await apollo.start();
  app.use(async (req, res, next) => {
    if (!(await handleHealth(req, res, opts.readiness))) next();
  });
  const subscriptions = serveSubscriptions({ server, schema: opts.schema, context: opts.context, log: opts.log });
  app.use('/graphql', express.json({ limit: MAX_BODY_BYTES }), subscriptions.sse, expressMiddleware(apollo, { context: async ({ req }) => opts.context(req) }));
  app.use(jsonErrors(opts.log, 'graphql'));

  const contextOf = (headers: IncomingHttpHeaders) => Promise.resolve(opts.context({ headers }));

  // Queries and mutations with a plain JSON body skip express and body-parser
  // (the gateway calls this for every operation); subscriptions over SSE and
  // anything else POSTed here go on to express.
  const refuse = (res: http.ServerResponse, problem: HttpProblem, error?: unknown) => {
    if (problem.status >= 500) opts.log.error({ err: error }, 'request failed');
    sendGraphQLProblem(res, problem);
  };
  routes['POST /graphql'] = async (req, res) => {
    if (!isPlainJson(req) || (req.headers.accept ?? '').includes('text/event-stream')) return app(req, res);
    const text = await readBodyText(req, MAX_BODY_BYTES);
    if (typeof text !== 'string') return refuse(res, text);
    const body = parseJsonBody(text);
    if (!('json' in body)) return refuse(res, body);
    try {
      sendResponse(res, await runHttpGraphQL(apollo, req, body.json, contextOf));
    } catch (error) {
      refuse(res, INTERNAL_PROBLEM, error);
    }
  };
  return {
    app,
    server,
    /** Open subscription sockets and streams. */
    subscribers: subscriptions.size,
    /**
     * A GraphQL POST answered in process, as /graphql answers it over HTTP
     * (same context, plugins and errors): for a caller in the same process.
     */
    post: (async (body, headers) => {
      // As the body would arrive as JSON: a field that is undefined is absent.
      const json = Object.fromEntries(Object.entries(body).filter(([, v]) => v !== undefined));
      const answer = await runHttpGraphQL(apollo, { headers: { ...headers, 'content-type': 'application/json' } }, json, contextOf);
      return { status: answer.status, text: answer.body };
    }) as GraphQLPost,
    async listen(port: number, host = '0.0.0.0'): Promise<number> {
      // After every route the caller added to `app`: anything else is a JSON 404, not Express's HTML page.
      app.use((_req, res) => void res.status(404).json({ message: 'no such route', code: ErrorCode.NOT_FOUND }));
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen({ port, host, backlog: 4096 }, () => resolve());
      });
      return (server.address() as AddressInfo).port;
    },
    /** Ends subscriptions, stops accepting requests and waits for those in flight. */
    async stop() {
      await subscriptions.stop();
      await apollo.stop();
    },
  };
}
