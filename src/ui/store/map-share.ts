// The map's share link: its source and parameters as the run started, the view, the colour-by and
// the cluster size as they are now. A map of a local file has none, and says why.
import { createMemo, createSignal, type Accessor } from 'solid-js';
import { linkQuery, type MapLink, type MapView } from '../../share/link';
import type { MapResult, ShareState } from './map-types';

export function createShareLink(o: {
  share: Accessor<ShareState>;
  result: Accessor<MapResult | null>;
  view: Accessor<MapView | null>;
  colorKey: Accessor<string | null>;
  /** The typed min cluster size when it is valid, else null (the default is not written). */
  minClusterSize: Accessor<number | null>;
}) {
  const [copied, setCopied] = createSignal<string | null>(null);
  const link = createMemo<string | null>(() => {
    const s = o.share();
    if (!s.source || !s.params) return null;
    const v = o.view();
    const l: MapLink = { source: s.source, params: s.params };
    if (v) l.view = v;
    const key = o.colorKey();
    if (key) l.color = key;
    const mcs = o.minClusterSize();
    if (mcs !== null) l.minClusterSize = mcs;
    return new URL(linkQuery(l, location.search), location.href).href;
  });
  const noLinkReason = () =>
    o.share().source === null && o.result()
      ? 'No link for this map: it was made from a file on your computer, and links never carry your data. Export a map file to share it instead.'
      : null;

  const copy = async () => {
    const l = link();
    if (!l) return;
    try {
      await navigator.clipboard.writeText(l);
      setCopied('Link copied.');
    } catch {
      setCopied('Copy failed; select the link above and copy it.');
    }
  };

  return { link, noLinkReason, copied, copy };
}
