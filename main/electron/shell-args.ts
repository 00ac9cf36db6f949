// The app's own command-line arguments, from its first launch or a second one (Electron's
// `second-instance` hands the first instance the second's argv): `--wall` opens the wall
// window, with `--wall-display=<id|n>`, `--playlist=a,b` and `--interval=30s`. Anything else
// (Chromium's switches, the app path, a file) is ignored; an unreadable value is dropped with
// a sentence for the log, never half-applied.
import { INTERVAL_TEXT, playlistOf, type WallRequest } from './wall-window.ts'

export interface ShellArgs {
  /** Open (or show) the wall window with this request; null when `--wall` was not given. */
  readonly wall: WallRequest | null
  readonly problems: readonly string[]
}

function valueOf(argv: readonly string[], name: string): string | null {
  for (let i = argv.length - 1; i >= 0; i -= 1) {
    const arg = argv[i] ?? ''
    if (arg.startsWith(`--${name}=`)) return arg.slice(name.length + 3)
  }
  return null
}

export function parseShellArgs(argv: readonly string[]): ShellArgs {
  if (!argv.includes('--wall')) return { wall: null, problems: [] }
  const problems: string[] = []
  const display = valueOf(argv, 'wall-display')
  const playlistText = valueOf(argv, 'playlist')
  const interval = valueOf(argv, 'interval')
  const playlist = playlistText === null ? null : playlistOf(playlistText)
  if (playlistText !== null && playlist === null)
    problems.push(
      '--playlist: expected view names separated by commas; the default playlist is shown',
    )
  const displayOk = display === null || /^\d{1,12}$/.test(display)
  if (!displayOk)
    problems.push(
      '--wall-display: expected a display id or position; the first secondary display is used',
    )
  const intervalOk = interval === null || INTERVAL_TEXT.test(interval)
  if (!intervalOk)
    problems.push('--interval: expected a duration such as 30s or 2m; the default is used')
  return {
    wall: {
      display: displayOk ? display : null,
      playlist,
      interval: intervalOk ? interval : null,
    },
    problems,
  }
}

/**
 * A second instance's arguments as the first receives them: the list it handed over as the
 * single-instance lock's additionalData (`{ args }`), when that is a list of strings; else the
 * argv Electron reports, which Chromium may have reordered or added to.
 */
export function handedOverArgs(
  additionalData: unknown,
  argv: readonly string[],
): readonly string[] {
  const args: unknown =
    typeof additionalData === 'object' && additionalData !== null
      ? (additionalData as { args?: unknown }).args
      : undefined
  return Array.isArray(args) && args.every((a): a is string => typeof a === 'string') ? args : argv
}
