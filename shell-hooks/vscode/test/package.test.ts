// The .vsix packaging: a valid ZIP (read back here by an independent reader that checks
// sizes and CRCs) holding the manifest, content types, package.json, README and the
// compiled extension, and nothing from the tests or the packaging scripts.

import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as zlib from 'node:zlib';

import { buildVsix, contentTypes } from '../scripts/package';
import { crc32, zip } from '../scripts/zip';
import { tempDir } from './helpers';

const ROOT = path.join(__dirname, '..', '..');

/** Reads a ZIP through its central directory, inflating each entry and checking its CRC. */
function unzip(archive: Buffer): Map<string, Buffer> {
  const eocd = archive.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  assert.ok(eocd >= 0, 'end of central directory record');
  const count = archive.readUInt16LE(eocd + 10);
  let at = archive.readUInt32LE(eocd + 16);
  const files = new Map<string, Buffer>();
  for (let i = 0; i < count; i++) {
    assert.equal(archive.readUInt32LE(at), 0x02014b50, 'central directory header');
    const method = archive.readUInt16LE(at + 10);
    const crc = archive.readUInt32LE(at + 16);
    const packed = archive.readUInt32LE(at + 20);
    const size = archive.readUInt32LE(at + 24);
    const nameLength = archive.readUInt16LE(at + 28);
    const extra = archive.readUInt16LE(at + 30);
    const comment = archive.readUInt16LE(at + 32);
    const local = archive.readUInt32LE(at + 42);
    const name = archive.subarray(at + 46, at + 46 + nameLength).toString('utf8');
    assert.equal(archive.readUInt32LE(local), 0x04034b50, `local header of ${name}`);
    const dataAt = local + 30 + archive.readUInt16LE(local + 26) + archive.readUInt16LE(local + 28);
    const body = archive.subarray(dataAt, dataAt + packed);
    const data = method === 8 ? zlib.inflateRawSync(body) : Buffer.from(body);
    assert.ok(method === 0 || method === 8, `method of ${name}`);
    assert.equal(data.length, size, `size of ${name}`);
    assert.equal(crc32(data), crc, `crc of ${name}`);
    files.set(name, data);
    at += 46 + nameLength + extra + comment;
  }
  return files;
}

test('crc32 matches the standard check value', () => {
  assert.equal(crc32(Buffer.from('123456789')), 0xcbf43926);
  assert.equal(crc32(Buffer.alloc(0)), 0);
});

test('zip stores what does not compress and deflates what does', () => {
  const text = Buffer.from('worthit '.repeat(500));
  const random = Buffer.from(Array.from({ length: 64 }, (_, i) => (i * 151 + 7) & 0xff));
  const files = unzip(zip([
    { name: 'a.txt', data: text },
    { name: 'dir/ünï.bin', data: random },
    { name: 'empty', data: Buffer.alloc(0) },
  ]));
  assert.deepEqual([...files.keys()], ['a.txt', 'dir/ünï.bin', 'empty']);
  assert.ok(files.get('a.txt')?.equals(text));
  assert.ok(files.get('dir/ünï.bin')?.equals(random));
  assert.equal(files.get('empty')?.length, 0);
  assert.throws(() => zip([{ name: 'x', data: text }, { name: 'x', data: text }]), /duplicate zip entry x/);
});

test('the .vsix holds the manifest, content types and the compiled extension only', () => {
  const out = path.join(tempDir(), 'worthit.vsix');
  buildVsix(ROOT, out);
  const files = unzip(fs.readFileSync(out));
  const names = [...files.keys()];
  assert.equal(names[0], '[Content_Types].xml');
  assert.ok(names.includes('extension.vsixmanifest'));
  assert.ok(names.includes('extension/package.json'));
  assert.ok(names.includes('extension/README.md'));
  const compiled = names.filter((n) => n.startsWith('extension/out/'));
  assert.deepEqual(compiled, fs.readdirSync(path.join(ROOT, 'out', 'src')).filter((f) => f.endsWith('.js')).sort().map((f) => `extension/out/src/${f}`));
  assert.ok(names.every((n) => !n.includes('test') && !n.includes('scripts') && !n.includes('node_modules')), names.join(', '));

  const manifest = JSON.parse(files.get('extension/package.json')?.toString('utf8') ?? '{}');
  assert.equal(manifest.main, './out/src/extension.js');
  assert.ok(names.includes(`extension/${manifest.main.replace(/^\.\//, '')}`));
  assert.deepEqual(manifest.dependencies ?? {}, {}, 'no runtime dependencies');

  const vsixManifest = files.get('extension.vsixmanifest')?.toString('utf8') ?? '';
  assert.match(vsixManifest, /<Identity Language="en-US" Id="worthit" Version="0\.1\.0" Publisher="worthit"\/>/);
  assert.match(vsixManifest, /Id="Microsoft\.VisualStudio\.Code\.Engine" Value="\^1\.93\.0"/);
  assert.match(vsixManifest, /Type="Microsoft\.VisualStudio\.Code\.Manifest" Path="extension\/package\.json"/);

  const types = files.get('[Content_Types].xml')?.toString('utf8') ?? '';
  for (const ext of ['.js', '.json', '.md', '.vsixmanifest']) {
    assert.ok(types.includes(`Extension="${ext}"`), `content type for ${ext}`);
  }
});

test('content types cover every extension once, unknown ones as octet streams', () => {
  const xml = contentTypes(['a/b.js', 'c.js', 'd.wasm', 'extension.vsixmanifest', 'LICENSE']);
  assert.equal(xml.match(/Extension="\.js"/g)?.length, 1);
  assert.match(xml, /Extension="\.wasm" ContentType="application\/octet-stream"/);
  assert.match(xml, /Extension="\.vsixmanifest" ContentType="text\/xml"/);
});
