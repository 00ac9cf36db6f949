// Whether the built CLI and core (out/cli/, made by bin/build-cli.mjs on
// `npm install`) may run, or are stale and the TypeScript sources must run
// through tsx instead. The build records the modification time and size of
// every file it was made from, taken before reading it; a run stats those
// files again (about a hundred stats, a few milliseconds) and refuses the
// build if any differs or is gone. So an edited, checked-out or deleted source
// file is never answered by JavaScript built from its old text. A new file
// can only matter through an edit to a file that imports it, which is seen.
import { readFileSync, statSync } from 'node:fs'
import { dirname, join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'

/** The repository / package root. */
export const packageRoot = join(dirname(fileURLToPath(import.meta.url)), '..')

/**
 * Where the build lives (default out/cli/). It must sit two levels below the
 * package root, as main/cli/ does: the code finds package.json and the
 * renderer from its own place. Tests point this at a build of their own.
 */
export const BUILD_DIR_ENV = 'WATCHFLOOR_BUILD_DIR'

/** The file in the build that lists its inputs. */
export const BUILD_INFO = 'build-info.json'

/** Bumped when the build's layout changes, so an older build is not used. */
export const BUILD_FORMAT = 1

/** @returns {string} */
export function buildDir(root = packageRoot) {
  return process.env[BUILD_DIR_ENV] || join(root, 'out', 'cli')
}

/**
 * @param {string} [root]
 * @returns {{ dir: string } | { stale: string }}
 */
export function freshBuild(root = packageRoot) {
  const dir = buildDir(root)
  /** @type {unknown} */
  let info
  try {
    info = JSON.parse(readFileSync(join(dir, BUILD_INFO), 'utf8'))
  } catch {
    return { stale: `there is no build in ${relative(root, dir) || dir}` }
  }
  const inputs = /** @type {{ format?: unknown, inputs?: unknown }} */ (info ?? {}).inputs
  if (
    /** @type {{ format?: unknown }} */ (info ?? {}).format !== BUILD_FORMAT ||
    !Array.isArray(inputs)
  ) {
    return { stale: `the build in ${relative(root, dir) || dir} is of another format` }
  }
  for (const input of inputs) {
    const [file, mtimeMs, size] = /** @type {[string, number, number]} */ (input)
    let now
    try {
      now = statSync(join(root, file))
    } catch {
      return { stale: `${file} is gone since the build` }
    }
    if (now.mtimeMs !== mtimeMs || now.size !== size) {
      return { stale: `${file} changed since the build` }
    }
  }
  return { dir }
}

/** Whether to say on stderr which code runs (the CLI's own --debug switch). */
export const debugging = () => {
  const value = process.env.WATCHFLOOR_DEBUG
  return value !== undefined && value !== '' && value !== '0'
}
