import { T } from "../i18n/i18n.tsx";

/** The PBX's own answer, verbatim and marked as its words (it speaks English whatever the console's language). */
export function PbxAnswer({ pbx }: { pbx: { code: number; message: string } }) {
  return (
    <T
      k="pbx.answered"
      values={{
        message: (
          <bdi lang="en" dir="ltr">
            {pbx.message}
          </bdi>
        ),
        code: <bdi dir="ltr">{pbx.code}</bdi>,
      }}
    />
  );
}
