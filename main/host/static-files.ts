import { createReadStream, realpathSync } from 'node:fs'
import { lstat, realpath } from 'node:fs/promises'
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

/**
 * Serves the built renderer. Paths are resolved inside `root` only; any
 * other path (`..`, encoded or not) is a 404, a symbolic link (or a file
 * whose real path leaves `root`) is a 404, and unknown routes get the app.
 * `headers`: sent with every answer (the CSP and the security headers).
 */
export function createStaticHandler(root: string, headers: Readonly<Record<string, string>>) {
  const base = normalize(root + sep)
  let realBase: string
  try {
    realBase = normalize(realpathSync(root) + sep)
  } catch {
    realBase = base
  }
  /** A regular file under root, reached without following any link. */
  const plainFile = async (file: string) => {
    const info = await lstat(file).catch(() => null)
    if (!info?.isFile()) return null
    const real = await realpath(file).catch(() => null)
    return real !== null && real.startsWith(realBase) ? info : null
  }
  /** `pageCookie`: set with the page itself (index.html), never with its assets. */
  return async (req: IncomingMessage, res: ServerResponse, pageCookie?: string): Promise<void> => {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { ...headers, allow: 'GET, HEAD' }).end()
      return
    }
    let pathname: string
    try {
      pathname = decodeURIComponent(new URL(req.url ?? '/', 'http://localhost').pathname)
    } catch {
      res.writeHead(400, headers).end('bad path')
      return
    }
    let file = normalize(join(base, pathname))
    if (!file.startsWith(base)) {
      res.writeHead(404, headers).end()
      return
    }
    let info = await plainFile(file)
    if (!info) {
      if (extname(pathname) !== '') {
        res.writeHead(404, headers).end()
        return
      }
      file = join(base, 'index.html')
      info = await plainFile(file)
      if (!info) {
        res
          .writeHead(503, { ...headers, 'content-type': 'text/plain; charset=utf-8' })
          .end('The renderer is not built. Run `npm run build:renderer` (npm run serve does it).')
        return
      }
    }
    res.writeHead(200, {
      'content-type': types[extname(file)] ?? 'application/octet-stream',
      'content-length': info.size,
      ...headers,
      ...(pageCookie && file.endsWith('index.html') ? { 'set-cookie': pageCookie } : {}),
      'cache-control': file.endsWith('index.html') ? 'no-cache' : 'public, max-age=3600',
    })
    if (req.method === 'HEAD') {
      res.end()
      return
    }
    createReadStream(file).pipe(res)
  }
}
