/**
 * Set-up shared by the e2e test files (on top of harness.mjs): the stack and browser of one file, the page problems
 * that fail a test, and tRPC mutations from a signed-in page.
 *
 *   let stack;
 *   let browser;
 *   before(async () => ({ stack, browser } = await openStack()), { timeout: 600_000 });
 *   after(() => closeStack({ stack, browser }));
 */
import { launchBrowser, startStack, trpcQuery } from './harness.mjs';

/** Starts API + portal (harness.mjs `startStack`) and the browser. */
export async function openStack() {
  const stack = await startStack();
  const browser = await launchBrowser();
  return { stack, browser };
}

/** Closes the browser, then stops the stack; either may be missing (a failed `openStack`). */
export async function closeStack({ stack, browser }) {
  await browser?.close();
  await stack?.stop();
}

/**
 * Visible problems on the page (uncaught errors, 5xx), ignoring known benign noise. 4xx answers are expected where a
 * test provokes them (wrong password, a model lacking a predictor, a 409); the browser logs them as "Failed to load
 * resource"; 5xx and page errors are still reported.
 */
export function problems(page) {
  return page.problems.filter((p) => !/GPU stall due to ReadPixels|favicon|Fetch aborted|status of 4\d\d/i.test(p));
}

/** tRPC mutation from inside the signed-in page (session cookie + CSRF header). */
export async function trpcMutation(page, proc, input) {
  const { csrfToken } = await trpcQuery(page, 'auth.me');
  return page.evaluate(
    async ({ proc, input, csrf }) => {
      const r = await fetch(`/api/trpc/${proc}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-hepatoscope-csrf': csrf },
        body: JSON.stringify(input),
      });
      const j = await r.json();
      if (!r.ok) throw new Error(`${proc}: ${JSON.stringify(j.error ?? j)}`);
      return j.result.data;
    },
    { proc, input, csrf: csrfToken },
  );
}
