import {
  GraphQLError,
  Kind,
  execute,
  getVariableValues,
  type DocumentNode,
  type ExecutionResult,
  type GraphQLFieldResolver,
  type GraphQLSchema,
  type OperationDefinitionNode,
} from 'graphql';
import { ErrorCode } from '@booking/contracts';
import { createHub, SlowConsumerError, type Logger } from '@booking/service-kit';
import { runPlan, type SubgraphFetch, type UpstreamError, type UpstreamResult } from './entities.ts';
import type { SubscriptionPlanner } from './planner.ts';
import type { Identity, Upstream } from './upstream.ts';

/** Events whose payload is still being completed before a subscription is ended as too slow. */
const MAX_BACKLOG = 1_000;

/** Data merged from subgraph responses is keyed by response name (aliases included). */
const byResponseName: GraphQLFieldResolver<unknown, unknown> = (source, _args, _ctx, info) => (source as Record<string, unknown> | null)?.[info.path.key];

const toGraphQLError = (e: UpstreamError) => new GraphQLError(e.message, { path: e.path, extensions: e.extensions });

export interface SubscribeRequest {
  document: DocumentNode;
  operationName?: string | null;
  variables?: Record<string, unknown> | null;
  identity: Identity;
}

export interface SharedResultsDeps {
  schema: GraphQLSchema;
  planner: SubscriptionPlanner;
  upstream: Upstream;
  fetch: SubgraphFetch;
  log: Logger;
}

/**
 * Subscribers sending the same (document, variables, identity) share one
 * stream: its upstream subscription, the entity fetches of each event and
 * the shaped result, leaving each subscriber only the serialisation and the
 * socket write. Each subscriber reads through a bounded queue.
 */
export function createSharedResults(deps: SharedResultsDeps) {
  const streams = new Map<string, { subscribe(): AsyncIterableIterator<ExecutionResult> }>();
  const documentIds = new WeakMap<DocumentNode, number>();
  let nextDocumentId = 0;
  const open = new Map<string, number>();
  const count = (field: string, by: number) => open.set(field, (open.get(field) ?? 0) + by);

  const createStream = (key: string, req: SubscribeRequest, operation: OperationDefinitionNode, variables: Record<string, unknown>) => {
    const plan = deps.planner.plan(req.document, req.operationName);
    const hub = createHub<ExecutionResult>();
    let backlog = 0;
    let chain = Promise.resolve();
    const headers = { ...req.identity };

    const complete = async (result: UpstreamResult): Promise<ExecutionResult> => {
      if (!result.data) return { errors: (result.errors ?? []).map(toGraphQLError) };
      const data = structuredClone(result.data);
      const errors = [...(result.errors ?? [])];
      if (plan.rest) await runPlan(plan.rest, [data], { fetch: deps.fetch, variables, headers, errors });
      const shaped = await execute({ schema: deps.schema, document: req.document, operationName: req.operationName, variableValues: variables, rootValue: data, fieldResolver: byResponseName });
      return errors.length > 0 ? { ...shaped, errors: [...errors.map(toGraphQLError), ...(shaped.errors ?? [])] } : shaped;
    };
    let ended = false;
    const end = () => {
      if (ended) return;
      ended = true;
      if (streams.get(key) === stream) streams.delete(key);
      hub.complete('');
      leave();
    };
    const leave = deps.upstream.subscribe(plan.primary.serviceName, plan.primary.operation, pick(variables, plan.primary.variableUsages), req.identity, {
      next(result) {
        if (++backlog > MAX_BACKLOG) {
          hub.publish('', { errors: [new GraphQLError(`subscription fell ${MAX_BACKLOG} events behind`, { extensions: { code: ErrorCode.SERVICE_UNAVAILABLE } })] });
          return end();
        }
        chain = chain
          .then(() => complete(result))
          .then(
            (shaped) => hub.publish('', shaped),
            (err: unknown) => {
              deps.log.warn({ err }, 'subscription event could not be completed');
              hub.publish('', { errors: [new GraphQLError('the event could not be completed', { extensions: { code: ErrorCode.SERVICE_UNAVAILABLE } })] });
            },
          )
          .finally(() => backlog--);
      },
      end(errors) {
        chain = chain.then(() => {
          if (errors?.length) hub.publish('', { errors: errors.map(toGraphQLError) });
          end();
        });
      },
    });
    const field = operation.selectionSet.selections.find((s) => s.kind === Kind.FIELD)?.name.value ?? '';
    const stream = {
      subscribe(): AsyncIterableIterator<ExecutionResult> {
        const source = hub.subscribe('');
        count(field, 1);
        let counted = true;
        const done = () => {
          if (counted) count(field, -1);
          counted = false;
          if (hub.size() === 0) end();
        };
        return {
          [Symbol.asyncIterator]() {
            return this;
          },
          async next() {
            try {
              const r = await source.next();
              if (r.done) done();
              return r;
            } catch (error) {
              done();
              if (!(error instanceof SlowConsumerError)) throw error;
              // Ends this subscriber alone, with a reason, after what it already has.
              void source.return!();
              return { value: { errors: [error] }, done: false };
            }
          },
          async return() {
            await source.return!();
            done();
            return { value: undefined, done: true };
          },
        };
      },
    };
    return stream;
  };

  return {
    /** Client subscriptions by root field, for metrics and leak checks. */
    open: () => Object.fromEntries(open),
    subscribe(req: SubscribeRequest): AsyncIterableIterator<ExecutionResult> | ExecutionResult {
      const operation = req.document.definitions.find(
        (d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION && (!req.operationName || d.name?.value === req.operationName),
      );
      if (!operation) return { errors: [new GraphQLError('no such operation', { extensions: { code: ErrorCode.BAD_USER_INPUT } })] };
      const coerced = getVariableValues(deps.schema, operation.variableDefinitions ?? [], req.variables ?? {});
      if (coerced.errors) return { errors: coerced.errors.map((e) => new GraphQLError(e.message, { extensions: { code: ErrorCode.BAD_USER_INPUT } })) };
      if (!documentIds.has(req.document)) documentIds.set(req.document, ++nextDocumentId);
      const key = [documentIds.get(req.document), req.operationName ?? '', JSON.stringify(coerced.coerced), JSON.stringify(req.identity)].join('\u0000');
      let stream = streams.get(key);
      if (!stream) {
        stream = createStream(key, req, operation, coerced.coerced);
        streams.set(key, stream);
      }
      return stream.subscribe();
    },
  };
}

function pick(values: Record<string, unknown>, names: readonly string[] | undefined): Record<string, unknown> {
  return Object.fromEntries((names ?? []).filter((n) => n in values).map((n) => [n, values[n]]));
}
