/**
 * A loopback image server for load tests and the load bench: it speaks enough of the OpenAI-style image API for both
 * adapters (health, models, 405 on GET of the image routes, POST edits/generations answered with a 1×1 PNG and
 * `stage_durations`), answers each POST after a fixed delay, optionally one at a time (a FIFO of one server worker,
 * like the baseline), and counts what it received and answered, keyed by prompt.
 *
 * The serial queue plans each answer at max(arrival, previous finish) + delay and sets its timer for that instant, so
 * timer lateness on a busy machine never accumulates along the queue.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';

/** A valid 1×1 PNG. */
const PNG_1X1 = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==';

export interface LoopbackServerOptions {
  delayMs: number;
  /** One request at a time (the baseline's single worker). */
  serial: boolean;
}

export interface LoopbackServer {
  url: string;
  /** POSTs received, by prompt (multipart or JSON). */
  received: Map<string, number>;
  /** Responses fully written, by prompt. */
  answered: Map<string, number>;
  close(): Promise<void>;
}

function promptOf(body: Buffer, contentType: string): string {
  if (contentType.includes('application/json')) {
    try {
      const v = JSON.parse(body.toString('utf8')) as { prompt?: unknown };
      return typeof v.prompt === 'string' ? v.prompt : '';
    } catch {
      return '';
    }
  }
  const m = /name="prompt"\r\n\r\n([\s\S]*?)\r\n--/.exec(body.toString('utf8'));
  return m?.[1] ?? '';
}

export async function startLoopbackImageServer(o: LoopbackServerOptions): Promise<LoopbackServer> {
  const received = new Map<string, number>();
  const answered = new Map<string, number>();
  let lastFinish = 0;
  const bump = (m: Map<string, number>, k: string): void => void m.set(k, (m.get(k) ?? 0) + 1);
  const body = (delayS: number): string =>
    JSON.stringify({
      created: 1,
      data: [{ b64_json: PNG_1X1 }],
      metrics: { stage_durations: { 'QwenImagePipeline.diffuse': delayS, 'QwenImagePipeline.forward': delayS }, peak_memory_mb: 1000 },
    });
  const json = (res: http.ServerResponse, status: number, value: unknown): void => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(value));
  };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const path = (req.url ?? '/').split('?')[0];
      if (req.method === 'POST' && (path === '/v1/images/edits' || path === '/v1/images/generations')) {
        const prompt = promptOf(Buffer.concat(chunks), String(req.headers['content-type'] ?? ''));
        bump(received, prompt);
        const now = performance.now();
        const finish = o.serial ? Math.max(now, lastFinish) + o.delayMs : now + o.delayMs;
        if (o.serial) lastFinish = finish;
        const send = (): void => {
          const text = body(o.delayMs / 1000);
          res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
          res.end(text, () => bump(answered, prompt));
        };
        if (finish - now <= 0) send();
        else setTimeout(send, finish - now);
        return;
      }
      if (path === '/health') return json(res, 200, { status: 'healthy' });
      if (path === '/v1/models') return json(res, 200, { object: 'list', data: [{ id: 'Qwen/Qwen-Image-Edit', object: 'model' }] });
      if (path === '/v1/baseline/info') return json(res, 200, { pipeline: 'QwenImageEditPipeline', simulated: true });
      if (path === '/v1/images/edits' || path === '/v1/images/generations') return json(res, 405, { detail: 'Method Not Allowed' });
      json(res, 404, { detail: 'Not Found' });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    answered,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
