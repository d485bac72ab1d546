import type { AgendaSession } from '@hybrid-stage/shared';

/** The demo's programme: titles and speakers per channel, played in order from the start. */
const PROGRAMME: Record<string, Array<[minutes: number, title: string, speakers: string[]]>> = {
  main: [
    [30, 'Opening: one company, three studios', ['Eleanor Hughes', 'Wei Ling Tan']],
    [45, 'Keynote: the year ahead for our partners', ['Dmitri Volkov']],
    [30, 'Product roadmap: what ships next', ['Priya Raman', 'Tom Becker']],
    [45, 'Partner awards', ['Eleanor Hughes']],
    [30, 'Security and compliance in practice', ['Amira Haddad']],
    [60, 'Live from Singapore: Asia-Pacific growth', ['Wei Ling Tan', 'Kenji Sato']],
    [30, 'Panel: selling into industry', ['Lucas Moreau', 'Ayşe Demir', 'Carlos Silva']],
    [45, 'Live from Moscow: engineering deep dive', ['Dmitri Volkov', 'Olga Ivanova']],
    [30, 'Customer stories', ['Giulia Romano']],
    [45, 'Services and support for partners', ['Tom Becker']],
    [30, 'Ask the leadership team', ['Eleanor Hughes', 'Dmitri Volkov', 'Wei Ling Tan']],
    [30, 'Closing and what comes next', ['Eleanor Hughes']],
  ],
  europe: [
    [60, 'Europe: partner programme update', ['Lucas Moreau']],
    [60, 'Europe: regulation and data residency', ['Anna Schmidt']],
  ],
  'middle-east': [[90, 'Middle East: regional strategy', ['Amira Haddad']]],
  'africa-turkey': [[90, 'Africa & Turkey: growth markets', ['Ayşe Demir', 'Kwame Mensah']]],
  b2c: [[60, 'B2C breakout: retail channels', ['Carlos Silva']]],
  b2b: [[60, 'B2B breakout: enterprise accounts', ['Priya Raman']]],
  industrial: [[60, 'Industrial breakout: factory automation', ['Kenji Sato']]],
};

/**
 * The demo agenda, laid out from `start` (the demo begins at the top of the hour before it starts,
 * so something is always on). Ids are made from the channel and the start time, so the same start
 * gives the same ids after a restart.
 */
export function demoAgenda(start: Date): AgendaSession[] {
  const sessions: AgendaSession[] = [];
  for (const [channelId, items] of Object.entries(PROGRAMME)) {
    let at = start.getTime();
    for (const [minutes, title, speakers] of items) {
      const startsAt = new Date(at);
      at += minutes * 60_000;
      sessions.push({
        id: `${channelId}-${startsAt.toISOString().slice(0, 16).replace(/[-:]/g, '')}`,
        channelId,
        title,
        startsAt: startsAt.toISOString(),
        endsAt: new Date(at).toISOString(),
        speakers,
      });
    }
  }
  return sessions.sort((a, b) => a.startsAt.localeCompare(b.startsAt));
}

/** The top of the hour before `now`: where the demo agenda starts. */
export function demoStart(now: Date = new Date()): Date {
  const start = new Date(now);
  start.setUTCMinutes(0, 0, 0);
  start.setUTCHours(start.getUTCHours() - 1);
  return start;
}
