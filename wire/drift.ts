/**
 * Compile-time comparison of two descriptions of one JSON shape (a wire type
 * and, say, what a zod schema parses to). Types only.
 */

/** The JSON a type describes: readonly dropped (JSON has none), arrays and objects followed. */
type Json<T> = T extends readonly (infer Item)[] ? Json<Item>[] : T extends object ? { -readonly [K in keyof T]: Json<T[K]> } : T;

/** True when A and B are the same type (not merely assignable either way: an optional field counts). */
type Same<A, B> = (<X>() => X extends A ? 1 : 2) extends <X>() => X extends B ? 1 : 2 ? true : false;

/**
 * The fields in which A and B differ — on one side only, or of another type
 * (optional, nullable, another enum) — as a union of their names; `never`
 * when A and B describe the same JSON. Nested objects count as a whole, so
 * compare them on their own too to learn which of their fields drifted.
 */
export type Drift<A, B> = {
  [K in keyof A | keyof B]: K extends keyof A
    ? K extends keyof B
      ? Same<Json<A[K]>, Json<B[K]>> extends true
        ? never
        : K
      : K
    : K;
}[keyof A | keyof B];

/** Fails to compile, naming the drifted fields, unless `D` is `never`: `type _ = NoDrift<Drift<A, B>>`. */
export type NoDrift<D extends never> = D;
