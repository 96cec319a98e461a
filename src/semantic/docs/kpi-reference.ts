import type { KpiDictionary, KpiEntry } from '../dictionary/kpi-dictionary.js';

const POLARITY: Record<string, string> = {
  up: '↑ higher is better',
  down: '↓ lower is better',
  neutral: '— neutral',
};

function formulaText(e: KpiEntry): string {
  const f = e.def.formula;
  if ('measure' in f) {
    const m = f.measure;
    const filter = m.filter
      ? ` where ${Array.isArray(m.filter) ? m.filter.join(' and ') : m.filter}`
      : '';
    return `\`${m.agg}(${m.expr ?? '*'})\` over fact \`${m.fact}\`${filter}${m.time ? ` (counts on ${m.time})` : ''}`;
  }
  if ('expr' in f) return `\`${f.expr}\``;
  if ('recipe' in f) {
    const p = Object.entries(f.params ?? {})
      .map(([k, v]) => `${k}: ${String(v)}`)
      .join(', ');
    return `recipe \`${f.recipe}\`${p ? ` (${p})` : ''}`;
  }
  return `model \`vitrine model ${f.model}\`${f.output ? ` → ${f.output}` : ''}`;
}

function section(e: KpiEntry): string {
  const d = e.def;
  const lines = [
    `### \`${d.id}\` — ${d.name.en} / ${d.name.fr}`,
    '',
    d.description.en,
    '',
    `*${d.description.fr}*`,
    '',
    `- formula: ${formulaText(e)}`,
    `- unit: ${d.unit}${d.unit_detail ? ` (${d.unit_detail})` : ''} · polarity: ${POLARITY[d.polarity] ?? d.polarity} · additivity: ${d.additivity}`,
    `- owner: ${d.owner} · sources: ${d.sources.join(', ')}`,
    `- version ${d.version} · ${d.status}${d.replaced_by ? ` → use \`${d.replaced_by}\`` : ''}${d.variant_of ? ` · variant of \`${d.variant_of}\`` : ''}`,
    `- rules: ${Object.entries(d.rules)
      .map(([k, v]) => `${k.replaceAll('_', ' ')}: ${v}`)
      .join('; ')}`,
  ];
  if (d.changelog.length > 0) {
    lines.push(
      `- changelog: ${d.changelog.map((c) => `v${c.version} (${c.date}) ${c.change}`).join(' · ')}`,
    );
  }
  return lines.join('\n');
}

/** docs/kpis.md: the dictionary as a reference, generated (npm run docs). */
export function renderKpiReference(dictionary: KpiDictionary): string {
  const out = [
    '# KPI dictionary reference',
    '',
    '<!-- Generated from kpis/*.yaml by `npm run docs`; do not edit by hand. -->',
    '',
    `${dictionary.list().length} KPIs. Formulas are written in the dictionary's expression language over the facts of`,
    'the semantic model (see [semantic-layer.md](semantic-layer.md)).',
    '',
  ];
  for (const area of dictionary.areas()) {
    out.push(`## ${area}`, '');
    out.push('| id | name | unit | polarity | owner |', '|---|---|---|---|---|');
    for (const e of dictionary.list(area)) {
      out.push(
        `| [\`${e.def.id}\`](#${e.def.id}) | ${e.def.name.en} | ${e.def.unit} | ${e.def.polarity} | ${e.def.owner} |`,
      );
    }
    out.push('');
    for (const e of dictionary.list(area)) out.push(section(e), '');
  }
  return out.join('\n');
}
