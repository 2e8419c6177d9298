/**
 * Side A: vLLM-Omni, any version from 0.12 on. The OpenAI-style image protocol itself is in ./openai-images/;
 * this file holds what is particular to vLLM-Omni: detecting the API generation and falling back to
 * /v1/chat/completions on servers whose images endpoints are missing or broken.
 *
 * Facts this code relies on (reference/vllm-omni-api.md):
 * - Current servers (N) have POST /v1/images/edits (multipart) and /v1/images/generations (JSON). The 0.12-era
 *   servers (S) have no edits route, a generations route that fails with 500, and a /v1/models that fails with 500;
 *   only /v1/chat/completions works there, with generation parameters in a *literal* "extra_body" object.
 * - FastAPI answers GET on a POST-only route with 405 and on a missing route with 404: a free probe.
 */
import { BackendError, type ImageRequest, type ImageResponse, type SendOptions } from './types.ts';
import { OpenAiImageAdapter, PATHS, type AdapterOptions, type ModelsProbe } from './openai-images/adapter.ts';
import { buildChatJson, jsonBody } from './openai-images/encode.ts';
import { extractChatImage, parseJson, type ResponseContext } from './openai-images/decode.ts';

export class VllmOmniAdapter extends OpenAiImageAdapter {
  constructor(baseUrl: string, options: AdapterOptions = {}) {
    super('vllm-omni', baseUrl, options);
  }

  /** Decide the API generation and paths from GET probes only. */
  protected override async detect(models: ModelsProbe, signal: AbortSignal | undefined): Promise<void> {
    const notes = this.info.notes;
    const edits = await this.probe(PATHS.edits, signal);
    if (edits.status !== 404) {
      this.info.generation = 'current';
      this.info.editPath = PATHS.edits;
      this.info.generatePath = PATHS.generations;
      notes.push(
        `GET /v1/images/edits → ${edits.status}${edits.status === 405 ? ' (the route exists, POST only)' : ''}: current API; edits use /v1/images/edits, generation /v1/images/generations`,
      );
      return;
    }
    this.info.generation = 'legacy';
    this.info.editPath = PATHS.chat;
    notes.push('GET /v1/images/edits → 404: this server has no edits endpoint (an older vLLM-Omni); edits go through /v1/chat/completions');
    if (models.status === 500) {
      this.info.generatePath = PATHS.chat;
      notes.push('generation also goes through /v1/chat/completions: /v1/images/generations fails with HTTP 500 on 0.12-era servers');
      return;
    }
    const gens = await this.probe(PATHS.generations, signal);
    if (gens.status === 404) {
      this.info.generatePath = PATHS.chat;
      notes.push('GET /v1/images/generations → 404: generation goes through /v1/chat/completions');
    } else {
      this.info.generatePath = PATHS.generations;
      notes.push(
        `GET /v1/images/generations → ${gens.status}: generation uses /v1/images/generations and falls back to /v1/chat/completions if it answers 500 (broken on some older servers)`,
      );
    }
  }

  // --- send: the images API, or chat completions where that is missing or broken ---------------------------

  protected override async sendTo(path: string, isEdit: boolean, request: ImageRequest, options: SendOptions): Promise<ImageResponse> {
    if (path !== PATHS.chat) {
      try {
        return await super.sendTo(path, isEdit, request, options);
      } catch (err) {
        if (!(err instanceof BackendError) || !this.shouldFallBack(err, path)) throw err;
        this.switchToChat(isEdit, path, err.httpStatus ?? 0);
      }
    }
    return this.sendChat(request, options);
  }

  private shouldFallBack(err: BackendError, path: string): boolean {
    if (err.kind !== 'http') return false;
    if (err.httpStatus === 404 || err.httpStatus === 405) return true;
    return path === PATHS.generations && err.httpStatus === 500 && this.info.generation !== 'current';
  }

  private switchToChat(isEdit: boolean, from: string, status: number): void {
    const which = isEdit ? 'editPath' : 'generatePath';
    if (this.info[which] === PATHS.chat) return; // a concurrent request already switched
    this.info[which] = PATHS.chat;
    const why = status === 500 ? 'the endpoint is broken on this server version' : 'the endpoint does not exist on this server';
    this.info.notes.push(`POST ${from} → ${status} (${why}): ${isEdit ? 'edits' : 'generation'} switched to /v1/chat/completions`);
    if (this.info.generation === 'current') this.info.generation = 'legacy';
  }

  private async sendChat(request: ImageRequest, options: SendOptions): Promise<ImageResponse> {
    const res = await this.post(PATHS.chat, jsonBody(buildChatJson(request, this.model)), options);
    const ctx: ResponseContext = { method: 'POST', url: res.url, status: res.status };
    const json = parseJson(res.body.toString('utf8'), ctx);
    return this.respond(res, json, extractChatImage(json, ctx), PATHS.chat);
  }
}
