import http, { type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFileSync } from 'node:fs';
import { ApolloGateway } from '@apollo/gateway';
import { ApolloServer, type ApolloServerPlugin } from '@apollo/server';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { ApolloServerPluginCacheControlDisabled, ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import express, { type NextFunction, type Request, type Response } from 'express';
import type { GraphQLSchema } from 'graphql';
import { ErrorCode } from '@booking/contracts';
import { clientAddressOf, corsHandler, type AcceptedTokens, corsOrigins, createVerifier, formatError, handleHealth, jsonErrors, localSigner, plainCors, plainRoutes, runHttpGraphQL, sendResponse, type BookingRateLimiter, type GraphQLPost, type Logger, type PlainRoute, type Service } from '@booking/service-kit';
import { createSocketGuard } from './subscriptions/guard.ts';
import { createSubscriptionServer } from './subscriptions/server.ts';
import { operationLimitsOf, type GatewayConfig } from './config.ts';
import { devSignInRouter } from './auth.ts';
import { callerFrom, unauthenticatedStatus, type GatewayContext } from './context.ts';
import { createSubgraphClient, type SubgraphClient } from './datasource.ts';
import { limitRules, operationGuard, parseOptions } from './limits.ts';
import { metricsHandler, security } from './metrics.ts';
import { bookingRateLimit } from './rate-limit.ts';
import { graphqlPostRoute, type AnswerGraphQL } from './graphql-post.ts';
import { createReadCache, type ReadCache } from './read-cache.ts';
import { httpRestReads, restRouter, type Execute } from './rest.ts';
import { webRouter } from './web.ts';

/** Subgraph connections opened per subgraph before serving (NGINX keeps 64 to the gateway). */
const WARM_CONNECTIONS = 64;

export const SUPERGRAPH_PATH = new URL('../supergraph.graphql', import.meta.url);

/** What the gateway needs to know; Redis is the caller's (stack mode) or not used (embedded mode). */
export type GatewayOptions = Omit<GatewayConfig, 'REDIS_URL' | 'REDIS_KEY_PREFIX'>;

/**
 * The caller, the client address the booking rate limits count, and whether
 * the answer depends on nothing but the request (set once it is known; an
 * object of its own, as Apollo hands plugins a shallow copy of the context).
 */
type Context = GatewayContext & { clientIp: string | null; answer?: { shareable: boolean } };

/** Marks answers any anonymous caller could share: a query answered without errors. */
const shareableAnswers: ApolloServerPlugin<Context> = {
  async requestDidStart() {
    return {
      async willSendResponse({ contextValue, operation, response }) {
        if (!contextValue.answer) return;
        contextValue.answer.shareable =
          contextValue.caller === null &&
          operation?.operation === 'query' &&
          response.body.kind === 'single' &&
          !response.body.singleResult.errors?.length &&
          (response.http.status ?? 200) === 200;
      },
    };
  },
};

/**
 * Apollo's HTTP handling of one GraphQL request whose body is read, with
 * anonymous queries' answers shared through `cache` under the key the
 * route gave.
 */
function graphqlAnswer(server: ApolloServer<Context>, contextOf: (req: IncomingMessage) => Promise<Context>, cache: ReadCache): AnswerGraphQL {
  return async (req, res, body, key) => {
    const answer = await cache.answer(key, async () => {
      const marks = { shareable: false };
      const response = await runHttpGraphQL(server, req, body, async () => ({ ...(await contextOf(req)), answer: marks }));
      return { response, shareable: response.status === 200 && marks.shareable };
    });
    sendResponse(res, answer);
  };
}

/** What the gateway serves in process instead of through another service (embedded mode). */
export interface InProcessRoutes {
  /**
   * Routes of the other services answered here on plain node:http, before
   * express, as NGINX routes them to those services in stack mode (the
   * REST reads, `POST /api/book`); `'METHOD /path'` or `'METHOD /dir/*'`.
   */
  routes?: Record<string, PlainRoute>;
  /** Subgraphs answered in process, by name, instead of over HTTP. */
  subgraphs?: Record<string, GraphQLPost>;
  /** The tokens the subgraphs in this process have accepted, so a forwarded token is verified once. */
  acceptedTokens?: AcceptedTokens;
}

/**
 * `rateLimiter` counts booking requests (Redis in stack mode, in process in
 * embedded mode).
 */
export function createGateway(config: GatewayOptions, log: Logger, rateLimiter: BookingRateLimiter, inProcess: InProcessRoutes = {}): Service & { port(): number } {
  const restReads = httpRestReads(config.EVENTS_URL);
  const limits = operationLimitsOf(config);
  const verifier = createVerifier(config, { onRefused: (reason) => security.refused(`token_${reason}`), accepted: inProcess.acceptedTokens });
  const identify = (authorization: unknown) => callerFrom(verifier, authorization);
  const urls: Record<string, string> = { bookings: config.BOOKINGS_URL, events: config.EVENTS_URL };
  const supergraphSdl = readFileSync(SUPERGRAPH_PATH, 'utf8');
  const clients: SubgraphClient[] = [];
  /** What a subgraph learns about the caller: the end user's token, which it verifies itself, as behind any federation router. */
  const callerHeaders = (context: GatewayContext): Record<string, string> => (context.caller ? { authorization: context.caller.authorization } : {});
  const gateway = new ApolloGateway({
    supergraphSdl,
    buildService: ({ name, url }) => {
      const client = createSubgraphClient(urls[name] ?? url!, callerHeaders, inProcess.subgraphs?.[name]);
      clients.push(client);
      return client;
    },
  });
  let apiSchema: GraphQLSchema | null = null;
  gateway.onSchemaLoadOrUpdate(({ apiSchema: schema }) => (apiSchema = schema));
  let subscriptions: ReturnType<typeof createSubscriptionServer> | null = null;
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', config.TRUSTED_PROXIES);
  const clientAddress = clientAddressOf(config.TRUSTED_PROXIES);
  // Answered before express; POST /graphql joins them once started (graphqlPostRoute).
  const routes: Record<string, PlainRoute> = { ...inProcess.routes };
  const serve = plainRoutes(routes, app);
  const httpServer = http.createServer((req, res) => void serve(req, res));
  // NGINX keeps idle upstream connections for 60 s (nginx/templates); Node's
  // default 5 s would close them under it and a reused one answers with a
  // reset, which NGINX turns into a 502 for a POST.
  httpServer.keepAliveTimeout = 65_000;
  httpServer.headersTimeout = 66_000;
  const server = new ApolloServer<Context>({
    gateway,
    includeStacktraceInErrorResponses: false,
    formatError: formatError(log),
    // Every limit is checked while parsing and validating, before the query planner sees the document.
    parseOptions: parseOptions(limits),
    validationRules: limitRules(limits),
    introspection: limits.introspection,
    csrfPrevention: true,
    plugins: [
      ApolloServerPluginDrainHttpServer({ httpServer }),
      ApolloServerPluginLandingPageDisabled(),
      // Nothing here sets or forwards cache hints; the plugin visits every field.
      ApolloServerPluginCacheControlDisabled(),
      operationGuard(security.refused),
      bookingRateLimit<Context>(rateLimiter, (ctx) => ({ userId: ctx.caller?.userId ?? null, clientIp: ctx.clientIp })),
      unauthenticatedStatus,
      shareableAnswers,
    ],
  });
  const readCache = createReadCache({ ttlMs: config.GRAPHQL_READ_CACHE_MS, staleMs: config.GRAPHQL_READ_CACHE_STALE_MS, maxBytes: config.GRAPHQL_READ_CACHE_MAX_BYTES });
  let started = false;
  let boundPort = config.PORT;

  const execute: Execute = async (query, variables, caller, clientIp = null) => {
    const response = await server.executeOperation({ query, variables }, { contextValue: { caller, clientIp } });
    if (response.body.kind !== 'single') throw new Error('unexpected incremental response');
    return response.body.singleResult as Awaited<ReturnType<Execute>>;
  };

  const subgraphUp = async (url: string) => {
    try {
      const res = await fetch(new URL('/readyz', url), { signal: AbortSignal.timeout(1000) });
      return res.ok;
    } catch {
      return false;
    }
  };

  return {
    port: () => boundPort,
    async start() {
      await server.start();
      // A burst right after start would otherwise open every subgraph
      // connection at once and wait seconds for some (docs/benchmarks.md).
      await Promise.all(clients.map((c) => c.warm(WARM_CONNECTIONS)));
      subscriptions = createSubscriptionServer({
        httpServer,
        supergraphSdl,
        subgraphUrls: urls,
        identify,
        log,
        guard: (schema) =>
          createSocketGuard(schema, {
            limits,
            clientAddress,
            maxSocketsPerClient: config.SOCKETS_PER_CLIENT,
            maxSubscriptionsPerSocket: config.SUBSCRIPTIONS_PER_SOCKET,
            onRefused: security.refused,
          }),
        maxBufferedBytes: config.SUBSCRIPTION_MAX_BUFFERED_BYTES,
      });
      started = true;
      const cors = corsHandler(corsOrigins(config));
      const refused = (problem: { code: string }) => security.refused(problem.code.toLowerCase());
      const answer = graphqlAnswer(server, async (req) => ({ caller: await identify(req.headers.authorization), clientIp: clientAddress(req) }), readCache);
      const graphql = [
        express.json({ limit: config.MAX_BODY_BYTES }),
        (req: Request, res: Response, next: NextFunction) => void answer(req, res, req.body, null).catch(next),
        jsonErrors(log, 'graphql', refused),
      ];
      routes['POST /graphql'] = graphqlPostRoute({
        answer,
        cache: readCache,
        maxBodyBytes: config.MAX_BODY_BYTES,
        cors: plainCors(corsOrigins(config)).wrap,
        fallback: app,
        onProblem: (problem, error) => {
          if (problem.status >= 500) return log.error({ err: error, method: 'POST', path: '/graphql' }, 'request failed');
          refused(problem);
          log.debug({ code: problem.code, method: 'POST', path: '/graphql' }, 'request refused');
        },
      });
      app.use(async (req, res, next) => {
        const handled = await handleHealth(req, res, async () => ({
          gateway: started,
          bookings: await subgraphUp(config.BOOKINGS_URL),
          events: await subgraphUp(config.EVENTS_URL),
        }));
        if (!handled) next();
      });
      app.get(
        '/metrics',
        metricsHandler({
          sockets: () => subscriptions?.sockets() ?? 0,
          subscriptions: (field) => subscriptions?.subscriptions()[field] ?? 0,
          upstream: () => subscriptions?.upstream() ?? { subscriptions: 0, sockets: 0 },
          slowClosed: () => subscriptions?.slowClosed() ?? 0,
        }),
      );
      app.use(['/api', '/graphql'], cors);
      // Outside production anyone may act as anyone: a REST booking acts for
      // the body's userId, as the original API did, and pages sign in by name.
      const actAs = config.NODE_ENV === 'production' ? null : localSigner(config);
      if (actAs) app.use('/auth', devSignInRouter(actAs));
      app.use('/api', restRouter({ execute, identify, actAs, maxBodyBytes: config.MAX_BODY_BYTES, reads: restReads }), jsonErrors(log, 'rest', refused));
      app.use(webRouter(config, log, () => apiSchema));
      app.use('/graphql', ...graphql);
      app.use((_req, res) => void res.status(404).json({ message: 'no such route', code: ErrorCode.NOT_FOUND }));
      app.use(jsonErrors(log, 'rest', refused));
      await new Promise<void>((resolve, reject) => {
        httpServer.once('error', reject);
        // A deep accept queue: a burst of new connections waits instead of being dropped.
        httpServer.listen({ port: config.PORT, host: config.HOST, backlog: 4096 }, () => resolve());
      });
      boundPort = (httpServer.address() as AddressInfo).port;
      log.info({ port: boundPort, graphql: `http://localhost:${boundPort}/graphql` }, 'gateway listening');
    },
    async stop() {
      started = false;
      await subscriptions?.stop();
      await server.stop();
      for (const c of clients) c.close();
    },
  };
}
