import {
  isEnumType,
  isInputObjectType,
  isInterfaceType,
  isIntrospectionType,
  isObjectType,
  isSpecifiedScalarType,
  type GraphQLNamedType,
} from 'graphql';
import { describe, expect, it } from 'vitest';
import { schema } from '../../src/schema/index.js';

/** Every place introspection tools show a description, named so a failure says where it is missing. */
function undescribed(type: GraphQLNamedType): string[] {
  const missing: string[] = [];
  const need = (where: string, description: string | null | undefined) => {
    if (!description || description.trim() === '') missing.push(where);
  };
  need(type.name, type.description);
  if (isObjectType(type) || isInterfaceType(type)) {
    for (const field of Object.values(type.getFields())) {
      need(`${type.name}.${field.name}`, field.description);
      for (const arg of field.args) need(`${type.name}.${field.name}(${arg.name})`, arg.description);
    }
  }
  if (isInputObjectType(type)) {
    for (const field of Object.values(type.getFields())) need(`${type.name}.${field.name}`, field.description);
  }
  if (isEnumType(type)) {
    for (const value of type.getValues()) need(`${type.name}.${value.name}`, value.description);
  }
  return missing;
}

describe('schema descriptions', () => {
  const types = Object.values(schema.getTypeMap()).filter((type) => !isIntrospectionType(type) && !isSpecifiedScalarType(type));

  it('covers the public API types', () => {
    const names = types.map((type) => type.name);
    for (const name of ['Job', 'UCloudJob', 'RimeJob', 'DataManagerInstance', 'GpuJob', 'JobState', 'JobProvider', 'DateTime', 'JSON', 'JobConnection']) {
      expect(names).toContain(name);
    }
  });

  it('describes every type, field, argument, input field and enum value', () => {
    expect(types.flatMap(undescribed)).toEqual([]);
  });
});
