/** Where a view's data is: first load, shown, or failed (with a message to show and a retry). */
export type LoadStatus = 'loading' | 'ready' | 'error';
