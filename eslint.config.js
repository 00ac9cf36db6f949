import js from '@eslint/js'
import globals from 'globals'
import tseslint from 'typescript-eslint'

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
    files: ['renderer/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser } },
    rules: {
      'no-restricted-imports': [
        'error',
        {
          ...electronOnlyInShell,
          patterns: [
            ...electronOnlyInShell.patterns,
            {
              group: ['**/main/**', '../main/*', '../../main/*'],
              message: 'renderer/ talks to the core only through shared/ and its bridge.',
            },
            { group: ['node:*'], message: 'The renderer runs in a page: no Node modules.' },
          ],
        },
      ],
    },
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
  {
    files: ['**/*.js', '**/*.mjs'],
    ...tseslint.configs.disableTypeChecked,
  },
)
