/**
 * The import dialog, loaded on first use: it brings the CSV parser (papaparse), which nothing else
 * in the window needs, so the app starts without it.
 */
import { lazy, Suspense, type ComponentProps } from 'react';

const ImportDialog = lazy(() => import('./ImportDialog').then((module) => ({ default: module.ImportDialog })));

export function LazyImportDialog(props: ComponentProps<typeof ImportDialog>) {
  return (
    <Suspense fallback={null}>
      <ImportDialog {...props} />
    </Suspense>
  );
}
