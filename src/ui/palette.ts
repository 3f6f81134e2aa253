// Tableau 10: distinct, colour-blind-considerate, and familiar from matplotlib/seaborn plots.
const TABLEAU10 = ['#4e79a7', '#f28e2b', '#e15759', '#76b7b2', '#59a14f', '#edc948', '#b07aa1', '#ff9da7', '#9c755f', '#bab0ac'];

export const UNLABELLED_COLOR = '#4e79a7';

/** One colour per category: Tableau 10 first, then golden-angle hues so neighbours stay distinguishable. */
export function categoricalPalette(count: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < count; i++) {
    out.push(i < TABLEAU10.length ? TABLEAU10[i]! : hslToHex((i * 137.508) % 360, 0.6, i % 2 ? 0.45 : 0.6));
  }
  return out;
}

function hslToHex(h: number, s: number, l: number): string {
  const a = s * Math.min(l, 1 - l);
  const f = (n: number): string => {
    const k = (n + h / 30) % 12;
    const c = l - a * Math.max(-1, Math.min(k - 3, 9 - k, 1));
    return Math.round(c * 255)
      .toString(16)
      .padStart(2, '0');
  };
  return `#${f(0)}${f(8)}${f(4)}`;
}
