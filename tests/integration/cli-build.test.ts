// The built CLI and core (bin/build-cli.mjs, run by `npm install`): the bin
// and the core process start from the build while it is fresh, and from the
// TypeScript sources through tsx once any source differs from what the build
// recorded, so stale JavaScript never answers. The test makes a build of its
// own (out/cli-test-<pid>, two levels below the root like out/cli) and points
// the bin at it with WATCHFLOOR_BUILD_DIR; a line added to the built entries
// notes in a file each time built code starts, which proves which code ran.
// Staleness is made by editing the build's record, never a source file that
// other work shares.
import { execFileSync } from 'node:child_process'
import { readFileSync, rmSync, writeFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { spawnCore } from '../../main/core/spawn-core.ts'
import { runCli, startCli } from '../support/cli.ts'
import { tempDir } from '../support/temp.ts'

const root = fileURLToPath(new URL('../../', import.meta.url))
const build = `${root}out/cli-test-${process.pid}`
const temp = tempDir('watchfloor-cli-build-')
const marker = `${temp.dir}/started-from-build.txt`
const env = { WATCHFLOOR_BUILD_DIR: build, WF_TEST_BUILD_MARKER: marker }

/** Which built entries started since the last call (`cli`, `core`), in order. */
function builtStarts(): string[] {
  let text = ''
  try {
    text = readFileSync(marker, 'utf8')
  } catch {
    // Nothing built started.
  }
  rmSync(marker, { force: true })
  return text.split('\n').filter(Boolean)
}

interface BuildInfo {
  format: number
  inputs: [string, number, number][]
}
const infoFile = `${build}/build-info.json`
let pristine = ''
const editRecord = (edit: (info: BuildInfo) => void) => {
  const info = JSON.parse(pristine) as BuildInfo
  edit(info)
  writeFileSync(infoFile, JSON.stringify(info))
}

beforeAll(() => {
  execFileSync(process.execPath, [`${root}bin/build-cli.mjs`, '--out', build], { stdio: 'pipe' })
  for (const [entry, name] of [
    ['index.js', 'cli'],
    ['core-process.js', 'core'],
  ] as const) {
    const file = `${build}/${entry}`
    const note = `if (process.env.WF_TEST_BUILD_MARKER) (await import('node:fs')).appendFileSync(process.env.WF_TEST_BUILD_MARKER, '${name}\\n')\n`
    writeFileSync(file, note + readFileSync(file, 'utf8'))
  }
  pristine = readFileSync(infoFile, 'utf8')
}, 120_000)

afterEach(() => {
  writeFileSync(infoFile, pristine)
  builtStarts()
})

afterAll(() => {
  rmSync(build, { recursive: true, force: true })
  temp.cleanup()
})

describe('the built CLI', () => {
  it('records every source it was built from', () => {
    const info = JSON.parse(pristine) as BuildInfo
    const files = info.inputs.map(([file]) => file)
    expect(files).toEqual(
      expect.arrayContaining([
        'main/cli/index.ts',
        'main/core/core-process.ts',
        'main/core/spawn-core.ts',
        'bin/build-cli.mjs',
      ]),
    )
    expect(files.some((file) => file.includes('node_modules'))).toBe(false)
  })

  it('runs from the build while it is fresh: --help exits 0, quietly', async () => {
    const help = await runCli(['--help'], env)
    expect(help.code, help.stderr).toBe(0)
    expect(help.stdout).toMatch(/^Usage: watchfloor/m)
    expect(help.stderr).toBe('')
    expect(builtStarts()).toEqual(['cli'])
  })

  it('serves with a core process forked from the build', async () => {
    const serve = startCli(
      ['serve', '--port', '0', '--no-demo', '--db', `${temp.dir}/serve.sqlite`],
      env,
    )
    try {
      const url = await serve.waitFor(/http:\/\/127\.0\.0\.1:\d+\//, 120_000)
      // The host answers (the page, or 503 before the renderer is built); the
      // round trip also lets serve hook SIGTERM, right after printing this.
      const response = await fetch(url)
      expect([200, 503]).toContain(response.status)
    } finally {
      serve.child.kill('SIGTERM')
    }
    const result = await serve.exited
    expect(result.code, result.stderr).toBe(0)
    expect(builtStarts()).toEqual(['cli', 'core'])
  })

  it('runs the sources through tsx once a source changed since the build, and says so only with WATCHFLOOR_DEBUG', async () => {
    editRecord((info) => {
      const input = info.inputs.find(([file]) => file === 'main/cli/index.ts')
      if (!input) throw new Error('main/cli/index.ts is not in the build record')
      input[1] -= 1000
    })
    const quiet = await runCli(['--help'], env)
    expect(quiet.code, quiet.stderr).toBe(0)
    expect(quiet.stdout).toMatch(/^Usage: watchfloor/m)
    expect(quiet.stderr).toBe('')
    expect(builtStarts()).toEqual([])

    const told = await runCli(['--version'], { ...env, WATCHFLOOR_DEBUG: '1' })
    expect(told.code, told.stderr).toBe(0)
    expect(told.stdout.trim()).toMatch(/^\d+\.\d+\.\d+/)
    expect(told.stderr).toMatch(
      /running the TypeScript sources through tsx: main\/cli\/index\.ts changed since the build/,
    )
    expect(builtStarts()).toEqual([])
  })

  it('treats a source that is gone, a changed size and a missing build as stale', async () => {
    const cases: [string, RegExp, (() => void) | undefined][] = [
      [
        'gone',
        /main\/cli\/no-such-file\.ts is gone since the build/,
        () => editRecord((info) => void info.inputs.push(['main/cli/no-such-file.ts', 1, 1])),
      ],
      [
        'size',
        /main\/core\/spawn-core\.ts changed since the build/,
        () =>
          editRecord((info) => {
            const input = info.inputs.find(([file]) => file === 'main/core/spawn-core.ts')
            if (input) input[2] += 1
          }),
      ],
      ['missing', /there is no build in/, undefined],
    ]
    for (const [what, reason, edit] of cases) {
      edit?.()
      const run = await runCli(['--help'], {
        ...env,
        WATCHFLOOR_DEBUG: '1',
        ...(edit ? {} : { WATCHFLOOR_BUILD_DIR: `${build}-absent` }),
      })
      expect(run.code, `${what}: ${run.stderr}`).toBe(0)
      expect(run.stdout, what).toMatch(/^Usage: watchfloor/m)
      expect(run.stderr, what).toMatch(reason)
      expect(builtStarts(), what).toEqual([])
      writeFileSync(infoFile, pristine)
    }
  })
})

describe('the core process forked by source code (spawnCore under tests, the bench)', () => {
  const saved = { ...process.env }
  afterEach(() => {
    for (const key of Object.keys(env)) {
      if (saved[key] === undefined) delete process.env[key]
      else process.env[key] = saved[key]
    }
  })

  it('starts from the build while it is fresh, from the sources when stale, and answers either way', async () => {
    Object.assign(process.env, env)
    for (const [stale, expected] of [
      [false, ['core']],
      [true, []],
    ] as const) {
      if (stale) {
        editRecord((info) => {
          const input = info.inputs.find(([file]) => file === 'main/core/core-process.ts')
          if (input) input[1] += 1000
        })
      }
      const core = await spawnCore(
        { dbPath: `${temp.dir}/core-${stale}.sqlite`, demo: null, version: 'test' },
        { log: () => undefined, restart: false },
      )
      try {
        expect(await core.invoke('app.status', {})).toMatchObject({
          ok: true,
          value: { leadCount: 0 },
        })
      } finally {
        await core.close()
      }
      expect(builtStarts(), stale ? 'stale' : 'fresh').toEqual(expected)
    }
  })
})
