// The `ProviderError` type: a backend that could not contribute to an answer, as clients see it.
import type { ProviderError } from '../providers/errors.js';
import { builder } from './builder.js';
import { JobProviderEnum, ProviderErrorCodeEnum } from './enums.js';

/**
 * What a `ProviderError` shows a client. A plain copy, never the error object itself: graphql-js
 * takes any `Error` a resolver returns for a failed field.
 */
export type ProviderErrorFields = Pick<ProviderError, 'provider' | 'code' | 'message'>;

export function providerErrorFields(error: ProviderError): ProviderErrorFields {
  return { provider: error.provider, code: error.code, message: error.message };
}

export const ProviderErrorRef = builder.objectRef<ProviderErrorFields>('ProviderError').implement({
  description: 'A backend that could not contribute to an answer; its jobs are missing from it.',
  fields: (t) => ({
    provider: t.field({ type: JobProviderEnum, description: 'The backend that failed.', resolve: (error) => error.provider }),
    code: t.field({ type: ProviderErrorCodeEnum, description: 'Why it failed.', resolve: (error) => error.code }),
    message: t.string({ description: 'What happened, for people (never contains credentials).', resolve: (error) => error.message }),
  }),
});
