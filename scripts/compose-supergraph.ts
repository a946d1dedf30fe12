import { readFileSync, writeFileSync } from 'node:fs';
import { composeServices } from '@apollo/composition';
import { parse } from 'graphql';

/**
 * Composes the subgraph SDLs into gateway/supergraph.graphql. `--check` fails
 * when composition fails or the committed file is stale. The URLs are the
 * docker-compose service names; the gateway overrides them from its config.
 */
const subgraphs = [
  { name: 'bookings', url: 'http://bookings:4001/graphql', file: 'subgraphs/bookings/src/schema.graphql' },
  { name: 'events', url: 'http://events:4002/graphql', file: 'subgraphs/events/src/schema.graphql' },
];
const target = 'gateway/supergraph.graphql';

const result = composeServices(subgraphs.map(({ name, url, file }) => ({ name, url, typeDefs: parse(readFileSync(file, 'utf8')) })));
if (result.errors) {
  for (const error of result.errors) process.stderr.write(`composition error: ${error.message}\n`);
  process.exit(1);
}
const sdl = `${result.supergraphSdl.trim()}\n`;
if (process.argv.includes('--check')) {
  let current = '';
  try {
    current = readFileSync(target, 'utf8');
  } catch {
    /* missing counts as stale */
  }
  if (current !== sdl) {
    process.stderr.write(`${target} is stale: run npm run compose\n`);
    process.exit(1);
  }
  process.stdout.write(`${target} is up to date\n`);
} else {
  writeFileSync(target, sdl);
  process.stdout.write(`wrote ${target}\n`);
}
