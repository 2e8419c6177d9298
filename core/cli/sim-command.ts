/** `omni-review sim`: the simulators alone, until Ctrl-C. */
import { parseFaultSpec, startSimServer } from '../backends/sim/index.ts';
import type { SimServer } from '../backends/sim/types.ts';
import { UsageError, parseIntOption, parsePositiveNumberOption } from './args.ts';
import type { CliIo } from './io.ts';
import { waitForStopSignal } from './signals.ts';

export interface SimCommandOptions {
  kind: 'vllm-omni' | 'diffusers' | 'both';
  portA: string;
  portB: string;
  generation: 'current' | 'legacy';
  aFaults: string;
  bFaults: string;
  timeScale: string;
}

function faults(option: string, spec: string) {
  try {
    return parseFaultSpec(spec);
  } catch (err) {
    throw new UsageError(`${option}: ${(err as Error).message}`);
  }
}

export async function simCommand(o: SimCommandOptions, io: CliIo): Promise<number> {
  const timeScale = parsePositiveNumberOption('--time-scale', o.timeScale, 0, 100);
  const servers: SimServer[] = [];
  if (o.kind !== 'diffusers') {
    servers.push(
      await startSimServer({
        kind: 'vllm-omni',
        generation: o.generation,
        timeScale,
        faults: faults('--a-faults', o.aFaults),
        port: parseIntOption('--port-a', o.portA, 0, 65535),
      }),
    );
  }
  if (o.kind !== 'vllm-omni') {
    servers.push(
      await startSimServer({
        kind: 'diffusers',
        timeScale,
        faults: faults('--b-faults', o.bFaults),
        port: parseIntOption('--port-b', o.portB, 0, 65535),
      }),
    );
  }
  for (const s of servers) {
    const what = s.kind === 'vllm-omni' ? `vLLM-Omni simulator (${o.generation} API)` : 'diffusers-baseline simulator';
    io.stdout.write(`${what}: ${s.url}\n`);
  }
  io.stdout.write(`time scale ${timeScale}; press Ctrl-C to stop\n`);
  await waitForStopSignal();
  await Promise.all(servers.map((s) => s.close()));
  return 0;
}
