/**
 * Registers a custom element unless its name is taken: a page may load two
 * copies of the bundle (a dashboard and a widget each shipping one), and
 * `customElements.define` throws on the second. The first copy's class wins;
 * both copies share one hub (hub/hub.ts), so the page still has one connection.
 */
export function defineElement(name: string, constructor: CustomElementConstructor): void {
  if (customElements.get(name) === undefined) customElements.define(name, constructor);
}
