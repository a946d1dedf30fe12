import type { GraphQLResolveInfo } from 'graphql';
import type { EventDoc, SeatDoc } from '../read-model.ts';
import type { SeatStatusMessage } from '@booking/contracts';
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
  _FieldSet: { input: unknown; output: unknown; }
};

export type Availability = {
  __typename?: 'Availability';
  available: Scalars['Int']['output'];
  booked: Scalars['Int']['output'];
  held: Scalars['Int']['output'];
  total: Scalars['Int']['output'];
};

export type Event = {
  __typename?: 'Event';
  availability: Availability;
  id: Scalars['ID']['output'];
  name: Scalars['String']['output'];
  /** False while the event is off sale: requests for it are rejected. */
  onSale: Scalars['Boolean']['output'];
  /** Seats one user may hold or have booked at once. */
  perUserLimit: Scalars['Int']['output'];
  /**
   * The seat map in compact form: per row the seat ids, one status letter and
   * one version per seat. A whole venue costs a few hundred fields instead of
   * three per seat; `section` limits it to one section (none: all).
   */
  seatMap: SeatMap;
  /** Seats in venue order, optionally only those with one status. */
  seats: Array<Seat>;
  /** ISO 8601 start time. */
  startsAt: Scalars['String']['output'];
  venue: Scalars['String']['output'];
};


export type EventSeatMapArgs = {
  section?: InputMaybe<Scalars['String']['input']>;
};


export type EventSeatsArgs = {
  status?: InputMaybe<SeatStatus>;
};

export type Query = {
  __typename?: 'Query';
  event?: Maybe<Event>;
  events: Array<Event>;
};


export type QueryEventArgs = {
  id: Scalars['ID']['input'];
};

/**
 * A seat of one event. `id` is unique only within the event: clients key seats
 * by both (Apollo Client: `typePolicies: { Seat: { keyFields: ["eventId", "id"] } }`).
 */
export type Seat = {
  __typename?: 'Seat';
  /** Who booked the seat: shown only to that user, null for everyone else. */
  bookedBy?: Maybe<Scalars['ID']['output']>;
  eventId: Scalars['ID']['output'];
  /** The venue's label, unique within the event (A1, R10_S5). */
  id: Scalars['ID']['output'];
  row: Scalars['String']['output'];
  section: Scalars['String']['output'];
  status: SeatStatus;
  /** Grows by one with every change of this seat. */
  version: Scalars['Int']['output'];
};

export type SeatMap = {
  __typename?: 'SeatMap';
  /** Sections in venue order. */
  sections: Array<SeatMapSection>;
  /**
   * Sum of the seat versions: grows with every seat change. A map with a
   * higher version is newer; drop one older than what you have.
   */
  version: Scalars['Int']['output'];
};

export type SeatMapRow = {
  __typename?: 'SeatMapRow';
  name: Scalars['String']['output'];
  /** Seat ids in venue order. */
  seatIds: Array<Scalars['ID']['output']>;
  /** One letter per seat, in the order of `seatIds`: A available, H held, B booked. */
  statuses: Scalars['String']['output'];
  /** Each seat's version, in the order of `seatIds`. */
  versions: Array<Scalars['Int']['output']>;
};

export type SeatMapSection = {
  __typename?: 'SeatMapSection';
  name: Scalars['String']['output'];
  /** Rows in venue order. */
  rows: Array<SeatMapRow>;
};

export type SeatStatus =
  | 'AVAILABLE'
  | 'BOOKED'
  | 'HELD';

export type SeatStatusChange = {
  __typename?: 'SeatStatusChange';
  event: Event;
  eventId: Scalars['ID']['output'];
  /** The seat as it is after this change: a normalised client cache updates its seat map from it. */
  seat: Seat;
  seatId: Scalars['ID']['output'];
  status: SeatStatus;
  /** The seat's version after this change. */
  version: Scalars['Int']['output'];
};

/**
 * Served by this subgraph from Kafka `seat-status` over graphql-ws and GraphQL
 * over SSE on its /graphql path, so any federation router can serve it.
 */
export type Subscription = {
  __typename?: 'Subscription';
  /**
   * Every change of a seat of this event. Compare `version` with the seat's
   * `version` from `event(id)` and drop changes you already have.
   */
  seatStatusChanged: SeatStatusChange;
};


/**
 * Served by this subgraph from Kafka `seat-status` over graphql-ws and GraphQL
 * over SSE on its /graphql path, so any federation router can serve it.
 */
export type SubscriptionSeatStatusChangedArgs = {
  eventId: Scalars['ID']['input'];
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
  Event: Event;
  Seat: Seat;
}>;

/** Mapping of federation reference types */
export type FederationReferenceTypes = ResolversObject<{
  Event:
    ( { __typename: 'Event' }
    & GraphQLRecursivePick<FederationTypes['Event'], {"id":true}> );
  Seat:
    ( { __typename: 'Seat' }
    & GraphQLRecursivePick<FederationTypes['Seat'], {"eventId":true,"id":true}> );
}>;



/** Mapping between all available schema types and the resolvers types */
export type ResolversTypes = ResolversObject<{
  Availability: ResolverTypeWrapper<Availability>;
  Int: ResolverTypeWrapper<Scalars['Int']['output']>;
  Event: ResolverTypeWrapper<EventDoc>;
  ID: ResolverTypeWrapper<Scalars['ID']['output']>;
  String: ResolverTypeWrapper<Scalars['String']['output']>;
  Boolean: ResolverTypeWrapper<Scalars['Boolean']['output']>;
  Query: ResolverTypeWrapper<Record<PropertyKey, never>>;
  Seat: ResolverTypeWrapper<SeatDoc>;
  SeatMap: ResolverTypeWrapper<SeatMap>;
  SeatMapRow: ResolverTypeWrapper<SeatMapRow>;
  SeatMapSection: ResolverTypeWrapper<SeatMapSection>;
  SeatStatus: SeatStatus;
  SeatStatusChange: ResolverTypeWrapper<SeatStatusMessage>;
  Subscription: ResolverTypeWrapper<Record<PropertyKey, never>>;
}>;

/** Mapping between all available schema types and the resolvers parents */
export type ResolversParentTypes = ResolversObject<{
  Availability: Availability;
  Int: Scalars['Int']['output'];
  Event: EventDoc;
  ID: Scalars['ID']['output'];
  String: Scalars['String']['output'];
  Boolean: Scalars['Boolean']['output'];
  Query: Record<PropertyKey, never>;
  Seat: SeatDoc;
  SeatMap: SeatMap;
  SeatMapRow: SeatMapRow;
  SeatMapSection: SeatMapSection;
  SeatStatusChange: SeatStatusMessage;
  Subscription: Record<PropertyKey, never>;
}>;

export type AvailabilityResolvers<ContextType = Context, ParentType extends ResolversParentTypes['Availability'] = ResolversParentTypes['Availability']> = ResolversObject<{
  available?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  booked?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  held?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  total?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
}>;

export type EventResolvers<ContextType = Context, ParentType extends ResolversParentTypes['Event'] = ResolversParentTypes['Event'], FederationReferenceType extends FederationReferenceTypes['Event'] = FederationReferenceTypes['Event']> = ResolversObject<{
  __resolveReference?: ReferenceResolver<Maybe<ResolversTypes['Event']> | FederationReferenceType, FederationReferenceType, ContextType>;
  availability?: Resolver<ResolversTypes['Availability'], ParentType, ContextType>;
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  name?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  onSale?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  perUserLimit?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  seatMap?: Resolver<ResolversTypes['SeatMap'], ParentType, ContextType, Partial<EventSeatMapArgs>>;
  seats?: Resolver<Array<ResolversTypes['Seat']>, ParentType, ContextType, Partial<EventSeatsArgs>>;
  startsAt?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  venue?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
}>;

export type QueryResolvers<ContextType = Context, ParentType extends ResolversParentTypes['Query'] = ResolversParentTypes['Query']> = ResolversObject<{
  event?: Resolver<Maybe<ResolversTypes['Event']>, ParentType, ContextType, RequireFields<QueryEventArgs, 'id'>>;
  events?: Resolver<Array<ResolversTypes['Event']>, ParentType, ContextType>;
}>;

export type SeatResolvers<ContextType = Context, ParentType extends ResolversParentTypes['Seat'] = ResolversParentTypes['Seat'], FederationReferenceType extends FederationReferenceTypes['Seat'] = FederationReferenceTypes['Seat']> = ResolversObject<{
  __resolveReference?: ReferenceResolver<Maybe<ResolversTypes['Seat']> | FederationReferenceType, FederationReferenceType, ContextType>;
  bookedBy?: Resolver<Maybe<ResolversTypes['ID']>, ParentType, ContextType>;
  eventId?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  row?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  section?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  status?: Resolver<ResolversTypes['SeatStatus'], ParentType, ContextType>;
  version?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
}>;

export type SeatMapResolvers<ContextType = Context, ParentType extends ResolversParentTypes['SeatMap'] = ResolversParentTypes['SeatMap']> = ResolversObject<{
  sections?: Resolver<Array<ResolversTypes['SeatMapSection']>, ParentType, ContextType>;
  version?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
}>;

export type SeatMapRowResolvers<ContextType = Context, ParentType extends ResolversParentTypes['SeatMapRow'] = ResolversParentTypes['SeatMapRow']> = ResolversObject<{
  name?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  seatIds?: Resolver<Array<ResolversTypes['ID']>, ParentType, ContextType>;
  statuses?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  versions?: Resolver<Array<ResolversTypes['Int']>, ParentType, ContextType>;
}>;

export type SeatMapSectionResolvers<ContextType = Context, ParentType extends ResolversParentTypes['SeatMapSection'] = ResolversParentTypes['SeatMapSection']> = ResolversObject<{
  name?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  rows?: Resolver<Array<ResolversTypes['SeatMapRow']>, ParentType, ContextType>;
}>;

export type SeatStatusChangeResolvers<ContextType = Context, ParentType extends ResolversParentTypes['SeatStatusChange'] = ResolversParentTypes['SeatStatusChange']> = ResolversObject<{
  event?: Resolver<ResolversTypes['Event'], ParentType, ContextType>;
  eventId?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  seat?: Resolver<ResolversTypes['Seat'], ParentType, ContextType>;
  seatId?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  status?: Resolver<ResolversTypes['SeatStatus'], ParentType, ContextType>;
  version?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
}>;

export type SubscriptionResolvers<ContextType = Context, ParentType extends ResolversParentTypes['Subscription'] = ResolversParentTypes['Subscription']> = ResolversObject<{
  seatStatusChanged?: SubscriptionResolver<ResolversTypes['SeatStatusChange'], "seatStatusChanged", ParentType, ContextType, RequireFields<SubscriptionSeatStatusChangedArgs, 'eventId'>>;
}>;

export type Resolvers<ContextType = Context> = ResolversObject<{
  Availability?: AvailabilityResolvers<ContextType>;
  Event?: EventResolvers<ContextType>;
  Query?: QueryResolvers<ContextType>;
  Seat?: SeatResolvers<ContextType>;
  SeatMap?: SeatMapResolvers<ContextType>;
  SeatMapRow?: SeatMapRowResolvers<ContextType>;
  SeatMapSection?: SeatMapSectionResolvers<ContextType>;
  SeatStatusChange?: SeatStatusChangeResolvers<ContextType>;
  Subscription?: SubscriptionResolvers<ContextType>;
}>;

