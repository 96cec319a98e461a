import type { DemoPart } from '../demo-context.js';
import { campaignsPart } from './campaigns-part.js';
import { cataloguePart } from './catalogue-part.js';
import { customersPart } from './customers-part.js';
import { planningPart } from './planning-part.js';
import { salesPart } from './sales-part.js';
import { servicePart } from './service-part.js';
import { webPart } from './web-part.js';

/** The parts of the generator, in the order they run (later parts read earlier entities). */
export const DEMO_PARTS: readonly DemoPart[] = [
  campaignsPart,
  cataloguePart,
  customersPart,
  salesPart,
  webPart,
  servicePart,
  planningPart,
];
