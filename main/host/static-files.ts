import { createReadStream, realpathSync, type Stats } from 'node:fs'
import { lstat, realpath } from 'node:fs/promises'
import type { IncomingMessage, ServerResponse } from 'node:http'
import { extname, join, normalize, relative, sep } from 'node:path'

/** Content types of the built renderer's files, by extension (the host's and the app's protocol). */
export const CONTENT_TYPES: Readonly<Record<string, string>> = {
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
 * The encodings the build writes beside each file (renderer/vite.config.ts), best first, with
 * the suffix of their file. Brotli is about a fifth smaller than gzip on the Plotly chunk.
 */
const ENCODINGS = [
  { name: 'br', suffix: '.br' },
  { name: 'gzip', suffix: '.gz' },
] as const
export type ContentEncoding = (typeof ENCODINGS)[number]['name']

/**
 * Vite names every file under assets/ after a hash of its content, so a name never changes
 * meaning: a year, and `immutable` (no revalidation on reload). index.html names them, so it is
 * revalidated every time (`no-cache`, answered 304 while unchanged); a wall screen picks up a new
 * build on its next reload.
 */
const IMMUTABLE = 'public, max-age=31536000, immutable'
const REVALIDATE = 'no-cache'

/**
 * The encoding to send for an `Accept-Encoding` header, among those present on disk: the best
 * of ours the client accepts (q > 0, by name or `*`), or null for the file as it is. RFC 9110
 * §12.5.3: no header means any encoding is acceptable, but clients that omit it (scripts, old
 * proxies) expect identity, so we send identity then.
 */
export function chooseEncoding(
  acceptEncoding: string | undefined,
  available: ReadonlySet<ContentEncoding>,
): ContentEncoding | null {
  if (!acceptEncoding) return null
  const weights = new Map<string, number>()
  for (const part of acceptEncoding.split(',')) {
    const [token = '', ...params] = part.trim().toLowerCase().split(';')
    const name = token.trim()
    if (name === '') continue
    const q = params.map((p) => /^\s*q\s*=\s*([0-9.]+)\s*$/.exec(p)?.[1]).find((v) => v)
    const weight = q === undefined ? 1 : Number(q)
    weights.set(name, Number.isFinite(weight) ? weight : 0)
  }
  const weightOf = (name: string) => weights.get(name) ?? weights.get('*') ?? 0
  let best: ContentEncoding | null = null
  let bestWeight = 0
  for (const { name } of ENCODINGS) {
    if (!available.has(name)) continue
    const weight = weightOf(name)
    if (weight > bestWeight) {
      best = name
      bestWeight = weight
    }
  }
  return best
}

/**
 * Serves the built renderer. Paths are resolved inside `root` only; any
 * other path (`..`, encoded or not) is a 404, a symbolic link (or a file
 * whose real path leaves `root`) is a 404, and unknown routes get the app.
 * A file's precompressed form (`x.js.br`, `x.js.gz`, written by the build)
 * is sent for `x.js` when the client accepts it, and only when `x.js`
 * itself is there; the forms are never answered under their own names.
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
  /** The precompressed forms of `file` on disk (each a plain file under root, as `file` is). */
  const compressedForms = async (file: string) => {
    const forms = new Map<ContentEncoding, { file: string; info: Stats }>()
    for (const { name, suffix } of ENCODINGS) {
      const info = await plainFile(file + suffix)
      if (info) forms.set(name, { file: file + suffix, info })
    }
    return forms
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
    const compressedName = ENCODINGS.some(({ suffix }) => file.endsWith(suffix))
    if (!file.startsWith(base) || compressedName) {
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
    const forms = await compressedForms(file)
    const encoding = chooseEncoding(req.headers['accept-encoding'], new Set(forms.keys()))
    const sent = (encoding && forms.get(encoding)) || { file, info }
    const isPage = file === join(base, 'index.html')
    const hashed = relative(base, file).split(sep)[0] === 'assets'
    // Weak: the same content in another encoding is another representation. The build rewrites
    // every file it emits, so size and mtime change with any new build.
    const etag = `W/"${sent.info.size.toString(36)}-${Math.floor(sent.info.mtimeMs).toString(36)}${encoding ? `-${encoding}` : ''}"`
    const common = {
      ...headers,
      ...(forms.size > 0 ? { vary: 'Accept-Encoding' } : {}),
      ...(pageCookie && isPage ? { 'set-cookie': pageCookie } : {}),
      'cache-control': hashed ? IMMUTABLE : isPage ? REVALIDATE : 'public, max-age=3600',
      etag,
      // Ranges are not offered: every file is small enough to send whole, and a range of a
      // compressed form would be a range of bytes the client never asked for.
      'accept-ranges': 'none',
    }
    if (notModified(req.headers['if-none-match'], etag)) {
      res.writeHead(304, common).end()
      return
    }
    res.writeHead(200, {
      'content-type': CONTENT_TYPES[extname(file)] ?? 'application/octet-stream',
      'content-length': sent.info.size,
      ...(encoding ? { 'content-encoding': encoding } : {}),
      ...common,
    })
    if (req.method === 'HEAD') {
      res.end()
      return
    }
    createReadStream(sent.file).pipe(res)
  }
}

/** If-None-Match (RFC 9110 §13.1.2): weak comparison against any listed tag, or `*`. */
function notModified(ifNoneMatch: string | undefined, etag: string): boolean {
  if (!ifNoneMatch) return false
  const opaque = (tag: string) => tag.trim().replace(/^W\//, '')
  return ifNoneMatch.split(',').some((tag) => tag.trim() === '*' || opaque(tag) === opaque(etag))
}
