import { MapState } from './model';

/**
 * How each state looks, in every renderer: the web view (as CSS variables), the SVG and the
 * terminal. Fills are the Okabe-Ito colours, told apart with the common colour-vision
 * deficiencies; free space is a pale grey-blue, so what is taken stands out. Letters stand for
 * the states where there is no colour (a pipe, a log, a screen reader).
 */
export interface StateStyle {
  fill: string;
  letter: string;
  /** SGR foreground code for a terminal. */
  ansi: string;
}

export const PALETTE: Readonly<Record<MapState, StateStyle>> = {
  allocated: { fill: '#0072b2', letter: 'A', ansi: '34' },
  held: { fill: '#e69f00', letter: 'H', ansi: '33' },
  reclaimable: { fill: '#cc79a7', letter: 'X', ansi: '35' },
  reserved: { fill: '#595959', letter: 'R', ansi: '90' },
  gateway: { fill: '#d55e00', letter: 'G', ansi: '31' },
  child: { fill: '#009e73', letter: 'C', ansi: '32' },
  free: { fill: '#dde5ec', letter: '.', ansi: '2' },
};

/** The palette as CSS custom properties (--map-allocated: #0072b2), for the web view. */
export function paletteCss(): string {
  const lines = Object.entries(PALETTE).map(([state, style]) => `  --map-${state}: ${style.fill};`);
  const classes = Object.keys(PALETTE).map((state) => `.map-${state} { fill: var(--map-${state}); background-color: var(--map-${state}); }`);
  return `:root {\n${lines.join('\n')}\n}\n${classes.join('\n')}\n`;
}
