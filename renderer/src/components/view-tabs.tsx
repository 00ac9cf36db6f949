import { useRef, type KeyboardEvent } from 'react'
import { VIEWS, type ViewId } from '../lib/views.ts'

interface ViewTabsProps {
  readonly active: ViewId
  readonly onSelect: (view: ViewId) => void
}

/** The dashboards as tabs; arrow keys move between them (WAI-ARIA tabs pattern). */
export function ViewTabs({ active, onSelect }: ViewTabsProps) {
  const list = useRef<HTMLDivElement>(null)
  const onKeyDown = (event: KeyboardEvent<HTMLButtonElement>): void => {
    const index = VIEWS.findIndex((v) => v.id === active)
    const step =
      event.key === 'ArrowRight'
        ? 1
        : event.key === 'ArrowLeft'
          ? -1
          : event.key === 'Home'
            ? -index
            : 0
    if (step === 0 && event.key !== 'End') return
    event.preventDefault()
    const next =
      event.key === 'End' ? VIEWS.length - 1 : (index + step + VIEWS.length) % VIEWS.length
    const view = VIEWS[next]
    if (view === undefined) return
    onSelect(view.id)
    list.current?.querySelector<HTMLButtonElement>(`[data-view="${view.id}"]`)?.focus()
  }
  return (
    <nav className="tabs" aria-label="Dashboards">
      <div ref={list} role="tablist" className="tab-list">
        {VIEWS.map((view) => {
          const selected = view.id === active
          return (
            <button
              key={view.id}
              type="button"
              role="tab"
              id={`tab-${view.id}`}
              aria-controls="view-panel"
              aria-selected={selected}
              tabIndex={selected ? 0 : -1}
              className={selected ? 'tab tab-active' : 'tab'}
              data-testid={`tab-${view.id}`}
              data-view={view.id}
              onClick={() => onSelect(view.id)}
              onKeyDown={onKeyDown}
            >
              {view.label}
            </button>
          )
        })}
      </div>
    </nav>
  )
}
