/**
 * Every phrase a person sees or hears from the elements, in English: the
 * table that defines the phrase keys and their arguments. Other languages
 * are tables of the same shape (elements/translations/, or registered with
 * registerTranslation()); a phrase a table lacks is said in English.
 * Numbers reach a phrase already formatted (the Formatter: Intl, the
 * element's language); a count that a noun agrees with comes as a Plural.
 */
/**
 * Words that agree with a count, by Intl.PluralRules category (`one`,
 * `few`, `many`…; `other` is required); `#` stands for the formatted count:
 * `{ one: '# more slot', other: '# more slots' }`.
 */
export type Plural = { readonly other: string } & Partial<Readonly<Record<Intl.LDMLPluralRule, string>>>;

export const en = {
  // The pull bar.
  pulling: (image: string): string => `Pulling image ${image}…`,
  ready: 'Image ready',
  pullFailed: (error: string): string => `Pull failed: ${error}`,
  cancelled: 'Pull cancelled',
  interrupted: 'Pull interrupted: the server lost track of it',
  reconnecting: 'Reconnecting…',
  connecting: 'Connecting…',
  present: 'Image present',
  missing: 'Image not pulled yet',
  unknown: 'Image status unknown',
  retry: 'Retry',
  retrying: 'Retrying…',
  pull: 'Pull',
  cancel: 'Cancel',
  cancelling: 'Cancelling…',
  /** The slots past the first two in a list of other slots: "code, vision and 2 more". */
  more: { other: '# more' } as Plural,
  /** Cancel stops the one engine pull of an image: the button names the other slots it stops (a list: "code and vision"). */
  cancelAlso: (others: string): string => `Cancel (also stops ${others})`,
  // Accessible names of the buttons: each says its slot, for a page with many ("Cancel the pull of chat").
  cancelName: (slot: string): string => `Cancel the pull of ${slot}`,
  cancelNameAlso: (slot: string, others: string): string => `Cancel the pull of ${slot}, also stopping ${others}`,
  pullName: (slot: string): string => `Pull the image of ${slot}`,
  retryName: (slot: string): string => `Retry the pull of ${slot}`,
  rePullName: (slot: string): string => `Re-pull the image of ${slot}`,
  dismissName: (slot: string): string => `Dismiss the message about ${slot}`,
  startFailed: (why: string): string => `Could not start the pull: ${why}`,
  cancelFailed: (why: string): string => `Could not cancel the pull: ${why}`,
  unknownError: 'the engine gave no reason',

  // The meta line past the download, or stuck in it ("Unpacking layer 2 of 3 · 41%"); the numbers in it.
  unpackingLayer: (layer: string, total: string): string => `Unpacking layer ${layer} of ${total}`,
  unpackingSo: 'Unpacking',
  unpacking: 'Unpacking…',
  writing: 'Writing the image…',
  stalled: (duration: string): string => `No data for ${duration}`,
  downloaded: (percent: string): string => `downloaded ${percent}`,
  /** "612 MB of 1.4 GB"; `long`: in words, "612 megabytes of 1.4 gigabytes". */
  bytesOf: (done: string, total: string, _long: boolean): string => `${done} of ${total}`,
  /** A total that may still grow: "612 MB of ≥1.4 GB", "612 megabytes of at least 1.4 gigabytes". */
  bytesOfAtLeast: (done: string, total: string, long: boolean): string => `${done} of ${long ? 'at least ' : '≥'}${total}`,
  eta: (duration: string): string => `about ${duration} left`,
  /** "layer 3/9", `long`: "layer 3 of 9". */
  layer: (layer: string, total: string, long: boolean): string => (long ? `layer ${layer} of ${total}` : `layer ${layer}/${total}`),
  /** Between the items of aria-valuetext ("41%, 612 megabytes of …") and before the amount of "Unpacking, 41%". */
  comma: ', ',

  // Words for aria-valuetext.
  waitingForData: 'waiting for size information',
  completeWord: 'complete',
  failedWord: 'failed',
  cancelledWord: 'cancelled',
  reconnectingWord: 'reconnecting',

  // Announcements in the polite status region (a failure: imageFailed).
  announceStart: (image: string): string => `Pulling image ${image} started`,
  announcePercent: (image: string, percent: string): string => `Pulling image ${image}: ${percent}`,
  announceDone: (image: string): string => `Image ${image} is ready`,
  announceCancelled: (image: string): string => `Pull of image ${image} cancelled`,
  announceInterrupted: (image: string): string => `Pull of image ${image} was interrupted`,

  // Problems before any data.
  unreachable: (base: string): string => `Cannot reach the slotpull server at ${base}`,
  noSlotName: 'No slot-name is set on this element',
  badBaseUrl: (value: string): string => `base-url "${value}" is not an http(s) URL`,
  notFound: (slot: string): string => `No slot is named "${slot}" on this server`,
  external: (slot: string): string => `Slot "${slot}" is served elsewhere and has no image`,
  lookupFailed: (why: string): string => `Could not read the slot: ${why}`,
  // Why a server refuses this page (issue 13): each cause in its own words, saying what to do.
  refusedOrigin: (base: string, origin: string): string =>
    `The slotpull server at ${base} does not allow pages from ${origin}: start it with --allow-origin ${origin}`,
  refusedTokenMissing: (base: string): string => `The slotpull server at ${base} needs a token: give it to the elements with configureServer()`,
  refusedTokenWrong: (base: string): string =>
    `The slotpull server at ${base} refused the token: configureServer() must give the one the server was started with`,
  refusedHost: (base: string, host: string): string => `The slotpull server at ${base} does not answer to the name ${host}: start it with --public-url ${base}`,
  refused: (base: string, why: string): string => `The slotpull server at ${base} refused: ${why}`,

  // The error banner (and the announcement of a failure).
  imageFailed: (image: string, error: string): string => `Pull of image ${image} failed: ${error}`,
  bannerInterrupted: (image: string): string => `Pull of image ${image} was interrupted: the server lost track of it`,
  bannerCrashed: (container: string): string => `Container ${container} crashed`,
  bannerCrashedWhy: (container: string, error: string): string => `Container ${container} crashed: ${error}`,
  rePull: 'Re-pull',
  rePulling: 'Pulling…',
  dismiss: 'Dismiss',

  // The status chip (visible text; the hidden prefix gives it context).
  chipPrefix: 'Image status: ',
  chip_present: 'present',
  chip_pulling: 'pulling',
  chip_missing: 'missing',
  chip_failed: 'failed',
  chip_cancelled: 'cancelled',
  chip_unknown: 'unknown',
  chip_interrupted: 'interrupted',
  chip_external: 'served elsewhere',
  chip_unreachable: 'unreachable',
  chip_connecting: 'checking…',
  chipPercent: (percent: string): string => `pulling ${percent}`,
  /** `show-last-pull`: "pulled 3 days ago in 4 min 12 sec" (`ago` from Intl.RelativeTimeFormat). */
  lastPull: (ago: string, took: string): string => `pulled ${ago} in ${took}`,
  /** The same, under a minute ago. */
  lastPullNow: (took: string): string => `pulled just now in ${took}`,
};

/** The phrases of one language: every key of the English table, with its arguments. */
export type Phrases = typeof en;

/**
 * A table for registerTranslation(): `$code` is a language tag ("pt",
 * "pt-BR"); any phrase left out is taken from the language of the
 * tag's first part ("pt" for "pt-BR"), else from English.
 */
export type Translation = Partial<Phrases> & { readonly $code: string };

/** A built-in table (elements/translations/): every phrase, so a phrase added to English and forgotten there fails to compile. */
export type CompleteTranslation = Phrases & { readonly $code: string };

/** The keys of the phrases of type `T`: `PhraseKey<string>` for words, `PhraseKey<(slot: string) => string>` for a sentence about a slot. */
export type PhraseKey<T> = { [K in keyof Phrases]: Phrases[K] extends T ? K : never }[keyof Phrases];
