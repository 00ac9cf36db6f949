// Named filter presets (issue 11, "named presets … in SQLite, offline"): a name
// and a whole filter set (the range choice — a preset that rolls with the
// clock, or fixed days — its time zone, and the dimensions), kept in the
// cache's `filter_presets` table. One of them may be the default: the page
// opens on it when its link names no filters.
import { z } from 'zod'
import { filtersSchema, type Filters } from './filters.ts'

/** Longest preset name, in characters once trimmed. */
export const PRESET_NAME_MAX = 80
/** Most presets a cache keeps; a save past it is refused with a sentence. */
export const PRESET_LIMIT = 200

/** A name as typed: surrounding spaces dropped, 1..PRESET_NAME_MAX characters left. */
export const presetNameSchema = z
  .string()
  .max(PRESET_NAME_MAX * 4)
  .transform((name) => name.trim())
  .pipe(
    z
      .string()
      .min(1, 'a preset needs a name')
      .max(PRESET_NAME_MAX, `a preset name has at most ${PRESET_NAME_MAX} characters`),
  )

/** A preset's row id. */
export const presetIdSchema = z.int().min(1).max(Number.MAX_SAFE_INTEGER)

export const savePresetInputSchema = z
  .object({
    name: presetNameSchema,
    filters: filtersSchema,
    /** Overwrite the filters of the preset already called `name` instead of refusing the name. */
    replace: z.boolean().default(false),
  })
  .strict()

export const renamePresetInputSchema = z
  .object({ id: presetIdSchema, name: presetNameSchema })
  .strict()

export const deletePresetInputSchema = z.object({ id: presetIdSchema }).strict()

/** `id: null` leaves no default. */
export const setDefaultPresetInputSchema = z.object({ id: presetIdSchema.nullable() }).strict()

/** A stored preset whose filters parse with today's schema. */
export interface FilterPreset {
  readonly id: number
  readonly name: string
  readonly filters: Filters
  readonly isDefault: boolean
  /** ISO time of the last save or rename. */
  readonly updatedAt: string
}

/**
 * A stored preset whose filters no longer parse (a value or a zone this build refuses): listed
 * with why, so it can be deleted, never applied and never a crash.
 */
export interface UnreadablePreset {
  readonly id: number
  readonly name: string
  readonly problem: string
}

export interface PresetList {
  /** By name, case-insensitively. */
  readonly presets: readonly FilterPreset[]
  readonly unreadable: readonly UnreadablePreset[]
}

/** Why a change was not made. */
export type PresetRefusal = 'name-taken' | 'limit' | 'not-found'

/**
 * A change's answer, as a value: a refusal is the viewer's to read (a taken name), not a failed
 * call.
 */
export type PresetChange =
  | { readonly ok: true; readonly id: number | null }
  | { readonly ok: false; readonly reason: PresetRefusal; readonly message: string }
