// Jest runs the TypeScript sources as native ES modules (Nest 12 is ESM-only and jest cannot
// require() ESM on Node 20): `node --experimental-vm-modules` + @swc/jest, which keeps legacy
// decorators and emits decorator metadata so Nest DI works. swc does not type-check; `npm run
// typecheck` (tsc --noEmit) is part of `npm test`.
import { join } from 'node:path';

// The emulator keeps its CA and keys in a per-user cache by default; this repository's suites pin its
// own git-ignored .cache/ instead (jest workers inherit the variable).
process.env.ENTRA_EMULATOR_CERT_DIR ??= join(import.meta.dirname, '.cache', 'entra-emulator');

const swc = [
  '@swc/jest',
  {
    jsc: {
      target: 'es2022',
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true, useDefineForClassFields: false },
      keepClassNames: true,
    },
    module: { type: 'es6' },
    sourceMaps: 'inline',
  },
];

const common = {
  extensionsToTreatAsEsm: ['.ts'],
  transform: { '^.+\\.ts$': swc },
  moduleFileExtensions: ['ts', 'js', 'mjs', 'json'],
  moduleNameMapper: {
    '^nest-identity-web$': '<rootDir>/libs/auth/src/index.ts',
    '^nest-identity-web/(openapi|health)$': '<rootDir>/libs/auth/src/$1/index.ts',
    '^@nest-identity-web/entra-emulator$': '<rootDir>/libs/entra-emulator/src/index.ts',
    '^@nest-identity-web/entra-emulator/testing$': '<rootDir>/libs/entra-emulator/src/testing.ts',
    '^(\\.{1,2}/.*)\\.js$': '$1',
  },
  testEnvironment: 'node',
  rootDir: '.',
};

/** @type {import('jest').Config} */
export default {
  // A global option: jest ignores testTimeout inside a project. e2e suites start servers and the
  // emulator, and a loaded machine makes RSA key generation slow.
  testTimeout: 30000,
  globalSetup: '<rootDir>/test/global-setup.mjs',
  projects: [
    {
      ...common,
      displayName: 'unit',
      testMatch: [
        '<rootDir>/libs/**/src/**/*.spec.ts',
        '<rootDir>/apps/**/src/**/*.spec.ts',
        '<rootDir>/scripts/**/*.spec.ts',
      ],
    },
    {
      ...common,
      displayName: 'e2e',
      testMatch: ['<rootDir>/test/**/*.e2e-spec.ts', '<rootDir>/apps/**/test/**/*.e2e-spec.ts'],
    },
  ],
};
