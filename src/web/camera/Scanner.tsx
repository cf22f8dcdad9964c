/**
 * Live rear camera with a scanning frame, a flashlight toggle (only when the track has a torch),
 * an Album button and a manual-entry link. Decoding happens in the worker. When the camera is
 * denied or missing, instructions replace the preview and album and manual entry stay available.
 */
import { useCallback, useEffect, useRef, useState, type ChangeEvent } from 'react';
import { Link } from '../app/router';
import { FlashlightIcon, ImageIcon, KeyboardIcon } from '../ui/icons';
import { CAMERA_HELP, classifyCameraError, openRearCamera, stopStream, type CameraProblem, type CameraStep } from './camera';
import { QrDecoder } from './decoder';
import { setTorch, torchSupported } from './torch';

const FRAME_INTERVAL_MS = 150;
const MAX_FRAME_SIDE = 960;

export interface ScannerProps {
  /** A QR text was read, from the camera or from a photo. */
  onText: (text: string, source: 'camera' | 'album') => void;
  /** The photo held no readable QR in the browser: let the server try. */
  onUndecodedPhoto: (photo: Blob) => void;
  manualHref: string;
  disabled?: boolean;
}

export function Scanner({ onText, onUndecodedPhoto, manualHref, disabled }: ScannerProps) {
  const videoRef = useRef<HTMLVideoElement>(null);
  const decoderRef = useRef<QrDecoder | null>(null);
  const trackRef = useRef<MediaStreamTrack | null>(null);
  const fileRef = useRef<HTMLInputElement>(null);
  const doneRef = useRef(false);
  const onTextRef = useRef(onText);
  onTextRef.current = onText;

  const [problem, setProblem] = useState<CameraProblem | null>(null);
  const [live, setLive] = useState(false);
  const [torchAvailable, setTorchAvailable] = useState(false);
  const [torchOn, setTorchOn] = useState(false);
  const [albumBusy, setAlbumBusy] = useState(false);
  const [albumMessage, setAlbumMessage] = useState<string | null>(null);
  const [attempt, setAttempt] = useState(0);

  useEffect(() => {
    const decoder = new QrDecoder();
    decoderRef.current = decoder;
    decoder.warmup().catch(() => undefined);
    return () => {
      decoder.terminate();
      decoderRef.current = null;
    };
  }, []);

  useEffect(() => {
    if (disabled) return;
    let stream: MediaStream | null = null;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let stopped = false;
    doneRef.current = false;
    const canvas = document.createElement('canvas');
    const ctx = canvas.getContext('2d', { willReadFrequently: true });

    const tick = () => {
      if (stopped) return;
      const video = videoRef.current;
      const decoder = decoderRef.current;
      if (!video || !decoder || !ctx || video.readyState < 2 || video.videoWidth === 0) {
        timer = setTimeout(tick, FRAME_INTERVAL_MS);
        return;
      }
      const scale = Math.min(1, MAX_FRAME_SIDE / Math.max(video.videoWidth, video.videoHeight));
      canvas.width = Math.round(video.videoWidth * scale);
      canvas.height = Math.round(video.videoHeight * scale);
      ctx.drawImage(video, 0, 0, canvas.width, canvas.height);
      const image = ctx.getImageData(0, 0, canvas.width, canvas.height);
      decoder.decodeFrame(image).then(
        (texts) => {
          const text = texts[0];
          if (stopped || doneRef.current) return;
          if (text) {
            doneRef.current = true;
            navigator.vibrate?.(60);
            onTextRef.current(text, 'camera');
            return;
          }
          timer = setTimeout(tick, FRAME_INTERVAL_MS);
        },
        () => {
          if (!stopped) timer = setTimeout(tick, FRAME_INTERVAL_MS * 4);
        },
      );
    };

    openRearCamera().then(
      async (s) => {
        if (stopped) {
          stopStream(s);
          return;
        }
        stream = s;
        const track = s.getVideoTracks()[0] ?? null;
        trackRef.current = track;
        setTorchAvailable(torchSupported(track));
        const video = videoRef.current;
        if (video) {
          video.srcObject = s;
          await video.play().catch(() => undefined);
        }
        setProblem(null);
        setLive(true);
        tick();
      },
      (e: unknown) => {
        if (!stopped) setProblem(classifyCameraError(e).problem);
      },
    );

    return () => {
      stopped = true;
      if (timer) clearTimeout(timer);
      stopStream(stream);
      trackRef.current = null;
      setLive(false);
      setTorchOn(false);
    };
  }, [disabled, attempt]);

  const toggleTorch = useCallback(() => {
    const track = trackRef.current;
    if (!track) return;
    setTorch(track, !torchOn).then(setTorchOn, () => setTorchAvailable(false));
  }, [torchOn]);

  const onFile = (e: ChangeEvent<HTMLInputElement>) => {
    const file = e.target.files?.[0];
    e.target.value = '';
    const decoder = decoderRef.current;
    if (!file || !decoder) return;
    setAlbumBusy(true);
    setAlbumMessage('Reading the photo…');
    decoder.decodeBlob(file).then(
      (texts) => {
        setAlbumBusy(false);
        const text = texts[0];
        if (text) {
          setAlbumMessage(null);
          onTextRef.current(text, 'album');
        } else {
          setAlbumMessage('No QR code found in the photo here; asking the server to look closer…');
          onUndecodedPhoto(file);
        }
      },
      () => {
        setAlbumBusy(false);
        setAlbumMessage('This photo could not be read here; asking the server…');
        onUndecodedPhoto(file);
      },
    );
  };

  const help = problem ? CAMERA_HELP[problem] : null;

  return (
    <section className="scanner" aria-label="QR scanner">
      {help ? (
        <div className="camera-help" role="alert" data-problem={problem}>
          <h2>{help.title}</h2>
          {help.steps.length > 1 ? (
            <ol>
              {help.steps.map((s) => (
                <li key={s.text}>
                  <HelpStep step={s} />
                </li>
              ))}
            </ol>
          ) : (
            help.steps.map((s) => (
              <div key={s.text}>
                <HelpStep step={s} />
              </div>
            ))
          )}
          <p>{help.note}</p>
          {problem !== 'insecure' && problem !== 'unsupported' && (
            <button type="button" className="btn btn-secondary" onClick={() => setAttempt((a) => a + 1)}>
              Try the camera again
            </button>
          )}
        </div>
      ) : (
        <div className="viewfinder">
          <video ref={videoRef} muted playsInline autoPlay aria-label="Camera preview" />
          <div className="scan-frame" aria-hidden="true">
            <span />
          </div>
          <p className="scan-tip" aria-live="polite">
            {live ? 'Align the QR code on the device label inside the frame' : 'Opening the camera…'}
          </p>
          {torchAvailable && (
            <button
              type="button"
              className="btn btn-round torch"
              aria-pressed={torchOn}
              onClick={toggleTorch}
              aria-label={torchOn ? 'Turn flashlight off' : 'Turn flashlight on'}
            >
              <FlashlightIcon on={torchOn} />
            </button>
          )}
        </div>
      )}
      <div className="scanner-actions">
        <button type="button" className="btn btn-secondary btn-big" onClick={() => fileRef.current?.click()} disabled={albumBusy}>
          <ImageIcon />
          Album
        </button>
        <input
          ref={fileRef}
          type="file"
          accept="image/*"
          className="sr-only"
          tabIndex={-1}
          aria-label="Pick a photo of the label"
          data-testid="album-input"
          onChange={onFile}
        />
        <Link to={manualHref} className="btn btn-secondary btn-big">
          <KeyboardIcon />
          Enter manually
        </Link>
      </div>
      {albumMessage && (
        <p className="album-status" role="status">
          {albumMessage}
        </p>
      )}
    </section>
  );
}

/** A step of the camera help; its alternatives (Android or iPhone) as a list of choices inside it. */
function HelpStep({ step }: { step: CameraStep }) {
  return (
    <>
      {step.text}
      {step.either && (
        <ul className="camera-help-either">
          {step.either.map((e) => (
            <li key={e}>{e}</li>
          ))}
        </ul>
      )}
    </>
  );
}
