import { useState } from "react";
import { errorMessage } from "../api/client";
import { formatDateTime } from "../ui/dateTime";
import { CopyButton } from "./parts";
import { useIdentitySecret, useRotateIdentitySecret } from "./queries";

const GRACE_HOURS = 24;

/** A site key's identity secret (it signs the shop's identity tokens), and its rotation:
 * the replaced secret keeps verifying for a day while the shop's back-ends switch over,
 * or stops at once when it leaked (docs/security.md, "Rotating secrets"). */
export function IdentitySecret({ siteKeyId }: { siteKeyId: string }) {
  const [shown, setShown] = useState(false);
  const secret = useIdentitySecret(siteKeyId, shown);
  const rotate = useRotateIdentitySecret(siteKeyId);

  function confirmRotate(graceHours: number) {
    const question =
      graceHours > 0
        ? `Make a new identity secret? The current one keeps working for ${GRACE_HOURS} hours: put the new one in your shop's back-end before then.`
        : "Make a new identity secret and stop the current one now? Sign-ins signed with it are refused until your shop's back-end has the new one.";
    if (window.confirm(question)) rotate.mutate(graceHours);
  }

  if (!shown) {
    return (
      <button type="button" className="button button--small" data-testid="identity-secret-show" onClick={() => setShown(true)}>
        Show identity secret
      </button>
    );
  }
  const data = secret.data;
  return (
    <div className="site__identity" data-testid="identity-secret">
      {secret.isError && <p className="form-error" role="alert">{errorMessage(secret.error)}</p>}
      {data && (
        <p>
          Identity secret: <code data-testid="identity-secret-value">{data.secret}</code>{" "}
          <CopyButton text={data.secret} label="Copy" />
          {data.previous_valid_until && (
            <span data-testid="identity-secret-previous">
              {" "}
              (the previous secret works until <time dateTime={data.previous_valid_until}>{formatDateTime(data.previous_valid_until)}</time>)
            </span>
          )}
        </p>
      )}
      <button
        type="button"
        className="button button--small"
        data-testid="identity-secret-rotate"
        disabled={rotate.isPending}
        onClick={() => confirmRotate(GRACE_HOURS)}
      >
        Rotate (old one works {GRACE_HOURS} h)
      </button>{" "}
      <button
        type="button"
        className="button button--small button--danger"
        data-testid="identity-secret-rotate-now"
        disabled={rotate.isPending}
        onClick={() => confirmRotate(0)}
      >
        Rotate now (leaked)
      </button>
      {rotate.isError && <p className="form-error" role="alert">Could not rotate: {errorMessage(rotate.error)}</p>}
    </div>
  );
}
