import { ErrorCode } from '@minimeet/protocol';
import { Body, type PipeTransform } from '@nestjs/common';
import { ApiBody } from '@nestjs/swagger';
import type { ZodType } from 'zod';
import { AppError } from './app-error.js';
import { jsonSchemaOf } from './openapi.js';

/** Validates (and normalises) a value with a zod schema, or throws `validation_failed`. */
export class ZodValidationPipe<T> implements PipeTransform<unknown, T> {
  constructor(
    private readonly schema: ZodType<T>,
    private readonly what = 'Request body',
  ) {}

  transform(value: unknown): T {
    // No body at all reads as no fields, as an empty JSON body does (body-parser gives `{}`).
    if (value === undefined) value = {};
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      const got = value === null ? 'null' : Array.isArray(value) ? 'an array' : `a ${typeof value}`;
      throw new AppError(
        ErrorCode.ValidationFailed,
        `${this.what} must be a JSON object; got ${got}.`,
        { issues: [{ path: '', message: `Expected a JSON object; got ${got}.` }] },
      );
    }
    const result = this.schema.safeParse(value);
    if (!result.success) throw AppError.fromZod(result.error, this.what);
    return result.data;
  }
}

/**
 * `@ValidBody(schema)`: the parameter receives the body validated by the schema, and OpenAPI shows
 * the schema. One declaration serves both, so docs and validation cannot drift apart.
 */
export function ValidBody(schema: ZodType): ParameterDecorator {
  return (target, key, index) => {
    Body(new ZodValidationPipe(schema))(target, key, index);
    if (key !== undefined) {
      const descriptor = Object.getOwnPropertyDescriptor(target, key)!;
      ApiBody({ schema: jsonSchemaOf(schema) })(target, key, descriptor);
    }
  };
}
