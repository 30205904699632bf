/**
 * Module hooks for running the TypeScript sources directly with Node's type stripping (child processes
 * of the review tests): an import of `./x.js` that does not exist resolves to `./x.ts`.
 * Usage: node --import ./test/e2e/ts-resolve.mjs some-script.ts
 */
import { registerHooks } from 'node:module';

registerHooks({
  resolve(specifier, context, nextResolve) {
    try {
      return nextResolve(specifier, context);
    } catch (e) {
      if (/^\.{1,2}\//.test(specifier) && specifier.endsWith('.js'))
        return nextResolve(`${specifier.slice(0, -3)}.ts`, context);
      throw e;
    }
  },
});
