/** A message to publish. Messages with the same key keep their order. */
export interface BusRecord {
  topic: string;
  key: string;
  value: string;
  headers?: Record<string, string>;
}

/** A message as a consumer receives it. */
export interface Delivery extends BusRecord {
  partition: number;
  /** Position in the partition, as a decimal string (Kafka's form). */
  offset: string;
}

export interface ConsumeOptions {
  /** Consumers of one group share the partitions; each group sees every message. */
  group: string;
  topics: string[];
  /**
   * `earliest`: a durable group that resumes from its committed position
   * (and starts at the beginning when it has none), committing after every
   * handled chunk. `latest`: a live reader that starts at the end and never
   * commits; what was published before it was ready is not delivered.
   */
  from: 'earliest' | 'latest';
  /** Most messages per handler call. */
  maxChunk: number;
  /**
   * Handles one partition's messages in order. Resolving moves the group's
   * position past them; throwing delivers the same chunk again later.
   */
  handle(chunk: Delivery[]): Promise<void>;
}

export interface BusConsumer {
  /** Joined and fetching: a message published from now on will be delivered. */
  ready(): boolean;
  /** Waits for the chunk in progress; what is not committed is delivered again later. */
  stop(): Promise<void>;
}

/**
 * Topics with per-key ordering and at-least-once delivery. Implemented over
 * Kafka (stack mode) and in process (embedded mode).
 */
export interface Bus {
  /** Connects (stack mode) or loads the stored log (embedded mode with a data directory). */
  connect(): Promise<void>;
  /** Resolves once the messages are durable (acknowledged by the broker, or written). */
  publish(records: BusRecord[]): Promise<void>;
  consume(options: ConsumeOptions): Promise<BusConsumer>;
  /** Whether publishing currently works. */
  connected(): boolean;
  close(): Promise<void>;
}
