// The SpreadsheetML text of an .xlsx (ECMA-376 part 1): escaping, cell
// references, sheet names, the styles every cell points at, and the small
// fixed parts of the package (content types, relationships, workbook, core
// properties). The worksheets themselves are streamed by xlsx.ts.
import type { CellKind } from './report.ts'

export const SHEET_NS = 'http://schemas.openxmlformats.org/spreadsheetml/2006/main'
const REL_NS = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships'
const PKG_REL_NS = 'http://schemas.openxmlformats.org/package/2006/relationships'
export const XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'

/** Excel's most characters in one cell; a longer text makes Excel "repair" the file. */
export const MAX_CELL_CHARS = 32_767
/** Excel's most rows in one sheet, the header included. */
export const EXCEL_ROW_LIMIT = 1_048_576
/** Excel's most columns in one sheet (A..XFD). */
export const EXCEL_COLUMN_LIMIT = 16_384
/** Excel's longest sheet name. */
export const MAX_SHEET_NAME_CHARS = 31

// Characters XML 1.0 does not allow (and U+FFFE/U+FFFF, which it does not allow either), plus
// the markup characters. Tested first so the common string costs one regex test and no copy.
const NEEDS_ESCAPE =
  // eslint-disable-next-line no-control-regex -- matching control characters is the point
  /[&<>"\r\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|_x[0-9A-Fa-f]{4}_/
const ESCAPES =
  // eslint-disable-next-line no-control-regex -- matching control characters is the point
  /[&<>"\r]|[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|_(?=x[0-9A-Fa-f]{4}_)/g

const hex4 = (code: number) => code.toString(16).toUpperCase().padStart(4, '0')

function escapeOne(ch: string): string {
  switch (ch) {
    case '&':
      return '&amp;'
    case '<':
      return '&lt;'
    case '>':
      return '&gt;'
    case '"':
      return '&quot;'
    case '\r':
      // A parser reads a raw CR (or CR LF) as LF (XML 1.0 2.11); a reference keeps it.
      return '&#13;'
    case '_':
      // A literal "_x0041_" would be read by Excel as the escape for "A" (ST_Xstring,
      // ECMA-376 22.9.2.19): its underscore is itself escaped so the text stays as typed.
      return '_x005F_'
    default:
      // A control character cannot appear in XML 1.0 at all; ST_Xstring's _xHHHH_ form carries
      // it, so Excel and LibreOffice read back the very character and nothing is lost.
      return `_x${hex4(ch.charCodeAt(0))}_`
  }
}

/**
 * Text for a cell's `<t>` (or an attribute): markup escaped, characters XML 1.0 forbids written
 * in ST_Xstring's `_xHHHH_` form. A lone surrogate needs nothing here: UTF-8 encoding writes it
 * as U+FFFD, which is valid XML.
 */
export function escapeText(text: string): string {
  return NEEDS_ESCAPE.test(text) ? text.replace(ESCAPES, escapeOne) : text
}

/** Plain XML escaping for attributes whose value is not ST_Xstring (names, references). */
export function escapeAttribute(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
}

/** A column's letters: 0 → A, 25 → Z, 26 → AA. */
export function columnLetters(index: number): string {
  let n = index + 1
  let letters = ''
  while (n > 0) {
    const rem = (n - 1) % 26
    letters = String.fromCharCode(65 + rem) + letters
    n = Math.floor((n - 1) / 26)
  }
  return letters
}

const ILLEGAL_SHEET_CHARS =
  // eslint-disable-next-line no-control-regex -- control characters cannot name a sheet
  /[[\]:*?/\\\u0000-\u001F\uFFFE\uFFFF]/g

/**
 * Hands out sheet names Excel accepts: at most 31 characters, none of []:*?/\ , not starting or
 * ending with an apostrophe, not "History" (reserved by Excel), and unique ignoring case. A
 * clash gets " (2)", " (3)"… with the base cut so the whole still fits in 31 characters.
 */
export class SheetNames {
  private readonly used = new Set<string>()

  /** `name` made legal and unique; `part` > 1 names a continuation sheet, "Leads (2)". */
  take(name: string, part = 1): string {
    let base = name
      .replace(ILLEGAL_SHEET_CHARS, '-')
      .replace(/^'+|'+$/g, '')
      .trim()
    if (base === '') base = 'Sheet'
    if (base.toLowerCase() === 'history') base = 'History data'
    let n = part
    for (;;) {
      const suffix = n > 1 ? ` (${n})` : ''
      const candidate = cutToChars(base, MAX_SHEET_NAME_CHARS - suffix.length).trimEnd() + suffix
      if (!this.used.has(candidate.toLowerCase())) {
        this.used.add(candidate.toLowerCase())
        return candidate
      }
      n = n < 2 ? 2 : n + 1
    }
  }
}

/** The first `max` UTF-16 units of `text`, never ending in half a surrogate pair. */
export function cutToChars(text: string, max: number): string {
  if (text.length <= max) return text
  const cut = text.slice(0, max)
  const last = cut.charCodeAt(cut.length - 1)
  return last >= 0xd800 && last <= 0xdbff ? cut.slice(0, -1) : cut
}

/** A sheet name inside a formula or a defined name: quoted, apostrophes doubled. */
export function quoteSheetName(name: string): string {
  return `'${name.replace(/'/g, "''")}'`
}

// ---------------------------------------------------------------------------
// Styles. Each kind of cell has a number format; each format a plain and a bold
// (totals row) cell style. The indices below are what `s="…"` on a cell names.

/**
 * The number format of each kind. Seconds stay seconds (the number the CSV, the JSON and the
 * metrics api carry, so totals agree) shown with a unit, rather than a day fraction in [h]:mm:ss.
 */
export const KIND_NUMBER_FORMATS: Readonly<Record<CellKind, string | null>> = {
  text: null,
  id: '@',
  integer: '#,##0',
  decimal: '#,##0.00',
  money: '"$"#,##0.00',
  fraction: '0.0%',
  seconds: '#,##0" s"',
  date: 'yyyy-mm-dd',
  datetime: 'yyyy-mm-dd hh:mm:ss',
}

const KINDS = Object.keys(KIND_NUMBER_FORMATS) as CellKind[]
/** Built-in format ids that need no <numFmt>: General and Text. */
const BUILT_IN_FORMATS: Readonly<Record<string, number>> = { '@': 49 }
const FIRST_CUSTOM_FORMAT = 164

export const STYLE_DEFAULT = 0
export const STYLE_HEADER = 1
export const STYLE_TITLE = 2
const FIRST_KIND_STYLE = 3

/** The cell style of a value of `kind`, bold for a totals row. */
export function kindStyle(kind: CellKind, bold = false): number {
  return FIRST_KIND_STYLE + KINDS.indexOf(kind) * 2 + (bold ? 1 : 0)
}

export function stylesXml(): string {
  const numFmts: string[] = []
  const formatIds = new Map<string, number>()
  for (const kind of KINDS) {
    const code = KIND_NUMBER_FORMATS[kind]
    if (code === null || formatIds.has(code)) continue
    const builtIn = BUILT_IN_FORMATS[code]
    if (builtIn !== undefined) {
      formatIds.set(code, builtIn)
      continue
    }
    const id = FIRST_CUSTOM_FORMAT + numFmts.length
    formatIds.set(code, id)
    numFmts.push(`<numFmt numFmtId="${id}" formatCode="${escapeAttribute(code)}"/>`)
  }
  const xf = (numFmtId: number, fontId: number) =>
    `<xf numFmtId="${numFmtId}" fontId="${fontId}" fillId="0" borderId="0" xfId="0"` +
    `${numFmtId ? ' applyNumberFormat="1"' : ''}${fontId ? ' applyFont="1"' : ''}/>`
  const xfs = [xf(0, 0), xf(0, 1), xf(0, 2)]
  for (const kind of KINDS) {
    const code = KIND_NUMBER_FORMATS[kind]
    const id = code === null ? 0 : (formatIds.get(code) ?? 0)
    xfs.push(xf(id, 0), xf(id, 1))
  }
  return (
    XML_DECLARATION +
    `<styleSheet xmlns="${SHEET_NS}">` +
    `<numFmts count="${numFmts.length}">${numFmts.join('')}</numFmts>` +
    '<fonts count="3">' +
    '<font><sz val="11"/><name val="Calibri"/><family val="2"/></font>' +
    '<font><b/><sz val="11"/><name val="Calibri"/><family val="2"/></font>' +
    '<font><b/><sz val="14"/><name val="Calibri"/><family val="2"/></font>' +
    '</fonts>' +
    '<fills count="2"><fill><patternFill patternType="none"/></fill>' +
    '<fill><patternFill patternType="gray125"/></fill></fills>' +
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>' +
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>' +
    `<cellXfs count="${xfs.length}">${xfs.join('')}</cellXfs>` +
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>' +
    '</styleSheet>'
  )
}

// ---------------------------------------------------------------------------
// The package's fixed parts.

export interface SheetEntry {
  readonly name: string
  /** Its part, "xl/worksheets/sheet2.xml". */
  readonly path: string
  /** The autofilter's range ("A1:F1001"), or null for none. */
  readonly filterRef: string | null
}

export const sheetPath = (n: number) => `xl/worksheets/sheet${n}.xml`

export function contentTypesXml(sheets: readonly SheetEntry[]): string {
  const ws = 'application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml'
  return (
    XML_DECLARATION +
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">' +
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>' +
    '<Default Extension="xml" ContentType="application/xml"/>' +
    '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>' +
    '<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>' +
    '<Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>' +
    sheets.map((s) => `<Override PartName="/${s.path}" ContentType="${ws}"/>`).join('') +
    '</Types>'
  )
}

export function rootRelsXml(): string {
  return (
    XML_DECLARATION +
    `<Relationships xmlns="${PKG_REL_NS}">` +
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>' +
    '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" Target="docProps/core.xml"/>' +
    '</Relationships>'
  )
}

export function workbookRelsXml(sheets: readonly SheetEntry[]): string {
  const ws = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet'
  return (
    XML_DECLARATION +
    `<Relationships xmlns="${PKG_REL_NS}">` +
    sheets
      .map(
        (s, i) =>
          `<Relationship Id="rId${i + 1}" Type="${ws}" Target="${s.path.slice('xl/'.length)}"/>`,
      )
      .join('') +
    `<Relationship Id="rId${sheets.length + 1}" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>` +
    '</Relationships>'
  )
}

export function workbookXml(sheets: readonly SheetEntry[]): string {
  // Excel keeps each autofilter's range as a hidden defined name too; without it Excel still
  // opens the file but some versions drop the filter buttons when the file is saved again.
  const names = sheets
    .map((s, i) =>
      s.filterRef === null
        ? ''
        : `<definedName name="_xlnm._FilterDatabase" localSheetId="${i}" hidden="1">` +
          `${escapeAttribute(quoteSheetName(s.name))}!${absoluteRef(s.filterRef)}</definedName>`,
    )
    .join('')
  return (
    XML_DECLARATION +
    `<workbook xmlns="${SHEET_NS}" xmlns:r="${REL_NS}">` +
    '<bookViews><workbookView activeTab="0"/></bookViews>' +
    '<sheets>' +
    sheets
      .map(
        (s, i) =>
          `<sheet name="${escapeAttribute(s.name)}" sheetId="${i + 1}" r:id="rId${i + 1}"/>`,
      )
      .join('') +
    '</sheets>' +
    (names ? `<definedNames>${names}</definedNames>` : '') +
    '</workbook>'
  )
}

/** "A1:F10" → "$A$1:$F$10". */
function absoluteRef(ref: string): string {
  return ref.replace(/([A-Z]+)(\d+)/g, '$$$1$$$2')
}

export function corePropertiesXml(title: string, created: Date): string {
  const when = Number.isNaN(created.getTime()) ? new Date(0) : created
  return (
    XML_DECLARATION +
    '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" ' +
    'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" ' +
    'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">' +
    `<dc:title>${escapeText(title)}</dc:title>` +
    '<dc:creator>Watchfloor</dc:creator>' +
    `<dcterms:created xsi:type="dcterms:W3CDTF">${when.toISOString().replace(/\.\d{3}Z$/, 'Z')}</dcterms:created>` +
    '</cp:coreProperties>'
  )
}

/** A worksheet's opening: frozen header (when `frozenHeader`), column widths, then sheetData. */
export function worksheetStart(widths: readonly number[], frozenHeader: boolean): string {
  const pane = frozenHeader
    ? '<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>' +
      '<selection pane="bottomLeft" activeCell="A2" sqref="A2"/>'
    : ''
  const cols = widths.length
    ? `<cols>${widths
        .map((w, i) => `<col min="${i + 1}" max="${i + 1}" width="${w}" customWidth="1"/>`)
        .join('')}</cols>`
    : ''
  return (
    XML_DECLARATION +
    `<worksheet xmlns="${SHEET_NS}" xmlns:r="${REL_NS}">` +
    `<sheetViews><sheetView workbookViewId="0">${pane}</sheetView></sheetViews>` +
    '<sheetFormatPr defaultRowHeight="15"/>' +
    cols +
    '<sheetData>'
  )
}

export function worksheetEnd(filterRef: string | null): string {
  return (
    '</sheetData>' +
    (filterRef ? `<autoFilter ref="${filterRef}"/>` : '') +
    '<pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75" header="0.3" footer="0.3"/>' +
    '</worksheet>'
  )
}
