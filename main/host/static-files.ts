import { createReadStream } from 'node:fs'
import { stat } from 'node:fs/promises'
import type { IncomingMessage, ServerResponse } from 'node:http'
import { extname, join, normalize, sep } from 'node:path'

const types: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
}

/** The same policy as renderer/index.html, sent as a header too. */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "connect-src 'self' ws: wss:",
  "font-src 'self' data:",
  "object-src 'none'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
].join('; ')

/**
 * Serves the built renderer. Paths are resolved inside `root` only; any
 * other path (`..`, encoded or not) is a 404, and unknown routes get the app.
 */
export function createStaticHandler(root: string) {
  const base = normalize(root + sep)
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD' }).end()
      return
    }
    let pathname: string
    try {
      pathname = decodeURIComponent(new URL(req.url ?? '/', 'http://localhost').pathname)
    } catch {
      res.writeHead(400).end('bad path')
      return
    }
    let file = normalize(join(base, pathname))
    if (!file.startsWith(base)) {
      res.writeHead(404).end()
      return
    }
    let info = await stat(file).catch(() => null)
    if (!info?.isFile()) {
      if (extname(pathname) !== '') {
        res.writeHead(404).end()
        return
      }
      file = join(base, 'index.html')
      info = await stat(file).catch(() => null)
      if (!info?.isFile()) {
        res
          .writeHead(503, { 'content-type': 'text/plain; charset=utf-8' })
          .end('The renderer is not built. Run `npm run build:renderer` (npm run serve does it).')
        return
      }
    }
    res.writeHead(200, {
      'content-type': types[extname(file)] ?? 'application/octet-stream',
      'content-length': info.size,
      'content-security-policy': CONTENT_SECURITY_POLICY,
      'x-content-type-options': 'nosniff',
      'cache-control': file.endsWith('index.html') ? 'no-cache' : 'public, max-age=3600',
    })
    if (req.method === 'HEAD') {
      res.end()
      return
    }
    createReadStream(file).pipe(res)
  }
}
