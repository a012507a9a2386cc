import {
  coreServices,
  createBackendModule,
  createServiceFactory,
} from '@backstage/backend-plugin-api';
import { urlReaderFactoriesServiceRef } from '@backstage/backend-defaults/urlReader';
import {
  catalogLocationsExtensionPoint,
  catalogProcessingExtensionPoint,
} from '@backstage/plugin-catalog-node';
import { TOPOLOGY_LOCATION_TYPE } from '@internal/backstage-plugin-service-ops-common';
import { TopologyDocumentProcessor } from './processor/TopologyDocumentProcessor';
import { LocalFileUrlReader } from './reader/LocalFileUrlReader';

/**
 * Catalog module: service Components annotated with `service-ops.io/topology-document`
 * get their containers, stores and dependencies from that document.
 */
export const catalogModuleServiceOps = createBackendModule({
  pluginId: 'catalog',
  moduleId: 'service-ops',
  register(reg) {
    reg.registerInit({
      deps: {
        catalog: catalogProcessingExtensionPoint,
        locations: catalogLocationsExtensionPoint,
        config: coreServices.rootConfig,
        reader: coreServices.urlReader,
        logger: coreServices.logger,
      },
      async init({ catalog, locations, config, reader, logger }) {
        // The Location entity standing for each document has a type of its own; this
        // replaces the catalog's default list of allowed location types (['url']).
        locations.setAllowedLocationTypes(['url', TOPOLOGY_LOCATION_TYPE]);
        catalog.addProcessor(
          TopologyDocumentProcessor.fromConfig(config, { reader, logger }),
        );
      },
    });
  },
});

/**
 * Lets the UrlReader read `file:` URLs below `serviceOps.localFiles.allow`, for
 * documents kept in the portal's own repository.
 */
export const localFileUrlReaderServiceFactory = createServiceFactory({
  service: urlReaderFactoriesServiceRef,
  deps: {},
  async factory() {
    return LocalFileUrlReader.factory;
  },
});
