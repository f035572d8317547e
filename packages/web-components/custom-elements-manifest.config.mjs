// Configuration of `cem analyze` (@custom-elements-manifest/analyzer), run by scripts/build.mjs.
// The classes sit in `*.component.ts` without side effects and `<name>.ts` registers each one with
// `MinimeetElement.define('minimeet-<name>')`, a call the analyzer does not know; the plugin below
// reads those calls so that every class in the manifest carries its tag name.

/** @type {Map<string, { tag: string, className: string, module: string }>} */
const definitions = new Map();

/** Links each class to the tag its registration module defines with `<Class>.define('tag')`. */
function minimeetDefinePlugin() {
  return {
    name: 'minimeet-define',
    analyzePhase({ ts, node, moduleDoc }) {
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
  plugins: [minimeetDefinePlugin()],
};
