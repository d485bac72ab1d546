import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { StartupError } from '../errors';
import { DEMO_EVENT } from './demoEvent';
import { loadEventConfig } from './eventConfig';

const dir = mkdtempSync(join(tmpdir(), 'hybrid-stage-event-'));
const file = (name: string, content: unknown) => {
  const path = join(dir, name);
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
  return path;
};

describe('loadEventConfig', () => {
  it('runs the demo event without a file', () => {
    expect(loadEventConfig(undefined)).toBe(DEMO_EVENT);
    expect(DEMO_EVENT.channels.map((c) => c.name)).toEqual(['Main stage', 'Europe', 'Middle East', 'Africa & Turkey', 'B2C', 'B2B', 'Industrial']);
  });

  it('lets viewers watch anonymously unless the file asks them to register', () => {
    const { viewers: _, ...withoutSetting } = DEMO_EVENT;
    expect(loadEventConfig(file('anonymous.json', withoutSetting)).viewers).toBe('anonymous');
    expect(loadEventConfig(file('registered.json', { ...DEMO_EVENT, viewers: 'registered' })).viewers).toBe('registered');
    expect(() => loadEventConfig(file('public.json', { ...DEMO_EVENT, viewers: 'public' }))).toThrow(/viewers/);
  });

  it('reads an event with more studios from a file', () => {
    const event = {
      ...DEMO_EVENT,
      studios: [...DEMO_EVENT.studios, { id: 'sao-paulo', name: 'São Paulo', timeZone: 'America/Sao_Paulo' }],
      channels: [{ id: 'latam', name: 'Latin America', kind: 'regional', startsOn: 'sao-paulo' }],
    };
    expect(loadEventConfig(file('more.json', event)).studios.map((s) => s.id)).toContain('sao-paulo');
  });

  it('names what is wrong: unknown studios, time zones, duplicate ids, broken JSON', () => {
    const bad = {
      ...DEMO_EVENT,
      timeZone: 'Mars/Olympus',
      studios: [DEMO_EVENT.studios[0], DEMO_EVENT.studios[0]],
      channels: [{ id: 'main', name: 'Main', kind: 'main', startsOn: 'atlantis' }],
    };
    const error = (() => {
      try {
        loadEventConfig(file('bad.json', bad));
      } catch (e) {
        return e as Error;
      }
    })();
    expect(error).toBeInstanceOf(StartupError);
    expect(error?.message).toMatch(/not an IANA time zone/);
    expect(error?.message).toMatch(/studio ids must be unique/);
    expect(error?.message).toMatch(/unknown studio atlantis/);
    expect(() => loadEventConfig(file('broken.json', '{"name":'))).toThrow(/EVENT_FILE=.*cannot read it as JSON/);
  });
});
