import { QueryClient, QueryClientProvider, useQueryClient } from "@tanstack/react-query";
import { useEffect, useState } from "react";
import { ApiError, errorMessage, setUnauthorizedHandler } from "../api/client";
import { keys } from "../api/keys";
import { LoginScreen } from "../auth/LoginScreen";
import { useMe } from "../auth/session";
import { useLang } from "../i18n/i18n";
import { Desktop } from "./Desktop";

export function createQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: {
        staleTime: 30_000,
        refetchOnWindowFocus: false,
        retry: (failures, error) => !(error instanceof ApiError && error.status >= 400 && error.status < 500) && failures < 2,
      },
      mutations: { retry: false },
    },
  });
}

function AuthGate() {
  const queryClient = useQueryClient();
  const me = useMe();
  // A new language renders the desktop afresh, every text and date in it.
  const lang = useLang();
  useEffect(() => {
    document.documentElement.lang = lang;
  }, [lang]);

  // Any 401 mid-session (expired cookie) sends the agent back to sign-in.
  useEffect(() => {
    setUnauthorizedHandler(() => queryClient.setQueryData(keys.me, null));
    return () => setUnauthorizedHandler(null);
  }, [queryClient]);

  if (me.isPending) {
    return <div className="splash" aria-busy="true"><span className="brand-mark">H</span></div>;
  }
  if (me.isError) {
    return (
      <div className="splash">
        <div className="splash__card" role="alert">
          <p>Could not reach Hovor: {errorMessage(me.error)}</p>
          <button type="button" className="button button--primary" onClick={() => void me.refetch()}>Try again</button>
        </div>
      </div>
    );
  }
  return me.data ? <Desktop key={lang} me={me.data} /> : <LoginScreen />;
}

export function App() {
  const [queryClient] = useState(createQueryClient);
  return (
    <QueryClientProvider client={queryClient}>
      <AuthGate />
    </QueryClientProvider>
  );
}
