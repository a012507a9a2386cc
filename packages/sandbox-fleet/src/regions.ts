/** The four regions of the platform, one cluster each, with the UTC offset of their day. */
export const REGIONS = [
  { name: 'us', utcOffsetHours: -5 },
  { name: 'eu', utcOffsetHours: 1 },
  { name: 'me', utcOffsetHours: 4 },
  { name: 'ap', utcOffsetHours: 8 },
] as const;

export type RegionName = (typeof REGIONS)[number]['name'];
