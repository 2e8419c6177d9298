/**
 * Both simulators at time scale 0 (no modelled delay), in their own process so their CPU is not on the
 * measured client's thread. Prints `{"A": url, "B": url}` on one line; exits when stdin closes.
 */
import { startSimServer } from '../core/backends/sim/index.ts';

const a = await startSimServer({ kind: 'vllm-omni', timeScale: 0 });
const b = await startSimServer({ kind: 'diffusers', timeScale: 0 });
process.stdout.write(`${JSON.stringify({ A: a.url, B: b.url })}\n`);
process.stdin.on('end', () => process.exit(0));
process.stdin.resume();
