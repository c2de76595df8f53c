import { requireOrWarnRedis } from '../scripts/redis-probe.mjs';

export default async function globalSetup() {
  await requireOrWarnRedis();
}
