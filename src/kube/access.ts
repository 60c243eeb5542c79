// Asking the API server whether a person may do something: SubjectAccessReview.
// Bosun never decides that itself; the cluster's own authorizers (RBAC, and
// whatever else the cluster runs) answer for the requester or an approver.
import type { KubeClient } from './client.js';
import { core, resourcePath } from './resources.js';

/** One request a step will make, as RBAC sees it. */
export interface AccessAttributes {
  verb: 'create' | 'update' | 'patch' | 'delete' | 'get' | 'list';
  group: string;
  /** plural: deployments, configmaps, … */
  resource: string;
  subresource?: string;
  namespace: string;
  name?: string;
}

/** Who is asking: the API server's userInfo, as stamped at admission. */
export interface Subject {
  username: string;
  uid?: string;
  groups: readonly string[];
}

export interface AccessVerdict {
  allowed: boolean;
  /** the authorizer's reason (RBAC names the binding that allowed it) */
  reason?: string;
}

/** kubectl's spelling: "patch deployments/scale (apps) web in demo". */
export function describeAccess(a: AccessAttributes): string {
  const resource = `${a.resource}${a.subresource ? `/${a.subresource}` : ''}${a.group ? `.${a.group}` : ''}`;
  return `${a.verb} ${resource}${a.name ? ` ${a.name}` : ''} in ${a.namespace}`;
}

interface ReviewAnswer {
  status?: { allowed?: boolean; denied?: boolean; reason?: string; evaluationError?: string };
}

export async function reviewAccess(client: KubeClient, who: Subject, a: AccessAttributes): Promise<AccessVerdict> {
  const answer = await client.rest.request<ReviewAnswer>({
    verb: 'create',
    method: 'POST',
    path: resourcePath(core.subjectaccessreviews),
    body: {
      apiVersion: 'authorization.k8s.io/v1',
      kind: 'SubjectAccessReview',
      spec: {
        ...(who.username && { user: who.username }),
        ...(who.uid && { uid: who.uid }),
        groups: [...who.groups],
        resourceAttributes: {
          namespace: a.namespace,
          verb: a.verb,
          group: a.group,
          resource: a.resource,
          ...(a.subresource && { subresource: a.subresource }),
          ...(a.name && { name: a.name }),
        },
      },
    },
  });
  const status = answer.status ?? {};
  return { allowed: status.allowed === true && status.denied !== true, reason: status.reason };
}

/** The first of `needs` the subject may not do, or undefined when every one is allowed. */
export async function firstDenied(
  client: KubeClient,
  who: Subject,
  needs: readonly AccessAttributes[],
): Promise<AccessAttributes | undefined> {
  for (const a of needs) {
    if (!(await reviewAccess(client, who, a)).allowed) return a;
  }
  return undefined;
}
