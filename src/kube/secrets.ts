// Reading a Secret's data as the operator itself (bosun-secret-reader, where a namespace bound it): its values
// as the API gives them (base64). Callers add each decoded value to the logger's secret sink before any use.
import type { KubeObject } from '../api/v1alpha1/meta.js';
import type { KubeClient } from './client.js';
import { core } from './resources.js';

export type ReadSecret = (namespace: string, name: string) => Promise<Readonly<Record<string, string>>>;

export const secretReader =
  (client: KubeClient): ReadSecret =>
  async (namespace, name) =>
    (await client.get<KubeObject & { data?: Record<string, string> }>(core.secrets, namespace, name)).data ?? {};
