#!/usr/bin/env node
// The `watchfloor` command. The CLI is TypeScript run through tsx, so it works
// in a fresh checkout after `npm install` with no build step.
import { register } from 'tsx/esm/api'

register()
await import('../main/cli/index.ts')
