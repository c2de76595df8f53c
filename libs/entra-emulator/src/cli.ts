#!/usr/bin/env node
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { CERT_DIR_ENV } from './crypto/cert-store.js';
import type { DirectoryInput } from './directory/directory.types.js';
import { EMULATOR_VERSION } from './index.js';
import { startTestAuthority } from './testing.js';

const USAGE = `Usage: entra-emulator [options]

A local Microsoft Entra ID over HTTPS on 127.0.0.1, for development and tests.

Options:
  --port <n>             port on 127.0.0.1 (default: $PORT, else 0 = a free port)
  --directory <file>     directory JSON (tenants, apps, users); default: the built-in demo directory
  --app <name>           app whose AzureAd__* settings are printed (default: my-api)
  --token-lifetime <s>   lifetime of issued tokens in seconds (default 3600, or $EMULATOR_TOKEN_LIFETIME)
  --controls             serve the /__emulator/* test control routes (or EMULATOR_HTTP_CONTROLS=1)
  --cert-dir <dir>       where the CA, TLS and signing keys are kept (default: $${CERT_DIR_ENV},
                         else a per-user cache folder, never inside your project)
  -h, --help             this help
  -v, --version          the version

Stops on Ctrl+C (SIGINT) or SIGTERM.`;

/** Parses the command line; exits 2 with the usage on a mistake. @internal */
function readArgs(argv: string[]) {
  try {
    return parseArgs({
      args: argv,
      options: {
        port: { type: 'string' },
        directory: { type: 'string' },
        app: { type: 'string' },
        'token-lifetime': { type: 'string' },
        controls: { type: 'boolean', default: false },
        'cert-dir': { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
        version: { type: 'boolean', short: 'v', default: false },
      },
      allowPositionals: false,
    }).values;
  } catch (e) {
    console.error(`entra-emulator: ${e instanceof Error ? e.message : String(e)}\n\n${USAGE}`);
    process.exit(2);
  }
}

const values = readArgs(process.argv.slice(2));
if (values.help) {
  console.log(USAGE);
  process.exit(0);
}
if (values.version) {
  console.log(EMULATOR_VERSION);
  process.exit(0);
}

const portText = values.port ?? process.env['PORT'] ?? '0';
const lifetimeText = values['token-lifetime'] ?? process.env['EMULATOR_TOKEN_LIFETIME'];
if (!/^\d+$/.test(portText) || (lifetimeText !== undefined && !/^\d+$/.test(lifetimeText))) {
  console.error(`entra-emulator: --port and --token-lifetime take whole numbers.\n\n${USAGE}`);
  process.exit(2);
}
let directory: DirectoryInput | undefined;
if (values.directory) {
  try {
    directory = JSON.parse(readFileSync(values.directory, 'utf8')) as DirectoryInput;
  } catch (e) {
    console.error(`entra-emulator: cannot read the directory file: ${e instanceof Error ? e.message : String(e)}`);
    process.exit(2);
  }
}
const controls = values.controls || process.env['EMULATOR_HTTP_CONTROLS'] === '1';

const authority = await startTestAuthority({
  port: Number(portText),
  httpControls: controls,
  ...(directory ? { directory } : {}),
  ...(lifetimeText ? { tokenLifetimeSeconds: Number(lifetimeText) } : {}),
  ...(values['cert-dir'] ? { certDir: values['cert-dir'] } : {}),
  ...(values.app ? { app: values.app } : {}),
}).catch((e: unknown) => {
  const code = (e as { code?: unknown } | null)?.code;
  console.error(
    code === 'EADDRINUSE'
      ? `entra-emulator: port ${portText} on 127.0.0.1 is already in use; pick another with --port (0: a free one).`
      : `entra-emulator: could not start: ${e instanceof Error ? e.message : String(e)}`,
  );
  process.exit(1);
});
const emu = authority.emulator;

console.log(
  [
    `Entra ID emulator ${EMULATOR_VERSION} listening on ${emu.baseUrl}`,
    '  tenants:',
    ...emu.directory.tenants.map((t) => `    ${t.name.padEnd(10)} ${t.id}  ${t.domain}`),
    '  apps:',
    ...emu.directory.apps.map((a) => `    ${a.name.padEnd(18)} ${a.clientId}  ${a.identifiers[0] ?? ''}`),
    `  metadata:        ${emu.metadataUrl()}`,
    `  CA certificate:  ${emu.caCertPath}`,
    `  certificates in: ${emu.certDir}`,
    `  test controls:   ${controls ? `${emu.baseUrl}/__emulator/*` : 'off (--controls to enable)'}`,
    '',
    `Settings for your API (${authority.clientId}), e.g. in a .env file:`,
    ...Object.entries(authority.settings).map(([k, v]) => `${k}=${v}`),
    '',
    'Other Node processes (clients, msal-node scripts) trust the emulator with:',
    `  NODE_EXTRA_CA_CERTS=${emu.caBundlePath}`,
  ].join('\n'),
);

let stopping = false;
const stop = (signal: string) => {
  if (stopping) return;
  stopping = true;
  console.log(`\n${signal}: stopping the emulator`);
  authority.stop().then(
    () => process.exit(0),
    () => process.exit(1),
  );
};
process.on('SIGINT', () => stop('SIGINT'));
process.on('SIGTERM', () => stop('SIGTERM'));
