// `npm run bench`: every performance figure beside a baseline measured in the
// same run (the machine is shared and noisy, so only ratios travel).
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fillCache } from '../../main/demo/fill-cache.ts'
import { generateDemo } from '../../main/demo/generator.ts'
import { openStore } from '../../main/store/index.ts'
import { coldStartSeconds } from './cold-start.ts'
import { benchDemoGeneration } from './demo-generation.ts'

interface Row {
  benchmark: string
  figure: string
  baseline: string
  ratio: string
}

const LEADS = Number(process.env.BENCH_LEADS ?? 1_000_000)
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN
const fmt = (n: number, digits = 0) =>
  n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits })

async function main(): Promise<void> {
  const rows: Row[] = []
  const dir = mkdtempSync(join(tmpdir(), 'watchfloor-bench-'))
  try {
    process.stderr.write(`demo generation: ${fmt(LEADS)} leads…\n`)
    const gen = await benchDemoGeneration(LEADS)
    rows.push({
      benchmark: `demo generation, ${fmt(LEADS)} leads into SQLite`,
      figure: `${fmt(gen.rowsPerSecond)} leads/s (${fmt(gen.seconds, 1)} s)`,
      baseline: `bare prepared insert of the same rows: ${fmt(gen.baselineRowsPerSecond)} rows/s (${fmt(gen.baselineSeconds, 1)} s)`,
      ratio: fmt(gen.ratio, 2),
    })

    const endAt = Date.parse('2026-11-01T12:00:00Z')
    const big = join(dir, 'big.sqlite')
    const small = join(dir, 'small.sqlite')
    for (const [file, leads] of [
      [big, LEADS],
      [small, 1000],
    ] as const) {
      const db = openStore(file)
      fillCache(db, generateDemo({ seed: 42, leads, endAt }))
      db.close()
    }
    process.stderr.write('cold start to the first KPI in Chromium…\n')
    const bigTimes = await coldStartSeconds(big, 3)
    const smallTimes = await coldStartSeconds(small, 3)
    rows.push({
      benchmark: `browser host cold start on a ${fmt(LEADS)}-lead cache to the first KPI painted (median of 3)`,
      figure: `${fmt(median(bigTimes), 2)} s (runs: ${bigTimes.map((t) => fmt(t, 2)).join(', ')})`,
      baseline: `same on a 1,000-lead cache: ${fmt(median(smallTimes), 2)} s`,
      ratio: fmt(median(bigTimes) / median(smallTimes), 2),
    })
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }

  const date = new Date().toISOString().slice(0, 10)
  const table = [
    `Watchfloor benchmarks, ${date} (Node ${process.version}, ${process.platform}/${process.arch})`,
    '',
    '| benchmark | figure | baseline (same run) | ratio |',
    '| --- | --- | --- | --- |',
    ...rows.map((r) => `| ${r.benchmark} | ${r.figure} | ${r.baseline} | ${r.ratio} |`),
    '',
  ].join('\n')
  const reports = join(import.meta.dirname, 'reports')
  mkdirSync(reports, { recursive: true })
  writeFileSync(join(reports, 'latest.md'), table)
  writeFileSync(
    join(reports, 'latest.json'),
    JSON.stringify({ date, node: process.version, rows }, null, 2),
  )
  process.stdout.write(`${table}\nreport: tests/bench/reports/latest.md\n`)
}

await main()
