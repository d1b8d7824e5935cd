import type { Role } from "@crystal-console/api";
import type { ReactNode } from "react";
import { Link, Navigate, NavLink, Outlet, useLocation, useNavigate } from "react-router";
import { signInPath } from "../lib/api.ts";
import { ErrorNotice, Spinner, buttonClass, useDocumentTitle } from "../lib/ui.tsx";
import {
  AlertCount,
  AlertNotificationSettings,
  useAlertNotifications,
} from "../features/alerts/AlertsInHeader.tsx";
import { ConnectionIndicator, PbxHealthBanner } from "../features/live/LiveStatus.tsx";
import { useLiveEvents } from "../features/live/useLiveEvents.ts";
import { homePath, useCurrentUser, useSession, useSignOut } from "../features/session/queries.ts";
import type { SessionUser } from "@crystal-console/api";
import { T, useT, type MessageKey } from "../i18n/i18n.tsx";
import { LanguagePicker, useAdoptLanguage, useSaveLanguage } from "../features/session/language.tsx";

const links: { to: string; label: MessageKey; roles: Role[] }[] = [
  { to: "/board", label: "nav.board", roles: ["admin", "supervisor", "viewer"] },
  { to: "/me", label: "nav.me", roles: ["agent"] },
  { to: "/wallboard", label: "nav.wallboard", roles: ["admin", "supervisor", "viewer"] },
  { to: "/audit", label: "nav.audit", roles: ["admin", "supervisor"] },
  { to: "/reports", label: "report.nav", roles: ["admin", "supervisor"] },
  { to: "/admin/agents", label: "nav.agents", roles: ["admin"] },
  { to: "/admin/queues", label: "nav.queues", roles: ["admin"] },
  { to: "/admin/users", label: "nav.users", roles: ["admin"] },
  { to: "/admin/import", label: "nav.import", roles: ["admin"] },
  { to: "/admin/policy", label: "nav.policy", roles: ["admin"] },
];

/** Every page behind sign-in: the session check, the header, live events, the PBX banner. */
export function SignedInLayout({ bare = false }: { bare?: boolean }) {
  const session = useSession();
  const location = useLocation();
  const t = useT();
  if (session.isPending) return <Spinner label={t("shell.opening")} />;
  if (session.isError) return <ErrorNotice title={t("shell.unreachable")} error={session.error} />;
  if (!session.data) return <Navigate to={signInPath(location.pathname + location.search)} replace />;
  return bare ? <Bare user={session.data} /> : <Shell user={session.data} />;
}

/** A full-screen page (the wallboard): live events and the person's language, no header. */
function Bare({ user }: { user: SessionUser }) {
  useLiveEvents(user);
  useAdoptLanguage(user);
  return <Outlet />;
}

function Shell({ user }: { user: SessionUser }) {
  useLiveEvents(user);
  useAdoptLanguage(user);
  const signOut = useSignOut();
  const saveLanguage = useSaveLanguage();
  const navigate = useNavigate();
  const t = useT();
  return (
    <div className="flex h-dvh flex-col bg-slate-100 text-slate-900">
      <header className="bg-slate-900 text-white">
        <div className="flex flex-wrap items-center gap-x-4 gap-y-2 px-3 py-2 sm:px-4">
          <Link to={homePath(user.role)} className="flex items-center gap-2 font-semibold">
            <img src="/favicon.svg" alt="" className="size-6" />
            <span>{t("app.name")}</span>
          </Link>
          <nav aria-label={t("nav.main")} className="order-3 w-full overflow-x-auto sm:order-none sm:w-auto">
            <ul className="flex gap-1">
              {links
                .filter((link) => link.roles.includes(user.role))
                .map((link) => (
                  <li key={link.to}>
                    <NavLink
                      to={link.to}
                      className={({ isActive }) =>
                        `block rounded-md px-3 py-1.5 text-sm whitespace-nowrap ${isActive ? "bg-white/15 font-semibold" : "text-slate-200 hover:bg-white/10"}`
                      }
                    >
                      {t(link.label)}
                    </NavLink>
                  </li>
                ))}
            </ul>
          </nav>
          <div className="ms-auto flex items-center gap-3">
            {user.role !== "agent" && <WatcherAlerts />}
            <ConnectionIndicator />
            <LanguagePicker tone="dark" onChange={(language) => saveLanguage.mutate(language)} />
            <span className="hidden text-sm text-slate-300 md:inline">
              <T
                k="shell.whoAmI"
                values={{ name: <bdi>{user.username}</bdi>, role: t(`role.${user.role}`) }}
              />
            </span>
            <button
              type="button"
              className={buttonClass("ghost", "sm") + " text-white hover:bg-white/10"}
              disabled={signOut.isPending}
              onClick={() =>
                signOut.mutate(undefined, { onSuccess: () => void navigate("/sign-in", { replace: true }) })
              }
            >
              {t("shell.signOut")}
            </button>
          </div>
        </div>
      </header>
      <PbxHealthBanner />
      <div className="min-h-0 flex-1 overflow-y-auto">
        <Outlet />
      </div>
    </div>
  );
}

/** The alerts count and this browser's opt-in sound and notification, for everyone who watches the board. */
function WatcherAlerts() {
  useAlertNotifications();
  return (
    <>
      <AlertCount />
      <AlertNotificationSettings />
    </>
  );
}

/** A page only some roles may open; the others go to their own start page. */
export function RequireRole({ roles, children }: { roles: Role[]; children: ReactNode }) {
  const user = useCurrentUser();
  if (!roles.includes(user.role)) return <Navigate to={homePath(user.role)} replace />;
  return children;
}

export function HomeRedirect() {
  const user = useCurrentUser();
  return <Navigate to={homePath(user.role)} replace />;
}

export function NotFoundPage() {
  const user = useCurrentUser();
  const t = useT();
  useDocumentTitle(t("notFound.title"));
  return (
    <main className="p-6">
      <h1 className="text-xl font-semibold">{t("notFound.title")}</h1>
      <p className="mt-2 text-sm">
        <Link className="text-cyan-800 underline" to={homePath(user.role)}>
          {t("notFound.home")}
        </Link>
      </p>
    </main>
  );
}
