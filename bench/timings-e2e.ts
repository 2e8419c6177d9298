/**
 * The recorded e2e against a bare Node client, side by side on the same server (issue 8): a child process answers
 * every POST after a fixed 200 ms with a 2.4 MB JSON reply (a base64 image); the adapter (the real client path) and
 * a bare node:http request alternate. The adapter's clock stops at the last byte, so its median should be within
 * 5 ms of the bare client's. No native module: runs with Node and zod alone.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import http from 'node:http';
import { performance } from 'node:perf_hooks';
import { createAdapter } from '../core/backends/index.ts';
import type { ImageRequest } from '../core/backends/types.ts';
import { figure, type Measurement } from './measure.ts';

const DELAY_MS = 200;
const REPLY_BYTES = 2.4 * 1024 * 1024;

/** The reply server, in its own process so the client's work never delays it. Prints its port, then serves. */
const SERVER_SOURCE = `
const http = require('node:http');
const png = Buffer.alloc(Math.floor(${REPLY_BYTES} * 3 / 4));
for (let i = 0; i < png.length; i++) png[i] = (i * 2654435761) >>> 24;
Buffer.from([0x89,0x50,0x4e,0x47,0x0d,0x0a,0x1a,0x0a]).copy(png, 0);
const P = 'QwenImageEditPipeline';
const body = Buffer.from(JSON.stringify({ created: 1, data: [{ b64_json: png.toString('base64') }],
  metrics: { stage_durations: { [P + '.text_encoder.forward']: 0.02, [P + '.diffuse']: 0.15, [P + '.vae.decode']: 0.02, [P + '.forward']: 0.195 }, peak_memory_mb: 1 } }));
const json = (res, code, v) => { res.writeHead(code, { 'content-type': 'application/json' }); res.end(JSON.stringify(v)); };
const server = http.createServer((req, res) => {
  req.resume();
  req.on('end', () => {
    const path = req.url.split('?')[0];
    if (req.method === 'POST') return setTimeout(() => { res.writeHead(200, { 'content-type': 'application/json', 'content-length': body.length }); res.end(body); }, ${DELAY_MS});
    if (path === '/health') return json(res, 200, { status: 'healthy' });
    if (path === '/v1/models') return json(res, 200, { object: 'list', data: [{ id: 'Qwen/Qwen-Image-Edit', object: 'model' }] });
    if (path === '/v1/baseline/info') return json(res, 200, { pipeline: 'QwenImageEditPipeline', simulated: true });
    if (path === '/v1/images/edits' || path === '/v1/images/generations') return json(res, 405, { detail: 'Method Not Allowed' });
    json(res, 404, { detail: 'Not Found' });
  });
});
server.listen(0, '127.0.0.1', () => process.stdout.write(server.address().port + '\\n'));
setTimeout(() => process.exit(0), 10 * 60_000).unref();
`;

export function startChild(source: string): { child: ChildProcess; firstLine: Promise<string> } {
  const child = spawn(process.execPath, ['-e', source], { stdio: ['ignore', 'pipe', 'inherit'] });
  const firstLine = new Promise<string>((resolve, reject) => {
    let buf = '';
    child.stdout!.on('data', (c: Buffer) => {
      buf += c.toString('utf8');
      const nl = buf.indexOf('\n');
      if (nl >= 0) resolve(buf.slice(0, nl).trim());
    });
    child.once('exit', (code) => reject(new Error(`child exited (${code}) before it was ready`)));
  });
  return { child, firstLine };
}

export function stopChild(child: ChildProcess): void {
  if (child.pid !== undefined && child.exitCode === null) process.kill(child.pid, 'SIGKILL');
}

/** A bare node:http client: POST, read every byte, stop the clock at 'end'. Nothing else. */
function bareRequest(url: string, payload: Buffer, agent: http.Agent): Promise<{ ms: number; bytes: number }> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const req = http.request(`${url}/v1/images/edits`, { method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': String(payload.length) } }, (res) => {
      let bytes = 0;
      res.on('data', (c: Buffer) => (bytes += c.length));
      res.on('end', () => resolve({ ms: performance.now() - t0, bytes }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(payload);
  });
}

export async function e2eAgainstBareClient(quick: boolean): Promise<Measurement> {
  const { child, firstLine } = startChild(SERVER_SOURCE);
  try {
    const url = `http://127.0.0.1:${await firstLine}`;
    const adapter = createAdapter('diffusers', url, { healthPollInitialMs: 10, healthPollMaxMs: 50 });
    await adapter.connect({ healthDeadlineMs: 10_000 });
    const agent = new http.Agent({ keepAlive: true });
    const request: ImageRequest = { prompt: 'bench', seed: 1, steps: 2, size: '512x512', images: [] };
    const payload = Buffer.from(JSON.stringify({ prompt: 'bench', seed: 1, size: '512x512', response_format: 'b64_json' }));
    const n = quick ? 8 : 20;
    const recorded: number[] = [];
    const bare: number[] = [];
    let bytes = 0;
    for (let i = -2; i < n; i++) {
      // Alternate which goes first, so neither always follows the other's garbage.
      const order = i % 2 === 0 ? ['adapter', 'bare'] : ['bare', 'adapter'];
      for (const who of order) {
        if (who === 'adapter') {
          const res = await adapter.send(request, { signal: new AbortController().signal, timeoutMs: 30_000 });
          if (i >= 0) recorded.push(res.e2eMs - DELAY_MS);
        } else {
          const r = await bareRequest(url, payload, agent);
          bytes = r.bytes;
          if (i >= 0) bare.push(r.ms - DELAY_MS);
        }
      }
    }
    adapter.close();
    agent.destroy();
    const rec = figure('recorded e2e − 200 ms delay (adapter, 2.4 MB reply)', 'ms', recorded);
    const alt = figure('bare node:http client e2e − 200 ms delay', 'ms', bare);
    const gap = rec.p50 !== null && alt.p50 !== null ? Math.abs(rec.p50 - alt.p50) : null;
    return {
      ...rec,
      alternative: { ...alt, label: 'bare node:http client on the same server' },
      target: { description: 'recorded e2e within 5 ms of a bare client (median), 2.4 MB replies after a fixed 200 ms' },
      pass: gap !== null && gap <= 5,
      notes: `reply ${(bytes / 2 ** 20).toFixed(2)} MiB; median gap ${gap === null ? '--' : gap.toFixed(2)} ms; the adapter's clock stops at the last byte, its parsing and decoding come after.`,
    };
  } finally {
    stopChild(child);
  }
}

