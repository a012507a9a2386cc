import {
  coreServices,
  createBackendModule,
  createServiceFactory,
} from '@backstage/backend-plugin-api';
import { urlReaderFactoriesServiceRef } from '@backstage/backend-defaults/urlReader';
import { catalogProcessingExtensionPoint } from '@backstage/plugin-catalog-node';
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
        config: coreServices.rootConfig,
        reader: coreServices.urlReader,
        logger: coreServices.logger,
      },
      async init({ catalog, config, reader, logger }) {
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
