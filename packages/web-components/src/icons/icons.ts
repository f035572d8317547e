import { html, svg, type SVGTemplateResult, type TemplateResult } from 'lit';

// Inline SVG drawn for minimeet on a 24×24 grid with round 1.8 strokes: no icon font, no fetch.
const PATHS = {
  mic: svg`<rect x="9" y="3" width="6" height="11" rx="3"/><path d="M5.5 11a6.5 6.5 0 0 0 13 0M12 17.5V21M8.5 21h7"/>`,
  micOff: svg`<path d="M15 9.5V6a3 3 0 0 0-5.6-1.5M9 9v2a3 3 0 0 0 4.6 2.5M18.5 11a6.5 6.5 0 0 1-1.2 3.8M5.5 11a6.5 6.5 0 0 0 10 5.5M12 17.5V21M8.5 21h7M4 4l16 16"/>`,
  camera: svg`<rect x="2.5" y="6" width="13.5" height="12" rx="2.5"/><path d="M16 10.5l5.5-3.5v10l-5.5-3.5z"/>`,
  cameraOff: svg`<path d="M9 6h4.5A2.5 2.5 0 0 1 16 8.5v3.5l5.5-4.5v9.5M16 16.5v-1A2.5 2.5 0 0 1 13.5 18H5a2.5 2.5 0 0 1-2.5-2.5v-7A2.5 2.5 0 0 1 5 6M3 3l18 18"/>`,
  screenShare: svg`<rect x="2.5" y="4" width="19" height="13" rx="2"/><path d="M8 21h8M12 17v4M12 13.5V8M9.5 10.5 12 8l2.5 2.5"/>`,
  stopShare: svg`<rect x="2.5" y="4" width="19" height="13" rx="2"/><path d="M8 21h8M12 17v4M9.5 8l5 5M14.5 8l-5 5"/>`,
  chat: svg`<path d="M4 5.5A1.5 1.5 0 0 1 5.5 4h13A1.5 1.5 0 0 1 20 5.5v9a1.5 1.5 0 0 1-1.5 1.5H10l-5 4v-4.2A1.5 1.5 0 0 1 4 14.5z"/><path d="M8 9h8M8 12h5"/>`,
  participants: svg`<circle cx="9" cy="8" r="3.5"/><path d="M2.5 20a6.5 6.5 0 0 1 13 0"/><circle cx="17" cy="9" r="2.5"/><path d="M17.5 14a5 5 0 0 1 4 5"/>`,
  settings: svg`<path d="M4 7h9M17 7h3M4 17h3M11 17h9"/><circle cx="15" cy="7" r="2"/><circle cx="9" cy="17" r="2"/>`,
  leave: svg`<path d="M3.2 14.6c4.9-4.1 12.7-4.1 17.6 0 .5.4.6 1.1.2 1.6l-1.4 1.7c-.4.5-1.1.6-1.6.3l-2.6-1.5a1.2 1.2 0 0 1-.6-1.1v-1.9a12 12 0 0 0-5.6 0v1.9c0 .5-.2.9-.6 1.1l-2.6 1.5c-.5.3-1.2.2-1.6-.3L3 16.2c-.4-.5-.3-1.2.2-1.6z"/>`,
  pin: svg`<path d="M9 3.5h6M10 3.5v5.2L7 12v2h10v-2l-3-3.3V3.5M12 14v6.5"/>`,
  close: svg`<path d="M6 6l12 12M18 6 6 18"/>`,
  warning: svg`<path d="M10.3 4.3 2.6 17.6A2 2 0 0 0 4.3 20.6h15.4a2 2 0 0 0 1.7-3L13.7 4.3a2 2 0 0 0-3.4 0zM12 9.5v4M12 17h.01"/>`,
  info: svg`<circle cx="12" cy="12" r="9"/><path d="M12 11v5.5M12 7.5h.01"/>`,
  check: svg`<path d="M5 12.5l4.5 4.5L19 7"/>`,
  speaker: svg`<path d="M4 9.5h3.5L12 5.5v13l-4.5-4H4z"/><path d="M15.5 9a4.2 4.2 0 0 1 0 6M18 6.5a8 8 0 0 1 0 11"/>`,
  chevronStart: svg`<path d="M14.5 6 8.5 12l6 6"/>`,
  chevronEnd: svg`<path d="M9.5 6l6 6-6 6"/>`,
  grid: svg`<rect x="3.5" y="3.5" width="7" height="7" rx="1.5"/><rect x="13.5" y="3.5" width="7" height="7" rx="1.5"/><rect x="3.5" y="13.5" width="7" height="7" rx="1.5"/><rect x="13.5" y="13.5" width="7" height="7" rx="1.5"/>`,
  speakerLayout: svg`<rect x="3" y="3.5" width="18" height="12" rx="1.5"/><rect x="3" y="18" width="5" height="3" rx="1"/><rect x="9.5" y="18" width="5" height="3" rx="1"/><rect x="16" y="18" width="5" height="3" rx="1"/>`,
  refresh: svg`<path d="M20 11.5A8 8 0 1 0 17.6 17M20 5v6.5h-6.5"/>`,
  lock: svg`<rect x="5" y="10.5" width="14" height="10" rx="2"/><path d="M8 10.5V7.5a4 4 0 0 1 8 0v3"/>`,
  user: svg`<circle cx="12" cy="8.5" r="4"/><path d="M4.5 20.5a7.5 7.5 0 0 1 15 0"/>`,
  wifiOff: svg`<path d="M3 3l18 18M8.6 13.2a5 5 0 0 1 6.8 0M5.2 9.8a10 10 0 0 1 3.3-2.1M12 5.5a10 10 0 0 1 6.8 4.3M12 18.5h.01"/>`,
  // The chat's and the participant list's
  send: svg`<path d="M21 3 10.5 13.5"/><path d="M21 3l-6.5 18-4-7.5L3 9.5z"/>`,
  search: svg`<circle cx="11" cy="11" r="6.5"/><path d="m20.5 20.5-4.9-4.9"/>`,
  reaction: svg`<circle cx="12" cy="12" r="8.5"/><path d="M8.5 14s1.3 2 3.5 2 3.5-2 3.5-2M9 9.5h.01M15 9.5h.01"/>`,
  edit: svg`<path d="M12.5 20h8"/><path d="M16.2 3.8a2 2 0 0 1 2.9 2.9L7.5 18.3l-4 1 1-4z"/>`,
  trash: svg`<path d="M4 6.5h16M9 6.5V4.5h6v2M18.5 6.5l-.9 13a1.5 1.5 0 0 1-1.5 1.5H7.9a1.5 1.5 0 0 1-1.5-1.5l-.9-13"/>`,
  // Moderation
  hand: svg`<path d="M8 12.5V5.5a1.5 1.5 0 0 1 3 0v5.5M11 10V4a1.5 1.5 0 0 1 3 0v6M14 10V5.5a1.5 1.5 0 0 1 3 0V14a7 7 0 0 1-7 7h-.5a6 6 0 0 1-4.6-2.2l-2.6-3.2a1.5 1.5 0 0 1 2.3-1.9L8 15.5"/>`,
  more: svg`<circle cx="12" cy="5.5" r="1.2"/><circle cx="12" cy="12" r="1.2"/><circle cx="12" cy="18.5" r="1.2"/>`,
  shield: svg`<path d="M12 3 4.5 6v5.5c0 4.5 3.2 8.3 7.5 9.5 4.3-1.2 7.5-5 7.5-9.5V6z"/><path d="M9 12l2.2 2.2L15.5 10"/>`,
  arrowDown: svg`<path d="M12 4.5v15M18.5 13 12 19.5 5.5 13"/>`,
} satisfies Record<string, SVGTemplateResult>;

/** The name of a built-in icon. */
export type IconName = keyof typeof PATHS;

/**
 * A built-in icon as inline SVG in `currentColor`, 1.25em square, hidden from assistive
 * technology (the control that holds it carries the label).
 */
export function icon(name: IconName): TemplateResult {
  return html`<svg
    class="icon icon-${name}"
    part="icon"
    viewBox="0 0 24 24"
    width="1.25em"
    height="1.25em"
    fill="none"
    stroke="currentColor"
    stroke-width="1.8"
    stroke-linecap="round"
    stroke-linejoin="round"
    aria-hidden="true"
    focusable="false"
  >
    ${PATHS[name]}
  </svg>`;
}
