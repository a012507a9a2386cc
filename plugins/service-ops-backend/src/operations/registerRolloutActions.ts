import { ActionsRegistryService } from '@backstage/backend-plugin-api/alpha';
import { ROLLOUT_ACTIONS } from '@internal/backstage-plugin-service-ops-common';
import type { z as zod } from 'zod/v3';
import {
  actorOf,
  asJson,
  idempotencyKeyInput,
  startedOperation,
  startedOperationOutput,
} from './registerOperationActions';
import { RolloutOperations } from './RolloutOperations';

/**
 * The rollout actions in Backstage's actions registry (MCP): the rollout's view and an
 * action's preview (read-only), and its start (destructive), through the same guarded
 * service as the REST routes. The operation is then followed, cancelled and approved
 * with the shared get-operation, cancel-operation and approve-operation actions.
 */
export function registerRolloutActions(options: {
  actionsRegistry: ActionsRegistryService;
  rollouts: RolloutOperations;
}): void {
  const { actionsRegistry, rollouts } = options;
  const target = (z: typeof zod) => ({
    entityRef: z
      .string()
      .describe(
        'A container released as an Argo rollout, e.g. component:default/content-api',
      ),
    action: z
      .enum(ROLLOUT_ACTIONS)
      .describe(
        'promote (to the next step / the blue-green switch), promote-full, abort or retry',
      ),
    clusters: z
      .array(z.string())
      .min(1)
      .max(20)
      .describe('The regions in order; more than one is a release wave'),
  });

  actionsRegistry.register({
    name: 'get-rollout',
    title: "Get a container's Argo rollout",
    description:
      "A container's rollout in every region: strategy, steps with the current one, weight, stable and canary pods, pause, analysis runs, canary-vs-stable signals, and which actions are possible with the expectation to send back.",
    attributes: { readOnly: true, destructive: false, idempotent: true },
    schema: {
      input: z => z.object({ entityRef: z.string() }),
      output: z => z.object({ rollout: z.object({}).passthrough() }),
    },
    action: async ({ input, credentials }) => ({
      output: {
        rollout: asJson(await rollouts.view(input.entityRef, credentials)),
      },
    }),
  });

  actionsRegistry.register({
    name: 'preview-rollout-action',
    title: 'Preview a rollout action',
    description:
      'What promote, promote-full, abort or retry would do now in each region (read from the API servers): the effect, the patches kubectl argo rollouts sends, warnings and approvals needed. Changes nothing.',
    attributes: { readOnly: true, destructive: false, idempotent: true },
    schema: {
      input: z => z.object(target(z)),
      output: z => z.object({ preview: z.object({}).passthrough() }),
    },
    action: async ({ input, credentials }) => ({
      output: { preview: asJson(await rollouts.preview(input, credentials)) },
    }),
  });

  actionsRegistry.register({
    name: 'start-rollout-action',
    title: 'Promote, promote fully, abort or retry a rollout',
    description:
      "Starts a rollout action in one region or a wave (each region only after the one before reached its goal healthy; stops at the first that degrades). Needs the action's service-ops.operation.rollout-* permission, a reason, the entity name as confirm (not for abort), and for promote and promote-full the expectation of each region as get-rollout or the preview gave it: a region that moved since is refused (409) with what changed. promote-full waits for another person's approval by default.",
    attributes: { readOnly: false, destructive: true, idempotent: true },
    schema: {
      input: z =>
        z.object({
          ...target(z),
          expected: z
            .record(
              z.object({
                stepIndex: z.number().int().min(0).optional(),
                podHash: z.string().optional(),
                aborted: z.boolean().optional(),
              }),
            )
            .default({})
            .describe("Per region, the region's `expected` from get-rollout"),
          reason: z.string().min(10).max(2000),
          confirm: z.string().optional(),
          incidentUrl: z.string().url().optional(),
          idempotencyKey: idempotencyKeyInput(z),
        }),
      output: startedOperationOutput,
    },
    action: async ({ input, credentials }) =>
      startedOperation(
        await rollouts.create(input, actorOf(credentials), credentials),
      ),
  });
}
