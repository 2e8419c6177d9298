/** The default PDF printer of the engine (browser mode, tests): a Chromium found on the machine (core/reports/pdf.ts). */
import { RpcError } from '../rpc.ts';
import { findChromium, printHtmlToPdf } from '../reports/pdf.ts';
import type { PdfPrinter } from './types.ts';

export const printWithChromium: PdfPrinter = async (htmlPath, pdfPath) => {
  const found = findChromium();
  if (found.path === null) throw new RpcError('failed', found.problem.replace('--pdf needs', 'PDF export needs').replace(' or pass --chromium PATH / set', ', or set'));
  await printHtmlToPdf(found.path, htmlPath, pdfPath);
};
