/**
 * Type-level tests, checked by `npm run typecheck` (tests/tsconfig.json): the
 * compile-time checks that tie the zod schemas to the wire types catch each
 * kind of drift. Every `@ts-expect-error` below must meet an error, so a
 * check that stopped catching drift fails the typecheck ("unused directive").
 */
import { z } from 'zod';
import { HealthSchema, LayerSnapshotSchema, PullSnapshotSchema } from '../../server/http/schemas.ts';
import type { Drift, NoDrift } from '../../wire/drift.ts';
import type { Health, LayerSnapshot, PullSnapshot } from '../../wire/types.ts';

type Parsed<S extends z.ZodType> = z.output<S>;

// The real schemas describe the wire types (as server/http/schemas.ts checks too).
export type Agree = [
  NoDrift<Drift<Parsed<typeof PullSnapshotSchema>, PullSnapshot>>,
  NoDrift<Drift<Parsed<typeof LayerSnapshotSchema>, LayerSnapshot>>,
  NoDrift<Drift<Parsed<typeof HealthSchema>, Health>>,
];

// A field added to the schema and forgotten in the wire type.
const withExtra = PullSnapshotSchema.extend({ priority: z.int() });
// @ts-expect-error — "priority" drifts
export type SchemaAddsField = NoDrift<Drift<Parsed<typeof withExtra>, PullSnapshot>>;

// A field added to the wire type and forgotten in the schema.
// @ts-expect-error — "priority" drifts
export type WireAddsField = NoDrift<Drift<Parsed<typeof PullSnapshotSchema>, PullSnapshot & { readonly priority: number }>>;

// An optional field on one side only still drifts (mutual assignability alone would miss it).
const withOptional = PullSnapshotSchema.extend({ priority: z.int().optional() });
// @ts-expect-error — "priority" drifts
export type SchemaAddsOptionalField = NoDrift<Drift<Parsed<typeof withOptional>, PullSnapshot>>;

// A field dropped from the schema.
const withoutPercent = PullSnapshotSchema.omit({ percent: true });
// @ts-expect-error — "percent" drifts
export type SchemaDropsField = NoDrift<Drift<Parsed<typeof withoutPercent>, PullSnapshot>>;

// A layer's phase typed as any string (the drift elements/wire.ts once had).
const looseLayer = LayerSnapshotSchema.extend({ phase: z.string() });
// @ts-expect-error — "phase" drifts
export type LayerPhaseLoosened = NoDrift<Drift<Parsed<typeof looseLayer>, LayerSnapshot>>;

// An enum that lost a member (`cached`).
const shortLayer = LayerSnapshotSchema.extend({ phase: z.enum(['waiting', 'downloading', 'verifying', 'downloaded', 'extracting', 'complete']) });
// @ts-expect-error — "phase" drifts
export type LayerPhaseNarrowed = NoDrift<Drift<Parsed<typeof shortLayer>, LayerSnapshot>>;

// A field that became nullable on one side.
const nullableState = PullSnapshotSchema.extend({ state: PullSnapshotSchema.shape.state.nullable() });
// @ts-expect-error — "state" drifts
export type StateMadeNullable = NoDrift<Drift<Parsed<typeof nullableState>, PullSnapshot>>;

// A change inside a nested object shows as its field on the outer shape too.
const nestedLoose = PullSnapshotSchema.extend({ layers: z.array(looseLayer) });
// @ts-expect-error — "layers" drifts
export type NestedDrift = NoDrift<Drift<Parsed<typeof nestedLoose>, PullSnapshot>>;

// readonly is not part of JSON: a mutable copy of a wire type does not drift.
export type ReadonlyIgnored = NoDrift<Drift<{ -readonly [K in keyof LayerSnapshot]: LayerSnapshot[K] }, LayerSnapshot>>;
