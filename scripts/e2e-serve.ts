/**
 * The server Playwright's web project runs against: `omni-review serve` on a fresh, empty workspace in the
 * temp folder (removed on exit), so every e2e run starts like a first launch.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const port = process.env.E2E_PORT ?? '4790';
const workspace = mkdtempSync(join(tmpdir(), 'omni-review-e2e-'));
const bin = fileURLToPath(new URL('../bin/omni-review.mjs', import.meta.url));
console.log(`e2e workspace: ${workspace}`);
const child = spawn(process.execPath, [bin, 'serve', '--port', port, '--workspace', workspace], { stdio: 'inherit' });
const stop = (signal: NodeJS.Signals) => child.kill(signal);
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
child.on('exit', (code) => {
  rmSync(workspace, { recursive: true, force: true });
  process.exit(code ?? 0);
});
