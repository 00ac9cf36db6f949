#!/usr/bin/env node
// Electronegativity (Doyensec's Electron security linter) over the shell's
// sources: `npm run lint:electron`, part of `npm run lint` and so of
// `npm test` (issue 15, "Run an Electron security linter").
//
//   node bin/electronegativity.mjs [--json]
//
// It reads the TypeScript sources itself (its parser takes TypeScript), so a
// finding names our file and line. It scans what runs in Electron: the main
// process (main/index.ts, main/electron/), the preload, the page's HTML and
// the one CSP (shared/api/content-security.ts). The core under main/ never
// imports electron (an ESLint rule), so it has nothing to find there.
//
// Every finding fails the run, except:
// - checks switched off in OFF, each with its reason;
// - findings that Electronegativity itself marks "review required" (it cannot
//   decide them from the code) for the checks in REVIEWED, each with the
//   review's outcome and the test that pins it.
// A file it cannot parse fails the run too: an unscanned file finds nothing.
//
// Two things are kept offline: the AVAILABLE_SECURITY_FIXES check, which
// downloads Electron's release list (OFF), and its start-up fetch of
// translations from a remote bucket, which this runner answers locally with
// "not found" (the built-in English texts are used), so a run sends nothing.
import {
  cpSync,
  existsSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { dirname, join, relative, resolve } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')

/** What is scanned, relative to the package root (folders whole, tests left out). */
export const SCANNED = [
  'main/index.ts',
  'main/electron',
  'preload',
  'renderer/index.html',
  'shared/api/content-security.ts',
]

/** Checks switched off (their class names, as Electronegativity's -x option takes them), and why. */
export const OFF = Object.freeze({
  AvailableSecurityFixesGlobalCheck:
    'downloads the list of Electron releases on every run (no network in CI); the Electron version is pinned in package.json and upgraded through npm',
})

/** Review-required findings whose review is done: check id → outcome. */
export const REVIEWED = Object.freeze({
  PRELOAD_JS_CHECK:
    'the preload exposes one named function per contract method and nothing else: no generic invoke(channel), no file, shell or SQL pass-through (its unit test and the Electron suite read the exposed surface back)',
  OPEN_EXTERNAL_JS_CHECK:
    'every URL reaches shell.openExternal only through openExternal() in main/electron/security-policy.ts, which passes only what externalUrl() parses as http or https (hostile inputs pinned by its unit test)',
  CSP_GLOBAL_CHECK:
    "the one policy (shared/api/content-security.ts, scanned as the built page's <meta>) has no unsafe-eval and no unsafe-inline script; the evaluator's only remark, \"'self' can be problematic if you host JSONP, Angular or user uploaded files\", does not apply: 'self' serves only the built renderer's own files, none uploaded, no JSONP, no Angular",
})

/**
 * Findings the linter makes because it reads object literals only: each window's
 * webPreferences come from one function, secureWebPreferences() in
 * main/electron/security-policy.ts, which the linter does not follow. Accepted per
 * check and file, so the same check elsewhere still fails.
 */
export const NOT_FOLLOWED = Object.freeze([
  {
    checks: ['CONTEXT_ISOLATION_JS_CHECK', 'SANDBOX_JS_CHECK', 'AUXCLICK_JS_CHECK'],
    files: ['main/electron/window.ts'],
    reason:
      'webPreferences: secureWebPreferences(preload), whose contextIsolation and sandbox are true (pinned by its unit test and read back from the live window by the Electron suite); a middle click can open nothing, as setWindowOpenHandler denies every window',
  },
])

/**
 * @typedef {{ id: string, file: string, line: number, column: number, severity: string,
 *   confidence: string, manualReview: boolean, description: string, url: string }} Finding
 * @typedef {{ findings: Finding[], failing: Finding[], reviewed: Finding[],
 *   errors: { file: string, message: string, tolerable: boolean }[], files: number }} Scan
 */

/** Files under `from` (a file or folder) that are scanned: sources, not tests. */
function scannedFiles(/** @type {string} */ base, /** @type {string} */ entry) {
  const full = join(base, entry)
  if (!existsSync(full)) return []
  if (statSync(full).isFile()) return [entry]
  return readdirSync(full, { recursive: true, encoding: 'utf8' })
    .map((name) => join(entry, name))
    .filter(
      (name) =>
        /\.(ts|tsx|js|mjs|cjs|html)$/.test(name) &&
        !/\.(test|spec)\.[a-z]+$/.test(name) &&
        statSync(join(base, name)).isFile(),
    )
}

/**
 * Runs Electronegativity over `scanned` (paths relative to `base`).
 * @param {{ base?: string, scanned?: string[], off?: Record<string, string>, reviewed?: Record<string, string>,
 *   notFollowed?: readonly { checks: string[], files: string[], reason: string }[] }} [options]
 * @returns {Promise<Scan>}
 */
export async function scan(options = {}) {
  const base = options.base ?? root
  const off = options.off ?? OFF
  const reviewed = options.reviewed ?? REVIEWED
  const notFollowed = options.notFollowed ?? NOT_FOLLOWED
  const require = createRequire(join(root, 'package.json'))
  const runnerPath = require.resolve('@doyensec/electronegativity')
  // Its translations fetch, answered here: "not found", so the built-in English is used.
  const own = createRequire(join(dirname(runnerPath), 'locales', 'i18n.js'))
  const gotPath = own.resolve('got')
  if (!require.cache[gotPath]) {
    const offline = () => Promise.resolve({ statusCode: 404, body: '' })
    require.cache[gotPath] = /** @type {NodeJS.Module} */ (
      /** @type {unknown} */ ({ id: gotPath, filename: gotPath, loaded: true, exports: offline })
    )
    own.cache[gotPath] = require.cache[gotPath]
  }
  const run =
    /** @type {(options: object) => Promise<{ issues: unknown[], errors: { file: string, message: string, tolerable: boolean }[] }>} */ (
      require(runnerPath)
    )
  const electron = /** @type {{ version: string }} */ (
    JSON.parse(readFileSync(join(root, 'node_modules', 'electron', 'package.json'), 'utf8'))
  ).version

  // A copy of just what is scanned, at the same relative paths, so findings name our files.
  const work = mkdtempSync(join(tmpdir(), 'watchfloor-electronegativity-'))
  try {
    const files = (options.scanned ?? SCANNED).flatMap((entry) => scannedFiles(base, entry))
    for (const file of files) cpSync(join(base, file), join(work, file))
    // The page's <meta> policy is filled in at build (renderer/vite.config.ts): scan it filled.
    const page = join(work, 'renderer', 'index.html')
    if (existsSync(page)) {
      const { tsImport } = await import('tsx/esm/api')
      const { contentSecurityPolicy } =
        /** @type {{ contentSecurityPolicy: (o: { meta: boolean }) => string }} */ (
          await tsImport(
            pathToFileURL(join(base, 'shared', 'api', 'content-security.ts')).href,
            import.meta.url,
          )
        )
      writeFileSync(
        page,
        readFileSync(page, 'utf8').replace(
          '%WATCHFLOOR_CSP%',
          contentSecurityPolicy({ meta: true }),
        ),
      )
    }
    const result = await run({
      input: work,
      isRelative: true,
      electronVersionOverride: electron,
      excludeFromScan: Object.keys(off),
    })
    const findings = result.issues.map((raw) => {
      const issue =
        /** @type {{ id: string, file: string, location: { line: number, column: number },
        severity: { name: string }, confidence: { name: string }, manualReview: boolean,
        description: string, shortenedURL: string }} */ (raw)
      return {
        id: issue.id,
        file: issue.file.split('\\').join('/'),
        line: issue.location.line,
        column: issue.location.column,
        severity: issue.severity.name,
        confidence: issue.confidence.name,
        manualReview: Boolean(issue.manualReview),
        description: issue.description,
        url: issue.shortenedURL,
      }
    })
    const isReviewed = (/** @type {Finding} */ finding) =>
      (finding.manualReview && Object.hasOwn(reviewed, finding.id)) ||
      notFollowed.some(
        (entry) => entry.checks.includes(finding.id) && entry.files.includes(finding.file),
      )
    return {
      findings,
      failing: findings.filter((finding) => !isReviewed(finding)),
      reviewed: findings.filter(isReviewed),
      errors: result.errors.map((error) => ({
        ...error,
        file: relative(work, resolve(work, error.file)).split('\\').join('/'),
      })),
      files: files.length,
    }
  } finally {
    rmSync(work, { recursive: true, force: true })
  }
}

/** One line per finding. */
export const describe = (/** @type {Finding} */ finding) =>
  `${finding.file}:${finding.line}:${finding.column}  ${finding.id} (${finding.severity}, ${finding.confidence}${finding.manualReview ? ', review required' : ''})  ${finding.description}  ${finding.url}`

if (process.argv[1] && fileURLToPath(import.meta.url) === resolve(process.argv[1])) {
  const result = await scan()
  if (process.argv.includes('--json')) {
    process.stdout.write(`${JSON.stringify(result, null, 2)}\n`)
  } else {
    for (const finding of result.reviewed) process.stdout.write(`accepted  ${describe(finding)}\n`)
    for (const finding of result.failing) process.stdout.write(`FINDING   ${describe(finding)}\n`)
    for (const error of result.errors) {
      process.stdout.write(
        `${error.tolerable ? 'warning' : 'UNPARSED'}  ${error.file}: ${error.message}\n`,
      )
    }
  }
  const unparsed = result.errors.filter((error) => !error.tolerable)
  const ok = result.failing.length === 0 && unparsed.length === 0
  process.stdout.write(
    `electronegativity: ${result.files} files, ${result.failing.length} finding${result.failing.length === 1 ? '' : 's'}, ` +
      `${result.reviewed.length} accepted (reviewed, see bin/electronegativity.mjs), ${unparsed.length} unparsed; checks off: ${Object.keys(OFF).join(', ')}` +
      `${ok ? '' : ' — FAILED'}\n`,
  )
  process.exit(ok ? 0 : 1)
}
