import { SUBJECTS } from './topology';
import type { Enrollment, OutboxEvent, SagaPlan } from './types';

/** What every event of the contract starts with. */
export interface Envelope {
  eventId: string;
  /** ISO 8601, wall-clock (as the NATS stream's own timestamps). */
  occurredAt: string;
}

/** `authoring.course_draft.published.v1`: starts the publish saga. */
export function draftPublished(plan: SagaPlan, envelope: Envelope) {
  return event(SUBJECTS.draftPublished, {
    ...envelope,
    tenantId: plan.tenantId,
    draftId: plan.draftId,
    courseId: plan.courseId,
    courseVersion: plan.courseVersion,
    homeRegion: plan.homeRegion,
    publishId: plan.publishId,
  });
}

/** `content.play_package.built.v1`: content-builder built the PlayPackage. */
export function playPackageBuilt(plan: SagaPlan, envelope: Envelope) {
  return event(SUBJECTS.playPackageBuilt, {
    ...sagaFields(plan, envelope),
    playPackageId: plan.playPackageId,
    manifestUrl: `https://cdn.learning.example/${plan.tenantId}/packages/${plan.playPackageId}/manifest.json`,
  });
}

/** `content.play_package.build_failed.v1`: the build failed. */
export function buildFailed(plan: SagaPlan, envelope: Envelope) {
  return event(SUBJECTS.buildFailed, {
    ...sagaFields(plan, envelope),
    reason: plan.reason ?? 'build failed',
  });
}

/** `authoring.publish_saga.compensated.v1`: authoring-worker undid the publish. */
export function sagaCompensated(plan: SagaPlan, envelope: Envelope) {
  return event(SUBJECTS.sagaCompensated, {
    ...sagaFields(plan, envelope),
    reason: `PlayPackage build failed: ${plan.reason ?? 'unknown'}`,
  });
}

/** `catalog.course_version.published.v1`: the last step of the saga. */
export function courseVersionPublished(plan: SagaPlan, envelope: Envelope) {
  return event(SUBJECTS.courseVersionPublished, sagaFields(plan, envelope));
}

/** `enrollment.created.v1`: starts per-device bundle builds. */
export function enrollmentCreated(enrollment: Enrollment, envelope: Envelope) {
  return event(SUBJECTS.enrollmentCreated, {
    ...envelope,
    tenantId: enrollment.tenantId,
    enrollmentId: enrollment.enrollmentId,
    learnerId: enrollment.learnerId,
    courseId: enrollment.courseId,
    deviceIds: enrollment.deviceIds,
  });
}

/** `content.play_package.bundle.published.v1`: a device's bundle is signed and stored. */
export function bundlePublished(
  enrollment: Enrollment,
  options: { bundleId: string; envelope: Envelope },
) {
  return event(SUBJECTS.bundlePublished, {
    ...options.envelope,
    tenantId: enrollment.tenantId,
    bundleId: options.bundleId,
    playPackageId: `${enrollment.courseId}-package`,
    deviceId: enrollment.deviceIds[0],
    kid: `${enrollment.tenantId}-signing-2026`,
    homeRegion: enrollment.homeRegion,
  });
}

function sagaFields(plan: SagaPlan, envelope: Envelope) {
  return {
    ...envelope,
    tenantId: plan.tenantId,
    publishId: plan.publishId,
    courseId: plan.courseId,
    courseVersion: plan.courseVersion,
  };
}

function event(subject: string, payload: OutboxEvent['payload']): OutboxEvent {
  return { subject, payload };
}
