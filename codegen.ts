import type { CodegenConfig } from '@graphql-codegen/cli';
import { lexicographicSortSchema, printSchema } from 'graphql';
import { schema } from './src/schema/index.js';

// The schema comes from the Pothos builder itself (the same module the server imports), printed
// sorted, so the committed artifacts can only differ from the code when someone forgot to run this.
const sdl = printSchema(lexicographicSortSchema(schema));

const config: CodegenConfig = {
  schema: sdl,
  // The dashboard's own operations (src/dashboard/client) are typed here like any frontend's.
  documents: ['test/**/*.ts', 'bench/**/*.ts', 'src/dashboard/client/**/*.graphql'],
  ignoreNoDocuments: true,
  generates: {
    'schema/schema.graphql': { plugins: ['schema-ast'], config: { sort: true, includeDirectives: true } },
    'schema/introspection.json': { plugins: ['introspection'], config: { descriptions: true, minify: false } },
    'schema/client/': {
      preset: 'client',
      config: { useTypeImports: true, emitLegacyCommonJSImports: false, scalars: { DateTime: 'string', JSON: 'unknown' }, enumsAsTypes: true },
      presetConfig: { fragmentMasking: false },
    },
  },
};

export default config;
