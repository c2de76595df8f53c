// Module hooks of ts-loader.mjs: resolve `.js` specifiers to `.ts` sources, and the workspace
// packages to their `src/`; compile `.ts` with swc on load.
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { transformSync } from '@swc/core';

const root = new URL('../../', import.meta.url);
const packages = {
  'nest-identity-web': new URL('libs/auth/src/index.ts', root).href,
  '@nest-identity-web/entra-emulator': new URL('libs/entra-emulator/src/index.ts', root).href,
  '@nest-identity-web/entra-emulator/testing': new URL('libs/entra-emulator/src/testing.ts', root).href,
};

export async function resolve(specifier, context, next) {
  if (packages[specifier]) return { url: packages[specifier], shortCircuit: true };
  const fromSource = context.parentURL?.endsWith('.ts') && /^\.{1,2}\//.test(specifier) && specifier.endsWith('.js');
  if (fromSource) {
    const ts = new URL(specifier.replace(/\.js$/, '.ts'), context.parentURL);
    if (existsSync(fileURLToPath(ts))) return { url: ts.href, shortCircuit: true };
  }
  return next(specifier, context);
}

export async function load(url, context, next) {
  if (!url.endsWith('.ts')) return next(url, context);
  const filename = fileURLToPath(url);
  const { code } = transformSync(readFileSync(filename, 'utf8'), {
    filename,
    jsc: {
      target: 'es2022',
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true, useDefineForClassFields: false },
      keepClassNames: true,
    },
    module: { type: 'es6' },
    sourceMaps: 'inline',
  });
  return { format: 'module', source: code, shortCircuit: true };
}
