import type { Client } from 'graphql-ws';
import { GraphQLRequestError, USER_ID, request, socket, subscribe } from '../shared/graphql.ts';
import { SeatMap, type Mine, type Seat, type SeatStatus } from './map.ts';
import './style.css';

// Performance entries, read by scripts/bench/seatmap.ts:
//   seatmap:build   seats received -> DOM built      seatmap:render  seats received -> painted
//   seatmap:total   seats requested -> painted       seatmap:update  change received -> applied
//   seatmap:update-painted  change received -> painted

const EVENTS = /* GraphQL */ `query SeatMapEvents { events { id name venue startsAt availability { total available } } }`;
const EVENT = /* GraphQL */ `query SeatMapEvent($id: ID!) { event(id: $id) { id name venue startsAt seats { id section row status version } } }`;
const SEAT_CHANGES = /* GraphQL */ `subscription SeatMapChanges($eventId: ID!) { seatStatusChanged(eventId: $eventId) { seatId status version } }`;
const REQUEST = /* GraphQL */ `mutation SeatMapBook($input: RequestBookingInput!) { requestBooking(input: $input) { id status } }`;
const BOOKING = /* GraphQL */ `query SeatMapBooking($id: ID!) { booking(id: $id) { id status reason } }`;
const BOOKING_UPDATED = /* GraphQL */ `subscription SeatMapBookingUpdated($id: ID!) { bookingUpdated(id: $id) { id status reason } }`;

interface EventSummary {
  id: string;
  name: string;
  venue: string;
  startsAt: string;
  availability: { total: number; available: number };
}
interface EventDetail {
  id: string;
  name: string;
  venue: string;
  startsAt: string;
  seats: Seat[];
}
interface SeatChange {
  seatId: string;
  status: SeatStatus;
  version: number;
}
interface BookingState {
  id: string;
  status: 'PENDING' | 'CONFIRMED' | 'REJECTED';
  reason?: string | null;
}

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const userInput = $<HTMLInputElement>('user');
const eventsList = $<HTMLUListElement>('events');
const eventSection = $<HTMLElement>('event');
const eventHeading = $<HTMLHeadingElement>('event-heading');
const eventMeta = $<HTMLParagraphElement>('event-meta');
const counts = $<HTMLParagraphElement>('counts');
const mapRoot = $<HTMLDivElement>('map');
const bookingsList = $<HTMLOListElement>('bookings');
const announcer = $<HTMLDivElement>('announcer');
const statusLine = $<HTMLParagraphElement>('status');

const REASONS: Record<string, string> = {
  SEAT_UNAVAILABLE: 'the seat is no longer available',
  UNKNOWN_SEAT: 'the seat does not exist',
  EVENT_NOT_FOUND: 'the event does not exist',
  INVALID_REQUEST: 'the request was not valid',
};

const dateFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

/** Polite announcements for screen readers; repeated text is still read. */
function announce(text: string): void {
  announcer.textContent = '';
  requestAnimationFrame(() => (announcer.textContent = text));
}

function showStatus(text: string): void {
  statusLine.textContent = text;
}

const map = new SeatMap(
  mapRoot,
  (seatId, label, status) => void book(seatId, label, status),
  (c, total) => (counts.textContent = `${c.AVAILABLE.toLocaleString()} of ${total.toLocaleString()} seats available · ${c.HELD.toLocaleString()} held · ${c.BOOKED.toLocaleString()} booked`),
);

// ---------------------------------------------------------------- identity

const USER_KEY = 'booking.user';
userInput.value = localStorage.getItem(USER_KEY) ?? userInput.value;
userInput.addEventListener('change', () => {
  if (USER_ID.test(userInput.value.trim())) localStorage.setItem(USER_KEY, userInput.value.trim());
});

/** One socket per identity for bookingUpdated; seat changes need none. */
const userSockets = new Map<string, Client>();
const socketFor = (userId: string) => {
  let client = userSockets.get(userId);
  if (!client) userSockets.set(userId, (client = socket(userId)));
  return client;
};

// ---------------------------------------------------------------- events and the map

let current: { eventId: string; stop: () => void } | null = null;
let loads = 0;
const seatsSocket = socket(null, () => {
  // Changes sent while disconnected are gone: load the map again.
  if (current) void openEvent(current.eventId);
});

async function listEvents(): Promise<void> {
  const { events } = await request<{ events: EventSummary[] }>(EVENTS);
  eventsList.replaceChildren(
    ...events.map((e) => {
      const li = document.createElement('li');
      const a = document.createElement('a');
      a.href = `#/events/${encodeURIComponent(e.id)}`;
      a.textContent = e.name;
      a.dataset.eventId = e.id;
      a.toggleAttribute('aria-current', e.id === current?.eventId);
      const meta = document.createElement('span');
      meta.className = 'meta';
      meta.textContent = `${e.venue} · ${dateFormat.format(new Date(e.startsAt))} · ${e.availability.available.toLocaleString()} of ${e.availability.total.toLocaleString()} available`;
      li.append(a, meta);
      return li;
    }),
  );
}

/**
 * Subscribes first and buffers, then loads the map, then applies what was
 * buffered and everything later by seat version: a change is applied only
 * when it is newer than what the map shows, so the order of the two
 * channels does not matter.
 */
async function openEvent(eventId: string): Promise<void> {
  const load = ++loads;
  current?.stop();
  performance.clearMarks();
  performance.clearMeasures();
  mapRoot.dataset.state = 'loading';
  eventSection.hidden = false;
  for (const a of eventsList.querySelectorAll('a')) a.toggleAttribute('aria-current', a.dataset.eventId === eventId);
  let buffer: SeatChange[] | null = [];
  const stop = subscribe<{ seatStatusChanged: SeatChange }>(
    seatsSocket,
    SEAT_CHANGES,
    { eventId },
    ({ seatStatusChanged: change }) => {
      if (buffer) return void buffer.push(change);
      const received = performance.now();
      if (!map.apply(change.seatId, change.status, change.version)) return;
      performance.measure('seatmap:update', { start: received, end: performance.now(), detail: change.seatId });
      afterPaint(() => performance.measure('seatmap:update-painted', { start: received, end: performance.now(), detail: change.seatId }));
    },
    (message) => showStatus(`Live updates stopped: ${message}`),
  );
  current = { eventId, stop };
  performance.mark('seatmap:load');
  let event: EventDetail | null;
  try {
    event = (await request<{ event: EventDetail | null }>(EVENT, { id: eventId })).event;
  } catch (error) {
    if (load === loads) showStatus(`Could not load the event: ${(error as Error).message}`);
    return;
  }
  if (load !== loads) return;
  if (!event) {
    stop();
    eventHeading.textContent = 'No such event';
    eventMeta.textContent = '';
    mapRoot.replaceChildren();
    return;
  }
  performance.mark('seatmap:data');
  eventHeading.textContent = event.name;
  eventMeta.textContent = `${event.venue} · ${dateFormat.format(new Date(event.startsAt))}`;
  map.render(event.seats);
  performance.measure('seatmap:build', 'seatmap:data');
  for (const [seatId, state] of ownSeats) if (state.eventId === eventId) map.setMine(seatId, state.mine);
  const buffered = buffer;
  buffer = null;
  for (const change of buffered) map.apply(change.seatId, change.status, change.version);
  afterPaint(() => {
    if (load !== loads) return;
    performance.mark('seatmap:painted');
    performance.measure('seatmap:render', 'seatmap:data', 'seatmap:painted');
    performance.measure('seatmap:total', 'seatmap:load', 'seatmap:painted');
    mapRoot.dataset.state = 'ready';
    mapRoot.dataset.seats = String(event.seats.length);
  });
}

/** Runs once the browser has painted the current DOM: a task queued from the frame callback runs after that frame. */
function afterPaint(fn: () => void): void {
  requestAnimationFrame(() => setTimeout(fn, 0));
}

// ---------------------------------------------------------------- own bookings

/** Seats with a booking of this page, by seat id (the map shows them). */
const ownSeats = new Map<string, { eventId: string; mine: Mine }>();

async function book(seatId: string, label: string, status: SeatStatus): Promise<void> {
  if (!current) return;
  const eventId = current.eventId;
  const own = ownSeats.get(seatId);
  if (own?.mine === 'pending' || own?.mine === 'confirmed') return announce(`${label}: ${own.mine === 'pending' ? 'your booking is pending' : 'already booked by you'}`);
  if (status !== 'AVAILABLE') return announce(`${label} is ${status === 'HELD' ? 'held' : 'booked'}`);
  const userId = userInput.value.trim();
  if (!USER_ID.test(userId)) {
    showStatus('Enter who you are booking as: 1 to 64 letters, digits or _ . : @ -');
    userInput.focus();
    return;
  }
  localStorage.setItem(USER_KEY, userId);
  const item = addBookingItem(label, userId);
  setOwn(seatId, eventId, 'pending');
  try {
    const { requestBooking } = await request<{ requestBooking: BookingState }>(REQUEST, { input: { eventId, seatIds: [seatId], idempotencyKey: crypto.randomUUID() } }, userId);
    item.dataset.bookingId = requestBooking.id;
    follow(requestBooking.id, userId, (state) => settle(item, seatId, eventId, label, state));
  } catch (error) {
    const code = error instanceof GraphQLRequestError ? error.code : undefined;
    settle(item, seatId, eventId, label, { id: '', status: 'REJECTED', reason: code ?? null }, (error as Error).message);
  }
}

function setOwn(seatId: string, eventId: string, mine: Mine | undefined): void {
  if (mine) ownSeats.set(seatId, { eventId, mine });
  else ownSeats.delete(seatId);
  if (current?.eventId === eventId) map.setMine(seatId, mine);
}

function addBookingItem(label: string, userId: string): HTMLLIElement {
  const li = document.createElement('li');
  li.dataset.status = 'PENDING';
  li.innerHTML = '<span class="what"></span> <span class="state"></span>';
  li.querySelector('.what')!.textContent = `${label} (as ${userId}):`;
  li.querySelector('.state')!.textContent = 'pending';
  bookingsList.prepend(li);
  announce(`${label}: booking requested, pending`);
  return li;
}

function settle(item: HTMLLIElement, seatId: string, eventId: string, label: string, state: BookingState, message?: string): void {
  if (item.dataset.status !== 'PENDING' || state.status === 'PENDING') return;
  item.dataset.status = state.status;
  item.dataset.reason = state.reason ?? '';
  const reason = message ?? (state.reason ? (REASONS[state.reason] ?? state.reason) : undefined);
  const text = state.status === 'CONFIRMED' ? 'confirmed' : `rejected${reason ? `: ${reason}` : ''}`;
  item.querySelector('.state')!.textContent = text;
  setOwn(seatId, eventId, state.status === 'CONFIRMED' ? 'confirmed' : undefined);
  announce(`${label}: booking ${text}`);
}

/**
 * The outcome arrives by bookingUpdated. The protocol does not confirm when
 * the server has registered a subscription, so an outcome decided in that
 * moment would be missed: the booking is also read once the subscription is
 * sent, and again every few seconds while it stays pending.
 */
function follow(bookingId: string, userId: string, onState: (state: BookingState) => void): void {
  let done = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const finish = (state: BookingState) => {
    if (done || state.status === 'PENDING') return;
    done = true;
    clearTimeout(timer);
    stop();
    onState(state);
  };
  const stop = subscribe<{ bookingUpdated: BookingState }>(
    socketFor(userId),
    BOOKING_UPDATED,
    { id: bookingId },
    ({ bookingUpdated }) => finish(bookingUpdated),
    () => undefined, // the reads below still settle it
  );
  const read = async (delay: number) => {
    try {
      const { booking } = await request<{ booking: BookingState | null }>(BOOKING, { id: bookingId }, userId);
      if (booking) finish(booking);
    } catch {
      // a read that fails is tried again below
    }
    if (!done) timer = setTimeout(() => void read(Math.min(delay * 2, 15_000)), delay);
  };
  void read(2_000);
}

// ---------------------------------------------------------------- routing

function route(): void {
  const match = /^#\/events\/(.+)$/.exec(location.hash);
  const eventId = match ? decodeURIComponent(match[1]!) : null;
  if (eventId && eventId !== current?.eventId) void openEvent(eventId);
  if (!eventId) {
    current?.stop();
    current = null;
    eventSection.hidden = true;
  }
}

window.addEventListener('hashchange', route);
listEvents().then(
  () => showStatus(''),
  (error: Error) => showStatus(`Could not load the events: ${error.message}`),
);
route();
