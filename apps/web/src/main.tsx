import { QueryClientProvider } from "@tanstack/react-query";
import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { RouterProvider } from "react-router";
import { createQueryClient } from "./app/queryClient.ts";
import { router } from "./app/router.tsx";
import { sessionKeys } from "./features/session/queries.ts";
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

createRoot(root).render(
  <StrictMode>
    <QueryClientProvider client={queryClient}>
      <RouterProvider router={router} />
      <Toasts />
    </QueryClientProvider>
  </StrictMode>,
);
