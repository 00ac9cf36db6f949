import { StrictMode } from 'react'
import { createRoot } from 'react-dom/client'
import { resolveBridge } from './api/bridge.ts'
import { ApiProvider, createApiClient } from './api/client.ts'
import { App } from './app.tsx'
import { applyTheme, initialTheme } from './lib/theme.ts'
import './styles/theme.css'
import './styles/app.css'

// Before the first render, so the page never flashes the other theme.
applyTheme(initialTheme())

const container = document.getElementById('root')
if (container === null) throw new Error('index.html has no #root element')

const client = createApiClient(resolveBridge())

createRoot(container).render(
  <StrictMode>
    <ApiProvider client={client}>
      <App />
    </ApiProvider>
  </StrictMode>,
)
