import { createRenderer } from 'regl-scatterplot';

export type Renderer = ReturnType<typeof createRenderer>;

/**
 * regl-scatterplot draws into its renderer's WebGL canvas and then copies every frame onto the
 * visible canvas with a 2-D drawImage. That copy makes the main thread wait for the GPU to finish
 * the frame; under software GL (headless browsers, VMs, machines without a GPU) it costs
 * 100–300 ms per frame, so live previews would freeze the page. Here the renderer's own canvas is
 * the one shown, layered exactly over the scatterplot's canvas (which still receives pointer
 * events), and the copy is skipped.
 */
export function createDirectRenderer(glCanvas: HTMLCanvasElement): Renderer {
  const base = createRenderer({ canvas: glCanvas });
  const noCopy = { width: 0, height: 0, getContext: () => ({ clearRect() {}, drawImage() {} }) } as unknown as HTMLCanvasElement;
  return new Proxy(base, {
    get(target, key, receiver) {
      if (key === 'render') return (draw: () => void) => target.render(draw, noCopy);
      return Reflect.get(target, key, receiver) as unknown;
    },
  });
}
