import { useEffect, useRef } from 'react';

const KEEP = 48;

/**
 * Fetch images before they are shown (`new Image()`), so moving to the next pair paints from cache. The
 * Image objects are kept (bounded) until loaded so the browser does not drop the request early.
 */
export function usePreload(urls: readonly string[]): void {
  const cache = useRef(new Map<string, HTMLImageElement>());
  const key = urls.join('\n');
  useEffect(() => {
    const map = cache.current;
    for (const url of key === '' ? [] : key.split('\n')) {
      if (map.has(url)) {
        // Refresh recency.
        const img = map.get(url)!;
        map.delete(url);
        map.set(url, img);
        continue;
      }
      const img = new Image();
      img.decoding = 'async';
      img.src = url;
      map.set(url, img);
    }
    while (map.size > KEEP) {
      const oldest = map.keys().next().value as string;
      map.delete(oldest);
    }
  }, [key]);
}
