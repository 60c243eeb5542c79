// The parts of Kubernetes object metadata Bosun reads, as zod schemas: API
// objects are parsed at the edge like any other input.
import { z } from 'zod';

export const OwnerReference = z.looseObject({
  apiVersion: z.string(),
  kind: z.string(),
  name: z.string(),
  uid: z.string(),
  controller: z.boolean().optional(),
  blockOwnerDeletion: z.boolean().optional(),
});
export type OwnerReference = z.infer<typeof OwnerReference>;

export const ObjectMeta = z.looseObject({
  name: z.string(),
  namespace: z.string().optional(),
  uid: z.string().optional(),
  resourceVersion: z.string().optional(),
  generation: z.number().optional(),
  creationTimestamp: z.string().optional(),
  deletionTimestamp: z.string().optional(),
  labels: z.record(z.string(), z.string()).optional(),
  annotations: z.record(z.string(), z.string()).optional(),
  finalizers: z.array(z.string()).optional(),
  ownerReferences: z.array(OwnerReference).optional(),
});
export type ObjectMeta = z.infer<typeof ObjectMeta>;

/** Any object the API server returns: what the informer cache holds. */
export interface KubeObject {
  apiVersion?: string;
  kind?: string;
  metadata: ObjectMeta;
  [key: string]: unknown;
}

/** A custom resource of ours, typed by its spec and status schemas. */
export const resourceSchema = <S extends z.ZodType, T extends z.ZodType>(spec: S, status: T) =>
  z.looseObject({
    apiVersion: z.string(),
    kind: z.string(),
    metadata: ObjectMeta,
    spec,
    status: status.optional(),
  });
