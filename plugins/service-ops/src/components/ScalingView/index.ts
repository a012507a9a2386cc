export { ScalingView, describeHpa } from './ScalingView';
