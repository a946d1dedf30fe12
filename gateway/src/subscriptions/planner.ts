import { buildSchema, type DocumentNode } from 'graphql';
import { Supergraph, operationFromDocument, printSchema } from '@apollo/federation-internals';
import { QueryPlanner, type SubscriptionNode } from '@apollo/query-planner';

/**
 * Plans subscriptions over the supergraph the way federation routers do: a
 * primary subscription to the subgraph that owns the root field, then entity
 * fetches (`_entities`) for fields of other subgraphs, run on every event.
 * One plan per (document, operation name).
 */
export function createSubscriptionPlanner(supergraphSdl: string) {
  const supergraph = Supergraph.build(supergraphSdl);
  const planner = new QueryPlanner(supergraph);
  const plans = new WeakMap<DocumentNode, Map<string, SubscriptionNode>>();
  return {
    /** The schema clients see, built by this process's graphql from its SDL. */
    apiSchema: buildSchema(printSchema(supergraph.apiSchema())),
    plan(document: DocumentNode, operationName?: string | null): SubscriptionNode {
      const byName = plans.get(document) ?? new Map<string, SubscriptionNode>();
      plans.set(document, byName);
      let plan = byName.get(operationName ?? '');
      if (!plan) {
        const operation = operationFromDocument(supergraph.schema, document, { operationName: operationName ?? undefined, validate: false });
        const node = planner.buildQueryPlan(operation).node;
        if (node?.kind !== 'Subscription') throw new Error('not a subscription');
        plan = node;
        byName.set(operationName ?? '', plan);
      }
      return plan;
    },
  };
}
export type SubscriptionPlanner = ReturnType<typeof createSubscriptionPlanner>;
