/* global module */
// The rooms of src/ as layers (see docs/architecture.md): a room may import its own room and the
// rooms below it, never one above. `npm test` runs this check (npm run lint:deps).
// Tests are left out: a test may reach across rooms to set up what it checks.
const LAYERS = [
  ['util', 'sql', 'format'],
  ['model', 'time'],
  ['backends'],
  ['workspace'],
  ['semantic'],
  ['ingest', 'analytics', 'goals'],
  ['live'],
  ['demo'],
  ['server', 'cli'],
];

const room = (names) => `^src/(${names.join('|')})/`;

const layerRules = LAYERS.slice(0, -1).map((rooms, i) => ({
  name: `no-upward-from-${rooms.join('-')}`,
  comment: `${rooms.join(', ')} sit below ${LAYERS.slice(i + 1)
    .flat()
    .join(', ')} and must not import them`,
  severity: 'error',
  from: { path: room(rooms), pathNot: '\\.test\\.ts$' },
  to: { path: room(LAYERS.slice(i + 1).flat()) },
}));

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    ...layerRules,
    {
      name: 'no-server-to-cli',
      comment:
        'the server and the CLI are both thin shells over the library; neither imports the other',
      severity: 'error',
      from: { path: '^src/server/' },
      to: { path: '^src/cli/' },
    },
    {
      name: 'no-circular',
      comment: 'a circle between modules hides which one is the lower; break it',
      severity: 'error',
      from: { path: '^src/', pathNot: '\\.test\\.ts$' },
      to: { circular: true, viaOnly: { pathNot: '\\.test\\.ts$' } },
    },
    {
      name: 'no-unknown-room',
      comment: 'every folder of src/ is a room listed in LAYERS, so the rules cover it',
      severity: 'error',
      from: { path: '^src/', pathNot: room(LAYERS.flat()) },
      to: {},
    },
    {
      name: 'not-to-test',
      comment: 'library code never imports test helpers',
      severity: 'error',
      from: { path: '^src/', pathNot: '\\.test\\.ts$' },
      to: { path: '^test/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^|/)(dist|node_modules)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { extensions: ['.ts', '.js'] },
  },
};
