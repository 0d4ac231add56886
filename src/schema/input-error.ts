import { GraphQLError } from 'graphql';

export interface InputIssue {
  readonly message: string;
  readonly path?: ReadonlyArray<PropertyKey | { readonly key: PropertyKey }> | undefined;
}

function pathOf(issue: InputIssue): string {
  return (issue.path ?? []).map((part) => String(typeof part === 'object' ? part.key : part)).join('.');
}

/** A client-input error that names what was wrong; never a 500. */
export function badInput(issues: readonly InputIssue[]): GraphQLError {
  const text = issues.map((issue) => (pathOf(issue) ? `${pathOf(issue)}: ${issue.message}` : issue.message)).join('; ');
  return new GraphQLError(`Invalid input: ${text}`, {
    extensions: { code: 'BAD_USER_INPUT', issues: issues.map((issue) => ({ path: pathOf(issue), message: issue.message })) },
  });
}
