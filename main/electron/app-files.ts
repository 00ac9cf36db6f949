// What the app's protocol answers (app-protocol.ts registers it): the built renderer's files,
// served from out/renderer under `app://watchfloor/…` instead of `file://` (issue 15, "Found in
// the shell"). A page from file:// shares its origin with every file on the disk; ours has an
// origin of its own that IPC senders, navigations and permissions are checked against.
//
// Pure apart from reading the files: a Request in, a Response out, so it is tested under Node
// on a real folder with hostile paths (tests/unit/electron-app-files.test.ts).
import { lstat, readFile, realpath } from 'node:fs/promises'
import { extname, isAbsolute, join, relative, resolve, sep } from 'node:path'
import { SECURITY_HEADERS, contentSecurityPolicy } from '../../shared/api/content-security.ts'
import { CONTENT_TYPES } from '../host/static-files.ts'
import { isAppUrl } from './security-policy.ts'

/**
 * Headers of every answer: the page's one CSP (shared/api/content-security.ts, the same
 * function that writes index.html's <meta>, which a header may extend only by what a <meta>
 * cannot carry: frame-ancestors) and the browser host's security headers.
 */
export function appResponseHeaders(): Record<string, string> {
  return { ...SECURITY_HEADERS, 'content-security-policy': contentSecurityPolicy() }
}

/**
 * The file under `rendererDir` that `url` names, or null: only `app://watchfloor/…`; the path
 * decoded once and refused when it climbs out (`..`, encoded or not), holds a NUL or a
 * backslash (a separator on Windows), or is absolute after decoding (`//etc/passwd`). `/` is
 * index.html; an extensionless path is the app itself (a reload of a deep link).
 */
export function appFileFor(rendererDir: string, url: string): string | null {
  if (!isAppUrl(url)) return null
  let path: string
  try {
    path = decodeURIComponent(new URL(url).pathname)
  } catch {
    return null
  }
  if (path.includes('\0') || path.includes('\\')) return null
  const root = resolve(rendererDir)
  const file = resolve(root, `.${path}`)
  const inside = relative(root, file)
  if (inside.startsWith('..') || isAbsolute(inside)) return null
  if (inside === '' || extname(inside) === '') return join(root, 'index.html')
  return file
}

const answer = (status: number, body: string | null = null, extra: Record<string, string> = {}) =>
  new Response(body, {
    status,
    headers: {
      ...appResponseHeaders(),
      ...(body === null ? {} : { 'content-type': 'text/plain; charset=utf-8' }),
      ...extra,
    },
  })

/**
 * Answers one request of the app's protocol: GET and HEAD of a regular file under
 * `rendererDir` reached without leaving it through a link, with its content type and the
 * security headers; 404 for anything else (including every refused path), 405 for other
 * methods.
 */
export async function serveAppRequest(
  rendererDir: string,
  request: { readonly url: string; readonly method: string },
): Promise<Response> {
  if (request.method !== 'GET' && request.method !== 'HEAD')
    return answer(405, null, { allow: 'GET, HEAD' })
  const file = appFileFor(rendererDir, request.url)
  if (file === null) return answer(404)
  const info = await lstat(file).catch(() => null)
  if (!info?.isFile()) {
    return relative(resolve(rendererDir), file) === 'index.html'
      ? answer(503, 'The renderer is not built. Run `npm run build`.')
      : answer(404)
  }
  // A link inside the folder pointing out of it is refused as the host refuses it.
  const [realRoot, realFile] = await Promise.all([
    realpath(rendererDir).catch(() => null),
    realpath(file).catch(() => null),
  ])
  if (realRoot === null || realFile === null || !realFile.startsWith(realRoot + sep))
    return answer(404)
  const body = request.method === 'HEAD' ? null : await readFile(file)
  return new Response(body, {
    status: 200,
    headers: {
      ...appResponseHeaders(),
      'content-type': CONTENT_TYPES[extname(file)] ?? 'application/octet-stream',
      'content-length': String(info.size),
      'cache-control': 'no-cache',
    },
  })
}
