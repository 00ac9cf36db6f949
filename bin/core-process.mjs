// The core's child process when it is forked by source code (tests, the
// bench, the bin's tsx fallback; main/core/spawn-core.ts): the core built by
// `npm install` (out/cli/core-process.js) while no source changed since the
// build, the TypeScript entry through tsx otherwise — the bin's rule
// (bin/fresh-build.mjs). Built code forks the built core directly.
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { debugging, freshBuild } from './fresh-build.mjs'

const build = freshBuild()
if ('dir' in build) {
  if (debugging()) process.setSourceMapsEnabled(true)
  await import(pathToFileURL(join(build.dir, 'core-process.js')).href)
} else {
  if (debugging()) {
    process.stderr.write(
      `watchfloor core: running the TypeScript sources through tsx: ${build.stale}\n`,
    )
  }
  const { register } = await import('tsx/esm/api')
  register()
  await import('../main/core/core-process.ts')
}
