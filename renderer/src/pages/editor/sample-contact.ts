/** The made-up customer whose details fill the message preview. */
export const SAMPLE_CONTACT = {
  name: 'Maria Garcia',
  phone: '+4915112345678',
  attributes: { car: 'Golf GTI' },
} as const;
