/** What the domain handlers (core/app/handlers/*) share: the workspace's services, made once by createCoreApp. */
import type { EventBus } from './events.ts';
import type { RunExecutor } from './run-execution.ts';
import type { RunRegistry } from './run-registry.ts';
import type { SuiteCatalogue } from './suite-catalogue.ts';
import type { SweepRegistry } from './sweep-registry.ts';
import type { CoreAppOptions, PdfPrinter } from './types.ts';
import type { WorkspaceFiles } from './workspace-files.ts';

export interface AppContext {
  /** Absolute workspace folder. */
  workspace: string;
  mode: CoreAppOptions['mode'];
  /** Prints a run's report.html to a PDF: Electron's printToPDF in the app, a Chromium found on the machine elsewhere. */
  printPdf: PdfPrinter;
  events: EventBus;
  files: WorkspaceFiles;
  suites: SuiteCatalogue;
  runs: RunRegistry;
  executor: RunExecutor;
  /** Sweeps (issue 12): specs, folders and the ones running. */
  sweeps: SweepRegistry;
}
