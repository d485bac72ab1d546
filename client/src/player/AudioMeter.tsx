import { useEffect, useRef } from 'react';
import { useTranslation } from 'react-i18next';

let sharedContext: AudioContext | undefined;

/** One AudioContext for every meter on the page, resumed on the first click if autoplay kept it asleep. */
function audioContext(): AudioContext {
  if (!sharedContext) {
    const context = new AudioContext();
    sharedContext = context;
    if (context.state === 'suspended') window.addEventListener('pointerdown', () => void context.resume(), { once: true });
  }
  return sharedContext;
}

/**
 * A level meter for the audio of `stream`: the peak of the last animation frame, in dBFS from -60
 * to 0, drawn straight into the bar's style (no React state per frame).
 */
export function AudioMeter({ stream }: { stream: MediaStream | undefined }) {
  const { t } = useTranslation('common');
  const meter = useRef<HTMLSpanElement>(null);
  const bar = useRef<HTMLSpanElement>(null);
  useEffect(() => {
    const track = stream?.getAudioTracks()[0];
    if (!track || !bar.current) return;
    const context = audioContext();
    const source = context.createMediaStreamSource(new MediaStream([track]));
    const analyser = context.createAnalyser();
    analyser.fftSize = 1024;
    source.connect(analyser);
    const samples = new Float32Array(analyser.fftSize);
    let frame = 0;
    const draw = () => {
      analyser.getFloatTimeDomainData(samples);
      let peak = 0;
      for (const s of samples) peak = Math.max(peak, Math.abs(s));
      const db = peak > 0 ? 20 * Math.log10(peak) : -60;
      const fraction = Math.min(1, Math.max(0, (db + 60) / 60));
      if (bar.current) {
        bar.current.style.width = `${(fraction * 100).toFixed(1)}%`;
        bar.current.dataset.level = fraction.toFixed(2);
      }
      // The meter's value for assistive technology, in tenths (not a change every frame).
      const now = fraction.toFixed(1);
      if (meter.current && meter.current.getAttribute('aria-valuenow') !== now) meter.current.setAttribute('aria-valuenow', now);
      frame = requestAnimationFrame(draw);
    };
    draw();
    return () => {
      cancelAnimationFrame(frame);
      source.disconnect();
    };
  }, [stream]);
  return (
    <span ref={meter} className="audio-meter" role="meter" aria-label={t('player.audioLevel')} aria-valuemin={0} aria-valuemax={1} aria-valuenow={0}>
      <span ref={bar} className="audio-meter-bar" data-level="0" />
    </span>
  );
}
