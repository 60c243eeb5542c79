// Turns zod's OpenAPI 3.0 output into a Kubernetes structural schema: the
// clean-up pass that lets the zod schemas be the one source of the CRDs.
type Json = { [key: string]: unknown };

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Thrown when a schema uses a construct Kubernetes cannot express structurally. */
export class UnstructuralSchemaError extends Error {
  constructor(path: string, what: string) {
    super(`${path}: ${what}; fold it into one object with an enum and a CEL rule`);
    this.name = 'UnstructuralSchemaError';
  }
}

/** Returns a structural copy of `schema`; `path` names the node in errors. */
export function toStructural(schema: unknown, path = '$'): Json {
  if (!isObject(schema)) throw new UnstructuralSchemaError(path, 'expected a schema object');
  const out: Json = {};
  for (const [key, value] of Object.entries(schema)) {
    switch (key) {
      case '$schema':
      case 'id':
        break;
      case '$ref':
      case '$defs':
      case 'definitions':
        throw new UnstructuralSchemaError(path, 'references are not allowed (recursive schema?)');
      case 'oneOf':
      case 'anyOf':
      case 'allOf':
      case 'not':
        throw new UnstructuralSchemaError(path, `${key} is not allowed`);
      case 'const':
        out.enum = [value];
        break;
      case 'properties':
        out.properties = Object.fromEntries(
          Object.entries(value as Json).map(([name, sub]) => [name, toStructural(sub, `${path}.${name}`)]),
        );
        break;
      case 'items':
        out.items = toStructural(value, `${path}[]`);
        break;
      case 'additionalProperties':
        if (value === false) break; // structural schemas prune unknown fields already
        if (isObject(value) && Object.keys(value).length === 0) {
          // z.record(z.string(), z.unknown()): a free-form map keeps what it is given
          out['x-kubernetes-preserve-unknown-fields'] = true;
          break;
        }
        out.additionalProperties = toStructural(value, `${path}{}`);
        break;
      default:
        out[key] = value;
    }
  }
  return out;
}
