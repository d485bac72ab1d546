import type { NewStand } from '@hybrid-stage/shared';

/** A plain stand for tests whose gift has `stock` vouchers. */
export function standWithStock(id: string, stock: number): NewStand {
  return {
    id,
    placement: { x: 0, z: 30, rotation: 270 },
    content: {
      exhibitor: 'Test Exhibitor',
      region: 'europe',
      colours: { primary: '#112233', accent: '#ffcc00' },
      logoText: 'TEST',
      tagline: '',
      products: [],
      videoUrl: '',
      links: [],
      team: [],
      gift: { title: 'Test mug', description: '', stock },
    },
  };
}
