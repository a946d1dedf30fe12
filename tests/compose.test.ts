/**
 * Static checks of the container setup (docker-compose.yml, Dockerfile,
 * .dockerignore, .env.example) against the code it runs. Nothing is built or
 * started: each service's compose environment is fed to the service's own
 * config loader, commands and COPY sources are looked up in the repo, and the
 * nginx template is rendered with the compose environment.
 *
 * The checks are plain functions returning a list of problems, so the last
 * block can show that each one fails on a broken copy of the files.
 */
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { basename, dirname, join, posix, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ENTRY } from '../packages/testkit/src/stack.ts';
import YAML from 'yaml';
import { TOPIC_PARTITIONS } from '../packages/contracts/src/index.ts';
import { common, env, kafka, loadConfig, z } from '../packages/config/src/index.ts';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const read = (rel: string) => readFileSync(join(ROOT, rel), 'utf8');

// ---------------------------------------------------------------------------
// What the stack must contain (from the services' documentation).

const INFRA: Record<string, string> = {
  postgres: 'postgres:16',
  mongo: 'mongo:7',
  redis: 'redis:7',
  kafka: 'apache/kafka:3.9.1',
  nginx: 'nginx:1.27',
};
/** Long-running app processes and their entry points. */
const APPS: Record<string, string> = ENTRY;
const SETUP = { name: 'setup', entry: 'scripts/setup.ts' };
/** Every service running the app image. */
const APP_IMAGE_SERVICES: Record<string, string> = { ...APPS, [SETUP.name]: SETUP.entry };
const GENERATED_PRISMA = 'subgraphs/bookings/src/generated/prisma';

// ---------------------------------------------------------------------------
// Compose file model and interpolation (Compose spec: $$, $VAR, ${VAR},
// ${VAR:-d}, ${VAR-d}, ${VAR:?e}, ${VAR?e}, ${VAR:+r}, ${VAR+r}).

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
interface Service {
  image?: string;
  build?: string | { context?: string; dockerfile?: string };
  command?: string | string[];
  environment?: Record<string, string | number | boolean | null> | string[];
  depends_on?: string[] | Record<string, { condition?: string }>;
  healthcheck?: { test?: string | string[]; disable?: boolean };
  ports?: (string | number | { published?: string | number; target?: number })[];
  volumes?: (string | { type?: string; source?: string; target?: string })[];
  container_name?: string;
  restart?: string;
  [key: string]: unknown;
}
interface Compose {
  services: Record<string, Service>;
  [key: string]: unknown;
}
type Vars = Record<string, string>;

const parseCompose = (text: string): Compose => YAML.parse(text, { merge: true }) as Compose;
/** Deep copy without the sharing YAML aliases create, so fixtures can be mutated. */
const copy = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

const INTERPOLATION = /\$(\$)|\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?+])([^}]*))?\}|\$([A-Za-z_][A-Za-z0-9_]*)/g;

interface Use {
  name: string;
  op: string;
}
function interpolate(value: string, vars: Vars, uses: Use[] = []): string {
  return value.replace(INTERPOLATION, (_m, dollar: string | undefined, braced?: string, op = '', arg = '', bare?: string) => {
    if (dollar) return '$';
    const name = (braced ?? bare)!;
    uses.push({ name, op });
    const v = vars[name];
    const empty = v === undefined || v === '';
    switch (op) {
      case ':-':
        return empty ? arg : v;
      case '-':
        return v === undefined ? arg : v;
      case ':+':
        return empty ? '' : arg;
      case '+':
        return v === undefined ? '' : arg;
      default: // '', ':?', '?'
        return v ?? '';
    }
  });
}
/** Interpolates every string value of a parsed compose file. */
function interpolateAll<T extends Json>(value: T, vars: Vars, uses: Use[] = []): T {
  if (typeof value === 'string') return interpolate(value, vars, uses) as T;
  if (Array.isArray(value)) return value.map((v) => interpolateAll(v, vars, uses)) as T;
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, interpolateAll(v, vars, uses)])) as T;
  }
  return value;
}
const resolveCompose = (compose: Compose, vars: Vars): Compose => interpolateAll(compose as unknown as Json, vars) as unknown as Compose;

/** The environment a container gets (values as strings, host pass-through from vars). */
function serviceEnv(service: Service, vars: Vars): Record<string, string> {
  const out: Record<string, string> = {};
  const raw = service.environment ?? {};
  const entries: [string, unknown][] = Array.isArray(raw)
    ? raw.map((line) => {
        const i = line.indexOf('=');
        return i < 0 ? [line, null] : [line.slice(0, i), line.slice(i + 1)];
      })
    : Object.entries(raw);
  for (const [key, value] of entries) {
    if (key === '<<') continue;
    if (value === null || value === undefined) {
      if (vars[key] !== undefined) out[key] = vars[key];
    } else out[key] = String(value);
  }
  return out;
}

const dependencies = (service: Service): Record<string, string> =>
  Array.isArray(service.depends_on)
    ? Object.fromEntries(service.depends_on.map((d) => [d, 'service_started']))
    : Object.fromEntries(Object.entries(service.depends_on ?? {}).map(([d, v]) => [d, v?.condition ?? 'service_started']));

const healthTest = (service: Service): string =>
  service.healthcheck?.disable ? '' : [service.healthcheck?.test ?? []].flat().join(' ');

const commandOf = (service: Service): string[] =>
  Array.isArray(service.command) ? service.command : (service.command ?? '').split(/\s+/).filter(Boolean);

/** Compose service names an environment value points at (URL host or host:port list). */
function hostsIn(value: string, services: string[]): string[] {
  const hosts = new Set<string>();
  try {
    hosts.add(new URL(value).hostname);
  } catch {
    for (const part of value.split(',')) {
      const m = /^\s*([A-Za-z0-9._-]+):\d+\s*$/.exec(part);
      if (m) hosts.add(m[1]!);
    }
  }
  return [...hosts].filter((h) => services.includes(h));
}

/** An image reference naming a registry host (first path part with a dot or port, or localhost). */
const namesRegistryHost = (image: string) => {
  const first = image.split('/')[0]!;
  return image.includes('/') && (first.includes('.') || first.includes(':') || first === 'localhost');
};

// ---------------------------------------------------------------------------
// Check 1: structure, dependencies, health checks.

function structureProblems(compose: Compose): string[] {
  const problems: string[] = [];
  if (!compose || typeof compose.services !== 'object') return ['no services'];
  const names = Object.keys(compose.services);
  if ('version' in compose) problems.push('the obsolete top-level `version:` key is set');

  for (const name of [...Object.keys(INFRA), ...Object.keys(APP_IMAGE_SERVICES)]) {
    if (!compose.services[name]) problems.push(`service ${name} is missing`);
  }
  for (const [name, image] of Object.entries(INFRA)) {
    const s = compose.services[name];
    if (!s) continue;
    if (s.image !== image) problems.push(`${name}: image is ${s.image}, expected ${image}`);
    if (!healthTest(s)) problems.push(`${name}: infrastructure service without a healthcheck`);
  }

  for (const [name, s] of Object.entries(compose.services)) {
    if (s.image && namesRegistryHost(s.image)) problems.push(`${name}: image ${s.image} names a registry host`);
    for (const [target, condition] of Object.entries(dependencies(s))) {
      if (!names.includes(target)) problems.push(`${name}: depends_on unknown service ${target}`);
      if (!['service_started', 'service_healthy', 'service_completed_successfully'].includes(condition)) {
        problems.push(`${name}: depends_on ${target} with unknown condition ${condition}`);
      }
      if (condition === 'service_healthy' && compose.services[target] && !healthTest(compose.services[target]!)) {
        problems.push(`${name}: waits for ${target} to be healthy, but ${target} has no healthcheck`);
      }
    }
    if (s.ports?.length && name !== 'nginx') problems.push(`${name}: publishes a host port (only nginx may)`);
  }

  // One image for every app process, built from this repo's Dockerfile.
  const appServices = Object.keys(APP_IMAGE_SERVICES).filter((n) => compose.services[n]);
  const images = new Set(appServices.map((n) => compose.services[n]!.image));
  if (images.size !== 1 || images.has(undefined)) problems.push(`app services do not share one image: ${[...images].join(', ')}`);
  for (const n of appServices) {
    const build = compose.services[n]!.build;
    const context = typeof build === 'string' ? build : build?.context;
    const dockerfile = typeof build === 'object' ? (build.dockerfile ?? 'Dockerfile') : 'Dockerfile';
    if (!context || resolve(ROOT, context, dockerfile) !== resolve(ROOT, 'Dockerfile')) {
      problems.push(`${n}: not built from ./Dockerfile`);
    }
  }

  const setup = compose.services[SETUP.name];
  if (setup) {
    if (setup.restart !== 'no') problems.push(`setup: restart is ${JSON.stringify(setup.restart)}, a one-shot job needs "no"`);
    const deps = dependencies(setup);
    for (const infra of ['postgres', 'kafka', 'mongo']) {
      if (deps[infra] !== 'service_healthy') problems.push(`setup: must depend on ${infra} with condition service_healthy`);
    }
  }

  for (const name of Object.keys(APPS)) {
    const s = compose.services[name];
    if (!s) continue;
    const deps = dependencies(s);
    if (!/\/readyz\b/.test(healthTest(s))) problems.push(`${name}: healthcheck does not probe /readyz`);
    if (name === 'gateway') {
      for (const sub of ['bookings', 'events']) {
        if (deps[sub] !== 'service_healthy') problems.push(`gateway: must depend on ${sub} with condition service_healthy`);
      }
    } else {
      if (deps[SETUP.name] !== 'service_completed_successfully') {
        problems.push(`${name}: must depend on setup with condition service_completed_successfully`);
      }
      for (const [target, condition] of Object.entries(deps)) {
        if (target in INFRA && condition !== 'service_healthy') problems.push(`${name}: depends on ${target} without service_healthy`);
      }
    }
    // Whatever the environment points at must be healthy first.
    for (const [key, value] of Object.entries(serviceEnv(s, {}))) {
      for (const host of hostsIn(value, Object.keys(compose.services))) {
        if (deps[host] !== 'service_healthy') problems.push(`${name}: ${key} points at ${host}, but ${name} does not wait for it to be healthy`);
      }
    }
  }

  const worker = compose.services.worker;
  if (worker?.container_name) problems.push('worker: container_name prevents `--scale worker=N`');

  if (compose.services.nginx && !dependencies(compose.services.nginx).gateway?.startsWith('service_healthy')) {
    problems.push('nginx: must depend on gateway with condition service_healthy');
  }

  // Kafka: single-node KRaft, the way setup and the apps expect it.
  const k = compose.services.kafka;
  if (k) {
    const ke = serviceEnv(k, {});
    const want: Record<string, string> = {
      KAFKA_PROCESS_ROLES: 'broker,controller',
      KAFKA_CONTROLLER_QUORUM_VOTERS: `${ke.KAFKA_NODE_ID}@kafka:9093`,
      KAFKA_AUTO_CREATE_TOPICS_ENABLE: 'false',
      KAFKA_NUM_PARTITIONS: String(TOPIC_PARTITIONS),
      KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR: '1',
      KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR: '1',
      KAFKA_ADVERTISED_LISTENERS: 'PLAINTEXT://kafka:9092',
    };
    for (const [key, value] of Object.entries(want)) {
      if (ke[key] !== value) problems.push(`kafka: ${key} is ${JSON.stringify(ke[key])}, expected ${JSON.stringify(value)}`);
    }
    for (const key of ['KAFKA_NODE_ID', 'KAFKA_LISTENERS', 'KAFKA_CONTROLLER_LISTENER_NAMES', 'KAFKA_LISTENER_SECURITY_PROTOCOL_MAP']) {
      if (!ke[key]) problems.push(`kafka: ${key} is not set`);
    }
  }
  return problems;
}

// ---------------------------------------------------------------------------
// Check 2: every service's environment satisfies its own config loader.

type Loader = (e: Record<string, string | undefined>) => Record<string, unknown>;

const isConfigError = (e: unknown): e is Error & { problems: string[] } =>
  e instanceof Error && e.name === 'ConfigError' && Array.isArray((e as { problems?: unknown }).problems);

/** The loader an entry file calls, imported from the module it imports it from. */
async function loaderForEntry(entry: string): Promise<Loader> {
  const text = read(entry);
  const m = /import\s*\{[^}]*\b(load\w*Config)\b[^}]*\}\s*from\s*'([^']+)'/.exec(text);
  if (!m || !text.includes(`${m[1]}(`)) throw new Error(`${entry}: no load*Config import and call found`);
  const mod = (await import(pathToFileURL(resolve(ROOT, dirname(entry), m[2]!)).href)) as Record<string, Loader>;
  const loader = mod[m[1]!];
  if (typeof loader !== 'function') throw new Error(`${entry}: ${m[2]} does not export ${m[1]}`);
  return loader;
}

/** scripts/setup.ts builds its shape inline: evaluate that object literal with the shared builders. */
function setupLoader(): Loader {
  const text = read(SETUP.entry);
  const start = text.indexOf('{', text.indexOf(`loadConfig('setup',`));
  if (start < 0 || text.indexOf(`loadConfig('setup',`) < 0) throw new Error(`${SETUP.entry}: loadConfig('setup', {...}) not found`);
  let depth = 0;
  let end = -1;
  let quote = '';
  for (let i = start; i < text.length && end < 0; i++) {
    const c = text[i]!;
    if (quote) {
      if (c === '\\') i++;
      else if (c === quote) quote = '';
    } else if (c === "'" || c === '"' || c === '`') quote = c;
    else if (c === '{') depth++;
    else if (c === '}' && --depth === 0) end = i;
  }
  const literal = text.slice(start, end + 1);
  const shape = new Function('common', 'kafka', 'env', 'z', `return (${literal});`)(common, kafka, env, z) as z.ZodRawShape;
  return (e) => loadConfig('setup', shape, e) as Record<string, unknown>;
}

async function loaders(): Promise<Record<string, Loader>> {
  const out: Record<string, Loader> = { [SETUP.name]: setupLoader() };
  for (const [name, entry] of Object.entries(APPS)) out[name] = await loaderForEntry(entry);
  return out;
}

/** Variables a loader cannot do without: what it complains about given nothing. */
function requiredVars(loader: Loader): string[] {
  try {
    loader({});
    return [];
  } catch (error) {
    if (!isConfigError(error)) throw error;
    return error.problems.map((p) => /^(\w+) is required/.exec(p)?.[1]).filter((n): n is string => Boolean(n));
  }
}

function configProblems(compose: Compose, name: string, loader: Loader, vars: Vars): string[] {
  const service = resolveCompose(compose, vars).services[name];
  if (!service) return [`${name}: service missing`];
  const e = serviceEnv(service, vars);
  const problems: string[] = [];
  for (const required of requiredVars(loader)) {
    if (!(required in e)) problems.push(`${name}: ${required} is required by its config but not set`);
  }
  let config: Record<string, unknown>;
  try {
    config = loader(e);
  } catch (error) {
    if (!isConfigError(error)) throw error;
    return [...problems, ...error.problems.map((p) => `${name}: ${p}`)];
  }
  // The loader ignores unknown names, so a misspelt optional variable would go unnoticed.
  for (const key of Object.keys(e)) {
    if (!(key in config)) problems.push(`${name}: sets ${key}, which its config does not read`);
  }
  const port = config.PORT ?? config.HEALTH_PORT;
  if (port !== undefined) {
    const probed = /https?:\/\/(?:127\.0\.0\.1|localhost):(\d+)\/readyz/.exec(healthTest(service))?.[1];
    if (Number(probed) !== port) problems.push(`${name}: healthcheck probes port ${probed}, the process listens on ${String(port)}`);
  }
  return problems;
}

// ---------------------------------------------------------------------------
// Check 3: commands and the Dockerfile.

function commandProblems(compose: Compose): string[] {
  const problems: string[] = [];
  for (const [name, entry] of Object.entries(APP_IMAGE_SERVICES)) {
    const s = compose.services[name];
    if (!s) continue;
    const cmd = commandOf(s);
    const file = cmd.at(-1) ?? '';
    if (cmd.slice(0, 3).join(' ') !== 'node --import tsx' || cmd.length !== 4) problems.push(`${name}: command ${JSON.stringify(cmd)} is not node --import tsx <entry>`);
    if (!existsSync(join(ROOT, file)) || !statSync(join(ROOT, file)).isFile()) problems.push(`${name}: runs ${file}, which does not exist`);
    else if (file !== entry) problems.push(`${name}: runs ${file}, expected ${entry}`);
  }
  return problems;
}

interface Instruction {
  op: string;
  args: string;
}
interface Stage {
  from: string;
  name?: string;
  steps: Instruction[];
}
function parseDockerfile(text: string): Stage[] {
  const lines = text.replace(/\\\r?\n/g, ' ').split(/\r?\n/).map((l) => l.trim()).filter((l) => l && !l.startsWith('#'));
  const stages: Stage[] = [];
  for (const line of lines) {
    const [, op = '', args = ''] = /^(\w+)\s*(.*)$/.exec(line) ?? [];
    if (op.toUpperCase() === 'FROM') {
      const [from = '', , name] = args.replace(/--platform=\S+\s*/, '').split(/\s+/);
      stages.push({ from, name, steps: [] });
    } else stages.at(-1)?.steps.push({ op: op.toUpperCase(), args });
  }
  return stages;
}
function copyArgs(args: string): { from?: string; sources: string[]; dest: string } {
  const flags: Record<string, string> = {};
  let rest = args;
  for (let m = /^--(\w[\w-]*)(?:=(\S+))?\s+/.exec(rest); m; m = /^--(\w[\w-]*)(?:=(\S+))?\s+/.exec(rest)) {
    flags[m[1]!] = m[2] ?? 'true';
    rest = rest.slice(m[0].length);
  }
  const parts = rest.startsWith('[') ? (JSON.parse(rest) as string[]) : rest.split(/\s+/);
  return { from: flags.from, sources: parts.slice(0, -1), dest: parts.at(-1) ?? '' };
}

/** .dockerignore matching (Go filepath.Match plus `**`, `!` exceptions; a match excludes everything below). */
function ignoredBy(patterns: string[], path: string): boolean {
  const toRegex = (p: string) =>
    new RegExp(
      `^${p
        .replace(/^\/+|\/+$/g, '')
        .split(/(\*\*\/|\*\*|\*|\?)/)
        .map((t) => ({ '**/': '(?:.*/)?', '**': '.*', '*': '[^/]*', '?': '[^/]' })[t] ?? t.replace(/[.+^${}()|[\]\\]/g, '\\$&'))
        .join('')}(?:/.*)?$`,
    );
  let ignored = false;
  for (const raw of patterns) {
    const negate = raw.startsWith('!');
    const pattern = posix.normalize(negate ? raw.slice(1) : raw);
    if (toRegex(pattern).test(path)) ignored = !negate;
  }
  return ignored;
}
const dockerignorePatterns = (text: string) =>
  text.split(/\r?\n/).map((l) => l.trim()).filter((l) => l && !l.startsWith('#'));

function workspaceManifests(): string[] {
  const workspaces = (JSON.parse(read('package.json')) as { workspaces: string[] }).workspaces;
  return workspaces
    .flatMap((w) => (w.endsWith('/*') ? readdirSync(join(ROOT, w.slice(0, -2))).map((d) => `${w.slice(0, -2)}/${d}`) : [w]))
    .filter((d) => existsSync(join(ROOT, d, 'package.json')))
    .map((d) => `${d}/package.json`);
}

function dockerfileProblems(dockerfile: string, dockerignore: string, entries: string[]): string[] {
  const problems: string[] = [];
  const stages = parseDockerfile(dockerfile);
  const ignore = dockerignorePatterns(dockerignore);
  if (!stages.length) return ['Dockerfile has no FROM'];
  const stageNames = stages.map((s) => s.name).filter(Boolean);
  const final = stages.at(-1)!;

  for (const stage of stages) {
    if (!stageNames.includes(stage.from) && stage.from !== 'node:20-bookworm-slim') problems.push(`FROM ${stage.from}: expected node:20-bookworm-slim`);
    if (namesRegistryHost(stage.from)) problems.push(`FROM ${stage.from} names a registry host`);
    const copied: string[] = [];
    for (const step of stage.steps) {
      if (step.op === 'COPY' || step.op === 'ADD') {
        const { from, sources } = copyArgs(step.args);
        if (from) continue;
        for (const src of sources) {
          const rel = posix.normalize(src).replace(/\/$/, '');
          if (!existsSync(join(ROOT, rel))) problems.push(`COPY ${src}: not in the repo`);
          else if (rel !== '.' && ignoredBy(ignore, rel)) problems.push(`COPY ${src}: excluded by .dockerignore`);
          copied.push(rel);
        }
      }
      if (step.op === 'RUN' && /\bnpm ci\b/.test(step.args)) {
        if (!step.args.includes('--ignore-scripts')) problems.push('npm ci without --ignore-scripts');
        for (const manifest of ['package.json', 'package-lock.json', ...workspaceManifests()]) {
          if (!copied.some((c) => c === '.' || c === manifest || manifest.startsWith(`${c}/`))) {
            problems.push(`${manifest} is not copied before npm ci (workspace links need it)`);
          }
        }
      }
    }
  }
  if (!/prisma generate/.test(dockerfile) || !/PRISMA_SCHEMA_ENGINE_BINARY=\S*schema-engine-stub\.sh/.test(dockerfile)) {
    problems.push('the Prisma client is not generated with the schema-engine stub');
  }

  // Final stage: where the processes actually run, from /app with repo-relative paths.
  const workdir = final.steps.filter((s) => s.op === 'WORKDIR').at(-1)?.args;
  if (workdir !== '/app') problems.push(`final stage WORKDIR is ${workdir}, expected /app`);
  const user = final.steps.filter((s) => s.op === 'USER').at(-1)?.args;
  if (!user || /^(root|0)(:|$)/.test(user)) problems.push('final stage runs as root (expected USER node)');
  if (!final.steps.some((s) => s.op === 'ENV' && /\bNODE_ENV[= ]production\b/.test(s.args))) problems.push('final stage does not set NODE_ENV=production');
  const layout: string[] = [];
  for (const step of final.steps.filter((s) => s.op === 'COPY')) {
    const { from, sources, dest } = copyArgs(step.args);
    const d = posix.normalize(dest.replace(/^\/app\/?/, '') || '.').replace(/\/$/, '');
    for (const src of sources) {
      const rel = posix.normalize(src).replace(/\/$/, '');
      const isDir = from ? !posix.extname(rel) : existsSync(join(ROOT, rel)) && statSync(join(ROOT, rel)).isDirectory();
      const target = isDir || !(dest.endsWith('/') || d === '.') ? d : posix.join(d, basename(rel));
      const repoPath = from ? rel.replace(/^\/app\//, '') : rel;
      if (target !== repoPath) problems.push(`COPY ${src} ${dest}: lands at ${target}, not at its repo path ${repoPath}`);
      layout.push(target);
    }
  }
  const present = (p: string) => layout.some((l) => l === '.' || l === p || p.startsWith(`${l}/`));
  for (const file of [...entries, 'tsconfig.json', 'gateway/supergraph.graphql', 'prisma/migrations', GENERATED_PRISMA]) {
    if (!present(file)) problems.push(`${file} is not in the final image`);
    else if (file !== GENERATED_PRISMA && ignoredBy(ignore, file)) problems.push(`${file} is excluded by .dockerignore`);
  }
  for (const required of ['node_modules', '.git', '.services', GENERATED_PRISMA]) {
    if (!ignoredBy(ignore, required)) problems.push(`.dockerignore does not exclude ${required}`);
  }
  return problems;
}

// ---------------------------------------------------------------------------
// Check 4: nginx template and its variables.

/** Variables the nginx image itself defines (its envsubst would substitute them too). */
const NGINX_IMAGE_ENV = ['HOME', 'HOSTNAME', 'PATH', 'NGINX_VERSION', 'NJS_VERSION', 'NJS_RELEASE', 'PKG_RELEASE', 'DYNPKG_RELEASE'];

function nginxProblems(compose: Compose, appConfigs: Record<string, Record<string, unknown>>, vars: Vars): string[] {
  const nginx = resolveCompose(compose, vars).services.nginx;
  if (!nginx) return ['nginx: service missing'];
  const problems: string[] = [];
  const mount = (nginx.volumes ?? [])
    .map((v) => (typeof v === 'string' ? { source: v.split(':')[0], target: v.split(':')[1] } : v))
    .find((v) => v.target === '/etc/nginx/templates');
  if (!mount?.source) return ['nginx: nothing is mounted at /etc/nginx/templates'];
  const dir = join(ROOT, mount.source);
  const templates = existsSync(dir) && statSync(dir).isDirectory() ? readdirSync(dir).filter((f) => f.endsWith('.template')) : [];
  if (!templates.length) return [`nginx: ${mount.source} holds no *.template file`];

  const e = serviceEnv(nginx, vars);
  const defined = new Set([...Object.keys(e), ...NGINX_IMAGE_ENV]);
  for (const file of templates) {
    const text = readFileSync(join(dir, file), 'utf8');
    const wanted = new Set([...text.matchAll(/\$\{([A-Za-z_]\w*)\}/g)].map((m) => m[1]!));
    for (const name of wanted) if (!(name in e)) problems.push(`nginx: ${file} uses \${${name}}, which compose does not set`);
    // Bare $name are nginx variables: envsubst must not replace them.
    for (const m of text.matchAll(/\$([A-Za-z_]\w*)/g)) {
      if (defined.has(m[1]!) && !wanted.has(m[1]!)) problems.push(`nginx: ${file} uses nginx variable $${m[1]}, which envsubst would replace`);
    }
    const rendered = text.replace(/\$\{([A-Za-z_]\w*)\}/g, (m, n: string) => (defined.has(n) ? (e[n] ?? '') : m));
    if (/\$\{/.test(rendered)) problems.push(`nginx: ${file} still contains \${...} after rendering`);
  }

  // GATEWAY_UPSTREAM must reach the gateway's configured port; NGINX_PORT is what is published.
  const [host, port] = (e.GATEWAY_UPSTREAM ?? '').split(':');
  if (!host || !compose.services[host]) problems.push(`nginx: GATEWAY_UPSTREAM=${e.GATEWAY_UPSTREAM} is not a compose service`);
  else if (appConfigs[host] && Number(port) !== appConfigs[host]!.PORT) {
    problems.push(`nginx: GATEWAY_UPSTREAM port ${port}, ${host} listens on ${String(appConfigs[host]!.PORT)}`);
  }
  const published = (nginx.ports ?? []).map((p) => (typeof p === 'object' ? String(p.target) : String(p).split(':').at(-1)!.split('/')[0]));
  if (!published.includes(e.NGINX_PORT ?? '')) problems.push(`nginx: NGINX_PORT=${e.NGINX_PORT} is not the published container port (${published.join(', ')})`);
  if (!published.length) problems.push('nginx: no host port published');
  return problems;
}

// ---------------------------------------------------------------------------
// .env.example against compose interpolation.

function parseDotenv(text: string): Vars {
  const out: Vars = {};
  for (const line of text.split(/\r?\n/)) {
    const m = /^\s*(?:export\s+)?([A-Za-z_]\w*)\s*=\s*(.*?)\s*$/.exec(line);
    if (m) out[m[1]!] = m[2]!.replace(/^(['"])(.*)\1$/, '$2');
  }
  return out;
}

function envExampleProblems(compose: Compose, example: Vars): string[] {
  const uses: Use[] = [];
  interpolateAll(compose as unknown as Json, {}, uses);
  const problems: string[] = [];
  for (const { name, op } of uses) {
    if (op !== ':-' && op !== '-') problems.push(`\${${name}} has no default: compose needs it set to start`);
  }
  const used = new Set(uses.map((u) => u.name));
  for (const name of used) if (!(name in example)) problems.push(`${name} is used in docker-compose.yml but not documented in .env.example`);
  for (const name of Object.keys(example)) if (!used.has(name)) problems.push(`${name} is in .env.example but docker-compose.yml never reads it`);
  for (const [name, value] of Object.entries(example)) {
    if (/pass|secret|token|key/i.test(name) && value && !/^(booking|changeme|example|development-only-[\w-]+)?$/.test(value) && !name.endsWith('_PREFIX')) {
      problems.push(`${name} in .env.example looks like a real secret`);
    }
  }
  return [...new Set(problems)];
}

// ---------------------------------------------------------------------------

const composeText = read('docker-compose.yml');
const compose = parseCompose(composeText);
const example = parseDotenv(read('.env.example'));
const dockerfile = read('Dockerfile');
const dockerignore = read('.dockerignore');
/** Interpolation with nothing set (defaults only), and with the documented values. */
const SCENARIOS: [string, Vars][] = [
  ['defaults', {}],
  ['.env.example', example],
];
/** Services that verify end users' tokens: in production they need a key, which only .env provides. */
const TOKEN_VERIFIERS = ['bookings', 'events', 'gateway'];
const NO_KEY = 'JWT_SECRET or JWKS_URL is required with NODE_ENV=production: tokens cannot be verified without a key';
const expectedProblems = (name: string, vars: Vars) => (TOKEN_VERIFIERS.includes(name) && !vars.JWT_SECRET && !vars.JWKS_URL ? [`${name}: ${NO_KEY}`] : []);

describe('docker-compose.yml', () => {
  it('parses as a Compose file with every service', () => {
    expect(compose.services).toBeTypeOf('object');
    expect(Object.keys(compose.services).sort()).toEqual([...Object.keys(INFRA), ...Object.keys(APP_IMAGE_SERVICES)].sort());
  });

  it('has valid dependencies, health checks and start order', () => {
    expect(structureProblems(compose)).toEqual([]);
  });

  it('shares the app definition through an extension field', () => {
    expect(composeText).toMatch(/^x-app: &app$/m);
    expect(composeText.match(/<<: \*app$/gm)?.length).toBe(Object.keys(APP_IMAGE_SERVICES).length);
  });

  it('only uses variables that have defaults and are documented in .env.example', () => {
    expect(envExampleProblems(compose, example)).toEqual([]);
  });
});

describe('service environments against the config loaders', async () => {
  const all = await loaders();

  it('derives required variables from the loaders themselves', () => {
    expect(requiredVars(all.bookings!).sort()).toEqual(['DATABASE_URL', 'KAFKA_BROKERS', 'REDIS_URL']);
    expect(requiredVars(all.gateway!).sort()).toEqual(['BOOKINGS_URL', 'EVENTS_URL', 'REDIS_URL']);
    expect(requiredVars(all.setup!).sort()).toEqual(['DATABASE_URL', 'KAFKA_BROKERS', 'MONGO_URL']);
  });

  for (const [scenario, vars] of SCENARIOS) {
    for (const name of Object.keys(APP_IMAGE_SERVICES)) {
      it(`${name} (${scenario}): sets every required variable and its config loads${expectedProblems(name, vars).length ? ' only with a token key' : ''}`, () => {
        expect(configProblems(compose, name, all[name]!, vars)).toEqual(expectedProblems(name, vars));
      });
    }
  }
});

describe('commands and image', () => {
  it('runs entry files that exist', () => {
    expect(commandProblems(compose)).toEqual([]);
  });

  it('Dockerfile copies existing, non-ignored sources into the layout the commands expect', () => {
    expect(dockerfileProblems(dockerfile, dockerignore, Object.values(APP_IMAGE_SERVICES))).toEqual([]);
  });
});

describe('nginx', async () => {
  const all = await loaders();
  for (const [scenario, vars] of SCENARIOS) {
    it(`template exists and every \${VAR} it uses is set (${scenario})`, () => {
      const keyed = { JWT_SECRET: example.JWT_SECRET!, ...vars };
      const e = (name: string) => serviceEnv(resolveCompose(compose, keyed).services[name]!, keyed);
      expect(nginxProblems(compose, { gateway: all.gateway!(e('gateway')) }, vars)).toEqual([]);
    });
  }
});

describe('the checks catch broken files', async () => {
  const all = await loaders();
  const broken = (edit: (c: Compose) => void) => {
    const c = copy(compose);
    edit(c);
    return c;
  };
  const env = (c: Compose, name: string) => c.services[name]!.environment as Record<string, string>;

  it('a misspelt required variable', () => {
    const c = broken((c) => {
      const e = env(c, 'worker');
      e.DATABASE_URI = e.DATABASE_URL!;
      delete e.DATABASE_URL;
    });
    const problems = configProblems(c, 'worker', all.worker!, {});
    expect(problems).toContain('worker: DATABASE_URL is required by its config but not set');
    expect(problems).toContain('worker: DATABASE_URL is required: Invalid input: expected string, received undefined');
  });

  it('a value in the wrong format', () => {
    const c = broken((c) => void (env(c, 'projector').MONGO_URL = 'http://mongo:27017'));
    expect(configProblems(c, 'projector', all.projector!, {})).toEqual([
      'projector: MONGO_URL="http://mongo:27017" is invalid: must start with mongodb://',
    ]);
    const brokers = broken((c) => void (env(c, 'relay').KAFKA_BROKERS = 'kafka'));
    expect(configProblems(brokers, 'relay', all.relay!, {}).join('\n')).toMatch(/relay: KAFKA_BROKERS\S*="kafka" is invalid: each broker must be host:port/);
  });

  it('a misspelt optional variable (the loader alone would ignore it)', () => {
    const c = broken((c) => {
      const e = env(c, 'projector');
      e.HEALTH_PROT = e.HEALTH_PORT!;
      delete e.HEALTH_PORT;
    });
    expect(configProblems(c, 'projector', all.projector!, {})).toEqual(['projector: sets HEALTH_PROT, which its config does not read']);
  });

  it('a healthcheck on the wrong port', () => {
    const c = broken((c) => void (env(c, 'relay').HEALTH_PORT = '4099'));
    expect(configProblems(c, 'relay', all.relay!, {})).toContain('relay: healthcheck probes port 4012, the process listens on 4099');
  });

  it('setup missing a variable its inline config requires', () => {
    const c = broken((c) => void delete env(c, 'setup').MONGO_URL);
    expect(configProblems(c, 'setup', all.setup!, {}).join('\n')).toMatch(/setup: MONGO_URL is required/);
  });

  it('an interpolation without default, and an undocumented one', () => {
    const c = broken((c) => void (env(c, 'bookings').REDIS_URL = 'redis://${REDIS_HOST}:6379'));
    expect(envExampleProblems(c, example)).toEqual([
      '${REDIS_HOST} has no default: compose needs it set to start',
      'REDIS_HOST is used in docker-compose.yml but not documented in .env.example',
    ]);
  });

  it('broken dependencies and health checks', () => {
    const c = broken((c) => {
      c.services.worker!.depends_on = { postgres: { condition: 'service_started' }, kafak: { condition: 'service_healthy' } };
      delete c.services.redis!.healthcheck;
      c.services.worker!.container_name = 'worker';
      c.services.gateway!.ports = ['4000:4000'];
      c.services.setup!.restart = 'on-failure';
    });
    const problems = structureProblems(c);
    expect(problems).toEqual(
      expect.arrayContaining([
        'redis: infrastructure service without a healthcheck',
        'worker: depends_on unknown service kafak',
        'worker: must depend on setup with condition service_completed_successfully',
        'worker: depends on postgres without service_healthy',
        'worker: DATABASE_URL points at postgres, but worker does not wait for it to be healthy',
        'worker: REDIS_URL points at redis, but worker does not wait for it to be healthy',
        'bookings: waits for redis to be healthy, but redis has no healthcheck',
        'worker: container_name prevents `--scale worker=N`',
        'gateway: publishes a host port (only nginx may)',
        'setup: restart is "on-failure", a one-shot job needs "no"',
      ]),
    );
  });

  it('a command whose entry file does not exist', () => {
    const c = broken((c) => void (c.services.relay!.command = ['node', '--import', 'tsx', 'subgraphs/bookings/src/relay/index.ts']));
    expect(commandProblems(c)).toEqual(['relay: runs subgraphs/bookings/src/relay/index.ts, which does not exist']);
  });

  it('a Dockerfile with a missing or ignored COPY source, or running as root', () => {
    const df = dockerfile
      .replace('COPY gateway ./gateway', 'COPY gateway ./gateway\nCOPY graphql ./graphql')
      .replace('COPY packages/testkit/package.json packages/testkit/\nRUN npm ci --omit', 'RUN npm ci --omit')
      .replace(/^USER node$/m, 'USER root');
    const problems = dockerfileProblems(df, `${dockerignore}\nscripts\n`, Object.values(APP_IMAGE_SERVICES));
    expect(problems).toEqual(
      expect.arrayContaining([
        'COPY graphql: not in the repo',
        'COPY scripts/prisma: excluded by .dockerignore',
        'packages/testkit/package.json is not copied before npm ci (workspace links need it)',
        'final stage runs as root (expected USER node)',
        'scripts/setup.ts is excluded by .dockerignore',
      ]),
    );
  });

  it('nginx without a variable its template needs, or pointing at the wrong port', () => {
    const c = broken((c) => {
      delete env(c, 'nginx').NGINX_PORT;
      env(c, 'nginx').GATEWAY_UPSTREAM = 'gateway:4001';
    });
    const problems = nginxProblems(c, { gateway: { PORT: 4000 } }, {});
    expect(problems).toEqual(
      expect.arrayContaining([
        'nginx: default.conf.template uses ${NGINX_PORT}, which compose does not set',
        'nginx: GATEWAY_UPSTREAM port 4001, gateway listens on 4000',
      ]),
    );
    const mounted = broken((c) => void (c.services.nginx!.volumes = ['./nginx/templatez:/etc/nginx/templates:ro']));
    expect(nginxProblems(mounted, { gateway: { PORT: 4000 } }, {})).toEqual(['nginx: ./nginx/templatez holds no *.template file']);
  });

  it('matches .dockerignore patterns like Docker does', () => {
    const patterns = ['**/node_modules', 'docs', '*.md', '!README.md', 'a/*/c'];
    expect(ignoredBy(patterns, 'node_modules')).toBe(true);
    expect(ignoredBy(patterns, 'packages/x/node_modules/y')).toBe(true);
    expect(ignoredBy(patterns, 'docs/adr/1.md')).toBe(true);
    expect(ignoredBy(patterns, 'NOTES.md')).toBe(true);
    expect(ignoredBy(patterns, 'README.md')).toBe(false);
    expect(ignoredBy(patterns, 'sub/NOTES.md')).toBe(false);
    expect(ignoredBy(patterns, 'a/b/c/d.ts')).toBe(true);
    expect(ignoredBy(patterns, 'a/b/d/c.ts')).toBe(false);
  });
});
