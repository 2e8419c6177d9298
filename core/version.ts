/** The tool's version, from package.json (shown by --version, written into reports). */
import pkg from '../package.json' with { type: 'json' };

export const TOOL_VERSION: string = pkg.version;
