/**
 * The slots file of the README's Configuration, validated with zod. Pure: it takes parsed
 * JSON and a file name for messages, and returns slots or one line per problem.
 */
import { z } from 'zod';
import { engineSpecProblem, type EngineSpec } from '../core/engine-endpoint.ts';
import { parseImageReference, referenceProblem } from '../core/reference.ts';
import { SLOT_NAME_PATTERN, type Slot } from '../core/slot.ts';

const CONTAINER_NAME_PATTERN = /^[a-zA-Z0-9][a-zA-Z0-9_.-]{0,127}$/;

const slotSchema = z
  .object({
    name: z.string().regex(SLOT_NAME_PATTERN, 'must match ^[a-z0-9][a-z0-9_-]{0,31}$ (lower case, at most 32 characters)'),
    provider: z.enum(['container', 'external'], 'must be "container" or "external"'),
    image: z.string().optional(),
    container: z
      .string()
      .regex(CONTAINER_NAME_PATTERN, 'must be a container name (letters, digits, "_", "." and "-")')
      .optional(),
    port: z.int('must be an integer').min(1, 'must be 1–65535').max(65535, 'must be 1–65535').optional(),
    model: z.string().optional(),
    labels: z.record(z.string(), z.string('must be a string')).optional(),
    url: z.url('must be a URL like http://127.0.0.1:8082').optional(),
    engine: z.string().optional(),
  })
  .strict()
  .superRefine((slot, ctx) => {
    if (slot.provider === 'container') {
      if (slot.image === undefined) {
        ctx.addIssue({ code: 'custom', path: ['image'], message: 'is required for a container slot' });
        return;
      }
      const problem = referenceProblem(slot.image);
      if (problem !== null) ctx.addIssue({ code: 'custom', path: ['image'], message: problem });
    } else {
      if (slot.image !== undefined) {
        ctx.addIssue({ code: 'custom', path: ['image'], message: 'is not allowed on an external slot (it has no image)' });
      }
      if (slot.engine !== undefined) {
        ctx.addIssue({ code: 'custom', path: ['engine'], message: 'is not allowed on an external slot (nothing runs on an engine)' });
      }
    }
  });

const absolutePath = z.string().regex(/^\/[^\u0000-\u001f]*$/, 'must be an absolute path (it is read when the server starts)');

/**
 * An engine: its address as a string, or an object with the address
 * (`host`) and what secures it (`tls` files for tcp://, an `ssh_config` for
 * ssh://), or the name of a docker context.
 */
const engineEntry = z.preprocess(
  (entry) => (typeof entry === 'string' ? { host: entry } : entry),
  z
    .object(
      {
        host: z.string().optional(),
        context: z.string().min(1, 'must name a docker context').optional(),
        tls: z
          .object({ ca: absolutePath, cert: absolutePath.optional(), key: absolutePath.optional() }, { error: typeMessage('must be an object with "ca", "cert" and "key"') })
          .strict()
          .optional(),
        ssh_config: absolutePath.optional(),
      },
      { error: typeMessage('must be an address like "tcp://10.0.0.12:2376", or an object with "host" (and "tls" or "ssh_config") or "context"') },
    )
    .strict()
    .superRefine((entry, ctx) => {
      if ((entry.host === undefined) === (entry.context === undefined)) {
        ctx.addIssue({ code: 'custom', message: 'needs either "host" (an address) or "context" (a docker context), not both' });
        return;
      }
      if (entry.context !== undefined && (entry.tls !== undefined || entry.ssh_config !== undefined)) {
        ctx.addIssue({ code: 'custom', message: 'a docker context brings its own TLS files; give "context" alone' });
        return;
      }
      const problem = engineSpecProblem(toEngineSpec(entry));
      if (problem !== null) ctx.addIssue({ code: 'custom', message: problem });
    }),
);

type EngineEntry = z.infer<typeof engineEntry>;

/** A message for input of the wrong type only; other issues (unknown fields) keep their own. */
function typeMessage(message: string): (issue: { code: string }) => string | undefined {
  return (issue) => (issue.code === 'invalid_type' ? message : undefined);
}

function toEngineSpec(entry: EngineEntry): EngineSpec {
  if (entry.context !== undefined) return { context: entry.context };
  const tls = entry.tls === undefined ? null : { ca: entry.tls.ca, cert: entry.tls.cert ?? null, key: entry.tls.key ?? null };
  return { address: entry.host ?? '', tls, sshConfig: entry.ssh_config ?? null };
}

const fileSchema = z
  .object({
    engines: z.record(z.string().regex(SLOT_NAME_PATTERN, 'engine names match ^[a-z0-9][a-z0-9_-]{0,31}$'), engineEntry).optional(),
    slots: z.array(slotSchema, 'must be an array of slots'),
  })
  .strict();

export type SlotFileEntry = z.infer<typeof slotSchema>;


export interface SlotsFile {
  slots: Slot[];
  /** Named engines: name → how to reach it (files and contexts are read at start). */
  engines: Record<string, EngineSpec>;
}

export type ConfigResult = ({ ok: true } & SlotsFile) | { ok: false; problems: string[] };

/** Validates a parsed slots file; `fileName` only labels the messages. */
export function validateSlotsFile(input: unknown, fileName: string): ConfigResult {
  const parsed = fileSchema.safeParse(input);
  // Checked apart from zod, which skips refinements once a field has failed.
  const duplicates = duplicateNames(input).map(
    ({ name, index }) => `${fileName}: slot "${name}" (slots[${index}]): name: "${name}" is used by an earlier slot; names must be unique`,
  );
  const engines = parsed.success ? Object.fromEntries(Object.entries(parsed.data.engines ?? {}).map(([name, entry]) => [name, toEngineSpec(entry)])) : {};
  const unknownEngines = parsed.success
    ? parsed.data.slots.flatMap((slot, index) =>
        slot.engine === undefined || slot.engine in engines
          ? []
          : [`${fileName}: slot "${slot.name}" (slots[${index}]): engine: "${slot.engine}" is not in "engines" (${Object.keys(engines).join(', ') || 'none are named'})`],
      )
    : [];
  if (!parsed.success || duplicates.length > 0 || unknownEngines.length > 0) {
    const problems = parsed.success ? [] : parsed.error.issues.map((issue) => describeIssue(issue, input, fileName));
    return { ok: false, problems: [...problems, ...duplicates, ...unknownEngines] };
  }
  return { ok: true, slots: parsed.data.slots.map(toSlot), engines };
}

function duplicateNames(input: unknown): { name: string; index: number }[] {
  const seen = new Set<string>();
  const duplicates: { name: string; index: number }[] = [];
  rawSlots(input).forEach((entry, index) => {
    const name = (entry as { name?: unknown } | null)?.name;
    if (typeof name !== 'string') return;
    if (seen.has(name)) duplicates.push({ name, index });
    seen.add(name);
  });
  return duplicates;
}

function rawSlots(input: unknown): unknown[] {
  const slots = (input as { slots?: unknown } | null)?.slots;
  return Array.isArray(slots) ? slots : [];
}

function toSlot(entry: SlotFileEntry): Slot {
  const common = { name: entry.name, port: entry.port ?? null, model: entry.model ?? null, labels: entry.labels ?? {} };
  if (entry.provider === 'external') return { ...common, provider: 'external', url: entry.url ?? null };
  return {
    ...common,
    provider: 'container',
    image: parseImageReference(entry.image as string),
    container: entry.container ?? `slot-${entry.name}`,
    engine: entry.engine ?? null,
  };
}

/** `file: slot "chat" (slots[0]): image: <what is wrong>`. */
function describeIssue(issue: z.core.$ZodIssue, input: unknown, fileName: string): string {
  const [root, index, ...field] = issue.path;
  if (root !== 'slots' || typeof index !== 'number') {
    const where = issue.path.length === 0 ? 'top level' : issue.path.join('.');
    // A bad record key: zod keeps the key's own message inside.
    const message =
      issue.code === 'invalid_key'
        ? (issue.issues[0]?.message ?? issue.message)
        : issue.code === 'unrecognized_keys'
          ? `unknown field ${issue.keys.map((k) => `"${k}"`).join(', ')}`
          : issue.message;
    return `${fileName}: ${where}: ${message}`;
  }
  const name = slotNameAt(input, index);
  const slot = name === null ? `slots[${index}]` : `slot "${name}" (slots[${index}])`;
  const fieldName = field.length === 0 ? '' : `${field.join('.')}: `;
  const message = issue.code === 'unrecognized_keys' ? `unknown field ${issue.keys.map((k) => `"${k}"`).join(', ')}` : issue.message;
  return `${fileName}: ${slot}: ${fieldName}${message}`;
}

function slotNameAt(input: unknown, index: number): string | null {
  const name = (rawSlots(input)[index] as { name?: unknown } | null | undefined)?.name;
  return typeof name === 'string' ? name : null;
}
