import { useEffect, useState } from 'react';

/** The current time in Unix ms, refreshed every `everyMs` (for now/next highlighting). */
export function useNow(everyMs = 15_000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), everyMs);
    return () => clearInterval(timer);
  }, [everyMs]);
  return now;
}
