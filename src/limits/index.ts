// Operation limits: what one request may ask of the gateway and, through it, of the backends.
// - Tokens: the parser stops at `maxTokens` (graphql-js's own option), so a huge document costs
//   no more than lexing that many tokens.
// - Depth, nesting, aliases, directives: one walk over the document before graphql-js's validation
//   rules run (a document nested thousands of levels deep would exhaust the stack in them).
//   Fragments are expanded where they are spread, so they count as if written out.
// - Cost and writes: before execution, with the operation's variables: `jobs(first: n)` costs n per
//   backend it reaches, `nodes(ids)` one per id, mutations count the upstream writes they make.
//   The whole operation is summed, aliases included.
// A refused operation makes no upstream call; its error names the limit (code OPERATION_LIMIT).
export * from './settings.js';
export * from './shape.js';
export * from './cost.js';
export * from './plugin.js';
export * from './ws.js';
