// The users of the local control plane. Each gets a static bearer token (the
// API server's --token-auth-file) and a kubeconfig of its own.
export interface Identity {
  user: string;
  groups: string[];
}

export const identities = {
  /** cluster admin: installs CRDs, sets up test namespaces */
  admin: { user: 'admin', groups: ['system:masters'] },
  /** the operator, with the username its ServiceAccount has in a real cluster */
  operator: {
    user: 'system:serviceaccount:bosun-system:bosun',
    groups: ['system:serviceaccounts', 'system:serviceaccounts:bosun-system'],
  },
  alice: { user: 'alice', groups: ['developers'] },
  bob: { user: 'bob', groups: ['sre'] },
  mallory: { user: 'mallory', groups: ['developers'] },
  'kube-controller-manager': { user: 'system:kube-controller-manager', groups: [] },
  'kube-scheduler': { user: 'system:kube-scheduler', groups: [] },
  kwok: { user: 'kwok', groups: ['system:masters'] },
} as const satisfies Record<string, Identity>;

export type IdentityName = keyof typeof identities;
export const identityNames = Object.keys(identities) as IdentityName[];
