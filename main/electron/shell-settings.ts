// The shell's own settings (userData/shell-settings.json): what belongs to this machine's app
// rather than to the cache or the core: start at login, the wall screen it opens, the native
// theme, and whether Linux's basic_text secret storage was accepted. Read tolerantly (a damaged
// file is the defaults, with a sentence), written atomically (json-file.ts).
import { z } from 'zod'
import { readJsonFile, writeJsonFileAtomic } from './json-file.ts'
import { INTERVAL_TEXT, MAX_PLAYLIST, VIEW_NAME, type WallRequest } from './wall-window.ts'

export const NATIVE_THEMES = ['system', 'light', 'dark'] as const
export type NativeTheme = (typeof NATIVE_THEMES)[number]

const shellSettingsSchema = z.object({
  /** Start the app when the person logs in (wall screens). */
  openAtLogin: z.boolean().default(false),
  /** Open the wall window at every start (with the wall request below). */
  wallAtStart: z.boolean().default(false),
  wall: z
    .object({
      display: z
        .string()
        .regex(/^\d{1,12}$/)
        .nullable()
        .default(null),
      playlist: z
        .array(z.string().regex(VIEW_NAME))
        .min(1)
        .max(MAX_PLAYLIST)
        .nullable()
        .default(null),
      interval: z.string().regex(INTERVAL_TEXT).nullable().default(null),
    })
    .default({ display: null, playlist: null, interval: null }),
  /** nativeTheme.themeSource: what the page's "System" theme follows. */
  theme: z.enum(NATIVE_THEMES).default('system'),
  /** Accept safeStorage's basic_text backend on Linux (credentials.ts; loudly warned). */
  allowBasicTextSecrets: z.boolean().default(false),
})

export type ShellSettings = z.output<typeof shellSettingsSchema>

export const DEFAULT_SHELL_SETTINGS: ShellSettings = shellSettingsSchema.parse({})

/** The settings in `file`: defaults where it is missing; defaults and a problem when unreadable. */
export function readShellSettings(file: string): {
  readonly settings: ShellSettings
  readonly problem: string | null
} {
  const raw = readJsonFile(file)
  if (raw === undefined) return { settings: DEFAULT_SHELL_SETTINGS, problem: null }
  const parsed = shellSettingsSchema.safeParse(raw)
  if (parsed.success) return { settings: parsed.data, problem: null }
  const where = parsed.error.issues.map((i) => i.path.join('.') || '(file)').join(', ')
  return {
    settings: DEFAULT_SHELL_SETTINGS,
    problem: `The shell settings in ${file} could not be read (${where}); the defaults are used.`,
  }
}

export const writeShellSettings = (file: string, settings: ShellSettings): void =>
  writeJsonFileAtomic(file, shellSettingsSchema.parse(settings))

/** The wall the settings describe. */
export const wallRequestOf = (settings: ShellSettings): WallRequest => settings.wall

/**
 * app.setLoginItemSettings's argument: start at login or not; a wall screen's login start opens
 * the wall (`--wall`), a laptop's opens the desk window.
 */
export function loginItemSettings(settings: ShellSettings): {
  readonly openAtLogin: boolean
  readonly args: string[]
} {
  return { openAtLogin: settings.openAtLogin, args: settings.wallAtStart ? ['--wall'] : [] }
}
