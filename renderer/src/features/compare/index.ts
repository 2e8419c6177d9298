/**
 * The compare feature's public surface: the app shell mounts CompareView (and may show TimingWaterfall on its
 * own, e.g. in a list detail), and drives them through the props in types.ts.
 */
export { CompareView } from './compare-view.tsx';
export { TimingWaterfall, type TimingWaterfallProps } from './timing-waterfall.tsx';
export { pairImageUrls, preloadPairs } from './preload.ts';
export { VIEW_MODES, type CompareViewProps, type ViewMode, type ZoomCommand } from './types.ts';
