import {
  deletePreset,
  listPresets,
  renamePreset,
  savePreset,
  setDefaultPreset,
} from '../../store/filter-presets.ts'
import type { HandlerModule } from './types.ts'

export const presetHandlers = {
  'presets.list': (_input, ctx) => listPresets(ctx.db),
  'presets.save': (input, ctx) =>
    savePreset(ctx.db, input.name, input.filters, input.replace, ctx.clock().getTime()),
  'presets.rename': (input, ctx) =>
    renamePreset(ctx.db, input.id, input.name, ctx.clock().getTime()),
  'presets.delete': (input, ctx) => deletePreset(ctx.db, input.id),
  'presets.setDefault': (input, ctx) => setDefaultPreset(ctx.db, input.id),
} satisfies HandlerModule
