import { useEffect, useState } from 'react';

/** A preference kept in localStorage under `hybrid-stage.<key>`, so it survives a reload. */
export function useStoredState<T extends string>(key: string, initial: T): [T, (value: T) => void] {
  const storageKey = `hybrid-stage.${key}`;
  const [value, setValue] = useState<T>(() => (localStorage.getItem(storageKey) as T | null) ?? initial);
  useEffect(() => localStorage.setItem(storageKey, value), [storageKey, value]);
  return [value, setValue];
}
