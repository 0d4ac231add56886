import { expect } from 'vitest';
import { ProviderError } from '../../src/providers/errors.js';

/** The ProviderError a call must fail with (the test fails if it resolves or fails otherwise). */
export async function failure(promise: Promise<unknown>): Promise<ProviderError> {
  const outcome = await promise.then(
    () => null,
    (error: unknown) => error,
  );
  expect(outcome).toBeInstanceOf(ProviderError);
  return outcome as ProviderError;
}
