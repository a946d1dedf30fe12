import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

export default tseslint.config(
  { ignores: ['**/node_modules/**', '**/generated/**', '.services/**', '.artifacts/**', 'web/dist/**', 'gateway/supergraph.graphql'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      // Configuration is parsed once per service in packages/config.
      'no-process-env': 'error',
      'no-console': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': 'error',
    },
  },
  {
    // Browser pages: DOM globals, no Node.
    files: ['web/src/**'],
    languageOptions: { globals: { ...globals.browser } },
  },
  {
    files: ['web/build.ts'],
    rules: { 'no-console': 'off' },
  },
  {
    files: ['packages/config/**', 'packages/testkit/**', 'tests/**', 'scripts/**', 'examples/**', 'routers/**', '**/*.test.ts'],
    rules: { 'no-process-env': 'off', 'no-console': 'off', '@typescript-eslint/no-explicit-any': 'off' },
  },
);
