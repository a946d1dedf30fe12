import {
  GraphQLError,
  Kind,
  NoSchemaIntrospectionCustomRule,
  getNamedType,
  getNullableType,
  isCompositeType,
  isListType,
  isObjectType,
  isInterfaceType,
  parse,
  type DocumentNode,
  type GraphQLCompositeType,
  type GraphQLOutputType,
  type SelectionSetNode,
  type ValidationContext,
  type ValidationRule,
} from 'graphql';
import type { ApolloServerPlugin } from '@apollo/server';
import { maxAliasesRule } from '@escape.tech/graphql-armor-max-aliases';
import { maxDepthRule } from '@escape.tech/graphql-armor-max-depth';
import { maxDirectivesRule } from '@escape.tech/graphql-armor-max-directives';
import { ErrorCode } from '@booking/contracts';

/** Bounds on one GraphQL document, all checked while validating, before any planning or execution. */
export interface OperationLimits {
  /** Nesting of fields, inline fragments and fragment spreads. */
  maxDepth: number;
  maxAliases: number;
  maxDirectives: number;
  /** Lexer tokens; checked by the parser itself, so a huge document is never built. */
  maxTokens: number;
  /** Field selections with every fragment expanded. */
  maxFields: number;
  /** Estimated objects resolved, list fields multiplied by their size estimate. */
  maxCost: number;
  /** Size estimate per list field (`Type.field`), like `@listSize(assumedSize:)`. */
  listSizes: Readonly<Record<string, number>>;
  /** Size estimate of a list field not named in listSizes. */
  defaultListSize: number;
  introspection: boolean;
}

/** What a refused document counted, for logs and metrics. */
export type LimitName = 'depth' | 'aliases' | 'directives' | 'fields' | 'cost';

const tooComplex = (message: string, limit: LimitName) =>
  new GraphQLError(`operation too complex: ${message}`, { extensions: { code: ErrorCode.QUERY_TOO_COMPLEX, limit } });

/**
 * Estimated cost and expanded field count of every operation in a document.
 * Objects cost 1, scalars 0, and a list field multiplies what is under it by
 * its size estimate (the model of Apollo Router's demand control). Each
 * fragment is measured once, so the work is linear in the document's size
 * however the fragments multiply.
 */
export function measureDocument(
  context: Pick<ValidationContext, 'getSchema' | 'getFragment'>,
  operations: readonly { selectionSet: SelectionSetNode; operation: 'query' | 'mutation' | 'subscription' }[],
  limits: Pick<OperationLimits, 'listSizes' | 'defaultListSize'>,
): { fields: number; cost: number } {
  const schema = context.getSchema();
  const fragments = new Map<string, { fields: number; cost: number }>();

  const listFactor = (parent: GraphQLCompositeType, field: string, type: GraphQLOutputType) => {
    let factor = 1;
    for (let t = getNullableType(type); isListType(t); t = getNullableType(t.ofType)) factor *= limits.listSizes[`${parent.name}.${field}`] ?? limits.defaultListSize;
    return factor;
  };

  const walk = (set: SelectionSetNode, parent: GraphQLCompositeType | undefined): { fields: number; cost: number } => {
    let fields = 0;
    let cost = 0;
    for (const sel of set.selections) {
      if (sel.kind === Kind.FIELD) {
        fields++;
        const def = parent && (isObjectType(parent) || isInterfaceType(parent)) ? parent.getFields()[sel.name.value] : undefined;
        if (!sel.selectionSet) continue;
        const type = def ? getNamedType(def.type) : undefined;
        const inner = walk(sel.selectionSet, type && isCompositeType(type) ? type : undefined);
        fields += inner.fields;
        cost += (def && parent ? listFactor(parent, sel.name.value, def.type) : 1) * (1 + inner.cost);
      } else if (sel.kind === Kind.INLINE_FRAGMENT) {
        const type = sel.typeCondition ? schema.getType(sel.typeCondition.name.value) : parent;
        const inner = walk(sel.selectionSet, type && isCompositeType(type) ? type : undefined);
        fields += inner.fields;
        cost += inner.cost;
      } else {
        const name = sel.name.value;
        let inner = fragments.get(name);
        if (!inner) {
          fragments.set(name, { fields: 0, cost: 0 }); // a cycle counts nothing (and fails NoFragmentCycles anyway)
          const frag = context.getFragment(name);
          const type = frag ? schema.getType(frag.typeCondition.name.value) : undefined;
          inner = frag ? walk(frag.selectionSet, type && isCompositeType(type) ? type : undefined) : { fields: 0, cost: 0 };
          fragments.set(name, inner);
        }
        fields += inner.fields;
        cost += inner.cost;
      }
    }
    return { fields, cost };
  };

  let fields = 0;
  let cost = 0;
  for (const op of operations) {
    const root = op.operation === 'query' ? schema.getQueryType() : op.operation === 'mutation' ? schema.getMutationType() : schema.getSubscriptionType();
    const m = walk(op.selectionSet, root ?? undefined);
    fields = Math.max(fields, m.fields);
    cost = Math.max(cost, m.cost);
  }
  return { fields, cost };
}

/** Refuses a document any of whose operations selects too many fields or costs too much. */
function costRule(limits: OperationLimits): ValidationRule {
  return (context) => ({
    Document: {
      leave(document) {
        const operations = document.definitions.filter((d) => d.kind === Kind.OPERATION_DEFINITION);
        const { fields, cost } = measureDocument(context, operations, limits);
        if (fields > limits.maxFields) context.reportError(tooComplex(`${fields} fields with fragments expanded (max ${limits.maxFields})`, 'fields'));
        else if (cost > limits.maxCost) context.reportError(tooComplex(`estimated cost ${cost} (max ${limits.maxCost})`, 'cost'));
      },
    },
  });
}

/**
 * Validation rules enforcing the limits on every operation of a document,
 * whatever operation name it is later run under: the same rules run for
 * GraphQL over HTTP and over WebSocket, so a document validated once (and
 * cached by its text) stays within them.
 */
export function limitRules(limits: OperationLimits): ValidationRule[] {
  // graphql-armor's rules report through onReject; re-reported with our code.
  const report = (limit: LimitName) => ({
    propagateOnRejection: false,
    exposeLimits: true,
    onReject: [(ctx: ValidationContext | null, error: GraphQLError) => ctx?.reportError(tooComplex(error.message.replace(/^Syntax Error: /, ''), limit))],
  });
  return [
    maxDepthRule({ n: limits.maxDepth, ignoreIntrospection: false, flattenFragments: false, ...report('depth') }),
    maxAliasesRule({ n: limits.maxAliases, ...report('aliases') }),
    maxDirectivesRule({ n: limits.maxDirectives, ...report('directives') }),
    costRule(limits),
    ...(limits.introspection ? [] : [NoSchemaIntrospectionCustomRule]),
  ];
}

/** graphql-js parse with the token limit: a document over it is refused while lexing. */
export const parseOptions = (limits: Pick<OperationLimits, 'maxTokens'>) => ({ maxTokens: limits.maxTokens });

export const parseLimited = (source: string, limits: Pick<OperationLimits, 'maxTokens'>): DocumentNode => parse(source, parseOptions(limits));

/** `Type.field=size,...` as written in GRAPHQL_LIST_SIZES. */
export function parseListSizes(text: string): Record<string, number> {
  const sizes: Record<string, number> = {};
  for (const entry of text.split(',').map((e) => e.trim()).filter(Boolean)) {
    const match = /^([A-Za-z_]\w*\.[A-Za-z_]\w*)=(\d+)$/.exec(entry);
    if (!match) throw new Error(`"${entry}" is not Type.field=size`);
    sizes[match[1]!] = Number(match[2]);
  }
  return sizes;
}

/**
 * Over HTTP: refuses an operation name that picks no operation (or a document
 * of several operations with none named) and subscriptions, which are served
 * over WebSocket, with 400 and a code instead of letting the query planner
 * fail; and counts documents refused by the limits.
 */
export function operationGuard(onRefused: (reason: string) => void): ApolloServerPlugin {
  return {
    async requestDidStart() {
      return {
        async validationDidStart() {
          return async (errors) => {
            for (const error of (errors ?? []) as GraphQLError[]) {
              if (error.extensions?.code === ErrorCode.QUERY_TOO_COMPLEX) onRefused(`query_too_complex_${String(error.extensions.limit)}`);
            }
          };
        },
        async didResolveOperation({ operation, request }) {
          if (!operation) {
            onRefused('operation_not_found');
            throw new GraphQLError(
              request.operationName ? `no operation named "${request.operationName}" in the document` : 'the document has several operations: name one in operationName',
              { extensions: { code: ErrorCode.OPERATION_RESOLUTION_FAILURE, http: { status: 400 } } },
            );
          }
          if (operation.operation === 'subscription') {
            onRefused('subscription_over_http');
            throw new GraphQLError('subscriptions are served over WebSocket (graphql-ws) at /graphql', {
              extensions: { code: ErrorCode.OPERATION_NOT_SUPPORTED, http: { status: 400 } },
            });
          }
        },
      };
    },
  };
}
