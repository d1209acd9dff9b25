/**
 * `document.body.dataset.appReady = 'true'` once the first page's data has loaded (or failed to),
 * so end-to-end tests wait for the app instead of sleeping.
 */
export function markAppReady(): void {
  if (document.body.dataset.appReady !== 'true') document.body.dataset.appReady = 'true';
}
