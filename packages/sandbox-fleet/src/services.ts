import fs from 'node:fs';
import path from 'node:path';
import { parseTopologyDocument } from '@internal/backstage-plugin-catalog-backend-module-service-ops';
import type { TopologyDocument } from '@internal/backstage-plugin-catalog-backend-module-service-ops';

export interface ServiceModel {
  /** Catalog name, e.g. `authoring-service`. */
  name: string;
  /** Kubernetes namespace, as the catalog's `backstage.io/kubernetes-namespace` says. */
  namespace: string;
  document: TopologyDocument;
}

/** The repository root: the nearest folder upwards from `from` that has docs/services. */
export function findRepoRoot(from = process.cwd()): string {
  let dir = path.resolve(from);
  while (!fs.existsSync(path.join(dir, 'docs/services'))) {
    const parent = path.dirname(dir);
    if (parent === dir)
      throw new Error(`no docs/services folder above ${from}`);
    dir = parent;
  }
  return dir;
}

/** The two services, read from the same documents the catalog reads. */
export function loadServices(root = findRepoRoot()): ServiceModel[] {
  const read = (file: string) =>
    parseTopologyDocument(fs.readFileSync(path.join(root, file), 'utf8'));
  const services = [
    {
      name: 'authoring-service',
      namespace: 'authoring',
      document: read(
        'docs/services/authoring-service/12-DEPLOYMENT_TOPOLOGY.md',
      ),
    },
    {
      name: 'content-service',
      namespace: 'content',
      document: read('docs/services/content-service/DEPLOYMENT_TOPOLOGY.md'),
    },
  ];
  for (const service of services) {
    if (service.document.problems.length) {
      throw new Error(
        `the topology document of ${
          service.name
        } has problems: ${service.document.problems
          .map(p => `line ${p.line}: ${p.message}`)
          .join('; ')}`,
      );
    }
  }
  return services;
}
