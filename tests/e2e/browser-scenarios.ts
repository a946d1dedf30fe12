import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { GiveUp, gql, launchBrowser, waitFor } from '@booking/testkit';

const ARTIFACTS = fileURLToPath(new URL('../../.artifacts/browser/', import.meta.url));

/**
 * The part of the DOM that callbacks given to page.evaluate use: they run in
 * the page, but are type-checked with the Node test code, which has no DOM lib.
 */
interface PageElement {
  getAttribute(name: string): string | null;
  click(): void;
  CodeMirror?: { getValue(): string };
}
declare const document: { querySelector(selector: string): PageElement | null; querySelectorAll(selector: string): Iterable<PageElement>; activeElement: PageElement | null };

const REQUEST = /* GraphQL */ `mutation($input: RequestBookingInput!) { requestBooking(input: $input) { id status } }`;

/** Every URL a page asked for over HTTP or WebSocket. */
function recordRequests(page: Page, into: string[]): void {
  page.on('request', (r) => void into.push(r.url()));
  page.on('websocket', (ws) => void into.push(ws.url()));
}

/** URLs that would leave the server under test: another host or port (data: and blob: stay in the page). */
function foreign(urls: string[], baseUrl: string): string[] {
  const base = new URL(baseUrl);
  return urls.filter((u) => {
    const url = new URL(u);
    if (url.protocol === 'data:' || url.protocol === 'blob:') return false;
    return url.host !== base.host || !['http:', 'https:', 'ws:', 'wss:'].includes(url.protocol);
  });
}

const codeMirrorValue = (page: Page, selector: string) =>
  page.evaluate((s) => document.querySelector(s)?.CodeMirror?.getValue() ?? '', selector);

/** The refusal of a run that named the previous tab's operation. */
const STALE_OPERATION = 'OPERATION_RESOLUTION_FAILURE';

/**
 * Opens one of GraphiQL's example tabs and runs it. GraphiQL reads the
 * operation name from the editor 100 ms after a change (a debounce); a run
 * within that moment names the previous tab's operation and is refused with
 * OPERATION_RESOLUTION_FAILURE, so it is run again.
 */
async function runTab(page: Page, title: string): Promise<void> {
  await page.click(`button[title="${title}"]`);
  await waitFor(async () => (await codeMirrorValue(page, '.graphiql-query-editor .CodeMirror')).includes(` ${title}`), { what: `the ${title} tab` });
  for (let attempt = 1; ; attempt++) {
    await page.click('.graphiql-execute-button[aria-label^="Execute"]');
    const outcome = await waitFor(
      async () => {
        const value = await codeMirrorValue(page, '.result-window .CodeMirror');
        if (value.includes(STALE_OPERATION)) return 'retry';
        // A query shows its result; a subscription keeps running until it is stopped.
        if (value.trim() || (await page.$('.graphiql-execute-button[aria-label^="Stop"]'))) return 'ran';
        return undefined;
      },
      { timeoutMs: 10_000, what: `GraphiQL to run ${title}` },
    );
    if (outcome === 'ran') return;
    if (attempt === 3) throw new Error(`GraphiQL kept running another tab's operation instead of ${title}`);
  }
}

const seatButton = (page: Page, section: string, row: number, seat: number) => page.locator(`#map button[aria-label^="Section ${section} row ${row} seat ${seat},"]`);

/** Clicks a seat through the DOM: one round trip, so two pages can click within milliseconds of each other. */
const clickSeat = (page: Page, section: string, row: number, seat: number) =>
  page.evaluate((prefix) => document.querySelector(`#map button[aria-label^="${prefix}"]`)!.click(), `Section ${section} row ${row} seat ${seat},`);

/** Whether the page shows the seat taken: held or booked. */
const isTaken = (page: Page, section: string, row: number, seat: number) =>
  page.evaluate((prefix) => /, (held|booked)/.test(document.querySelector(`#map button[aria-label^="${prefix}"]`)?.getAttribute('aria-label') ?? ''), `Section ${section} row ${row} seat ${seat},`);

/** The line of a booking in the page's list, by the seat's label. */
const bookingLine = (page: Page, label: string) => page.locator('#bookings li', { hasText: label });

/**
 * The browser tests of the seat-map page and GraphiQL, against any server
 * that serves them with the GraphQL API on the same origin (NGINX in front
 * of a stack, or anything else): `baseUrl` is read when the tests run.
 * Screenshots go to .artifacts/browser/<label>-*.png.
 */
export function browserTests(baseUrl: () => string, label = 'stack'): void {
  let browser: Browser;
  const contexts: BrowserContext[] = [];
  /** Requests of every page opened by these tests, for the last test. */
  const requests: string[] = [];
  /** Uncaught errors in any page fail the test that opened it. */
  const pageErrors: string[] = [];

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    browser = await launchBrowser();
  });
  afterEach(async () => {
    await Promise.all(contexts.splice(0).map((c) => c.close()));
    expect(pageErrors.splice(0), 'uncaught errors in the pages').toEqual([]);
  });
  afterAll(async () => {
    await browser?.close();
  });

  async function open(path: string, userId?: string): Promise<Page> {
    const context = await browser.newContext({ viewport: { width: 1400, height: 1000 } });
    contexts.push(context);
    const page = await context.newPage();
    recordRequests(page, requests);
    page.on('pageerror', (e) => void pageErrors.push(`${path}: ${e.message}`));
    await page.goto(`${baseUrl()}${path}`);
    if (userId) {
      await page.fill('#user', userId);
      // As when the name is entered: the page lists that user's bookings now,
      // not at the next blur (which a real click elsewhere would cause mid-test).
      await page.dispatchEvent('#user', 'change');
    }
    return page;
  }

  const book = (seat: string, userId: string) => gql<{ requestBooking: { status: string } }>(`${baseUrl()}/graphql`, REQUEST, { input: { eventId: 'arena10k', seatIds: [seat] } }, userId);

  it('opens GraphiQL with the identity header filled in, runs a query and a mutation, and shows subscription events', async () => {
    const page = await open('/graphql');
    await page.waitForSelector('.graphiql-query-editor .CodeMirror', { timeout: 20_000 });
    const editors = await page.evaluate(() => [...document.querySelectorAll('.graphiql-editor-tool .CodeMirror')].map((e) => e.CodeMirror?.getValue() ?? ''));
    expect(editors.some((v) => /"authorization": "Bearer [\w-]+\.[\w-]+\.[\w-]+"/.test(v))).toBe(true);

    // The first example lists events.
    await runTab(page, 'ListEvents');
    const events = await waitFor(async () => {
      const value = await codeMirrorValue(page, '.result-window .CodeMirror');
      return value.includes('"id": "arena10k"') ? value : undefined;
    }, { timeoutMs: 10_000, what: 'the events query result' });
    expect(events).toContain('"name": "Arena Tour"');

    // A mutation needs the identity: it comes from the headers editor.
    await runTab(page, 'RequestBooking');
    const booked = await waitFor(async () => {
      const value = await codeMirrorValue(page, '.result-window .CodeMirror');
      if (value.includes(STALE_OPERATION)) return void (await runTab(page, 'RequestBooking'));
      return value.includes('"requestBooking"') || value.includes('"errors"') ? value : undefined;
    }, { timeoutMs: 20_000, what: 'the requestBooking result' });
    expect(booked).toContain('"status": "PENDING"');

    // The subscription example: book seats over HTTP until one change shows
    // (the protocol does not say when the subscription is in place).
    await runTab(page, 'SeatStatusChanged');
    const probes = Array.from({ length: 20 }, (_, i) => `C_R40_S${i + 1}`);
    const shown = await waitFor(
      async () => {
        const value = await codeMirrorValue(page, '.result-window .CodeMirror');
        // Started within GraphiQL's debounce, under the previous tab's operation name: run it again.
        if (value.includes(STALE_OPERATION)) return void (await runTab(page, 'SeatStatusChanged'));
        if (value.includes('"errors"')) throw new GiveUp(`the subscription failed: ${value}`);
        if (value.includes('"seatStatusChanged"')) return value;
        const seat = probes.shift();
        if (!seat) throw new GiveUp('no change arrived for 20 booked seats');
        expect((await book(seat, 'graphiql-probe')).data?.requestBooking.status).toBe('PENDING');
        return undefined;
      },
      { timeoutMs: 30_000, intervalMs: 500, what: 'GraphiQL to show a seat change' },
    );
    expect(shown).toMatch(/"seatId": "C_R40_S\d+"/);
    expect(shown).toContain('"status": "BOOKED"');
    expect(shown).toContain('"name": "Arena Tour"'); // resolved through federation on delivery
    await page.screenshot({ path: `${ARTIFACTS}${label}-graphiql-subscription.png` });
  });

  it("shows one page's hold on another page within 1 s, confirms it, and tells the other page why the seat it also asked for is taken", async () => {
    const ann = await open('/#/events/arena10k', 'ann');
    const ben = await open('/#/events/arena10k', 'ben');
    for (const page of [ann, ben]) {
      await page.waitForSelector('#map[data-state="ready"]', { timeout: 30_000 });
      expect(await page.locator('#map button').count()).toBe(10_000);
    }
    await expect(seatButton(ann, 'C', 41, 1).getAttribute('aria-label')).resolves.toBe('Section C row 41 seat 1, available');

    // Ben's subscription is in place, and the path warm, once one of Ann's holds shows on his page.
    let probe = 0;
    await waitFor(
      async () => {
        if (probe > 0 && (await isTaken(ben, 'C', 41, probe))) return true;
        if (probe >= 20) throw new GiveUp("none of Ann's 20 holds showed on Ben's page");
        await clickSeat(ann, 'C', 41, ++probe);
        await waitFor(() => isTaken(ben, 'C', 41, probe), { timeoutMs: 2_000, intervalMs: 20, what: 'probe' }).catch(() => undefined);
        return isTaken(ben, 'C', 41, probe);
      },
      { timeoutMs: 60_000, intervalMs: 0, what: "Ben's page to show Ann's holds" },
    );

    const started = Date.now();
    await clickSeat(ann, 'C', 42, 7);
    await ben.waitForFunction(() => /, held$/.test(document.querySelector('#map button[aria-label^="Section C row 42 seat 7,"]')?.getAttribute('aria-label') ?? ''), undefined, { timeout: 5_000, polling: 'raf' });
    const elapsed = Date.now() - started;
    expect(elapsed).toBeLessThan(1_000);
    const line = bookingLine(ann, 'Section C row 42 seat 7');
    await ann.waitForSelector('#bookings li[data-status="HELD"] >> text=Section C row 42 seat 7', { timeout: 10_000 });
    expect(await line.textContent()).toMatch(/held, (9:5\d|10:00) left/);
    await expect(seatButton(ann, 'C', 42, 7).getAttribute('aria-label')).resolves.toBe('Section C row 42 seat 7, held, held by you');
    await line.getByRole('button', { name: 'Confirm' }).click();
    await ann.waitForSelector('#bookings li[data-status="CONFIRMED"] >> text=Section C row 42 seat 7', { timeout: 20_000 });
    await waitFor(async () => (await seatButton(ann, 'C', 42, 7).getAttribute('aria-label')) === 'Section C row 42 seat 7, booked, booked by you', { what: 'the seat to show booked by Ann' });
    await waitFor(async () => (await ann.textContent('#announcer'))?.includes('Section C row 42 seat 7 (as ann): confirmed'), { what: 'the confirmation to be announced' });
    await ben.waitForFunction(() => /, booked$/.test(document.querySelector('#map button[aria-label^="Section C row 42 seat 7,"]')?.getAttribute('aria-label') ?? ''), undefined, { timeout: 5_000 });

    // Both ask for the same seat at once: one holds it, the other is told why not.
    await Promise.all([clickSeat(ann, 'C', 43, 9), clickSeat(ben, 'C', 43, 9)]);
    const outcome = async (page: Page) => {
      const li = bookingLine(page, 'Section C row 43 seat 9');
      await li.waitFor({ timeout: 5_000 });
      await waitFor(async () => (await li.getAttribute('data-status')) !== 'PENDING', { timeoutMs: 10_000, what: 'the hold to be decided' });
      return { page, status: await li.getAttribute('data-status'), reason: await li.getAttribute('data-reason'), text: (await li.textContent()) ?? '' };
    };
    const outcomes = await Promise.all([outcome(ann), outcome(ben)]);
    expect(outcomes.map((o) => o.status).sort()).toEqual(['HELD', 'REJECTED']);
    const rejected = outcomes.find((o) => o.status === 'REJECTED')!;
    expect(rejected.reason).toBe('SEAT_UNAVAILABLE');
    expect(rejected.text).toContain('rejected: the seat is no longer available');
    await waitFor(async () => (await rejected.page.textContent('#announcer'))?.includes('Section C row 43 seat 9 (as'), { what: 'the rejection to be announced' });
    // The seat now shows as held there too, and a click on it sends nothing.
    await waitFor(() => isTaken(rejected.page, 'C', 43, 9), { timeoutMs: 5_000, what: 'the taken seat to show as held' });
    const before = requests.length;
    await clickSeat(rejected.page, 'C', 43, 9);
    await waitFor(async () => (await rejected.page.textContent('#announcer'))?.includes('Section C row 43 seat 9 is held'), { what: 'the click on a held seat to be answered' });
    expect(requests.slice(before).filter((u) => u.endsWith('/graphql'))).toEqual([]);
    for (const page of [ann, ben]) await seatButton(page, 'C', 43, 9).scrollIntoViewIfNeeded();
    await ann.screenshot({ path: `${ARTIFACTS}${label}-seatmap-ann.png` });
    await ben.screenshot({ path: `${ARTIFACTS}${label}-seatmap-ben.png` });
  });

  it('holds a seat with the keyboard alone, one seat in the tab order, announces it, and cancels the hold from the list', async () => {
    const page = await open('/#/events/arena10k', 'kim');
    await page.waitForSelector('#map[data-state="ready"]', { timeout: 30_000 });
    expect(await page.locator('#map button[tabindex="0"]').count()).toBe(1);
    await page.focus('#map button[tabindex="0"]');
    for (const key of ['ArrowDown', 'ArrowDown', 'ArrowRight', 'ArrowRight', 'ArrowRight', 'End', 'ArrowLeft']) await page.keyboard.press(key);
    const focused = () => page.evaluate(() => document.activeElement?.getAttribute('aria-label'));
    expect(await focused()).toBe('Section A row 3 seat 49, available');
    await page.keyboard.press('Enter');
    await waitFor(async () => (await page.textContent('#announcer'))?.includes('Section A row 3 seat 49 (as kim): held'), { what: 'the hold to be announced' });
    expect(await page.locator('#map button[tabindex="0"]').count()).toBe(1);
    expect(await focused()).toBe('Section A row 3 seat 49, held, held by you');

    await bookingLine(page, 'Section A row 3 seat 49').getByRole('button', { name: 'Cancel' }).click();
    await page.waitForSelector('#bookings li[data-status="CANCELLED"] >> text=Section A row 3 seat 49', { timeout: 10_000 });
    await waitFor(async () => (await seatButton(page, 'A', 3, 49).getAttribute('aria-label')) === 'Section A row 3 seat 49, available', { what: 'the seat to be free again' });

    // The list comes from the server too: a new page of the same user shows the cancelled hold.
    const again = await open('/#/events/arena10k', 'kim');
    await again.waitForSelector('#bookings li[data-status="CANCELLED"]', { timeout: 10_000 });
  });

  it('creates an event from the admin view, which then opens with its seats', async () => {
    const page = await open('/', 'impresario');
    await page.click('#admin summary');
    await page.fill('#create-event input[name="name"]', 'Browser Gala');
    await page.fill('#create-event input[name="venue"]', 'Glass Hall');
    await page.fill('#create-event input[name="startsAt"]', '2027-10-01T19:30');
    await page.fill('#create-event input[name="sections"]', 'Left, Right');
    await page.fill('#create-event input[name="rows"]', '3');
    await page.fill('#create-event input[name="seatsPerRow"]', '4');
    await page.click('#create-event button[type="submit"]');
    await page.waitForSelector('#map[data-state="ready"][data-seats="24"]', { timeout: 15_000 });
    expect(await page.textContent('#event-heading')).toBe('Browser Gala');
    await page.waitForSelector('#events a >> text=Browser Gala');
  });

  it('sends no request from any page to a host other than the server under test', async () => {
    const page = await open('/#/events/concert123', 'carla');
    await page.waitForSelector('#map[data-state="ready"]', { timeout: 30_000 });
    await page.screenshot({ path: `${ARTIFACTS}${label}-seatmap-concert.png` });
    // Every page these tests opened, GraphiQL with its editors and fonts included.
    const origins = new Set(requests.map((u) => new URL(u).origin));
    expect(requests.some((u) => u.startsWith('ws'))).toBe(true);
    expect(requests.filter((u) => u.includes('/assets/')).length).toBeGreaterThan(2);
    expect(foreign(requests, baseUrl()), `origins seen: ${[...origins].join(', ')}`).toEqual([]);
  });
}
