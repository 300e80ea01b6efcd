/** One running instance of a service, as registered. */
export interface ServiceInstance {
  readonly service: string;
  /** INSTANCE_ID of the process (unique per service). */
  readonly instanceId: string;
  /** Base URL the instance serves on, e.g. `http://127.0.0.1:4020`. */
  readonly url: string;
  readonly metadata?: Readonly<Record<string, string>>;
}

/** A registered instance with the time left on its lease when it was read. */
export interface RegisteredInstance extends ServiceInstance {
  readonly leaseRemainingMs: number;
}

/** Write side: an instance announces itself, keeps its lease alive, and leaves. */
export interface Registry {
  /** Creates or replaces the registration with a lease of `leaseMs`. */
  register(instance: ServiceInstance, leaseMs: number): Promise<void>;
  /** Extends the lease; false when the registration is gone (evicted): register again. */
  heartbeat(service: string, instanceId: string, leaseMs: number): Promise<boolean>;
  deregister(service: string, instanceId: string): Promise<void>;
  /** Every instance whose lease has not lapsed (for `alphintra status`). */
  list(): Promise<RegisteredInstance[]>;
  /** Deletes registrations whose lease lapsed; returns how many. */
  evictExpired(): Promise<number>;
}

/** Read side: answers from memory, never doing I/O per lookup. */
export interface Resolver {
  /** A healthy instance of `service` (round-robin), or null when none is registered. */
  resolve(service: string): ServiceInstance | null;
  /** Every live instance of `service` in the current view. */
  instances(service: string): readonly ServiceInstance[];
  /** The caller saw this instance fail (connection error, 5xx): it is ejected for a while. */
  reportFailure(instance: ServiceInstance): void;
  reportSuccess(instance: ServiceInstance): void;
}
