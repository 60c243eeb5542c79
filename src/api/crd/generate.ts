// Builds the CustomResourceDefinition of each kind from its zod schemas.
import { z } from 'zod';
import { GROUP, VERSION, type KindInfo } from '../v1alpha1/kinds.js';
import { toStructural } from './structural.js';

export const CATEGORY = 'bosun';

function openapi(schema: z.ZodType, path: string) {
  return toStructural(z.toJSONSchema(schema, { target: 'openapi-3.0', io: 'input' }), path);
}

export function crdName(info: Pick<KindInfo, 'plural'>): string {
  return `${info.plural}.${GROUP}`;
}

export function crdFor(info: KindInfo) {
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: crdName(info), labels: { 'app.kubernetes.io/part-of': 'bosun' } },
    spec: {
      group: GROUP,
      names: {
        kind: info.kind,
        listKind: `${info.kind}List`,
        plural: info.plural,
        singular: info.singular,
        shortNames: info.shortNames,
        categories: [CATEGORY],
      },
      scope: info.scope,
      versions: [
        {
          name: VERSION,
          served: true,
          storage: true,
          subresources: { status: {} },
          additionalPrinterColumns: info.printerColumns,
          schema: {
            openAPIV3Schema: {
              type: 'object',
              description: `${info.kind} (${GROUP}/${VERSION}). See \`kubectl explain ${info.plural}.spec\`.`,
              required: ['spec'],
              properties: {
                apiVersion: { type: 'string' },
                kind: { type: 'string' },
                metadata: { type: 'object' },
                spec: openapi(info.spec, `${info.kind}.spec`),
                status: openapi(info.status, `${info.kind}.status`),
              },
            },
          },
        },
      ],
    },
  };
}

export function crdFileName(info: Pick<KindInfo, 'plural'>): string {
  return `${GROUP}_${info.plural}.yaml`;
}
