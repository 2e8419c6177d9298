/**
 * The app's PDF export (issue 13): the engine's `runs:export` with format pdf writes report.html and asks the shell
 * to print it; here that is Electron's own webContents.printToPDF, so the desktop app needs no Chromium of the
 * machine. Thin on purpose: the engine owns what is printed, this only prints.
 *
 * The report loads in a hidden window of its own in-memory session that may fetch the report file and data: URLs
 * and nothing else (a report is self-contained), with scripts off (printing needs none) and every permission denied.
 * printToPDF runs after the load event, when every embedded thumbnail has been decoded.
 */
import { BrowserWindow, session } from 'electron';
import { pathToFileURL } from 'node:url';
import type { PdfPrinter } from '../../core/app/types.ts';
import { writeFileAtomic } from '../../core/fs/atomic-write.ts';
import { isPrintRequestAllowed } from './print-guard.ts';
import { denyAllPermissions } from './security.ts';

/** Not "persist:": nothing of a print outlives the app. */
const PRINT_PARTITION = 'omni-review-print';

export function createElectronPdfPrinter(log: (message: string) => void): PdfPrinter {
  return async (htmlPath, pdfPath) => {
    const pageUrl = pathToFileURL(htmlPath).href;
    const printSession = session.fromPartition(PRINT_PARTITION);
    denyAllPermissions(printSession, log);
    printSession.webRequest.onBeforeRequest((details, callback) => {
      const allowed = isPrintRequestAllowed(details.url, pageUrl);
      if (!allowed) log(`print: cancelled a request to ${details.url.slice(0, 200)}`);
      callback({ cancel: !allowed });
    });
    const window = new BrowserWindow({
      show: false,
      webPreferences: {
        session: printSession,
        contextIsolation: true,
        sandbox: true,
        nodeIntegration: false,
        javascript: false,
        webSecurity: true,
        spellcheck: false,
        // Nothing here is clicked; like the main window, no middle-click window opening (security scan AUXCLICK).
        disableBlinkFeatures: 'Auxclick',
      },
    });
    try {
      await window.loadURL(pageUrl);
      const pdf = await window.webContents.printToPDF({ printBackground: false, pageSize: 'A4', generateDocumentOutline: true });
      await writeFileAtomic(pdfPath, pdf);
    } finally {
      window.destroy();
    }
  };
}
