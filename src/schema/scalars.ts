import { Kind, valueFromASTUntyped } from 'graphql';
import { builder } from './builder.js';

const ISO_WITH_ZONE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/i;

/**
 * Plain errors, not GraphQLErrors: graphql-js then wraps them in its own message, which names the
 * variable and the path inside it (a GraphQLError would be passed on bare, naming nothing).
 */
function parseDateTime(value: unknown): Date {
  if (typeof value !== 'string' || !ISO_WITH_ZONE.test(value)) {
    throw new TypeError('DateTime must be an ISO-8601 string with a time zone, like "2026-03-01T12:00:00Z"');
  }
  const date = new Date(value);
  // `Date` rolls impossible days over (February 30th becomes March 2nd); the calendar date must survive.
  const [year, month, day] = value.slice(0, 10).split('-').map(Number) as [number, number, number];
  const local = new Date(Date.UTC(year, month - 1, day));
  if (Number.isNaN(date.getTime()) || local.getUTCMonth() !== month - 1 || local.getUTCDate() !== day) {
    throw new TypeError('DateTime is not a real instant (no such calendar day)');
  }
  return date;
}

builder.scalarType('DateTime', {
  description: 'An instant, as an ISO-8601 string in UTC with milliseconds (`2026-03-01T12:00:00.000Z`). Inputs need an explicit zone.',
  serialize: (value) => value.toISOString(),
  parseValue: parseDateTime,
  parseLiteral: (node) => parseDateTime(node.kind === Kind.STRING ? node.value : undefined),
});


builder.scalarType('JSON', {
  description: 'Any JSON value, passed through as the backend holds it (application parameters, outputs, specifications).',
  serialize: (value) => value,
  parseValue: (value) => value,
  parseLiteral: (node, variables) => valueFromASTUntyped(node, variables ?? undefined),
});
