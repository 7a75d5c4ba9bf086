import tseslint from 'typescript-eslint';

// A module's files only through its index.ts (ARCHITECTURE.md, "Rules of the house"). Listed: the modules every
// importer already reaches through their index; add a module here once its importers do.
const FACES = [
  'bot',
  'outbox',
  'pipeline/sources',
  'pipeline/intake',
  'pipeline/invoices',
  'pipeline/content',
  'monitor',
  'http',
  'core/queue',
  'core/store',
];
const throughIndex = (dirs) =>
  dirs.map((dir) => {
    const name = dir.split('/').at(-1);
    return {
      group: [`**/${name}/**`, `!**/${name}/index.ts`, `!**/${name}/migrations.ts`],
      message: `import ${dir}/ only through its index.ts (or migrations.ts, its tables for the store set-up).`,
    };
  });
const noBot = {
  group: ['**/bot/**'],
  message: 'only main.ts, cli.ts and commands/ import the bot; tell the admins through outbox/.',
};
const restrict = (patterns) => ({ 'no-restricted-imports': ['error', { patterns }] });

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
              group: [
                '**/bot/**',
                '**/outbox/**',
                '**/pipeline/**',
                '**/poster/**',
                '**/monitor/**',
                '**/http/**',
                '**/main.ts',
                '**/cli.ts',
              ],
              message: 'core/ imports nothing from the other modules.',
            },
          ],
        },
      ],
    },
  },
  {
    // Below the bot nothing imports it: the bot imports the modules, not the other way round.
    files: ['src/**/*.ts'],
    ignores: ['src/core/**', 'src/bot/**', 'src/main.ts', 'src/cli.ts', 'src/commands/**'],
    rules: restrict([noBot, ...throughIndex(FACES.filter((dir) => dir !== 'bot'))]),
  },
  {
    files: ['src/bot/**/*.ts', 'src/main.ts', 'src/cli.ts', 'src/commands/**/*.ts'],
    rules: restrict(throughIndex(FACES)),
  },
);
