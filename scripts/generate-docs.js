// Regenerates the docs that derive from code and the dictionary (run through `npm run docs`,
// which builds first): docs/data-model.md, docs/kpis.md and docs/models.md.
import { writeFileSync } from 'node:fs';
import { renderModelReference } from '../dist/analytics/model-catalogue.js';
import { duckdbType } from '../dist/backends/duckdb/duckdb-ddl.js';
import { renderDataModelDoc } from '../dist/model/model-docs.js';
import { loadDictionary } from '../dist/semantic/dictionary/kpi-dictionary.js';
import { renderKpiReference } from '../dist/semantic/docs/kpi-reference.js';

writeFileSync(new URL('../docs/data-model.md', import.meta.url), renderDataModelDoc(duckdbType));
writeFileSync(new URL('../docs/kpis.md', import.meta.url), renderKpiReference(loadDictionary()));
writeFileSync(new URL('../docs/models.md', import.meta.url), renderModelReference());
console.log('wrote docs/data-model.md, docs/kpis.md and docs/models.md');
