/** A few inline SVG icons (no icon font, no emoji: phones and test browsers lack the fonts). */
const common = { width: 24, height: 24, viewBox: '0 0 24 24', fill: 'none', stroke: 'currentColor', strokeWidth: 2, strokeLinecap: 'round', strokeLinejoin: 'round', 'aria-hidden': true } as const;

export const ImageIcon = () => (
  <svg {...common}>
    <rect x="3" y="3" width="18" height="18" rx="2" />
    <circle cx="8.5" cy="8.5" r="1.5" />
    <path d="m21 15-5-5L5 21" />
  </svg>
);

export const KeyboardIcon = () => (
  <svg {...common}>
    <rect x="2" y="6" width="20" height="12" rx="2" />
    <path d="M6 10h.01M10 10h.01M14 10h.01M18 10h.01M7 14h10" />
  </svg>
);

export const FlashlightIcon = ({ on }: { on: boolean }) => (
  <svg {...common}>
    <path d="M8 2h8v4l-2 4v12h-4V10L8 6z" fill={on ? 'currentColor' : 'none'} />
    {on && <path d="M4 4 2 2M20 4l2-2M12 0v0" />}
  </svg>
);

export const PlusIcon = () => (
  <svg {...common}>
    <path d="M12 5v14M5 12h14" />
  </svg>
);
