import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules/', 'data/', 'logs/', 'media/', 'coverage/'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  {
    // core/ knows nothing of the other modules (ARCHITECTURE.md, "Layout").
    files: ['src/core/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/bot/**', '**/pipeline/**', '**/poster/**', '**/monitor/**', '**/http/**', '**/main.ts', '**/cli.ts'],
              message: 'core/ imports nothing from the other modules.',
            },
          ],
        },
      ],
    },
  },
);
