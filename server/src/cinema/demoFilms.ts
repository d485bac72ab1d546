import { execFile } from 'node:child_process';
import { existsSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Language } from '@hybrid-stage/shared';
import { writeWebVtt } from '../captions/webvtt';
import type { Logger } from '../logger';
import { opusEncoderOptions, vp8EncoderOptions } from '../ingest/RtpEndpoint';

const FONT = '/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf';
/** Each demo film lasts this long. */
const FILM_SECONDS = 10;

/** One demo film: a picture ffmpeg draws, a tone, and four captions in several languages. */
interface DemoFilm {
  id: string;
  title: string;
  description: string;
  /** An ffmpeg lavfi source of the picture. */
  picture: string;
  /** Tone frequency in Hz. */
  tone: number;
  captions: Partial<Record<Language, string[]>>;
}

const FILMS: DemoFilm[] = [
  {
    id: 'headquarters-tour',
    title: 'A walk around headquarters',
    description: 'Ten seconds of the campus, drawn by ffmpeg: the demo film library is never empty.',
    picture: 'testsrc2=size=640x360:rate=25',
    tone: 330,
    captions: {
      en: ['Welcome to headquarters.', 'This is where our partners meet.', 'The studios are on the left.', 'Enjoy the event!'],
      es: ['Bienvenidos a la sede.', 'Aquí se reúnen nuestros socios.', 'Los estudios están a la izquierda.', '¡Disfruten del evento!'],
      ja: ['本社へようこそ。', 'パートナーが集まる場所です。', 'スタジオは左側です。', 'イベントをお楽しみください！'],
      ar: ['مرحبا بكم في المقر الرئيسي.', 'هنا يلتقي شركاؤنا.', 'الاستوديوهات على اليسار.', 'استمتعوا بالحدث!'],
    },
  },
  {
    id: 'factory-of-the-future',
    title: 'The factory of the future',
    description: 'How partners automate production lines, as a fractal.',
    picture: 'mandelbrot=size=640x360:rate=25',
    tone: 440,
    captions: {
      en: ['Machines that learn.', 'Lines that reconfigure themselves.', 'Partners who make it happen.', 'The future is built here.'],
      de: ['Maschinen, die lernen.', 'Linien, die sich selbst umbauen.', 'Partner, die es möglich machen.', 'Hier wird die Zukunft gebaut.'],
      fr: ['Des machines qui apprennent.', 'Des lignes qui se reconfigurent.', 'Des partenaires qui agissent.', "L'avenir se construit ici."],
      zh: ['会学习的机器。', '自我重组的生产线。', '让这一切成为现实的合作伙伴。', '未来在这里建造。'],
    },
  },
  {
    id: 'growing-together',
    title: 'Growing together',
    description: 'A short film about partner growth, told by the Game of Life.',
    picture: 'life=size=640x360:rate=25:mold=10:ratio=0.1:death_color=#203060:life_color=#ffcc40,scale=640:360',
    tone: 550,
    captions: {
      en: ['Every partnership starts small.', 'Then it grows.', 'Region by region.', 'Together.'],
      pt: ['Toda parceria começa pequena.', 'Depois cresce.', 'Região por região.', 'Juntos.'],
      ru: ['Любое партнёрство начинается с малого.', 'Потом оно растёт.', 'Регион за регионом.', 'Вместе.'],
      tr: ['Her ortaklık küçük başlar.', 'Sonra büyür.', 'Bölge bölge.', 'Birlikte.'],
    },
  },
];

function ffmpeg(args: string[], signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    execFile('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-nostdin', ...args], { timeout: 120_000, signal }, (error, _out, stderr) =>
      error ? reject(new Error(`${error.message}: ${stderr.slice(-300)}`)) : resolve(),
    );
  });
}

/**
 * Makes the demo's films in `dir` with Debian's ffmpeg (WebM, VP8/Opus, with WebVTT tracks in
 * several languages), logging progress, once per films directory; films already there are kept. Run in the background at
 * first start so the cinema is not empty; `signal` stops it (the server is stopping).
 */
export async function makeDemoFilms(dir: string, logger: Logger, signal: AbortSignal): Promise<void> {
  // Made once: a demo film an admin deleted stays deleted.
  const made = join(dir, '.demo-films-made');
  if (existsSync(made)) return;
  const missing = FILMS.filter((f) => !existsSync(join(dir, `${f.id}.webm`)));
  const started = Date.now();
  for (const [index, film] of missing.entries()) {
    if (signal.aborted) return;
    logger.info({ film: film.id, step: `${index + 1}/${missing.length}` }, `making demo film ${index + 1} of ${missing.length}: ${film.title}`);
    const title = film.title.replace(/[^\p{L}\p{N} ]/gu, '');
    const picture = `${film.picture},drawtext=fontfile=${FONT}:fontcolor=white:fontsize=h/12:box=1:boxcolor=black@0.6:boxborderw=12:x=(w-text_w)/2:y=h/8:text='${title}'`;
    const partial = join(dir, `.${film.id}.webm.making`);
    try {
      await ffmpeg([
        '-f', 'lavfi', '-i', picture, '-f', 'lavfi', '-i', `sine=frequency=${film.tone}:sample_rate=48000`,
        '-t', String(FILM_SECONDS), '-map', '0:v:0', ...vp8EncoderOptions('600k', 50), '-map', '1:a:0', '-af', 'volume=0.15',
        ...opusEncoderOptions('64k'), '-f', 'webm', '-y', partial,
      ], signal);
    } catch (error) {
      rmSync(partial, { force: true });
      throw error;
    }
    const cueMs = (FILM_SECONDS * 1000) / 4;
    for (const [language, lines] of Object.entries(film.captions) as Array<[Language, string[]]>) {
      const cues = lines.map((text, i) => ({ startMs: i * cueMs + 200, endMs: (i + 1) * cueMs - 100, text }));
      writeFileSync(join(dir, `${film.id}.${language}.vtt`), writeWebVtt(cues, language));
    }
    writeFileSync(join(dir, `${film.id}.json`), JSON.stringify({ title: film.title, description: film.description }, null, 2));
    renameSync(partial, join(dir, `${film.id}.webm`));
  }
  writeFileSync(made, new Date().toISOString());
  logger.info({ films: missing.length, seconds: Math.round((Date.now() - started) / 1000) }, 'demo films ready');
}
