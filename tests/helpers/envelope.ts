/** Checks an error answer: its status, the envelope of docs/api.md, Errors (by the API's own ErrorSchema) and its code. */
import { expect } from 'vitest';
import { ErrorSchema } from '../../server/http/schemas.ts';

export interface ErrorEnvelope {
  code: string;
  message: string;
  details: Record<string, unknown>;
}

export async function expectError(response: Response, status: number, code: string): Promise<ErrorEnvelope> {
  const text = await response.text();
  expect({ status: response.status, text }).toMatchObject({ status });
  expect(response.headers.get('content-type')).toMatch(/^application\/json/);
  const { error } = ErrorSchema.parse(JSON.parse(text));
  expect(error.code).toBe(code);
  expect(error.message.length).toBeGreaterThan(0);
  return error;
}
