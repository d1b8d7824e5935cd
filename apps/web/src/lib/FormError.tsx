import type { FormErrors } from "./forms.ts";
import { PbxAnswer } from "./PbxAnswer.tsx";

/** The error that belongs to no single field, with the PBX's own answer when it refused. */
export function FormError({ errors }: { errors: FormErrors }) {
  if (!errors.form && !errors.pbxMessage) return null;
  return (
    <div role="alert" className="rounded-md border border-red-200 bg-red-50 px-3 py-2 text-sm text-red-900">
      {errors.form && <p>{errors.form}</p>}
      {errors.pbxMessage && (
        <p className="mt-0.5">
          <PbxAnswer pbx={{ message: errors.pbxMessage, code: Number(errors.pbxCode) }} />
        </p>
      )}
    </div>
  );
}
