import type { ApolloServerPlugin } from '@apollo/server';
import { ErrorCode } from '@booking/contracts';
import { authenticate, type Identity, type Verifier } from '@booking/service-kit';

/** A verified caller and the header that proves it, forwarded to the subgraphs (which verify it again). */
export interface Caller extends Identity {
  authorization: string;
}

export interface GatewayContext {
  /** null for anonymous requests. */
  caller: Caller | null;
}

/** The caller of an HTTP request or WebSocket connection; a refused token throws UNAUTHENTICATED. */
export async function callerFrom(verifier: Verifier, authorization: unknown): Promise<Caller | null> {
  const identity = await authenticate(verifier, authorization);
  return identity && { ...identity, authorization: authorization as string };
}

/**
 * HTTP 401 for a response carrying UNAUTHENTICATED, raised by a subgraph for
 * a request that needs a token and has none (a refused token is answered 401
 * before execution, by callerFrom).
 */
export const unauthenticatedStatus: ApolloServerPlugin<GatewayContext> = {
  async requestDidStart() {
    return {
      async willSendResponse({ response }) {
        if (response.body.kind === 'single' && response.body.singleResult.errors?.some((e) => e.extensions?.code === ErrorCode.UNAUTHENTICATED)) {
          response.http.status = 401;
        }
      },
    };
  },
};
