import { GraphQLError } from 'graphql';
import { describeIssues, type InputIssue } from '../mutations/result.js';

/** A standard-schema issue, as the validation plugin reports it. */
export interface SchemaIssue {
  readonly message: string;
  readonly path?: ReadonlyArray<PropertyKey | { readonly key: PropertyKey }> | undefined;
}

export type { InputIssue };

/**
 * Client input that breaks a rule. A GraphQL error with code BAD_USER_INPUT for queries; for
 * mutations the errors plugin answers it as the typed `InvalidInputError` result instead.
 */
export class InvalidInputError extends GraphQLError {
  readonly code = 'INVALID_INPUT' as const;
  readonly issues: readonly InputIssue[];

  constructor(issues: readonly InputIssue[]) {
    super(describeIssues(issues), { extensions: { code: 'BAD_USER_INPUT', issues } });
    this.issues = issues;
  }
}

function pathOf(issue: SchemaIssue): string {
  return (issue.path ?? []).map((part) => String(typeof part === 'object' ? part.key : part)).join('.');
}

/** The error for broken input rules, naming each one. */
export function badInput(issues: readonly SchemaIssue[]): InvalidInputError {
  return new InvalidInputError(issues.map((issue) => ({ path: pathOf(issue), message: issue.message })));
}
