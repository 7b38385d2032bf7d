// `npm run package`: builds worthit.vsix, the file `code --install-extension` takes. A
// .vsix is a ZIP holding extension.vsixmanifest, [Content_Types].xml and the extension
// under extension/ (package.json, README.md, the compiled out/src). Written here with
// node's zlib rather than vsce so packaging needs no network and no extra dependency.

import * as fs from 'node:fs';
import * as path from 'node:path';

import { zip, type ZipEntry } from './zip';

interface Manifest {
  name: string;
  displayName?: string;
  description?: string;
  version: string;
  publisher: string;
  license?: string;
  engines: { vscode: string };
  extensionKind?: string[];
  categories?: string[];
}

const CONTENT_TYPES: Record<string, string> = {
  '.json': 'application/json',
  '.js': 'application/javascript',
  '.md': 'text/markdown',
  '.vsixmanifest': 'text/xml',
};

/** The files of the package, in archive order. */
export function vsixEntries(root: string): ZipEntry[] {
  const packageJson = fs.readFileSync(path.join(root, 'package.json'));
  const manifest = JSON.parse(packageJson.toString('utf8')) as Manifest;
  const files: ZipEntry[] = [
    { name: 'extension/package.json', data: packageJson },
    { name: 'extension/README.md', data: fs.readFileSync(path.join(root, 'README.md')) },
  ];
  const compiled = path.join(root, 'out', 'src');
  const scripts = fs.readdirSync(compiled).filter((f) => f.endsWith('.js')).sort();
  if (!scripts.includes('extension.js')) {
    throw new Error(`${compiled} has no extension.js: run the build first`);
  }
  for (const file of scripts) {
    files.push({ name: `extension/out/src/${file}`, data: fs.readFileSync(path.join(compiled, file)) });
  }
  const entries: ZipEntry[] = [
    { name: 'extension.vsixmanifest', data: Buffer.from(vsixManifest(manifest), 'utf8') },
    ...files,
  ];
  entries.unshift({ name: '[Content_Types].xml', data: Buffer.from(contentTypes(entries.map((e) => e.name)), 'utf8') });
  return entries;
}

/** extension.vsixmanifest: identity, engine and the asset list VS Code reads. */
export function vsixManifest(m: Manifest): string {
  const properties: Array<[string, string]> = [
    ['Microsoft.VisualStudio.Code.Engine', m.engines.vscode],
    ['Microsoft.VisualStudio.Code.ExtensionDependencies', ''],
    ['Microsoft.VisualStudio.Code.ExtensionPack', ''],
    ['Microsoft.VisualStudio.Code.ExtensionKind', (m.extensionKind ?? ['workspace']).join(',')],
    ['Microsoft.VisualStudio.Code.LocalizedLanguages', ''],
    ['Microsoft.VisualStudio.Services.GitHubFlavoredMarkdown', 'true'],
  ];
  return [
    '<?xml version="1.0" encoding="utf-8"?>',
    '<PackageManifest Version="2.0.0" xmlns="http://schemas.microsoft.com/developer/vsx-schema/2011" xmlns:d="http://schemas.microsoft.com/developer/vsx-schema-design/2011">',
    '  <Metadata>',
    `    <Identity Language="en-US" Id="${xml(m.name)}" Version="${xml(m.version)}" Publisher="${xml(m.publisher)}"/>`,
    `    <DisplayName>${xml(m.displayName ?? m.name)}</DisplayName>`,
    `    <Description xml:space="preserve">${xml(m.description ?? '')}</Description>`,
    '    <Tags></Tags>',
    `    <Categories>${xml((m.categories ?? ['Other']).join(','))}</Categories>`,
    '    <GalleryFlags>Public</GalleryFlags>',
    '    <Properties>',
    ...properties.map(([id, value]) => `      <Property Id="${xml(id)}" Value="${xml(value)}" />`),
    '    </Properties>',
    '  </Metadata>',
    '  <Installation>',
    '    <InstallationTarget Id="Microsoft.VisualStudio.Code"/>',
    '  </Installation>',
    '  <Dependencies/>',
    '  <Assets>',
    '    <Asset Type="Microsoft.VisualStudio.Code.Manifest" Path="extension/package.json" Addressable="true" />',
    '    <Asset Type="Microsoft.VisualStudio.Services.Content.Details" Path="extension/README.md" Addressable="true" />',
    '  </Assets>',
    '</PackageManifest>',
    '',
  ].join('\n');
}

/** [Content_Types].xml: one Default per file extension in the package. */
export function contentTypes(names: readonly string[]): string {
  const extensions = [...new Set(names.map((n) => path.posix.extname(n).toLowerCase()))].filter((e) => e !== '').sort();
  const defaults = extensions.map(
    (ext) => `  <Default Extension="${xml(ext)}" ContentType="${xml(CONTENT_TYPES[ext] ?? 'application/octet-stream')}"/>`,
  );
  return [
    '<?xml version="1.0" encoding="utf-8"?>',
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">',
    ...defaults,
    '</Types>',
    '',
  ].join('\n');
}

function xml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');
}

/** Writes the .vsix to `out` and returns its path. */
export function buildVsix(root: string, out: string): string {
  fs.writeFileSync(out, zip(vsixEntries(root)));
  return out;
}

if (require.main === module) {
  const root = path.resolve(__dirname, '..', '..');
  const out = path.resolve(process.argv[2] ?? path.join(root, 'worthit.vsix'));
  try {
    buildVsix(root, out);
    console.log(`wrote ${out}`);
  } catch (err) {
    console.error(`could not build the .vsix: ${err instanceof Error ? err.message : String(err)}`);
    process.exitCode = 1;
  }
}
