// TEMPORARY: a few icons for the chat and participant list until the foundation's set lands.
import { svg, type SVGTemplateResult } from 'lit';

const icon = (body: SVGTemplateResult): SVGTemplateResult =>
  svg`<svg viewBox="0 0 24 24" width="1em" height="1em" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" stroke-linejoin="round" aria-hidden="true" focusable="false">${body}</svg>`;

/** The icons the parts use, by name. */
export const partIcons = {
  send: icon(svg`<path d="M22 2 11 13"/><path d="M22 2 15 22l-4-9-9-4Z"/>`),
  search: icon(svg`<circle cx="11" cy="11" r="7"/><path d="m21 21-4.3-4.3"/>`),
  close: icon(svg`<path d="M18 6 6 18"/><path d="m6 6 12 12"/>`),
  smile: icon(
    svg`<circle cx="12" cy="12" r="9"/><path d="M8 14s1.5 2 4 2 4-2 4-2"/><path d="M9 9h.01M15 9h.01"/>`,
  ),
  edit: icon(svg`<path d="M12 20h9"/><path d="M16.5 3.5a2.1 2.1 0 0 1 3 3L7 19l-4 1 1-4Z"/>`),
  trash: icon(svg`<path d="M3 6h18"/><path d="M8 6V4h8v2"/><path d="M19 6l-1 14H6L5 6"/>`),
  arrowDown: icon(svg`<path d="M12 5v14"/><path d="m19 12-7 7-7-7"/>`),
  mic: icon(
    svg`<rect x="9" y="2" width="6" height="12" rx="3"/><path d="M19 10a7 7 0 0 1-14 0"/><path d="M12 19v3"/>`,
  ),
  micOff: icon(
    svg`<path d="m2 2 20 20"/><path d="M9 9v1a3 3 0 0 0 5.1 2.1M15 9.3V5a3 3 0 0 0-5.9-.6"/><path d="M19 10a7 7 0 0 1-1.2 3.9M5 10a7 7 0 0 0 11.5 5.4"/><path d="M12 19v3"/>`,
  ),
  camera: icon(
    svg`<rect x="2" y="6" width="14" height="12" rx="2"/><path d="m16 10 6-3v10l-6-3"/>`,
  ),
  cameraOff: icon(
    svg`<path d="m2 2 20 20"/><path d="M16 16H4a2 2 0 0 1-2-2V8a2 2 0 0 1 2-2h2m4 0h4a2 2 0 0 1 2 2v4l6-3v10"/>`,
  ),
  screen: icon(svg`<rect x="2" y="3" width="20" height="14" rx="2"/><path d="M8 21h8M12 17v4"/>`),
  retry: icon(svg`<path d="M3 12a9 9 0 1 0 3-6.7L3 8"/><path d="M3 3v5h5"/>`),
};
