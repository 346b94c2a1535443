/** Debian's Chromium (CHROMIUM_PATH overrides it). */
export const CHROMIUM_PATH: string;
/** Its flags for a headless run as root that dials nothing out. */
export const CHROMIUM_ARGS: readonly string[];
