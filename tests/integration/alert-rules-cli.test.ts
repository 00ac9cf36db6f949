// `watchfloor alerts rules …` through the real bin (issue 13): each subcommand's exit code,
// output and effect on the cache file; refusals as one sentence on stderr, exit 1, nothing
// changed.
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { listRules } from '../../main/alerts/rules-store.ts'
import { openStore } from '../../main/store/index.ts'
import { unknownMetricSentence, type AlertRuleList } from '../../shared/api/index.ts'
import { runCli } from '../support/cli.ts'
import { tempDir } from '../support/temp.ts'

const temp = tempDir('watchfloor-rules-cli-')
const db = join(temp.dir, 'cache.sqlite')
beforeAll(() => openStore(db).close())
afterAll(() => temp.cleanup())

const rules = (...args: string[]) => runCli(['alerts', 'rules', ...args, '--db', db])
const stored = (): AlertRuleList => {
  const store = openStore(db)
  try {
    return listRules(store)
  } finally {
    store.close()
  }
}

describe('watchfloor alerts rules', () => {
  it('lists the seeded defaults as text and as JSON', async () => {
    const text = await rules('list')
    expect(text).toMatchObject({ code: 0, stderr: '' })
    expect(text.stdout).toContain(
      'Lead response over target: averageResponseSeconds > (warning 120, critical 240, recovery 108) for 900 s, range today [default]',
    )
    expect(text.stdout.trim().split('\n')).toHaveLength(5)
    const json = await rules('list', '--json')
    expect(json.code).toBe(0)
    expect(JSON.parse(json.stdout)).toEqual(stored())
  })

  it('adds, edits, disables, enables and deletes a rule', async () => {
    const added = await rules(
      'add',
      '--name',
      'Slow this week',
      '--metric',
      'averageResponseSeconds',
      '--comparator',
      '>',
      '--warning',
      '150',
      '--critical',
      '300',
      '--recovery',
      '140',
      '--for',
      '5m',
      '--filter',
      'range=last7;tz=Europe/London',
      '--message',
      '{name}: {value} s',
      '--disabled',
    )
    expect(added).toMatchObject({ code: 0, stderr: '' })
    const id = Number(/Added rule (\d+)/.exec(added.stdout)?.[1])
    const rule = () => stored().rules.find((r) => r.id === id)
    expect(rule()).toMatchObject({
      name: 'Slow this week',
      warning: 150,
      critical: 300,
      recovery: 140,
      forSeconds: 300,
      filters: { range: { preset: 'last7', timeZone: 'Europe/London' } },
      message: '{name}: {value} s',
      enabled: false,
      builtIn: false,
    })

    const edited = await rules(
      'edit',
      String(id),
      '--warning',
      '200',
      '--critical',
      'none',
      '--for',
      '1h',
    )
    expect(edited).toMatchObject({ code: 0, stderr: '' })
    expect(edited.stdout).toContain(`Changed rule ${id}`)
    expect(rule()).toMatchObject({
      warning: 200,
      critical: null,
      recovery: 140,
      forSeconds: 3600,
      name: 'Slow this week',
    })

    expect(await rules('enable', String(id))).toMatchObject({
      code: 0,
      stdout: `Enabled rule ${id}: Slow this week\n`,
    })
    expect(rule()?.enabled).toBe(true)
    expect(await rules('disable', String(id))).toMatchObject({
      code: 0,
      stdout: `Disabled rule ${id}: Slow this week\n`,
    })
    expect(rule()?.enabled).toBe(false)
    expect(await rules('delete', String(id))).toMatchObject({
      code: 0,
      stdout: `Deleted rule ${id}\n`,
    })
    expect(rule()).toBeUndefined()
  })

  it('refuses bad input with one sentence, exit 1, and changes nothing', async () => {
    const before = stored()
    const cases: [string[], string][] = [
      [
        ['add', '--name', 'x', '--metric', 'vibes', '--comparator', '>', '--warning', '1'],
        unknownMetricSentence('vibes'),
      ],
      [
        [
          'add',
          '--name',
          'x',
          '--metric',
          'leads',
          '--comparator',
          '>',
          '--warning',
          '1',
          '--filter',
          'colour=red',
        ],
        'unknown filter field "colour" in --filter',
      ],
      [
        [
          'add',
          '--name',
          'x'.repeat(10_000),
          '--metric',
          'leads',
          '--comparator',
          '>',
          '--warning',
          '1',
        ],
        'name:',
      ],
      [
        ['add', '--name', 'x', '--metric', 'leads', '--comparator', '>', '--warning', '1e300'],
        'warning:',
      ],
      [
        ['add', '--name', 'x', '--metric', 'leads', '--comparator', '>', '--warning', 'lots'],
        '--warning must be a number',
      ],
      [
        [
          'add',
          '--name',
          'x',
          '--metric',
          'leads',
          '--comparator',
          '>',
          '--warning',
          '1',
          '--for',
          'soon',
        ],
        '--for must be a duration',
      ],
      [
        ['add', '--name', 'x', '--metric', 'leads', '--comparator', '>'],
        'A rule needs a warning or a critical threshold',
      ],
      [['add', '--warning', '3'], 'a new rule needs --name, --metric, --comparator'],
      [
        [
          'add',
          '--name',
          'Lead response over target',
          '--metric',
          'leads',
          '--comparator',
          '>',
          '--warning',
          '1',
        ],
        'already exists',
      ],
      [['edit', '999', '--warning', '1'], 'There is no alert rule 999'],
      [['enable', '999'], 'There is no alert rule 999'],
      [['delete', '0'], 'a rule id is a whole number from 1'],
    ]
    for (const [args, sentence] of cases) {
      const result = await rules(...args)
      expect(result.code, args.join(' ').slice(0, 80)).toBe(1)
      expect(result.stderr).toContain(sentence)
      expect(result.stderr.split('\n').filter(Boolean)).toHaveLength(1)
    }
    expect(stored()).toEqual(before)
  })

  it('lists a damaged row apart and can delete it; refuses a missing cache', async () => {
    const raw = new Database(db)
    const id = Number(
      raw
        .prepare(
          "INSERT INTO alert_rules (name, metric, comparator, warning, message, created_at, updated_at) VALUES ('Old', 'leadCount', '>', 1, 'm', 0, 0)",
        )
        .run().lastInsertRowid,
    )
    raw.close()
    const listed = await rules('list')
    expect(listed.code).toBe(0)
    expect(listed.stdout).toContain(`${id}  unreadable  Old: ${unknownMetricSentence('leadCount')}`)
    expect(await rules('delete', String(id))).toMatchObject({ code: 0 })
    expect(stored().unreadable).toEqual([])

    const missing = await runCli(['alerts', 'rules', 'list', '--db', join(temp.dir, 'nope.sqlite')])
    expect(missing.code).toBe(1)
    expect(missing.stderr).toContain('there is no cache at')
  })
})
