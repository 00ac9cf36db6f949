#!/usr/bin/env node
// The `watchfloor` command. `npm install` builds the CLI to JavaScript
// (bin/build-cli.mjs, into out/cli/), and a run starts from that build while
// it is fresh. When it is missing or any source changed since (a developer's
// edit, a checkout), the TypeScript sources run through tsx instead, as
// before there was a build, so stale JavaScript never answers;
// WATCHFLOOR_DEBUG=1 says which on stderr.
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { debugging, freshBuild } from './fresh-build.mjs'

const build = freshBuild()
if ('dir' in build) {
  if (debugging()) process.setSourceMapsEnabled(true)
  await import(pathToFileURL(join(build.dir, 'index.js')).href)
} else {
  if (debugging()) {
    process.stderr.write(
      `watchfloor: running the TypeScript sources through tsx: ${build.stale} (npm run build:cli builds it again)\n`,
    )
  }
  const { register } = await import('tsx/esm/api')
  register()
  await import('../main/cli/index.ts')
}
