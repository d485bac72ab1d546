import { useEffect, useRef, useState } from 'react';

/**
 * A number that goes up each time a channel comes back on air after being off air (`program` from
 * null to a feed), to hand to `useWatch` as its revision. While the channel is not known yet
 * (`undefined`) nothing changes, so the first join is not thrown away when the event arrives.
 */
export function useBackOnAir(program: string | null | undefined): string {
  const [count, setCount] = useState(0);
  const last = useRef(program);
  useEffect(() => {
    if (last.current === null && program) setCount((c) => c + 1);
    last.current = program;
  }, [program]);
  return String(count);
}
