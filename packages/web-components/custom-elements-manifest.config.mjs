// Configuration of `cem analyze` (@custom-elements-manifest/analyzer), run by scripts/build.mjs.
// The classes sit in `*.component.ts` without side effects and `<name>.ts` registers each one with
// `MinimeetElement.define('minimeet-<name>')`, a call the analyzer does not know; the plugin below
// reads those calls so that every class in the manifest carries its tag name, and keeps each
// class's entry to its public API (see `keepPublicApi`).

/** @type {Map<string, { tag: string, className: string, module: string }>} */
const definitions = new Map();

/**
 * Per class, the names in its `static properties` declared `{ state: true }`: Lit's internal
 * reactive state, never an attribute. The analyzer's Lit plugin reads every entry there as a public
 * property with an attribute, so it would publish them (and the React wrappers would follow).
 * @type {Map<string, Set<string>>}
 */
const internalState = new Map();

/** Records the `{ state: true }` entries of a class's `static properties = { … }`. */
function collectState(ts, node) {
  if (!ts.isClassDeclaration(node) || !node.name) return;
  for (const member of node.members) {
    const isStatic = member.modifiers?.some((m) => m.kind === ts.SyntaxKind.StaticKeyword);
    if (!isStatic || !ts.isPropertyDeclaration(member) || member.name.getText() !== 'properties')
      continue;
    const value = member.initializer;
    if (!value || !ts.isObjectLiteralExpression(value)) continue;
    for (const property of value.properties) {
      if (!ts.isPropertyAssignment(property)) continue;
      const options = property.initializer;
      const isState =
        ts.isObjectLiteralExpression(options) &&
        options.properties.some(
          (option) =>
            ts.isPropertyAssignment(option) &&
            option.name.getText() === 'state' &&
            option.initializer.kind === ts.SyntaxKind.TrueKeyword,
        );
      if (!isState) continue;
      const names = internalState.get(node.name.text) ?? new Set();
      names.add(property.name.getText());
      internalState.set(node.name.text, names);
    }
  }
}

/**
 * Keeps only the public API in a class's entry: no private, protected or `{ state: true }` member,
 * and no attribute for one.
 */
function keepPublicApi(declaration) {
  if (declaration.kind !== 'class') return;
  const state = internalState.get(declaration.name) ?? new Set();
  const hidden = new Set(
    (declaration.members ?? [])
      .filter((m) => m.privacy === 'private' || m.privacy === 'protected' || state.has(m.name))
      .map((m) => m.name),
  );
  for (const name of state) hidden.add(name);
  if (declaration.members)
    declaration.members = declaration.members.filter((m) => !hidden.has(m.name));
  if (declaration.attributes) {
    declaration.attributes = declaration.attributes.filter((a) => !hidden.has(a.fieldName));
    if (declaration.attributes.length === 0) delete declaration.attributes;
  }
}

/** Links each class to the tag its registration module defines with `<Class>.define('tag')`. */
function minimeetPlugin() {
  return {
    name: 'minimeet',
    analyzePhase({ ts, node, moduleDoc }) {
      collectState(ts, node);
      if (!ts.isCallExpression(node)) return;
      const callee = node.expression;
      const [first] = node.arguments;
      if (
        !ts.isPropertyAccessExpression(callee) ||
        callee.name.text !== 'define' ||
        !ts.isIdentifier(callee.expression) ||
        !first ||
        !ts.isStringLiteral(first)
      )
        return;
      definitions.set(first.text, {
        tag: first.text,
        className: callee.expression.text,
        module: moduleDoc.path,
      });
    },
    packageLinkPhase({ customElementsManifest }) {
      const modules = customElementsManifest.modules;
      const tags = new Set(definitions.keys());
      // The base class's own `customElements.define(name, …)` and `new CustomEvent(name, …)` take
      // their names as arguments; the analyzer reads them as a tag and an event called `name`.
      for (const candidate of modules) {
        candidate.exports = candidate.exports?.filter(
          (e) => e.kind !== 'custom-element-definition' || tags.has(e.name),
        );
        for (const declaration of candidate.declarations ?? []) {
          keepPublicApi(declaration);
          if (declaration.events) {
            declaration.events = declaration.events.filter((e) => e.name?.startsWith('minimeet-'));
            if (declaration.events.length === 0) delete declaration.events;
          }
          if (declaration.customElement && !declaration.tagName) delete declaration.customElement;
        }
      }
      for (const { tag, className, module } of definitions.values()) {
        const home = modules.find((candidate) =>
          candidate.declarations?.some((d) => d.kind === 'class' && d.name === className),
        );
        if (!home) throw new Error(`cem: ${module} defines <${tag}> with ${className}, not found.`);
        const declaration = home.declarations.find((d) => d.name === className);
        declaration.tagName = tag;
        declaration.customElement = true;
        const registration = modules.find((candidate) => candidate.path === module);
        registration.exports ??= [];
        registration.exports.push({
          kind: 'custom-element-definition',
          name: tag,
          declaration: { name: className, module: home.path },
        });
      }
    },
  };
}

export default {
  globs: ['src/**/*.ts'],
  exclude: ['src/**/*.test.ts', 'src/test/**', 'src/react/**'],
  outdir: '.',
  litelement: true,
  packagejson: false,
  plugins: [minimeetPlugin()],
};
