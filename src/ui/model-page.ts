/** Small view models of the page's chrome (the transport and the status line), re-exported by model.ts. Imports nothing. */

export interface TransportModel {
  readonly step: number;
  readonly total: number;
  readonly playing: boolean;
  readonly speed: number;
}

export interface StatusModel {
  readonly text: string;
  readonly busy: boolean;
  /** A run in progress: what it is doing, in words (the progress line). */
  readonly progress: string;
}
