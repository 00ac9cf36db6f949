// Types for eslint.zones.js, which ESLint loads as plain JavaScript.
import type { Linter } from 'eslint'

export declare const importZones: Linter.Config[]
