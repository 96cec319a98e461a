/**
 * The ground-truth manifest: the effects the demo generator embedded, written to
 * `ground-truth.json` in the workspace. Tests use it as their oracle. Each part of the generator
 * fills its own section; every rate here is what the generator drew from, not a measurement.
 */

export interface GroundTruthMeta {
  readonly generator: string;
  readonly seed: number;
  readonly scale: string;
  /** First and last day covered (local dates, Europe/Paris). */
  readonly start: string;
  readonly end: string;
  /** The day the demo was generated for (end = today − 1). */
  readonly today: string;
  readonly timezone: string;
  readonly reportingCurrency: string;
  readonly rowCounts: Record<string, number>;
}

export interface GroundTruth {
  meta: GroundTruthMeta;
  /** Every other section, keyed by the part that wrote it (see each part for its shape). */
  [section: string]: unknown;
}
