import { dirname, resolve as resolvePath } from 'node:path';
import { pathToFileURL, fileURLToPath } from 'node:url';
import {
  LoggerService,
  RootConfigService,
  UrlReaderService,
} from '@backstage/backend-plugin-api';
import { Entity, LocationEntityV1alpha1 } from '@backstage/catalog-model';
import { isError, NotModifiedError } from '@backstage/errors';
import {
  ScmIntegrationRegistry,
  ScmIntegrations,
} from '@backstage/integration';
import {
  CatalogProcessor,
  CatalogProcessorCache,
  CatalogProcessorEmit,
  processingResult,
} from '@backstage/plugin-catalog-node';
import {
  ANNOTATION_TOPOLOGY_DOCUMENT,
  ANNOTATION_TOPOLOGY_PROBLEMS,
  TOPOLOGY_LOCATION_TYPE,
} from '@internal/backstage-plugin-service-ops-common';
import { buildTopologyEntities } from '../entities/buildTopologyEntities';
import { parseTopologyDocument } from '../topology/parseTopologyDocument';

type LocationSpec = LocationEntityV1alpha1['spec'] & {
  target: string;
  type: string;
};

/** Platform-wide entities that the documents name without owning them. */
export const DEFAULT_SHARED_RESOURCES: Record<string, string> = {
  NATS: 'resource:default/nats-jetstream',
};

interface CachedDocument {
  [key: string]: string;
  url: string;
  etag: string;
  source: string;
}

/**
 * For each Component annotated with `service-ops.io/topology-document`, reads the
 * document through the UrlReader, and emits the containers and stores it declares as
 * child entities, with the service's `dependsOn` completed from the document.
 *
 * Problems in the document (a row that cannot be read, a missing table) are processing
 * errors of a Location entity that stands for the document, `<service>-topology-document`,
 * so that they never hold back the service or the rows that could be read. A container
 * whose row has a problem also lists it in `spec.serviceOps.problems`.
 */
export class TopologyDocumentProcessor implements CatalogProcessor {
  static fromConfig(
    config: RootConfigService,
    options: { reader: UrlReaderService; logger: LoggerService },
  ): TopologyDocumentProcessor {
    const configured = config.getOptionalConfig(
      'serviceOps.topology.sharedResources',
    );
    const sharedResources = configured
      ? Object.fromEntries(
          configured.keys().map(k => [k, configured.getString(k)]),
        )
      : DEFAULT_SHARED_RESOURCES;
    return new TopologyDocumentProcessor({
      reader: options.reader,
      logger: options.logger,
      integrations: ScmIntegrations.fromConfig(config),
      sharedResources,
    });
  }

  private readonly reader: UrlReaderService;
  private readonly logger: LoggerService;
  private readonly integrations: ScmIntegrationRegistry;
  private readonly sharedResources: Record<string, string>;

  constructor(options: {
    reader: UrlReaderService;
    logger: LoggerService;
    integrations: ScmIntegrationRegistry;
    sharedResources: Record<string, string>;
  }) {
    this.reader = options.reader;
    this.logger = options.logger;
    this.integrations = options.integrations;
    this.sharedResources = options.sharedResources;
  }

  getProcessorName(): string {
    return 'ServiceOpsTopologyDocumentProcessor';
  }

  /** The document's Location entity is handled here: its rows are read through the service. */
  async readLocation(location: LocationSpec): Promise<boolean> {
    return location.type === TOPOLOGY_LOCATION_TYPE;
  }

  async preProcessEntity(
    entity: Entity,
    location: LocationSpec,
    emit: CatalogProcessorEmit,
    _originLocation: LocationSpec,
    cache: CatalogProcessorCache,
  ): Promise<Entity> {
    const problems =
      entity.metadata.annotations?.[ANNOTATION_TOPOLOGY_PROBLEMS];
    if (entity.kind === 'Location' && problems) {
      for (const message of JSON.parse(problems) as string[]) {
        emit(processingResult.inputError(location, message));
      }
    }
    const reference =
      entity.metadata.annotations?.[ANNOTATION_TOPOLOGY_DOCUMENT];
    if (entity.kind !== 'Component' || !reference) {
      return entity;
    }

    const documentUrl = this.resolveDocumentUrl(reference, location);
    const read = await this.read(documentUrl, cache);
    if ('error' in read) {
      emit(
        processingResult.notFoundError(
          location,
          `${ANNOTATION_TOPOLOGY_DOCUMENT} points at ${documentUrl}, which could not be read: ${read.error}`,
        ),
      );
      return entity;
    }
    const source = read.source;

    const document = parseTopologyDocument(source);
    const built = buildTopologyEntities({
      service: entity,
      document,
      documentUrl,
      sharedResources: this.sharedResources,
    });
    const documentLocation: LocationSpec = documentUrl.startsWith('file:')
      ? { type: 'file', target: fileURLToPath(documentUrl) }
      : { type: 'url', target: documentUrl };
    for (const child of built.entities) {
      emit(processingResult.entity(documentLocation, child));
    }

    const spec = (entity.spec ?? {}) as Record<string, unknown>;
    const declared = Array.isArray(spec.dependsOn)
      ? (spec.dependsOn as string[])
      : [];
    return {
      ...entity,
      spec: {
        ...spec,
        dependsOn: [...new Set([...declared, ...built.serviceDependsOn])],
      },
    };
  }

  /** The annotation may be an absolute URL or a path relative to the entity's own file. */
  private resolveDocumentUrl(
    reference: string,
    location: LocationSpec,
  ): string {
    const target = reference.replace(/^(url|file):(?!\/\/)/, '');
    if (/^[a-z][a-z0-9+.-]*:\/\//i.test(target)) return target;
    if (location.type === 'file') {
      return pathToFileURL(resolvePath(dirname(location.target), target)).href;
    }
    return this.integrations.resolveUrl({ url: target, base: location.target });
  }

  /** Reads the document, or answers from the cache when it has not changed. */
  private async read(
    url: string,
    cache: CatalogProcessorCache,
  ): Promise<{ source: string } | { error: string }> {
    const cached = await cache.get<CachedDocument>('document');
    const usable = cached?.url === url ? cached : undefined;
    try {
      const response = await this.reader.readUrl(url, { etag: usable?.etag });
      const source = (await response.buffer()).toString('utf8');
      await cache.set<CachedDocument>('document', {
        url,
        etag: response.etag ?? '',
        source,
      });
      return { source };
    } catch (error) {
      if (usable && isError(error) && error.name === NotModifiedError.name) {
        await cache.set('document', usable);
        return { source: usable.source };
      }
      this.logger.warn(`Could not read topology document ${url}: ${error}`);
      return { error: isError(error) ? error.message : String(error) };
    }
  }
}
