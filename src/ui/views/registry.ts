/**
 * The views of the page, in tab order. A view is one file exporting a ViewDef; adding one is that
 * file plus one line here. The tabs and the valid `?view=` values are read from this list.
 */
import type { ViewDef } from '../model.ts';
import { benchView } from './bench.ts';
import { compareView } from './compare.ts';
import { dataView } from './data.ts';
import { inspectorView } from './inspector.ts';
import { mapView } from './map.ts';
import { planView } from './plan.ts';
import { poolsView } from './pools.ts';
import { verdictView } from './verdict.ts';

export const VIEW_REGISTRY: readonly ViewDef[] = [
  poolsView,
  planView,
  verdictView,
  mapView,
  inspectorView,
  compareView,
  dataView,
  benchView,
];

export const VIEW_IDS: readonly string[] = VIEW_REGISTRY.map((v) => v.id);
