/** React access to the store and the api: one provider at the root, narrow selectors in components. */
import { createContext, useContext, type ReactNode } from 'react';
import { useStore } from 'zustand';
import type { ReviewApi } from '../../../shared/contract.ts';
import type { AppState, ReviewStore } from './types.ts';

interface AppContextValue {
  store: ReviewStore;
  api: ReviewApi;
}

const AppContext = createContext<AppContextValue | null>(null);

export function AppProvider({ store, api, children }: AppContextValue & { children: ReactNode }) {
  return <AppContext.Provider value={{ store, api }}>{children}</AppContext.Provider>;
}

function useAppContext(): AppContextValue {
  const ctx = useContext(AppContext);
  if (!ctx) throw new Error('AppProvider is missing above this component');
  return ctx;
}

/** Select from the store; the selector must return stored values (or primitives), not fresh arrays. */
export function useApp<T>(selector: (state: AppState) => T): T {
  return useStore(useAppContext().store, selector);
}

export function useStoreApi(): ReviewStore {
  return useAppContext().store;
}

export function useReviewApi(): ReviewApi {
  return useAppContext().api;
}
