// The envelop plugins that apply the limits wherever the envelop runs (HTTP, SSE, graphql-ws).
import { GraphQLError, parse } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { MAX_BRACKETS, type OperationLimits, limitError } from './settings.js';
import { bracketsTooDeep, checkShape } from './shape.js';
import { checkCost } from './cost.js';

const SUGGESTION = / ?Did you mean .*\?$/;

/**
 * Yoga/envelop plugin enforcing the limits. It works wherever the envelop runs: HTTP and SSE through
 * Yoga, graphql-ws through `yoga.getEnveloped()` (parse, validate, execute and subscribe there are
 * the enveloped ones). Rejections are results or validation errors, never throws.
 */
export function useOperationLimits(limits: OperationLimits, backends: () => number): Plugin {
  const reject = (error: GraphQLError) => ({ errors: [error] });
  return {
    onParse: ({ setParseFn }) => {
      setParseFn((source, options) => {
        // graphql-js's parser recurses per bracket: a deeper document would overflow the stack
        // before any rule saw it.
        if (bracketsTooDeep(typeof source === 'string' ? source : source.body, MAX_BRACKETS)) {
          throw limitError('MAX_NESTING', `Syntax Error: The document nests brackets more than ${MAX_BRACKETS} levels deep (MAX_NESTING).`, MAX_BRACKETS);
        }
        try {
          return parse(source, { ...options, maxTokens: limits.maxTokens });
        } catch (error) {
          if (error instanceof GraphQLError && /Document contains more th\w+ \d+ tokens/.test(error.message)) {
            throw limitError('MAX_TOKENS', `Syntax Error: The document has more than ${limits.maxTokens} tokens (MAX_TOKENS); parsing stopped.`, limits.maxTokens);
          }
          throw error;
        }
      });
    },
    onValidate: ({ params, setResult }) => {
      // Before graphql-js's rules: a refused document never reaches them.
      const error = checkShape(params.documentAST, limits);
      if (error) setResult([error]);
      return ({ result, setResult: replace }) => {
        // No field suggestions: they would map the schema for anyone who cannot introspect it.
        if (result.some((e) => SUGGESTION.test(e.message))) {
          replace(
            result.map((e) =>
              SUGGESTION.test(e.message)
                ? new GraphQLError(e.message.replace(SUGGESTION, ''), { nodes: e.nodes, source: e.source, positions: e.positions, path: e.path, originalError: e.originalError, extensions: e.extensions })
                : e,
            ),
          );
        }
      };
    },
    onExecute: ({ args, setResultAndStopExecution }) => {
      const error = checkCost(args.document, args.operationName, args.variableValues, limits, backends());
      if (error) setResultAndStopExecution(reject(error));
    },
    onSubscribe: ({ args, setResultAndStopExecution }) => {
      const error = checkCost(args.document, args.operationName, args.variableValues, limits, backends());
      if (error) setResultAndStopExecution(reject(error));
    },
  };
}

/**
 * Request parsing errors are client errors: a GET whose `variables` or `extensions` is not JSON
 * answers 400 (graphql-yoga would let JSON.parse's SyntaxError through as an internal error), and no
 * parse error carries the request body back (Yoga puts JSON.parse's message, which quotes the
 * body, in `extensions.originalError`).
 */
export function useRequestParseErrors(): Plugin {
  return {
    onRequestParse: ({ requestParser, setRequestParser }) => {
      if (!requestParser) return;
      setRequestParser(async (request) => {
        try {
          return await requestParser(request);
        } catch (error) {
          if (error instanceof GraphQLError) {
            if (!('originalError' in error.extensions)) throw error;
            const { originalError: _dropped, ...extensions } = error.extensions;
            throw new GraphQLError(error.message, { extensions });
          }
          throw new GraphQLError('The request has a parameter that is not valid JSON (variables or extensions).', {
            extensions: { code: 'BAD_REQUEST', http: { status: 400 } },
          });
        }
      });
    },
  };
}
