// Which side panels and sections are open. The user's own choices are remembered in localStorage;
// what the app opens or closes by itself (a phone's sheet making way for a new map) is not, so the
// next visit starts from what the user chose.
import { createSignal, onCleanup, type Accessor } from 'solid-js';

type SectionId = 'data' | 'jobs' | 'library' | 'settings';

interface PanelPrefs {
  left: boolean;
  /** Null until the user opens or closes it: then a first map opens it on wide screens. */
  right: boolean | null;
  sections: Record<SectionId, boolean>;
}

const KEY = 'mapstream.panels.v1';
/** Below this width the panels are bottom sheets (keep equal to the media queries in panels.css). */
const NARROW_QUERY = '(max-width: 600px)';

const DEFAULTS: PanelPrefs = { left: true, right: null, sections: { data: true, jobs: true, library: true, settings: false } };

function readPrefs(): PanelPrefs {
  try {
    const raw = JSON.parse(localStorage.getItem(KEY) ?? 'null') as Partial<PanelPrefs> | null;
    if (!raw || typeof raw !== 'object') return DEFAULTS;
    const sections = { ...DEFAULTS.sections };
    for (const id of Object.keys(sections) as SectionId[]) if (typeof raw.sections?.[id] === 'boolean') sections[id] = raw.sections[id];
    return {
      left: typeof raw.left === 'boolean' ? raw.left : DEFAULTS.left,
      right: typeof raw.right === 'boolean' ? raw.right : null,
      sections,
    };
  } catch {
    // Unreadable or blocked storage: start as a first visit does.
    return DEFAULTS;
  }
}

function writePrefs(p: PanelPrefs): void {
  try {
    localStorage.setItem(KEY, JSON.stringify(p));
  } catch {
    // Storage off: the panels still work, they are just not remembered.
  }
}

function createMediaSignal(query: string): Accessor<boolean> {
  const mq = window.matchMedia(query);
  const [matches, setMatches] = createSignal(mq.matches);
  const onChange = () => setMatches(mq.matches);
  mq.addEventListener('change', onChange);
  onCleanup(() => mq.removeEventListener('change', onChange));
  return matches;
}

export interface PanelState {
  /** Bottom sheets rather than side panels. */
  narrow: Accessor<boolean>;
  leftOpen: Accessor<boolean>;
  rightOpen: Accessor<boolean>;
  sectionOpen(id: SectionId): boolean;
  toggleLeft(): void;
  toggleRight(): void;
  toggleSection(id: SectionId): void;
  /** A map appeared where there was none: let it dominate. */
  mapShown(): void;
}

/** Call once, inside the component tree (it listens to the viewport width). */
export function createPanelState(): PanelState {
  const prefs = readPrefs();
  const narrow = createMediaSignal(NARROW_QUERY);
  const [left, setLeft] = createSignal(prefs.left);
  const [right, setRight] = createSignal(prefs.right ?? false);
  const [sections, setSections] = createSignal(prefs.sections);
  let rightChosen = prefs.right !== null;
  const save = () => writePrefs({ left: left(), right: rightChosen ? right() : null, sections: sections() });

  // Two sheets would cover each other on a phone, so there one at a time is shown: the left wins.
  const rightOpen = () => right() && !(narrow() && left());
  return {
    narrow,
    leftOpen: left,
    rightOpen,
    sectionOpen: (id) => sections()[id],
    toggleLeft: () => {
      const open = !left();
      setLeft(open);
      if (open && narrow()) setRight(false);
      save();
    },
    toggleRight: () => {
      const open = !rightOpen();
      setRight(open);
      if (open && narrow()) setLeft(false);
      rightChosen = true;
      save();
    },
    toggleSection: (id) => {
      setSections({ ...sections(), [id]: !sections()[id] });
      save();
    },
    mapShown: () => {
      if (narrow()) setLeft(false);
      else if (!rightChosen) setRight(true);
    },
  };
}
