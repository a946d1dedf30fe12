import { createClient, type Client } from 'graphql-ws';

/** GraphQL over HTTP and WebSocket on this page's own origin (through NGINX or not). */
export const GRAPHQL_PATH = '/graphql';

export function websocketUrl(): string {
  return `${location.protocol === 'https:' ? 'wss:' : 'ws:'}//${location.host}${GRAPHQL_PATH}`;
}

/** What `x-user-id` accepts (see the README). */
export const USER_ID = /^[A-Za-z0-9_.:@-]{1,64}$/;

export class GraphQLRequestError extends Error {
  constructor(
    message: string,
    readonly code: string | undefined,
  ) {
    super(message);
    this.name = 'GraphQLRequestError';
  }
}

interface GraphQLBody<T> {
  data?: T | null;
  errors?: { message: string; extensions?: { code?: string } }[];
}

/** POSTs one operation; the first GraphQL error, with its code, is thrown. */
export async function request<T>(query: string, variables: Record<string, unknown> = {}, userId?: string): Promise<T> {
  const res = await fetch(GRAPHQL_PATH, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json', ...(userId ? { 'x-user-id': userId } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  let body: GraphQLBody<T>;
  try {
    body = (await res.json()) as GraphQLBody<T>;
  } catch {
    throw new GraphQLRequestError(`the server answered ${res.status} without a GraphQL response`, undefined);
  }
  const error = body.errors?.[0];
  if (error) throw new GraphQLRequestError(error.message, error.extensions?.code);
  if (!body.data) throw new GraphQLRequestError(`the server answered ${res.status} without data`, undefined);
  return body.data;
}

/** A graphql-ws client; the identity, if any, travels in connection_init. */
export function socket(userId: string | null, onReconnected?: () => void): Client {
  const client = createClient({
    url: websocketUrl(),
    connectionParams: userId ? { 'x-user-id': userId } : {},
    lazy: true,
    retryAttempts: Infinity,
    shouldRetry: () => true,
  });
  if (onReconnected) {
    client.on('connected', (_socket, _payload, wasRetry) => {
      if (wasRetry) onReconnected();
    });
  }
  return client;
}

/** Subscribes; returns the function that ends the subscription. */
export function subscribe<T>(client: Client, query: string, variables: Record<string, unknown>, onData: (data: T) => void, onError: (message: string) => void): () => void {
  return client.subscribe<T>(
    { query, variables },
    {
      next: (result) => {
        if (result.errors?.length) onError(result.errors.map((e) => e.message).join('; '));
        else if (result.data) onData(result.data as T);
      },
      error: (error) => onError(error instanceof Error ? error.message : error instanceof CloseEvent ? `connection closed (${error.code})` : 'subscription failed'),
      complete: () => undefined,
    },
  );
}
