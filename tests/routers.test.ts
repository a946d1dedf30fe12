import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';

const supergraph = readFileSync(new URL('../gateway/supergraph.graphql', import.meta.url), 'utf8');
const subgraphs = [...supergraph.matchAll(/@join__graph\(name: "([^"]+)"/g)].map((m) => m[1]!).sort();

describe('Apollo Router configuration (routers/apollo/router.yaml)', () => {
  const config = parse(readFileSync(new URL('../routers/apollo/router.yaml', import.meta.url), 'utf8'));

  it('names exactly the subgraphs of the supergraph', () => {
    expect(subgraphs).toEqual(['bookings', 'events']);
    expect(Object.keys(config.override_subgraph_url).sort()).toEqual(subgraphs);
    expect(Object.keys(config.subscription.mode.passthrough.subgraphs).sort()).toEqual(subgraphs);
  });

  it('passes subscriptions through over graphql-ws on the subgraphs’ GraphQL path', () => {
    expect(config.subscription.enabled).toBe(true);
    for (const name of subgraphs) expect(config.subscription.mode.passthrough.subgraphs[name]).toEqual({ path: '/graphql', protocol: 'graphql_ws' });
  });

  it('propagates the caller’s authorization to every subgraph', () => {
    expect(config.headers.all.request).toContainEqual({ propagate: { named: 'authorization' } });
  });
});
