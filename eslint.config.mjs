import js from '@eslint/js';
import { defineConfig } from 'eslint/config';
import prettier from 'eslint-config-prettier';
import tseslint from 'typescript-eslint';

export default defineConfig(
  { ignores: ['**/dist/**', 'node_modules/**', 'coverage/**', '.cache/**', 'bench/results/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: false }],
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/consistent-type-imports': [
        'error',
        { prefer: 'type-imports', fixStyle: 'inline-type-imports', disallowTypeAnnotations: false },
      ],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '(^|/)libs/',
              message:
                "Import the library by its package name ('nest-identity-web' or '@nest-identity-web/entra-emulator'), never by path.",
            },
          ],
        },
      ],
    },
  },
  {
    // The optional peers @nestjs/swagger and @nestjs/terminus are imported only by their entry
    // points (nest-identity-web/openapi, nest-identity-web/health): the main entry loads without them.
    files: ['libs/auth/src/**/*.ts'],
    ignores: ['libs/auth/src/openapi/**', 'libs/auth/src/health/**', 'libs/auth/src/testing/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '(^|/)libs/',
              message:
                "Import the library by its package name ('nest-identity-web' or '@nest-identity-web/entra-emulator'), never by path.",
            },
            {
              regex: '^@nestjs/(swagger|terminus)(/|$)',
              message:
                'An optional peer: import it only in libs/auth/src/openapi/ or health/, so nest-identity-web loads without it.',
            },
          ],
        },
      ],
    },
  },
  {
    // Decorator metadata needs value imports of constructor parameter types.
    files: ['libs/**/*.ts', 'apps/**/*.ts'],
    ignores: ['**/*.spec.ts'],
    languageOptions: { parserOptions: { emitDecoratorMetadata: true, experimentalDecorators: true } },
  },
  {
    files: ['**/*.spec.ts', '**/*.e2e-spec.ts', 'test/**/*.ts', 'bench/**/*.ts'],
    rules: {
      '@typescript-eslint/no-floating-promises': 'warn',
      '@typescript-eslint/no-misused-promises': 'warn',
      '@typescript-eslint/no-explicit-any': 'warn',
      '@typescript-eslint/unbound-method': 'off',
    },
  },
  {
    // Tests may use the library's test fakes (libs/auth/src/testing/) by path: they are not part of
    // the public package. Any other path into libs/ is still refused.
    files: ['test/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '(^|/)libs/(?!auth/src/testing/)',
              message:
                "Import the library by its package name ('nest-identity-web' or '@nest-identity-web/entra-emulator'), never by path; only libs/auth/src/testing/ may be imported by path.",
            },
          ],
        },
      ],
    },
  },
  {
    files: ['**/*.mjs', '**/*.js'],
    extends: [tseslint.configs.disableTypeChecked],
    languageOptions: {
      parserOptions: { projectService: false, program: null, project: null },
      globals: {
        process: 'readonly',
        console: 'readonly',
        URL: 'readonly',
        setTimeout: 'readonly',
        clearTimeout: 'readonly',
      },
    },
  },
  prettier,
);
