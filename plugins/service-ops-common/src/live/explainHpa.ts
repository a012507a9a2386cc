import { LiveHpa, LiveHpaCondition, LiveHpaMetric } from './types';

/** `14:02 UTC` from an ISO time. */
function clockTime(iso: string): string {
  return `${iso.slice(11, 16)} UTC`;
}

const since = (condition: LiveHpaCondition) =>
  condition.since ? ` since ${clockTime(condition.since)}` : '';

/** A metric's current value against its target, in words: `cpu: 72% of request (target 60%)`. */
export function describeHpaMetric(
  metric: Omit<LiveHpaMetric, 'description'>,
): string {
  const round = (n: number) => Number(n.toFixed(2));
  const current =
    metric.current === undefined
      ? 'no value yet'
      : String(round(metric.current));
  switch (metric.targetType) {
    case 'Utilization':
      return `${metric.name}: ${
        metric.current === undefined ? 'no value yet' : `${current}%`
      } of request (target ${metric.target}%)`;
    case 'AverageValue':
      return `${metric.name}: ${current} per pod (target ${round(
        metric.target,
      )} per pod)`;
    default:
      return `${metric.name}: ${current} in total (target ${round(
        metric.target,
      )})`;
  }
}

/**
 * The HPA's state in words, most important first: why it cannot scale, whether it is held
 * at a bound and since when, what it is doing now, and which metric drives it.
 */
export function explainHpa(hpa: Omit<LiveHpa, 'explanation'>): string[] {
  const lines: string[] = [];
  const condition = (type: string) => hpa.conditions.find(c => c.type === type);
  const able = condition('AbleToScale');
  const active = condition('ScalingActive');
  const limited = condition('ScalingLimited');

  if (able?.status === 'False') {
    lines.push(
      `cannot scale${since(able)}: ${
        able.message ?? able.reason ?? 'unknown reason'
      }`,
    );
  } else if (able?.reason && /Backoff/.test(able.reason)) {
    lines.push(`waiting after a recent rescale (${able.reason})`);
  }
  if (active?.status === 'False') {
    lines.push(
      active.reason === 'ScalingDisabled'
        ? 'scaling is disabled (the target has 0 replicas or no metrics are configured)'
        : `cannot read metrics${since(active)}: ${
            active.message ?? active.reason
          }`,
    );
  } else if (active?.message && /; /.test(active.message)) {
    // Some metrics failed while others worked: the controller lists the failures after "; ".
    lines.push(
      `cannot read some metrics: ${active.message
        .split('; ')
        .slice(1)
        .join('; ')}`,
    );
  }
  if (limited?.status === 'True') {
    switch (limited.reason) {
      case 'TooManyReplicas':
        lines.push(
          `at max replicas (${hpa.max})${since(
            limited,
          )}: the metrics ask for more`,
        );
        break;
      case 'TooFewReplicas':
        lines.push(`at min replicas (${hpa.min})${since(limited)}`);
        break;
      case 'ScaleUpLimit':
        lines.push(
          `scale-up rate limited${since(limited)}: ${
            limited.message ?? ''
          }`.trim(),
        );
        break;
      default:
        lines.push(
          `limited${since(limited)}: ${limited.message ?? limited.reason}`,
        );
    }
  } else if (hpa.current === hpa.min && hpa.desired === hpa.min) {
    lines.push(`at min replicas (${hpa.min})`);
  }
  if (hpa.desired !== hpa.current) {
    lines.push(
      `scaling ${hpa.desired > hpa.current ? 'up' : 'down'} from ${
        hpa.current
      } to ${hpa.desired}`,
    );
  }
  const withValues = hpa.metrics.filter(
    m => m.current !== undefined && m.target > 0,
  );
  if (withValues.length) {
    const driving = withValues.reduce((a, b) =>
      a.current! / a.target >= b.current! / b.target ? a : b,
    );
    const ratio = driving.current! / driving.target;
    let verdict = 'at target:';
    if (ratio > 1.1) verdict = 'driven by';
    else if (ratio < 0.9) verdict = 'below target:';
    lines.push(`${verdict} ${describeHpaMetric(driving)}`);
  }
  if (hpa.scaledObject) {
    lines.push(`managed by KEDA ScaledObject ${hpa.scaledObject.name}`);
  }
  return lines;
}
