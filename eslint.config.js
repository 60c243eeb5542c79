// Lint rules for Bosun. The layer rule (README, Layout) (which folder may import
// which) is enforced by dependency-cruiser: see .dependency-cruiser.cjs.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    // samples/app (and its overlays under test/fixtures/) is the app Bosun's pipelines lint, with its own
    // eslint.config.js: the lint stage agent runs ESLint there (src/stages/agents.ts)
    ignores: ['node_modules/', 'dist/', '.local/', 'coverage/', 'samples/', 'test/fixtures/sample-app-*/'],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-imports': [
        'error',
        {
          paths: [
            {
              name: '@kubernetes/client-node',
              message: 'Only src/kube/ may import @kubernetes/client-node (README, Layout).',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['**/*.cjs'],
    languageOptions: { sourceType: 'commonjs', globals: { module: 'writable', require: 'readonly' } },
  },
  {
    // The one place allowed to talk to the Kubernetes client library.
    files: ['src/kube/**/*.ts'],
    rules: { 'no-restricted-imports': 'off' },
  },
);
