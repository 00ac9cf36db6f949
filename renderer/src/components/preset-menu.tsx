import { useEffect, useId, useRef, useState, type FormEvent } from 'react'
import {
  PRESET_NAME_MAX,
  serializeFilters,
  type FilterPreset,
  type Filters,
} from '../../../shared/api/index.ts'
import { useDismiss } from '../hooks/use-dismiss.ts'
import { useMayCall } from '../hooks/use-role.ts'
import type { PresetOutcome, Presets } from '../hooks/use-presets.ts'

interface PresetMenuProps {
  readonly presets: Presets
  /** The filters shown now: what "Save" keeps, and what picks out the preset in use. */
  readonly current: Filters
  readonly onApply: (filters: Filters) => void
  readonly disabled?: boolean
}

/** What the menu says after a change: a refusal's sentence, or what was done. */
interface Note {
  readonly text: string
  readonly kind: 'done' | 'refused'
  /** A save refused for a taken name can be repeated as a replace. */
  readonly replace?: string
}

const noteOf = (outcome: PresetOutcome, done: string): Note =>
  outcome.ok ? { text: done, kind: 'done' } : { text: outcome.message, kind: 'refused' }

/**
 * Named presets: save the filters shown under a name, apply, rename, delete, and make one the
 * default the page opens on. Kept in the cache (SQLite), so they work offline.
 */
export function PresetMenu({ presets, current, onApply, disabled = false }: PresetMenuProps) {
  const [open, setOpen] = useState(false)
  const [name, setName] = useState('')
  const [note, setNote] = useState<Note | null>(null)
  const [renaming, setRenaming] = useState<{ id: number; name: string } | null>(null)
  const [deleting, setDeleting] = useState<number | null>(null)
  const root = useRef<HTMLDivElement>(null)
  const button = useRef<HTMLButtonElement>(null)
  const panelId = useId()
  const renameInput = useRef<HTMLInputElement>(null)
  const renamingId = renaming?.id ?? null
  // A viewer's screen applies saved filters; saving and changing them is an analyst's.
  const mayEdit = useMayCall('presets.save')

  // "Rename" swaps the name for a field: the focus moves into it, where the viewer asked.
  useEffect(() => {
    if (renamingId !== null) renameInput.current?.focus()
  }, [renamingId])

  const list = presets.list.data
  const currentText = serializeFilters(current)
  const inUse = list?.presets.find((p) => serializeFilters(p.filters) === currentText)

  const close = (): void => {
    setOpen(false)
    setRenaming(null)
    setDeleting(null)
    setNote(null)
  }

  useDismiss(open, root, (escape) => {
    setOpen(false)
    setRenaming(null)
    setDeleting(null)
    setNote(null)
    if (escape) button.current?.focus()
  })

  const save = async (event: FormEvent, replace = false): Promise<void> => {
    event.preventDefault()
    const outcome = await presets.save(name, current, replace)
    const trimmed = name.trim()
    if (!outcome.ok && outcome.reason === 'name-taken') {
      setNote({ text: outcome.message, kind: 'refused', replace: trimmed })
      return
    }
    setNote(noteOf(outcome, `Saved "${trimmed}".`))
    if (outcome.ok) setName('')
  }

  const rename = async (event: FormEvent): Promise<void> => {
    event.preventDefault()
    if (renaming === null) return
    const outcome = await presets.rename(renaming.id, renaming.name)
    setNote(noteOf(outcome, `Renamed to "${renaming.name.trim()}".`))
    if (outcome.ok) setRenaming(null)
  }

  const remove = async (preset: { id: number; name: string }): Promise<void> => {
    const outcome = await presets.remove(preset.id)
    setDeleting(null)
    setNote(noteOf(outcome, `Deleted "${preset.name}".`))
  }

  const toggleDefault = async (preset: FilterPreset): Promise<void> => {
    const outcome = await presets.setDefault(preset.isDefault ? null : preset.id)
    setNote(
      noteOf(
        outcome,
        preset.isDefault
          ? `"${preset.name}" is no longer the default.`
          : `"${preset.name}" opens when a link names no filters.`,
      ),
    )
  }

  return (
    <div className={open ? 'preset-menu preset-menu-open' : 'preset-menu'} ref={root}>
      <button
        type="button"
        ref={button}
        className={inUse === undefined ? 'multi-button' : 'multi-button preset-menu-in-use'}
        data-testid="presets-button"
        data-preset={inUse?.name ?? ''}
        aria-expanded={open}
        aria-controls={panelId}
        disabled={disabled}
        onClick={() => {
          if (open) close()
          else {
            presets.reload()
            setOpen(true)
          }
        }}
      >
        <span className="multi-summary">
          {inUse === undefined ? 'Saved filters' : `Saved: ${inUse.name}`}
        </span>
        <span className="multi-caret" aria-hidden="true" />
      </button>
      {open && (
        <div
          className="multi-panel preset-panel"
          id={panelId}
          role="group"
          aria-label="Saved filters"
          data-testid="presets-panel"
        >
          {mayEdit && (
            <form className="preset-save" onSubmit={(event) => void save(event)}>
              <label className="preset-save-label" htmlFor={`${panelId}-name`}>
                Save these filters as
              </label>
              <div className="preset-save-row">
                <input
                  id={`${panelId}-name`}
                  type="text"
                  className="multi-search"
                  data-testid="preset-name"
                  value={name}
                  maxLength={PRESET_NAME_MAX}
                  placeholder="Name"
                  onChange={(event) => setName(event.currentTarget.value)}
                />
                <button
                  type="submit"
                  className="button button-small"
                  data-testid="preset-save"
                  disabled={name.trim() === ''}
                >
                  Save
                </button>
              </div>
            </form>
          )}
          {note !== null && (
            <p
              className={
                note.kind === 'refused' ? 'preset-note preset-note-refused' : 'preset-note'
              }
              role={note.kind === 'refused' ? 'alert' : 'status'}
              data-testid="preset-note"
            >
              {note.text}
              {note.replace !== undefined && (
                <button
                  type="button"
                  className="multi-clear"
                  data-testid="preset-replace"
                  onClick={(event) => void save(event, true)}
                >
                  Replace it
                </button>
              )}
            </p>
          )}
          {list === null ? (
            <p className="multi-none">{presets.list.error?.message ?? 'Loading…'}</p>
          ) : list.presets.length === 0 && list.unreadable.length === 0 ? (
            <p className="multi-none">No saved filters yet</p>
          ) : (
            <ul className="multi-options preset-list">
              {list.presets.map((preset) => (
                <li
                  key={preset.id}
                  className="preset-item"
                  data-testid="preset-item"
                  data-name={preset.name}
                  data-default={preset.isDefault}
                >
                  {renaming?.id === preset.id ? (
                    <form className="preset-save-row" onSubmit={(event) => void rename(event)}>
                      <input
                        type="text"
                        className="multi-search"
                        aria-label={`New name for ${preset.name}`}
                        data-testid="preset-rename-input"
                        value={renaming.name}
                        maxLength={PRESET_NAME_MAX}
                        ref={renameInput}
                        onChange={(event) =>
                          setRenaming({ id: preset.id, name: event.currentTarget.value })
                        }
                      />
                      <button
                        type="submit"
                        className="button button-small"
                        data-testid="preset-rename-save"
                        disabled={renaming.name.trim() === ''}
                      >
                        Rename
                      </button>
                      <button
                        type="button"
                        className="multi-clear"
                        onClick={() => setRenaming(null)}
                      >
                        Cancel
                      </button>
                    </form>
                  ) : deleting === preset.id ? (
                    <div className="preset-save-row">
                      <span className="preset-confirm">Delete “{preset.name}”?</span>
                      <button
                        type="button"
                        className="button button-small"
                        data-testid="preset-delete-confirm"
                        onClick={() => void remove(preset)}
                      >
                        Delete
                      </button>
                      <button
                        type="button"
                        className="multi-clear"
                        onClick={() => setDeleting(null)}
                      >
                        Keep
                      </button>
                    </div>
                  ) : (
                    <>
                      <button
                        type="button"
                        className="preset-apply"
                        data-testid="preset-apply"
                        aria-current={inUse?.id === preset.id ? 'true' : undefined}
                        onClick={() => {
                          onApply(preset.filters)
                          close()
                          button.current?.focus()
                        }}
                      >
                        {preset.name}
                        {preset.isDefault && (
                          <span className="preset-default-mark"> · default</span>
                        )}
                      </button>
                      {mayEdit && (
                        <span className="preset-actions">
                          <button
                            type="button"
                            className="multi-clear"
                            data-testid="preset-default"
                            aria-pressed={preset.isDefault}
                            aria-label={`Open on ${preset.name} by default`}
                            onClick={() => void toggleDefault(preset)}
                          >
                            {preset.isDefault ? 'Unset default' : 'Default'}
                          </button>
                          <button
                            type="button"
                            className="multi-clear"
                            data-testid="preset-rename"
                            aria-label={`Rename ${preset.name}`}
                            onClick={() => {
                              setDeleting(null)
                              setRenaming({ id: preset.id, name: preset.name })
                            }}
                          >
                            Rename
                          </button>
                          <button
                            type="button"
                            className="multi-clear"
                            data-testid="preset-delete"
                            aria-label={`Delete ${preset.name}`}
                            onClick={() => {
                              setRenaming(null)
                              setDeleting(preset.id)
                            }}
                          >
                            Delete
                          </button>
                        </span>
                      )}
                    </>
                  )}
                </li>
              ))}
              {list.unreadable.map((preset) => (
                <li
                  key={preset.id}
                  className="preset-item preset-unreadable"
                  data-testid="preset-unreadable"
                  data-name={preset.name}
                >
                  <span>
                    {preset.name}: {preset.problem}
                  </span>
                  {mayEdit && (
                    <button
                      type="button"
                      className="multi-clear"
                      aria-label={`Delete ${preset.name}`}
                      onClick={() => void remove(preset)}
                    >
                      Delete
                    </button>
                  )}
                </li>
              ))}
            </ul>
          )}
        </div>
      )}
    </div>
  )
}
