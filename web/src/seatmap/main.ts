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
const BOOKING_FIELDS = 'id status reason seatIds expiresAt event { id name }';
const HOLD = /* GraphQL */ `mutation SeatMapHold($input: HoldSeatsInput!) { holdSeats(input: $input) { ${BOOKING_FIELDS} } }`;
const CONFIRM = /* GraphQL */ `mutation SeatMapConfirm($id: ID!) { confirmBooking(id: $id) { ${BOOKING_FIELDS} } }`;
const CANCEL = /* GraphQL */ `mutation SeatMapCancel($id: ID!) { cancelBooking(id: $id) { ${BOOKING_FIELDS} } }`;
const BOOKING = /* GraphQL */ `query SeatMapBooking($id: ID!) { booking(id: $id) { ${BOOKING_FIELDS} } }`;
const MY_BOOKINGS = /* GraphQL */ `query SeatMapMine { myBookings(first: 20) { ${BOOKING_FIELDS} } }`;
const BOOKING_UPDATED = /* GraphQL */ `subscription SeatMapBookingUpdated($id: ID!) { bookingUpdated(id: $id) { ${BOOKING_FIELDS} } }`;
const EVENT_SIZE = /* GraphQL */ `query SeatMapEventSize($id: ID!) { event(id: $id) { availability { total } } }`;
const CREATE_EVENT = /* GraphQL */ `mutation SeatMapCreateEvent($input: CreateEventInput!) { createEvent(input: $input) { id name } }`;

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
type BookingStatus = 'PENDING' | 'HELD' | 'CONFIRMED' | 'REJECTED' | 'EXPIRED' | 'CANCELLED';
interface BookingState {
  id: string;
  status: BookingStatus;
  reason: string | null;
  seatIds: string[];
  expiresAt: string | null;
  event: { id: string; name: string } | null;
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
  LIMIT_EXCEEDED: 'you hold or have booked as many seats of this event as one person may',
  EVENT_OFF_SALE: 'the event is not on sale',
  HOLD_EXPIRED: 'the hold ran out',
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
  (seatId, label, status) => void hold(seatId, label, status),
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

// ---------------------------------------------------------------- own holds and bookings

/** Seats with a booking of this page, by seat id (the map shows them). */
const ownSeats = new Map<string, { eventId: string; mine: Mine }>();

/** The listed bookings of the current user, by booking id. */
const listed = new Map<string, { li: HTMLLIElement; state: BookingState; userId: string; stop?: () => void }>();

const MINE_OF: Partial<Record<BookingStatus, Mine>> = { PENDING: 'pending', HELD: 'held', CONFIRMED: 'confirmed' };
const LIVE: ReadonlySet<BookingStatus> = new Set(['PENDING', 'HELD', 'CONFIRMED']);

function currentUser(): string | null {
  const userId = userInput.value.trim();
  if (USER_ID.test(userId)) return userId;
  showStatus('Enter who you are: 1 to 64 letters, digits or _ . : @ -');
  userInput.focus();
  return null;
}

/** Clicking a seat holds it (the default action); the hold is then confirmed or cancelled from the list. */
async function hold(seatId: string, label: string, status: SeatStatus): Promise<void> {
  if (!current) return;
  const eventId = current.eventId;
  const own = ownSeats.get(seatId);
  if (own) return announce(`${label}: ${own.mine === 'pending' ? 'your request is pending' : own.mine === 'held' ? 'already held by you' : 'already booked by you'}`);
  if (status !== 'AVAILABLE') return announce(`${label} is ${status === 'HELD' ? 'held' : 'booked'}`);
  const userId = currentUser();
  if (!userId) return;
  localStorage.setItem(USER_KEY, userId);
  setOwn(seatId, eventId, 'pending');
  try {
    const { holdSeats } = await request<{ holdSeats: BookingState }>(HOLD, { input: { eventId, seatIds: [seatId], idempotencyKey: crypto.randomUUID() } }, userId);
    show(holdSeats, userId, label);
    announce(`${label}: hold requested`);
  } catch (error) {
    setOwn(seatId, eventId, undefined);
    const code = error instanceof GraphQLRequestError ? error.code : undefined;
    announce(`${label}: not held: ${code ? (REASONS[code] ?? (error as Error).message) : (error as Error).message}`);
    showStatus(`${label} could not be held: ${(error as Error).message}`);
  }
}

function setOwn(seatId: string, eventId: string, mine: Mine | undefined): void {
  if (mine) ownSeats.set(seatId, { eventId, mine });
  else ownSeats.delete(seatId);
  if (current?.eventId === eventId) map.setMine(seatId, mine);
}

/** Adds or updates a booking's line in the list and its seats on the map, and follows it while it can still change. */
function show(state: BookingState, userId: string, label?: string): void {
  let entry = listed.get(state.id);
  if (!entry) {
    const li = document.createElement('li');
    li.dataset.bookingId = state.id;
    li.innerHTML = '<span class="what"></span> <span class="state"></span><span class="actions"></span>';
    li.querySelector('.what')!.textContent = `${label ?? `${state.event?.name ?? 'Event'}: ${state.seatIds.join(', ')}`} (as ${userId}):`;
    entry = { li, state, userId };
    listed.set(state.id, entry);
    bookingsList.prepend(li);
  } else if (state.status === 'PENDING' && entry.state.status !== 'PENDING') {
    return; // a late message never moves a booking back
  }
  const before = entry.state.status;
  entry.state = state;
  const { li } = entry;
  li.dataset.status = state.status;
  li.dataset.reason = state.reason ?? '';
  const eventId = state.event?.id;
  if (eventId) for (const seatId of state.seatIds) setOwn(seatId, eventId, MINE_OF[state.status]);
  renderState(li, state);
  li.querySelector('.actions')!.replaceChildren(
    ...(state.status === 'HELD' ? [button('Confirm', () => act(CONFIRM, 'confirmBooking', state.id, userId))] : []),
    ...(state.status === 'HELD' || state.status === 'CONFIRMED' ? [button('Cancel', () => act(CANCEL, 'cancelBooking', state.id, userId))] : []),
  );
  if (before !== state.status) announce(`${li.querySelector('.what')!.textContent} ${describe(state)}`);
  if (!LIVE.has(state.status)) {
    entry.stop?.();
    entry.stop = undefined;
  } else entry.stop ??= follow(state.id, userId);
}

function button(text: string, onClick: () => void): HTMLButtonElement {
  const b = document.createElement('button');
  b.type = 'button';
  b.textContent = text;
  b.addEventListener('click', onClick);
  return b;
}

function describe(state: BookingState): string {
  const reason = state.reason ? `: ${REASONS[state.reason] ?? state.reason}` : '';
  switch (state.status) {
    case 'PENDING':
      return 'pending';
    case 'HELD': {
      const left = Math.max(0, Math.round((Date.parse(state.expiresAt ?? '') - Date.now()) / 1000));
      return `held, ${Math.floor(left / 60)}:${String(left % 60).padStart(2, '0')} left`;
    }
    case 'CONFIRMED':
      return 'confirmed';
    case 'REJECTED':
      return `rejected${reason}`;
    case 'EXPIRED':
      return `expired${reason}`;
    case 'CANCELLED':
      return 'cancelled';
  }
}

function renderState(li: HTMLLIElement, state: BookingState): void {
  li.querySelector('.state')!.textContent = describe(state);
}

// The countdowns of live holds.
setInterval(() => {
  for (const { li, state } of listed.values()) if (state.status === 'HELD') renderState(li, state);
}, 1000);

async function act(mutation: string, field: 'confirmBooking' | 'cancelBooking', id: string, userId: string): Promise<void> {
  try {
    const data = await request<Record<string, BookingState>>(mutation, { id }, userId);
    show(data[field]!, userId);
  } catch (error) {
    showStatus(`Could not ${field === 'confirmBooking' ? 'confirm' : 'cancel'}: ${(error as Error).message}`);
  }
}

/**
 * Changes arrive by bookingUpdated. The protocol does not confirm when the
 * server has registered a subscription, so a change decided in that moment
 * would be missed: the booking is also read once the subscription is sent,
 * and again every few seconds while it stays pending.
 */
function follow(bookingId: string, userId: string): () => void {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const stopSubscription = subscribe<{ bookingUpdated: BookingState }>(
    socketFor(userId),
    BOOKING_UPDATED,
    { id: bookingId },
    ({ bookingUpdated }) => show(bookingUpdated, userId),
    () => undefined, // the reads below still settle it
  );
  const read = async (delay: number) => {
    try {
      const { booking } = await request<{ booking: BookingState | null }>(BOOKING, { id: bookingId }, userId);
      if (booking) show(booking, userId);
    } catch {
      // a read that fails is tried again below
    }
    if (listed.get(bookingId)?.state.status === 'PENDING') timer = setTimeout(() => void read(Math.min(delay * 2, 15_000)), delay);
  };
  void read(2_000);
  return () => {
    clearTimeout(timer);
    stopSubscription();
  };
}

/** The list shows the current user's own holds and bookings, newest first. */
/** Whose bookings the list shows; a blur that fires `change` again for the same name keeps the list. */
let listedUser: string | undefined;

async function listMine(): Promise<void> {
  listedUser = userInput.value.trim();
  for (const entry of listed.values()) entry.stop?.();
  listed.clear();
  bookingsList.replaceChildren();
  for (const [seatId, { eventId }] of [...ownSeats]) setOwn(seatId, eventId, undefined);
  const userId = userInput.value.trim();
  if (!USER_ID.test(userId)) return;
  try {
    const { myBookings } = await request<{ myBookings: BookingState[] }>(MY_BOOKINGS, {}, userId);
    for (const booking of [...myBookings].reverse()) show(booking, userId);
  } catch (error) {
    showStatus(`Could not list your bookings: ${(error as Error).message}`);
  }
}
userInput.addEventListener('change', () => {
  if (userInput.value.trim() !== listedUser) void listMine();
});

// ---------------------------------------------------------------- administration

const createForm = $<HTMLFormElement>('create-event');
createForm.addEventListener('submit', (e) => {
  e.preventDefault();
  void createEvent(new FormData(createForm));
});

async function createEvent(form: FormData): Promise<void> {
  const userId = currentUser();
  if (!userId) return;
  const text = (name: string) => String(form.get(name) ?? '').trim();
  const input = {
    name: text('name'),
    venue: text('venue'),
    startsAt: new Date(text('startsAt')).toISOString(),
    sections: text('sections')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean)
      .map((name) => ({ name, rows: Number(text('rows')), seatsPerRow: Number(text('seatsPerRow')) })),
    perUserLimit: Number(text('perUserLimit')),
  };
  try {
    // Development sign-in grants the role on request; the bookings subgraph checks it.
    const { createEvent: event } = await request<{ createEvent: { id: string; name: string } }>(CREATE_EVENT, { input }, userId, { admin: true });
    // Its seats reach the read model a moment after the event: open the map once they are all there.
    const total = input.sections.length * Number(text('rows')) * Number(text('seatsPerRow'));
    for (let tries = 0; tries < 50; tries++) {
      const { event: created } = await request<{ event: { availability: { total: number } } | null }>(EVENT_SIZE, { id: event.id });
      if (created && created.availability.total >= total) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    showStatus(`Created ${event.name}`);
    announce(`Event ${event.name} created`);
    await listEvents();
    location.hash = `#/events/${encodeURIComponent(event.id)}`;
  } catch (error) {
    showStatus(`Could not create the event: ${(error as Error).message}`);
  }
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
void listMine();
