import { GraphQLError, Kind, type DocumentNode, type FragmentDefinitionNode, type SelectionSetNode } from 'graphql';
import type { ApolloServerPlugin } from '@apollo/server';
import { ErrorCode } from '@booking/contracts';

export interface OperationCost {
  depth: number;
  fields: number;
}

/** Depth and field count of the operation, fragments expanded (cycles count once). */
export function measure(document: DocumentNode, operationName?: string | null): OperationCost {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const def of document.definitions) if (def.kind === Kind.FRAGMENT_DEFINITION) fragments.set(def.name.value, def);
  const operations = document.definitions.filter((d) => d.kind === Kind.OPERATION_DEFINITION);
  const op = operations.find((d) => !operationName || d.name?.value === operationName) ?? operations[0];
  if (!op) return { depth: 0, fields: 0 };
  let fields = 0;
  const walk = (set: SelectionSetNode, depth: number, seen: Set<string>): number => {
    let max = depth;
    for (const sel of set.selections) {
      if (sel.kind === Kind.FIELD) {
        fields++;
        if (sel.selectionSet) max = Math.max(max, walk(sel.selectionSet, depth + 1, seen));
      } else if (sel.kind === Kind.INLINE_FRAGMENT) {
        max = Math.max(max, walk(sel.selectionSet, depth, seen));
      } else {
        const frag = fragments.get(sel.name.value);
        if (frag && !seen.has(frag.name.value)) max = Math.max(max, walk(frag.selectionSet, depth, new Set([...seen, frag.name.value])));
      }
    }
    return max;
  };
  return { depth: walk(op.selectionSet, 1, new Set()), fields };
}

/** Refuses operations deeper or wider than allowed before any subgraph is called. */
export function operationLimits(maxDepth: number, maxFields: number): ApolloServerPlugin {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ document, operationName }) {
          const cost = measure(document, operationName);
          if (cost.depth > maxDepth || cost.fields > maxFields) {
            throw new GraphQLError(
              `operation too complex: depth ${cost.depth} (max ${maxDepth}), fields ${cost.fields} (max ${maxFields})`,
              { extensions: { code: ErrorCode.QUERY_TOO_COMPLEX, http: { status: 400 } } },
            );
          }
        },
      };
    },
  };
}
