/** The committed bundle of the report's browser script is what scripts/build-report-script.ts produces now. */
import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { REPORT_SCRIPT } from '../core/reports/report-script.generated.ts';
import { bundleReportScript, generatedModule, REPORT_SCRIPT_OUTPUT } from './build-report-script.ts';

describe('core/reports/report-script.generated.ts', () => {
  it('is current: run `npm run build:report-script` after changing core/reports/report-script/', async () => {
    const fresh = generatedModule(await bundleReportScript());
    expect(await readFile(REPORT_SCRIPT_OUTPUT, 'utf8')).toBe(fresh);
  });

  it('is one self-contained IIFE with no module syntax left', () => {
    expect(REPORT_SCRIPT.trim()).toMatch(/^\(function\(\) \{[\s\S]*\}\)\(\);$/);
    expect(REPORT_SCRIPT).not.toMatch(/^\s*(import|export)\s/m);
  });
});
