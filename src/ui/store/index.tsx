// The app's stores, each created once (createAppStores, from main.tsx) and read through context:
// useAppStore() for the page's status and error, useDataStore(), useMapStore(), useJobsStore(),
// useLibraryStore() (the stored maps), useMapModel() (a precomputed map prepared for adding points),
// useAddPoints() (points added to the map shown), usePcaReduce() (the preflight's PCA of the loaded
// rows), and usePageActions() for the flows that span them.
import { createContext, useContext, type JSX } from 'solid-js';
import { linkFromLocation } from '../map/app-bridge';
import { createAddPoints, type AddPoints } from './add-points';
import { createAppStore, type AppStore } from './app-store';
import { createDataStore, type DataStore } from './data-store';
import { createJobsStore, type JobsStore } from './jobs-store';
import { followLibraryEntry } from './library-follow';
import { createLibraryStore, type LibraryStore } from './library-store';
import { createMapModel, type MapModel } from './map-model';
import { createMapStore, type MapStore } from './map-store';
import type { MapInitial } from './map-types';
import { createPageActions, type PageActions } from './page-actions';
import { createPcaReduce, type PcaReduce } from './pca-reduce';

export interface AppStores {
  app: AppStore;
  data: DataStore;
  map: MapStore;
  jobs: JobsStore;
  library: LibraryStore;
  model: MapModel;
  addPoints: AddPoints;
  pca: PcaReduce;
  actions: PageActions;
}

/** Call inside a reactive root (render's): the stores' effects and cleanups belong to it. */
export function createAppStores(): AppStores {
  const boot = linkFromLocation();
  const initial: MapInitial = {};
  if (boot.link?.view) initial.view = boot.link.view;
  if (boot.link?.color) initial.color = boot.link.color;
  if (boot.link?.minClusterSize) initial.minClusterSize = boot.link.minClusterSize;
  const app = createAppStore();
  const data = createDataStore();
  const map = createMapStore(data.input, initial);
  const jobs = createJobsStore(app, map);
  const library = createLibraryStore(jobs.scheduler);
  const model = createMapModel(map, jobs.scheduler, data.form);
  const addPoints = createAddPoints(map, jobs, data.form);
  followLibraryEntry(map, library, addPoints.arrived);
  const pca = createPcaReduce(app, data);
  const actions = createPageActions(app, data, map, jobs, boot);
  return { app, data, map, jobs, library, model, addPoints, pca, actions };
}

const StoresContext = createContext<AppStores>();

export function StoreProvider(props: { stores: AppStores; children: JSX.Element }) {
  return <StoresContext.Provider value={props.stores}>{props.children}</StoresContext.Provider>;
}

function useStores(): AppStores {
  const stores = useContext(StoresContext);
  if (!stores) throw new Error('The app stores are read inside <StoreProvider>.');
  return stores;
}

export const useAppStore = (): AppStore => useStores().app;
export const useDataStore = (): DataStore => useStores().data;
export const useMapStore = (): MapStore => useStores().map;
export const useJobsStore = (): JobsStore => useStores().jobs;
export const useLibraryStore = (): LibraryStore => useStores().library;
export const useMapModel = (): MapModel => useStores().model;
export const useAddPoints = (): AddPoints => useStores().addPoints;
export const usePcaReduce = (): PcaReduce => useStores().pca;
export const usePageActions = (): PageActions => useStores().actions;

export type { AppStore, AppStatus } from './app-store';
export type { DataStore } from './data-store';
export type { JobsStore } from './jobs-store';
export type { LibraryStore } from './library-store';
export type { MapStore } from './map-store';
export type { PageActions } from './page-actions';
