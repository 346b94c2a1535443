/**
 * The closed sets of strings the API sends (docs/api.md), as values: the
 * server's zod schemas turn them into the enums of /api/openapi.json, and the
 * elements check incoming frames against them. Each type is its list's
 * members. Plain data, no imports: this file reaches browsers as it is.
 *
 * The order of each list is the order of its enum in /api/openapi.json.
 */

/** A PullSnapshot's `state`: its job's state (the first four), or, when no job exists, the image's presence. */
export const PULL_STATES = ['pulling', 'completed', 'failed', 'cancelled', 'present', 'missing', 'unknown'] as const;
export type PullState = (typeof PULL_STATES)[number];

/** A container slot's `image_status`: `pulling` while a job runs, else the image's presence. */
export const IMAGE_STATUSES = ['present', 'pulling', 'missing', 'unknown'] as const;
export type ImageStatus = (typeof IMAGE_STATUSES)[number];

/** What the engine says of an image no job is pulling. */
export type ImagePresence = Exclude<ImageStatus, 'pulling'>;

/** States of a pull job: a PullSnapshot's first four states, and a history entry's `state`. */
export const JOB_STATES = ['pulling', 'completed', 'failed', 'cancelled'] as const satisfies readonly PullState[];
export type JobState = (typeof JOB_STATES)[number];

/** A PullSnapshot's `phase` while its job runs. */
export const PULL_PHASES = ['resolving', 'downloading', 'extracting', 'finalizing'] as const;
export type PullPhase = (typeof PULL_PHASES)[number];

/** Where one layer is in its life. `cached` layers were already on disk. */
export const LAYER_PHASES = ['waiting', 'downloading', 'verifying', 'downloaded', 'extracting', 'complete', 'cached'] as const;
export type LayerPhase = (typeof LAYER_PHASES)[number];

/** Why a pull failed: a PullSnapshot's `error_code`. */
export const PULL_ERROR_CODES = [
  'pull.not_found',
  'pull.unauthorized',
  'pull.registry_unreachable',
  'pull.engine_error',
  'pull.interrupted',
] as const;
export type PullErrorCode = (typeof PULL_ERROR_CODES)[number];

/** The `error.code` of the API's error answers (a non-2xx JSON body). */
export const API_ERROR_CODES = [
  'validation.invalid',
  'validation.too_large',
  'slot.not_found',
  'slot.no_image',
  'pull.not_active',
  'route.not_found',
  'route.method_not_allowed',
  'runtime.unavailable',
  'auth.required',
  'auth.forbidden',
  'request.timeout',
  'system.internal',
] as const;
export type ApiErrorCode = (typeof API_ERROR_CODES)[number];

/**
 * Why the API refused a request: `details.reason` of an `auth.required` (401)
 * or `auth.forbidden` (403) answer, so that a client can say each cause in its
 * own words. `ticket_*` concern the `?ticket=` of an event stream (a client
 * asks for a new ticket); `cross_site_request` is a POST or DELETE with no
 * Origin that Fetch Metadata marks as from another site.
 */
export const AUTH_REFUSAL_REASONS = [
  'token_missing',
  'token_wrong',
  'ticket_expired',
  'ticket_invalid',
  'origin_not_allowed',
  'cross_site_request',
  'host_not_allowed',
] as const;
export type AuthRefusalReason = (typeof AUTH_REFUSAL_REASONS)[number];

/** A container slot's `container_status`. */
export const CONTAINER_STATUSES = ['running', 'stopped', 'crashed', 'absent', 'unknown'] as const;
export type ContainerStatus = (typeof CONTAINER_STATUSES)[number];
