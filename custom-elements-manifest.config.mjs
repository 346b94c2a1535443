// @custom-elements-manifest/analyzer: `npm run manifest` writes
// custom-elements.json from the elements' JSDoc (@summary, @csspart,
// @cssproperty, @event) and their `static properties`. The elements register
// through defineElement('tag', Class) (elements/define.ts: a second copy of
// the bundle must not throw), which the analyzer does not know: the plugin
// below reads those calls so each class gets its tag name and definition.
function defineElementCalls() {
  return {
    name: 'slotpull-define-element',
    analyzePhase({ ts, node, moduleDoc }) {
      if (!ts.isCallExpression(node) || node.expression.getText() !== 'defineElement') return;
      const [tag, constructor] = node.arguments;
      if (tag === undefined || constructor === undefined || !ts.isStringLiteral(tag)) return;
      const className = constructor.getText();
      const declaration = moduleDoc.declarations?.find((d) => d.name === className);
      if (declaration === undefined) return;
      declaration.tagName = tag.text;
      declaration.customElement = true;
      moduleDoc.exports = [
        ...(moduleDoc.exports ?? []),
        { kind: 'custom-element-definition', name: tag.text, declaration: { name: className, module: moduleDoc.path } },
      ];
    },
  };
}

/**
 * `static properties` entries with `state: true` are internal reactive state,
 * not attributes; the analyzer lists them as attributes all the same. They
 * are the ones whose field is private or protected: drop those attributes.
 */
function dropStateAttributes() {
  return {
    name: 'slotpull-drop-state-attributes',
    packageLinkPhase({ customElementsManifest }) {
      for (const mod of customElementsManifest.modules) {
        for (const declaration of mod.declarations ?? []) {
          if (declaration.attributes === undefined) continue;
          const hidden = new Set((declaration.members ?? []).filter((m) => m.privacy === 'private' || m.privacy === 'protected').map((m) => m.name));
          declaration.attributes = declaration.attributes.filter((a) => !hidden.has(a.fieldName ?? a.name));
        }
      }
    },
  };
}

export default {
  globs: [
    'elements/slot-image-pull-bar.ts',
    'elements/slot-error-banner.ts',
    'elements/slot-image-status.ts',
    'elements/slot-image-panel.ts',
    'elements/slot-element.ts',
    'elements/configure-server.ts',
    'elements/events/*.ts',
  ],
  outdir: '.',
  // package.json names the manifest itself ("customElements"); the analyzer must not rewrite it (the staleness test analyzes into a temp dir).
  packagejson: false,
  litelement: true,
  plugins: [defineElementCalls(), dropStateAttributes()],
};
