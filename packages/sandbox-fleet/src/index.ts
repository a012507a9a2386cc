/**
 * The simulated four-region fleet of the learning platform's services.
 *
 * @packageDocumentation
 */
export { CollabSessions } from './CollabSessions';
export type {
  CollabPodSessions,
  CollabSessionsOptions,
} from './CollabSessions';
export { CollabDrainResponder } from '@internal/sandbox-nats';
export type { CollabDrainResponderOptions } from '@internal/sandbox-nats';
export { Fleet } from './Fleet';
export type { FleetOptions, FleetCluster } from './Fleet';
export { LoadModel } from './LoadModel';
export type { PodSessions } from './LoadModel';
export { buildManifests, DRIFT } from './manifests';
export { REGIONS } from './regions';
export { releasesFromEnv } from './releasesFromEnv';
export type { SandboxRelease } from './releasesFromEnv';
export type { RegionName } from './regions';
export { findRepoRoot, loadServices } from './services';
