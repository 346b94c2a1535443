/**
 * The API's wire shapes as zod schemas: the routes validate their inputs
 * with them, tests check every answer against them, and /api/openapi.json is
 * generated from them. Their enums are wire/values.ts's lists, and each
 * answer schema is checked at compile time against its type in wire/types.ts
 * (the checks at the end), so the document cannot drift from the wire.
 */
import { z } from 'zod';
import type { Drift, NoDrift } from '../../wire/drift.ts';
import type {
  ContainerSlotInfo,
  EngineHealth,
  ErrorBody,
  ExternalSlotInfo,
  Health,
  LayerSnapshot,
  PullAnswer,
  PullHistoryEntry,
  PullHistoryPage,
  PullSnapshot,
  SlotInfo,
  StreamTicket,
} from '../../wire/types.ts';
import { AUTH_REFUSAL_REASONS, CONTAINER_STATUSES, IMAGE_STATUSES, JOB_STATES, LAYER_PHASES, PULL_ERROR_CODES, PULL_PHASES, PULL_STATES } from '../../wire/values.ts';
import { DEFAULT_PAGE_LIMIT, MAX_PAGE_LIMIT } from '../core/history/query.ts';
import { SLOT_NAME_PATTERN } from '../core/slot.ts';

/** The named schemas: each becomes a component of the OpenAPI document. */
export const apiSchemas = z.registry<{ id: string; description?: string }>();

export const SlotNameParam = z
  .string()
  .regex(SLOT_NAME_PATTERN)
  .meta({ description: 'A slot name from the slots file.', example: 'chat' });

export const UntilQuery = z
  .literal('done')
  .optional()
  .meta({ description: 'End the stream once every slot on it has sent a terminal frame.' });

/** Most names one `slots=` list may hold; a longer list is refused (400), and leaving `slots=` out follows every slot. */
export const MAX_STREAM_SLOTS = 100;

export const SlotsQuery = z
  .string()
  .optional()
  .meta({
    description: `Comma-separated slot names, at most ${MAX_STREAM_SLOTS}; all container slots when absent.`,
    example: 'chat,code',
  });

const nullableCount = z.int().min(0).nullable();
const timestamp = z.iso.datetime().nullable();
const serverRestarts = z.int().min(0).meta({ description: 'Server restarts the job was taken up again after (by itself, with its id); 0 for most.' });

export const LayerSnapshotSchema = z
  .object({
    id: z.string(),
    phase: z.enum(LAYER_PHASES),
    current: z.number().min(0).nullable(),
    total: z.number().min(0).nullable(),
  })
  .register(apiSchemas, { id: 'LayerSnapshot' });

export const PullSnapshotSchema = z
  .object({
    slot_name: z.string(),
    image: z.string(),
    job_id: z.string().nullable(),
    runtime: z.string(),
    queue_position: z.int().min(1).nullable().meta({ description: 'While the concurrent-pull cap holds the job back: 1 = next to start.' }),
    state: z.enum(PULL_STATES),
    phase: z.enum(PULL_PHASES).nullable(),
    percent: z.number().min(0).max(100).nullable().meta({ description: "Share of the image's bytes downloaded (by layer count while sizes are unknown). null = indeterminate; never decreases within a job; at most 99 until completed, 100 only when completed." }),
    bytes_done: nullableCount,
    bytes_total: nullableCount,
    bytes_total_exact: z.boolean(),
    layer: nullableCount,
    total_layers: nullableCount,
    layers_cached: nullableCount,
    layers: z.array(LayerSnapshotSchema),
    speed_bps: z.number().min(0).nullable(),
    eta_s: z.number().min(0).nullable().meta({ description: 'Seconds until the image is ready, extraction included where its rate is known; null rather than a promise it cannot keep (stalled, sizes unknown, too little history).' }),
    extract_percent: z.number().min(0).max(100).nullable().meta({ description: 'Share of the extraction done, where the engine reports extraction bytes (dockerd); else null.' }),
    extract_seconds: z.number().min(0).nullable().meta({ description: 'Seconds spent extracting, where the engine reports extraction in seconds (containerd image store); else null.' }),
    stalled_s: z.number().min(0).nullable().meta({ description: 'While downloading with no byte for 15 s or more: seconds since the last byte; else null.' }),
    error: z.string().nullable(),
    error_code: z.enum(PULL_ERROR_CODES).nullable(),
    started_at: timestamp,
    updated_at: timestamp,
    finished_at: timestamp,
    image_status: z.enum(IMAGE_STATUSES).meta({ description: 'The image now: pulling while a job runs, else what the engine says.' }),
    container_status: z.enum(CONTAINER_STATUSES).meta({ description: "The slot's container now; live on a stream (a crash shows within a few seconds)." }),
    container_error: z.string().nullable(),
    shared_with: z.array(z.string()).meta({ description: 'The other slots with this image on the same engine: they share the pull, and a cancel stops it for them too.' }),
    server_restarts: serverRestarts,
  })
  .strict()
  .register(apiSchemas, { id: 'PullSnapshot', description: 'Every frame of every stream and every pull answer.' });

export const PullAnswerSchema = PullSnapshotSchema.extend({
  resumed: z.boolean().meta({ description: 'True when the POST joined a pull already running for this image.' }),
}).register(apiSchemas, { id: 'PullAnswer' });

export const PullHistoryEntrySchema = z
  .object({
    job_id: z.string(),
    slots: z.array(z.string()).meta({ description: 'The slots whose image it pulled.' }),
    image: z.string(),
    runtime: z.string().meta({ description: 'docker, podman, cli:docker, cli:podman or demo' }),
    engine: z.string().nullable().meta({ description: "The engine's name in the slots file; null for the server's own runtime." }),
    state: z.enum(JOB_STATES),
    error_code: z.enum(PULL_ERROR_CODES).nullable(),
    error: z.string().nullable(),
    started_at: z.iso.datetime(),
    finished_at: timestamp.meta({ description: 'null while the job runs.' }),
    bytes_done: nullableCount.meta({ description: 'Bytes fetched (so far, while running); after a restart, those of the last run.' }),
    bytes_total: nullableCount,
    duration_s: z.number().min(0).meta({ description: "Start to finish (to now while running), to a tenth of a second; a restart's downtime included." }),
    speed_bps: z.number().min(0).nullable().meta({ description: 'Average: bytes_done over duration_s.' }),
    server_restarts: serverRestarts,
  })
  .strict()
  .register(apiSchemas, { id: 'PullHistoryEntry' });

export const PullHistoryPageSchema = z
  .object({
    jobs: z.array(PullHistoryEntrySchema),
    next_before: z.string().nullable().meta({ description: 'Pass as before= for the next page; null on the last one.' }),
  })
  .strict()
  .register(apiSchemas, { id: 'PullHistoryPage', description: 'Finished and running pulls, newest first.' });

/** The query of `GET /api/pulls`, as it arrives (strings). */
export const PullsQuery = {
  slot: SlotNameParam.optional().meta({ description: 'Only the pulls of this slot (one that has left the slots file too).', example: 'chat' }),
  state: z.enum(JOB_STATES).optional().meta({ description: 'Only the pulls in this state.', example: 'completed' }),
  limit: z
    .string()
    .regex(/^\d+$/)
    .optional()
    .meta({ description: `Pulls per page, 1 to ${MAX_PAGE_LIMIT}; ${DEFAULT_PAGE_LIMIT} when absent.`, example: '20' }),
  before: z.string().optional().meta({ description: "The next page: the previous page's next_before." }),
};

const slotCommon = {
  name: z.string(),
  port: z.int().nullable(),
  model: z.string().nullable(),
  labels: z.record(z.string(), z.string()),
};

export const ContainerSlotSchema = z
  .object({
    ...slotCommon,
    provider: z.literal('container'),
    image: z.string(),
    image_status: z.enum(IMAGE_STATUSES),
    container: z.string(),
    container_status: z.enum(CONTAINER_STATUSES),
    container_error: z.string().nullable(),
    pull: PullSnapshotSchema.nullable(),
  })
  .strict()
  .register(apiSchemas, { id: 'ContainerSlot' });

export const ExternalSlotSchema = z
  .object({ ...slotCommon, provider: z.literal('external'), url: z.string().nullable(), pull: z.null() })
  .strict()
  .register(apiSchemas, { id: 'ExternalSlot' });

export const SlotSchema = z.discriminatedUnion('provider', [ContainerSlotSchema, ExternalSlotSchema]).register(apiSchemas, { id: 'Slot' });

const EngineHealthSchema = z.object({ runtime: z.string(), unavailable: z.string().nullable() });

export const HealthSchema = z
  .object({
    ok: z.literal(true),
    runtime: z.string().meta({ description: 'docker, podman, cli:docker, cli:podman or demo' }),
    version: z.string(),
    engines: z
      .record(z.string(), EngineHealthSchema)
      .optional()
      .meta({ description: 'Engines named in the slots file, when there are any.' }),
  })
  .strict()
  .register(apiSchemas, { id: 'Health' });

export const StreamTicketSchema = z
  .object({
    ticket: z.string().meta({ description: 'Opens an event stream as ?ticket= until it expires; an open stream outlives it.' }),
    expires_in_s: z.int().min(1),
  })
  .strict()
  .register(apiSchemas, { id: 'StreamTicket' });

export const ErrorSchema = z
  .object({
    error: z.object({
      code: z.string().meta({ example: 'slot.not_found' }),
      message: z.string(),
      details: z.record(z.string(), z.unknown()).meta({
        description: `What the message is about. An auth.required or auth.forbidden answer names its cause in reason: ${AUTH_REFUSAL_REASONS.join(', ')}.`,
      }),
    }),
  })
  .register(apiSchemas, { id: 'Error' });

/**
 * Each answer schema parses to exactly its wire type: a field added, dropped
 * or retyped on one side only fails `tsc` here, naming the field.
 */
export type WireChecks = [
  NoDrift<Drift<z.output<typeof LayerSnapshotSchema>, LayerSnapshot>>,
  NoDrift<Drift<z.output<typeof PullSnapshotSchema>, PullSnapshot>>,
  NoDrift<Drift<z.output<typeof PullAnswerSchema>, PullAnswer>>,
  NoDrift<Drift<z.output<typeof ContainerSlotSchema>, ContainerSlotInfo>>,
  NoDrift<Drift<z.output<typeof ExternalSlotSchema>, ExternalSlotInfo>>,
  NoDrift<Drift<z.output<typeof SlotSchema>, SlotInfo>>,
  NoDrift<Drift<z.output<typeof EngineHealthSchema>, EngineHealth>>,
  NoDrift<Drift<z.output<typeof HealthSchema>, Health>>,
  NoDrift<Drift<z.output<typeof StreamTicketSchema>, StreamTicket>>,
  NoDrift<Drift<z.output<typeof PullHistoryEntrySchema>, PullHistoryEntry>>,
  NoDrift<Drift<z.output<typeof PullHistoryPageSchema>, PullHistoryPage>>,
  NoDrift<Drift<z.output<typeof ErrorSchema>['error'], ErrorBody['error']>>,
  NoDrift<Drift<z.output<typeof ErrorSchema>, ErrorBody>>,
];
