// Closed-loop load over HTTP keep-alive: `concurrency` connections of an undici Pool, each sending
// the next operation as soon as the last one's body is read, for a fixed time. What is sent and what
// counts as a good answer is the target's (ours: `listTarget`; the peer's: peer-target.ts), so both
// gateways are loaded and judged by the same loop.
import { performance } from 'node:perf_hooks';
import { Pool } from 'undici';

/** The fields a job list shows (issue 10: "the common fields"), on a page of `$first`. */
export const LIST_QUERY = `query List($first: Int!) {
  jobs(first: $first) {
    edges { node { id provider providerJobId name state providerState createdAt owner } }
    providerErrors { provider code }
  }
}`;

export interface LoadResult {
  concurrency: number;
  elapsedMs: number;
  /** Operations answered 200 with data and no GraphQL errors. */
  ok: number;
  /** Of those, answered with providerErrors (a backend missing from the page). */
  partial: number;
  /** Not 200, GraphQL errors, unreadable body, or the request failed. */
  failed: number;
  /** The first few failures, for the report. */
  failures: string[];
  /** Latency of every answered operation (ms), failures included. */
  latenciesMs: number[];
  /** Bytes of the gateway's answers. */
  responseBytes: number;
}

/** An answer as read: 200, data and no GraphQL errors is `ok`; `partial` notes a backend missing from it. */
export type Verdict = { ok: true; partial: string | null } | { ok: false; why: string };

export interface LoadTarget {
  /** The JSON body every operation posts. */
  readonly body: string;
  /** Judges one parsed answer. */
  judge(statusCode: number, answer: GraphQLAnswer<unknown>, text: string): Verdict;
}

export interface GraphQLAnswer<Data> {
  data?: Data | null;
  errors?: { message: string }[];
}

type ListData = { jobs?: { edges?: unknown[]; providerErrors?: { provider: string; code: string }[] } | null };

/** Our gateway: jobs(first: $first), ok when 200 with data.jobs and no errors; providerErrors make it partial. */
export function listTarget(first: number): LoadTarget {
  return {
    body: JSON.stringify({ query: LIST_QUERY, variables: { first } }),
    judge(statusCode, raw, text) {
      const answer = raw as GraphQLAnswer<ListData>;
      if (statusCode !== 200 || answer.errors?.length || !answer.data?.jobs) {
        return { ok: false, why: `${statusCode}: ${answer.errors?.[0]?.message ?? text.slice(0, 200)}` };
      }
      const providerErrors = answer.data.jobs.providerErrors ?? [];
      return { ok: true, partial: providerErrors.length > 0 ? `providerErrors ${JSON.stringify(providerErrors)}` : null };
    },
  };
}

/** Our gateway's list at `first` (the form other scripts call). */
export function runLoad(url: string, first: number, concurrency: number, seconds: number): Promise<LoadResult> {
  return runTargetLoad(url, listTarget(first), concurrency, seconds);
}

export async function runTargetLoad(url: string, loadTarget: LoadTarget, concurrency: number, seconds: number): Promise<LoadResult> {
  const target = new URL(url);
  const pool = new Pool(target.origin, { connections: concurrency, pipelining: 1, keepAliveTimeout: 60_000 });
  const { body } = loadTarget;
  const result: LoadResult = { concurrency, elapsedMs: 0, ok: 0, partial: 0, failed: 0, failures: [], latenciesMs: [], responseBytes: 0 };
  const fail = (why: string): void => {
    result.failed++;
    if (result.failures.length < 5) result.failures.push(why);
  };
  const start = performance.now();
  const end = start + seconds * 1000;
  const worker = async (): Promise<void> => {
    while (performance.now() < end) {
      const sent = performance.now();
      let answered = false;
      try {
        const response = await pool.request({
          path: `${target.pathname}${target.search}`,
          method: 'POST',
          headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json, application/json' },
          body,
        });
        const text = await response.body.text();
        result.latenciesMs.push(performance.now() - sent);
        answered = true;
        result.responseBytes += Buffer.byteLength(text);
        // Read whole, as a client would: a fast wrong answer must not count as throughput.
        const verdict = loadTarget.judge(response.statusCode, JSON.parse(text) as GraphQLAnswer<unknown>, text);
        if (!verdict.ok) {
          fail(verdict.why);
        } else {
          result.ok++;
          if (verdict.partial !== null) {
            result.partial++;
            if (result.failures.length < 5) result.failures.push(verdict.partial);
          }
        }
      } catch (error) {
        if (!answered) result.latenciesMs.push(performance.now() - sent);
        fail(error instanceof Error ? error.message : String(error));
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  result.elapsedMs = performance.now() - start;
  await pool.close();
  return result;
}
