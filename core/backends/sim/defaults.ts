/** Simulator defaults in a module with no imports, for the CLI's --help (which must not load the simulators). */

/** Multiplies every modelled duration; 1 = real-world seconds. */
export const DEFAULT_TIME_SCALE = 0.05;
