// Each command's module is imported when that command runs, not before:
// `watchfloor --help` then loads commander alone, not the store, the sync,
// the api and their packages (a tenth of the time).
import { Command, InvalidArgumentError, Option } from 'commander'
import type * as DemoCommands from './commands/demo.ts'
import type { RuleListOptions, RuleOptions } from './commands/alert-rules.ts'
import type { ExportCommandOptions } from './commands/export.ts'
import type { ServeOptions } from './commands/serve.ts'
import type { SyncCommandOptions } from './commands/sync.ts'
import type { TokenCreateOptions, TokenListOptions } from './commands/token.ts'
import type { UpstreamOptions } from './commands/upstream.ts'
import { packageVersion } from './paths.ts'
import { EXPORT_DATASETS, VIEW_EXPORT_DATASETS } from '../../shared/api/export-datasets.ts'

type DemoFillOptions = Parameters<typeof DemoCommands.demoFill>[0]
type DemoUpstreamOptions = Parameters<typeof DemoCommands.runDemoUpstream>[0]

function integer(min: number, max: number) {
  return (value: string): number => {
    const n = Number(value)
    if (!Number.isInteger(n) || n < min || n > max) {
      throw new InvalidArgumentError(`expected a whole number from ${min} to ${max}`)
    }
    return n
  }
}

function positive(value: string): number {
  const n = Number(value)
  if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError('expected a positive number')
  return n
}

const program = new Command('watchfloor')
  .description(
    'Watchfloor: an offline-capable operations center. Runs its core headless for scripts and wall screens.',
  )
  .version(packageVersion())
  .showHelpAfterError()

program
  .command('serve')
  .description('serve the dashboards and the api to browsers (wall screens, tests) on 127.0.0.1')
  .option('--port <port>', 'port to listen on (0 picks a free one)', integer(0, 65535), 4870)
  .option(
    '--host <address>',
    'address to bind; anything but loopback needs a token (watchfloor token create, or --token)',
    '127.0.0.1',
  )
  .option(
    '--db <file>',
    'SQLite cache file (default: $WATCHFLOOR_DB or ~/.local/share/watchfloor/cache.sqlite)',
  )
  .option(
    '--token <token>',
    'a viewer token a wall screen opens the page with once, at least 22 characters (default: $WATCHFLOOR_TOKEN); tokens with other roles: `watchfloor token create --role … --name …`',
  )
  .option(
    '--allow-origin <name>',
    'another name or origin the host answers to (a wall screen reaching it as wall.local); repeatable',
    (value: string, previous: string[] = []) => [...previous, value],
  )
  .option('--no-demo', 'do not fill an empty cache with demo data')
  .option(
    '--demo-leads <n>',
    'size of the demo data for an empty cache',
    integer(1000, 1_000_000),
    100_000,
  )
  .option('--seed <n>', 'demo data seed', integer(0, 2 ** 31), 42)
  .option(
    '--profile <file>',
    'connection profile JSON (mode 600): postgres, redis, socketio, tenant, rowFilters',
  )
  .option('--pg <url>', 'sync from this Postgres (or $WATCHFLOOR_PG_URL)')
  .option('--pg-schema <name>', 'Postgres schema (default public)')
  .option('--redis <url>', 'read the ops event stream from this Redis (or $WATCHFLOOR_REDIS_URL)')
  .option(
    '--io <url>',
    'live pushes from this Socket.IO operations server (token: $WATCHFLOOR_IO_TOKEN)',
  )
  .option('--tenant <id>', 'sync only this tenant')
  .option('--interval <seconds>', 'pull at least this often', integer(1, 3600))
  .action(async (options: ServeOptions) => (await import('./commands/serve.ts')).serve(options))

const upstream = program
  .command('upstream')
  .description('manage the Watchfloor change log in the upstream Postgres')
for (const [name, action, what] of [
  ['install', 'upstreamInstall', 'create the change log and its triggers (idempotent)'],
  ['uninstall', 'upstreamUninstall', 'remove the change log and its triggers'],
] as const) {
  upstream
    .command(name)
    .description(what)
    .requiredOption('--pg <url>', 'Postgres URL')
    .option('--schema <name>', 'schema', 'public')
    .option('--manifest <file>', 'JSON sync manifest (default: the ops tables)')
    // Commander passes (options, command): the command must not reach `io`.
    .action(async (options: UpstreamOptions) =>
      (await import('./commands/upstream.ts'))[action](options),
    )
}
upstream
  .command('prune')
  .description('delete change-log entries older than a duration')
  .requiredOption('--pg <url>', 'Postgres URL')
  .option('--schema <name>', 'schema', 'public')
  .requiredOption('--older-than <duration>', 'e.g. 30d, 12h')
  .action(async (options: UpstreamOptions & { olderThan: string }) =>
    (await import('./commands/upstream.ts')).upstreamPrune(options),
  )

program
  .command('sync')
  .description('sync Postgres into the cache: once until caught up, or following changes')
  .requiredOption('--pg <url>', 'Postgres URL')
  .option('--schema <name>', 'schema', 'public')
  .option('--tenant <id>', 'only this tenant')
  .option('--db <file>', 'SQLite cache file')
  .option('--manifest <file>', 'JSON sync manifest (default: the ops tables)')
  .option('--once', 'sync until caught up, then exit (default)')
  .option('--follow', 'keep following changes until Ctrl-C')
  .option(
    '--batch <rows>',
    'rows per SQLite transaction (default 5,000; smaller keeps a slow disk responsive)',
    integer(1, 100_000),
  )
  .option(
    '--redis <url>',
    'with --follow: the ops event stream wakes the pull (or $WATCHFLOOR_REDIS_URL)',
  )
  .option(
    '--io <url>',
    'with --follow: Socket.IO pushes wake the pull (token: $WATCHFLOOR_IO_TOKEN)',
  )
  .action(async (options: SyncCommandOptions) => {
    const redis = options.redis ?? process.env.WATCHFLOOR_REDIS_URL
    const { syncCommand } = await import('./commands/sync.ts')
    await syncCommand({ ...options, ...(redis ? { redis } : {}) })
  })

const demo = program
  .command('demo')
  .description('generate demo data: into a cache, or as a live upstream')

demo
  .command('fill')
  .description('fill an empty SQLite cache with generated ops data')
  .option('--db <file>', 'SQLite cache file')
  .option('--leads <n>', 'number of leads', integer(1000, 1_000_000), 100_000)
  .option(
    '--seed <n>',
    'seed: the same seed and --end-at give identical data',
    integer(0, 2 ** 31),
    42,
  )
  .option('--end-at <iso>', 'time of the newest lead (default: now)')
  .action(async (options: DemoFillOptions) =>
    (await import('./commands/demo.ts')).demoFill(options),
  )

demo
  .command('upstream')
  .description(
    'create the ops schema in Postgres, seed it, then keep writing rows and Redis stream events',
  )
  .requiredOption('--pg <url>', 'Postgres URL, e.g. postgres://postgres@127.0.0.1:5432/test')
  .requiredOption('--redis <url>', 'Redis URL, e.g. redis://127.0.0.1:6379')
  .option('--leads <n>', 'leads to seed', integer(1000, 1_000_000), 10_000)
  .option('--rate <r>', 'changes per second after seeding', positive, 5)
  .option('--seed <n>', 'seed', integer(0, 2 ** 31), 42)
  .option('--schema <name>', 'Postgres schema', 'public')
  .option('--tenant <id>', 'tenant id (stream ops:{tenant}:events)', 'demo')
  .action(async (options: DemoUpstreamOptions) =>
    (await import('./commands/demo.ts')).runDemoUpstream(options),
  )

program
  .command('rollups')
  .description('the KPI rollups in the cache')
  .command('rebuild')
  .description(
    'recompute the KPI rollups from the cached leads, optionally in another org time zone',
  )
  .option('--db <file>', 'SQLite cache file')
  .option(
    '--time-zone <zone>',
    'IANA zone whose local days and months the rollups add up (default: the current one, America/Detroit at first)',
  )
  .action(async (options: { db?: string; timeZone?: string }, command: Command) => {
    // Checked here rather than by an option parser: the zone list lives with
    // the contract (zod and all), which --help need not load.
    const { canonicalTimeZone } = await import('../../shared/api/index.ts')
    const zone = options.timeZone
    const timeZone = zone === undefined ? undefined : canonicalTimeZone(zone)
    if (timeZone === null) {
      command.error(
        `error: option '--time-zone <zone>' argument '${zone}' is invalid. unknown time zone "${zone}"`,
        { code: 'commander.invalidArgument' },
      )
    }
    const { rollupsRebuild } = await import('./commands/rollups.ts')
    rollupsRebuild({ ...options, ...(timeZone ? { timeZone } : {}) })
  })

// Tokens for screens over the network (issue 15), kept in the cache's token table with a role.
const token = program
  .command('token')
  .description('tokens for screens over the network, each with a role (viewer, analyst, admin)')
const dbOption = [
  '--db <file>',
  'SQLite cache file (default: $WATCHFLOOR_DB or ~/.local/share/watchfloor/cache.sqlite)',
] as const
token
  .command('create')
  .description(
    'make a token kept in the cache with a role, and print its secret once; without --name, print a random token for serve --token',
  )
  .option(
    '--name <name>',
    'what the token is for (the screen), shown in the token list and audit log',
  )
  .addOption(
    new Option(
      '--role <role>',
      'viewer: dashboards; analyst: also presets and alert actions; admin: everything',
    )
      .choices(['viewer', 'analyst', 'admin'])
      .default('viewer'),
  )
  .option(...dbOption)
  .option('--json', 'print { token, secret } as JSON')
  .action(async (options: TokenCreateOptions, command: Command) => {
    if (options.name === undefined && command.getOptionValueSource('role') === 'default') {
      const { createToken } = await import('../access/token-identity.ts')
      process.stdout.write(`${createToken()}\n`)
      return
    }
    ;(await import('./commands/token.ts')).tokenCreate(options)
  })
token
  .command('list')
  .description('the tokens: id, name, role, created, last used, revoked (never a secret)')
  .option(...dbOption)
  .option('--json', 'print the list as JSON')
  .action(async (options: TokenListOptions) =>
    (await import('./commands/token.ts')).tokenList(options),
  )
token
  .command('revoke <id|name>')
  .description('revoke a token: screens holding it are refused at once and disconnected')
  .option(...dbOption)
  .action(async (ref: string, options: { db?: string }) =>
    (await import('./commands/token.ts')).tokenRevoke(ref, options),
  )

const repeatable = (value: string, previous: string[] = []) => [...previous, value]

program
  .command('export')
  .description(
    'write a dashboard report for a filter set to a file: CSV, Excel, PDF or JSON (what the app exports)',
  )
  .option('--db <file>', 'SQLite cache file')
  .requiredOption(
    '--dashboard <view>',
    `the tab to report: ${Object.entries(VIEW_EXPORT_DATASETS)
      .filter(([, datasets]) => datasets.length > 0)
      .map(([view]) => view)
      .join(', ')}`,
  )
  .option(
    '--filter <filters>',
    "filters as 'field=value,value;…': source, segment, city, temperature, status, owner; range=<preset> (last_90_days, mtd, …) or range=YYYY-MM-DD..YYYY-MM-DD; tz=<IANA zone> (default: this machine's); repeatable",
    repeatable,
  )
  .option('--format <format>', 'csv, xlsx, pdf or json (default: from --out’s extension)')
  .requiredOption(
    '--out <file>',
    'the file to write; an existing one is replaced only once the export has finished',
  )
  .option(
    '--dataset <name>',
    `a table to include: ${EXPORT_DATASETS.join(', ')} (default: the tab's); repeatable, one for CSV`,
    repeatable,
  )
  .option('--paper <size>', 'PDF paper: A4 or Letter', 'A4')
  .option('--landscape', 'PDF in landscape')
  .option('--bom', 'CSV: start with a byte-order mark (Excel reads UTF-8 then)')
  .option('--separator <char>', 'CSV: , or ; (Excel in locales with a decimal comma)', ',')
  .option('--local-dates', 'CSV: dates and times as the screen shows them, not ISO 8601')
  .option(
    '--no-formula-guard',
    'CSV: do not neutralise cells starting with = + - @ (on by default: a spreadsheet would run them)',
  )
  .action(async (options: ExportCommandOptions) =>
    (await import('./commands/export.ts')).exportCommand(options),
  )

// Local alerts (issue 13): `alerts rules …` manages the rules (main/alerts/rules-store.ts);
// the engine's `alerts list|ack|silence` hang off the same group.
const alerts = program
  .command('alerts')
  .description('local alerts: the rules they fire on, and the alerts themselves')
const alertRules = alerts
  .command('rules')
  .description('the alert rules kept in the cache (writes are what the app calls admin)')
alertRules
  .command('list')
  .description('print the rules: id, on/off, name, condition, for, range; unreadable ones apart')
  .option('--db <file>', 'SQLite cache file')
  .option('--json', 'print { rules, unreadable } as JSON')
  .action(async (options: RuleListOptions) =>
    (await import('./commands/alert-rules.ts')).rulesList(options),
  )
/** The options `add` and `edit` share: the rule's fields. */
const ruleOptions = (command: Command): Command =>
  command
    .option('--db <file>', 'SQLite cache file')
    .option('--name <name>', "the rule's name (at most 120 characters)")
    .option(
      '--metric <metric>',
      'what it watches: a KPI (averageResponseSeconds, conversionRate, monthProgress, …) or sourceOfflineSeconds, syncLagSeconds, unprofitableChannels',
    )
    .option('--comparator <op>', "when the value alerts: '>', '>=', '<' or '<='")
    .option(
      '--warning <n>',
      "warning threshold, in the metric's unit (fractions: 25 % is 0.25); none clears it",
    )
    .option('--critical <n>', 'critical threshold, beyond the warning one; none clears it')
    .option(
      '--recovery <n>',
      'the value must be back past this to resolve (default: the nearest threshold); none clears it',
    )
    .option('--for <duration>', 'how long the condition must hold before it fires: 90s, 5m, 1h, 2d')
    .option(
      '--filter <filters>',
      "filters the value is computed under, as for export: 'source=Google LSA;range=last7;tz=Europe/London'; none clears them; repeatable",
      repeatable,
    )
    .option(
      '--message <template>',
      'message; {name} {value} {threshold} {severity} {metric} are filled in',
    )
    .option('--disabled', 'keep it switched off')
ruleOptions(
  alertRules
    .command('add')
    .description('add a rule: --name, --metric, --comparator and a threshold at least'),
).action(async (options: RuleOptions) =>
  (await import('./commands/alert-rules.ts')).rulesAdd(options),
)
ruleOptions(
  alertRules
    .command('edit <id>')
    .description('change the options given of rule <id>; the rest stay'),
)
  .option('--enabled', 'switch it on')
  .action(async (id: string, options: RuleOptions) => {
    const rules = await import('./commands/alert-rules.ts')
    rules.rulesEdit(rules.ruleId(id), options)
  })
for (const [name, enabled] of [
  ['enable', true],
  ['disable', false],
] as const) {
  alertRules
    .command(`${name} <id>`)
    .description(`${name} rule <id>`)
    .option('--db <file>', 'SQLite cache file')
    .action(async (id: string, options: { db?: string }) => {
      const rules = await import('./commands/alert-rules.ts')
      rules.rulesSetEnabled(rules.ruleId(id), enabled, options)
    })
}
alertRules
  .command('delete <id>')
  .description('delete rule <id> (a default one stays deleted)')
  .option('--db <file>', 'SQLite cache file')
  .action(async (id: string, options: { db?: string }) => {
    const rules = await import('./commands/alert-rules.ts')
    rules.rulesDelete(rules.ruleId(id), options)
  })

alerts
  .command('list')
  .description('evaluate the rules once and print the active alerts (local and upstream)')
  .option('--db <file>', 'SQLite cache file')
  .option('--json', 'print { alerts, tray } as JSON')
  .action(async (options: { db?: string; json?: boolean }) =>
    (await import('./commands/alerts.ts')).alertsList(options),
  )
alerts
  .command('ack [key]')
  .description('acknowledge an alert by key (rule:<id>, upstream:<id>), or --all of them')
  .option('--db <file>', 'SQLite cache file')
  .option('--all', 'every active alert')
  .option('--json', 'print { alerts, tray } as JSON')
  .action(
    async (key: string | undefined, options: { db?: string; all?: boolean; json?: boolean }) =>
      (await import('./commands/alerts.ts')).alertsAck(key, options),
  )
alerts
  .command('silence <key>')
  .description('no notification for this alert for a while: --for 30m, 2h, 1d')
  .option('--db <file>', 'SQLite cache file')
  .option('--for <duration>', 'how long: 90s, 30m, 2h, 1d (at most 30 days)')
  .option('--json', 'print { alerts, tray } as JSON')
  .action(async (key: string, options: { db?: string; for?: string; json?: boolean }) =>
    (await import('./commands/alerts.ts')).alertsSilence(key, options),
  )

program
  .command('status')
  .description('print the cache status as JSON: mode, data as of, lead count, sources')
  .option('--db <file>', 'SQLite cache file')
  .action(async (options: { db?: string }) =>
    (await import('./commands/status.ts')).status(options),
  )

program.addHelpText(
  'after',
  `
Every command:
  watchfloor serve [--port P] [--db FILE]        dashboards for browsers and wall screens
        [--pg URL] [--redis URL] [--io URL] [--tenant T] [--profile FILE]   … synced live
  watchfloor upstream install|uninstall --pg URL [--schema S]   the change log upstream
  watchfloor upstream prune --pg URL --older-than 30d            trim the change log
  watchfloor sync --pg URL [--tenant T] [--db FILE] [--batch ROWS]
        [--once|--follow [--redis URL] [--io URL]]   headless sync into a cache
  watchfloor demo fill --db FILE --leads N      an empty cache filled with generated ops data
  watchfloor demo upstream --pg URL --redis URL --leads N --rate R
                                                 a live demo upstream in Postgres and Redis
  watchfloor rollups rebuild [--db FILE] [--time-zone ZONE]
                                                 recompute the KPI rollups (in the org's zone)
  watchfloor status [--db FILE]                  the cache's status and sources as JSON
  watchfloor export --dashboard VIEW --out FILE [--filter 'source=Google LSA;range=last_90_days']
        [--format csv|xlsx|pdf|json] [--dataset NAME] [--paper A4|Letter] [--landscape]
                                                 a dashboard's report, as the app exports it
  watchfloor alerts rules list [--json]          the alert rules; add|edit <id>|enable <id>|disable <id>|delete <id>
        add --name N --metric M --comparator '>' --warning N [--critical N] [--for 5m] [--filter …]
  watchfloor alerts list [--json]                the active alerts, evaluated now; ack <key|--all>; silence <key> --for 2h
  watchfloor token create --role viewer|analyst|admin --name N   a stored token for a screen over the network
  watchfloor token list [--json]; token revoke <id|name>         the tokens; revoke one at once
`,
)

program.addOption(new Option('--debug', 'print stack traces').env('WATCHFLOOR_DEBUG').hideHelp())

try {
  await program.parseAsync(process.argv)
} catch (error) {
  const debug = program.opts<{ debug?: boolean }>().debug
  // A StoreError is an Error whose message says what to do.
  const message = error instanceof Error ? error.message : String(error)
  process.stderr.write(`watchfloor: ${message}\n`)
  if (debug && error instanceof Error && error.stack) process.stderr.write(`${error.stack}\n`)
  process.exitCode = 1
}
