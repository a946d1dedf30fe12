import { createElement } from 'react';
import { createRoot } from 'react-dom/client';
import { buildSchema } from 'graphql';
import { GraphiQL } from 'graphiql';
import { createGraphiQLFetcher } from '@graphiql/toolkit';
import 'graphiql/style.css';
import { GRAPHQL_PATH, websocketUrl } from '../shared/graphql.ts';
import { DEMO_HEADERS, EXAMPLES } from './examples.ts';

// Subscriptions go over graphql-ws; the toolkit passes the headers editor's
// content as the connection_init payload, so x-user-id names the caller there too.
const fetcher = createGraphiQLFetcher({
  url: GRAPHQL_PATH,
  subscriptionUrl: websocketUrl(),
  enableIncrementalDelivery: false,
});

const root = createRoot(document.getElementById('graphiql')!);

// The gateway serves its schema as SDL (its operation limits refuse the
// deeper standard introspection query).
fetch(`${GRAPHQL_PATH}/schema.graphql`)
  .then(async (res) => {
    if (!res.ok) throw new Error(`${res.status} ${await res.text()}`);
    return buildSchema(await res.text());
  })
  .then(
    (schema) =>
      root.render(
        createElement(GraphiQL, {
          fetcher,
          schema,
          defaultTabs: EXAMPLES.map((tab) => ({ ...tab, headers: DEMO_HEADERS })),
          defaultHeaders: DEMO_HEADERS,
          defaultEditorToolsVisibility: 'headers',
          shouldPersistHeaders: true,
        }),
      ),
    (error: Error) => root.render(createElement('p', { role: 'alert' }, `Could not load the schema: ${error.message}`)),
  );
