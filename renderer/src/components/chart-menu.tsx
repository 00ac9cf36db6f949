import { useContext, useEffect, useId, useRef, useState, type KeyboardEvent } from 'react'
import { ExportOpenerContext } from '../hooks/use-export.ts'

export interface ChartMenuAction {
  readonly id: string
  readonly label: string
  readonly run: () => void
}

interface ChartMenuProps {
  /** The chart's name, so a screen reader hears which chart the menu is for. */
  readonly chart: string
  readonly actions: readonly ChartMenuAction[]
  readonly testId: string
}

/**
 * The chart's own menu in place of Plotly's mode bar (which offers a cloud upload): a menu
 * button in the WAI-ARIA pattern. Enter, Space or ArrowDown opens it on the first item; arrows,
 * Home and End move; Escape or Tab closes it and gives focus back to the button.
 */
export function ChartMenu({ chart, actions: own, testId }: ChartMenuProps) {
  // The desk page's export dialog, on PDF: the report carries this chart as drawn (issue 12).
  const openExport = useContext(ExportOpenerContext)
  const actions: readonly ChartMenuAction[] =
    openExport === null
      ? own
      : [
          ...own,
          { id: 'report', label: 'Export report…', run: () => openExport({ format: 'pdf' }) },
        ]
  const [open, setOpen] = useState(false)
  const [focusIndex, setFocusIndex] = useState(0)
  const button = useRef<HTMLButtonElement>(null)
  const menu = useRef<HTMLDivElement>(null)
  const menuId = useId()

  useEffect(() => {
    if (!open) return
    menu.current?.querySelectorAll<HTMLButtonElement>('[role="menuitem"]')[focusIndex]?.focus()
  }, [open, focusIndex])

  // A click anywhere else closes it, as a native menu does.
  useEffect(() => {
    if (!open) return
    const onPointer = (event: PointerEvent): void => {
      const target = event.target as Node
      if (!menu.current?.contains(target) && !button.current?.contains(target)) setOpen(false)
    }
    document.addEventListener('pointerdown', onPointer)
    return () => document.removeEventListener('pointerdown', onPointer)
  }, [open])

  const close = (refocus: boolean): void => {
    setOpen(false)
    if (refocus) button.current?.focus()
  }
  const openAt = (index: number): void => {
    setFocusIndex(index)
    setOpen(true)
  }

  const onButtonKey = (event: KeyboardEvent<HTMLButtonElement>): void => {
    if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
      event.preventDefault()
      openAt(event.key === 'ArrowDown' ? 0 : actions.length - 1)
    }
  }
  const onMenuKey = (event: KeyboardEvent<HTMLDivElement>): void => {
    const last = actions.length - 1
    const moves: Record<string, number> = {
      ArrowDown: focusIndex === last ? 0 : focusIndex + 1,
      ArrowUp: focusIndex === 0 ? last : focusIndex - 1,
      Home: 0,
      End: last,
    }
    const next = moves[event.key]
    if (next !== undefined) {
      event.preventDefault()
      setFocusIndex(next)
    } else if (event.key === 'Escape') {
      event.preventDefault()
      close(true)
    } else if (event.key === 'Tab') close(false)
  }

  return (
    <div className="chart-menu">
      <button
        ref={button}
        type="button"
        className="chart-menu-button"
        aria-haspopup="menu"
        aria-expanded={open}
        aria-controls={open ? menuId : undefined}
        aria-label={`Chart menu: ${chart}`}
        title="Chart menu"
        data-testid={testId}
        onClick={() => (open ? close(false) : openAt(0))}
        onKeyDown={onButtonKey}
      >
        <span className="chart-menu-dots" aria-hidden="true" />
      </button>
      {open && (
        <div
          ref={menu}
          id={menuId}
          role="menu"
          aria-label={`${chart}: export and view`}
          className="chart-menu-list"
          tabIndex={-1}
          onKeyDown={onMenuKey}
        >
          {actions.map((action, i) => (
            <button
              key={action.id}
              type="button"
              role="menuitem"
              tabIndex={i === focusIndex ? 0 : -1}
              className="chart-menu-item"
              data-testid={`${testId}-${action.id}`}
              onClick={() => {
                close(true)
                action.run()
              }}
            >
              {action.label}
            </button>
          ))}
        </div>
      )}
    </div>
  )
}
