// The browser half of @web/test-runner-visual-regression 0.10: its package
// "exports" list "import" before "types", so TypeScript finds the .mjs
// without its types; this is the one function the demo tests call.
declare module '@web/test-runner-visual-regression' {
  export function visualDiff(element: Node, name: string): Promise<void>;
}
