/** The print window's request guard (print-pdf.ts), apart from Electron so it is unit-tested without it. */

/** May the print window load this URL? The report itself and data: URLs only: a report is self-contained. */
export function isPrintRequestAllowed(url: string, pageUrl: string): boolean {
  return url === pageUrl || url.startsWith('data:');
}
