/** Something that closes what was built: synchronous or not. */
export type Closer = () => void | Promise<void>;

/**
 * The closers of what a start has built, pushed one by one as each piece is built and run in
 * reverse: a start that fails half-way and a stop unwind the same stack, so nothing opened is left
 * open and the order is written once. (A dozen lines: Node 20 has no AsyncDisposableStack, and a
 * library for this would be more to read than the code.)
 */
export class DisposalStack {
  readonly #closers: { what: string; close: Closer }[] = [];
  #disposing: Promise<void> | undefined;

  /** Adds the closer of something just built; it runs before everything built earlier. */
  push(what: string, close: Closer): void {
    if (this.#disposing) throw new Error(`cannot add ${what}: already closing`);
    this.#closers.push({ what, close });
  }

  /**
   * Runs every closer, last pushed first, each awaited; one that fails does not stop the others,
   * and the first failure is thrown at the end. Safe to call twice (the second waits for the first).
   * `onClosed` hears how long each took, so a slow stop says which part held it.
   */
  dispose(
    onError: (error: unknown, what: string) => void = () => undefined,
    onClosed: (what: string, ms: number) => void = () => undefined,
  ): Promise<void> {
    return (this.#disposing ??= (async () => {
      let failure: { error: unknown } | undefined;
      for (const { what, close } of this.#closers.splice(0).reverse()) {
        const started = performance.now();
        try {
          await close();
        } catch (error) {
          onError(error, what);
          failure ??= { error };
        }
        onClosed(what, Math.round(performance.now() - started));
      }
      if (failure) throw failure.error;
    })());
  }
}
