import { QueryClientProvider } from "@tanstack/react-query";
import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { RouterProvider } from "react-router";
import { createQueryClient } from "./app/queryClient.ts";
import { router } from "./app/router.tsx";
import { sessionKeys } from "./features/session/keys.ts";
import { LanguageProvider, activateLanguage } from "./i18n/i18n.tsx";
import { browserLanguage, rememberedLanguage } from "./i18n/languages.ts";
import { onUnauthenticated, signInPath } from "./lib/api.ts";
import { Toasts } from "./lib/toast.tsx";
import "./index.css";

const queryClient = createQueryClient();

// When any request finds the session gone: forget everything seen, and go to sign in with a way back.
onUnauthenticated(() => {
  if (window.location.pathname.startsWith("/sign-in")) return;
  const next = signInPath();
  queryClient.clear();
  queryClient.setQueryData(sessionKeys.current(), null);
  void router.navigate(next, { replace: true });
});

const root = document.getElementById("root");
if (!root) throw new Error("index.html has no #root");

// The first words need a catalog: the language last used in this browser, else the browser's own. Once
// signed in, the language stored for the person takes over (features/session/language.ts).
await activateLanguage(rememberedLanguage() ?? browserLanguage());

createRoot(root).render(
  <StrictMode>
    <LanguageProvider>
      <QueryClientProvider client={queryClient}>
        <RouterProvider router={router} />
        <Toasts />
      </QueryClientProvider>
    </LanguageProvider>
  </StrictMode>,
);
