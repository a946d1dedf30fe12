import type { FetchNode, PlanNode, QueryPlanSelectionNode } from '@apollo/query-planner';

export interface UpstreamError {
  message: string;
  path?: readonly (string | number)[];
  extensions?: Record<string, unknown>;
}

export interface UpstreamResult {
  data?: Record<string, unknown> | null;
  errors?: readonly UpstreamError[];
}

/** Sends one operation to a subgraph over HTTP with the subscriber's identity headers. */
export type SubgraphFetch = (service: string, query: string, variables: Record<string, unknown>, headers: Record<string, string>) => Promise<UpstreamResult>;

type Json = Record<string, unknown>;

export function createSubgraphFetch(urls: Record<string, string>, timeoutMs = 10_000): SubgraphFetch {
  return async (service, query, variables, headers) => {
    const url = urls[service];
    if (!url) throw new Error(`no URL for subgraph ${service}`);
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify({ query, variables }),
      signal: AbortSignal.timeout(timeoutMs),
    });
    return (await res.json()) as UpstreamResult;
  };
}

/** Objects at a plan path; `@` steps into every element of a list. */
function objectsAt(targets: Json[], path: readonly (string | number)[]): Json[] {
  let current: unknown[] = targets;
  for (const step of path) {
    current = current.flatMap((value) => {
      if (value === null || value === undefined) return [];
      if (step === '@') return Array.isArray(value) ? value : [];
      return [(value as Json)[step]];
    });
  }
  return current.flatMap((v) => (Array.isArray(v) ? v : [v])).filter((v): v is Json => v !== null && typeof v === 'object');
}

/** The representation of an entity for `_entities`: the fields a fetch requires, for the object's type. */
function represent(object: Json, selections: readonly QueryPlanSelectionNode[]): Json | null {
  const out: Json = {};
  for (const selection of selections) {
    if (selection.kind === 'InlineFragment') {
      if (selection.typeCondition && selection.typeCondition !== object.__typename) continue;
      Object.assign(out, represent(object, selection.selections));
      continue;
    }
    const value = object[selection.name];
    if (value === undefined) return null;
    out[selection.name] =
      selection.selections && value !== null
        ? Array.isArray(value)
          ? value.map((v) => represent(v as Json, selection.selections!))
          : represent(value as Json, selection.selections)
        : value;
  }
  return Object.keys(out).length > 0 ? out : null;
}

/** Merges a fetched entity into the object it completes, by response name. */
function merge(target: Json, source: Json) {
  for (const [key, value] of Object.entries(source)) {
    const existing = target[key];
    if (Array.isArray(existing) && Array.isArray(value)) existing.forEach((item, i) => item && value[i] && merge(item as Json, value[i] as Json));
    else if (existing && value && typeof existing === 'object' && typeof value === 'object') merge(existing as Json, value as Json);
    else target[key] = value;
  }
}

export interface PlanContext {
  fetch: SubgraphFetch;
  variables: Record<string, unknown>;
  headers: Record<string, string>;
  errors: UpstreamError[];
}

async function runFetch(node: FetchNode, targets: Json[], ctx: PlanContext) {
  if (!node.requires) throw new Error(`unsupported fetch without requires to ${node.serviceName}`);
  const entities: Json[] = [];
  const representations: Json[] = [];
  for (const target of targets) {
    const representation = represent(target, node.requires);
    if (representation) {
      entities.push(target);
      representations.push(representation);
    }
  }
  if (representations.length === 0) return;
  const variables: Record<string, unknown> = { representations };
  for (const name of node.variableUsages ?? []) variables[name] = ctx.variables[name];
  const result = await ctx.fetch(node.serviceName, node.operation, variables, ctx.headers);
  if (result.errors?.length) ctx.errors.push(...result.errors.map((e) => ({ message: e.message, ...(e.extensions ? { extensions: e.extensions } : {}) })));
  const fetched = (result.data?._entities ?? []) as (Json | null)[];
  entities.forEach((entity, i) => fetched[i] && merge(entity, fetched[i]));
}

/**
 * Runs the part of a subscription plan after the primary subscription on
 * one event's data: entity fetches to other subgraphs, merged in place.
 * Errors of a fetch are collected; the fields it would have filled stay
 * missing and are reported as errors when the result is shaped.
 */
export async function runPlan(node: PlanNode, targets: Json[], ctx: PlanContext): Promise<void> {
  switch (node.kind) {
    case 'Sequence':
      for (const child of node.nodes) await runPlan(child, targets, ctx);
      return;
    case 'Parallel':
      await Promise.all(node.nodes.map((child) => runPlan(child, targets, ctx)));
      return;
    case 'Flatten':
      return runPlan(node.node, objectsAt(targets, node.path), ctx);
    case 'Fetch':
      return runFetch(node, targets, ctx);
    default:
      throw new Error(`unsupported plan node ${node.kind}`);
  }
}
