/** Where sweeps live in a workspace (`<workspace>/sweeps/<sweep id>/`), beside the runs; ids as runs have them. */
import { join } from 'node:path';
import { newRunId } from '../engine/workspace.ts';

export function sweepsDir(workspace: string): string {
  return join(workspace, 'sweeps');
}

/** 20261202-081502-demo-3fa9: sortable, readable, filesystem-safe (the run id rule). */
export function newSweepId(name: string, now?: Date): string {
  return newRunId(name, now);
}
