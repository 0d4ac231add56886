// Delivery delay: for every change the gateway observed in the measured phase, when each of the
// job's subscribers received it. A job's changes reach each subscriber in order, so the k-th value
// a subscriber received after the baseline is the job's k-th observed change; the key (state and
// backend state) checks the pairing, and a mismatch means a value was lost, duplicated or reordered.
import type { JobProvider } from '../../src/providers/job.js';
import { distribution, type Distribution } from '../lib/stats.js';
import type { ObservationLog } from './observations.js';
import { jobKey, type Subscriber } from './subscribers.js';

export interface DeliveryResult {
  /** Changes observed upstream in the measured phase (over all followed jobs). */
  changes: number;
  /** (change, subscriber) pairs that should have been delivered. */
  expected: number;
  delivered: number;
  /** Expected but never received (the subscriber may have failed: see `failedSubscribers`). */
  missing: number;
  /** Received but paired with a different change (lost, duplicated or out of order). */
  mismatched: number;
  /** Received beyond the changes observed (duplicates). */
  extra: number;
  failedSubscribers: number;
  /** Observed upstream → received by a subscriber, every delivery. */
  perDelivery: Distribution;
  /** Observed upstream → received by the job's LAST subscriber, per change (fan-out complete). */
  perChange: Distribution;
  /** Every delivery, per backend of the job (UCloud changes come from its stream, the others' from poll rounds). */
  perProvider: Partial<Record<JobProvider, Distribution>>;
}

export function analyseDelivery(log: ObservationLog, subscribers: readonly Subscriber[]): DeliveryResult {
  const delays: number[] = [];
  const byProvider = new Map<JobProvider, number[]>();
  // Per job and change index: the latest arrival among its subscribers, or null once one missed it.
  const lastArrival = new Map<string, (number | null)[]>();
  let expected = 0;
  let delivered = 0;
  let missing = 0;
  let mismatched = 0;
  let extra = 0;
  let changes = 0;
  for (const subscriber of subscribers) {
    const job = jobKey(subscriber.job);
    const observed = log.since(job);
    let arrivals = lastArrival.get(job);
    if (!arrivals) {
      arrivals = observed.map(() => Number.NEGATIVE_INFINITY);
      lastArrival.set(job, arrivals);
      changes += observed.length;
    }
    const received = subscriber.deliveries.slice(subscriber.baseline);
    expected += observed.length;
    for (let k = 0; k < Math.max(observed.length, received.length); k++) {
      const change = observed[k];
      const value = received[k];
      if (!change) {
        extra++;
        continue;
      }
      if (!value) {
        missing++;
        arrivals[k] = null;
        continue;
      }
      if (value.key !== change.key) {
        mismatched++;
        arrivals[k] = null;
        continue;
      }
      delivered++;
      const delay = value.at - change.at;
      delays.push(delay);
      let own = byProvider.get(subscriber.job.provider);
      if (!own) {
        own = [];
        byProvider.set(subscriber.job.provider, own);
      }
      own.push(delay);
      const latest = arrivals[k];
      if (latest !== null && latest !== undefined) arrivals[k] = Math.max(latest, delay);
    }
  }
  const complete: number[] = [];
  for (const arrivals of lastArrival.values()) for (const last of arrivals) if (last !== null && Number.isFinite(last)) complete.push(last);
  return {
    changes,
    expected,
    delivered,
    missing,
    mismatched,
    extra,
    failedSubscribers: subscribers.filter((subscriber) => subscriber.error !== null).length,
    perDelivery: distribution(delays),
    perChange: distribution(complete),
    perProvider: Object.fromEntries([...byProvider].map(([provider, values]) => [provider, distribution(values)])),
  };
}

/**
 * Whether every open subscriber's latest value is its job's latest observed change (before the
 * measured phase, when subscribers joined at different moments and counts cannot be compared).
 */
export function caughtUp(log: ObservationLog, subscribers: readonly Subscriber[]): boolean {
  return subscribers.every((subscriber) => {
    if (!subscriber.open) return true;
    const latest = log.latest(jobKey(subscriber.job));
    return latest !== undefined && subscriber.deliveries.at(-1)?.key === latest.key;
  });
}

/** Whether every subscriber has received as many values since the baseline as its job has changed (or has failed). */
export function deliveredAll(log: ObservationLog, subscribers: readonly Subscriber[]): boolean {
  return subscribers.every(
    (subscriber) => subscriber.error !== null || subscriber.deliveries.length - subscriber.baseline >= log.since(jobKey(subscriber.job)).length,
  );
}
