/**
 * A minimal Server-Sent Events reader (the `data:` part of the spec, which is all the engine sends), fed by
 * fetch streams rather than EventSource so it is testable in Node and reconnects on our own, bounded terms.
 */

/** Incremental parser: feed text chunks, get complete event payloads (data lines joined by "\n"). */
export class SseParser {
  private buffer = '';
  private data: string[] = [];

  push(chunk: string): string[] {
    this.buffer += chunk;
    const out: string[] = [];
    for (;;) {
      const nl = this.buffer.search(/\r\n|\r|\n/);
      if (nl < 0) break;
      const line = this.buffer.slice(0, nl);
      const width = this.buffer.startsWith('\r\n', nl) ? 2 : 1;
      // A lone \r at the very end may be the first half of \r\n: wait for the next chunk.
      if (this.buffer[nl] === '\r' && width === 1 && nl === this.buffer.length - 1) break;
      this.buffer = this.buffer.slice(nl + width);
      if (line === '') {
        if (this.data.length > 0) out.push(this.data.join('\n'));
        this.data = [];
      } else if (line.startsWith(':')) {
        // comment / keep-alive
      } else {
        const colon = line.indexOf(':');
        const field = colon < 0 ? line : line.slice(0, colon);
        let value = colon < 0 ? '' : line.slice(colon + 1);
        if (value.startsWith(' ')) value = value.slice(1);
        if (field === 'data') this.data.push(value);
      }
    }
    return out;
  }
}

/** Reconnect delay after `failures` consecutive failures: 0.5 s doubling, capped. */
export function backoffMs(failures: number, minMs = 500, maxMs = 10_000): number {
  return Math.min(maxMs, minMs * 2 ** Math.max(0, failures - 1));
}
