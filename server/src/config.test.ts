import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config';

describe('loadConfig', () => {
  it('runs on embedded defaults with an empty environment', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({ PORT: 3000, RTC_PORT: 40000, MEDIA_PORT_RANGE: [41000, 41999], LOG_LEVEL: 'info', TEST_PATTERNS: true, CLIENT_GRACE_MS: 15_000 });
    expect(config.WORKERS).toBeGreaterThanOrEqual(1);
    expect(config.ANNOUNCED_IP).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
  });

  it('parses the values it is given', () => {
    const config = loadConfig({ PORT: '8080', WORKERS: '3', TEST_PATTERNS: 'false', MEDIA_PORT_RANGE: '50000-50999', ANNOUNCED_IP: '203.0.113.7', CLIENT_GRACE_MS: '0' });
    expect(config).toMatchObject({ PORT: 8080, WORKERS: 3, TEST_PATTERNS: false, MEDIA_PORT_RANGE: [50000, 50999], ANNOUNCED_IP: '203.0.113.7', CLIENT_GRACE_MS: 0 });
  });

  it('stops with a message naming every wrong variable and its value', () => {
    const load = () => loadConfig({ PORT: 'eighty', RTC_PORT: '70000', LOG_LEVEL: 'loud' });
    expect(load).toThrow(ConfigError);
    expect(load).toThrow(/PORT="eighty"/);
    expect(load).toThrow(/RTC_PORT="70000"/);
    expect(load).toThrow(/LOG_LEVEL="loud"/);
  });

  it('runs one node without Redis by default, and reads the cluster settings when given', () => {
    const single = loadConfig({});
    expect(single).toMatchObject({ NODE_ROLE: 'origin', NODE_REGION: 'local' });
    expect(single.REDIS_URL).toBeUndefined();
    expect(single.PUBLIC_URL).toBeUndefined();
    expect(single.NODE_ID).toMatch(/^[A-Za-z0-9][A-Za-z0-9._-]*-[0-9a-f]{8}$/);
    expect(loadConfig({}).NODE_ID).not.toBe(single.NODE_ID);
    const edge = loadConfig({ REDIS_URL: 'redis://10.0.0.5:6379/0', NODE_ID: 'edge-1', NODE_ROLE: 'edge', NODE_REGION: 'eu-west', PUBLIC_URL: 'https://edge1.example.com' });
    expect(edge).toMatchObject({ REDIS_URL: 'redis://10.0.0.5:6379/0', NODE_ID: 'edge-1', NODE_ROLE: 'edge', NODE_REGION: 'eu-west', PUBLIC_URL: 'https://edge1.example.com' });
  });

  it('refuses cluster settings it cannot use, naming them', () => {
    const load = () => loadConfig({ REDIS_URL: 'http://10.0.0.5:6379', NODE_ROLE: 'relay', NODE_ID: 'a b', NODE_REGION: '../x', PUBLIC_URL: 'ftp://x' });
    for (const name of ['REDIS_URL', 'NODE_ROLE', 'NODE_ID', 'NODE_REGION', 'PUBLIC_URL']) expect(load).toThrow(new RegExp(`${name}=`));
    // An edge serves the origin's program, which it reaches only through the cluster's Redis.
    expect(() => loadConfig({ NODE_ROLE: 'edge' })).toThrow(/NODE_ROLE="edge".*REDIS_URL/);
    expect(() => loadConfig({ PLACEMENT_CPU_THRESHOLD: '1.5' })).toThrow(/PLACEMENT_CPU_THRESHOLD=/);
    expect(loadConfig({}).PLACEMENT_CPU_THRESHOLD).toBe(0.8);
  });

  it('keeps the SQLite default without DATABASE_URL, takes a postgres:// URL, and refuses any other', () => {
    expect(loadConfig({}).DATABASE_URL).toBeUndefined();
    expect(loadConfig({ DATABASE_URL: 'postgres://hybrid:secret@127.0.0.1:5432/hybrid_stage' }).DATABASE_URL).toBe('postgres://hybrid:secret@127.0.0.1:5432/hybrid_stage');
    expect(loadConfig({ DATABASE_URL: 'postgresql://db.example.com/stage?sslmode=require' }).DATABASE_URL).toBe('postgresql://db.example.com/stage?sslmode=require');
    expect(() => loadConfig({ DATABASE_URL: 'mysql://127.0.0.1/stage' })).toThrow(/DATABASE_URL="mysql:\/\/127.0.0.1\/stage"/);
    expect(() => loadConfig({ DATABASE_URL: 'hybrid_stage' })).toThrow(/DATABASE_URL/);
  });

  it('refuses an announced address that is not an IP', () => {
    expect(() => loadConfig({ ANNOUNCED_IP: 'example.com' })).toThrow(/ANNOUNCED_IP/);
  });

  it('takes a public address for links and a metrics token, and refuses unsafe or weak ones', () => {
    expect(loadConfig({ PUBLIC_URL: 'https://stage.example.com', METRICS_TOKEN: 'a-token-of-sixteen+', PRINT_INVITES: 'false' })).toMatchObject({
      PUBLIC_URL: 'https://stage.example.com',
      METRICS_TOKEN: 'a-token-of-sixteen+',
      PRINT_INVITES: false,
    });
    const defaults = loadConfig({});
    expect([defaults.PUBLIC_URL, defaults.METRICS_TOKEN, defaults.PRINT_INVITES]).toEqual([undefined, undefined, undefined]);
    expect(() => loadConfig({ PUBLIC_URL: 'javascript:alert(1)' })).toThrow(/PUBLIC_URL/);
    expect(() => loadConfig({ PUBLIC_URL: 'stage.example.com' })).toThrow(/PUBLIC_URL/);
    expect(() => loadConfig({ METRICS_TOKEN: 'short' })).toThrow(/METRICS_TOKEN="short": use at least 16 characters/);
  });

  it('reads the languages machine translation and speech recognition work in', () => {
    expect(loadConfig({})).toMatchObject({ MT_APERTIUM_LANGUAGES: ['es', 'pt', 'it', 'fr'], ASR_CHANNELS: [], ASR_REVIEW: true });
    expect(loadConfig({ ASR_CHANNELS: 'main,b2b', ASR_REVIEW: 'false' })).toMatchObject({ ASR_CHANNELS: ['main', 'b2b'], ASR_REVIEW: false });
    expect(() => loadConfig({ ASR_CHANNELS: 'main,../etc' })).toThrow(/ASR_CHANNELS/);
  });

  it('reads HLS_CHANNELS: unset is the default (main channels), empty turns HLS off, a list names channels', () => {
    expect(loadConfig({}).HLS_CHANNELS).toBeUndefined();
    expect(loadConfig({ HLS_CHANNELS: '' }).HLS_CHANNELS).toEqual([]);
    expect(loadConfig({ HLS_CHANNELS: 'main,b2b' }).HLS_CHANNELS).toEqual(['main', 'b2b']);
    expect(() => loadConfig({ HLS_CHANNELS: 'main,../etc' })).toThrow(/HLS_CHANNELS/);
  });

  it('takes a relay address (an IP or a host name) and a shared signing key, and hides a wrong key', () => {
    const key = Buffer.alloc(32, 7).toString('base64');
    expect(loadConfig({ RELAY_ADDRESS: 'edge-1', ACCESS_TOKEN_KEY: key })).toMatchObject({ RELAY_ADDRESS: 'edge-1', ACCESS_TOKEN_KEY: key });
    expect(loadConfig({ RELAY_ADDRESS: '172.18.0.4' }).RELAY_ADDRESS).toBe('172.18.0.4');
    expect(() => loadConfig({ RELAY_ADDRESS: 'edge 1; rm' })).toThrow(/RELAY_ADDRESS/);
    const short = Buffer.alloc(16, 7).toString('base64');
    expect(() => loadConfig({ ACCESS_TOKEN_KEY: short })).toThrow(/ACCESS_TOKEN_KEY=\(hidden\): expected at least 32 bytes/);
    expect(() => loadConfig({ ACCESS_TOKEN_KEY: short })).not.toThrow(new RegExp(short.replace(/[+/=]/g, '.')));
    expect(() => loadConfig({ ACCESS_TOKEN_KEY: 'not base64!' })).toThrow(/ACCESS_TOKEN_KEY=\(hidden\): expected base64/);
  });
});
