import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// The package as a consumer sees it after the build (the root `npm test` builds first): every
// element found by the file convention (`src/<name>/<name>.ts` beside `<name>.component.ts`) must
// be reachable through `exports`, kept by `sideEffects`, described in the manifest, wrapped for
// React and shipped as a browser module, without anyone listing it anywhere.

const root = fileURLToPath(new URL('..', import.meta.url));
const read = (path: string) => readFileSync(`${root}/${path}`, 'utf8');

interface PackageJson {
  exports: Record<string, string | Record<string, string>>;
  sideEffects: string[];
  customElements: string;
  files: string[];
  peerDependencies: Record<string, string>;
}
const pkg = JSON.parse(read('package.json')) as PackageJson;

interface Member {
  kind: string;
  name: string;
  privacy?: string;
  static?: boolean;
  description?: string;
  inheritedFrom?: { name: string };
}
interface Declaration {
  kind: string;
  name: string;
  tagName?: string;
  customElement?: boolean;
  events?: { name: string }[];
  members?: Member[];
  attributes?: { name: string; fieldName?: string; description?: string }[];
}
interface Manifest {
  modules: { path: string; declarations?: Declaration[] }[];
}

const docs = readFileSync(`${root}/../../docs/web-components.md`, 'utf8');

/** The part of the guide under the heading that names `title`, down to the next heading as high. */
function docsSection(title: string): string {
  const lines = docs.split('\n');
  const start = lines.findIndex((line) => /^#{2,4} /.test(line) && line.includes(title));
  if (start < 0) return '';
  const level = /^#+/.exec(lines[start])![0].length;
  const end = lines.findIndex((line, i) => i > start && new RegExp(`^#{1,${level}} `).test(line));
  return lines.slice(start, end < 0 ? undefined : end).join('\n');
}

/** What a component's source keeps to itself: `{ state: true }` properties and private members. */
function internalNames(source: string): Set<string> {
  const names = new Set<string>();
  for (const m of source.matchAll(/^\s+(\w+): \{ state: true \}/gm)) names.add(m[1]);
  for (const m of source.matchAll(
    /^\s+(?:declare )?(?:private|protected)\b(?: (?:readonly|override|static|async|get|set|declare))* #?(\w+)/gm,
  ))
    names.add(m[1]);
  return names;
}

/** The elements by convention, read the way scripts/elements.mjs does. */
const elements = readdirNames('src')
  .filter((name) => existsSync(`${root}/src/${name}/${name}.ts`))
  .filter((name) => existsSync(`${root}/src/${name}/${name}.component.ts`))
  .map((name) => ({ name, tag: `minimeet-${name}` }));

function readdirNames(path: string): string[] {
  return readdirSync(`${root}/${path}`, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name);
}

/** Resolves a subpath through `exports` as Node does, for the `types` or `import` condition. */
function resolveExport(subpath: string, condition: 'types' | 'import'): string | undefined {
  const pick = (target: string | Record<string, string>) =>
    typeof target === 'string' ? target : target[condition];
  const exact = pkg.exports[subpath];
  if (exact) return pick(exact);
  for (const [key, target] of Object.entries(pkg.exports)) {
    const star = key.indexOf('*');
    if (star < 0) continue;
    const [before, after] = [key.slice(0, star), key.slice(star + 1)];
    if (!subpath.startsWith(before) || !subpath.endsWith(after)) continue;
    const match = subpath.slice(before.length, subpath.length - after.length);
    return pick(target)?.replaceAll('*', match);
  }
  return undefined;
}

/** Whether a `sideEffects` glob (`*` within a folder, `**` across folders) covers `path`. */
function coveredBySideEffects(path: string): boolean {
  return pkg.sideEffects.some((glob) => {
    const pattern = glob
      .replace(/[.+?^${}()|[\]\\]/g, '\\$&')
      .replace(/\*\*/g, '<any>')
      .replace(/\*/g, '[^/]*')
      .replace(/<any>/g, '.*');
    return new RegExp(`^${pattern}$`).test(path);
  });
}

describe('@minimeet/web-components as packaged', () => {
  it('finds at least the connection status by its file convention', () => {
    expect(elements.map((e) => e.tag)).toContain('minimeet-connection-status');
  });

  it.each(elements)('exports the registration module of <$tag> with its types', ({ name }) => {
    const js = resolveExport(`./${name}.js`, 'import');
    const types = resolveExport(`./${name}.js`, 'types');
    expect(js).toBe(`./dist/${name}/${name}.js`);
    expect(existsSync(`${root}/${js}`)).toBe(true);
    expect(existsSync(`${root}/${types}`)).toBe(true);
    expect(coveredBySideEffects(js!)).toBe(true);
  });

  it('lists `types` first in every conditional export', () => {
    for (const target of Object.values(pkg.exports)) {
      if (typeof target !== 'string') expect(Object.keys(target)[0]).toBe('types');
    }
  });

  it('keeps the classes free of side effects and the registrations marked as such', () => {
    expect(coveredBySideEffects('./dist/index.js')).toBe(false);
    expect(coveredBySideEffects('./dist/minimeet-elements.js')).toBe(true);
    expect(coveredBySideEffects('./dist/browser/chunks/chunk-X.js')).toBe(true);
  });

  it('registers every element from minimeet-elements.ts', () => {
    const source = read('src/minimeet-elements.ts');
    for (const { name } of elements) expect(source).toContain(`'./${name}/${name}.js'`);
  });

  it('describes every element in custom-elements.json with its tag and minimeet- events', () => {
    expect(pkg.customElements).toBe('./custom-elements.json');
    expect(pkg.files).toContain('custom-elements.json');
    const manifest = JSON.parse(read('custom-elements.json')) as Manifest;
    const declarations = manifest.modules.flatMap((m) => m.declarations ?? []);
    const tagged = declarations.filter((d) => d.customElement);
    expect(tagged.map((d) => d.tagName).sort()).toEqual(elements.map((e) => e.tag).sort());
    for (const declaration of tagged) {
      for (const event of declaration.events ?? []) expect(event.name).toMatch(/^minimeet-/);
    }
  });

  it('lists only the public API of each element in the manifest, each member described and documented', () => {
    const manifest = JSON.parse(read('custom-elements.json')) as Manifest;
    const common = docsSection('Common to every element');
    expect(common).not.toBe('');
    const tagged = manifest.modules.flatMap((module) =>
      (module.declarations ?? [])
        .filter((d) => d.customElement)
        .map((declaration) => ({ declaration, path: module.path })),
    );
    expect(tagged.length).toBe(elements.length);
    for (const { declaration, path } of tagged) {
      const tag = declaration.tagName!;
      const internal = internalNames(read(path));
      const section = docsSection(`\`<${tag}>\``);
      expect(section, `docs/web-components.md has a section on <${tag}>`).not.toBe('');
      const members = declaration.members ?? [];
      for (const member of members) {
        const where = `<${tag}>.${member.name}`;
        expect(member.privacy ?? 'public', where).toBe('public');
        expect(internal.has(member.name), `${where} is internal state`).toBe(false);
        expect(member.name, where).not.toMatch(/^[_#]/);
        expect(member.description?.trim(), `${where} has TSDoc`).toBeTruthy();
        const text = member.inheritedFrom ? `${section}\n${common}` : section;
        expect(text, `${where} is in the element's docs`).toContain(`\`${member.name}`);
      }
      for (const attribute of declaration.attributes ?? []) {
        const where = `<${tag} ${attribute.name}>`;
        expect(
          members.some((m) => m.name === attribute.fieldName),
          `${where} belongs to a public property`,
        ).toBe(true);
        expect(attribute.description?.trim(), `${where} has TSDoc`).toBeTruthy();
        expect(`${section}\n${common}`, `${where} is in the docs`).toContain(
          `\`${attribute.name}\``,
        );
      }
    }
  });

  it('wraps every element for React, with an onMinimeet… prop per event', () => {
    expect(resolveExport('./react', 'import')).toBe('./dist/react/index.js');
    expect(pkg.peerDependencies.react).toBeDefined();
    const types = read('dist/react/index.d.ts');
    const manifest = JSON.parse(read('custom-elements.json')) as Manifest;
    for (const declaration of manifest.modules.flatMap((m) => m.declarations ?? [])) {
      if (!declaration.customElement) continue;
      expect(types).toContain(`declare const ${declaration.name}: `);
      for (const event of declaration.events ?? []) {
        const prop = `on${event.name.replace(/(^|-)([a-z0-9])/g, (_, _d, c: string) => c.toUpperCase())}`;
        expect(types).toContain(`${prop}: EventName<GlobalEventHandlersEventMap["${event.name}"]>`);
      }
    }
    // The event map the wrappers' types index comes with them.
    expect(types).toMatch(/export \{[^}]*Event[^}]*\} from/);
  });

  it.each(elements)('ships a self-contained browser module for <$tag>', ({ tag }) => {
    const file = `${root}/dist/browser/${tag}.js`;
    expect(existsSync(file)).toBe(true);
    // Only relative imports (its chunks): no bare specifier a browser could not resolve.
    const imports = [...readFileSync(file, 'utf8').matchAll(/from\s*"([^"]+)"/g)].map((m) => m[1]);
    for (const specifier of imports) expect(specifier).toMatch(/^\.\.?\//);
  });

  it('keeps the element pack within its size budget on top of the SDK', () => {
    const result = spawnSync(process.execPath, ['scripts/size.mjs'], {
      cwd: root,
      encoding: 'utf8',
    });
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/every element on top of the SDK: [\d.]+ KiB gzipped/);
  });
});
