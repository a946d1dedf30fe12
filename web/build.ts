import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';

const HERE = path.dirname(fileURLToPath(import.meta.url));

/** Each page: its HTML template in src/ and the script it loads. */
const PAGES = [
  { name: 'seatmap', html: 'index.html', entry: 'src/seatmap/main.ts' },
  { name: 'graphiql', html: 'graphiql.html', entry: 'src/graphiql/main.ts' },
];

/**
 * Bundles the browser pages into `outdir` (default web/dist): HTML pages at
 * the top, scripts and styles in assets/ with a content hash in their names,
 * so the server may cache them for good. Nothing is loaded from elsewhere:
 * fonts and icons end up inside the bundles.
 */
export async function buildWeb(outdir = path.join(HERE, 'dist')): Promise<{ outdir: string; files: Record<string, number> }> {
  await rm(outdir, { recursive: true, force: true });
  await mkdir(path.join(outdir, 'assets'), { recursive: true });
  const result = await esbuild.build({
    absWorkingDir: HERE,
    entryPoints: Object.fromEntries(PAGES.map((p) => [p.name, p.entry])),
    outdir: path.join(outdir, 'assets'),
    entryNames: '[name]-[hash]',
    chunkNames: 'chunk-[hash]',
    assetNames: '[name]-[hash]',
    bundle: true,
    splitting: true,
    format: 'esm',
    target: ['es2022', 'chrome110', 'firefox110', 'safari16'],
    minify: true,
    sourcemap: 'linked',
    metafile: true,
    legalComments: 'eof',
    define: { 'process.env.NODE_ENV': '"production"' },
    loader: { '.woff2': 'dataurl', '.woff': 'dataurl', '.ttf': 'dataurl', '.svg': 'dataurl', '.png': 'dataurl' },
    logLevel: 'warning',
  });

  const files: Record<string, number> = {};
  for (const page of PAGES) {
    const [file, output] = Object.entries(result.metafile.outputs).find(([, o]) => o.entryPoint === page.entry) ?? [];
    if (!file || !output) throw new Error(`esbuild produced no output for ${page.entry}`);
    const href = (f: string) => `/assets/${path.basename(f)}`;
    const template = await readFile(path.join(HERE, 'src', page.html), 'utf8');
    const html = template
      .replace('<!-- styles -->', output.cssBundle ? `<link rel="stylesheet" href="${href(output.cssBundle)}">` : '')
      .replace('<!-- script -->', `<script type="module" src="${href(file)}"></script>`);
    await writeFile(path.join(outdir, page.html), html);
  }
  for (const [file, output] of Object.entries(result.metafile.outputs)) {
    if (!file.endsWith('.map')) files[path.relative(outdir, path.resolve(HERE, file))] = output.bytes;
  }
  return { outdir, files };
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const started = Date.now();
  const { outdir, files } = await buildWeb();
  const kib = (n: number) => `${(n / 1024).toFixed(1)} KiB`;
  const total = Object.values(files).reduce((a, b) => a + b, 0);
  console.log(`web: ${Object.keys(files).length} files, ${kib(total)}, in ${path.relative(process.cwd(), outdir) || '.'} (${Date.now() - started} ms)`);
  for (const [file, bytes] of Object.entries(files)) if (!path.basename(file).startsWith('chunk-')) console.log(`  ${file.padEnd(36)} ${kib(bytes)}`);
}
