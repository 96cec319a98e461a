/** Civil dates as YYYY-MM-DD strings and the period presets of the filter bar (shared with the server). */
export type { Preset } from '../../src/server/dashboard-boards.js';
export {
  PRESETS,
  addDays,
  daysBetween,
  iso,
  presetRange,
  sparkGrain,
} from '../../src/server/dashboard-boards.js';
