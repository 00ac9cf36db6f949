// Every import zone in eslint.zones.js fires on a file that breaks it, and
// stays quiet on one that keeps it (STYLE.md 12: "every rule that matters is
// a lint rule with a fixture that proves it fires"). The fixtures are virtual
// files at real paths, importing real files, so imports resolve as in the tree.
import { join } from 'node:path'
import { ESLint } from 'eslint'
import tseslint from 'typescript-eslint'
import { describe, expect, it } from 'vitest'
import { importZones } from '../../eslint.zones.js'

const root = join(import.meta.dirname, '../..')
const eslint = new ESLint({
  cwd: root,
  overrideConfigFile: true,
  overrideConfig: [
    { files: ['**/*.ts', '**/*.tsx'], languageOptions: { parser: tseslint.parser } },
    ...importZones,
  ],
})

async function problems(file: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(`${code}\n`, { filePath: join(root, file) })
  return (result?.messages ?? []).map((m) => `${m.ruleId}: ${m.message}`)
}

// [fixture path, import it makes, the sentence it must get]
const violations: [string, string, RegExp][] = [
  ['main/api/zz-fixture.ts', "import '../electron/ipc.ts'", /the core never imports it/],
  ['main/sync/zz-fixture.ts', "import '../index.ts'", /the core never imports it/],
  ['main/sync/zz-fixture.ts', "import '../metrics/rollups.ts'", /never imports metrics/],
  [
    'main/sync/redis/zz-fixture.ts',
    "import '../../api/index.ts'",
    /never imports metrics, the api/,
  ],
  ['main/metrics/zz-fixture.ts', "import '../sync/postgres/engine.ts'", /never imports sync/],
  ['main/metrics/zz-fixture.ts', "import '../../main/sync/postgres/xid.ts'", /never imports sync/],
  ['main/store/zz-fixture.ts', "import '../metrics/index.ts'", /bottom of the core/],
  ['shared/api/zz-fixture.ts', "import '../../main/store/index.ts'", /imports none of them/],
  ['preload/zz-fixture.ts', "import '../main/api/index.ts'", /only electron and shared/],
  ['preload/zz-fixture.ts', "import { readFileSync } from 'node:fs'", /no-nodejs-modules/],
  ['renderer/src/zz-fixture.ts', "import '../../main/store/index.ts'", /only through shared/],
  ['renderer/src/zz-fixture.ts', "import '../../preload/index.ts'", /only through shared/],
  ['renderer/src/zz-fixture.ts', "import { join } from 'path'", /no-nodejs-modules/],
]

// Imports each zone allows.
const allowed: [string, string][] = [
  ['main/api/zz-fixture.ts', "import '../sync/postgres/engine.ts'"],
  ['main/api/zz-fixture.ts', "import '../metrics/index.ts'"],
  ['main/sync/zz-fixture.ts', "import '../store/index.ts'"],
  ['main/metrics/zz-fixture.ts', "import '../store/row-hooks.ts'"],
  ['main/electron/zz-fixture.ts', "import '../api/index.ts'"],
  ['preload/zz-fixture.ts', "import '../shared/api/index.ts'"],
  ['renderer/src/zz-fixture.ts', "import '../../shared/api/index.ts'"],
]

describe('import zones', () => {
  it.each(violations)('%s: %s is refused', async (file, code, sentence) => {
    const found = await problems(file, code)
    expect(
      found.some((p) => sentence.test(p)),
      found.join('\n'),
    ).toBe(true)
  })

  it.each(allowed)('%s: %s is allowed', async (file, code) => {
    expect(await problems(file, code)).toEqual([])
  })
})
