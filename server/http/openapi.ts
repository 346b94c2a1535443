/**
 * The OpenAPI 3.1 document of the API, generated from the zod schemas in
 * schemas.ts (OpenAPI 3.1 speaks JSON Schema 2020-12, which zod emits).
 */
import { z } from 'zod';
import { apiSchemas, PullsQuery, SlotNameParam, SlotsQuery, UntilQuery } from './schemas.ts';

const COMPONENTS_PATH = '#/components/schemas/';

/** JSON Schema 2020-12 of one inline schema (a parameter). */
function jsonSchema(schema: z.ZodType): Record<string, unknown> {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, { target: 'draft-2020-12', io: 'input' }) as Record<string, unknown>;
  return rest;
}

/** Every registered schema as a component, referring to the others by $ref. */
function componentSchemas(): Record<string, unknown> {
  const { schemas } = z.toJSONSchema(apiSchemas, { target: 'draft-2020-12', uri: (id) => `${COMPONENTS_PATH}${id}` });
  return Object.fromEntries(
    Object.entries(schemas).map(([id, { $schema: _dialect, $id: _id, ...rest }]) => [id, rest]),
  );
}

const ref = (id: 'Slot' | 'PullSnapshot' | 'PullAnswer' | 'PullHistoryPage' | 'Health' | 'StreamTicket' | 'Error') => ({ $ref: `${COMPONENTS_PATH}${id}` });
const json = (schema: unknown, description: string) => ({ description, content: { 'application/json': { schema } } });
const problem = (description: string) => json(ref('Error'), description);
const sse = (description: string) => ({
  description: `${description} Each frame's data is a PullSnapshot (unnamed events, increasing ids).`,
  content: { 'text/event-stream': { schema: { type: 'string' } } },
});

const nameParam = { name: 'name', in: 'path', required: true, schema: jsonSchema(SlotNameParam) };
const untilParam = { name: 'until', in: 'query', required: false, schema: jsonSchema(UntilQuery) };
/** EventSource cannot send headers: with --protect-reads, the SSE routes take a credential in the query. */
const streamCredentialParams = [
  { name: 'ticket', in: 'query', required: false, description: 'A ticket from POST /api/stream-ticket (pages).', schema: { type: 'string' } },
  { name: 'access_token', in: 'query', required: false, description: 'The token itself (scripts; not for pages: URLs end up in logs).', schema: { type: 'string' } },
];

export function openApiDocument(version: string): Record<string, unknown> {
  return {
    openapi: '3.1.0',
    info: { title: 'slotpull', version, description: 'Pull container images for model slots and follow honest progress over Server-Sent Events.' },
    paths: {
      '/api/health': { get: { summary: 'Server health and runtime', responses: { '200': json(ref('Health'), 'The server and its runtime.') } } },
      '/api/slots': { get: { summary: 'All slots', responses: { '200': json({ type: 'array', items: ref('Slot') }, 'Every slot, in file order.') } } },
      '/api/slots/{name}': {
        get: {
          summary: 'One slot',
          parameters: [nameParam],
          responses: { '200': json(ref('Slot'), 'The slot.'), '400': problem('The name is not a slot name.'), '404': problem('No slot has that name.') },
        },
      },
      '/api/slots/{name}/pull': {
        post: {
          summary: "Start or join a pull of the slot's image",
          parameters: [nameParam],
          responses: {
            '202': json(ref('PullAnswer'), 'The pull runs; resumed says whether it was already running.'),
            '400': problem('An external slot has no image.'),
            '404': problem('No slot has that name.'),
            '503': problem("The slot's engine cannot be reached."),
          },
        },
        delete: {
          summary: "Cancel the pull of the slot's image",
          parameters: [nameParam],
          responses: {
            '200': json(ref('PullSnapshot'), 'The cancelled pull.'),
            '404': problem('No slot has that name.'),
            '409': problem('No pull is running.'),
          },
        },
      },
      '/api/slots/{name}/pull/status': {
        get: {
          summary: 'The active or last pull, else the image presence',
          parameters: [nameParam],
          responses: { '200': json(ref('PullSnapshot'), 'The snapshot.'), '404': problem('No slot has that name.') },
        },
      },
      '/api/slots/{name}/pull/stream': {
        get: {
          summary: "Follow one slot's pull",
          parameters: [nameParam, untilParam, ...streamCredentialParams],
          responses: { '200': sse('The current snapshot first, then every change.'), '404': problem('No slot has that name.') },
        },
      },
      '/api/events': {
        get: {
          summary: 'Follow several slots on one connection',
          parameters: [{ name: 'slots', in: 'query', required: false, schema: jsonSchema(SlotsQuery) }, untilParam, ...streamCredentialParams],
          responses: {
            '200': sse('The current snapshot of each slot first, then every change.'),
            '400': problem('slots= names no slot, too many, or an external one; or a name is not a slot name.'),
            '404': problem('A named slot does not exist.'),
          },
        },
      },
      '/api/stream-ticket': {
        post: {
          summary: 'A short-lived ticket for opening an event stream',
          description:
            'For a page that holds the token: it opens GET /api/events or …/pull/stream with ?ticket= instead of putting the token in a URL. ' +
            'Needs what every POST needs (the token, when the server has one). A ticket opens streams until it expires; it is signed with a key ' +
            'made when the server process started, so a restart makes every ticket invalid (403 ticket_invalid: ask again).',
          responses: {
            '200': json(ref('StreamTicket'), 'The ticket.'),
            '401': problem('No token was sent (reason token_missing).'),
            '403': problem('The token is wrong, or the request comes from an origin that is not allowed (details.reason).'),
          },
        },
      },
      '/api/pulls': {
        get: {
          summary: 'The pull history: finished and running pulls, newest first',
          parameters: Object.entries(PullsQuery).map(([name, schema]) => ({ name, in: 'query', required: false, schema: jsonSchema(schema) })),
          responses: {
            '200': json(ref('PullHistoryPage'), 'One page; kept --history-days (default 14) after each pull ended, 10,000 at most.'),
            '400': problem('A parameter is out of range, or before= names no job in the history.'),
          },
        },
      },
      '/api/openapi.json': { get: { summary: 'This document', responses: { '200': { description: 'OpenAPI 3.1', content: { 'application/json': {} } } } } },
    },
    components: { schemas: componentSchemas() },
  };
}
