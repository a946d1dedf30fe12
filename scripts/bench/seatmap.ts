/**
 * How fast the seat-map page draws arena10k (10,000 seats) and applies a live
 * change, in headless Chromium against an isolated stack behind NGINX.
 *
 *   npx tsx scripts/bench/seatmap.ts [--loads 7] [--updates 30] [--no-write]
 *
 * Figures come from the page's own performance entries (web/src/seatmap/main.ts):
 * render = seats received -> DOM built and painted; update = a seatStatusChanged
 * message received -> seat repainted. End to end = requestBooking sent from
 * here -> the seat shows booked in the page (the whole pipeline: gateway,
 * Kafka, worker, PostgreSQL, outbox relay, Kafka, gateway, WebSocket).
 * Prints the figures and, without --no-write, adds a section to
 * docs/benchmarks.md under the seat-map heading.
 */
import { execFileSync } from 'node:child_process';
import { parseArgs } from 'node:util';
import type { Browser, Page } from 'playwright-core';
import { CHROMIUM, GiveUp, gql, launchBrowser, startStack, waitFor, type Stack } from '@booking/testkit';
import { machine, recordRun } from './report.ts';
import { buildWeb } from '../../web/build.ts';

// Callbacks given to page.evaluate run in the page but are checked with this
// Node program, which has no DOM lib: the little they use, declared here.
declare const document: {
  querySelector(selector: string): { getAttribute(name: string): string | null } | null;
  getElementsByTagName(name: string): { length: number };
};

const MARKER = '<!-- seat-map runs: new sections are inserted below this line -->';
const INTRO = `## Seat-map page (\`scripts/bench/seatmap.ts\`)

The page at \`/\` drawing \`arena10k\` in headless Chromium, and applying live
changes, measured with the page's own performance entries. Newest first.

${MARKER}
`;

const { values: opts } = parseArgs({
  options: {
    loads: { type: 'string', default: '7' },
    updates: { type: 'string', default: '30' },
    'no-write': { type: 'boolean', default: false },
  },
});
const LOADS = Number(opts.loads);
const UPDATES = Number(opts.updates);
const command = `npx tsx scripts/bench/seatmap.ts${process.argv.slice(2).length ? ` ${process.argv.slice(2).join(' ')}` : ''}`;

const say = (msg: string) => process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${msg}\n`);
const fmt = (n: number, digits = 0) => n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });

interface Stats {
  n: number;
  median: number;
  p95: number;
  min: number;
  max: number;
}
function stats(values: number[]): Stats {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!;
  return { n: sorted.length, median: at(0.5), p95: at(0.95), min: sorted[0]!, max: sorted.at(-1)! };
}
const ms = (s: Stats, digits = 0) => `${fmt(s.median, digits)} / ${fmt(s.p95, digits)} / ${fmt(s.max, digits)} ms`;


const entries = (page: Page, name: string) =>
  page.evaluate((n) => performance.getEntriesByName(n, 'measure').map((e) => ({ duration: e.duration })), name);

const booked = (page: Page, seatId: string) => page.evaluate((label) => /, booked/.test(document.querySelector(`#map button[aria-label^="${label},"]`)?.getAttribute('aria-label') ?? ''), seatLabel(seatId));

/** D_R49_S7 -> "Section D row 49 seat 7" (the page's aria-label). */
function seatLabel(seatId: string): string {
  const [, section, row, seat] = /^([A-Z])_R(\d+)_S(\d+)$/.exec(seatId)!;
  return `Section ${section} row ${row} seat ${seat}`;
}

const REQUEST = /* GraphQL */ `mutation($input: RequestBookingInput!) { requestBooking(input: $input) { id status } }`;

async function openMap(browser: Browser, url: string): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
  await page.goto(`${url}/#/events/arena10k`);
  await page.waitForSelector('#map[data-state="ready"]', { timeout: 60_000 });
  return page;
}

async function main() {
  const m = machine();
  const chromium = execFileSync(CHROMIUM, ['--version'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  say('building the pages');
  await buildWeb();
  let stack: Stack | undefined;
  let browser: Browser | undefined;
  try {
    say('starting a stack');
    stack = await startStack('benchseat', { LOG_LEVEL: 'warn' });
    const url = stack.url;
    browser = await launchBrowser();

    // Render: a fresh page per load; the first one also fetches and compiles the assets.
    const loads: { build: number; render: number; total: number; nodes: number }[] = [];
    for (let i = 0; i < LOADS; i++) {
      const page = await openMap(browser, url);
      const [build] = await entries(page, 'seatmap:build');
      const [render] = await entries(page, 'seatmap:render');
      const [total] = await entries(page, 'seatmap:total');
      const nodes = await page.evaluate(() => document.getElementsByTagName('*').length);
      loads.push({ build: build!.duration, render: render!.duration, total: total!.duration, nodes });
      say(`load ${i + 1}: DOM built ${fmt(build!.duration)} ms, painted ${fmt(render!.duration)} ms after the seats arrived, ${fmt(total!.duration)} ms after they were asked for`);
      await page.close();
    }

    // Updates: one page watches; seats are booked from here one at a time.
    const page = await openMap(browser, url);
    const seats = Array.from({ length: 50 }, (_, i) => `D_R49_S${i + 1}`);
    const warm = Array.from({ length: 20 }, (_, i) => `D_R50_S${i + 1}`);
    const book = async (seatId: string, user: string) => {
      const r = await gql<{ requestBooking: { status: string } }>(stack!.graphqlUrl, REQUEST, { input: { eventId: 'arena10k', seatIds: [seatId] } }, user);
      if (r.data?.requestBooking.status !== 'PENDING') throw new Error(`booking ${seatId} was not accepted: ${JSON.stringify(r.errors)}`);
    };
    // The subscription is in place, and the path warm, once a booked seat shows.
    await waitFor(
      async () => {
        const seat = warm.shift();
        if (!seat) throw new GiveUp('no warm-up booking showed on the page');
        await book(seat, 'bench-warm');
        return waitFor(() => booked(page, seat), { timeoutMs: 3_000, intervalMs: 20, what: seat }).catch(() => false);
      },
      { timeoutMs: 60_000, intervalMs: 0, what: 'the page to show a warm-up booking' },
    );
    await page.evaluate(() => performance.clearMeasures());
    const endToEnd: number[] = [];
    for (const seat of seats.slice(0, UPDATES)) {
      const started = performance.now();
      await book(seat, 'bench');
      await page.waitForFunction((label) => /, booked$/.test(document.querySelector(`#map button[aria-label^="${label},"]`)?.getAttribute('aria-label') ?? ''), seatLabel(seat), { polling: 'raf', timeout: 10_000 });
      endToEnd.push(performance.now() - started);
    }
    await page.waitForFunction((n) => performance.getEntriesByName('seatmap:update-painted').length >= n, UPDATES, { timeout: 5_000 });
    const applied = (await entries(page, 'seatmap:update')).map((e) => e.duration);
    const painted = (await entries(page, 'seatmap:update-painted')).map((e) => e.duration);

    const rows: [string, string][] = [
      ['Map of arena10k: seats / DOM elements', `10,000 / ${fmt(loads[0]!.nodes)}`],
      [`Render, seats received -> DOM built (median / p95 / max of ${LOADS} loads)`, ms(stats(loads.map((l) => l.build)))],
      ['Render, seats received -> painted', ms(stats(loads.map((l) => l.render)))],
      ['Load, seats requested -> painted (includes the 10,000-seat GraphQL query)', ms(stats(loads.map((l) => l.total)))],
      [`Live change, message received -> seat updated (median / p95 / max of ${applied.length})`, ms(stats(applied), 2)],
      ['Live change, message received -> painted', ms(stats(painted), 1)],
      [`Live change end to end, requestBooking sent -> seat shown booked (${endToEnd.length} bookings)`, ms(stats(endToEnd))],
    ];
    process.stdout.write(`\n${rows.map(([k, v]) => `${k.padEnd(96)} ${v}`).join('\n')}\n\n`);

    if (!opts['no-write']) {
      const section = [
        `### ${new Date().toISOString().replace(/\.\d+Z$/, 'Z')} — arena10k render ${fmt(stats(loads.map((l) => l.render)).median)} ms, live change ${fmt(stats(painted).median, 1)} ms to paint`,
        '',
        `- Machine: ${m.nproc} cores, shared with every service of the stack and with other work (${m.model}), load average at start ${m.loadAtStart.map((x) => x.toFixed(2)).join(' / ')}; Node ${m.node}; ${chromium}, headless, 1400x1000.`,
        `- Command: \`${command}\`; code ${m.commit}; stack \`${stack.name}\` through NGINX.`,
        '',
        '| Figure | Measured |',
        '|---|---|',
        ...rows.map(([k, v]) => `| ${k} | ${v} |`),
        '',
      ].join('\n');
      recordRun(MARKER, INTRO, section);
    }
  } finally {
    await browser?.close();
    await stack?.stop();
  }
}

await main();
