#!/usr/bin/env node
// `npm run build:cli`, also run by `prepare` (so by `npm install` and
// `npm ci`) and by `npm run build`: bundles the `watchfloor` CLI and the
// core's child process into plain JavaScript in out/cli/, so a run starts
// without compiling TypeScript. Packages in node_modules stay external
// (better-sqlite3 is native); the CLI's commands become chunks of their own,
// loaded only when run. The build lists every file it was made from with its
// modification time and size, taken before reading it, so bin/fresh-build.mjs
// can tell a stale build from a fresh one; then bin/watchfloor.mjs and the
// core's launcher run the sources through tsx instead.
//
//   node bin/build-cli.mjs [--out DIR] [--prepare]
//
// DIR must sit two levels below the root, as out/cli does. With --prepare
// (the `prepare` script) a failed build is a warning, not an error: an
// `npm install` in a tree with work in progress must still install, and the
// bin then runs the sources, as it does whenever the build is stale.
import { mkdirSync, renameSync, rmSync, statSync, readFileSync, writeFileSync } from 'node:fs'
import { extname, join, relative, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { BUILD_FORMAT, BUILD_INFO, packageRoot } from './fresh-build.mjs'

const outIndex = process.argv.indexOf('--out')
const out =
  outIndex > 0 && process.argv[outIndex + 1]
    ? resolve(process.argv[outIndex + 1])
    : join(packageRoot, 'out', 'cli')
const prepare = process.argv.includes('--prepare')

const loaders = /** @type {const} */ ({ '.ts': 'ts', '.mjs': 'js', '.js': 'js', '.json': 'json' })

/** @type {Map<string, [string, number, number]>} */
const inputs = new Map()
const self = fileURLToPath(import.meta.url)
const selfStat = statSync(self)
inputs.set(self, [relative(packageRoot, self), selfStat.mtimeMs, selfStat.size])

/** Reads each source itself, after noting its time and size (see above). */
const recordInputs = {
  name: 'record-inputs',
  /** @param {import('esbuild').PluginBuild} build */
  setup(build) {
    // Every file, so none escapes the record (packages are external).
    build.onLoad({ filter: /.*/, namespace: 'file' }, (args) => {
      const before = statSync(args.path)
      inputs.set(args.path, [relative(packageRoot, args.path), before.mtimeMs, before.size])
      const ext = /** @type {keyof typeof loaders} */ (extname(args.path))
      return { contents: readFileSync(args.path), loader: loaders[ext] ?? 'default' }
    })
  },
}

let esbuild
try {
  esbuild = await import('esbuild')
} catch (error) {
  // Not fatal: the bin then runs the sources through tsx, only slower.
  process.stderr.write(
    `watchfloor: could not load esbuild to build the CLI (${/** @type {Error} */ (error).message}); ` +
      'the CLI will run its TypeScript sources through tsx.\n',
  )
  process.exit(prepare ? 0 : 1)
}

/** @param {[string, number, number]} a @param {[string, number, number]} b */
const byFile = (a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)

const started = performance.now()
// Built beside its final place and swapped in, so a run never sees half a build.
const staging = `${out}.staging-${process.pid}`
rmSync(staging, { recursive: true, force: true })
mkdirSync(staging, { recursive: true })
try {
  await esbuild.build({
    absWorkingDir: packageRoot,
    entryPoints: {
      index: 'main/cli/index.ts',
      'core-process': 'main/core/core-process.ts',
      // The intelligence recompute's worker thread (main/intelligence/service.ts finds it here).
      'intel-worker': 'main/intelligence/worker.ts',
    },
    outdir: staging,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    // Node 20 for the CLI; Electron's Node is 22.
    target: 'node20',
    packages: 'external',
    sourcemap: 'linked',
    logLevel: 'warning',
    plugins: [recordInputs],
  })
  writeFileSync(
    join(staging, BUILD_INFO),
    `{"format": ${BUILD_FORMAT}, "inputs": [\n` +
      `${[...inputs.values()]
        .sort(byFile)
        .map((input) => JSON.stringify(input))
        .join(',\n')}\n]}\n`,
  )
  const old = `${out}.old-${process.pid}`
  try {
    renameSync(out, old)
  } catch {
    // No build yet.
  }
  try {
    renameSync(staging, out)
  } catch (error) {
    // Another build (a parallel `npm install`) took the place first: keep it.
    if (
      !['ENOTEMPTY', 'EEXIST'].includes(/** @type {NodeJS.ErrnoException} */ (error).code ?? '')
    ) {
      throw error
    }
    rmSync(staging, { recursive: true, force: true })
  }
  rmSync(old, { recursive: true, force: true })
} catch (error) {
  rmSync(staging, { recursive: true, force: true })
  // esbuild has printed what it could not compile; the stack adds nothing.
  const errors = /** @type {{ errors?: unknown[] }} */ (error).errors
  if (!Array.isArray(errors)) throw error
  process.stderr.write(
    `watchfloor: the CLI build failed (${errors.length} error${errors.length === 1 ? '' : 's'} above); ` +
      'the bin runs the TypeScript sources through tsx until `npm run build:cli` succeeds.\n',
  )
  process.exit(prepare ? 0 : 1)
}

process.stdout.write(
  `watchfloor: built the CLI and the core process into ${relative(packageRoot, out)}/ ` +
    `(${inputs.size} files, ${Math.round(performance.now() - started)} ms)\n`,
)
