import { useT } from "../../i18n/i18n.tsx";

/** Beside a time the console learned after the fact (an answer revealed it, or a settle found it out). */
export function LateMark() {
  const t = useT();
  return (
    <abbr title={t("history.lateTitle")} className="ms-0.5 text-amber-800 no-underline">
      {t("history.lateMark")}
    </abbr>
  );
}
