import { CallFirstTable, ModelCardBody, callFirstSubtitle } from '../components/intel-parts.tsx'
import { IntelStatusBar } from '../components/intel-status.tsx'
import { Panel } from '../components/panel.tsx'
import { PlotlyChart } from '../components/plotly-chart.tsx'
import { calibrationFigure } from '../lib/intel-figures.ts'
import type { ViewProps } from './view-props.ts'

/**
 * Lead scores (issue 16): the open leads to call first across the page, and under them the model
 * card that says how good the scores are, beside their calibration on the held-out leads.
 */
export function ScoresView({ intel }: ViewProps) {
  const callFirst = intel?.callFirst ?? null
  const card = intel?.modelCard ?? null
  return (
    <>
      <Panel
        title="Call first"
        subtitle={callFirstSubtitle(callFirst)}
        className="table-panel"
        testId="call-first-panel"
      >
        <CallFirstTable result={callFirst} />
      </Panel>
      <div className="grid-2">
        <Panel title="Model card" className="list-panel" testId="model-card-panel">
          <ModelCardBody card={card} />
          <IntelStatusBar />
        </Panel>
        <Panel
          title="Calibration on held-out leads"
          subtitle="predicted chance against the share that converted"
          className="chart-panel"
        >
          <PlotlyChart
            testId="chart-calibration"
            label="Predicted probability against the share that converted, on the test leads"
            tableCategory="Predicted %"
            version={card}
            figure={(c, m) => calibrationFigure(c, m.calibration.bins)}
          />
        </Panel>
      </div>
    </>
  )
}
