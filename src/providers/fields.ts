// Which heavy parts of a backend's answer a list read needs, from the job fields its caller reads
// (`ListRequest.fields`, decided by the GraphQL selection).

/** Whether any of `needs` is among the fields read; an unknown selection (null) reads everything. */
export function readsAny(fields: ReadonlySet<string> | null | undefined, needs: readonly string[]): boolean {
  return fields == null || needs.some((field) => fields.has(field));
}
