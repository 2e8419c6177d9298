/**
 * Maps a field path of the parsed suite (["cases", 3, "turns", 0, "prompt"]) back to a line and column of the
 * YAML source, so every problem can be reported where the user has to edit. Follows aliases and `<<` merge keys,
 * because a value that came from an anchor can only be fixed at the anchor.
 */
import type { FieldPath } from '../../shared/issue-path.ts';
import { isAlias, isMap, isScalar, isSeq, type Document, type LineCounter, type Node, type Pair } from 'yaml';

export interface Position {
  /** 1-based. */
  line: number;
  /** 1-based. */
  column: number;
}

function keyText(key: unknown): string | undefined {
  if (isScalar(key)) return keyText(key.value);
  if (typeof key === 'string' || typeof key === 'number' || typeof key === 'boolean') return String(key);
  if (typeof key === 'symbol') return key.description;
  return undefined;
}

export class YamlLocator {
  private readonly doc: Document;
  private readonly lineCounter: LineCounter;

  constructor(doc: Document, lineCounter: LineCounter) {
    this.doc = doc;
    this.lineCounter = lineCounter;
  }

  position(offset: number): Position {
    const { line, col } = this.lineCounter.linePos(offset);
    return { line, column: col };
  }

  /** The value node at `path` (aliases resolved), or undefined when some segment is missing. */
  node(path: FieldPath): Node | undefined {
    let current = this.resolve(this.doc.contents ?? undefined);
    for (const segment of path) {
      if (current === undefined) return undefined;
      current = this.child(current, segment)?.value;
    }
    return current;
  }

  /**
   * Where to point for a problem at `path`: the key of the last map entry (the reader's eye lands on the key, and
   * it stays on one line even when the value is a multi-line block), the item for a sequence index, or — when the
   * path ends in a key that is absent — the start of the nearest collection that exists.
   */
  locate(path: FieldPath): Position {
    const root = this.resolve(this.doc.contents ?? undefined);
    let current: Node | undefined = root;
    let at = root?.range?.[0] ?? 0;
    for (const segment of path) {
      if (current === undefined) break;
      const child = this.child(current, segment);
      if (child === undefined) break;
      at = child.at;
      current = child.value;
    }
    return this.position(at);
  }

  private resolve(node: Node | undefined): Node | undefined {
    // A bounded loop: an alias resolves to a non-alias node, but guard against anything odd.
    for (let i = 0; i < 8 && node !== undefined && isAlias(node); i++) node = node.resolve(this.doc) ?? undefined;
    return node;
  }

  private child(parent: Node, segment: string | number): { value: Node | undefined; at: number } | undefined {
    if (typeof segment === 'number') {
      if (!isSeq(parent)) return undefined;
      const item = parent.items[segment] as Node | undefined;
      if (item === undefined) return undefined;
      return { value: this.resolve(item), at: item.range?.[0] ?? parent.range?.[0] ?? 0 };
    }
    const pair = this.findPair(parent, segment, 0);
    if (pair === undefined) return undefined;
    const key = pair.key as Node | null;
    const value = pair.value as Node | null;
    const at = key?.range?.[0] ?? value?.range?.[0] ?? parent.range?.[0] ?? 0;
    return { value: this.resolve(value ?? undefined), at };
  }

  private findPair(map: Node, key: string, depth: number): Pair | undefined {
    if (!isMap(map) || depth > 8) return undefined;
    for (const pair of map.items) if (keyText(pair.key) === key) return pair;
    // Not here: it may come from a `<<: *anchor` (or `<<: [*a, *b]`) merge.
    for (const pair of map.items) {
      if (keyText(pair.key) !== '<<') continue;
      const source = this.resolve((pair.value as Node | null) ?? undefined);
      const sources = isSeq(source) ? source.items.map((item) => this.resolve(item as Node)) : [source];
      for (const s of sources) {
        const found = s === undefined ? undefined : this.findPair(s, key, depth + 1);
        if (found) return found;
      }
    }
    return undefined;
  }
}
