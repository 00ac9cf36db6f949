import js from '@eslint/js'
import jsxA11y from 'eslint-plugin-jsx-a11y-x'
import reactHooks from 'eslint-plugin-react-hooks'
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
    // The rules of hooks (and the React Compiler's checks that ship with them), and
    // accessibility of what the page renders. jsx-a11y-x is the maintained fork of
    // eslint-plugin-jsx-a11y with the same rules; the original declares no ESLint 10 support.
    files: ['renderer/**/*.{ts,tsx}'],
    ...reactHooks.configs.flat['recommended-latest'],
  },
  {
    files: ['renderer/**/*.{ts,tsx}'],
    ...jsxA11y.configs.strict,
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
