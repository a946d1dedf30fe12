import type { GraphQLResolveInfo, GraphQLScalarType, GraphQLScalarTypeConfig } from 'graphql';
import type { BookingModel } from '../api/model.ts';
import type { Context } from '../context.ts';
export type Maybe<T> = T | null;
export type InputMaybe<T> = Maybe<T>;
export type RequireFields<T, K extends keyof T> = Omit<T, K> & { [P in K]-?: NonNullable<T[P]> };
/** All built-in and custom scalars, mapped to their actual values */
export type Scalars = {
  ID: { input: string; output: string; }
  String: { input: string; output: string; }
  Boolean: { input: boolean; output: boolean; }
  Int: { input: number; output: number; }
  Float: { input: number; output: number; }
  /** An instant as an ISO 8601 string with a UTC offset, e.g. 2027-07-01T19:00:00.000Z. */
  DateTime: { input: Date; output: Date; }
  _FieldSet: { input: unknown; output: unknown; }
};

export type Booking = {
  __typename?: 'Booking';
  createdAt: Scalars['String']['output'];
  /** Position for `myBookings(after:)`. */
  cursor: Scalars['String']['output'];
  event: Event;
  /** When a HELD booking's seats are released unless it is confirmed. */
  expiresAt?: Maybe<Scalars['DateTime']['output']>;
  id: Scalars['ID']['output'];
  /**
   * Stable code when REJECTED (SEAT_UNAVAILABLE, UNKNOWN_SEAT, EVENT_NOT_FOUND,
   * INVALID_REQUEST, LIMIT_EXCEEDED, EVENT_OFF_SALE) or EXPIRED (HOLD_EXPIRED).
   */
  reason?: Maybe<Scalars['String']['output']>;
  seatIds: Array<Scalars['ID']['output']>;
  status: BookingStatus;
  userId: Scalars['ID']['output'];
};

export type BookingStatus =
  | 'CANCELLED'
  | 'CONFIRMED'
  | 'EXPIRED'
  | 'HELD'
  | 'PENDING'
  | 'REJECTED';

export type CreateEventInput = {
  name: Scalars['String']['input'];
  /** Seats one user may hold or have booked at once (default 6). */
  perUserLimit?: InputMaybe<Scalars['Int']['input']>;
  /** Seats with their own labels, after those of `sections`. */
  seats?: InputMaybe<Array<SeatInput>>;
  /** Blocks of rows x seats, labelled <section>_R<row>_S<seat>. */
  sections?: InputMaybe<Array<SectionInput>>;
  startsAt: Scalars['DateTime']['input'];
  venue: Scalars['String']['input'];
};

export type Event = {
  __typename?: 'Event';
  id: Scalars['ID']['output'];
};

export type HoldSeatsInput = {
  eventId: Scalars['ID']['input'];
  idempotencyKey?: InputMaybe<Scalars['String']['input']>;
  /** Seat labels of one event, 1 to 10, no repeats. All are held or none. */
  seatIds: Array<Scalars['ID']['input']>;
  /** How long to hold; bounded per deployment (by default 600, at least 5, at most 1800). */
  ttlSeconds?: InputMaybe<Scalars['Int']['input']>;
};

export type Mutation = {
  __typename?: 'Mutation';
  /** Cancels a hold or a confirmed booking and frees its seats: the owner or an admin only. */
  cancelBooking: Booking;
  /** Turns a live hold into CONFIRMED; a hold past its expiry ends EXPIRED with reason HOLD_EXPIRED. */
  confirmBooking: Booking;
  /** Creates an event with its seats (admin only). */
  createEvent: Event;
  /** Makes a live hold end `ttlSeconds` from now (the deployment's default when omitted), never earlier than it already would. */
  extendHold: Booking;
  /**
   * Holds seats while the caller pays: PENDING at once, then HELD with
   * `expiresAt` (or REJECTED with a reason). Held seats are released when the
   * hold expires unless it is confirmed first.
   */
  holdSeats: Booking;
  /**
   * Accepts a booking request and answers at once with status PENDING. The
   * outcome (CONFIRMED or REJECTED with a reason) follows asynchronously.
   * Sending the same idempotencyKey again returns the same booking.
   */
  requestBooking: Booking;
  /** Changes an event's details, limit or sale (admin only). */
  updateEvent: Event;
};


export type MutationCancelBookingArgs = {
  id: Scalars['ID']['input'];
};


export type MutationConfirmBookingArgs = {
  id: Scalars['ID']['input'];
};


export type MutationCreateEventArgs = {
  input: CreateEventInput;
};


export type MutationExtendHoldArgs = {
  id: Scalars['ID']['input'];
  ttlSeconds?: InputMaybe<Scalars['Int']['input']>;
};


export type MutationHoldSeatsArgs = {
  input: HoldSeatsInput;
};


export type MutationRequestBookingArgs = {
  input: RequestBookingInput;
};


export type MutationUpdateEventArgs = {
  id: Scalars['ID']['input'];
  input: UpdateEventInput;
};

export type Query = {
  __typename?: 'Query';
  /** A booking of the calling user (any booking for an admin). Null when no request with this id is known. */
  booking?: Maybe<Booking>;
  /**
   * The caller's bookings, newest first by request time, requests not yet
   * decided (PENDING) among them: `first` of them (1-100) after the cursor
   * `after` (the `cursor` of the last booking of the previous page).
   */
  myBookings: Array<Booking>;
};


export type QueryBookingArgs = {
  id: Scalars['ID']['input'];
};


export type QueryMyBookingsArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
};

export type RequestBookingInput = {
  eventId: Scalars['ID']['input'];
  idempotencyKey?: InputMaybe<Scalars['String']['input']>;
  /** Seat labels of one event, 1 to 10, no repeats. All are booked or none. */
  seatIds: Array<Scalars['ID']['input']>;
};

export type SeatInput = {
  id: Scalars['ID']['input'];
  row: Scalars['String']['input'];
  section: Scalars['String']['input'];
};

export type SectionInput = {
  name: Scalars['String']['input'];
  rows: Scalars['Int']['input'];
  seatsPerRow: Scalars['Int']['input'];
};

/**
 * Served by this subgraph from Kafka `booking-status` over graphql-ws and
 * GraphQL over SSE on its /graphql path, so any federation router can serve it.
 */
export type Subscription = {
  __typename?: 'Subscription';
  /**
   * One of the caller's bookings: its current state at once when it is already
   * decided, then every later change.
   */
  bookingUpdated: Booking;
};


/**
 * Served by this subgraph from Kafka `booking-status` over graphql-ws and
 * GraphQL over SSE on its /graphql path, so any federation router can serve it.
 */
export type SubscriptionBookingUpdatedArgs = {
  id: Scalars['ID']['input'];
};

export type UpdateEventInput = {
  name?: InputMaybe<Scalars['String']['input']>;
  /** False takes the event off sale: new requests are rejected with EVENT_OFF_SALE. */
  onSale?: InputMaybe<Scalars['Boolean']['input']>;
  perUserLimit?: InputMaybe<Scalars['Int']['input']>;
  startsAt?: InputMaybe<Scalars['DateTime']['input']>;
  venue?: InputMaybe<Scalars['String']['input']>;
};

export type WithIndex<TObject> = TObject & Record<string, any>;
export type ResolversObject<TObject> = WithIndex<TObject>;

export type ResolverTypeWrapper<T> = Promise<T> | T;

export type ReferenceResolver<TResult, TReference, TContext> = (
      reference: TReference,
      context: TContext,
      info: GraphQLResolveInfo
    ) => Promise<TResult> | TResult;

      type ScalarCheck<T, S> = S extends true ? T : NullableCheck<T, S>;
      type NullableCheck<T, S> = Maybe<T> extends T ? Maybe<ListCheck<NonNullable<T>, S>> : ListCheck<T, S>;
      type ListCheck<T, S> = T extends (infer U)[] ? NullableCheck<U, S>[] : GraphQLRecursivePick<T, S>;
      export type GraphQLRecursivePick<T, S> = { [K in keyof T & keyof S]: ScalarCheck<T[K], S[K]> };
    

export type ResolverWithResolve<TResult, TParent, TContext, TArgs> = {
  resolve: ResolverFn<TResult, TParent, TContext, TArgs>;
};
export type Resolver<TResult, TParent = Record<PropertyKey, never>, TContext = Record<PropertyKey, never>, TArgs = Record<PropertyKey, never>> = ResolverFn<TResult, TParent, TContext, TArgs> | ResolverWithResolve<TResult, TParent, TContext, TArgs>;

export type ResolverFn<TResult, TParent, TContext, TArgs> = (
  parent: TParent,
  args: TArgs,
  context: TContext,
  info: GraphQLResolveInfo
) => Promise<TResult> | TResult;

export type SubscriptionSubscribeFn<TResult, TParent, TContext, TArgs> = (
  parent: TParent,
  args: TArgs,
  context: TContext,
  info: GraphQLResolveInfo
) => AsyncIterable<TResult> | Promise<AsyncIterable<TResult>>;

export type SubscriptionResolveFn<TResult, TParent, TContext, TArgs> = (
  parent: TParent,
  args: TArgs,
  context: TContext,
  info: GraphQLResolveInfo
) => TResult | Promise<TResult>;

export interface SubscriptionSubscriberObject<TResult, TKey extends string, TParent, TContext, TArgs> {
  subscribe: SubscriptionSubscribeFn<{ [key in TKey]: TResult }, TParent, TContext, TArgs>;
  resolve?: SubscriptionResolveFn<TResult, { [key in TKey]: TResult }, TContext, TArgs>;
}

export interface SubscriptionResolverObject<TResult, TParent, TContext, TArgs> {
  subscribe: SubscriptionSubscribeFn<any, TParent, TContext, TArgs>;
  resolve: SubscriptionResolveFn<TResult, any, TContext, TArgs>;
}

export type SubscriptionObject<TResult, TKey extends string, TParent, TContext, TArgs> =
  | SubscriptionSubscriberObject<TResult, TKey, TParent, TContext, TArgs>
  | SubscriptionResolverObject<TResult, TParent, TContext, TArgs>;

export type SubscriptionResolver<TResult, TKey extends string, TParent = Record<PropertyKey, never>, TContext = Record<PropertyKey, never>, TArgs = Record<PropertyKey, never>> =
  | ((...args: any[]) => SubscriptionObject<TResult, TKey, TParent, TContext, TArgs>)
  | SubscriptionObject<TResult, TKey, TParent, TContext, TArgs>;

export type TypeResolveFn<TTypes, TParent = Record<PropertyKey, never>, TContext = Record<PropertyKey, never>> = (
  parent: TParent,
  context: TContext,
  info: GraphQLResolveInfo
) => Maybe<TTypes> | Promise<Maybe<TTypes>>;

export type IsTypeOfResolverFn<T = Record<PropertyKey, never>, TContext = Record<PropertyKey, never>> = (obj: T, context: TContext, info: GraphQLResolveInfo) => boolean | Promise<boolean>;

export type NextResolverFn<T> = () => Promise<T>;

export type DirectiveResolverFn<TResult = Record<PropertyKey, never>, TParent = Record<PropertyKey, never>, TContext = Record<PropertyKey, never>, TArgs = Record<PropertyKey, never>> = (
  next: NextResolverFn<TResult>,
  parent: TParent,
  args: TArgs,
  context: TContext,
  info: GraphQLResolveInfo
) => TResult | Promise<TResult>;

/** Mapping of federation types */
export type FederationTypes = ResolversObject<{
  Booking: Booking;
}>;

/** Mapping of federation reference types */
export type FederationReferenceTypes = ResolversObject<{
  Booking:
    ( { __typename: 'Booking' }
    & GraphQLRecursivePick<FederationTypes['Booking'], {"id":true}> );
}>;



/** Mapping between all available schema types and the resolvers types */
export type ResolversTypes = ResolversObject<{
  Booking: ResolverTypeWrapper<BookingModel>;
  String: ResolverTypeWrapper<Scalars['String']['output']>;
  ID: ResolverTypeWrapper<Scalars['ID']['output']>;
  BookingStatus: BookingStatus;
  CreateEventInput: CreateEventInput;
  Int: ResolverTypeWrapper<Scalars['Int']['output']>;
  DateTime: ResolverTypeWrapper<Scalars['DateTime']['output']>;
  Event: ResolverTypeWrapper<Event>;
  HoldSeatsInput: HoldSeatsInput;
  Mutation: ResolverTypeWrapper<Record<PropertyKey, never>>;
  Query: ResolverTypeWrapper<Record<PropertyKey, never>>;
  RequestBookingInput: RequestBookingInput;
  SeatInput: SeatInput;
  SectionInput: SectionInput;
  Subscription: ResolverTypeWrapper<Record<PropertyKey, never>>;
  UpdateEventInput: UpdateEventInput;
  Boolean: ResolverTypeWrapper<Scalars['Boolean']['output']>;
}>;

/** Mapping between all available schema types and the resolvers parents */
export type ResolversParentTypes = ResolversObject<{
  Booking: BookingModel;
  String: Scalars['String']['output'];
  ID: Scalars['ID']['output'];
  CreateEventInput: CreateEventInput;
  Int: Scalars['Int']['output'];
  DateTime: Scalars['DateTime']['output'];
  Event: Event;
  HoldSeatsInput: HoldSeatsInput;
  Mutation: Record<PropertyKey, never>;
  Query: Record<PropertyKey, never>;
  RequestBookingInput: RequestBookingInput;
  SeatInput: SeatInput;
  SectionInput: SectionInput;
  Subscription: Record<PropertyKey, never>;
  UpdateEventInput: UpdateEventInput;
  Boolean: Scalars['Boolean']['output'];
}>;

export type BookingResolvers<ContextType = Context, ParentType extends ResolversParentTypes['Booking'] = ResolversParentTypes['Booking'], FederationReferenceType extends FederationReferenceTypes['Booking'] = FederationReferenceTypes['Booking']> = ResolversObject<{
  __resolveReference?: ReferenceResolver<Maybe<ResolversTypes['Booking']> | FederationReferenceType, FederationReferenceType, ContextType>;
  createdAt?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  cursor?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  event?: Resolver<ResolversTypes['Event'], ParentType, ContextType>;
  expiresAt?: Resolver<Maybe<ResolversTypes['DateTime']>, ParentType, ContextType>;
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  reason?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  seatIds?: Resolver<Array<ResolversTypes['ID']>, ParentType, ContextType>;
  status?: Resolver<ResolversTypes['BookingStatus'], ParentType, ContextType>;
  userId?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
}>;

export interface DateTimeScalarConfig extends GraphQLScalarTypeConfig<ResolversTypes['DateTime'], any> {
  name: 'DateTime';
}

export type EventResolvers<ContextType = Context, ParentType extends ResolversParentTypes['Event'] = ResolversParentTypes['Event']> = ResolversObject<{
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
}>;

export type MutationResolvers<ContextType = Context, ParentType extends ResolversParentTypes['Mutation'] = ResolversParentTypes['Mutation']> = ResolversObject<{
  cancelBooking?: Resolver<ResolversTypes['Booking'], ParentType, ContextType, RequireFields<MutationCancelBookingArgs, 'id'>>;
  confirmBooking?: Resolver<ResolversTypes['Booking'], ParentType, ContextType, RequireFields<MutationConfirmBookingArgs, 'id'>>;
  createEvent?: Resolver<ResolversTypes['Event'], ParentType, ContextType, RequireFields<MutationCreateEventArgs, 'input'>>;
  extendHold?: Resolver<ResolversTypes['Booking'], ParentType, ContextType, RequireFields<MutationExtendHoldArgs, 'id'>>;
  holdSeats?: Resolver<ResolversTypes['Booking'], ParentType, ContextType, RequireFields<MutationHoldSeatsArgs, 'input'>>;
  requestBooking?: Resolver<ResolversTypes['Booking'], ParentType, ContextType, RequireFields<MutationRequestBookingArgs, 'input'>>;
  updateEvent?: Resolver<ResolversTypes['Event'], ParentType, ContextType, RequireFields<MutationUpdateEventArgs, 'id' | 'input'>>;
}>;

export type QueryResolvers<ContextType = Context, ParentType extends ResolversParentTypes['Query'] = ResolversParentTypes['Query']> = ResolversObject<{
  booking?: Resolver<Maybe<ResolversTypes['Booking']>, ParentType, ContextType, RequireFields<QueryBookingArgs, 'id'>>;
  myBookings?: Resolver<Array<ResolversTypes['Booking']>, ParentType, ContextType, RequireFields<QueryMyBookingsArgs, 'first'>>;
}>;

export type SubscriptionResolvers<ContextType = Context, ParentType extends ResolversParentTypes['Subscription'] = ResolversParentTypes['Subscription']> = ResolversObject<{
  bookingUpdated?: SubscriptionResolver<ResolversTypes['Booking'], "bookingUpdated", ParentType, ContextType, RequireFields<SubscriptionBookingUpdatedArgs, 'id'>>;
}>;

export type Resolvers<ContextType = Context> = ResolversObject<{
  Booking?: BookingResolvers<ContextType>;
  DateTime?: GraphQLScalarType;
  Event?: EventResolvers<ContextType>;
  Mutation?: MutationResolvers<ContextType>;
  Query?: QueryResolvers<ContextType>;
  Subscription?: SubscriptionResolvers<ContextType>;
}>;

