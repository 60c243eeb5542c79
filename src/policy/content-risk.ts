// Content-aware risk: what a step will write, not only which tool writes it.
// Reads the objects of an apply (or the body of a merge patch) and names what
// makes them dangerous: privileged pods, host access, added capabilities, root,
// RBAC, admission webhooks, CRDs and Secrets. Content comes from users and
// models, so every field is checked for its shape and nothing here throws.
import type { RiskLevel } from '../api/v1alpha1/common.js';
import type { RiskRule } from './risk-rule.js';
import { maxRisk } from './risk-level.js';

export interface ContentFinding {
  risk: Extract<RiskLevel, 'high' | 'critical'>;
  reason: string;
}

/** At most this many reasons per step, the last one counting the rest, so that status stays small. */
export const MAX_CONTENT_REASONS = 10;

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const list = (v: unknown): readonly unknown[] => (Array.isArray(v) ? v : []);
const text = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);
const at = (v: unknown, ...path: string[]): unknown => path.reduce<unknown>((o, k) => (isObj(o) ? o[k] : undefined), v);
/** Names come from the content: keep them short in a reason. */
const clip = (s: string, max = 63) => (s.length > max ? `${s.slice(0, max - 1)}…` : s);

/** Capabilities that amount to control of the node, or close to it. */
const DANGEROUS_CAPABILITIES = new Set([
  'ALL',
  'SYS_ADMIN',
  'NET_ADMIN',
  'SYS_PTRACE',
  'SYS_MODULE',
  'SYS_RAWIO',
  'SYS_BOOT',
  'SYS_TIME',
  'DAC_READ_SEARCH',
  'BPF',
  'PERFMON',
  'MAC_ADMIN',
  'MAC_OVERRIDE',
]);

interface SensitiveKind {
  group: string;
  risk: ContentFinding['risk'];
  what: string;
}
const rbac = (what: string): SensitiveKind => ({ group: 'rbac.authorization.k8s.io', risk: 'critical', what });
const admission = (what: string): SensitiveKind => ({ group: 'admissionregistration.k8s.io', risk: 'critical', what });

/** Kinds that are risky whatever they hold, by lower-case kind. */
const SENSITIVE_KINDS: Readonly<Record<string, SensitiveKind>> = {
  role: rbac('changes RBAC permissions'),
  clusterrole: rbac('changes RBAC permissions'),
  rolebinding: rbac('changes RBAC bindings'),
  clusterrolebinding: rbac('changes RBAC bindings'),
  mutatingwebhookconfiguration: admission('changes an admission webhook'),
  validatingwebhookconfiguration: admission('changes an admission webhook'),
  validatingadmissionpolicy: admission('changes an admission policy'),
  validatingadmissionpolicybinding: admission('changes an admission policy'),
  mutatingadmissionpolicy: admission('changes an admission policy'),
  mutatingadmissionpolicybinding: admission('changes an admission policy'),
  customresourcedefinition: {
    group: 'apiextensions.k8s.io',
    risk: 'critical',
    what: 'changes a CustomResourceDefinition',
  },
  secret: { group: '', risk: 'high', what: 'writes a Secret' },
};

/** Where each workload kind keeps its pod spec. */
const POD_SPEC_PATHS: Readonly<Record<string, readonly string[]>> = {
  pod: ['spec'],
  podtemplate: ['template', 'spec'],
  deployment: ['spec', 'template', 'spec'],
  statefulset: ['spec', 'template', 'spec'],
  daemonset: ['spec', 'template', 'spec'],
  replicaset: ['spec', 'template', 'spec'],
  replicationcontroller: ['spec', 'template', 'spec'],
  job: ['spec', 'template', 'spec'],
  cronjob: ['spec', 'jobTemplate', 'spec', 'template', 'spec'],
};
/** A patch without a kind, or a custom workload, may hold a pod spec at any of these. */
const PROBED_PATHS = [['spec'], ['template', 'spec'], ['spec', 'template', 'spec'], POD_SPEC_PATHS.cronjob ?? []];

/** The API group of an apiVersion ('' for core), or undefined when it is not given. */
const groupOf = (apiVersion: unknown) => {
  const v = text(apiVersion);
  if (v === undefined) return undefined;
  const slash = v.lastIndexOf('/');
  return slash < 0 ? '' : v.slice(0, slash);
};

function kindFinding(obj: Obj, label: string): ContentFinding[] {
  const kind = text(obj.kind);
  const sensitive = kind === undefined ? undefined : SENSITIVE_KINDS[kind.toLowerCase()];
  if (!kind || !sensitive) return [];
  const group = groupOf(obj.apiVersion);
  // a kind of the same name in another API group is someone else's resource
  if (group !== undefined && group !== sensitive.group) return [];
  return [{ risk: sensitive.risk, reason: `${label}: ${sensitive.what} (kind ${clip(kind)})` }];
}

const runsAsRoot = (sc: unknown) => at(sc, 'runAsUser') === 0 || at(sc, 'runAsNonRoot') === false;

function rootFindings(sc: unknown, who: string, path: string): ContentFinding[] {
  const out: ContentFinding[] = [];
  if (at(sc, 'runAsUser') === 0)
    out.push({ risk: 'high', reason: `${who} runs as root (${path}.securityContext.runAsUser)` });
  if (at(sc, 'runAsNonRoot') === false)
    out.push({ risk: 'high', reason: `${who} may run as root (${path}.securityContext.runAsNonRoot)` });
  return out;
}

function containerFindings(c: Obj, who: string, path: string, podRoot: boolean): ContentFinding[] {
  const sc = c.securityContext;
  const out: ContentFinding[] = [];
  const privileged = at(sc, 'privileged') === true;
  if (privileged) out.push({ risk: 'critical', reason: `${who} is privileged (${path}.securityContext.privileged)` });
  const caps = list(at(sc, 'capabilities', 'add'))
    .flatMap((cap) => (typeof cap === 'string' ? [clip(cap.toUpperCase().replace(/^CAP_/, ''), 32)] : []))
    .slice(0, 16);
  const capsPath = `${path}.securityContext.capabilities.add`;
  const dangerous = caps.filter((cap) => DANGEROUS_CAPABILITIES.has(cap));
  const other = caps.filter((cap) => !DANGEROUS_CAPABILITIES.has(cap));
  if (dangerous.length)
    out.push({ risk: 'critical', reason: `${who} adds capabilities ${dangerous.join(', ')} (${capsPath})` });
  if (other.length) out.push({ risk: 'high', reason: `${who} adds capabilities ${other.join(', ')} (${capsPath})` });
  out.push(...rootFindings(sc, who, path));
  // privileged already implies escalation; said on its own it is high, beside root or capabilities critical
  if (at(sc, 'allowPrivilegeEscalation') === true && !privileged) {
    const worse = caps.length > 0 || runsAsRoot(sc) || (podRoot && at(sc, 'runAsUser') === undefined);
    const how = worse ? ' as root or with added capabilities' : '';
    out.push({
      risk: worse ? 'critical' : 'high',
      reason: `${who} allows privilege escalation${how} (${path}.securityContext.allowPrivilegeEscalation)`,
    });
  }
  return out;
}

const CONTAINER_LISTS = [
  ['containers', 'container'],
  ['initContainers', 'init container'],
  ['ephemeralContainers', 'ephemeral container'],
] as const;

const HOST_NAMESPACES = [
  ['hostNetwork', 'shares the host network'],
  ['hostPID', "shares the host's process namespace"],
  ['hostIPC', "shares the host's IPC namespace"],
] as const;

/** Findings in one pod spec found at `path` (dotted, for the reason). */
export function podSpecFindings(spec: unknown, label: string, path: string): ContentFinding[] {
  if (!isObj(spec)) return [];
  const out: ContentFinding[] = [];
  for (const [field, what] of HOST_NAMESPACES)
    if (spec[field] === true) out.push({ risk: 'critical', reason: `${label}: pod ${what} (${path}.${field})` });
  for (const [i, v] of list(spec.volumes).entries()) {
    if (!isObj(v) || !isObj(v.hostPath)) continue;
    const name = text(v.name);
    const host = text(v.hostPath.path);
    const vol = name ? `volume ${clip(name)}` : `volume #${i}`;
    const where = `${path}.volumes[${name ? clip(name) : i}].hostPath`;
    out.push({
      risk: 'critical',
      reason: `${label}: ${vol} mounts host path ${host ? clip(host) : '(unset)'} (${where})`,
    });
  }
  out.push(...rootFindings(spec.securityContext, `${label}: pod`, path));
  const podRoot = at(spec.securityContext, 'runAsUser') === 0;
  for (const [field, noun] of CONTAINER_LISTS)
    for (const [i, c] of list(spec[field]).entries()) {
      if (!isObj(c)) continue;
      const name = text(c.name);
      const who = `${label}: ${noun} ${name ? clip(name) : `#${i}`}`;
      out.push(...containerFindings(c, who, `${path}.${field}[${name ? clip(name) : i}]`, podRoot));
    }
  return out;
}

function objectFindings(obj: Obj, index: number): ContentFinding[] {
  const kind = text(obj.kind)?.toLowerCase();
  const name = text(at(obj, 'metadata', 'name'));
  const label = `${clip(kind ?? 'object')}/${name ? clip(name) : `#${index + 1}`}`;
  const known = kind === undefined ? undefined : POD_SPEC_PATHS[kind];
  const paths = known ? [known] : PROBED_PATHS;
  return [...kindFinding(obj, label), ...paths.flatMap((p) => podSpecFindings(at(obj, ...p), label, p.join('.')))];
}

/** Every finding in the content, critical ones first. A `List` is read item by item. */
export function contentFindings(content: unknown): ContentFinding[] {
  const objects = list(content).flatMap((o) =>
    isObj(o) && Array.isArray(o.items) && /list$/i.test(text(o.kind) ?? '') ? o.items : [o],
  );
  const found = objects.flatMap((o, i) => (isObj(o) ? objectFindings(o, i) : []));
  // stable: within a level, findings keep the order of the content
  return [...found.filter((f) => f.risk === 'critical'), ...found.filter((f) => f.risk !== 'critical')];
}

/** The reasons for the findings, at most `max`, the last one counting those left out. */
export function contentReasons(findings: readonly ContentFinding[], max = MAX_CONTENT_REASONS): string[] {
  if (findings.length <= max) return findings.map((f) => f.reason);
  const shown = findings.slice(0, Math.max(0, max - 1)).map((f) => f.reason);
  return [...shown, `… and ${findings.length - shown.length} more findings in the content`];
}

/** Raises a step's risk for what it will write; one reason per finding. */
export const contentRisk: RiskRule = (i, r) => {
  const findings = contentFindings(i.content);
  if (!findings.length) return { risk: r };
  return { risk: maxRisk(r, ...findings.map((f) => f.risk)), reasons: contentReasons(findings) };
};
