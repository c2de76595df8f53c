export {
  GraphStandInModule,
  ArmStandInModule,
  GRAPH_APP_ID,
  ARM_APP_ID,
  type StandInAuthOptions,
} from './stand-ins.module.js';
export { startStandIns, type RunningStandIns } from './start-stand-ins.js';
export { CaeSessions, type CaeVerdict } from './cae-sessions.js';
