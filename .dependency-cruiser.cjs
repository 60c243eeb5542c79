// The layer rule (README, "Layout"): each folder of src/ may import
// only the folders named in its brackets; nothing imports the CLI, only the CLI
// imports main.ts, and only main.ts wires controllers. `npm run lint` fails on
// any import that breaks it.
/** @type {Record<string, string[]>} layer -> the layers it may import */
const allowed = {
  api: [],
  redact: [],
  telemetry: ['redact'],
  kube: ['api'],
  runtime: ['api', 'kube', 'telemetry'],
  policy: ['api'],
  store: ['api'],
  tools: ['api', 'kube', 'policy', 'redact'],
  llm: ['api', 'redact'],
  agents: ['api', 'policy', 'tools', 'llm', 'redact'],
  executor: ['api', 'policy', 'tools', 'store', 'redact'],
  webhooks: ['api', 'kube', 'runtime', 'policy', 'store', 'telemetry', 'redact'],
  engine: ['api', 'kube', 'runtime', 'policy', 'tools', 'llm', 'agents', 'executor', 'store', 'telemetry', 'redact'],
  controllers: [
    'api',
    'kube',
    'runtime',
    'policy',
    'tools',
    'llm',
    'agents',
    'executor',
    'store',
    'telemetry',
    'redact',
    'webhooks',
    'engine',
  ],
  cli: [
    'api',
    'kube',
    'runtime',
    'policy',
    'tools',
    'llm',
    'agents',
    'executor',
    'store',
    'telemetry',
    'redact',
    'webhooks',
    'engine',
    'controllers',
  ],
};
const layers = Object.keys(allowed);

module.exports = {
  forbidden: [
    ...layers.map((layer) => ({
      name: `layer-${layer}`,
      comment: `src/${layer} may import only: ${allowed[layer].join(', ') || 'nothing internal'} (README, Layout)`,
      severity: 'error',
      from: { path: `^src/${layer}/` },
      to: {
        path: '^src/',
        pathNot: [
          `^src/${layer}/`,
          ...allowed[layer].map((l) => `^src/${l}/`),
          ...(layer === 'cli' ? ['^src/main\\.ts$'] : []),
        ],
      },
    })),
    {
      name: 'nothing-imports-entry-points',
      comment: 'nothing imports the CLI; only the CLI imports main.ts (the composition root)',
      severity: 'error',
      from: { path: '^src/', pathNot: '^src/cli/' },
      to: { path: ['^src/main\\.ts$', '^src/cli/'] },
    },
    {
      name: 'only-main-wires-controllers',
      comment: 'controllers are wired by main.ts only',
      severity: 'error',
      from: { path: '^src/', pathNot: ['^src/main\\.ts$', '^src/controllers/'] },
      to: { path: '^src/controllers/' },
    },
    {
      name: 'only-kube-imports-client-node',
      comment: 'src/kube is the only importer of @kubernetes/client-node',
      severity: 'error',
      from: { path: '^src/', pathNot: '^src/kube/' },
      to: { path: 'node_modules/@kubernetes/client-node' },
    },
    {
      name: 'llm-never-imports-kube',
      comment: 'src/llm never talks to the cluster',
      severity: 'error',
      from: { path: '^src/llm/' },
      to: { path: ['^src/kube/', 'node_modules/@kubernetes/client-node'] },
    },
    { name: 'no-circular', severity: 'error', from: {}, to: { circular: true } },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    exclude: { path: '\\.test\\.ts$' },
  },
};
