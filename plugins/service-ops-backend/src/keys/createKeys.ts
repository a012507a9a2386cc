import {
  PermissionsService,
  RootConfigService,
} from '@backstage/backend-plugin-api';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { JetStreamConnection } from '../backlog/JetStreamConnection';
import { KeySettings, readKeySettings } from './readKeySettings';
import { SigningKeyAdministration } from './SigningKeyAdministration';
import { SigningKeyInventory } from './SigningKeyInventory';

export interface Keys {
  settings: KeySettings;
  administration: SigningKeyAdministration;
  inventory: SigningKeyInventory;
}

/**
 * The signing keys of content-service's tenants: the key-administration client on the
 * backend's NATS connection and the inventory read through it (`serviceOps.keys`).
 */
export function createKeys(options: {
  config: RootConfigService;
  catalog: CatalogService;
  permissions: PermissionsService;
  nats: JetStreamConnection;
}): Keys {
  const settings = readKeySettings(options.config);
  const administration = new SigningKeyAdministration(
    options.nats,
    settings.requestTimeoutMs,
  );
  const inventory = new SigningKeyInventory({
    catalog: options.catalog,
    permissions: options.permissions,
    keys: administration,
    settings,
  });
  return { settings, administration, inventory };
}
