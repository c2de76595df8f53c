// Placeholder for scripts whose issue has not landed yet: fail loudly so nobody mistakes them for working.
const name = process.argv[2] ?? 'this script';
console.error(`npm run ${name}: not implemented yet`);
process.exit(1);
