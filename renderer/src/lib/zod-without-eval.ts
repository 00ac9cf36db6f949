// zod compiles a fast parser with `new Function` when it may, and finds out by trying
// `Function('')` on the first parse. The page's CSP has no 'unsafe-eval' (shared/api/
// content-security.ts), so the try is refused, and every page start logged a CSP violation.
// jitless skips the try; the page's answers are small, so the interpreted parser costs nothing
// that shows. Imported first by main.tsx, before any schema parses.
import { config } from 'zod'

config({ jitless: true })
