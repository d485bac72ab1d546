// Recording and re-runs with the real server: a test-pattern program is recorded by hand for 10 s
// with captions; a re-run a few seconds ahead plays the file into another channel as a feed, and
// the captions come again at their recorded offsets, corrections included. A recording whose ffmpeg
// is killed stays playable. Bad schedules are refused with stable codes and change nothing.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChannelState, Cue, ReRunInfo, RecordingInfo } from '@hybrid-stage/shared';
import { vp8DescriptorLength, type RtpPacket } from '../server/src/media/rtp';
import { Sink } from './support/rtpSink';
import { expectPlayableRecording } from './support/playable';
import { probeMedia } from '../server/src/media/mediaProbe';
import { startTestServer, TestClient, type TestServer } from './support/server';

let server: TestServer;
let producer: TestClient;

beforeAll(async () => {
  server = await startTestServer();
  producer = await TestClient.connectAs(server, { role: 'producer' });
});

afterAll(async () => {
  producer?.close();
  await server?.close();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const recordingFile = (r: RecordingInfo) => server.recordings.file(r.id);

/** A VP8 packet's coded bytes, without the descriptor the bus renumbers. */
const body = (p: RtpPacket) => p.payload.subarray(vp8DescriptorLength(p.payload)).toString('base64');

/** Time (ms) of the first video keyframe in a file: where the re-run's picture starts. */
function firstKeyFrameMs(file: string): number {
  const out = execFileSync('ffprobe', ['-v', 'error', '-select_streams', 'v:0', '-show_entries', 'packet=pts_time,flags', '-of', 'csv=p=0', file], { encoding: 'utf8' });
  const key = out.split('\n').find((l) => l.split(',')[1]?.startsWith('K'));
  return Math.round(Number(key!.split(',')[0]) * 1000);
}

describe('a re-run of a recorded session', () => {
  it('records 10 s of a program, replays it as a feed on another channel, and sends its captions again on time', async () => {
    // Record Main stage (London's test pattern) by hand.
    const recording = await producer.ok('recording:start', { channelId: 'main' });
    expect(recording).toMatchObject({ channelId: 'main', status: 'recording', trigger: 'manual' });
    expect(recording.sessionId).not.toBeNull(); // the demo agenda always has a session on Main stage

    // Captions during the recording, on the program clock, in three languages; one is corrected after.
    const captioner = await TestClient.connectAs(server, { role: 'captioner', channelId: 'main', languages: ['en', 'ja', 'ar'] });
    const sent: Array<{ id: string; language: 'en' | 'ja' | 'ar'; text: string; offsetMs: number }> = [
      { id: 'c1', language: 'en', text: 'Welcome to the re-run.', offsetMs: 2000 },
      { id: 'c2', language: 'ja', text: '再放送へようこそ。', offsetMs: 3500 },
      { id: 'c3', language: 'en', text: 'This line has a typo: teh keynote.', offsetMs: 5000 },
      { id: 'c4', language: 'ar', text: 'مرحبا بكم في إعادة البث', offsetMs: 7500 },
    ];
    for (const cue of sent) {
      await sleep(Math.max(0, recording.startedAtMs + cue.offsetMs - Date.now()));
      const startMs = recording.startedAtMs + cue.offsetMs;
      await captioner.ok('captions:ingest', { channelId: 'main', cues: [{ id: cue.id, language: cue.language, startMs, endMs: startMs + 1500, text: cue.text }] });
    }
    await sleep(Math.max(0, recording.startedAtMs + 10_000 - Date.now()));
    const stopped = await producer.ok('recording:stop', { channelId: 'main' });
    expect(stopped.status).toBe('done');
    expect(stopped.durationMs).toBeGreaterThan(9000);
    expect(stopped.sizeBytes).toBeGreaterThan(100_000);
    const probe = await probeMedia(await recordingFile(stopped));
    expect(probe.codecs).toEqual({ video: 'vp8', audio: 'opus' });
    // The correction comes after the live run: the re-run must carry it.
    const c3Start = recording.startedAtMs + 5000;
    await captioner.ok('captions:ingest', { channelId: 'main', cues: [{ id: 'c3', language: 'en', startMs: c3Start, endMs: c3Start + 1500, text: 'This line is corrected: the keynote.' }] });
    captioner.close();
    // The caption offsets stay with the recording, as WebVTT from its start.
    const vtt = await (await fetch(`${server.url}/api/recordings/${stopped.id}/captions/en.vtt`)).text();
    expect(vtt).toContain('00:00:02.000 --> 00:00:03.500\nWelcome to the re-run.');
    expect(vtt).toContain('00:00:05.000 --> 00:00:06.500\nThis line is corrected: the keynote.');

    // Viewers of Middle East (on Moscow's pattern) in three languages, and its program's packets.
    const target = server.channels.bus('middle-east');
    const before = target.programFeedId;
    const viewers = await Promise.all((['en', 'ja', 'ar'] as const).map(() => TestClient.connect(server.url)));
    const arrivals: Array<{ cue: Cue; at: number }> = [];
    for (const [i, language] of (['en', 'ja', 'ar'] as const).entries()) {
      await viewers[i]!.ok('captions:join', { channelId: 'middle-east', language });
      viewers[i]!.socket.on('captions:cue', (cue) => arrivals.push({ cue, at: Date.now() }));
    }
    const program = await Sink.of(target.router, target.producers.video);
    // The re-run's own feed, from the moment it opens, to tell its packets from any other.
    let fromReRun: Sink | undefined;
    server.feeds.once('opened', (opened) => {
      const onTrack = () => {
        const video = opened.track('video');
        if (!video || fromReRun) return;
        opened.off('changed', onTrack);
        void Sink.of(video.router, video.producer).then((sink) => (fromReRun = sink));
      };
      opened.on('changed', onTrack);
    });

    // Schedule it three seconds ahead for the Americas; the agenda shows it.
    const startsAt = new Date(Date.now() + 3000).toISOString();
    const rerun = await producer.ok('rerun:create', { sessionId: recording.sessionId!, channelId: 'middle-east', startsAt, region: 'Americas' });
    expect(rerun).toMatchObject({ status: 'scheduled', recordingId: stopped.id, region: 'Americas' });
    expect(Date.parse(rerun.endsAt) - Date.parse(rerun.startsAt)).toBe(stopped.durationMs);
    const event = await (await fetch(`${server.url}/api/event`)).json();
    expect(event.reruns).toEqual([rerun]);

    const onAir = producer.next('channel:changed', (c) => c.id === 'middle-east' && c.programSource === 'recording', 15_000);
    const playing = producer.next('reruns:changed', (list) => list.some((r) => r.id === rerun.id && r.status === 'playing'), 15_000);
    const state = (await onAir) as ChannelState;
    expect(Date.now()).toBeGreaterThanOrEqual(Date.parse(startsAt)); // not before its time
    const playedFromMs = ((await playing) as ReRunInfo[]).find((r) => r.id === rerun.id)!.playedFromMs!;
    const feed = server.feeds.get(state.program!);
    expect(feed.info()).toMatchObject({ source: 'recording', label: expect.stringContaining('Americas') });

    // A viewer joining in the middle gets the re-run where it is, with the captions so far.
    await sleep(Math.max(0, playedFromMs + 4000 - Date.now()));
    const late = await TestClient.connect(server.url);
    const { cues: lateCues } = await late.ok('captions:join', { channelId: 'middle-east', language: 'en' });
    expect(lateCues.map((c) => c.text)).toContain('Welcome to the re-run.');
    late.close();
    // Corrections made while the re-run plays: one to a cue already shown, one to a cue still to come.
    const corrector = await TestClient.connectAs(server, { role: 'captioner', channelId: 'main', languages: ['en', 'ar'] });
    const c1Start = recording.startedAtMs + 2000;
    const c4Start = recording.startedAtMs + 7500;
    await corrector.ok('captions:ingest', {
      channelId: 'main',
      cues: [
        { id: 'c1', language: 'en', startMs: c1Start, endMs: c1Start + 4000, text: 'Welcome back to the re-run.' },
        { id: 'c4', language: 'ar', startMs: c4Start, endMs: c4Start + 1500, text: 'أهلا بكم مجددا في إعادة البث' },
      ],
    });
    corrector.close();

    expect(fromReRun).toBeDefined();
    const ended = producer.next('reruns:changed', (list) => list.some((r) => r.id === rerun.id && r.status === 'done'), 20_000);
    await ended;
    program.close();
    fromReRun!.close();
    for (const v of viewers) v.close();

    // The channel's consumer received the recording's media: its packets carry the re-run feed's frames.
    const rerunBodies = new Set(fromReRun!.packets.map(body));
    const fromRecording = program.packets.filter((p) => rerunBodies.has(body(p)));
    expect(fromRecording.length).toBeGreaterThan(100);
    // The picture starts with the recording's first keyframe, on the same clock as the captions.
    const firstRerun = program.packets.findIndex((p) => rerunBodies.has(body(p)));
    expect(firstRerun).toBeGreaterThanOrEqual(0);
    expect(Math.abs(program.arrivals[firstRerun]! - (playedFromMs + firstKeyFrameMs(await recordingFile(stopped))))).toBeLessThanOrEqual(200);

    // Every caption came again, in its language, corrected, within 200 ms of its recorded offset.
    const expected = sent.map((s) =>
      s.id === 'c3' ? { ...s, text: 'This line is corrected: the keynote.' } : s.id === 'c4' ? { ...s, text: 'أهلا بكم مجددا في إعادة البث' } : s,
    );
    for (const cue of expected) {
      const arrival = arrivals.find((a) => a.cue.text === cue.text && a.cue.language === cue.language);
      expect(arrival, cue.text).toBeDefined();
      expect(arrival!.cue.channelId).toBe('middle-east');
      expect(arrival!.cue.startMs - playedFromMs).toBe(cue.offsetMs);
      expect(Math.abs(arrival!.at - playedFromMs - cue.offsetMs), cue.text).toBeLessThanOrEqual(200);
    }
    expect(arrivals.some((a) => a.cue.text.includes('typo') || a.cue.text === 'مرحبا بكم في إعادة البث')).toBe(false);
    // The cue already shown comes again at once, corrected in place: same id, next revision, same time.
    const first = arrivals.find((a) => a.cue.text === 'Welcome to the re-run.')!;
    const again = arrivals.find((a) => a.cue.text === 'Welcome back to the re-run.')!;
    expect(again.cue).toMatchObject({ id: first.cue.id, revision: first.cue.revision + 1, startMs: first.cue.startMs, channelId: 'middle-east' });
    // Each viewer got only its own language.
    expect(arrivals.filter((a) => a.cue.language === 'ja')).toHaveLength(1);

    // After the re-run the channel is back on what it had before.
    await expect.poll(() => target.programFeedId, { timeout: 5000 }).toBe(before);
    expect(server.feeds.feeds.some((f) => f.source === 'recording')).toBe(false);
  });

  it('lets a producer cut to a live host during a re-run and back to it', async () => {
    const recording = (await producer.ok('recording:list', {})).find((r) => r.channelId === 'main' && r.status === 'done')!;
    const rerun = await producer.ok('rerun:create', {
      sessionId: recording.sessionId!,
      channelId: 'africa-turkey',
      startsAt: new Date(Date.now() + 1500).toISOString(),
      region: 'Asia-Pacific',
    });
    const onAir = (await producer.next('channel:changed', (c) => c.id === 'africa-turkey' && c.programSource === 'recording', 10_000)) as ChannelState;
    const rerunFeed = onAir.program!;
    const host = server.feeds.feeds.find((f) => f.studioId === 'singapore' && f.source === 'test-pattern')!;
    const live = await producer.take('africa-turkey', host.id);
    expect(live.programSource).toBe('test-pattern');
    const back = await producer.take('africa-turkey', rerunFeed);
    expect(back.programSource).toBe('recording');
    // Stopping it early keeps it in the schedule as done, and the channel goes back to what it had.
    const previous = server.channels.bus('africa-turkey').state().cuts.find((c) => c.feedId !== rerunFeed && c.feedId !== host.id)?.feedId;
    await producer.ok('rerun:delete', { rerunId: rerun.id });
    await expect.poll(() => server.channels.bus('africa-turkey').programFeedId, { timeout: 5000 }).toBe(previous);
    expect((await producer.ok('recording:list', {})).length).toBeGreaterThan(0);
    expect((await (await fetch(`${server.url}/api/reruns`)).json()).find((r: ReRunInfo) => r.id === rerun.id).status).toBe('done');
  });
});

describe('a recording cut short', () => {
  it('stays playable up to the moment its ffmpeg was killed', async () => {
    await producer.ok('recording:start', { channelId: 'b2c' });
    await sleep(4000);
    const pid = server.recordings.recorderPid('b2c')!;
    expect(pid).toBeGreaterThan(0);
    const interrupted = producer.next('recordings:changed', (list) => list.some((r) => r.channelId === 'b2c' && r.status === 'interrupted'));
    process.kill(pid, 'SIGKILL');
    const recording = ((await interrupted) as RecordingInfo[]).find((r) => r.channelId === 'b2c')!;
    expect(recording.durationMs).toBeGreaterThan(2500);
    const file = await recordingFile(recording);
    // A player decodes every frame of it, start to end, without an error.
    const frames = execFileSync('ffprobe', ['-v', 'error', '-count_frames', '-select_streams', 'v:0', '-show_entries', 'stream=nb_read_frames', '-of', 'csv=p=0', file], { encoding: 'utf8' });
    expect(Number(frames.trim())).toBeGreaterThan(50);
    await expectPlayableRecording(file);
    // Nothing is recording on the channel any more; a new recording can start.
    expect(server.recordings.active('b2c')).toBeUndefined();
    await producer.ok('recording:start', { channelId: 'b2c' });
    await producer.ok('recording:stop', { channelId: 'b2c' });
  });
});

describe('re-runs planned per region', () => {
  it('makes "09:00 in Tokyo, Dubai and São Paulo" three re-runs at the right UTC times, all or none', async () => {
    const recorded = (await producer.ok('recording:list', {})).find((r) => r.channelId === 'main' && r.status === 'done')!;
    // Three days ahead (a date in the future in every zone); São Paulo keeps no daylight saving time.
    const date = new Date(Date.now() + 3 * 86_400_000).toISOString().slice(0, 10);
    const plan = { sessionId: recorded.sessionId!, channelId: 'b2b', date, localTime: '09:00' };
    const planned = await producer.ok('rerun:plan', {
      ...plan,
      places: [
        { timeZone: 'Asia/Tokyo', region: 'Japan' },
        { timeZone: 'Asia/Dubai', region: 'Gulf' },
        { timeZone: 'America/Sao_Paulo', region: 'Brazil' },
      ],
    });
    expect(planned.map((r) => [r.region, r.startsAt])).toEqual([
      ['Japan', `${date}T00:00:00.000Z`],
      ['Gulf', `${date}T05:00:00.000Z`],
      ['Brazil', `${date}T12:00:00.000Z`],
    ]);
    const schedule = async () => ((await (await fetch(`${server.url}/api/reruns`)).json()) as ReRunInfo[]).filter((r) => r.channelId === 'b2b' && r.status === 'scheduled');
    expect((await schedule()).map((r) => r.id).sort()).toEqual(planned.map((r) => r.id).sort());

    // London's is free, but Tokyo's is taken: neither is made.
    const clash = await producer.raw('rerun:plan', { ...plan, places: [{ timeZone: 'Europe/London', region: 'UK' }, { timeZone: 'Asia/Tokyo', region: 'Japan again' }] });
    expect(clash.ok ? 'ok' : clash.error.code).toBe('INVALID_STATE');
    expect((await schedule()).length).toBe(3);
    // Places that are not time zones, times that are not times.
    for (const bad of [{ places: [{ timeZone: 'Mars/Olympus', region: 'Mars' }] }, { localTime: '25:00', places: [{ timeZone: 'Asia/Tokyo', region: 'Japan' }] }, { places: [] }]) {
      const ack = await producer.raw('rerun:plan', { ...plan, ...bad });
      expect(ack.ok ? 'ok' : ack.error.code, JSON.stringify(bad)).toBe('INVALID_REQUEST');
    }

    // Removed again: the recording is deleted by a later test.
    for (const r of planned) await producer.ok('rerun:delete', { rerunId: r.id });
  });
});

describe('bad input', () => {
  const refusal = async (name: string, payload: unknown) => {
    const ack = await producer.raw(name, payload);
    if (ack.ok) throw new Error(`${name} was accepted`);
    return ack.error.code;
  };

  it('refuses re-runs that cannot be, and changes nothing', async () => {
    const event = await producer.ok('event:get', {});
    const before = await (await fetch(`${server.url}/api/reruns`)).json();
    const recorded = (await producer.ok('recording:list', {})).find((r) => r.channelId === 'main' && r.status === 'done')!;
    const unrecorded = event.sessions.find((s) => s.channelId === 'industrial')!;
    const soon = () => new Date(Date.now() + 60_000).toISOString();

    // A session without a recording.
    expect(await refusal('rerun:create', { sessionId: unrecorded.id, channelId: 'b2b', startsAt: soon(), region: 'Americas' })).toBe('INVALID_STATE');
    // A session or channel that does not exist.
    expect(await refusal('rerun:create', { sessionId: 'nope', channelId: 'b2b', startsAt: soon(), region: 'Americas' })).toBe('NOT_FOUND');
    expect(await refusal('rerun:create', { sessionId: recorded.sessionId, channelId: 'nope', startsAt: soon(), region: 'Americas' })).toBe('NOT_FOUND');
    // A start in the past.
    expect(await refusal('rerun:create', { sessionId: recorded.sessionId, channelId: 'b2b', startsAt: new Date(Date.now() - 1000).toISOString(), region: 'Americas' })).toBe('INVALID_REQUEST');
    expect(await refusal('rerun:create', { sessionId: recorded.sessionId, channelId: 'b2b', startsAt: '9999-01-01T00:00:00Z', region: 'Americas' })).toBe('INVALID_REQUEST');
    // Malformed: not a time, an empty or control-character region, unknown keys, wrong types.
    expect(await refusal('rerun:create', { sessionId: recorded.sessionId, channelId: 'b2b', startsAt: 'tomorrow', region: 'Americas' })).toBe('INVALID_REQUEST');
    expect(await refusal('rerun:create', { sessionId: recorded.sessionId, channelId: 'b2b', startsAt: soon(), region: ' ' })).toBe('INVALID_REQUEST');
    expect(await refusal('rerun:create', { sessionId: recorded.sessionId, channelId: 'b2b', startsAt: soon(), region: 'A\u0000B' })).toBe('INVALID_REQUEST');
    expect(await refusal('rerun:create', { sessionId: recorded.sessionId, channelId: 'b2b', startsAt: soon(), region: 'Americas', extra: 1 })).toBe('INVALID_REQUEST');
    expect(await refusal('rerun:create', { sessionId: recorded.sessionId, channelId: 'b2b', startsAt: 5, region: 'Americas' })).toBe('INVALID_REQUEST');
    expect(await refusal('rerun:update', { rerunId: 'nope', region: 'Europe' })).toBe('NOT_FOUND');
    expect(await (await fetch(`${server.url}/api/reruns`)).json()).toEqual(before);

    // Two overlapping re-runs on one channel: the second is refused, also when moved onto the first.
    const first = await producer.ok('rerun:create', { sessionId: recorded.sessionId!, channelId: 'b2b', startsAt: soon(), region: 'Americas' });
    const overlapping = new Date(Date.parse(first.startsAt) + 2000).toISOString();
    expect(await refusal('rerun:create', { sessionId: recorded.sessionId, channelId: 'b2b', startsAt: overlapping, region: 'Asia-Pacific' })).toBe('INVALID_STATE');
    const later = new Date(Date.parse(first.endsAt) + 60_000).toISOString();
    const second = await producer.ok('rerun:create', { sessionId: recorded.sessionId!, channelId: 'b2b', startsAt: later, region: 'Asia-Pacific' });
    expect(await refusal('rerun:update', { rerunId: second.id, startsAt: overlapping })).toBe('INVALID_STATE');
    // A different channel at the same time is fine.
    const elsewhere = await producer.ok('rerun:create', { sessionId: recorded.sessionId!, channelId: 'b2c', startsAt: overlapping, region: 'Africa' });
    const now = (await (await fetch(`${server.url}/api/reruns`)).json()) as ReRunInfo[];
    expect(now.find((r) => r.id === second.id)!.startsAt).toBe(second.startsAt);
    expect(now.filter((r) => r.channelId === 'b2b' && r.status === 'scheduled')).toHaveLength(2);
    // A producer moves one: the schedule and the agenda say so at once.
    const moved = new Date(Date.parse(second.startsAt) + 120_000).toISOString();
    const changed = producer.next('reruns:changed', (list) => list.some((r) => r.id === second.id && r.region === 'Americas (late)'));
    const updated = await producer.ok('rerun:update', { rerunId: second.id, startsAt: moved, region: 'Americas (late)' });
    expect(updated).toMatchObject({ startsAt: moved, region: 'Americas (late)', status: 'scheduled' });
    expect(Date.parse(updated.endsAt) - Date.parse(updated.startsAt)).toBe(recorded.durationMs);
    await changed;
    expect((await producer.ok('event:get', {})).reruns.find((r) => r.id === second.id)).toEqual(updated);
    for (const r of [first, second, elsewhere]) await producer.ok('rerun:delete', { rerunId: r.id });
    expect(await refusal('rerun:delete', { rerunId: first.id })).toBe('NOT_FOUND');
  });

  it('keeps recording control and scheduling for producers, over sockets and HTTP', async () => {
    const viewer = await TestClient.connect(server.url);
    const studio = await TestClient.connectAs(server, { role: 'studio', studioId: 'london' });
    try {
      for (const client of [viewer, studio]) {
        for (const [name, payload] of [
          ['recording:start', { channelId: 'main' }],
          ['recording:list', {}],
          ['rerun:create', { sessionId: 'x', channelId: 'main', startsAt: new Date(Date.now() + 60_000).toISOString(), region: 'Americas' }],
        ] as const) {
          const ack = await client.raw(name, payload);
          expect(ack.ok ? 'accepted' : ack.error.code, name).toBe('FORBIDDEN');
        }
      }
    } finally {
      viewer.close();
      studio.close();
    }
    expect(server.recordings.active('main')).toBeUndefined();
    // Recording twice, or stopping what does not record.
    expect(await refusal('recording:stop', { channelId: 'main' })).toBe('INVALID_STATE');
    expect(await refusal('recording:start', { channelId: 'nope' })).toBe('NOT_FOUND');
    await producer.ok('recording:start', { channelId: 'b2b' });
    expect(await refusal('recording:start', { channelId: 'b2b' })).toBe('INVALID_STATE');
    await producer.ok('recording:stop', { channelId: 'b2b' });

    // HTTP: no token, a viewer's token, a bad body.
    const post = (headers: Record<string, string>, body: string) => fetch(`${server.url}/api/reruns`, { method: 'POST', headers: { 'Content-Type': 'application/json', ...headers }, body });
    const body = JSON.stringify({ sessionId: 'x', channelId: 'main', startsAt: new Date(Date.now() + 60_000).toISOString(), region: 'Americas' });
    expect((await post({}, body)).status).toBe(401);
    const asViewer = await post({ Authorization: `Bearer ${await server.access.mint({ role: 'viewer' })}` }, body);
    expect(asViewer.status).toBe(403);
    expect((await asViewer.json()).error.code).toBe('FORBIDDEN');
    const token = await server.access.mint({ role: 'producer' });
    const malformed = await post({ Authorization: `Bearer ${token}` }, '{"sessionId": ');
    expect(malformed.status).toBe(400);
    const missing = await post({ Authorization: `Bearer ${token}` }, body);
    expect(missing.status).toBe(404);
    expect((await missing.json()).error.code).toBe('NOT_FOUND');
    expect((await fetch(`${server.url}/api/recordings`)).status).toBe(401);
    const list = await fetch(`${server.url}/api/recordings`, { headers: { Authorization: `Bearer ${token}` } });
    const finished = ((await list.json()) as RecordingInfo[]).filter((r) => r.status === 'done' && r.channelId === 'main');
    expect(finished.length).toBeGreaterThan(0);
    expect(finished.every((r) => r.sizeBytes > 100_000 && r.durationMs! > 9000)).toBe(true);
    // The file itself, for producers, with range requests: a Matroska (EBML) file.
    const fileUrl = `${server.url}/api/recordings/${finished[0]!.id}/file`;
    expect((await fetch(fileUrl)).status).toBe(401);
    const head = await fetch(fileUrl, { headers: { Authorization: `Bearer ${token}`, Range: 'bytes=0-3' } });
    expect(head.status).toBe(206);
    expect(Buffer.from(await head.arrayBuffer()).toString('hex')).toBe('1a45dfa3');
  });
});

describe('deleting a recording', () => {
  it('deletes a finished recording and its file, but not one still running or one a re-run is scheduled from', async () => {
    const refusal = async (client: TestClient, recordingId: string) => {
      const ack = await client.raw('recording:delete', { recordingId });
      return ack.ok ? 'accepted' : ack.error.code;
    };
    // Still running: refused.
    const running = await producer.ok('recording:start', { channelId: 'industrial' });
    expect(await refusal(producer, running.id)).toBe('INVALID_STATE');
    await sleep(2500);
    const manual = await producer.ok('recording:stop', { channelId: 'industrial' });
    // Not a producer's, or no such recording.
    const viewer = await TestClient.connect(server.url);
    expect(await refusal(viewer, manual.id)).toBe('FORBIDDEN');
    viewer.close();
    expect(await refusal(producer, 'nope')).toBe('NOT_FOUND');

    // A re-run scheduled from the main channel's recording keeps it until the re-run is removed.
    const recorded = (await producer.ok('recording:list', {})).find((r) => r.channelId === 'main' && r.status === 'done')!;
    const rerun = await producer.ok('rerun:create', { sessionId: recorded.sessionId!, channelId: 'b2b', startsAt: new Date(Date.now() + 600_000).toISOString(), region: 'Americas' });
    expect(rerun.recordingId).toBe(recorded.id);
    expect(await refusal(producer, recorded.id)).toBe('INVALID_STATE');
    expect(existsSync(await recordingFile(recorded))).toBe(true);
    await producer.ok('rerun:delete', { rerunId: rerun.id });
    const file = await recordingFile(recorded);
    const listed = producer.next('recordings:changed', (list) => !list.some((r) => r.id === recorded.id));
    await producer.ok('recording:delete', { recordingId: recorded.id });
    await listed;
    expect(existsSync(file)).toBe(false);
    expect((await producer.ok('recording:list', {})).some((r) => r.id === recorded.id)).toBe(false);

    // Over HTTP, for producers only.
    const url = `${server.url}/api/recordings/${manual.id}`;
    const manualFile = await recordingFile(manual);
    expect((await fetch(url, { method: 'DELETE' })).status).toBe(401);
    const token = await server.access.mint({ role: 'producer' });
    expect((await fetch(url, { method: 'DELETE', headers: { Authorization: `Bearer ${token}` } })).status).toBe(204);
    expect(existsSync(manualFile)).toBe(false);
    expect((await fetch(url, { method: 'DELETE', headers: { Authorization: `Bearer ${token}` } })).status).toBe(404);
  });
});
