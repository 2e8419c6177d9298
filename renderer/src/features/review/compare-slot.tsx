/**
 * The one place the review screen mounts the compare view (renderer/src/features/compare, built behind
 * CompareViewProps).
 */
import { CompareView } from '../compare/index.ts';
import type { CompareViewProps } from '../compare/types.ts';

export function CompareSlot(props: CompareViewProps) {
  return <CompareView {...props} />;
}
