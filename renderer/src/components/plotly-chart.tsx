import type { PlotConfig, PlotElement, PlotEvent, PlotlyStatic } from 'plotly.js-strict-dist-min'
import { createContext, useContext, useEffect, useLayoutEffect, useRef, useState } from 'react'
import type { FilterField } from '../../../shared/api/index.ts'
import { useCrossFilter } from '../hooks/use-cross-filter.ts'
import {
  ChartExportContext,
  downloadFigure,
  exportFigure,
  exportFileName,
  figureSvg,
  figureTable,
  type ValueFormat,
} from '../lib/chart-export.ts'
import { ChartCatalogContext, type ChartImageFormat } from '../lib/chart-catalog.ts'
import type { ChartReadiness } from '../lib/chart-readiness.ts'
import {
  CHART_FONT_PX,
  loadPlotly,
  themeColors,
  type ChartColors,
  type Figure,
} from '../lib/plotly.ts'
import { scaleChartText } from '../lib/chart-text-scale.ts'
import type { Theme } from '../lib/theme.ts'
import '../styles/charts.css'
import { ChartMenu } from './chart-menu.tsx'
import { DataTable, type Column } from './data-table.tsx'

/** What a chart needs from the page: the theme, and where to say it is on screen and drawn. */
export interface ChartHost {
  readonly theme: Theme
  /** The answer the page holds now (compared by identity): draws are reported against it. */
  readonly token: unknown
  readonly readiness: Pick<ChartReadiness, 'register' | 'unregister' | 'drawn'>
  readonly failed: (error: unknown) => void
  /**
   * Chart text (ticks, titles, legends, annotations, hover) this many times its desk size, with
   * the margins that hold it: a wall sizes it to its screen (wall/use-chart-text-scale.ts).
   * 1 when absent.
   */
  readonly textScale?: number
}

export const ChartContext = createContext<ChartHost | null>(null)

interface PlotlyChartProps<T> {
  readonly testId: string
  readonly label: string
  /**
   * The answer the figure is drawn from (compared by identity): the chart redraws when it changes
   * and reports it once drawn. null while nothing has arrived.
   */
  readonly version: T | null
  /** Builds the figure in the current theme's colours; read when `version` or the theme moves. */
  readonly figure: (colors: ChartColors, value: T) => Figure
  readonly className?: string
  /**
   * The filter field the chart's categories are values of (a bar per source, a slice per
   * temperature, a funnel stage per status): clicking one adds it as a filter chip.
   */
  readonly pickField?: FilterField
  /** The first column's header in "View as table" (what the categories are). */
  readonly tableCategory?: string
  /** How values read in "View as table", as the chart's axis says them. */
  readonly tableFormat?: ValueFormat
}

/**
 * Plotly's own mode bar is off: its "edit in Chart Studio" uploads the figure to another origin.
 * The chart menu (chart-menu.tsx) exports and shows the data instead.
 */
export const PLOT_CONFIG: PlotConfig = {
  displaylogo: false,
  displayModeBar: false,
  showSendToCloud: false,
  showEditInChartStudio: false,
  showLink: false,
  scrollZoom: false,
}

/** The category a clicked point stands for: a bar's, a slice's, a stage's or a node's label. */
function pointLabel(event: PlotEvent): string | null {
  const point = event.points[0]
  if (point === undefined) return null
  // Bars, slices and nodes carry `label`; a funnel's stage is its category axis value (y).
  for (const candidate of [point.label, point.y, point.x])
    if (typeof candidate === 'string') return candidate
  return null
}

/** The elements whose clicks are already heard (Plotly keeps its listeners until purge). */
const listening = new WeakSet<HTMLElement>()

interface PickTarget {
  readonly current: {
    readonly pickField: FilterField | undefined
    readonly crossFilter: (pick: { field: FilterField; value: string }) => void
  }
}

/** A click on a point adds its category as a chip; the pointer says so over a pickable point. */
function listenForPicks(element: PlotElement, target: PickTarget): void {
  if (listening.has(element) || typeof element.on !== 'function') return
  listening.add(element)
  element.on('plotly_click', (event) => {
    const field = target.current.pickField
    const value = pointLabel(event)
    if (field !== undefined && value !== null) target.current.crossFilter({ field, value })
  })
  element.on('plotly_hover', (event) => {
    const pickable = target.current.pickField !== undefined && pointLabel(event) !== null
    element.classList.toggle('chart-hot', pickable)
  })
  element.on('plotly_unhover', () => element.classList.remove('chart-hot'))
}

export function PlotlyChart<T>({
  testId,
  label,
  version,
  figure,
  className,
  pickField,
  tableCategory = 'Category',
  tableFormat,
}: PlotlyChartProps<T>) {
  const host = useContext(ChartContext)
  if (host === null) throw new Error('PlotlyChart must be inside <ChartContext>')
  const exportInfo = useContext(ChartExportContext)
  const crossFilter = useCrossFilter()
  const { theme, token, readiness } = host
  const textScale = host.textScale ?? 1
  const root = useRef<HTMLDivElement>(null)
  const [plotly, setPlotly] = useState<PlotlyStatic | null>(null)
  const [key] = useState(() => Symbol(testId))
  const [tableShown, setTableShown] = useState(false)
  /**
   * The answer and figure now on screen: until the newest answer is drawn the chart is dimmed as
   * out of date, and an export or the table shows what is drawn, never a figure not yet shown.
   */
  const [drawn, setDrawn] = useState<{ version: T; figure: Figure } | null>(null)
  const latest = useRef({ figure, host, pickField, crossFilter, exportInfo, label })
  useEffect(() => {
    latest.current = { figure, host, pickField, crossFilter, exportInfo, label }
  })
  /** What is on screen now, so an answer that moves nothing this chart shows is not redrawn. */
  const onScreen = useRef<{ version: T; theme: Theme; textScale: number } | null>(null)

  // On screen, the chart counts for the page's readiness until it leaves. A layout effect, so
  // the page knows of it before the browser paints the render that mounted it.
  useLayoutEffect(() => {
    readiness.register(key)
    return () => readiness.unregister(key)
  }, [readiness, key])

  useEffect(() => {
    let current = true
    loadPlotly().then(
      (loaded) => current && setPlotly(loaded),
      (error: unknown) => current && latest.current.host.failed(error),
    )
    return () => {
      current = false
    }
  }, [])

  // Draw or update in place: Plotly.react diffs against what is drawn, so a new filter or theme
  // does not rebuild the SVG.
  useEffect(() => {
    const element = root.current
    if (plotly === null || element === null || version === null) return
    const shown = onScreen.current
    if (
      shown !== null &&
      shown.version === version &&
      shown.theme === theme &&
      shown.textScale === textScale
    ) {
      readiness.drawn(key, token)
      return
    }
    let current = true
    const built = scaleChartText(latest.current.figure(themeColors(), version), textScale, {
      fontPx: CHART_FONT_PX,
    })
    // A pickable chart is clicked, not dragged: no zoom box under the pointer.
    const figure: Figure =
      latest.current.pickField === undefined
        ? built
        : { data: built.data, layout: { ...built.layout, dragmode: false } }
    plotly.react(element, figure.data, figure.layout, PLOT_CONFIG).then(
      (drawnInto) => {
        onScreen.current = { version, theme, textScale }
        listenForPicks(drawnInto, latest)
        if (current) {
          setDrawn({ version, figure })
          readiness.drawn(key, token)
        }
      },
      (error: unknown) => current && latest.current.host.failed(error),
    )
    return () => {
      current = false
    }
  }, [plotly, version, theme, textScale, token, readiness, key])

  // A ResizeObserver rather than Plotly's `responsive` flag: the grid can resize the panel
  // without the window resizing (tabs, kiosk rotation). One resize per frame at most.
  useEffect(() => {
    const element = root.current
    if (plotly === null || element === null) return
    let frame = 0
    const observer = new ResizeObserver(() => {
      cancelAnimationFrame(frame)
      frame = requestAnimationFrame(() => {
        // Rejects when the panel is hidden or not yet drawn; the next draw sizes it anyway.
        plotly.Plots.resize(element).catch(() => undefined)
      })
    })
    observer.observe(element)
    return () => {
      observer.disconnect()
      cancelAnimationFrame(frame)
      plotly.purge(element)
      listening.delete(element)
    }
  }, [plotly])

  const download = (format: ChartImageFormat): void => {
    if (plotly === null || drawn === null) return
    const { exportInfo: info, label: title } = latest.current
    const file = exportFigure(drawn.figure, title, info, themeColors())
    downloadFigure(plotly, file, format, exportFileName(title, format)).catch((error: unknown) =>
      latest.current.host.failed(error),
    )
  }
  // The export dialog lists the tab's charts (PDF charts, chart images): this one while drawn.
  // Its entry reads the figure when asked, so a file holds what is on screen at that moment.
  const catalog = useContext(ChartCatalogContext)
  const drawnNow = useRef(drawn)
  useEffect(() => {
    drawnNow.current = drawn
  })
  const hasDrawn = drawn !== null
  useEffect(() => {
    const element = root.current
    if (catalog === null || plotly === null || element === null || !hasDrawn) return
    const fileFigure = (): Figure => {
      const shown = drawnNow.current
      if (shown === null) throw new Error(`${latest.current.label} has not been drawn yet`)
      const { exportInfo: info, label: title } = latest.current
      return exportFigure(shown.figure, title, info, themeColors())
    }
    return catalog.add({
      id: testId,
      title: label,
      element,
      svg: async () => figureSvg(plotly, fileFigure()),
      download: async (format) =>
        downloadFigure(plotly, fileFigure(), format, exportFileName(latest.current.label, format)),
    })
  }, [catalog, plotly, hasDrawn, testId, label])
  const ready = plotly !== null && drawn !== null
  const stale = ready && drawn.version !== version

  return (
    <div
      className={`chart-frame${stale ? ' chart-stale' : ''}${tableShown ? ' chart-frame-table' : ''}`}
      data-chart={testId}
      aria-busy={stale || !ready}
    >
      {ready && (
        <ChartMenu
          chart={label}
          testId={`${testId}-menu`}
          actions={[
            { id: 'png', label: 'Download PNG', run: () => download('png') },
            { id: 'svg', label: 'Download SVG', run: () => download('svg') },
            {
              id: 'table',
              label: tableShown ? 'View as chart' : 'View as table',
              run: () => setTableShown((shown) => !shown),
            },
          ]}
        />
      )}
      <div
        ref={root}
        className={`chart${className === undefined ? '' : ` ${className}`}${pickField === undefined ? '' : ' chart-pickable'}`}
        data-testid={testId}
        role="img"
        aria-label={label}
        aria-hidden={tableShown}
      />
      {tableShown && drawn !== null && (
        <ChartDataTable
          figure={drawn.figure}
          label={label}
          testId={`${testId}-table`}
          category={tableCategory}
          {...(tableFormat === undefined ? {} : { format: tableFormat })}
          {...(pickField === undefined ? {} : { pickField })}
        />
      )}
      {!ready && <div className="chart-placeholder">Loading chart…</div>}
      {stale && (
        <div className="chart-updating" role="status">
          Updating…
        </div>
      )}
    </div>
  )
}

interface ChartDataTableProps {
  readonly figure: Figure
  readonly label: string
  readonly testId: string
  readonly category: string
  readonly format?: ValueFormat
  readonly pickField?: FilterField
}

type TableRow = { readonly key: string; readonly cells: readonly string[] }

/** "View as table": the numbers the chart draws, in the one table of the dashboards. */
function ChartDataTable({
  figure,
  label,
  testId,
  category,
  format,
  pickField,
}: ChartDataTableProps) {
  const table = figureTable(figure, category, format)
  const columns: Column<TableRow>[] = table.columns.map((header, i) => ({
    id: `c${i}`,
    header,
    numeric: i > 0 && table.rows.some((r) => /^[-−$]?[\d.,]+/.test(r.cells[i] ?? '')),
    cell: (row) => row.cells[i] ?? '—',
  }))
  return (
    <div className="chart-table">
      <DataTable
        caption={`${label}: the chart's data`}
        columns={columns}
        rows={table.rows}
        rowKey={(row) => row.key}
        testId={testId}
        {...(pickField === undefined
          ? {}
          : { rowPick: (row: TableRow) => ({ field: pickField, value: row.key }) })}
      />
    </div>
  )
}
