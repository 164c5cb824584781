import { lazy, Suspense } from "react";

/** The dashboard and its chart library load when the area is first opened, not with the desktop. */
const Dashboard = lazy(() => import("./Dashboard"));

export function AnalyticsArea() {
  return (
    <Suspense fallback={<p className="empty">Loading the figures…</p>}>
      <Dashboard />
    </Suspense>
  );
}
