// What the load client posts to the peer and how it judges the answer: the peer's own query
// (bench/peer/query.ts, four lists), counted the way ours is (200, data, no GraphQL errors), and
// ok only when all four lists are there: a backend missing from the answer fails the operation,
// since the peer has no `providerErrors` to report it as partial.
import { PEER_LISTS, peerListQuery } from '../peer/query.js';
import type { GraphQLAnswer, LoadTarget } from './load.js';

type PeerData = Partial<Record<keyof typeof PEER_LISTS, Record<string, unknown> | null>>;

export function peerTarget(first: number): LoadTarget {
  return {
    body: JSON.stringify({ query: peerListQuery(first) }),
    judge(statusCode, raw, text) {
      const answer = raw as GraphQLAnswer<PeerData>;
      if (statusCode !== 200 || answer.errors?.length || !answer.data) {
        return { ok: false, why: `${statusCode}: ${answer.errors?.[0]?.message ?? text.slice(0, 200)}` };
      }
      const data = answer.data;
      const missing = Object.entries(PEER_LISTS)
        .filter(([alias, field]) => !Array.isArray(data[alias as keyof PeerData]?.[field]))
        .map(([alias]) => alias);
      return missing.length > 0 ? { ok: false, why: `200 without the ${missing.join(', ')} list(s)` } : { ok: true, partial: null };
    },
  };
}
