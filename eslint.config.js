// ESLint flat config: the extension (browser + WebExtension globals), www (browser),
// scripts and end-to-end tests (node). `npm run lint`.
import js from '@eslint/js';
import globals from 'globals';

export default [
  {
    ignores: ['dist/**', 'node_modules/**', 'target/**', 'extension/pkg/**', 'www/pkg/**', 'out/**', 'fuzz/**'],
  },
  js.configs.recommended,
  {
    languageOptions: {
      ecmaVersion: 2024,
      sourceType: 'module',
    },
    rules: {
      'no-unused-vars': ['error', { argsIgnorePattern: '^_', caughtErrors: 'none' }],
      'no-restricted-properties': ['error',
        { property: 'innerHTML', message: 'Page text is untrusted: use textContent / DOM nodes.' },
        { property: 'outerHTML', message: 'Only the content script may read outerHTML.' },
        { property: 'insertAdjacentHTML', message: 'Page text is untrusted: use DOM nodes.' }],
      'no-eval': 'error',
      'no-implied-eval': 'error',
      'no-new-func': 'error',
    },
  },
  {
    files: ['extension/**/*.js', 'www/**/*.js'],
    languageOptions: {
      globals: { ...globals.browser, ...globals.webextensions, ...globals.serviceworker },
    },
  },
  {
    // The content script reads the live document's HTML (and is a classic script).
    files: ['extension/content/**/*.js'],
    languageOptions: { sourceType: 'script' },
    rules: { 'no-restricted-properties': 'off' },
  },
  {
    files: ['scripts/**/*.{js,mjs}', 'tests/e2e/**/*.{js,mjs}', 'www/**/*.mjs', 'eslint.config.js'],
    languageOptions: {
      globals: { ...globals.node },
    },
  },
  {
    // Code evaluated inside the browser by Playwright (page.evaluate callbacks).
    files: ['tests/e2e/**/*.{js,mjs}', 'scripts/demo/**/*.{js,mjs}', 'scripts/bench*.mjs'],
    languageOptions: {
      globals: { ...globals.browser, chrome: 'readonly' },
    },
  },
];
