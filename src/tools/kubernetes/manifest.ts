// A manifest of one or more YAML documents, read as untrusted input: YAML
// errors, anchors that expand past a bound (a "billion laughs"), too many
// documents, and objects without apiVersion, kind or a name are each refused
// with the document's number, never thrown as something else.
import { parseAllDocuments } from 'yaml';
import { BosunError } from '../../api/errors.js';
import type { KubeObject } from '../../api/v1alpha1/meta.js';

/** At most this many objects in one apply. */
export const MAX_MANIFEST_OBJECTS = 50;
/** Aliases a manifest may use; more is refused rather than expanded. */
const MAX_ALIASES = 50;
/** How large a manifest may become once its aliases are expanded. */
const MAX_EXPANDED_BYTES = 256 * 1024;

/** The manifest's objects, or BOSUN_ERR_TOOL_PARAMS naming the document and what is wrong with it. */
export function parseManifest(manifest: string): KubeObject[] {
  const refuse = (what: string) => new BosunError('BOSUN_ERR_TOOL_PARAMS', what);
  const objects: KubeObject[] = [];
  for (const [i, doc] of parseAllDocuments(manifest).entries()) {
    const at = `manifest document ${i + 1}`;
    if (doc.errors.length) throw refuse(`${at} is not valid YAML (${doc.errors[0]?.message.split('\n')[0]})`);
    let value: unknown;
    try {
      value = doc.toJS({ maxAliasCount: MAX_ALIASES });
    } catch (err) {
      throw refuse(`${at} cannot be expanded (${err instanceof Error ? err.message : String(err)})`);
    }
    if (value === null || value === undefined) continue;
    if (JSON.stringify(value).length > MAX_EXPANDED_BYTES) {
      throw refuse(`${at} is larger than ${MAX_EXPANDED_BYTES / 1024} KiB once its aliases are expanded`);
    }
    const obj = value as Partial<KubeObject>;
    if (
      typeof obj !== 'object' ||
      Array.isArray(obj) ||
      typeof obj.apiVersion !== 'string' ||
      typeof obj.kind !== 'string' ||
      typeof obj.metadata?.name !== 'string'
    ) {
      throw refuse(`${at} is not a Kubernetes object: give it apiVersion, kind and metadata.name`);
    }
    objects.push(obj as KubeObject);
    if (objects.length > MAX_MANIFEST_OBJECTS)
      throw refuse(`the manifest holds more than ${MAX_MANIFEST_OBJECTS} objects`);
  }
  if (!objects.length) throw refuse('the manifest holds no object');
  return objects;
}
