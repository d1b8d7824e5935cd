import { lazy, Suspense, type ReactNode } from "react";
import { createBrowserRouter } from "react-router";
import { Spinner } from "../lib/ui.tsx";
import { SignInPage } from "../features/session/SignInPage.tsx";
import { HomeRedirect, NotFoundPage, RequireRole, SignedInLayout } from "./SignedInLayout.tsx";

// Every page but sign-in loads on demand, the board too: its grid and drag-and-drop (dnd-kit, the
// virtualizer) are a fifth of the JavaScript, and the first screen only needs the shell and a catalog.
const loadBoard = () => import("../features/agents/BoardPage.tsx");
const BoardPage = lazy(loadBoard);
// Opening the board itself (the supervisors' start page): fetch its code while the catalog and the session
// load, rather than after them.
if (window.location.pathname === "/" || window.location.pathname.startsWith("/board")) void loadBoard();
const MePage = lazy(() => import("../features/agents/MePage.tsx"));
const AuditPage = lazy(() => import("../features/audit/AuditPage.tsx"));
// The reports page brings its chart library (recharts) with it: nothing else loads it.
const ReportsPage = lazy(() => import("../features/reports/ReportsPage.tsx"));
const AdminAgentsPage = lazy(() => import("../features/agents/AdminAgentsPage.tsx"));
const AdminQueuesPage = lazy(() => import("../features/queues/AdminQueuesPage.tsx"));
const UsersPage = lazy(() => import("../features/users/UsersPage.tsx"));
const ImportPage = lazy(() => import("../features/import/ImportPage.tsx"));
const PolicyPage = lazy(() => import("../features/alerts/PolicyPage.tsx"));
const WallboardPage = lazy(() => import("../features/wallboard/WallboardPage.tsx"));

const page = (node: ReactNode) => <Suspense fallback={<Spinner />}>{node}</Suspense>;

export const router = createBrowserRouter([
  { path: "/sign-in", element: <SignInPage /> },
  {
    element: <SignedInLayout bare />,
    children: [
      {
        path: "wallboard",
        element: (
          <RequireRole roles={["admin", "supervisor", "viewer"]}>{page(<WallboardPage />)}</RequireRole>
        ),
      },
    ],
  },
  {
    element: <SignedInLayout />,
    children: [
      { index: true, element: <HomeRedirect /> },
      {
        path: "board",
        element: <RequireRole roles={["admin", "supervisor", "viewer"]}>{page(<BoardPage />)}</RequireRole>,
      },
      { path: "me", element: <RequireRole roles={["agent"]}>{page(<MePage />)}</RequireRole> },
      {
        path: "audit",
        element: <RequireRole roles={["admin", "supervisor"]}>{page(<AuditPage />)}</RequireRole>,
      },
      {
        path: "reports",
        element: <RequireRole roles={["admin", "supervisor"]}>{page(<ReportsPage />)}</RequireRole>,
      },
      {
        path: "admin/agents",
        element: <RequireRole roles={["admin"]}>{page(<AdminAgentsPage />)}</RequireRole>,
      },
      {
        path: "admin/queues",
        element: <RequireRole roles={["admin"]}>{page(<AdminQueuesPage />)}</RequireRole>,
      },
      { path: "admin/users", element: <RequireRole roles={["admin"]}>{page(<UsersPage />)}</RequireRole> },
      {
        path: "admin/import",
        element: <RequireRole roles={["admin"]}>{page(<ImportPage />)}</RequireRole>,
      },
      {
        path: "admin/policy",
        element: <RequireRole roles={["admin"]}>{page(<PolicyPage />)}</RequireRole>,
      },
      { path: "*", element: <NotFoundPage /> },
    ],
  },
]);
