import './lib/zod-without-eval.ts'
import { StrictMode } from 'react'
import { createRoot } from 'react-dom/client'
import { resolveBridge } from './api/bridge.ts'
import { ApiProvider, createApiClient } from './api/client.ts'
import { App } from './app.tsx'
import { PageBoundary } from './components/error-boundary.tsx'
import { applyTheme, initialTheme } from './lib/theme.ts'
import { WallApp } from './wall/wall-app.tsx'
import { isWallMode } from './wall/wall-url.ts'
import './styles/theme.css'
import './styles/app.css'

// Before the first render, so the page never flashes the other theme.
applyTheme(initialTheme())

const container = document.getElementById('root')
if (container === null) throw new Error('index.html has no #root element')

const client = createApiClient(resolveBridge())
// `?mode=wall`: the same api and dashboards, rotated on a screen with nothing to click.
const wall = isWallMode(window.location.search)
if (wall) document.documentElement.classList.add('wall-mode')

createRoot(container).render(
  <StrictMode>
    <ApiProvider client={client}>
      {/* The wall heals itself (its own boundary); a desk page keeps a sentence and a reload. */}
      {wall ? (
        <WallApp />
      ) : (
        <PageBoundary>
          <App />
        </PageBoundary>
      )}
    </ApiProvider>
  </StrictMode>,
)
