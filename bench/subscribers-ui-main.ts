/**
 * `npm run bench:ui`: only the subscribers view in Chromium (bench/subscribers-ui.ts), printing all
 * its figures. `npm run bench` runs the same measurement as its `ui` group.
 */
import { passed } from './report';
import { runSubscribersUiBench } from './subscribers-ui';

runSubscribersUiBench().then(
  (figures) => {
    const { results, ...rest } = figures;
    console.log(JSON.stringify(rest, null, 2));
    if (!results.every(passed)) process.exitCode = 1;
  },
  (error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  },
);
