/**
 * The one place the review screen mounts the compare view. Today it is the placeholder; when
 * renderer/src/features/compare lands, swap the import below for its CompareView (same props).
 */
import type { CompareViewProps } from '../compare/types.ts';
import { ComparePlaceholder } from './compare-placeholder.tsx';

export function CompareSlot(props: CompareViewProps) {
  return <ComparePlaceholder {...props} />;
}
