/**
 * Getting figures out of the Speed screen: a file download (CSV, JSON, a chart's PNG or SVG) and a copy to the
 * clipboard (the Markdown tables). Browser APIs only; works in the Electron renderer and in browser mode.
 */

/** Save `url` (a data: or blob: URL) as `fileName` through the browser's download. */
export function downloadUrl(url: string, fileName: string): void {
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  a.rel = 'noopener';
  document.body.appendChild(a);
  a.click();
  a.remove();
}

export function downloadText(text: string, fileName: string, type: string): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  downloadUrl(url, fileName);
  // The download has taken its copy once click() returns in every engine we ship; a tick later is generous.
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

/**
 * Copy text; resolves false when neither the async clipboard (denied in some shells) nor the selection fallback
 * worked, so the caller can say so instead of pretending.
 */
export async function copyText(text: string): Promise<boolean> {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    const area = document.createElement('textarea');
    area.value = text;
    area.setAttribute('readonly', '');
    area.style.position = 'fixed';
    area.style.opacity = '0';
    document.body.appendChild(area);
    area.select();
    let ok: boolean;
    try {
      ok = document.execCommand('copy');
    } catch {
      ok = false;
    }
    area.remove();
    return ok;
  }
}

/** A file-name-safe form of a sweep or chart name. */
export function fileSlug(name: string): string {
  return name.replace(/[^\p{L}\p{N}._-]+/gu, '-').replace(/^-+|-+$/g, '').slice(0, 80) || 'sweep';
}
