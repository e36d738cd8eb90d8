import { startStandIns } from './stand-ins.ts';

/**
 * Runs the stand-ins in a process of their own (forked by `launchStandIns`), so that their work (SigV4 checks,
 * answers) does not compete with the measured functions for the benchmark's event loop, as remote services would not.
 */
const standIns = await startStandIns();
const { sts: _sts, stop: _stop, ...info } = standIns;
process.on('message', (message: { providerLatencyMs?: number; stop?: true }) => {
  if (message.providerLatencyMs !== undefined) {
    standIns.sts.setLatency(message.providerLatencyMs);
    process.send!({ done: true });
  }
  if (message.stop) void standIns.stop().then(() => process.exit(0));
});
process.send!({ info });
