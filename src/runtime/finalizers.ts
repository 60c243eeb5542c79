// Finalizer helpers: pure list edits; the write goes through KubeClient.setFinalizers.
import type { KubeObject } from '../api/v1alpha1/meta.js';

export const FINALIZER = 'bosun.dev/cleanup';

export const hasFinalizer = (obj: KubeObject, f = FINALIZER) => (obj.metadata.finalizers ?? []).includes(f);
export const withFinalizer = (obj: KubeObject, f = FINALIZER) => [...(obj.metadata.finalizers ?? []), f];
export const withoutFinalizer = (obj: KubeObject, f = FINALIZER) =>
  (obj.metadata.finalizers ?? []).filter((x) => x !== f);
export const isDeleting = (obj: KubeObject) => obj.metadata.deletionTimestamp !== undefined;
