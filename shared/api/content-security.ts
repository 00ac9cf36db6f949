// The page's security policy, defined once for every way the page is loaded:
// the browser host's headers (main/host), the Electron window's
// (main/electron/window.ts) and the <meta> of the built index.html
// (renderer/vite.config.ts). No inline or eval'd script (hence the CSP-safe
// Plotly bundle), no remote origin; style-src keeps 'unsafe-inline' because
// Plotly and React set inline styles.

/**
 * The Content-Security-Policy. `socketUrls`: the exact WebSocket URLs of the
 * host's api, named in its header ('self' already covers a same-origin ws:
 * in current browsers, and the built page's <meta> policy, enforced beside
 * the header, allows only 'self'; naming them documents exactly what the page
 * may reach). `meta`: leaves out what a <meta> cannot carry (frame-ancestors).
 */
export function contentSecurityPolicy(
  options: { readonly socketUrls?: readonly string[]; readonly meta?: boolean } = {},
): string {
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    ["connect-src 'self'", ...(options.socketUrls ?? [])].join(' '),
    "font-src 'self' data:",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
    ...(options.meta ? [] : ["frame-ancestors 'none'"]),
  ].join('; ')
}

/** Headers every response of the browser host carries, beside its CSP. */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'referrer-policy': 'no-referrer',
  'permissions-policy':
    'camera=(), microphone=(), geolocation=(), usb=(), serial=(), hid=(), payment=(), clipboard-read=()',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
}
