/**
 * Fault knobs of a simulator. Standing settings apply to every matching request; queued faults
 * (`next`) hit the next matching requests, one each, which makes tests deterministic.
 */
export type FaultKind =
  /** 5xx with the backend's error body (or none). */
  | 'error'
  /**
   * 429 with `Retry-After`; like a real rate limiter, the route keeps answering 429 to anyone who
   * comes back before that time is up.
   */
  | 'rateLimit'
  /** 200 with a body cut off mid-JSON. */
  | 'malformed'
  /** 200 with valid JSON whose `field` values are replaced by an object of the wrong type. */
  | 'corrupt'
  /** The request is read and never answered (until the simulator stops). */
  | 'hang'
  /** The answer comes after `delayMs`. */
  | 'slow';

export interface QueuedFault {
  kind: FaultKind;
  /** Route key (`GET /v1/jobs`) the fault is for; any route when absent. */
  route?: string;
  status?: number;
  retryAfterSeconds?: number;
  field?: string;
  delayMs?: number;
}

export interface FaultSettings {
  /** Added to every answer. */
  latencyMs?: number;
  /** Share of requests (0..1) answered with `errorStatus`. */
  errorRate?: number;
  errorStatus?: number;
  /** Route keys the standing settings apply to; every route when absent. */
  routes?: string[];
}

export class Faults {
  private settings: FaultSettings = {};
  private queue: QueuedFault[] = [];
  /** Route → wall-clock time (ms) until which it is rate limited. */
  private readonly cooldowns = new Map<string, number>();

  set(settings: FaultSettings): void {
    this.settings = { ...settings };
  }

  /** Queues `count` faults of one kind for the next matching requests. */
  next(kind: FaultKind, options: Omit<QueuedFault, 'kind'> & { count?: number } = {}): void {
    const { count = 1, ...rest } = options;
    for (let i = 0; i < count; i++) this.queue.push({ kind, ...rest });
  }

  reset(): void {
    this.settings = {};
    this.queue = [];
    this.cooldowns.clear();
  }

  get standing(): Readonly<FaultSettings> {
    return this.settings;
  }

  /** Takes the fault for this request, if any: a queued one first, else a standing error roll. */
  take(route: string, roll: () => number, now = Date.now()): QueuedFault | null {
    const until = this.cooldowns.get(route);
    if (until !== undefined && now < until) return { kind: 'rateLimit', retryAfterSeconds: Math.ceil((until - now) / 1000) };
    const index = this.queue.findIndex((fault) => fault.route === undefined || fault.route === route);
    if (index >= 0) {
      const fault = this.queue.splice(index, 1)[0] ?? null;
      if (fault?.kind === 'rateLimit') this.cooldowns.set(route, now + (fault.retryAfterSeconds ?? 1) * 1000);
      return fault;
    }
    const { errorRate = 0, errorStatus = 503, routes } = this.settings;
    if (errorRate > 0 && (!routes || routes.includes(route)) && roll() < errorRate) {
      return { kind: 'error', status: errorStatus };
    }
    return null;
  }

  latencyFor(route: string): number {
    const { latencyMs = 0, routes } = this.settings;
    return !routes || routes.includes(route) ? latencyMs : 0;
  }
}

/** Replaces every value under key `field`, at any depth, by something of the wrong type. */
export function corruptField(value: unknown, field: string): unknown {
  if (Array.isArray(value)) return value.map((item) => corruptField(item, field));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([key, inner]) => [key, key === field ? { corrupted: true } : corruptField(inner, field)]),
    );
  }
  return value;
}
