import { createElement } from 'react';
import { createRoot } from 'react-dom/client';
import { buildSchema } from 'graphql';
import { GraphiQL } from 'graphiql';
import { createGraphiQLFetcher } from '@graphiql/toolkit';
import 'graphiql/style.css';
import { GRAPHQL_PATH, signIn, websocketUrl } from '../shared/graphql.ts';
import { DEMO_USER, EXAMPLES, demoHeaders } from './examples.ts';

// Subscriptions go over graphql-ws; the toolkit passes the headers editor's
// content as the connection_init payload, so the token names the caller there too.
const fetcher = createGraphiQLFetcher({
  url: GRAPHQL_PATH,
  subscriptionUrl: websocketUrl(),
  enableIncrementalDelivery: false,
});

const root = createRoot(document.getElementById('graphiql')!);

// The gateway serves its schema as SDL (its operation limits refuse the
// deeper standard introspection query). Headers are not kept between visits:
// each visit starts with a fresh token (none where signing in by name is off).
Promise.all([
  fetch(`${GRAPHQL_PATH}/schema.graphql`).then(async (res) => {
    if (!res.ok) throw new Error(`${res.status} ${await res.text()}`);
    return buildSchema(await res.text());
  }),
  signIn(DEMO_USER).catch(() => null),
])
  .then(
    ([schema, token]) =>
      root.render(
        createElement(GraphiQL, {
          fetcher,
          schema,
          defaultTabs: EXAMPLES.map((tab) => ({ ...tab, headers: demoHeaders(token) })),
          defaultHeaders: demoHeaders(token),
          defaultEditorToolsVisibility: 'headers',
          shouldPersistHeaders: false,
        }),
      ),
    (error: Error) => root.render(createElement('p', { role: 'alert' }, `Could not load the schema: ${error.message}`)),
  );
