import { ActionsRegistryService } from '@backstage/backend-plugin-api/alpha';
import {
  actorOf,
  asJson,
  idempotencyKeyInput,
  startedOperation,
  startedOperationOutput,
} from '../operations/registerOperationActions';
import { KeyRotationOperations } from './KeyRotationOperations';
import { SigningKeyInventory } from './SigningKeyInventory';

const TENANT_ID = /^[a-z0-9][a-z0-9-]{0,62}$/;

/**
 * The signing keys in Backstage's actions registry (MCP clients and other tools): the
 * inventory (read-only) and asking for a rotation (destructive; it then awaits a second
 * person's approval, given with approve-operation). The same guarded services as the
 * REST routes, so the same permissions and checks apply.
 */
export function registerKeyActions(options: {
  actionsRegistry: ActionsRegistryService;
  inventory: SigningKeyInventory;
  rotations?: KeyRotationOperations;
}): void {
  const { actionsRegistry, inventory, rotations } = options;

  actionsRegistry.register({
    name: 'list-signing-keys',
    title: "List content-service tenants' signing keys",
    description:
      "content-service's per-tenant signing keys: active kid, algorithm, age, when the annual rotation is due, the last emergency-rotation drill against the quarter (current, due, overdue) and per-region JWKS replication. Filter by drill or rotation status, search a tenant or kid. Changes nothing.",
    attributes: { readOnly: true, destructive: false, idempotent: true },
    schema: {
      input: z =>
        z.object({
          entityRef: z
            .string()
            .default('component:default/content-bundler')
            .describe(
              'The signing container, component:default/content-bundler',
            ),
          q: z
            .string()
            .max(200)
            .optional()
            .describe('Part of a tenant id or kid'),
          drill: z.enum(['current', 'due', 'overdue']).optional(),
          rotation: z
            .enum(['ok', 'due-soon', 'overdue', 'no-active-key'])
            .optional(),
          limit: z.number().int().min(1).max(500).default(50),
        }),
      output: z => z.object({ inventory: z.object({}).passthrough() }),
    },
    action: async ({ input, credentials }) => ({
      output: {
        inventory: asJson(
          await inventory.inventory(
            { ...input, sort: 'tenant', offset: 0 },
            credentials,
          ),
        ),
      },
    }),
  });

  if (!rotations) return;
  actionsRegistry.register({
    name: 'request-key-rotation',
    title: 'Ask for a signing-key rotation',
    description:
      'Asks for an emergency rotation (the old key is revoked once the new one signs; incidentUrl required) or a drill (the old key stays verify-only for the grace window) of one or more tenants. Needs service-ops.operation.key-rotation on content-bundler and a reason. The operation then awaits the approval of a second person (approve-operation); follow it with get-operation.',
    attributes: { readOnly: false, destructive: true, idempotent: true },
    schema: {
      input: z =>
        z.object({
          entityRef: z.string().default('component:default/content-bundler'),
          tenants: z.array(z.string().regex(TENANT_ID)).min(1).max(5000),
          mode: z.enum(['emergency', 'drill']),
          reason: z.string().min(10).max(2000),
          incidentUrl: z.string().url().optional(),
          concurrency: z.number().int().min(1).optional(),
          graceSeconds: z.number().int().min(0).max(7_776_000).optional(),
          idempotencyKey: idempotencyKeyInput(z),
        }),
      output: startedOperationOutput,
    },
    action: async ({ input, credentials }) =>
      startedOperation(
        await rotations.create(
          input,
          actorOf(credentials, 'key rotations'),
          credentials,
        ),
      ),
  });
}
