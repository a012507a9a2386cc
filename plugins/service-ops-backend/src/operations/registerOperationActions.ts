import { BackstageCredentials } from '@backstage/backend-plugin-api';
import { ActionsRegistryService } from '@backstage/backend-plugin-api/alpha';
import { NotAllowedError } from '@backstage/errors';
import { JsonObject } from '@backstage/types';
import type { z as zod } from 'zod/v3';
import { CollabDrainOperations } from './CollabDrainOperations';
import { OperationsService } from './OperationsService';

/**
 * The signed-in user an action of the registry is asked for by (user entity ref);
 * NotAllowedError ("<what> are asked for by a signed-in user") for any other caller.
 */
export function actorOf(
  credentials: BackstageCredentials,
  what = 'operations',
): string {
  const principal = credentials.principal as {
    type?: string;
    userEntityRef?: string;
  };
  if (principal.type !== 'user' || !principal.userEntityRef)
    throw new NotAllowedError(`${what} are asked for by a signed-in user`);
  return principal.userEntityRef;
}

/** A value as an action's JSON output (dates and undefined as JSON has them). */
export const asJson = (value: unknown) =>
  JSON.parse(JSON.stringify(value)) as JsonObject;

/** The optional idempotency key of an action that starts an operation. */
export const idempotencyKeyInput = (z: typeof zod) =>
  z
    .string()
    .regex(/^[\x21-\x7e]{1,255}$/)
    .optional()
    .describe(
      'The same key returns the same operation instead of a second one',
    );

/** The output schema of an action that starts an operation. */
export const startedOperationOutput = (z: typeof zod) =>
  z.object({
    created: z.boolean(),
    operation: z.object({}).passthrough(),
  });

/** That output, from what a kind's `create` answered. */
export const startedOperation = (started: {
  operation: unknown;
  created: boolean;
}) => ({
  output: { created: started.created, operation: asJson(started.operation) },
});

/**
 * The operations in Backstage's actions registry (for MCP clients and other tools): read
 * actions for the preview and the history, write actions flagged destructive. They go
 * through the same guarded service as the REST routes, so the same permissions,
 * confirmation and reason apply.
 */
export function registerOperationActions(options: {
  actionsRegistry: ActionsRegistryService;
  operations: OperationsService;
  drains: CollabDrainOperations;
}): void {
  const { actionsRegistry, operations, drains } = options;
  const target = (z: typeof zod) => ({
    entityRef: z
      .string()
      .describe(
        'The collab container entity, e.g. component:default/authoring-collab',
      ),
    cluster: z.string().describe('The region (cluster) to drain, e.g. eu'),
    pods: z
      .array(z.string())
      .min(1)
      .max(100)
      .optional()
      .describe('Only these pods; every pod of the region when absent'),
    noticeSeconds: z
      .number()
      .int()
      .min(0)
      .max(3600)
      .optional()
      .describe('Seconds between the notice to clients and the first eviction'),
  });

  actionsRegistry.register({
    name: 'preview-collab-drain',
    title: 'Preview a collab drain',
    description:
      'What draining the collab server in a region would do now: the pods in eviction order with their sessions, the PodDisruptionBudget, a dry-run eviction, warnings and the estimated duration. Changes nothing.',
    attributes: { readOnly: true, destructive: false, idempotent: true },
    schema: {
      input: z => z.object(target(z)),
      output: z => z.object({ preview: z.object({}).passthrough() }),
    },
    action: async ({ input, credentials }) => ({
      output: { preview: asJson(await drains.preview(input, credentials)) },
    }),
  });

  actionsRegistry.register({
    name: 'start-collab-drain',
    title: 'Drain collab pods',
    description:
      'Notifies the connected clients of the chosen collab pods, waits for the notice, then evicts the pods one by one (respecting the PodDisruptionBudget) and waits for each replacement. Needs the service-ops.operation.collab-drain permission on the entity, the entity name typed as confirm, and a reason. Returns the operation; follow it with get-operation.',
    attributes: { readOnly: false, destructive: true, idempotent: true },
    schema: {
      input: z =>
        z.object({
          ...target(z),
          reason: z
            .string()
            .min(10)
            .max(2000)
            .describe('Why the pods are drained'),
          confirm: z
            .string()
            .describe(
              "The target entity's name, typed to confirm, e.g. authoring-collab",
            ),
          incidentUrl: z.string().url().optional(),
          idempotencyKey: idempotencyKeyInput(z),
        }),
      output: startedOperationOutput,
    },
    action: async ({ input, credentials }) =>
      startedOperation(
        await drains.create(input, actorOf(credentials), credentials),
      ),
  });

  actionsRegistry.register({
    name: 'get-operation',
    title: 'Get a service-ops operation',
    description:
      'One operation with its state, its approvals and each step: status, times and what it did.',
    attributes: { readOnly: true, destructive: false, idempotent: true },
    schema: {
      input: z => z.object({ id: z.string().uuid() }),
      output: z => z.object({ operation: z.object({}).passthrough() }),
    },
    action: async ({ input, credentials }) => ({
      output: {
        operation: asJson(await operations.get(input.id, credentials)),
      },
    }),
  });

  actionsRegistry.register({
    name: 'list-operations',
    title: "List an entity's operations",
    description: 'The operations run on an entity, newest first.',
    attributes: { readOnly: true, destructive: false, idempotent: true },
    schema: {
      input: z =>
        z.object({
          entityRef: z.string(),
          limit: z.number().int().min(1).max(200).optional(),
        }),
      output: z =>
        z.object({
          items: z.array(z.object({}).passthrough()),
          totalCount: z.number(),
        }),
    },
    action: async ({ input, credentials }) => {
      const list = await operations.list(
        { entityRef: input.entityRef, limit: input.limit ?? 20, offset: 0 },
        credentials,
      );
      return {
        output: { items: list.items.map(asJson), totalCount: list.totalCount },
      };
    },
  });

  actionsRegistry.register({
    name: 'cancel-operation',
    title: 'Cancel a service-ops operation',
    description:
      'Stops a running operation where it is safe: no further evictions; notified pods are told the drain is cancelled.',
    attributes: { readOnly: false, destructive: true, idempotent: true },
    schema: {
      input: z => z.object({ id: z.string().uuid() }),
      output: z => z.object({ operation: z.object({}).passthrough() }),
    },
    action: async ({ input, credentials }) => ({
      output: {
        operation: asJson(
          await operations.cancel(input.id, actorOf(credentials), credentials),
        ),
      },
    }),
  });

  actionsRegistry.register({
    name: 'approve-operation',
    title: 'Approve a service-ops operation',
    description:
      "Approves an operation awaiting approval; with the last approval it needs, it runs. Needs the operation kind's permission on the target; the requester cannot approve their own operation.",
    attributes: { readOnly: false, destructive: true, idempotent: false },
    schema: {
      input: z =>
        z.object({
          id: z.string().uuid(),
          comment: z.string().max(2000).optional(),
        }),
      output: z => z.object({ operation: z.object({}).passthrough() }),
    },
    action: async ({ input, credentials }) => ({
      output: {
        operation: asJson(
          await operations.approve(
            input.id,
            actorOf(credentials),
            input.comment,
            credentials,
          ),
        ),
      },
    }),
  });
}
