/**
 * The slots file of CONTRACT §1, validated with zod. Pure: it takes parsed
 * JSON and a file name for messages, and returns slots or one line per problem.
 */
import { z } from 'zod';
import { parseImageReference, referenceProblem, type ImageReference } from '../core/reference.ts';

export const SLOT_NAME_PATTERN = /^[a-z0-9][a-z0-9_-]{0,31}$/;
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
    } else if (slot.image !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['image'], message: 'is not allowed on an external slot (it has no image)' });
    }
  });

const fileSchema = z.object({ slots: z.array(slotSchema, 'must be an array of slots') }).strict();

export type SlotFileEntry = z.infer<typeof slotSchema>;

interface SlotCommon {
  name: string;
  port: number | null;
  model: string | null;
  labels: Record<string, string>;
}

export interface ContainerSlot extends SlotCommon {
  provider: 'container';
  image: ImageReference;
  container: string;
}

export interface ExternalSlot extends SlotCommon {
  provider: 'external';
  url: string | null;
}

export type Slot = ContainerSlot | ExternalSlot;

export type ConfigResult = { ok: true; slots: Slot[] } | { ok: false; problems: string[] };

/** Validates a parsed slots file; `fileName` only labels the messages. */
export function validateSlotsFile(input: unknown, fileName: string): ConfigResult {
  const parsed = fileSchema.safeParse(input);
  // Checked apart from zod, which skips refinements once a field has failed.
  const duplicates = duplicateNames(input).map(
    ({ name, index }) => `${fileName}: slot "${name}" (slots[${index}]): name: "${name}" is used by an earlier slot; names must be unique`,
  );
  if (!parsed.success || duplicates.length > 0) {
    const problems = parsed.success ? [] : parsed.error.issues.map((issue) => describeIssue(issue, input, fileName));
    return { ok: false, problems: [...problems, ...duplicates] };
  }
  return { ok: true, slots: parsed.data.slots.map(toSlot) };
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
  };
}

/** `file: slot "chat" (slots[0]): image: <what is wrong>`. */
function describeIssue(issue: z.core.$ZodIssue, input: unknown, fileName: string): string {
  const [root, index, ...field] = issue.path;
  if (root !== 'slots' || typeof index !== 'number') {
    const where = issue.path.length === 0 ? 'top level' : issue.path.join('.');
    return `${fileName}: ${where}: ${issue.message}`;
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
