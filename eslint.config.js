import js from '@eslint/js'
import globals from 'globals'
import tseslint from 'typescript-eslint'
import { importZones } from './eslint.zones.js'

const electronOnlyInShell = {
  paths: [
    { name: 'electron', message: 'Only main/index.ts and main/electron/ may import electron.' },
  ],
  patterns: [
    {
      group: ['electron/*'],
      message: 'Only main/index.ts and main/electron/ may import electron.',
    },
  ],
}

export default tseslint.config(
  {
    ignores: [
      'node_modules/',
      'out/',
      'test-results/',
      'playwright-report/',
      'tests/bench/reports/',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
      globals: { ...globals.node },
    },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      'no-restricted-imports': ['error', electronOnlyInShell],
    },
  },
  {
    files: [
      'main/index.ts',
      'main/electron/**/*.ts',
      'preload/**/*.ts',
      'tests/e2e/electron/**/*.ts',
      'electron.config.ts',
      'bin/**',
    ],
    rules: { 'no-restricted-imports': 'off' },
  },
  {
    // Which folders the renderer may import is an import zone (eslint.zones.js).
    files: ['renderer/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser } },
  },
  {
    files: ['main/**/*.ts', 'renderer/**/*.{ts,tsx}', 'shared/**/*.ts', 'tests/**/*.ts'],
    rules: {
      'no-restricted-syntax': [
        'error',
        {
          selector: "MemberExpression[object.name='contextBridge']",
          message: 'Only preload/ may use contextBridge.',
        },
      ],
    },
  },
  ...importZones,
  {
    files: ['**/*.js', '**/*.mjs'],
    ...tseslint.configs.disableTypeChecked,
  },
)
