import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { startEntraEmulator, type DirectoryInput } from '@nest-identity-web/entra-emulator';
import { startStandIns } from './stand-ins/index.js';

// `npm run emulator [-- --port 8443 --controls --directory ./directory.json --token-lifetime 600
//   --metadata-extensions --sts-v1-issuer]`
const { values } = parseArgs({
  options: {
    port: { type: 'string' },
    controls: { type: 'boolean', default: false },
    directory: { type: 'string' },
    'token-lifetime': { type: 'string' },
    'cert-dir': { type: 'string' },
    'metadata-extensions': { type: 'boolean', default: false },
    'sts-v1-issuer': { type: 'boolean', default: false },
  },
  allowPositionals: false,
});

const port = Number(values.port ?? process.env['PORT'] ?? 0);
const directory = values.directory ? (JSON.parse(readFileSync(values.directory, 'utf8')) as DirectoryInput) : undefined;
const lifetime = values['token-lifetime'] ?? process.env['EMULATOR_TOKEN_LIFETIME'];

const emu = await startEntraEmulator({
  port,
  httpControls: values.controls || process.env['EMULATOR_HTTP_CONTROLS'] === '1',
  ...(directory ? { directory } : {}),
  ...(lifetime ? { tokenLifetimeSeconds: Number(lifetime) } : {}),
  ...(values['cert-dir'] ? { certDir: values['cert-dir'] } : {}),
  metadataExtensions: values['metadata-extensions'] || process.env['EMULATOR_METADATA_EXTENSIONS'] === '1',
  stsV1Issuer: values['sts-v1-issuer'] || process.env['EMULATOR_STS_V1_ISSUER'] === '1',
}).catch((e: unknown) => {
  const code = (e as { code?: unknown } | null)?.code;
  console.error(
    code === 'EADDRINUSE'
      ? `entra-emulator: port ${port} on 127.0.0.1 is already in use; pick another with --port (0: a free one).`
      : `entra-emulator: could not start: ${e instanceof Error ? e.message : String(e)}`,
  );
  process.exit(1);
});
// Microsoft Graph and Azure Resource Manager stand-ins next to the emulator, validating its tokens.
const standIns = await startStandIns({ instance: emu.instance, trustedCa: [emu.caCertPem] });

const lines = [
  `Entra ID emulator listening on ${emu.baseUrl}`,
  `  instance (AzureAd__Instance): ${emu.instance}`,
  `  msal knownAuthorities:        ${emu.host}`,
  '  tenants:',
  ...emu.directory.tenants.map(
    (t) =>
      `    ${t.name.padEnd(10)} ${t.id}  ${t.domain}  metadata: ${emu.baseUrl}/${t.id}/v2.0/.well-known/openid-configuration`,
  ),
  '  apps:',
  ...emu.directory.apps.map((a) => `    ${a.name.padEnd(18)} ${a.clientId}  ${a.identifiers[0] ?? ''}`),
  `  CA certificate:  ${emu.caCertPath}`,
  `  CA bundle:       ${emu.caBundlePath} (the CA plus the bundle NODE_EXTRA_CA_CERTS pointed at)`,
  '  trust it from another Node process (read at start only, one file):',
  `    NODE_EXTRA_CA_CERTS=${emu.caBundlePath} node your-app.js`,
  '  stand-ins validating its tokens (plain http, loopback only):',
  `    Microsoft Graph         ${standIns.graphBaseUrl}  GET /me  (DownstreamApis__Graph__BaseUrl)`,
  `    Azure Resource Manager  ${standIns.armBaseUrl}  GET /subscriptions  (DownstreamApis__Arm__BaseUrl)`,
  `  test controls:   ${values.controls || process.env['EMULATOR_HTTP_CONTROLS'] === '1' ? `${emu.baseUrl}/__emulator/*` : 'off (--controls to enable)'}`,
  `  cold start:      ${emu.startupMs} ms (emulator), ${Math.round(process.uptime() * 1000)} ms (process, since launch)`,
];
console.log(lines.join('\n'));

let stopping = false;
const stop = (signal: string) => {
  if (stopping) return;
  stopping = true;
  console.log(`\n${signal}: stopping the emulator`);
  Promise.all([standIns.close(), emu.stop()]).then(
    () => process.exit(0),
    () => process.exit(1),
  );
};
process.on('SIGINT', () => stop('SIGINT'));
process.on('SIGTERM', () => stop('SIGTERM'));
process.on('SIGHUP', () => stop('SIGHUP'));
