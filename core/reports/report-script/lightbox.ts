/**
 * Click a thumbnail to see the full-size file beside the report; when that file is not there (the report was
 * moved alone), fall back to the embedded thumbnail. Esc, a click on the backdrop or the button closes it.
 */
export interface Lightbox {
  close(): void;
}

export function installLightbox(box: HTMLElement): Lightbox {
  const img = box.querySelector('img');
  const link = box.querySelector('a');
  const caption = box.querySelector('.cap');
  if (!img || !link || !caption) throw new Error('report.html: the lightbox markup is incomplete');
  let fallback: string | null = null;

  img.addEventListener('error', () => {
    if (fallback !== null && img.getAttribute('src') !== fallback) img.setAttribute('src', fallback);
  });

  const close = (): void => {
    box.hidden = true;
    img.removeAttribute('src');
    fallback = null;
  };

  document.addEventListener('click', (ev) => {
    const target = ev.target instanceof Element ? ev.target : null;
    const anchor = target?.closest('a.zoom') ?? null;
    if (!anchor || ev.button !== 0 || ev.ctrlKey || ev.metaKey || ev.shiftKey || ev.altKey) return;
    const href = anchor.getAttribute('href');
    if (href === null) return;
    ev.preventDefault();
    // The thumbnail is a <use> of the page's thumbnail table: its data URI is on the table's <image>.
    const thumbId = anchor.querySelector('[data-thumb]')?.getAttribute('data-thumb') ?? null;
    fallback = thumbId === null ? null : (document.getElementById(thumbId)?.getAttribute('href') ?? null);
    img.setAttribute('src', href);
    link.setAttribute('href', href);
    caption.textContent = anchor.getAttribute('data-label') ?? '';
    box.hidden = false;
  });

  box.addEventListener('click', (ev) => {
    if (ev.target === box || (ev.target instanceof Element && ev.target.tagName === 'BUTTON')) close();
  });

  return { close };
}
