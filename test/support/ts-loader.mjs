// `node --import ./test/support/ts-loader.mjs <file.ts>`: runs this repository's TypeScript sources
// in a child process the way jest does (swc: legacy decorators with metadata, native ES modules), so
// e2e tests can spawn an app's entry point without a prior build. `nest-identity-web` and
// `@nest-identity-web/entra-emulator` resolve to their sources, as in jest's moduleNameMapper.
import { register } from 'node:module';

register('./ts-loader.hooks.mjs', import.meta.url);
