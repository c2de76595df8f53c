// Preloaded into the demo's child processes (`node --import`). The demo talks to each child over an
// IPC channel that only exists while the demo runs: when the demo goes away, even killed with
// SIGKILL or by a closed terminal, the channel closes and the child stops instead of lingering.
if (process.channel) {
  process.once('disconnect', () => process.kill(process.pid, 'SIGTERM'));
  // The listener must not keep the child alive on its own.
  process.channel.unref();
}
export {};
