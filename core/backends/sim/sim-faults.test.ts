import { afterEach, describe, expect, it } from 'vitest';
import { startSimServer } from './server.ts';
import { slowBodyMs } from './serve-image.ts';
import { EventLog, dataUrl, decodeRgba, diffRatio, editForm, fixturePng } from './test-support.ts';
import type { FaultProfile, SimOptions, SimServer } from './types.ts';

const started: SimServer[] = [];

async function start(options: Partial<SimOptions> & Pick<SimOptions, 'kind'>): Promise<SimServer> {
  const sim = await startSimServer({ timeScale: 0.001, ...options });
  started.push(sim);
  return sim;
}

afterEach(async () => {
  await Promise.all(started.splice(0).map((s) => s.close()));
});

let inputPromise: Promise<Buffer> | undefined;
function input(): Promise<Buffer> {
  inputPromise ??= fixturePng('fixtures/images/astronaut.png', 128, 128);
  return inputPromise;
}

const FIELDS = { prompt: 'Add a sign that says "GRAND OPENING"', size: '128x128', seed: 21, num_inference_steps: 3 };

/** One edit request in each protocol flavour: A images API, A legacy chat, B images API. */
type Flavour = 'a-images' | 'a-chat-legacy' | 'b-images';
const FLAVOURS: Flavour[] = ['a-images', 'a-chat-legacy', 'b-images'];

async function startFlavour(flavour: Flavour, faults: FaultProfile, events?: EventLog): Promise<SimServer> {
  const onEvent = events?.onEvent;
  if (flavour === 'b-images') return start({ kind: 'diffusers', faults, onEvent });
  return start({ kind: 'vllm-omni', generation: flavour === 'a-chat-legacy' ? 'legacy' : 'current', faults, onEvent });
}

async function send(sim: SimServer, flavour: Flavour, init: { signal?: AbortSignal } = {}): Promise<Response> {
  const img = await input();
  if (flavour === 'a-chat-legacy') {
    return fetch(`${sim.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        messages: [{ role: 'user', content: [{ type: 'text', text: FIELDS.prompt }, { type: 'image_url', image_url: { url: dataUrl(img) } }] }],
        extra_body: { size: FIELDS.size, seed: FIELDS.seed, num_inference_steps: FIELDS.num_inference_steps },
      }),
      ...init,
    });
  }
  return fetch(`${sim.url}/v1/images/edits`, { method: 'POST', body: editForm(FIELDS, [{ bytes: img }]), ...init });
}

async function imageOf(flavour: Flavour, res: Response): Promise<Buffer> {
  const body = (await res.json()) as { data?: Array<{ b64_json: string }>; choices?: Array<{ message: { content: Array<{ image_url: { url: string } }> } }> };
  const b64 = flavour === 'a-chat-legacy' ? body.choices![0]!.message.content[0]!.image_url.url.split(',')[1]! : body.data![0]!.b64_json;
  return Buffer.from(b64, 'base64');
}

describe.each(FLAVOURS)('faults at rate 1 (%s)', (flavour) => {
  it('5xx: 503 in the protocol error shape', async () => {
    const sim = await startFlavour(flavour, { '5xx': 1 });
    const res = await send(sim, flavour);
    expect(res.status).toBe(503);
    const body = (await res.json()) as Record<string, unknown>;
    if (flavour === 'a-chat-legacy') expect(body).toMatchObject({ object: 'error', code: 503, type: 'ServiceUnavailableError' });
    else expect(body.detail).toMatch(/Simulated fault "5xx"/);
    expect(sim.stats().faults).toEqual({ '5xx': 1 });
  });

  it('typo, blank and wrong-size change the image', async () => {
    const clean = await startFlavour(flavour, {});
    const reference = await decodeRgba(await imageOf(flavour, await send(clean, flavour)));

    const typo = await startFlavour(flavour, { typo: 1 });
    const typoImg = await decodeRgba(await imageOf(flavour, await send(typo, flavour)));
    expect(diffRatio(typoImg, reference)).toBeGreaterThan(0.002);
    expect(typo.stats().faults.typo).toBe(1);

    const blank = await startFlavour(flavour, { blank: 1 });
    const blankImg = await decodeRgba(await imageOf(flavour, await send(blank, flavour)));
    expect(new Set(Array.from({ length: blankImg.width * blankImg.height }, (_, p) => blankImg.data[p * 4])).size).toBe(1);

    const wrong = await startFlavour(flavour, { 'wrong-size': 1 });
    const wrongImg = await decodeRgba(await imageOf(flavour, await send(wrong, flavour)));
    expect(`${wrongImg.width}x${wrongImg.height}`).not.toBe(FIELDS.size);
  });

  it('malformed-json: 200 with a truncated body', async () => {
    const sim = await startFlavour(flavour, { 'malformed-json': 1 });
    const res = await send(sim, flavour);
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(text.startsWith('{')).toBe(true);
    expect(() => JSON.parse(text)).toThrow();
  });

  it('timeout: never answers; close() still ends it', async () => {
    const events = new EventLog();
    const sim = await startFlavour(flavour, { timeout: 1 }, events);
    const controller = new AbortController();
    const pending = send(sim, flavour, { signal: controller.signal });
    await events.next((e) => e.type === 'fault' && e.fault === 'timeout');
    // The client gives up; the server notices the closed connection.
    controller.abort();
    await expect(pending).rejects.toThrow();
    await events.next((e) => e.type === 'response' && e.status === null);

    const hanging = send(sim, flavour);
    await events.next((e) => e.type === 'fault' && sim.stats().faults.timeout === 2);
    await sim.close();
    await expect(hanging).rejects.toThrow();
  });
});

describe('slow-body', () => {
  it('sends the headers at once and trickles the body in pieces', async () => {
    // 600 ms in 12 pieces: 50 ms apart, so even a busy client reads them separately.
    const sim = await start({ kind: 'vllm-omni', faults: { 'slow-body': 1 }, timeScale: 0.002 });
    const res = await send(sim, 'a-images');
    expect(res.status).toBe(200);
    const reader = res.body!.getReader();
    const decoder = new TextDecoder();
    let text = '';
    let reads = 0;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      reads++;
      text += decoder.decode(value, { stream: true });
    }
    expect(reads).toBeGreaterThanOrEqual(4);
    expect(JSON.parse(text).data[0].b64_json.length).toBeGreaterThan(100);
    expect(slowBodyMs(0.01)).toBe(3000);
  });
});

describe('fault decisions over HTTP', () => {
  it('decides per attempt, so retries can succeed, and two fresh servers agree', async () => {
    const statuses = async (): Promise<number[]> => {
      const sim = await start({ kind: 'diffusers', faults: { '5xx': 0.5 } });
      const out: number[] = [];
      for (let i = 0; i < 10; i++) {
        const res = await send(sim, 'b-images');
        out.push(res.status);
        await res.arrayBuffer();
      }
      return out;
    };
    const first = await statuses();
    expect(await statuses()).toEqual(first);
    expect(new Set(first)).toEqual(new Set([200, 503]));
  });

  it('counts requests per "METHOD /path" and reports events', async () => {
    const events = new EventLog();
    const sim = await start({ kind: 'vllm-omni', faults: { typo: 1 }, onEvent: events.onEvent });
    await (await fetch(`${sim.url}/health`)).arrayBuffer();
    await (await fetch(`${sim.url}/health?probe=1`)).arrayBuffer();
    await (await send(sim, 'a-images')).arrayBuffer();
    expect(sim.stats()).toEqual({ requests: { 'GET /health': 2, 'POST /v1/images/edits': 1 }, faults: { typo: 1 } });
    await events.next((e) => e.type === 'response' && e.path === '/v1/images/edits');
    expect(events.events.filter((e) => e.type === 'fault')).toEqual([{ type: 'fault', fault: 'typo', path: '/v1/images/edits', attempt: 1 }]);
    expect(events.events.find((e) => e.type === 'response' && e.path === '/v1/images/edits')).toMatchObject({ status: 200 });
  });
});

describe('close()', () => {
  it('ends idle keep-alive connections without waiting for their timeout', async () => {
    const sim = await start({ kind: 'vllm-omni' });
    await (await fetch(`${sim.url}/health`)).arrayBuffer();
    const outcome = await Promise.race([sim.close().then(() => 'closed'), new Promise((r) => setTimeout(() => r('stuck'), 3000))]);
    expect(outcome).toBe('closed');
  });

  it('answers queued baseline requests with 503 or drops them, and stops the running one', async () => {
    const events = new EventLog();
    // Real-world durations: these requests would take tens of seconds.
    const sim = await start({ kind: 'diffusers', timeScale: 1, onEvent: events.onEvent });
    const a = send(sim, 'b-images').then((r) => r.status, () => 'dropped');
    const b = send(sim, 'b-images').then((r) => r.status, () => 'dropped');
    await events.next((e) => e.type === 'request' && events.events.filter((x) => x.type === 'request').length === 2);
    await sim.close();
    for (const outcome of await Promise.all([a, b])) expect([503, 'dropped']).toContain(outcome);
    expect(await fetch(`${sim.url}/health`).then(() => 'answered', () => 'refused')).toBe('refused');
  });

  it('is safe to call twice', async () => {
    const sim = await start({ kind: 'diffusers' });
    await Promise.all([sim.close(), sim.close()]);
  });
});

describe('options', () => {
  it('rejects unknown faults, bad probabilities and bad time scales', async () => {
    await expect(startSimServer({ kind: 'vllm-omni', faults: { nope: 1 } as unknown as FaultProfile })).rejects.toThrow(/unknown simulator fault "nope".*valid names/);
    await expect(startSimServer({ kind: 'vllm-omni', faults: { typo: 2 } })).rejects.toThrow(/probability from 0 to 1/);
    await expect(startSimServer({ kind: 'vllm-omni', timeScale: -1 })).rejects.toThrow(/timeScale/);
    await expect(startSimServer({ kind: 'diffusers', generation: 'legacy' })).rejects.toThrow(/only applies to kind vllm-omni/);
  });
});

describe.each(['a-images', 'b-images'] as const)('typo on a chain turn that changes the text the simulator drew (%s)', (flavour) => {
  async function edit(sim: SimServer, bytes: Buffer, prompt: string, seed: number): Promise<Buffer> {
    const res = await fetch(`${sim.url}/v1/images/edits`, { method: 'POST', body: editForm({ ...FIELDS, prompt, seed }, [{ bytes }]) });
    expect(res.status).toBe(200);
    return imageOf(flavour, res);
  }
  const CHANGE = 'Change the text on the sign to "TODAY MOCHA"';
  const SEEDS = [1, 2, 3, 4, 5, 6, 7, 8];

  it('sometimes leaves the old text in place (the output is the input, unedited), only on the server that drew it', async () => {
    const sim = await startFlavour(flavour, { typo: 1 });
    const turn1 = await edit(sim, await input(), 'Add a sign that says "TODAY FLAT WHITE"', 21);
    const turn1Rgba = await decodeRgba(turn1);
    const unchanged = async (server: SimServer): Promise<boolean[]> => {
      const out: boolean[] = [];
      for (const seed of SEEDS) out.push(diffRatio(await decodeRgba(await edit(server, turn1, CHANGE, seed)), turn1Rgba) < 0.01);
      return out;
    };
    const kept = await unchanged(sim);
    expect(kept.some(Boolean)).toBe(true);
    expect(kept.every(Boolean)).toBe(false);
    // A server that never drew that image does not know its text: every typo is drawn as new text.
    const other = await startFlavour(flavour, { typo: 1 });
    expect((await unchanged(other)).some(Boolean)).toBe(false);
  });
});
