/** Turns a `:name` from a URL into a configured slot, or the right 400/404. */
import { SLOT_NAME_PATTERN, type ContainerSlot, type Slot } from '../core/slot.ts';
import { ApiError, clip } from './errors.ts';
import { SlotNameParam } from './schemas.ts';

export function findSlot(slots: ReadonlyMap<string, Slot>, name: string): Slot {
  if (!SlotNameParam.safeParse(name).success) {
    // Quoted clipped: the input may be a 10 kB path segment.
    throw new ApiError(400, 'validation.invalid', `"${clip(name)}" is not a slot name: names match ${SLOT_NAME_PATTERN.source}.`, {
      field: 'name',
    });
  }
  const slot = slots.get(name);
  if (slot === undefined) {
    throw new ApiError(404, 'slot.not_found', `No slot is named "${name}"; GET /api/slots lists them.`, { name });
  }
  return slot;
}

export function findContainerSlot(slots: ReadonlyMap<string, Slot>, name: string): ContainerSlot {
  const slot = findSlot(slots, name);
  if (slot.provider !== 'container') {
    throw new ApiError(400, 'slot.no_image', `Slot "${name}" is external: it has no image to pull or watch.`, { name });
  }
  return slot;
}
