// When a Deployment has rolled out, by the rule `kubectl rollout status` uses:
// the controller saw the latest spec, every replica runs the latest template,
// no old replica is left, and the new ones are available. Pure.

export interface DeploymentView {
  metadata?: { generation?: number };
  spec?: { replicas?: number; template?: { spec?: { containers?: { image?: string }[] } } };
  status?: { observedGeneration?: number; replicas?: number; updatedReplicas?: number; availableReplicas?: number };
}

export const imageOf = (d: DeploymentView) => d.spec?.template?.spec?.containers?.[0]?.image;

export function rolledOut(d: DeploymentView): boolean {
  const want = d.spec?.replicas ?? 1;
  const s = d.status ?? {};
  return (
    (s.observedGeneration ?? -1) >= (d.metadata?.generation ?? 0) &&
    (s.updatedReplicas ?? 0) >= want &&
    (s.replicas ?? 0) <= (s.updatedReplicas ?? 0) &&
    (s.availableReplicas ?? 0) >= (s.updatedReplicas ?? 0)
  );
}
