/**
 * Per-view services shared by the compare view's parts: the one viewport, the paint tracker, the pixel
 * sampler and the registry of mounted images the inspector reads. Created once per CompareView (stable
 * across pairs), handed down by context so moving the mouse never re-renders the tree.
 */
import { createContext, useContext } from 'react';
import type { PaintTracker } from './paint-tracker.ts';
import type { PixelSampler } from './pixel-sampler.ts';
import type { ViewportController } from './viewport-controller.ts';

export interface RegisteredImage {
  img: HTMLImageElement;
  /** What the pane draws (possibly a display-sized copy). */
  url: string;
  /** The original, which the pixel inspector reads. */
  fullUrl: string;
  /** What the inspector calls it ("Source", "Left", "A · vLLM-Omni", "Diff A↔B"). */
  label: string;
  colorVar: string | null;
  /** Drawing order, so the inspector lists source, left, right. */
  order: number;
}

/** Images currently on screen, by slot role. Mutated by PaneImage effects; read when the pointer moves. */
export class ImageRegistry {
  private readonly images = new Map<string, RegisteredImage>();

  set(role: string, image: RegisteredImage): void {
    this.images.set(role, image);
  }

  delete(role: string, img: HTMLImageElement): void {
    if (this.images.get(role)?.img === img) this.images.delete(role);
  }

  list(): Array<[string, RegisteredImage]> {
    return [...this.images.entries()].sort((a, b) => a[1].order - b[1].order);
  }
}

export interface CompareServices {
  controller: ViewportController;
  tracker: PaintTracker;
  sampler: PixelSampler;
  registry: ImageRegistry;
}

export const CompareContext = createContext<CompareServices | null>(null);

export function useCompareServices(): CompareServices {
  const services = useContext(CompareContext);
  if (!services) throw new Error('compare view parts must be rendered inside <CompareView>');
  return services;
}
